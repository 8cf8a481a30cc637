/* tftsr-audit.c: append-only, hash-chained audit log
 *
 * Each entry's hash is SHA-256 over the previous entry's hash and the entry's own
 * fields (each length-prefixed, so no two different entries serialise alike). The id
 * is hashed too, so swapping rows breaks the chain; the newest id and hash are also
 * kept in settings ("audit.head") so that removing the newest entries is noticed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>
#include <string.h>

#include "tftsr-audit.h"
#include "tftsr-store-private.h"

#define GENESIS_HASH "0000000000000000000000000000000000000000000000000000000000000000"
#define HEAD_KEY "audit.head"

G_DEFINE_QUARK (tftsr - audit - error - quark, tftsr_audit_error)

void
tftsr_audit_entry_free (TftsrAuditEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->created_at);
  g_free (entry->action);
  g_free (entry->target);
  g_free (entry->detail);
  g_free (entry->hash);
  g_free (entry);
}

static void
hash_field (GChecksum *sum, const char *field)
{
  g_autofree char *prefix = g_strdup_printf ("%zu:", strlen (field));

  g_checksum_update (sum, (const guchar *) prefix, -1);
  g_checksum_update (sum, (const guchar *) field, strlen (field));
}

static char *
entry_hash (const char *prev_hash, gint64 id, const char *created_at, const char *action,
            const char *target, const char *detail)
{
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);

  hash_field (sum, prev_hash);
  hash_field (sum, id_text);
  hash_field (sum, created_at);
  hash_field (sum, action);
  hash_field (sum, target);
  hash_field (sum, detail);
  return g_strdup (g_checksum_get_string (sum));
}

/* The newest entry's id and hash, or 0 and the genesis hash for an empty log. */
static gboolean
read_tail (sqlite3 *db, gint64 *id, char **hash, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = tftsr_db_prepare (db, "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1", error);
  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *id = sqlite3_column_int64 (stmt, 0);
      *hash = g_strdup (tftsr_db_text (stmt, 1));
      return TRUE;
    }
  if (rc != SQLITE_DONE)
    return tftsr_db_set_error (error, db, rc, _ ("Could not read the audit log"));
  *id = 0;
  *hash = g_strdup (GENESIS_HASH);
  return TRUE;
}

static gboolean
write_head (sqlite3 *db, gint64 id, const char *hash, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autofree char *value = g_strdup_printf ("%" G_GINT64_FORMAT " %s", id, hash);

  stmt = tftsr_db_prepare (db,
                           "INSERT INTO settings (key, value, updated_at) "
                           "VALUES (?1, ?2, " TFTSR_SQL_NOW ") "
                           "ON CONFLICT (key) DO UPDATE SET value = excluded.value, "
                           " updated_at = excluded.updated_at",
                           error);
  if (stmt == NULL)
    return FALSE;
  tftsr_db_bind_text (stmt, 1, HEAD_KEY);
  tftsr_db_bind_text (stmt, 2, value);
  return tftsr_db_step_done (stmt, _ ("Could not write the audit log"), error);
}

gboolean
tftsr_audit_append_in_transaction (sqlite3 *db, const char *action, const char *target,
                                   const char *detail, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autofree char *prev_hash = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *created_at = tftsr_now_iso8601 ();
  gint64 prev_id = 0;
  gint64 id;

  g_assert (!sqlite3_get_autocommit (db));

  if (target == NULL)
    target = "";
  if (detail == NULL)
    detail = "{}";
  if (!read_tail (db, &prev_id, &prev_hash, error))
    return FALSE;

  id = prev_id + 1;
  hash = entry_hash (prev_hash, id, created_at, action, target, detail);
  stmt = tftsr_db_prepare (db,
                           "INSERT INTO audit_log (id, created_at, action, target, detail, "
                           " prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  tftsr_db_bind_text (stmt, 2, created_at);
  tftsr_db_bind_text (stmt, 3, action);
  tftsr_db_bind_text (stmt, 4, target);
  tftsr_db_bind_text (stmt, 5, detail);
  tftsr_db_bind_text (stmt, 6, prev_hash);
  tftsr_db_bind_text (stmt, 7, hash);
  return tftsr_db_step_done (stmt, _ ("Could not write the audit log"), error) &&
         write_head (db, id, hash, error);
}

gboolean
tftsr_audit_append (TftsrStore *store, const char *action, const char *target, const char *detail,
                    GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;

  g_return_val_if_fail (TFTSR_IS_STORE (store), FALSE);
  g_return_val_if_fail (action != NULL, FALSE);

  if ((conn = tftsr_conn_acquire (store, error)) == NULL || !tftsr_db_begin (conn->db, error))
    return FALSE;
  if (!tftsr_audit_append_in_transaction (conn->db, action, target, detail, error) ||
      !tftsr_db_commit (conn->db, error))
    {
      tftsr_db_rollback (conn->db);
      return FALSE;
    }
  return TRUE;
}

static gboolean
tampered (GError **error, gint64 *first_bad_id, gint64 id, const char *what)
{
  if (first_bad_id != NULL)
    *first_bad_id = id;
  if (id > 0)
    g_set_error (error, TFTSR_AUDIT_ERROR, TFTSR_AUDIT_ERROR_TAMPERED,
                 _ ("The audit log was tampered with at entry %" G_GINT64_FORMAT ": %s"), id, what);
  else
    g_set_error (error, TFTSR_AUDIT_ERROR, TFTSR_AUDIT_ERROR_TAMPERED,
                 _ ("The audit log was tampered with: %s"), what);
  return FALSE;
}

static char *
read_head (sqlite3 *db)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  if (sqlite3_prepare_v2 (db, "SELECT value FROM settings WHERE key = ?1", -1, &stmt, NULL) !=
      SQLITE_OK)
    return NULL;
  tftsr_db_bind_text (stmt, 1, HEAD_KEY);
  return sqlite3_step (stmt) == SQLITE_ROW ? g_strdup (tftsr_db_text (stmt, 0)) : NULL;
}

gboolean
tftsr_audit_verify (TftsrStore *store, guint64 *n_entries, gint64 *first_bad_id, GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autofree char *expected_prev = g_strdup (GENESIS_HASH);
  g_autofree char *head = NULL;
  g_autofree char *tail = NULL;
  gint64 expected_id = 1;
  guint64 count = 0;
  int rc;

  g_return_val_if_fail (TFTSR_IS_STORE (store), FALSE);

  if (first_bad_id != NULL)
    *first_bad_id = 0;
  if ((conn = tftsr_conn_acquire (store, error)) == NULL ||
      (stmt = tftsr_db_prepare (conn->db,
                                "SELECT id, created_at, action, target, detail, prev_hash, hash "
                                "FROM audit_log ORDER BY id",
                                error)) == NULL)
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_autofree char *hash = NULL;

      if (id != expected_id)
        return tampered (error, first_bad_id, id,
                         _ ("the entry before it is missing or the entries were reordered"));
      if (g_strcmp0 (tftsr_db_text (stmt, 5), expected_prev) != 0)
        return tampered (error, first_bad_id, id, _ ("it does not follow the entry before it"));
      hash = entry_hash (expected_prev, id, tftsr_db_text (stmt, 1), tftsr_db_text (stmt, 2),
                         tftsr_db_text (stmt, 3), tftsr_db_text (stmt, 4));
      if (g_strcmp0 (hash, tftsr_db_text (stmt, 6)) != 0)
        return tampered (error, first_bad_id, id, _ ("its content was changed"));
      g_free (expected_prev);
      expected_prev = g_steal_pointer (&hash);
      expected_id++;
      count++;
    }
  if (rc != SQLITE_DONE)
    return tftsr_db_set_error (error, conn->db, rc, _ ("Could not read the audit log"));

  /* Opening a store always records its schema migrations, so an empty log was emptied. */
  if (count == 0)
    return tampered (error, first_bad_id, 0, _ ("all its entries were removed"));
  head = read_head (conn->db);
  tail = g_strdup_printf ("%" G_GINT64_FORMAT " %s", expected_id - 1, expected_prev);
  if (g_strcmp0 (head, tail) != 0)
    return tampered (error, first_bad_id, 0, _ ("its newest entries were removed"));
  if (n_entries != NULL)
    *n_entries = count;
  return TRUE;
}

GPtrArray *
tftsr_audit_list (TftsrStore *store, guint limit, GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GPtrArray) entries =
      g_ptr_array_new_with_free_func ((GDestroyNotify) tftsr_audit_entry_free);
  int rc;

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);

  if ((conn = tftsr_conn_acquire (store, error)) == NULL ||
      (stmt = tftsr_db_prepare (conn->db,
                                "SELECT * FROM (SELECT id, created_at, action, target, detail, "
                                " hash FROM audit_log ORDER BY id DESC LIMIT ?1) ORDER BY id",
                                error)) == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, limit > 0 ? (gint64) limit : -1);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      TftsrAuditEntry *entry = g_new0 (TftsrAuditEntry, 1);

      entry->id = sqlite3_column_int64 (stmt, 0);
      entry->created_at = g_strdup (tftsr_db_text (stmt, 1));
      entry->action = g_strdup (tftsr_db_text (stmt, 2));
      entry->target = g_strdup (tftsr_db_text (stmt, 3));
      entry->detail = g_strdup (tftsr_db_text (stmt, 4));
      entry->hash = g_strdup (tftsr_db_text (stmt, 5));
      g_ptr_array_add (entries, entry);
    }
  if (rc != SQLITE_DONE)
    {
      tftsr_db_set_error (error, conn->db, rc, _ ("Could not read the audit log"));
      return NULL;
    }
  return g_steal_pointer (&entries);
}
