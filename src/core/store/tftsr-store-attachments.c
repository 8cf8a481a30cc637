/* tftsr-store-attachments.c: logs and images of all live incidents, one query
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>

#include "tftsr-attachment.h"
#include "tftsr-store-private.h"

struct _TftsrAttachment
{
  GObject parent_instance;
  TftsrAttachmentKind kind;
  gint64 id;
  gint64 issue_id;
  char *issue_title;
  char *name;
  guint64 size;
  char *created_at;
  guint detections;
  guint released;
  gboolean acknowledged;
};

G_DEFINE_FINAL_TYPE (TftsrAttachment, tftsr_attachment, G_TYPE_OBJECT)

static void
tftsr_attachment_finalize (GObject *object)
{
  TftsrAttachment *self = TFTSR_ATTACHMENT (object);

  g_free (self->issue_title);
  g_free (self->name);
  g_free (self->created_at);
  G_OBJECT_CLASS (tftsr_attachment_parent_class)->finalize (object);
}

static void
tftsr_attachment_class_init (TftsrAttachmentClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tftsr_attachment_finalize;
}

static void
tftsr_attachment_init (TftsrAttachment *self)
{
}

#define GETTER(type, field)                                                                        \
  type tftsr_attachment_get_##field (TftsrAttachment *self)                                        \
  {                                                                                                \
    g_return_val_if_fail (TFTSR_IS_ATTACHMENT (self), (type) 0);                                   \
    return self->field;                                                                            \
  }

GETTER (TftsrAttachmentKind, kind)
GETTER (gint64, id)
GETTER (gint64, issue_id)
GETTER (const char *, issue_title)
GETTER (const char *, name)
GETTER (guint64, size)
GETTER (const char *, created_at)
GETTER (guint, detections)
GETTER (guint, released)
GETTER (gboolean, acknowledged)

static const char list_sql[] =
    "SELECT 0, l.id, l.issue_id, i.title, l.name, l.size, l.created_at, "
    "l.pii_count, " TFTSR_SQL_LOG_RELEASED ", 0"
    " FROM log_files l JOIN issues i ON i.id = l.issue_id"
    " WHERE l.state = 'ready' AND i.deleted_at IS NULL AND instr (lower (l.name), lower (?1)) > 0"
    " UNION ALL "
    "SELECT 1, m.id, m.issue_id, i.title, m.name, m.size, m.created_at, 0, 0,"
    "  m.pii_acknowledged_at IS NOT NULL"
    " FROM image_attachments m JOIN issues i ON i.id = m.issue_id"
    " WHERE i.deleted_at IS NULL AND instr (lower (m.name), lower (?1)) > 0"
    " ORDER BY 7 DESC, 1 DESC, 2 DESC LIMIT ?2";

static TftsrAttachment *
attachment_from_row (sqlite3_stmt *stmt)
{
  TftsrAttachment *a = g_object_new (TFTSR_TYPE_ATTACHMENT, NULL);

  a->kind = sqlite3_column_int (stmt, 0) == 0 ? TFTSR_ATTACHMENT_LOG : TFTSR_ATTACHMENT_IMAGE;
  a->id = sqlite3_column_int64 (stmt, 1);
  a->issue_id = sqlite3_column_int64 (stmt, 2);
  a->issue_title = g_strdup (tftsr_db_text (stmt, 3));
  a->name = g_strdup (tftsr_db_text (stmt, 4));
  a->size = sqlite3_column_int64 (stmt, 5);
  a->created_at = g_strdup (tftsr_db_text (stmt, 6));
  a->detections = sqlite3_column_int (stmt, 7);
  a->released = sqlite3_column_int (stmt, 8);
  a->acknowledged = sqlite3_column_int (stmt, 9) != 0;
  return a;
}

GPtrArray *
tftsr_store_list_attachments (TftsrStore *store, const char *name_filter, GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func (g_object_unref);
  int rc;

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);

  if ((conn = tftsr_conn_acquire (store, error)) == NULL ||
      (stmt = tftsr_db_prepare (conn->db, list_sql, error)) == NULL)
    return NULL;
  tftsr_db_bind_text (stmt, 1, name_filter != NULL ? name_filter : "");
  sqlite3_bind_int (stmt, 2, TFTSR_ATTACHMENTS_LIMIT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, attachment_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      tftsr_db_set_error (error, conn->db, rc, _ ("Could not list the attachments"));
      return NULL;
    }
  return g_steal_pointer (&list);
}

static gpointer
list_call (TftsrStore *store, gpointer filter, GError **error)
{
  return tftsr_store_list_attachments (store, filter, error);
}

void
tftsr_store_list_attachments_async (TftsrStore *store, const char *name_filter,
                                    GCancellable *cancellable, GAsyncReadyCallback callback,
                                    gpointer user_data)
{
  g_return_if_fail (TFTSR_IS_STORE (store));
  tftsr_store_run_async (store, tftsr_store_list_attachments_async, list_call,
                         g_strdup (name_filter), g_free, (GDestroyNotify) g_ptr_array_unref,
                         cancellable, callback, user_data);
}

GPtrArray *
tftsr_store_list_attachments_finish (TftsrStore *store, GAsyncResult *result, GError **error)
{
  return tftsr_store_run_finish (store, result, tftsr_store_list_attachments_async, error);
}
