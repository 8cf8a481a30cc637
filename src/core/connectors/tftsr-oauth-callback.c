/* tftsr-oauth-callback.c: the loopback redirect listener of a sign-in and its request parser
 *
 * RFC 8252 native-app redirect: the browser is sent to http://127.0.0.1:PORT/callback with
 * the code. The listener binds the loopback address only (never 0.0.0.0: no other machine
 * may hand us a code), reads at most TFTSR_OAUTH_REQUEST_MAX bytes per connection with a
 * read timeout, and accepts exactly "GET /callback?…" with unique, well-encoded parameters:
 * anything else gets an error page and the listener keeps waiting, so a stray or hostile
 * local request neither ends the sign-in nor reaches the token endpoint. Pages never echo
 * what was received.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>
#include <string.h>

#include "tftsr-oauth-private.h"

#define READ_TIMEOUT 10 /* seconds a connection may take to send its request */

void
tftsr_oauth_redirect_free (TftsrOAuthRedirect *redirect)
{
  if (redirect == NULL)
    return;
  tftsr_secret_free (redirect->code);
  g_free (redirect->state);
  g_free (redirect->error);
  g_free (redirect->error_description);
  g_free (redirect);
}

static int
hex_digit (char c)
{
  return g_ascii_isxdigit (c) ? g_ascii_xdigit_value (c) : -1;
}

/* @text (@len bytes) percent-decoded, '+' as a space; NULL unless every decoded byte is
 * printable ASCII, which is all OAuth parameters may hold (RFC 6749 appendix A). */
static char *
decode (const char *text, gsize len)
{
  char *out = g_malloc (len + 1);
  gsize n = 0;

  for (gsize i = 0; i < len; i++)
    {
      int c = (guchar) text[i];

      if (c == '%')
        {
          int hi = i + 2 < len ? hex_digit (text[i + 1]) : -1;
          int lo = hi >= 0 ? hex_digit (text[i + 2]) : -1;

          if (lo < 0)
            goto bad;
          c = hi << 4 | lo;
          i += 2;
        }
      else if (c == '+')
        c = ' ';
      if (c < 0x20 || c > 0x7e)
        goto bad;
      out[n++] = (char) c;
    }
  out[n] = '\0';
  return out;
bad:
  explicit_bzero (out, len + 1);
  g_free (out);
  return NULL;
}

/* The field of @redirect that parameter @name fills, or NULL for a parameter we ignore
 * (iss, session_state…). */
static char **
field_of (TftsrOAuthRedirect *redirect, const char *name)
{
  if (g_str_equal (name, "code"))
    return &redirect->code;
  if (g_str_equal (name, "state"))
    return &redirect->state;
  if (g_str_equal (name, "error"))
    return &redirect->error;
  if (g_str_equal (name, "error_description"))
    return &redirect->error_description;
  return NULL;
}

/* One "name=value" of @len bytes; a repeated parameter is refused, so no one can smuggle a
 * second code or state past the first. */
static gboolean
parse_param (TftsrOAuthRedirect *redirect, const char *param, gsize len)
{
  const char *eq = memchr (param, '=', len);
  g_autofree char *name = eq != NULL && eq > param ? decode (param, eq - param) : NULL;
  char **field = name != NULL ? field_of (redirect, name) : NULL;
  char *value;

  if (name == NULL || (value = decode (eq + 1, len - (eq + 1 - param))) == NULL)
    return FALSE;
  if (field == NULL || *field != NULL)
    {
      tftsr_secret_free (value);
      return field == NULL;
    }
  *field = value;
  return TRUE;
}

static TftsrOAuthRedirect *
parse_query (const char *query, gsize len)
{
  g_autoptr (TftsrOAuthRedirect) redirect = g_new0 (TftsrOAuthRedirect, 1);
  const char *end = query + len;

  for (const char *p = query; p < end;)
    {
      const char *amp = memchr (p, '&', end - p);
      const char *stop = amp != NULL ? amp : end;

      if (stop == p || !parse_param (redirect, p, stop - p))
        return NULL;
      p = amp != NULL ? amp + 1 : end;
    }
  /* Exactly one outcome: a non-empty code, or an error. */
  if ((redirect->code != NULL) == (redirect->error != NULL) ||
      (redirect->code != NULL && *redirect->code == '\0') ||
      (redirect->error != NULL && *redirect->error == '\0'))
    return NULL;
  return g_steal_pointer (&redirect);
}

/* "GET TARGET HTTP/1.x" in @line (@len bytes): the target, visible ASCII only. */
static const char *
request_target (const char *line, gsize len, gsize *target_len)
{
  const char *target = line + 4, *space;

  if (len < 4 || memcmp (line, "GET ", 4) != 0 || (space = memchr (target, ' ', len - 4)) == NULL ||
      space == target || line + len - space != 9 ||
      (memcmp (space, " HTTP/1.1", 9) != 0 && memcmp (space, " HTTP/1.0", 9) != 0))
    return NULL;
  for (const char *p = target; p < space; p++)
    if (*p < 0x21 || *p > 0x7e)
      return NULL;
  *target_len = space - target;
  return target;
}

TftsrOAuthRequestKind
tftsr_oauth_parse_request (const char *data, gsize len, TftsrOAuthRedirect **redirect)
{
  static const gsize path_len = sizeof TFTSR_OAUTH_CALLBACK_PATH - 1;
  const char *head_end;
  const char *target;
  gsize target_len = 0;

  g_return_val_if_fail (redirect != NULL, TFTSR_OAUTH_REQUEST_BAD);
  *redirect = NULL;

  if (len == 0)
    return TFTSR_OAUTH_REQUEST_INCOMPLETE;
  head_end = g_strstr_len (data, MIN (len, TFTSR_OAUTH_REQUEST_MAX), "\r\n\r\n");
  /* g_strstr_len stops at a NUL byte: a request holding one is refused below or never
   * completes within the cap. */
  if (head_end == NULL)
    return len >= TFTSR_OAUTH_REQUEST_MAX || memchr (data, '\0', len) != NULL
               ? TFTSR_OAUTH_REQUEST_BAD
               : TFTSR_OAUTH_REQUEST_INCOMPLETE;
  target =
      request_target (data, g_strstr_len (data, head_end + 2 - data, "\r\n") - data, &target_len);
  if (target == NULL || target[0] != '/')
    return TFTSR_OAUTH_REQUEST_BAD;
  if (target_len < path_len || memcmp (target, TFTSR_OAUTH_CALLBACK_PATH, path_len) != 0 ||
      (target_len > path_len && target[path_len] != '?'))
    return TFTSR_OAUTH_REQUEST_NOT_FOUND;
  if (target_len <= path_len + 1 ||
      (*redirect = parse_query (target + path_len + 1, target_len - path_len - 1)) == NULL)
    return TFTSR_OAUTH_REQUEST_BAD;
  return TFTSR_OAUTH_REQUEST_REDIRECT;
}

struct _TftsrOAuthListener
{
  GSocketService *service;
  GCancellable *cancellable; /* cancelled when the listener goes: connections drop */
  guint16 port;
  TftsrOAuthRedirectFunc func;
  gpointer user_data;
  gboolean delivered;
};

typedef struct
{
  TftsrOAuthListener *listener; /* valid while cancellable is not cancelled */
  GCancellable *cancellable;
  GSocketConnection *connection;
  char buffer[TFTSR_OAUTH_REQUEST_MAX];
  gsize len;
  char *reply;
} Client;

static void
client_free (Client *client)
{
  /* The buffer may hold an authorization code. */
  explicit_bzero (client->buffer, client->len);
  g_object_unref (client->cancellable);
  g_object_unref (client->connection);
  g_free (client->reply);
  g_free (client);
}

static char *
page (guint status, const char *reason, const char *text)
{
  g_autofree char *body = g_strdup_printf (
      "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>tftsr</title></head>"
      "<body><p>%s</p></body></html>\n",
      text);

  return g_strdup_printf ("HTTP/1.1 %u %s\r\n"
                          "Content-Type: text/html; charset=utf-8\r\n"
                          "Content-Length: %zu\r\n"
                          "Cache-Control: no-store\r\n"
                          "Referrer-Policy: no-referrer\r\n"
                          "Connection: close\r\n\r\n%s",
                          status, reason, strlen (body), body);
}

/* The page for @kind; a redirect is handed on (once) and its page says whether the sign-in
 * goes on. */
static char *
reply_for (Client *client, TftsrOAuthRequestKind kind, TftsrOAuthRedirect *redirect)
{
  TftsrOAuthListener *listener = client->listener;

  if (kind == TFTSR_OAUTH_REQUEST_NOT_FOUND)
    return page (404, "Not Found", _ ("There is nothing here."));
  if (kind != TFTSR_OAUTH_REQUEST_REDIRECT)
    return page (400, "Bad Request", _ ("This is not a sign-in reply."));
  if (listener->delivered)
    {
      tftsr_oauth_redirect_free (redirect);
      return page (400, "Bad Request", _ ("No sign-in is waiting for this reply."));
    }
  listener->delivered = TRUE;
  if (listener->func (redirect, listener->user_data))
    return page (200, "OK", _ ("Signed in. You can close this tab and return to tftsr."));
  return page (400, "Bad Request",
               _ ("The sign-in did not complete: tftsr says why. You can close this tab."));
}

static void
on_written (GObject *stream, GAsyncResult *result, gpointer data)
{
  g_output_stream_write_all_finish (G_OUTPUT_STREAM (stream), result, NULL, NULL);
  client_free (data);
}

static void read_more (Client *client);

static void
on_read (GObject *stream, GAsyncResult *result, gpointer data)
{
  Client *client = data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (stream), result, NULL);
  TftsrOAuthRedirect *redirect = NULL;
  TftsrOAuthRequestKind kind;
  GOutputStream *out;

  if (n <= 0 || g_cancellable_is_cancelled (client->cancellable))
    {
      client_free (client);
      return;
    }
  client->len += n;
  kind = tftsr_oauth_parse_request (client->buffer, client->len, &redirect);
  if (kind == TFTSR_OAUTH_REQUEST_INCOMPLETE)
    {
      read_more (client);
      return;
    }
  client->reply = reply_for (client, kind, redirect);
  out = g_io_stream_get_output_stream (G_IO_STREAM (client->connection));
  /* Not cancelled with the listener: the browser still gets its page when the sign-in ends
   * at this very redirect (the socket's timeout bounds the write). */
  g_output_stream_write_all_async (out, client->reply, strlen (client->reply), G_PRIORITY_DEFAULT,
                                   NULL, on_written, client);
}

static void
read_more (Client *client)
{
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (client->connection));

  g_input_stream_read_async (in, client->buffer + client->len, sizeof client->buffer - client->len,
                             G_PRIORITY_DEFAULT, client->cancellable, on_read, client);
}

static gboolean
on_incoming (GSocketService *service, GSocketConnection *connection, GObject *source, gpointer data)
{
  TftsrOAuthListener *listener = data;
  Client *client = g_new0 (Client, 1);

  client->listener = listener;
  client->cancellable = g_object_ref (listener->cancellable);
  client->connection = g_object_ref (connection);
  /* A connection that sends nothing is dropped rather than kept for the whole sign-in. */
  g_socket_set_timeout (g_socket_connection_get_socket (connection), READ_TIMEOUT);
  read_more (client);
  return TRUE;
}

TftsrOAuthListener *
tftsr_oauth_listener_new (guint16 port, GError **error)
{
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) address = g_inet_socket_address_new (loopback, port);
  g_autoptr (GSocketAddress) bound = NULL;
  g_autoptr (GError) local_error = NULL;
  TftsrOAuthListener *listener = g_new0 (TftsrOAuthListener, 1);

  /* Not active yet: accepting starts in the main context of whoever runs the sign-in. */
  listener->service = g_object_new (G_TYPE_SOCKET_SERVICE, "active", FALSE, NULL);
  listener->cancellable = g_cancellable_new ();
  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (listener->service), address,
                                      G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL, &bound,
                                      &local_error))
    {
      g_set_error (error, TFTSR_OAUTH_ERROR, TFTSR_OAUTH_ERROR_LISTEN,
                   _ ("Could not listen on 127.0.0.1 port %u for the sign-in (%s): close what "
                      "uses it or choose another port"),
                   port, local_error->message);
      tftsr_oauth_listener_free (listener);
      return NULL;
    }
  listener->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  return listener;
}

guint16
tftsr_oauth_listener_get_port (TftsrOAuthListener *listener)
{
  return listener->port;
}

void
tftsr_oauth_listener_start (TftsrOAuthListener *listener, TftsrOAuthRedirectFunc func,
                            gpointer user_data)
{
  g_assert (listener->func == NULL);
  listener->func = func;
  listener->user_data = user_data;
  g_signal_connect (listener->service, "incoming", G_CALLBACK (on_incoming), listener);
  g_socket_service_start (listener->service);
}

void
tftsr_oauth_listener_free (TftsrOAuthListener *listener)
{
  if (listener == NULL)
    return;
  g_cancellable_cancel (listener->cancellable);
  g_signal_handlers_disconnect_by_data (listener->service, listener);
  g_socket_service_stop (listener->service);
  g_socket_listener_close (G_SOCKET_LISTENER (listener->service));
  g_object_unref (listener->service);
  g_object_unref (listener->cancellable);
  g_free (listener);
}
