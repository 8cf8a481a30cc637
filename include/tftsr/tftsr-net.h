/* tftsr-net.h: the one HTTP client of the core (libcurl)
 *
 * A request is performed in the calling thread, which it blocks: call it from a worker.
 * TLS certificates are verified unless a request is marked insecure (against the system's
 * certificate authorities, or a bundle of the request's own); proxies come from the
 * environment (http_proxy, https_proxy, no_proxy) as libcurl reads them, unless a request
 * names its own; redirects are not
 * followed, so a secret header never travels to a host it was not meant for. Debug output
 * (G_MESSAGES_DEBUG=tftsr-net) names the method, scheme, host and path, the status, the
 * attempts and the time taken: never headers, bodies or query strings.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define TFTSR_NET_ERROR (tftsr_net_error_quark ())
GQuark tftsr_net_error_quark (void);

typedef enum
{
  TFTSR_NET_ERROR_INVALID_URL,
  TFTSR_NET_ERROR_RESOLVE,   /* host name not found */
  TFTSR_NET_ERROR_CONNECT,   /* refused, unreachable, or connect timeout */
  TFTSR_NET_ERROR_TLS,       /* certificate or handshake failure */
  TFTSR_NET_ERROR_TIMEOUT,   /* no byte received for the idle timeout */
  TFTSR_NET_ERROR_TOO_LARGE, /* a buffered reply over its cap */
  TFTSR_NET_ERROR_FAILED,
  TFTSR_NET_ERROR_CIRCUIT_OPEN, /* the service failed too often lately: not asked (TftsrCircuit) */
} TftsrNetError;

/* Defaults of a new request. */
#define TFTSR_HTTP_DEFAULT_CONNECT_TIMEOUT 10 /* seconds */
#define TFTSR_HTTP_DEFAULT_IDLE_TIMEOUT 60    /* seconds */
#define TFTSR_HTTP_DEFAULT_MAX_RETRIES 3
#define TFTSR_HTTP_DEFAULT_MAX_WAIT 60 /* seconds */
#define TFTSR_HTTP_DEFAULT_MAX_BODY (16 * 1024 * 1024)
/* How much of a non-2xx body a response keeps. */
#define TFTSR_HTTP_ERROR_BODY_MAX (64 * 1024)

typedef struct _TftsrHttpRequest TftsrHttpRequest;

/* @method is an HTTP method ("GET", "POST"…); @url an http:// or https:// address (it is
 * checked when the request is performed). */
TftsrHttpRequest *tftsr_http_request_new (const char *method, const char *url);
/* Wipes secret header values before freeing them. */
void tftsr_http_request_free (TftsrHttpRequest *request);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrHttpRequest, tftsr_http_request_free)

/* Header names and values must not contain CR or LF. An empty value sends the header empty. */
void tftsr_http_request_add_header (TftsrHttpRequest *request, const char *name, const char *value);
/* Sent like any header; never logged; its memory is zeroed when the request is freed. */
void tftsr_http_request_add_secret_header (TftsrHttpRequest *request, const char *name,
                                           const char *value);
/* The body to send and its type (@content_type may be NULL: no Content-Type is sent). */
void tftsr_http_request_set_body (TftsrHttpRequest *request, const char *content_type,
                                  GBytes *body);
/* @connect_seconds bounds name resolution, the TCP connection and the TLS handshake;
 * @idle_seconds the time without a byte received (or sent) once connected. Defaults 10 and
 * 60; both must be at least 1. */
void tftsr_http_request_set_timeouts (TftsrHttpRequest *request, guint connect_seconds,
                                      guint idle_seconds);
/* Defaults 3 and 60. A backoff is never longer than @max_wait_seconds. */
void tftsr_http_request_set_retries (TftsrHttpRequest *request, guint max_retries,
                                     guint max_wait_seconds);
/* TLS verification off; default FALSE. Performing such an https request logs a warning
 * naming the host. */
void tftsr_http_request_set_insecure (TftsrHttpRequest *request, gboolean insecure);
/* The URL's path is a secret (a Slack or Teams webhook): debug output and messages name
 * only the scheme and host. Default FALSE. */
void tftsr_http_request_set_secret_url (TftsrHttpRequest *request, gboolean secret_url);
/* A request the service must not act on twice (creating a ticket): it is retried only on
 * 429 and 503, which say it was not acted on, never on a gateway's 502 or 504. Default
 * FALSE. */
void tftsr_http_request_set_not_repeatable (TftsrHttpRequest *request, gboolean not_repeatable);
/* The cap of a buffered 2xx body (no data func); default 16 MiB. */
void tftsr_http_request_set_max_body (TftsrHttpRequest *request, gsize max_bytes);

/* Seconds one attempt may take in all, from connecting to the last byte; 0 (the default): no
 * limit but the idle timeout. */
void tftsr_http_request_set_total_timeout (TftsrHttpRequest *request, guint total_seconds);
/* A PEM file of the certificate authorities to trust instead of the system's (a company's
 * own CA); NULL: the system's. A file that cannot be read fails the request with
 * TFTSR_NET_ERROR_TLS. */
void tftsr_http_request_set_ca_file (TftsrHttpRequest *request, const char *path);
/* The proxy to use ("http://proxy:3128", "socks5h://…"), overriding the environment; "" for
 * none at all; NULL (the default): the environment's. */
void tftsr_http_request_set_proxy (TftsrHttpRequest *request, const char *proxy);

/* A circuit breaker for one service: after @threshold failures in a row (a transport error
 * or a 5xx answer, once its retries are spent; a 4xx answer is the service working) it
 * opens, and requests through it fail at once with TFTSR_NET_ERROR_CIRCUIT_OPEN for
 * @cooldown_seconds. Then it is half-open: one request goes through as a probe (others still
 * fail at once) and its success closes the circuit, its failure opens it again. A cancelled
 * request counts neither way. Thread-safe; @name (the service, for messages) is copied. */
typedef struct _TftsrCircuit TftsrCircuit;

typedef enum
{
  TFTSR_CIRCUIT_CLOSED,
  TFTSR_CIRCUIT_OPEN,
  TFTSR_CIRCUIT_HALF_OPEN,
} TftsrCircuitState;

TftsrCircuit *tftsr_circuit_new (const char *name, guint threshold, guint cooldown_seconds);
TftsrCircuit *tftsr_circuit_ref (TftsrCircuit *circuit);
void tftsr_circuit_unref (TftsrCircuit *circuit);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrCircuit, tftsr_circuit_unref)
TftsrCircuitState tftsr_circuit_get_state (TftsrCircuit *circuit);
/* Requests performed go through @circuit (referenced); NULL: none. */
void tftsr_http_request_set_circuit (TftsrHttpRequest *request, TftsrCircuit *circuit);

/* Told before each wait for a retry (in the performing thread): @attempt is the attempt that
 * will follow the wait (2 for the first retry), @status the answer that caused it. */
typedef void (*TftsrHttpRetryFunc) (guint attempt, guint wait_seconds, guint status,
                                    gpointer user_data);
void tftsr_http_request_set_retry_func (TftsrHttpRequest *request, TftsrHttpRetryFunc func,
                                        gpointer user_data);

/* Told in the performing thread of each header of each answer as it arrives, before its
 * body ("Mcp-Session-Id", "Content-Type"): @name as sent, @value without surrounding
 * white space. */
typedef void (*TftsrHttpHeaderFunc) (const char *name, const char *value, gpointer user_data);
void tftsr_http_request_set_header_func (TftsrHttpRequest *request, TftsrHttpHeaderFunc func,
                                         gpointer user_data);

typedef struct
{
  guint status;
  char *content_type; /* may be NULL */
  GBytes *body;       /* 2xx without a data func: the whole body; non-2xx: at most the first
                       * TFTSR_HTTP_ERROR_BODY_MAX bytes of it; never NULL */
  guint retry_after;  /* seconds the server asked to wait in its last answer (Retry-After:
                       * seconds or HTTP-date), 0 if none */
  guint attempts;     /* 1 + retries made */
} TftsrHttpResponse;

void tftsr_http_response_free (TftsrHttpResponse *response);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrHttpResponse, tftsr_http_response_free)

/* Called in the performing thread with each piece of a 2xx body as it arrives. Return FALSE
 * with @error set to abort the transfer; that error is returned. */
typedef gboolean (*TftsrHttpDataFunc) (const guint8 *data, gsize len, gpointer user_data,
                                       GError **error);

/* Performs @request in the calling thread (a worker: it blocks). Returns the response for any
 * HTTP exchange that completed, whatever the status (callers turn statuses into messages);
 * NULL with @error for transport failures, timeouts, cancellation (G_IO_ERROR_CANCELLED, within
 * ~100 ms of g_cancellable_cancel, also while waiting to retry), a body cut short by the peer
 * (TFTSR_NET_ERROR_FAILED "The connection closed before the reply was complete"), or an error
 * from @data_func. With @data_func, a 2xx body is streamed to it and response->body is empty.
 * 429, 502, 503 and 504 (429 and 503 only for a request not repeatable) are retried up to max_retries times, waiting Retry-After when given
 * (if it exceeds max_wait_seconds: no retry, the response is returned with retry_after set)
 * else exponential backoff 1 s, 2 s, 4 s … with jitter; never after a byte of a 2xx body was
 * delivered. A request may be performed more than once. */
TftsrHttpResponse *tftsr_http_perform (TftsrHttpRequest *request, TftsrHttpDataFunc data_func,
                                       gpointer user_data, GCancellable *cancellable,
                                       GError **error);

G_END_DECLS
