/* tftsr-logs-group.c
 *
 * Each add is a job with its own row (progress, Cancel) that reads and scans in a worker
 * with the detection settings of the moment. A job belongs to the incident it was started
 * for: switching incidents hides its row but does not stop it; closing the window does.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <adwaita.h>
#include <glib/gi18n.h>

#include "tftsr-app-format.h"
#include "tftsr-insight-window.h"
#include "tftsr-log-viewer.h"
#include "tftsr-logs-group.h"
#include "tftsr-review-window.h"

struct _TftsrLogsGroup
{
  GtkWidget parent_instance;

  TftsrStore *store;
  gint64 issue_id;
  GListStore *logs; /* TftsrLogFile */
  GPtrArray *jobs;  /* IngestJob, of every incident */
  GCancellable *load_cancellable;

  GtkListBox *jobs_list;
  GtkListBox *logs_list;
  GtkWidget *analyze_button;
};

G_DEFINE_FINAL_TYPE (TftsrLogsGroup, tftsr_logs_group, GTK_TYPE_WIDGET)

enum
{
  CHANGED,
  FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
fail (TftsrLogsGroup *self, const GError *error)
{
  g_signal_emit (self, signals[FAILED], 0, error);
}

/* A failure about one log, named in the message. */
static void
fail_about (TftsrLogsGroup *self, const char *name, const GError *error)
{
  g_autoptr (GError) named =
      g_error_new (error->domain, error->code, _ ("“%s”: %s"), name, error->message);
  fail (self, named);
}

static gboolean
find_log (TftsrLogsGroup *self, gint64 id, guint *position)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->logs));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (TftsrLogFile) log = g_list_model_get_item (G_LIST_MODEL (self->logs), i);
      if (tftsr_log_file_get_id (log) == id)
        {
          *position = i;
          return TRUE;
        }
    }
  return FALSE;
}

/* --- the list ----------------------------------------------------------------------- */

static char *
describe_log (TftsrLogFile *log)
{
  g_autofree char *size = g_format_size (tftsr_log_file_get_size (log));
  guint64 lines = tftsr_log_file_get_line_count (log);
  guint found = tftsr_log_file_get_pii_count (log);
  g_autofree char *line_count = tftsr_format_lines (lines);
  GString *text = g_string_new (size);

  g_string_append_printf (text, " · %s · ", line_count);
  if (found == 0)
    g_string_append (text, _ ("nothing to redact"));
  else
    g_string_append_printf (text, g_dngettext (NULL, "%u detection", "%u detections", found),
                            found);
  if (g_str_equal (tftsr_log_file_get_compression (log), "gzip"))
    g_string_append (text, _ (" · from .gz"));
  if (tftsr_log_file_get_binary (log))
    g_string_append (text, _ (" · contains binary data"));
  return g_string_free (text, FALSE);
}

static GtkWidget *
create_log_row (gpointer item, gpointer user_data)
{
  TftsrLogFile *log = item;
  g_autofree char *name = tftsr_display_text (tftsr_log_file_get_name (log));
  g_autofree char *escaped = g_markup_escape_text (name, -1);
  g_autofree char *subtitle = describe_log (log);
  GVariant *id = g_variant_new_int64 (tftsr_log_file_get_id (log));
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
  GtkWidget *insight = gtk_button_new_from_icon_name ("insight-symbolic");

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), escaped);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row),
                             gtk_image_new_from_icon_name ("text-x-generic-symbolic"));
  gtk_widget_set_tooltip_text (insight, _ ("Insight: templates, errors over time, what changed"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (insight), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Log Insight"), -1);
  gtk_widget_set_valign (insight, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (insight, "flat");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (insight), "logs.insight");
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (insight), id);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), insight);
  gtk_widget_set_tooltip_text (remove, _ ("Delete Log"));
  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (remove, "flat");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (remove), "logs.delete");
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (remove), id);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             gtk_image_new_from_icon_name ("go-next-symbolic"));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "logs.open");
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (row), id);
  return row;
}

static void
logs_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TftsrLogsGroup) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) logs = tftsr_store_list_logs_finish (TFTSR_STORE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (logs == NULL)
    {
      fail (self, error);
      return;
    }
  g_list_store_splice (self->logs, 0, g_list_model_get_n_items (G_LIST_MODEL (self->logs)),
                       logs->pdata, logs->len);
}

static void
reload (TftsrLogsGroup *self)
{
  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  g_list_store_remove_all (self->logs);
  if (self->store == NULL || self->issue_id <= 0)
    return;
  self->load_cancellable = g_cancellable_new ();
  tftsr_store_list_logs_async (self->store, self->issue_id, self->load_cancellable, logs_loaded,
                               g_object_ref (self));
}

/* --- adding ------------------------------------------------------------------------- */

typedef struct
{
  TftsrLogsGroup *self;
  gint64 issue_id;
  GFile *file;
  GInputStream *input;
  char *name;
  GCancellable *cancellable;
  GtkWidget *row;
  GtkProgressBar *bar;
} IngestJob;

static void
ingest_job_free (IngestJob *job)
{
  g_object_unref (job->self);
  g_clear_object (&job->file);
  g_clear_object (&job->input);
  g_free (job->name);
  g_object_unref (job->cancellable);
  g_object_unref (job->row);
  g_free (job);
}

/* Shows the rows of the jobs running for the incident on display. */
static void
show_jobs (TftsrLogsGroup *self)
{
  GtkListBoxRow *row;
  gboolean any = FALSE;

  while ((row = gtk_list_box_get_row_at_index (self->jobs_list, 0)) != NULL)
    gtk_list_box_remove (self->jobs_list, GTK_WIDGET (row));
  for (guint i = 0; i < self->jobs->len; i++)
    {
      IngestJob *job = g_ptr_array_index (self->jobs, i);
      if (job->issue_id == self->issue_id)
        {
          gtk_list_box_append (self->jobs_list, job->row);
          any = TRUE;
        }
    }
  gtk_widget_set_visible (GTK_WIDGET (self->jobs_list), any);
}

static void
on_progress (guint64 done, guint64 total, gpointer user_data)
{
  IngestJob *job = user_data;
  g_autofree char *read = g_format_size (done);
  g_autofree char *subtitle = NULL;

  if (total > 0)
    {
      g_autofree char *of = g_format_size (total);
      gtk_progress_bar_set_fraction (job->bar, MIN (1.0, (double) done / (double) total));
      subtitle = g_strdup_printf (_ ("Reading and scanning · %s of %s"), read, of);
    }
  else
    {
      gtk_progress_bar_pulse (job->bar);
      subtitle = g_strdup_printf (_ ("Reading and scanning · %s"), read);
    }
  adw_action_row_set_subtitle (ADW_ACTION_ROW (job->row), subtitle);
}

static void
job_done (IngestJob *job, TftsrLogFile *log, const GError *error)
{
  TftsrLogsGroup *self = job->self;

  g_ptr_array_remove (self->jobs, job);
  show_jobs (self);
  if (log != NULL && job->issue_id == self->issue_id)
    g_list_store_append (self->logs, log);
  if (log != NULL)
    g_signal_emit (self, signals[CHANGED], 0);
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    fail_about (self, job->name, error);
  ingest_job_free (job);
}

static void
ingested (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrLogFile) log = tftsr_store_add_log_finish (TFTSR_STORE (source), result, &error);

  job_done (user_data, log, error);
}

static void
scanner_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  IngestJob *job = user_data;
  TftsrStore *store = TFTSR_STORE (source);
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrPiiScanner) scanner = tftsr_store_load_pii_scanner_finish (store, result, &error);

  if (scanner == NULL)
    job_done (job, NULL, error);
  else if (job->file != NULL)
    tftsr_store_add_log_file_async (store, job->issue_id, job->file, scanner, on_progress, job,
                                    job->cancellable, ingested, job);
  else
    tftsr_store_add_log_async (store, job->issue_id, job->input, job->name, scanner, on_progress,
                               job, job->cancellable, ingested, job);
}

static GtkWidget *
create_job_row (IngestJob *job)
{
  g_autofree char *escaped = g_markup_escape_text (job->name, -1);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *cancel = gtk_button_new_from_icon_name ("process-stop-symbolic");

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), escaped);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _ ("Waiting…"));
  job->bar = GTK_PROGRESS_BAR (gtk_progress_bar_new ());
  gtk_widget_set_valign (GTK_WIDGET (job->bar), GTK_ALIGN_CENTER);
  gtk_widget_set_size_request (GTK_WIDGET (job->bar), 120, -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), GTK_WIDGET (job->bar));
  gtk_widget_set_tooltip_text (cancel, _ ("Cancel"));
  gtk_widget_set_valign (cancel, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (cancel, "flat");
  g_signal_connect_swapped (cancel, "clicked", G_CALLBACK (g_cancellable_cancel), job->cancellable);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), cancel);
  return g_object_ref_sink (row);
}

static void
start_job (TftsrLogsGroup *self, IngestJob *job)
{
  job->self = g_object_ref (self);
  job->issue_id = self->issue_id;
  job->cancellable = g_cancellable_new ();
  job->row = create_job_row (job);
  g_ptr_array_add (self->jobs, job);
  show_jobs (self);
  tftsr_store_load_pii_scanner_async (self->store, job->cancellable, scanner_loaded, job);
}

void
tftsr_logs_group_add_file (TftsrLogsGroup *self, GFile *file)
{
  IngestJob *job;

  g_return_if_fail (TFTSR_IS_LOGS_GROUP (self));
  g_return_if_fail (self->store != NULL && self->issue_id > 0);

  job = g_new0 (IngestJob, 1);
  job->file = g_object_ref (file);
  job->name = g_file_get_basename (file);
  start_job (self, job);
}

void
tftsr_logs_group_add_text (TftsrLogsGroup *self, const char *text)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *time = g_date_time_format (now, "%H:%M:%S");
  IngestJob *job;

  g_return_if_fail (TFTSR_IS_LOGS_GROUP (self));
  g_return_if_fail (self->store != NULL && self->issue_id > 0);

  job = g_new0 (IngestJob, 1);
  job->input = g_memory_input_stream_new_from_data (g_strdup (text), strlen (text), g_free);
  /* Translators: the name of a log made from pasted text; %s is the time */
  job->name = g_strdup_printf (_ ("Pasted text %s"), time);
  start_job (self, job);
}

static void
files_chosen (GtkNativeDialog *chooser, int response, gpointer user_data)
{
  TftsrLogsGroup *self = user_data;
  g_autoptr (GListModel) files = NULL;

  if (response == GTK_RESPONSE_ACCEPT && self->issue_id > 0)
    {
      files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (chooser));
      for (guint i = 0; i < g_list_model_get_n_items (files); i++)
        {
          g_autoptr (GFile) file = g_list_model_get_item (files, i);
          tftsr_logs_group_add_file (self, file);
        }
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
  g_object_unref (self);
}

static void
add_action (GtkWidget *widget, const char *name, GVariant *param)
{
  GtkFileChooserNative *chooser =
      gtk_file_chooser_native_new (_ ("Add Logs"), GTK_WINDOW (gtk_widget_get_root (widget)),
                                   GTK_FILE_CHOOSER_ACTION_OPEN, _ ("_Add"), NULL);

  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (files_chosen), g_object_ref (widget));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* --- opening, reviewing, deleting ------------------------------------------------- */

static void
open_action (GtkWidget *widget, const char *name, GVariant *param)
{
  TftsrLogsGroup *self = TFTSR_LOGS_GROUP (widget);
  g_autoptr (TftsrLogFile) log = NULL;
  TftsrLogViewer *viewer;
  guint position;

  if (!find_log (self, g_variant_get_int64 (param), &position))
    return;
  log = g_list_model_get_item (G_LIST_MODEL (self->logs), position);
  viewer = tftsr_log_viewer_new (self->store, log);
  gtk_window_set_transient_for (GTK_WINDOW (viewer), GTK_WINDOW (gtk_widget_get_root (widget)));
  /* Marks made in the viewer change the counts shown here. */
  g_signal_connect_object (viewer, "changed", G_CALLBACK (reload), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (viewer));
}

static void
insight_action (GtkWidget *widget, const char *name, GVariant *param)
{
  TftsrLogsGroup *self = TFTSR_LOGS_GROUP (widget);
  g_autoptr (TftsrLogFile) log = NULL;
  TftsrInsightWindow *insight;
  guint position;

  if (!find_log (self, g_variant_get_int64 (param), &position))
    return;
  log = g_list_model_get_item (G_LIST_MODEL (self->logs), position);
  insight = tftsr_insight_window_new (self->store, log);
  gtk_window_set_transient_for (GTK_WINDOW (insight), GTK_WINDOW (gtk_widget_get_root (widget)));
  gtk_window_present (GTK_WINDOW (insight));
}

static void
review_action (GtkWidget *widget, const char *name, GVariant *param)
{
  TftsrLogsGroup *self = TFTSR_LOGS_GROUP (widget);
  TftsrReviewWindow *review;

  if (self->issue_id <= 0)
    return;
  review = tftsr_review_window_new (self->store, self->issue_id);
  gtk_window_set_transient_for (GTK_WINDOW (review), GTK_WINDOW (gtk_widget_get_root (widget)));
  gtk_window_present (GTK_WINDOW (review));
}

static void
deleted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TftsrLogsGroup) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!tftsr_store_change_finish (TFTSR_STORE (source), result, &error))
    fail (self, error);
  else
    g_signal_emit (self, signals[CHANGED], 0);
  reload (self);
}

static void
delete_confirmed (AdwMessageDialog *dialog, const char *response, gpointer user_data)
{
  TftsrLogsGroup *self = user_data;
  gint64 id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (dialog), "log-id"));

  if (g_str_equal (response, "delete"))
    tftsr_store_delete_log_async (self->store, id, NULL, deleted, g_object_ref (self));
}

static void
delete_action (GtkWidget *widget, const char *name, GVariant *param)
{
  TftsrLogsGroup *self = TFTSR_LOGS_GROUP (widget);
  g_autoptr (TftsrLogFile) log = NULL;
  g_autofree char *shown = NULL;
  GtkWidget *dialog;
  guint position;

  if (!find_log (self, g_variant_get_int64 (param), &position))
    return;
  log = g_list_model_get_item (G_LIST_MODEL (self->logs), position);
  shown = tftsr_display_text (tftsr_log_file_get_name (log));
  dialog =
      adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), _ ("Delete Log?"), NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _ ("“%s” and what was found in it will be erased. Pseudonyms "
                                     "already used elsewhere in the incident stay. This cannot "
                                     "be undone."),
                                  shown);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _ ("_Cancel"), "delete",
                                    _ ("_Delete"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "log-id",
                     GSIZE_TO_POINTER ((gsize) tftsr_log_file_get_id (log)));
  g_signal_connect_object (dialog, "response", G_CALLBACK (delete_confirmed), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* --- public ------------------------------------------------------------------------- */

void
tftsr_logs_group_set_store (TftsrLogsGroup *self, TftsrStore *store)
{
  g_return_if_fail (TFTSR_IS_LOGS_GROUP (self));
  g_set_object (&self->store, store);
  self->issue_id = 0;
  reload (self);
}

void
tftsr_logs_group_load (TftsrLogsGroup *self, gint64 issue_id)
{
  g_return_if_fail (TFTSR_IS_LOGS_GROUP (self));
  self->issue_id = issue_id;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "logs.add", issue_id > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "logs.review", issue_id > 0);
  show_jobs (self);
  reload (self);
}

GListModel *
tftsr_logs_group_get_logs (TftsrLogsGroup *self)
{
  g_return_val_if_fail (TFTSR_IS_LOGS_GROUP (self), NULL);
  return G_LIST_MODEL (self->logs);
}

void
tftsr_logs_group_set_analyze_hint (TftsrLogsGroup *self, const char *hint)
{
  g_return_if_fail (TFTSR_IS_LOGS_GROUP (self));
  gtk_widget_set_tooltip_text (self->analyze_button, hint);
}

guint
tftsr_logs_group_get_n_running (TftsrLogsGroup *self)
{
  guint n = 0;

  g_return_val_if_fail (TFTSR_IS_LOGS_GROUP (self), 0);
  for (guint i = 0; i < self->jobs->len; i++)
    n += ((IngestJob *) g_ptr_array_index (self->jobs, i))->issue_id == self->issue_id;
  return n;
}

/* --- class ---------------------------------------------------------------------------- */

/* Closing the window stops its adds: a cancelled add leaves nothing behind. */
static void
tftsr_logs_group_unroot (GtkWidget *widget)
{
  TftsrLogsGroup *self = TFTSR_LOGS_GROUP (widget);

  for (guint i = 0; i < self->jobs->len; i++)
    g_cancellable_cancel (((IngestJob *) g_ptr_array_index (self->jobs, i))->cancellable);
  GTK_WIDGET_CLASS (tftsr_logs_group_parent_class)->unroot (widget);
}

static void
tftsr_logs_group_dispose (GObject *object)
{
  TftsrLogsGroup *self = TFTSR_LOGS_GROUP (object);

  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), TFTSR_TYPE_LOGS_GROUP);
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL;)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (tftsr_logs_group_parent_class)->dispose (object);
}

static void
tftsr_logs_group_finalize (GObject *object)
{
  TftsrLogsGroup *self = TFTSR_LOGS_GROUP (object);

  g_assert (self->jobs->len == 0); /* each job holds a reference */
  g_ptr_array_unref (self->jobs);
  g_clear_object (&self->logs);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (tftsr_logs_group_parent_class)->finalize (object);
}

static void
tftsr_logs_group_class_init (TftsrLogsGroupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tftsr_logs_group_dispose;
  object_class->finalize = tftsr_logs_group_finalize;
  widget_class->unroot = tftsr_logs_group_unroot;

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                   NULL, NULL, G_TYPE_NONE, 0);
  signals[FAILED] = g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                  NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               TFTSR_RESOURCE_PATH "/ui/tftsr-logs-group.ui");
  gtk_widget_class_bind_template_child (widget_class, TftsrLogsGroup, jobs_list);
  gtk_widget_class_bind_template_child (widget_class, TftsrLogsGroup, logs_list);
  gtk_widget_class_bind_template_child (widget_class, TftsrLogsGroup, analyze_button);
  gtk_widget_class_install_action (widget_class, "logs.add", NULL, add_action);
  gtk_widget_class_install_action (widget_class, "logs.review", NULL, review_action);
  gtk_widget_class_install_action (widget_class, "logs.open", "x", open_action);
  gtk_widget_class_install_action (widget_class, "logs.insight", "x", insight_action);
  gtk_widget_class_install_action (widget_class, "logs.delete", "x", delete_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
tftsr_logs_group_init (TftsrLogsGroup *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->logs = g_list_store_new (TFTSR_TYPE_LOG_FILE);
  self->jobs = g_ptr_array_new ();
  gtk_list_box_bind_model (self->logs_list, G_LIST_MODEL (self->logs), create_log_row, NULL, NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "logs.add", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "logs.review", FALSE);
}
