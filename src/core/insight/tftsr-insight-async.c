/* tftsr-insight-async.c: the insight calls for the UI thread, each run in a worker with its
 * progress relayed to the caller's main context
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "tftsr-insight-private.h"
#include "tftsr-progress-private.h"

typedef struct
{
  gint64 id; /* of the log, or of the incident */
  TftsrLogLineFilter filter;
  guint limit;
  TftsrProgressRelay relay;
} InsightData;

static void
insight_data_free (InsightData *data)
{
  tftsr_progress_relay_clear (&data->relay);
  g_free (data);
}

static GTask *
insight_task (TftsrStore *store, gpointer source_tag, gint64 id, TftsrProgressFunc progress,
              gpointer progress_data, GCancellable *cancellable, GAsyncReadyCallback callback,
              gpointer user_data)
{
  GTask *task = g_task_new (store, cancellable, callback, user_data);
  InsightData *data = g_new0 (InsightData, 1);

  data->id = id;
  tftsr_progress_relay_init (&data->relay, progress, progress_data);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, data, (GDestroyNotify) insight_data_free);
  return task;
}

static gpointer
insight_finish (TftsrStore *store, GAsyncResult *result, gpointer source_tag, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
return_pointer (GTask *task, gpointer result, GDestroyNotify result_free, GError *error)
{
  if (result != NULL)
    g_task_return_pointer (task, result, result_free);
  else
    g_task_return_error (task, error);
}

static void
ensure_in_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  InsightData *data = task_data;
  GError *error = NULL;
  TftsrLogInsight *insight = tftsr_store_ensure_log_insight (
      TFTSR_STORE (source), data->id, tftsr_progress_relay_func (&data->relay), &data->relay,
      cancellable, &error);

  return_pointer (task, insight, g_object_unref, error);
}

void
tftsr_store_ensure_log_insight_async (TftsrStore *store, gint64 log_id, TftsrProgressFunc progress,
                                      gpointer progress_data, GCancellable *cancellable,
                                      GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (TFTSR_IS_STORE (store));
  task = insight_task (store, tftsr_store_ensure_log_insight_async, log_id, progress, progress_data,
                       cancellable, callback, user_data);
  /* A Cancel that lands once the insight is stored must not report it as not kept. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_run_in_thread (task, ensure_in_thread);
}

TftsrLogInsight *
tftsr_store_ensure_log_insight_finish (TftsrStore *store, GAsyncResult *result, GError **error)
{
  return insight_finish (store, result, tftsr_store_ensure_log_insight_async, error);
}

static void
find_in_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  InsightData *data = task_data;
  GError *error = NULL;
  GArray *lines = tftsr_store_find_log_lines (TFTSR_STORE (source), data->id, &data->filter,
                                              tftsr_progress_relay_func (&data->relay),
                                              &data->relay, cancellable, &error);

  return_pointer (task, lines, (GDestroyNotify) g_array_unref, error);
}

void
tftsr_store_find_log_lines_async (TftsrStore *store, gint64 log_id,
                                  const TftsrLogLineFilter *filter, TftsrProgressFunc progress,
                                  gpointer progress_data, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (TFTSR_IS_STORE (store));
  g_return_if_fail (filter != NULL);
  task = insight_task (store, tftsr_store_find_log_lines_async, log_id, progress, progress_data,
                       cancellable, callback, user_data);
  ((InsightData *) g_task_get_task_data (task))->filter = *filter;
  g_task_run_in_thread (task, find_in_thread);
}

GArray *
tftsr_store_find_log_lines_finish (TftsrStore *store, GAsyncResult *result, GError **error)
{
  return insight_finish (store, result, tftsr_store_find_log_lines_async, error);
}

static void
similar_in_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  InsightData *data = task_data;
  GError *error = NULL;
  GPtrArray *similar =
      tftsr_store_similar_issues (TFTSR_STORE (source), data->id, data->limit, &error);

  return_pointer (task, similar, (GDestroyNotify) g_ptr_array_unref, error);
}

void
tftsr_store_similar_issues_async (TftsrStore *store, gint64 issue_id, guint limit,
                                  GCancellable *cancellable, GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (TFTSR_IS_STORE (store));
  task = insight_task (store, tftsr_store_similar_issues_async, issue_id, NULL, NULL, cancellable,
                       callback, user_data);
  ((InsightData *) g_task_get_task_data (task))->limit = limit;
  g_task_run_in_thread (task, similar_in_thread);
}

GPtrArray *
tftsr_store_similar_issues_finish (TftsrStore *store, GAsyncResult *result, GError **error)
{
  return insight_finish (store, result, tftsr_store_similar_issues_async, error);
}
