/* tftsr-mcp-client-private.h: the client's state, shared by the client and its two
 * transports
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tftsr-mcp-private.h"

G_BEGIN_DECLS

typedef struct _TftsrMcpStdio TftsrMcpStdio;
typedef struct _TftsrMcpHttp TftsrMcpHttp;

/* A request waiting for its answer. */
typedef struct
{
  gint64 id;
  gboolean done;
  json_object *result;       /* owned, on success */
  json_object *error_object; /* owned: the JSON-RPC error member, when the server sent one */
  GError *error;             /* on failure */
} TftsrMcpPending;

struct _TftsrMcpClient
{
  GObject parent_instance;

  TftsrStore *store; /* may be NULL */
  TftsrMcpServer *server;
  GMainContext *context; /* where signals are emitted */
  TftsrMcpLog *log;

  GMutex lock; /* everything below, and the transports' shared state */
  GCond cond;  /* broadcast when a pending request is answered or the session ends */
  gint64 next_id;
  GHashTable *pending; /* id → TftsrMcpPending (borrowed from the waiting caller) */
  gboolean connected;
  gboolean closed;
  char *closed_reason; /* why the session ended, when it ended by itself */
  char *protocol_version;
  char *server_name;
  char *server_version;
  char *instructions;
  gboolean has_tools;
  gboolean has_resources;
  GPtrArray *tools; /* TftsrMcpTool, kept until list_changed */
  gboolean tools_stale;

  TftsrMcpStdio *stdio;
  TftsrMcpHttp *http;
};

/* Handles one message from the server (any transport, any thread): answers resolve their
 * pending request, requests are answered, notifications acted on. A line that is not
 * JSON-RPC is returned as an error for the transport to end the session with. @answering is
 * the id of the request whose HTTP answer carries the message (an error with a null id
 * answers it), else -1. */
gboolean tftsr_mcp_client_dispatch (TftsrMcpClient *self, const char *text, gsize len,
                                    gint64 answering, GError **error);
/* Ends the session from a transport: every pending request fails with @error's copy, and
 * "closed" is emitted with its message. */
void tftsr_mcp_client_fail_all (TftsrMcpClient *self, const GError *error);
/* Resolves request @id with a JSON-RPC error object the transport found outside a normal
 * answer (a 4xx body). */
void tftsr_mcp_client_resolve_error (TftsrMcpClient *self, gint64 id, json_object *error_object);
/* Sends an answer to a server's request (from the dispatching thread). */
void tftsr_mcp_client_send_reply (TftsrMcpClient *self, const char *text);

/* stdio (tftsr-mcp-stdio.c) */
TftsrMcpStdio *tftsr_mcp_stdio_start (TftsrMcpClient *client, const TftsrMcpServer *server,
                                      const TftsrMcpResolved *secrets, GError **error);
/* Writes one message and its "\n", waiting at most until @deadline (monotonic µs). */
gboolean tftsr_mcp_stdio_send (TftsrMcpStdio *stdio, const char *text, gint64 deadline,
                               GCancellable *cancellable, GError **error);
GPid tftsr_mcp_stdio_get_pid (TftsrMcpStdio *stdio);
/* Closes stdin, waits, escalates to SIGTERM and SIGKILL, reaps, joins the readers;
 * idempotent. */
void tftsr_mcp_stdio_stop (TftsrMcpStdio *stdio);
void tftsr_mcp_stdio_free (TftsrMcpStdio *stdio);

/* Streamable HTTP (tftsr-mcp-http.c) */
TftsrMcpHttp *tftsr_mcp_http_new (TftsrMcpClient *client, const TftsrMcpServer *server,
                                  TftsrMcpResolved *secrets);
/* POSTs one message and dispatches what the answer carries (JSON or SSE); @id is the
 * request's id, or -1 for a notification or an answer. Bounded by @timeout_ms and
 * @cancellable. */
gboolean tftsr_mcp_http_send (TftsrMcpHttp *http, const char *text, gint64 id, guint timeout_ms,
                              GCancellable *cancellable, GError **error);
/* Opens the server's own stream in a thread of the transport, after initialisation; its
 * events are dispatched like those of an answer. */
void tftsr_mcp_http_listen (TftsrMcpHttp *http);
/* Stops the stream's thread, then ends the session (DELETE with its id); idempotent. */
void tftsr_mcp_http_stop (TftsrMcpHttp *http);
void tftsr_mcp_http_free (TftsrMcpHttp *http);

G_END_DECLS
