/* tftsr-fake-server.h: a loopback HTTP server for tests (libsoup 3)
 *
 * The server listens on 127.0.0.1 with a port of its own and runs in its own thread with
 * its own GMainContext, so a test may block its thread on a client call. Every request is
 * recorded (for assertions, and for privacy tests that scan all bytes received). Requests
 * are answered by the handler registered for their path (without the query), else 404.
 *
 * Replies can be scripted (TftsrFakeReply): a status, headers, and a body sent in pieces,
 * each piece its own chunk of a chunked response, with a delay between pieces, and an
 * ending: complete, the connection dropped before the last chunk, or a stall forever.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef struct _TftsrFakeServer TftsrFakeServer;

/* What the server received, as received. Immutable; shared between threads. */
typedef struct
{
  char *method;
  char *path;                 /* with the query, if any */
  char *headers;              /* "Name: value\n" per header, in the order received */
  SoupMessageHeaders *fields; /* the same, for lookups */
  GBytes *body;               /* never NULL */
} TftsrFakeRequest;

TftsrFakeRequest *tftsr_fake_request_ref (TftsrFakeRequest *request);
void tftsr_fake_request_unref (TftsrFakeRequest *request);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrFakeRequest, tftsr_fake_request_unref)

/* Runs in the server thread for each request to its path; @body is the request body. It
 * answers through @msg (soup_server_message_set_response(), tftsr_fake_reply_send()…). */
typedef void (*TftsrFakeHandler) (SoupServerMessage *msg, GBytes *body, gpointer user_data);

/* An HTTP server on 127.0.0.1, or an HTTPS one presenting @certificate (with its key). */
TftsrFakeServer *tftsr_fake_server_new (void);
TftsrFakeServer *tftsr_fake_server_new_tls (GTlsCertificate *certificate);
/* Stops the thread and closes every connection, stalled ones included. */
void tftsr_fake_server_free (TftsrFakeServer *server);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrFakeServer, tftsr_fake_server_free)

/* "http://127.0.0.1:PORT" (https for a TLS server) + @path, which may carry a query. */
char *tftsr_fake_server_url (TftsrFakeServer *server, const char *path);
/* Handlers may be added at any time from any thread; a later one for a path replaces it.
 * @user_data must stay valid until the server is freed. */
void tftsr_fake_server_add_handler (TftsrFakeServer *server, const char *path,
                                    TftsrFakeHandler handler, gpointer user_data);
/* A copy of the list of requests received so far (TftsrFakeRequest, oldest first). */
GPtrArray *tftsr_fake_server_dup_requests (TftsrFakeServer *server);
/* How many requests for @path (without the query) were received. */
guint tftsr_fake_server_count_requests (TftsrFakeServer *server, const char *path);

typedef enum
{
  TFTSR_FAKE_END_COMPLETE, /* the final chunk: a whole reply */
  TFTSR_FAKE_END_DROP,     /* the connection closes after the pieces: a truncated reply */
  TFTSR_FAKE_END_STALL,    /* nothing more is sent and the connection stays open */
} TftsrFakeEnd;

typedef struct _TftsrFakeReply TftsrFakeReply;

/* @content_type may be NULL. */
TftsrFakeReply *tftsr_fake_reply_new (guint status, const char *content_type);
TftsrFakeReply *tftsr_fake_reply_ref (TftsrFakeReply *reply);
void tftsr_fake_reply_unref (TftsrFakeReply *reply);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrFakeReply, tftsr_fake_reply_unref)
void tftsr_fake_reply_add_header (TftsrFakeReply *reply, const char *name, const char *value);
/* One piece of the body, sent as a chunk of its own; @len -1 for a C string; never empty. */
void tftsr_fake_reply_add_piece (TftsrFakeReply *reply, const void *data, gssize len);
/* @text (@len -1 for a C string) cut into pieces of @piece_len bytes, wherever that falls. */
void tftsr_fake_reply_add_pieces (TftsrFakeReply *reply, const char *text, gssize len,
                                  gsize piece_len);
/* A pause before each piece after the first. */
void tftsr_fake_reply_set_delay (TftsrFakeReply *reply, guint delay_ms);
void tftsr_fake_reply_set_end (TftsrFakeReply *reply, TftsrFakeEnd end);
/* Plays @reply on @msg; in the server thread, from a handler. A reply may be played any
 * number of times, also at once; do not change it after it was first played. */
void tftsr_fake_reply_send (TftsrFakeReply *reply, SoupServerMessage *msg);

/* Answers the requests to @path with @replies in turn, the last one again once they run
 * out (a NULL-terminated list; the server takes a reference to each). */
void tftsr_fake_server_add_replies (TftsrFakeServer *server, const char *path,
                                    TftsrFakeReply *first, ...) G_GNUC_NULL_TERMINATED;

G_END_DECLS
