/* test-cli.c: tftsr-cli round trips, JSON output and exit codes (design §5)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE /* memmem */
#include <json.h>
#include <signal.h>
#include <string.h>

#include "tftsr-fake-server.h"
#include "tftsr-json-private.h"
#include "tftsr-test-util.h"

typedef struct
{
  int status;
  char *out;
  GBytes *out_bytes; /* all of it, NUL bytes included */
  char *err;
} CliResult;

static void
cli_result_free (CliResult *r)
{
  g_free (r->out);
  g_bytes_unref (r->out_bytes);
  g_free (r->err);
  g_free (r);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CliResult, cli_result_free)

static char *db_path;

/* Runs tftsr-cli --db <this test's db> ARGS… with @input on standard input. */
static CliResult *
run_with_input (GBytes *input, const char *first, ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_auto (GStrv) wrapper = g_getenv ("TFTSR_CLI_WRAPPER") != NULL
                               ? g_strsplit (g_getenv ("TFTSR_CLI_WRAPPER"), " ", -1)
                               : NULL;
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GSubprocess) proc = NULL;
  g_autoptr (GBytes) out = NULL;
  g_autoptr (GBytes) err = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) empty = g_bytes_new (NULL, 0);
  CliResult *r = g_new0 (CliResult, 1);
  va_list args;

  if (input == NULL)
    input = empty;
  /* TFTSR_CLI_WRAPPER (e.g. valgrind and its options) runs the CLI inside a checker. */
  for (guint i = 0; wrapper != NULL && wrapper[i] != NULL; i++)
    g_ptr_array_add (argv, wrapper[i]);
  g_ptr_array_add (argv, (char *) g_getenv ("TFTSR_CLI"));
  g_ptr_array_add (argv, "--db");
  g_ptr_array_add (argv, db_path);
  va_start (args, first);
  for (const char *a = first; a != NULL; a = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) a);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  launcher =
      g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                 G_SUBPROCESS_FLAGS_STDERR_PIPE);
  proc = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate (proc, input, NULL, &out, &err, &error);
  g_assert_no_error (error);
  r->status = g_subprocess_get_exit_status (proc);
  r->out = g_strndup (g_bytes_get_size (out) > 0 ? g_bytes_get_data (out, NULL) : "",
                      g_bytes_get_size (out));
  r->err = g_strndup (g_bytes_get_size (err) > 0 ? g_bytes_get_data (err, NULL) : "",
                      g_bytes_get_size (err));
  r->out_bytes = g_steal_pointer (&out);
  return r;
}

#define run(...) run_with_input (NULL, __VA_ARGS__, NULL)

static void
fresh_db (void)
{
  g_free (db_path);
  db_path = tftsr_test_db_path ("cli");
}

static json_object *
parse_json (const char *text)
{
  json_object *json = json_tokener_parse (text);
  if (json == NULL)
    g_error ("not JSON: %s", text);
  return json;
}

static const char *
json_str (json_object *obj, const char *key)
{
  json_object *value = NULL;
  g_assert_true (json_object_object_get_ex (obj, key, &value));
  return json_object_get_string (value);
}

static gint64
create (const char *title)
{
  g_autoptr (CliResult) r = run ("issue", "create", "--title", title);
  g_assert_cmpint (r->status, ==, 0);
  return g_ascii_strtoll (r->out, NULL, 10);
}

static void
test_round_trip (void)
{
  g_autoptr (CliResult) created = NULL;
  g_autoptr (CliResult) shown = NULL;
  g_autoptr (CliResult) updated = NULL;
  g_autoptr (CliResult) listed = NULL;
  g_autofree char *id = NULL;
  json_object *json, *timeline;

  fresh_db ();
  created = run ("issue", "create", "--title", "Checkout 502 for EU 🔥", "--severity", "critical",
                 "--category", "application", "--tags", "checkout, EU", "--description",
                 "It's \"bad\"; DROP TABLE issues;");
  g_assert_cmpint (created->status, ==, 0);
  id = g_strstrip (g_strdup (created->out));
  g_assert_cmpint (g_ascii_strtoll (id, NULL, 10), >, 0);

  updated = run ("issue", "update", id, "--status", "investigating", "--owner", "bob");
  g_assert_cmpint (updated->status, ==, 0);

  shown = run ("issue", "show", id, "--json");
  g_assert_cmpint (shown->status, ==, 0);
  json = parse_json (shown->out);
  g_assert_cmpstr (json_str (json, "title"), ==, "Checkout 502 for EU 🔥");
  g_assert_cmpstr (json_str (json, "description"), ==, "It's \"bad\"; DROP TABLE issues;");
  g_assert_cmpstr (json_str (json, "severity"), ==, "critical");
  g_assert_cmpstr (json_str (json, "status"), ==, "investigating");
  g_assert_cmpstr (json_str (json, "category"), ==, "application");
  g_assert_cmpstr (json_str (json, "owner"), ==, "bob");
  g_assert_cmpstr (json_str (json, "source"), ==, "cli");
  g_assert_true (json_object_object_get_ex (json, "timeline", &timeline));
  g_assert_cmpuint (json_object_array_length (timeline), ==, 2);
  g_assert_cmpstr (json_str (json_object_array_get_idx (timeline, 1), "kind"), ==,
                   "status_changed");
  json_object_put (json);

  listed = run ("issue", "list", "--json", "--status", "investigating,open");
  json = parse_json (listed->out);
  g_assert_cmpuint (json_object_array_length (json), ==, 1);
  g_assert_cmpstr (json_str (json_object_array_get_idx (json, 0), "title"), ==,
                   "Checkout 502 for EU 🔥");
  json_object_put (json);
}

static void
test_human_output (void)
{
  g_autoptr (CliResult) shown = NULL;
  g_autoptr (CliResult) listed = NULL;
  g_autofree char *id = NULL;

  fresh_db ();
  id = g_strdup_printf ("%" G_GINT64_FORMAT, create ("Disk full on db-02"));
  shown = run ("issue", "show", id);
  g_assert_cmpint (shown->status, ==, 0);
  g_assert_nonnull (strstr (shown->out, "Disk full on db-02"));
  g_assert_nonnull (strstr (shown->out, "P3 · Medium"));
  g_assert_nonnull (strstr (shown->out, "Incident created"));
  listed = run ("issue", "list");
  g_assert_nonnull (strstr (listed->out, "TITLE"));
  g_assert_nonnull (strstr (listed->out, "Disk full on db-02"));
}

static void
test_search (void)
{
  g_autoptr (CliResult) found = NULL;
  g_autoptr (CliResult) excluded = NULL;
  g_autoptr (CliResult) hostile = NULL;
  json_object *json, *snippet, *highlights;

  fresh_db ();
  create ("Kafka broker down");
  create ("Consumer lag on kafka");
  found = run ("issue", "search", "broker", "--json");
  g_assert_cmpint (found->status, ==, 0);
  json = parse_json (found->out);
  g_assert_cmpuint (json_object_array_length (json), ==, 1);
  g_assert_true (
      json_object_object_get_ex (json_object_array_get_idx (json, 0), "snippet", &snippet));
  g_assert_true (json_object_object_get_ex (snippet, "highlights", &highlights));
  g_assert_cmpuint (json_object_array_length (highlights), ==, 1);
  json_object_put (json);

  /* "-word" is an exclusion, not an option. */
  excluded = run ("issue", "search", "kafka", "-broker", "--json");
  g_assert_cmpint (excluded->status, ==, 0);
  json = parse_json (excluded->out);
  g_assert_cmpuint (json_object_array_length (json), ==, 1);
  g_assert_cmpstr (json_str (json_object_array_get_idx (json, 0), "title"), ==,
                   "Consumer lag on kafka");
  json_object_put (json);

  hostile = run ("issue", "search", "\"unbalanced", "NEAR(", "title:", "--json");
  g_assert_cmpint (hostile->status, ==, 0);
  json = parse_json (hostile->out);
  g_assert_cmpuint (json_object_array_length (json), ==, 0);
  json_object_put (json);
}

static void
test_usage_errors (void)
{
  struct
  {
    const char *args[6];
    const char *message;
  } cases[] = {
    { { "issue", "create", "--title", "x", "--severity", "urgent" },
      "critical, high, medium, low" },
    { { "issue", "create", "--title", "x", "--category", "mainframe" }, "public_safety" },
    { { "issue", "list", "--status", "open,pending" }, "investigating" },
    { { "issue", "create" }, "--title is required" },
    { { "issue", "show" }, "incident id is required" },
    { { "issue", "show", "abc" }, "not an incident id" },
    { { "issue", "frobnicate" }, "unknown verb" },
    { { "nonsense" }, "unknown command" },
    { { "issue", "list", "--bogus" }, "Unknown option" },
  };

  fresh_db ();
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (CliResult) r =
          run_with_input (NULL, cases[i].args[0], cases[i].args[1], cases[i].args[2],
                          cases[i].args[3], cases[i].args[4], cases[i].args[5], NULL);
      g_assert_cmpint (r->status, ==, 2);
      if (strstr (r->err, cases[i].message) == NULL)
        g_error ("case %u: “%s” not in: %s", i, cases[i].message, r->err);
    }
  /* Usage errors never create the database. */
  g_assert_false (g_file_test (db_path, G_FILE_TEST_EXISTS));
}

static void
test_runtime_errors (void)
{
  g_autoptr (CliResult) missing = NULL;
  g_autoptr (CliResult) empty_title = NULL;

  fresh_db ();
  create ("Exists");
  missing = run ("issue", "show", "4242");
  g_assert_cmpint (missing->status, ==, 1);
  g_assert_nonnull (strstr (missing->err, "no incident 4242"));
  empty_title = run ("issue", "update", "1", "--title", "  ");
  g_assert_cmpint (empty_title->status, ==, 1);
  g_assert_nonnull (strstr (empty_title->err, "needs a title"));
}

static void
test_wrong_key (void)
{
  g_autoptr (CliResult) r = NULL;
  g_autoptr (GBytes) before = NULL;
  g_autoptr (GBytes) after = NULL;

  fresh_db ();
  create ("Under the right key");
  before = tftsr_test_read_file (db_path);
  g_setenv ("TFTSR_DB_KEY", "x'1111111111111111111111111111111111111111111111111111111111111111'",
            TRUE);
  r = run ("issue", "list");
  g_setenv ("TFTSR_DB_KEY", TFTSR_TEST_KEY, TRUE);
  g_assert_cmpint (r->status, ==, 1);
  g_assert_nonnull (strstr (r->err, "key is wrong"));
  after = tftsr_test_read_file (db_path);
  g_assert_true (g_bytes_equal (before, after));
}

/* A megabyte of description through standard input comes back byte for byte. */
static void
test_description_from_stdin (void)
{
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (GBytes) input = NULL;
  g_autoptr (CliResult) created = NULL;
  g_autoptr (CliResult) shown = NULL;
  json_object *json;

  fresh_db ();
  while (text->len < 1024 * 1024)
    g_string_append (text, "line with ünïcode and \"quotes\" and \ttabs\n");
  input = g_bytes_new (text->str, text->len);
  created = run_with_input (input, "issue", "create", "--title", "Big", "--description-file", "-",
                            "--json", NULL);
  g_assert_cmpint (created->status, ==, 0);
  json = parse_json (created->out);
  g_assert_cmpstr (json_str (json, "description"), ==, text->str);
  json_object_put (json);
}

static void
test_delete_restore_purge (void)
{
  g_autoptr (CliResult) deleted = NULL;
  g_autoptr (CliResult) trash = NULL;
  g_autoptr (CliResult) restored = NULL;
  g_autoptr (CliResult) purged = NULL;
  g_autoptr (CliResult) gone = NULL;
  g_autofree char *id = NULL;

  fresh_db ();
  id = g_strdup_printf ("%" G_GINT64_FORMAT, create ("Short-lived"));
  deleted = run ("issue", "delete", id);
  g_assert_cmpint (deleted->status, ==, 0);
  trash = run ("issue", "list", "--trash");
  g_assert_nonnull (strstr (trash->out, "Short-lived"));
  restored = run ("issue", "restore", id);
  g_assert_cmpint (restored->status, ==, 0);
  purged = run ("issue", "delete", id, "--purge");
  g_assert_cmpint (purged->status, ==, 0);
  gone = run ("issue", "restore", id);
  g_assert_cmpint (gone->status, ==, 1);
}

static void
test_audit_verify (void)
{
  g_autoptr (CliResult) ok = NULL;
  g_autoptr (CliResult) bad = NULL;
  g_autoptr (CliResult) bad_json = NULL;
  g_autoptr (TftsrStore) store = NULL;
  json_object *json;

  fresh_db ();
  create ("Audited");
  ok = run ("audit", "verify");
  g_assert_cmpint (ok->status, ==, 0);
  g_assert_nonnull (strstr (ok->out, "intact"));

  store = tftsr_test_open_store (db_path);
  g_free (tftsr_test_query (store, "DROP TRIGGER audit_log_no_update"));
  g_free (tftsr_test_query (store, "UPDATE audit_log SET target = 'issue:99' WHERE id = 2"));
  g_clear_object (&store);

  bad = run ("audit", "verify");
  g_assert_cmpint (bad->status, ==, 1);
  g_assert_nonnull (strstr (bad->err, "entry 2"));
  bad_json = run ("audit", "verify", "--json");
  g_assert_cmpint (bad_json->status, ==, 1);
  json = parse_json (bad_json->out);
  g_assert_false (json_object_get_boolean (json_object_object_get (json, "ok")));
  g_assert_cmpint (json_object_get_int64 (json_object_object_get (json, "first_bad_entry")), ==, 2);
  json_object_put (json);
}

/* The JSON Lines contract of pii scan: byte offsets into the input, sorted, non-overlapping,
 * the value being exactly those bytes. */
static void
test_pii_scan (void)
{
  static const char input[] = "héllo bob@mail.internal\0 from 10.250.19.102 pw password=hunter22\n"
                              "card 4111 1111 1111 1111 \xff\xfe junk\n";
  g_autoptr (GBytes) bytes = g_bytes_new (input, sizeof input - 1);
  g_autoptr (CliResult) r = (fresh_db (), run_with_input (bytes, "pii", "scan", "--json", NULL));
  g_auto (GStrv) lines = NULL;
  guint64 previous_end = 0;
  const char *types[] = { "EMAIL", "IPV4", "PASSWORD", "CREDIT_CARD" };

  g_assert_cmpint (r->status, ==, 0);
  /* Scanning needs no database. */
  g_assert_false (g_file_test (db_path, G_FILE_TEST_EXISTS));
  lines = g_strsplit (g_strchomp (r->out), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, G_N_ELEMENTS (types));
  for (guint i = 0; lines[i] != NULL; i++)
    {
      json_object *json = parse_json (lines[i]);
      guint64 start = json_object_get_int64 (json_object_object_get (json, "start"));
      guint64 end = json_object_get_int64 (json_object_object_get (json, "end"));
      const char *value = json_str (json, "value");

      g_assert_cmpstr (json_str (json, "type"), ==, types[i]);
      g_assert_cmpuint (start, >=, previous_end);
      g_assert_cmpuint (end, <=, sizeof input - 1);
      g_assert_cmpmem (input + start, end - start, value, strlen (value));
      previous_end = end;
      json_object_put (json);
    }
}

static void
test_pii_bad_input (void)
{
  g_autofree char *empty = g_build_filename (tftsr_test_dir (), "empty.log", NULL);
  g_autoptr (CliResult) missing = NULL;
  g_autoptr (CliResult) nothing = NULL;
  g_autoptr (CliResult) types = NULL;
  g_autoptr (CliResult) patterns = NULL;
  g_auto (GStrv) pattern_lines = NULL;

  fresh_db ();
  missing = run ("pii", "scan", "/nonexistent/app.log");
  g_assert_cmpint (missing->status, ==, 1);
  g_assert_nonnull (strstr (missing->err, "Could not read"));
  g_assert_true (g_file_set_contents (empty, "", 0, NULL));
  nothing = run ("pii", "scan", "--json", empty);
  g_assert_cmpint (nothing->status, ==, 0);
  g_assert_cmpstr (nothing->out, ==, "");
  types = run ("pii", "types");
  g_assert_nonnull (strstr (types->out, "PRIVATE_KEY"));
  patterns = run ("pii", "patterns");
  pattern_lines = g_strsplit (g_strchomp (patterns->out), "\n", -1);
  g_assert_cmpuint (g_strv_length (pattern_lines), ==, TFTSR_PII_N_TYPES);
}

/* pii config changes what scan, patterns and log add find, for every later run. */
static void
test_pii_config (void)
{
  static const char text[] = "ring 555-123-4567 at 10.9.8.7, badge EMP-123456\n";
  g_autoptr (GBytes) input = g_bytes_new_static (text, sizeof text - 1);
  g_autoptr (CliResult) config = NULL;
  g_autoptr (CliResult) scan = NULL;
  g_autoptr (CliResult) patterns = NULL;
  g_autoptr (CliResult) bad = NULL;
  g_autoptr (CliResult) unknown = NULL;
  json_object *json;

  fresh_db ();
  config = run ("pii", "config", "--disable", "PHONE", "--allow", "10.0.0.0/8", "--add-pattern",
                "badge=EMP-\\d{6}", "--json");
  g_assert_cmpint (config->status, ==, 0);
  json = parse_json (config->out);
  g_assert_cmpstr (json_object_get_string (
                       json_object_array_get_idx (json_object_object_get (json, "disabled"), 0)),
                   ==, "PHONE");
  json_object_put (json);

  scan = run_with_input (input, "pii", "scan", "--json", NULL);
  g_assert_cmpint (scan->status, ==, 0);
  g_assert_cmpstr (scan->out, ==,
                   "{\"start\":37,\"end\":47,\"type\":\"CUSTOM\",\"pattern\":\"badge\","
                   "\"value\":\"EMP-123456\"}\n");
  patterns = run ("pii", "patterns");
  g_assert_nonnull (strstr (patterns->out, "EMP-\\d{6}\n"));
  g_assert_null (strstr (patterns->out, tftsr_pii_type_get_pattern (TFTSR_PII_PHONE)));

  /* A broken pattern or an unknown type changes nothing. */
  bad = run ("pii", "config", "--add-pattern", "broken=(x");
  g_assert_cmpint (bad->status, ==, 1);
  g_assert_nonnull (strstr (bad->err, "broken"));
  unknown = run ("pii", "config", "--disable", "NOT_A_TYPE");
  g_assert_cmpint (unknown->status, ==, 2);
  g_clear_pointer (&config, cli_result_free);
  config = run ("pii", "config", "--json");
  g_assert_null (strstr (config->out, "broken"));
  g_assert_nonnull (strstr (config->out, "badge"));
}

static gint64
json_int (json_object *obj, const char *key)
{
  json_object *value = NULL;
  g_assert_true (json_object_object_get_ex (obj, key, &value));
  return json_object_get_int64 (value);
}

/* Images: stored from a file, listed, refused for export until acknowledged (leaving no
 * file behind), then exported byte for byte; the size cap; deletion. */
static void
test_images (void)
{
  g_autofree char *png = g_build_filename (TFTSR_TEST_DATA_DIR, "images", "shot.png", NULL);
  g_autofree char *readme = g_build_filename (TFTSR_TEST_DATA_DIR, "images", "README", NULL);
  g_autofree char *out_path = g_build_filename (tftsr_test_dir (), "exported.png", NULL);
  g_autoptr (GBytes) expected = tftsr_test_read_file (png);
  g_autoptr (GBytes) exported = NULL;
  g_autoptr (CliResult) added = NULL, not_image = NULL, listed = NULL, refused = NULL;
  g_autoptr (CliResult) acknowledged = NULL, to_file = NULL, to_stdout = NULL, human = NULL;
  g_autoptr (CliResult) cap = NULL, set = NULL, new_cap = NULL, out_of_range = NULL;
  g_autoptr (CliResult) not_number = NULL, deleted = NULL, gone = NULL, empty = NULL;
  g_autofree char *issue = NULL;
  g_autofree char *image = NULL;
  json_object *json, *first;

  fresh_db ();
  issue = g_strdup_printf ("%" G_GINT64_FORMAT, create ("Screenshots"));
  added = run ("image", "add", issue, png);
  g_assert_cmpint (added->status, ==, 0);
  image = g_strstrip (g_strdup (added->out));
  not_image = run ("image", "add", issue, readme);
  g_assert_cmpint (not_image->status, ==, 1);
  g_assert_nonnull (strstr (not_image->err, "PNG, JPEG, GIF or WebP"));

  listed = run ("image", "list", issue, "--json");
  g_assert_cmpint (listed->status, ==, 0);
  json = parse_json (listed->out);
  g_assert_cmpuint (json_object_array_length (json), ==, 1);
  first = json_object_array_get_idx (json, 0);
  g_assert_cmpstr (json_str (first, "name"), ==, "shot.png");
  g_assert_cmpstr (json_str (first, "mime"), ==, "image/png");
  g_assert_cmpint (json_int (first, "size"), ==, (gint64) g_bytes_get_size (expected));
  g_assert_cmpint (json_int (first, "width"), ==, 5);
  g_assert_cmpint (json_int (first, "height"), ==, 3);
  g_assert_false (json_object_get_boolean (json_object_object_get (first, "acknowledged")));
  json_object_put (json);

  refused = run ("image", "export", image, "-o", out_path);
  g_assert_cmpint (refused->status, ==, 1);
  g_assert_nonnull (strstr (refused->err, "acknowledged first"));
  g_assert_false (g_file_test (out_path, G_FILE_TEST_EXISTS));

  acknowledged = run ("image", "acknowledge", image);
  g_assert_cmpint (acknowledged->status, ==, 0);
  to_file = run ("image", "export", image, "-o", out_path);
  g_assert_cmpint (to_file->status, ==, 0);
  exported = tftsr_test_read_file (out_path);
  g_assert_true (g_bytes_equal (exported, expected));
  to_stdout = run ("image", "export", image);
  g_assert_cmpint (to_stdout->status, ==, 0);
  g_assert_true (g_bytes_equal (to_stdout->out_bytes, expected));
  human = run ("image", "list", issue);
  g_assert_nonnull (strstr (human->out, " 5x3 "));
  g_assert_nonnull (strstr (human->out, " acknowledged "));

  cap = run ("image", "max-size");
  g_assert_cmpstr (cap->out, ==, "20000000\n");
  set = run ("image", "max-size", "1000000");
  g_assert_cmpint (set->status, ==, 0);
  new_cap = run ("image", "max-size");
  g_assert_cmpstr (new_cap->out, ==, "1000000\n");
  out_of_range = run ("image", "max-size", "10");
  g_assert_cmpint (out_of_range->status, ==, 1);
  not_number = run ("image", "max-size", "ten");
  g_assert_cmpint (not_number->status, ==, 2);

  deleted = run ("image", "delete", image);
  g_assert_cmpint (deleted->status, ==, 0);
  gone = run ("image", "delete", image);
  g_assert_cmpint (gone->status, ==, 1);
  empty = run ("image", "list", issue, "--json");
  json = parse_json (empty->out);
  g_assert_cmpuint (json_object_array_length (json), ==, 0);
  json_object_put (json);
}

/* log rescan applies changed detection settings to stored logs. */
static void
test_log_rescan (void)
{
  static const char text[] = "ring (415) 555-0132 mail bob@mail.internal badge EMP-123456 "
                             "EMP-654321\n";
  g_autoptr (GBytes) input = g_bytes_new_static (text, sizeof text - 1);
  g_autoptr (CliResult) added = NULL, config = NULL, rescanned = NULL, redacted = NULL;
  g_autoptr (CliResult) whole = NULL, missing = NULL, no_issue = NULL, usage = NULL;
  g_autofree char *issue = NULL;

  fresh_db ();
  issue = g_strdup_printf ("%" G_GINT64_FORMAT, create ("Re-scan"));
  added = run_with_input (input, "log", "add", issue, "-", NULL);
  g_assert_cmpint (added->status, ==, 0);
  g_strstrip (added->out);
  config = run ("pii", "config", "--disable", "PHONE", "--add-pattern", "badge=EMP-\\d{6}");
  g_assert_cmpint (config->status, ==, 0);
  rescanned = run ("log", "rescan", added->out);
  g_assert_cmpint (rescanned->status, ==, 0);
  g_assert_cmpstr (rescanned->out, ==, "2 → 3 detections\n");
  redacted = run ("log", "cat", "--redacted", added->out);
  g_assert_cmpstr (redacted->out, ==,
                   "ring (415) 555-0132 mail <EMAIL_1> badge <CUSTOM_BADGE_1> <CUSTOM_BADGE_2>\n");
  whole = run ("log", "rescan", "--issue", issue);
  g_assert_cmpint (whole->status, ==, 0);
  g_assert_cmpstr (whole->out, ==, "3 → 3 detections\n");
  missing = run ("log", "rescan", "999");
  g_assert_cmpint (missing->status, ==, 1);
  g_assert_nonnull (strstr (missing->err, "999"));
  no_issue = run ("log", "rescan", "--issue", "999");
  g_assert_cmpint (no_issue->status, ==, 1);
  usage = run ("log", "rescan");
  g_assert_cmpint (usage->status, ==, 2);
}

/* pii mark redacts a missed value everywhere in the incident, or only where it was
 * selected. */
static void
test_pii_mark (void)
{
  static const char text[] = "host db-7 down; paging db-7 owner\n";
  g_autoptr (GBytes) input = g_bytes_new_static (text, sizeof text - 1);
  g_autoptr (CliResult) added = NULL, second = NULL, everywhere = NULL, here = NULL;
  g_autoptr (CliResult) redacted = NULL, other = NULL, bad_type = NULL, outside = NULL;
  g_autofree char *issue = NULL;
  json_object *json;

  fresh_db ();
  issue = g_strdup_printf ("%" G_GINT64_FORMAT, create ("Mark"));
  added = run_with_input (input, "log", "add", issue, "-", NULL);
  second = run_with_input (input, "log", "add", issue, "-", NULL);
  g_strstrip (added->out);
  g_strstrip (second->out);
  everywhere = run ("pii", "mark", "--json", added->out, "5", "9", "HOSTNAME");
  g_assert_cmpint (everywhere->status, ==, 0);
  json = parse_json (everywhere->out);
  g_assert_cmpint (json_int (json, "marked"), ==, 4);
  json_object_put (json);
  redacted = run ("log", "cat", "--redacted", second->out);
  g_assert_cmpstr (redacted->out, ==, "host <HOSTNAME_1> down; paging <HOSTNAME_1> owner\n");

  here = run ("pii", "mark", "--only-here", added->out, "28", "33", "PERSON");
  g_assert_cmpint (here->status, ==, 0);
  g_assert_cmpstr (here->out, ==, "1 occurrence marked\n");
  other = run ("log", "cat", "--redacted", second->out);
  g_assert_cmpstr (other->out, ==, "host <HOSTNAME_1> down; paging <HOSTNAME_1> owner\n");

  bad_type = run ("pii", "mark", added->out, "0", "4", "host name");
  g_assert_cmpint (bad_type->status, ==, 1);
  g_assert_nonnull (strstr (bad_type->err, "host name"));
  outside = run ("pii", "mark", added->out, "0", "400", "HOSTNAME");
  g_assert_cmpint (outside->status, ==, 1);
}

/* ai add|providers|use|remove: keys only from the environment, never printed. */
static void
test_ai_providers (void)
{
  g_autoptr (CliResult) added = NULL, second = NULL, listed = NULL, used = NULL, text = NULL;
  g_autoptr (CliResult) removed = NULL, bad_format = NULL, no_env = NULL, unknown = NULL;
  json_object *json, *first;

  fresh_db ();
  g_setenv ("TFTSR_TEST_AI_KEY", "sk-cli-secret-123", TRUE);
  added = run ("ai", "add", "work", "--format", "openai", "--url", "https://api.example.com/v1",
               "--model", "gpt-4o-mini", "--api-key-env", "TFTSR_TEST_AI_KEY", "--option",
               "api_version=2024-10-21");
  g_assert_cmpint (added->status, ==, 0);
  second = run ("ai", "add", "local", "--format", "ollama", "--url", "http://127.0.0.1:11434",
                "--model", "llama3.2", "--tools", "off");
  g_assert_cmpint (second->status, ==, 0);
  used = run ("ai", "use", "local");
  g_assert_cmpint (used->status, ==, 0);

  listed = run ("ai", "providers", "--json");
  g_assert_null (strstr (listed->out, "sk-cli-secret"));
  json = parse_json (listed->out);
  g_assert_cmpuint (json_object_array_length (json), ==, 2);
  first = json_object_array_get_idx (json, 0);
  g_assert_cmpstr (json_object_get_string (json_object_object_get (first, "name")), ==, "local");
  g_assert_true (json_object_get_boolean (json_object_object_get (first, "active")));
  g_assert_false (json_object_get_boolean (json_object_object_get (first, "has_key")));
  g_assert_cmpstr (json_object_get_string (json_object_object_get (first, "tools")), ==, "off");
  first = json_object_array_get_idx (json, 1);
  g_assert_true (json_object_get_boolean (json_object_object_get (first, "has_key")));
  g_assert_cmpstr (json_object_get_string (json_object_object_get (
                       json_object_object_get (first, "options"), "api_version")),
                   ==, "2024-10-21");
  json_object_put (json);
  text = run ("ai", "providers");
  g_assert_nonnull (strstr (text->out, "* local  ollama  llama3.2"));

  removed = run ("ai", "remove", "local");
  g_assert_cmpint (removed->status, ==, 0);
  bad_format =
      run ("ai", "add", "x", "--format", "bard", "--url", "https://x.test", "--model", "m");
  g_assert_cmpint (bad_format->status, ==, 2);
  no_env = run ("ai", "add", "y", "--format", "anthropic", "--url", "https://x.test", "--model",
                "m", "--api-key-env", "TFTSR_TEST_NEVER_SET");
  g_assert_cmpint (no_env->status, ==, 2);
  g_assert_nonnull (strstr (no_env->err, "TFTSR_TEST_NEVER_SET"));
  unknown = run ("ai", "use", "nowhere");
  g_assert_cmpint (unknown->status, ==, 1);
}

/* ai chat --offline and ai whys: the guide's questions on stdout, the 5-Whys level on
 * stderr, the chain as text and JSON. */
static void
test_ai_chat_offline (void)
{
  g_autoptr (CliResult) created = NULL, first = NULL, second = NULL, last = NULL;
  g_autoptr (CliResult) text = NULL, json_out = NULL, early = NULL, missing = NULL;
  g_autoptr (CliResult) no_args = NULL, bad_id = NULL, exclusive = NULL, fresh = NULL;
  g_autofree char *id = NULL;
  json_object *json, *whys;

  fresh_db ();
  created = run ("issue", "create", "--title", "Disk full on web-1", "--category", "linux");
  id = g_strstrip (g_strdup (created->out));
  fresh = run ("ai", "whys", id);
  g_assert_cmpint (fresh->status, ==, 0);
  g_assert_nonnull (strstr (fresh->out, "5 Whys: not started"));
  early = run ("ai", "chat", id, "it was log rotation", "--offline", "--root-cause");
  g_assert_cmpint (early->status, ==, 1);

  /* No provider is set up: the guide answers without --offline. */
  first = run ("ai", "chat", id, "/ is at 100%");
  g_assert_cmpint (first->status, ==, 0);
  g_assert_nonnull (strstr (first->out, "Why 1 of 5: Why did “Disk full on web-1” happen?"));
  g_assert_nonnull (strstr (first->out, "journalctl -u UNIT"));
  g_assert_nonnull (strstr (first->err, "the offline guide answers"));
  g_assert_nonnull (strstr (first->err, "5 Whys: started; asking why 1 of 5"));
  second = run ("ai", "chat", "--offline", id, "/var/log/app grew to 40 GB");
  g_assert_cmpint (second->status, ==, 0);
  g_assert_nonnull (strstr (second->out, "Why 2 of 5"));
  g_assert_nonnull (strstr (second->err, "5 Whys: why 1 answered; now asking why 2 of 5"));
  last = run ("ai", "chat", "--offline", "--root-cause", id, "logrotate was not installed");
  g_assert_cmpint (last->status, ==, 0);
  g_assert_nonnull (strstr (last->out, "Root cause: logrotate was not installed"));
  g_assert_nonnull (
      strstr (last->err, "5 Whys: root cause identified: logrotate was not installed"));

  text = run ("ai", "whys", id);
  g_assert_nonnull (strstr (text->out, "5 Whys: root cause identified"));
  g_assert_nonnull (strstr (text->out, "1. Why did “Disk full on web-1” happen?\n   /var/log/app "
                                       "grew to 40 GB"));
  g_assert_nonnull (strstr (text->out, "Root cause: logrotate was not installed"));
  json_out = run ("ai", "whys", id, "--json");
  json = parse_json (json_out->out);
  g_assert_cmpint (json_object_get_int (json_object_object_get (json, "level")), ==, 6);
  g_assert_cmpstr (json_str (json, "state"), ==, "root_cause_identified");
  g_assert_cmpstr (json_str (json, "root_cause"), ==, "logrotate was not installed");
  whys = json_object_object_get (json, "whys");
  g_assert_cmpuint (json_object_array_length (whys), ==, 2);
  g_assert_cmpstr (json_str (json_object_array_get_idx (whys, 1), "answer"), ==,
                   "logrotate was not installed");
  json_object_put (json);

  no_args = run ("ai", "chat", id);
  g_assert_cmpint (no_args->status, ==, 2);
  bad_id = run ("ai", "whys", "twelve");
  g_assert_cmpint (bad_id->status, ==, 2);
  exclusive = run ("ai", "chat", id, "x", "--offline", "--provider", "p");
  g_assert_cmpint (exclusive->status, ==, 2);
  missing = run ("ai", "chat", "999", "hello", "--offline");
  g_assert_cmpint (missing->status, ==, 1);
  g_assert_nonnull (strstr (missing->err, "no incident 999"));
}

static TftsrFakeReply *
fake_reply (guint status, const char *content_type, const char *body)
{
  TftsrFakeReply *reply = tftsr_fake_reply_new (status, content_type);

  tftsr_fake_reply_add_pieces (reply, body, -1, 16);
  return reply;
}

/* A pseudonym and a marker cut across events: the line arrives revealed, the marker line
 * becomes a level change on stderr. */
static const char chat_stream[] =
    "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Host <HOSTN\"}}]}\n\n"
    "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"AME_1> is down.\\n**[[WHY 1: "
    "<HOSTNAME_1> lo\"}}]}\n\n"
    "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"st power]]**\"}}]}\n\n"
    "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
    "data: [DONE]\n\n";

/* ai chat, test and models against a loopback provider. */
static void
test_ai_provider_commands (void)
{
  g_autoptr (TftsrFakeServer) server = tftsr_fake_server_new ();
  g_autofree char *url = tftsr_fake_server_url (server, "/v1");
  g_autoptr (TftsrFakeReply) chat = fake_reply (200, "text/event-stream", chat_stream);
  g_autoptr (TftsrFakeReply) models =
      fake_reply (200, "application/json",
                  "{\"object\":\"list\",\"data\":[{\"id\":\"m-2\"},{\"id\":\"m-1\"}]}");
  g_autoptr (CliResult) added = NULL, created = NULL, chatted = NULL, whys = NULL;
  g_autoptr (CliResult) tested = NULL, listed = NULL, listed_json = NULL, refused = NULL;
  g_autofree char *id = NULL;

  fresh_db ();
  g_setenv ("TFTSR_TEST_AI_KEY", "sk-loopback", TRUE);
  added = run ("ai", "add", "loop", "--format", "openai", "--url", url, "--model", "m-1",
               "--api-key-env", "TFTSR_TEST_AI_KEY");
  g_assert_cmpint (added->status, ==, 0);
  created = run ("issue", "create", "--title", "Outage on db-canary-01.prod.acme.internal");
  id = g_strstrip (g_strdup (created->out));

  tftsr_fake_server_add_replies (server, "/v1/chat/completions", chat, NULL);
  chatted = run ("ai", "chat", id, "Why is db-canary-01.prod.acme.internal down?");
  g_assert_cmpint (chatted->status, ==, 0);
  g_assert_cmpstr (chatted->out, ==, "Host db-canary-01.prod.acme.internal is down.\n");
  g_assert_nonnull (strstr (chatted->err, "5 Whys: why 1 answered; now asking why 2 of 5"));
  whys = run ("ai", "whys", id);
  g_assert_nonnull (strstr (whys->out, "db-canary-01.prod.acme.internal lost power"));

  /* The connection test: a reply, then the tool probe answered in text. */
  tested = run ("ai", "test", "loop");
  g_assert_cmpint (tested->status, ==, 0);
  g_assert_nonnull (strstr (tested->out, "Reply: Host <HOSTNAME_1> is down."));
  g_assert_nonnull (strstr (tested->out, "ms\n"));
  g_assert_nonnull (strstr (tested->out, "Tools: not supported"));

  tftsr_fake_server_add_replies (server, "/v1/models", models, NULL);
  listed = run ("ai", "models", "loop");
  g_assert_cmpint (listed->status, ==, 0);
  g_assert_cmpstr (listed->out, ==, "m-1\nm-2\n");
  listed_json = run ("ai", "models", "loop", "--json");
  g_assert_nonnull (strstr (listed_json->out, "[ \"m-1\", \"m-2\" ]"));
  refused = run ("ai", "models", "nowhere");
  g_assert_cmpint (refused->status, ==, 1);
}

static gboolean
body_has (TftsrFakeRequest *request, const char *needle)
{
  gsize len = 0;
  const char *data = g_bytes_get_data (request->body, &len);

  return data != NULL && g_strstr_len (data, (gssize) len, needle) != NULL;
}

/* ai chat --log and --image: an excerpt, a whole log and an acknowledged screenshot reach
 * the provider redacted and as an image part; an unacknowledged screenshot is refused before
 * anything is sent; a malformed --log, or attachments for the offline guide, are usage
 * errors. */
/* ai chat --tools: a word it does not know is a usage error; allow runs the model's call
 * against the reference MCP server (when installed) and the answer follows; deny (the
 * default off a terminal) offers no tools at all. */
static void
test_ai_chat_tools (void)
{
  g_autofree char *script = g_strconcat (TFTSR_MCP_SERVER_DIR,
                                         "/node_modules/@modelcontextprotocol/"
                                         "server-everything/dist/index.js",
                                         NULL);
  g_autofree char *node = g_find_program_in_path ("node");
  g_autoptr (TftsrFakeServer) server = tftsr_fake_server_new ();
  g_autofree char *url = tftsr_fake_server_url (server, "/v1");
  g_autoptr (TftsrFakeReply) call = fake_reply (
      200, "text/event-stream",
      "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":"
      "\"c1\",\"type\":\"function\",\"function\":{\"name\":\"everything__get-sum\","
      "\"arguments\":\"{\\\"a\\\":2,\\\"b\\\":40}\"}}]},\"finish_reason\":\"tool_calls\"}]}"
      "\n\ndata: [DONE]\n\n");
  g_autoptr (TftsrFakeReply) answer =
      fake_reply (200, "text/event-stream",
                  "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"It is 42.\"},"
                  "\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n");
  g_autoptr (CliResult) bad = NULL, added = NULL, mcp = NULL, allowed = NULL, denied = NULL;
  g_autoptr (GPtrArray) requests = NULL;
  g_autofree char *issue = NULL;

  fresh_db ();
  g_setenv ("TFTSR_TEST_AI_KEY", "sk-loopback", TRUE);
  added = run ("ai", "add", "loop", "--format", "openai", "--url", url, "--model", "m-1",
               "--api-key-env", "TFTSR_TEST_AI_KEY");
  g_assert_cmpint (added->status, ==, 0);
  issue = g_strdup_printf ("%" G_GINT64_FORMAT, create ("Tools"));
  bad = run ("ai", "chat", issue, "Sum", "--tools", "maybe");
  g_assert_cmpint (bad->status, ==, 2);
  g_assert_nonnull (strstr (bad->err, "--tools"));
  if (node == NULL || !g_file_test (script, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("The reference MCP server is not installed; the tool call is skipped.");
      return;
    }
  mcp = run ("mcp", "add", "everything", "--stdio", node, script, "stdio");
  g_assert_cmpint (mcp->status, ==, 0);
  tftsr_fake_server_add_replies (server, "/v1/chat/completions", call, answer, NULL);
  allowed = run ("ai", "chat", issue, "Sum", "--tools", "allow");
  g_assert_cmpint (allowed->status, ==, 0);
  g_assert_cmpstr (allowed->out, ==, "It is 42.\n");
  g_assert_nonnull (strstr (allowed->err, "{\"a\":2,\"b\":40}"));
  requests = tftsr_fake_server_dup_requests (server);
  g_assert_cmpuint (requests->len, ==, 2);
  g_assert_true (body_has (requests->pdata[0], "\"tools\":["));
  g_assert_true (body_has (requests->pdata[1], "The sum of 2 and 40 is 42"));
  /* Standard input is no terminal here: no tools unless asked for. */
  denied = run ("ai", "chat", issue, "Again");
  g_assert_cmpint (denied->status, ==, 0);
  g_clear_pointer (&requests, g_ptr_array_unref);
  requests = tftsr_fake_server_dup_requests (server);
  g_assert_false (body_has (requests->pdata[2], "\"tools\":["));
}

static void
test_ai_chat_attachments (void)
{
  static const char text[] = "a ok\nb from 10.23.45.67\nc ok\n";
  g_autofree char *png = g_build_filename (TFTSR_TEST_DATA_DIR, "images", "shot.png", NULL);
  g_autoptr (GBytes) input = g_bytes_new_static (text, sizeof text - 1);
  g_autoptr (TftsrFakeServer) server = tftsr_fake_server_new ();
  g_autofree char *url = tftsr_fake_server_url (server, "/v1");
  g_autoptr (TftsrFakeReply) chat =
      fake_reply (200, "text/event-stream",
                  "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Seen.\"},"
                  "\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n");
  g_autoptr (CliResult) help = NULL, added = NULL, log = NULL, image = NULL, raw = NULL;
  g_autoptr (CliResult) malformed = NULL, offline = NULL, cleared = NULL, chatted = NULL;
  g_autoptr (GPtrArray) requests = NULL;
  g_autofree char *issue = NULL, *excerpt = NULL;
  TftsrFakeRequest *sent;

  help = run ("ai", "chat", "--help");
  g_assert_cmpint (help->status, ==, 0);
  g_assert_nonnull (strstr (help->out, "--log=LOG_ID[:FIRST-LAST]"));
  g_assert_nonnull (strstr (help->out, "--image=IMAGE_ID"));

  fresh_db ();
  g_setenv ("TFTSR_TEST_AI_KEY", "sk-loopback", TRUE);
  added = run ("ai", "add", "loop", "--format", "openai", "--url", url, "--model", "m-1",
               "--api-key-env", "TFTSR_TEST_AI_KEY");
  g_assert_cmpint (added->status, ==, 0);
  tftsr_fake_server_add_replies (server, "/v1/chat/completions", chat, NULL);
  issue = g_strdup_printf ("%" G_GINT64_FORMAT, create ("Attachments"));
  log = run_with_input (input, "log", "add", issue, "-", NULL);
  image = run ("image", "add", issue, png);
  g_assert_cmpint (log->status + image->status, ==, 0);
  g_strstrip (log->out);
  g_strstrip (image->out);

  raw = run ("ai", "chat", issue, "Look", "--image", image->out);
  g_assert_cmpint (raw->status, ==, 1);
  g_assert_nonnull (strstr (raw->err, "acknowledged"));
  malformed = run ("ai", "chat", issue, "Look", "--log", "2:3");
  g_assert_cmpint (malformed->status, ==, 2);
  g_assert_nonnull (strstr (malformed->err, "ID:FIRST-LAST"));
  offline = run ("ai", "chat", issue, "Look", "--offline", "--log", log->out);
  g_assert_cmpint (offline->status, ==, 2);
  requests = tftsr_fake_server_dup_requests (server);
  g_assert_cmpuint (requests->len, ==, 0);

  cleared = run ("image", "acknowledge", image->out);
  g_assert_cmpint (cleared->status, ==, 0);
  excerpt = g_strconcat (log->out, ":2-2", NULL);
  chatted =
      run ("ai", "chat", issue, "Look", "--log", excerpt, "--image", image->out, "--log", log->out);
  g_assert_cmpint (chatted->status, ==, 0);
  g_assert_cmpstr (chatted->out, ==, "Seen.\n");
  g_clear_pointer (&requests, g_ptr_array_unref);
  requests = tftsr_fake_server_dup_requests (server);
  g_assert_cmpuint (requests->len, ==, 1);
  sent = requests->pdata[0];
  g_assert_true (body_has (sent, "Attached log “stdin”, line 2:\\n```\\nb from <IPV4_1>\\n```"));
  g_assert_true (body_has (sent, "Attached log “stdin” (the whole log, 3 lines):"));
  g_assert_true (body_has (sent, "Attached screenshot “shot.png”: image 1 of this message."));
  g_assert_true (body_has (sent, "\"url\":\"data:image/png;base64,"));
  g_assert_false (body_has (sent, "10.23.45.67"));
}

static json_object *
json_path (json_object *obj, const char *path)
{
  g_auto (GStrv) parts = g_strsplit (path, ".", -1);

  for (guint i = 0; obj != NULL && parts[i] != NULL; i++)
    {
      json_object *next = NULL;
      if (json_object_is_type (obj, json_type_array))
        next = json_object_array_get_idx (obj, g_ascii_strtoll (parts[i], NULL, 10));
      else
        json_object_object_get_ex (obj, parts[i], &next);
      obj = next;
    }
  return obj;
}

/* ollama hardware on fixture trees (TFTSR_HARDWARE_ROOT), the fixture's nvidia-smi run. */
static void
test_ollama_hardware (void)
{
  g_autofree char *amd = g_build_filename (TFTSR_TEST_DATA_DIR, "hardware", "amd-desktop", NULL);
  g_autofree char *nvidia =
      g_build_filename (TFTSR_TEST_DATA_DIR, "hardware", "nvidia-workstation", NULL);
  g_autofree char *broken =
      g_build_filename (TFTSR_TEST_DATA_DIR, "hardware", "broken-meminfo", NULL);
  g_autoptr (CliResult) amd_json = NULL, nvidia_json = NULL, text = NULL, failed = NULL;
  g_autoptr (CliResult) usage = NULL;
  json_object *json;

  fresh_db ();
  g_setenv ("TFTSR_HARDWARE_ROOT", amd, TRUE);
  amd_json = run ("ollama", "hardware", "--json");
  g_assert_cmpint (amd_json->status, ==, 0);
  json = parse_json (amd_json->out);
  g_assert_cmpstr (json_object_get_string (json_path (json, "cpu.model")), ==,
                   "AMD Ryzen 5 5600X 6-Core Processor");
  g_assert_cmpint (json_object_get_int64 (json_path (json, "cpu.cores")), ==, 6);
  g_assert_cmpint (json_object_get_int64 (json_path (json, "cpu.threads")), ==, 12);
  g_assert_cmpint (json_object_get_int64 (json_path (json, "ram.total")), ==,
                   G_GINT64_CONSTANT (32817340) * 1024);
  g_assert_cmpstr (json_object_get_string (json_path (json, "gpus.0.vendor")), ==, "amd");
  g_assert_cmpint (json_object_get_int64 (json_path (json, "gpus.0.vram")), ==,
                   G_GINT64_CONSTANT (8573157376));
  g_assert_cmpuint (json_object_array_length (json_path (json, "warnings")), ==, 0);
  json_object_put (json);
  text = run ("ollama", "hardware");
  g_assert_nonnull (strstr (text->out, "GPU  AMD GPU 1002:73ff, 8.0\xc2\xa0GiB VRAM\n"));

  g_setenv ("TFTSR_HARDWARE_ROOT", nvidia, TRUE);
  nvidia_json = run ("ollama", "hardware", "--json");
  json = parse_json (nvidia_json->out);
  g_assert_cmpuint (json_object_array_length (json_path (json, "gpus")), ==, 2);
  g_assert_cmpstr (json_object_get_string (json_path (json, "gpus.0.name")), ==,
                   "NVIDIA RTX A4000");
  json_object_put (json);

  g_setenv ("TFTSR_HARDWARE_ROOT", broken, TRUE);
  failed = run ("ollama", "hardware");
  g_assert_cmpint (failed->status, ==, 1);
  g_assert_nonnull (strstr (failed->err, "The memory size could not be read"));
  usage = run ("ollama", "hardware", "--url", "http://x.test");
  g_assert_cmpint (usage->status, ==, 2);
  g_unsetenv ("TFTSR_HARDWARE_ROOT");
}

static const char ollama_tags[] =
    "{\"models\":[{\"name\":\"llama3.2:latest\",\"size\":2019393189,"
    "\"modified_at\":\"2025-05-04T17:37:44.706015396-07:00\",\"details\":{\"family\":"
    "\"llama\",\"parameter_size\":\"3.2B\",\"quantization_level\":\"Q4_K_M\"}}]}";

static const char ollama_pull[] =
    "{\"status\":\"pulling manifest\"}\n"
    "{\"status\":\"pulling dde5aa3fc5ff\",\"digest\":\"sha256:dde5\",\"total\":1000}\n"
    "{\"status\":\"pulling dde5aa3fc5ff\",\"digest\":\"sha256:dde5\",\"total\":1000,"
    "\"completed\":500}\n"
    "{\"status\":\"pulling dde5aa3fc5ff\",\"digest\":\"sha256:dde5\",\"total\":1000,"
    "\"completed\":1000}\n"
    "{\"status\":\"verifying sha256 digest\"}\n{\"status\":\"success\"}\n";

static TftsrFakeReply *
fake_json (guint status, const char *body)
{
  TftsrFakeReply *reply = tftsr_fake_reply_new (status, "application/json");

  tftsr_fake_reply_add_piece (reply, body, -1);
  return reply;
}

/* ollama status: the URL given, the active Ollama provider's, or nothing listening. */
static void
test_ollama_status (void)
{
  g_autoptr (TftsrFakeServer) server = tftsr_fake_server_new ();
  g_autoptr (TftsrFakeReply) version = fake_json (200, "{\"version\":\"0.5.1\"}");
  g_autofree char *url = tftsr_fake_server_url (server, "");
  g_autofree char *expected = g_strdup_printf ("Ollama 0.5.1 is running at %s\n", url);
  g_autoptr (GSocket) socket = NULL;
  g_autofree char *down = NULL;
  g_autoptr (CliResult) given = NULL, added = NULL, active = NULL, refused = NULL;
  g_autoptr (CliResult) refused_json = NULL;
  guint port = 0;
  json_object *json;

  tftsr_fake_server_add_replies (server, "/api/version", version, NULL);
  fresh_db ();
  given = run ("ollama", "status", "--url", url);
  g_assert_cmpint (given->status, ==, 0);
  g_assert_cmpstr (given->out, ==, expected);

  added = run ("ai", "add", "local", "--format", "ollama", "--url", url, "--model", "llama3.2");
  g_assert_cmpint (added->status, ==, 0);
  active = run ("ollama", "status", "--json");
  g_assert_cmpint (active->status, ==, 0);
  json = parse_json (active->out);
  g_assert_cmpstr (json_str (json, "url"), ==, url);
  g_assert_cmpstr (json_str (json, "version"), ==, "0.5.1");
  g_assert_true (json_object_get_boolean (json_path (json, "running")));
  json_object_put (json);

  socket = tftsr_test_refusing_socket (&port);
  down = g_strdup_printf ("http://127.0.0.1:%u", port);
  refused = run ("ollama", "status", "--url", down);
  g_assert_cmpint (refused->status, ==, 1);
  g_assert_nonnull (strstr (refused->err, "start it with “ollama serve”"));
  refused_json = run ("ollama", "status", "--url", down, "--json");
  g_assert_cmpint (refused_json->status, ==, 1);
  json = parse_json (refused_json->out);
  g_assert_false (json_object_get_boolean (json_path (json, "running")));
  json_object_put (json);
}

/* models, pull (progress as plain lines when standard error is no terminal), delete, and
 * recommend marking what is installed. */
static void
test_ollama_models (void)
{
  g_autoptr (TftsrFakeServer) server = tftsr_fake_server_new ();
  g_autoptr (TftsrFakeReply) tags = fake_json (200, ollama_tags);
  g_autoptr (TftsrFakeReply) pull = tftsr_fake_reply_new (200, "application/x-ndjson");
  g_autoptr (TftsrFakeReply) missing = fake_json (404, "{\"error\":\"model not found\"}");
  g_autofree char *url = tftsr_fake_server_url (server, "");
  g_autofree char *laptop = g_build_filename (TFTSR_TEST_DATA_DIR, "hardware", "laptop", NULL);
  g_autoptr (CliResult) models = NULL, text = NULL, pulled = NULL, deleted = NULL;
  g_autoptr (CliResult) recommended = NULL, no_model = NULL, bad_verb = NULL;
  json_object *json;

  tftsr_fake_reply_add_pieces (pull, ollama_pull, -1, 9);
  tftsr_fake_server_add_replies (server, "/api/tags", tags, NULL);
  tftsr_fake_server_add_replies (server, "/api/pull", pull, NULL);
  tftsr_fake_server_add_replies (server, "/api/delete", missing, NULL);
  fresh_db ();

  models = run ("ollama", "models", "--json", "--url", url);
  g_assert_cmpint (models->status, ==, 0);
  json = parse_json (models->out);
  g_assert_cmpstr (json_object_get_string (json_path (json, "0.name")), ==, "llama3.2:latest");
  g_assert_cmpint (json_object_get_int64 (json_path (json, "0.size")), ==, 2019393189);
  g_assert_cmpstr (json_object_get_string (json_path (json, "0.modified_at")), ==,
                   "2025-05-05T00:37:44.706Z");
  g_assert_cmpstr (json_object_get_string (json_path (json, "0.quantization_level")), ==, "Q4_K_M");
  json_object_put (json);
  text = run ("ollama", "models", "--url", url);
  g_assert_nonnull (strstr (text->out, "llama3.2:latest"));
  g_assert_nonnull (strstr (text->out, "2.0\xc2\xa0GB"));

  pulled = run ("ollama", "pull", "llama3.2:3b", "--url", url);
  g_assert_cmpint (pulled->status, ==, 0);
  g_assert_cmpstr (pulled->out, ==, "");
  g_assert_true (g_str_has_prefix (pulled->err, "pulling manifest\n"));
  g_assert_nonnull (strstr (pulled->err, "\nsuccess  100%  1.0\xc2\xa0kB / 1.0\xc2\xa0kB\n"));
  g_assert_null (strstr (pulled->err, "\r"));

  deleted = run ("ollama", "delete", "llama3.2:3b", "--url", url);
  g_assert_cmpint (deleted->status, ==, 1);
  g_assert_nonnull (strstr (deleted->err, "has no model “llama3.2:3b”"));

  g_setenv ("TFTSR_HARDWARE_ROOT", laptop, TRUE);
  recommended = run ("ollama", "recommend", "--json", "--url", url);
  g_unsetenv ("TFTSR_HARDWARE_ROOT");
  g_assert_cmpint (recommended->status, ==, 0);
  json = parse_json (recommended->out);
  g_assert_cmpstr (json_object_get_string (json_path (json, "0.model")), ==, "llama3.2:3b");
  g_assert_true (json_object_get_boolean (json_path (json, "0.installed")));
  g_assert_cmpstr (json_object_get_string (json_path (json, "0.placement")), ==, "cpu");
  g_assert_false (json_object_get_boolean (json_path (json, "1.installed")));
  json_object_put (json);

  no_model = run ("ollama", "pull");
  g_assert_cmpint (no_model->status, ==, 2);
  bad_verb = run ("ollama", "list");
  g_assert_cmpint (bad_verb->status, ==, 2);
}

/* How many timeline events of @kind incident @id has, as issue show --json lists them. */
static guint
timeline_kinds (const char *id, const char *kind)
{
  g_autoptr (CliResult) shown = run ("issue", "show", id, "--json");
  json_object *json = parse_json (shown->out);
  json_object *timeline = NULL;
  guint n = 0;

  g_assert_true (json_object_object_get_ex (json, "timeline", &timeline));
  for (size_t i = 0; i < json_object_array_length (timeline); i++)
    n += g_str_equal (json_str (json_object_array_get_idx (timeline, i), "kind"), kind);
  json_object_put (json);
  return n;
}

/* Generated once, shown without generating, edited from standard input, compared, reverted. */
static void
test_doc_revisions (void)
{
  g_autofree char *id = NULL;
  static const char mine_text[] = "# Mine | ours\n";
  g_autoptr (GBytes) mine = g_bytes_new_static (mine_text, sizeof mine_text - 1);
  g_autoptr (CliResult) missing = NULL;
  g_autoptr (CliResult) generated = NULL;
  g_autoptr (CliResult) twice = NULL;
  g_autoptr (CliResult) shown = NULL;
  g_autoptr (CliResult) edited = NULL;
  g_autoptr (CliResult) listed = NULL;
  g_autoptr (CliResult) diff = NULL;
  g_autoptr (CliResult) reverted = NULL;
  g_autoptr (CliResult) second = NULL;
  g_autoptr (CliResult) current = NULL;
  json_object *json;

  fresh_db ();
  id = g_strdup_printf ("%" G_GINT64_FORMAT, create ("Checkout | 502 <b>#1</b>"));
  missing = run ("doc", "show", id, "rca");
  g_assert_cmpint (missing->status, ==, 1);
  g_assert_nonnull (strstr (missing->err, "has no RCA yet"));
  g_assert_nonnull (strstr (missing->err, "tftsr-cli doc generate"));
  g_assert_cmpuint (timeline_kinds (id, "document_generated"), ==, 0);

  generated = run ("doc", "generate", id, "rca");
  g_assert_cmpint (generated->status, ==, 0);
  g_assert_cmpstr (generated->out, ==, "1\n");
  twice = run ("doc", "generate", id, "rca");
  g_assert_cmpint (twice->status, ==, 1);
  g_assert_nonnull (strstr (twice->err, "regenerate"));
  shown = run ("doc", "show", id, "rca", "--json");
  json = parse_json (shown->out);
  g_assert_cmpstr (json_str (json, "kind"), ==, "rca");
  g_assert_cmpstr (json_str (json, "title"), ==, "Root Cause Analysis: Checkout | 502 <b>#1</b>");
  g_assert_true (g_str_has_prefix (json_str (json, "markdown"),
                                   "# Root Cause Analysis: Checkout \\| 502 \\<b>#1\\</b>\n"));
  json_object_put (json);

  edited = run_with_input (mine, "doc", "edit", id, "rca", "-", NULL);
  g_assert_cmpint (edited->status, ==, 0);
  g_assert_cmpstr (edited->out, ==, "2\n");
  listed = run ("doc", "revisions", id, "rca", "--json");
  json = parse_json (listed->out);
  g_assert_cmpuint (json_object_array_length (json), ==, 2);
  g_assert_cmpstr (json_str (json_object_array_get_idx (json, 0), "reason"), ==, "generated");
  g_assert_cmpstr (json_str (json_object_array_get_idx (json, 1), "reason"), ==, "edited");
  json_object_put (json);
  diff = run ("doc", "diff", id, "rca", "1", "2");
  g_assert_cmpint (diff->status, ==, 0);
  g_assert_true (g_str_has_prefix (diff->out, "--- revision 1\n+++ revision 2\n@@ -1,"));
  g_assert_nonnull (strstr (diff->out, "\n+# Mine | ours\n"));

  reverted = run ("doc", "revert", id, "rca", "1");
  g_assert_cmpstr (reverted->out, ==, "3\n");
  second = run ("doc", "show", id, "rca", "--revision", "2");
  g_assert_cmpstr (second->out, ==, "# Mine | ours\n");
  current = run ("doc", "show", id, "rca");
  g_assert_true (g_str_has_prefix (current->out, "# Root Cause Analysis: "));
  g_assert_cmpuint (timeline_kinds (id, "document_generated"), ==, 1);
}

static void
test_doc_export (void)
{
  g_autofree char *id = NULL;
  g_autofree char *html_path = g_build_filename (tftsr_test_dir (), "cli-rca.html", NULL);
  g_autofree char *md_path = g_build_filename (tftsr_test_dir (), "cli-pm.md", NULL);
  g_autofree char *html = NULL;
  g_autofree char *md = NULL;
  g_autofree char *expected = NULL;
  g_autoptr (CliResult) generated = NULL;
  g_autoptr (CliResult) exported = NULL;
  g_autoptr (CliResult) one_step = NULL;
  g_autoptr (CliResult) printed = NULL;
  g_autoptr (CliResult) pdf = NULL, confluence = NULL;

  fresh_db ();
  id = g_strdup_printf ("%" G_GINT64_FORMAT, create ("Disk full on db-02"));
  generated = run ("doc", "generate", id, "rca");
  g_assert_cmpint (generated->status, ==, 0);
  exported = run ("doc", "export", id, "rca", "--format", "html", "--output", html_path);
  g_assert_cmpint (exported->status, ==, 0);
  expected = g_strconcat (html_path, "\n", NULL);
  g_assert_cmpstr (exported->out, ==, expected);
  g_assert_true (g_file_get_contents (html_path, &html, NULL, NULL));
  g_assert_true (g_str_has_prefix (html, "<!DOCTYPE html>"));
  g_assert_nonnull (strstr (html, "<title>Root Cause Analysis: Disk full on db-02</title>"));

  /* The contract's one step: generated because there was none, written, recorded. */
  one_step = run ("doc", "postmortem", id, "-o", md_path);
  g_assert_cmpint (one_step->status, ==, 0);
  g_assert_true (g_file_get_contents (md_path, &md, NULL, NULL));
  g_assert_true (g_str_has_prefix (md, "# Post-mortem: Disk full on db-02\n"));
  printed = run ("doc", "postmortem", id);
  g_assert_cmpstr (printed->out, ==, md);
  g_assert_cmpuint (timeline_kinds (id, "document_generated"), ==, 2);
  g_assert_cmpuint (timeline_kinds (id, "document_exported"), ==, 2);

  pdf = run ("doc", "rca", id, "--format", "pdf");
  g_assert_cmpint (pdf->status, ==, 0);
  g_assert_true (g_str_has_prefix (g_bytes_get_data (pdf->out_bytes, NULL), "%PDF-"));
  g_assert_cmpuint (timeline_kinds (id, "document_exported"), ==, 2);

  /* The body of a Confluence page: storage format, its title a heading, its tables tables. */
  confluence = run ("doc", "rca", id, "--format", "confluence");
  g_assert_cmpint (confluence->status, ==, 0);
  g_assert_true (
      g_str_has_prefix (confluence->out, "<h1>Root Cause Analysis: Disk full on db-02</h1>\n"));
  g_assert_nonnull (strstr (confluence->out, "<table><tbody>\n<tr><th>"));
  g_assert_null (strstr (confluence->out, "<!DOCTYPE"));
}

static gboolean
file_has (const char *path, const char *text)
{
  g_autofree char *contents = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  return memmem (contents, len, text, strlen (text)) != NULL;
}

/* PDF export: the paper from --paper, else the stored setting, else the locale's (the
 * tests run in C.UTF-8: A4). */
static void
test_doc_export_pdf (void)
{
  g_autofree char *id = NULL;
  g_autofree char *path = g_build_filename (tftsr_test_dir (), "cli-rca.pdf", NULL);
  g_autofree char *expected = g_strconcat (path, "\n", NULL);
  g_autoptr (CliResult) generated = NULL;
  g_autoptr (CliResult) a4 = NULL;
  g_autoptr (CliResult) paper = NULL;
  g_autoptr (CliResult) set = NULL;
  g_autoptr (CliResult) letter = NULL;
  g_autoptr (CliResult) forced = NULL;

  fresh_db ();
  id = g_strdup_printf ("%" G_GINT64_FORMAT, create ("Disk full on db-02"));
  generated = run ("doc", "generate", id, "rca");
  g_assert_cmpint (generated->status, ==, 0);
  a4 = run ("doc", "export", id, "rca", "--format", "pdf", "-o", path);
  g_assert_cmpint (a4->status, ==, 0);
  g_assert_cmpstr (a4->out, ==, expected);
  g_assert_cmpstr (a4->err, ==, "");
  g_assert_true (file_has (path, "%PDF-"));
  g_assert_true (file_has (path, "/MediaBox [ 0 0 595.276 841.89 ]"));
  paper = run ("doc", "paper");
  g_assert_cmpstr (paper->out, ==, "a4\n");

  set = run ("doc", "paper", "letter");
  g_assert_cmpint (set->status, ==, 0);
  letter = run ("doc", "export", id, "rca", "--format", "pdf", "-o", path);
  g_assert_cmpint (letter->status, ==, 0);
  g_assert_true (file_has (path, "/MediaBox [ 0 0 612 792 ]"));
  forced = run ("doc", "rca", id, "--format", "pdf", "--paper", "a4", "-o", path);
  g_assert_cmpint (forced->status, ==, 0);
  g_assert_true (file_has (path, "/MediaBox [ 0 0 595.276 841.89 ]"));
  g_assert_cmpuint (timeline_kinds (id, "document_exported"), ==, 3);
}

/* doc draft against a loopback provider: printed as Markdown with the real values, or put
 * into the post-mortem as a new revision. */
static void
test_doc_draft (void)
{
  static const char stream[] =
      "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"{\\\"executive_summary\\\": "
      "\\\"<HOSTNAME_1> lost power.\\\", \\\"action_items\\\": [{\\\"priority\\\": "
      "\\\"P1\\\", \\\"action\\\": \\\"Add a second feed\\\"}]}\"},"
      "\"finish_reason\":\"stop\"}]}\n\n"
      "data: [DONE]\n\n";
  g_autoptr (TftsrFakeServer) server = tftsr_fake_server_new ();
  g_autofree char *url = tftsr_fake_server_url (server, "/v1");
  g_autoptr (TftsrFakeReply) reply = fake_reply (200, "text/event-stream", stream);
  g_autoptr (CliResult) added = NULL, created = NULL, missing = NULL, generated = NULL;
  g_autoptr (CliResult) printed = NULL, applied = NULL, shown = NULL;
  g_autofree char *id = NULL;

  fresh_db ();
  tftsr_fake_server_add_replies (server, "/v1/chat/completions", reply, NULL);
  added = run ("ai", "add", "loop", "--format", "openai", "--url", url, "--model", "m-1");
  g_assert_cmpint (added->status, ==, 0);
  created = run ("issue", "create", "--title", "Outage on db-canary-01.prod.acme.internal");
  id = g_strstrip (g_strdup (created->out));

  missing = run ("doc", "draft", id, "--apply");
  g_assert_cmpint (missing->status, ==, 1);
  g_assert_cmpuint (tftsr_fake_server_count_requests (server, "/v1/chat/completions"), ==, 0);
  printed = run ("doc", "draft", id);
  g_assert_cmpint (printed->status, ==, 0);
  g_assert_nonnull (strstr (printed->out, "## Executive Summary\n\n"
                                          "db-canary-01.prod.acme.internal lost power.\n"));
  g_assert_nonnull (strstr (printed->out, "| P1 | Add a second feed | — | — | Open |"));

  generated = run ("doc", "generate", id, "postmortem");
  applied = run ("doc", "draft", id, "--apply");
  g_assert_cmpint (applied->status, ==, 0);
  g_assert_cmpstr (applied->out, ==, "2\n");
  shown = run ("doc", "show", id, "postmortem");
  g_assert_nonnull (strstr (shown->out, "db-canary-01.prod.acme.internal lost power."));
}

static void
test_doc_usage (void)
{
  static const char *const bad[][6] = {
    { "doc", NULL },
    { "doc", "generate", "x", "rca", NULL },
    { "doc", "generate", "1", "memo", NULL },
    { "doc", "revert", "1", "rca", "0", NULL },
    { "doc", "diff", "1", "rca", "1", NULL },
    { "doc", "export", "1", "rca", NULL },
    { "doc", "show", "1", NULL },
    { "doc", "rca", "1", "--paper=a5", NULL },
    { "doc", "rca", "1", "--format=docx", NULL },
    { "doc", "paper", "tabloid", NULL },
    { "doc", "draft", NULL },
  };

  fresh_db ();
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (CliResult) r =
          run_with_input (NULL, bad[i][0], bad[i][1], bad[i][2], bad[i][3], bad[i][4], NULL);
      g_assert_cmpint (r->status, ==, 2);
    }
}

/* ---- connector ---- */

/* A ServiceNow instance that knows user ana and takes incidents: INC0010001, … */
static void
handle_sn_user (SoupServerMessage *msg, GBytes *body, gpointer data)
{
  static const char reply[] = "{\"result\":[{\"name\":\"Ana Lima\"}]}";
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, reply,
                                    strlen (reply));
  soup_server_message_set_status (msg, 200, NULL);
}

static void
handle_sn_incident (SoupServerMessage *msg, GBytes *body, gpointer data)
{
  static const char created[] =
      "{\"result\":{\"sys_id\":\"00000000000000000000000000000abc\",\"number\":\"INC0010001\","
      "\"short_description\":\"Queue stuck\",\"state\":\"New\"}}";
  static const char none[] = "{\"result\":[]}";
  gboolean post = strcmp (soup_server_message_get_method (msg), "POST") == 0;

  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                    post ? created : none, strlen (post ? created : none));
  soup_server_message_set_status (msg, post ? 201 : 200, NULL);
}

static void
test_connector_commands (void)
{
  g_autoptr (TftsrFakeServer) server = tftsr_fake_server_new ();
  g_autofree char *url = tftsr_fake_server_url (server, "");
  g_autofree char *id = NULL;
  g_autoptr (CliResult) wrong = NULL, configured = NULL, listed = NULL, preview = NULL;
  g_autoptr (CliResult) created = NULL, again = NULL, links = NULL, runs = NULL, usage = NULL;
  g_autoptr (json_object) list = NULL;
  g_autoptr (json_object) run_list = NULL;
  gint64 issue;

  fresh_db ();
  tftsr_fake_server_add_handler (server, "/api/now/table/sys_user", handle_sn_user, NULL);
  tftsr_fake_server_add_handler (server, "/api/now/table/incident", handle_sn_incident, NULL);
  issue = create ("Queue stuck for ops@example-corp.com");
  id = g_strdup_printf ("%" G_GINT64_FORMAT, issue);

  wrong = run ("connector", "configure", "servicenow", "--url", url, "--user", "ana", "--token-env",
               "TFTSR_TEST_NO_SUCH_VARIABLE");
  g_assert_cmpint (wrong->status, ==, 2);
  g_assert_nonnull (strstr (wrong->err, "TFTSR_TEST_NO_SUCH_VARIABLE"));
  g_setenv ("TFTSR_TEST_SN_TOKEN", "sn-cli-secret-9", TRUE);
  configured = run ("connector", "configure", "servicenow", "--url", url, "--user", "ana",
                    "--token-env", "TFTSR_TEST_SN_TOKEN");
  g_assert_cmpint (configured->status, ==, 0);
  g_assert_cmpstr (configured->out, ==, "Signed in as Ana Lima\n");

  listed = run ("connector", "list", "--json");
  g_assert_cmpint (listed->status, ==, 0);
  g_assert_null (strstr (listed->out, "sn-cli-secret-9"));
  list = parse_json (listed->out);
  g_assert_cmpstr (json_str (json_object_array_get_idx (list, 0), "kind"), ==, "servicenow");
  g_assert_true (json_object_get_boolean (
      json_object_object_get (json_object_array_get_idx (list, 0), "configured")));

  preview = run ("connector", "create-ticket", "servicenow", id, "--preview");
  g_assert_cmpint (preview->status, ==, 0);
  g_assert_true (g_str_has_prefix (preview->out, "POST http://127.0.0.1:"));
  g_assert_null (strstr (preview->out, "ops@example-corp.com"));
  g_assert_cmpuint (tftsr_fake_server_count_requests (server, "/api/now/table/incident"), ==, 0);

  created = run ("connector", "create-ticket", "servicenow", id);
  g_assert_cmpint (created->status, ==, 0);
  g_assert_true (g_str_has_prefix (created->out, "INC0010001  New  Queue stuck  http://"));
  again = run ("connector", "create-ticket", "servicenow", id, "--json");
  g_assert_cmpint (again->status, ==, 0);
  g_assert_cmpuint (tftsr_fake_server_count_requests (server, "/api/now/table/incident"), ==, 1);

  links = run ("connector", "links", id);
  g_assert_true (g_str_has_prefix (links->out, "INC0010001"));
  runs = run ("connector", "runs", "servicenow", "--json");
  run_list = parse_json (runs->out);
  g_assert_cmpstr (json_str (json_object_array_get_idx (run_list, 0), "operation"), ==,
                   "create-ticket");
  usage = run ("connector", "create-ticket", "servicenow", "abc");
  g_assert_cmpint (usage->status, ==, 2);
  g_unsetenv ("TFTSR_TEST_SN_TOKEN");
}

/* publish --preview shows the page as --space and --parent would send it, and sends
 * nothing (the service's address is a closed port). */
static void
test_connector_publish_preview (void)
{
  g_autofree char *id = NULL, *doc = NULL;
  g_autoptr (CliResult) configured = NULL, generated = NULL, preview = NULL, plain = NULL;

  fresh_db ();
  id = g_strdup_printf ("%" G_GINT64_FORMAT, create ("Disk full on db-02"));
  generated = run ("doc", "generate", id, "rca");
  g_assert_cmpint (generated->status, ==, 0);
  doc = g_strchomp (g_strdup (generated->out));
  g_setenv ("TFTSR_TEST_CF_TOKEN", "cf-cli-secret-3", TRUE);
  configured = run ("connector", "configure", "confluence", "--url", "http://127.0.0.1:9/wiki",
                    "--user", "ana", "--token-env", "TFTSR_TEST_CF_TOKEN", "--space", "OPS",
                    "--option", "deployment=datacenter", "--no-test");
  g_assert_cmpint (configured->status, ==, 0);

  preview = run ("connector", "publish", "confluence", doc, "--preview", "--space", "ENG",
                 "--parent", "4242");
  g_assert_cmpint (preview->status, ==, 0);
  g_assert_true (g_str_has_prefix (preview->out, "POST http://127.0.0.1:9/wiki/rest/api/content"));
  g_assert_nonnull (strstr (preview->out, "\"space\":{\"key\":\"ENG\"}"));
  g_assert_nonnull (strstr (preview->out, "\"ancestors\":[{\"id\":\"4242\"}]"));
  g_assert_null (strstr (preview->out, "cf-cli-secret-3"));

  plain = run ("connector", "publish", "confluence", doc, "--preview");
  g_assert_cmpint (plain->status, ==, 0);
  g_assert_nonnull (strstr (plain->out, "\"space\":{\"key\":\"OPS\"}"));
  g_assert_null (strstr (plain->out, "ancestors"));
  g_unsetenv ("TFTSR_TEST_CF_TOKEN");
}

#define ST2_EXECUTION "5f1c2f7e9d1b4a0012ab34cd"

/* A StackStorm whose execution keeps running; a poll has Ctrl+C pressed in the CLI that
 * polls (*@data, set before it can poll: the start comes first). */
static void
handle_st2_execution (SoupServerMessage *msg, GBytes *body, gpointer data)
{
  gboolean post = strcmp (soup_server_message_get_method (msg), "POST") == 0;
  static const char json[] =
      "{\"id\":\"" ST2_EXECUTION "\",\"status\":\"running\","
      "\"web_url\":\"https://st2.example.com/#/history/" ST2_EXECUTION "/general\"}";

  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, json,
                                    strlen (json));
  soup_server_message_set_status (msg, post ? 201 : 200, NULL);
  if (!post)
    g_subprocess_send_signal (*(GSubprocess **) data, SIGINT);
}

/* connector run: Ctrl+C stops the waiting; the execution started is printed, no longer
 * watched, exit 1, and stays linked on the incident. */
static void
test_connector_run_interrupted (void)
{
  g_autoptr (TftsrFakeServer) server = tftsr_fake_server_new ();
  g_autofree char *url = tftsr_fake_server_url (server, "");
  g_autofree char *id = NULL;
  g_autoptr (CliResult) configured = NULL, links = NULL;
  g_autoptr (GSubprocess) proc = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL, *err = NULL;

  fresh_db ();
  id = g_strdup_printf ("%" G_GINT64_FORMAT, create ("Disk full on db-02"));
  g_setenv ("TFTSR_TEST_ST2_KEY", "st2-cli-key-5", TRUE);
  configured = run ("connector", "configure", "st2", "--kind", "stackstorm", "--url", url,
                    "--token-env", "TFTSR_TEST_ST2_KEY", "--no-test");
  g_assert_cmpint (configured->status, ==, 0);

  tftsr_fake_server_add_handler (server, "/api/v1/executions", handle_st2_execution, &proc);
  tftsr_fake_server_add_handler (server, "/api/v1/executions/" ST2_EXECUTION, handle_st2_execution,
                                 &proc);
  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                           g_getenv ("TFTSR_CLI"), "--db", db_path, "connector", "run", "st2",
                           "core.local", "--issue", id, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, &err, &error));
  g_assert_no_error (error);
  g_test_message ("%s%s", out, err);
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 1);
  g_assert_true (g_str_has_prefix (out, ST2_EXECUTION));
  g_assert_nonnull (strstr (out, TFTSR_EXECUTION_UNWATCHED));
  g_assert_nonnull (strstr (err, "running\n" TFTSR_EXECUTION_UNWATCHED "\n"));

  links = run ("connector", "links", id);
  g_assert_cmpint (links->status, ==, 0);
  g_assert_true (g_str_has_prefix (links->out, ST2_EXECUTION));
  g_assert_nonnull (strstr (links->out, TFTSR_EXECUTION_UNWATCHED));
  g_unsetenv ("TFTSR_TEST_ST2_KEY");
}

#define EVERYTHING "/node_modules/@modelcontextprotocol/server-everything/dist/index.js"

static json_object *
mcp_listed (void)
{
  g_autoptr (CliResult) listed = run ("mcp", "list", "--json");

  g_assert_cmpint (listed->status, ==, 0);
  return parse_json (listed->out);
}

/* mcp add|list|discover|call|log|enable|disable|remove against the reference server over
 * stdio, with their exit codes: 0 done, 1 refused or failed, 2 misused. */
static void
test_mcp_commands (void)
{
  g_autofree char *script = g_strconcat (TFTSR_MCP_SERVER_DIR, EVERYTHING, NULL);
  g_autofree char *node = g_find_program_in_path ("node");
  g_autoptr (CliResult) r = NULL;
  g_autoptr (json_object) list = NULL;
  g_autoptr (json_object) found = NULL;
  json_object *server, *tools = NULL, *value = NULL;
  gboolean has_echo = FALSE;

  if (node == NULL || !g_file_test (script, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("The reference MCP server is not installed (scripts/install-deps.sh runs npm "
                   "ci in tests/mcp-server); skipped.");
      return;
    }
  fresh_db ();

  /* Misuse: no transport, an unknown verb, a missing argument. */
  r = run ("mcp", "add", "everything");
  g_assert_cmpint (r->status, ==, 2);
  g_clear_pointer (&r, cli_result_free);
  r = run ("mcp", "frobnicate");
  g_assert_cmpint (r->status, ==, 2);
  g_clear_pointer (&r, cli_result_free);
  r = run ("mcp", "call", "everything", "echo");
  g_assert_cmpint (r->status, ==, 2);
  g_clear_pointer (&r, cli_result_free);

  /* A variable that would make the loader run other code is refused, and nothing kept. */
  r = run ("mcp", "add", "evil", "--env", "LD_PRELOAD=/tmp/evil.so", "--stdio", node, script,
           "stdio");
  g_assert_cmpint (r->status, ==, 1);
  g_assert_nonnull (strstr (r->err, "LD_PRELOAD"));
  g_clear_pointer (&r, cli_result_free);
  list = mcp_listed ();
  g_assert_cmpuint (json_object_array_length (list), ==, 0);
  g_clear_pointer (&list, json_object_put);

  /* Added: everything after --stdio is the server's command line, kept as given. */
  r = run ("mcp", "add", "everything", "--timeout", "30000", "--env", "LOG_LEVEL=debug", "--stdio",
           node, script, "stdio");
  g_assert_cmpint (r->status, ==, 0);
  g_assert_cmpstr (r->out, ==, "everything\n");
  g_clear_pointer (&r, cli_result_free);
  r = run ("mcp", "add", "everything", "--stdio", node, script, "stdio");
  g_assert_cmpint (r->status, ==, 1);
  g_clear_pointer (&r, cli_result_free);
  list = mcp_listed ();
  g_assert_cmpuint (json_object_array_length (list), ==, 1);
  server = json_object_array_get_idx (list, 0);
  g_assert_cmpstr (json_str (server, "name"), ==, "everything");
  g_assert_cmpstr (json_str (server, "transport"), ==, "stdio");
  g_assert_cmpstr (json_str (server, "command"), ==, node);
  g_assert_cmpstr (json_str (server, "status"), ==, "pending");
  g_assert_true (json_object_object_get_ex (server, "args", &value));
  g_assert_cmpuint (json_object_array_length (value), ==, 2);
  g_assert_cmpstr (json_object_get_string (json_object_array_get_idx (value, 0)), ==, script);
  g_clear_pointer (&list, json_object_put);

  /* Discovered: its tools and resources, and the registry's status with the counts. */
  r = run ("mcp", "discover", "everything", "--json");
  g_assert_cmpint (r->status, ==, 0);
  found = parse_json (r->out);
  g_assert_true (json_object_object_get_ex (found, "tools", &tools));
  for (size_t i = 0; i < json_object_array_length (tools); i++)
    has_echo |= g_strcmp0 (json_str (json_object_array_get_idx (tools, i), "name"), "echo") == 0;
  g_assert_true (has_echo);
  g_clear_pointer (&r, cli_result_free);
  list = mcp_listed ();
  server = json_object_array_get_idx (list, 0);
  g_assert_cmpstr (json_str (server, "status"), ==, "connected");
  g_assert_cmpint (json_object_get_int (json_object_object_get (server, "tools")), ==,
                   (int) json_object_array_length (tools));
  g_clear_pointer (&list, json_object_put);

  /* A call: the tool's text; arguments that are not an object are misuse. */
  r = run ("mcp", "call", "everything", "echo", "{\"message\":\"hello from the CLI\"}");
  g_assert_cmpint (r->status, ==, 0);
  g_assert_nonnull (strstr (r->out, "hello from the CLI"));
  g_clear_pointer (&r, cli_result_free);
  r = run ("mcp", "call", "everything", "echo", "[1]");
  g_assert_cmpint (r->status, ==, 2);
  g_clear_pointer (&r, cli_result_free);
  r = run ("mcp", "call", "everything", "no-such-tool", "{}");
  g_assert_cmpint (r->status, ==, 1);
  g_clear_pointer (&r, cli_result_free);

  /* The server's standard error. */
  r = run ("mcp", "log", "everything");
  g_assert_cmpint (r->status, ==, 0);
  g_assert_nonnull (strstr (r->out, "Starting"));
  g_clear_pointer (&r, cli_result_free);

  /* Disabled: not discovered, its status kept; enabled again. */
  r = run ("mcp", "disable", "everything");
  g_assert_cmpint (r->status, ==, 0);
  g_clear_pointer (&r, cli_result_free);
  r = run ("mcp", "discover", "everything");
  g_assert_cmpint (r->status, ==, 1);
  g_assert_nonnull (strstr (r->err, "disabled"));
  g_clear_pointer (&r, cli_result_free);
  list = mcp_listed ();
  server = json_object_array_get_idx (list, 0);
  g_assert_false (json_object_get_boolean (json_object_object_get (server, "enabled")));
  g_assert_cmpstr (json_str (server, "status"), ==, "connected");
  g_clear_pointer (&list, json_object_put);
  r = run ("mcp", "enable", "everything");
  g_assert_cmpint (r->status, ==, 0);
  g_clear_pointer (&r, cli_result_free);

  /* Removed, once. */
  r = run ("mcp", "remove", "everything");
  g_assert_cmpint (r->status, ==, 0);
  g_clear_pointer (&r, cli_result_free);
  r = run ("mcp", "remove", "everything");
  g_assert_cmpint (r->status, ==, 1);
  g_clear_pointer (&r, cli_result_free);
  r = run ("mcp", "discover", "everything");
  g_assert_cmpint (r->status, ==, 1);
  g_clear_pointer (&r, cli_result_free);
  list = mcp_listed ();
  g_assert_cmpuint (json_object_array_length (list), ==, 0);
}

/* mcp rounds|allowed|revoke: the round limit read, set, refused out of range and reset;
 * the tools always allowed listed and revoked once. No server process is started. */
static void
test_mcp_approvals (void)
{
  g_autoptr (CliResult) r = NULL;
  g_autoptr (TftsrStore) store = NULL;
  g_autoptr (json_object) listed = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *revokes = NULL;

  fresh_db ();
  r = run ("mcp", "rounds");
  g_assert_cmpint (r->status, ==, 0);
  g_assert_cmpstr (r->out, ==, "5\n");
  g_clear_pointer (&r, cli_result_free);
  r = run ("mcp", "rounds", "12");
  g_assert_cmpint (r->status, ==, 0);
  g_clear_pointer (&r, cli_result_free);
  r = run ("mcp", "rounds", "--json");
  g_assert_cmpint (r->status, ==, 0);
  listed = parse_json (r->out);
  g_assert_cmpint (json_object_get_int (json_object_object_get (listed, "rounds")), ==, 12);
  g_clear_pointer (&listed, json_object_put);
  g_clear_pointer (&r, cli_result_free);
  /* Out of range or not a number: misuse, and the stored value stays. */
  r = run ("mcp", "rounds", "51");
  g_assert_cmpint (r->status, ==, 2);
  g_assert_nonnull (strstr (r->err, "50"));
  g_clear_pointer (&r, cli_result_free);
  r = run ("mcp", "rounds", "many");
  g_assert_cmpint (r->status, ==, 2);
  g_clear_pointer (&r, cli_result_free);
  r = run ("mcp", "rounds", "7", "--default");
  g_assert_cmpint (r->status, ==, 2);
  g_clear_pointer (&r, cli_result_free);
  r = run ("mcp", "rounds");
  g_assert_cmpstr (r->out, ==, "12\n");
  g_clear_pointer (&r, cli_result_free);
  r = run ("mcp", "rounds", "--default");
  g_assert_cmpint (r->status, ==, 0);
  g_clear_pointer (&r, cli_result_free);
  r = run ("mcp", "rounds");
  g_assert_cmpstr (r->out, ==, "5\n");
  g_clear_pointer (&r, cli_result_free);
  r = run ("mcp", "rounds", "9");
  g_clear_pointer (&r, cli_result_free);
  r = run ("mcp", "rounds", "0");
  g_assert_cmpint (r->status, ==, 0);
  g_clear_pointer (&r, cli_result_free);
  r = run ("mcp", "rounds");
  g_assert_cmpstr (r->out, ==, "5\n");
  g_clear_pointer (&r, cli_result_free);

  /* A server whose tool the chat was told to always allow (as its card does). */
  r = run ("mcp", "add", "logs", "--stdio", "/bin/false");
  g_assert_cmpint (r->status, ==, 0);
  g_clear_pointer (&r, cli_result_free);
  store = tftsr_test_open_store (db_path);
  g_assert_true (tftsr_mcp_store_allow_tool (store, "logs", "search", &error));
  g_assert_no_error (error);
  g_clear_object (&store);

  r = run ("mcp", "allowed", "logs");
  g_assert_cmpint (r->status, ==, 0);
  g_assert_true (g_str_has_prefix (r->out, "search\t"));
  g_clear_pointer (&r, cli_result_free);
  r = run ("mcp", "allowed", "logs", "--json");
  g_assert_cmpint (r->status, ==, 0);
  listed = parse_json (r->out);
  g_assert_cmpuint (json_object_array_length (listed), ==, 1);
  g_assert_cmpstr (json_str (json_object_array_get_idx (listed, 0), "tool"), ==, "search");
  g_assert_true (
      g_str_has_suffix (json_str (json_object_array_get_idx (listed, 0), "allowed_at"), "Z"));
  g_clear_pointer (&listed, json_object_put);
  g_clear_pointer (&r, cli_result_free);
  r = run ("mcp", "allowed", "nowhere");
  g_assert_cmpint (r->status, ==, 1);
  g_assert_nonnull (strstr (r->err, "nowhere"));
  g_clear_pointer (&r, cli_result_free);
  r = run ("mcp", "allowed");
  g_assert_cmpint (r->status, ==, 2);
  g_clear_pointer (&r, cli_result_free);

  r = run ("mcp", "revoke", "logs");
  g_assert_cmpint (r->status, ==, 2);
  g_clear_pointer (&r, cli_result_free);
  r = run ("mcp", "revoke", "logs", "search");
  g_assert_cmpint (r->status, ==, 0);
  g_clear_pointer (&r, cli_result_free);
  r = run ("mcp", "revoke", "logs", "search");
  g_assert_cmpint (r->status, ==, 1);
  g_assert_nonnull (strstr (r->err, "not always allowed"));
  g_clear_pointer (&r, cli_result_free);
  r = run ("mcp", "allowed", "logs", "--json");
  g_assert_cmpint (r->status, ==, 0);
  listed = parse_json (r->out);
  g_assert_cmpuint (json_object_array_length (listed), ==, 0);
  store = tftsr_test_open_store (db_path);
  g_assert_false (tftsr_mcp_store_is_tool_allowed (store, "logs", "search", NULL));
  revokes = tftsr_test_query (store, "SELECT count(*) FROM audit_log WHERE action = 'mcp.revoke'"
                                     " AND target = 'mcp:logs'");
  g_assert_cmpstr (revokes, ==, "1");
}

/* --- insight ------------------------------------------------------------------------------ */

static char *
write_temp (const char *name, const char *text)
{
  char *path = g_build_filename (tftsr_test_dir (), name, NULL);
  g_autoptr (GError) error = NULL;

  g_assert_true (g_file_set_contents (path, text, -1, &error));
  g_assert_no_error (error);
  return path;
}

static json_object *
json_at (json_object *array, gsize i)
{
  g_assert_true (json_object_is_type (array, json_type_array));
  g_assert_cmpuint (json_object_array_length (array), >, i);
  return json_object_array_get_idx (array, i);
}

/* A file is scanned first: the host name and address that never vary are masked anyway;
 * no database is created for it. */
static void
test_insight_templates_file (void)
{
  g_autofree char *path = write_temp (
      "insight.log", "2024-05-01T09:00:00Z INFO sync: pulled from ledger.corp.internal for "
                     "jane.doe@acme-corp.com\n"
                     "2024-05-01T09:00:01Z INFO sync: pulled from ledger.corp.internal for "
                     "jane.doe@acme-corp.com\n"
                     "2024-05-01T09:00:02Z ERROR db: pool exhausted after 30 s\n"
                     "  at Pool.get\n");
  g_autoptr (CliResult) json = NULL;
  g_autoptr (CliResult) human = NULL;
  g_autoptr (CliResult) lines = NULL;
  g_auto (GStrv) rows = NULL;
  json_object *array, *t;

  fresh_db ();
  json = run ("insight", "templates", path, "--json");
  g_assert_cmpint (json->status, ==, 0);
  g_assert_null (strstr (json->out, "ledger"));
  g_assert_null (strstr (json->out, "jane.doe"));
  array = parse_json (json->out);
  g_assert_cmpuint (json_object_array_length (array), ==, 3);
  t = json_at (array, 0);
  g_assert_cmpint (json_int (t, "id"), ==, 1);
  g_assert_cmpstr (json_str (t, "template"), ==, "pulled from <*> for <*>");
  g_assert_cmpint (json_int (t, "count"), ==, 2);
  g_assert_cmpstr (json_str (t, "level"), ==, "info");
  g_assert_cmpint (json_int (t, "first_line"), ==, 1);
  g_assert_cmpint (json_int (t, "last_line"), ==, 2);
  g_assert_cmpstr (json_str (t, "first_time"), ==, "2024-05-01T09:00:00.000Z");
  g_assert_cmpstr (json_str (t, "last_time"), ==, "2024-05-01T09:00:01.000Z");
  t = json_at (array, 1);
  g_assert_cmpstr (json_str (t, "template"), ==, "pool exhausted after <*> s");
  g_assert_cmpstr (json_str (t, "level"), ==, "error");
  /* The stack line has no time of its own: it takes the line before's. */
  g_assert_cmpstr (json_str (json_at (array, 2), "last_time"), ==, "2024-05-01T09:00:02.000Z");
  json_object_put (array);
  g_assert_false (g_file_test (db_path, G_FILE_TEST_EXISTS));

  human = run ("insight", "templates", path);
  g_assert_cmpint (human->status, ==, 0);
  g_assert_true (g_str_has_prefix (human->out, "ID "));
  g_assert_nonnull (strstr (human->out, "\n1               2 info     pulled from <*> for <*>\n"));

  /* Every line with the final template of its cluster, 1-based. */
  lines = run ("insight", "templates", path, "--per-line");
  g_assert_cmpint (lines->status, ==, 0);
  rows = g_strsplit (g_strchomp (lines->out), "\n", -1);
  g_assert_cmpuint (g_strv_length (rows), ==, 4);
  g_assert_cmpstr (rows[0], ==,
                   "{\"line\":1,\"template_id\":1,\"template\":\"pulled from <*> for <*>\"}");
  g_assert_cmpstr (rows[1], ==,
                   "{\"line\":2,\"template_id\":1,\"template\":\"pulled from <*> for <*>\"}");
  g_assert_cmpstr (rows[2], ==,
                   "{\"line\":3,\"template_id\":2,\"template\":\"pool exhausted after <*> s\"}");
  g_assert_cmpstr (rows[3], ==, "{\"line\":4,\"template_id\":3,\"template\":\"at Pool.get\"}");
}

/* A header detection cannot read is split with the format given. */
static void
test_insight_log_format (void)
{
  g_autofree char *path =
      write_temp ("pipes.log", "web-1|INFO|2024-05-01T09:00:00Z|request 12 served\n"
                               "web-2|WARN|2024-05-01T09:00:01Z|request 13 slow\n"
                               "web-1|INFO|2024-05-01T09:00:02Z|request 14 served\n");
  g_autoptr (CliResult) detected = NULL;
  g_autoptr (CliResult) formatted = NULL;
  g_autoptr (CliResult) stored = NULL;
  g_autofree char *issue = NULL;
  g_autofree char *log_id = NULL;
  g_autoptr (CliResult) added = NULL;
  json_object *array, *t;

  fresh_db ();
  detected = run ("insight", "templates", path, "--json");
  array = parse_json (detected->out);
  g_assert_cmpstr (json_str (json_at (array, 0), "level"), ==, "none");
  json_object_put (array);

  formatted = run ("insight", "templates", path, "--json", "--log-format",
                   "<Node>|<Level>|<Timestamp>|<Content>");
  g_assert_cmpint (formatted->status, ==, 0);
  array = parse_json (formatted->out);
  g_assert_cmpuint (json_object_array_length (array), ==, 2);
  t = json_at (array, 0);
  g_assert_cmpstr (json_str (t, "template"), ==, "request <*> served");
  g_assert_cmpstr (json_str (t, "level"), ==, "info");
  g_assert_cmpint (json_int (t, "count"), ==, 2);
  g_assert_cmpstr (json_str (t, "first_time"), ==, "2024-05-01T09:00:00.000Z");
  g_assert_cmpstr (json_str (json_at (array, 1), "level"), ==, "warning");
  json_object_put (array);

  /* The same for a stored log. */
  issue = g_strdup_printf ("%" G_GINT64_FORMAT, create ("Pipes"));
  added = run ("log", "add", issue, path);
  g_assert_cmpint (added->status, ==, 0);
  log_id = g_strstrip (g_strdup (added->out));
  stored = run ("insight", "templates", log_id, "--json", "--log-format",
                "<Node>|<Level>|<Timestamp>|<Content>");
  g_assert_cmpint (stored->status, ==, 0);
  g_assert_cmpstr (stored->out, ==, formatted->out);
}

static char *
add_fixture_log (const char *title, const char *fixture, gint64 *issue_id)
{
  g_autofree char *path = g_build_filename (TFTSR_TEST_DATA_DIR, "insight", fixture, NULL);
  g_autofree char *issue = NULL;
  g_autoptr (CliResult) added = NULL;
  gint64 id = create (title);

  issue = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  added = run ("log", "add", issue, path);
  g_assert_cmpint (added->status, ==, 0);
  if (issue_id != NULL)
    *issue_id = id;
  return g_strstrip (g_strdup (added->out));
}

static void
test_insight_changed_and_similar (void)
{
  g_autofree char *deploy = NULL, *query_log = NULL, *query = NULL;
  g_autoptr (CliResult) changed = NULL;
  g_autoptr (CliResult) zoned = NULL;
  g_autoptr (CliResult) human = NULL;
  g_autoptr (CliResult) per_line = NULL;
  g_autoptr (CliResult) similar = NULL;
  gint64 query_issue, rare_issue, common_issue;
  static const char *const kinds[] = { "new", "rate", "new", "gone" };
  json_object *array;

  fresh_db ();
  deploy = add_fixture_log ("Deploy", "deploy.log", NULL);
  /* Zoneless: read as UTC, like the log's times. */
  changed = run ("insight", "changed", deploy, "--after", "2024-05-01T10:00:00", "--json");
  g_assert_cmpint (changed->status, ==, 0);
  array = parse_json (changed->out);
  g_assert_cmpuint (json_object_array_length (array), ==, G_N_ELEMENTS (kinds));
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    g_assert_cmpstr (json_str (json_at (array, i), "kind"), ==, kinds[i]);
  g_assert_cmpstr (json_str (json_at (array, 0), "template"), ==, "gateway timeout after <*> s");
  g_assert_cmpstr (json_str (json_at (array, 0), "level"), ==, "error");
  g_assert_cmpint (json_int (json_at (array, 0), "count_after"), ==, 5);
  g_assert_cmpint (json_int (json_at (array, 1), "count_before"), ==, 3);
  g_assert_cmpint (json_int (json_at (array, 1), "count_after"), ==, 30);
  json_object_put (array);
  zoned = run ("insight", "changed", deploy, "--after", "2024-05-01T12:00:00+02:00", "--json");
  g_assert_cmpstr (zoned->out, ==, changed->out);
  human = run ("insight", "changed", deploy, "--after", "2024-05-01T10:00:00Z");
  g_assert_cmpint (human->status, ==, 0);
  g_assert_nonnull (strstr (human->out, "\nnew          0        5 "));

  /* A stored log, line by line, as the viewer numbers it. */
  per_line = run ("insight", "templates", deploy, "--per-line");
  g_assert_cmpint (per_line->status, ==, 0);
  g_assert_true (g_str_has_suffix (per_line->out, "{\"line\":167,\"template_id\":3,"
                                                  "\"template\":\"slow query took <*> ms\"}\n"));

  query_log = add_fixture_log ("Orders stuck", "similar-query.log", &query_issue);
  g_free (add_fixture_log ("Kafka rebalance", "similar-rare-error.log", &rare_issue));
  g_free (add_fixture_log ("Cache", "similar-common-info.log", &common_issue));
  g_free (add_fixture_log ("Disk", "similar-other-1.log", NULL));
  g_free (add_fixture_log ("Scheduler", "similar-other-2.log", NULL));
  query = g_strdup_printf ("%" G_GINT64_FORMAT, query_issue);
  similar = run ("insight", "similar", query, "--json");
  g_assert_cmpint (similar->status, ==, 0);
  array = parse_json (similar->out);
  g_assert_cmpuint (json_object_array_length (array), ==, 2);
  g_assert_cmpint (json_int (json_at (array, 0), "issue_id"), ==, rare_issue);
  g_assert_cmpstr (json_str (json_at (array, 0), "title"), ==, "Kafka rebalance");
  g_assert_cmpint (json_int (json_at (array, 1), "issue_id"), ==, common_issue);
  json_object_put (array);
}

static void
test_insight_usage (void)
{
  g_autofree char *path = write_temp ("usage.log", "one line\n");
  /* Unused places are NULL, which ends the arguments. */
  static const char *const usages[][6] = {
    { "insight" },
    { "insight", "templates" },
    { "insight", "templates", "1", "2" },
    { "insight", "changed", "1" },
    { "insight", "changed", "1", "--after", "yesterday" },
    { "insight", "changed", "x", "--after", "2024-05-01T10:00:00Z" },
    { "insight", "similar", "abc" },
    { "insight", "similar", "1", "--limit", "0" },
  };

  fresh_db ();
  for (guint i = 0; i < G_N_ELEMENTS (usages); i++)
    {
      const char *const *a = usages[i];
      g_autoptr (CliResult) r = run (a[0], a[1], a[2], a[3], a[4], a[5]);

      g_test_message ("%s %s", a[0], a[1] != NULL ? a[1] : "");
      g_assert_cmpint (r->status, ==, 2);
    }
  {
    g_autoptr (CliResult) both = run ("insight", "templates", path, "--json", "--per-line");
    g_autoptr (CliResult) format = run ("insight", "templates", path, "--log-format", "<Date");
    g_autoptr (CliResult) missing = run ("insight", "templates", "999");
    g_autoptr (CliResult) no_file = run ("insight", "templates", "no-such.log");

    g_assert_cmpint (both->status, ==, 2);
    g_assert_cmpint (format->status, ==, 2);
    g_assert_nonnull (strstr (format->err, "<Content>"));
    /* Runtime errors: no such log, no such file. */
    g_assert_cmpint (missing->status, ==, 1);
    g_assert_cmpint (no_file->status, ==, 1);
  }
}

int
main (int argc, char **argv)
{
  tftsr_test_init (&argc, &argv);
  g_assert_nonnull (g_getenv ("TFTSR_CLI"));
  g_test_add_func ("/cli/round-trip", test_round_trip);
  g_test_add_func ("/cli/human-output", test_human_output);
  g_test_add_func ("/cli/search", test_search);
  g_test_add_func ("/cli/usage-errors", test_usage_errors);
  g_test_add_func ("/cli/runtime-errors", test_runtime_errors);
  g_test_add_func ("/cli/wrong-key", test_wrong_key);
  g_test_add_func ("/cli/description-from-stdin", test_description_from_stdin);
  g_test_add_func ("/cli/delete-restore-purge", test_delete_restore_purge);
  g_test_add_func ("/cli/audit-verify", test_audit_verify);
  g_test_add_func ("/cli/pii-scan", test_pii_scan);
  g_test_add_func ("/cli/pii-bad-input", test_pii_bad_input);
  g_test_add_func ("/cli/pii-config", test_pii_config);
  g_test_add_func ("/cli/pii-mark", test_pii_mark);
  g_test_add_func ("/cli/ai-providers", test_ai_providers);
  g_test_add_func ("/cli/ai-chat-offline", test_ai_chat_offline);
  g_test_add_func ("/cli/ai-provider-commands", test_ai_provider_commands);
  g_test_add_func ("/cli/log-rescan", test_log_rescan);
  g_test_add_func ("/cli/images", test_images);
  g_test_add_func ("/cli/ai-chat-attachments", test_ai_chat_attachments);
  g_test_add_func ("/cli/ai-chat-tools", test_ai_chat_tools);
  g_test_add_func ("/cli/ollama-hardware", test_ollama_hardware);
  g_test_add_func ("/cli/ollama-status", test_ollama_status);
  g_test_add_func ("/cli/ollama-models", test_ollama_models);
  g_test_add_func ("/cli/doc-revisions", test_doc_revisions);
  g_test_add_func ("/cli/doc-export", test_doc_export);
  g_test_add_func ("/cli/doc-export-pdf", test_doc_export_pdf);
  g_test_add_func ("/cli/doc-draft", test_doc_draft);
  g_test_add_func ("/cli/doc-usage", test_doc_usage);
  g_test_add_func ("/cli/connector-commands", test_connector_commands);
  g_test_add_func ("/cli/connector-publish-preview", test_connector_publish_preview);
  g_test_add_func ("/cli/connector-run-interrupted", test_connector_run_interrupted);
  g_test_add_func ("/cli/mcp-commands", test_mcp_commands);
  g_test_add_func ("/cli/mcp-approvals", test_mcp_approvals);
  g_test_add_func ("/cli/insight-templates-file", test_insight_templates_file);
  g_test_add_func ("/cli/insight-log-format", test_insight_log_format);
  g_test_add_func ("/cli/insight-changed-and-similar", test_insight_changed_and_similar);
  g_test_add_func ("/cli/insight-usage", test_insight_usage);
  return g_test_run ();
}
