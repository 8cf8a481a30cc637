/* tftsr-store-async.c: the store's calls for the UI thread, each run in a worker
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "tftsr-store-private.h"

/* Results of calls that only succeed or fail. */
#define DONE GINT_TO_POINTER (1)

static gpointer
create_call (TftsrStore *self, gpointer draft, GError **error)
{
  return tftsr_store_create_issue (self, draft, error);
}

void
tftsr_store_create_issue_async (TftsrStore *self, TftsrIssue *draft, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (TFTSR_IS_STORE (self));
  g_return_if_fail (TFTSR_IS_ISSUE (draft));
  /* A copy: the caller may keep editing its object while the worker reads this one. */
  tftsr_store_run_async (self, tftsr_store_create_issue_async, create_call,
                         tftsr_issue_copy (draft), g_object_unref, g_object_unref, cancellable,
                         callback, user_data);
}

TftsrIssue *
tftsr_store_create_issue_finish (TftsrStore *self, GAsyncResult *result, GError **error)
{
  return tftsr_store_run_finish (self, result, tftsr_store_create_issue_async, error);
}

static gpointer
get_call (TftsrStore *self, gpointer id, GError **error)
{
  return tftsr_store_get_issue (self, *(gint64 *) id, error);
}

void
tftsr_store_get_issue_async (TftsrStore *self, gint64 id, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (TFTSR_IS_STORE (self));
  tftsr_store_run_async (self, tftsr_store_get_issue_async, get_call, tftsr_store_id_new (id),
                         g_free, g_object_unref, cancellable, callback, user_data);
}

TftsrIssue *
tftsr_store_get_issue_finish (TftsrStore *self, GAsyncResult *result, GError **error)
{
  return tftsr_store_run_finish (self, result, tftsr_store_get_issue_async, error);
}

static gpointer
update_call (TftsrStore *self, gpointer issue, GError **error)
{
  return tftsr_store_update_issue (self, issue, error);
}

void
tftsr_store_update_issue_async (TftsrStore *self, TftsrIssue *issue, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (TFTSR_IS_STORE (self));
  g_return_if_fail (TFTSR_IS_ISSUE (issue));
  tftsr_store_run_async (self, tftsr_store_update_issue_async, update_call,
                         tftsr_issue_copy (issue), g_object_unref, g_object_unref, cancellable,
                         callback, user_data);
}

TftsrIssue *
tftsr_store_update_issue_finish (TftsrStore *self, GAsyncResult *result, GError **error)
{
  return tftsr_store_run_finish (self, result, tftsr_store_update_issue_async, error);
}

static gpointer
delete_call (TftsrStore *self, gpointer id, GError **error)
{
  return tftsr_store_delete_issue (self, *(gint64 *) id, error) ? DONE : NULL;
}

static gpointer
restore_call (TftsrStore *self, gpointer id, GError **error)
{
  return tftsr_store_restore_issue (self, *(gint64 *) id, error) ? DONE : NULL;
}

/* Delete and restore share one finish function and so one source tag. */
void
tftsr_store_delete_issue_async (TftsrStore *self, gint64 id, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (TFTSR_IS_STORE (self));
  tftsr_store_run_async (self, tftsr_store_change_finish, delete_call, tftsr_store_id_new (id),
                         g_free, NULL, cancellable, callback, user_data);
}

void
tftsr_store_restore_issue_async (TftsrStore *self, gint64 id, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (TFTSR_IS_STORE (self));
  tftsr_store_run_async (self, tftsr_store_change_finish, restore_call, tftsr_store_id_new (id),
                         g_free, NULL, cancellable, callback, user_data);
}

gboolean
tftsr_store_change_finish (TftsrStore *self, GAsyncResult *result, GError **error)
{
  return tftsr_store_run_finish (self, result, tftsr_store_change_finish, error) != NULL;
}

typedef struct
{
  GPtrArray *issues;
  gboolean has_more;
} ListResult;

static void
list_result_free (ListResult *result)
{
  g_ptr_array_unref (result->issues);
  g_free (result);
}

static gpointer
list_call (TftsrStore *self, gpointer query, GError **error)
{
  ListResult *result = g_new0 (ListResult, 1);

  result->issues = tftsr_store_list_issues (self, query, &result->has_more, error);
  if (result->issues == NULL)
    g_clear_pointer (&result, g_free);
  return result;
}

void
tftsr_store_list_issues_async (TftsrStore *self, const TftsrIssueQuery *query,
                               GCancellable *cancellable, GAsyncReadyCallback callback,
                               gpointer user_data)
{
  g_return_if_fail (TFTSR_IS_STORE (self));
  g_return_if_fail (query != NULL);
  tftsr_store_run_async (self, tftsr_store_list_issues_async, list_call,
                         tftsr_issue_query_copy (query), (GDestroyNotify) tftsr_issue_query_free,
                         (GDestroyNotify) list_result_free, cancellable, callback, user_data);
}

GPtrArray *
tftsr_store_list_issues_finish (TftsrStore *self, GAsyncResult *result, gboolean *has_more,
                                GError **error)
{
  ListResult *list = tftsr_store_run_finish (self, result, tftsr_store_list_issues_async, error);
  GPtrArray *issues;

  if (list == NULL)
    return NULL;
  if (has_more != NULL)
    *has_more = list->has_more;
  issues = g_steal_pointer (&list->issues);
  g_free (list);
  return issues;
}

static gpointer
timeline_call (TftsrStore *self, gpointer id, GError **error)
{
  return tftsr_store_list_timeline (self, *(gint64 *) id, error);
}

void
tftsr_store_list_timeline_async (TftsrStore *self, gint64 issue_id, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (TFTSR_IS_STORE (self));
  tftsr_store_run_async (self, tftsr_store_list_timeline_async, timeline_call,
                         tftsr_store_id_new (issue_id), g_free, (GDestroyNotify) g_ptr_array_unref,
                         cancellable, callback, user_data);
}

GPtrArray *
tftsr_store_list_timeline_finish (TftsrStore *self, GAsyncResult *result, GError **error)
{
  return tftsr_store_run_finish (self, result, tftsr_store_list_timeline_async, error);
}
