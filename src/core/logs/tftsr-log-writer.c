/* tftsr-log-writer.c: writes an ingest's chunks and detections while the reading thread
 * goes on reading, hashing, decompressing, compressing and scanning
 *
 * Each chunk with the detections found so far is one short transaction. Compression and
 * SQLCipher's page encryption run here, beside the reader's hashing and scanning.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>
#include <zlib.h>

#include "tftsr-log-writer.h"

/* Chunks waiting to be written at most: about a megabyte of compressed text each. */
#define QUEUE_MAX 4

typedef struct
{
  TftsrLogChunk *chunk; /* NULL for spans only */
  GArray *spans;        /* NULL for none */
  gboolean last;
} Job;

struct _TftsrLogWriter
{
  sqlite3 *db;
  gint64 issue_id;
  gint64 log_id;
  char *name;
  TftsrPiiValues *values;
  guint seq;
  guint64 pii_count;

  GThread *thread;
  GMutex lock;
  GCond changed;
  GQueue jobs;
  GError *error; /* the first failed write */
};

void
tftsr_pending_span_clear (TftsrPendingSpan *span)
{
  g_free (span->type_name);
  g_bytes_unref (span->value);
}

GArray *
tftsr_pending_spans_new (void)
{
  GArray *spans = g_array_new (FALSE, FALSE, sizeof (TftsrPendingSpan));
  g_array_set_clear_func (spans, (GDestroyNotify) tftsr_pending_span_clear);
  return spans;
}

static void
chunk_free (TftsrLogChunk *chunk)
{
  if (chunk == NULL)
    return;
  g_bytes_unref (chunk->text);
  g_free (chunk);
}

static void
job_free (Job *job)
{
  chunk_free (job->chunk);
  if (job->spans != NULL)
    g_array_unref (job->spans);
  g_free (job);
}

void
tftsr_pending_spans_add (GArray *spans, TftsrPiiScanner *scanner, const TftsrPiiSpan *span,
                         const guint8 *value)
{
  TftsrPendingSpan pending = { span->start, span->end, tftsr_pii_type_name_for_span (scanner, span),
                               g_bytes_new (value, span->end - span->start) };

  g_array_append_val (spans, pending);
}

gboolean
tftsr_pending_spans_insert (GArray *spans, TftsrPiiValues *values, sqlite3_stmt *insert,
                            gint64 owner, GError **error)
{
  for (guint i = 0; i < spans->len; i++)
    {
      const TftsrPendingSpan *span = &g_array_index (spans, TftsrPendingSpan, i);
      gsize len = 0;
      const guint8 *value = g_bytes_get_data (span->value, &len);
      gint64 value_id = tftsr_pii_values_intern (values, span->type_name, value, len, NULL, error);

      if (value_id == 0)
        return FALSE;
      sqlite3_reset (insert);
      sqlite3_bind_int64 (insert, 1, owner);
      sqlite3_bind_int64 (insert, 2, span->start);
      sqlite3_bind_int64 (insert, 3, span->end);
      sqlite3_bind_int64 (insert, 4, value_id);
      if (!tftsr_db_step_done (insert, _ ("Could not store a detection"), error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
write_spans (TftsrLogWriter *w, GArray *spans, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  if (spans == NULL || spans->len == 0)
    return TRUE;
  stmt = tftsr_db_prepare (w->db,
                           "INSERT INTO pii_spans (log_id, start, \"end\", value_id) "
                           "VALUES (?1, ?2, ?3, ?4)",
                           error);
  if (stmt == NULL || !tftsr_pending_spans_insert (spans, w->values, stmt, w->log_id, error))
    return FALSE;
  w->pii_count += spans->len;
  return TRUE;
}

static gboolean
write_chunk (TftsrLogWriter *w, const TftsrLogChunk *chunk, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autofree guint8 *packed = NULL;
  uLongf packed_len;
  gsize len = 0;
  const guint8 *text;

  if (chunk == NULL)
    return TRUE;
  text = g_bytes_get_data (chunk->text, &len);
  packed_len = compressBound (len);
  packed = g_malloc (packed_len);
  /* Level 1: chunks are read back often and written once; speed beats a few percent. */
  if (compress2 (packed, &packed_len, text, len, 1) != Z_OK)
    {
      g_set_error (error, TFTSR_LOG_ERROR, TFTSR_LOG_ERROR_READ, _ ("Could not compress “%s”"),
                   w->name);
      return FALSE;
    }
  stmt = tftsr_db_prepare (w->db,
                           "INSERT INTO log_chunks (log_id, seq, offset, length, first_line, "
                           " newlines, data, rows) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, w->log_id);
  sqlite3_bind_int (stmt, 2, (int) w->seq);
  sqlite3_bind_int64 (stmt, 3, chunk->offset);
  sqlite3_bind_int64 (stmt, 4, chunk->length);
  sqlite3_bind_int64 (stmt, 5, chunk->first_line);
  sqlite3_bind_int (stmt, 6, (int) chunk->newlines);
  sqlite3_bind_blob (stmt, 7, packed, (int) packed_len, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 8, (int) chunk->rows);
  if (!tftsr_db_step_done (stmt, _ ("Could not store the log"), error))
    return FALSE;
  w->seq++;
  return TRUE;
}

/* touched_at tells a sweep that this ingest is alive. */
static gboolean
touch (TftsrLogWriter *w, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = tftsr_db_prepare (
      w->db, "UPDATE log_files SET touched_at = " TFTSR_SQL_NOW " WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, w->log_id);
  return tftsr_db_step_done (stmt, _ ("Could not store the log"), error);
}

static gboolean
run_job (TftsrLogWriter *w, Job *job, GError **error)
{
  if (!tftsr_db_begin (w->db, error))
    return FALSE;
  if (write_chunk (w, job->chunk, error) && write_spans (w, job->spans, error) &&
      touch (w, error) && tftsr_db_commit (w->db, error))
    return TRUE;
  tftsr_db_rollback (w->db);
  return FALSE;
}

static gpointer
writer_thread (gpointer data)
{
  TftsrLogWriter *w = data;
  gboolean last = FALSE;

  while (!last)
    {
      Job *job;
      GError *error = NULL;
      gboolean failed;

      g_mutex_lock (&w->lock);
      while (g_queue_is_empty (&w->jobs))
        g_cond_wait (&w->changed, &w->lock);
      job = g_queue_pop_head (&w->jobs);
      failed = w->error != NULL;
      g_cond_broadcast (&w->changed);
      g_mutex_unlock (&w->lock);

      last = job->last;
      /* After a failure, jobs are only drained. */
      if (!failed && !run_job (w, job, &error))
        {
          g_mutex_lock (&w->lock);
          w->error = error;
          g_mutex_unlock (&w->lock);
        }
      job_free (job);
    }
  return NULL;
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

TftsrLogWriter *
tftsr_log_writer_new (sqlite3 *db, gint64 issue_id, const char *name, GError **error)
{
  TftsrLogWriter *w;
  TftsrPiiValues *values;
  gint64 log_id;

  if ((log_id = create_log (db, issue_id, name, error)) == 0)
    return NULL;
  if ((values = tftsr_pii_values_new (db, issue_id, error)) == NULL)
    return NULL;
  w = g_new0 (TftsrLogWriter, 1);
  w->db = db;
  w->issue_id = issue_id;
  w->log_id = log_id;
  w->name = g_strdup (name);
  w->values = values;
  g_mutex_init (&w->lock);
  g_cond_init (&w->changed);
  g_queue_init (&w->jobs);
  w->thread = g_thread_new ("tftsr-log-writer", writer_thread, w);
  return w;
}

static gboolean
enqueue (TftsrLogWriter *w, TftsrLogChunk *chunk, GArray *spans, gboolean last)
{
  Job *job = g_new0 (Job, 1);
  gboolean ok;

  job->chunk = chunk;
  job->spans = spans;
  job->last = last;
  g_mutex_lock (&w->lock);
  while (g_queue_get_length (&w->jobs) >= QUEUE_MAX && !last)
    g_cond_wait (&w->changed, &w->lock);
  g_queue_push_tail (&w->jobs, job);
  g_cond_broadcast (&w->changed);
  ok = w->error == NULL;
  g_mutex_unlock (&w->lock);
  return ok;
}

gboolean
tftsr_log_writer_push (TftsrLogWriter *writer, TftsrLogChunk *chunk, GArray *spans)
{
  g_return_val_if_fail (writer != NULL && writer->thread != NULL, FALSE);
  return enqueue (writer, chunk, spans, FALSE);
}

/* Sends the last job and waits for the thread; returns the first write error, if any. */
static GError *
stop (TftsrLogWriter *w)
{
  GError *error;

  if (w->thread == NULL)
    return NULL;
  enqueue (w, NULL, NULL, TRUE);
  g_thread_join (w->thread);
  w->thread = NULL;
  error = w->error;
  w->error = NULL;
  return error;
}

gint64
tftsr_log_writer_finish (TftsrLogWriter *writer, const TftsrLogTotals *totals, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *target = g_strdup_printf ("issue:%" G_GINT64_FORMAT, writer->issue_id);
  GError *failed = stop (writer);

  if (failed != NULL)
    {
      g_propagate_error (error, failed);
      return 0;
    }
  if (!tftsr_db_begin (writer->db, error))
    return 0;
  stmt = tftsr_db_prepare (writer->db,
                           "UPDATE log_files SET state = 'ready', compression = ?2, "
                           " original_size = ?3, sha256 = ?4, size = ?5, line_count = ?6, "
                           " binary = ?7, pii_count = ?8 WHERE id = ?1",
                           error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, writer->log_id);
  tftsr_db_bind_text (stmt, 2, totals->compression);
  sqlite3_bind_int64 (stmt, 3, totals->original_size);
  tftsr_db_bind_text (stmt, 4, totals->sha256);
  sqlite3_bind_int64 (stmt, 5, totals->size);
  sqlite3_bind_int64 (stmt, 6, totals->line_count);
  sqlite3_bind_int (stmt, 7, totals->binary);
  sqlite3_bind_int64 (stmt, 8, writer->pii_count);
  detail = g_strdup_printf ("{\"log\":%" G_GINT64_FORMAT
                            ",\"sha256\":\"%s\",\"bytes\":%" G_GUINT64_FORMAT "}",
                            writer->log_id, totals->sha256, totals->original_size);
  if (!tftsr_db_step_done (stmt, _ ("Could not store the log"), error) ||
      !tftsr_store_add_timeline (writer->db, writer->issue_id, TFTSR_TIMELINE_LOG_ADDED, NULL, NULL,
                                 writer->name, error) ||
      !tftsr_audit_append_in_transaction (writer->db, "log.add", target, detail, error) ||
      !tftsr_db_commit (writer->db, error))
    goto fail;
  return writer->log_id;
fail:
  tftsr_db_rollback (writer->db);
  return 0;
}

void
tftsr_log_writer_abort (TftsrLogWriter *writer)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GError) ignored = stop (writer);

  tftsr_db_rollback (writer->db);
  if (sqlite3_prepare_v2 (writer->db, "DELETE FROM log_files WHERE id = ?1", -1, &stmt, NULL) ==
      SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, writer->log_id);
      sqlite3_step (stmt);
    }
  tftsr_pii_values_forget_new (writer->values);
}

void
tftsr_log_writer_free (TftsrLogWriter *writer)
{
  g_autoptr (GError) ignored = NULL;

  if (writer == NULL)
    return;
  ignored = stop (writer);
  while (!g_queue_is_empty (&writer->jobs))
    job_free (g_queue_pop_head (&writer->jobs));
  tftsr_pii_values_free (writer->values);
  g_mutex_clear (&writer->lock);
  g_cond_clear (&writer->changed);
  g_free (writer->name);
  g_free (writer);
}
