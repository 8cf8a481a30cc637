/* tftsr-log-read.c: a stored log's text, chunk by chunk, plain or redacted
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>
#include <zlib.h>

#include "tftsr-log-private.h"

gboolean
tftsr_log_not_found (gint64 log_id, GError **error)
{
  g_set_error (error, TFTSR_LOG_ERROR, TFTSR_LOG_ERROR_NOT_FOUND,
               _ ("There is no log %" G_GINT64_FORMAT), log_id);
  return FALSE;
}

TftsrLogFile *
tftsr_log_load (sqlite3 *db, gint64 log_id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = tftsr_db_prepare (db,
                           "SELECT " TFTSR_LOG_COLUMNS " FROM log_files l "
                           "WHERE l.id = ?1 AND l.state = 'ready'",
                           error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, log_id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      tftsr_log_not_found (log_id, error);
      return NULL;
    }
  return tftsr_log_file_new_from_row (stmt);
}

TftsrLogFile *
tftsr_store_get_log (TftsrStore *store, gint64 log_id, GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);
  if ((conn = tftsr_conn_acquire (store, error)) == NULL)
    return NULL;
  return tftsr_log_load (conn->db, log_id, error);
}

GPtrArray *
tftsr_store_list_logs (TftsrStore *store, gint64 issue_id, GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GPtrArray) logs = g_ptr_array_new_with_free_func (g_object_unref);
  int rc;

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);
  if ((conn = tftsr_conn_acquire (store, error)) == NULL ||
      (stmt = tftsr_db_prepare (conn->db,
                                "SELECT " TFTSR_LOG_COLUMNS " FROM log_files l "
                                "WHERE l.issue_id = ?1 AND l.state = 'ready' "
                                "ORDER BY l.created_at, l.id",
                                error)) == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, issue_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (logs, tftsr_log_file_new_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      tftsr_db_set_error (error, conn->db, rc, _ ("Could not list the logs"));
      return NULL;
    }
  return g_steal_pointer (&logs);
}

gboolean
tftsr_store_delete_log (TftsrStore *store, gint64 log_id, GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (TFTSR_IS_STORE (store), FALSE);
  if ((conn = tftsr_conn_acquire (store, error)) == NULL ||
      (stmt = tftsr_db_prepare (conn->db, "DELETE FROM log_files WHERE id = ?1", error)) == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, log_id);
  if (!tftsr_db_step_done (stmt, _ ("Could not delete the log"), error))
    return FALSE;
  if (sqlite3_changes (conn->db) == 0)
    return tftsr_log_not_found (log_id, error);
  return TRUE;
}

/* The text of the chunk in the current row of @stmt (columns: length at 1, data at 2). */
static guint8 *
chunk_text (sqlite3_stmt *stmt, gint64 log_id, uLongf *len, GError **error)
{
  guint8 *text;

  *len = (uLongf) sqlite3_column_int64 (stmt, 1);
  text = g_malloc (MAX (*len, 1));
  if (uncompress (text, len, sqlite3_column_blob (stmt, 2), sqlite3_column_bytes (stmt, 2)) != Z_OK)
    {
      g_free (text);
      g_set_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_CORRUPT,
                   _ ("Part of log %" G_GINT64_FORMAT " is damaged"), log_id);
      return NULL;
    }
  return text;
}

GBytes *
tftsr_log_read_chunk (sqlite3 *db, gint64 log_id, guint seq, guint64 *offset, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  guint8 *text;
  uLongf len;
  int rc;

  stmt = tftsr_db_prepare (db,
                           "SELECT offset, length, data FROM log_chunks WHERE log_id = ?1 "
                           "AND seq = ?2",
                           error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, log_id);
  sqlite3_bind_int (stmt, 2, (int) seq);
  if ((rc = sqlite3_step (stmt)) != SQLITE_ROW)
    {
      if (rc != SQLITE_DONE)
        tftsr_db_set_error (error, db, rc, _ ("Could not read the log"));
      return NULL;
    }
  if ((text = chunk_text (stmt, log_id, &len, error)) == NULL)
    return NULL;
  *offset = sqlite3_column_int64 (stmt, 0);
  return g_bytes_new_take (text, len);
}

gboolean
tftsr_log_each_chunk (sqlite3 *db, gint64 log_id, TftsrChunkFunc func, gpointer user_data,
                      GCancellable *cancellable, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = tftsr_db_prepare (db,
                           "SELECT offset, length, data FROM log_chunks WHERE log_id = ?1 "
                           "ORDER BY seq",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, log_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      uLongf len;
      g_autofree guint8 *text = chunk_text (stmt, log_id, &len, error);

      if (text == NULL)
        return FALSE;
      if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
          !func (text, len, sqlite3_column_int64 (stmt, 0), user_data, error))
        return FALSE;
    }
  if (rc != SQLITE_DONE)
    return tftsr_db_set_error (error, db, rc, _ ("Could not read the log"));
  return TRUE;
}

GBytes *
tftsr_log_read_range (sqlite3 *db, gint64 log_id, guint64 offset, gsize len, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GByteArray) out = g_byte_array_sized_new (len);
  guint64 end = offset + len;
  int rc;

  stmt = tftsr_db_prepare (db,
                           /* The chunks are found in the layout index: a scan of the
                            * table would read a page of every chunk. */
                           "SELECT offset, length, data FROM log_chunks WHERE log_id = ?1 "
                           "AND seq IN (SELECT seq FROM log_chunks WHERE log_id = ?1 "
                           " AND offset < ?3 AND offset + length > ?2) ORDER BY seq",
                           error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, log_id);
  sqlite3_bind_int64 (stmt, 2, offset);
  sqlite3_bind_int64 (stmt, 3, end);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      guint64 chunk_offset = sqlite3_column_int64 (stmt, 0);
      uLongf chunk_len;
      g_autofree guint8 *text = chunk_text (stmt, log_id, &chunk_len, error);
      guint64 from = MAX (offset, chunk_offset), to = MIN (end, chunk_offset + chunk_len);

      if (text == NULL)
        return NULL;
      g_byte_array_append (out, text + (from - chunk_offset), to - from);
    }
  if (rc != SQLITE_DONE)
    {
      tftsr_db_set_error (error, db, rc, _ ("Could not read the log"));
      return NULL;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

static gboolean
write_plain (const guint8 *text, gsize len, guint64 offset, gpointer output, GError **error)
{
  return g_output_stream_write_all (output, text, len, NULL, NULL, error);
}

typedef struct
{
  GOutputStream *output;
  sqlite3_stmt *spans; /* the log's spans by start, with token and release state */
  gboolean have_span;
  guint64 skip_until; /* end of the span being replaced */
} Redaction;

static void
next_span (Redaction *r)
{
  r->have_span = sqlite3_step (r->spans) == SQLITE_ROW;
}

static gboolean
write_redacted (const guint8 *text, gsize len, guint64 offset, gpointer user_data, GError **error)
{
  Redaction *r = user_data;
  guint64 p = offset, end = offset + len;

  while (p < end)
    {
      guint64 stop = end;

      if (r->skip_until > p)
        {
          p = MIN (r->skip_until, end);
          continue;
        }
      if (r->have_span && (guint64) sqlite3_column_int64 (r->spans, 0) <= p)
        {
          if (!sqlite3_column_int (r->spans, 4))
            {
              g_autofree char *token =
                  g_strdup_printf ("<%s_%" G_GINT64_FORMAT ">", sqlite3_column_text (r->spans, 2),
                                   (gint64) sqlite3_column_int64 (r->spans, 3));
              if (!g_output_stream_write_all (r->output, token, strlen (token), NULL, NULL, error))
                return FALSE;
              r->skip_until = sqlite3_column_int64 (r->spans, 1);
            }
          next_span (r);
          continue;
        }
      if (r->have_span)
        stop = MIN (stop, (guint64) sqlite3_column_int64 (r->spans, 0));
      if (!g_output_stream_write_all (r->output, text + (p - offset), stop - p, NULL, NULL, error))
        return FALSE;
      p = stop;
    }
  return TRUE;
}

gboolean
tftsr_store_write_log (TftsrStore *store, gint64 log_id, gboolean redacted, GOutputStream *output,
                       GCancellable *cancellable, GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;
  g_autoptr (sqlite3_stmt) spans = NULL;
  g_autoptr (TftsrLogFile) log = NULL;
  Redaction r = { output, NULL, FALSE, 0 };

  g_return_val_if_fail (TFTSR_IS_STORE (store), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (output), FALSE);

  /* Only finished logs can be read. */
  if ((log = tftsr_store_get_log (store, log_id, error)) == NULL ||
      (conn = tftsr_conn_acquire (store, error)) == NULL)
    return FALSE;
  if (!redacted)
    return tftsr_log_each_chunk (conn->db, log_id, write_plain, output, cancellable, error);

  spans = tftsr_db_prepare (conn->db,
                            "SELECT s.start, s.\"end\", v.type, v.token_index, "
                            " v.released OR coalesce(d.released, 0) "
                            "FROM pii_spans s JOIN pii_values v ON v.id = s.value_id "
                            "LEFT JOIN pii_type_decisions d "
                            " ON d.issue_id = v.issue_id AND d.type = v.type "
                            "WHERE s.log_id = ?1 ORDER BY s.start",
                            error);
  if (spans == NULL)
    return FALSE;
  sqlite3_bind_int64 (spans, 1, log_id);
  r.spans = spans;
  next_span (&r);
  return tftsr_log_each_chunk (conn->db, log_id, write_redacted, &r, cancellable, error);
}
