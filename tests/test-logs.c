/* test-logs.c: log ingest and read-back: plain, gzip, damaged input, bombs, binary,
 * cancellation, pseudonyms and redaction across chunk boundaries
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <zlib.h>

#include "tftsr-test-util.h"

static TftsrStore *store;
static TftsrPiiScanner *scanner;

static gint64
new_issue (void)
{
  g_autoptr (TftsrIssue) issue = tftsr_test_create (store, "Logs", NULL);
  return tftsr_issue_get_id (issue);
}

static TftsrLogFile *
add_bytes (gint64 issue, const char *name, const void *data, gsize len, GError **error)
{
  g_autoptr (GInputStream) in =
      g_memory_input_stream_new_from_data (g_memdup2 (data, len), len, g_free);
  return tftsr_store_add_log (store, issue, in, name, len, scanner, NULL, NULL, NULL, error);
}

static GBytes *
read_back (gint64 log_id, gboolean redacted)
{
  g_autoptr (GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr (GError) error = NULL;

  g_assert_true (tftsr_store_write_log (store, log_id, redacted, out, NULL, &error));
  g_assert_no_error (error);
  g_output_stream_close (out, NULL, NULL);
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
}

static guint
count (const char *sql)
{
  g_autofree char *text = tftsr_test_query (store, sql);
  return (guint) g_ascii_strtoull (text != NULL ? text : "0", NULL, 10);
}

static GBytes *
gzip (const void *data, gsize len)
{
  z_stream z = { 0 };
  gsize cap = compressBound (len) + 64;
  guint8 *out = g_malloc (cap);

  g_assert_cmpint (deflateInit2 (&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), ==, Z_OK);
  z.next_in = (Bytef *) data;
  z.avail_in = len;
  z.next_out = out;
  z.avail_out = cap;
  g_assert_cmpint (deflate (&z, Z_FINISH), ==, Z_STREAM_END);
  deflateEnd (&z);
  return g_bytes_new_take (out, z.total_out);
}

static void
assert_nothing_left (void)
{
  g_assert_cmpuint (count ("SELECT count(*) FROM log_files"), ==, 0);
  g_assert_cmpuint (count ("SELECT count(*) FROM log_chunks"), ==, 0);
  g_assert_cmpuint (count ("SELECT count(*) FROM pii_spans"), ==, 0);
  g_assert_cmpuint (count ("SELECT count(*) FROM pii_values"), ==, 0);
}

static void
clear_logs (void)
{
  g_free (tftsr_test_query (store, "DELETE FROM log_files"));
  g_free (tftsr_test_query (store, "DELETE FROM pii_values"));
}

static void
test_plain_round_trip (void)
{
  const char *text = "line one with bob@mail.internal\nline two 10.1.2.3\nno newline at end";
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrLogFile) log = add_bytes (new_issue (), "app.log", text, strlen (text), &error);
  g_autoptr (GBytes) back = NULL;
  g_autofree char *sha = g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);

  g_assert_no_error (error);
  g_assert_cmpstr (tftsr_log_file_get_name (log), ==, "app.log");
  g_assert_cmpstr (tftsr_log_file_get_compression (log), ==, "none");
  g_assert_cmpstr (tftsr_log_file_get_sha256 (log), ==, sha);
  g_assert_cmpuint (tftsr_log_file_get_size (log), ==, strlen (text));
  g_assert_cmpuint (tftsr_log_file_get_original_size (log), ==, strlen (text));
  g_assert_cmpuint (tftsr_log_file_get_line_count (log), ==, 3);
  g_assert_false (tftsr_log_file_get_binary (log));
  g_assert_cmpuint (tftsr_log_file_get_pii_count (log), ==, 2);
  back = read_back (tftsr_log_file_get_id (log), FALSE);
  g_assert_cmpmem (g_bytes_get_data (back, NULL), g_bytes_get_size (back), text, strlen (text));
  clear_logs ();
}

static void
test_gzip (void)
{
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (GBytes) packed = NULL;
  g_autoptr (GByteArray) two = g_byte_array_new ();
  g_autoptr (TftsrLogFile) log = NULL;
  g_autoptr (TftsrLogFile) multi = NULL;
  g_autoptr (GBytes) back = NULL;
  g_autoptr (GError) error = NULL;
  gint64 issue = new_issue ();

  /* Over one chunk of text, with an address now and then. */
  for (guint i = 0; i < 100000; i++)
    if (i % 1000 == 0)
      g_string_append_printf (text, "%u request from 10.%u.%u.7 done\n", i, i % 200, i % 250);
    else
      g_string_append_printf (text, "%u request done\n", i);
  packed = gzip (text->str, text->len);
  log = add_bytes (issue, "app.log.gz", g_bytes_get_data (packed, NULL), g_bytes_get_size (packed),
                   &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tftsr_log_file_get_compression (log), ==, "gzip");
  g_assert_cmpuint (tftsr_log_file_get_size (log), ==, text->len);
  g_assert_cmpuint (tftsr_log_file_get_original_size (log), ==, g_bytes_get_size (packed));
  g_assert_cmpuint (tftsr_log_file_get_line_count (log), ==, 100000);
  back = read_back (tftsr_log_file_get_id (log), FALSE);
  g_assert_cmpmem (g_bytes_get_data (back, NULL), g_bytes_get_size (back), text->str, text->len);

  /* Two gzip members one after the other read as one text. */
  g_byte_array_append (two, g_bytes_get_data (packed, NULL), g_bytes_get_size (packed));
  g_byte_array_append (two, g_bytes_get_data (packed, NULL), g_bytes_get_size (packed));
  multi = add_bytes (issue, "twice.gz", two->data, two->len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tftsr_log_file_get_size (multi), ==, 2 * text->len);
  clear_logs ();
}

static void
test_damaged_gzip (void)
{
  const char *text = "some text that is long enough to compress into a few blocks\n";
  g_autoptr (GBytes) packed = gzip (text, strlen (text));
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrLogFile) truncated = NULL;
  g_autoptr (TftsrLogFile) garbled = NULL;
  g_autofree guint8 *bad = g_memdup2 (g_bytes_get_data (packed, NULL), g_bytes_get_size (packed));
  gint64 issue = new_issue ();

  truncated = add_bytes (issue, "cut.gz", g_bytes_get_data (packed, NULL),
                         g_bytes_get_size (packed) - 12, &error);
  g_assert_null (truncated);
  g_assert_error (error, TFTSR_LOG_ERROR, TFTSR_LOG_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "truncated"));
  g_clear_error (&error);
  assert_nothing_left ();

  bad[12] ^= 0xff;
  bad[13] ^= 0xff;
  garbled = add_bytes (issue, "bad.gz", bad, g_bytes_get_size (packed), &error);
  g_assert_null (garbled);
  g_assert_error (error, TFTSR_LOG_ERROR, TFTSR_LOG_ERROR_CORRUPT);
  assert_nothing_left ();
}

static void
test_decompression_bomb (void)
{
  gsize len = 96 << 20; /* 96 MiB of zeros compress about a thousandfold */
  g_autofree guint8 *zeros = g_malloc0 (len);
  g_autoptr (GBytes) bomb = gzip (zeros, len);
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrLogFile) log = NULL;

  g_assert_cmpuint (g_bytes_get_size (bomb), <, len / 500);
  log = add_bytes (new_issue (), "bomb.gz", g_bytes_get_data (bomb, NULL), g_bytes_get_size (bomb),
                   &error);
  g_assert_null (log);
  g_assert_error (error, TFTSR_LOG_ERROR, TFTSR_LOG_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "decompression bomb"));
  assert_nothing_left ();
}

static void
test_empty_binary_and_long_lines (void)
{
  static const guint8 binary[] = { 'o', 'k', 0, 0, 0xff, 0xfe, '\n', 0xc3, 0x28, '\n' };
  gsize long_len = 3 * 1024 * 1024 + 17;
  g_autofree char *long_line = g_strnfill (long_len, 'x');
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrLogFile) empty = NULL;
  g_autoptr (TftsrLogFile) bin = NULL;
  g_autoptr (TftsrLogFile) line = NULL;
  g_autoptr (GBytes) back = NULL;
  gint64 issue = new_issue ();

  empty = add_bytes (issue, "empty.log", "", 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tftsr_log_file_get_size (empty), ==, 0);
  g_assert_cmpuint (tftsr_log_file_get_line_count (empty), ==, 0);

  bin = add_bytes (issue, "core.bin", binary, sizeof binary, &error);
  g_assert_no_error (error);
  g_assert_true (tftsr_log_file_get_binary (bin));
  back = read_back (tftsr_log_file_get_id (bin), FALSE);
  g_assert_cmpmem (g_bytes_get_data (back, NULL), g_bytes_get_size (back), binary, sizeof binary);
  g_clear_pointer (&back, g_bytes_unref);

  /* One line longer than a chunk is cut into chunks and comes back whole. */
  line = add_bytes (issue, "one-line.log", long_line, long_len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tftsr_log_file_get_line_count (line), ==, 1);
  g_assert_cmpuint (
      count ("SELECT count(*) FROM log_chunks WHERE log_id = (SELECT max(id) FROM log_files)"), ==,
      4);
  back = read_back (tftsr_log_file_get_id (line), FALSE);
  g_assert_cmpuint (g_bytes_get_size (back), ==, long_len);
  g_assert_cmpmem (g_bytes_get_data (back, NULL), long_len, long_line, long_len);
  clear_logs ();
}

static void
cancel_after_first_block (guint64 done, guint64 total, gpointer cancellable)
{
  g_cancellable_cancel (cancellable);
}

static void
test_cancel_leaves_nothing (void)
{
  gsize len = 8 << 20;
  g_autofree char *text = g_strnfill (len, 'a');
  g_autoptr (GInputStream) in = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrLogFile) log = NULL;

  for (gsize i = 100; i < len; i += 100)
    text[i] = '\n';
  memcpy (text + 1000, " alice@mail.internal ", 21);
  in = g_memory_input_stream_new_from_data (text, len, NULL);
  log = tftsr_store_add_log (store, new_issue (), in, "big.log", len, scanner,
                             cancel_after_first_block, cancellable, cancellable, &error);
  g_assert_null (log);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  assert_nothing_left ();
}

static void
test_unreadable_and_missing (void)
{
  g_autoptr (GFile) missing = g_file_new_for_path ("/nonexistent/app.log");
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrLogFile) log = NULL;
  g_autoptr (TftsrLogFile) orphan = NULL;

  log = tftsr_store_add_log_file (store, new_issue (), missing, scanner, NULL, NULL, NULL, &error);
  g_assert_null (log);
  g_assert_error (error, TFTSR_LOG_ERROR, TFTSR_LOG_ERROR_READ);
  g_clear_error (&error);
  orphan = add_bytes (999999, "x.log", "x", 1, &error);
  g_assert_null (orphan);
  g_assert_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_NOT_FOUND);
  assert_nothing_left ();
}

static char *
redacted_text (gint64 log_id)
{
  g_autoptr (GBytes) back = read_back (log_id, TRUE);
  return g_strndup (g_bytes_get_data (back, NULL), g_bytes_get_size (back));
}

/* The same value gets the same token across the logs of one incident; another incident
 * numbers its own values from 1. */
static void
test_pseudonyms (void)
{
  const char *first = "from bob@mail.internal to eve@mail.internal\n";
  const char *second = "eve@mail.internal again, then carol@mail.internal\n";
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrLogFile) a = NULL, b = NULL, c = NULL;
  g_autofree char *ra = NULL, *rb = NULL, *rc = NULL;
  gint64 issue = new_issue ();

  a = add_bytes (issue, "a.log", first, strlen (first), &error);
  b = add_bytes (issue, "b.log", second, strlen (second), &error);
  c = add_bytes (new_issue (), "c.log", second, strlen (second), &error);
  g_assert_no_error (error);
  ra = redacted_text (tftsr_log_file_get_id (a));
  rb = redacted_text (tftsr_log_file_get_id (b));
  rc = redacted_text (tftsr_log_file_get_id (c));
  g_assert_cmpstr (ra, ==, "from <EMAIL_1> to <EMAIL_2>\n");
  g_assert_cmpstr (rb, ==, "<EMAIL_2> again, then <EMAIL_3>\n");
  g_assert_cmpstr (rc, ==, "<EMAIL_1> again, then <EMAIL_2>\n");
  clear_logs ();
}

/* A value cut by the 1 MiB chunk boundary is still found once and replaced whole. */
static void
test_redaction_across_chunks (void)
{
  gsize len = 2 * 1024 * 1024;
  g_autofree char *text = g_strnfill (len, '.');
  const char *secret = " password=CorrectHorse9 ";
  gsize at = 1024 * 1024 - 10;
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrLogFile) log = NULL;
  g_autofree char *redacted = NULL;

  /* No newline: the chunker must cut at 1 MiB exactly, through the value. */
  memcpy (text + at, secret, strlen (secret));
  log = add_bytes (new_issue (), "cut.log", text, len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tftsr_log_file_get_pii_count (log), ==, 1);
  redacted = redacted_text (tftsr_log_file_get_id (log));
  g_assert_null (strstr (redacted, "CorrectHorse9"));
  g_assert_nonnull (strstr (redacted, "password=<PASSWORD_1> "));
  g_assert_cmpuint (strlen (redacted), ==,
                    len - strlen ("CorrectHorse9") + strlen ("<PASSWORD_1>"));
  clear_logs ();
}

static void
test_abandoned_ingest_swept (void)
{
  g_autofree char *path = tftsr_test_db_path ("sweep");
  g_autoptr (TftsrStore) own = tftsr_test_open_store (path);
  g_autoptr (TftsrIssue) issue = tftsr_test_create (own, "Sweep", NULL);
  g_autofree char *sql = g_strdup_printf (
      "INSERT INTO log_files (issue_id, name, touched_at) VALUES (%" G_GINT64_FORMAT
      ", 'dead.log', '2020-01-01T00:00:00.000Z'), (%" G_GINT64_FORMAT ", 'alive.log', %s)",
      tftsr_issue_get_id (issue), tftsr_issue_get_id (issue), TFTSR_SQL_NOW);
  g_autofree char *left = NULL;

  g_free (tftsr_test_query (own, sql));
  g_clear_object (&own);
  own = tftsr_test_open_store (path);
  left = tftsr_test_query (own, "SELECT group_concat(name) FROM log_files");
  g_assert_cmpstr (left, ==, "alive.log");
}

static void
test_timeline_and_audit (void)
{
  gint64 issue = new_issue ();
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrLogFile) log = add_bytes (issue, "svc.log", "x\n", 2, &error);
  g_autoptr (GPtrArray) events = tftsr_store_list_timeline (store, issue, &error);
  g_autofree char *text = tftsr_timeline_event_describe (events->pdata[events->len - 1]);
  g_autoptr (GPtrArray) logs = tftsr_store_list_logs (store, issue, &error);

  g_assert_cmpstr (text, ==, "Log “svc.log” added");
  g_assert_cmpuint (logs->len, ==, 1);
  g_assert_cmpuint (count ("SELECT count(*) FROM audit_log WHERE action = 'log.add'"), >=, 1);
  g_assert_true (tftsr_store_delete_log (store, tftsr_log_file_get_id (log), &error));
  g_assert_false (tftsr_store_delete_log (store, tftsr_log_file_get_id (log), &error));
  g_assert_error (error, TFTSR_LOG_ERROR, TFTSR_LOG_ERROR_NOT_FOUND);
  clear_logs ();
}

static gpointer
await_result (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

static void
got_result (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
line_loaded (gpointer line)
{
  return tftsr_log_line_get_text (line) != NULL;
}

static TftsrLogLine *
line_at (TftsrLogLines *lines, guint position)
{
  TftsrLogLine *line = g_list_model_get_item (G_LIST_MODEL (lines), position);
  tftsr_test_iterate_until (line_loaded, line);
  return line;
}

static gint64
find (TftsrLogLines *lines, const char *needle, guint from, gboolean backwards)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  gint64 row;

  tftsr_log_lines_find_async (lines, needle, from, backwards, NULL, got_result, &result);
  row = tftsr_log_lines_find_finish (lines, await_result (&result), &error);
  g_assert_no_error (error);
  return row;
}

/* The line model: lazily loaded lines across chunks, detections, redaction, finding. */
static void
test_line_model (void)
{
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrLogFile) log = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (TftsrLogLines) lines = NULL;
  g_autoptr (TftsrLogLine) first = NULL, middle = NULL, last = NULL, redacted = NULL;
  const TftsrLogLineSpan *spans;
  guint n_spans = 0, n = 60000;

  for (guint i = 0; i < n; i++)
    g_string_append_printf (text, "line %05u %s\n", i,
                            i == 40000 ? "mail ops@mail.internal NEEDLE here" : "nothing to see");
  log = add_bytes (new_issue (), "lines.log", text->str, text->len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (
      count ("SELECT count(*) FROM log_chunks WHERE log_id = (SELECT max(id) FROM log_files)"), >,
      1);

  tftsr_log_lines_new_async (store, tftsr_log_file_get_id (log), NULL, got_result, &result);
  lines = tftsr_log_lines_new_finish (await_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (lines)), ==, n);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (lines), n));

  first = line_at (lines, 0);
  g_assert_cmpstr (tftsr_log_line_get_text (first), ==, "line 00000 nothing to see");
  g_assert_cmpuint (tftsr_log_line_get_number (first), ==, 1);
  middle = line_at (lines, 40000);
  g_assert_cmpstr (tftsr_log_line_get_text (middle), ==,
                   "line 40000 mail ops@mail.internal NEEDLE here");
  spans = tftsr_log_line_get_spans (middle, &n_spans);
  g_assert_cmpuint (n_spans, ==, 1);
  g_assert_cmpstr (spans[0].type, ==, "EMAIL");
  g_assert_cmpmem (tftsr_log_line_get_text (middle) + spans[0].start, spans[0].end - spans[0].start,
                   "ops@mail.internal", 17);
  last = line_at (lines, n - 1);
  g_assert_cmpstr (tftsr_log_line_get_text (last), ==, "line 59999 nothing to see");

  tftsr_log_lines_set_redacted (lines, TRUE);
  redacted = line_at (lines, 40000);
  g_assert_cmpstr (tftsr_log_line_get_text (redacted), ==, "line 40000 mail <EMAIL_1> NEEDLE here");

  g_assert_cmpint (find (lines, "needle", 0, FALSE), ==, 40000);
  g_assert_cmpint (find (lines, "needle", 40000, FALSE), ==, 40000); /* wraps to itself */
  g_assert_cmpint (find (lines, "needle", 59000, TRUE), ==, 40000);
  g_assert_cmpint (find (lines, "needle", 100, TRUE), ==, 40000); /* wraps backwards */
  g_assert_cmpint (find (lines, "line 00007", 3, FALSE), ==, 7);
  g_assert_cmpint (find (lines, "absent", 3, FALSE), ==, -1);
  clear_logs ();
}

static void
count_changes (GListModel *model, guint position, guint removed, guint added, guint *changes)
{
  g_assert_cmpuint (position, ==, 0);
  changes[0] = removed;
  changes[1] = added;
}

/* A subset shows only some lines, which keep their numbers; finding looks only at them,
 * across chunks, and NULL shows every line again. */
static void
test_line_model_subset (void)
{
  static const guint32 shown[] = { 3, 10, 20000, 40001, 59999, 60000 };
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrLogFile) log = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (TftsrLogLines) lines = NULL;
  g_autoptr (GArray) numbers = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autoptr (GArray) none = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autoptr (TftsrLogLine) third = NULL, far = NULL, last = NULL, redacted = NULL;
  guint changes[2] = { 0, 0 }, position = 0, n = 60000;

  /* NEEDLE on line 20000 (shown) and 30000 (hidden); "hidden" only on a hidden line. */
  for (guint i = 1; i <= n; i++)
    g_string_append_printf (text, "line %05u %s\n", i,
                            i == 20000 || i == 30000 ? "NEEDLE ops@mail.internal"
                            : i == 30001             ? "hidden"
                                                     : "nothing to see");
  log = add_bytes (new_issue (), "subset.log", text->str, text->len, &error);
  g_assert_no_error (error);
  tftsr_log_lines_new_async (store, tftsr_log_file_get_id (log), NULL, got_result, &result);
  lines = tftsr_log_lines_new_finish (await_result (&result), &error);
  g_assert_no_error (error);
  g_signal_connect (lines, "items-changed", G_CALLBACK (count_changes), changes);
  g_assert_false (tftsr_log_lines_get_filtered (lines));

  g_array_append_vals (numbers, shown, G_N_ELEMENTS (shown));
  tftsr_log_lines_set_subset (lines, numbers);
  g_array_set_size (numbers, 0); /* the model keeps its own copy */
  g_assert_cmpuint (changes[0], ==, n);
  g_assert_cmpuint (changes[1], ==, G_N_ELEMENTS (shown));
  g_assert_true (tftsr_log_lines_get_filtered (lines));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (lines)), ==, G_N_ELEMENTS (shown));
  g_assert_cmpuint (tftsr_log_lines_get_n_lines (lines), ==, n);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (lines), G_N_ELEMENTS (shown)));

  third = line_at (lines, 0);
  g_assert_cmpuint (tftsr_log_line_get_number (third), ==, 3);
  g_assert_cmpstr (tftsr_log_line_get_text (third), ==, "line 00003 nothing to see");
  far = line_at (lines, 3);
  g_assert_cmpuint (tftsr_log_line_get_number (far), ==, 40001);
  g_assert_cmpstr (tftsr_log_line_get_text (far), ==, "line 40001 nothing to see");
  last = line_at (lines, 5);
  g_assert_cmpuint (tftsr_log_line_get_number (last), ==, 60000);
  g_assert_cmpstr (tftsr_log_line_get_text (last), ==, "line 60000 nothing to see");

  g_assert_true (tftsr_log_lines_get_position (lines, 40001, &position));
  g_assert_cmpuint (position, ==, 3);
  g_assert_true (tftsr_log_lines_get_position (lines, 3, &position));
  g_assert_cmpuint (position, ==, 0);
  g_assert_false (tftsr_log_lines_get_position (lines, 30000, &position));
  g_assert_false (tftsr_log_lines_get_position (lines, 0, &position));
  g_assert_false (tftsr_log_lines_get_position (lines, n + 1, &position));

  /* Finding: positions among the lines shown; line 30000 is never found. */
  g_assert_cmpint (find (lines, "needle", 0, FALSE), ==, 2);
  g_assert_cmpint (find (lines, "needle", 2, FALSE), ==, 2); /* wraps to itself */
  g_assert_cmpint (find (lines, "needle", 4, TRUE), ==, 2);
  g_assert_cmpint (find (lines, "needle", 1, TRUE), ==, 2); /* wraps backwards */
  g_assert_cmpint (find (lines, "LINE 00010", 4, FALSE), ==, 1);
  g_assert_cmpint (find (lines, "line 59999", 0, TRUE), ==, 4);
  g_assert_cmpint (find (lines, "hidden", 0, FALSE), ==, -1);

  /* Redaction and reloads keep the subset. */
  tftsr_log_lines_set_redacted (lines, TRUE);
  g_assert_cmpuint (changes[0], ==, G_N_ELEMENTS (shown));
  g_assert_cmpuint (changes[1], ==, G_N_ELEMENTS (shown));
  redacted = line_at (lines, 2);
  g_assert_cmpuint (tftsr_log_line_get_number (redacted), ==, 20000);
  g_assert_cmpstr (tftsr_log_line_get_text (redacted), ==, "line 20000 NEEDLE <EMAIL_1>");
  tftsr_log_lines_reload (lines);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (lines)), ==, G_N_ELEMENTS (shown));

  /* An empty subset shows nothing and finds nothing. */
  tftsr_log_lines_set_subset (lines, none);
  g_assert_cmpuint (changes[1], ==, 0);
  g_assert_true (tftsr_log_lines_get_filtered (lines));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (lines)), ==, 0);
  g_assert_cmpint (find (lines, "needle", 0, FALSE), ==, -1);

  /* Back to every line. */
  tftsr_log_lines_set_subset (lines, NULL);
  g_assert_cmpuint (changes[0], ==, 0);
  g_assert_cmpuint (changes[1], ==, n);
  g_assert_false (tftsr_log_lines_get_filtered (lines));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (lines)), ==, n);
  g_assert_true (tftsr_log_lines_get_position (lines, 30000, &position));
  g_assert_cmpuint (position, ==, 29999);
  g_assert_cmpint (find (lines, "hidden", 0, FALSE), ==, 30000);
  g_assert_cmpint (find (lines, "needle", 20000, FALSE), ==, 29999);
  clear_logs ();
}

/* A selection in the viewer maps to log bytes only where the display is those bytes; a
 * span marked there shows after a reload. */
static void
test_line_model_marking (void)
{
  static const char text[] = "first line\nbadge 4471 and \xff byte\nticket RQ-88121 open\n";
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrLogFile) log =
      add_bytes (new_issue (), "mark.log", text, sizeof text - 1, &error);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (TftsrLogLines) lines = NULL;
  g_autoptr (TftsrLogLine) binary = NULL, ticket = NULL, marked = NULL, redacted = NULL;
  const TftsrLogLineSpan *spans;
  guint64 start = 0, end = 0;
  guint n_spans = 0;

  g_assert_no_error (error);
  tftsr_log_lines_new_async (store, tftsr_log_file_get_id (log), NULL, got_result, &result);
  lines = tftsr_log_lines_new_finish (await_result (&result), &error);
  g_assert_no_error (error);

  binary = line_at (lines, 1);
  g_assert_false (tftsr_log_line_get_log_range (binary, 0, 5, &start, &end));
  ticket = line_at (lines, 2);
  g_assert_false (tftsr_log_line_get_log_range (ticket, 7, 100, &start, &end));
  g_assert_false (tftsr_log_line_get_log_range (ticket, 7, 7, &start, &end));
  g_assert_true (tftsr_log_line_get_log_range (ticket, 7, 15, &start, &end));
  g_assert_cmpmem (text + start, end - start, "RQ-88121", 8);

  g_assert_true (tftsr_store_mark_pii_value (store, tftsr_log_file_get_id (log), start, end,
                                             "CUSTOM_TICKET", FALSE, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  tftsr_log_lines_reload (lines);
  marked = line_at (lines, 2);
  spans = tftsr_log_line_get_spans (marked, &n_spans);
  g_assert_cmpuint (n_spans, ==, 1);
  g_assert_cmpstr (spans[0].type, ==, "CUSTOM_TICKET");

  tftsr_log_lines_set_redacted (lines, TRUE);
  redacted = line_at (lines, 2);
  g_assert_cmpstr (tftsr_log_line_get_text (redacted), ==, "ticket <CUSTOM_TICKET_1> open");
  g_assert_false (tftsr_log_line_get_log_range (redacted, 0, 6, &start, &end));
  clear_logs ();
}

int
main (int argc, char **argv)
{
  int status;

  tftsr_test_init (&argc, &argv);
  store = tftsr_test_new_store ();
  scanner = tftsr_pii_scanner_new ();
  g_test_add_func ("/logs/plain-round-trip", test_plain_round_trip);
  g_test_add_func ("/logs/gzip", test_gzip);
  g_test_add_func ("/logs/damaged-gzip", test_damaged_gzip);
  g_test_add_func ("/logs/decompression-bomb", test_decompression_bomb);
  g_test_add_func ("/logs/empty-binary-and-long-lines", test_empty_binary_and_long_lines);
  g_test_add_func ("/logs/cancel-leaves-nothing", test_cancel_leaves_nothing);
  g_test_add_func ("/logs/unreadable-and-missing", test_unreadable_and_missing);
  g_test_add_func ("/logs/pseudonyms", test_pseudonyms);
  g_test_add_func ("/logs/redaction-across-chunks", test_redaction_across_chunks);
  g_test_add_func ("/logs/abandoned-ingest-swept", test_abandoned_ingest_swept);
  g_test_add_func ("/logs/timeline-and-audit", test_timeline_and_audit);
  g_test_add_func ("/logs/line-model", test_line_model);
  g_test_add_func ("/logs/line-model-marking", test_line_model_marking);
  g_test_add_func ("/logs/line-model-subset", test_line_model_subset);
  status = g_test_run ();
  g_clear_object (&scanner);
  g_clear_object (&store);
  return status;
}
