/* tftsr-connector-async.c: the connector calls for the UI thread, each run in a worker
 *
 * Every call copies what it is given into a Call, runs the blocking function of the same
 * name in a GTask thread with the task's cancellable, and returns its result. Secrets are
 * wiped with the call. Progress of an action comes back through a relay that posts each
 * report to the main context of the thread that started the call.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "tftsr-connector-private.h"

typedef enum
{
  OP_SAVE,
  OP_REMOVE,
  OP_LIST,
  OP_HEALTH,
  OP_LINKS,
  OP_TEST,
  OP_PREVIEW,
  OP_CREATE_TICKET,
  OP_PUBLISH,
  OP_PAGE,
  OP_RUN_ACTION,
  OP_NOTIFY,
  OP_CONTAINERS,
  OP_SEARCH,
} Op;

typedef struct _Relay Relay;

typedef struct
{
  Op op;
  TftsrConnectorConfig *config;
  TftsrSecret *secret;
  char *connector;
  char *text;   /* operation, action reference, query */
  char *arg;    /* preview argument, parameters, space, link */
  char *extra;  /* parent */
  gint64 id;    /* incident or document */
  guint number; /* page action, notify event, limit */
  gboolean flag;
  Relay *relay;
} Call;

/* --- progress ------------------------------------------------------------------------- */

/* Shared by the worker and the reports in flight; the last unref frees it. */
struct _Relay
{
  gint ref_count;
  TftsrConnectorProgress progress;
  gpointer progress_data;
  GMainContext *context;
  GMutex lock;
  char *last_status; /* of the last report posted */
  gint64 last_report;
  gboolean done; /* the call finished: reports still queued are dropped */
};

typedef struct
{
  Relay *relay;
  char *status;
  double fraction;
} Report;

static Relay *
relay_new (TftsrConnectorProgress progress, gpointer progress_data)
{
  Relay *relay = g_new0 (Relay, 1);

  relay->ref_count = 1;
  relay->progress = progress;
  relay->progress_data = progress_data;
  relay->context = g_main_context_ref_thread_default ();
  g_mutex_init (&relay->lock);
  return relay;
}

static Relay *
relay_ref (Relay *relay)
{
  g_atomic_int_inc (&relay->ref_count);
  return relay;
}

static void
relay_unref (Relay *relay)
{
  if (!g_atomic_int_dec_and_test (&relay->ref_count))
    return;
  g_main_context_unref (relay->context);
  g_mutex_clear (&relay->lock);
  g_free (relay->last_status);
  g_free (relay);
}

static void
report_free (Report *report)
{
  relay_unref (report->relay);
  g_free (report->status);
  g_free (report);
}

static gboolean
deliver (gpointer user_data)
{
  Report *report = user_data;
  gboolean done;

  /* Read and acted on in the caller's thread only, so no report follows the callback. */
  g_mutex_lock (&report->relay->lock);
  done = report->relay->done;
  g_mutex_unlock (&report->relay->lock);
  if (!done)
    report->relay->progress (report->status, report->fraction, report->relay->progress_data);
  return G_SOURCE_REMOVE;
}

/* In the worker: a new status always goes out; the same one at most ten times a second. */
static void
relay_progress (const char *status, double fraction, gpointer user_data)
{
  Relay *relay = user_data;
  gint64 now = g_get_monotonic_time ();
  Report *report;
  GSource *source;

  g_mutex_lock (&relay->lock);
  if (g_strcmp0 (status, relay->last_status) == 0 && now - relay->last_report < G_USEC_PER_SEC / 10)
    {
      g_mutex_unlock (&relay->lock);
      return;
    }
  g_free (relay->last_status);
  relay->last_status = g_strdup (status);
  relay->last_report = now;
  g_mutex_unlock (&relay->lock);

  report = g_new0 (Report, 1);
  report->relay = relay_ref (relay);
  report->status = g_strdup (status);
  report->fraction = fraction;
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, deliver, report, (GDestroyNotify) report_free);
  g_source_attach (source, relay->context);
  g_source_unref (source);
}

/* --- calls ------------------------------------------------------------------------------ */

static Call *
call_new (Op op, const char *connector)
{
  Call *call = g_new0 (Call, 1);

  call->op = op;
  call->connector = g_strdup (connector);
  return call;
}

static void
call_free (Call *call)
{
  g_clear_pointer (&call->config, tftsr_connector_config_free);
  g_clear_pointer (&call->secret, tftsr_secret_free);
  g_free (call->connector);
  g_free (call->text);
  g_free (call->arg);
  g_free (call->extra);
  g_clear_pointer (&call->relay, relay_unref);
  g_free (call);
}

/* @error is the address of the error the call that computed @result set: the order in
 * which C evaluates arguments is unspecified, so its value is read only here, after. */
static void
return_pointer (GTask *task, gpointer result, GDestroyNotify free_func, GError **error)
{
  if (result != NULL)
    g_task_return_pointer (task, result, free_func);
  else
    g_task_return_error (task, g_steal_pointer (error));
}

static void
return_boolean (GTask *task, gboolean ok, GError **error)
{
  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (error));
}

static void
run_in_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  TftsrStore *store = TFTSR_STORE (source);
  Call *call = data;
  GError *error = NULL;
  TftsrConnectorProgress progress = call->relay != NULL ? relay_progress : NULL;

  switch (call->op)
    {
    case OP_SAVE:
      return_boolean (
          task, tftsr_store_save_connector (store, call->config, call->secret, cancellable, &error),
          &error);
      break;
    case OP_REMOVE:
      return_boolean (
          task, tftsr_store_remove_connector (store, call->connector, cancellable, &error), &error);
      break;
    case OP_LIST:
      return_pointer (task, tftsr_store_list_connectors (store, &error),
                      (GDestroyNotify) g_ptr_array_unref, &error);
      break;
    case OP_HEALTH:
      return_pointer (task, tftsr_store_list_connector_health (store, &error),
                      (GDestroyNotify) g_ptr_array_unref, &error);
      break;
    case OP_LINKS:
      return_pointer (task, tftsr_store_list_external_links (store, call->id, &error),
                      (GDestroyNotify) g_ptr_array_unref, &error);
      break;
    case OP_TEST:
      return_pointer (task,
                      tftsr_connector_test (store, call->config, call->secret, cancellable, &error),
                      g_free, &error);
      break;
    case OP_PREVIEW:
      return_pointer (
          task,
          tftsr_connector_preview (store, call->connector, call->text, call->id, call->arg, &error),
          g_free, &error);
      break;
    case OP_CREATE_TICKET:
      return_pointer (
          task,
          tftsr_connector_create_ticket (store, call->connector, call->id, cancellable, &error),
          (GDestroyNotify) tftsr_external_item_free, &error);
      break;
    case OP_PUBLISH:
      return_pointer (task,
                      tftsr_connector_publish (store, call->connector, call->id, call->arg,
                                               call->extra, call->flag, cancellable, &error),
                      (GDestroyNotify) tftsr_external_item_free, &error);
      break;
    case OP_PAGE:
      return_pointer (task,
                      tftsr_connector_page (store, call->connector, call->id, call->number,
                                            cancellable, &error),
                      (GDestroyNotify) tftsr_external_item_free, &error);
      break;
    case OP_RUN_ACTION:
      return_pointer (task,
                      tftsr_connector_run_action (store, call->connector, call->id, call->text,
                                                  call->arg, progress, call->relay, cancellable,
                                                  &error),
                      (GDestroyNotify) tftsr_external_item_free, &error);
      break;
    case OP_NOTIFY:
      return_boolean (task,
                      tftsr_connector_notify (store, call->connector, call->id, call->number,
                                              call->arg, cancellable, &error),
                      &error);
      break;
    case OP_CONTAINERS:
      return_pointer (task,
                      tftsr_connector_list_containers (store, call->connector, cancellable, &error),
                      (GDestroyNotify) g_ptr_array_unref, &error);
      break;
    case OP_SEARCH:
      return_pointer (task,
                      tftsr_connector_search (store, call->connector, call->text, call->number,
                                              cancellable, &error),
                      (GDestroyNotify) g_ptr_array_unref, &error);
      break;
    default:
      g_assert_not_reached ();
    }
}

/* The callback of a call with progress: the relay stops first, so no report comes after. */
typedef struct
{
  GAsyncReadyCallback callback;
  gpointer user_data;
  Relay *relay;
} Finish;

static void
finish_relayed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Finish *finish = user_data;

  g_mutex_lock (&finish->relay->lock);
  finish->relay->done = TRUE;
  g_mutex_unlock (&finish->relay->lock);
  relay_unref (finish->relay);
  if (finish->callback != NULL)
    finish->callback (source, result, finish->user_data);
  g_free (finish);
}

static void
run (TftsrStore *store, gpointer tag, Call *call, GCancellable *cancellable,
     GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  if (call->relay != NULL)
    {
      Finish *finish = g_new0 (Finish, 1);

      finish->callback = callback;
      finish->user_data = user_data;
      finish->relay = relay_ref (call->relay);
      task = g_task_new (store, cancellable, finish_relayed, finish);
    }
  else
    task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, tag);
  /* An execution whose wait was cancelled is still the result (TFTSR_EXECUTION_UNWATCHED):
   * the operation says itself when a cancel means there is none. */
  g_task_set_check_cancellable (task, call->op != OP_RUN_ACTION);
  g_task_set_task_data (task, call, (GDestroyNotify) call_free);
  g_task_run_in_thread (task, run_in_thread);
}

static gpointer
finish_pointer (TftsrStore *store, GAsyncResult *result, gpointer tag, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tag, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static gboolean
finish_boolean (TftsrStore *store, GAsyncResult *result, gpointer tag, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tag, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- the store ---------------------------------------------------------------------------- */

void
tftsr_store_save_connector_async (TftsrStore *store, const TftsrConnectorConfig *config,
                                  const char *secret, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data)
{
  Call *call;

  g_return_if_fail (TFTSR_IS_STORE (store));
  g_return_if_fail (config != NULL);
  call = call_new (OP_SAVE, NULL);
  call->config = tftsr_connector_config_copy (config);
  call->secret = g_strdup (secret);
  run (store, tftsr_store_save_connector_async, call, cancellable, callback, user_data);
}

gboolean
tftsr_store_save_connector_finish (TftsrStore *store, GAsyncResult *result, GError **error)
{
  return finish_boolean (store, result, tftsr_store_save_connector_async, error);
}

void
tftsr_store_remove_connector_async (TftsrStore *store, const char *id, GCancellable *cancellable,
                                    GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (TFTSR_IS_STORE (store));
  g_return_if_fail (id != NULL);
  run (store, tftsr_store_remove_connector_async, call_new (OP_REMOVE, id), cancellable, callback,
       user_data);
}

gboolean
tftsr_store_remove_connector_finish (TftsrStore *store, GAsyncResult *result, GError **error)
{
  return finish_boolean (store, result, tftsr_store_remove_connector_async, error);
}

void
tftsr_store_list_connectors_async (TftsrStore *store, GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (TFTSR_IS_STORE (store));
  run (store, tftsr_store_list_connectors_async, call_new (OP_LIST, NULL), cancellable, callback,
       user_data);
}

GPtrArray *
tftsr_store_list_connectors_finish (TftsrStore *store, GAsyncResult *result, GError **error)
{
  return finish_pointer (store, result, tftsr_store_list_connectors_async, error);
}

void
tftsr_store_list_connector_health_async (TftsrStore *store, GCancellable *cancellable,
                                         GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (TFTSR_IS_STORE (store));
  run (store, tftsr_store_list_connector_health_async, call_new (OP_HEALTH, NULL), cancellable,
       callback, user_data);
}

GPtrArray *
tftsr_store_list_connector_health_finish (TftsrStore *store, GAsyncResult *result, GError **error)
{
  return finish_pointer (store, result, tftsr_store_list_connector_health_async, error);
}

void
tftsr_store_list_external_links_async (TftsrStore *store, gint64 issue_id,
                                       GCancellable *cancellable, GAsyncReadyCallback callback,
                                       gpointer user_data)
{
  Call *call;

  g_return_if_fail (TFTSR_IS_STORE (store));
  call = call_new (OP_LINKS, NULL);
  call->id = issue_id;
  run (store, tftsr_store_list_external_links_async, call, cancellable, callback, user_data);
}

GPtrArray *
tftsr_store_list_external_links_finish (TftsrStore *store, GAsyncResult *result, GError **error)
{
  return finish_pointer (store, result, tftsr_store_list_external_links_async, error);
}

/* --- operations --------------------------------------------------------------------------- */

void
tftsr_connector_test_async (TftsrStore *store, const TftsrConnectorConfig *config,
                            const char *candidate_secret, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  Call *call;

  g_return_if_fail (TFTSR_IS_STORE (store));
  g_return_if_fail (config != NULL);
  call = call_new (OP_TEST, NULL);
  call->config = tftsr_connector_config_copy (config);
  call->secret = g_strdup (candidate_secret);
  run (store, tftsr_connector_test_async, call, cancellable, callback, user_data);
}

char *
tftsr_connector_test_finish (TftsrStore *store, GAsyncResult *result, GError **error)
{
  return finish_pointer (store, result, tftsr_connector_test_async, error);
}

void
tftsr_connector_preview_async (TftsrStore *store, const char *connector, const char *operation,
                               gint64 issue_id, const char *arg, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data)
{
  Call *call;

  g_return_if_fail (TFTSR_IS_STORE (store));
  g_return_if_fail (connector != NULL && operation != NULL);
  call = call_new (OP_PREVIEW, connector);
  call->text = g_strdup (operation);
  call->arg = g_strdup (arg);
  call->id = issue_id;
  run (store, tftsr_connector_preview_async, call, cancellable, callback, user_data);
}

char *
tftsr_connector_preview_finish (TftsrStore *store, GAsyncResult *result, GError **error)
{
  return finish_pointer (store, result, tftsr_connector_preview_async, error);
}

void
tftsr_connector_create_ticket_async (TftsrStore *store, const char *connector, gint64 issue_id,
                                     GCancellable *cancellable, GAsyncReadyCallback callback,
                                     gpointer user_data)
{
  Call *call;

  g_return_if_fail (TFTSR_IS_STORE (store));
  g_return_if_fail (connector != NULL);
  call = call_new (OP_CREATE_TICKET, connector);
  call->id = issue_id;
  run (store, tftsr_connector_item_finish, call, cancellable, callback, user_data);
}

void
tftsr_connector_publish_async (TftsrStore *store, const char *connector, gint64 document_id,
                               const char *space, const char *parent, gboolean overwrite,
                               GCancellable *cancellable, GAsyncReadyCallback callback,
                               gpointer user_data)
{
  Call *call;

  g_return_if_fail (TFTSR_IS_STORE (store));
  g_return_if_fail (connector != NULL);
  call = call_new (OP_PUBLISH, connector);
  call->id = document_id;
  call->arg = g_strdup (space);
  call->extra = g_strdup (parent);
  call->flag = overwrite;
  run (store, tftsr_connector_item_finish, call, cancellable, callback, user_data);
}

void
tftsr_connector_page_async (TftsrStore *store, const char *connector, gint64 issue_id,
                            TftsrPageAction action, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  Call *call;

  g_return_if_fail (TFTSR_IS_STORE (store));
  g_return_if_fail (connector != NULL);
  call = call_new (OP_PAGE, connector);
  call->id = issue_id;
  call->number = action;
  run (store, tftsr_connector_item_finish, call, cancellable, callback, user_data);
}

void
tftsr_connector_run_action_async (TftsrStore *store, const char *connector, gint64 issue_id,
                                  const char *action_ref, const char *parameters_json,
                                  TftsrConnectorProgress progress, gpointer progress_data,
                                  GCancellable *cancellable, GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  Call *call;

  g_return_if_fail (TFTSR_IS_STORE (store));
  g_return_if_fail (connector != NULL && action_ref != NULL);
  call = call_new (OP_RUN_ACTION, connector);
  call->id = issue_id;
  call->text = g_strdup (action_ref);
  call->arg = g_strdup (parameters_json);
  if (progress != NULL)
    call->relay = relay_new (progress, progress_data);
  run (store, tftsr_connector_item_finish, call, cancellable, callback, user_data);
}

TftsrExternalItem *
tftsr_connector_item_finish (TftsrStore *store, GAsyncResult *result, GError **error)
{
  return finish_pointer (store, result, tftsr_connector_item_finish, error);
}

void
tftsr_connector_notify_async (TftsrStore *store, const char *connector, gint64 issue_id,
                              TftsrNotifyEvent event, const char *link, GCancellable *cancellable,
                              GAsyncReadyCallback callback, gpointer user_data)
{
  Call *call;

  g_return_if_fail (TFTSR_IS_STORE (store));
  g_return_if_fail (connector != NULL);
  call = call_new (OP_NOTIFY, connector);
  call->id = issue_id;
  call->number = event;
  call->arg = g_strdup (link);
  run (store, tftsr_connector_notify_async, call, cancellable, callback, user_data);
}

gboolean
tftsr_connector_notify_finish (TftsrStore *store, GAsyncResult *result, GError **error)
{
  return finish_boolean (store, result, tftsr_connector_notify_async, error);
}

void
tftsr_connector_list_containers_async (TftsrStore *store, const char *connector,
                                       GCancellable *cancellable, GAsyncReadyCallback callback,
                                       gpointer user_data)
{
  g_return_if_fail (TFTSR_IS_STORE (store));
  g_return_if_fail (connector != NULL);
  run (store, tftsr_connector_items_finish, call_new (OP_CONTAINERS, connector), cancellable,
       callback, user_data);
}

void
tftsr_connector_search_async (TftsrStore *store, const char *connector, const char *query,
                              guint limit, GCancellable *cancellable, GAsyncReadyCallback callback,
                              gpointer user_data)
{
  Call *call;

  g_return_if_fail (TFTSR_IS_STORE (store));
  g_return_if_fail (connector != NULL && query != NULL);
  call = call_new (OP_SEARCH, connector);
  call->text = g_strdup (query);
  call->number = limit;
  run (store, tftsr_connector_items_finish, call, cancellable, callback, user_data);
}

GPtrArray *
tftsr_connector_items_finish (TftsrStore *store, GAsyncResult *result, GError **error)
{
  return finish_pointer (store, result, tftsr_connector_items_finish, error);
}
