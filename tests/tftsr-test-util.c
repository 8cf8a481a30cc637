/* tftsr-test-util.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <stdlib.h>

#include "tftsr-test-util.h"

static char *test_dir;

static gboolean
remove_tree (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    while ((name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *child = g_build_filename (path, name, NULL);
        if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
          remove_tree (child);
        else
          g_unlink (child);
      }
  return g_rmdir (path) == 0;
}

static void
cleanup (void)
{
  if (test_dir != NULL && g_getenv ("TFTSR_TEST_KEEP") == NULL)
    remove_tree (test_dir);
}

void
tftsr_test_init (int *argc, char ***argv)
{
  g_autofree char *data = NULL;
  g_autofree char *config = NULL;
  g_autofree char *cache = NULL;
  g_autofree char *db = NULL;

  g_test_init (argc, argv, NULL);
  test_dir = g_dir_make_tmp ("tftsr-test-XXXXXX", NULL);
  g_assert_nonnull (test_dir);
  data = g_build_filename (test_dir, "data", NULL);
  config = g_build_filename (test_dir, "config", NULL);
  cache = g_build_filename (test_dir, "cache", NULL);
  db = g_build_filename (data, "tftsr", "tftsr.db", NULL);
  g_setenv ("XDG_DATA_HOME", data, TRUE);
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  g_setenv ("TFTSR_DB", db, TRUE);
  g_setenv ("TFTSR_DB_KEY", TFTSR_TEST_KEY, TRUE);
  atexit (cleanup);
}

const char *
tftsr_test_dir (void)
{
  return test_dir;
}

char *
tftsr_test_db_path (const char *name)
{
  static guint counter;
  g_autofree char *file = g_strdup_printf ("%s-%u.db", name, ++counter);
  return g_build_filename (test_dir, file, NULL);
}

TftsrStore *
tftsr_test_open_store (const char *path)
{
  g_autoptr (TftsrDbKey) key = tftsr_db_key_new (TFTSR_TEST_KEY, TFTSR_DB_KEY_SOURCE_EXPLICIT);
  g_autoptr (GError) error = NULL;
  TftsrStore *store = tftsr_store_open (path, key, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  return store;
}

TftsrStore *
tftsr_test_new_store (void)
{
  g_autofree char *path = tftsr_test_db_path ("store");
  return tftsr_test_open_store (path);
}

char *
tftsr_test_query (TftsrStore *store, const char *sql)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrConn) conn = tftsr_conn_acquire (store, &error);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  g_assert_no_error (error);
  stmt = tftsr_db_prepare (conn->db, sql, &error);
  g_assert_no_error (error);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    g_error ("%s: %s", sql, sqlite3_errmsg (conn->db));
  if (rc == SQLITE_DONE || sqlite3_column_type (stmt, 0) == SQLITE_NULL)
    return NULL;
  return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
}

static gboolean
timed_out (gpointer user_data)
{
  g_error ("timed out waiting for an asynchronous result");
  return G_SOURCE_REMOVE;
}

void
tftsr_test_iterate_until (GSourceFunc done, gpointer data)
{
  guint timeout = g_timeout_add_seconds (30, timed_out, NULL);

  while (!done (data))
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timeout);
}

GBytes *
tftsr_test_read_file (const char *path)
{
  g_autoptr (GError) error = NULL;
  char *contents = NULL;
  gsize len = 0;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, len);
}

TftsrIssue *
tftsr_test_create (TftsrStore *store, const char *title, const char *description)
{
  g_autoptr (TftsrIssue) draft = tftsr_issue_new (title);
  g_autoptr (GError) error = NULL;
  TftsrIssue *issue;

  if (description != NULL)
    tftsr_issue_set_description (draft, description);
  issue = tftsr_store_create_issue (store, draft, &error);
  g_assert_no_error (error);
  g_assert_nonnull (issue);
  return issue;
}

GSocket *
tftsr_test_refusing_socket (guint *port)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr (GSocketAddress) bound = NULL;
  GSocket *socket =
      g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);

  g_assert_no_error (error);
  g_socket_bind (socket, any, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  *port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  return socket;
}
