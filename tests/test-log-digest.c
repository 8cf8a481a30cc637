/* test-log-digest.c: a log cut down to a budget for a model: whole when it fits, else its
 * errors and warnings by shape and frequency, its repeated lines, head and tail
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

/* 100,000 lines over several chunks: 100 errors of one shape, 100 warnings, a repeated
 * chatter line; the budget holds. */
static void
test_digest_of_a_big_log (void)
{
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (TftsrLogDigest) d = NULL;
  const char *out;

  for (guint i = 1; i <= 100000; i++)
    {
      if (i % 1000 == 0)
        g_string_append_printf (text, "03:%02u:00 ERROR db-%u connection timed out after %u ms\n",
                                i % 60, i % 7, i);
      else if (i % 500 == 0)
        g_string_append_printf (text, "03:%02u:00 WARN queue depth %u\n", i % 60, i);
      else
        g_string_append_printf (text, "03:%02u:00 worker-%u processed job %u in %u ms\n", i % 60,
                                i % 9, i, i % 97);
    }
  d = digest (add_log (text->str, text->len), 8000);
  out = tftsr_log_digest_get_text (d);
  g_assert_false (tftsr_log_digest_is_whole (d));
  g_assert_cmpuint (tftsr_log_digest_get_lines (d), ==, 100000);
  g_assert_cmpuint (tftsr_log_digest_get_error_lines (d), ==, 100);
  g_assert_cmpuint (tftsr_log_digest_get_warning_lines (d), ==, 100);
  g_assert_cmpuint (strlen (out), <=, 8000);
  g_assert_nonnull (strstr (out, "- 100× [error] lines 1000–100000: 03:40:00 ERROR db-6 "
                                 "connection timed out after 1000 ms\n"));
  g_assert_nonnull (strstr (out, "- 100× [warning] lines 500–99500: "));
  g_assert_nonnull (strstr (out, "- 99800× lines 1–99999: 03:01:00 worker-1 processed job 1"));
  g_assert_nonnull (strstr (out, "\n1: 03:01:00 worker-1 processed job 1 in 1 ms\n"));
  g_assert_true (g_str_has_suffix (out, "\n100000: 03:40:00 ERROR db-5 connection timed out "
                                        "after 100000 ms\n"));
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
  g_assert_cmpuint (tftsr_log_digest_get_lines (d), ==, 2);
  g_assert_cmpuint (tftsr_log_digest_get_error_lines (d), ==, 1);
  g_assert_cmpuint (strlen (tftsr_log_digest_get_text (d)), <=, 2048);
  g_assert_nonnull (strstr (tftsr_log_digest_get_text (d), "1: xxxxxxxx"));

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
  status = g_test_run ();
  g_clear_object (&scanner);
  g_clear_object (&store);
  return status;
}
