/* tftsr-mcp-http.c: the Streamable HTTP transport
 *
 * Each message is one POST through the core's HTTP client (tftsr-net.h) in the calling
 * thread. The answer is JSON, or Server-Sent Events that may carry the server's requests
 * and notifications before the reply; events are dispatched as they arrive, and the stream
 * is left as soon as the reply came, so a server that keeps it open cannot hold the call.
 * The session id of the initialize answer goes on every later request, with the protocol
 * version; DELETE ends the session.
 *
 * Once the session is initialised, a thread of the transport holds the server's own stream
 * open (a GET answered with Server-Sent Events), where a server sends requests and
 * notifications outside any answer (notifications/tools/list_changed). Its events take the
 * same path as those of a POST's answer. A server without one answers 405, noted once in
 * its log. A stream that ends is opened again after a pause (the server's "retry", else a
 * backoff), with Last-Event-ID so the server can replay what was missed; after
 * STREAM_MAX_FAILURES attempts in a row that gave nothing, the log says so and the thread
 * ends. Stopping cancels it before DELETE ends the session.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>
#include <string.h>

#include "tftsr-mcp-client-private.h"
#include "tftsr-net.h"
#include "tftsr-sse-parser.h"

struct _TftsrMcpHttp
{
  TftsrMcpClient *client; /* borrowed */
  TftsrMcpResolved *secrets;
  GMutex lock;
  GCond wake; /* ends the listener's pause when stopping */
  char *session_id;
  gboolean stopped;
  GCancellable *stopping; /* cancelled by stop: the stream, and replies sent from it */
  GThread *listener;      /* the server's own stream, once listening */
  char *last_event_id;    /* the listener's: where its stream broke off */
};

/* A stream quiet this long is opened again: a connection a NAT forgot looks just so. */
#define STREAM_IDLE_SECONDS 300
#define STREAM_MAX_FAILURES 5
#define STREAM_MIN_WAIT_MS 20
#define STREAM_MAX_WAIT_MS 30000

/* The stream is left once the reply is there: a private error says so. */
static GQuark
done_quark (void)
{
  return g_quark_from_static_string ("tftsr-mcp-http-done");
}

typedef enum
{
  BODY_UNKNOWN,
  BODY_JSON,
  BODY_SSE,
} BodyKind;

typedef struct
{
  TftsrMcpHttp *http;
  gint64 id;
  BodyKind kind;
  guint status; /* of the answer, once complete */
  guint events; /* SSE events received */
  char *content_type;
  char *session_id;
  GByteArray *json;
  TftsrSseParser *sse;
} Post;

TftsrMcpHttp *
tftsr_mcp_http_new (TftsrMcpClient *client, const TftsrMcpServer *server, TftsrMcpResolved *secrets)
{
  TftsrMcpHttp *http = g_new0 (TftsrMcpHttp, 1);

  http->client = client;
  http->secrets = secrets;
  http->stopping = g_cancellable_new ();
  g_mutex_init (&http->lock);
  g_cond_init (&http->wake);
  return http;
}

static void
on_header (const char *name, const char *value, gpointer data)
{
  Post *post = data;

  char **slot = g_ascii_strcasecmp (name, "Mcp-Session-Id") == 0 ? &post->session_id
                : g_ascii_strcasecmp (name, "Content-Type") == 0 ? &post->content_type
                                                                 : NULL;

  /* Each attempt's headers replace the last one's. */
  if (slot != NULL)
    {
      g_free (*slot);
      *slot = g_strdup (value);
    }
}

static gboolean
answered (Post *post)
{
  TftsrMcpClient *client = post->http->client;
  gboolean done = FALSE;

  g_mutex_lock (&client->lock);
  TftsrMcpPending *pending = g_hash_table_lookup (client->pending, &post->id);
  done = pending == NULL || pending->done;
  g_mutex_unlock (&client->lock);
  return done;
}

static gboolean
on_event (const char *event, const char *data, gsize len, gpointer user_data, GError **error)
{
  Post *post = user_data;

  post->events++;
  /* Events without data prime a stream for resumption; they carry no message. */
  if (len == 0 || g_strcmp0 (event, "message") != 0)
    return TRUE;
  if (!tftsr_mcp_client_dispatch (post->http->client, data, len, post->id, error))
    return FALSE;
  if (post->id >= 0 && answered (post))
    return g_set_error_literal (error, done_quark (), 0, "done"), FALSE;
  return TRUE;
}

static gboolean
on_data (const guint8 *data, gsize len, gpointer user_data, GError **error)
{
  Post *post = user_data;

  if (post->kind == BODY_UNKNOWN)
    {
      post->kind = post->content_type != NULL &&
                           g_ascii_strncasecmp (post->content_type, "text/event-stream", 17) == 0
                       ? BODY_SSE
                       : BODY_JSON;
      if (post->kind == BODY_SSE)
        post->sse = tftsr_sse_parser_new (on_event, post);
      else
        post->json = g_byte_array_new ();
    }
  if (post->kind == BODY_SSE)
    return tftsr_sse_parser_feed (post->sse, data, len, error);
  if (post->json->len + len > TFTSR_MCP_MAX_MESSAGE)
    {
      g_set_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_TOO_LARGE,
                   _ ("The server sent a message larger than %u MiB."),
                   (guint) (TFTSR_MCP_MAX_MESSAGE >> 20));
      return FALSE;
    }
  g_byte_array_append (post->json, data, (guint) len);
  return TRUE;
}

static void
add_headers (TftsrMcpHttp *http, TftsrHttpRequest *request, const char *accept)
{
  const TftsrMcpServer *server = http->client->server;

  tftsr_http_request_add_header (request, "Accept", accept);
  g_mutex_lock (&http->lock);
  if (http->session_id != NULL)
    tftsr_http_request_add_header (request, "Mcp-Session-Id", http->session_id);
  g_mutex_unlock (&http->lock);
  if (http->client->protocol_version != NULL)
    tftsr_http_request_add_header (request, "MCP-Protocol-Version", http->client->protocol_version);
  for (guint i = 0; server->headers != NULL && server->headers[i] != NULL; i++)
    {
      g_autofree char *name = NULL;
      const char *value = NULL;
      if (tftsr_mcp_split_pair (server->headers[i], ':', &name, &value))
        tftsr_http_request_add_header (request, name, value);
    }
  for (guint i = 0; http->secrets != NULL && i < http->secrets->headers->len; i++)
    {
      g_autofree char *name = NULL;
      const char *value = NULL;
      if (tftsr_mcp_split_pair (g_ptr_array_index (http->secrets->headers, i), ':', &name, &value))
        tftsr_http_request_add_secret_header (request, name, value);
    }
}

static TftsrHttpRequest *
build (TftsrMcpHttp *http, const char *method, const char *text, guint timeout_ms)
{
  TftsrHttpRequest *request = tftsr_http_request_new (method, http->client->server->url);
  guint seconds = MAX (1, (timeout_ms + 999) / 1000);

  add_headers (http, request, "application/json, text/event-stream");
  if (text != NULL)
    {
      g_autoptr (GBytes) body = g_bytes_new (text, strlen (text));
      tftsr_http_request_set_body (request, "application/json", body);
    }
  tftsr_http_request_set_timeouts (request, MIN (seconds, TFTSR_HTTP_DEFAULT_CONNECT_TIMEOUT),
                                   seconds);
  tftsr_http_request_set_total_timeout (request, seconds);
  /* A tool call may act: never sent twice. */
  tftsr_http_request_set_retries (request, 0, 1);
  tftsr_http_request_set_not_repeatable (request, TRUE);
  return request;
}

static gboolean
transport_error (TftsrMcpHttp *http, GError *local, GError **error)
{
  const char *url = http->client->server->url;

  if (local->domain == TFTSR_NET_ERROR &&
      (local->code == TFTSR_NET_ERROR_CONNECT || local->code == TFTSR_NET_ERROR_RESOLVE ||
       local->code == TFTSR_NET_ERROR_TLS || local->code == TFTSR_NET_ERROR_INVALID_URL))
    g_set_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_UNREACHABLE,
                 _ ("Could not reach the MCP server at %s: %s"), url, local->message);
  else if (g_error_matches (local, TFTSR_NET_ERROR, TFTSR_NET_ERROR_TIMEOUT))
    g_set_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_TIMEOUT,
                 _ ("The MCP server did not answer in time."));
  else if (local->domain == TFTSR_NET_ERROR)
    g_set_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_CLOSED,
                 _ ("The connection to the MCP server failed: %s"), local->message);
  else if (g_error_matches (local, TFTSR_AI_ERROR, TFTSR_AI_ERROR_MALFORMED))
    g_set_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_TOO_LARGE,
                 _ ("The server sent a message larger than %u MiB."),
                 (guint) (TFTSR_MCP_MAX_MESSAGE >> 20));
  else
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  g_error_free (local);
  return FALSE;
}

/* A 4xx or 5xx answer: a JSON-RPC error in the body answers the request; else a sentence. */
static gboolean
status_error (TftsrMcpHttp *http, Post *post, TftsrHttpResponse *response, GError **error)
{
  gsize len = 0;
  const char *body = g_bytes_get_data (response->body, &len);
  TftsrJsonRpcMessage message;
  g_autofree char *shown = NULL;

  if (response->status == 401 || response->status == 403)
    {
      g_set_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_AUTH,
                   _ ("The MCP server refused the credentials (HTTP %u)."), response->status);
      return FALSE;
    }
  if (len > 0 && tftsr_jsonrpc_parse (body, len, &message, NULL))
    {
      json_object *err = NULL;
      gboolean is_error = message.kind == TFTSR_JSONRPC_ERROR &&
                          json_object_object_get_ex (message.root, "error", &err);
      if (is_error && post->id >= 0)
        tftsr_mcp_client_resolve_error (http->client, post->id, err);
      tftsr_jsonrpc_message_clear (&message);
      if (is_error && post->id >= 0)
        return TRUE;
    }
  if (response->status == 404 && http->session_id != NULL)
    {
      g_set_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_CLOSED,
                   _ ("The MCP server ended the session; connect again."));
      return FALSE;
    }
  shown = tftsr_mcp_excerpt (body != NULL ? body : "", len, 200);
  g_set_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_SERVER,
               _ ("The MCP server answered HTTP %u: %s"), response->status, shown);
  return FALSE;
}

static gboolean
finish_body (TftsrMcpHttp *http, Post *post, GError **error)
{
  if (post->kind == BODY_SSE)
    {
      if (!tftsr_sse_parser_finish (post->sse, NULL))
        {
          g_set_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_PROTOCOL,
                       _ ("The MCP server's event stream ended in the middle of an event."));
          return FALSE;
        }
      return TRUE;
    }
  if (post->kind == BODY_JSON && post->json->len > 0)
    return tftsr_mcp_client_dispatch (http->client, (const char *) post->json->data,
                                      post->json->len, post->id, error);
  return TRUE;
}

static void
post_clear (Post *post)
{
  g_free (post->content_type);
  g_free (post->session_id);
  g_clear_pointer (&post->json, g_byte_array_unref);
  g_clear_pointer (&post->sse, tftsr_sse_parser_free);
}

static gboolean
perform (TftsrMcpHttp *http, Post *post, TftsrHttpRequest *request, GCancellable *cancellable,
         GError **error)
{
  g_autoptr (TftsrHttpResponse) response = NULL;
  GError *local = NULL;

  tftsr_http_request_set_header_func (request, on_header, post);
  response = tftsr_http_perform (request, on_data, post, cancellable, &local);
  if (response == NULL && local->domain == done_quark ())
    {
      g_error_free (local);
      return TRUE;
    }
  if (response == NULL)
    return transport_error (http, local, error);
  post->status = response->status;
  if (response->status < 200 || response->status > 299)
    return status_error (http, post, response, error);
  return finish_body (http, post, error);
}

gboolean
tftsr_mcp_http_send (TftsrMcpHttp *http, const char *text, gint64 id, guint timeout_ms,
                     GCancellable *cancellable, GError **error)
{
  g_autoptr (TftsrHttpRequest) request = build (http, "POST", text, timeout_ms);
  Post post = { .http = http, .id = id };
  /* Without a cancellable of its own (an answer to the server's request), the session's. */
  gboolean ok =
      perform (http, &post, request, cancellable != NULL ? cancellable : http->stopping, error);

  /* The answer to initialize names the session. */
  g_mutex_lock (&http->lock);
  if (ok && http->session_id == NULL && post.session_id != NULL)
    http->session_id = g_strdup (post.session_id);
  g_mutex_unlock (&http->lock);
  post_clear (&post);
  return ok;
}

/* ------------------------------------------------------------------------------------------
 * The server's own stream
 */

typedef enum
{
  STREAM_STOPPED, /* the session ends */
  STREAM_REFUSED, /* 405: the server has no stream of its own */
  STREAM_RESUME,  /* it brought events, or went quiet, before it ended: open it again */
  STREAM_FAILED,  /* it could not be opened, or gave nothing */
} StreamOutcome;

static TftsrHttpRequest *
build_stream (TftsrMcpHttp *http)
{
  TftsrHttpRequest *request = tftsr_http_request_new ("GET", http->client->server->url);

  add_headers (http, request, "text/event-stream");
  if (http->last_event_id != NULL)
    tftsr_http_request_add_header (request, "Last-Event-ID", http->last_event_id);
  tftsr_http_request_set_timeouts (request, TFTSR_HTTP_DEFAULT_CONNECT_TIMEOUT,
                                   STREAM_IDLE_SECONDS);
  /* The listener opens it again itself, resuming where it broke off. */
  tftsr_http_request_set_retries (request, 0, 1);
  return request;
}

static void
log_line (TftsrMcpHttp *http, const char *line)
{
  if (http->client->log != NULL)
    tftsr_mcp_log_append_line (http->client->log, line);
}

/* Where the stream broke off, and the pause its server asked for. */
static void
keep_position (TftsrMcpHttp *http, Post *post, guint *retry_ms)
{
  const char *id = NULL;

  if (post->sse == NULL)
    return;
  if ((id = tftsr_sse_parser_get_last_event_id (post->sse)) != NULL)
    {
      g_free (http->last_event_id);
      http->last_event_id = g_strdup (id);
    }
  *retry_ms = tftsr_sse_parser_get_retry (post->sse);
}

static StreamOutcome
judge (TftsrMcpHttp *http, Post *post, const GError *local)
{
  gboolean opened = post->content_type != NULL &&
                    g_ascii_strncasecmp (post->content_type, "text/event-stream", 17) == 0;

  if (g_cancellable_is_cancelled (http->stopping))
    return STREAM_STOPPED;
  if (post->status == 405)
    return STREAM_REFUSED;
  /* What the server sent was not JSON-RPC: asking again would bring it again. */
  if (g_error_matches (local, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_PROTOCOL) ||
      g_error_matches (local, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_TOO_LARGE))
    return STREAM_FAILED;
  if (post->events > 0 ||
      (opened && g_error_matches (local, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_TIMEOUT)))
    return STREAM_RESUME;
  return STREAM_FAILED;
}

static StreamOutcome
listen_once (TftsrMcpHttp *http, guint *retry_ms, char **reason)
{
  g_autoptr (TftsrHttpRequest) request = build_stream (http);
  g_autoptr (GError) local = NULL;
  Post post = { .http = http, .id = -1 };
  StreamOutcome outcome = STREAM_FAILED;

  /* Its failure is judged from what is left in @post and @local. */
  perform (http, &post, request, http->stopping, &local);
  outcome = judge (http, &post, local);

  keep_position (http, &post, retry_ms);
  *reason = local != NULL ? g_strdup (local->message)
                          : g_strdup (_ ("The stream ended without an event."));
  post_clear (&post);
  return outcome;
}

/* FALSE when stopped meanwhile. */
static gboolean
pause_before_retry (TftsrMcpHttp *http, guint ms)
{
  gint64 until = g_get_monotonic_time () + (gint64) ms * 1000;
  gboolean stopped = FALSE;

  g_mutex_lock (&http->lock);
  while (!http->stopped && g_cond_wait_until (&http->wake, &http->lock, until))
    ;
  stopped = http->stopped;
  g_mutex_unlock (&http->lock);
  return !stopped;
}

static gpointer
listen_thread (gpointer data)
{
  TftsrMcpHttp *http = data;
  guint failures = 0;

  for (;;)
    {
      g_autofree char *reason = NULL;
      guint retry_ms = 0;
      StreamOutcome outcome = listen_once (http, &retry_ms, &reason);
      g_autofree char *line = NULL;

      if (outcome == STREAM_STOPPED)
        break;
      if (outcome == STREAM_REFUSED)
        {
          log_line (http, _ ("The server keeps no event stream of its own (HTTP 405); its "
                             "notifications arrive only with its answers."));
          break;
        }
      failures = outcome == STREAM_FAILED ? failures + 1 : 0;
      g_debug ("MCP server %s: its event stream ended: %s", http->client->server->name, reason);
      if (failures >= STREAM_MAX_FAILURES)
        {
          line = g_strdup_printf (_ ("The server's event stream failed %u times in a row; tftsr "
                                     "stopped listening to it. The last time: %s"),
                                  failures, reason);
          log_line (http, line);
          break;
        }
      /* As this answer's "retry" asked (the server is there to say so), else backing off;
       * the failures stay bounded either way. */
      if (!pause_before_retry (http, retry_ms > 0
                                         ? CLAMP (retry_ms, STREAM_MIN_WAIT_MS, STREAM_MAX_WAIT_MS)
                                         : MIN (1000u << failures, STREAM_MAX_WAIT_MS)))
        break;
    }
  return NULL;
}

void
tftsr_mcp_http_listen (TftsrMcpHttp *http)
{
  g_mutex_lock (&http->lock);
  if (!http->stopped && http->listener == NULL)
    http->listener = g_thread_new ("mcp-stream", listen_thread, http);
  g_mutex_unlock (&http->lock);
}

/* ------------------------------------------------------------------------------------------
 * The end
 */

void
tftsr_mcp_http_stop (TftsrMcpHttp *http)
{
  g_autoptr (TftsrHttpRequest) request = NULL;
  g_autoptr (TftsrHttpResponse) response = NULL;
  GThread *listener = NULL;
  gboolean end = FALSE;

  g_mutex_lock (&http->lock);
  end = !http->stopped && http->session_id != NULL;
  http->stopped = TRUE;
  listener = g_steal_pointer (&http->listener);
  g_cond_broadcast (&http->wake);
  g_mutex_unlock (&http->lock);
  /* The stream goes first: the session must not end under a thread still reading it. */
  g_cancellable_cancel (http->stopping);
  if (listener != NULL)
    g_thread_join (listener);
  if (!end)
    return;
  request = build (http, "DELETE", NULL, 2000);
  /* A server that ends sessions on its own may refuse; nothing to do about it then. */
  response = tftsr_http_perform (request, NULL, NULL, NULL, NULL);
}

void
tftsr_mcp_http_free (TftsrMcpHttp *http)
{
  tftsr_mcp_http_stop (http);
  g_clear_pointer (&http->secrets, tftsr_mcp_resolved_free);
  g_free (http->session_id);
  g_free (http->last_event_id);
  g_object_unref (http->stopping);
  g_cond_clear (&http->wake);
  g_mutex_clear (&http->lock);
  g_free (http);
}
