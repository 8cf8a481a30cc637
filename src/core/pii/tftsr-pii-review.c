/* tftsr-pii-review.c: listing detected values and recording decisions about them
 *
 * Decisions live with the values (pii_values.released) and types (pii_type_decisions),
 * not with the spans, so they hold for every log of the incident and survive re-scans.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>

#include "tftsr-store-private.h"
#include "tftsr-pii-review.h"

void
tftsr_pii_value_free (TftsrPiiValue *value)
{
  if (value == NULL)
    return;
  g_free (value->type);
  g_bytes_unref (value->value);
  g_free (value);
}

char *
tftsr_pii_value_dup_token (const TftsrPiiValue *value)
{
  return g_strdup_printf ("<%s_%" G_GINT64_FORMAT ">", value->type, value->token_index);
}

gboolean
tftsr_pii_value_is_released (const TftsrPiiValue *value)
{
  return value->released || value->type_released;
}

GPtrArray *
tftsr_store_list_pii_values (TftsrStore *store, gint64 issue_id, GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GPtrArray) values =
      g_ptr_array_new_with_free_func ((GDestroyNotify) tftsr_pii_value_free);
  int rc;

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);

  if ((conn = tftsr_conn_acquire (store, error)) == NULL ||
      (stmt = tftsr_db_prepare (conn->db,
                                "SELECT v.id, v.type, v.value, v.token_index, v.released, "
                                " coalesce(d.released, 0), "
                                " (SELECT count(*) FROM pii_spans s WHERE s.value_id = v.id) "
                                "FROM pii_values v LEFT JOIN pii_type_decisions d "
                                " ON d.issue_id = v.issue_id AND d.type = v.type "
                                "WHERE v.issue_id = ?1 AND EXISTS "
                                " (SELECT 1 FROM pii_spans s WHERE s.value_id = v.id) "
                                "ORDER BY v.type, v.token_index",
                                error)) == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, issue_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      TftsrPiiValue *value = g_new0 (TftsrPiiValue, 1);

      value->id = sqlite3_column_int64 (stmt, 0);
      value->type = g_strdup (tftsr_db_text (stmt, 1));
      value->value = g_bytes_new (sqlite3_column_blob (stmt, 2), sqlite3_column_bytes (stmt, 2));
      value->token_index = sqlite3_column_int64 (stmt, 3);
      value->released = sqlite3_column_int (stmt, 4) != 0;
      value->type_released = sqlite3_column_int (stmt, 5) != 0;
      value->occurrences = (guint) sqlite3_column_int (stmt, 6);
      g_ptr_array_add (values, value);
    }
  if (rc != SQLITE_DONE)
    {
      tftsr_db_set_error (error, conn->db, rc, _ ("Could not list the detections"));
      return NULL;
    }
  return g_steal_pointer (&values);
}

/* Runs @sql (binding ?1 = @id, ?2 = @text, ?3 = @flag) with an audit entry, in one
 * transaction; a statement that changes nothing is "not found". */
static gboolean
decide (TftsrStore *store, const char *sql, gint64 id, const char *text, gboolean flag,
        const char *action, const char *target, GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;

  if ((conn = tftsr_conn_acquire (store, error)) == NULL || !tftsr_db_begin (conn->db, error))
    return FALSE;
  if ((stmt = tftsr_db_prepare (conn->db, sql, error)) == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, id);
  tftsr_db_bind_text (stmt, 2, text);
  sqlite3_bind_int (stmt, 3, flag);
  if (!tftsr_db_step_done (stmt, _ ("Could not save the decision"), error))
    goto fail;
  if (sqlite3_changes (conn->db) == 0)
    {
      g_set_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_NOT_FOUND,
                   _ ("There is no such detection"));
      goto fail;
    }
  if (!tftsr_audit_append_in_transaction (conn->db, action, target, NULL, error) ||
      !tftsr_db_commit (conn->db, error))
    goto fail;
  return TRUE;
fail:
  tftsr_db_rollback (conn->db);
  return FALSE;
}

gboolean
tftsr_store_set_pii_value_released (TftsrStore *store, gint64 value_id, gboolean released,
                                    GError **error)
{
  g_autofree char *target = g_strdup_printf ("pii_value:%" G_GINT64_FORMAT, value_id);

  g_return_val_if_fail (TFTSR_IS_STORE (store), FALSE);
  return decide (store, "UPDATE pii_values SET released = ?3 WHERE id = ?1", value_id, NULL,
                 released, released ? "pii.release" : "pii.redact", target, error);
}

gboolean
tftsr_store_set_pii_type_released (TftsrStore *store, gint64 issue_id, const char *type,
                                   gboolean released, GError **error)
{
  g_autofree char *target = g_strdup_printf ("issue:%" G_GINT64_FORMAT "/%s", issue_id, type);

  g_return_val_if_fail (TFTSR_IS_STORE (store), FALSE);
  g_return_val_if_fail (type != NULL, FALSE);
  return decide (store,
                 "INSERT INTO pii_type_decisions (issue_id, type, released) "
                 "SELECT ?1, ?2, ?3 WHERE EXISTS (SELECT 1 FROM issues WHERE id = ?1) "
                 "ON CONFLICT (issue_id, type) DO UPDATE SET released = excluded.released",
                 issue_id, type, released, released ? "pii.release_type" : "pii.redact_type",
                 target, error);
}
