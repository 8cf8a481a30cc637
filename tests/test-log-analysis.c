/* test-log-analysis.c: "Analyze Logs": the request (logs whole or as digests within the
 * budget, redacted), the reply read back (JSON however wrapped, pseudonyms mapped back),
 * what is stored, and the failures
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <json.h>
#include <string.h>

#include "tftsr-fake-server.h"
#include "tftsr-test-util.h"

static TftsrStore *store;

static const char reply_text[] =
    "Here is the analysis:\n```json\n{\"summary\": \"The pool on db-7 ran dry after the "
    "deploy.\", \"key_findings\": [\"<EMAIL_1> saw 40 timeouts (lines 3-42)\", 7, \"\"], "
    "\"first_why\": \"The connection pool was exhausted.\", \"severity\": \"HIGH\", "
    "\"severity_reason\": \"Checkout failed for all users.\"}\n```";

static void
test_read_reply (void)
{
  g_autoptr (TftsrLogAnalysis) a = g_new0 (TftsrLogAnalysis, 1);

  a->findings = g_ptr_array_new_with_free_func (g_free);
  tftsr_log_analysis_read_reply (a, reply_text);
  g_assert_true (a->parsed);
  g_assert_cmpstr (a->summary, ==, "The pool on db-7 ran dry after the deploy.");
  g_assert_cmpuint (a->findings->len, ==, 1);
  g_assert_cmpstr (a->findings->pdata[0], ==, "<EMAIL_1> saw 40 timeouts (lines 3-42)");
  g_assert_cmpstr (a->first_why, ==, "The connection pool was exhausted.");
  g_assert_true (a->has_severity);
  g_assert_cmpint (a->severity, ==, TFTSR_SEVERITY_HIGH);

  tftsr_log_analysis_read_reply (a, "{\"summary\": 3, \"severity\": \"urgent\"}");
  g_assert_true (a->parsed);
  g_assert_cmpstr (a->summary, ==, "");
  g_assert_false (a->has_severity);
  g_assert_cmpuint (a->findings->len, ==, 0);

  tftsr_log_analysis_read_reply (a, "  The logs show nothing unusual. }{ \n");
  g_assert_false (a->parsed);
  g_assert_cmpstr (a->summary, ==, "The logs show nothing unusual. }{");
}

/* One OpenAI stream event carrying @len bytes of @content, the last with its finish. */
static void
append_event (GString *out, const char *content, gsize len, gboolean last)
{
  json_object *chunk = json_object_new_object ();
  json_object *choices = json_object_new_array ();
  json_object *choice = json_object_new_object ();
  json_object *delta = json_object_new_object ();

  json_object_object_add (delta, "content", json_object_new_string_len (content, (int) len));
  json_object_object_add (choice, "index", json_object_new_int (0));
  json_object_object_add (choice, "delta", delta);
  if (last)
    json_object_object_add (choice, "finish_reason", json_object_new_string ("stop"));
  json_object_array_add (choices, choice);
  json_object_object_add (chunk, "choices", choices);
  g_string_append_printf (out, "data: %s\n\n",
                          json_object_to_json_string_ext (chunk, JSON_C_TO_STRING_PLAIN));
  json_object_put (chunk);
}

/* @content (ASCII) as a stream of events of at most @piece bytes each (0: one event). */
static char *
sse_in_pieces (const char *content, gsize piece)
{
  g_autoptr (GString) out = g_string_new (NULL);
  gsize len = strlen (content), step = piece > 0 ? piece : MAX (len, 1);

  for (gsize at = 0; at < len || at == 0; at += step)
    append_event (out, content + at, MIN (step, len - at), at + step >= len);
  g_string_append (out, "data: [DONE]\n\n");
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static char *
sse_of (const char *content)
{
  return sse_in_pieces (content, 0);
}

static gint64
new_issue (const char *title)
{
  g_autoptr (TftsrIssue) issue = tftsr_test_create (store, title, NULL);
  return tftsr_issue_get_id (issue);
}

static gint64
add_log (gint64 issue, const char *name, const char *text, gsize len)
{
  g_autoptr (TftsrPiiScanner) scanner = tftsr_pii_scanner_new ();
  g_autoptr (GInputStream) in = g_memory_input_stream_new_from_data (text, len, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrLogFile) log =
      tftsr_store_add_log (store, issue, in, name, len, scanner, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  return tftsr_log_file_get_id (log);
}

static void
add_provider (TftsrFakeServer *server, const char *name, const char *options)
{
  g_autofree char *url = tftsr_fake_server_url (server, "/v1");
  g_autoptr (TftsrAiProvider) p = tftsr_ai_provider_new (name, TFTSR_AI_FORMAT_OPENAI, url, "m");
  g_autoptr (GError) error = NULL;

  if (options != NULL)
    {
      g_free (p->options);
      p->options = g_strdup (options);
    }
  g_assert_cmpint (tftsr_store_add_ai_provider (store, p, "sk-analysis", &error), >, 0);
  g_assert_no_error (error);
}

static char *
body_text (TftsrFakeServer *server)
{
  g_autoptr (GPtrArray) requests = tftsr_fake_server_dup_requests (server);
  TftsrFakeRequest *last = requests->pdata[requests->len - 1];
  gsize len = 0;
  const char *data = g_bytes_get_data (last->body, &len);

  return g_strndup (data, len);
}

/* A small log goes whole, redacted; the reply's pseudonyms come back as the values; the
 * analysis is stored and listed. */
static void
test_analyze_whole (void)
{
  static const char log_text[] = "03:00 ERROR pool exhausted for bob@corp-mail.io\n"
                                 "03:01 ERROR pool exhausted for bob@corp-mail.io\n";
  g_autoptr (TftsrFakeServer) server = tftsr_fake_server_new ();
  g_autofree char *stream = sse_of (reply_text);
  g_autoptr (TftsrFakeReply) reply = tftsr_fake_reply_new (200, "text/event-stream");
  gint64 issue = new_issue ("Checkout down on db-7.prod.acme.internal");
  gint64 log = add_log (issue, "api.log", log_text, sizeof log_text - 1);
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrLogAnalysis) a = NULL;
  g_autoptr (GPtrArray) listed = NULL;
  g_autofree char *body = NULL, *described = NULL;

  tftsr_fake_reply_add_pieces (reply, stream, -1, 16);
  tftsr_fake_server_add_replies (server, "/v1/chat/completions", reply, NULL);
  add_provider (server, "analyst", NULL);
  a = tftsr_triage_analyze_logs (store, issue, &log, 1, "analyst", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  body = body_text (server);
  g_assert_nonnull (strstr (body, "### Log api.log (whole)"));
  g_assert_nonnull (strstr (body, "ERROR pool exhausted for <EMAIL_1>"));
  g_assert_nonnull (strstr (body, "<HOSTNAME_1>"));
  g_assert_null (strstr (body, "bob@corp-mail.io"));
  g_assert_null (strstr (body, "db-7.prod.acme.internal"));

  g_assert_true (a->parsed);
  g_assert_cmpstr (a->findings->pdata[0], ==, "bob@corp-mail.io saw 40 timeouts (lines 3-42)");
  g_assert_cmpint (a->severity, ==, TFTSR_SEVERITY_HIGH);
  g_assert_nonnull (strstr (a->logs, "\"whole\":true"));
  described = tftsr_log_analysis_describe_logs (a);
  g_assert_cmpstr (described, ==, "api.log (whole)");
  listed = tftsr_store_list_log_analyses (store, issue, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (listed->len, ==, 1);
  g_assert_cmpstr (((TftsrLogAnalysis *) listed->pdata[0])->first_why, ==,
                   "The connection pool was exhausted.");
  g_assert_cmpstr (((TftsrLogAnalysis *) listed->pdata[0])->findings->pdata[0], ==,
                   "bob@corp-mail.io saw 40 timeouts (lines 3-42)");
}

/* A log beyond the budget goes as a digest: the request stays small. */
static void
test_analyze_digest (void)
{
  g_autoptr (TftsrFakeServer) server = tftsr_fake_server_new ();
  g_autofree char *stream = sse_of ("{\"summary\": \"Mostly noise.\"}");
  g_autoptr (TftsrFakeReply) reply = tftsr_fake_reply_new (200, "text/event-stream");
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrLogAnalysis) a = NULL;
  g_autofree char *body = NULL;
  gint64 issue = new_issue ("Noisy worker");

  for (guint i = 0; i < 40000; i++)
    g_string_append_printf (text, "worker-%u processed job %u\n", i % 7, i);
  g_string_append (text, "FATAL worker-3 out of memory\n");
  add_log (issue, "worker.log", text->str, text->len);
  tftsr_fake_reply_add_piece (reply, stream, -1);
  tftsr_fake_server_add_replies (server, "/v1/chat/completions", reply, NULL);
  add_provider (server, "small", "{\"context_tokens\":\"2048\"}");
  a = tftsr_triage_analyze_logs (store, issue, NULL, 0, "small", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  body = body_text (server);
  g_assert_nonnull (strstr (body, "### Log worker.log (digest)"));
  g_assert_nonnull (strstr (body, "FATAL worker-3 out of memory"));
  g_assert_cmpuint (strlen (body), <, 12000);
  g_assert_nonnull (strstr (a->logs, "\"whole\":false"));
  g_assert_cmpstr (a->summary, ==, "Mostly noise.");
}

/* Nothing is stored when the request fails or names the wrong logs. */
static void
test_failures (void)
{
  static const char log_text[] = "ok\n";
  g_autoptr (TftsrFakeServer) server = tftsr_fake_server_new ();
  g_autoptr (TftsrFakeReply) refused = tftsr_fake_reply_new (401, "application/json");
  gint64 issue = new_issue ("Refused");
  gint64 other = new_issue ("Elsewhere");
  gint64 foreign = add_log (other, "other.log", log_text, sizeof log_text - 1);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) listed = NULL;

  add_provider (server, "refusing", NULL);
  g_assert_null (
      tftsr_triage_analyze_logs (store, issue, NULL, 0, "refusing", NULL, NULL, NULL, &error));
  g_assert_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (
      tftsr_triage_analyze_logs (store, issue, &foreign, 1, "refusing", NULL, NULL, NULL, &error));
  g_assert_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  add_log (issue, "a.log", log_text, sizeof log_text - 1);
  tftsr_fake_reply_add_piece (refused, "{\"error\":{\"message\":\"bad key\"}}", -1);
  tftsr_fake_server_add_replies (server, "/v1/chat/completions", refused, NULL);
  g_assert_null (
      tftsr_triage_analyze_logs (store, issue, NULL, 0, "refusing", NULL, NULL, NULL, &error));
  g_assert_error (error, TFTSR_AI_ERROR, TFTSR_AI_ERROR_AUTH);
  listed = tftsr_store_list_log_analyses (store, issue, NULL);
  g_assert_cmpuint (listed->len, ==, 0);
}

/* --- progress ---------------------------------------------------------------------------- */

typedef struct
{
  GArray *reports; /* TftsrLogAnalysisProgress */
  GThread *thread; /* where reports must arrive */
  gboolean done;   /* the async call finished */
  GCancellable *cancel_when_receiving;
  GAsyncResult *result;
} Heard;

static void
on_progress (const TftsrLogAnalysisProgress *progress, gpointer user_data)
{
  Heard *heard = user_data;

  g_assert_true (g_thread_self () == heard->thread);
  g_assert_false (heard->done);
  g_array_append_val (heard->reports, *progress);
  if (progress->phase == TFTSR_LOG_ANALYSIS_RECEIVING && heard->cancel_when_receiving != NULL)
    g_cancellable_cancel (heard->cancel_when_receiving);
}

static TftsrLogAnalysisProgress *
report_at (Heard *heard, guint i)
{
  return &g_array_index (heard->reports, TftsrLogAnalysisProgress, i);
}

/* Phases never go back, fractions and bytes received never shrink. */
static void
assert_in_order (Heard *heard)
{
  for (guint i = 1; i < heard->reports->len; i++)
    {
      TftsrLogAnalysisProgress *before = report_at (heard, i - 1), *now = report_at (heard, i);

      g_assert_cmpint (now->phase, >=, before->phase);
      g_assert_cmpfloat (now->fraction, >=, before->fraction);
      if (now->phase == TFTSR_LOG_ANALYSIS_RECEIVING && before->phase == now->phase)
        g_assert_cmpuint (now->received, >, before->received);
    }
}

static gint64
big_log (gint64 issue, const char *name, guint lines)
{
  g_autoptr (GString) text = g_string_new (NULL);

  for (guint i = 0; i < lines; i++)
    g_string_append_printf (text, "%06u worker-%u ERROR job %u timed out after %u ms\n", i, i % 5,
                            i, i % 977);
  return add_log (issue, name, text->str, text->len);
}

static const char streamed_analysis[] =
    "{\"summary\": \"Jobs time out on every worker.\", \"key_findings\": [\"timeouts "
    "everywhere\"], \"first_why\": \"The job queue is saturated.\", \"severity\": "
    "\"medium\", \"severity_reason\": \"Retries succeed.\"}";

/* The reports of one analysis, in this thread: each log read from fraction 0 up to all of
 * them, the request sent once, the answer counted piece by piece. */
static void
test_progress (void)
{
  g_autoptr (TftsrFakeServer) server = tftsr_fake_server_new ();
  g_autofree char *stream = sse_in_pieces (streamed_analysis, 24);
  g_autoptr (TftsrFakeReply) reply = tftsr_fake_reply_new (200, "text/event-stream");
  gint64 issue = new_issue ("Workers time out");
  gint64 small = add_log (issue, "small.log", "one ERROR line\n", 15);
  gint64 big = big_log (issue, "big.log", 60000); /* ~3 MB: a digest of its templates */
  gint64 ids[] = { small, big };
  Heard heard = { g_array_new (FALSE, TRUE, sizeof (TftsrLogAnalysisProgress)), g_thread_self () };
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrLogAnalysis) a = NULL;
  g_autofree char *described = NULL;
  guint reading = 0, waiting = 0, switches = 0, i;

  tftsr_fake_reply_add_piece (reply, stream, -1);
  tftsr_fake_server_add_replies (server, "/v1/chat/completions", reply, NULL);
  add_provider (server, "progress", "{\"context_tokens\":\"4096\"}");
  a = tftsr_triage_analyze_logs (store, issue, ids, 2, "progress", on_progress, &heard, NULL,
                                 &error);
  g_assert_no_error (error);
  described = tftsr_log_analysis_describe_logs (a);
  g_assert_cmpstr (described, ==, "small.log (whole), big.log (digest)");
  assert_in_order (&heard);
  g_assert_cmpint (report_at (&heard, 0)->phase, ==, TFTSR_LOG_ANALYSIS_READING);
  g_assert_cmpfloat (report_at (&heard, 0)->fraction, ==, 0.0);
  for (i = 0; i < heard.reports->len && report_at (&heard, i)->phase == TFTSR_LOG_ANALYSIS_READING;
       i++, reading++)
    {
      gint64 log = report_at (&heard, i)->log_id;

      g_assert_true (log == small || log == big);
      /* One log after the other. */
      switches += i > 0 && log != report_at (&heard, i - 1)->log_id;
    }
  g_assert_cmpuint (switches, ==, 1);
  /* A start and an end per log: the big one's templates were mined at ingest, so its
   * digest reads no text. */
  g_assert_cmpuint (reading, >=, 4);
  g_assert_cmpfloat (report_at (&heard, reading - 1)->fraction, ==, 1.0);
  for (; i < heard.reports->len && report_at (&heard, i)->phase == TFTSR_LOG_ANALYSIS_WAITING;
       i++, waiting++)
    g_assert_cmpuint (report_at (&heard, i)->retry_seconds, ==, 0);
  g_assert_cmpuint (waiting, ==, 1);
  g_assert_cmpuint (heard.reports->len - i, ==, (sizeof streamed_analysis - 1 + 23) / 24);
  g_assert_cmpuint (report_at (&heard, heard.reports->len - 1)->received, ==,
                    sizeof streamed_analysis - 1);
  g_assert_cmpstr (a->first_why, ==, "The job queue is saturated.");
  g_array_unref (heard.reports);
}

static void
on_analyzed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Heard *heard = user_data;

  heard->result = g_object_ref (result);
  heard->done = TRUE;
}

/* Runs an analysis of incident @issue's logs in a worker; the reports reach this thread
 * before the callback, and none after it (the context is drained to make sure). */
static TftsrLogAnalysis *
analyze_async (gint64 issue, const char *provider, Heard *heard, GCancellable *cancellable,
               GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  tftsr_triage_analyze_logs_async (store, issue, NULL, 0, provider, on_progress, heard, cancellable,
                                   on_analyzed, heard);
  while (!heard->done)
    g_main_context_iteration (NULL, TRUE);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  result = g_steal_pointer (&heard->result);
  return tftsr_triage_analyze_logs_finish (store, result, error);
}

/* In a worker, the reports come to the caller's thread, in order, the last one (the whole
 * answer) before the callback. */
static void
test_progress_async (void)
{
  g_autoptr (TftsrFakeServer) server = tftsr_fake_server_new ();
  g_autofree char *stream = sse_in_pieces (streamed_analysis, 16);
  g_autoptr (TftsrFakeReply) reply = tftsr_fake_reply_new (200, "text/event-stream");
  gint64 issue = new_issue ("Workers time out, async");
  Heard heard = { g_array_new (FALSE, TRUE, sizeof (TftsrLogAnalysisProgress)), g_thread_self () };
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrLogAnalysis) a = NULL;
  g_autoptr (GPtrArray) listed = NULL;
  TftsrLogAnalysisProgress *last;

  big_log (issue, "big.log", 30000);
  tftsr_fake_reply_add_pieces (reply, stream, -1, 100);
  tftsr_fake_reply_set_delay (reply, 5);
  tftsr_fake_server_add_replies (server, "/v1/chat/completions", reply, NULL);
  add_provider (server, "progress-async", NULL);
  a = analyze_async (issue, "progress-async", &heard, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (heard.reports->len, >, 1);
  assert_in_order (&heard);
  last = report_at (&heard, heard.reports->len - 1);
  g_assert_cmpint (last->phase, ==, TFTSR_LOG_ANALYSIS_RECEIVING);
  g_assert_cmpuint (last->received, ==, sizeof streamed_analysis - 1);
  g_assert_cmpstr (a->summary, ==, "Jobs time out on every worker.");
  listed = tftsr_store_list_log_analyses (store, issue, &error);
  g_assert_cmpuint (listed->len, ==, 1);
  g_array_unref (heard.reports);
}

/* Cancelling while the answer streams in stops the request: nothing is stored. */
static void
test_cancel_async (void)
{
  g_autoptr (TftsrFakeServer) server = tftsr_fake_server_new ();
  g_autoptr (TftsrFakeReply) stall = tftsr_fake_reply_new (200, "text/event-stream");
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  gint64 issue = new_issue ("Stalled analysis");
  Heard heard = { g_array_new (FALSE, TRUE, sizeof (TftsrLogAnalysisProgress)), g_thread_self (),
                  FALSE, cancellable };
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) listed = NULL;
  gint64 start = g_get_monotonic_time ();

  add_log (issue, "a.log", "ERROR stalled\n", 14);
  tftsr_fake_reply_add_piece (
      stall, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"{\\\"sum\"}}]}\n\n", -1);
  tftsr_fake_reply_set_end (stall, TFTSR_FAKE_END_STALL);
  tftsr_fake_server_add_replies (server, "/v1/chat/completions", stall, NULL);
  add_provider (server, "stalling", NULL);
  g_assert_null (analyze_async (issue, "stalling", &heard, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
  listed = tftsr_store_list_log_analyses (store, issue, NULL);
  g_assert_cmpuint (listed->len, ==, 0);
  g_array_unref (heard.reports);
}

int
main (int argc, char **argv)
{
  int status;

  tftsr_test_init (&argc, &argv);
  store = tftsr_test_new_store ();
  g_test_add_func ("/log-analysis/read-reply", test_read_reply);
  g_test_add_func ("/log-analysis/whole", test_analyze_whole);
  g_test_add_func ("/log-analysis/digest", test_analyze_digest);
  g_test_add_func ("/log-analysis/failures", test_failures);
  g_test_add_func ("/log-analysis/progress", test_progress);
  g_test_add_func ("/log-analysis/progress-async", test_progress_async);
  g_test_add_func ("/log-analysis/cancel-async", test_cancel_async);
  status = g_test_run ();
  g_clear_object (&store);
  return status;
}
