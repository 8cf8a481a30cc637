/* tftsr-connector-notify-private.h: what the webhook, Slack and Teams connectors share, and
 * the checks the configuration's validation can reuse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tftsr-connector-private.h"

/* Whether @url may receive incident data: https, or http to this machine only
 * (tftsr_connector_url_is_loopback). @what names it in the message ("webhook URL"); the URL itself is never
 * quoted, since a chat webhook's URL is its secret. */
gboolean tftsr_connector_check_notify_url (const char *url, const char *what, GError **error);

/* Whether the "headers" member of the connector options @options (a JSON object; a missing
 * member is fine) holds only headers a webhook may set: string values, token names, no CR,
 * LF or NUL, and none the transport or the signature owns (hop-by-hop headers, Host,
 * Content-Length, Content-Type, X-Tftsr-Signature). */
gboolean tftsr_connector_check_webhook_headers (json_object *options, GError **error);

/* The webhook's URL, method and headers, as tftsr_connector_config_validate() needs them. */
gboolean tftsr_connector_webhook_validate (const TftsrConnectorConfig *config, GError **error);

/* The webhook URL a Slack or Teams connector keeps as its secret, checked: an address
 * tftsr_connector_check_notify_url() accepts, on the scheme, host and port of the
 * configured base URL (the host people are shown). Wipe it with tftsr_secret_free(). */
TftsrSecret *tftsr_connector_dup_hook_url (TftsrConnectorCtx *ctx, GError **error);

/* "Incident opened", "Incident status changed", "RCA published" (translated). */
const char *tftsr_connector_notify_headline (TftsrNotifyEvent event);

/* @text cut to at most @max_chars characters (the last one "…" when cut); NULL gives "". */
char *tftsr_connector_truncate (const char *text, guint max_chars);

/* Whether @link may be offered as a button: an absolute http or https URL. */
gboolean tftsr_connector_is_web_link (const char *link);

/* Posts @message (a chat message) to the webhook URL a Slack or Teams connector keeps as
 * its secret (tftsr_connector_dup_hook_url). The URL is the secret: only its host is shown,
 * recorded or logged, and a preview, which shows the host, needs no secret read. The answer
 * is not JSON. */
gboolean tftsr_connector_post_hook_message (TftsrConnectorCtx *ctx, json_object *message,
                                            GError **error);

/* A chat webhook's connection test: the webhook URL is checked (tftsr_connector_dup_hook_url)
 * and @accepted (translated, naming the service) is returned; NULL with @error when the URL
 * is refused. */
char *tftsr_connector_test_hook (TftsrConnectorCtx *ctx, const char *accepted, GError **error);
