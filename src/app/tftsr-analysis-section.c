/* tftsr-analysis-section.c
 *
 * The section lists an incident's analyses (read in a worker, newest first) and shows one
 * in a TftsrAnalysisCard that folds away under the header, so the chat below keeps its
 * room. The incident comes from the page as an object: its id says which analyses to read,
 * its severity whether a suggestion is still news. Recording the suggested why 1 reads the
 * chain first, so an answer given meanwhile is never replaced without asking.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <adwaita.h>
#include <glib/gi18n.h>

#include "tftsr-analysis-card.h"
#include "tftsr-analysis-section.h"
#include "tftsr-app-format.h"

struct _TftsrAnalysisSection
{
  GtkWidget parent_instance;

  TftsrStore *store;
  TftsrIssue *issue;
  gint64 issue_id;           /* whose analyses are listed */
  guint level;               /* of its 5 Whys */
  GCancellable *cancellable; /* replaced for each incident */
  guint loads;               /* loads started: only the newest is shown */
  GPtrArray *analyses;       /* TftsrLogAnalysis, newest first */
  GtkStringList *titles;     /* one per analysis, for the drop-down's button */

  GtkLabel *status_label;
  GtkDropDown *history_dropdown;
  GtkWidget *analyze_button;
  GtkToggleButton *expand_toggle;
  TftsrAnalysisCard *card;
};

G_DEFINE_FINAL_TYPE (TftsrAnalysisSection, tftsr_analysis_section, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_ISSUE,
  PROP_LEVEL,
  N_PROPS
};

enum
{
  FAILED,
  WHYS_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
fail (TftsrAnalysisSection *self, const GError *error)
{
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_signal_emit (self, signals[FAILED], 0, error);
}

static const TftsrLogAnalysis *
shown_analysis (TftsrAnalysisSection *self)
{
  guint selected = gtk_drop_down_get_selected (self->history_dropdown);

  return selected < self->analyses->len ? self->analyses->pdata[selected] : NULL;
}

/* --- showing ------------------------------------------------------------------------------ */

/* The header's line: when the analysis shown was made and what it found, readable while
 * the card is folded away. */
static char *
status_text (const TftsrLogAnalysis *analysis)
{
  g_autofree char *when = NULL;
  GString *text;

  if (analysis == NULL)
    return g_strdup (_ ("None yet: a summary, key findings and a first why from the logs"));
  when = tftsr_format_relative_time (analysis->created_at);
  text = g_string_new (when);
  if (!analysis->parsed)
    g_string_append (text, _ (" · not in the form asked for"));
  else
    g_string_append_printf (
        text,
        g_dngettext (NULL, " · %u key finding", " · %u key findings", analysis->findings->len),
        analysis->findings->len);
  if (analysis->has_severity)
    /* Translators: %s is a severity such as "P1 · Critical" */
    g_string_append_printf (text, _ (" · suggests %s"),
                            tftsr_severity_get_label (analysis->severity));
  return g_string_free (text, FALSE);
}

static void
show_selected (TftsrAnalysisSection *self)
{
  const TftsrLogAnalysis *analysis = shown_analysis (self);
  g_autofree char *status = status_text (analysis);

  gtk_label_set_label (self->status_label, status);
  gtk_widget_set_visible (GTK_WIDGET (self->expand_toggle), analysis != NULL);
  if (analysis != NULL)
    tftsr_analysis_card_show (self->card, analysis);
  else
    gtk_toggle_button_set_active (self->expand_toggle, FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "analysis.use-why", analysis != NULL);
}

/* What the drop-down's button says: short, the card below tells the rest. */
static char *
button_text (const TftsrLogAnalysis *analysis, guint position)
{
  g_autofree char *when = NULL;

  if (position == 0)
    return g_strdup (_ ("Latest Analysis"));
  when = tftsr_format_time (analysis->created_at);
  /* Translators: %s is a date and time */
  return g_strdup_printf (_ ("Analysis of %s"), when);
}

/* Shows @analyses (NULL: none), the newest first. */
static void
show_analyses (TftsrAnalysisSection *self, GPtrArray *analyses)
{
  g_autoptr (GPtrArray) titles = g_ptr_array_new_with_free_func (g_free);
  guint old = g_list_model_get_n_items (G_LIST_MODEL (self->titles));

  g_ptr_array_unref (self->analyses);
  self->analyses = analyses != NULL
                       ? g_ptr_array_ref (analyses)
                       : g_ptr_array_new_with_free_func ((GDestroyNotify) tftsr_log_analysis_free);
  for (guint i = 0; i < self->analyses->len; i++)
    g_ptr_array_add (titles, button_text (self->analyses->pdata[i], i));
  g_ptr_array_add (titles, NULL);
  gtk_string_list_splice (self->titles, 0, old, (const char *const *) titles->pdata);
  gtk_widget_set_visible (GTK_WIDGET (self->history_dropdown), self->analyses->len > 1);
  gtk_drop_down_set_selected (self->history_dropdown, 0);
  show_selected (self);
}

/* The drop-down's rows: when, by whom, and the logs sent. */
static void
setup_history_row (GtkSignalListItemFactory *factory, GtkListItem *item)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title = gtk_label_new (NULL);
  GtkWidget *logs = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_xalign (GTK_LABEL (logs), 0);
  gtk_label_set_ellipsize (GTK_LABEL (logs), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (logs), 48);
  gtk_widget_add_css_class (logs, "caption");
  gtk_widget_add_css_class (logs, "dim-label");
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), logs);
  gtk_list_item_set_child (item, box);
}

static void
bind_history_row (GtkSignalListItemFactory *factory, GtkListItem *item, TftsrAnalysisSection *self)
{
  GtkWidget *title = gtk_widget_get_first_child (gtk_list_item_get_child (item));
  guint position = gtk_list_item_get_position (item);
  const TftsrLogAnalysis *analysis;
  g_autofree char *when = NULL, *text = NULL, *sent = NULL;

  if (position >= self->analyses->len)
    return;
  analysis = self->analyses->pdata[position];
  when = tftsr_format_time (analysis->created_at);
  text = g_strdup_printf ("%s · %s · %s", when, analysis->provider, analysis->model);
  sent = tftsr_format_logs_sent (analysis);
  gtk_label_set_label (GTK_LABEL (title), text);
  gtk_label_set_label (GTK_LABEL (gtk_widget_get_next_sibling (title)), sent);
}

static void
on_expand_toggled (TftsrAnalysisSection *self)
{
  gboolean open = gtk_toggle_button_get_active (self->expand_toggle);
  const char *what = open ? _ ("Hide the Analysis") : _ ("Show the Analysis");

  gtk_button_set_icon_name (GTK_BUTTON (self->expand_toggle),
                            open ? "pan-up-symbolic" : "pan-down-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->expand_toggle), what);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->expand_toggle),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, what, -1);
}

/* --- loading ------------------------------------------------------------------------------- */

typedef struct
{
  TftsrAnalysisSection *self;
  guint load;
  gboolean reveal;
} Load;

static void
loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autofree Load *job = user_data;
  g_autoptr (TftsrAnalysisSection) self = job->self;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) analyses =
      tftsr_store_list_log_analyses_finish (TFTSR_STORE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || job->load != self->loads)
    return;
  if (analyses == NULL)
    {
      fail (self, error);
      return;
    }
  show_analyses (self, analyses);
  if (job->reveal && analyses->len > 0)
    gtk_toggle_button_set_active (self->expand_toggle, TRUE);
}

void
tftsr_analysis_section_reload (TftsrAnalysisSection *self, gboolean reveal)
{
  Load *job;

  g_return_if_fail (TFTSR_IS_ANALYSIS_SECTION (self));
  if (self->store == NULL || self->issue_id == 0)
    return;
  job = g_new0 (Load, 1);
  job->self = g_object_ref (self);
  job->load = ++self->loads;
  job->reveal = reveal;
  tftsr_store_list_log_analyses_async (self->store, self->issue_id, self->cancellable, loaded, job);
}

static void
show_incident (TftsrAnalysisSection *self, gint64 issue_id)
{
  g_cancellable_cancel (self->cancellable);
  g_object_unref (self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->issue_id = issue_id;
  show_analyses (self, NULL);
  tftsr_analysis_section_reload (self, FALSE);
}

/* --- the suggested why 1 ------------------------------------------------------------------ */

typedef struct
{
  TftsrAnalysisSection *self;
  gint64 issue_id;
  char *question; /* for a why 1 not asked yet, else NULL: the question stays */
  char *answer;
  char *evidence;
} UseWhy;

static void
use_why_free (UseWhy *job)
{
  g_object_unref (job->self);
  g_free (job->question);
  g_free (job->answer);
  g_free (job->evidence);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UseWhy, use_why_free)

static void
why_recorded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (UseWhy) job = user_data;
  g_autoptr (GError) error = NULL;

  if (tftsr_store_change_finish (TFTSR_STORE (source), result, &error))
    g_signal_emit (job->self, signals[WHYS_CHANGED], 0);
  else
    fail (job->self, error);
}

static void
record_why (UseWhy *job)
{
  tftsr_store_set_why_async (job->self->store, job->issue_id, 1, job->question, job->answer,
                             job->evidence, job->self->cancellable, why_recorded, job);
}

static void
replace_confirmed (AdwMessageDialog *dialog, const char *response, UseWhy *job)
{
  if (g_str_equal (response, "replace"))
    record_why (job);
  else
    use_why_free (job);
}

static void
confirm_replace (UseWhy *job, const char *answered)
{
  g_autofree char *old = tftsr_display_text (answered);
  g_autofree char *new = tftsr_display_text (job->answer);
  GtkWidget *dialog = adw_message_dialog_new (
      GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (job->self))), _ ("Replace Why 1?"), NULL);

  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _ ("Why 1 already has an answer:\n“%s”\n\nThe analysis "
                                     "suggests:\n“%s”"),
                                  old, new);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _ ("_Cancel"), "replace",
                                    _ ("_Replace"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "replace",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (replace_confirmed), job);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
chain_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (UseWhy) job = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrTriageState) state =
      tftsr_store_get_triage_finish (TFTSR_STORE (source), result, &error);
  const TftsrTriageWhy *why;

  if (state == NULL)
    {
      fail (job->self, error);
      return;
    }
  why = tftsr_triage_state_get_why (state, 1);
  if (why != NULL && *why->question != '\0')
    g_clear_pointer (&job->question, g_free);
  if (why != NULL && *why->answer != '\0')
    confirm_replace (g_steal_pointer (&job), why->answer);
  else
    record_why (g_steal_pointer (&job));
}

static void
use_why_action (GtkWidget *widget, const char *name, GVariant *param)
{
  TftsrAnalysisSection *self = TFTSR_ANALYSIS_SECTION (widget);
  const TftsrLogAnalysis *analysis = shown_analysis (self);
  g_autofree char *when = NULL;
  UseWhy *job;

  if (analysis == NULL || *analysis->first_why == '\0' || self->issue == NULL)
    return;
  when = tftsr_format_time (analysis->created_at);
  job = g_new0 (UseWhy, 1);
  job->self = g_object_ref (self);
  job->issue_id = self->issue_id;
  job->question = tftsr_triage_why_question (1, tftsr_issue_get_title (self->issue), NULL);
  job->answer = g_strdup (analysis->first_why);
  job->evidence = g_strdup_printf (_ ("Log analysis of %s by %s · %s"), when, analysis->provider,
                                   analysis->model);
  tftsr_store_get_triage_async (self->store, self->issue_id, self->cancellable, chain_read, job);
}

/* --- public -------------------------------------------------------------------------------- */

void
tftsr_analysis_section_set_store (TftsrAnalysisSection *self, TftsrStore *store)
{
  g_return_if_fail (TFTSR_IS_ANALYSIS_SECTION (self));
  g_set_object (&self->store, store);
  show_incident (self, 0);
}

void
tftsr_analysis_section_set_analyze_hint (TftsrAnalysisSection *self, const char *hint)
{
  g_return_if_fail (TFTSR_IS_ANALYSIS_SECTION (self));
  gtk_widget_set_tooltip_text (self->analyze_button, hint);
}

static void
on_severity_changed (TftsrAnalysisSection *self)
{
  tftsr_analysis_card_set_severity (self->card, tftsr_issue_get_severity (self->issue));
}

/* The page hands over a new object after every save: only another id means other
 * analyses. */
static void
set_issue (TftsrAnalysisSection *self, TftsrIssue *issue)
{
  gint64 id = issue != NULL ? tftsr_issue_get_id (issue) : 0;

  if (self->issue != NULL)
    g_signal_handlers_disconnect_by_func (self->issue, on_severity_changed, self);
  if (!g_set_object (&self->issue, issue))
    return;
  if (issue != NULL)
    {
      g_signal_connect_object (issue, "notify::severity", G_CALLBACK (on_severity_changed), self,
                               G_CONNECT_SWAPPED);
      on_severity_changed (self);
    }
  if (id != self->issue_id)
    show_incident (self, id);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ISSUE]);
}

/* --- class --------------------------------------------------------------------------------- */

static void
tftsr_analysis_section_dispose (GObject *object)
{
  TftsrAnalysisSection *self = TFTSR_ANALYSIS_SECTION (object);

  g_cancellable_cancel (self->cancellable);
  if (self->issue != NULL)
    g_signal_handlers_disconnect_by_func (self->issue, on_severity_changed, self);
  g_clear_object (&self->issue);
  gtk_widget_dispose_template (GTK_WIDGET (self), TFTSR_TYPE_ANALYSIS_SECTION);
  /* Children the template does not bind are ours to unparent. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL;)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (tftsr_analysis_section_parent_class)->dispose (object);
}

static void
tftsr_analysis_section_finalize (GObject *object)
{
  TftsrAnalysisSection *self = TFTSR_ANALYSIS_SECTION (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  g_clear_object (&self->titles);
  g_ptr_array_unref (self->analyses);
  G_OBJECT_CLASS (tftsr_analysis_section_parent_class)->finalize (object);
}

static void
tftsr_analysis_section_get_property (GObject *object, guint prop_id, GValue *value,
                                     GParamSpec *pspec)
{
  TftsrAnalysisSection *self = TFTSR_ANALYSIS_SECTION (object);

  switch (prop_id)
    {
    case PROP_ISSUE:
      g_value_set_object (value, self->issue);
      break;
    case PROP_LEVEL:
      g_value_set_uint (value, self->level);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tftsr_analysis_section_set_property (GObject *object, guint prop_id, const GValue *value,
                                     GParamSpec *pspec)
{
  TftsrAnalysisSection *self = TFTSR_ANALYSIS_SECTION (object);

  switch (prop_id)
    {
    case PROP_ISSUE:
      set_issue (self, g_value_get_object (value));
      break;
    case PROP_LEVEL:
      self->level = g_value_get_uint (value);
      /* Level 2 and beyond: why 1 is answered (an answer is never emptied). */
      tftsr_analysis_card_set_why_answered (self->card, self->level >= 2);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tftsr_analysis_section_class_init (TftsrAnalysisSectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tftsr_analysis_section_dispose;
  object_class->finalize = tftsr_analysis_section_finalize;
  object_class->get_property = tftsr_analysis_section_get_property;
  object_class->set_property = tftsr_analysis_section_set_property;

  properties[PROP_ISSUE] =
      g_param_spec_object ("issue", NULL, NULL, TFTSR_TYPE_ISSUE,
                           G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LEVEL] = g_param_spec_uint ("level", NULL, NULL, 0, TFTSR_TRIAGE_LEVEL_ROOT_CAUSE,
                                              0, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  signals[FAILED] = g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                  NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
  signals[WHYS_CHANGED] = g_signal_new ("whys-changed", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  g_type_ensure (TFTSR_TYPE_ANALYSIS_CARD);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               TFTSR_RESOURCE_PATH "/ui/tftsr-analysis-section.ui");
  gtk_widget_class_bind_template_child (widget_class, TftsrAnalysisSection, status_label);
  gtk_widget_class_bind_template_child (widget_class, TftsrAnalysisSection, history_dropdown);
  gtk_widget_class_bind_template_child (widget_class, TftsrAnalysisSection, analyze_button);
  gtk_widget_class_bind_template_child (widget_class, TftsrAnalysisSection, expand_toggle);
  gtk_widget_class_bind_template_child (widget_class, TftsrAnalysisSection, card);
  gtk_widget_class_bind_template_callback (widget_class, show_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_expand_toggled);
  gtk_widget_class_install_action (widget_class, "analysis.use-why", NULL, use_why_action);
  gtk_widget_class_set_css_name (widget_class, "analysissection");
}

static void
tftsr_analysis_section_init (TftsrAnalysisSection *self)
{
  GtkListItemFactory *rows = gtk_signal_list_item_factory_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->analyses = g_ptr_array_new_with_free_func ((GDestroyNotify) tftsr_log_analysis_free);
  self->titles = gtk_string_list_new (NULL);
  g_signal_connect (rows, "setup", G_CALLBACK (setup_history_row), NULL);
  g_signal_connect (rows, "bind", G_CALLBACK (bind_history_row), self);
  gtk_drop_down_set_list_factory (self->history_dropdown, rows);
  g_object_unref (rows);
  gtk_drop_down_set_model (self->history_dropdown, G_LIST_MODEL (self->titles));
  on_expand_toggled (self);
  show_selected (self);
}
