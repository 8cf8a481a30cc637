/* tftsr-analyze-dialog.c
 *
 * The engineer picks the logs, sees who will read them and that they are redacted, and
 * starts. The analysis runs in a worker (tftsr_triage_analyze_logs_async) whose progress
 * comes back on this thread: the bar follows the bytes of the logs read, then pulses while
 * the provider thinks and answers, since how long that takes is unknown. Cancel reaches the
 * reading and the HTTP request; a failure or a cancel brings the choice back with the
 * reason, and the core stores nothing then.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>

#include "tftsr-analyze-dialog.h"
#include "tftsr-app-format.h"

#define PULSE_INTERVAL_MS 120

struct _TftsrAnalyzeDialog
{
  AdwWindow parent_instance;

  TftsrStore *store;
  gint64 issue_id;
  TftsrAiProvider *provider;
  GPtrArray *logs;           /* TftsrLogFile, as offered */
  GPtrArray *checks;         /* GtkCheckButton, one per log */
  GCancellable *cancellable; /* the analysis running, or NULL */
  guint runs;                /* analyses started: the reports of older ones are stale */
  guint pulse;

  GtkWidget *close_button;
  GtkWidget *start_button;
  GtkStack *pages;
  GtkLabel *notice_label;
  AdwPreferencesGroup *logs_group;
  AdwActionRow *provider_row;
  AdwStatusPage *progress_page;
  GtkProgressBar *progress_bar;
};

G_DEFINE_FINAL_TYPE (TftsrAnalyzeDialog, tftsr_analyze_dialog, ADW_TYPE_WINDOW)

enum
{
  ANALYZED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* --- the choice ------------------------------------------------------------------------- */

static gboolean
any_checked (TftsrAnalyzeDialog *self)
{
  for (guint i = 0; i < self->checks->len; i++)
    if (gtk_check_button_get_active (self->checks->pdata[i]))
      return TRUE;
  return FALSE;
}

static void
update_start (TftsrAnalyzeDialog *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "analyze.start",
                                 self->cancellable == NULL && any_checked (self));
}

static GtkWidget *
log_row (TftsrAnalyzeDialog *self, TftsrLogFile *log)
{
  g_autofree char *name = tftsr_display_text (tftsr_log_file_get_name (log));
  g_autofree char *escaped = g_markup_escape_text (name, -1);
  g_autofree char *size = g_format_size (tftsr_log_file_get_size (log));
  g_autofree char *lines = tftsr_format_lines (tftsr_log_file_get_line_count (log));
  g_autofree char *subtitle = g_strdup_printf ("%s · %s", size, lines);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *check = gtk_check_button_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), escaped);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), TRUE);
  gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  g_signal_connect_object (check, "toggled", G_CALLBACK (update_start), self, G_CONNECT_SWAPPED);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
  g_ptr_array_add (self->checks, check);
  return row;
}

static void
show_provider (TftsrAnalyzeDialog *self)
{
  g_autofree char *name = tftsr_display_text (self->provider->name);
  g_autofree char *escaped = g_markup_escape_text (name, -1);
  g_autofree char *subtitle = g_markup_printf_escaped (
      "%s · %s", self->provider->model, tftsr_ai_format_get_label (self->provider->format));

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->provider_row), escaped);
  adw_action_row_set_subtitle (self->provider_row, subtitle);
}

/* Shows @text above the choice: a failure as an error, anything else as a note. */
static void
show_notice (TftsrAnalyzeDialog *self, const char *text, gboolean failure)
{
  gtk_label_set_label (self->notice_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->notice_label), text != NULL);
  gtk_widget_remove_css_class (GTK_WIDGET (self->notice_label), "inline-error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->notice_label), "analysis-note");
  gtk_widget_add_css_class (GTK_WIDGET (self->notice_label),
                            failure ? "inline-error" : "analysis-note");
}

/* --- progress --------------------------------------------------------------------------- */

static gboolean
pulse (gpointer user_data)
{
  gtk_progress_bar_pulse (GTK_PROGRESS_BAR (user_data));
  return G_SOURCE_CONTINUE;
}

static void
set_pulsing (TftsrAnalyzeDialog *self, gboolean pulsing)
{
  if (!pulsing)
    g_clear_handle_id (&self->pulse, g_source_remove);
  else if (self->pulse == 0)
    self->pulse = g_timeout_add (PULSE_INTERVAL_MS, pulse, self->progress_bar);
}

static const char *
log_name (TftsrAnalyzeDialog *self, gint64 id)
{
  for (guint i = 0; i < self->logs->len; i++)
    if (tftsr_log_file_get_id (self->logs->pdata[i]) == id)
      return tftsr_log_file_get_name (self->logs->pdata[i]);
  return "";
}

/* What the analysis is doing, as Pango markup for the status page. */
static char *
describe_progress (TftsrAnalyzeDialog *self, const TftsrLogAnalysisProgress *progress)
{
  g_autofree char *received = NULL;

  switch (progress->phase)
    {
    case TFTSR_LOG_ANALYSIS_READING:
      return g_markup_printf_escaped (_ ("Reading “%s”"), log_name (self, progress->log_id));
    case TFTSR_LOG_ANALYSIS_WAITING:
      if (progress->retry_seconds > 0)
        return g_markup_printf_escaped (_ ("“%s” is busy; asking again in %u s"),
                                        self->provider->name, progress->retry_seconds);
      return g_markup_printf_escaped (_ ("Waiting for %s · %s to answer"), self->provider->name,
                                      self->provider->model);
    case TFTSR_LOG_ANALYSIS_RECEIVING:
    default:
      received = g_format_size (progress->received);
      return g_markup_printf_escaped (_ ("Receiving the analysis · %s"), received);
    }
}

typedef struct
{
  TftsrAnalyzeDialog *self;
  guint run;
} Run;

static void
run_free (Run *run)
{
  g_object_unref (run->self);
  g_free (run);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Run, run_free)

static void
on_progress (const TftsrLogAnalysisProgress *progress, gpointer user_data)
{
  Run *run = user_data;
  TftsrAnalyzeDialog *self = run->self;
  g_autofree char *text = NULL;

  if (run->run != self->runs || g_cancellable_is_cancelled (self->cancellable))
    return;
  text = describe_progress (self, progress);
  adw_status_page_set_description (self->progress_page, text);
  set_pulsing (self, progress->phase != TFTSR_LOG_ANALYSIS_READING);
  if (progress->phase == TFTSR_LOG_ANALYSIS_READING)
    gtk_progress_bar_set_fraction (self->progress_bar, progress->fraction);
}

/* --- running ------------------------------------------------------------------------------ */

static void
show_running (TftsrAnalyzeDialog *self, gboolean running)
{
  gtk_stack_set_visible_child_name (self->pages, running ? "progress" : "setup");
  gtk_widget_set_visible (self->close_button, !running);
  gtk_widget_set_visible (self->start_button, !running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "analyze.cancel", running);
  update_start (self);
  if (!running)
    set_pulsing (self, FALSE);
}

static void
analyzed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (Run) run = user_data;
  TftsrAnalyzeDialog *self = run->self;
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrLogAnalysis) analysis =
      tftsr_triage_analyze_logs_finish (TFTSR_STORE (source), result, &error);
  g_autofree char *failure = NULL;

  /* Stored, even if the dialog has moved on: whoever shows analyses hears of it. */
  if (analysis != NULL)
    g_signal_emit (self, signals[ANALYZED], 0, analysis->id);
  if (run->run != self->runs)
    return;
  g_clear_object (&self->cancellable);
  if (analysis != NULL)
    {
      gtk_window_close (GTK_WINDOW (self));
      return;
    }
  show_running (self, FALSE);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_notice (self, _ ("The analysis was stopped; nothing was saved."), FALSE);
  else
    {
      failure = tftsr_format_ai_failure (error);
      show_notice (self, failure, TRUE);
    }
}

static void
start_action (GtkWidget *widget, const char *name, GVariant *param)
{
  TftsrAnalyzeDialog *self = TFTSR_ANALYZE_DIALOG (widget);
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  Run *run;

  if (self->cancellable != NULL || !any_checked (self))
    return;
  for (guint i = 0; i < self->logs->len; i++)
    if (gtk_check_button_get_active (self->checks->pdata[i]))
      {
        gint64 id = tftsr_log_file_get_id (self->logs->pdata[i]);
        g_array_append_val (ids, id);
      }
  self->cancellable = g_cancellable_new ();
  run = g_new0 (Run, 1);
  run->self = g_object_ref (self);
  run->run = ++self->runs;
  show_notice (self, NULL, FALSE);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  adw_status_page_set_description (self->progress_page, NULL);
  show_running (self, TRUE);
  tftsr_triage_analyze_logs_async (self->store, self->issue_id, (const gint64 *) ids->data,
                                   ids->len, self->provider->name, on_progress, run,
                                   self->cancellable, analyzed, run);
}

static void
cancel_action (GtkWidget *widget, const char *name, GVariant *param)
{
  TftsrAnalyzeDialog *self = TFTSR_ANALYZE_DIALOG (widget);

  if (self->cancellable == NULL)
    return;
  g_cancellable_cancel (self->cancellable);
  gtk_widget_action_set_enabled (widget, "analyze.cancel", FALSE);
  set_pulsing (self, FALSE);
  adw_status_page_set_description (self->progress_page, _ ("Stopping…"));
}

/* --- public ------------------------------------------------------------------------------- */

TftsrAnalyzeDialog *
tftsr_analyze_dialog_new (GtkWindow *parent, TftsrStore *store, gint64 issue_id,
                          const TftsrAiProvider *provider, GListModel *logs)
{
  TftsrAnalyzeDialog *self;

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);
  g_return_val_if_fail (provider != NULL, NULL);
  g_return_val_if_fail (G_IS_LIST_MODEL (logs), NULL);

  self = g_object_new (TFTSR_TYPE_ANALYZE_DIALOG, "transient-for", parent, NULL);
  self->store = g_object_ref (store);
  self->issue_id = issue_id;
  self->provider = tftsr_ai_provider_copy (provider);
  for (guint i = 0; i < g_list_model_get_n_items (logs); i++)
    {
      TftsrLogFile *log = g_list_model_get_item (logs, i);

      g_ptr_array_add (self->logs, log);
      adw_preferences_group_add (self->logs_group, log_row (self, log));
    }
  show_provider (self);
  show_running (self, FALSE);
  return self;
}

/* --- class -------------------------------------------------------------------------------- */

/* Closing while the analysis runs stops it; nothing half-done is kept. */
static void
tftsr_analyze_dialog_dispose (GObject *object)
{
  TftsrAnalyzeDialog *self = TFTSR_ANALYZE_DIALOG (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->runs++;
  g_clear_handle_id (&self->pulse, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), TFTSR_TYPE_ANALYZE_DIALOG);
  G_OBJECT_CLASS (tftsr_analyze_dialog_parent_class)->dispose (object);
}

static void
tftsr_analyze_dialog_finalize (GObject *object)
{
  TftsrAnalyzeDialog *self = TFTSR_ANALYZE_DIALOG (object);

  g_clear_object (&self->store);
  g_clear_pointer (&self->provider, tftsr_ai_provider_free);
  g_ptr_array_unref (self->logs);
  g_ptr_array_unref (self->checks);
  G_OBJECT_CLASS (tftsr_analyze_dialog_parent_class)->finalize (object);
}

static void
tftsr_analyze_dialog_class_init (TftsrAnalyzeDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tftsr_analyze_dialog_dispose;
  object_class->finalize = tftsr_analyze_dialog_finalize;

  signals[ANALYZED] = g_signal_new ("analyzed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                    NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               TFTSR_RESOURCE_PATH "/ui/tftsr-analyze-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, TftsrAnalyzeDialog, close_button);
  gtk_widget_class_bind_template_child (widget_class, TftsrAnalyzeDialog, start_button);
  gtk_widget_class_bind_template_child (widget_class, TftsrAnalyzeDialog, pages);
  gtk_widget_class_bind_template_child (widget_class, TftsrAnalyzeDialog, notice_label);
  gtk_widget_class_bind_template_child (widget_class, TftsrAnalyzeDialog, logs_group);
  gtk_widget_class_bind_template_child (widget_class, TftsrAnalyzeDialog, provider_row);
  gtk_widget_class_bind_template_child (widget_class, TftsrAnalyzeDialog, progress_page);
  gtk_widget_class_bind_template_child (widget_class, TftsrAnalyzeDialog, progress_bar);
  gtk_widget_class_install_action (widget_class, "analyze.start", NULL, start_action);
  gtk_widget_class_install_action (widget_class, "analyze.cancel", NULL, cancel_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
tftsr_analyze_dialog_init (TftsrAnalyzeDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->logs = g_ptr_array_new_with_free_func (g_object_unref);
  self->checks = g_ptr_array_new ();
}
