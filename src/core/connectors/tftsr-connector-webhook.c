/* tftsr-connector-webhook.c: incident events sent as JSON to an endpoint of the team's own
 *
 * The body names the event ("incident.opened", "incident.status_changed",
 * "incident.rca_published") and carries the incident's redacted texts. With a secret
 * configured (auth TOKEN), the exact bytes sent are signed with HMAC-SHA256 and the
 * signature travels as "X-Tftsr-Signature: sha256=<hex>", so the receiver can recompute it
 * and tell our events from anyone else's; the body's timestamp is signed with it, which lets
 * the receiver refuse an old event played again.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <string.h>

#include "tftsr-connector-notify-private.h"
#include "tftsr-store-private.h"

#define SIGNATURE_HEADER "X-Tftsr-Signature"

static const char *
event_type (TftsrNotifyEvent event)
{
  switch (event)
    {
    case TFTSR_NOTIFY_OPENED:
      return "incident.opened";
    case TFTSR_NOTIFY_STATUS_CHANGED:
      return "incident.status_changed";
    case TFTSR_NOTIFY_PUBLISHED:
      return "incident.rca_published";
    default:
      g_return_val_if_reached ("incident.updated");
    }
}

static json_object *
string_or_null (const char *text)
{
  return text != NULL ? json_object_new_string (text) : NULL;
}

static json_object *
build_payload (const TftsrTicketDraft *draft, TftsrNotifyEvent event)
{
  json_object *payload = json_object_new_object ();
  json_object *data = json_object_new_object ();
  json_object *details = json_object_new_object ();
  g_autofree char *now = tftsr_now_iso8601 ();

  json_object_object_add (data, "title", string_or_null (draft->title));
  json_object_object_add (data, "description", string_or_null (draft->description));
  json_object_object_add (data, "severity", string_or_null (draft->severity));
  json_object_object_add (data, "status", string_or_null (draft->status));
  json_object_object_add (data, "category", string_or_null (draft->category));
  json_object_object_add (data, "created_at", string_or_null (draft->created_at));
  if (draft->link != NULL)
    json_object_object_add (details, "link", json_object_new_string (draft->link));

  json_object_object_add (payload, "event_type", json_object_new_string (event_type (event)));
  json_object_object_add (payload, "timestamp", json_object_new_string (now));
  json_object_object_add (payload, "incident_id", json_object_new_int64 (draft->issue_id));
  json_object_object_add (payload, "incident_data", data);
  json_object_object_add (payload, "source", json_object_new_string ("tftsr"));
  json_object_object_add (payload, "custom_details", details);
  return payload;
}

/* "sha256=<hex>" of HMAC-SHA256 over @body with @key. */
static char *
sign (const char *key, const char *body)
{
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  GString *signature = g_string_new ("sha256=");

  HMAC (EVP_sha256 (), key, (int) strlen (key), (const unsigned char *) body, strlen (body), mac,
        &len);
  for (unsigned int i = 0; i < len; i++)
    g_string_append_printf (signature, "%02x", mac[i]);
  return g_string_free (signature, FALSE);
}

/* The name, value pairs of the options' "headers" (already checked), pointing into
 * @options. */
static void
add_option_headers (GPtrArray *headers, json_object *options)
{
  json_object *object = NULL;

  if (options == NULL || !json_object_object_get_ex (options, "headers", &object) ||
      !json_object_is_type (object, json_type_object))
    return;
  json_object_object_foreach (object, name, value)
  {
    g_ptr_array_add (headers, name);
    g_ptr_array_add (headers, (gpointer) json_object_get_string (value));
  }
}

static gboolean
webhook_notify (TftsrConnectorCtx *ctx, const TftsrTicketDraft *draft, TftsrNotifyEvent event,
                GError **error)
{
  const TftsrConnectorConfig *config = ctx->config;
  g_autoptr (json_object) options = NULL;
  g_autoptr (json_object) payload = NULL;
  g_autoptr (GPtrArray) headers = g_ptr_array_new ();
  g_autofree char *method = NULL;
  g_autofree char *signature = NULL;
  const char *body;

  if (!tftsr_connector_webhook_validate (config, error))
    return FALSE;
  options = json_tokener_parse (config->options);
  method = tftsr_connector_config_dup_option (config, "method");
  payload = build_payload (draft, event);
  body = tftsr_connector_json_text (payload);

  add_option_headers (headers, options);
  if (config->auth == TFTSR_CONNECTOR_AUTH_TOKEN)
    {
      g_autoptr (TftsrSecret) key = tftsr_connector_dup_secret (ctx, error);

      if (key == NULL)
        return FALSE;
      signature = sign (key, body);
      g_ptr_array_add (headers, SIGNATURE_HEADER);
      g_ptr_array_add (headers, signature);
    }
  g_ptr_array_add (headers, NULL);

  /* Receivers answer anything from nothing to a page of HTML: only the status counts. */
  return tftsr_connector_call (ctx, method != NULL ? method : "POST", config->base_url, NULL, body,
                               (const char *const *) headers->pdata,
                               TFTSR_CALL_NO_AUTH | TFTSR_CALL_NO_JSON | TFTSR_CALL_NOT_REPEATABLE,
                               NULL, error);
}

/* A webhook has nothing to ask that would not act on an event: the test checks what can be
 * checked here and says so. */
static char *
webhook_test (TftsrConnectorCtx *ctx, GError **error)
{
  if (!tftsr_connector_webhook_validate (ctx->config, error))
    return NULL;
  if (ctx->config->auth == TFTSR_CONNECTOR_AUTH_TOKEN)
    {
      g_autoptr (TftsrSecret) key = tftsr_connector_dup_secret (ctx, error);

      if (key == NULL)
        return NULL;
      return g_strdup (_ ("Webhook address and signing secret accepted; the receiver sees "
                          "its first event when an incident is sent"));
    }
  return g_strdup (_ ("Webhook address accepted; the receiver sees its first event when an "
                      "incident is sent"));
}

const TftsrConnectorOps tftsr_connector_webhook_ops = {
  .kind = TFTSR_CONNECTOR_WEBHOOK,
  .name = "webhook",
  .label = "Webhook",
  .caps = TFTSR_CONNECTOR_CAN_NOTIFY,
  .auths = 1 << TFTSR_CONNECTOR_AUTH_NONE | 1 << TFTSR_CONNECTOR_AUTH_TOKEN,
  .validate = tftsr_connector_webhook_validate,
  .test = webhook_test,
  .notify = webhook_notify,
};
