/* tftsr-store-settings.c: the settings table (key → text)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>

#include "tftsr-settings.h"
#include "tftsr-store-private.h"

char *
tftsr_store_get_setting (TftsrStore *store, const char *key, GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  if ((conn = tftsr_conn_acquire (store, error)) == NULL ||
      (stmt = tftsr_db_prepare (conn->db, "SELECT value FROM settings WHERE key = ?", error)) ==
          NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return g_strdup (tftsr_db_text (stmt, 0));
  if (rc != SQLITE_DONE)
    tftsr_db_set_error (error, conn->db, rc, _ ("Could not read the settings"));
  return NULL;
}

gboolean
tftsr_store_set_setting (TftsrStore *store, const char *key, const char *value, GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  const char *sql = value != NULL ? "INSERT INTO settings (key, value) VALUES (?1, ?2) "
                                    "ON CONFLICT (key) DO UPDATE SET value = ?2, "
                                    "updated_at = " TFTSR_SQL_NOW
                                  : "DELETE FROM settings WHERE key = ?1";

  g_return_val_if_fail (TFTSR_IS_STORE (store), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  if ((conn = tftsr_conn_acquire (store, error)) == NULL ||
      (stmt = tftsr_db_prepare (conn->db, sql, error)) == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (value != NULL)
    tftsr_db_bind_text (stmt, 2, value);
  return tftsr_db_step_done (stmt, _ ("Could not save the settings"), error);
}
