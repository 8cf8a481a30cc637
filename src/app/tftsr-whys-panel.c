/* tftsr-whys-panel.c
 *
 * What is shown is what is stored: the chain is read in a worker after every turn and
 * every edit. An edit is the engineer's confirmation or correction of one why (question,
 * answer and evidence together) or of the root cause, written in a worker; the store
 * decides what is allowed, and a refusal is shown above the chain with the edit left as
 * typed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <adwaita.h>
#include <glib/gi18n.h>

#include "tftsr-app-format.h"
#include "tftsr-whys-panel.h"

typedef struct
{
  AdwExpanderRow *row;
  AdwEntryRow *question;
  AdwEntryRow *answer;
  AdwEntryRow *evidence;
} WhyRows;

struct _TftsrWhysPanel
{
  GtkWidget parent_instance;

  TftsrStore *store;
  gint64 issue_id;
  GCancellable *cancellable; /* replaced for each incident */
  guint level;
  guint loads; /* loads started: only the newest is shown */
  WhyRows whys[TFTSR_TRIAGE_N_WHYS];

  GtkLevelBar *level_bar;
  GtkLabel *level_label;
  GtkRevealer *error_revealer;
  GtkLabel *error_label;
  AdwPreferencesGroup *whys_group;
  AdwEntryRow *root_cause_row;
};

G_DEFINE_FINAL_TYPE (TftsrWhysPanel, tftsr_whys_panel, GTK_TYPE_WIDGET)

enum
{
  FAILED,
  N_SIGNALS
};

enum
{
  PROP_0,
  PROP_LEVEL,
  N_PROPS
};

static guint signals[N_SIGNALS];
static GParamSpec *properties[N_PROPS];

/* --- showing ---------------------------------------------------------------------------- */

/* Shows @text in @row, unless the engineer is typing there: a chain read again after a
 * turn must not take an edit away. */
static void
set_entry (AdwEntryRow *row, const char *text)
{
  g_autofree char *shown = tftsr_display_text (text != NULL ? text : "");

  if ((gtk_widget_get_state_flags (GTK_WIDGET (row)) & GTK_STATE_FLAG_FOCUS_WITHIN) != 0)
    return;
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (row)), shown) != 0)
    gtk_editable_set_text (GTK_EDITABLE (row), shown);
}

static void
show_error (TftsrWhysPanel *self, const char *message)
{
  if (message != NULL)
    gtk_label_set_label (self->error_label, message);
  gtk_revealer_set_reveal_child (self->error_revealer, message != NULL);
}

static void
show_level (TftsrWhysPanel *self)
{
  g_autofree char *text = NULL;
  guint level = self->level;

  if (level == TFTSR_TRIAGE_LEVEL_NOT_STARTED)
    text = g_strdup (_ ("Not started: describe the symptom in the chat"));
  else if (level == TFTSR_TRIAGE_LEVEL_ROOT_CAUSE)
    text = g_strdup (_ ("Root cause identified"));
  else
    text = g_strdup_printf (_ ("Asking why %u of 5"), level);
  gtk_label_set_label (self->level_label, text);
  gtk_level_bar_set_value (self->level_bar,
                           level == TFTSR_TRIAGE_LEVEL_ROOT_CAUSE ? level : MAX (level, 1) - 1);
}

static void
show_why (TftsrWhysPanel *self, guint n, const TftsrTriageWhy *why)
{
  WhyRows *rows = &self->whys[n - 1];
  guint asking = MAX (self->level, 1);
  gboolean answered = why != NULL && *why->answer != '\0';
  g_autofree char *subtitle = NULL;

  if (answered)
    subtitle = tftsr_display_text (why->answer);
  else if (n == self->level)
    subtitle = g_strdup (_ ("Being asked"));
  else
    subtitle = g_strdup (n < asking ? _ ("Not answered") : _ ("Not asked yet"));
  adw_expander_row_set_subtitle (rows->row, subtitle);
  gtk_widget_set_sensitive (GTK_WIDGET (rows->row), n <= asking);
  if (n > asking)
    adw_expander_row_set_expanded (rows->row, FALSE);
  set_entry (rows->question, why != NULL ? why->question : NULL);
  set_entry (rows->answer, why != NULL ? why->answer : NULL);
  set_entry (rows->evidence, why != NULL ? why->evidence : NULL);
}

static void
show_state (TftsrWhysPanel *self, const TftsrTriageState *state)
{
  guint level = state != NULL ? state->level : TFTSR_TRIAGE_LEVEL_NOT_STARTED;

  if (self->level != level)
    {
      self->level = level;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LEVEL]);
    }
  show_level (self);
  for (guint n = 1; n <= TFTSR_TRIAGE_N_WHYS; n++)
    show_why (self, n, state != NULL ? tftsr_triage_state_get_why (state, n) : NULL);
  set_entry (self->root_cause_row, state != NULL ? state->root_cause : NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->root_cause_row), level >= 2);
}

/* --- loading ------------------------------------------------------------------------------ */

typedef struct
{
  TftsrWhysPanel *self;
  guint load;
} Load;

static void
loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autofree Load *job = user_data;
  g_autoptr (TftsrWhysPanel) self = job->self;
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrTriageState) state =
      tftsr_store_get_triage_finish (TFTSR_STORE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || job->load != self->loads)
    return;
  if (state == NULL)
    {
      g_signal_emit (self, signals[FAILED], 0, error);
      return;
    }
  show_state (self, state);
}

void
tftsr_whys_panel_reload (TftsrWhysPanel *self)
{
  Load *job;

  g_return_if_fail (TFTSR_IS_WHYS_PANEL (self));
  if (self->store == NULL || self->issue_id == 0)
    return;
  job = g_new0 (Load, 1);
  job->self = g_object_ref (self);
  job->load = ++self->loads;
  tftsr_store_get_triage_async (self->store, self->issue_id, self->cancellable, loaded, job);
}

void
tftsr_whys_panel_load (TftsrWhysPanel *self, gint64 issue_id)
{
  g_return_if_fail (TFTSR_IS_WHYS_PANEL (self));

  g_cancellable_cancel (self->cancellable);
  g_object_unref (self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->issue_id = issue_id;
  show_error (self, NULL);
  show_state (self, NULL);
  for (guint i = 0; i < TFTSR_TRIAGE_N_WHYS; i++)
    adw_expander_row_set_expanded (self->whys[i].row, FALSE);
  tftsr_whys_panel_reload (self);
}

/* --- edits --------------------------------------------------------------------------------- */

static void
edited (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TftsrWhysPanel) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!tftsr_store_change_finish (TFTSR_STORE (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, error->message);
      return;
    }
  show_error (self, NULL);
  tftsr_whys_panel_reload (self);
}

static void
on_why_applied (AdwEntryRow *entry, TftsrWhysPanel *self)
{
  guint n = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (entry), "why"));
  WhyRows *rows = &self->whys[n - 1];

  tftsr_store_set_why_async (self->store, self->issue_id, n,
                             gtk_editable_get_text (GTK_EDITABLE (rows->question)),
                             gtk_editable_get_text (GTK_EDITABLE (rows->answer)),
                             gtk_editable_get_text (GTK_EDITABLE (rows->evidence)),
                             self->cancellable, edited, g_object_ref (self));
}

static void
on_root_cause_applied (TftsrWhysPanel *self)
{
  tftsr_store_set_root_cause_async (self->store, self->issue_id,
                                    gtk_editable_get_text (GTK_EDITABLE (self->root_cause_row)),
                                    self->cancellable, edited, g_object_ref (self));
}

static AdwEntryRow *
why_field (TftsrWhysPanel *self, AdwExpanderRow *row, guint n, const char *title)
{
  GtkWidget *entry = adw_entry_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (entry), title);
  adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (entry), TRUE);
  g_object_set_data (G_OBJECT (entry), "why", GUINT_TO_POINTER (n));
  g_signal_connect (entry, "apply", G_CALLBACK (on_why_applied), self);
  adw_expander_row_add_row (row, entry);
  return ADW_ENTRY_ROW (entry);
}

/* --- public ------------------------------------------------------------------------------- */

void
tftsr_whys_panel_set_store (TftsrWhysPanel *self, TftsrStore *store)
{
  g_return_if_fail (TFTSR_IS_WHYS_PANEL (self));
  g_set_object (&self->store, store);
  tftsr_whys_panel_load (self, 0);
}

guint
tftsr_whys_panel_get_level (TftsrWhysPanel *self)
{
  g_return_val_if_fail (TFTSR_IS_WHYS_PANEL (self), 0);
  return self->level;
}

/* --- class --------------------------------------------------------------------------------- */

static void
tftsr_whys_panel_dispose (GObject *object)
{
  TftsrWhysPanel *self = TFTSR_WHYS_PANEL (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), TFTSR_TYPE_WHYS_PANEL);
  /* The scrolled window holding the rest is not bound: it is ours to unparent. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL;)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (tftsr_whys_panel_parent_class)->dispose (object);
}

static void
tftsr_whys_panel_finalize (GObject *object)
{
  TftsrWhysPanel *self = TFTSR_WHYS_PANEL (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (tftsr_whys_panel_parent_class)->finalize (object);
}

static void
tftsr_whys_panel_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  TftsrWhysPanel *self = TFTSR_WHYS_PANEL (object);

  switch (prop_id)
    {
    case PROP_LEVEL:
      g_value_set_uint (value, self->level);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tftsr_whys_panel_class_init (TftsrWhysPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tftsr_whys_panel_dispose;
  object_class->finalize = tftsr_whys_panel_finalize;
  object_class->get_property = tftsr_whys_panel_get_property;

  /* 0 before the chain starts, n while why n is asked, 6 with the root cause. */
  properties[PROP_LEVEL] = g_param_spec_uint ("level", NULL, NULL, 0, TFTSR_TRIAGE_LEVEL_ROOT_CAUSE,
                                              0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  signals[FAILED] = g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                  NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               TFTSR_RESOURCE_PATH "/ui/tftsr-whys-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, TftsrWhysPanel, level_bar);
  gtk_widget_class_bind_template_child (widget_class, TftsrWhysPanel, level_label);
  gtk_widget_class_bind_template_child (widget_class, TftsrWhysPanel, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, TftsrWhysPanel, error_label);
  gtk_widget_class_bind_template_child (widget_class, TftsrWhysPanel, whys_group);
  gtk_widget_class_bind_template_child (widget_class, TftsrWhysPanel, root_cause_row);
  gtk_widget_class_bind_template_callback (widget_class, on_root_cause_applied);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "whyspanel");
}

static void
tftsr_whys_panel_init (TftsrWhysPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  for (guint n = 1; n <= TFTSR_TRIAGE_N_WHYS; n++)
    {
      WhyRows *rows = &self->whys[n - 1];
      g_autofree char *title = g_strdup_printf (_ ("Why %u"), n);

      rows->row = ADW_EXPANDER_ROW (adw_expander_row_new ());
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (rows->row), title);
      rows->question = why_field (self, rows->row, n, _ ("Question"));
      rows->answer = why_field (self, rows->row, n, _ ("Answer"));
      rows->evidence = why_field (self, rows->row, n, _ ("Evidence"));
      adw_preferences_group_add (self->whys_group, GTK_WIDGET (rows->row));
    }
  show_state (self, NULL);
}
