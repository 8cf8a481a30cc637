/* tftsr-store-migrations.c: applies the embedded migrations/NNNN-*.sql in order
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>
#include <stdlib.h>

#include "tftsr-core-resources.h"
#include "tftsr-store-private.h"

#define MIGRATIONS_PATH TFTSR_RESOURCE_PATH "/migrations/"

typedef struct
{
  guint version;
  char *name;
} Migration;

static void
migration_clear (Migration *m)
{
  g_free (m->name);
}

static gint
compare_migrations (gconstpointer a, gconstpointer b)
{
  const Migration *ma = a, *mb = b;
  return (ma->version > mb->version) - (ma->version < mb->version);
}

/* Every "NNNN-what.sql" in the resource bundle, sorted by NNNN. */
static GArray *
list_migrations (void)
{
  g_auto (GStrv) names =
      g_resource_enumerate_children (tftsr_core_get_resource (), MIGRATIONS_PATH, 0, NULL);
  GArray *out = g_array_new (FALSE, FALSE, sizeof (Migration));

  g_array_set_clear_func (out, (GDestroyNotify) migration_clear);
  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    {
      char *end = NULL;
      guint64 version = g_ascii_strtoull (names[i], &end, 10);
      Migration m;

      if (version == 0 || end == names[i] || *end != '-' || !g_str_has_suffix (names[i], ".sql"))
        continue;
      m.version = (guint) version;
      m.name = g_strdup (names[i]);
      g_array_append_val (out, m);
    }
  g_array_sort (out, compare_migrations);
  return out;
}

guint
tftsr_store_get_latest_schema_version (void)
{
  g_autoptr (GArray) all = list_migrations ();
  return all->len > 0 ? g_array_index (all, Migration, all->len - 1).version : 0;
}

static gint64
applied_version (sqlite3 *db, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = tftsr_db_prepare (db, "SELECT coalesce(max(version), 0) FROM _migrations", error);
  if (stmt == NULL)
    return -1;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      tftsr_db_set_error (error, db, SQLITE_OK, _ ("Could not read the schema version"));
      return -1;
    }
  return sqlite3_column_int64 (stmt, 0);
}

static gboolean
has_migrations_table (sqlite3 *db)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  if (sqlite3_prepare_v2 (
          db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_migrations'", -1,
          &stmt, NULL) != SQLITE_OK)
    return FALSE;
  return sqlite3_step (stmt) == SQLITE_ROW;
}

static gboolean
record_migration (sqlite3 *db, const Migration *m, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autofree char *detail = NULL;

  stmt = tftsr_db_prepare (db,
                           "INSERT INTO _migrations (version, name, applied_at) "
                           "VALUES (?1, ?2, " TFTSR_SQL_NOW ")",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, m->version);
  tftsr_db_bind_text (stmt, 2, m->name);
  if (!tftsr_db_step_done (stmt, _ ("Could not record the schema version"), error))
    return FALSE;
  detail = g_strdup_printf ("{\"version\":%u}", m->version);
  return tftsr_audit_append_in_transaction (db, "schema.migrate", m->name, detail, error);
}

/* Applies one migration in its own transaction, unless another process already did. */
static gboolean
apply_migration (sqlite3 *db, const Migration *m, GError **error)
{
  g_autofree char *path = g_strconcat (MIGRATIONS_PATH, m->name, NULL);
  g_autoptr (GBytes) sql = NULL;
  g_autofree char *context = NULL;
  gint64 current;

  sql = g_resource_lookup_data (tftsr_core_get_resource (), path, 0, error);
  if (sql == NULL)
    return FALSE;
  if (!tftsr_db_begin (db, error))
    return FALSE;
  current = applied_version (db, error);
  if (current < 0)
    goto fail;
  if (current >= m->version)
    return tftsr_db_commit (db, error);

  context = g_strdup_printf (_ ("Could not update the database schema (%s)"), m->name);
  if (!tftsr_db_exec (db, g_bytes_get_data (sql, NULL), context, error) ||
      !record_migration (db, m, error))
    goto fail;
  return tftsr_db_commit (db, error);

fail:
  tftsr_db_rollback (db);
  return FALSE;
}

gboolean
tftsr_store_migrate (sqlite3 *db, guint *version, GError **error)
{
  g_autoptr (GArray) all = list_migrations ();
  guint latest = all->len > 0 ? g_array_index (all, Migration, all->len - 1).version : 0;
  gint64 current = 0;

  if (has_migrations_table (db) && (current = applied_version (db, error)) < 0)
    return FALSE;
  if (current > latest)
    {
      g_set_error (
          error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_TOO_NEW,
          _ ("This database was written by a newer version of tftsr (schema %" G_GINT64_FORMAT
             "; this version knows up to %u). Update tftsr to open it; the file was "
             "left unchanged."),
          current, latest);
      return FALSE;
    }
  if (current < latest && !tftsr_db_exec (db,
                                          "CREATE TABLE IF NOT EXISTS _migrations ("
                                          " version INTEGER PRIMARY KEY,"
                                          " name TEXT NOT NULL,"
                                          " applied_at TEXT NOT NULL)",
                                          _ ("Could not prepare the database schema"), error))
    return FALSE;

  for (guint i = 0; i < all->len; i++)
    {
      const Migration *m = &g_array_index (all, Migration, i);
      if (m->version > current && !apply_migration (db, m, error))
        return FALSE;
    }
  *version = latest;
  return TRUE;
}
