/* tftsr-http.c: HTTP requests over libcurl
 *
 * Each perform drives one easy handle through its own multi handle with curl_multi_poll,
 * in the calling thread. The poll is what makes the request responsive: the cancellable's
 * handler wakes it (curl_multi_wakeup is the one curl call safe from another thread), and
 * its timeout is the idle deadline, so neither waits for the next byte to be noticed. The
 * same poll, without a transfer, is the wait between retries. A request with a circuit
 * breaker asks it first and tells it the outcome of the whole perform, retries included.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tftsr-net"

#include <curl/curl.h>
#include <errno.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#include "tftsr-http-private.h"

/* Longest single poll: an upper bound on how late anything not signalled is noticed. */
#define POLL_MAX_MS 1000

G_DEFINE_QUARK (tftsr - net - error - quark, tftsr_net_error)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CURLU, curl_url_cleanup)

typedef struct
{
  char *line; /* "Name: value", or "Name;" for an empty value (libcurl's convention) */
  gboolean secret;
} Header;

struct _TftsrHttpRequest
{
  char *method;
  char *url;
  GArray *headers; /* Header */
  char *content_type;
  GBytes *body;
  guint connect_timeout;
  guint idle_timeout;
  guint total_timeout; /* per attempt; 0: none */
  char *ca_file;
  char *proxy;
  TftsrCircuit *circuit;
  guint max_retries;
  guint max_wait;
  gboolean insecure;
  gboolean not_repeatable;
  gboolean secret_url;
  gboolean warned_insecure;
  gsize max_body;
  TftsrHttpRetryFunc retry_func;
  gpointer retry_data;
  TftsrHttpHeaderFunc header_func;
  gpointer header_data;
};

/* The parts of a URL that may be shown: never the user, password, query or fragment. */
typedef struct
{
  char *host;     /* host, or host:port when the URL names a port: for messages */
  char *redacted; /* scheme://host[:port]/path: for the debug log */
  gboolean https;
} Target;

/* One perform: the handles, and what the callbacks gather during the current attempt. */
typedef struct
{
  TftsrHttpRequest *request;
  Target target;
  CURL *easy;
  CURLM *multi;
  struct curl_slist *headers;
  GCancellable *cancellable;
  gulong cancel_handler;
  TftsrHttpDataFunc data_func;
  gpointer user_data;
  guint attempts;
  gboolean reader_failed; /* the error is @data_func's: its message may quote the body */
  char errbuf[CURL_ERROR_SIZE];

  GByteArray *body;
  gboolean body_capped; /* a non-2xx body went past what is kept */
  GError *callback_error;
  gboolean connected;
  gint64 last_activity; /* monotonic µs of the last byte moved since connecting */
  gint64 started;       /* monotonic µs the attempt began */
  curl_off_t uploaded;
} Transfer;

static void
header_clear (gpointer data)
{
  Header *header = data;

  if (header->secret)
    explicit_bzero (header->line, strlen (header->line));
  g_free (header->line);
}

TftsrHttpRequest *
tftsr_http_request_new (const char *method, const char *url)
{
  TftsrHttpRequest *request;

  g_return_val_if_fail (method != NULL && *method != '\0', NULL);
  g_return_val_if_fail (url != NULL, NULL);

  request = g_new0 (TftsrHttpRequest, 1);
  request->method = g_strdup (method);
  request->url = g_strdup (url);
  request->headers = g_array_new (FALSE, TRUE, sizeof (Header));
  g_array_set_clear_func (request->headers, header_clear);
  request->connect_timeout = TFTSR_HTTP_DEFAULT_CONNECT_TIMEOUT;
  request->idle_timeout = TFTSR_HTTP_DEFAULT_IDLE_TIMEOUT;
  request->max_retries = TFTSR_HTTP_DEFAULT_MAX_RETRIES;
  request->max_wait = TFTSR_HTTP_DEFAULT_MAX_WAIT;
  request->max_body = TFTSR_HTTP_DEFAULT_MAX_BODY;
  return request;
}

void
tftsr_http_request_free (TftsrHttpRequest *request)
{
  if (request == NULL)
    return;
  g_free (request->method);
  g_free (request->url);
  g_array_unref (request->headers);
  g_free (request->content_type);
  g_clear_pointer (&request->body, g_bytes_unref);
  g_free (request->ca_file);
  g_free (request->proxy);
  g_clear_pointer (&request->circuit, tftsr_circuit_unref);
  g_free (request);
}

static void
add_header (TftsrHttpRequest *request, const char *name, const char *value, gboolean secret)
{
  Header header = { NULL, secret };

  g_return_if_fail (request != NULL);
  g_return_if_fail (name != NULL && *name != '\0' && strpbrk (name, "\r\n:") == NULL);
  g_return_if_fail (value != NULL && strpbrk (value, "\r\n") == NULL);

  header.line =
      *value == '\0' ? g_strconcat (name, ";", NULL) : g_strconcat (name, ": ", value, NULL);
  g_array_append_val (request->headers, header);
}

void
tftsr_http_request_add_header (TftsrHttpRequest *request, const char *name, const char *value)
{
  add_header (request, name, value, FALSE);
}

void
tftsr_http_request_add_secret_header (TftsrHttpRequest *request, const char *name,
                                      const char *value)
{
  add_header (request, name, value, TRUE);
}

void
tftsr_http_request_set_body (TftsrHttpRequest *request, const char *content_type, GBytes *body)
{
  g_return_if_fail (request != NULL);
  g_return_if_fail (body != NULL);
  g_return_if_fail (content_type == NULL || strpbrk (content_type, "\r\n") == NULL);

  g_free (request->content_type);
  request->content_type = g_strdup (content_type);
  g_clear_pointer (&request->body, g_bytes_unref);
  request->body = g_bytes_ref (body);
}

void
tftsr_http_request_set_timeouts (TftsrHttpRequest *request, guint connect_seconds,
                                 guint idle_seconds)
{
  g_return_if_fail (request != NULL);
  g_return_if_fail (connect_seconds > 0 && idle_seconds > 0);

  request->connect_timeout = connect_seconds;
  request->idle_timeout = idle_seconds;
}

void
tftsr_http_request_set_total_timeout (TftsrHttpRequest *request, guint total_seconds)
{
  g_return_if_fail (request != NULL);

  request->total_timeout = total_seconds;
}

void
tftsr_http_request_set_ca_file (TftsrHttpRequest *request, const char *path)
{
  g_return_if_fail (request != NULL);

  g_free (request->ca_file);
  request->ca_file = g_strdup (path);
}

void
tftsr_http_request_set_proxy (TftsrHttpRequest *request, const char *proxy)
{
  g_return_if_fail (request != NULL);

  g_free (request->proxy);
  request->proxy = g_strdup (proxy);
}

void
tftsr_http_request_set_circuit (TftsrHttpRequest *request, TftsrCircuit *circuit)
{
  g_return_if_fail (request != NULL);

  g_clear_pointer (&request->circuit, tftsr_circuit_unref);
  request->circuit = circuit != NULL ? tftsr_circuit_ref (circuit) : NULL;
}

void
tftsr_http_request_set_retries (TftsrHttpRequest *request, guint max_retries,
                                guint max_wait_seconds)
{
  g_return_if_fail (request != NULL);

  request->max_retries = max_retries;
  request->max_wait = max_wait_seconds;
}

void
tftsr_http_request_set_insecure (TftsrHttpRequest *request, gboolean insecure)
{
  g_return_if_fail (request != NULL);

  request->insecure = !!insecure;
}

void
tftsr_http_request_set_secret_url (TftsrHttpRequest *request, gboolean secret_url)
{
  g_return_if_fail (request != NULL);

  request->secret_url = !!secret_url;
}

void
tftsr_http_request_set_not_repeatable (TftsrHttpRequest *request, gboolean not_repeatable)
{
  g_return_if_fail (request != NULL);

  request->not_repeatable = !!not_repeatable;
}

void
tftsr_http_request_set_max_body (TftsrHttpRequest *request, gsize max_bytes)
{
  g_return_if_fail (request != NULL);

  request->max_body = max_bytes;
}

void
tftsr_http_request_set_header_func (TftsrHttpRequest *request, TftsrHttpHeaderFunc func,
                                    gpointer user_data)
{
  g_return_if_fail (request != NULL);
  request->header_func = func;
  request->header_data = user_data;
}

void
tftsr_http_request_set_retry_func (TftsrHttpRequest *request, TftsrHttpRetryFunc func,
                                   gpointer user_data)
{
  g_return_if_fail (request != NULL);

  request->retry_func = func;
  request->retry_data = user_data;
}

void
tftsr_http_response_free (TftsrHttpResponse *response)
{
  if (response == NULL)
    return;
  g_free (response->content_type);
  g_clear_pointer (&response->body, g_bytes_unref);
  g_free (response);
}

/* --- Retry-After -------------------------------------------------------------------- */

gboolean
tftsr_http_parse_retry_after (const char *value, gint64 now, guint *seconds)
{
  g_autofree char *text = g_strstrip (g_strdup (value));
  time_t date;

  *seconds = 0;
  if (*text == '\0')
    return FALSE;
  if (text[strspn (text, "0123456789")] == '\0')
    {
      guint64 n = 0;

      for (const char *p = text; *p != '\0' && n < G_MAXUINT; p++)
        n = n * 10 + (guint64) (*p - '0');
      *seconds = (guint) MIN (n, G_MAXUINT);
      return TRUE;
    }
  date = curl_getdate (text, NULL);
  if (date == -1)
    return FALSE;
  *seconds = (guint) CLAMP ((gint64) date - now, 0, (gint64) G_MAXUINT);
  return TRUE;
}

/* --- the URL ------------------------------------------------------------------------- */

static char *
url_part (CURLU *url, CURLUPart what)
{
  char *part = NULL;
  char *copy;

  if (curl_url_get (url, what, &part, 0) != CURLUE_OK)
    return NULL;
  copy = g_strdup (part);
  curl_free (part);
  return copy;
}

static gboolean
target_parse (Target *target, const char *url, gboolean secret, GError **error)
{
  g_autoptr (CURLU) parsed = curl_url ();
  g_autofree char *scheme = NULL;
  g_autofree char *host = NULL;
  g_autofree char *port = NULL;
  g_autofree char *path = NULL;

  if (curl_url_set (parsed, CURLUPART_URL, url, 0) == CURLUE_OK)
    {
      scheme = url_part (parsed, CURLUPART_SCHEME);
      host = url_part (parsed, CURLUPART_HOST);
    }
  if (host == NULL || (g_strcmp0 (scheme, "http") != 0 && g_strcmp0 (scheme, "https") != 0))
    {
      /* What follows "?" may be a key, and a secret URL is a key: never show them. */
      g_autofree char *shown = secret ? g_strdup ("…") : g_strndup (url, strcspn (url, "?#"));
      g_set_error (error, TFTSR_NET_ERROR, TFTSR_NET_ERROR_INVALID_URL,
                   _ ("“%s” is not a web address tftsr can use: it must start with http:// or "
                      "https:// and name a host"),
                   shown);
      return FALSE;
    }
  port = url_part (parsed, CURLUPART_PORT); /* only when the URL names one */
  path = url_part (parsed, CURLUPART_PATH);
  target->host = port != NULL ? g_strdup_printf ("%s:%s", host, port) : g_steal_pointer (&host);
  target->redacted = g_strconcat (scheme, "://", target->host, secret ? "/…" : path, NULL);
  target->https = g_str_equal (scheme, "https");
  return TRUE;
}

/* --- callbacks (in the performing thread, inside curl_multi_perform) ------------------ */

static gboolean
is_success (long status)
{
  return status >= 200 && status <= 299;
}

static size_t
keep_error_body (Transfer *t, const char *data, size_t len)
{
  gsize room = TFTSR_HTTP_ERROR_BODY_MAX - t->body->len;

  g_byte_array_append (t->body, (const guint8 *) data, MIN (room, len));
  if (len <= room)
    return len;
  /* The rest of an error page is not needed: stop reading it. */
  t->body_capped = TRUE;
  return 0;
}

static size_t
on_body (char *data, size_t size, size_t len, void *user_data)
{
  Transfer *t = user_data;
  long status = 0;

  t->last_activity = g_get_monotonic_time ();
  curl_easy_getinfo (t->easy, CURLINFO_RESPONSE_CODE, &status);
  if (!is_success (status))
    return keep_error_body (t, data, len);
  if (t->data_func != NULL)
    {
      t->reader_failed =
          !t->data_func ((const guint8 *) data, len, t->user_data, &t->callback_error);
      return t->reader_failed ? 0 : len;
    }
  if (len > t->request->max_body - t->body->len)
    {
      g_autofree char *cap = g_format_size (t->request->max_body);
      g_set_error (&t->callback_error, TFTSR_NET_ERROR, TFTSR_NET_ERROR_TOO_LARGE,
                   _ ("The reply from %s is larger than %s, the most accepted here"),
                   t->target.host, cap);
      return 0;
    }
  g_byte_array_append (t->body, (const guint8 *) data, len);
  return len;
}

/* Hands "Name: value" lines to the request's header func; the status line, folded lines
 * and the blank line are not headers. */
static void
pass_header (TftsrHttpRequest *request, const char *data, size_t len)
{
  const char *colon = memchr (data, ':', len);
  g_autofree char *name = NULL;
  g_autofree char *value = NULL;

  if (request->header_func == NULL || colon == NULL || colon == data || data[0] == ' ' ||
      data[0] == '\t')
    return;
  name = g_strndup (data, (gsize) (colon - data));
  value = g_strstrip (g_strndup (colon + 1, len - (gsize) (colon - data) - 1));
  request->header_func (name, value, request->header_data);
}

static size_t
on_header (char *data, size_t size, size_t len, void *user_data)
{
  Transfer *t = user_data;

  t->last_activity = g_get_monotonic_time ();
  pass_header (t->request, data, len);
  return len;
}

/* The connection (with its TLS handshake) is up: from here on the idle timeout applies. */
static int
on_connected (void *user_data, char *remote_ip, char *local_ip, int remote_port, int local_port)
{
  Transfer *t = user_data;

  t->connected = TRUE;
  t->last_activity = g_get_monotonic_time ();
  return CURL_PREREQFUNC_OK;
}

/* Sending a large body is activity too, although nothing is received meanwhile. */
static int
on_progress (void *user_data, curl_off_t dl_total, curl_off_t dl_now, curl_off_t ul_total,
             curl_off_t ul_now)
{
  Transfer *t = user_data;

  if (ul_now != t->uploaded)
    {
      t->uploaded = ul_now;
      t->last_activity = g_get_monotonic_time ();
    }
  return 0;
}

static void
on_cancelled (GCancellable *cancellable, gpointer multi)
{
  curl_multi_wakeup (multi);
}

/* --- setting up ---------------------------------------------------------------------- */

static gpointer
global_init (gpointer data)
{
  return GINT_TO_POINTER (curl_global_init (CURL_GLOBAL_DEFAULT) == CURLE_OK);
}

static void
transfer_clear (Transfer *t)
{
  if (t->cancel_handler != 0)
    g_cancellable_disconnect (t->cancellable, t->cancel_handler);
  g_clear_object (&t->cancellable);
  g_clear_pointer (&t->easy, curl_easy_cleanup);
  g_clear_pointer (&t->multi, curl_multi_cleanup);
  /* libcurl's copies of the header lines hold the secret values too. */
  for (struct curl_slist *item = t->headers; item != NULL; item = item->next)
    explicit_bzero (item->data, strlen (item->data));
  g_clear_pointer (&t->headers, curl_slist_free_all);
  g_free (t->target.host);
  g_free (t->target.redacted);
  g_clear_pointer (&t->body, g_byte_array_unref);
  g_clear_error (&t->callback_error);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Transfer, transfer_clear)

static void
set_method_and_body (Transfer *t)
{
  TftsrHttpRequest *request = t->request;
  const char *method = request->method;
  gboolean sends_body = request->body != NULL || g_str_equal (method, "POST") ||
                        g_str_equal (method, "PUT") || g_str_equal (method, "PATCH");

  if (!sends_body)
    {
      if (g_str_equal (method, "GET"))
        curl_easy_setopt (t->easy, CURLOPT_HTTPGET, 1L);
      else if (g_str_equal (method, "HEAD"))
        curl_easy_setopt (t->easy, CURLOPT_NOBODY, 1L);
      else
        curl_easy_setopt (t->easy, CURLOPT_CUSTOMREQUEST, method);
      return;
    }

  /* A POST, PUT or PATCH without a body still says Content-Length: 0, which servers need. */
  curl_easy_setopt (t->easy, CURLOPT_POSTFIELDSIZE_LARGE,
                    (curl_off_t) (request->body != NULL ? g_bytes_get_size (request->body) : 0));
  curl_easy_setopt (t->easy, CURLOPT_POSTFIELDS,
                    request->body != NULL ? g_bytes_get_data (request->body, NULL) : "");
  if (!g_str_equal (method, "POST"))
    curl_easy_setopt (t->easy, CURLOPT_CUSTOMREQUEST, method);
  /* Without a type libcurl would claim a form; "Content-Type:" removes its default. */
  if (request->content_type != NULL)
    {
      g_autofree char *line = g_strconcat ("Content-Type: ", request->content_type, NULL);
      t->headers = curl_slist_append (t->headers, line);
    }
  else
    t->headers = curl_slist_append (t->headers, "Content-Type:");
  /* Expect: 100-continue would cost a round trip, or a second with servers that ignore it. */
  t->headers = curl_slist_append (t->headers, "Expect:");
}

static void
set_options (Transfer *t)
{
  TftsrHttpRequest *request = t->request;
  CURL *easy = t->easy;

  curl_easy_setopt (easy, CURLOPT_URL, request->url);
  curl_easy_setopt (easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt (easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (easy, CURLOPT_USERAGENT, "tftsr/" TFTSR_VERSION);
  curl_easy_setopt (easy, CURLOPT_ERRORBUFFER, t->errbuf);
  curl_easy_setopt (easy, CURLOPT_CONNECTTIMEOUT, (long) request->connect_timeout);
  curl_easy_setopt (easy, CURLOPT_SSL_VERIFYPEER, request->insecure ? 0L : 1L);
  curl_easy_setopt (easy, CURLOPT_SSL_VERIFYHOST, request->insecure ? 0L : 2L);
  curl_easy_setopt (easy, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt (easy, CURLOPT_WRITEDATA, t);
  curl_easy_setopt (easy, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt (easy, CURLOPT_HEADERDATA, t);
  curl_easy_setopt (easy, CURLOPT_PREREQFUNCTION, on_connected);
  curl_easy_setopt (easy, CURLOPT_PREREQDATA, t);
  curl_easy_setopt (easy, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt (easy, CURLOPT_XFERINFODATA, t);
  curl_easy_setopt (easy, CURLOPT_NOPROGRESS, 0L);

  for (guint i = 0; i < request->headers->len; i++)
    t->headers = curl_slist_append (t->headers, g_array_index (request->headers, Header, i).line);
  set_method_and_body (t);
  curl_easy_setopt (easy, CURLOPT_HTTPHEADER, t->headers);
  if (request->ca_file != NULL)
    curl_easy_setopt (easy, CURLOPT_CAINFO, request->ca_file);
  if (request->proxy != NULL)
    curl_easy_setopt (easy, CURLOPT_PROXY, request->proxy);
}

static gboolean
transfer_init (Transfer *t, TftsrHttpRequest *request, GError **error)
{
  static GOnce once = G_ONCE_INIT;

  t->request = request;
  if (!target_parse (&t->target, request->url, request->secret_url, error))
    return FALSE;
  if (!GPOINTER_TO_INT (g_once (&once, global_init, NULL)) ||
      (t->easy = curl_easy_init ()) == NULL || (t->multi = curl_multi_init ()) == NULL)
    {
      g_set_error (error, TFTSR_NET_ERROR, TFTSR_NET_ERROR_FAILED,
                   _ ("Could not contact %s: the network library could not be initialised"),
                   t->target.host);
      return FALSE;
    }
  if (request->insecure && t->target.https && !request->warned_insecure)
    {
      request->warned_insecure = TRUE;
      g_warning ("TLS certificate verification is off for %s: the connection can be "
                 "intercepted",
                 t->target.host);
    }
  set_options (t);
  if (t->cancellable != NULL)
    t->cancel_handler =
        g_cancellable_connect (t->cancellable, G_CALLBACK (on_cancelled), t->multi, NULL);
  return TRUE;
}

/* --- one attempt --------------------------------------------------------------------- */

static void
set_connect_error (Transfer *t, GError **error)
{
  long os_error = 0;
  const char *reason = t->errbuf;

  curl_easy_getinfo (t->easy, CURLINFO_OS_ERRNO, &os_error);
  if (os_error == ECONNREFUSED)
    reason = _ ("connection refused");
  else if (os_error == ENETUNREACH || os_error == EHOSTUNREACH)
    reason = _ ("the network or the host is unreachable");
  g_set_error (error, TFTSR_NET_ERROR, TFTSR_NET_ERROR_CONNECT, _ ("Could not connect to %s: %s"),
               t->target.host, reason);
}

static void
set_transfer_error (Transfer *t, CURLcode code, GError **error)
{
  const char *host = t->target.host;
  const char *detail = t->errbuf[0] != '\0' ? t->errbuf : curl_easy_strerror (code);
  long status = 0;

  switch (code)
    {
    case CURLE_COULDNT_RESOLVE_HOST:
      g_set_error (error, TFTSR_NET_ERROR, TFTSR_NET_ERROR_RESOLVE,
                   _ ("Could not find %s: the host name is unknown, or there is no network"), host);
      break;
    case CURLE_COULDNT_RESOLVE_PROXY:
      g_set_error (error, TFTSR_NET_ERROR, TFTSR_NET_ERROR_RESOLVE,
                   _ ("Could not find the proxy server for %s: %s"), host, detail);
      break;
    case CURLE_COULDNT_CONNECT:
      set_connect_error (t, error);
      break;
    case CURLE_OPERATION_TIMEDOUT: /* only connecting has a libcurl timeout */
      g_set_error (error, TFTSR_NET_ERROR, TFTSR_NET_ERROR_CONNECT,
                   _ ("Could not connect to %s within %u s"), host, t->request->connect_timeout);
      break;
    case CURLE_PEER_FAILED_VERIFICATION:
      g_set_error (error, TFTSR_NET_ERROR, TFTSR_NET_ERROR_TLS,
                   _ ("The certificate of %s could not be verified: %s"), host, detail);
      break;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_USE_SSL_FAILED:
      g_set_error (error, TFTSR_NET_ERROR, TFTSR_NET_ERROR_TLS,
                   _ ("Could not set up a secure connection to %s: %s"), host, detail);
      break;
    case CURLE_GOT_NOTHING:
      g_set_error (error, TFTSR_NET_ERROR, TFTSR_NET_ERROR_FAILED,
                   _ ("%s closed the connection without answering"), host);
      break;
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
      curl_easy_getinfo (t->easy, CURLINFO_RESPONSE_CODE, &status);
      if (status != 0 || code == CURLE_PARTIAL_FILE)
        g_set_error_literal (error, TFTSR_NET_ERROR, TFTSR_NET_ERROR_FAILED,
                             _ ("The connection closed before the reply was complete"));
      else
        g_set_error (error, TFTSR_NET_ERROR, TFTSR_NET_ERROR_FAILED,
                     _ ("The connection to %s was lost: %s"), host, detail);
      break;
    default:
      g_set_error (error, TFTSR_NET_ERROR, TFTSR_NET_ERROR_FAILED,
                   _ ("The request to %s failed: %s"), host, detail);
    }
}

static gboolean
idle_expired (Transfer *t, GError **error)
{
  gint64 idle = (gint64) t->request->idle_timeout * G_USEC_PER_SEC;

  if (!t->connected || g_get_monotonic_time () - t->last_activity < idle)
    return FALSE;
  g_set_error (error, TFTSR_NET_ERROR, TFTSR_NET_ERROR_TIMEOUT, _ ("%s sent nothing for %u s"),
               t->target.host, t->request->idle_timeout);
  return TRUE;
}

static gboolean
total_expired (Transfer *t, GError **error)
{
  guint total = t->request->total_timeout;

  if (total == 0 || g_get_monotonic_time () - t->started < (gint64) total * G_USEC_PER_SEC)
    return FALSE;
  g_set_error (error, TFTSR_NET_ERROR, TFTSR_NET_ERROR_TIMEOUT,
               _ ("%s did not finish answering within %u s"), t->target.host, total);
  return TRUE;
}

static int
poll_timeout_ms (Transfer *t)
{
  gint64 now = g_get_monotonic_time ();
  gint64 left = POLL_MAX_MS * 1000; /* before connecting libcurl shortens it to its own */

  if (t->connected)
    left = t->last_activity + (gint64) t->request->idle_timeout * G_USEC_PER_SEC - now;
  if (t->request->total_timeout > 0)
    left = MIN (left, t->started + (gint64) t->request->total_timeout * G_USEC_PER_SEC - now);
  return (int) CLAMP ((left + 999) / 1000, 1, POLL_MAX_MS);
}

static gboolean
set_multi_error (Transfer *t, CURLMcode code, GError **error)
{
  g_set_error (error, TFTSR_NET_ERROR, TFTSR_NET_ERROR_FAILED, _ ("The request to %s failed: %s"),
               t->target.host, curl_multi_strerror (code));
  return FALSE;
}

/* Runs the easy handle until libcurl is done with it (TRUE, its result in @result), or
 * until cancellation, the idle timeout or a multi error (FALSE). */
static gboolean
drive (Transfer *t, CURLcode *result, GError **error)
{
  CURLMcode code = CURLM_OK;
  int running = 1;
  int left = 0;
  CURLMsg *message;

  while (running > 0)
    {
      if ((code = curl_multi_perform (t->multi, &running)) != CURLM_OK)
        return set_multi_error (t, code, error);
      if (running == 0)
        break;
      if (g_cancellable_set_error_if_cancelled (t->cancellable, error) || idle_expired (t, error) ||
          total_expired (t, error))
        return FALSE;
      if ((code = curl_multi_poll (t->multi, NULL, 0, poll_timeout_ms (t), NULL)) != CURLM_OK)
        return set_multi_error (t, code, error);
    }
  message = curl_multi_info_read (t->multi, &left);
  g_assert (message != NULL && message->msg == CURLMSG_DONE);
  *result = message->data.result;
  return TRUE;
}

static guint
retry_after (Transfer *t)
{
  struct curl_header *header = NULL;
  guint seconds = 0;

  if (curl_easy_header (t->easy, "Retry-After", 0, CURLH_HEADER, -1, &header) == CURLHE_OK)
    tftsr_http_parse_retry_after (header->value, g_get_real_time () / G_USEC_PER_SEC, &seconds);
  return seconds;
}

static TftsrHttpResponse *
response_new (Transfer *t)
{
  TftsrHttpResponse *response = g_new0 (TftsrHttpResponse, 1);
  long status = 0;
  char *content_type = NULL;

  curl_easy_getinfo (t->easy, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_getinfo (t->easy, CURLINFO_CONTENT_TYPE, &content_type);
  response->status = (guint) status;
  response->content_type = g_strdup (content_type);
  response->body = g_byte_array_free_to_bytes (g_steal_pointer (&t->body));
  response->retry_after = retry_after (t);
  response->attempts = t->attempts;
  return response;
}

static TftsrHttpResponse *
attempt (Transfer *t, GError **error)
{
  CURLcode result = CURLE_OK;
  CURLMcode code;
  gboolean done;

  t->attempts++;
  g_clear_pointer (&t->body, g_byte_array_unref);
  t->body = g_byte_array_new ();
  t->body_capped = FALSE;
  t->connected = FALSE;
  t->uploaded = 0;
  t->errbuf[0] = '\0';
  t->started = g_get_monotonic_time ();

  if ((code = curl_multi_add_handle (t->multi, t->easy)) != CURLM_OK)
    {
      set_multi_error (t, code, error);
      return NULL;
    }
  done = drive (t, &result, error);
  curl_multi_remove_handle (t->multi, t->easy);
  if (!done)
    return NULL;
  if (t->callback_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&t->callback_error));
      return NULL;
    }
  if (result != CURLE_OK && !(result == CURLE_WRITE_ERROR && t->body_capped))
    {
      set_transfer_error (t, result, error);
      return NULL;
    }
  return response_new (t);
}

/* --- retries ------------------------------------------------------------------------- */

/* A gateway's 502 or 504 may come after the service acted: only a request that may be
 * repeated is retried on them. */
static gboolean
is_retryable (const TftsrHttpRequest *request, guint status)
{
  if (status == 429 || status == 503)
    return TRUE;
  return !request->not_repeatable && (status == 502 || status == 504);
}

/* 1 s, 2 s, 4 s… up to @max_wait, less up to a quarter at random so that clients which
 * failed together do not all come back at the same moment. */
static guint64
backoff_ms (guint attempt, guint max_wait)
{
  guint64 wait = MIN ((guint64) 1000 << MIN (attempt - 1, 20u), (guint64) max_wait * 1000);

  return wait - (guint64) g_random_int_range (0, (gint32) (wait / 4) + 1);
}

/* Whether @response, the answer to attempt @attempt, is to be retried, and after how long. */
static gboolean
should_retry (TftsrHttpRequest *request, TftsrHttpResponse *response, guint attempt,
              guint64 *wait_ms)
{
  if (!is_retryable (request, response->status) || attempt > request->max_retries)
    return FALSE;
  if (response->retry_after == 0)
    *wait_ms = backoff_ms (attempt, request->max_wait);
  else if (response->retry_after <= request->max_wait)
    *wait_ms = (guint64) response->retry_after * 1000;
  else
    return FALSE;
  return TRUE;
}

/* The poll without a transfer: it returns early when the cancellable wakes it. */
static gboolean
wait_for_retry (Transfer *t, guint64 wait_ms, GError **error)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) wait_ms * 1000;
  gint64 left;
  CURLMcode code;

  while (!g_cancellable_set_error_if_cancelled (t->cancellable, error))
    {
      left = deadline - g_get_monotonic_time ();
      if (left <= 0)
        return TRUE;
      if ((code = curl_multi_poll (t->multi, NULL, 0, (int) MIN ((left + 999) / 1000, POLL_MAX_MS),
                                   NULL)) != CURLM_OK)
        return set_multi_error (t, code, error);
    }
  return FALSE;
}

/* Only 429 and 5xx answers are retried, so no byte of a 2xx body was ever delivered. */
static TftsrHttpResponse *
perform_with_retries (Transfer *t, GError **error)
{
  TftsrHttpRequest *request = t->request;

  for (;;)
    {
      g_autoptr (TftsrHttpResponse) response = attempt (t, error);
      guint64 wait_ms = 0;

      if (response == NULL || !should_retry (request, response, t->attempts, &wait_ms))
        return g_steal_pointer (&response);
      g_debug ("%s %s: %u, retrying in %" G_GUINT64_FORMAT " ms", request->method,
               t->target.redacted, response->status, wait_ms);
      if (request->retry_func != NULL)
        request->retry_func (t->attempts + 1, (guint) ((wait_ms + 999) / 1000), response->status,
                             request->retry_data);
      if (!wait_for_retry (t, wait_ms, error))
        return NULL;
    }
}

/* What the circuit breaker makes of a perform: the service answered, did not, or the
 * caller stopped it. An address that cannot be parsed never reached the service either. */
static TftsrCircuitOutcome
outcome_of (Transfer *t, TftsrHttpResponse *response, const GError *error)
{
  if (response != NULL)
    return response->status >= 500 ? TFTSR_CIRCUIT_FAILURE : TFTSR_CIRCUIT_SUCCESS;
  if (t->reader_failed || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      g_error_matches (error, TFTSR_NET_ERROR, TFTSR_NET_ERROR_INVALID_URL) ||
      g_error_matches (error, TFTSR_NET_ERROR, TFTSR_NET_ERROR_TOO_LARGE))
    return TFTSR_CIRCUIT_NEUTRAL;
  return TFTSR_CIRCUIT_FAILURE;
}

TftsrHttpResponse *
tftsr_http_perform (TftsrHttpRequest *request, TftsrHttpDataFunc data_func, gpointer user_data,
                    GCancellable *cancellable, GError **error)
{
  g_auto (Transfer) t = { 0 };
  g_autoptr (GError) local_error = NULL;
  TftsrHttpResponse *response = NULL;
  gint64 start = g_get_monotonic_time ();
  gboolean probe = FALSE;

  g_return_val_if_fail (request != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  t.data_func = data_func;
  t.user_data = user_data;
  t.cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  if (request->circuit != NULL && !tftsr_circuit_admit (request->circuit, &probe, &local_error))
    {
      g_debug ("%s: not sent, %s", request->method, local_error->message);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (transfer_init (&t, request, &local_error))
    response = perform_with_retries (&t, &local_error);
  if (request->circuit != NULL)
    tftsr_circuit_record (request->circuit, probe, outcome_of (&t, response, local_error));

  if (response != NULL)
    g_debug ("%s %s: %u after %u attempt(s), %" G_GINT64_FORMAT " ms", request->method,
             t.target.redacted, response->status, t.attempts,
             (g_get_monotonic_time () - start) / 1000);
  else
    g_debug ("%s %s failed after %u attempt(s), %" G_GINT64_FORMAT " ms: %s", request->method,
             t.target.redacted != NULL ? t.target.redacted : "(invalid address)", t.attempts,
             (g_get_monotonic_time () - start) / 1000,
             t.reader_failed ? "the reader stopped it" : local_error->message);
  if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return response;
}
