/* tftsr-pii-values.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>
#include <string.h>

#include "tftsr-pii-values.h"

/* Entries kept in memory; beyond that the cache starts over (the database answers). */
#define CACHE_MAX 65536

typedef struct
{
  gint64 id;
  gint64 token_index;
} Known;

struct _TftsrPiiValues
{
  sqlite3 *db;
  gint64 issue_id;
  GHashTable *cache; /* GBytes (type NUL value) -> Known */
  GArray *created;   /* gint64 ids inserted by this object */
  sqlite3_stmt *find;
  sqlite3_stmt *next;
  sqlite3_stmt *insert;
  sqlite3_stmt *released; /* prepared on first use */
};

void
tftsr_pii_values_free (TftsrPiiValues *values)
{
  if (values == NULL)
    return;
  g_hash_table_unref (values->cache);
  g_array_unref (values->created);
  sqlite3_finalize (values->find);
  sqlite3_finalize (values->next);
  sqlite3_finalize (values->insert);
  sqlite3_finalize (values->released);
  g_free (values);
}

TftsrPiiValues *
tftsr_pii_values_new (sqlite3 *db, gint64 issue_id, GError **error)
{
  g_autoptr (TftsrPiiValues) values = g_new0 (TftsrPiiValues, 1);

  values->db = db;
  values->issue_id = issue_id;
  values->cache =
      g_hash_table_new_full (g_bytes_hash, g_bytes_equal, (GDestroyNotify) g_bytes_unref, g_free);
  values->created = g_array_new (FALSE, FALSE, sizeof (gint64));
  if ((values->find = tftsr_db_prepare (db,
                                        "SELECT id, token_index FROM pii_values "
                                        "WHERE issue_id = ?1 AND type = ?2 AND value = ?3",
                                        error)) == NULL ||
      (values->next = tftsr_db_prepare (db,
                                        "SELECT coalesce(max(token_index), 0) + 1 FROM "
                                        "pii_values WHERE issue_id = ?1 AND type = ?2",
                                        error)) == NULL ||
      (values->insert = tftsr_db_prepare (db,
                                          "INSERT INTO pii_values (issue_id, type, value, "
                                          " token_index) VALUES (?1, ?2, ?3, ?4)",
                                          error)) == NULL)
    return NULL;
  return g_steal_pointer (&values);
}

static GBytes *
cache_key (const char *type_name, const guint8 *value, gsize len)
{
  gsize type_len = strlen (type_name) + 1;
  guint8 *key = g_malloc (type_len + len);

  memcpy (key, type_name, type_len);
  memcpy (key + type_len, value, len);
  return g_bytes_new_take (key, type_len + len);
}

static gint64
find (TftsrPiiValues *values, const char *type_name, const guint8 *value, gsize len,
      gint64 *token_index, GError **error)
{
  int rc;

  sqlite3_reset (values->find);
  sqlite3_bind_int64 (values->find, 1, values->issue_id);
  sqlite3_bind_text (values->find, 2, type_name, -1, SQLITE_STATIC);
  sqlite3_bind_blob (values->find, 3, value, (int) len, SQLITE_STATIC);
  rc = sqlite3_step (values->find);
  if (rc == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (values->find, 0);

      *token_index = sqlite3_column_int64 (values->find, 1);
      /* A statement left on its row would keep a read snapshot open past COMMIT, and the
       * next BEGIN IMMEDIATE would fail once another connection has written. */
      sqlite3_reset (values->find);
      return id;
    }
  if (rc != SQLITE_DONE)
    tftsr_db_set_error (error, values->db, rc, _ ("Could not look up a detected value"));
  return 0;
}

static gint64
insert (TftsrPiiValues *values, const char *type_name, const guint8 *value, gsize len,
        gint64 *token_index, GError **error)
{
  gint64 id;
  int rc;

  /* The next number is asked of the database inside the caller's transaction rather than
   * counted here: an ingest or a re-scan of the same incident on another connection may
   * have numbered values meanwhile. A re-scan keeps the rows of values no span refers to
   * any more, so their numbers are never given to another value. */
  sqlite3_reset (values->next);
  sqlite3_bind_int64 (values->next, 1, values->issue_id);
  sqlite3_bind_text (values->next, 2, type_name, -1, SQLITE_STATIC);
  if ((rc = sqlite3_step (values->next)) != SQLITE_ROW)
    {
      tftsr_db_set_error (error, values->db, rc, _ ("Could not store a detected value"));
      return 0;
    }
  *token_index = sqlite3_column_int64 (values->next, 0);
  sqlite3_reset (values->next);
  sqlite3_reset (values->insert);
  sqlite3_bind_int64 (values->insert, 1, values->issue_id);
  sqlite3_bind_text (values->insert, 2, type_name, -1, SQLITE_STATIC);
  sqlite3_bind_blob (values->insert, 3, value, (int) len, SQLITE_STATIC);
  sqlite3_bind_int64 (values->insert, 4, *token_index);
  if (!tftsr_db_step_done (values->insert, _ ("Could not store a detected value"), error))
    return 0;
  id = sqlite3_last_insert_rowid (values->db);
  g_array_append_val (values->created, id);
  return id;
}

gint64
tftsr_pii_values_intern (TftsrPiiValues *values, const char *type_name, const guint8 *value,
                         gsize len, gint64 *token_index, GError **error)
{
  g_autoptr (GBytes) key = cache_key (type_name, value, len);
  Known *known = g_hash_table_lookup (values->cache, key);
  Known found = { 0, 0 };

  if (known == NULL)
    {
      found.id = find (values, type_name, value, len, &found.token_index, error);
      if (found.id == 0 && (error == NULL || *error == NULL))
        found.id = insert (values, type_name, value, len, &found.token_index, error);
      if (found.id == 0)
        return 0;
      if (g_hash_table_size (values->cache) >= CACHE_MAX)
        g_hash_table_remove_all (values->cache);
      known = g_memdup2 (&found, sizeof found);
      g_hash_table_insert (values->cache, g_steal_pointer (&key), known);
    }
  if (token_index != NULL)
    *token_index = known->token_index;
  return known->id;
}

void
tftsr_pii_values_forget_new (TftsrPiiValues *values)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  if (values->created->len == 0 ||
      sqlite3_prepare_v2 (values->db,
                          "DELETE FROM pii_values WHERE id = ?1 AND NOT EXISTS "
                          "(SELECT 1 FROM pii_spans WHERE value_id = ?1)",
                          -1, &stmt, NULL) != SQLITE_OK)
    return;
  for (guint i = 0; i < values->created->len; i++)
    {
      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, g_array_index (values->created, gint64, i));
      sqlite3_step (stmt);
    }
}

char *
tftsr_pii_type_name_for_span (TftsrPiiScanner *scanner, const TftsrPiiSpan *span)
{
  GString *name;

  if (span->type != TFTSR_PII_CUSTOM)
    return g_strdup (tftsr_pii_type_to_string (span->type));
  name = g_string_new ("CUSTOM_");
  for (const char *p = tftsr_pii_scanner_get_pattern_name (scanner, span->custom); *p; p++)
    g_string_append_c (name, g_ascii_isalnum (*p) ? g_ascii_toupper (*p) : '_');
  return g_string_free (name, FALSE);
}

gboolean
tftsr_pii_values_released (TftsrPiiValues *values, gint64 value_id)
{
  gboolean released;

  if (values->released == NULL &&
      (values->released = tftsr_db_prepare (values->db,
                                            "SELECT v.released OR coalesce(d.released, 0) "
                                            "FROM pii_values v LEFT JOIN pii_type_decisions d "
                                            " ON d.issue_id = v.issue_id AND d.type = v.type "
                                            "WHERE v.id = ?1",
                                            NULL)) == NULL)
    return FALSE;
  sqlite3_reset (values->released);
  sqlite3_bind_int64 (values->released, 1, value_id);
  released = sqlite3_step (values->released) == SQLITE_ROW &&
             sqlite3_column_int (values->released, 0) != 0;
  sqlite3_reset (values->released);
  return released;
}
