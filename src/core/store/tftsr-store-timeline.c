/* tftsr-store-timeline.c: the timeline_events repository
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>

#include "tftsr-store-private.h"

gboolean
tftsr_store_add_timeline (sqlite3 *db, gint64 issue_id, TftsrTimelineKind kind,
                          const char *old_value, const char *new_value, const char *note,
                          GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = tftsr_db_prepare (db,
                           "INSERT INTO timeline_events (issue_id, kind, old_value, new_value, "
                           " note, created_at) VALUES (?1, ?2, ?3, ?4, ?5, " TFTSR_SQL_NOW ")",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, issue_id);
  tftsr_db_bind_text (stmt, 2, tftsr_timeline_kind_to_string (kind));
  tftsr_db_bind_text (stmt, 3, old_value);
  tftsr_db_bind_text (stmt, 4, new_value);
  tftsr_db_bind_text (stmt, 5, note);
  return tftsr_db_step_done (stmt, _ ("Could not record the timeline event"), error);
}

GPtrArray *
tftsr_store_list_timeline (TftsrStore *self, gint64 issue_id, GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GPtrArray) events = g_ptr_array_new_with_free_func (g_object_unref);
  int rc;

  g_return_val_if_fail (TFTSR_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if ((conn = tftsr_conn_acquire (self, error)) == NULL ||
      (stmt = tftsr_db_prepare (conn->db,
                                "SELECT id, kind, old_value, new_value, note, created_at "
                                "FROM timeline_events WHERE issue_id = ?1 "
                                "ORDER BY created_at, id",
                                error)) == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, issue_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      TftsrTimelineKind kind = TFTSR_TIMELINE_NOTE;

      /* A kind written by a newer version is shown through its note. */
      tftsr_timeline_kind_from_string (tftsr_db_text (stmt, 1), &kind);
      g_ptr_array_add (events,
                       tftsr_timeline_event_new (sqlite3_column_int64 (stmt, 0), issue_id, kind,
                                                 (const char *) sqlite3_column_text (stmt, 2),
                                                 (const char *) sqlite3_column_text (stmt, 3),
                                                 (const char *) sqlite3_column_text (stmt, 4),
                                                 tftsr_db_text (stmt, 5)));
    }
  if (rc != SQLITE_DONE)
    {
      tftsr_db_set_error (error, conn->db, rc, _ ("Could not read the timeline"));
      return NULL;
    }
  return g_steal_pointer (&events);
}
