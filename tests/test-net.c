/* test-net.c: the HTTP client against loopback servers: what is sent, streaming, statuses,
 * retries, truncation, timeouts, cancellation, caps, TLS and what the debug log may say
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "tftsr-fake-server.h"
#include "tftsr-http-private.h"
#include "tftsr-test-util.h"

#define TRUNCATED_MESSAGE "The connection closed before the reply was complete"

static double
seconds_since (gint64 start)
{
  return (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;
}

/* A data func that keeps what it is given, when, and can refuse a piece. */
typedef struct
{
  GByteArray *data;
  guint calls;
  guint fail_at; /* 1-based call that fails, 0 for none */
  gint64 first_call;
} Sink;

static void
sink_init (Sink *sink)
{
  *sink = (Sink){ .data = g_byte_array_new () };
}

static void
sink_clear (Sink *sink)
{
  g_byte_array_unref (sink->data);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Sink, sink_clear)

static gboolean
sink_data (const guint8 *data, gsize len, gpointer user_data, GError **error)
{
  Sink *sink = user_data;

  if (++sink->calls == 1)
    sink->first_call = g_get_monotonic_time ();
  if (sink->calls == sink->fail_at)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "The reader refused piece %u",
                   sink->calls);
      return FALSE;
    }
  g_byte_array_append (sink->data, data, len);
  return TRUE;
}

static void
assert_bytes (const guint8 *data, gsize len, const char *expected, gsize expected_len)
{
  g_assert_cmpmem (data, len, expected, expected_len);
}

/* Records each retry the client announces. */
typedef struct
{
  guint count;
  guint attempt[4];
  guint wait[4];
  guint status[4];
} Retries;

static void
note_retry (guint attempt, guint wait_seconds, guint status, gpointer user_data)
{
  Retries *retries = user_data;

  g_assert_cmpuint (retries->count, <, G_N_ELEMENTS (retries->attempt));
  retries->attempt[retries->count] = attempt;
  retries->wait[retries->count] = wait_seconds;
  retries->status[retries->count] = status;
  retries->count++;
}

/* Cancels a cancellable from another thread after a delay. */
typedef struct
{
  GCancellable *cancellable;
  guint delay_ms;
  gint64 cancelled_at;
  GThread *thread;
} Canceller;

static gpointer
cancel_later_thread (gpointer data)
{
  Canceller *canceller = data;

  g_usleep (canceller->delay_ms * 1000);
  canceller->cancelled_at = g_get_monotonic_time ();
  g_cancellable_cancel (canceller->cancellable);
  return NULL;
}

static void
cancel_later (Canceller *canceller, GCancellable *cancellable, guint delay_ms)
{
  *canceller = (Canceller){ .cancellable = cancellable, .delay_ms = delay_ms };
  canceller->thread = g_thread_new ("canceller", cancel_later_thread, canceller);
}

/* Joins the thread and returns how long ago it cancelled, in seconds. */
static double
cancel_join (Canceller *canceller)
{
  g_thread_join (canceller->thread);
  return seconds_since (canceller->cancelled_at);
}

static TftsrFakeReply *
reply_with (guint status, const char *content_type, const char *body)
{
  TftsrFakeReply *reply = tftsr_fake_reply_new (status, content_type);

  if (body != NULL)
    tftsr_fake_reply_add_piece (reply, body, -1);
  return reply;
}

static TftsrHttpResponse *
perform_get (TftsrFakeServer *server, const char *path, GError **error)
{
  g_autofree char *url = tftsr_fake_server_url (server, path);
  g_autoptr (TftsrHttpRequest) request = tftsr_http_request_new ("GET", url);

  return tftsr_http_perform (request, NULL, NULL, NULL, error);
}

static TftsrFakeRequest *
only_request (TftsrFakeServer *server)
{
  g_autoptr (GPtrArray) requests = tftsr_fake_server_dup_requests (server);

  g_assert_cmpuint (requests->len, ==, 1);
  return tftsr_fake_request_ref (g_ptr_array_index (requests, 0));
}

/* --- what is sent -------------------------------------------------------------------- */

static void
test_get_with_headers (void)
{
  g_autoptr (TftsrFakeServer) server = tftsr_fake_server_new ();
  g_autoptr (TftsrFakeReply) reply = reply_with (200, "application/json", "{\"ok\":true}");
  g_autofree char *url = tftsr_fake_server_url (server, "/v1/models?limit=5&q=a%20b");
  g_autoptr (TftsrHttpRequest) request = tftsr_http_request_new ("GET", url);
  g_autoptr (TftsrHttpResponse) response = NULL;
  g_autoptr (TftsrFakeRequest) received = NULL;
  g_autoptr (GError) error = NULL;

  tftsr_fake_server_add_replies (server, "/v1/models", reply, NULL);
  tftsr_http_request_add_header (request, "Accept", "application/json");
  tftsr_http_request_add_header (request, "X-Empty", "");
  tftsr_http_request_add_secret_header (request, "Authorization", "Bearer sk-test-123");
  response = tftsr_http_perform (request, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (response->status, ==, 200);
  g_assert_cmpstr (response->content_type, ==, "application/json");
  assert_bytes (g_bytes_get_data (response->body, NULL), g_bytes_get_size (response->body),
                "{\"ok\":true}", 11);
  g_assert_cmpuint (response->attempts, ==, 1);
  g_assert_cmpuint (response->retry_after, ==, 0);

  received = only_request (server);
  g_assert_cmpstr (received->method, ==, "GET");
  g_assert_cmpstr (received->path, ==, "/v1/models?limit=5&q=a%20b");
  g_assert_cmpstr (soup_message_headers_get_one (received->fields, "Accept"), ==,
                   "application/json");
  g_assert_cmpstr (soup_message_headers_get_one (received->fields, "X-Empty"), ==, "");
  g_assert_cmpstr (soup_message_headers_get_one (received->fields, "Authorization"), ==,
                   "Bearer sk-test-123");
  g_assert_true (
      g_str_has_prefix (soup_message_headers_get_one (received->fields, "User-Agent"), "tftsr/"));
  g_assert_nonnull (strstr (received->headers, "Authorization: Bearer sk-test-123\n"));
  g_assert_cmpuint (g_bytes_get_size (received->body), ==, 0);
}

static void
echo_created (SoupServerMessage *msg, GBytes *body, gpointer user_data)
{
  gsize len = 0;
  const char *data = g_bytes_get_data (body, &len);

  soup_server_message_set_status (msg, 201, NULL);
  soup_server_message_set_response (msg, "application/octet-stream", SOUP_MEMORY_COPY, data, len);
}

static void
test_post_body (void)
{
  static const char sent[] = "{\"text\":\"gr\xc3\xbc\xc3\x9f\"}\0\xff\xfe tail";
  g_autoptr (TftsrFakeServer) server = tftsr_fake_server_new ();
  g_autofree char *url = tftsr_fake_server_url (server, "/echo");
  g_autoptr (TftsrHttpRequest) request = tftsr_http_request_new ("POST", url);
  g_autoptr (GBytes) body = g_bytes_new_static (sent, sizeof sent - 1);
  g_autoptr (TftsrHttpResponse) response = NULL;
  g_autoptr (TftsrFakeRequest) received = NULL;
  g_autoptr (GError) error = NULL;

  tftsr_fake_server_add_handler (server, "/echo", echo_created, NULL);
  tftsr_http_request_add_header (request, "X-Request-Id", "42");
  tftsr_http_request_set_body (request, "application/json; charset=utf-8", body);
  response = tftsr_http_perform (request, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (response->status, ==, 201);
  g_assert_cmpstr (response->content_type, ==, "application/octet-stream");
  assert_bytes (g_bytes_get_data (response->body, NULL), g_bytes_get_size (response->body), sent,
                sizeof sent - 1);

  received = only_request (server);
  g_assert_cmpstr (received->method, ==, "POST");
  g_assert_cmpstr (received->path, ==, "/echo");
  assert_bytes (g_bytes_get_data (received->body, NULL), g_bytes_get_size (received->body), sent,
                sizeof sent - 1);
  g_assert_cmpstr (soup_message_headers_get_one (received->fields, "Content-Type"), ==,
                   "application/json; charset=utf-8");
  g_assert_cmpstr (soup_message_headers_get_one (received->fields, "X-Request-Id"), ==, "42");
  g_assert_null (soup_message_headers_get_one (received->fields, "Expect"));
}

static void
test_other_methods (void)
{
  g_autoptr (TftsrFakeServer) server = tftsr_fake_server_new ();
  g_autofree char *url = tftsr_fake_server_url (server, "/echo");
  g_autoptr (GPtrArray) requests = NULL;
  const char *methods[] = { "PUT", "DELETE", "PATCH" };

  tftsr_fake_server_add_handler (server, "/echo", echo_created, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    {
      g_autoptr (TftsrHttpRequest) request = tftsr_http_request_new (methods[i], url);
      g_autoptr (TftsrHttpResponse) response = NULL;
      g_autoptr (GError) error = NULL;

      response = tftsr_http_perform (request, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (response->status, ==, 201);
    }

  requests = tftsr_fake_server_dup_requests (server);
  g_assert_cmpuint (requests->len, ==, 3);
  for (guint i = 0; i < requests->len; i++)
    {
      TftsrFakeRequest *received = g_ptr_array_index (requests, i);

      g_assert_cmpstr (received->method, ==, methods[i]);
      g_assert_cmpuint (g_bytes_get_size (received->body), ==, 0);
      g_assert_null (soup_message_headers_get_one (received->fields, "Content-Type"));
    }
  /* PUT and PATCH say that their body is empty; servers may refuse them otherwise. */
  g_assert_cmpstr (
      soup_message_headers_get_one (((TftsrFakeRequest *) g_ptr_array_index (requests, 0))->fields,
                                    "Content-Length"),
      ==, "0");
}

/* --- streaming ----------------------------------------------------------------------- */

static void
test_stream_one_byte_pieces (void)
{
  static const char text[] = "data: Gr\xc3\xbc\xc3\x9f"
                             "e \xe4\xb8\x96\xe7\x95\x8c \xe2\x9c\x93\n\n";
  g_autoptr (TftsrFakeServer) server = tftsr_fake_server_new ();
  g_autoptr (TftsrFakeReply) reply = tftsr_fake_reply_new (200, "text/event-stream");
  g_autofree char *url = tftsr_fake_server_url (server, "/stream");
  g_autoptr (TftsrHttpRequest) request = tftsr_http_request_new ("GET", url);
  g_autoptr (TftsrHttpResponse) response = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (Sink) sink;

  sink_init (&sink);
  tftsr_fake_reply_add_pieces (reply, text, -1, 1);
  tftsr_fake_server_add_replies (server, "/stream", reply, NULL);
  response = tftsr_http_perform (request, sink_data, &sink, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (response->status, ==, 200);
  g_assert_cmpstr (response->content_type, ==, "text/event-stream");
  g_assert_cmpuint (g_bytes_get_size (response->body), ==, 0);
  assert_bytes (sink.data->data, sink.data->len, text, sizeof text - 1);
  /* Each chunk is handed on as it is decoded, never merged with the next one. */
  g_assert_cmpuint (sink.calls, ==, sizeof text - 1);
}

static void
test_stream_as_it_arrives (void)
{
  static const char *const pieces[] = { "data: one\n\n", "data: two\n\n", "data: three\n\n" };
  g_autoptr (TftsrFakeServer) server = tftsr_fake_server_new ();
  g_autoptr (TftsrFakeReply) reply = tftsr_fake_reply_new (200, "text/event-stream");
  g_autofree char *url = tftsr_fake_server_url (server, "/stream");
  g_autoptr (TftsrHttpRequest) request = tftsr_http_request_new ("GET", url);
  g_autoptr (TftsrHttpResponse) response = NULL;
  g_autoptr (TftsrHttpResponse) buffered = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (Sink) sink;

  sink_init (&sink);
  for (guint i = 0; i < G_N_ELEMENTS (pieces); i++)
    tftsr_fake_reply_add_piece (reply, pieces[i], -1);
  tftsr_fake_reply_set_delay (reply, 150);
  tftsr_fake_server_add_replies (server, "/stream", reply, NULL);
  response = tftsr_http_perform (request, sink_data, &sink, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (sink.calls, ==, 3);
  assert_bytes (sink.data->data, sink.data->len, "data: one\n\ndata: two\n\ndata: three\n\n", 35);
  /* The first piece was in hand while the server was still waiting to send the others. */
  g_assert_cmpfloat (seconds_since (sink.first_call), >=, 0.25);

  /* Without a data func the same pieces make one body. */
  buffered = tftsr_http_perform (request, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  assert_bytes (g_bytes_get_data (buffered->body, NULL), g_bytes_get_size (buffered->body),
                "data: one\n\ndata: two\n\ndata: three\n\n", 35);
}

/* --- statuses ------------------------------------------------------------------------ */

static void
test_error_statuses (void)
{
  g_autoptr (TftsrFakeServer) server = tftsr_fake_server_new ();
  g_autoptr (TftsrFakeReply) not_found =
      reply_with (404, "application/json", "{\"error\":\"no model\"}");
  g_autoptr (TftsrFakeReply) failed = tftsr_fake_reply_new (500, "text/html");
  g_autoptr (GString) page = g_string_new (NULL);
  g_autoptr (TftsrHttpResponse) first = NULL;
  g_autoptr (TftsrHttpResponse) second = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (Sink) sink;

  sink_init (&sink);
  while (page->len < 100 * 1024)
    g_string_append_printf (page, "<p>line %" G_GSIZE_FORMAT "</p>\n", page->len);
  tftsr_fake_reply_add_pieces (failed, page->str, (gssize) page->len, 10 * 1024);
  tftsr_fake_server_add_replies (server, "/missing", not_found, NULL);
  tftsr_fake_server_add_replies (server, "/broken", failed, NULL);

  first = perform_get (server, "/missing", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (first->status, ==, 404);
  g_assert_cmpuint (first->attempts, ==, 1);
  assert_bytes (g_bytes_get_data (first->body, NULL), g_bytes_get_size (first->body),
                "{\"error\":\"no model\"}", 20);

  /* An error body is kept (its first 64 KiB), also with a data func, which sees none of it. */
  {
    g_autofree char *url = tftsr_fake_server_url (server, "/broken");
    g_autoptr (TftsrHttpRequest) request = tftsr_http_request_new ("GET", url);

    second = tftsr_http_perform (request, sink_data, &sink, NULL, &error);
  }
  g_assert_no_error (error);
  g_assert_cmpuint (second->status, ==, 500);
  g_assert_cmpuint (second->attempts, ==, 1);
  g_assert_cmpuint (sink.calls, ==, 0);
  assert_bytes (g_bytes_get_data (second->body, NULL), g_bytes_get_size (second->body), page->str,
                TFTSR_HTTP_ERROR_BODY_MAX);

  g_assert_cmpuint (tftsr_fake_server_count_requests (server, "/missing"), ==, 1);
  g_assert_cmpuint (tftsr_fake_server_count_requests (server, "/broken"), ==, 1);
}

/* --- retries ------------------------------------------------------------------------- */

static void
test_retry_after (void)
{
  g_autoptr (TftsrFakeServer) server = tftsr_fake_server_new ();
  g_autoptr (TftsrFakeReply) busy = reply_with (429, "text/plain", "slow down");
  g_autoptr (TftsrFakeReply) ok = reply_with (200, "text/plain", "done");
  g_autofree char *url = tftsr_fake_server_url (server, "/chat");
  g_autoptr (TftsrHttpRequest) request = tftsr_http_request_new ("POST", url);
  g_autoptr (GBytes) body = g_bytes_new_static ("{}", 2);
  g_autoptr (TftsrHttpResponse) response = NULL;
  g_autoptr (GPtrArray) requests = NULL;
  g_autoptr (GError) error = NULL;
  Retries retries = { 0 };
  gint64 start = g_get_monotonic_time ();

  tftsr_fake_reply_add_header (busy, "Retry-After", "1");
  tftsr_fake_server_add_replies (server, "/chat", busy, ok, NULL);
  tftsr_http_request_set_body (request, "application/json", body);
  tftsr_http_request_set_retry_func (request, note_retry, &retries);
  response = tftsr_http_perform (request, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (response->status, ==, 200);
  g_assert_cmpuint (response->attempts, ==, 2);
  g_assert_cmpuint (response->retry_after, ==, 0);
  g_assert_cmpfloat (seconds_since (start), >=, 0.99);
  g_assert_cmpfloat (seconds_since (start), <, 5);
  g_assert_cmpuint (retries.count, ==, 1);
  g_assert_cmpuint (retries.attempt[0], ==, 2);
  g_assert_cmpuint (retries.wait[0], ==, 1);
  g_assert_cmpuint (retries.status[0], ==, 429);
  /* The retry sent the same body again. */
  requests = tftsr_fake_server_dup_requests (server);
  g_assert_cmpuint (requests->len, ==, 2);
  for (guint i = 0; i < requests->len; i++)
    {
      TftsrFakeRequest *received = g_ptr_array_index (requests, i);
      assert_bytes (g_bytes_get_data (received->body, NULL), g_bytes_get_size (received->body),
                    "{}", 2);
    }
}

static TftsrHttpResponse *
perform_noting_retries (TftsrFakeServer *server, const char *path, Retries *retries)
{
  g_autofree char *url = tftsr_fake_server_url (server, path);
  g_autoptr (TftsrHttpRequest) request = tftsr_http_request_new ("GET", url);
  g_autoptr (GError) error = NULL;
  TftsrHttpResponse *response;

  tftsr_http_request_set_retries (request, 3, 60);
  tftsr_http_request_set_retry_func (request, note_retry, retries);
  response = tftsr_http_perform (request, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  return response;
}

static void
test_retry_after_too_long (void)
{
  g_autoptr (TftsrFakeServer) server = tftsr_fake_server_new ();
  g_autoptr (TftsrFakeReply) seconds = reply_with (429, "text/plain", "quota");
  g_autoptr (TftsrFakeReply) date = reply_with (503, "text/plain", "maintenance");
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GDateTime) in_an_hour = g_date_time_add_hours (now, 1);
  g_autofree char *http_date = g_date_time_format (in_an_hour, "%a, %d %b %Y %H:%M:%S GMT");
  g_autoptr (TftsrHttpResponse) first = NULL;
  g_autoptr (TftsrHttpResponse) second = NULL;
  Retries retries = { 0 };

  tftsr_fake_reply_add_header (seconds, "Retry-After", "120");
  tftsr_fake_reply_add_header (date, "Retry-After", http_date);
  tftsr_fake_server_add_replies (server, "/seconds", seconds, NULL);
  tftsr_fake_server_add_replies (server, "/date", date, NULL);
  first = perform_noting_retries (server, "/seconds", &retries);
  second = perform_noting_retries (server, "/date", &retries);

  g_assert_cmpuint (first->status, ==, 429);
  g_assert_cmpuint (first->retry_after, ==, 120);
  g_assert_cmpuint (first->attempts, ==, 1);
  assert_bytes (g_bytes_get_data (first->body, NULL), g_bytes_get_size (first->body), "quota", 5);
  g_assert_cmpuint (second->status, ==, 503);
  g_assert_cmpuint (second->retry_after, >=, 3590);
  g_assert_cmpuint (second->retry_after, <=, 3600);
  g_assert_cmpuint (second->attempts, ==, 1);
  g_assert_cmpuint (retries.count, ==, 0);
  g_assert_cmpuint (tftsr_fake_server_count_requests (server, "/seconds"), ==, 1);
  g_assert_cmpuint (tftsr_fake_server_count_requests (server, "/date"), ==, 1);
}

static void
test_backoff (void)
{
  g_autoptr (TftsrFakeServer) server = tftsr_fake_server_new ();
  g_autoptr (TftsrFakeReply) bad_gateway = reply_with (502, NULL, NULL);
  g_autoptr (TftsrFakeReply) timeout = reply_with (504, NULL, NULL);
  g_autoptr (TftsrFakeReply) unavailable = reply_with (503, "text/plain", "down");
  g_autofree char *url = tftsr_fake_server_url (server, "/flaky");
  g_autoptr (TftsrHttpRequest) request = tftsr_http_request_new ("GET", url);
  g_autoptr (TftsrHttpResponse) response = NULL;
  g_autoptr (GError) error = NULL;
  Retries retries = { 0 };
  gint64 start = g_get_monotonic_time ();

  tftsr_fake_server_add_replies (server, "/flaky", bad_gateway, timeout, unavailable, NULL);
  /* Backoff would be 1 s then 2 s; the longest wait allowed caps the second at 1 s. */
  tftsr_http_request_set_retries (request, 2, 1);
  tftsr_http_request_set_retry_func (request, note_retry, &retries);
  response = tftsr_http_perform (request, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (response->status, ==, 503);
  g_assert_cmpuint (response->attempts, ==, 3);
  assert_bytes (g_bytes_get_data (response->body, NULL), g_bytes_get_size (response->body), "down",
                4);
  g_assert_cmpuint (tftsr_fake_server_count_requests (server, "/flaky"), ==, 3);
  g_assert_cmpuint (retries.count, ==, 2);
  g_assert_cmpuint (retries.attempt[0], ==, 2);
  g_assert_cmpuint (retries.status[0], ==, 502);
  g_assert_cmpuint (retries.attempt[1], ==, 3);
  g_assert_cmpuint (retries.status[1], ==, 504);
  g_assert_cmpuint (retries.wait[0], ==, 1);
  g_assert_cmpuint (retries.wait[1], ==, 1);
  /* Each wait is 1 s less up to a quarter of jitter. */
  g_assert_cmpfloat (seconds_since (start), >=, 1.5);
  g_assert_cmpfloat (seconds_since (start), <, 5);
}

/* --- failures ------------------------------------------------------------------------ */

static void
test_truncated (void)
{
  g_autoptr (TftsrFakeServer) server = tftsr_fake_server_new ();
  g_autoptr (TftsrFakeReply) reply = tftsr_fake_reply_new (200, "text/event-stream");
  g_autofree char *url = tftsr_fake_server_url (server, "/cut");
  g_autoptr (TftsrHttpRequest) request = tftsr_http_request_new ("GET", url);
  g_autoptr (TftsrHttpResponse) streamed = NULL;
  g_autoptr (TftsrHttpResponse) buffered = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (Sink) sink;

  sink_init (&sink);
  tftsr_fake_reply_add_piece (reply, "data: a\n\n", -1);
  tftsr_fake_reply_add_piece (reply, "data: b\n\n", -1);
  tftsr_fake_reply_set_end (reply, TFTSR_FAKE_END_DROP);
  tftsr_fake_server_add_replies (server, "/cut", reply, NULL);

  streamed = tftsr_http_perform (request, sink_data, &sink, NULL, &error);
  g_assert_null (streamed);
  g_assert_error (error, TFTSR_NET_ERROR, TFTSR_NET_ERROR_FAILED);
  g_assert_cmpstr (error->message, ==, TRUNCATED_MESSAGE);
  assert_bytes (sink.data->data, sink.data->len, "data: a\n\ndata: b\n\n", 18);
  g_clear_error (&error);

  buffered = tftsr_http_perform (request, NULL, NULL, NULL, &error);
  g_assert_null (buffered);
  g_assert_error (error, TFTSR_NET_ERROR, TFTSR_NET_ERROR_FAILED);
  g_assert_cmpstr (error->message, ==, TRUNCATED_MESSAGE);
}

static void
test_idle_timeout (void)
{
  g_autoptr (TftsrFakeServer) server = tftsr_fake_server_new ();
  g_autoptr (TftsrFakeReply) reply = reply_with (200, "text/event-stream", "data: thinking\n\n");
  g_autofree char *url = tftsr_fake_server_url (server, "/stall");
  g_autoptr (TftsrHttpRequest) request = tftsr_http_request_new ("GET", url);
  g_autoptr (TftsrHttpResponse) response = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *expected = NULL;
  g_auto (Sink) sink;
  gint64 start = g_get_monotonic_time ();
  double elapsed;

  sink_init (&sink);
  tftsr_fake_reply_set_end (reply, TFTSR_FAKE_END_STALL);
  tftsr_fake_server_add_replies (server, "/stall", reply, NULL);
  tftsr_http_request_set_timeouts (request, 5, 1);
  response = tftsr_http_perform (request, sink_data, &sink, NULL, &error);
  elapsed = seconds_since (start);

  g_assert_null (response);
  g_assert_error (error, TFTSR_NET_ERROR, TFTSR_NET_ERROR_TIMEOUT);
  expected = g_strdup_printf ("%s sent nothing for 1 s", url + strlen ("http://"));
  *strchr (expected, '/') = '\0';
  g_assert_true (g_str_has_prefix (error->message, expected));
  g_assert_cmpfloat (elapsed, >=, 0.95);
  g_assert_cmpfloat (elapsed, <, 3);
  assert_bytes (sink.data->data, sink.data->len, "data: thinking\n\n", 16);
}

static void
test_connection_refused (void)
{
  guint port = 0;
  g_autoptr (GSocket) socket = tftsr_test_refusing_socket (&port);
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/v1/chat", port);
  g_autofree char *expected =
      g_strdup_printf ("Could not connect to 127.0.0.1:%u: connection refused", port);
  g_autoptr (TftsrHttpRequest) request = tftsr_http_request_new ("GET", url);
  g_autoptr (TftsrHttpResponse) response = NULL;
  g_autoptr (GError) error = NULL;

  response = tftsr_http_perform (request, NULL, NULL, NULL, &error);
  g_assert_null (response);
  g_assert_error (error, TFTSR_NET_ERROR, TFTSR_NET_ERROR_CONNECT);
  g_assert_cmpstr (error->message, ==, expected);
}

static void
test_invalid_url (void)
{
  const char *urls[] = { "ftp://example.com/file?key=CANARY",
                         "example.com/v1?key=CANARY",
                         "http://",
                         "",
                         "not a url?key=CANARY",
                         "file:///etc/passwd" };

  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      g_autoptr (TftsrHttpRequest) request = tftsr_http_request_new ("GET", urls[i]);
      g_autoptr (TftsrHttpResponse) response = NULL;
      g_autoptr (GError) error = NULL;

      response = tftsr_http_perform (request, NULL, NULL, NULL, &error);
      g_assert_null (response);
      g_assert_error (error, TFTSR_NET_ERROR, TFTSR_NET_ERROR_INVALID_URL);
      g_assert_null (strstr (error->message, "CANARY"));
    }
}

static void
test_data_func_error (void)
{
  g_autoptr (TftsrFakeServer) server = tftsr_fake_server_new ();
  g_autoptr (TftsrFakeReply) reply = tftsr_fake_reply_new (200, "application/x-ndjson");
  g_autofree char *url = tftsr_fake_server_url (server, "/stream");
  g_autoptr (TftsrHttpRequest) request = tftsr_http_request_new ("GET", url);
  g_autoptr (TftsrHttpResponse) response = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (Sink) sink;

  sink_init (&sink);
  sink.fail_at = 2;
  tftsr_fake_reply_add_piece (reply, "{\"a\":1}\n", -1);
  tftsr_fake_reply_add_piece (reply, "{\"b\":2}\n", -1);
  tftsr_fake_reply_add_piece (reply, "{\"c\":3}\n", -1);
  tftsr_fake_server_add_replies (server, "/stream", reply, NULL);
  response = tftsr_http_perform (request, sink_data, &sink, NULL, &error);

  g_assert_null (response);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_cmpstr (error->message, ==, "The reader refused piece 2");
  g_assert_cmpuint (sink.calls, ==, 2);
  assert_bytes (sink.data->data, sink.data->len, "{\"a\":1}\n", 8);
}

static void
test_max_body (void)
{
  g_autoptr (TftsrFakeServer) server = tftsr_fake_server_new ();
  g_autoptr (TftsrFakeReply) reply = tftsr_fake_reply_new (200, "application/json");
  g_autofree char *url = tftsr_fake_server_url (server, "/big");
  g_autofree char *text = g_strnfill (5000, 'x');
  g_autoptr (TftsrHttpRequest) request = tftsr_http_request_new ("GET", url);
  g_autoptr (GError) error = NULL;
  g_auto (Sink) sink;

  sink_init (&sink);
  tftsr_fake_reply_add_pieces (reply, text, -1, 1000);
  tftsr_fake_server_add_replies (server, "/big", reply, NULL);

  tftsr_http_request_set_max_body (request, 4999);
  g_assert_null (tftsr_http_perform (request, NULL, NULL, NULL, &error));
  g_assert_error (error, TFTSR_NET_ERROR, TFTSR_NET_ERROR_TOO_LARGE);
  g_clear_error (&error);

  /* The cap is for buffered bodies: a data func sees everything. */
  {
    g_autoptr (TftsrHttpResponse) streamed =
        tftsr_http_perform (request, sink_data, &sink, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (sink.data->len, ==, 5000);
  }

  tftsr_http_request_set_max_body (request, 5000);
  {
    g_autoptr (TftsrHttpResponse) exact = tftsr_http_perform (request, NULL, NULL, NULL, &error);
    g_assert_no_error (error);
    assert_bytes (g_bytes_get_data (exact->body, NULL), g_bytes_get_size (exact->body), text, 5000);
  }
}

/* --- cancellation -------------------------------------------------------------------- */

static void
test_cancel_mid_stream (void)
{
  g_autoptr (TftsrFakeServer) server = tftsr_fake_server_new ();
  g_autoptr (TftsrFakeReply) reply = tftsr_fake_reply_new (200, "text/event-stream");
  g_autofree char *url = tftsr_fake_server_url (server, "/stream");
  g_autoptr (TftsrHttpRequest) request = tftsr_http_request_new ("GET", url);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (TftsrHttpResponse) response = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (Sink) sink;
  Canceller canceller;

  sink_init (&sink);
  tftsr_fake_reply_add_piece (reply, "data: 1\n\n", -1);
  tftsr_fake_reply_add_piece (reply, "data: 2\n\n", -1);
  tftsr_fake_reply_set_delay (reply, 50);
  tftsr_fake_reply_set_end (reply, TFTSR_FAKE_END_STALL);
  tftsr_fake_server_add_replies (server, "/stream", reply, NULL);

  cancel_later (&canceller, cancellable, 300);
  response = tftsr_http_perform (request, sink_data, &sink, cancellable, &error);
  g_assert_null (response);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpfloat (cancel_join (&canceller), <, 1);
  assert_bytes (sink.data->data, sink.data->len, "data: 1\n\ndata: 2\n\n", 18);
}

static void
test_cancel_retry_wait (void)
{
  g_autoptr (TftsrFakeServer) server = tftsr_fake_server_new ();
  g_autoptr (TftsrFakeReply) busy = reply_with (429, "text/plain", "later");
  g_autofree char *url = tftsr_fake_server_url (server, "/chat");
  g_autoptr (TftsrHttpRequest) request = tftsr_http_request_new ("GET", url);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (TftsrHttpResponse) response = NULL;
  g_autoptr (GError) error = NULL;
  Retries retries = { 0 };
  Canceller canceller;

  tftsr_fake_reply_add_header (busy, "Retry-After", "30");
  tftsr_fake_server_add_replies (server, "/chat", busy, NULL);
  tftsr_http_request_set_retry_func (request, note_retry, &retries);

  cancel_later (&canceller, cancellable, 300);
  response = tftsr_http_perform (request, NULL, NULL, cancellable, &error);
  g_assert_null (response);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpfloat (cancel_join (&canceller), <, 1);
  g_assert_cmpuint (retries.count, ==, 1);
  g_assert_cmpuint (retries.wait[0], ==, 30);
  g_assert_cmpuint (tftsr_fake_server_count_requests (server, "/chat"), ==, 1);
}

static void
test_cancel_before (void)
{
  g_autoptr (TftsrFakeServer) server = tftsr_fake_server_new ();
  g_autofree char *url = tftsr_fake_server_url (server, "/any");
  g_autoptr (TftsrHttpRequest) request = tftsr_http_request_new ("GET", url);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;

  g_cancellable_cancel (cancellable);
  g_assert_null (tftsr_http_perform (request, NULL, NULL, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* --- what is logged ------------------------------------------------------------------ */

typedef struct
{
  GMutex lock;
  GString *text;
} LogCapture;

static void
capture_log (const char *domain, GLogLevelFlags level, const char *message, gpointer user_data)
{
  LogCapture *capture = user_data;

  g_mutex_lock (&capture->lock);
  g_string_append_printf (capture->text, "%s\n", message);
  g_mutex_unlock (&capture->lock);
}

static void
test_debug_log_redacted (void)
{
  g_autoptr (TftsrFakeServer) server = tftsr_fake_server_new ();
  g_autoptr (TftsrFakeReply) reply = reply_with (200, "application/json", "CANARY-REPLY");
  g_autoptr (TftsrFakeReply) stream = reply_with (200, "text/event-stream", "data: x\n\n");
  g_autofree char *url = tftsr_fake_server_url (server, "/v1/chat?key=CANARY-QUERY");
  g_autofree char *logged_url = tftsr_fake_server_url (server, "/v1/chat");
  g_autofree char *stream_url = tftsr_fake_server_url (server, "/v1/stream?key=CANARY-QUERY");
  g_autoptr (TftsrHttpRequest) request = tftsr_http_request_new ("POST", url);
  g_autoptr (TftsrHttpRequest) streaming = tftsr_http_request_new ("GET", stream_url);
  g_autoptr (GBytes) body = g_bytes_new_static ("CANARY-BODY", 11);
  g_autoptr (TftsrHttpResponse) response = NULL;
  g_autoptr (TftsrFakeRequest) received = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *expected = NULL;
  LogCapture capture = { .text = g_string_new (NULL) };
  g_auto (Sink) sink;
  guint handler;

  sink_init (&sink);
  sink.fail_at = 1;
  tftsr_fake_server_add_replies (server, "/v1/chat", reply, NULL);
  tftsr_fake_server_add_replies (server, "/v1/stream", stream, NULL);
  tftsr_http_request_add_secret_header (request, "Authorization", "Bearer CANARY-SECRET");
  tftsr_http_request_add_header (request, "X-Plain", "CANARY-HEADER");
  tftsr_http_request_set_body (request, "text/plain", body);
  handler = g_log_set_handler ("tftsr-net", G_LOG_LEVEL_DEBUG, capture_log, &capture);
  response = tftsr_http_perform (request, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  /* A reader's error message may quote the body: it is not logged either. */
  g_assert_null (tftsr_http_perform (streaming, sink_data, &sink, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_log_remove_handler ("tftsr-net", handler);

  /* The secret was sent… */
  {
    g_autoptr (GPtrArray) requests = tftsr_fake_server_dup_requests (server);
    received = tftsr_fake_request_ref (g_ptr_array_index (requests, 0));
  }
  g_assert_cmpstr (soup_message_headers_get_one (received->fields, "Authorization"), ==,
                   "Bearer CANARY-SECRET");
  /* …and the log names the request without any of it. */
  expected = g_strdup_printf ("POST %s: 200 after 1 attempt(s)", logged_url);
  g_assert_nonnull (strstr (capture.text->str, expected));
  g_assert_nonnull (strstr (capture.text->str, "/v1/stream failed"));
  g_assert_null (strstr (capture.text->str, "CANARY"));
  g_assert_null (strstr (capture.text->str, "refused piece"));
  g_string_free (capture.text, TRUE);
}

/* --- TLS ----------------------------------------------------------------------------- */

static GTlsCertificate *
test_certificate (void)
{
  g_autoptr (GError) error = NULL;
  GTlsCertificate *certificate =
      g_tls_certificate_new_from_file (TFTSR_TEST_DATA_DIR "/tls/self-signed.pem", &error);

  g_assert_no_error (error);
  return certificate;
}

static void
test_tls_unverified (void)
{
  g_autoptr (GTlsCertificate) certificate = test_certificate ();
  g_autoptr (TftsrFakeServer) server = tftsr_fake_server_new_tls (certificate);
  g_autoptr (TftsrFakeReply) reply = reply_with (200, "text/plain", "secret reply");
  g_autofree char *url = tftsr_fake_server_url (server, "/v1/models");
  g_autoptr (TftsrHttpRequest) request = tftsr_http_request_new ("GET", url);
  g_autoptr (GError) error = NULL;

  g_assert_true (g_str_has_prefix (url, "https://"));
  tftsr_fake_server_add_replies (server, "/v1/models", reply, NULL);
  tftsr_http_request_add_secret_header (request, "Authorization", "Bearer sk-never-sent");
  g_assert_null (tftsr_http_perform (request, NULL, NULL, NULL, &error));
  g_assert_error (error, TFTSR_NET_ERROR, TFTSR_NET_ERROR_TLS);
  g_assert_true (g_str_has_prefix (error->message, "The certificate of 127.0.0.1:"));
  g_assert_nonnull (strstr (error->message, "could not be verified"));
  /* The handshake failed, so no request was ever received. */
  g_assert_cmpuint (tftsr_fake_server_count_requests (server, "/v1/models"), ==, 0);
}

static void
test_tls_insecure (void)
{
  g_autoptr (GTlsCertificate) certificate = test_certificate ();
  g_autoptr (TftsrFakeServer) server = tftsr_fake_server_new_tls (certificate);
  g_autoptr (TftsrFakeReply) reply = reply_with (200, "text/plain", "over TLS");
  g_autofree char *url = tftsr_fake_server_url (server, "/v1/models");
  g_autoptr (TftsrHttpRequest) request = tftsr_http_request_new ("GET", url);

  tftsr_fake_server_add_replies (server, "/v1/models", reply, NULL);
  tftsr_http_request_set_insecure (request, TRUE);
  g_test_expect_message ("tftsr-net", G_LOG_LEVEL_WARNING,
                         "TLS certificate verification is off for 127.0.0.1:*");
  /* Performed twice, the request warns once. */
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr (TftsrHttpResponse) response = NULL;
      g_autoptr (GError) error = NULL;

      response = tftsr_http_perform (request, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (response->status, ==, 200);
      assert_bytes (g_bytes_get_data (response->body, NULL), g_bytes_get_size (response->body),
                    "over TLS", 8);
    }
  g_test_assert_expected_messages ();
}

/* --- timeouts, CA bundles, proxies, circuit breakers --------------------------------------- */

/* A reply that keeps trickling in never trips the idle timeout; the total one stops it. */
static void
test_total_timeout (void)
{
  g_autoptr (TftsrFakeServer) server = tftsr_fake_server_new ();
  g_autoptr (TftsrFakeReply) reply = tftsr_fake_reply_new (200, "text/plain");
  g_autofree char *url = tftsr_fake_server_url (server, "/slow");
  g_autoptr (TftsrHttpRequest) request = tftsr_http_request_new ("GET", url);
  g_autoptr (GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  g_auto (Sink) sink;
  double elapsed;

  sink_init (&sink);
  for (guint i = 0; i < 20; i++)
    tftsr_fake_reply_add_piece (reply, "tick\n", -1);
  tftsr_fake_reply_set_delay (reply, 200);
  tftsr_fake_server_add_replies (server, "/slow", reply, NULL);
  tftsr_http_request_set_timeouts (request, 5, 1);
  tftsr_http_request_set_total_timeout (request, 1);
  g_assert_null (tftsr_http_perform (request, sink_data, &sink, NULL, &error));
  elapsed = seconds_since (start);
  g_assert_error (error, TFTSR_NET_ERROR, TFTSR_NET_ERROR_TIMEOUT);
  g_assert_nonnull (strstr (error->message, "did not finish answering within 1 s"));
  g_assert_cmpfloat (elapsed, >=, 0.95);
  g_assert_cmpfloat (elapsed, <, 3);
  g_assert_cmpuint (sink.data->len, >, 0);
}

/* The self-signed certificate as the request's own CA bundle: verified without turning
 * verification off; a bundle that cannot be read is a TLS error. */
static void
test_tls_ca_file (void)
{
  g_autoptr (GTlsCertificate) certificate = test_certificate ();
  g_autoptr (TftsrFakeServer) server = tftsr_fake_server_new_tls (certificate);
  g_autoptr (TftsrFakeReply) reply = reply_with (200, "text/plain", "trusted");
  g_autofree char *url = tftsr_fake_server_url (server, "/v1/models");
  g_autoptr (TftsrHttpRequest) request = tftsr_http_request_new ("GET", url);
  g_autoptr (TftsrHttpRequest) missing = tftsr_http_request_new ("GET", url);
  g_autoptr (TftsrHttpResponse) response = NULL;
  g_autoptr (GError) error = NULL;

  tftsr_fake_server_add_replies (server, "/v1/models", reply, NULL);
  tftsr_http_request_set_ca_file (request, TFTSR_TEST_DATA_DIR "/tls/self-signed.pem");
  response = tftsr_http_perform (request, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (response->status, ==, 200);
  tftsr_http_request_set_ca_file (missing, TFTSR_TEST_DATA_DIR "/tls/no-such-bundle.pem");
  g_assert_null (tftsr_http_perform (missing, NULL, NULL, NULL, &error));
  g_assert_error (error, TFTSR_NET_ERROR, TFTSR_NET_ERROR_TLS);
  g_assert_cmpuint (tftsr_fake_server_count_requests (server, "/v1/models"), ==, 1);
}

/* A proxy from the environment is used unless the request names its own; "" is none. */
static void
test_proxy (void)
{
  g_autoptr (TftsrFakeServer) server = tftsr_fake_server_new ();
  g_autoptr (TftsrFakeReply) reply = reply_with (200, "text/plain", "direct");
  g_autofree char *url = tftsr_fake_server_url (server, "/direct");
  guint port = 0;
  g_autoptr (GSocket) dead = tftsr_test_refusing_socket (&port);
  g_autofree char *proxy = g_strdup_printf ("http://127.0.0.1:%u", port);
  g_autoptr (TftsrHttpRequest) through_env = tftsr_http_request_new ("GET", url);
  g_autoptr (TftsrHttpRequest) without = tftsr_http_request_new ("GET", url);
  g_autoptr (TftsrHttpRequest) named = tftsr_http_request_new ("GET", url);
  g_autoptr (TftsrHttpResponse) response = NULL;
  g_autoptr (GError) error = NULL;

  tftsr_fake_server_add_replies (server, "/direct", reply, NULL);
  g_setenv ("http_proxy", proxy, TRUE);
  g_unsetenv ("no_proxy");
  g_assert_null (tftsr_http_perform (through_env, NULL, NULL, NULL, &error));
  g_assert_error (error, TFTSR_NET_ERROR, TFTSR_NET_ERROR_CONNECT);
  g_clear_error (&error);
  tftsr_http_request_set_proxy (without, "");
  response = tftsr_http_perform (without, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (response->status, ==, 200);
  g_unsetenv ("http_proxy");
  tftsr_http_request_set_proxy (named, proxy);
  g_assert_null (tftsr_http_perform (named, NULL, NULL, NULL, &error));
  g_assert_error (error, TFTSR_NET_ERROR, TFTSR_NET_ERROR_CONNECT);
  g_assert_cmpuint (tftsr_fake_server_count_requests (server, "/direct"), ==, 1);
}

static TftsrHttpResponse *
through (TftsrCircuit *circuit, const char *url, GError **error)
{
  g_autoptr (TftsrHttpRequest) request = tftsr_http_request_new ("GET", url);

  tftsr_http_request_set_retries (request, 0, 1);
  tftsr_http_request_set_circuit (request, circuit);
  return tftsr_http_perform (request, NULL, NULL, NULL, error);
}

/* Two 500s open the circuit; the third request is not sent; after the cool-down one probe
 * goes, and its success closes it. 4xx answers are the service working. */
static void
test_circuit_opens_and_recovers (void)
{
  g_autoptr (TftsrFakeServer) server = tftsr_fake_server_new ();
  g_autoptr (TftsrFakeReply) down = reply_with (500, "text/plain", "down");
  g_autoptr (TftsrFakeReply) missing = reply_with (404, "text/plain", "no such page");
  g_autoptr (TftsrFakeReply) up = reply_with (200, "text/plain", "up");
  g_autofree char *url = tftsr_fake_server_url (server, "/api");
  g_autoptr (TftsrCircuit) circuit = tftsr_circuit_new ("ServiceNow", 2, 1);
  g_autoptr (GError) error = NULL;

  tftsr_fake_server_add_replies (server, "/api", missing, missing, missing, down, down, up, NULL);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr (TftsrHttpResponse) response = through (circuit, url, &error);
      g_assert_cmpuint (response->status, ==, 404);
    }
  g_assert_cmpint (tftsr_circuit_get_state (circuit), ==, TFTSR_CIRCUIT_CLOSED);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr (TftsrHttpResponse) response = through (circuit, url, &error);
      g_assert_cmpuint (response->status, ==, 500);
    }
  g_assert_cmpint (tftsr_circuit_get_state (circuit), ==, TFTSR_CIRCUIT_OPEN);
  g_assert_null (through (circuit, url, &error));
  g_assert_error (error, TFTSR_NET_ERROR, TFTSR_NET_ERROR_CIRCUIT_OPEN);
  g_assert_cmpstr (error->message, ==,
                   "ServiceNow failed 2 times in a row: it is tried again in 1 s");
  g_clear_error (&error);
  g_assert_cmpuint (tftsr_fake_server_count_requests (server, "/api"), ==, 5);

  g_usleep (1100 * 1000);
  g_assert_cmpint (tftsr_circuit_get_state (circuit), ==, TFTSR_CIRCUIT_HALF_OPEN);
  {
    g_autoptr (TftsrHttpResponse) response = through (circuit, url, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (response->status, ==, 200);
  }
  g_assert_cmpint (tftsr_circuit_get_state (circuit), ==, TFTSR_CIRCUIT_CLOSED);
}

typedef struct
{
  TftsrCircuit *circuit;
  const char *url;
  guint status;
} Probe;

static gpointer
probe_thread (gpointer data)
{
  Probe *probe = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrHttpResponse) response = through (probe->circuit, probe->url, &error);

  g_assert_no_error (error);
  probe->status = response->status;
  return NULL;
}

/* Half-open lets one probe through while the others still fail at once; a failed probe
 * opens the circuit again; a refused connection and a cancelled request count as they
 * should (a failure, nothing). */
static void
test_circuit_probe (void)
{
  g_autoptr (TftsrFakeServer) server = tftsr_fake_server_new ();
  g_autoptr (TftsrFakeReply) slow = tftsr_fake_reply_new (503, "text/plain");
  g_autofree char *url = tftsr_fake_server_url (server, "/api");
  g_autoptr (TftsrCircuit) circuit = tftsr_circuit_new ("Jira", 1, 1);
  guint port = 0;
  g_autoptr (GSocket) refusing = tftsr_test_refusing_socket (&port);
  g_autofree char *dead = g_strdup_printf ("http://127.0.0.1:%u/api", port);
  g_autoptr (GCancellable) cancelled = g_cancellable_new ();
  g_autoptr (TftsrHttpRequest) request = NULL;
  g_autoptr (GError) error = NULL;
  Probe probe = { circuit, url, 0 };
  GThread *thread;

  tftsr_fake_reply_add_piece (slow, "still ", -1);
  tftsr_fake_reply_add_piece (slow, "down", -1);
  tftsr_fake_reply_set_delay (slow, 600);
  tftsr_fake_server_add_replies (server, "/api", slow, NULL);
  g_assert_null (through (circuit, dead, &error));
  g_assert_error (error, TFTSR_NET_ERROR, TFTSR_NET_ERROR_CONNECT);
  g_clear_error (&error);
  g_assert_cmpint (tftsr_circuit_get_state (circuit), ==, TFTSR_CIRCUIT_OPEN);

  /* A request cancelled before it went does not use up the probe. */
  g_usleep (1100 * 1000);
  g_cancellable_cancel (cancelled);
  request = tftsr_http_request_new ("GET", url);
  tftsr_http_request_set_circuit (request, circuit);
  g_assert_null (tftsr_http_perform (request, NULL, NULL, cancelled, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_cmpint (tftsr_circuit_get_state (circuit), ==, TFTSR_CIRCUIT_HALF_OPEN);

  thread = g_thread_new ("probe", probe_thread, &probe);
  while (tftsr_fake_server_count_requests (server, "/api") == 0)
    g_usleep (10 * 1000);
  g_assert_null (through (circuit, url, &error));
  g_assert_error (error, TFTSR_NET_ERROR, TFTSR_NET_ERROR_CIRCUIT_OPEN);
  g_assert_nonnull (strstr (error->message, "a request is checking whether it is back"));
  g_thread_join (thread);
  g_assert_cmpuint (probe.status, ==, 503);
  g_assert_cmpint (tftsr_circuit_get_state (circuit), ==, TFTSR_CIRCUIT_OPEN);
  g_assert_cmpuint (tftsr_fake_server_count_requests (server, "/api"), ==, 1);
}

/* --- parts --------------------------------------------------------------------------- */

static void
test_parse_retry_after (void)
{
  /* Wed, 21 Oct 2015 07:28:00 GMT */
  const gint64 date = 1445412480;
  const struct
  {
    const char *value;
    gint64 now;
    gboolean ok;
    guint seconds;
  } cases[] = {
    { "120", 0, TRUE, 120 },
    { " 7\t", 0, TRUE, 7 },
    { "0", 0, TRUE, 0 },
    { "99999999999999999999999", 0, TRUE, G_MAXUINT },
    { "4294967296", 0, TRUE, G_MAXUINT },
    { "", 0, FALSE, 0 },
    { "  ", 0, FALSE, 0 },
    { "soon", 0, FALSE, 0 },
    { "1.5", 0, FALSE, 0 },
    { "-3", 0, FALSE, 0 },
    { "Wed, 21 Oct 2015 07:28:00 GMT", date - 30, TRUE, 30 },
    { "Wednesday, 21-Oct-15 07:28:00 GMT", date - 30, TRUE, 30 },
    { "Wed Oct 21 07:28:00 2015", date - 30, TRUE, 30 },
    { "Wed, 21 Oct 2015 07:28:00 GMT", date + 5, TRUE, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      guint seconds = 12345;
      gboolean ok = tftsr_http_parse_retry_after (cases[i].value, cases[i].now, &seconds);

      g_test_message ("Retry-After: '%s'", cases[i].value);
      g_assert_cmpint (ok, ==, cases[i].ok);
      g_assert_cmpuint (seconds, ==, cases[i].seconds);
    }
}

/* Binaries that link the fake server (and so libsoup and plain SQLite) still get SQLCipher. */
static void
test_store_still_encrypted (void)
{
  g_autoptr (TftsrStore) store = tftsr_test_new_store ();
  g_autofree char *version = tftsr_test_query (store, "PRAGMA cipher_version");

  g_assert_nonnull (version);
}

int
main (int argc, char **argv)
{
  tftsr_test_init (&argc, &argv);
  /* A proxy from the environment must not stand between the client and the loopback. */
  g_setenv ("no_proxy", "127.0.0.1", TRUE);

  g_test_add_func ("/net/send/get-with-headers", test_get_with_headers);
  g_test_add_func ("/net/total-timeout", test_total_timeout);
  g_test_add_func ("/net/tls/ca-file", test_tls_ca_file);
  g_test_add_func ("/net/proxy", test_proxy);
  g_test_add_func ("/net/circuit/opens-and-recovers", test_circuit_opens_and_recovers);
  g_test_add_func ("/net/circuit/probe", test_circuit_probe);
  g_test_add_func ("/net/send/post-body", test_post_body);
  g_test_add_func ("/net/send/other-methods", test_other_methods);
  g_test_add_func ("/net/stream/one-byte-pieces", test_stream_one_byte_pieces);
  g_test_add_func ("/net/stream/as-it-arrives", test_stream_as_it_arrives);
  g_test_add_func ("/net/status/errors", test_error_statuses);
  g_test_add_func ("/net/retry/retry-after", test_retry_after);
  g_test_add_func ("/net/retry/retry-after-too-long", test_retry_after_too_long);
  g_test_add_func ("/net/retry/backoff", test_backoff);
  g_test_add_func ("/net/fail/truncated", test_truncated);
  g_test_add_func ("/net/fail/idle-timeout", test_idle_timeout);
  g_test_add_func ("/net/fail/connection-refused", test_connection_refused);
  g_test_add_func ("/net/fail/invalid-url", test_invalid_url);
  g_test_add_func ("/net/fail/data-func-error", test_data_func_error);
  g_test_add_func ("/net/fail/max-body", test_max_body);
  g_test_add_func ("/net/cancel/mid-stream", test_cancel_mid_stream);
  g_test_add_func ("/net/cancel/retry-wait", test_cancel_retry_wait);
  g_test_add_func ("/net/cancel/before", test_cancel_before);
  g_test_add_func ("/net/log/redacted", test_debug_log_redacted);
  g_test_add_func ("/net/tls/unverified", test_tls_unverified);
  g_test_add_func ("/net/tls/insecure", test_tls_insecure);
  g_test_add_func ("/net/parse-retry-after", test_parse_retry_after);
  g_test_add_func ("/net/store-still-encrypted", test_store_still_encrypted);
  return g_test_run ();
}
