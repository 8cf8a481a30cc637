/* test-log-digest.c: a log cut down to a budget for a model: whole when it fits, else its
 * templates: new after the marked change, errors and warnings, the most frequent, the rare
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "tftsr-test-util.h"

static TftsrStore *store;
static TftsrPiiScanner *scanner;

static gint64
add_log (const char *text, gsize len)
{
  g_autoptr (TftsrIssue) issue = tftsr_test_create (store, "Digest", NULL);
  g_autoptr (GInputStream) in = g_memory_input_stream_new_from_data (text, len, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrLogFile) log = tftsr_store_add_log (
      store, tftsr_issue_get_id (issue), in, "worker.log", len, scanner, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  return tftsr_log_file_get_id (log);
}

static guint
count_of (const char *text, const char *needle)
{
  guint n = 0;

  for (const char *p = text; (p = strstr (p, needle)) != NULL; p++)
    n++;
  return n;
}

static TftsrLogDigest *
digest (gint64 log_id, gsize budget)
{
  g_autoptr (GError) error = NULL;
  TftsrLogDigest *d = tftsr_store_digest_log (store, log_id, budget, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_true (g_utf8_validate (tftsr_log_digest_get_text (d), -1, NULL));
  return d;
}

static void
test_whole_when_it_fits (void)
{
  static const char text[] = "boot ok\nERROR disk sda1 full\nWARN retrying\n";
  g_autoptr (TftsrLogDigest) d = digest (add_log (text, sizeof text - 1), 4096);

  g_assert_true (tftsr_log_digest_is_whole (d));
  g_assert_cmpstr (tftsr_log_digest_get_text (d), ==, text);
  g_assert_cmpuint (tftsr_log_digest_get_lines (d), ==, 3);
}

/* 100,000 lines over several chunks: 100 errors of one template, 100 warnings, a repeated
 * chatter line, a one-off failure after the marked deploy; the budget holds. */
static void
test_digest_of_a_big_log (void)
{
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (TftsrLogDigest) d = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) deploy = g_date_time_new_utc (2024, 5, 1, 3, 30, 0);
  const char *out;
  gint64 log_id;

  for (guint i = 1; i <= 100000; i++)
    {
      guint minute = i * 60 / 100001;

      if (i % 1000 == 0)
        g_string_append_printf (text,
                                "2024-05-01T03:%02u:00Z ERROR db-%u connection timed out after "
                                "%u ms\n",
                                minute, i % 7, i);
      else if (i % 500 == 0)
        g_string_append_printf (text, "2024-05-01T03:%02u:00Z WARN queue depth %u\n", minute, i);
      else if (i == 77777)
        g_string_append_printf (text, "2024-05-01T03:%02u:00Z ERROR ledger checksum mismatch\n",
                                minute);
      else
        g_string_append_printf (text,
                                "2024-05-01T03:%02u:00Z INFO worker-%u processed job %u in %u "
                                "ms\n",
                                minute, i % 9, i, i % 97);
    }
  log_id = add_log (text->str, text->len);
  g_assert_true (tftsr_store_set_log_change_time (
      store, log_id, g_date_time_to_unix (deploy) * G_USEC_PER_SEC, &error));
  g_assert_no_error (error);
  d = digest (log_id, 8000);
  out = tftsr_log_digest_get_text (d);
  g_assert_false (tftsr_log_digest_is_whole (d));
  g_assert_cmpuint (tftsr_log_digest_get_lines (d), ==, 100000);
  g_assert_cmpuint (tftsr_log_digest_get_error_lines (d), ==, 101);
  g_assert_cmpuint (tftsr_log_digest_get_warning_lines (d), ==, 100);
  g_assert_cmpuint (strlen (out), <=, 8000);
  g_assert_true (g_str_has_prefix (out, "Log “worker.log”: 100000 lines, "));
  /* What is new after the deploy first, then errors with their counts, lines, times and
   * first line, then warnings; each template once. */
  g_assert_nonnull (strstr (out, "\n## New or more frequent after 2024-05-01T03:30:00Z (the "
                                 "marked change)\n"
                                 "- 1× [error] (new) lines 77777–77777, 2024-05-01T03:46:00Z–"
                                 "2024-05-01T03:46:00Z: ledger checksum mismatch\n"
                                 "  77777: 2024-05-01T03:46:00Z ERROR ledger checksum mismatch\n"
                                 "\n## Errors, then warnings, most frequent first\n"
                                 "- 100× [error] lines 1000–100000, 2024-05-01T03:00:00Z–"
                                 "2024-05-01T03:59:00Z: db-<*> connection timed out after <*> ms\n"
                                 "  1000: 2024-05-01T03:00:00Z ERROR db-6 connection timed out "
                                 "after 1000 ms\n"
                                 "- 100× [warning] lines 500–99500, "));
  g_assert_cmpuint (count_of (out, "ledger checksum mismatch\n"), ==, 2);
  g_assert_nonnull (strstr (out, "\n## Most frequent\n- 99799× lines 1–99999, "));
}

static void
count_progress (guint64 done, guint64 total, gpointer user_data)
{
  guint64 *seen = user_data;
  seen[0] = done;
  seen[1] = total;
}

/* A line longer than a chunk is held in part, never whole; NUL bytes never make it whole. */
static void
test_long_line_and_binary (void)
{
  gsize long_len = 3 * 1024 * 1024;
  g_autofree char *text = g_malloc (long_len + 64);
  static const char binary[] = "ok\nPANIC \0\xff in driver\n";
  g_autoptr (TftsrLogDigest) d = NULL;
  g_autoptr (TftsrLogDigest) b = NULL;
  g_autoptr (GError) error = NULL;
  guint64 seen[2] = { 0, 0 };
  gint64 log_id;
  gsize len;

  memset (text, 'x', long_len);
  len = long_len + g_snprintf (text + long_len, 64, "\nFATAL out of memory\n");
  log_id = add_log (text, len);
  d = tftsr_store_digest_log (store, log_id, 2048, count_progress, seen, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (seen[0], ==, seen[1]);
  g_assert_cmpuint (seen[1], ==, len);
  /* As the viewer shows it: the long line is three rows (one per chunk), then the rest of
   * its chunk, empty, then the last line. */
  g_assert_cmpuint (tftsr_log_digest_get_lines (d), ==, 5);
  g_assert_cmpuint (tftsr_log_digest_get_error_lines (d), ==, 1);
  g_assert_cmpuint (strlen (tftsr_log_digest_get_text (d)), <=, 2048);
  g_assert_nonnull (strstr (tftsr_log_digest_get_text (d), "\n  1: xxxxxxxx"));
  g_assert_nonnull (strstr (tftsr_log_digest_get_text (d), "[critical] lines 5–5: out of memory"));

  b = digest (add_log (binary, sizeof binary - 1), 4096);
  g_assert_false (tftsr_log_digest_is_whole (b));
  g_assert_cmpuint (tftsr_log_digest_get_error_lines (b), ==, 1);
}

static void
test_cancel_and_missing (void)
{
  static const char text[] = "a\nb\n";
  g_autoptr (GCancellable) cancelled = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  gint64 log_id = add_log (text, sizeof text - 1);

  g_cancellable_cancel (cancelled);
  g_assert_null (tftsr_store_digest_log (store, log_id, 4096, NULL, NULL, cancelled, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_null (tftsr_store_digest_log (store, 999999, 4096, NULL, NULL, NULL, &error));
  g_assert_error (error, TFTSR_LOG_ERROR, TFTSR_LOG_ERROR_NOT_FOUND);
}

static TftsrLogDigest *
lines (gint64 log_id, guint64 first, guint64 last, gsize budget)
{
  g_autoptr (GError) error = NULL;
  TftsrLogDigest *d =
      tftsr_store_digest_log_lines (store, log_id, first, last, budget, NULL, &error);

  g_assert_no_error (error);
  g_assert_true (g_utf8_validate (tftsr_log_digest_get_text (d), -1, NULL));
  return d;
}

/* Lines @first..@last of the generated log, as an excerpt gives them. */
static char *
expected_lines (guint first, guint last)
{
  GString *out = g_string_new (NULL);

  for (guint i = first; i <= last; i++)
    g_string_append_printf (out, "line %05u of the worker's chatter\n", i);
  return g_string_free (out, FALSE);
}

static void
assert_refused (gint64 log_id, guint64 first, guint64 last, const char *why)
{
  g_autoptr (GError) error = NULL;

  g_assert_null (tftsr_store_digest_log_lines (store, log_id, first, last, 4096, NULL, &error));
  g_assert_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, why));
}

/* A range of lines, numbered as the viewer numbers them: exact at the start, the end and
 * across a chunk boundary; a digest of them when they do not fit, numbered as in the log;
 * lines the log does not have are refused. */
static void
test_lines (void)
{
  g_autoptr (GString) text = g_string_new (NULL);
  g_autofree char *sql = NULL, *first_chunk_rows = NULL;
  g_autofree char *head = expected_lines (1, 1), *tail = expected_lines (40000, 40000);
  g_autofree char *across = NULL;
  g_autoptr (TftsrLogDigest) start = NULL, end = NULL, seam = NULL, all = NULL, part = NULL;
  g_autoptr (TftsrLogDigest) unended = NULL;
  static const char no_newline[] = "a\nb\nc";
  guint boundary;
  gint64 log_id;

  for (guint i = 1; i <= 40000; i++)
    g_string_append_printf (text, "line %05u of the worker's chatter\n", i);
  log_id = add_log (text->str, text->len);
  sql = g_strdup_printf (
      "SELECT rows FROM log_chunks WHERE log_id = %" G_GINT64_FORMAT " AND seq = 0", log_id);
  first_chunk_rows = tftsr_test_query (store, sql);
  boundary = (guint) g_ascii_strtoull (first_chunk_rows, NULL, 10);
  g_assert_cmpuint (boundary, >, 2);
  g_assert_cmpuint (boundary, <, 40000);

  start = lines (log_id, 1, 1, 4096);
  g_assert_true (tftsr_log_digest_is_whole (start));
  g_assert_cmpstr (tftsr_log_digest_get_text (start), ==, head);
  g_assert_cmpuint (tftsr_log_digest_get_lines (start), ==, 1);
  end = lines (log_id, 40000, 40000, 4096);
  g_assert_cmpstr (tftsr_log_digest_get_text (end), ==, tail);
  seam = lines (log_id, boundary - 2, boundary + 2, 4096);
  across = expected_lines (boundary - 2, boundary + 2);
  g_assert_true (tftsr_log_digest_is_whole (seam));
  g_assert_cmpstr (tftsr_log_digest_get_text (seam), ==, across);
  g_assert_cmpuint (tftsr_log_digest_get_lines (seam), ==, 5);

  all = lines (log_id, 1, 40000, 4096);
  g_assert_false (tftsr_log_digest_is_whole (all));
  g_assert_cmpuint (tftsr_log_digest_get_lines (all), ==, 40000);
  g_assert_cmpuint (strlen (tftsr_log_digest_get_text (all)), <=, 4096);
  g_assert_true (g_str_has_prefix (tftsr_log_digest_get_text (all),
                                   "Lines 1–40000 of log “worker.log”: 40000 lines"));
  part = lines (log_id, 20001, 30000, 4096);
  g_assert_false (tftsr_log_digest_is_whole (part));
  g_assert_cmpuint (tftsr_log_digest_get_lines (part), ==, 10000);
  /* Numbered as in the log. */
  g_assert_nonnull (strstr (tftsr_log_digest_get_text (part),
                            "\n- 10000× lines 20001–30000: line <*> of the worker's chatter\n"
                            "  20001: line 20001 of the worker's chatter\n"));
  g_assert_null (strstr (tftsr_log_digest_get_text (part), "line 20000 of"));
  g_assert_null (strstr (tftsr_log_digest_get_text (part), "line 30001 of"));

  assert_refused (log_id, 39999, 40001, "has 40000 lines");
  assert_refused (log_id, 0, 3, "numbered from 1");
  assert_refused (log_id, 5, 4, "numbered from 1");

  /* The last line, without a line break, is a line. */
  unended = lines (add_log (no_newline, sizeof no_newline - 1), 3, 3, 4096);
  g_assert_cmpstr (tftsr_log_digest_get_text (unended), ==, "c\n");
}

int
main (int argc, char **argv)
{
  int status;

  tftsr_test_init (&argc, &argv);
  store = tftsr_test_new_store ();
  scanner = tftsr_pii_scanner_new ();
  g_test_add_func ("/log-digest/whole-when-it-fits", test_whole_when_it_fits);
  g_test_add_func ("/log-digest/big-log", test_digest_of_a_big_log);
  g_test_add_func ("/log-digest/long-line-and-binary", test_long_line_and_binary);
  g_test_add_func ("/log-digest/cancel-and-missing", test_cancel_and_missing);
  g_test_add_func ("/log-digest/lines", test_lines);
  status = g_test_run ();
  g_clear_object (&scanner);
  g_clear_object (&store);
  return status;
}
