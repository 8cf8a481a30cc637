/* test-db-key.c: where the database key comes from
 *
 * /db-key/plain/… run without a Secret Service (the key-file fallback);
 * /db-key/keyring/… run inside run-with-keyring.sh against gnome-keyring.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <libsecret/secret.h>
#include <sys/stat.h>

#include "tftsr-test-util.h"

static void
forget_keys (void)
{
  g_autofree char *file = tftsr_db_key_default_file ();

  g_unsetenv ("TFTSR_DB_KEY");
  g_unlink (file);
}

static void
test_environment (void)
{
  g_autoptr (TftsrDbKey) raw = NULL;
  g_autoptr (TftsrDbKey) passphrase = NULL;

  g_setenv ("TFTSR_DB_KEY", TFTSR_TEST_KEY, TRUE);
  raw = tftsr_db_key_resolve (TRUE, NULL, NULL);
  g_assert_cmpint (tftsr_db_key_get_source (raw), ==, TFTSR_DB_KEY_SOURCE_ENVIRONMENT);
  g_assert_true (tftsr_db_key_is_raw (raw));
  g_assert_cmpstr (tftsr_db_key_get_secret (raw), ==, TFTSR_TEST_KEY);

  g_setenv ("TFTSR_DB_KEY", "a passphrase", TRUE);
  passphrase = tftsr_db_key_resolve (TRUE, NULL, NULL);
  g_assert_false (tftsr_db_key_is_raw (passphrase));
  g_assert_null (tftsr_db_key_get_file (passphrase));
  forget_keys ();
}

static void
test_key_file_generated (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrDbKey) key = NULL;
  g_autoptr (TftsrDbKey) again = NULL;
  g_autofree char *file = tftsr_db_key_default_file ();
  g_autofree char *contents = NULL;
  g_autofree char *path = tftsr_test_db_path ("keyfile");
  g_autoptr (TftsrStore) store = NULL;
  struct stat st;

  forget_keys ();
  key = tftsr_db_key_resolve (FALSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (tftsr_db_key_get_source (key), ==, TFTSR_DB_KEY_SOURCE_FILE);
  g_assert_cmpstr (tftsr_db_key_get_file (key), ==, file);
  g_assert_true (tftsr_db_key_is_raw (key));
  g_assert_cmpint (g_stat (file, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_true (g_file_get_contents (file, &contents, NULL, NULL));
  g_assert_true (g_str_has_prefix (contents, tftsr_db_key_get_secret (key)));

  /* Two generated keys differ; the file is reused, never overwritten. */
  again = tftsr_db_key_resolve (TRUE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tftsr_db_key_get_secret (again), ==, tftsr_db_key_get_secret (key));

  store = tftsr_store_open (path, key, &error);
  g_assert_no_error (error);
  g_assert_cmpint (tftsr_store_get_key_source (store), ==, TFTSR_DB_KEY_SOURCE_FILE);
  g_assert_cmpstr (tftsr_store_get_key_file (store), ==, file);
}

static void
test_missing_key_for_existing_db (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrDbKey) key = NULL;

  forget_keys ();
  key = tftsr_db_key_resolve (TRUE, NULL, &error);
  g_assert_null (key);
  g_assert_error (error, TFTSR_VAULT_ERROR, TFTSR_VAULT_ERROR_NO_KEY);
  g_assert_nonnull (strstr (error->message, "TFTSR_DB_KEY"));
}

static void
write_key_file (const char *contents, int mode)
{
  g_autofree char *file = tftsr_db_key_default_file ();
  g_autofree char *dir = g_path_get_dirname (file);

  g_mkdir_with_parents (dir, 0700);
  g_assert_true (g_file_set_contents (file, contents, -1, NULL));
  g_assert_cmpint (g_chmod (file, mode), ==, 0);
}

static void
test_key_file_too_open (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrDbKey) key = NULL;

  forget_keys ();
  write_key_file (TFTSR_TEST_KEY "\n", 0644);
  key = tftsr_db_key_resolve (TRUE, NULL, &error);
  g_assert_null (key);
  g_assert_error (error, TFTSR_VAULT_ERROR, TFTSR_VAULT_ERROR_KEY_FILE);
  g_assert_nonnull (strstr (error->message, "chmod 600"));
  forget_keys ();
}

static void
test_key_file_malformed (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrDbKey) key = NULL;

  forget_keys ();
  write_key_file ("not a key\n", 0600);
  key = tftsr_db_key_resolve (TRUE, NULL, &error);
  g_assert_null (key);
  g_assert_error (error, TFTSR_VAULT_ERROR, TFTSR_VAULT_ERROR_KEY_FILE);
  forget_keys ();
}

static const SecretSchema *
schema (void)
{
  static const SecretSchema s = {
    TFTSR_APP_ID ".DatabaseKey",
    SECRET_SCHEMA_NONE,
    { { "purpose", SECRET_SCHEMA_ATTRIBUTE_STRING }, { NULL, 0 } },
  };
  return &s;
}

static gboolean
have_secret_service (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *found =
      secret_password_lookup_sync (schema (), NULL, &error, "purpose", "probe", NULL);
  return error == NULL;
}

static void
test_keyring (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrDbKey) key = NULL;
  g_autoptr (TftsrDbKey) again = NULL;
  g_autofree char *file = tftsr_db_key_default_file ();
  g_autofree char *stored = NULL;

  if (!have_secret_service ())
    {
      g_test_skip ("no Secret Service here; ctest runs this under run-with-keyring.sh");
      return;
    }
  forget_keys ();
  secret_password_clear_sync (schema (), NULL, NULL, "purpose", "database-key", NULL);

  /* An existing database without a stored key is an error, not a new key. */
  g_assert_null (tftsr_db_key_resolve (TRUE, NULL, &error));
  g_assert_error (error, TFTSR_VAULT_ERROR, TFTSR_VAULT_ERROR_NO_KEY);
  g_clear_error (&error);

  key = tftsr_db_key_resolve (FALSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (tftsr_db_key_get_source (key), ==, TFTSR_DB_KEY_SOURCE_KEYRING);
  g_assert_true (tftsr_db_key_is_raw (key));
  g_assert_false (g_file_test (file, G_FILE_TEST_EXISTS));
  stored = secret_password_lookup_sync (schema (), NULL, &error, "purpose", "database-key", NULL);
  g_assert_cmpstr (stored, ==, tftsr_db_key_get_secret (key));

  again = tftsr_db_key_resolve (TRUE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tftsr_db_key_get_secret (again), ==, tftsr_db_key_get_secret (key));
  secret_password_clear_sync (schema (), NULL, NULL, "purpose", "database-key", NULL);
}

int
main (int argc, char **argv)
{
  tftsr_test_init (&argc, &argv);
  g_test_add_func ("/db-key/plain/environment", test_environment);
  g_test_add_func ("/db-key/plain/key-file-generated", test_key_file_generated);
  g_test_add_func ("/db-key/plain/missing-key-for-existing-db", test_missing_key_for_existing_db);
  g_test_add_func ("/db-key/plain/key-file-too-open", test_key_file_too_open);
  g_test_add_func ("/db-key/plain/key-file-malformed", test_key_file_malformed);
  g_test_add_func ("/db-key/keyring/stored-and-found", test_keyring);
  return g_test_run ();
}
