/* tftsr-log-writer.c: writes and mines an ingest's chunks and detections while the
 * reading thread goes on reading, hashing, decompressing and scanning
 *
 *   push ─┬▶ queue of jobs, in order (at most QUEUE_MAX) ─▶ writing thread: transactions
 *         ├▶ compressing pool (zlib) ─ marks each chunk's job packed ─┤
 *         └▶ mining thread, in order ─ marks each job mined ──────────┘
 *
 * Compression runs in a pool rather than in any one thread, so it takes whichever core
 * the others leave idle. Mining has a thread of its own: it must take the chunks in order,
 * and the writer mostly waits on SQLite. The writer takes jobs in order once packed and
 * mined, so what is written has been mined, and stores the insight with the 'ready'
 * state: the log is never visible unmined.
 *
 * A transaction holds the jobs of up to BATCH_USEC. Every commit writes each page it
 * changed to the WAL again, encrypted and authenticated, and the spans' value index is
 * changed all over: with one transaction per chunk that came to four times the database's
 * size. Other writers (the app's saves) still wait no longer than that for the lock.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>
#include <string.h>
#include <zlib.h>

#include "tftsr-insight-private.h"
#include "tftsr-log-writer.h"

/* Chunks waiting to be written at most: a megabyte of text each, less once packed. */
#define QUEUE_MAX 8
/* Threads compressing at most. */
#define COMPRESSORS 2
/* How long one transaction goes on taking jobs. */
#define BATCH_USEC (G_USEC_PER_SEC / 10)

typedef struct
{
  TftsrLogChunk *chunk; /* NULL for the last job */
  GArray *spans;        /* NULL for none */
  gboolean last;
  gboolean packed; /* no chunk, or the chunk compressed (or failed to) */
  gboolean mined;  /* the chunk fed to the miner (or skipped after a failure) */
  guint8 *data;    /* the chunk compressed; NULL if that failed */
  gsize data_len;
} Job;

struct _TftsrLogWriter
{
  sqlite3 *db;
  gint64 issue_id;
  gint64 log_id;
  char *name;
  TftsrPiiValues *values;
  sqlite3_stmt *insert_chunk;
  sqlite3_stmt *insert_span;
  sqlite3_stmt *touch;
  guint seq;
  guint64 pii_count;
  gint64 batch_end; /* when the open transaction commits (monotonic); 0 if none is open */

  GThread *thread;
  GThread *miner;
  TftsrInsightMining *mining;
  guint64 mined; /* bytes of text */
  GThreadPool *compressors;
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

void
tftsr_log_chunk_free (TftsrLogChunk *chunk)
{
  if (chunk == NULL)
    return;
  g_bytes_unref (chunk->text);
  g_free (chunk);
}

static void
job_free (Job *job)
{
  tftsr_log_chunk_free (job->chunk);
  if (job->spans != NULL)
    g_array_unref (job->spans);
  g_free (job->data);
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

GArray *
tftsr_pending_spans_take_before (GArray *spans, guint64 end)
{
  GArray *taken = tftsr_pending_spans_new ();
  guint n = 0;

  while (n < spans->len && g_array_index (spans, TftsrPendingSpan, n).start < end)
    n++;
  if (n == 0)
    return taken;
  g_array_append_vals (taken, spans->data, n);
  /* Moved, not copied: what they own must not be cleared with the old places. */
  memset (spans->data, 0, n * sizeof (TftsrPendingSpan));
  g_array_remove_range (spans, 0, n);
  return taken;
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
  if (spans == NULL || spans->len == 0)
    return TRUE;
  if (!tftsr_pending_spans_insert (spans, w->values, w->insert_span, w->log_id, error))
    return FALSE;
  w->pii_count += spans->len;
  return TRUE;
}

/* The text of @job once both the pool and the miner are done with it, to be dropped
 * (outside the lock), so a queued job holds the compressed bytes; with the lock held. */
static GBytes *
spent_text (Job *job)
{
  return job->packed && job->mined ? g_steal_pointer (&job->chunk->text) : NULL;
}

/* In the pool. Level 1: chunks are read back often and written once; speed beats a few
 * percent. */
static void
compress_job (gpointer data, gpointer user_data)
{
  Job *job = data;
  TftsrLogWriter *w = user_data;
  gsize len = 0;
  const guint8 *text = g_bytes_get_data (job->chunk->text, &len);
  uLongf packed_len = compressBound (len);
  guint8 *packed = g_malloc (packed_len);
  g_autoptr (GBytes) spent = NULL;

  if (compress2 (packed, &packed_len, text, len, 1) != Z_OK)
    g_clear_pointer (&packed, g_free);
  g_mutex_lock (&w->lock);
  job->data = packed;
  job->data_len = packed_len;
  job->packed = TRUE;
  spent = spent_text (job);
  g_cond_broadcast (&w->changed);
  g_mutex_unlock (&w->lock);
}

static gboolean
write_chunk (TftsrLogWriter *w, const Job *job, GError **error)
{
  const TftsrLogChunk *chunk = job->chunk;
  sqlite3_stmt *stmt = w->insert_chunk;

  if (job->data == NULL)
    {
      g_set_error (error, TFTSR_LOG_ERROR, TFTSR_LOG_ERROR_READ, _ ("Could not compress “%s”"),
                   w->name);
      return FALSE;
    }
  sqlite3_reset (stmt);
  sqlite3_bind_int64 (stmt, 1, w->log_id);
  sqlite3_bind_int (stmt, 2, (int) w->seq);
  sqlite3_bind_int64 (stmt, 3, chunk->offset);
  sqlite3_bind_int64 (stmt, 4, chunk->length);
  sqlite3_bind_int64 (stmt, 5, chunk->first_line);
  sqlite3_bind_int (stmt, 6, (int) chunk->newlines);
  sqlite3_bind_blob (stmt, 7, job->data, (int) job->data_len, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 8, (int) chunk->rows);
  if (!tftsr_db_step_done (stmt, _ ("Could not store the log"), error))
    return FALSE;
  w->seq++;
  return TRUE;
}

/* Commits the open transaction; touched_at in it tells a sweep that this ingest is alive. */
static gboolean
end_batch (TftsrLogWriter *w, GError **error)
{
  w->batch_end = 0;
  sqlite3_reset (w->touch);
  sqlite3_bind_int64 (w->touch, 1, w->log_id);
  if (tftsr_db_step_done (w->touch, _ ("Could not store the log"), error) &&
      tftsr_db_commit (w->db, error))
    return TRUE;
  tftsr_db_rollback (w->db);
  return FALSE;
}

/* Writes @job in the open transaction (opening one if needed), which is committed when
 * its time is up or @job is the last. */
static gboolean
run_job (TftsrLogWriter *w, Job *job, GError **error)
{
  if (job->chunk != NULL)
    {
      if (w->batch_end == 0)
        {
          if (!tftsr_db_begin (w->db, error))
            return FALSE;
          w->batch_end = g_get_monotonic_time () + BATCH_USEC;
        }
      if (!write_chunk (w, job, error) || !write_spans (w, job->spans, error))
        return FALSE;
    }
  if (w->batch_end != 0 && (job->last || g_get_monotonic_time () >= w->batch_end))
    return end_batch (w, error);
  return TRUE;
}

/* The job at the head of the queue if the writer may take it; with the lock held. */
static Job *
packed_head (TftsrLogWriter *w)
{
  Job *job = g_queue_peek_head (&w->jobs);
  return job != NULL && job->packed && job->mined ? job : NULL;
}

/* The next job once it is packed, or NULL when @deadline (monotonic; 0 for none) passes
 * first. @failed tells whether a write has failed, or the ingest was abandoned. */
static Job *
next_job (TftsrLogWriter *w, gint64 deadline, gboolean *failed)
{
  Job *job;

  g_mutex_lock (&w->lock);
  while ((job = packed_head (w)) == NULL)
    if (deadline == 0)
      g_cond_wait (&w->changed, &w->lock);
    else if (!g_cond_wait_until (&w->changed, &w->lock, deadline))
      break;
  if (job != NULL)
    g_queue_pop_head (&w->jobs);
  *failed = w->error != NULL;
  g_cond_broadcast (&w->changed);
  g_mutex_unlock (&w->lock);
  return job;
}

static void
set_error (TftsrLogWriter *w, GError *error)
{
  g_mutex_lock (&w->lock);
  if (w->error == NULL)
    w->error = error;
  else
    g_error_free (error);
  g_mutex_unlock (&w->lock);
}

static gpointer
writer_thread (gpointer data)
{
  TftsrLogWriter *w = data;
  gboolean last = FALSE;

  while (!last)
    {
      gboolean failed;
      Job *job = next_job (w, w->batch_end, &failed);
      GError *error = NULL;

      /* No job: the transaction's time ran out while waiting. After a failure, jobs are
       * only drained and the open transaction goes. */
      if (failed || (job == NULL ? !end_batch (w, &error) : !run_job (w, job, &error)))
        {
          tftsr_db_rollback (w->db);
          w->batch_end = 0;
          if (error != NULL)
            set_error (w, error);
        }
      if (job != NULL)
        {
          last = job->last;
          job_free (job);
        }
    }
  return NULL;
}

/* The first job not mined yet; with the lock held. Jobs leave the queue only once mined,
 * so it stays valid while the lock is dropped. */
static Job *
unmined_job (TftsrLogWriter *w)
{
  for (GList *l = w->jobs.head; l != NULL; l = l->next)
    if (!((Job *) l->data)->mined)
      return l->data;
  return NULL;
}

static void
mine_job (TftsrLogWriter *w, const Job *job, GArray *spans)
{
  gsize len = 0;
  const guint8 *text = g_bytes_get_data (job->chunk->text, &len);

  g_array_set_size (spans, 0);
  for (guint i = 0; job->spans != NULL && i < job->spans->len; i++)
    {
      const TftsrPendingSpan *p = &g_array_index (job->spans, TftsrPendingSpan, i);
      TftsrInsightSpan span = { p->start, p->end };

      g_array_append_val (spans, span);
    }
  tftsr_insight_mining_feed (w->mining, text, len, job->chunk->offset,
                             (const TftsrInsightSpan *) spans->data, spans->len);
}

static gpointer
miner_thread (gpointer data)
{
  TftsrLogWriter *w = data;
  g_autoptr (GArray) spans = g_array_new (FALSE, FALSE, sizeof (TftsrInsightSpan));
  gboolean last = FALSE;

  while (!last)
    {
      g_autoptr (GBytes) spent = NULL;
      Job *job;
      gboolean failed;

      g_mutex_lock (&w->lock);
      while ((job = unmined_job (w)) == NULL)
        g_cond_wait (&w->changed, &w->lock);
      failed = w->error != NULL;
      g_mutex_unlock (&w->lock);
      /* After a failure the log goes: jobs are only passed on. */
      if (job->chunk != NULL && !failed)
        mine_job (w, job, spans);
      g_mutex_lock (&w->lock);
      job->mined = TRUE;
      if (job->chunk != NULL)
        {
          w->mined += job->chunk->length;
          spent = spent_text (job);
        }
      last = job->last;
      g_cond_broadcast (&w->changed);
      g_mutex_unlock (&w->lock);
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

static gboolean
prepare (TftsrLogWriter *w, GError **error)
{
  return (w->insert_chunk = tftsr_db_prepare (
              w->db,
              "INSERT INTO log_chunks (log_id, seq, offset, length, first_line, newlines, "
              " data, rows) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
              error)) != NULL &&
         (w->insert_span = tftsr_db_prepare (w->db,
                                             "INSERT INTO pii_spans (log_id, start, \"end\", "
                                             " value_id) VALUES (?1, ?2, ?3, ?4)",
                                             error)) != NULL &&
         (w->touch = tftsr_db_prepare (
              w->db, "UPDATE log_files SET touched_at = " TFTSR_SQL_NOW " WHERE id = ?1", error)) !=
             NULL &&
         (w->values = tftsr_pii_values_new (w->db, w->issue_id, error)) != NULL;
}

TftsrLogWriter *
tftsr_log_writer_new (sqlite3 *db, gint64 issue_id, const char *name, GError **error)
{
  TftsrLogWriter *w = g_new0 (TftsrLogWriter, 1);

  w->db = db;
  w->issue_id = issue_id;
  w->name = g_strdup (name);
  g_mutex_init (&w->lock);
  g_cond_init (&w->changed);
  g_queue_init (&w->jobs);
  /* Prepared first, so that a failure leaves no log behind. */
  if (!prepare (w, error) || (w->log_id = create_log (db, issue_id, name, error)) == 0)
    {
      tftsr_log_writer_free (w);
      return NULL;
    }
  w->mining = tftsr_insight_mining_new (tftsr_insight_reference (db, w->log_id));
  w->compressors = g_thread_pool_new (compress_job, w, COMPRESSORS, FALSE, NULL);
  w->miner = g_thread_new ("tftsr-log-miner", miner_thread, w);
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
  job->packed = chunk == NULL;
  g_mutex_lock (&w->lock);
  while (g_queue_get_length (&w->jobs) >= QUEUE_MAX && !last)
    g_cond_wait (&w->changed, &w->lock);
  g_queue_push_tail (&w->jobs, job);
  g_cond_broadcast (&w->changed);
  ok = w->error == NULL;
  g_mutex_unlock (&w->lock);
  /* The writer takes the job only once it is packed, so it stays valid meanwhile. */
  if (chunk != NULL)
    g_thread_pool_push (w->compressors, job, NULL);
  return ok;
}

gboolean
tftsr_log_writer_push (TftsrLogWriter *writer, TftsrLogChunk *chunk, GArray *spans)
{
  g_return_val_if_fail (writer != NULL && writer->thread != NULL, FALSE);
  g_return_val_if_fail (chunk != NULL, FALSE);
  return enqueue (writer, chunk, spans, FALSE);
}

guint64
tftsr_log_writer_get_mined (TftsrLogWriter *writer)
{
  guint64 mined;

  g_mutex_lock (&writer->lock);
  mined = writer->mined;
  g_mutex_unlock (&writer->lock);
  return mined;
}

/* Sends the last job and waits for the threads; returns the first write error, if any. */
static GError *
stop (TftsrLogWriter *w)
{
  GError *error;

  if (w->thread == NULL)
    return NULL;
  enqueue (w, NULL, NULL, TRUE);
  g_thread_join (w->miner);
  g_thread_join (w->thread);
  w->miner = NULL;
  w->thread = NULL;
  error = w->error;
  w->error = NULL;
  return error;
}

/* Stores @insight in the open transaction. Every log is mined, so every incident's logs
 * are in the index that finds similar incidents; but an insight that could not be stored
 * (disk full) must not cost the log: it is mined again when first asked for. */
static gboolean
save_insight (TftsrLogWriter *w, TftsrLogInsight *insight, GError **error)
{
  g_autoptr (GError) local = NULL;

  if (!tftsr_db_exec (w->db, "SAVEPOINT insight", _ ("Could not store the log"), error))
    return FALSE;
  if (!tftsr_insight_save_in_transaction (w->db, insight, &local))
    {
      g_debug ("Log %" G_GINT64_FORMAT " was stored but not mined: %s", w->log_id, local->message);
      if (!tftsr_db_exec (w->db, "ROLLBACK TO insight", _ ("Could not store the log"), error))
        return FALSE;
    }
  return tftsr_db_exec (w->db, "RELEASE insight", _ ("Could not store the log"), error);
}

gint64
tftsr_log_writer_finish (TftsrLogWriter *writer, const TftsrLogTotals *totals, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (TftsrLogInsight) insight = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *target = g_strdup_printf ("issue:%" G_GINT64_FORMAT, writer->issue_id);
  GError *failed = stop (writer);

  if (failed != NULL)
    {
      g_propagate_error (error, failed);
      return 0;
    }
  /* Made before the transaction, which other writers wait for. */
  insight = tftsr_insight_mining_finish (writer->mining, writer->log_id, 0);
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
      !save_insight (writer, insight, error) ||
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
  g_autoptr (GError) ignored = NULL;

  /* What is still queued need not be written. */
  if (writer->thread != NULL)
    set_error (writer, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "abandoned"));
  ignored = stop (writer);
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
  if (writer->compressors != NULL)
    g_thread_pool_free (writer->compressors, FALSE, TRUE);
  while (!g_queue_is_empty (&writer->jobs))
    job_free (g_queue_pop_head (&writer->jobs));
  tftsr_pii_values_free (writer->values);
  tftsr_insight_mining_free (writer->mining);
  sqlite3_finalize (writer->insert_chunk);
  sqlite3_finalize (writer->insert_span);
  sqlite3_finalize (writer->touch);
  g_mutex_clear (&writer->lock);
  g_cond_clear (&writer->changed);
  g_free (writer->name);
  g_free (writer);
}
