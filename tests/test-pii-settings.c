/* test-pii-settings.c: the engine's settings as stored, and the scanner they build
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "tftsr-test-util.h"

static const char sample[] = "mail bob@ops.acme-corp.io from 10.1.2.3 badge EMP-123456 "
                             "phone +1 415 555 0134";

/* The type names the scanner reports on @text, in order, joined with spaces. */
static char *
found_types (TftsrPiiScanner *scanner, const char *text)
{
  g_autoptr (GArray) spans = tftsr_pii_scanner_scan (scanner, (const guint8 *) text, strlen (text));
  g_autoptr (GString) names = g_string_new (NULL);

  for (guint i = 0; i < spans->len; i++)
    {
      const TftsrPiiSpan *span = &g_array_index (spans, TftsrPiiSpan, i);
      const char *name = span->type == TFTSR_PII_CUSTOM
                             ? tftsr_pii_scanner_get_pattern_name (scanner, span->custom)
                             : tftsr_pii_type_to_string (span->type);
      g_string_append_printf (names, "%s%s", i > 0 ? " " : "", name);
    }
  return g_string_free (g_steal_pointer (&names), FALSE);
}

static void
test_defaults (void)
{
  g_autoptr (TftsrStore) store = tftsr_test_new_store ();
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrPiiSettings) settings = tftsr_store_load_pii_settings (store, &error);
  g_autoptr (TftsrPiiScanner) scanner = NULL;
  g_autofree char *types = NULL;

  g_assert_no_error (error);
  for (guint i = 0; i < TFTSR_PII_N_TYPES; i++)
    g_assert_true (tftsr_pii_settings_get_enabled (settings, i));
  g_assert_null (tftsr_pii_settings_get_allow_list (settings)[0]);
  g_assert_cmpuint (tftsr_pii_settings_get_n_patterns (settings), ==, 0);

  scanner = tftsr_store_load_pii_scanner (store, &error);
  g_assert_no_error (error);
  types = found_types (scanner, sample);
  g_assert_cmpstr (types, ==, "EMAIL IPV4 PHONE");
}

static void
test_round_trip_and_honoured (void)
{
  g_autoptr (TftsrStore) store = tftsr_test_new_store ();
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrPiiSettings) settings = tftsr_pii_settings_new ();
  g_autoptr (TftsrPiiSettings) loaded = NULL;
  g_autoptr (TftsrPiiScanner) scanner = NULL;
  g_autofree char *types = NULL;
  const char *allow[] = { " 10.0.0.0/8 ", "", "10.0.0.0/8", ".acme-corp.io", NULL };

  tftsr_pii_settings_set_enabled (settings, TFTSR_PII_PHONE, FALSE);
  tftsr_pii_settings_set_allow_list (settings, allow);
  tftsr_pii_settings_set_pattern (settings, "employee", "EMP-\\d{5}");
  tftsr_pii_settings_set_pattern (settings, "employee", "EMP-\\d{6}"); /* replaces */
  g_assert_true (tftsr_store_save_pii_settings (store, settings, &error));
  g_assert_no_error (error);

  loaded = tftsr_store_load_pii_settings (store, &error);
  g_assert_no_error (error);
  g_assert_false (tftsr_pii_settings_get_enabled (loaded, TFTSR_PII_PHONE));
  g_assert_true (tftsr_pii_settings_get_enabled (loaded, TFTSR_PII_EMAIL));
  g_assert_cmpstrv (tftsr_pii_settings_get_allow_list (loaded),
                    ((const char *const[]){ "10.0.0.0/8", ".acme-corp.io", NULL }));
  g_assert_cmpuint (tftsr_pii_settings_get_n_patterns (loaded), ==, 1);
  g_assert_cmpstr (tftsr_pii_settings_get_pattern_regex (loaded, 0), ==, "EMP-\\d{6}");

  scanner = tftsr_store_load_pii_scanner (store, &error);
  g_assert_no_error (error);
  types = found_types (scanner, sample);
  g_assert_cmpstr (types, ==, "employee");

  g_assert_true (tftsr_pii_settings_remove_pattern (loaded, "employee"));
  g_assert_false (tftsr_pii_settings_remove_pattern (loaded, "employee"));
  tftsr_pii_settings_set_enabled (loaded, TFTSR_PII_PHONE, TRUE);
  g_assert_true (tftsr_store_save_pii_settings (store, loaded, &error));
  g_clear_object (&scanner);
  g_clear_pointer (&types, g_free);
  scanner = tftsr_store_load_pii_scanner (store, &error);
  types = found_types (scanner, sample);
  g_assert_cmpstr (types, ==, "PHONE");
}

/* What is stored always builds: a broken pattern is refused and the old settings stay. */
static void
test_invalid_refused (void)
{
  g_autoptr (TftsrStore) store = tftsr_test_new_store ();
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrPiiSettings) settings = tftsr_pii_settings_new ();
  g_autoptr (TftsrPiiSettings) loaded = NULL;

  tftsr_pii_settings_set_enabled (settings, TFTSR_PII_MAC, FALSE);
  g_assert_true (tftsr_store_save_pii_settings (store, settings, &error));
  tftsr_pii_settings_set_pattern (settings, "broken", "(unclosed");
  g_assert_false (tftsr_store_save_pii_settings (store, settings, &error));
  g_assert_error (error, TFTSR_PII_ERROR, TFTSR_PII_ERROR_BAD_PATTERN);
  g_assert_nonnull (strstr (error->message, "broken"));

  loaded = tftsr_store_load_pii_settings (store, &error);
  g_assert_nonnull (loaded);
  g_assert_cmpuint (tftsr_pii_settings_get_n_patterns (loaded), ==, 0);
  g_assert_false (tftsr_pii_settings_get_enabled (loaded, TFTSR_PII_MAC));
}

/* Names this build does not know survive a load and save; damage is an error. */
static void
test_stored_forms (void)
{
  g_autoptr (TftsrStore) store = tftsr_test_new_store ();
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrPiiSettings) loaded = NULL;
  g_autofree char *stored = NULL;

  g_assert_true (tftsr_store_set_setting (
      store, "pii", "{\"disabled\":[\"FUTURE_TYPE\",\"SSN\",7],\"patterns\":[{\"name\":1}]}",
      &error));
  loaded = tftsr_store_load_pii_settings (store, &error);
  g_assert_no_error (error);
  g_assert_false (tftsr_pii_settings_get_enabled (loaded, TFTSR_PII_SSN));
  g_assert_cmpuint (tftsr_pii_settings_get_n_patterns (loaded), ==, 0);
  g_assert_true (tftsr_store_save_pii_settings (store, loaded, &error));
  stored = tftsr_store_get_setting (store, "pii", &error);
  g_assert_nonnull (strstr (stored, "FUTURE_TYPE"));
  g_clear_pointer (&loaded, tftsr_pii_settings_free);

  g_assert_true (tftsr_store_set_setting (store, "pii", "{not json", &error));
  loaded = tftsr_store_load_pii_settings (store, &error);
  g_assert_null (loaded);
  g_assert_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_CORRUPT);
}

static void
test_settings_table (void)
{
  g_autoptr (TftsrStore) store = tftsr_test_new_store ();
  g_autoptr (GError) error = NULL;
  g_autofree char *missing = tftsr_store_get_setting (store, "nothing.here", &error);
  g_autofree char *value = NULL;

  g_assert_no_error (error);
  g_assert_null (missing);
  g_assert_true (tftsr_store_set_setting (store, "k", "one", &error));
  g_assert_true (tftsr_store_set_setting (store, "k", "two", &error));
  value = tftsr_store_get_setting (store, "k", &error);
  g_assert_cmpstr (value, ==, "two");
  g_assert_true (tftsr_store_set_setting (store, "k", NULL, &error));
  g_clear_pointer (&value, g_free);
  value = tftsr_store_get_setting (store, "k", &error);
  g_assert_no_error (error);
  g_assert_null (value);
}

int
main (int argc, char **argv)
{
  tftsr_test_init (&argc, &argv);
  g_test_add_func ("/pii-settings/defaults", test_defaults);
  g_test_add_func ("/pii-settings/round-trip-and-honoured", test_round_trip_and_honoured);
  g_test_add_func ("/pii-settings/invalid-refused", test_invalid_refused);
  g_test_add_func ("/pii-settings/stored-forms", test_stored_forms);
  g_test_add_func ("/pii-settings/settings-table", test_settings_table);
  return g_test_run ();
}
