/* bench-store.c: the incident store at scale.
 *
 * Builds a database of N incidents (default 100,000) whose descriptions are real log
 * lines from Loghub (../shared/data/loghub, else a built-in vocabulary), then measures:
 *   - insert rate through the store API (one transaction per incident, as the app does);
 *   - full-text search p50/p95 through the store API (bm25, snippets, first 50 hits);
 *   - the first page of the list (100 incidents, most recently updated first);
 *   - opening the database with a passphrase (PBKDF2, 256,000 iterations) plus first page;
 * and, in the same run, the same searches by two peers: plain (unencrypted) SQLite FTS5
 * over the same rows, and ripgrep over the same incidents written out as text files.
 * With --app, it also launches the real app on the database and times the first page
 * shown (needs a display; run-benchmarks.sh provides Xvfb).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>

#include "tftsr-fts-query.h"
#include "tftsr-store-private.h"

#define RAW_KEY "x'2b7e151628aed2a6abf7158809cf4f3c2b7e151628aed2a6abf7158809cf4f3c'"
#define PASSPHRASE "bench passphrase"

static int n_issues = 100000;
static int n_rounds = 50;
static char *app_path;
static char *loghub_dir;

static const char *queries[] = {
  "error",                  /* common word */
  "timeout",                /* medium */
  "kerberos",               /* rare */
  "conn",                   /* prefix */
  "disk full",              /* two words */
  "\"connection refused\"", /* phrase */
  "failed -ssh",            /* exclusion */
  "kernel OR driver",       /* alternatives */
};

static GPtrArray *
load_lines (void)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GDir) dir = loghub_dir != NULL ? g_dir_open (loghub_dir, 0, NULL) : NULL;
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = g_strdup_printf ("%s/%s/%s_2k.log", loghub_dir, name, name);
      g_autofree char *contents = NULL;
      g_auto (GStrv) split = NULL;

      if (!g_file_get_contents (file, &contents, NULL, NULL))
        continue;
      split = g_strsplit (contents, "\n", -1);
      for (guint i = 0; split[i] != NULL; i++)
        if (*split[i] != '\0')
          g_ptr_array_add (lines, g_utf8_make_valid (split[i], -1));
    }
  if (lines->len == 0)
    {
      static const char *words[] = {
        "error",       "timeout", "connection", "refused",  "kernel",   "driver", "disk",
        "full",        "ssh",     "failed",     "kerberos", "node",     "pod",    "restart",
        "latency",     "packet",  "loss",       "memory",   "pressure", "oom",    "killer",
        "certificate", "expired", "dns",        "lookup",
      };
      GRand *rand = g_rand_new_with_seed (7);
      for (guint i = 0; i < 20000; i++)
        {
          GString *line = g_string_new (NULL);
          for (guint w = 0; w < 12; w++)
            g_string_append_printf (line, "%s ",
                                    words[g_rand_int_range (rand, 0, G_N_ELEMENTS (words))]);
          g_ptr_array_add (lines, g_string_free (line, FALSE));
        }
      g_rand_free (rand);
      g_print ("(no Loghub data found: using a built-in vocabulary)\n");
    }
  return lines;
}

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static double
percentile (GArray *ms, double p)
{
  g_array_sort (ms, compare_doubles);
  return g_array_index (ms, double, (guint) ((ms->len - 1) * p));
}

static double
now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

/* Incident i: a title and 3–8 log lines. */
static void
make_incident (GRand *rand, GPtrArray *lines, int i, char **title, char **description)
{
  static const char *prefixes[] = { "Outage:",   "Degraded:", "Alert:",
                                    "Errors in", "Slow",      "Flapping" };
  GString *text = g_string_new (NULL);
  const char *line = g_ptr_array_index (lines, g_rand_int_range (rand, 0, lines->len));
  int n = g_rand_int_range (rand, 3, 9);

  *title = g_strdup_printf ("%s %.60s (#%d)", prefixes[i % G_N_ELEMENTS (prefixes)], line, i);
  for (int k = 0; k < n; k++)
    g_string_append_printf (
        text, "%s\n", (char *) g_ptr_array_index (lines, g_rand_int_range (rand, 0, lines->len)));
  *description = g_string_free (text, FALSE);
}

static TftsrStore *
open_store (const char *path, const char *secret)
{
  g_autoptr (TftsrDbKey) key = tftsr_db_key_new (secret, TFTSR_DB_KEY_SOURCE_EXPLICIT);
  g_autoptr (GError) error = NULL;
  TftsrStore *store = tftsr_store_open (path, key, &error);

  if (store == NULL)
    g_error ("%s", error->message);
  return store;
}

/* Fills the tftsr database, a plain SQLite twin and a folder of text files. */
static double
populate (TftsrStore *store, sqlite3 *plain, const char *text_dir, GPtrArray *lines)
{
  GRand *rand = g_rand_new_with_seed (42);
  sqlite3_stmt *insert = NULL;
  double start, elapsed = 0;

  sqlite3_prepare_v2 (
      plain, "INSERT INTO issues_fts (rowid, title, description, tags) VALUES (?, ?, ?, '')", -1,
      &insert, NULL);
  sqlite3_exec (plain, "BEGIN", NULL, NULL, NULL);
  for (int i = 0; i < n_issues; i++)
    {
      g_autofree char *title = NULL;
      g_autofree char *description = NULL;
      g_autoptr (TftsrIssue) draft = NULL;
      g_autoptr (TftsrIssue) created = NULL;
      g_autoptr (GError) error = NULL;

      make_incident (rand, lines, i, &title, &description);
      draft = tftsr_issue_new (title);
      tftsr_issue_set_description (draft, description);
      tftsr_issue_set_severity (draft, i % 4);
      tftsr_issue_set_status (draft, i % 4);
      tftsr_issue_set_category (draft, i % TFTSR_N_CATEGORIES);
      start = now_ms ();
      created = tftsr_store_create_issue (store, draft, &error);
      elapsed += now_ms () - start;
      if (created == NULL)
        g_error ("%s", error->message);

      sqlite3_reset (insert);
      sqlite3_bind_int (insert, 1, i + 1);
      sqlite3_bind_text (insert, 2, title, -1, SQLITE_STATIC);
      sqlite3_bind_text (insert, 3, description, -1, SQLITE_STATIC);
      sqlite3_step (insert);

      {
        g_autofree char *file = g_strdup_printf ("%s/%03d/%d.txt", text_dir, i % 1000, i);
        g_autofree char *dir = g_path_get_dirname (file);
        g_autofree char *contents = g_strdup_printf ("%s\n%s", title, description);
        g_mkdir_with_parents (dir, 0700);
        g_file_set_contents (file, contents, -1, NULL);
      }
      if ((i + 1) % 10000 == 0)
        g_printerr ("  %d incidents\n", i + 1);
    }
  sqlite3_exec (plain, "COMMIT", NULL, NULL, NULL);
  sqlite3_finalize (insert);
  g_rand_free (rand);
  return elapsed;
}

static sqlite3 *
open_plain (const char *path)
{
  sqlite3 *db = NULL;

  if (sqlite3_open (path, &db) != SQLITE_OK ||
      sqlite3_exec (
          db,
          "PRAGMA journal_mode = WAL;"
          "CREATE VIRTUAL TABLE issues_fts USING fts5 (title, description, tags,"
          " tokenize = 'unicode61 remove_diacritics 2');"
          "INSERT INTO issues_fts (issues_fts, rank) VALUES ('rank', 'bm25(10.0, 1.0, 4.0)');",
          NULL, NULL, NULL) != SQLITE_OK)
    g_error ("plain SQLite: %s", sqlite3_errmsg (db));
  return db;
}

typedef struct
{
  GArray *tftsr;
  GArray *plain;
  GArray *ripgrep;
} Timings;

static void
time_store_search (TftsrStore *store, const char *text, GArray *out)
{
  g_autoptr (TftsrIssueQuery) query = tftsr_issue_query_new ();

  query->text = g_strdup (text);
  query->sort = TFTSR_ISSUE_SORT_RELEVANCE;
  for (int r = 0; r < n_rounds; r++)
    {
      g_autoptr (GPtrArray) hits = NULL;
      double start = now_ms (), ms;

      hits = tftsr_store_list_issues (store, query, NULL, NULL);
      ms = now_ms () - start;
      g_array_append_val (out, ms);
    }
}

static void
time_plain_search (sqlite3 *plain, const char *text, GArray *out)
{
  g_autofree char *match = tftsr_fts_query_build (text);
  sqlite3_stmt *stmt = NULL;

  sqlite3_prepare_v2 (plain,
                      "SELECT rowid, title, snippet(issues_fts, -1, char(2), char(3), '…', 16) "
                      "FROM issues_fts WHERE issues_fts MATCH ?1 ORDER BY rank LIMIT 51",
                      -1, &stmt, NULL);
  for (int r = 0; r < n_rounds; r++)
    {
      double start = now_ms (), ms;

      sqlite3_reset (stmt);
      sqlite3_bind_text (stmt, 1, match, -1, SQLITE_STATIC);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        ;
      ms = now_ms () - start;
      g_array_append_val (out, ms);
    }
  sqlite3_finalize (stmt);
}

/* ripgrep lists the files matching every word of the query (case-insensitive); it
 * cannot rank, so this is the cost of a plain scan, not an equivalent search. */
static void
time_ripgrep (const char *text_dir, const char *text, GArray *out)
{
  g_auto (GStrv) words = g_strsplit_set (text, " \"", -1);
  int rounds = MAX (3, n_rounds / 10);

  for (int r = 0; r < rounds; r++)
    {
      double start = now_ms (), ms;
      g_autofree char *pattern = NULL;
      g_autofree char *cmd = NULL;
      g_autofree char *listing = NULL;
      char *first = NULL;

      for (guint i = 0; words[i] != NULL && first == NULL; i++)
        if (*words[i] != '\0' && *words[i] != '-' && !g_str_equal (words[i], "OR"))
          first = words[i];
      cmd = g_strdup_printf ("rg -l -i -F -- '%s' '%s'", first, text_dir);
      g_spawn_command_line_sync (cmd, &listing, NULL, NULL, NULL);
      ms = now_ms () - start;
      g_array_append_val (out, ms);
    }
}

static double
time_first_page (TftsrStore *store, GArray *out)
{
  g_autoptr (TftsrIssueQuery) query = tftsr_issue_query_new ();

  query->limit = 100;
  for (int r = 0; r < n_rounds; r++)
    {
      g_autoptr (GPtrArray) page = NULL;
      double start = now_ms (), ms;

      page = tftsr_store_list_issues (store, query, NULL, NULL);
      ms = now_ms () - start;
      g_array_append_val (out, ms);
    }
  return percentile (out, 0.5);
}

/* Launches the app on @path and waits for its "first page shown" debug message. */
static double
time_app_start (const char *path)
{
  /* GLib writes debug messages to standard output. */
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (
      G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr (GSubprocess) proc = NULL;
  g_autoptr (GDataInputStream) out = NULL;
  g_autoptr (GError) error = NULL;
  double start = now_ms (), shown = -1;
  char *line;

  g_subprocess_launcher_setenv (launcher, "TFTSR_DB", path, TRUE);
  g_subprocess_launcher_setenv (launcher, "TFTSR_DB_KEY", PASSPHRASE, TRUE);
  g_subprocess_launcher_setenv (launcher, "G_MESSAGES_DEBUG", "tftsr", TRUE);
  g_subprocess_launcher_setenv (launcher, "GSETTINGS_BACKEND", "memory", TRUE);
  proc = g_subprocess_launcher_spawn (launcher, &error, app_path, NULL);
  if (proc == NULL)
    g_error ("%s", error->message);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));
  while ((line = g_data_input_stream_read_line (out, NULL, NULL, NULL)) != NULL)
    {
      gboolean done = strstr (line, "first page of incidents shown") != NULL;
      g_free (line);
      if (done)
        {
          shown = now_ms () - start;
          break;
        }
    }
  g_subprocess_force_exit (proc);
  g_subprocess_wait (proc, NULL, NULL);
  return shown;
}

static void
report (const char *what, GArray *ms)
{
  g_print ("  %-34s p50 %8.2f ms   p95 %8.2f ms\n", what, percentile (ms, 0.5),
           percentile (ms, 0.95));
}

int
main (int argc, char **argv)
{
  GOptionEntry entries[] = {
    { "count", 0, 0, G_OPTION_ARG_INT, &n_issues, "Incidents to create (100000)", "N" },
    { "rounds", 0, 0, G_OPTION_ARG_INT, &n_rounds, "Repetitions per query (50)", "N" },
    { "app", 0, 0, G_OPTION_ARG_FILENAME, &app_path, "Also time the app's first page", "PATH" },
    { "loghub", 0, 0, G_OPTION_ARG_FILENAME, &loghub_dir, "Loghub folder for realistic text",
      "DIR" },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("- benchmark the incident store");
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("tftsr-bench-XXXXXX", NULL);
  g_autofree char *db_path = g_build_filename (dir, "tftsr.db", NULL);
  g_autofree char *pass_path = g_build_filename (dir, "passphrase.db", NULL);
  g_autofree char *plain_path = g_build_filename (dir, "plain.db", NULL);
  g_autofree char *text_dir = g_build_filename (dir, "text", NULL);
  g_autoptr (GPtrArray) lines = NULL;
  g_autoptr (TftsrStore) store = NULL;
  g_autoptr (GArray) all_tftsr = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) all_plain = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) all_rg = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) page_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) open_ms = g_array_new (FALSE, FALSE, sizeof (double));
  sqlite3 *plain;
  double insert_ms;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  lines = load_lines ();
  g_print ("tftsr store benchmark: %d incidents, %u source lines, %d rounds per query\n", n_issues,
           lines->len, n_rounds);

  store = open_store (db_path, RAW_KEY);
  plain = open_plain (plain_path);
  insert_ms = populate (store, plain, text_dir, lines);
  {
    struct stat st_tftsr, st_plain;
    g_stat (db_path, &st_tftsr);
    g_stat (plain_path, &st_plain);
    g_print ("\ninsert (one transaction each)        %8.0f incidents/s\n",
             n_issues / (insert_ms / 1000.0));
    g_print ("database size                        %8.1f MB (plain SQLite peer, index and text "
             "only: %.1f MB)\n",
             st_tftsr.st_size / 1e6, st_plain.st_size / 1e6);
  }

  g_print (
      "\nsearch, first 50 hits                 tftsr (SQLCipher)    plain SQLite     ripgrep\n");
  for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
    {
      g_autoptr (GArray) t = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr (GArray) p = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr (GArray) r = g_array_new (FALSE, FALSE, sizeof (double));

      time_store_search (store, queries[q], t);
      time_plain_search (plain, queries[q], p);
      time_ripgrep (text_dir, queries[q], r);
      g_print ("  %-24s p95 %7.2f ms   p95 %7.2f ms   p50 %8.1f ms\n", queries[q],
               percentile (t, 0.95), percentile (p, 0.95), percentile (r, 0.5));
      g_array_append_vals (all_tftsr, t->data, t->len);
      g_array_append_vals (all_plain, p->data, p->len);
      g_array_append_vals (all_rg, r->data, r->len);
    }
  g_print ("\nall queries\n");
  report ("tftsr search", all_tftsr);
  report ("plain SQLite FTS5 (peer)", all_plain);
  report ("ripgrep over text files (peer)", all_rg);
  g_print ("  ratio tftsr/plain SQLite p95: %.2f   ripgrep/tftsr p50: %.0fx\n",
           percentile (all_tftsr, 0.95) / percentile (all_plain, 0.95),
           percentile (all_rg, 0.5) / percentile (all_tftsr, 0.5));
  g_print ("  goal p95 <= 5 ms: %s\n", percentile (all_tftsr, 0.95) <= 5.0 ? "met" : "NOT met");

  time_first_page (store, page_ms);
  g_print ("\nfirst page of the list (100)\n");
  report ("list", page_ms);

  /* A passphrase-keyed copy: key derivation is part of every start. */
  g_clear_object (&store);
  {
    g_autoptr (TftsrStore) raw = open_store (db_path, RAW_KEY);
    g_autoptr (TftsrConn) conn = tftsr_conn_acquire (raw, NULL);
    g_autofree char *sql = g_strdup_printf ("ATTACH DATABASE '%s' AS pass KEY '" PASSPHRASE
                                            "'; SELECT sqlcipher_export('pass'); "
                                            "DETACH DATABASE pass;",
                                            pass_path);
    if (!tftsr_db_exec (conn->db, sql, "export", &error))
      g_error ("%s", error->message);
  }
  for (int r = 0; r < 5; r++)
    {
      double start = now_ms (), ms;
      g_autoptr (TftsrStore) s = open_store (pass_path, PASSPHRASE);
      g_autoptr (GArray) once = g_array_new (FALSE, FALSE, sizeof (double));
      time_first_page (s, once);
      ms = now_ms () - start;
      g_array_append_val (open_ms, ms);
    }
  g_print ("\nopen with a passphrase (PBKDF2 256k) + first page\n");
  report ("open", open_ms);

  if (app_path != NULL)
    {
      g_autoptr (GArray) app_ms = g_array_new (FALSE, FALSE, sizeof (double));
      for (int r = 0; r < 5; r++)
        {
          double ms = time_app_start (pass_path);
          if (ms < 0)
            g_error ("the app never showed its first page");
          g_array_append_val (app_ms, ms);
        }
      g_print ("\napp launch to first page shown (passphrase key)\n");
      report ("app", app_ms);
      g_print ("  goal <= 1000 ms: %s (ratio to goal %.2f)\n",
               percentile (app_ms, 0.95) <= 1000 ? "met" : "NOT met",
               percentile (app_ms, 0.95) / 1000.0);
    }

  sqlite3_close (plain);
  if (g_getenv ("TFTSR_BENCH_KEEP") == NULL)
    {
      g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
      g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL);
    }
  return 0;
}
