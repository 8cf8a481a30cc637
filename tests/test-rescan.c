/* test-rescan.c: re-scanning stored logs with changed detection settings keeps the
 * engineer's decisions, is all or nothing, and streams across chunks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "tftsr-test-util.h"

static TftsrStore *store;

static gint64
new_issue (void)
{
  g_autoptr (TftsrIssue) issue = tftsr_test_create (store, "Re-scan", NULL);
  return tftsr_issue_get_id (issue);
}

static gint64
add_text (gint64 issue, const char *text, gsize len)
{
  g_autoptr (TftsrPiiScanner) scanner = tftsr_pii_scanner_new ();
  g_autoptr (GInputStream) in = g_memory_input_stream_new_from_data (text, len, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrLogFile) log =
      tftsr_store_add_log (store, issue, in, "app.log", len, scanner, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  return tftsr_log_file_get_id (log);
}

static char *query (const char *format, ...) G_GNUC_PRINTF (1, 2);

static char *
query (const char *format, ...)
{
  g_autofree char *sql = NULL;
  va_list args;

  va_start (args, format);
  sql = g_strdup_vprintf (format, args);
  va_end (args);
  return tftsr_test_query (store, sql);
}

/* The number in @text (taken), such as query() returns. */
static guint
count_of (char *text)
{
  g_autofree char *owned = text;
  return (guint) g_ascii_strtoull (owned != NULL ? owned : "0", NULL, 10);
}

static char *
redacted (gint64 log_id)
{
  g_autoptr (GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr (GError) error = NULL;

  g_assert_true (tftsr_store_write_log (store, log_id, TRUE, out, NULL, &error));
  g_assert_no_error (error);
  g_output_stream_write_all (out, "", 1, NULL, NULL, NULL);
  g_output_stream_close (out, NULL, NULL);
  return g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (out));
}

/* Every span of @log_id as start:end:value:origin, in order. */
static char *
span_set (gint64 log_id)
{
  return query ("SELECT group_concat(start || ':' || \"end\" || ':' || value_id || ':' || origin, "
                "' ') FROM (SELECT * FROM pii_spans WHERE log_id = %" G_GINT64_FORMAT
                " ORDER BY start)",
                log_id);
}

static TftsrPiiValue *
find_value (GPtrArray *values, const char *text)
{
  for (guint i = 0; i < values->len; i++)
    {
      TftsrPiiValue *v = values->pdata[i];
      if (g_bytes_get_size (v->value) == strlen (text) &&
          memcmp (g_bytes_get_data (v->value, NULL), text, strlen (text)) == 0)
        return v;
    }
  return NULL;
}

static char *
token_of (GPtrArray *values, const char *text)
{
  TftsrPiiValue *value = find_value (values, text);
  g_assert_nonnull (value);
  return tftsr_pii_value_dup_token (value);
}

/* Phone switched off, a badge pattern added. */
static TftsrPiiScanner *
changed_scanner (void)
{
  TftsrPiiScanner *scanner = tftsr_pii_scanner_new ();
  g_autoptr (GError) error = NULL;

  tftsr_pii_scanner_set_enabled (scanner, TFTSR_PII_PHONE, FALSE);
  g_assert_true (tftsr_pii_scanner_add_pattern (scanner, "badge", "EMP-\\d{6}", &error));
  g_assert_no_error (error);
  return scanner;
}

static void
test_keeps_decisions (void)
{
  static const char text[] = "user bob@mail.internal at 10.9.8.7 ring (415) 555-0132\n"
                             "badge EMP-123456 then EMP-654321 for alice@mail.internal\n"
                             "bob@mail.internal again\n";
  gint64 issue = new_issue ();
  gint64 log_id = add_text (issue, text, sizeof text - 1);
  g_autoptr (TftsrPiiScanner) scanner = changed_scanner ();
  g_autoptr (GPtrArray) before = tftsr_store_list_pii_values (store, issue, NULL);
  g_autoptr (GPtrArray) after = NULL;
  g_autoptr (TftsrLogFile) log = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *bob = token_of (before, "bob@mail.internal");
  g_autofree char *alice = token_of (before, "alice@mail.internal");
  g_autofree char *bob_after = NULL, *alice_after = NULL, *out = NULL, *detail = NULL;
  const char *first_badge = strstr (text, "EMP-123456");
  TftsrPiiValue *address;

  /* Released: the address. Marked by hand: the first badge. */
  g_assert_cmpuint (before->len, ==, 4);
  address = find_value (before, "10.9.8.7");
  g_assert_true (tftsr_store_set_pii_value_released (store, address->id, TRUE, &error));
  g_assert_true (tftsr_store_mark_pii_value (store, log_id, first_badge - text,
                                             first_badge - text + 10, "BADGE", FALSE, NULL, NULL,
                                             NULL, &error));
  g_assert_no_error (error);

  g_assert_true (tftsr_store_rescan_log (store, log_id, scanner, NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  /* The phone is gone, the second badge found; the hand-marked one stays as marked (the
   * scan numbered it too before it gave way, so the second badge is number 2). */
  out = redacted (log_id);
  g_assert_cmpstr (out, ==,
                   "user <EMAIL_1> at 10.9.8.7 ring (415) 555-0132\n"
                   "badge <BADGE_1> then <CUSTOM_BADGE_2> for <EMAIL_2>\n"
                   "<EMAIL_1> again\n");
  after = tftsr_store_list_pii_values (store, issue, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (after->len, ==, 5); /* two e-mails, the address, two badges */
  /* The phone's row stays (with its number), unlisted. */
  g_assert_null (find_value (after, "(415) 555-0132"));
  g_assert_cmpuint (count_of (query ("SELECT count(*) FROM pii_values WHERE issue_id = "
                                     "%" G_GINT64_FORMAT " AND type = 'PHONE'",
                                     issue)),
                    ==, 1);
  g_assert_true (find_value (after, "10.9.8.7")->released);
  g_assert_cmpint (find_value (after, "10.9.8.7")->id, ==, address->id);
  g_assert_cmpuint (find_value (after, "bob@mail.internal")->occurrences, ==, 2);
  bob_after = token_of (after, "bob@mail.internal");
  alice_after = token_of (after, "alice@mail.internal");
  g_assert_cmpstr (bob_after, ==, bob);
  g_assert_cmpstr (alice_after, ==, alice);
  g_assert_cmpuint (
      count_of (query ("SELECT count(*) FROM pii_spans WHERE log_id = %" G_GINT64_FORMAT
                       " AND origin = 'user'",
                       log_id)),
      ==, 1);
  log = tftsr_store_get_log (store, log_id, &error);
  g_assert_cmpuint (tftsr_log_file_get_pii_count (log), ==, 6);
  detail = query ("SELECT detail FROM audit_log WHERE action = 'log.rescanned' AND target = "
                  "'log:%" G_GINT64_FORMAT "'",
                  log_id);
  g_assert_cmpstr (detail, ==, "{\"spans_before\":6,\"spans_after\":6}");
  /* Nothing staged is left behind. */
  g_assert_cmpuint (count_of (query ("SELECT count(*) FROM pii_rescan_spans")), ==, 0);
  g_assert_cmpuint (count_of (query ("SELECT count(*) FROM pii_rescans")), ==, 0);
}

/* A value no span refers to keeps its number: found again it is the same token, and a
 * new value of its type never gets that number. */
static void
test_numbers_never_reused (void)
{
  static const char text[] = "ring (415) 555-0132 now\n";
  static const char other[] = "ring (415) 555-0199 later\n";
  gint64 issue = new_issue ();
  gint64 log_id = add_text (issue, text, sizeof text - 1);
  g_autoptr (TftsrPiiScanner) without_phone = changed_scanner ();
  g_autoptr (TftsrPiiScanner) all = tftsr_pii_scanner_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *gone = NULL, *second = NULL, *back = NULL;

  g_assert_true (tftsr_store_rescan_log (store, log_id, without_phone, NULL, NULL, NULL, &error));
  gone = redacted (log_id);
  g_assert_cmpstr (gone, ==, text);
  second = redacted (add_text (issue, other, sizeof other - 1));
  g_assert_cmpstr (second, ==, "ring <PHONE_2> later\n");
  g_assert_true (tftsr_store_rescan_log (store, log_id, all, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  back = redacted (log_id);
  g_assert_cmpstr (back, ==, "ring <PHONE_1> now\n");
}

static void
cancel_now (guint64 done, guint64 total, gpointer cancellable)
{
  g_cancellable_cancel (cancellable);
}

static GString *
multi_chunk_text (void)
{
  GString *text = g_string_new (NULL);

  /* Three chunks, a detection or two every fifty lines. */
  for (guint i = 0; text->len < 2 * 1024 * 1024 + 4096; i++)
    if (i % 50 == 0)
      g_string_append_printf (text, "%06u user%u@mail.internal ring (415) 555-%04u EMP-%06u\n", i,
                              i / 50 % 40, i / 50 % 10000, i);
    else
      g_string_append_printf (text, "%06u request served in %u ms\n", i, i % 97);
  return text;
}

static void
test_cancel_changes_nothing (void)
{
  g_autoptr (GString) text = multi_chunk_text ();
  gint64 issue = new_issue ();
  gint64 log_id = add_text (issue, text->str, text->len);
  g_autoptr (TftsrPiiScanner) scanner = changed_scanner ();
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *spans = span_set (log_id);
  g_autofree char *spans_after = NULL;
  g_autofree char *values = query ("SELECT count(*) FROM pii_values");
  g_autofree char *values_after = NULL;
  g_autofree char *pii_count =
      query ("SELECT pii_count FROM log_files WHERE id = %" G_GINT64_FORMAT, log_id);
  g_autofree char *pii_count_after = NULL;

  g_assert_cmpuint (
      count_of (query ("SELECT count(*) FROM log_chunks WHERE log_id = %" G_GINT64_FORMAT, log_id)),
      >=, 3);
  g_assert_false (tftsr_store_rescan_log (store, log_id, scanner, cancel_now, cancellable,
                                          cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  spans_after = span_set (log_id);
  values_after = query ("SELECT count(*) FROM pii_values");
  pii_count_after = query ("SELECT pii_count FROM log_files WHERE id = %" G_GINT64_FORMAT, log_id);
  g_assert_cmpstr (spans_after, ==, spans);
  g_assert_cmpstr (values_after, ==, values);
  g_assert_cmpstr (pii_count_after, ==, pii_count);
  g_assert_cmpuint (count_of (query ("SELECT count(*) FROM pii_rescan_spans")), ==, 0);
  g_assert_cmpuint (count_of (query ("SELECT count(*) FROM pii_rescans")), ==, 0);
  g_assert_cmpuint (count_of (query ("SELECT count(*) FROM audit_log WHERE action = "
                                     "'log.rescanned' AND target = 'log:%" G_GINT64_FORMAT "'",
                                     log_id)),
                    ==, 0);
}

/* A value cut by the chunk boundary is found once, whole. */
static void
test_value_across_chunks (void)
{
  gsize len = 2 * 1024 * 1024, at = 1024 * 1024 - 4;
  g_autofree char *text = g_strnfill (len, '.');
  gint64 log_id;
  g_autoptr (TftsrPiiScanner) scanner = changed_scanner ();
  g_autoptr (GError) error = NULL;
  g_autofree char *spans = NULL, *out = NULL;

  /* No newline: the chunker cuts at 1 MiB exactly, through the badge. */
  memcpy (text + at, " EMP-271828 ", 12);
  log_id = add_text (new_issue (), text, len);
  g_assert_cmpuint (
      count_of (query ("SELECT count(*) FROM pii_spans WHERE log_id = %" G_GINT64_FORMAT, log_id)),
      ==, 0);
  g_assert_true (tftsr_store_rescan_log (store, log_id, scanner, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  spans = query ("SELECT group_concat(start || '-' || \"end\") FROM pii_spans WHERE log_id = "
                 "%" G_GINT64_FORMAT,
                 log_id);
  g_assert_cmpstr (spans, ==, "1048573-1048583"); /* 1048576 is in the middle */
  out = redacted (log_id);
  g_assert_cmpuint (strlen (out), ==, len - 10 + strlen ("<CUSTOM_BADGE_1>"));
  g_assert_nonnull (strstr (out, ". <CUSTOM_BADGE_1> ."));
}

static void
test_missing (void)
{
  g_autoptr (GError) error = NULL;

  g_assert_false (tftsr_store_rescan_log (store, 999999, NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, TFTSR_LOG_ERROR, TFTSR_LOG_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (tftsr_store_rescan_issue (store, 999999, NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_NOT_FOUND);
}

/* Other connections write between the re-scan's transactions: the app saving an
 * incident, the engineer marking a value in another log of the incident (which numbers a
 * value of a type the re-scan is numbering too). */
typedef struct
{
  gint64 other_log;
  guint writes;
} Meanwhile;

static void
write_elsewhere (guint64 done, guint64 total, gpointer user_data)
{
  Meanwhile *meanwhile = user_data;
  g_autoptr (TftsrIssue) issue = tftsr_test_create (store, "Saved meanwhile", NULL);
  g_autoptr (GError) error = NULL;

  if (meanwhile->writes++ == 0)
    g_assert_true (tftsr_store_mark_pii_value (store, meanwhile->other_log, 6, 16, "CUSTOM_BADGE",
                                               FALSE, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
}

static void
test_other_writes_meanwhile (void)
{
  static const char small[] = "badge EMP-999999\n";
  g_autoptr (GString) text = multi_chunk_text ();
  gint64 issue = new_issue ();
  gint64 log_id = add_text (issue, text->str, text->len);
  Meanwhile meanwhile = { add_text (issue, small, sizeof small - 1), 0 };
  g_autoptr (TftsrPiiScanner) scanner = changed_scanner ();
  g_autoptr (GError) error = NULL;
  g_autofree char *marked = NULL;

  g_assert_true (
      tftsr_store_rescan_log (store, log_id, scanner, write_elsewhere, &meanwhile, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (meanwhile.writes, >=, 3);
  g_assert_cmpuint (count_of (query ("SELECT count(*) FROM pii_spans s JOIN pii_values v ON "
                                     "v.id = s.value_id WHERE s.log_id = %" G_GINT64_FORMAT
                                     " AND v.type = 'PHONE'",
                                     log_id)),
                    ==, 0);
  marked = redacted (meanwhile.other_log);
  g_assert_true (g_str_has_prefix (marked, "badge <CUSTOM_BADGE_"));
}

/* Staging left by a process that died is swept, and never stands in the way of erasing
 * its incident. */
static void
test_abandoned_staging (void)
{
  static const char text[] = "mail carol@mail.internal\n";
  gint64 issue = new_issue ();
  gint64 log_id = add_text (issue, text, sizeof text - 1);
  g_autoptr (GError) error = NULL;

  g_free (query ("INSERT INTO pii_rescans (log_id, touched_at) VALUES (%" G_GINT64_FORMAT
                 ", '2020-01-01T00:00:00.000Z')",
                 log_id));
  g_free (query ("INSERT INTO pii_rescan_spans SELECT max(r.id), 0, 4, v.id FROM pii_rescans r, "
                 "pii_values v WHERE v.issue_id = %" G_GINT64_FORMAT,
                 issue));
  g_assert_true (tftsr_store_rescan_issue (store, issue, NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_of (query ("SELECT count(*) FROM pii_rescans")), ==, 0);

  g_free (query ("INSERT INTO pii_rescans (log_id) VALUES (%" G_GINT64_FORMAT ")", log_id));
  g_free (query ("INSERT INTO pii_rescan_spans SELECT max(r.id), 0, 4, v.id FROM pii_rescans r, "
                 "pii_values v WHERE v.issue_id = %" G_GINT64_FORMAT,
                 issue));
  g_free (query ("DELETE FROM issues WHERE id = %" G_GINT64_FORMAT, issue));
  g_assert_cmpuint (count_of (query ("SELECT count(*) FROM pii_rescan_spans")), ==, 0);
  g_assert_cmpuint (count_of (query ("SELECT count(*) FROM pii_values WHERE issue_id = "
                                     "%" G_GINT64_FORMAT,
                                     issue)),
                    ==, 0);
}

typedef struct
{
  GMainLoop *loop;
  GAsyncResult *result;
  guint reports;
  guint64 done;
  guint64 total;
} AsyncRun;

static void
on_progress (guint64 done, guint64 total, gpointer user_data)
{
  AsyncRun *run = user_data;

  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  g_assert_cmpuint (done, >=, run->done);
  g_assert_cmpuint (done, <=, total);
  run->reports++;
  run->done = done;
  run->total = total;
}

static void
on_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  AsyncRun *run = user_data;

  run->result = g_object_ref (result);
  g_main_loop_quit (run->loop);
}

/* The stored settings (phone off) are what a re-scan without a scanner uses. */
static void
test_issue_async (void)
{
  g_autoptr (GString) text = multi_chunk_text ();
  static const char small[] = "ring (415) 555-0132 or mail dave@mail.internal\n";
  gint64 issue = new_issue ();
  gint64 big = add_text (issue, text->str, text->len);
  gint64 little = add_text (issue, small, sizeof small - 1);
  g_autoptr (TftsrPiiSettings) settings = tftsr_pii_settings_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autofree char *out = NULL;
  AsyncRun run = { loop, NULL, 0, 0, 0 };

  tftsr_pii_settings_set_enabled (settings, TFTSR_PII_PHONE, FALSE);
  g_assert_true (tftsr_store_save_pii_settings (store, settings, &error));
  tftsr_store_rescan_issue_async (store, issue, NULL, on_progress, &run, NULL, on_done, &run);
  g_main_loop_run (loop);
  g_assert_true (tftsr_store_rescan_finish (store, run.result, &error));
  g_assert_no_error (error);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (run.reports, >=, 1);
  g_assert_cmpuint (run.total, ==, text->len + sizeof small - 1);
  out = redacted (little);
  g_assert_true (g_str_has_prefix (out, "ring (415) 555-0132 or mail <EMAIL_"));
  g_assert_cmpuint (count_of (query ("SELECT count(*) FROM pii_spans s JOIN pii_values v ON "
                                     "v.id = s.value_id WHERE s.log_id IN (%" G_GINT64_FORMAT
                                     ", %" G_GINT64_FORMAT ") AND v.type = 'PHONE'",
                                     big, little)),
                    ==, 0);
  g_clear_object (&run.result);
  g_clear_pointer (&settings, tftsr_pii_settings_free);
  settings = tftsr_pii_settings_new ();
  g_assert_true (tftsr_store_save_pii_settings (store, settings, &error));
}

int
main (int argc, char **argv)
{
  int status;

  tftsr_test_init (&argc, &argv);
  store = tftsr_test_new_store ();
  g_test_add_func ("/rescan/keeps-decisions", test_keeps_decisions);
  g_test_add_func ("/rescan/numbers-never-reused", test_numbers_never_reused);
  g_test_add_func ("/rescan/cancel-changes-nothing", test_cancel_changes_nothing);
  g_test_add_func ("/rescan/value-across-chunks", test_value_across_chunks);
  g_test_add_func ("/rescan/missing", test_missing);
  g_test_add_func ("/rescan/other-writes-meanwhile", test_other_writes_meanwhile);
  g_test_add_func ("/rescan/abandoned-staging", test_abandoned_staging);
  g_test_add_func ("/rescan/issue-async", test_issue_async);
  status = g_test_run ();
  g_clear_object (&store);
  return status;
}
