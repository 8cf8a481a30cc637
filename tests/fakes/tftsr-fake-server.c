/* tftsr-fake-server.c: a loopback HTTP server for tests, in a thread of its own
 *
 * Everything that touches libsoup happens in the server thread. The test thread only
 * reaches the handler table and the request log, both behind the lock, and quits the
 * thread's main loop when it frees the server.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "tftsr-fake-server.h"

typedef struct
{
  TftsrFakeHandler func;
  gpointer user_data;
  GDestroyNotify destroy;
} Handler;

struct _TftsrFakeServer
{
  GMutex lock;
  GCond started;
  char *base;           /* scheme://127.0.0.1:port, set by the thread once it listens */
  GHashTable *handlers; /* path → Handler (reference counted: one may be running) */
  GPtrArray *requests;  /* TftsrFakeRequest */

  GTlsCertificate *certificate;
  GMainContext *context;
  GMainLoop *loop;
  GThread *thread;
};

struct _TftsrFakeReply
{
  guint status;
  char *content_type;
  GPtrArray *headers; /* name, value, name, value… */
  GPtrArray *pieces;  /* GBytes */
  guint delay_ms;
  TftsrFakeEnd end;
};

/* One playing of a reply, attached to its message (and freed with it). */
typedef struct
{
  TftsrFakeReply *reply;
  SoupServerMessage *msg;
  GMainContext *context;
  GSource *source; /* the next step, when one is scheduled */
  guint next;      /* the next piece to send */
  gboolean ended;
} Play;

/* The state of tftsr_fake_server_add_replies(); used in the server thread only. */
typedef struct
{
  GPtrArray *replies;
  guint next;
} Sequence;

/* --- recorded requests ------------------------------------------------------------- */

static void
request_clear (TftsrFakeRequest *request)
{
  g_free (request->method);
  g_free (request->path);
  g_free (request->headers);
  soup_message_headers_unref (request->fields);
  g_bytes_unref (request->body);
}

TftsrFakeRequest *
tftsr_fake_request_ref (TftsrFakeRequest *request)
{
  return g_atomic_rc_box_acquire (request);
}

void
tftsr_fake_request_unref (TftsrFakeRequest *request)
{
  g_atomic_rc_box_release_full (request, (GDestroyNotify) request_clear);
}

static TftsrFakeRequest *
request_record (SoupServerMessage *msg)
{
  TftsrFakeRequest *request = g_atomic_rc_box_new0 (TftsrFakeRequest);
  GUri *uri = soup_server_message_get_uri (msg);
  SoupMessageHeadersIter iter;
  const char *name, *value;
  GString *text = g_string_new (NULL);

  request->method = g_strdup (soup_server_message_get_method (msg));
  request->path = g_uri_get_query (uri) != NULL
                      ? g_strconcat (g_uri_get_path (uri), "?", g_uri_get_query (uri), NULL)
                      : g_strdup (g_uri_get_path (uri));
  /* A copy, so that the record never shares state with the message. */
  request->fields = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  soup_message_headers_iter_init (&iter, soup_server_message_get_request_headers (msg));
  while (soup_message_headers_iter_next (&iter, &name, &value))
    {
      g_string_append_printf (text, "%s: %s\n", name, value);
      soup_message_headers_append (request->fields, name, value);
    }
  request->headers = g_string_free (text, FALSE);
  request->body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  return request;
}

/* --- handlers ---------------------------------------------------------------------- */

static void
handler_clear (Handler *handler)
{
  if (handler->destroy != NULL)
    handler->destroy (handler->user_data);
}

static void
handler_unref (Handler *handler)
{
  g_atomic_rc_box_release_full (handler, (GDestroyNotify) handler_clear);
}

static void
add_handler_full (TftsrFakeServer *server, const char *path, TftsrFakeHandler func,
                  gpointer user_data, GDestroyNotify destroy)
{
  Handler *handler = g_atomic_rc_box_new0 (Handler);

  handler->func = func;
  handler->user_data = user_data;
  handler->destroy = destroy;
  g_mutex_lock (&server->lock);
  g_hash_table_replace (server->handlers, g_strdup (path), handler);
  g_mutex_unlock (&server->lock);
}

void
tftsr_fake_server_add_handler (TftsrFakeServer *server, const char *path, TftsrFakeHandler handler,
                               gpointer user_data)
{
  g_return_if_fail (server != NULL && path != NULL && handler != NULL);

  add_handler_full (server, path, handler, user_data, NULL);
}

static void
dispatch (SoupServer *soup, SoupServerMessage *msg, const char *path, GHashTable *query,
          gpointer user_data)
{
  TftsrFakeServer *server = user_data;
  g_autoptr (TftsrFakeRequest) request = request_record (msg);
  Handler *handler;

  g_mutex_lock (&server->lock);
  g_ptr_array_add (server->requests, tftsr_fake_request_ref (request));
  handler =
      g_hash_table_lookup (server->handlers, g_uri_get_path (soup_server_message_get_uri (msg)));
  if (handler != NULL)
    g_atomic_rc_box_acquire (handler);
  g_mutex_unlock (&server->lock);

  if (handler == NULL)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      return;
    }
  handler->func (msg, request->body, handler->user_data);
  handler_unref (handler);
}

/* --- the server thread --------------------------------------------------------------- */

static gpointer
server_thread (gpointer data)
{
  TftsrFakeServer *server = data;
  g_autoptr (SoupServer) soup = NULL;
  g_autoptr (GError) error = NULL;
  GSList *uris;
  guint port;

  g_main_context_push_thread_default (server->context);
  soup = soup_server_new ("tls-certificate", server->certificate, NULL);
  soup_server_add_handler (soup, NULL, dispatch, server, NULL);
  soup_server_listen_local (soup, 0,
                            SOUP_SERVER_LISTEN_IPV4_ONLY |
                                (server->certificate != NULL ? SOUP_SERVER_LISTEN_HTTPS : 0),
                            &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (soup);
  port = (guint) g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  g_mutex_lock (&server->lock);
  server->base =
      g_strdup_printf ("%s://127.0.0.1:%u", server->certificate != NULL ? "https" : "http", port);
  g_cond_signal (&server->started);
  g_mutex_unlock (&server->lock);

  g_main_loop_run (server->loop);

  /* Closing the connections finalises their messages, stalled ones included. */
  soup_server_disconnect (soup);
  g_clear_object (&soup);
  while (g_main_context_iteration (server->context, FALSE))
    ;
  g_main_context_pop_thread_default (server->context);
  return NULL;
}

TftsrFakeServer *
tftsr_fake_server_new_tls (GTlsCertificate *certificate)
{
  TftsrFakeServer *server = g_new0 (TftsrFakeServer, 1);

  g_mutex_init (&server->lock);
  g_cond_init (&server->started);
  server->handlers =
      g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) handler_unref);
  server->requests = g_ptr_array_new_with_free_func ((GDestroyNotify) tftsr_fake_request_unref);
  server->certificate = certificate != NULL ? g_object_ref (certificate) : NULL;
  server->context = g_main_context_new ();
  server->loop = g_main_loop_new (server->context, FALSE);
  server->thread = g_thread_new ("fake-server", server_thread, server);

  g_mutex_lock (&server->lock);
  while (server->base == NULL)
    g_cond_wait (&server->started, &server->lock);
  g_mutex_unlock (&server->lock);
  return server;
}

TftsrFakeServer *
tftsr_fake_server_new (void)
{
  return tftsr_fake_server_new_tls (NULL);
}

static gboolean
quit_loop (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

void
tftsr_fake_server_free (TftsrFakeServer *server)
{
  if (server == NULL)
    return;
  /* A source rather than a direct quit: the thread may not be running its loop yet. */
  g_main_context_invoke (server->context, quit_loop, server->loop);
  g_thread_join (server->thread);
  g_main_loop_unref (server->loop);
  g_main_context_unref (server->context);
  g_clear_object (&server->certificate);
  g_hash_table_unref (server->handlers);
  g_ptr_array_unref (server->requests);
  g_free (server->base);
  g_cond_clear (&server->started);
  g_mutex_clear (&server->lock);
  g_free (server);
}

char *
tftsr_fake_server_url (TftsrFakeServer *server, const char *path)
{
  g_return_val_if_fail (server != NULL && path != NULL, NULL);

  return g_strconcat (server->base, path, NULL);
}

GPtrArray *
tftsr_fake_server_dup_requests (TftsrFakeServer *server)
{
  GPtrArray *copy = g_ptr_array_new_with_free_func ((GDestroyNotify) tftsr_fake_request_unref);

  g_mutex_lock (&server->lock);
  for (guint i = 0; i < server->requests->len; i++)
    g_ptr_array_add (copy, tftsr_fake_request_ref (g_ptr_array_index (server->requests, i)));
  g_mutex_unlock (&server->lock);
  return copy;
}

guint
tftsr_fake_server_count_requests (TftsrFakeServer *server, const char *path)
{
  g_autoptr (GPtrArray) requests = tftsr_fake_server_dup_requests (server);
  guint count = 0;

  for (guint i = 0; i < requests->len; i++)
    {
      TftsrFakeRequest *request = g_ptr_array_index (requests, i);
      gsize length = strcspn (request->path, "?");

      if (strlen (path) == length && strncmp (request->path, path, length) == 0)
        count++;
    }
  return count;
}

/* --- scripted replies ---------------------------------------------------------------- */

static void
reply_clear (TftsrFakeReply *reply)
{
  g_free (reply->content_type);
  g_ptr_array_unref (reply->headers);
  g_ptr_array_unref (reply->pieces);
}

TftsrFakeReply *
tftsr_fake_reply_new (guint status, const char *content_type)
{
  TftsrFakeReply *reply = g_atomic_rc_box_new0 (TftsrFakeReply);

  reply->status = status;
  reply->content_type = g_strdup (content_type);
  reply->headers = g_ptr_array_new_with_free_func (g_free);
  reply->pieces = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  return reply;
}

TftsrFakeReply *
tftsr_fake_reply_ref (TftsrFakeReply *reply)
{
  return g_atomic_rc_box_acquire (reply);
}

void
tftsr_fake_reply_unref (TftsrFakeReply *reply)
{
  g_atomic_rc_box_release_full (reply, (GDestroyNotify) reply_clear);
}

void
tftsr_fake_reply_add_header (TftsrFakeReply *reply, const char *name, const char *value)
{
  g_ptr_array_add (reply->headers, g_strdup (name));
  g_ptr_array_add (reply->headers, g_strdup (value));
}

void
tftsr_fake_reply_add_piece (TftsrFakeReply *reply, const void *data, gssize len)
{
  gsize size = len < 0 ? strlen (data) : (gsize) len;

  /* An empty chunk would be the end of the body. */
  g_return_if_fail (size > 0);
  g_ptr_array_add (reply->pieces, g_bytes_new (data, size));
}

void
tftsr_fake_reply_add_pieces (TftsrFakeReply *reply, const char *text, gssize len, gsize piece_len)
{
  gsize size = len < 0 ? strlen (text) : (gsize) len;

  g_return_if_fail (piece_len > 0);
  for (gsize offset = 0; offset < size; offset += piece_len)
    tftsr_fake_reply_add_piece (reply, text + offset, (gssize) MIN (piece_len, size - offset));
}

void
tftsr_fake_reply_set_delay (TftsrFakeReply *reply, guint delay_ms)
{
  reply->delay_ms = delay_ms;
}

void
tftsr_fake_reply_set_end (TftsrFakeReply *reply, TftsrFakeEnd end)
{
  reply->end = end;
}

static void
play_free (Play *play)
{
  if (play->source != NULL)
    {
      g_source_destroy (play->source);
      g_source_unref (play->source);
    }
  g_main_context_unref (play->context);
  tftsr_fake_reply_unref (play->reply);
  g_free (play);
}

/* Closes the connection under the message, which libsoup then forgets. The socket is shut
 * down first: letting go of the message's body stream would otherwise write the final chunk. */
static void
play_drop (Play *play)
{
  g_autoptr (SoupServerMessage) msg = g_object_ref (play->msg); /* play may go with it */
  g_autoptr (GIOStream) stream = NULL;

  /* The steal looks these up; once the peer is gone they cannot be (and libsoup warns). */
  soup_server_message_get_remote_address (msg);
  soup_server_message_get_local_address (msg);
  g_socket_shutdown (soup_server_message_get_socket (msg), TRUE, TRUE, NULL);
  stream = soup_server_message_steal_connection (msg);
  g_io_stream_close (stream, NULL, NULL);
}

static gboolean
play_step (gpointer data)
{
  Play *play = data;
  TftsrFakeReply *reply = play->reply;
  SoupMessageBody *body = soup_server_message_get_response_body (play->msg);

  g_clear_pointer (&play->source, g_source_unref); /* this source ends by returning */
  if (play->next < reply->pieces->len)
    {
      soup_message_body_append_bytes (body, g_ptr_array_index (reply->pieces, play->next++));
      soup_server_message_unpause (play->msg);
      return G_SOURCE_REMOVE;
    }
  play->ended = TRUE;
  switch (reply->end)
    {
    case TFTSR_FAKE_END_COMPLETE:
      soup_message_body_complete (body);
      soup_server_message_unpause (play->msg);
      break;
    case TFTSR_FAKE_END_DROP:
      play_drop (play);
      break;
    case TFTSR_FAKE_END_STALL:
      break;
    }
  return G_SOURCE_REMOVE;
}

/* After the headers and after each chunk were written: the next step, in a source of its
 * own because libsoup is in the middle of writing when it tells us. */
static void
play_schedule (Play *play)
{
  gboolean between_pieces = play->next > 0 && play->next < play->reply->pieces->len;

  if (play->ended || play->source != NULL)
    return;
  play->source = between_pieces && play->reply->delay_ms > 0
                     ? g_timeout_source_new (play->reply->delay_ms)
                     : g_idle_source_new ();
  g_source_set_callback (play->source, play_step, play, NULL);
  g_source_attach (play->source, play->context);
}

void
tftsr_fake_reply_send (TftsrFakeReply *reply, SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  Play *play = g_new0 (Play, 1);

  soup_server_message_set_status (msg, reply->status, NULL);
  soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
  if (reply->content_type != NULL)
    soup_message_headers_set_content_type (headers, reply->content_type, NULL);
  for (guint i = 0; i + 1 < reply->headers->len; i += 2)
    soup_message_headers_append (headers, g_ptr_array_index (reply->headers, i),
                                 g_ptr_array_index (reply->headers, i + 1));

  play->reply = tftsr_fake_reply_ref (reply);
  play->msg = msg;
  play->context = g_main_context_ref_thread_default ();
  g_object_set_data_full (G_OBJECT (msg), "tftsr-fake-play", play, (GDestroyNotify) play_free);
  g_signal_connect_swapped (msg, "wrote-headers", G_CALLBACK (play_schedule), play);
  g_signal_connect_swapped (msg, "wrote-chunk", G_CALLBACK (play_schedule), play);
}

static void
sequence_free (Sequence *sequence)
{
  g_ptr_array_unref (sequence->replies);
  g_free (sequence);
}

static void
play_sequence (SoupServerMessage *msg, GBytes *body, gpointer user_data)
{
  Sequence *sequence = user_data;
  guint index = MIN (sequence->next, sequence->replies->len - 1);

  sequence->next = index + 1;
  tftsr_fake_reply_send (g_ptr_array_index (sequence->replies, index), msg);
}

void
tftsr_fake_server_add_replies (TftsrFakeServer *server, const char *path, TftsrFakeReply *first,
                               ...)
{
  Sequence *sequence;
  va_list args;

  g_return_if_fail (server != NULL && path != NULL && first != NULL);

  sequence = g_new0 (Sequence, 1);
  sequence->replies = g_ptr_array_new_with_free_func ((GDestroyNotify) tftsr_fake_reply_unref);
  va_start (args, first);
  for (TftsrFakeReply *reply = first; reply != NULL; reply = va_arg (args, TftsrFakeReply *))
    g_ptr_array_add (sequence->replies, tftsr_fake_reply_ref (reply));
  va_end (args);
  add_handler_full (server, path, play_sequence, sequence, (GDestroyNotify) sequence_free);
}
