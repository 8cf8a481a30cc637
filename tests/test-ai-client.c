/* test-ai-client.c: requests to loopback providers of every wire format: streaming in
 * awkward pieces, tool rounds, statuses turned into sentences, retries, truncation,
 * cancellation, model lists, the connection test, and the egress record of what was sent
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <json.h>
#include <stdlib.h>
#include <string.h>

#include "tftsr-fake-server.h"
#include "tftsr-json-private.h"
#include "tftsr-test-util.h"

static TftsrStore *store;

typedef struct
{
  GString *text;
  guint pieces;
  guint retries;
  guint last_wait;
} Heard;

static void
heard_text (const char *text, gsize len, gpointer user_data)
{
  Heard *h = user_data;

  g_string_append_len (h->text, text, len);
  h->pieces++;
}

static void
heard_retry (guint attempt, guint seconds, gpointer user_data)
{
  Heard *h = user_data;

  h->retries++;
  h->last_wait = seconds;
}

static TftsrAiProvider *
provider (TftsrFakeServer *server, const char *name, TftsrAiFormat format, const char *path,
          const char *key)
{
  g_autofree char *url = tftsr_fake_server_url (server, path);
  g_autoptr (TftsrAiProvider) p = tftsr_ai_provider_new (name, format, url, "model-x");
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (tftsr_store_add_ai_provider (store, p, key, &error), >, 0);
  g_assert_no_error (error);
  return tftsr_store_get_ai_provider (store, name, NULL);
}

/* A provider of its own on a server of its own. */
static TftsrAiProvider *
fresh_provider (TftsrFakeServer *server, TftsrAiFormat format, const char *path, const char *key)
{
  static guint n;
  g_autofree char *name = g_strdup_printf ("p%u", ++n);
  return provider (server, name, format, path, key);
}

static TftsrAiRequest *
request (const char *question)
{
  TftsrAiRequest *r = tftsr_ai_request_new ("You help with incident <HOSTNAME_1>.");

  tftsr_ai_request_add_message (r, tftsr_ai_message_new (TFTSR_AI_ROLE_USER, question));
  tftsr_ai_request_add_tool (r, tftsr_ai_tool_new ("search_logs", "Searches the logs.",
                                                   "{\"type\":\"object\",\"properties\":"
                                                   "{\"query\":{\"type\":\"string\"}}}"));
  return r;
}

static TftsrFakeReply *
stream_reply (const char *content_type, const char *transcript, gsize piece_len)
{
  TftsrFakeReply *reply = tftsr_fake_reply_new (200, content_type);

  tftsr_fake_reply_add_pieces (reply, transcript, -1, piece_len);
  return reply;
}

static json_object *
body_of (TftsrFakeRequest *req)
{
  gsize len = 0;
  const char *data = g_bytes_get_data (req->body, &len);
  g_autofree char *text = g_strndup (data, len);
  return json_tokener_parse (text);
}

static const char *
at (json_object *root, const char *path)
{
  g_auto (GStrv) parts = g_strsplit (path, ".", -1);
  json_object *node = root;

  for (guint i = 0; node != NULL && parts[i] != NULL; i++)
    {
      json_object *next = NULL;
      if (json_object_is_type (node, json_type_array))
        next = json_object_array_get_idx (node, atoi (parts[i]));
      else
        json_object_object_get_ex (node, parts[i], &next);
      node = next;
    }
  return node != NULL ? json_object_get_string (node) : NULL;
}

static const char openai_stream[] =
    "data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n"
    ": keep-alive\n\n"
    "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Why 1: the pool \"}}]}\n\n"
    "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"ran dry — ✓\"}}]}\n\n"
    "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],"
    "\"usage\":{\"prompt_tokens\":31,\"completion_tokens\":9}}\n\n"
    "data: [DONE]\n\n";

/* One byte per chunk, a comment in between; the exact body sent is in the audit log. */
static void
test_openai_stream (void)
{
  g_autoptr (TftsrFakeServer) server = tftsr_fake_server_new ();
  g_autoptr (TftsrAiProvider) p =
      provider (server, "openai-1", TFTSR_AI_FORMAT_OPENAI, "/v1", "sk-test-1");
  g_autoptr (TftsrAiRequest) r = request ("Why did <HOSTNAME_1> fail?");
  g_autoptr (TftsrFakeReply) reply = stream_reply ("text/event-stream", openai_stream, 1);
  g_autoptr (GString) text = g_string_new (NULL);
  Heard heard = { text, 0, 0, 0 };
  TftsrAiListener listener = { heard_text, heard_retry, &heard };
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrAiReply) answer = NULL;
  g_autoptr (GPtrArray) requests = NULL;
  g_autoptr (GPtrArray) audit = NULL;
  g_autofree char *sha = NULL;
  g_autofree char *url = tftsr_fake_server_url (server, "/v1/chat/completions");
  TftsrFakeRequest *sent;
  json_object *body;

  tftsr_fake_server_add_replies (server, "/v1/chat/completions", reply, NULL);
  answer = tftsr_ai_complete (store, p, 0, r, NULL, &listener, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (answer->text, ==, "Why 1: the pool ran dry — ✓");
  g_assert_cmpstr (text->str, ==, answer->text);
  g_assert_cmpuint (heard.pieces, ==, 2);
  g_assert_cmpint (answer->finish, ==, TFTSR_AI_FINISH_STOP);
  g_assert_cmpuint (answer->input_tokens, ==, 31);
  g_assert_cmpuint (answer->output_tokens, ==, 9);

  requests = tftsr_fake_server_dup_requests (server);
  g_assert_cmpuint (requests->len, ==, 1);
  sent = requests->pdata[0];
  g_assert_cmpstr (sent->method, ==, "POST");
  g_assert_cmpstr (soup_message_headers_get_one (sent->fields, "Authorization"), ==,
                   "Bearer sk-test-1");
  body = body_of (sent);
  g_assert_cmpstr (at (body, "model"), ==, "model-x");
  g_assert_cmpstr (at (body, "messages.0.content"), ==, "You help with incident <HOSTNAME_1>.");
  g_assert_cmpstr (at (body, "messages.1.content"), ==, "Why did <HOSTNAME_1> fail?");
  g_assert_cmpstr (at (body, "tools.0.function.name"), ==, "search_logs");
  json_object_put (body);

  sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, sent->body);
  audit = tftsr_audit_list (store, 1, NULL);
  g_assert_cmpstr (((TftsrAuditEntry *) audit->pdata[0])->action, ==, "egress.send");
  g_assert_cmpstr (((TftsrAuditEntry *) audit->pdata[0])->target, ==, url);
  g_assert_nonnull (strstr (((TftsrAuditEntry *) audit->pdata[0])->detail, sha));
  g_assert_null (strstr (((TftsrAuditEntry *) audit->pdata[0])->detail, "sk-test"));
}

static const char anthropic_tool_stream[] =
    "event: message_start\n"
    "data: {\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":50}}}\n\n"
    "event: content_block_start\n"
    "data: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\","
    "\"text\":\"\"}}\n\n"
    "event: content_block_delta\n"
    "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\","
    "\"text\":\"Let me look.\"}}\n\n"
    "event: content_block_start\n"
    "data: {\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":"
    "\"tool_use\",\"id\":\"toolu_01\",\"name\":\"search_logs\",\"input\":{}}}\n\n"
    "event: ping\ndata: {\"type\":\"ping\"}\n\n"
    "event: content_block_delta\n"
    "data: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":"
    "\"input_json_delta\",\"partial_json\":\"{\\\"query\\\": \\\"time\"}}\n\n"
    "event: content_block_delta\n"
    "data: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":"
    "\"input_json_delta\",\"partial_json\":\"out\\\"}\"}}\n\n"
    "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":1}\n\n"
    "event: message_delta\n"
    "data: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\"},"
    "\"usage\":{\"output_tokens\":20}}\n\n"
    "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";

static const char anthropic_text_stream[] =
    "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{}}\n\n"
    "event: content_block_delta\n"
    "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\","
    "\"text\":\"3 timeouts.\"}}\n\n"
    "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";

/* A tool round: the call, its result sent back in Anthropic's shape, the final answer. */
static void
test_anthropic_tool_round (void)
{
  g_autoptr (TftsrFakeServer) server = tftsr_fake_server_new ();
  g_autoptr (TftsrAiProvider) p =
      provider (server, "claude-1", TFTSR_AI_FORMAT_ANTHROPIC, "/", "sk-ant-1");
  g_autoptr (TftsrAiRequest) r = request ("What failed?");
  g_autoptr (TftsrFakeReply) first = stream_reply ("text/event-stream", anthropic_tool_stream, 7);
  g_autoptr (TftsrFakeReply) second = stream_reply ("text/event-stream", anthropic_text_stream, 5);
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrAiReply) call = NULL;
  g_autoptr (TftsrAiReply) done = NULL;
  g_autoptr (GPtrArray) requests = NULL;
  TftsrAiToolCall *tool;
  TftsrFakeRequest *sent;
  json_object *body;

  tftsr_fake_server_add_replies (server, "/v1/messages", first, second, NULL);
  call = tftsr_ai_complete (store, p, 0, r, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (call->text, ==, "Let me look.");
  g_assert_cmpint (call->finish, ==, TFTSR_AI_FINISH_TOOL_CALLS);
  g_assert_cmpuint (call->tool_calls->len, ==, 1);
  tool = call->tool_calls->pdata[0];
  g_assert_cmpstr (tool->id, ==, "toolu_01");
  g_assert_cmpstr (tool->name, ==, "search_logs");
  g_assert_cmpstr (tool->arguments, ==, "{\"query\": \"timeout\"}");

  tftsr_ai_request_add_message (r, tftsr_ai_reply_to_message (call));
  tftsr_ai_request_add_message (
      r, tftsr_ai_message_new_tool_result ("toolu_01", "search_logs", "3 matches"));
  done = tftsr_ai_complete (store, p, 0, r, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (done->text, ==, "3 timeouts.");

  requests = tftsr_fake_server_dup_requests (server);
  g_assert_cmpuint (requests->len, ==, 2);
  sent = requests->pdata[1];
  g_assert_cmpstr (soup_message_headers_get_one (sent->fields, "x-api-key"), ==, "sk-ant-1");
  g_assert_cmpstr (soup_message_headers_get_one (sent->fields, "anthropic-version"), ==,
                   "2023-06-01");
  body = body_of (sent);
  g_assert_cmpstr (at (body, "system"), ==, "You help with incident <HOSTNAME_1>.");
  g_assert_cmpstr (at (body, "messages.1.content.1.type"), ==, "tool_use");
  g_assert_cmpstr (at (body, "messages.1.content.1.input.query"), ==, "timeout");
  g_assert_cmpstr (at (body, "messages.2.role"), ==, "user");
  g_assert_cmpstr (at (body, "messages.2.content.0.type"), ==, "tool_result");
  g_assert_cmpstr (at (body, "messages.2.content.0.tool_use_id"), ==, "toolu_01");
  g_assert_cmpstr (at (body, "tools.0.input_schema.type"), ==, "object");
  json_object_put (body);
}

/* Gemini's CRLF events and Ollama's lines, cut inside multi-byte characters. */
static void
test_gemini_and_ollama (void)
{
  static const char gemini[] =
      "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Déjà \"}],\"role\":"
      "\"model\"}}]}\r\n\r\n"
      "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"vu ✓\"}],\"role\":"
      "\"model\"},\"finishReason\":\"STOP\"}],\"usageMetadata\":{\"promptTokenCount\":12,"
      "\"candidatesTokenCount\":4}}\r\n\r\n";
  static const char ollama[] =
      "{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"Né \"},\"done\":false}\n"
      "{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"✓\"},\"done\":false}\n"
      "{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true,"
      "\"done_reason\":\"length\",\"prompt_eval_count\":7,\"eval_count\":3}\n";
  g_autoptr (TftsrFakeServer) server = tftsr_fake_server_new ();
  g_autoptr (TftsrAiProvider) g =
      provider (server, "gemini-1", TFTSR_AI_FORMAT_GEMINI, "/", "AIza-k");
  g_autoptr (TftsrAiProvider) o = provider (server, "ollama-1", TFTSR_AI_FORMAT_OLLAMA, "/", NULL);
  g_autoptr (TftsrAiRequest) r = request ("Hi");
  g_autoptr (TftsrFakeReply) g_reply = stream_reply ("text/event-stream", gemini, 3);
  g_autoptr (TftsrFakeReply) o_reply = stream_reply ("application/x-ndjson", ollama, 2);
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrAiReply) from_gemini = NULL;
  g_autoptr (TftsrAiReply) from_ollama = NULL;
  g_autoptr (GPtrArray) requests = NULL;

  tftsr_fake_server_add_replies (server, "/v1beta/models/model-x:streamGenerateContent", g_reply,
                                 NULL);
  tftsr_fake_server_add_replies (server, "/api/chat", o_reply, NULL);
  from_gemini = tftsr_ai_complete (store, g, 0, r, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (from_gemini->text, ==, "Déjà vu ✓");
  g_assert_cmpuint (from_gemini->input_tokens, ==, 12);
  from_ollama = tftsr_ai_complete (store, o, 0, r, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (from_ollama->text, ==, "Né ✓");
  g_assert_cmpint (from_ollama->finish, ==, TFTSR_AI_FINISH_LENGTH);

  requests = tftsr_fake_server_dup_requests (server);
  g_assert_cmpstr (((TftsrFakeRequest *) requests->pdata[0])->path, ==,
                   "/v1beta/models/model-x:streamGenerateContent?alt=sse");
  g_assert_cmpstr (soup_message_headers_get_one (((TftsrFakeRequest *) requests->pdata[0])->fields,
                                                 "x-goog-api-key"),
                   ==, "AIza-k");
  g_assert_null (soup_message_headers_get_one (((TftsrFakeRequest *) requests->pdata[1])->fields,
                                               "Authorization"));
}

static GError *
complete_error (TftsrAiProvider *p, TftsrFakeServer *server, const char *path,
                TftsrFakeReply *reply, Heard *heard)
{
  g_autoptr (TftsrAiRequest) r = request ("Hi");
  TftsrAiListener listener = { heard_text, heard_retry, heard };
  GError *error = NULL;
  g_autoptr (TftsrAiReply) answer = NULL;

  tftsr_fake_server_add_replies (server, path, reply, NULL);
  answer = tftsr_ai_complete (store, p, 0, r, NULL, heard != NULL ? &listener : NULL, NULL, &error);
  g_assert_null (answer);
  g_assert_nonnull (error);
  return error;
}

static TftsrFakeReply *
status_reply (guint status, const char *body)
{
  TftsrFakeReply *reply = tftsr_fake_reply_new (status, "application/json");

  tftsr_fake_reply_add_piece (reply, body, -1);
  return reply;
}

/* One request to a fresh provider answering @reply; the error it ends with. */
static GError *
error_for (TftsrAiFormat format, TftsrFakeReply *reply)
{
  g_autoptr (TftsrFakeServer) server = tftsr_fake_server_new ();
  g_autoptr (TftsrAiProvider) p = fresh_provider (server, format, "/v1", "sk-x");
  return complete_error (p, server, "/v1/chat/completions", reply, NULL);
}

/* Each failure is a sentence naming the provider and what to do. */
static void
test_statuses (void)
{
  g_autoptr (TftsrFakeReply) bad_key =
      status_reply (401, "{\"error\":{\"message\":\"Incorrect API key "
                         "provided\",\"type\":\"invalid_request_error\"}}");
  g_autoptr (TftsrFakeReply) no_model =
      status_reply (404, "{\"error\":{\"message\":\"The model does not exist\"}}");
  g_autoptr (TftsrFakeReply) down = status_reply (503, "upstream connect error");
  g_autoptr (TftsrFakeReply) refused = status_reply (400, "{\"error\":\"context too long\"}");
  g_autoptr (GError) e401 = NULL, e404 = NULL, e503 = NULL, e400 = NULL;

  e401 = error_for (TFTSR_AI_FORMAT_OPENAI, bad_key);
  g_assert_error (e401, TFTSR_AI_ERROR, TFTSR_AI_ERROR_AUTH);
  g_assert_nonnull (strstr (e401->message, "refused the API key (Incorrect API key"));
  e404 = error_for (TFTSR_AI_FORMAT_OPENAI, no_model);
  g_assert_error (e404, TFTSR_AI_ERROR, TFTSR_AI_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (e404->message, "model “model-x”"));
  /* 503 is retried (waiting the second it asks for) up to the limit, then reported. */
  tftsr_fake_reply_add_header (down, "Retry-After", "1");
  e503 = error_for (TFTSR_AI_FORMAT_MISTRAL, down);
  g_assert_error (e503, TFTSR_AI_ERROR, TFTSR_AI_ERROR_SERVER);
  g_assert_nonnull (strstr (e503->message, "upstream connect error"));
  e400 = error_for (TFTSR_AI_FORMAT_OPENAI, refused);
  g_assert_error (e400, TFTSR_AI_ERROR, TFTSR_AI_ERROR_REFUSED);
  g_assert_nonnull (strstr (e400->message, "context too long"));
}

/* A 429 asking for 1 s is waited out and the request succeeds; one asking for two
 * minutes is reported with the wait. */
static void
test_rate_limits (void)
{
  g_autoptr (TftsrFakeServer) server = tftsr_fake_server_new ();
  g_autoptr (TftsrAiProvider) p = provider (server, "busy", TFTSR_AI_FORMAT_MISTRAL, "/v1", "k");
  g_autoptr (TftsrAiRequest) r = request ("Hi");
  g_autoptr (TftsrFakeReply) limited =
      status_reply (429, "{\"message\":\"Requests rate limit exceeded\"}");
  g_autoptr (TftsrFakeReply) ok = stream_reply ("text/event-stream", openai_stream, 64);
  g_autoptr (TftsrFakeReply) long_wait = status_reply (429, "{}");
  g_autoptr (GString) text = g_string_new (NULL);
  Heard heard = { text, 0, 0, 0 };
  TftsrAiListener listener = { heard_text, heard_retry, &heard };
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrAiReply) answer = NULL;
  gint64 start = g_get_monotonic_time ();

  tftsr_fake_reply_add_header (limited, "Retry-After", "1");
  tftsr_fake_server_add_replies (server, "/v1/chat/completions", limited, ok, NULL);
  answer = tftsr_ai_complete (store, p, 0, r, NULL, &listener, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (answer->text, ==, "Why 1: the pool ran dry — ✓");
  g_assert_cmpuint (heard.retries, ==, 1);
  g_assert_cmpuint (heard.last_wait, ==, 1);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, G_USEC_PER_SEC * 9 / 10);

  tftsr_fake_reply_add_header (long_wait, "Retry-After", "120");
  g_clear_error (&error);
  error = error_for (TFTSR_AI_FORMAT_OPENAI, long_wait);
  g_assert_error (error, TFTSR_AI_ERROR, TFTSR_AI_ERROR_RATE_LIMITED);
  g_assert_nonnull (strstr (error->message, "wait 120 s"));
}

/* A stream that ends before its last event is not taken for a whole reply. */
static void
test_truncated (void)
{
  g_autoptr (TftsrFakeServer) server = tftsr_fake_server_new ();
  g_autoptr (TftsrAiProvider) p = provider (server, "cut", TFTSR_AI_FORMAT_OPENAI, "/v1", "k");
  gsize cut = strstr (openai_stream, "data: [DONE]") - openai_stream;
  g_autoptr (GString) partial = g_string_new_len (openai_stream, cut);
  g_autoptr (TftsrFakeReply) no_done = tftsr_fake_reply_new (200, "text/event-stream");
  g_autoptr (TftsrFakeReply) dropped = tftsr_fake_reply_new (200, "text/event-stream");
  g_autoptr (GError) clean = NULL, drop = NULL;
  g_autoptr (GString) heard_text_buf = g_string_new (NULL);
  Heard heard = { heard_text_buf, 0, 0, 0 };

  /* Without the finish reason and [DONE], ended cleanly: truncated. */
  g_string_truncate (partial,
                     strstr (partial->str, "data: {\"choices\":[{\"index\":0,\"delta\":{},") -
                         partial->str);
  tftsr_fake_reply_add_piece (no_done, partial->str, partial->len);
  clean = complete_error (p, server, "/v1/chat/completions", no_done, &heard);
  g_assert_error (clean, TFTSR_AI_ERROR, TFTSR_AI_ERROR_TRUNCATED);
  g_assert_cmpstr (heard.text->str, ==, "Why 1: the pool ran dry — ✓");

  /* The connection dropped mid-event. */
  tftsr_fake_reply_add_pieces (dropped, openai_stream, 40, 8);
  tftsr_fake_reply_set_end (dropped, TFTSR_FAKE_END_DROP);
  drop = error_for (TFTSR_AI_FORMAT_OPENAI, dropped);
  g_assert_error (drop, TFTSR_NET_ERROR, TFTSR_NET_ERROR_FAILED);
}

static gboolean
cancel_later (gpointer cancellable)
{
  g_cancellable_cancel (cancellable);
  return G_SOURCE_REMOVE;
}

static gpointer
cancel_thread (gpointer cancellable)
{
  g_usleep (G_USEC_PER_SEC / 5);
  cancel_later (cancellable);
  return NULL;
}

/* A provider that stalls mid-answer is left as soon as the engineer cancels. */
static void
test_cancel (void)
{
  g_autoptr (TftsrFakeServer) server = tftsr_fake_server_new ();
  g_autoptr (TftsrAiProvider) p = provider (server, "slow", TFTSR_AI_FORMAT_OLLAMA, "/", NULL);
  g_autoptr (TftsrAiRequest) r = request ("Hi");
  g_autoptr (TftsrFakeReply) stall = tftsr_fake_reply_new (200, "application/x-ndjson");
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrAiReply) answer = NULL;
  GThread *thread;
  gint64 start;

  tftsr_fake_reply_add_piece (stall, "{\"message\":{\"content\":\"thinking\"},\"done\":false}\n",
                              -1);
  tftsr_fake_reply_set_end (stall, TFTSR_FAKE_END_STALL);
  tftsr_fake_server_add_replies (server, "/api/chat", stall, NULL);
  start = g_get_monotonic_time ();
  thread = g_thread_new ("cancel", cancel_thread, cancellable);
  answer = tftsr_ai_complete (store, p, 0, r, NULL, NULL, cancellable, &error);
  g_thread_join (thread);
  g_assert_null (answer);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);
}

/* Nothing is sent for a provider that needs a key and has none. */
static void
test_missing_key (void)
{
  g_autoptr (TftsrFakeServer) server = tftsr_fake_server_new ();
  g_autoptr (TftsrAiProvider) p = provider (server, "nokey", TFTSR_AI_FORMAT_ANTHROPIC, "/", NULL);
  g_autoptr (TftsrAiRequest) r = request ("Hi");
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrAiReply) answer = tftsr_ai_complete (store, p, 0, r, NULL, NULL, NULL, &error);

  g_assert_null (answer);
  g_assert_error (error, TFTSR_AI_ERROR, TFTSR_AI_ERROR_NOT_CONFIGURED);
  g_assert_nonnull (strstr (error->message, "“nokey” has no API key"));
  g_assert_cmpuint (tftsr_fake_server_count_requests (server, "/v1/messages"), ==, 0);
}

static void
test_models (void)
{
  g_autoptr (TftsrFakeServer) server = tftsr_fake_server_new ();
  g_autoptr (TftsrAiProvider) o = provider (server, "models-o", TFTSR_AI_FORMAT_OPENAI, "/v1", "k");
  g_autoptr (TftsrAiProvider) l = provider (server, "models-l", TFTSR_AI_FORMAT_OLLAMA, "/", NULL);
  g_autoptr (TftsrAiProvider) c = provider (server, "models-c", TFTSR_AI_FORMAT_CUSTOM, "/", NULL);
  g_autoptr (TftsrFakeReply) list =
      status_reply (200, "{\"object\":\"list\",\"data\":[{\"id\":\"gpt-4o\"},{\"id\":\"gpt-4o-"
                         "mini\"},{\"id\":\"babbage\"}]}");
  g_autoptr (TftsrFakeReply) tags =
      status_reply (200, "{\"models\":[{\"name\":\"llama3.2:latest\",\"size\":1}]}");
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) openai = NULL, ollama = NULL, custom = NULL;

  tftsr_fake_server_add_replies (server, "/v1/models", list, NULL);
  tftsr_fake_server_add_replies (server, "/api/tags", tags, NULL);
  openai = tftsr_ai_list_models (store, o, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (openai->len, ==, 3);
  g_assert_cmpstr (openai->pdata[0], ==, "babbage");
  g_assert_cmpstr (openai->pdata[2], ==, "gpt-4o-mini");
  ollama = tftsr_ai_list_models (store, l, NULL, &error);
  g_assert_cmpstr (ollama->pdata[0], ==, "llama3.2:latest");
  custom = tftsr_ai_list_models (store, c, NULL, &error);
  g_assert_null (custom);
  g_assert_error (error, TFTSR_AI_ERROR, TFTSR_AI_ERROR_NOT_FOUND);
}

/* The connection test answers, then probes tools; on auto the finding is kept. */
static void
test_connection_probe (void)
{
  static const char tool_call[] =
      "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":"
      "\"call_9\",\"type\":\"function\",\"function\":{\"name\":\"report_status\","
      "\"arguments\":\"{\\\"status\\\":\\\"ok\\\"}\"}}]},\"finish_reason\":\"tool_calls\"}]}\n\n"
      "data: [DONE]\n\n";
  g_autoptr (TftsrFakeServer) server = tftsr_fake_server_new ();
  g_autoptr (TftsrAiProvider) p = provider (server, "probe", TFTSR_AI_FORMAT_OPENAI, "/v1", "k");
  g_autoptr (TftsrFakeReply) ok = stream_reply ("text/event-stream", openai_stream, 100);
  g_autoptr (TftsrFakeReply) called = stream_reply ("text/event-stream", tool_call, 100);
  g_autoptr (TftsrFakeReply) no_tools =
      status_reply (400, "{\"error\":{\"message\":\"tools are not supported by this model\"}}");
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrAiTestResult) yes = NULL, no = NULL;
  g_autoptr (TftsrAiProvider) saved = NULL;

  tftsr_fake_server_add_replies (server, "/v1/chat/completions", ok, called, ok, no_tools, NULL);
  yes = tftsr_ai_test_provider (store, p, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (yes->reply, ==, "Why 1: the pool ran dry — ✓");
  g_assert_true (yes->tools_known && yes->tools);
  saved = tftsr_store_get_ai_provider (store, "probe", NULL);
  g_assert_true (tftsr_ai_provider_uses_tools (saved));

  no = tftsr_ai_test_provider (store, p, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (no->tools_known);
  g_assert_false (no->tools);
  g_clear_pointer (&saved, tftsr_ai_provider_free);
  saved = tftsr_store_get_ai_provider (store, "probe", NULL);
  g_assert_false (tftsr_ai_provider_uses_tools (saved));
}

/* A server that refuses stream_options (vLLM and LM Studio before they knew it) is asked
 * again without it, once, and the provider remembers not to ask for it. */
static void
test_stream_usage_refused (void)
{
  g_autoptr (TftsrFakeServer) server = tftsr_fake_server_new ();
  g_autoptr (TftsrAiProvider) p =
      provider (server, "old-vllm", TFTSR_AI_FORMAT_OPENAI, "/v1", NULL);
  g_autoptr (TftsrFakeReply) unknown = status_reply (
      400, "{\"object\":\"error\",\"message\":\"[{'type': 'extra_forbidden', 'loc': "
           "('body', 'stream_options'), 'msg': 'Extra inputs are not permitted'}]\"}");
  g_autoptr (TftsrFakeReply) ok = stream_reply ("text/event-stream", openai_stream, 7);
  g_autoptr (TftsrAiRequest) r = request ("Why?");
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrAiReply) first = NULL, second = NULL;
  g_autoptr (TftsrAiProvider) saved = NULL;
  g_autoptr (GPtrArray) requests = NULL;
  g_autoptr (json_object) asked = NULL, again = NULL, later = NULL;

  g_assert_true (tftsr_ai_provider_streams_usage (p));
  tftsr_fake_server_add_replies (server, "/v1/chat/completions", unknown, ok, ok, NULL);
  first = tftsr_ai_complete (store, p, 0, r, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (first->text, ==, "Why 1: the pool ran dry — ✓");
  saved = tftsr_store_get_ai_provider (store, "old-vllm", NULL);
  g_assert_false (tftsr_ai_provider_streams_usage (saved));
  second = tftsr_ai_complete (store, saved, 0, r, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  requests = tftsr_fake_server_dup_requests (server);
  g_assert_cmpuint (requests->len, ==, 3);
  asked = body_of (requests->pdata[0]);
  again = body_of (requests->pdata[1]);
  later = body_of (requests->pdata[2]);
  g_assert_nonnull (at (asked, "stream_options.include_usage"));
  g_assert_null (at (again, "stream_options"));
  g_assert_null (at (later, "stream_options"));
  g_assert_cmpstr (at (again, "messages.1.content"), ==, "Why?");
}

/* Any other 400 is reported as it is, without a second try. */
static void
test_other_refusal_not_retried (void)
{
  g_autoptr (TftsrFakeServer) server = tftsr_fake_server_new ();
  g_autoptr (TftsrAiProvider) p = provider (server, "strict", TFTSR_AI_FORMAT_OPENAI, "/v1", NULL);
  g_autoptr (TftsrFakeReply) refused = status_reply (400, "{\"error\":\"bad temperature\"}");
  g_autoptr (TftsrAiRequest) r = request ("Why?");
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrAiReply) reply = NULL;
  g_autoptr (TftsrAiProvider) saved = NULL;

  tftsr_fake_server_add_replies (server, "/v1/chat/completions", refused, NULL);
  reply = tftsr_ai_complete (store, p, 0, r, NULL, NULL, NULL, &error);
  g_assert_null (reply);
  g_assert_error (error, TFTSR_AI_ERROR, TFTSR_AI_ERROR_REFUSED);
  g_assert_cmpuint (tftsr_fake_server_count_requests (server, "/v1/chat/completions"), ==, 1);
  saved = tftsr_store_get_ai_provider (store, "strict", NULL);
  g_assert_true (tftsr_ai_provider_streams_usage (saved));
}

int
main (int argc, char **argv)
{
  int status;

  tftsr_test_init (&argc, &argv);
  store = tftsr_test_new_store ();
  g_test_add_func ("/ai-client/openai-stream", test_openai_stream);
  g_test_add_func ("/ai-client/anthropic-tool-round", test_anthropic_tool_round);
  g_test_add_func ("/ai-client/gemini-and-ollama", test_gemini_and_ollama);
  g_test_add_func ("/ai-client/statuses", test_statuses);
  g_test_add_func ("/ai-client/rate-limits", test_rate_limits);
  g_test_add_func ("/ai-client/truncated", test_truncated);
  g_test_add_func ("/ai-client/cancel", test_cancel);
  g_test_add_func ("/ai-client/missing-key", test_missing_key);
  g_test_add_func ("/ai-client/models", test_models);
  g_test_add_func ("/ai-client/connection-probe", test_connection_probe);
  g_test_add_func ("/ai-client/stream-usage-refused", test_stream_usage_refused);
  g_test_add_func ("/ai-client/other-refusal-not-retried", test_other_refusal_not_retried);
  status = g_test_run ();
  g_clear_object (&store);
  return status;
}
