/* tftsr-log-async.c: the calls on logs and their review for the UI thread, each run in a
 * worker with the store's own connection
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "tftsr-log.h"
#include "tftsr-pii-review.h"
#include "tftsr-store-private.h"

/* Results of calls that only succeed or fail. */
#define DONE GINT_TO_POINTER (1)

/* The arguments of one call, copied for the worker. */
typedef struct
{
  gint64 id;
  char *type;
  gboolean flag;
} Args;

static void
args_free (Args *args)
{
  g_free (args->type);
  g_free (args);
}

static Args *
args_new (gint64 id, const char *type, gboolean flag)
{
  Args *args = g_new0 (Args, 1);

  args->id = id;
  args->type = g_strdup (type);
  args->flag = flag;
  return args;
}

static void
run (TftsrStore *store, gpointer tag, TftsrStoreFunc func, Args *args, GDestroyNotify result_free,
     GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  tftsr_store_run_async (store, tag, func, args, (GDestroyNotify) args_free, result_free,
                         cancellable, callback, user_data);
}

static gpointer
list_logs_call (TftsrStore *store, gpointer data, GError **error)
{
  return tftsr_store_list_logs (store, ((Args *) data)->id, error);
}

void
tftsr_store_list_logs_async (TftsrStore *store, gint64 issue_id, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (TFTSR_IS_STORE (store));
  run (store, tftsr_store_list_logs_async, list_logs_call, args_new (issue_id, NULL, FALSE),
       (GDestroyNotify) g_ptr_array_unref, cancellable, callback, user_data);
}

GPtrArray *
tftsr_store_list_logs_finish (TftsrStore *store, GAsyncResult *result, GError **error)
{
  return tftsr_store_run_finish (store, result, tftsr_store_list_logs_async, error);
}

static gpointer
get_log_call (TftsrStore *store, gpointer data, GError **error)
{
  return tftsr_store_get_log (store, ((Args *) data)->id, error);
}

void
tftsr_store_get_log_async (TftsrStore *store, gint64 log_id, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (TFTSR_IS_STORE (store));
  run (store, tftsr_store_get_log_async, get_log_call, args_new (log_id, NULL, FALSE),
       g_object_unref, cancellable, callback, user_data);
}

TftsrLogFile *
tftsr_store_get_log_finish (TftsrStore *store, GAsyncResult *result, GError **error)
{
  return tftsr_store_run_finish (store, result, tftsr_store_get_log_async, error);
}

static gpointer
delete_log_call (TftsrStore *store, gpointer data, GError **error)
{
  return tftsr_store_delete_log (store, ((Args *) data)->id, error) ? DONE : NULL;
}

void
tftsr_store_delete_log_async (TftsrStore *store, gint64 log_id, GCancellable *cancellable,
                              GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (TFTSR_IS_STORE (store));
  run (store, tftsr_store_change_finish, delete_log_call, args_new (log_id, NULL, FALSE), NULL,
       cancellable, callback, user_data);
}

static gpointer
list_values_call (TftsrStore *store, gpointer data, GError **error)
{
  return tftsr_store_list_pii_values (store, ((Args *) data)->id, error);
}

void
tftsr_store_list_pii_values_async (TftsrStore *store, gint64 issue_id, GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (TFTSR_IS_STORE (store));
  run (store, tftsr_store_list_pii_values_async, list_values_call, args_new (issue_id, NULL, FALSE),
       (GDestroyNotify) g_ptr_array_unref, cancellable, callback, user_data);
}

GPtrArray *
tftsr_store_list_pii_values_finish (TftsrStore *store, GAsyncResult *result, GError **error)
{
  return tftsr_store_run_finish (store, result, tftsr_store_list_pii_values_async, error);
}

static gpointer
release_value_call (TftsrStore *store, gpointer data, GError **error)
{
  Args *args = data;
  return tftsr_store_set_pii_value_released (store, args->id, args->flag, error) ? DONE : NULL;
}

void
tftsr_store_set_pii_value_released_async (TftsrStore *store, gint64 value_id, gboolean released,
                                          GCancellable *cancellable, GAsyncReadyCallback callback,
                                          gpointer user_data)
{
  g_return_if_fail (TFTSR_IS_STORE (store));
  run (store, tftsr_store_change_finish, release_value_call, args_new (value_id, NULL, released),
       NULL, cancellable, callback, user_data);
}

static gpointer
release_type_call (TftsrStore *store, gpointer data, GError **error)
{
  Args *args = data;
  return tftsr_store_set_pii_type_released (store, args->id, args->type, args->flag, error) ? DONE
                                                                                            : NULL;
}

void
tftsr_store_set_pii_type_released_async (TftsrStore *store, gint64 issue_id, const char *type,
                                         gboolean released, GCancellable *cancellable,
                                         GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (TFTSR_IS_STORE (store));
  g_return_if_fail (type != NULL);
  run (store, tftsr_store_change_finish, release_type_call, args_new (issue_id, type, released),
       NULL, cancellable, callback, user_data);
}
