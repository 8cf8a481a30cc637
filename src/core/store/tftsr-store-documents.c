/* tftsr-store-documents.c: the documents and document_revisions repository
 *
 * A document's current revision is always its newest; every change adds one, in a
 * transaction with the document's row, except an autosave that coalesces into an edit
 * begun less than TFTSR_DOC_AUTOSAVE_WINDOW seconds ago (tftsr-document.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>

#include "tftsr-document-private.h"

#define DOCUMENT_SELECT                                                                            \
  "SELECT d.id, d.issue_id, d.kind, d.title, d.revision, d.external_url, d.created_at, "           \
  " d.updated_at, r.markdown FROM documents d "                                                    \
  "JOIN document_revisions r ON r.document_id = d.id AND r.n = d.revision "

static TftsrDocument *
document_from_row (sqlite3_stmt *stmt)
{
  TftsrDocument *doc = g_new0 (TftsrDocument, 1);

  doc->id = sqlite3_column_int64 (stmt, 0);
  doc->issue_id = sqlite3_column_int64 (stmt, 1);
  /* A kind from a newer version cannot be asked for, so it is never read. */
  tftsr_doc_kind_from_string (tftsr_db_text (stmt, 2), &doc->kind);
  doc->title = g_strdup (tftsr_db_text (stmt, 3));
  doc->revision = (guint) sqlite3_column_int64 (stmt, 4);
  doc->external_url = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
  doc->created_at = g_strdup (tftsr_db_text (stmt, 6));
  doc->updated_at = g_strdup (tftsr_db_text (stmt, 7));
  doc->markdown = g_strdup (tftsr_db_text (stmt, 8));
  return doc;
}

static void
set_no_such_document (GError **error, gint64 document_id)
{
  g_set_error (error, TFTSR_DOC_ERROR, TFTSR_DOC_ERROR_NOT_FOUND,
               _ ("There is no document %" G_GINT64_FORMAT), document_id);
}

/* The row @stmt finds, or NULL: with @error set when reading failed, unset when there is
 * no such document. */
static TftsrDocument *
step_document (sqlite3_stmt *stmt, GError **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW)
    return document_from_row (stmt);
  if (rc != SQLITE_DONE)
    tftsr_db_set_error (error, sqlite3_db_handle (stmt), rc, _ ("Could not read the document"));
  return NULL;
}

static TftsrDocument *
load_by_id (sqlite3 *db, gint64 document_id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = tftsr_db_prepare (db, DOCUMENT_SELECT "WHERE d.id = ?1", error);
  g_autoptr (GError) local = NULL;
  TftsrDocument *doc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, document_id);
  if ((doc = step_document (stmt, &local)) == NULL && local == NULL)
    set_no_such_document (&local, document_id);
  if (local != NULL)
    g_propagate_error (error, g_steal_pointer (&local));
  return doc;
}

TftsrDocument *
tftsr_store_get_document_by_id (TftsrStore *store, gint64 document_id, GError **error)
{
  g_autoptr (TftsrConn) conn = tftsr_conn_acquire (store, error);

  return conn != NULL ? load_by_id (conn->db, document_id, error) : NULL;
}

static void
set_no_document (GError **error, gint64 issue_id, TftsrDocKind kind)
{
  g_set_error (error, TFTSR_DOC_ERROR, TFTSR_DOC_ERROR_NOT_FOUND,
               kind == TFTSR_DOC_RCA ? _ ("Incident %" G_GINT64_FORMAT " has no RCA yet")
                                     : _ ("Incident %" G_GINT64_FORMAT " has no post-mortem yet"),
               issue_id);
}

TftsrDocument *
tftsr_store_get_document (TftsrStore *store, gint64 issue_id, TftsrDocKind kind, GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GError) local = NULL;
  TftsrDocument *doc;

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);
  if ((conn = tftsr_conn_acquire (store, error)) == NULL ||
      (stmt = tftsr_db_prepare (conn->db, DOCUMENT_SELECT "WHERE d.issue_id = ?1 AND d.kind = ?2",
                                error)) == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, issue_id);
  tftsr_db_bind_text (stmt, 2, tftsr_doc_kind_to_string (kind));
  if ((doc = step_document (stmt, &local)) == NULL && local == NULL)
    set_no_document (&local, issue_id, kind);
  if (local != NULL)
    g_propagate_error (error, g_steal_pointer (&local));
  return doc;
}

/* --- revisions ------------------------------------------------------------------------------ */

#define REVISION_COLUMNS "n, reason, reverted_from, created_at, updated_at"

static TftsrDocRevision *
revision_from_row (sqlite3_stmt *stmt)
{
  TftsrDocRevision *revision = g_new0 (TftsrDocRevision, 1);

  revision->n = (guint) sqlite3_column_int64 (stmt, 0);
  revision->reason = tftsr_doc_revision_reason_from_string (tftsr_db_text (stmt, 1));
  revision->reverted_from = (guint) sqlite3_column_int64 (stmt, 2);
  revision->created_at = g_strdup (tftsr_db_text (stmt, 3));
  revision->updated_at = g_strdup (tftsr_db_text (stmt, 4));
  return revision;
}

/* Revision @n with its text, or NULL with TFTSR_DOC_ERROR_NOT_FOUND. */
static TftsrDocRevision *
load_revision (sqlite3 *db, gint64 document_id, guint n, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  TftsrDocRevision *revision;
  int rc;

  stmt = tftsr_db_prepare (db,
                           "SELECT " REVISION_COLUMNS ", markdown FROM document_revisions "
                           "WHERE document_id = ?1 AND n = ?2",
                           error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, document_id);
  sqlite3_bind_int64 (stmt, 2, n);
  if ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      revision = revision_from_row (stmt);
      revision->markdown = g_strdup (tftsr_db_text (stmt, 5));
      return revision;
    }
  if (rc != SQLITE_DONE)
    tftsr_db_set_error (error, db, rc, _ ("Could not read the revision"));
  else
    g_set_error (error, TFTSR_DOC_ERROR, TFTSR_DOC_ERROR_NOT_FOUND,
                 _ ("The document has no revision %u"), n);
  return NULL;
}

/* --- changes ------------------------------------------------------------------------------ */

/* The current revision, as a change sees it inside its transaction. */
typedef struct
{
  guint n;
  TftsrDocRevisionReason reason;
  char *markdown;
  char *title;
  gboolean recent; /* begun less than TFTSR_DOC_AUTOSAVE_WINDOW seconds ago */
} Head;

static void
head_clear (Head *head)
{
  g_free (head->markdown);
  g_free (head->title);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Head, head_clear)

static gboolean
load_head (sqlite3 *db, gint64 document_id, Head *head, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autofree char *window = g_strdup_printf ("-%d seconds", TFTSR_DOC_AUTOSAVE_WINDOW);
  int rc;

  stmt = tftsr_db_prepare (db,
                           "SELECT d.revision, r.reason, r.markdown, d.title, "
                           " r.created_at > strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?2) "
                           "FROM documents d JOIN document_revisions r "
                           " ON r.document_id = d.id AND r.n = d.revision WHERE d.id = ?1",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, document_id);
  tftsr_db_bind_text (stmt, 2, window);
  if ((rc = sqlite3_step (stmt)) != SQLITE_ROW)
    {
      if (rc != SQLITE_DONE)
        return tftsr_db_set_error (error, db, rc, _ ("Could not read the document"));
      set_no_such_document (error, document_id);
      return FALSE;
    }
  head->n = (guint) sqlite3_column_int64 (stmt, 0);
  head->reason = tftsr_doc_revision_reason_from_string (tftsr_db_text (stmt, 1));
  head->markdown = g_strdup (tftsr_db_text (stmt, 2));
  head->title = g_strdup (tftsr_db_text (stmt, 3));
  head->recent = sqlite3_column_int (stmt, 4) != 0;
  return TRUE;
}

/* The document row follows its newest revision. */
static gboolean
touch_document (sqlite3 *db, gint64 document_id, guint revision, const char *title, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = tftsr_db_prepare (db,
                           "UPDATE documents SET revision = ?2, title = ?3, "
                           " updated_at = " TFTSR_SQL_NOW " WHERE id = ?1",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, document_id);
  sqlite3_bind_int64 (stmt, 2, revision);
  tftsr_db_bind_text (stmt, 3, title);
  return tftsr_db_step_done (stmt, _ ("Could not save the document"), error);
}

/* Adds revision head->n + 1 and makes it current. */
static gboolean
add_revision (sqlite3 *db, gint64 document_id, const Head *head, TftsrDocRevisionReason reason,
              guint reverted_from, const char *title, const char *markdown, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = tftsr_db_prepare (db,
                           "INSERT INTO document_revisions (document_id, n, reason, reverted_from, "
                           " markdown) VALUES (?1, ?2, ?3, ?4, ?5)",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, document_id);
  sqlite3_bind_int64 (stmt, 2, head->n + 1);
  tftsr_db_bind_text (stmt, 3, tftsr_doc_revision_reason_to_string (reason));
  if (reverted_from > 0)
    sqlite3_bind_int64 (stmt, 4, reverted_from);
  tftsr_db_bind_text (stmt, 5, markdown);
  return tftsr_db_step_done (stmt, _ ("Could not save the document"), error) &&
         touch_document (db, document_id, head->n + 1, title, error);
}

/* An autosave into the current revision. */
static gboolean
replace_text (sqlite3 *db, gint64 document_id, const Head *head, const char *markdown,
              GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = tftsr_db_prepare (db,
                           "UPDATE document_revisions SET markdown = ?3, "
                           " updated_at = " TFTSR_SQL_NOW " WHERE document_id = ?1 AND n = ?2",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, document_id);
  sqlite3_bind_int64 (stmt, 2, head->n);
  tftsr_db_bind_text (stmt, 3, markdown);
  return tftsr_db_step_done (stmt, _ ("Could not save the document"), error) &&
         touch_document (db, document_id, head->n, head->title, error);
}

/* What a change does inside its transaction, given the current revision. */
typedef gboolean (*ChangeFunc) (sqlite3 *db, gint64 document_id, const Head *head,
                                gconstpointer data, GError **error);

/* Runs @change in one transaction and returns the document as it then is. */
static TftsrDocument *
change_document (TftsrStore *store, gint64 document_id, ChangeFunc change, gconstpointer data,
                 GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;
  g_auto (Head) head = { 0 };
  TftsrDocument *doc;

  if ((conn = tftsr_conn_acquire (store, error)) == NULL || !tftsr_db_begin (conn->db, error))
    return NULL;
  if (!load_head (conn->db, document_id, &head, error) ||
      !change (conn->db, document_id, &head, data, error) ||
      (doc = load_by_id (conn->db, document_id, error)) == NULL)
    {
      tftsr_db_rollback (conn->db);
      return NULL;
    }
  if (!tftsr_db_commit (conn->db, error))
    {
      tftsr_document_free (doc);
      return NULL;
    }
  return doc;
}

typedef struct
{
  const char *markdown;
  TftsrDocSave mode;
} Save;

static gboolean
save_change (sqlite3 *db, gint64 document_id, const Head *head, gconstpointer data, GError **error)
{
  const Save *save = data;

  if (g_str_equal (head->markdown, save->markdown))
    return TRUE;
  if (save->mode == TFTSR_DOC_SAVE_AUTOSAVE && head->reason == TFTSR_DOC_REVISION_EDITED &&
      head->recent)
    return replace_text (db, document_id, head, save->markdown, error);
  return add_revision (db, document_id, head, TFTSR_DOC_REVISION_EDITED, 0, head->title,
                       save->markdown, error);
}

TftsrDocument *
tftsr_store_save_document (TftsrStore *store, gint64 document_id, const char *markdown,
                           TftsrDocSave mode, GError **error)
{
  Save save = { markdown, mode };

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);
  g_return_val_if_fail (markdown != NULL, NULL);
  return change_document (store, document_id, save_change, &save, error);
}

static gboolean
revert_change (sqlite3 *db, gint64 document_id, const Head *head, gconstpointer data,
               GError **error)
{
  guint n = *(const guint *) data;
  g_autoptr (TftsrDocRevision) target = load_revision (db, document_id, n, error);

  if (target == NULL)
    return FALSE;
  if (g_str_equal (head->markdown, target->markdown))
    return TRUE;
  return add_revision (db, document_id, head, TFTSR_DOC_REVISION_REVERTED, n, head->title,
                       target->markdown, error);
}

TftsrDocument *
tftsr_store_revert_document (TftsrStore *store, gint64 document_id, guint n, GError **error)
{
  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);
  return change_document (store, document_id, revert_change, &n, error);
}

typedef struct
{
  TftsrDocRevisionReason reason;
  const char *title;
  const char *markdown;
} Revision;

static gboolean
revision_change (sqlite3 *db, gint64 document_id, const Head *head, gconstpointer data,
                 GError **error)
{
  const Revision *revision = data;

  if (g_str_equal (head->markdown, revision->markdown) &&
      g_str_equal (head->title, revision->title))
    return TRUE;
  return add_revision (db, document_id, head, revision->reason, 0, revision->title,
                       revision->markdown, error);
}

TftsrDocument *
tftsr_store_add_document_revision (TftsrStore *store, gint64 document_id,
                                   TftsrDocRevisionReason reason, const char *title,
                                   const char *markdown, GError **error)
{
  Revision revision = { reason, title, markdown };

  return change_document (store, document_id, revision_change, &revision, error);
}

/* --- generation and export ---------------------------------------------------------------- */

static gboolean
check_absent (sqlite3 *db, gint64 issue_id, TftsrDocKind kind, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = tftsr_db_prepare (db, "SELECT 1 FROM documents WHERE issue_id = ?1 AND kind = ?2", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, issue_id);
  tftsr_db_bind_text (stmt, 2, tftsr_doc_kind_to_string (kind));
  if ((rc = sqlite3_step (stmt)) == SQLITE_DONE)
    return TRUE;
  if (rc != SQLITE_ROW)
    return tftsr_db_set_error (error, db, rc, _ ("Could not read the document"));
  g_set_error (error, TFTSR_DOC_ERROR, TFTSR_DOC_ERROR_EXISTS,
               kind == TFTSR_DOC_RCA
                   ? _ ("Incident %" G_GINT64_FORMAT " has an RCA already: regenerate it to "
                        "take in new data")
                   : _ ("Incident %" G_GINT64_FORMAT " has a post-mortem already: regenerate "
                        "it to take in new data"),
               issue_id);
  return FALSE;
}

/* Inserts the document row and revision 1; returns the document's id, or 0. */
static gint64
insert_document (sqlite3 *db, gint64 issue_id, TftsrDocKind kind, const char *title,
                 const char *markdown, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  Head none = { 0 };
  gint64 id;

  stmt = tftsr_db_prepare (db,
                           "INSERT INTO documents (issue_id, kind, title, revision) "
                           "VALUES (?1, ?2, ?3, 1)",
                           error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, issue_id);
  tftsr_db_bind_text (stmt, 2, tftsr_doc_kind_to_string (kind));
  tftsr_db_bind_text (stmt, 3, title);
  if (!tftsr_db_step_done (stmt, _ ("Could not save the document"), error))
    return 0;
  id = sqlite3_last_insert_rowid (db);
  if (!add_revision (db, id, &none, TFTSR_DOC_REVISION_GENERATED, 0, title, markdown, error))
    return 0;
  return id;
}

TftsrDocument *
tftsr_store_insert_document (TftsrStore *store, gint64 issue_id, TftsrDocKind kind,
                             const char *title, const char *markdown, GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;
  TftsrDocument *doc = NULL;
  gint64 id;

  if ((conn = tftsr_conn_acquire (store, error)) == NULL || !tftsr_db_begin (conn->db, error))
    return NULL;
  if (!check_absent (conn->db, issue_id, kind, error) ||
      (id = insert_document (conn->db, issue_id, kind, title, markdown, error)) == 0 ||
      !tftsr_store_add_timeline (conn->db, issue_id, TFTSR_TIMELINE_DOCUMENT_GENERATED, NULL,
                                 tftsr_doc_kind_to_string (kind), NULL, error) ||
      (doc = load_by_id (conn->db, id, error)) == NULL || !tftsr_db_commit (conn->db, error))
    {
      tftsr_db_rollback (conn->db);
      g_clear_pointer (&doc, tftsr_document_free);
    }
  return doc;
}

/* The audit log names the document by id and the bytes by hash: a path may be personal. */
static gboolean
audit_export (sqlite3 *db, const TftsrDocument *doc, TftsrDocFormat format, GBytes *written,
              GError **error)
{
  g_autofree char *target = g_strdup_printf ("issue:%" G_GINT64_FORMAT, doc->issue_id);
  g_autofree char *sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, written);
  g_autofree char *detail = g_strdup_printf (
      "{\"document\":%" G_GINT64_FORMAT ",\"kind\":\"%s\",\"revision\":%u,\"format\":\"%s\","
      "\"sha256\":\"%s\",\"bytes\":%" G_GSIZE_FORMAT "}",
      doc->id, tftsr_doc_kind_to_string (doc->kind), doc->revision,
      tftsr_doc_format_to_string (format), sha256, g_bytes_get_size (written));

  return tftsr_audit_append_in_transaction (db, "document.export", target, detail, error);
}

gboolean
tftsr_store_record_document_export (TftsrStore *store, const TftsrDocument *document,
                                    TftsrDocFormat format, const char *path, GBytes *written,
                                    GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;

  if ((conn = tftsr_conn_acquire (store, error)) == NULL || !tftsr_db_begin (conn->db, error))
    return FALSE;
  if (!tftsr_store_add_timeline (conn->db, document->issue_id, TFTSR_TIMELINE_DOCUMENT_EXPORTED,
                                 tftsr_doc_format_to_string (format),
                                 tftsr_doc_kind_to_string (document->kind), path, error) ||
      !audit_export (conn->db, document, format, written, error) ||
      !tftsr_db_commit (conn->db, error))
    {
      tftsr_db_rollback (conn->db);
      return FALSE;
    }
  return TRUE;
}

TftsrDocRevision *
tftsr_store_get_document_revision (TftsrStore *store, gint64 document_id, guint n, GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);
  if ((conn = tftsr_conn_acquire (store, error)) == NULL)
    return NULL;
  return load_revision (conn->db, document_id, n, error);
}

GPtrArray *
tftsr_store_list_document_revisions (TftsrStore *store, gint64 document_id, GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GPtrArray) revisions =
      g_ptr_array_new_with_free_func ((GDestroyNotify) tftsr_doc_revision_free);
  int rc;

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);
  if ((conn = tftsr_conn_acquire (store, error)) == NULL ||
      (stmt = tftsr_db_prepare (conn->db,
                                "SELECT " REVISION_COLUMNS " FROM document_revisions "
                                "WHERE document_id = ?1 ORDER BY n",
                                error)) == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, document_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (revisions, revision_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      tftsr_db_set_error (error, conn->db, rc, _ ("Could not list the revisions"));
      return NULL;
    }
  /* Every document has revision 1. */
  if (revisions->len == 0)
    {
      set_no_such_document (error, document_id);
      return NULL;
    }
  return g_steal_pointer (&revisions);
}
