/* test-store.c: opening, keys, migrations, cascades and failing disks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>

#include "tftsr-test-util.h"

static TftsrStore *
open_with (const char *path, const char *secret, GError **error)
{
  g_autoptr (TftsrDbKey) key = tftsr_db_key_new (secret, TFTSR_DB_KEY_SOURCE_EXPLICIT);
  return tftsr_store_open (path, key, error);
}

static guint
count (TftsrStore *store, const char *sql)
{
  g_autofree char *text = tftsr_test_query (store, sql);
  return (guint) g_ascii_strtoull (text != NULL ? text : "0", NULL, 10);
}

static void
test_migrations_from_empty (void)
{
  g_autofree char *path = tftsr_test_db_path ("fresh");
  g_autoptr (TftsrStore) store = NULL;
  guint latest = tftsr_store_get_latest_schema_version ();

  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  store = tftsr_test_open_store (path);
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (latest, >=, 1);
  g_assert_cmpuint (tftsr_store_get_schema_version (store), ==, latest);
  g_assert_cmpuint (count (store, "SELECT count(*) FROM _migrations"), ==, latest);
  /* The tables of this schema exist. */
  for (const char *const *t =
           (const char *const[]){ "issues", "issues_fts", "issue_tags", "timeline_events",
                                  "resolution_steps", "audit_log", "settings", NULL };
       *t != NULL; t++)
    {
      g_autofree char *sql =
          g_strdup_printf ("SELECT count(*) FROM sqlite_master WHERE name = '%s'", *t);
      g_assert_cmpuint (count (store, sql), ==, 1);
    }
  /* Each migration is in the audit log. */
  g_assert_cmpuint (count (store, "SELECT count(*) FROM audit_log WHERE action = 'schema.migrate'"),
                    ==, latest);
}

static void
test_migrations_rerun (void)
{
  g_autofree char *path = tftsr_test_db_path ("rerun");
  g_autoptr (TftsrStore) first = tftsr_test_open_store (path);
  g_autoptr (TftsrIssue) issue = tftsr_test_create (first, "Survives reopening", NULL);
  g_autoptr (TftsrStore) second = NULL;
  g_autoptr (TftsrIssue) again = NULL;
  g_autoptr (GError) error = NULL;

  g_clear_object (&first);
  second = tftsr_test_open_store (path);
  g_assert_cmpuint (count (second, "SELECT count(*) FROM _migrations"), ==,
                    tftsr_store_get_latest_schema_version ());
  again = tftsr_store_get_issue (second, tftsr_issue_get_id (issue), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tftsr_issue_get_title (again), ==, "Survives reopening");
}

static void
test_cipher_settings (void)
{
  g_autoptr (TftsrStore) store = tftsr_test_new_store ();
  g_autofree char *version = tftsr_test_query (store, "PRAGMA cipher_version");
  g_autofree char *page = tftsr_test_query (store, "PRAGMA cipher_page_size");
  g_autofree char *iter = tftsr_test_query (store, "PRAGMA kdf_iter");
  g_autofree char *hmac = tftsr_test_query (store, "PRAGMA cipher_hmac_algorithm");
  g_autofree char *kdf = tftsr_test_query (store, "PRAGMA cipher_kdf_algorithm");
  g_autofree char *journal = tftsr_test_query (store, "PRAGMA journal_mode");
  g_autofree char *fk = tftsr_test_query (store, "PRAGMA foreign_keys");

  g_assert_true (g_str_has_prefix (version, "4."));
  g_assert_cmpstr (page, ==, "4096");
  g_assert_cmpstr (iter, ==, "256000");
  g_assert_cmpstr (hmac, ==, "HMAC_SHA512");
  g_assert_cmpstr (kdf, ==, "PBKDF2_HMAC_SHA512");
  g_assert_cmpstr (journal, ==, "wal");
  g_assert_cmpstr (fk, ==, "1");
}

/* Every connection of the pool, not only the first, enforces foreign keys. */
static void
test_foreign_keys_every_connection (void)
{
  g_autoptr (TftsrStore) store = tftsr_test_new_store ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) conns =
      g_ptr_array_new_with_free_func ((GDestroyNotify) tftsr_conn_release);

  for (guint i = 0; i < 3; i++)
    {
      TftsrConn *conn = tftsr_conn_acquire (store, &error);
      g_autoptr (sqlite3_stmt) stmt = NULL;

      g_assert_no_error (error);
      g_ptr_array_add (conns, conn);
      stmt = tftsr_db_prepare (conn->db, "PRAGMA foreign_keys", &error);
      g_assert_no_error (error);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 1);
    }
  g_assert_true (((TftsrConn *) conns->pdata[0])->db != ((TftsrConn *) conns->pdata[1])->db);
}

static void
test_wrong_key (void)
{
  g_autofree char *path = tftsr_test_db_path ("wrong-key");
  g_autoptr (TftsrStore) store = tftsr_test_open_store (path);
  g_autoptr (TftsrIssue) issue = tftsr_test_create (store, "Secret incident", NULL);
  g_autoptr (GBytes) before = NULL;
  g_autoptr (GBytes) after = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrStore) wrong = NULL;

  g_clear_object (&store);
  before = tftsr_test_read_file (path);
  wrong = open_with (path, "x'ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100'",
                     &error);
  g_assert_null (wrong);
  g_assert_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_WRONG_KEY);
  g_assert_nonnull (strstr (error->message, "key is wrong"));
  after = tftsr_test_read_file (path);
  g_assert_true (g_bytes_equal (before, after));

  /* The same with a passphrase: a wrong key never starts a new database. */
  g_clear_error (&error);
  g_assert_null (open_with (path, "not the passphrase", &error));
  g_assert_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_WRONG_KEY);
  g_clear_pointer (&after, g_bytes_unref);
  after = tftsr_test_read_file (path);
  g_assert_true (g_bytes_equal (before, after));
}

/* A passphrase goes through PBKDF2 (256,000 iterations) and opens again. */
static void
test_passphrase (void)
{
  g_autofree char *path = tftsr_test_db_path ("passphrase");
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrStore) store = open_with (path, "correct horse battery staple", &error);
  g_autoptr (TftsrIssue) issue = NULL;
  g_autoptr (TftsrIssue) found = NULL;

  g_assert_no_error (error);
  issue = tftsr_test_create (store, "Behind a passphrase", NULL);
  g_clear_object (&store);
  store = open_with (path, "correct horse battery staple", &error);
  g_assert_no_error (error);
  found = tftsr_store_get_issue (store, tftsr_issue_get_id (issue), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tftsr_issue_get_title (found), ==, "Behind a passphrase");
}

static void
test_plain_sqlite_refused (void)
{
  g_autofree char *path = tftsr_test_db_path ("plain");
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) before = NULL;
  g_autoptr (GBytes) after = NULL;
  sqlite3 *db = NULL;

  /* SQLCipher without a key writes an ordinary SQLite file. */
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (
      sqlite3_exec (db, "CREATE TABLE t (x); INSERT INTO t VALUES (1)", NULL, NULL, NULL), ==,
      SQLITE_OK);
  sqlite3_close (db);
  before = tftsr_test_read_file (path);
  g_assert_null (open_with (path, TFTSR_TEST_KEY, &error));
  g_assert_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_NOT_ENCRYPTED);
  after = tftsr_test_read_file (path);
  g_assert_true (g_bytes_equal (before, after));
}

static void
test_not_a_database (void)
{
  g_autofree char *path = tftsr_test_db_path ("junk");
  g_autoptr (GError) error = NULL;

  g_assert_true (g_file_set_contents (path, "this is a text file, not a database\n", -1, NULL));
  g_assert_null (open_with (path, TFTSR_TEST_KEY, &error));
  g_assert_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_WRONG_KEY);
}

static void
test_newer_schema_refused (void)
{
  g_autofree char *path = tftsr_test_db_path ("newer");
  g_autoptr (TftsrStore) store = tftsr_test_open_store (path);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) before = NULL;
  g_autoptr (GBytes) after = NULL;
  g_autofree char *unused =
      tftsr_test_query (store, "INSERT INTO _migrations (version, name, applied_at) "
                               "VALUES (9999, '9999-future.sql', '2030-01-01T00:00:00.000Z')");

  g_clear_object (&store);
  before = tftsr_test_read_file (path);
  g_assert_null (open_with (path, TFTSR_TEST_KEY, &error));
  g_assert_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_TOO_NEW);
  g_assert_nonnull (strstr (error->message, "newer version"));
  after = tftsr_test_read_file (path);
  g_assert_true (g_bytes_equal (before, after));
}

static void
test_cascades (void)
{
  g_autoptr (TftsrStore) store = tftsr_test_new_store ();
  g_autoptr (TftsrIssue) issue = tftsr_test_create (store, "Cascade me", "with a description");
  g_autoptr (TftsrIssue) other = tftsr_test_create (store, "Keep me", NULL);
  g_autoptr (TftsrIssue) updated = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *sql = NULL;
  gint64 id = tftsr_issue_get_id (issue);
  const char *tags[] = { "db", "prod", NULL };

  tftsr_issue_set_tags (issue, tags);
  tftsr_issue_set_status (issue, TFTSR_STATUS_INVESTIGATING);
  updated = tftsr_store_update_issue (store, issue, &error);
  g_assert_no_error (error);
  sql = g_strdup_printf ("INSERT INTO resolution_steps (issue_id, step_order, why_question) "
                         "VALUES (%" G_GINT64_FORMAT ", 1, 'Why?')",
                         id);
  g_free (tftsr_test_query (store, sql));
  g_free (sql);
  sql = g_strdup_printf ("SELECT count(*) FROM timeline_events WHERE issue_id = %" G_GINT64_FORMAT,
                         id);
  g_assert_cmpuint (count (store, sql), >=, 1);

  g_assert_true (tftsr_store_delete_issue (store, id, &error));
  g_assert_no_error (error);
  g_assert_true (tftsr_store_purge_issue (store, id, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (count (store, sql), ==, 0);
  g_free (sql);
  sql = g_strdup_printf ("SELECT count(*) FROM resolution_steps WHERE issue_id = %" G_GINT64_FORMAT,
                         id);
  g_assert_cmpuint (count (store, sql), ==, 0);
  g_free (sql);
  sql = g_strdup_printf ("SELECT count(*) FROM issue_tags WHERE issue_id = %" G_GINT64_FORMAT, id);
  g_assert_cmpuint (count (store, sql), ==, 0);
  /* The full-text index no longer knows the incident's words and matches its content. */
  g_assert_cmpuint (
      count (store, "SELECT count(*) FROM issues_fts WHERE issues_fts MATCH 'cascade'"), ==, 0);
  g_assert_cmpuint (count (store, "SELECT count(*) FROM issues_fts WHERE issues_fts MATCH 'keep'"),
                    ==, 1);
  g_free (tftsr_test_query (store, "INSERT INTO issues_fts (issues_fts, rank) "
                                   "VALUES ('integrity-check', 1)"));
  /* The other incident and the audit log are untouched. */
  g_assert_cmpuint (count (store, "SELECT count(*) FROM issues"), ==, 1);
  g_assert_cmpuint (count (store, "SELECT count(*) FROM audit_log WHERE action = 'issue.purge'"),
                    ==, 1);
}

static void
test_read_only (void)
{
  g_autoptr (TftsrStore) store = tftsr_test_new_store ();
  g_autoptr (TftsrIssue) kept = tftsr_test_create (store, "Before read-only", NULL);
  g_autoptr (TftsrIssue) draft = tftsr_issue_new ("Must not appear");
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrIssue) created = NULL;

  /* The pool has one idle connection; make it refuse writes, as a read-only file does. */
  g_free (tftsr_test_query (store, "PRAGMA query_only = ON"));
  created = tftsr_store_create_issue (store, draft, &error);
  g_assert_null (created);
  g_assert_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_READ_ONLY);
  g_assert_nonnull (strstr (error->message, "read-only"));
  g_free (tftsr_test_query (store, "PRAGMA query_only = OFF"));
  g_assert_cmpuint (count (store, "SELECT count(*) FROM issues"), ==, 1);
  g_assert_cmpuint (
      count (store, "SELECT count(*) FROM issues_fts WHERE issues_fts MATCH 'appear'"), ==, 0);
}

static void
test_disk_full (void)
{
  g_autoptr (TftsrStore) store = tftsr_test_new_store ();
  g_autoptr (TftsrIssue) kept = tftsr_test_create (store, "Before the disk filled", NULL);
  g_autoptr (TftsrIssue) draft = tftsr_issue_new ("Too big for the disk");
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrIssue) created = NULL;
  g_autofree char *pages = tftsr_test_query (store, "PRAGMA page_count");
  g_autofree char *limit = g_strdup_printf ("PRAGMA max_page_count = %s", pages);
  g_autofree char *big = g_strnfill (2 * 1024 * 1024, 'x');
  guint audit_before = count (store, "SELECT count(*) FROM audit_log");

  /* Capping the file at its current size behaves like a full disk (SQLITE_FULL). */
  g_free (tftsr_test_query (store, limit));
  tftsr_issue_set_description (draft, big);
  created = tftsr_store_create_issue (store, draft, &error);
  g_assert_null (created);
  g_assert_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_FULL);
  g_assert_nonnull (strstr (error->message, "disk is full"));
  g_assert_cmpuint (count (store, "SELECT count(*) FROM issues"), ==, 1);
  g_assert_cmpuint (count (store, "SELECT count(*) FROM timeline_events"), ==, 1);
  g_assert_cmpuint (count (store, "SELECT count(*) FROM audit_log"), ==, audit_before);
  g_free (tftsr_test_query (store, "INSERT INTO issues_fts (issues_fts, rank) "
                                   "VALUES ('integrity-check', 1)"));
}

/* A store opened in a folder that cannot be created reports why. */
static void
test_unwritable_location (void)
{
  g_autofree char *blocker = g_build_filename (tftsr_test_dir (), "a-file", NULL);
  g_autofree char *path = g_build_filename (blocker, "sub", "tftsr.db", NULL);
  g_autoptr (GError) error = NULL;

  g_assert_true (g_file_set_contents (blocker, "", 0, NULL));
  g_assert_null (open_with (path, TFTSR_TEST_KEY, &error));
  g_assert_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "Could not create the folder"));
}

static void
test_trash_expiry_on_open (void)
{
  g_autofree char *path = tftsr_test_db_path ("expiry");
  g_autoptr (TftsrStore) store = tftsr_test_open_store (path);
  g_autoptr (TftsrIssue) old = tftsr_test_create (store, "Trashed long ago", NULL);
  g_autoptr (TftsrIssue) recent = tftsr_test_create (store, "Trashed just now", NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *sql = NULL;

  g_assert_true (tftsr_store_delete_issue (store, tftsr_issue_get_id (old), &error));
  g_assert_true (tftsr_store_delete_issue (store, tftsr_issue_get_id (recent), &error));
  g_assert_no_error (error);
  sql = g_strdup_printf (
      "UPDATE issues SET deleted_at = '2020-01-01T00:00:00.000Z' WHERE id = %" G_GINT64_FORMAT,
      tftsr_issue_get_id (old));
  g_free (tftsr_test_query (store, sql));
  g_clear_object (&store);

  store = tftsr_test_open_store (path);
  g_assert_cmpuint (count (store, "SELECT count(*) FROM issues"), ==, 1);
  g_assert_true (tftsr_store_restore_issue (store, tftsr_issue_get_id (recent), &error));
  g_assert_no_error (error);
}

int
main (int argc, char **argv)
{
  tftsr_test_init (&argc, &argv);
  g_test_add_func ("/store/migrations/from-empty", test_migrations_from_empty);
  g_test_add_func ("/store/migrations/rerun", test_migrations_rerun);
  g_test_add_func ("/store/migrations/newer-schema-refused", test_newer_schema_refused);
  g_test_add_func ("/store/cipher/settings", test_cipher_settings);
  g_test_add_func ("/store/cipher/foreign-keys-every-connection",
                   test_foreign_keys_every_connection);
  g_test_add_func ("/store/cipher/wrong-key", test_wrong_key);
  g_test_add_func ("/store/cipher/passphrase", test_passphrase);
  g_test_add_func ("/store/cipher/plain-sqlite-refused", test_plain_sqlite_refused);
  g_test_add_func ("/store/cipher/not-a-database", test_not_a_database);
  g_test_add_func ("/store/cascades", test_cascades);
  g_test_add_func ("/store/failures/read-only", test_read_only);
  g_test_add_func ("/store/failures/disk-full", test_disk_full);
  g_test_add_func ("/store/failures/unwritable-location", test_unwritable_location);
  g_test_add_func ("/store/trash-expiry-on-open", test_trash_expiry_on_open);
  return g_test_run ();
}
