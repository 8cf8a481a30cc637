/* fuzz-fts-query.c: no input makes the FTS5 expression built from it fail in SQLite
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

#include "tftsr-fts-query.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static sqlite3_stmt *
match_statement (void)
{
  static sqlite3_stmt *stmt;
  sqlite3 *db;

  if (stmt != NULL)
    return stmt;
  if (sqlite3_open (":memory:", &db) != SQLITE_OK ||
      sqlite3_exec (db,
                    "CREATE VIRTUAL TABLE f USING fts5 (title, description, tags,"
                    " tokenize = 'unicode61 remove_diacritics 2');"
                    "INSERT INTO f VALUES ('Checkout 502', 'O\"Brien''s db-01.prod', 'eu prod');",
                    NULL, NULL, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (db, "SELECT rowid FROM f WHERE f MATCH ?1 ORDER BY rank", -1, &stmt,
                          NULL) != SQLITE_OK)
    abort ();
  return stmt;
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autofree char *expression = tftsr_fts_query_build (text);
  sqlite3_stmt *stmt = match_statement ();
  int rc;

  if (expression == NULL)
    return 0;
  if (!g_utf8_validate (expression, -1, NULL))
    abort ();
  sqlite3_reset (stmt);
  sqlite3_bind_text (stmt, 1, expression, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    ;
  if (rc != SQLITE_DONE)
    {
      fprintf (stderr, "FTS5 rejected %s: %s\n", expression,
               sqlite3_errmsg (sqlite3_db_handle (stmt)));
      abort ();
    }
  return 0;
}
