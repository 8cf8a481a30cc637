/* tftsr-doc-source.c: the incident's data a document is built from
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>

#include "tftsr-doc-private.h"
#include "tftsr-log-analysis.h"
#include "tftsr-store-private.h"

void
tftsr_doc_log_free (TftsrDocLog *log)
{
  if (log == NULL)
    return;
  g_free (log->name);
  g_free (log->sha256);
  g_free (log);
}

void
tftsr_doc_source_free (TftsrDocSource *source)
{
  if (source == NULL)
    return;
  g_clear_object (&source->issue);
  g_clear_pointer (&source->timeline, g_ptr_array_unref);
  g_clear_pointer (&source->triage, tftsr_triage_state_free);
  g_clear_pointer (&source->logs, g_ptr_array_unref);
  g_clear_pointer (&source->analyses, g_ptr_array_unref);
  g_free (source);
}

static TftsrDocLog *
log_from_row (sqlite3_stmt *stmt)
{
  TftsrDocLog *log = g_new0 (TftsrDocLog, 1);

  log->name = g_strdup (tftsr_db_text (stmt, 0));
  log->size = (guint64) sqlite3_column_int64 (stmt, 1);
  log->sha256 = g_strdup (tftsr_db_text (stmt, 2));
  log->detections = (guint) sqlite3_column_int64 (stmt, 3);
  log->released = (guint) sqlite3_column_int64 (stmt, 4);
  return log;
}

/* The incident's ready logs with their redaction state, oldest first. */
static GPtrArray *
list_logs (TftsrStore *store, gint64 issue_id, GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GPtrArray) logs = g_ptr_array_new_with_free_func ((GDestroyNotify) tftsr_doc_log_free);
  int rc;

  if ((conn = tftsr_conn_acquire (store, error)) == NULL ||
      (stmt = tftsr_db_prepare (
           conn->db,
           "SELECT l.name, l.original_size, l.sha256, l.pii_count, " TFTSR_SQL_LOG_RELEASED
           " FROM log_files l "
           "WHERE l.issue_id = ?1 AND l.state = 'ready' "
           "ORDER BY l.created_at, l.id",
           error)) == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, issue_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (logs, log_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      tftsr_db_set_error (error, conn->db, rc, _ ("Could not list the logs"));
      return NULL;
    }
  return g_steal_pointer (&logs);
}

TftsrDocSource *
tftsr_store_load_doc_source (TftsrStore *store, gint64 issue_id, GError **error)
{
  g_autoptr (TftsrDocSource) source = g_new0 (TftsrDocSource, 1);

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);

  if ((source->issue = tftsr_store_get_issue (store, issue_id, error)) == NULL ||
      (source->timeline = tftsr_store_list_timeline (store, issue_id, error)) == NULL ||
      (source->triage = tftsr_store_get_triage (store, issue_id, error)) == NULL ||
      (source->logs = list_logs (store, issue_id, error)) == NULL ||
      (source->analyses = tftsr_store_list_log_analyses (store, issue_id, error)) == NULL)
    return NULL;
  return g_steal_pointer (&source);
}
