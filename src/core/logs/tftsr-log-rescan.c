/* tftsr-log-rescan.c: scans stored logs again after the detection settings changed,
 * keeping the engineer's decisions
 *
 * A re-scan reads and scans as much as the ingest did, so it takes as long, and its new
 * span set must replace the old one at once. One write transaction around all of it would
 * block every other write (the app's saves) for minutes; holding the new spans in memory
 * until the end would not keep memory constant. So, as ingest does, the detections of
 * each chunk are written in a short transaction of their own, but to a staging table
 * (pii_rescan_spans, under one pii_rescans row per log) that nothing reads. A last
 * transaction swaps them in: the 'scan' spans go, staged spans overlapping a 'user' span
 * give way to it, the rest are copied. It only moves rows already on disk (no reading of
 * chunks, no scanning), and a failure or cancellation before it only drops the staging
 * rows: the logs are as they were.
 *
 * Values are interned as ingest does (tftsr-pii-values.c): a value found again keeps its
 * row, so its pseudonym and release decision; a new one gets the next number. Rows that no
 * span refers to after the swap stay, so their numbers are never given to another value
 * (tftsr_store_list_pii_values() leaves them out).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>

#include "tftsr-log-writer.h"
#include "tftsr-pii-settings.h"

typedef struct
{
  sqlite3 *db;
  TftsrPiiScanner *scanner;
  TftsrPiiValues *values;
  GArray *staged; /* gint64: the pii_rescans row of each log scanned so far */
  GArray *spans;  /* TftsrPendingSpan found and not staged yet */
  TftsrProgressFunc progress;
  gpointer progress_data;
  guint64 done; /* bytes scanned, over all logs */
  guint64 total;
  GCancellable *cancellable;
} Rescan;

/* Steps @sql with ?1 = @a and ?2 = @b (as far as it has them); @result (optional)
 * receives the first column of a row it returns. */
static gboolean
run (sqlite3 *db, const char *sql, gint64 a, gint64 b, gint64 *result, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = tftsr_db_prepare (db, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  if (sqlite3_bind_parameter_count (stmt) >= 1)
    sqlite3_bind_int64 (stmt, 1, a);
  if (sqlite3_bind_parameter_count (stmt) >= 2)
    sqlite3_bind_int64 (stmt, 2, b);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW && result != NULL)
    *result = sqlite3_column_int64 (stmt, 0);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return tftsr_db_set_error (error, db, rc, _ ("Could not re-scan the log"));
  return TRUE;
}

/* Registers the staging of @log_id and sweeps what re-scans whose process died left. */
static gint64
begin_log (Rescan *rs, gint64 log_id, GError **error)
{
  gint64 rescan_id;

  if (!tftsr_db_begin (rs->db, error))
    return 0;
  if (!run (rs->db,
            "DELETE FROM pii_rescans WHERE touched_at < "
            "strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-10 minutes')",
            0, 0, NULL, error) ||
      !run (rs->db, "INSERT INTO pii_rescans (log_id) VALUES (?1)", log_id, 0, NULL, error))
    goto fail;
  rescan_id = sqlite3_last_insert_rowid (rs->db);
  if (!tftsr_db_commit (rs->db, error))
    return 0;
  g_array_append_val (rs->staged, rescan_id);
  return rescan_id;
fail:
  tftsr_db_rollback (rs->db);
  return 0;
}

/* Writes the spans found so far to the staging table, in one short transaction. */
static gboolean
stage (Rescan *rs, gint64 rescan_id, GError **error)
{
  g_autoptr (sqlite3_stmt) insert = NULL;

  if (!tftsr_db_begin (rs->db, error))
    return FALSE;
  if ((insert = tftsr_db_prepare (rs->db,
                                  "INSERT INTO pii_rescan_spans (rescan_id, start, \"end\", "
                                  " value_id) VALUES (?1, ?2, ?3, ?4)",
                                  error)) == NULL ||
      !tftsr_pending_spans_insert (rs->spans, rs->values, insert, rescan_id, error) ||
      !run (rs->db, "UPDATE pii_rescans SET touched_at = " TFTSR_SQL_NOW " WHERE id = ?1",
            rescan_id, 0, NULL, error) ||
      !tftsr_db_commit (rs->db, error))
    {
      tftsr_db_rollback (rs->db);
      return FALSE;
    }
  g_array_set_size (rs->spans, 0);
  return TRUE;
}

static void
on_span (const TftsrPiiSpan *span, const guint8 *value, gpointer user_data)
{
  Rescan *rs = user_data;
  tftsr_pending_spans_add (rs->spans, rs->scanner, span, value);
}

/* Feeds the log's chunks, one in memory at a time, to @stream, staging what it reports
 * after each. */
static gboolean
feed_chunks (Rescan *rs, TftsrPiiStream *stream, gint64 log_id, gint64 rescan_id, GError **error)
{
  guint64 scanned = 0;

  for (guint seq = 0;; seq++)
    {
      GError *local = NULL;
      guint64 offset = 0;
      g_autoptr (GBytes) text = tftsr_log_read_chunk (rs->db, log_id, seq, &offset, &local);

      if (text == NULL)
        {
          if (local == NULL)
            return TRUE;
          g_propagate_error (error, local);
          return FALSE;
        }
      if (offset != scanned)
        {
          g_set_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_CORRUPT,
                       _ ("Part of log %" G_GINT64_FORMAT " is damaged"), log_id);
          return FALSE;
        }
      tftsr_pii_stream_feed (stream, g_bytes_get_data (text, NULL), g_bytes_get_size (text));
      scanned += g_bytes_get_size (text);
      rs->done += g_bytes_get_size (text);
      if (!stage (rs, rescan_id, error))
        return FALSE;
      if (rs->progress != NULL)
        rs->progress (rs->done, rs->total, rs->progress_data);
      if (g_cancellable_set_error_if_cancelled (rs->cancellable, error))
        return FALSE;
    }
}

static gboolean
scan_log (Rescan *rs, gint64 log_id, GError **error)
{
  gint64 rescan_id = begin_log (rs, log_id, error);
  TftsrPiiStream *stream;

  if (rescan_id == 0)
    return FALSE;
  stream = tftsr_pii_stream_new (rs->scanner, on_span, rs);
  if (!feed_chunks (rs, stream, log_id, rescan_id, error))
    {
      tftsr_pii_stream_free (stream);
      return FALSE;
    }
  tftsr_pii_stream_finish (stream);
  return stage (rs, rescan_id, error);
}

/* Inside the final transaction: the staged spans of @log_id become its spans. Once its
 * scan spans are gone only user spans are left; they do not overlap each other, so the
 * last one starting before a staged span ends is the only one that can overlap it. */
static gboolean
swap_log (Rescan *rs, gint64 log_id, gint64 rescan_id, GError **error)
{
  static const char *const swap[] = {
    "DELETE FROM pii_spans WHERE log_id = ?1 AND origin = 'scan'",
    ("DELETE FROM pii_rescan_spans WHERE rescan_id = ?2 AND "
     " (SELECT u.\"end\" FROM pii_spans u WHERE u.log_id = ?1 "
     "  AND u.start < pii_rescan_spans.\"end\" ORDER BY u.start DESC LIMIT 1) "
     " > pii_rescan_spans.start"),
    ("INSERT INTO pii_spans (log_id, start, \"end\", value_id) "
     "SELECT ?1, start, \"end\", value_id FROM pii_rescan_spans WHERE rescan_id = ?2"),
    "DELETE FROM pii_rescans WHERE id = ?2",
  };
  g_autofree char *target = g_strdup_printf ("log:%" G_GINT64_FORMAT, log_id);
  g_autofree char *detail = NULL;
  gint64 staged = 0, before = 0, after = 0;

  if (!run (rs->db, "SELECT count(*) FROM pii_rescans WHERE id = ?2", log_id, rescan_id, &staged,
            error) ||
      !run (rs->db, "SELECT count(*) FROM pii_spans WHERE log_id = ?1", log_id, 0, &before, error))
    return FALSE;
  /* The log was deleted meanwhile, and its staging with it. */
  if (staged == 0)
    return tftsr_log_not_found (log_id, error);
  for (guint i = 0; i < G_N_ELEMENTS (swap); i++)
    if (!run (rs->db, swap[i], log_id, rescan_id, NULL, error))
      return FALSE;
  if (!run (rs->db,
            "UPDATE log_files SET pii_count = (SELECT count(*) FROM pii_spans "
            "WHERE log_id = ?1) WHERE id = ?1 RETURNING pii_count",
            log_id, 0, &after, error))
    return FALSE;
  detail = g_strdup_printf ("{\"spans_before\":%" G_GINT64_FORMAT
                            ",\"spans_after\":%" G_GINT64_FORMAT "}",
                            before, after);
  return tftsr_audit_append_in_transaction (rs->db, "log.rescanned", target, detail, error);
}

static gboolean
swap_all (Rescan *rs, GPtrArray *logs, GError **error)
{
  if (!tftsr_db_begin (rs->db, error))
    return FALSE;
  for (guint i = 0; i < logs->len; i++)
    if (!swap_log (rs, tftsr_log_file_get_id (logs->pdata[i]),
                   g_array_index (rs->staged, gint64, i), error))
      {
        tftsr_db_rollback (rs->db);
        return FALSE;
      }
  return tftsr_db_commit (rs->db, error);
}

/* After a failure: the staging rows, and the values only they referred to. */
static void
drop_staged (Rescan *rs)
{
  for (guint i = 0; i < rs->staged->len; i++)
    run (rs->db, "DELETE FROM pii_rescans WHERE id = ?1", g_array_index (rs->staged, gint64, i), 0,
         NULL, NULL);
  tftsr_pii_values_forget_new (rs->values);
}

/* Re-scans @logs (all of incident @issue_id) with @scanner, all or nothing. */
static gboolean
rescan_logs (sqlite3 *db, gint64 issue_id, GPtrArray *logs, TftsrPiiScanner *scanner,
             TftsrProgressFunc progress, gpointer progress_data, GCancellable *cancellable,
             GError **error)
{
  g_autoptr (TftsrPiiValues) values = tftsr_pii_values_new (db, issue_id, error);
  g_autoptr (GArray) staged = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GArray) spans = tftsr_pending_spans_new ();
  Rescan rs = { db, scanner, values, staged, spans, progress, progress_data, 0, 0, cancellable };
  gboolean ok = TRUE;

  if (values == NULL)
    return FALSE;
  for (guint i = 0; i < logs->len; i++)
    rs.total += tftsr_log_file_get_size (logs->pdata[i]);
  for (guint i = 0; ok && i < logs->len; i++)
    ok = scan_log (&rs, tftsr_log_file_get_id (logs->pdata[i]), error);
  ok = ok && !g_cancellable_set_error_if_cancelled (cancellable, error) &&
       swap_all (&rs, logs, error);
  if (!ok)
    drop_staged (&rs);
  return ok;
}

/* @scanner, or the one the stored settings describe. */
static TftsrPiiScanner *
dup_scanner (TftsrStore *store, TftsrPiiScanner *scanner, GError **error)
{
  return scanner != NULL ? g_object_ref (scanner) : tftsr_store_load_pii_scanner (store, error);
}

gboolean
tftsr_store_rescan_log (TftsrStore *store, gint64 log_id, TftsrPiiScanner *scanner,
                        TftsrProgressFunc progress, gpointer progress_data,
                        GCancellable *cancellable, GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;
  g_autoptr (GPtrArray) logs = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (TftsrPiiScanner) own = NULL;
  TftsrLogFile *log;

  g_return_val_if_fail (TFTSR_IS_STORE (store), FALSE);
  g_return_val_if_fail (scanner == NULL || TFTSR_IS_PII_SCANNER (scanner), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if ((conn = tftsr_conn_acquire (store, error)) == NULL ||
      (log = tftsr_log_load (conn->db, log_id, error)) == NULL)
    return FALSE;
  g_ptr_array_add (logs, log);
  if ((own = dup_scanner (store, scanner, error)) == NULL)
    return FALSE;
  return rescan_logs (conn->db, tftsr_log_file_get_issue_id (log), logs, own, progress,
                      progress_data, cancellable, error);
}

gboolean
tftsr_store_rescan_issue (TftsrStore *store, gint64 issue_id, TftsrPiiScanner *scanner,
                          TftsrProgressFunc progress, gpointer progress_data,
                          GCancellable *cancellable, GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;
  g_autoptr (GPtrArray) logs = NULL;
  g_autoptr (TftsrPiiScanner) own = NULL;
  gint64 exists = 0;

  g_return_val_if_fail (TFTSR_IS_STORE (store), FALSE);
  g_return_val_if_fail (scanner == NULL || TFTSR_IS_PII_SCANNER (scanner), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if ((conn = tftsr_conn_acquire (store, error)) == NULL ||
      !run (conn->db, "SELECT count(*) FROM issues WHERE id = ?1", issue_id, 0, &exists, error))
    return FALSE;
  if (exists == 0)
    {
      g_set_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_NOT_FOUND,
                   _ ("There is no incident %" G_GINT64_FORMAT), issue_id);
      return FALSE;
    }
  if ((logs = tftsr_store_list_logs (store, issue_id, error)) == NULL ||
      (own = dup_scanner (store, scanner, error)) == NULL)
    return FALSE;
  return rescan_logs (conn->db, issue_id, logs, own, progress, progress_data, cancellable, error);
}

/* --- in a worker ------------------------------------------------------------------------- */

typedef struct
{
  gint64 id; /* of the log, or of the incident */
  gboolean issue;
  TftsrPiiScanner *scanner; /* NULL: the stored settings' */
  TftsrProgressRelay relay;
} RescanData;

static void
rescan_data_free (RescanData *data)
{
  g_clear_object (&data->scanner);
  tftsr_progress_relay_clear (&data->relay);
  g_free (data);
}

static void
rescan_in_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  RescanData *data = task_data;
  TftsrProgressFunc progress = tftsr_progress_relay_func (&data->relay);
  GError *error = NULL;
  gboolean ok;

  if (data->issue)
    ok = tftsr_store_rescan_issue (TFTSR_STORE (source), data->id, data->scanner, progress,
                                   &data->relay, cancellable, &error);
  else
    ok = tftsr_store_rescan_log (TFTSR_STORE (source), data->id, data->scanner, progress,
                                 &data->relay, cancellable, &error);
  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
run_rescan (TftsrStore *store, gint64 id, gboolean issue, TftsrPiiScanner *scanner,
            TftsrProgressFunc progress, gpointer progress_data, GCancellable *cancellable,
            GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (store, cancellable, callback, user_data);
  RescanData *data = g_new0 (RescanData, 1);

  data->id = id;
  data->issue = issue;
  data->scanner = scanner != NULL ? g_object_ref (scanner) : NULL;
  tftsr_progress_relay_init (&data->relay, progress, progress_data);
  g_task_set_source_tag (task, tftsr_store_rescan_finish);
  g_task_set_task_data (task, data, (GDestroyNotify) rescan_data_free);
  g_task_run_in_thread (task, rescan_in_thread);
}

void
tftsr_store_rescan_log_async (TftsrStore *store, gint64 log_id, TftsrPiiScanner *scanner,
                              TftsrProgressFunc progress, gpointer progress_data,
                              GCancellable *cancellable, GAsyncReadyCallback callback,
                              gpointer user_data)
{
  g_return_if_fail (TFTSR_IS_STORE (store));
  g_return_if_fail (scanner == NULL || TFTSR_IS_PII_SCANNER (scanner));
  run_rescan (store, log_id, FALSE, scanner, progress, progress_data, cancellable, callback,
              user_data);
}

void
tftsr_store_rescan_issue_async (TftsrStore *store, gint64 issue_id, TftsrPiiScanner *scanner,
                                TftsrProgressFunc progress, gpointer progress_data,
                                GCancellable *cancellable, GAsyncReadyCallback callback,
                                gpointer user_data)
{
  g_return_if_fail (TFTSR_IS_STORE (store));
  g_return_if_fail (scanner == NULL || TFTSR_IS_PII_SCANNER (scanner));
  run_rescan (store, issue_id, TRUE, scanner, progress, progress_data, cancellable, callback,
              user_data);
}

gboolean
tftsr_store_rescan_finish (TftsrStore *store, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tftsr_store_rescan_finish,
                        FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
