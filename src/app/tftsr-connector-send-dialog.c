/* tftsr-connector-send-dialog.c
 *
 * Nothing leaves before the person has seen it: the dialog opens on the request the
 * operation would send now, built by the core from the redacted incident
 * (tftsr_connector_preview, in a worker), and sends only on Send. The send runs in a
 * worker too; its progress (an automation's status as it is polled, else a pulse) shows
 * with a Cancel that reaches the HTTP request. A failure brings the review back with the
 * reason; the core records every run, link and timeline entry.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>
#include <json-c/json.h>

#include "tftsr-app-format.h"
#include "tftsr-connector-send-dialog.h"

#define PULSE_INTERVAL_MS 120

struct _TftsrConnectorSendDialog
{
  AdwWindow parent_instance;

  TftsrStore *store;
  gint64 issue_id;
  TftsrConnectorConfig *connector;
  TftsrSendOperation operation;
  GPtrArray *choices;        /* what the choice row offers: (Choice *) */
  GCancellable *loading;     /* choices and previews; cancelled on close */
  GCancellable *cancellable; /* the send running, or NULL */
  guint previews;            /* previews asked for: only the newest is shown */
  guint runs;
  guint pulse;
  gboolean previewed; /* the preview shown is of the current choice */

  GtkStack *pages;
  GtkLabel *notice_label;
  AdwActionRow *connector_row;
  GtkImage *connector_icon;
  AdwComboRow *choice_row;
  AdwPreferencesGroup *parameters_group;
  GtkTextView *parameters_view;
  GtkSpinner *preview_spinner;
  GtkTextView *preview_view;
  AdwStatusPage *progress_page;
  GtkProgressBar *progress_bar;
};

G_DEFINE_FINAL_TYPE (TftsrConnectorSendDialog, tftsr_connector_send_dialog, ADW_TYPE_WINDOW)

enum
{
  PREVIEWED,
  SENT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* One entry of the choice row: what the operation is told, and what the person reads. */
typedef struct
{
  char *value; /* action reference, document id, page action, notify event */
  char *label;
} Choice;

static void
choice_free (Choice *choice)
{
  g_free (choice->value);
  g_free (choice->label);
  g_free (choice);
}

static void
add_choice (TftsrConnectorSendDialog *self, const char *value, const char *label)
{
  Choice *choice = g_new0 (Choice, 1);

  choice->value = g_strdup (value);
  choice->label = tftsr_display_text (label);
  g_ptr_array_add (self->choices, choice);
}

static const Choice *
current_choice (TftsrConnectorSendDialog *self)
{
  guint i = adw_combo_row_get_selected (self->choice_row);

  return i < self->choices->len ? self->choices->pdata[i] : NULL;
}

static void
show_notice (TftsrConnectorSendDialog *self, const char *text)
{
  g_autofree char *shown = text != NULL ? tftsr_display_text (text) : NULL;

  gtk_label_set_label (self->notice_label, shown != NULL ? shown : "");
  gtk_widget_set_visible (GTK_WIDGET (self->notice_label), text != NULL);
}

static void
update_send (TftsrConnectorSendDialog *self)
{
  gboolean needs_choice = self->operation != TFTSR_SEND_TICKET;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "send.start",
                                 self->cancellable == NULL && self->previewed &&
                                     (!needs_choice || current_choice (self) != NULL));
}

/* The operation's name for tftsr_connector_preview, and its argument. */
static const char *
preview_operation (TftsrConnectorSendDialog *self, const char **arg)
{
  const Choice *choice = current_choice (self);

  *arg = NULL;
  switch (self->operation)
    {
    case TFTSR_SEND_TICKET:
      return "create-ticket";
    case TFTSR_SEND_PAGE:
      return choice != NULL ? choice->value : NULL;
    case TFTSR_SEND_ACTION:
      *arg = choice != NULL ? choice->value : NULL;
      return choice != NULL ? "run-action" : NULL;
    case TFTSR_SEND_PUBLISH:
      *arg = choice != NULL ? choice->value : NULL;
      return choice != NULL ? "publish" : NULL;
    case TFTSR_SEND_NOTIFY:
      return choice != NULL ? choice->value : NULL;
    default:
      g_assert_not_reached ();
    }
}

/* --- the preview ---------------------------------------------------------------------------- */

typedef struct
{
  TftsrConnectorSendDialog *self;
  guint preview;
} Preview;

static void
previewed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autofree Preview *job = user_data;
  g_autoptr (TftsrConnectorSendDialog) self = job->self;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = tftsr_connector_preview_finish (TFTSR_STORE (source), result, &error);
  g_autofree char *shown = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || job->preview != self->previews)
    return;
  gtk_spinner_set_spinning (self->preview_spinner, FALSE);
  shown = tftsr_display_text (text != NULL ? text : "");
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->preview_view), shown, -1);
  self->previewed = text != NULL;
  show_notice (self, text != NULL ? NULL : error->message);
  update_send (self);
  g_signal_emit (self, signals[PREVIEWED], 0);
}

static void
load_preview (TftsrConnectorSendDialog *self)
{
  const char *arg;
  const char *operation = preview_operation (self, &arg);
  Preview *job;

  self->previewed = FALSE;
  self->previews++;
  update_send (self);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->preview_view), "", -1);
  if (operation == NULL)
    return;
  gtk_spinner_set_spinning (self->preview_spinner, TRUE);
  job = g_new0 (Preview, 1);
  job->self = g_object_ref (self);
  job->preview = self->previews;
  tftsr_connector_preview_async (self->store, self->connector->id, operation, self->issue_id, arg,
                                 self->loading, previewed, job);
}

static void
on_choice_changed (TftsrConnectorSendDialog *self)
{
  if (self->choices != NULL && self->loading != NULL)
    load_preview (self);
}

/* --- the choices ----------------------------------------------------------------------------- */

static void
show_choices (TftsrConnectorSendDialog *self, const char *title)
{
  g_autoptr (GtkStringList) labels = gtk_string_list_new (NULL);

  for (guint i = 0; i < self->choices->len; i++)
    gtk_string_list_append (labels, ((Choice *) self->choices->pdata[i])->label);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->choice_row), title);
  gtk_widget_set_visible (GTK_WIDGET (self->choice_row), TRUE);
  /* Setting the model selects the first entry, which loads its preview. */
  adw_combo_row_set_model (self->choice_row, G_LIST_MODEL (labels));
  if (self->choices->len == 0)
    load_preview (self);
}

static void
actions_listed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TftsrConnectorSendDialog) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) items = tftsr_connector_items_finish (TFTSR_STORE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  gtk_spinner_set_spinning (self->preview_spinner, FALSE);
  if (items == NULL)
    {
      show_notice (self, error->message);
      g_signal_emit (self, signals[PREVIEWED], 0);
      return;
    }
  for (guint i = 0; i < items->len; i++)
    {
      const TftsrExternalItem *item = items->pdata[i];
      const char *ref = item->key != NULL ? item->key : item->id;
      g_autofree char *label = item->title != NULL && g_strcmp0 (item->title, ref) != 0
                                   ? g_strdup_printf ("%s — %s", ref, item->title)
                                   : g_strdup (ref);
      add_choice (self, ref, label);
    }
  if (items->len == 0)
    show_notice (self, _ ("The service offers no actions to run."));
  show_choices (self, _ ("_Action"));
}

typedef struct
{
  TftsrConnectorSendDialog *self;
  TftsrDocKind kind;
} DocJob;

static void
document_found (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autofree DocJob *job = user_data;
  g_autoptr (TftsrConnectorSendDialog) self = job->self;
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrDocument) document =
      tftsr_store_document_finish (TFTSR_STORE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (document != NULL)
    {
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, document->id);
      g_autofree char *label = document->external_url != NULL
                                   ? g_strdup_printf (_ ("%s — update the published page"),
                                                      tftsr_doc_kind_get_label (document->kind))
                                   : g_strdup (tftsr_doc_kind_get_label (document->kind));
      add_choice (self, id, label);
    }
  else if (!g_error_matches (error, TFTSR_DOC_ERROR, TFTSR_DOC_ERROR_NOT_FOUND))
    show_notice (self, error->message);
  /* The RCA is asked for first, then the post-mortem. */
  if (job->kind == TFTSR_DOC_RCA)
    {
      DocJob *next = g_new0 (DocJob, 1);

      next->self = g_object_ref (self);
      next->kind = TFTSR_DOC_POSTMORTEM;
      tftsr_store_get_document_async (self->store, self->issue_id, TFTSR_DOC_POSTMORTEM,
                                      self->loading, document_found, next);
      return;
    }
  gtk_spinner_set_spinning (self->preview_spinner, FALSE);
  if (self->choices->len == 0)
    {
      show_notice (self, _ ("This incident has no RCA or post-mortem yet: generate one in its "
                            "Documents view first."));
      g_signal_emit (self, signals[PREVIEWED], 0);
    }
  show_choices (self, _ ("_Document"));
}

static void
load_choices (TftsrConnectorSendDialog *self)
{
  DocJob *job;

  switch (self->operation)
    {
    case TFTSR_SEND_TICKET:
      load_preview (self);
      break;
    case TFTSR_SEND_PAGE:
      add_choice (self, "page-trigger", _ ("Trigger: alert the on-call responder"));
      add_choice (self, "page-acknowledge", _ ("Acknowledge the alert"));
      add_choice (self, "page-resolve", _ ("Resolve the alert"));
      show_choices (self, _ ("_Action"));
      break;
    case TFTSR_SEND_NOTIFY:
      add_choice (self, "notify-opened", _ ("The incident was opened"));
      add_choice (self, "notify-status", _ ("The incident’s status changed"));
      show_choices (self, _ ("_Message"));
      break;
    case TFTSR_SEND_ACTION:
      gtk_widget_set_visible (GTK_WIDGET (self->parameters_group), TRUE);
      gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->parameters_view), "{}", -1);
      gtk_spinner_set_spinning (self->preview_spinner, TRUE);
      tftsr_connector_list_containers_async (self->store, self->connector->id, self->loading,
                                             actions_listed, g_object_ref (self));
      break;
    case TFTSR_SEND_PUBLISH:
      gtk_spinner_set_spinning (self->preview_spinner, TRUE);
      job = g_new0 (DocJob, 1);
      job->self = g_object_ref (self);
      job->kind = TFTSR_DOC_RCA;
      tftsr_store_get_document_async (self->store, self->issue_id, TFTSR_DOC_RCA, self->loading,
                                      document_found, job);
      break;
    default:
      g_assert_not_reached ();
    }
}

/* --- sending --------------------------------------------------------------------------------- */

static gboolean
pulse_cb (gpointer user_data)
{
  gtk_progress_bar_pulse (TFTSR_CONNECTOR_SEND_DIALOG (user_data)->progress_bar);
  return G_SOURCE_CONTINUE;
}

static void
set_pulsing (TftsrConnectorSendDialog *self, gboolean pulsing)
{
  if (pulsing && self->pulse == 0)
    self->pulse = g_timeout_add (PULSE_INTERVAL_MS, pulse_cb, self);
  else if (!pulsing)
    g_clear_handle_id (&self->pulse, g_source_remove);
}

static void
show_running (TftsrConnectorSendDialog *self, gboolean running)
{
  gtk_stack_set_visible_child_name (self->pages, running ? "progress" : "review");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "send.cancel", running);
  set_pulsing (self, running);
  update_send (self);
}

typedef struct
{
  TftsrConnectorSendDialog *self;
  guint run;
} Run;

/* An automation's status, as the core polls it. */
static void
on_progress (const char *status, double fraction, gpointer user_data)
{
  Run *run = user_data;
  TftsrConnectorSendDialog *self = run->self;
  g_autofree char *text = NULL;

  if (run->run != self->runs)
    return;
  if (fraction >= 0)
    {
      set_pulsing (self, FALSE);
      gtk_progress_bar_set_fraction (self->progress_bar, CLAMP (fraction, 0, 1));
    }
  /* Translators: %s is the service's own word for the state of a run, such as "running" */
  text = g_strdup_printf (_ ("Status: %s"), status != NULL ? status : "—");
  adw_status_page_set_description (self->progress_page, text);
}

/* What the toast says once the service took it. */
static char *
summary (TftsrConnectorSendDialog *self, const TftsrExternalItem *item)
{
  const char *key = item != NULL ? (item->key != NULL ? item->key : item->id) : NULL;
  const Choice *choice = current_choice (self);

  switch (self->operation)
    {
    case TFTSR_SEND_TICKET:
      return g_strdup_printf (_ ("Ticket %s in “%s”"), key, self->connector->id);
    case TFTSR_SEND_PAGE:
      return g_strdup_printf (_ ("On-call paged through “%s” (%s)"), self->connector->id,
                              item != NULL && item->status != NULL ? item->status : key);
    case TFTSR_SEND_ACTION:
      /* Stopped waiting: the execution runs on, and is linked on the incident. */
      if (item != NULL && g_strcmp0 (item->status, TFTSR_EXECUTION_UNWATCHED) == 0)
        return g_strdup_printf (_ ("%s goes on as execution %s, no longer watched"),
                                choice != NULL ? choice->value : key, key);
      return g_strdup_printf (_ ("%s ended: %s"), choice != NULL ? choice->value : key,
                              item != NULL && item->status != NULL ? item->status : "—");
    case TFTSR_SEND_PUBLISH:
      return g_strdup_printf (_ ("Published as “%s”, version %" G_GINT64_FORMAT),
                              item != NULL && item->title != NULL ? item->title : key,
                              item != NULL ? item->version : 0);
    case TFTSR_SEND_NOTIFY:
    default:
      return g_strdup_printf (_ ("“%s” was notified"), self->connector->id);
    }
}

static void
finish_send (TftsrConnectorSendDialog *self, Run *run, const TftsrExternalItem *item, gboolean ok,
             const GError *error)
{
  if (ok)
    {
      g_autofree char *text = summary (self, item);
      g_signal_emit (self, signals[SENT], 0, text, item != NULL ? item->url : NULL);
    }
  if (run->run != self->runs)
    return;
  g_clear_object (&self->cancellable);
  if (ok)
    {
      gtk_window_close (GTK_WINDOW (self));
      return;
    }
  show_running (self, FALSE);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_notice (self, _ ("Stopped. If the request had already gone out, the service may "
                          "have acted on it: sending again finds what it made."));
  else
    show_notice (self, error->message);
}

static void
item_sent (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autofree Run *run = user_data;
  g_autoptr (TftsrConnectorSendDialog) self = run->self;
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrExternalItem) item =
      tftsr_connector_item_finish (TFTSR_STORE (source), result, &error);

  finish_send (self, run, item, item != NULL, error);
}

static void
notified (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autofree Run *run = user_data;
  g_autoptr (TftsrConnectorSendDialog) self = run->self;
  g_autoptr (GError) error = NULL;
  gboolean ok = tftsr_connector_notify_finish (TFTSR_STORE (source), result, &error);

  finish_send (self, run, NULL, ok, error);
}

static char *
parameters_text (TftsrConnectorSendDialog *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->parameters_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return g_strstrip (gtk_text_buffer_get_text (buffer, &start, &end, FALSE));
}

static void
start_action (GtkWidget *widget, const char *name, GVariant *param)
{
  TftsrConnectorSendDialog *self = TFTSR_CONNECTOR_SEND_DIALOG (widget);
  const Choice *choice = current_choice (self);
  g_autofree char *parameters = NULL;
  const char *id = self->connector->id;
  Run *run;

  if (self->cancellable != NULL || !self->previewed)
    return;
  if (self->operation == TFTSR_SEND_ACTION)
    {
      json_object *parsed;

      parameters = parameters_text (self);
      if (*parameters == '\0')
        g_free (g_steal_pointer (&parameters));
      parsed = parameters != NULL ? json_tokener_parse (parameters) : NULL;
      if (parameters != NULL && !json_object_is_type (parsed, json_type_object))
        {
          json_object_put (parsed);
          show_notice (self, _ ("The parameters are not a JSON object, such as "
                                "{\"host\": \"web-1\"}."));
          return;
        }
      json_object_put (parsed);
    }
  self->cancellable = g_cancellable_new ();
  run = g_new0 (Run, 1);
  run->self = g_object_ref (self);
  run->run = ++self->runs;
  show_notice (self, NULL);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  adw_status_page_set_description (self->progress_page, NULL);
  show_running (self, TRUE);
  switch (self->operation)
    {
    case TFTSR_SEND_TICKET:
      tftsr_connector_create_ticket_async (self->store, id, self->issue_id, self->cancellable,
                                           item_sent, run);
      break;
    case TFTSR_SEND_PAGE:
      tftsr_connector_page_async (
          self->store, id, self->issue_id,
          g_str_equal (choice->value, "page-acknowledge") ? TFTSR_PAGE_ACKNOWLEDGE
          : g_str_equal (choice->value, "page-resolve")   ? TFTSR_PAGE_RESOLVE
                                                          : TFTSR_PAGE_TRIGGER,
          self->cancellable, item_sent, run);
      break;
    case TFTSR_SEND_ACTION:
      tftsr_connector_run_action_async (self->store, id, self->issue_id, choice->value, parameters,
                                        on_progress, run, self->cancellable, item_sent, run);
      break;
    case TFTSR_SEND_PUBLISH:
      tftsr_connector_publish_async (self->store, id, g_ascii_strtoll (choice->value, NULL, 10),
                                     NULL, NULL, FALSE, self->cancellable, item_sent, run);
      break;
    case TFTSR_SEND_NOTIFY:
      tftsr_connector_notify_async (self->store, id, self->issue_id,
                                    g_str_equal (choice->value, "notify-status")
                                        ? TFTSR_NOTIFY_STATUS_CHANGED
                                        : TFTSR_NOTIFY_OPENED,
                                    NULL, self->cancellable, notified, run);
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
cancel_action (GtkWidget *widget, const char *name, GVariant *param)
{
  TftsrConnectorSendDialog *self = TFTSR_CONNECTOR_SEND_DIALOG (widget);

  if (self->cancellable == NULL)
    return;
  g_cancellable_cancel (self->cancellable);
  gtk_widget_action_set_enabled (widget, "send.cancel", FALSE);
  set_pulsing (self, FALSE);
  adw_status_page_set_description (self->progress_page, _ ("Stopping…"));
}

/* --- public ---------------------------------------------------------------------------------- */

TftsrConnectorSendDialog *
tftsr_connector_send_dialog_new (GtkWindow *parent, TftsrStore *store, gint64 issue_id,
                                 const TftsrConnectorConfig *connector,
                                 TftsrSendOperation operation)
{
  static const char *const titles[] = {
    [TFTSR_SEND_TICKET] = N_ ("Create Ticket"),  [TFTSR_SEND_PAGE] = N_ ("Page On-Call"),
    [TFTSR_SEND_ACTION] = N_ ("Run Automation"), [TFTSR_SEND_PUBLISH] = N_ ("Publish Document"),
    [TFTSR_SEND_NOTIFY] = N_ ("Notify"),
  };
  static const char *const progress[] = {
    [TFTSR_SEND_TICKET] = N_ ("Creating the Ticket"), [TFTSR_SEND_PAGE] = N_ ("Paging On-Call"),
    [TFTSR_SEND_ACTION] = N_ ("Running the Action"),  [TFTSR_SEND_PUBLISH] = N_ ("Publishing"),
    [TFTSR_SEND_NOTIFY] = N_ ("Sending the Message"),
  };
  TftsrConnectorSendDialog *self;
  g_autofree char *name = NULL;
  g_autofree char *escaped = NULL;

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);
  g_return_val_if_fail (connector != NULL, NULL);
  g_return_val_if_fail (operation <= TFTSR_SEND_NOTIFY, NULL);

  self = g_object_new (TFTSR_TYPE_CONNECTOR_SEND_DIALOG, "transient-for", parent, "title",
                       _ (titles[operation]), NULL);
  self->store = g_object_ref (store);
  self->issue_id = issue_id;
  self->connector = tftsr_connector_config_copy (connector);
  self->operation = operation;
  name = tftsr_display_text (connector->id);
  escaped = g_markup_escape_text (name, -1);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->connector_row), escaped);
  adw_action_row_set_subtitle (self->connector_row,
                               tftsr_connector_kind_get_label (connector->kind));
  gtk_image_set_from_icon_name (self->connector_icon,
                                tftsr_connector_kind_icon_name (connector->kind));
  adw_status_page_set_title (self->progress_page, _ (progress[operation]));
  show_running (self, FALSE);
  load_choices (self);
  return self;
}

/* --- class ----------------------------------------------------------------------------------- */

/* Closing while sending stops it. */
static void
tftsr_connector_send_dialog_dispose (GObject *object)
{
  TftsrConnectorSendDialog *self = TFTSR_CONNECTOR_SEND_DIALOG (object);

  g_cancellable_cancel (self->loading);
  g_clear_object (&self->loading);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->runs++;
  g_clear_handle_id (&self->pulse, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), TFTSR_TYPE_CONNECTOR_SEND_DIALOG);
  G_OBJECT_CLASS (tftsr_connector_send_dialog_parent_class)->dispose (object);
}

static void
tftsr_connector_send_dialog_finalize (GObject *object)
{
  TftsrConnectorSendDialog *self = TFTSR_CONNECTOR_SEND_DIALOG (object);

  g_clear_object (&self->store);
  g_clear_pointer (&self->connector, tftsr_connector_config_free);
  g_ptr_array_unref (self->choices);
  G_OBJECT_CLASS (tftsr_connector_send_dialog_parent_class)->finalize (object);
}

static void
tftsr_connector_send_dialog_class_init (TftsrConnectorSendDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tftsr_connector_send_dialog_dispose;
  object_class->finalize = tftsr_connector_send_dialog_finalize;

  signals[PREVIEWED] = g_signal_new ("previewed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                     NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SENT] = g_signal_new ("sent", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, TFTSR_RESOURCE_PATH
                                               "/ui/tftsr-connector-send-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, TftsrConnectorSendDialog, pages);
  gtk_widget_class_bind_template_child (widget_class, TftsrConnectorSendDialog, notice_label);
  gtk_widget_class_bind_template_child (widget_class, TftsrConnectorSendDialog, connector_row);
  gtk_widget_class_bind_template_child (widget_class, TftsrConnectorSendDialog, connector_icon);
  gtk_widget_class_bind_template_child (widget_class, TftsrConnectorSendDialog, choice_row);
  gtk_widget_class_bind_template_child (widget_class, TftsrConnectorSendDialog, parameters_group);
  gtk_widget_class_bind_template_child (widget_class, TftsrConnectorSendDialog, parameters_view);
  gtk_widget_class_bind_template_child (widget_class, TftsrConnectorSendDialog, preview_spinner);
  gtk_widget_class_bind_template_child (widget_class, TftsrConnectorSendDialog, preview_view);
  gtk_widget_class_bind_template_child (widget_class, TftsrConnectorSendDialog, progress_page);
  gtk_widget_class_bind_template_child (widget_class, TftsrConnectorSendDialog, progress_bar);
  gtk_widget_class_bind_template_callback (widget_class, on_choice_changed);
  gtk_widget_class_install_action (widget_class, "send.start", NULL, start_action);
  gtk_widget_class_install_action (widget_class, "send.cancel", NULL, cancel_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
tftsr_connector_send_dialog_init (TftsrConnectorSendDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->choices = g_ptr_array_new_with_free_func ((GDestroyNotify) choice_free);
  self->loading = g_cancellable_new ();
}
