/* tftsr-connector-notify.c: what the webhook, Slack and Teams connectors share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "tftsr-connector-notify-private.h"

gboolean
tftsr_connector_check_notify_url (const char *url, const char *what, GError **error)
{
  g_autoptr (GUri) uri = url != NULL ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;
  const char *scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  const char *host = uri != NULL ? g_uri_get_host (uri) : NULL;

  if (scheme == NULL || host == NULL || *host == '\0' ||
      (g_ascii_strcasecmp (scheme, "https") != 0 && g_ascii_strcasecmp (scheme, "http") != 0))
    {
      g_set_error (error, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_INVALID,
                   _ ("The %s is not an http or https address"), what);
      return FALSE;
    }
  /* Incident data must not cross a network in the clear; a receiver on this machine (a
   * relay, a test) has no network to cross. */
  if (g_ascii_strcasecmp (scheme, "http") == 0 && !tftsr_connector_url_is_loopback (host))
    {
      g_set_error (error, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_INVALID,
                   _ ("The %s must be an https address (http is allowed only to this "
                      "machine)"),
                   what);
      return FALSE;
    }
  if (g_uri_get_userinfo (uri) != NULL)
    {
      g_set_error (error, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_INVALID,
                   _ ("The %s must not carry a user name or password"), what);
      return FALSE;
    }
  return TRUE;
}

/* Headers a webhook's options may not set: the connection's own (RFC 9110 §7.6.1), the
 * ones that frame the body, and the ones this connector writes itself. */
static const char *const reserved_headers[] = {
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "host",
  "content-length",
  "content-type",
  "x-tftsr-signature",
  NULL,
};

static gboolean
is_token (const char *name)
{
  if (*name == '\0')
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr ("!#$%&'*+-.^_`|~", *p) == NULL)
      return FALSE;
  return TRUE;
}

static gboolean
check_header (const char *name, json_object *value, GError **error)
{
  const char *text =
      json_object_is_type (value, json_type_string) ? json_object_get_string (value) : NULL;

  if (!is_token (name))
    {
      g_set_error (error, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_INVALID,
                   _ ("“%s” is not a valid header name"), name);
      return FALSE;
    }
  for (guint i = 0; reserved_headers[i] != NULL; i++)
    if (g_ascii_strcasecmp (name, reserved_headers[i]) == 0)
      {
        g_set_error (error, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_INVALID,
                     _ ("The header “%s” is set by the connector itself and cannot be "
                        "configured"),
                     name);
        return FALSE;
      }
  /* A CR or LF would end the header and start another one (or the body). */
  if (text == NULL || strlen (text) != (gsize) json_object_get_string_len (value) ||
      strpbrk (text, "\r\n") != NULL)
    {
      g_set_error (error, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_INVALID,
                   _ ("The value of the header “%s” must be text on one line"), name);
      return FALSE;
    }
  return TRUE;
}

gboolean
tftsr_connector_check_webhook_headers (json_object *options, GError **error)
{
  json_object *headers = NULL;

  if (options == NULL || !json_object_object_get_ex (options, "headers", &headers) ||
      headers == NULL)
    return TRUE;
  if (!json_object_is_type (headers, json_type_object))
    {
      g_set_error (error, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_INVALID,
                   _ ("The webhook headers must be a JSON object of names and values"));
      return FALSE;
    }
  json_object_object_foreach (headers, name, value)
  {
    if (!check_header (name, value, error))
      return FALSE;
  }
  return TRUE;
}

gboolean
tftsr_connector_webhook_validate (const TftsrConnectorConfig *config, GError **error)
{
  g_autoptr (json_object) options = json_tokener_parse (config->options);
  g_autofree char *method = tftsr_connector_config_dup_option (config, "method");

  if (!tftsr_connector_check_notify_url (config->base_url, _ ("webhook URL"), error))
    return FALSE;
  if (method != NULL && !g_str_equal (method, "POST") && !g_str_equal (method, "PUT") &&
      !g_str_equal (method, "PATCH"))
    {
      g_set_error (error, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_INVALID,
                   _ ("The webhook method must be POST, PUT or PATCH, not “%s”"), method);
      return FALSE;
    }
  return tftsr_connector_check_webhook_headers (options, error);
}

/* Whether @a and @b have the same scheme, host and port. */
static gboolean
same_origin (GUri *a, GUri *b)
{
  return g_ascii_strcasecmp (g_uri_get_scheme (a), g_uri_get_scheme (b)) == 0 &&
         g_ascii_strcasecmp (g_uri_get_host (a), g_uri_get_host (b)) == 0 &&
         g_uri_get_port (a) == g_uri_get_port (b);
}

TftsrSecret *
tftsr_connector_dup_hook_url (TftsrConnectorCtx *ctx, GError **error)
{
  g_autoptr (TftsrSecret) url = tftsr_connector_dup_secret (ctx, error);
  g_autoptr (GUri) uri = NULL;
  g_autoptr (GUri) shown = NULL;

  if (url == NULL)
    return NULL;
  g_strstrip (url);
  if (!tftsr_connector_check_notify_url (url, _ ("webhook URL"), error))
    return NULL;
  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  shown = ctx->config->base_url != NULL
              ? g_uri_parse (ctx->config->base_url, G_URI_FLAGS_NONE, NULL)
              : NULL;
  /* The base URL is what people see of this connector: the message must not go to a host
   * they were not shown. */
  if (shown == NULL || g_uri_get_host (shown) == NULL || !same_origin (uri, shown))
    {
      g_set_error (error, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_INVALID,
                   _ ("The webhook URL is not on the connector’s host %s"),
                   ctx->config->base_url != NULL ? ctx->config->base_url : "");
      return NULL;
    }
  return g_steal_pointer (&url);
}

gboolean
tftsr_connector_post_hook_message (TftsrConnectorCtx *ctx, json_object *message, GError **error)
{
  /* A message posted twice is seen twice: not repeated after a gateway's 502/504. */
  const TftsrCallFlags flags =
      TFTSR_CALL_NO_AUTH | TFTSR_CALL_NO_JSON | TFTSR_CALL_SECRET_URL | TFTSR_CALL_NOT_REPEATABLE;
  g_autoptr (TftsrSecret) url = NULL;

  /* The URL is the secret: only its host is shown, recorded or logged, and a preview, which
   * shows the host, needs no secret read. */
  if (ctx->preview)
    return tftsr_connector_call (ctx, "POST", ctx->config->base_url, NULL,
                                 tftsr_connector_json_text (message), NULL, flags, NULL, error);
  url = tftsr_connector_dup_hook_url (ctx, error);
  if (url == NULL)
    return FALSE;
  return tftsr_connector_call (ctx, "POST", url, NULL, tftsr_connector_json_text (message), NULL,
                               flags, NULL, error);
}

char *
tftsr_connector_test_hook (TftsrConnectorCtx *ctx, const char *accepted, GError **error)
{
  g_autoptr (TftsrSecret) url = tftsr_connector_dup_hook_url (ctx, error);

  if (url == NULL)
    return NULL;
  return g_strdup (accepted);
}

const char *
tftsr_connector_notify_headline (TftsrNotifyEvent event)
{
  switch (event)
    {
    case TFTSR_NOTIFY_OPENED:
      return _ ("Incident opened");
    case TFTSR_NOTIFY_STATUS_CHANGED:
      return _ ("Incident status changed");
    case TFTSR_NOTIFY_PUBLISHED:
      return _ ("RCA published");
    default:
      g_return_val_if_reached (_ ("Incident update"));
    }
}

char *
tftsr_connector_truncate (const char *text, guint max_chars)
{
  g_autofree char *head = NULL;

  if (text == NULL)
    return g_strdup ("");
  if (max_chars == 0 || (guint) g_utf8_strlen (text, -1) <= max_chars)
    return g_strdup (text);
  head = g_utf8_substring (text, 0, max_chars - 1);
  return g_strconcat (head, "…", NULL);
}

gboolean
tftsr_connector_is_web_link (const char *link)
{
  g_autoptr (GUri) uri = link != NULL ? g_uri_parse (link, G_URI_FLAGS_NONE, NULL) : NULL;
  const char *scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;

  return scheme != NULL && g_uri_get_host (uri) != NULL && *g_uri_get_host (uri) != '\0' &&
         (g_ascii_strcasecmp (scheme, "https") == 0 || g_ascii_strcasecmp (scheme, "http") == 0);
}
