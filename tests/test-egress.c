/* test-egress.c: review decisions and the one door out: what leaves is redacted as
 * decided, and every departure is in the audit log with the hash of the exact bytes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <json.h>

#include "tftsr-test-util.h"

static TftsrStore *store;
static TftsrPiiScanner *scanner;

static gint64
new_issue (void)
{
  g_autoptr (TftsrIssue) issue = tftsr_test_create (store, "Egress", NULL);
  return tftsr_issue_get_id (issue);
}

static TftsrLogFile *
add_log (gint64 issue, const char *text)
{
  g_autoptr (GInputStream) in =
      g_memory_input_stream_new_from_data (g_strdup (text), strlen (text), g_free);
  g_autoptr (GError) error = NULL;
  TftsrLogFile *log =
      tftsr_store_add_log (store, issue, in, "app.log", 0, scanner, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  return log;
}

/* Exports a log and returns what left, checking the receipt against it. */
static char *export(gint64 log_id, const char *destination)
{
  g_autoptr (GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrEgressReceipt) receipt =
      tftsr_egress_export_log (store, log_id, out, destination, NULL, &error);
  g_autoptr (GBytes) bytes = NULL;
  g_autofree char *sha = NULL;

  g_assert_no_error (error);
  g_output_stream_close (out, NULL, NULL);
  bytes = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
  sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
  g_assert_cmpstr (tftsr_egress_receipt_get_sha256 (receipt), ==, sha);
  g_assert_cmpuint (tftsr_egress_receipt_get_bytes (receipt), ==, g_bytes_get_size (bytes));
  return g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

static json_object *
last_audit (const char *action)
{
  g_autoptr (GPtrArray) entries = tftsr_audit_list (store, 1, NULL);
  TftsrAuditEntry *entry = entries->pdata[0];

  g_assert_cmpstr (entry->action, ==, action);
  return json_tokener_parse (entry->detail);
}

static gint64
newest_audit_id (void)
{
  g_autoptr (GPtrArray) entries = tftsr_audit_list (store, 1, NULL);
  return ((TftsrAuditEntry *) entries->pdata[0])->id;
}

static void
test_export_redacted_and_audited (void)
{
  gint64 issue = new_issue ();
  g_autoptr (TftsrLogFile) log = add_log (issue, "login bob@mail.internal from 10.9.8.7\n"
                                                 "again bob@mail.internal password=hunter22\n");
  g_autofree char *out = export(tftsr_log_file_get_id (log), "file:///tmp/out.log");
  json_object *detail = last_audit ("egress.send");
  json_object *replaced = json_object_object_get (detail, "replaced");
  g_autoptr (GPtrArray) entries = tftsr_audit_list (store, 1, NULL);

  g_assert_cmpstr (out, ==,
                   "login <EMAIL_1> from <IPV4_1>\nagain <EMAIL_1> password=<PASSWORD_1>\n");
  g_assert_cmpstr (((TftsrAuditEntry *) entries->pdata[0])->target, ==, "file:///tmp/out.log");
  g_assert_cmpint (json_object_get_int (json_object_object_get (replaced, "EMAIL")), ==, 2);
  g_assert_cmpint (json_object_get_int (json_object_object_get (replaced, "IPV4")), ==, 1);
  g_assert_cmpint (json_object_get_int64 (json_object_object_get (detail, "log")), ==,
                   tftsr_log_file_get_id (log));
  json_object_put (detail);
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
  g_error ("no value %s", text);
}

/* Decisions hold for every log of the incident, later ones included. */
static void
test_review_decisions (void)
{
  gint64 issue = new_issue ();
  g_autoptr (TftsrLogFile) first = add_log (issue, "host db01.prod.corp user ops@mail.internal\n");
  g_autoptr (GPtrArray) values = tftsr_store_list_pii_values (store, issue, NULL);
  TftsrPiiValue *host = find_value (values, "db01.prod.corp");
  g_autoptr (TftsrLogFile) second = NULL;
  g_autofree char *out1 = NULL;
  g_autofree char *out2 = NULL;
  g_autofree char *out3 = NULL;
  g_autofree char *token = tftsr_pii_value_dup_token (host);
  g_autoptr (GError) error = NULL;

  g_assert_cmpuint (values->len, ==, 2);
  g_assert_cmpstr (token, ==, "<HOSTNAME_1>");
  g_assert_cmpuint (host->occurrences, ==, 1);
  g_assert_true (tftsr_store_set_pii_value_released (store, host->id, TRUE, &error));
  g_assert_no_error (error);
  out1 = export(tftsr_log_file_get_id (first), "stdout");
  g_assert_cmpstr (out1, ==, "host db01.prod.corp user <EMAIL_1>\n");

  /* A later log with the same host: still released. */
  second = add_log (issue, "again db01.prod.corp and ops@mail.internal\n");
  out2 = export(tftsr_log_file_get_id (second), "stdout");
  g_assert_cmpstr (out2, ==, "again db01.prod.corp and <EMAIL_1>\n");

  /* A whole type, then undone. */
  g_assert_true (tftsr_store_set_pii_type_released (store, issue, "EMAIL", TRUE, &error));
  g_assert_true (tftsr_store_set_pii_value_released (store, host->id, FALSE, &error));
  out3 = export(tftsr_log_file_get_id (second), "stdout");
  g_assert_cmpstr (out3, ==, "again <HOSTNAME_1> and ops@mail.internal\n");
  g_assert_no_error (error);

  g_assert_false (tftsr_store_set_pii_value_released (store, 999999, TRUE, &error));
  g_assert_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_NOT_FOUND);
}

/* Marking what the scanner missed replaces the overlapping detections. */
static void
test_mark_missed_span (void)
{
  gint64 issue = new_issue ();
  const char *text = "ticket for customer Jane Roe at 10.4.4.4\n";
  g_autoptr (TftsrLogFile) log = add_log (issue, text);
  gint64 log_id = tftsr_log_file_get_id (log);
  guint64 name = strstr (text, "Jane") - text;
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrLogFile) reloaded = NULL;
  g_autofree char *out = NULL;

  g_assert_cmpuint (tftsr_store_mark_pii_value (store, log_id, name, name + 8, "PERSON", FALSE,
                                                NULL, NULL, NULL, &error),
                    ==, 1);
  g_assert_no_error (error);
  out = export(log_id, "stdout");
  g_assert_cmpstr (out, ==, "ticket for customer <PERSON_1> at <IPV4_1>\n");
  reloaded = tftsr_store_get_log (store, log_id, &error);
  g_assert_cmpuint (tftsr_log_file_get_pii_count (reloaded), ==, 2);
  g_clear_pointer (&out, g_free);

  /* Over the address: the scanner's span gives way. */
  g_assert_true (tftsr_store_mark_pii_value (store, log_id, name + 12, strlen (text) - 1, "PLACE",
                                             FALSE, NULL, NULL, NULL, &error));
  out = export(log_id, "stdout");
  g_assert_cmpstr (out, ==, "ticket for customer <PERSON_1> at <PLACE_1>\n");

  g_assert_false (
      tftsr_store_mark_pii_value (store, log_id, 5, 500, "PLACE", FALSE, NULL, NULL, NULL, &error));
  g_assert_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (
      tftsr_store_mark_pii_value (store, log_id, 0, 6, "place\"", FALSE, NULL, NULL, NULL, &error));
  g_assert_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_INVALID);
}

static void
count_progress (guint64 done, guint64 total, gpointer user_data)
{
  guint64 *seen = user_data;

  g_assert_cmpuint (done, <=, total);
  seen[0] = done;
  seen[1] = total;
}

static guint
occurrences (const char *haystack, const char *needle)
{
  guint n = 0;

  for (const char *p = strstr (haystack, needle); p != NULL; p = strstr (p + 1, needle))
    n++;
  return n;
}

/* A value marked everywhere is found in every log of the incident, across chunk
 * boundaries, and nowhere else. */
static void
test_mark_everywhere (void)
{
  gint64 issue = new_issue (), other = new_issue ();
  /* One line longer than a chunk, so the chunk is cut inside the name. */
  g_autoptr (GString) long_line = g_string_new ("Kowalski ");
  g_autoptr (TftsrLogFile) big = NULL;
  g_autoptr (TftsrLogFile) small =
      add_log (issue, "paged Kowalski\nKowalski acked; KowalskiKowalski\n");
  g_autoptr (TftsrLogFile) elsewhere = add_log (other, "Kowalski again\n");
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  json_object *detail;
  guint64 seen[2] = { 0, 0 };

  while (long_line->len < 1024 * 1024 - 4)
    g_string_append_c (long_line, 'x');
  g_string_append (long_line, "Kowalski done\n");
  big = add_log (issue, long_line->str);
  g_assert_cmpuint (tftsr_store_mark_pii_value (store, tftsr_log_file_get_id (small), 6, 14,
                                                "PERSON", TRUE, count_progress, seen, NULL, &error),
                    ==, 6);
  g_assert_no_error (error);
  g_assert_cmpuint (seen[0], ==, seen[1]);
  g_assert_cmpuint (seen[1], ==, tftsr_log_file_get_size (small) + tftsr_log_file_get_size (big));

  out = export(tftsr_log_file_get_id (small), "stdout");
  g_assert_cmpstr (out, ==, "paged <PERSON_1>\n<PERSON_1> acked; <PERSON_1><PERSON_1>\n");
  g_clear_pointer (&out, g_free);
  out = export(tftsr_log_file_get_id (big), "stdout");
  g_assert_cmpuint (occurrences (out, "<PERSON_1>"), ==, 2);
  g_assert_null (strstr (out, "Kowalski"));
  g_assert_true (g_str_has_suffix (out, "xx<PERSON_1> done\n"));
  g_clear_pointer (&out, g_free);
  out = export(tftsr_log_file_get_id (elsewhere), "stdout");
  g_assert_cmpstr (out, ==, "Kowalski again\n");

  /* The exports came after it; the mark's entry says what and how many, never the value. */
  {
    g_autoptr (GPtrArray) entries = tftsr_audit_list (store, 4, NULL);
    TftsrAuditEntry *mark = entries->pdata[0]; /* oldest first */

    g_assert_cmpstr (mark->action, ==, "pii.mark");
    g_assert_null (strstr (mark->detail, "Kowalski"));
    detail = json_tokener_parse (mark->detail);
    g_assert_cmpstr (json_object_get_string (json_object_object_get (detail, "type")), ==,
                     "PERSON");
    g_assert_cmpint (json_object_get_int (json_object_object_get (detail, "occurrences")), ==, 6);
    json_object_put (detail);
  }
}

/* Occurrences overlapping the selection or one another are marked once, leftmost first. */
static void
test_mark_everywhere_overlaps (void)
{
  gint64 issue = new_issue ();
  g_autoptr (TftsrLogFile) log = add_log (issue, "aaaaa aaa\n");
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;

  g_assert_cmpuint (tftsr_store_mark_pii_value (store, tftsr_log_file_get_id (log), 1, 3, "CODE",
                                                TRUE, NULL, NULL, NULL, &error),
                    ==, 3);
  g_assert_no_error (error);
  out = export(tftsr_log_file_get_id (log), "stdout");
  g_assert_cmpstr (out, ==, "a<CODE_1><CODE_1> <CODE_1>a\n");
}

/* A search that fails or is cancelled leaves the incident as it was. */
static void
test_mark_everywhere_changes_nothing_on_failure (void)
{
  gint64 issue = new_issue ();
  g_autoptr (GString) text = g_string_new ("Zed\n");
  g_autoptr (TftsrLogFile) log = NULL;
  g_autoptr (TftsrLogFile) reloaded = NULL;
  g_autoptr (GCancellable) cancelled = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  gint64 head;

  for (guint i = 0; i <= 100000; i++)
    g_string_append (text, "q\n");
  log = add_log (issue, text->str);
  head = newest_audit_id ();

  /* More than 100,000 occurrences is a word, not a missed value. */
  g_assert_cmpuint (tftsr_store_mark_pii_value (store, tftsr_log_file_get_id (log), 4, 5, "CODE",
                                                TRUE, NULL, NULL, NULL, &error),
                    ==, 0);
  g_assert_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_INVALID);
  g_clear_error (&error);

  g_cancellable_cancel (cancelled);
  g_assert_cmpuint (tftsr_store_mark_pii_value (store, tftsr_log_file_get_id (log), 0, 3, "PERSON",
                                                TRUE, NULL, NULL, cancelled, &error),
                    ==, 0);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  g_assert_cmpint (newest_audit_id (), ==, head);
  reloaded = tftsr_store_get_log (store, tftsr_log_file_get_id (log), NULL);
  g_assert_cmpuint (tftsr_log_file_get_pii_count (reloaded), ==, 0);
  out = export(tftsr_log_file_get_id (log), "stdout");
  g_assert_cmpstr (out, ==, text->str);
}

static char *
redact (gint64 issue, const char *text, gsize len)
{
  g_autoptr (GInputStream) in = g_memory_input_stream_new_from_data (text, len, NULL);
  g_autoptr (GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrEgressReceipt) receipt =
      tftsr_egress_redact_stream (store, issue, scanner, in, out, "stdout", NULL, &error);
  g_autoptr (GBytes) bytes = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (receipt);
  g_output_stream_close (out, NULL, NULL);
  bytes = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
  return g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

static void
test_redact_stream (void)
{
  gint64 issue = new_issue ();
  const char *text = "a@mail.internal b@mail.internal a@mail.internal 10.1.1.1\n";
  g_autofree char *alone = redact (0, text, strlen (text));
  g_autoptr (TftsrLogFile) log = add_log (issue, "first c@mail.internal\n");
  g_autofree char *with_issue = redact (issue, text, strlen (text));

  g_assert_cmpstr (alone, ==, "<EMAIL_1> <EMAIL_2> <EMAIL_1> <IPV4_1>\n");
  /* The incident already had c@ as <EMAIL_1>: new values continue its numbering. */
  g_assert_cmpstr (with_issue, ==, "<EMAIL_2> <EMAIL_3> <EMAIL_2> <IPV4_1>\n");
}

/* Large input streams through: the output matches a redaction computed from a whole scan,
 * and no planted value survives. */
static void
test_redact_stream_large (void)
{
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (GString) expected = g_string_new (NULL);
  g_autofree char *out = NULL;
  guint n = 0;

  while (text->len < 3 * 1024 * 1024)
    {
      g_string_append_printf (text, "line %u ok canary%u@mail.internal end\n", n, n % 1000);
      n++;
    }
  for (guint i = 0; i < n; i++)
    g_string_append_printf (expected, "line %u ok <EMAIL_%u> end\n", i, i % 1000 + 1);
  out = redact (0, text->str, text->len);
  g_assert_null (strstr (out, "canary"));
  g_assert_cmpuint (strlen (out), ==, expected->len);
  g_assert_true (g_str_equal (out, expected->str));
}

static void
got_result (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
has_result (gpointer result)
{
  return *(GAsyncResult **) result != NULL;
}

/* Waits for a change made in a worker and asserts it succeeded. */
static void
await_change (GAsyncResult **result)
{
  g_autoptr (GError) error = NULL;

  tftsr_test_iterate_until (has_result, result);
  g_assert_true (tftsr_store_change_finish (store, *result, &error));
  g_assert_no_error (error);
  g_clear_object (result);
}

/* The UI's calls run the same review in workers. */
static void
test_review_async (void)
{
  gint64 issue = new_issue ();
  g_autoptr (TftsrLogFile) log = add_log (issue, "ops@mail.internal on 10.9.9.9 ticket RQ-1\n");
  gint64 log_id = tftsr_log_file_get_id (log);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GPtrArray) values = NULL;
  g_autoptr (GPtrArray) logs = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;

  tftsr_store_list_pii_values_async (store, issue, NULL, got_result, &result);
  tftsr_test_iterate_until (has_result, &result);
  values = tftsr_store_list_pii_values_finish (store, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (values->len, ==, 2);
  g_clear_object (&result);

  tftsr_store_set_pii_value_released_async (store, find_value (values, "10.9.9.9")->id, TRUE, NULL,
                                            got_result, &result);
  await_change (&result);
  tftsr_store_set_pii_type_released_async (store, issue, "EMAIL", TRUE, NULL, got_result, &result);
  await_change (&result);
  tftsr_store_mark_pii_value_async (store, log_id, 37, 41, "CUSTOM_TICKET", TRUE, NULL, NULL, NULL,
                                    got_result, &result);
  tftsr_test_iterate_until (has_result, &result);
  g_assert_cmpuint (tftsr_store_mark_pii_value_finish (store, result, &error), ==, 1);
  g_assert_no_error (error);
  g_clear_object (&result);
  out = export(log_id, "stdout");
  g_assert_cmpstr (out, ==, "ops@mail.internal on 10.9.9.9 ticket <CUSTOM_TICKET_1>\n");

  tftsr_store_list_logs_async (store, issue, NULL, got_result, &result);
  tftsr_test_iterate_until (has_result, &result);
  logs = tftsr_store_list_logs_finish (store, result, &error);
  g_assert_cmpuint (logs->len, ==, 1);
  g_clear_object (&result);
  tftsr_store_delete_log_async (store, log_id, NULL, got_result, &result);
  await_change (&result);
  g_clear_pointer (&logs, g_ptr_array_unref);
  logs = tftsr_store_list_logs (store, issue, &error);
  g_assert_cmpuint (logs->len, ==, 0);

  /* A failure reaches the caller as an error. */
  tftsr_store_set_pii_value_released_async (store, 999999, TRUE, NULL, got_result, &result);
  tftsr_test_iterate_until (has_result, &result);
  g_assert_false (tftsr_store_change_finish (store, result, &error));
  g_assert_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_NOT_FOUND);
}

/* Text for a request is redacted with the incident's pseudonyms (releases honoured), the
 * bytes sent are recorded, and tokens in a reply turn back into values for display. */
static void
test_redact_text_record_reveal (void)
{
  gint64 issue = new_issue ();
  g_autoptr (TftsrLogFile) log = add_log (issue, "login bob@mail.internal from 10.9.8.7\n");
  g_autoptr (GHashTable) counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *first = NULL, *second = NULL, *shown = NULL;
  g_autoptr (TftsrEgressReceipt) receipt = NULL;
  g_autoptr (GBytes) body = NULL;
  g_autofree char *sha = NULL;
  json_object *detail;

  first = tftsr_egress_redact_text (store, issue, scanner,
                                    "bob@mail.internal asked eve@corp-mail.io about 10.1.2.3",
                                    counts, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (first, ==, "<EMAIL_1> asked <EMAIL_2> about <IPV4_2>");
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (counts, "EMAIL")), ==, 2);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (counts, "IPV4")), ==, 1);

  g_assert_true (tftsr_store_set_pii_type_released (store, issue, "IPV4", TRUE, &error));
  second = tftsr_egress_redact_text (store, issue, scanner, "again 10.1.2.3 and eve@corp-mail.io",
                                     counts, &error);
  g_assert_cmpstr (second, ==, "again 10.1.2.3 and <EMAIL_2>");
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (counts, "EMAIL")), ==, 3);

  body = g_bytes_new (first, strlen (first));
  receipt = tftsr_egress_record (store, issue, "https://api.example.com/v1/chat/completions", body,
                                 counts, &error);
  g_assert_no_error (error);
  sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, body);
  g_assert_cmpstr (tftsr_egress_receipt_get_sha256 (receipt), ==, sha);
  detail = last_audit ("egress.send");
  g_assert_cmpstr (json_object_get_string (json_object_object_get (detail, "sha256")), ==, sha);
  g_assert_cmpint (json_object_get_int (json_object_object_get (
                       json_object_object_get (detail, "replaced"), "EMAIL")),
                   ==, 3);
  json_object_put (detail);

  shown = tftsr_store_reveal_pseudonyms (
      store, issue, "Ask <EMAIL_2> and <EMAIL_1>; <EMAIL_9>, <IPV4_1> and <lowercase_1> stay.",
      &error);
  g_assert_no_error (error);
  g_assert_cmpstr (shown, ==,
                   "Ask eve@corp-mail.io and bob@mail.internal; <EMAIL_9>, 10.9.8.7 and "
                   "<lowercase_1> stay.");
}

int
main (int argc, char **argv)
{
  int status;

  tftsr_test_init (&argc, &argv);
  store = tftsr_test_new_store ();
  scanner = tftsr_pii_scanner_new ();
  g_test_add_func ("/egress/export-redacted-and-audited", test_export_redacted_and_audited);
  g_test_add_func ("/egress/review-decisions", test_review_decisions);
  g_test_add_func ("/egress/mark-missed-span", test_mark_missed_span);
  g_test_add_func ("/egress/mark-everywhere", test_mark_everywhere);
  g_test_add_func ("/egress/mark-everywhere-overlaps", test_mark_everywhere_overlaps);
  g_test_add_func ("/egress/mark-everywhere-changes-nothing-on-failure",
                   test_mark_everywhere_changes_nothing_on_failure);
  g_test_add_func ("/egress/review-async", test_review_async);
  g_test_add_func ("/egress/redact-text-record-reveal", test_redact_text_record_reveal);
  g_test_add_func ("/egress/redact-stream", test_redact_stream);
  g_test_add_func ("/egress/redact-stream-large", test_redact_stream_large);
  status = g_test_run ();
  g_assert_true (tftsr_audit_verify (store, NULL, NULL, NULL));
  g_clear_object (&scanner);
  g_clear_object (&store);
  return status;
}
