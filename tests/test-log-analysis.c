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

static char *
sse_of (const char *content)
{
  g_autoptr (GString) out = g_string_new (NULL);
  json_object *chunk = json_object_new_object ();
  json_object *choices = json_object_new_array ();
  json_object *choice = json_object_new_object ();
  json_object *delta = json_object_new_object ();

  json_object_object_add (delta, "content", json_object_new_string (content));
  json_object_object_add (choice, "index", json_object_new_int (0));
  json_object_object_add (choice, "delta", delta);
  json_object_object_add (choice, "finish_reason", json_object_new_string ("stop"));
  json_object_array_add (choices, choice);
  json_object_object_add (chunk, "choices", choices);
  g_string_append_printf (out, "data: %s\n\ndata: [DONE]\n\n",
                          json_object_to_json_string_ext (chunk, JSON_C_TO_STRING_PLAIN));
  json_object_put (chunk);
  return g_string_free (g_steal_pointer (&out), FALSE);
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
  g_autofree char *body = NULL;

  tftsr_fake_reply_add_pieces (reply, stream, -1, 16);
  tftsr_fake_server_add_replies (server, "/v1/chat/completions", reply, NULL);
  add_provider (server, "analyst", NULL);
  a = tftsr_triage_analyze_logs (store, issue, &log, 1, "analyst", NULL, NULL, &error);
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
  a = tftsr_triage_analyze_logs (store, issue, NULL, 0, "small", NULL, NULL, &error);
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
  g_assert_null (tftsr_triage_analyze_logs (store, issue, NULL, 0, "refusing", NULL, NULL, &error));
  g_assert_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (
      tftsr_triage_analyze_logs (store, issue, &foreign, 1, "refusing", NULL, NULL, &error));
  g_assert_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  add_log (issue, "a.log", log_text, sizeof log_text - 1);
  tftsr_fake_reply_add_piece (refused, "{\"error\":{\"message\":\"bad key\"}}", -1);
  tftsr_fake_server_add_replies (server, "/v1/chat/completions", refused, NULL);
  g_assert_null (tftsr_triage_analyze_logs (store, issue, NULL, 0, "refusing", NULL, NULL, &error));
  g_assert_error (error, TFTSR_AI_ERROR, TFTSR_AI_ERROR_AUTH);
  listed = tftsr_store_list_log_analyses (store, issue, NULL);
  g_assert_cmpuint (listed->len, ==, 0);
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
  status = g_test_run ();
  g_clear_object (&store);
  return status;
}
