/* tftsr-doc-async.c: the documents' calls for the UI thread, each run in a worker
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "tftsr-document-private.h"
#include "tftsr-progress-private.h"

/* Results of calls that only succeed or fail. */
#define DONE GINT_TO_POINTER (1)

/* The arguments of any document call; each uses the fields it needs. */
typedef struct
{
  gint64 id; /* the incident's, or the document's */
  TftsrDocKind kind;
  guint n;
  TftsrDocSave mode;
  TftsrDocFormat format;
  TftsrPaper paper;
  char *text; /* the Markdown to save, or the path to export to */
  GCancellable *cancellable;
  TftsrProgressRelay relay; /* an export's progress */
} Call;

static void
call_free (Call *call)
{
  g_free (call->text);
  g_clear_object (&call->cancellable);
  tftsr_progress_relay_clear (&call->relay);
  g_free (call);
}

static Call *
call_new (gint64 id)
{
  Call *call = g_new0 (Call, 1);

  call->id = id;
  return call;
}

static void
run_document_call (TftsrStore *store, TftsrStoreFunc func, Call *call, GCancellable *cancellable,
                   GAsyncReadyCallback callback, gpointer user_data)
{
  tftsr_store_run_async (store, tftsr_store_document_finish, func, call, (GDestroyNotify) call_free,
                         (GDestroyNotify) tftsr_document_free, cancellable, callback, user_data);
}

static gpointer
get_call (TftsrStore *store, gpointer data, GError **error)
{
  Call *call = data;
  return tftsr_store_get_document (store, call->id, call->kind, error);
}

void
tftsr_store_get_document_async (TftsrStore *store, gint64 issue_id, TftsrDocKind kind,
                                GCancellable *cancellable, GAsyncReadyCallback callback,
                                gpointer user_data)
{
  Call *call;

  g_return_if_fail (TFTSR_IS_STORE (store));
  call = call_new (issue_id);
  call->kind = kind;
  run_document_call (store, get_call, call, cancellable, callback, user_data);
}

static gpointer
generate_call (TftsrStore *store, gpointer data, GError **error)
{
  Call *call = data;
  return tftsr_store_generate_document (store, call->id, call->kind, error);
}

void
tftsr_store_generate_document_async (TftsrStore *store, gint64 issue_id, TftsrDocKind kind,
                                     GCancellable *cancellable, GAsyncReadyCallback callback,
                                     gpointer user_data)
{
  Call *call;

  g_return_if_fail (TFTSR_IS_STORE (store));
  call = call_new (issue_id);
  call->kind = kind;
  run_document_call (store, generate_call, call, cancellable, callback, user_data);
}

static gpointer
regenerate_call (TftsrStore *store, gpointer data, GError **error)
{
  Call *call = data;
  return tftsr_store_regenerate_document (store, call->id, error);
}

void
tftsr_store_regenerate_document_async (TftsrStore *store, gint64 document_id,
                                       GCancellable *cancellable, GAsyncReadyCallback callback,
                                       gpointer user_data)
{
  g_return_if_fail (TFTSR_IS_STORE (store));
  run_document_call (store, regenerate_call, call_new (document_id), cancellable, callback,
                     user_data);
}

static gpointer
save_call (TftsrStore *store, gpointer data, GError **error)
{
  Call *call = data;
  return tftsr_store_save_document (store, call->id, call->text, call->mode, error);
}

void
tftsr_store_save_document_async (TftsrStore *store, gint64 document_id, const char *markdown,
                                 TftsrDocSave mode, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data)
{
  Call *call;

  g_return_if_fail (TFTSR_IS_STORE (store));
  g_return_if_fail (markdown != NULL);
  call = call_new (document_id);
  /* A copy: the editor's buffer goes on changing while the worker saves. */
  call->text = g_strdup (markdown);
  call->mode = mode;
  run_document_call (store, save_call, call, cancellable, callback, user_data);
}

static gpointer
revert_call (TftsrStore *store, gpointer data, GError **error)
{
  Call *call = data;
  return tftsr_store_revert_document (store, call->id, call->n, error);
}

void
tftsr_store_revert_document_async (TftsrStore *store, gint64 document_id, guint n,
                                   GCancellable *cancellable, GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  Call *call;

  g_return_if_fail (TFTSR_IS_STORE (store));
  call = call_new (document_id);
  call->n = n;
  run_document_call (store, revert_call, call, cancellable, callback, user_data);
}

TftsrDocument *
tftsr_store_document_finish (TftsrStore *store, GAsyncResult *result, GError **error)
{
  return tftsr_store_run_finish (store, result, tftsr_store_document_finish, error);
}

static gpointer
list_revisions_call (TftsrStore *store, gpointer data, GError **error)
{
  Call *call = data;
  return tftsr_store_list_document_revisions (store, call->id, error);
}

void
tftsr_store_list_document_revisions_async (TftsrStore *store, gint64 document_id,
                                           GCancellable *cancellable, GAsyncReadyCallback callback,
                                           gpointer user_data)
{
  g_return_if_fail (TFTSR_IS_STORE (store));
  tftsr_store_run_async (store, tftsr_store_list_document_revisions_async, list_revisions_call,
                         call_new (document_id), (GDestroyNotify) call_free,
                         (GDestroyNotify) g_ptr_array_unref, cancellable, callback, user_data);
}

GPtrArray *
tftsr_store_list_document_revisions_finish (TftsrStore *store, GAsyncResult *result, GError **error)
{
  return tftsr_store_run_finish (store, result, tftsr_store_list_document_revisions_async, error);
}

static gpointer
get_revision_call (TftsrStore *store, gpointer data, GError **error)
{
  Call *call = data;
  return tftsr_store_get_document_revision (store, call->id, call->n, error);
}

void
tftsr_store_get_document_revision_async (TftsrStore *store, gint64 document_id, guint n,
                                         GCancellable *cancellable, GAsyncReadyCallback callback,
                                         gpointer user_data)
{
  Call *call;

  g_return_if_fail (TFTSR_IS_STORE (store));
  call = call_new (document_id);
  call->n = n;
  tftsr_store_run_async (store, tftsr_store_get_document_revision_async, get_revision_call, call,
                         (GDestroyNotify) call_free, (GDestroyNotify) tftsr_doc_revision_free,
                         cancellable, callback, user_data);
}

TftsrDocRevision *
tftsr_store_get_document_revision_finish (TftsrStore *store, GAsyncResult *result, GError **error)
{
  return tftsr_store_run_finish (store, result, tftsr_store_get_document_revision_async, error);
}

static gpointer
export_call (TftsrStore *store, gpointer data, GError **error)
{
  Call *call = data;
  TftsrPdfInfo info = { 0 };

  if (!tftsr_store_export_document (store, call->id, call->format, call->paper, call->text, &info,
                                    tftsr_progress_relay_func (&call->relay), &call->relay,
                                    call->cancellable, error))
    return NULL;
  return g_memdup2 (&info, sizeof info);
}

void
tftsr_store_export_document_async (TftsrStore *store, gint64 document_id, TftsrDocFormat format,
                                   TftsrPaper paper, const char *path, TftsrProgressFunc progress,
                                   gpointer progress_data, GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data)
{
  Call *call;

  g_return_if_fail (TFTSR_IS_STORE (store));
  g_return_if_fail (path != NULL);
  call = call_new (document_id);
  call->format = format;
  call->paper = paper;
  call->text = g_strdup (path);
  call->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  tftsr_progress_relay_init (&call->relay, progress, progress_data);
  tftsr_store_run_async (store, tftsr_store_export_document_async, export_call, call,
                         (GDestroyNotify) call_free, g_free, cancellable, callback, user_data);
}

gboolean
tftsr_store_export_document_finish (TftsrStore *store, GAsyncResult *result, TftsrPdfInfo *info,
                                    GError **error)
{
  g_autofree TftsrPdfInfo *made =
      tftsr_store_run_finish (store, result, tftsr_store_export_document_async, error);

  if (made != NULL && info != NULL)
    *info = *made;
  return made != NULL;
}

static gpointer
get_paper_call (TftsrStore *store, gpointer data, GError **error)
{
  TftsrPaper paper;

  if (!tftsr_store_get_paper (store, &paper, error))
    return NULL;
  return g_memdup2 (&paper, sizeof paper);
}

void
tftsr_store_get_paper_async (TftsrStore *store, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (TFTSR_IS_STORE (store));
  tftsr_store_run_async (store, tftsr_store_get_paper_async, get_paper_call, NULL, NULL, g_free,
                         cancellable, callback, user_data);
}

gboolean
tftsr_store_get_paper_finish (TftsrStore *store, GAsyncResult *result, TftsrPaper *paper,
                              GError **error)
{
  g_autofree TftsrPaper *stored =
      tftsr_store_run_finish (store, result, tftsr_store_get_paper_async, error);

  if (stored != NULL)
    *paper = *stored;
  return stored != NULL;
}

static gpointer
set_paper_call (TftsrStore *store, gpointer data, GError **error)
{
  Call *call = data;
  return tftsr_store_set_paper (store, call->paper, error) ? DONE : NULL;
}

void
tftsr_store_set_paper_async (TftsrStore *store, TftsrPaper paper, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  Call *call;

  g_return_if_fail (TFTSR_IS_STORE (store));
  call = call_new (0);
  call->paper = paper;
  tftsr_store_run_async (store, tftsr_store_change_finish, set_paper_call, call,
                         (GDestroyNotify) call_free, NULL, cancellable, callback, user_data);
}
