/* tftsr-log-ingest.c: streams a log into compressed chunks, scanning it on the way
 *
 * source bytes ─▶ SHA-256 ─▶ (gunzip, bomb guard) ─▶ text ─┬▶ chunker ─▶ zlib ─▶ log_chunks
 *                                                          └▶ PII stream ─▶ pii_values/spans
 *
 * Each chunk and the spans found so far are written in one short transaction, so the
 * database is never locked while the source is read. The log stays in state 'ingesting'
 * (invisible) until the last write marks it 'ready'; on failure or cancellation it is
 * deleted with everything it wrote.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE /* memrchr */
#include <glib/gi18n-lib.h>
#include <string.h>
#include <zlib.h>

#include "tftsr-log-private.h"
#include "tftsr-pii-values.h"

#define READ_BLOCK (256 * 1024)
#define BOMB_FLOOR (G_GUINT64_CONSTANT (64) << 20)

typedef struct
{
  guint64 start;
  guint64 end;
  char *type_name;
  GBytes *value;
} PendingSpan;

typedef struct
{
  sqlite3 *db;
  gint64 log_id;
  const char *name;
  TftsrPiiScanner *scanner;

  /* source */
  GChecksum *sha256;
  guint64 original_size;
  gboolean gzip;
  gboolean gzip_done;
  z_stream z;
  gboolean z_ready;

  /* text */
  GByteArray *pending; /* not yet in a chunk */
  guint64 text_size;
  guint64 newlines;
  gboolean last_was_newline;
  gboolean binary;
  guint seq;

  /* detections */
  TftsrPiiStream *pii;
  GArray *spans; /* PendingSpan, waiting for the next chunk write */
  TftsrPiiValues *values;
  guint64 pii_count;
  GError *error;
} Ingest;

static void
pending_span_clear (PendingSpan *span)
{
  g_free (span->type_name);
  g_bytes_unref (span->value);
}

static gboolean fail (Ingest *in, GError **error, TftsrLogError code, const char *format, ...)
    G_GNUC_PRINTF (4, 5);

static gboolean
fail (Ingest *in, GError **error, TftsrLogError code, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  g_propagate_error (error, g_error_new_valist (TFTSR_LOG_ERROR, code, format, args));
  va_end (args);
  return FALSE;
}

static void
on_span (const TftsrPiiSpan *span, const guint8 *value, gpointer user_data)
{
  Ingest *in = user_data;
  PendingSpan pending = { span->start, span->end, tftsr_pii_type_name_for_span (in->scanner, span),
                          g_bytes_new (value, span->end - span->start) };

  g_array_append_val (in->spans, pending);
}

static gboolean
write_spans (Ingest *in, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  if (in->spans->len == 0)
    return TRUE;
  stmt = tftsr_db_prepare (in->db,
                           "INSERT INTO pii_spans (log_id, start, \"end\", value_id) "
                           "VALUES (?1, ?2, ?3, ?4)",
                           error);
  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < in->spans->len; i++)
    {
      const PendingSpan *span = &g_array_index (in->spans, PendingSpan, i);
      gsize len = 0;
      const guint8 *value = g_bytes_get_data (span->value, &len);
      gint64 value_id = tftsr_pii_values_intern (in->values, span->type_name, value, len, error);

      if (value_id == 0)
        return FALSE;
      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, in->log_id);
      sqlite3_bind_int64 (stmt, 2, span->start);
      sqlite3_bind_int64 (stmt, 3, span->end);
      sqlite3_bind_int64 (stmt, 4, value_id);
      if (!tftsr_db_step_done (stmt, _ ("Could not store a detection"), error))
        return FALSE;
    }
  in->pii_count += in->spans->len;
  g_array_set_size (in->spans, 0);
  return TRUE;
}

static gboolean
touch (Ingest *in, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = tftsr_db_prepare (
      in->db, "UPDATE log_files SET touched_at = " TFTSR_SQL_NOW " WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, in->log_id);
  return tftsr_db_step_done (stmt, _ ("Could not store the log"), error);
}

static gboolean
insert_chunk (Ingest *in, const guint8 *text, gsize len, guint64 offset, guint64 first_line,
              guint newlines, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  uLongf packed_len = compressBound (len);
  g_autofree guint8 *packed = g_malloc (packed_len);

  /* Level 1: chunks are read back often and written once; speed beats a few percent. */
  if (compress2 (packed, &packed_len, text, len, 1) != Z_OK)
    return fail (in, error, TFTSR_LOG_ERROR_READ, _ ("Could not compress “%s”"), in->name);
  stmt = tftsr_db_prepare (in->db,
                           "INSERT INTO log_chunks (log_id, seq, offset, length, first_line, "
                           " newlines, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, in->log_id);
  sqlite3_bind_int (stmt, 2, (int)in->seq);
  sqlite3_bind_int64 (stmt, 3, offset);
  sqlite3_bind_int64 (stmt, 4, len);
  sqlite3_bind_int64 (stmt, 5, first_line);
  sqlite3_bind_int (stmt, 6, (int)newlines);
  sqlite3_bind_blob (stmt, 7, packed, (int)packed_len, SQLITE_STATIC);
  return tftsr_db_step_done (stmt, _ ("Could not store the log"), error);
}

/* Where to cut @len bytes of text: after the last newline, else before a UTF-8 sequence
 * that would be split, else at @len. */
static gsize
cut_point (const guint8 *text, gsize len)
{
  const guint8 *newline = memrchr (text, '\n', len);
  gsize cut = len;

  if (newline != NULL)
    return newline - text + 1;
  for (guint back = 0; back < 3 && cut > 1 && (text[cut - 1] & 0xc0) == 0x80; back++)
    cut--;
  return (text[cut - 1] & 0xc0) == 0xc0 ? cut - 1 : len;
}

/* Writes one chunk of @len bytes from the front of the pending text, with the spans
 * found so far, in one transaction. */
static gboolean
flush_chunk (Ingest *in, gsize len, GError **error)
{
  const guint8 *text = in->pending->data;
  guint newlines = 0;
  guint64 offset = in->text_size - in->pending->len;

  for (const guint8 *p = text; (p = memchr (p, '\n', text + len - p)) != NULL; p++)
    newlines++;
  if (memchr (text, '\0', len) != NULL || !g_utf8_validate_len ((const char *)text, len, NULL))
    in->binary = TRUE;

  if (!tftsr_db_begin (in->db, error))
    return FALSE;
  if (!insert_chunk (in, text, len, offset, in->newlines, newlines, error) ||
      !write_spans (in, error) || !touch (in, error) || !tftsr_db_commit (in->db, error))
    {
      tftsr_db_rollback (in->db);
      return FALSE;
    }
  in->seq++;
  in->newlines += newlines;
  g_byte_array_remove_range (in->pending, 0, len);
  return TRUE;
}

/* Takes text: scans it, and writes every full chunk. */
static gboolean
take_text (Ingest *in, const guint8 *text, gsize len, GError **error)
{
  if (len == 0)
    return TRUE;
  in->text_size += len;
  in->last_was_newline = text[len - 1] == '\n';
  if (in->text_size > TFTSR_LOG_MAX_SIZE)
    return fail (in, error, TFTSR_LOG_ERROR_TOO_LARGE,
                 _ ("“%s” is larger than %u GiB, the most a log can hold"), in->name,
                 (guint)(TFTSR_LOG_MAX_SIZE >> 30));
  if (in->gzip && in->text_size > BOMB_FLOOR &&
      in->text_size / MAX (in->original_size, 1) > TFTSR_LOG_MAX_RATIO)
    return fail (in, error, TFTSR_LOG_ERROR_TOO_LARGE,
                 _ ("“%s” expands more than %u times when decompressed; it looks like a "
                    "decompression bomb and was not stored"),
                 in->name, TFTSR_LOG_MAX_RATIO);
  tftsr_pii_stream_feed (in->pii, text, len);
  g_byte_array_append (in->pending, text, len);
  while (in->pending->len >= TFTSR_LOG_CHUNK_SIZE)
    if (!flush_chunk (in, cut_point (in->pending->data, TFTSR_LOG_CHUNK_SIZE), error))
      return FALSE;
  return TRUE;
}

static gboolean
inflate_block (Ingest *in, const guint8 *data, gsize len, GError **error)
{
  guint8 out[READ_BLOCK];

  in->z.next_in = (Bytef *)data;
  in->z.avail_in = (uInt)len;
  while (in->z.avail_in > 0 && !in->gzip_done)
    {
      int rc;

      in->z.next_out = out;
      in->z.avail_out = sizeof out;
      rc = inflate (&in->z, Z_NO_FLUSH);
      if (rc != Z_OK && rc != Z_STREAM_END && !(rc == Z_BUF_ERROR && in->z.avail_in == 0))
        return fail (in, error, TFTSR_LOG_ERROR_CORRUPT, _ ("“%s” is not a valid gzip file: %s"),
                     in->name, in->z.msg != NULL ? in->z.msg : _ ("damaged data"));
      if (!take_text (in, out, sizeof out - in->z.avail_out, error))
        return FALSE;
      if (rc == Z_STREAM_END)
        {
          /* Concatenated members continue; anything else after the end is ignored. */
          if (in->z.avail_in >= 2 && in->z.next_in[0] == 0x1f && in->z.next_in[1] == 0x8b)
            inflateReset (&in->z);
          else
            in->gzip_done = TRUE;
        }
    }
  return TRUE;
}

static gboolean
take_source (Ingest *in, const guint8 *data, gsize len, GError **error)
{
  if (in->original_size == 0 && len >= 2 && data[0] == 0x1f && data[1] == 0x8b)
    {
      in->gzip = TRUE;
      if (inflateInit2 (&in->z, 15 + 16) != Z_OK)
        return fail (in, error, TFTSR_LOG_ERROR_READ, _ ("Could not start decompressing “%s”"),
                     in->name);
      in->z_ready = TRUE;
    }
  g_checksum_update (in->sha256, data, len);
  in->original_size += len;
  return in->gzip ? inflate_block (in, data, len, error) : take_text (in, data, len, error);
}

static gint64
create_log (sqlite3 *db, gint64 issue_id, const char *name, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  if (!tftsr_db_begin (db, error))
    return 0;
  stmt = tftsr_db_prepare (db, "INSERT INTO log_files (issue_id, name) VALUES (?1, ?2)", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, issue_id);
  tftsr_db_bind_text (stmt, 2, name);
  rc = sqlite3_step (stmt);
  if ((rc & 0xff) == SQLITE_CONSTRAINT)
    {
      g_set_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_NOT_FOUND,
                   _ ("There is no incident %" G_GINT64_FORMAT), issue_id);
      goto fail;
    }
  if (rc != SQLITE_DONE)
    {
      tftsr_db_set_error (error, db, rc, _ ("Could not store the log"));
      goto fail;
    }
  if (tftsr_db_commit (db, error))
    return sqlite3_last_insert_rowid (db);
fail:
  tftsr_db_rollback (db);
  return 0;
}

/* The last write: remaining text and spans, the totals, state 'ready', timeline, audit. */
static gboolean
finish_log (Ingest *in, gint64 issue_id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *target = g_strdup_printf ("issue:%" G_GINT64_FORMAT, issue_id);
  guint64 lines;

  tftsr_pii_stream_finish (in->pii);
  in->pii = NULL;
  if (in->pending->len > 0 && !flush_chunk (in, in->pending->len, error))
    return FALSE;
  lines = in->newlines + (in->text_size > 0 && !in->last_was_newline);
  if (!tftsr_db_begin (in->db, error))
    return FALSE;
  stmt = tftsr_db_prepare (in->db,
                           "UPDATE log_files SET state = 'ready', compression = ?2, "
                           " original_size = ?3, sha256 = ?4, size = ?5, line_count = ?6, "
                           " binary = ?7, pii_count = ?8 WHERE id = ?1",
                           error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, in->log_id);
  tftsr_db_bind_text (stmt, 2, in->gzip ? "gzip" : "none");
  sqlite3_bind_int64 (stmt, 3, in->original_size);
  tftsr_db_bind_text (stmt, 4, g_checksum_get_string (in->sha256));
  sqlite3_bind_int64 (stmt, 5, in->text_size);
  sqlite3_bind_int64 (stmt, 6, lines);
  sqlite3_bind_int (stmt, 7, in->binary);
  sqlite3_bind_int64 (stmt, 8, in->pii_count + in->spans->len);
  detail = g_strdup_printf ("{\"log\":%" G_GINT64_FORMAT
                            ",\"sha256\":\"%s\",\"bytes\":%" G_GUINT64_FORMAT "}",
                            in->log_id, g_checksum_get_string (in->sha256), in->original_size);
  if (!tftsr_db_step_done (stmt, _ ("Could not store the log"), error) ||
      !write_spans (in, error) ||
      !tftsr_store_add_timeline (in->db, issue_id, TFTSR_TIMELINE_LOG_ADDED, NULL, NULL, in->name,
                                 error) ||
      !tftsr_audit_append_in_transaction (in->db, "log.add", target, detail, error) ||
      !tftsr_db_commit (in->db, error))
    goto fail;
  return TRUE;
fail:
  tftsr_db_rollback (in->db);
  return FALSE;
}

static gboolean
read_all (Ingest *in, GInputStream *input, guint64 size_hint, TftsrProgressFunc progress,
          gpointer progress_data, GCancellable *cancellable, GError **error)
{
  g_autofree guint8 *block = g_malloc (READ_BLOCK);

  for (;;)
    {
      g_autoptr (GError) read_error = NULL;
      gssize n = g_input_stream_read (input, block, READ_BLOCK, cancellable, &read_error);

      if (n < 0)
        {
          if (g_error_matches (read_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            g_propagate_error (error, g_steal_pointer (&read_error));
          else
            fail (in, error, TFTSR_LOG_ERROR_READ, _ ("Could not read “%s”: %s"), in->name,
                  read_error->message);
          return FALSE;
        }
      if (n == 0)
        break;
      if (!take_source (in, block, (gsize)n, error))
        return FALSE;
      if (progress != NULL)
        progress (in->original_size, size_hint, progress_data);
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
    }
  if (in->gzip && !in->gzip_done)
    return fail (in, error, TFTSR_LOG_ERROR_CORRUPT,
                 _ ("“%s” is a truncated gzip file; nothing was stored"), in->name);
  return TRUE;
}

/* Removes a log that did not finish, and the values only it had found. */
static void
discard (Ingest *in)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  tftsr_db_rollback (in->db);
  if (sqlite3_prepare_v2 (in->db, "DELETE FROM log_files WHERE id = ?1", -1, &stmt, NULL) ==
      SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, in->log_id);
      sqlite3_step (stmt);
    }
  if (in->values != NULL)
    tftsr_pii_values_forget_new (in->values);
}

static TftsrLogFile *
load_log (sqlite3 *db, gint64 log_id, GError **error)
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
      g_set_error (error, TFTSR_LOG_ERROR, TFTSR_LOG_ERROR_NOT_FOUND,
                   _ ("There is no log %" G_GINT64_FORMAT), log_id);
      return NULL;
    }
  return tftsr_log_file_new_from_row (stmt);
}

TftsrLogFile *
tftsr_store_add_log (TftsrStore *store, gint64 issue_id, GInputStream *input, const char *name,
                     guint64 size_hint, TftsrPiiScanner *scanner, TftsrProgressFunc progress,
                     gpointer progress_data, GCancellable *cancellable, GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;
  g_autoptr (GArray) spans = g_array_new (FALSE, FALSE, sizeof (PendingSpan));
  g_autoptr (GByteArray) pending = g_byte_array_sized_new (TFTSR_LOG_CHUNK_SIZE + READ_BLOCK);
  g_autoptr (GChecksum) sha256 = g_checksum_new (G_CHECKSUM_SHA256);
  Ingest in = { 0 };
  gboolean ok;

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);
  g_return_val_if_fail (G_IS_INPUT_STREAM (input), NULL);
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (TFTSR_IS_PII_SCANNER (scanner), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if ((conn = tftsr_conn_acquire (store, error)) == NULL)
    return NULL;
  g_array_set_clear_func (spans, (GDestroyNotify)pending_span_clear);
  in.db = conn->db;
  in.name = name;
  in.scanner = scanner;
  in.sha256 = sha256;
  in.pending = pending;
  in.spans = spans;
  in.last_was_newline = TRUE;
  if ((in.log_id = create_log (conn->db, issue_id, name, error)) == 0)
    return NULL;
  in.pii = tftsr_pii_stream_new (scanner, on_span, &in);
  ok = (in.values = tftsr_pii_values_new (conn->db, issue_id, error)) != NULL &&
       read_all (&in, input, size_hint, progress, progress_data, cancellable, error) &&
       finish_log (&in, issue_id, error);
  if (in.z_ready)
    inflateEnd (&in.z);
  g_clear_pointer (&in.pii, tftsr_pii_stream_free);
  if (!ok)
    discard (&in);
  g_clear_pointer (&in.values, tftsr_pii_values_free);
  return ok ? load_log (conn->db, in.log_id, error) : NULL;
}

TftsrLogFile *
tftsr_store_add_log_file (TftsrStore *store, gint64 issue_id, GFile *file, TftsrPiiScanner *scanner,
                          TftsrProgressFunc progress, gpointer progress_data,
                          GCancellable *cancellable, GError **error)
{
  g_autoptr (GFileInputStream) input = NULL;
  g_autoptr (GFileInfo) info = NULL;
  g_autoptr (GError) local = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  name = g_file_get_basename (file);
  if ((input = g_file_read (file, cancellable, &local)) == NULL)
    {
      g_set_error (error, TFTSR_LOG_ERROR, TFTSR_LOG_ERROR_READ, _ ("Could not read “%s”: %s"),
                   name, local->message);
      return NULL;
    }
  info = g_file_input_stream_query_info (input, G_FILE_ATTRIBUTE_STANDARD_SIZE, cancellable, NULL);
  return tftsr_store_add_log (store, issue_id, G_INPUT_STREAM (input), name,
                              info != NULL ? (guint64)g_file_info_get_size (info) : 0, scanner,
                              progress, progress_data, cancellable, error);
}

TftsrLogFile *
tftsr_store_get_log (TftsrStore *store, gint64 log_id, GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);
  if ((conn = tftsr_conn_acquire (store, error)) == NULL)
    return NULL;
  return load_log (conn->db, log_id, error);
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
    {
      g_set_error (error, TFTSR_LOG_ERROR, TFTSR_LOG_ERROR_NOT_FOUND,
                   _ ("There is no log %" G_GINT64_FORMAT), log_id);
      return FALSE;
    }
  return TRUE;
}

/* --- in a worker ------------------------------------------------------------------------- */

typedef struct
{
  gint64 issue_id;
  GFile *file;
  TftsrPiiScanner *scanner;
  TftsrProgressFunc progress;
  gpointer progress_data;
  GMainContext *context;
  gint64 last_report;
} AddLogData;

typedef struct
{
  TftsrProgressFunc progress;
  gpointer progress_data;
  guint64 done;
  guint64 total;
} ProgressReport;

static void
add_log_data_free (AddLogData *data)
{
  g_object_unref (data->file);
  g_object_unref (data->scanner);
  g_main_context_unref (data->context);
  g_free (data);
}

static gboolean
deliver_progress (gpointer user_data)
{
  ProgressReport *report = user_data;
  report->progress (report->done, report->total, report->progress_data);
  return G_SOURCE_REMOVE;
}

/* At most ten reports a second reach the caller's main context. */
static void
relay_progress (guint64 done, guint64 total, gpointer user_data)
{
  AddLogData *data = user_data;
  gint64 now = g_get_monotonic_time ();
  ProgressReport *report;

  if (now - data->last_report < G_USEC_PER_SEC / 10)
    return;
  data->last_report = now;
  report = g_new (ProgressReport, 1);
  *report = (ProgressReport){ data->progress, data->progress_data, done, total };
  g_main_context_invoke_full (data->context, G_PRIORITY_DEFAULT, deliver_progress, report, g_free);
}

static void
add_log_in_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  AddLogData *data = task_data;
  GError *error = NULL;
  TftsrLogFile *log = tftsr_store_add_log_file (
      TFTSR_STORE (source), data->issue_id, data->file, data->scanner,
      data->progress != NULL ? relay_progress : NULL, data, cancellable, &error);

  if (log == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, log, g_object_unref);
}

void
tftsr_store_add_log_file_async (TftsrStore *store, gint64 issue_id, GFile *file,
                                TftsrPiiScanner *scanner, TftsrProgressFunc progress,
                                gpointer progress_data, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  AddLogData *data;

  g_return_if_fail (TFTSR_IS_STORE (store));
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (TFTSR_IS_PII_SCANNER (scanner));

  data = g_new0 (AddLogData, 1);
  data->issue_id = issue_id;
  data->file = g_object_ref (file);
  data->scanner = g_object_ref (scanner);
  data->progress = progress;
  data->progress_data = progress_data;
  data->context = g_main_context_ref_thread_default ();
  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, tftsr_store_add_log_file_async);
  g_task_set_task_data (task, data, (GDestroyNotify)add_log_data_free);
  g_task_run_in_thread (task, add_log_in_thread);
}

TftsrLogFile *
tftsr_store_add_log_file_finish (TftsrStore *store, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
