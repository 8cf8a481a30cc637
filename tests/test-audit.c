/* test-audit.c: the hash chain catches edited, removed and reordered entries
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "tftsr-test-util.h"

/* A store with the migration entries plus five of its own. */
static TftsrStore *
store_with_entries (void)
{
  TftsrStore *store = tftsr_test_new_store ();
  g_autoptr (GError) error = NULL;

  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *target = g_strdup_printf ("https://example.invalid/%u", i);
      g_assert_true (tftsr_audit_append (store, "egress.send", target,
                                         "{\"sha256\":\"00ff\",\"bytes\":42}", &error));
      g_assert_no_error (error);
    }
  return store;
}

/* What someone holding the key could do: drop the append-only triggers and write. */
static void
tamper (TftsrStore *store, const char *sql)
{
  g_free (tftsr_test_query (store, "DROP TRIGGER audit_log_no_update"));
  g_free (tftsr_test_query (store, "DROP TRIGGER audit_log_no_delete"));
  g_free (tftsr_test_query (store, sql));
}

static gint64
verify_fails (TftsrStore *store)
{
  g_autoptr (GError) error = NULL;
  gint64 bad = -1;

  g_assert_false (tftsr_audit_verify (store, NULL, &bad, &error));
  g_assert_error (error, TFTSR_AUDIT_ERROR, TFTSR_AUDIT_ERROR_TAMPERED);
  if (bad > 0)
    {
      g_autofree char *named = g_strdup_printf ("entry %" G_GINT64_FORMAT, bad);
      g_assert_nonnull (strstr (error->message, named));
    }
  return bad;
}

static gint64
migration_entries (TftsrStore *store)
{
  g_autofree char *n = tftsr_test_query (store, "SELECT count(*) FROM _migrations");
  return g_ascii_strtoll (n, NULL, 10);
}

static void
test_intact (void)
{
  g_autoptr (TftsrStore) store = store_with_entries ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  guint64 n = 0;
  gint64 bad = -1;

  g_assert_true (tftsr_audit_verify (store, &n, &bad, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, migration_entries (store) + 5);
  g_assert_cmpint (bad, ==, 0);

  entries = tftsr_audit_list (store, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 2);
  g_assert_cmpstr (((TftsrAuditEntry *) entries->pdata[1])->target, ==,
                   "https://example.invalid/4");
  g_assert_cmpuint (strlen (((TftsrAuditEntry *) entries->pdata[1])->hash), ==, 64);
}

static void
test_append_only (void)
{
  g_autoptr (TftsrStore) store = store_with_entries ();
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrConn) conn = tftsr_conn_acquire (store, &error);

  g_assert_false (tftsr_db_exec (conn->db, "UPDATE audit_log SET action = 'x'", "update", &error));
  g_assert_nonnull (strstr (error->message, "append-only"));
  g_clear_error (&error);
  g_assert_false (tftsr_db_exec (conn->db, "DELETE FROM audit_log", "delete", &error));
  g_assert_nonnull (strstr (error->message, "append-only"));
}

static void
test_edited (void)
{
  g_autoptr (TftsrStore) store = store_with_entries ();
  gint64 target = migration_entries (store) + 3;
  g_autofree char *sql =
      g_strdup_printf ("UPDATE audit_log SET detail = '{\"sha256\":\"00ff\",\"bytes\":43}' WHERE "
                       "id = %" G_GINT64_FORMAT,
                       target);

  tamper (store, sql);
  g_assert_cmpint (verify_fails (store), ==, target);
}

static void
test_edited_with_recomputed_hash_breaks_next (void)
{
  g_autoptr (TftsrStore) store = store_with_entries ();
  gint64 target = migration_entries (store) + 2;
  g_autofree char *sql = g_strdup_printf (
      "UPDATE audit_log SET hash = '%064d' WHERE id = %" G_GINT64_FORMAT, 7, target);

  /* Changing only the stored hash: that entry no longer matches its content. */
  tamper (store, sql);
  g_assert_cmpint (verify_fails (store), ==, target);
}

static void
test_removed (void)
{
  g_autoptr (TftsrStore) store = store_with_entries ();
  gint64 target = migration_entries (store) + 2;
  g_autofree char *sql =
      g_strdup_printf ("DELETE FROM audit_log WHERE id = %" G_GINT64_FORMAT, target);

  tamper (store, sql);
  /* The entry after the gap is the first that no longer checks out. */
  g_assert_cmpint (verify_fails (store), ==, target + 1);
}

static void
test_reordered (void)
{
  g_autoptr (TftsrStore) store = store_with_entries ();
  gint64 a = migration_entries (store) + 2;
  g_autofree char *sql = g_strdup_printf (
      "UPDATE audit_log SET id = -1 WHERE id = %" G_GINT64_FORMAT ";"
      "UPDATE audit_log SET id = %" G_GINT64_FORMAT " WHERE id = %" G_GINT64_FORMAT ";"
      "UPDATE audit_log SET id = %" G_GINT64_FORMAT " WHERE id = -1",
      a, a, a + 1, a + 1);
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrConn) conn = NULL;

  g_free (tftsr_test_query (store, "DROP TRIGGER audit_log_no_update"));
  conn = tftsr_conn_acquire (store, &error);
  g_assert_true (tftsr_db_exec (conn->db, sql, "swap", &error));
  g_clear_pointer (&conn, tftsr_conn_release);
  g_assert_cmpint (verify_fails (store), ==, a);
}

static void
test_newest_removed (void)
{
  g_autoptr (TftsrStore) store = store_with_entries ();

  tamper (store, "DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)");
  g_assert_cmpint (verify_fails (store), ==, 0);
}

static void
test_all_removed (void)
{
  g_autoptr (TftsrStore) store = store_with_entries ();

  tamper (store, "DELETE FROM audit_log");
  g_assert_cmpint (verify_fails (store), ==, 0);
}

/* Store operations write their own entries into the chain. */
static void
test_store_operations_are_audited (void)
{
  g_autoptr (TftsrStore) store = tftsr_test_new_store ();
  g_autoptr (TftsrIssue) issue = tftsr_test_create (store, "Audited", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  g_autofree char *target = g_strdup_printf ("issue:%" G_GINT64_FORMAT, tftsr_issue_get_id (issue));

  g_assert_true (tftsr_store_delete_issue (store, tftsr_issue_get_id (issue), &error));
  g_assert_true (tftsr_store_purge_issue (store, tftsr_issue_get_id (issue), &error));
  g_assert_no_error (error);
  entries = tftsr_audit_list (store, 3, &error);
  g_assert_cmpstr (((TftsrAuditEntry *) entries->pdata[0])->action, ==, "issue.create");
  g_assert_cmpstr (((TftsrAuditEntry *) entries->pdata[1])->action, ==, "issue.delete");
  g_assert_cmpstr (((TftsrAuditEntry *) entries->pdata[2])->action, ==, "issue.purge");
  g_assert_cmpstr (((TftsrAuditEntry *) entries->pdata[2])->target, ==, target);
  g_assert_true (tftsr_audit_verify (store, NULL, NULL, &error));
}

int
main (int argc, char **argv)
{
  tftsr_test_init (&argc, &argv);
  g_test_add_func ("/audit/intact", test_intact);
  g_test_add_func ("/audit/append-only", test_append_only);
  g_test_add_func ("/audit/tampered/edited", test_edited);
  g_test_add_func ("/audit/tampered/hash-replaced", test_edited_with_recomputed_hash_breaks_next);
  g_test_add_func ("/audit/tampered/removed", test_removed);
  g_test_add_func ("/audit/tampered/reordered", test_reordered);
  g_test_add_func ("/audit/tampered/newest-removed", test_newest_removed);
  g_test_add_func ("/audit/tampered/all-removed", test_all_removed);
  g_test_add_func ("/audit/store-operations", test_store_operations_are_audited);
  return g_test_run ();
}
