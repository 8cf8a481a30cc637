/* test-ai-providers.c: AI provider settings in the database, their keys in the vault
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "tftsr-ai-private.h"
#include "tftsr-test-util.h"

#define KEY_A "sk-test-A-0123456789abcdefghij"
#define KEY_B "sk-ant-test-B-9876543210zyxwvu"

static void
assert_query (TftsrStore *store, const char *sql, const char *expected)
{
  g_autofree char *value = tftsr_test_query (store, sql);
  g_assert_cmpstr (value, ==, expected);
}

static TftsrAiProvider *
provider (const char *name, TftsrAiFormat format, const char *url, const char *model)
{
  return tftsr_ai_provider_new (name, format, url, model);
}

static gint64
add (TftsrStore *store, const char *name, TftsrAiFormat format, const char *key)
{
  g_autoptr (TftsrAiProvider) p = provider (name, format, "https://api.example.com/v1", "m-1");
  g_autoptr (GError) error = NULL;
  gint64 id = tftsr_store_add_ai_provider (store, p, key, &error);

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static char *
key_of (TftsrStore *store, gint64 id)
{
  g_autoptr (GError) error = NULL;
  TftsrSecret *key = tftsr_store_dup_ai_key (store, id, &error);

  g_assert_no_error (error);
  return key;
}

/* The first provider is the active one; keys come back only through the core; nothing
 * stored or audited shows a key. */
static void
test_add_list_use (void)
{
  g_autoptr (TftsrStore) store = tftsr_test_new_store ();
  gint64 a = add (store, "Work OpenAI", TFTSR_AI_FORMAT_OPENAI, KEY_A);
  gint64 b = add (store, "claude", TFTSR_AI_FORMAT_ANTHROPIC, KEY_B);
  gint64 local = add (store, "laptop", TFTSR_AI_FORMAT_OLLAMA, NULL);
  g_autoptr (GPtrArray) list = tftsr_store_list_ai_providers (store, NULL);
  g_autoptr (TftsrAiProvider) active = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *key_a = NULL, *key_b = NULL, *none = NULL, *sealed = NULL, *audit = NULL;
  TftsrAiProvider *first;

  g_assert_cmpuint (list->len, ==, 3);
  first = list->pdata[0]; /* by name, ignoring case */
  g_assert_cmpstr (first->name, ==, "claude");
  g_assert_cmpint (first->format, ==, TFTSR_AI_FORMAT_ANTHROPIC);
  g_assert_true (first->has_key);
  g_assert_false (first->active);
  g_assert_false (((TftsrAiProvider *) list->pdata[1])->has_key);
  g_assert_true (((TftsrAiProvider *) list->pdata[2])->active);

  active = tftsr_store_get_ai_provider (store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (active->id, ==, a);
  g_assert_true (tftsr_store_set_active_ai_provider (store, b, &error));
  g_clear_pointer (&active, tftsr_ai_provider_free);
  active = tftsr_store_get_ai_provider (store, NULL, &error);
  g_assert_cmpint (active->id, ==, b);
  assert_query (store, "SELECT count(*) FROM ai_providers WHERE active", "1");

  key_a = key_of (store, a);
  key_b = key_of (store, b);
  none = key_of (store, local);
  g_assert_cmpstr (key_a, ==, KEY_A);
  g_assert_cmpstr (key_b, ==, KEY_B);
  g_assert_null (none);

  sealed = tftsr_test_query (store, "SELECT group_concat(hex(ciphertext)) FROM credentials");
  g_assert_null (strstr (sealed, "736B2D")); /* "sk-" */
  assert_query (store, "SELECT group_concat(location) FROM credentials", "database,database");
  audit = tftsr_test_query (store, "SELECT group_concat(detail) FROM audit_log");
  g_assert_nonnull (strstr (audit, "Work OpenAI"));
  g_assert_null (strstr (audit, "sk-"));
}

static void
expect_invalid (TftsrStore *store, TftsrAiProvider *p, const char *fragment)
{
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (tftsr_store_add_ai_provider (store, p, NULL, &error), ==, 0);
  g_assert_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, fragment));
  tftsr_ai_provider_free (p);
}

static void
test_invalid_settings (void)
{
  g_autoptr (TftsrStore) store = tftsr_test_new_store ();
  g_autoptr (TftsrAiProvider) custom = NULL;
  g_autoptr (TftsrAiProvider) options = NULL;
  g_autoptr (GError) error = NULL;

  add (store, "taken", TFTSR_AI_FORMAT_MISTRAL, KEY_A);
  expect_invalid (store, provider ("taken", TFTSR_AI_FORMAT_OPENAI, "https://x.test", "m"),
                  "already a provider called “taken”");
  expect_invalid (store, provider ("", TFTSR_AI_FORMAT_OPENAI, "https://x.test", "m"), "name");
  expect_invalid (store, provider ("ftp", TFTSR_AI_FORMAT_OPENAI, "ftp://x.test/", "m"), "http://");
  expect_invalid (store, provider ("nohost", TFTSR_AI_FORMAT_OPENAI, "https:///v1", "m"), "host");
  expect_invalid (store, provider ("nomodel", TFTSR_AI_FORMAT_GEMINI, "https://x.test", ""),
                  "model");
  options = provider ("opts", TFTSR_AI_FORMAT_OPENAI, "https://x.test", "m");
  g_free (options->options);
  options->options = g_strdup ("[1, 2]");
  expect_invalid (store, g_steal_pointer (&options), "JSON object");
  options = provider ("template", TFTSR_AI_FORMAT_CUSTOM, "https://gw.test", "");
  g_free (options->options);
  options->options = g_strdup ("{\"request_template\":\"{\\\"prompt\\\": {{prompt}}\"}");
  expect_invalid (store, g_steal_pointer (&options), "request template must be a JSON object");

  /* A Custom REST gateway may carry the model in its template. */
  custom = provider ("gateway", TFTSR_AI_FORMAT_CUSTOM, "http://gw.internal:8080", "");
  g_assert_cmpint (tftsr_store_add_ai_provider (store, custom, NULL, &error), >, 0);
  g_assert_no_error (error);
  assert_query (store, "SELECT count(*) FROM ai_providers", "2");
}

static void
test_update_and_keys (void)
{
  g_autoptr (TftsrStore) store = tftsr_test_new_store ();
  gint64 id = add (store, "azure", TFTSR_AI_FORMAT_OPENAI, KEY_A);
  g_autoptr (TftsrAiProvider) p = tftsr_store_get_ai_provider (store, "azure", NULL);
  g_autoptr (TftsrAiProvider) again = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *kept = NULL, *replaced = NULL, *option = NULL;

  g_free (p->model);
  p->model = g_strdup ("gpt-4o");
  g_free (p->options);
  p->options = g_strdup ("{\"api_version\":\"2024-10-21\",\"auth\":\"api-key\"}");
  p->insecure = TRUE;
  g_assert_true (tftsr_store_update_ai_provider (store, p, NULL, &error));
  g_assert_no_error (error);
  again = tftsr_store_get_ai_provider (store, "azure", &error);
  g_assert_cmpstr (again->model, ==, "gpt-4o");
  g_assert_true (again->insecure);
  option = tftsr_ai_provider_dup_option (again, "api_version");
  g_assert_cmpstr (option, ==, "2024-10-21");
  kept = key_of (store, id);
  g_assert_cmpstr (kept, ==, KEY_A);

  g_assert_true (tftsr_store_update_ai_provider (store, p, KEY_B, &error));
  replaced = key_of (store, id);
  g_assert_cmpstr (replaced, ==, KEY_B);
  g_assert_true (tftsr_store_update_ai_provider (store, p, "", &error));
  g_assert_null (key_of (store, id));
  g_clear_pointer (&again, tftsr_ai_provider_free);
  again = tftsr_store_get_ai_provider (store, "azure", &error);
  g_assert_false (again->has_key);

  p->id = 9999;
  g_assert_false (tftsr_store_update_ai_provider (store, p, NULL, &error));
  g_assert_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_NOT_FOUND);
}

/* Removing the active provider makes another one active; its key goes with it. */
static void
test_remove (void)
{
  g_autoptr (TftsrStore) store = tftsr_test_new_store ();
  gint64 a = add (store, "a", TFTSR_AI_FORMAT_OPENAI, KEY_A);
  gint64 b = add (store, "b", TFTSR_AI_FORMAT_GEMINI, KEY_B);
  g_autoptr (TftsrAiProvider) active = NULL;
  g_autoptr (TftsrAiProvider) none = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (tftsr_store_remove_ai_provider (store, a, &error));
  g_assert_no_error (error);
  active = tftsr_store_get_ai_provider (store, NULL, &error);
  g_assert_cmpint (active->id, ==, b);
  assert_query (store, "SELECT count(*) FROM credentials", "1");
  g_assert_true (tftsr_store_remove_ai_provider (store, b, &error));
  none = tftsr_store_get_ai_provider (store, NULL, &error);
  g_assert_null (none);
  g_assert_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "tftsr-cli ai add"));
  g_clear_error (&error);
  g_assert_false (tftsr_store_remove_ai_provider (store, b, &error));
  g_assert_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_NOT_FOUND);
  assert_query (store, "SELECT count(*) FROM credentials", "0");
}

/* A sealed key is bound to its owner and to this database's key. */
static void
test_sealed_key_is_bound (void)
{
  g_autofree char *path = tftsr_test_db_path ("bound");
  g_autoptr (TftsrStore) store = tftsr_test_open_store (path);
  gint64 a = add (store, "a", TFTSR_AI_FORMAT_OPENAI, KEY_A);
  gint64 b = add (store, "b", TFTSR_AI_FORMAT_OPENAI, KEY_B);
  g_autoptr (GError) error = NULL;
  g_autofree char *moved = g_strdup_printf (
      "UPDATE credentials SET nonce = (SELECT nonce FROM credentials WHERE owner = "
      "'ai_provider:%" G_GINT64_FORMAT "'), ciphertext = (SELECT ciphertext FROM credentials "
      "WHERE owner = 'ai_provider:%" G_GINT64_FORMAT
      "') WHERE owner = 'ai_provider:%" G_GINT64_FORMAT "' RETURNING 1",
      a, a, b);

  assert_query (store, moved, "1");
  g_assert_null (tftsr_store_dup_ai_key (store, b, &error));
  g_assert_error (error, TFTSR_VAULT_ERROR, TFTSR_VAULT_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "does not decrypt"));
}

/* With the database key in the Secret Service, provider keys go there too. */
static void
test_keyring (void)
{
  g_autofree char *path = tftsr_test_db_path ("keyring");
  g_autoptr (TftsrDbKey) key =
      tftsr_db_key_new ("x'00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff'",
                        TFTSR_DB_KEY_SOURCE_KEYRING);
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrStore) store = tftsr_store_open (path, key, &error);
  gint64 id;
  g_autofree char *back = NULL;

  g_assert_no_error (error);
  id = add (store, "keyring", TFTSR_AI_FORMAT_ANTHROPIC, KEY_B);
  assert_query (store, "SELECT location FROM credentials", "keyring");
  assert_query (store, "SELECT ciphertext IS NULL FROM credentials", "1");
  back = key_of (store, id);
  g_assert_cmpstr (back, ==, KEY_B);
  g_assert_true (tftsr_store_remove_ai_provider (store, id, &error));
  g_assert_null (tftsr_store_dup_ai_key (store, id, &error));
  g_assert_no_error (error);
}

int
main (int argc, char **argv)
{
  tftsr_test_init (&argc, &argv);
  g_test_add_func ("/ai-providers/add-list-use", test_add_list_use);
  g_test_add_func ("/ai-providers/invalid-settings", test_invalid_settings);
  g_test_add_func ("/ai-providers/update-and-keys", test_update_and_keys);
  g_test_add_func ("/ai-providers/remove", test_remove);
  g_test_add_func ("/ai-providers/sealed-key-is-bound", test_sealed_key_is_bound);
  g_test_add_func ("/ai-providers/keyring", test_keyring);
  return g_test_run ();
}
