/* tftsr-ollama-async.c: the ollama calls and the hardware probe for the UI thread, each run
 * in a worker
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "tftsr-ollama-private.h"

#define DONE GINT_TO_POINTER (1)

/* --- pull progress for the caller's main context ------------------------------------ */

/* Reports wait here until the caller's context runs; at most one delivery is queued there
 * and it hands over everything waiting, in order. A report for the same step (status) as
 * the one before it replaces that one, so every step arrives but a busy UI gets the newest
 * byte counts instead of a backlog. The last report is queued before the task returns, at
 * the same priority, so it arrives before the completion callback. (The logs'
 * TftsrProgressRelay carries no text and drops reports by time, the final one included.) */
typedef struct
{
  TftsrOllamaPullProgress progress; /* its strings are the two below */
  char *status;
  char *digest;
} Report;

static void
report_free (Report *report)
{
  g_free (report->status);
  g_free (report->digest);
  g_free (report);
}

static void
report_set (Report *report, const TftsrOllamaPullProgress *progress)
{
  g_free (report->status);
  g_free (report->digest);
  report->progress = *progress;
  report->progress.status = report->status = g_strdup (progress->status);
  report->progress.digest = report->digest = g_strdup (progress->digest);
}

typedef struct
{
  TftsrOllamaPullFunc func;
  gpointer data;
  GMainContext *context;
  GMutex lock;
  GQueue waiting; /* Report */
  gboolean queued;
} PullRelay;

static void
relay_clear (gpointer data)
{
  PullRelay *relay = data;

  g_main_context_unref (relay->context);
  g_mutex_clear (&relay->lock);
  g_queue_clear_full (&relay->waiting, (GDestroyNotify) report_free);
}

static void
relay_unref (gpointer relay)
{
  g_atomic_rc_box_release_full (relay, relay_clear);
}

static PullRelay *
relay_new (TftsrOllamaPullFunc func, gpointer data)
{
  PullRelay *relay = g_atomic_rc_box_new0 (PullRelay);

  relay->func = func;
  relay->data = data;
  relay->context = g_main_context_ref_thread_default ();
  g_mutex_init (&relay->lock);
  g_queue_init (&relay->waiting);
  return relay;
}

/* In the caller's context. */
static gboolean
relay_deliver (gpointer data)
{
  PullRelay *relay = data;
  GQueue reports = G_QUEUE_INIT;
  Report *report;

  g_mutex_lock (&relay->lock);
  reports = relay->waiting;
  g_queue_init (&relay->waiting);
  relay->queued = FALSE;
  g_mutex_unlock (&relay->lock);
  while ((report = g_queue_pop_head (&reports)) != NULL)
    {
      relay->func (&report->progress, relay->data);
      report_free (report);
    }
  return G_SOURCE_REMOVE;
}

/* In the worker. An idle source rather than g_main_context_invoke(), which would run the
 * callback right here if nobody owned the caller's context at that moment. */
static void
relay_progress (const TftsrOllamaPullProgress *progress, gpointer data)
{
  PullRelay *relay = data;
  g_autoptr (GSource) source = NULL;
  Report *last;
  gboolean queue;

  g_mutex_lock (&relay->lock);
  last = g_queue_peek_tail (&relay->waiting);
  if (last == NULL || g_strcmp0 (last->status, progress->status) != 0)
    g_queue_push_tail (&relay->waiting, last = g_new0 (Report, 1));
  report_set (last, progress);
  queue = !relay->queued;
  relay->queued = TRUE;
  g_mutex_unlock (&relay->lock);
  if (!queue)
    return;
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, relay_deliver, g_atomic_rc_box_acquire (relay), relay_unref);
  g_source_attach (source, relay->context);
}

/* --- calls in a worker ---------------------------------------------------------------- */

typedef struct _Call Call;
typedef gpointer (*CallFunc) (Call *call, GCancellable *cancellable, GError **error);

struct _Call
{
  CallFunc func;
  GDestroyNotify result_free;
  char *base_url;
  char *model;
  PullRelay *relay; /* a pull with progress */
};

static void
call_free (Call *call)
{
  g_free (call->base_url);
  g_free (call->model);
  g_clear_pointer (&call->relay, relay_unref);
  g_free (call);
}

static Call *
call_new (CallFunc func, GDestroyNotify result_free, const char *base_url, const char *model)
{
  Call *call = g_new0 (Call, 1);

  call->func = func;
  call->result_free = result_free;
  call->base_url = g_strdup (base_url);
  call->model = g_strdup (model);
  return call;
}

static void
run_in_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  Call *call = task_data;
  GError *error = NULL;
  gpointer result = call->func (call, cancellable, &error);

  if (result == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, call->result_free);
}

static void
run_async (gpointer tag, Call *call, GCancellable *cancellable, GAsyncReadyCallback callback,
           gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, tag);
  g_task_set_task_data (task, call, (GDestroyNotify) call_free);
  g_task_run_in_thread (task, run_in_thread);
}

static gpointer
run_finish (GAsyncResult *result, gpointer tag, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tag, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static gpointer
version_call (Call *call, GCancellable *cancellable, GError **error)
{
  return tftsr_ollama_get_version (call->base_url, cancellable, error);
}

void
tftsr_ollama_get_version_async (const char *base_url, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data)
{
  run_async (tftsr_ollama_get_version_async, call_new (version_call, g_free, base_url, NULL),
             cancellable, callback, user_data);
}

char *
tftsr_ollama_get_version_finish (GAsyncResult *result, GError **error)
{
  return run_finish (result, tftsr_ollama_get_version_async, error);
}

static gpointer
models_call (Call *call, GCancellable *cancellable, GError **error)
{
  return tftsr_ollama_list_models (call->base_url, cancellable, error);
}

void
tftsr_ollama_list_models_async (const char *base_url, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data)
{
  run_async (tftsr_ollama_list_models_async,
             call_new (models_call, (GDestroyNotify) g_ptr_array_unref, base_url, NULL),
             cancellable, callback, user_data);
}

GPtrArray *
tftsr_ollama_list_models_finish (GAsyncResult *result, GError **error)
{
  return run_finish (result, tftsr_ollama_list_models_async, error);
}

static gpointer
pull_call (Call *call, GCancellable *cancellable, GError **error)
{
  return tftsr_ollama_pull (call->base_url, call->model,
                            call->relay != NULL ? relay_progress : NULL, call->relay, cancellable,
                            error)
             ? DONE
             : NULL;
}

void
tftsr_ollama_pull_async (const char *base_url, const char *model, TftsrOllamaPullFunc progress,
                         gpointer progress_data, GCancellable *cancellable,
                         GAsyncReadyCallback callback, gpointer user_data)
{
  Call *call;

  g_return_if_fail (model != NULL && *model != '\0');

  call = call_new (pull_call, NULL, base_url, model);
  if (progress != NULL)
    call->relay = relay_new (progress, progress_data);
  run_async (tftsr_ollama_pull_async, call, cancellable, callback, user_data);
}

gboolean
tftsr_ollama_pull_finish (GAsyncResult *result, GError **error)
{
  return run_finish (result, tftsr_ollama_pull_async, error) != NULL;
}

static gpointer
delete_call (Call *call, GCancellable *cancellable, GError **error)
{
  return tftsr_ollama_delete (call->base_url, call->model, cancellable, error) ? DONE : NULL;
}

void
tftsr_ollama_delete_async (const char *base_url, const char *model, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (model != NULL && *model != '\0');
  run_async (tftsr_ollama_delete_async, call_new (delete_call, NULL, base_url, model), cancellable,
             callback, user_data);
}

gboolean
tftsr_ollama_delete_finish (GAsyncResult *result, GError **error)
{
  return run_finish (result, tftsr_ollama_delete_async, error) != NULL;
}

static gpointer
probe_call (Call *call, GCancellable *cancellable, GError **error)
{
  return tftsr_hardware_probe (cancellable, error);
}

void
tftsr_hardware_probe_async (GCancellable *cancellable, GAsyncReadyCallback callback,
                            gpointer user_data)
{
  run_async (tftsr_hardware_probe_async,
             call_new (probe_call, (GDestroyNotify) tftsr_hardware_free, NULL, NULL), cancellable,
             callback, user_data);
}

TftsrHardware *
tftsr_hardware_probe_finish (GAsyncResult *result, GError **error)
{
  return run_finish (result, tftsr_hardware_probe_async, error);
}
