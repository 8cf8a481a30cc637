/* fuzz-log-ingest.c: any bytes, gzip-looking or not, ingest without a crash; a stored log
 * reads back as exactly the text that went in, and a refused one leaves nothing behind
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdlib.h>
#include <zlib.h>

#include "tftsr-store-private.h"
#include "tftsr.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static TftsrStore *store;
static TftsrPiiScanner *scanner;
static gint64 issue_id;

static void
setup (void)
{
  g_autofree char *dir = g_dir_make_tmp ("fuzz-log-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "fuzz.db", NULL);
  g_autoptr (TftsrDbKey) key =
      tftsr_db_key_new ("x'00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff'",
                        TFTSR_DB_KEY_SOURCE_EXPLICIT);
  g_autoptr (TftsrIssue) draft = tftsr_issue_new ("fuzz");
  g_autoptr (TftsrIssue) issue = NULL;

  store = tftsr_store_open (path, key, NULL);
  issue = tftsr_store_create_issue (store, draft, NULL);
  if (store == NULL || issue == NULL)
    abort ();
  issue_id = tftsr_issue_get_id (issue);
  scanner = tftsr_pii_scanner_new ();
}

/* What the text should be: the input, or its gzip members inflated. */
static GBytes *
expected_text (const guint8 *data, size_t size)
{
  return size >= 2 && data[0] == 0x1f && data[1] == 0x8b ? NULL : g_bytes_new (data, size);
}

static guint
rows (const char *table)
{
  g_autoptr (TftsrConn) conn = tftsr_conn_acquire (store, NULL);
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s", table);
  g_autoptr (sqlite3_stmt) stmt = tftsr_db_prepare (conn->db, sql, NULL);

  sqlite3_step (stmt);
  return (guint) sqlite3_column_int (stmt, 0);
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autoptr (GInputStream) in = g_memory_input_stream_new_from_data (data, size, NULL);
  g_autoptr (GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr (TftsrLogFile) log = NULL;
  g_autoptr (GBytes) expected = expected_text (data, size);
  g_autoptr (GBytes) back = NULL;

  if (store == NULL)
    setup ();
  log =
      tftsr_store_add_log (store, issue_id, in, "fuzz.log", size, scanner, NULL, NULL, NULL, NULL);
  if (log == NULL)
    {
      if (expected != NULL || rows ("log_files") != 0 || rows ("log_chunks") != 0)
        abort ();
      return 0;
    }
  if (!tftsr_store_write_log (store, tftsr_log_file_get_id (log), FALSE, out, NULL, NULL))
    abort ();
  g_output_stream_close (out, NULL, NULL);
  back = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
  if (expected != NULL && !g_bytes_equal (expected, back))
    abort ();
  if (g_bytes_get_size (back) != tftsr_log_file_get_size (log))
    abort ();
  tftsr_store_delete_log (store, tftsr_log_file_get_id (log), NULL);
  return 0;
}
