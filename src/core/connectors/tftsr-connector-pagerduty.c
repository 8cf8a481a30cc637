/* tftsr-connector-pagerduty.c: pages on-call through PagerDuty's Events API v2
 *
 * One endpoint, POST /v2/enqueue, takes trigger, acknowledge and resolve events. The
 * routing key (an Events API v2 integration key) is the secret and travels in the body, not
 * in a header. Each incident pages as one alert: its dedup_key is derived from the incident
 * and the connector, never drawn at random, so a trigger retried after a lost answer, or
 * sent again later, updates the same alert instead of opening a second one (the API's own
 * idempotency), and acknowledge and resolve find it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "tftsr-connector-notify-private.h"
#include "tftsr-store-private.h"

#define DEFAULT_BASE_URL "https://events.pagerduty.com"
#define ENQUEUE_PATH "/v2/enqueue"
#define SUMMARY_MAX 1024 /* characters, the API's limit */
#define ROUTING_KEY_LEN 32

static const TftsrConnectorField pagerduty_fields[] = {
  { "severity", N_ ("Severity"), { "critical", "error", "warning", "info" } },
};

/* The values payload.severity accepts. */
static const char *const pagerduty_severities[] = { "critical", "error", "warning", "info", NULL };

static const char *
action_name (TftsrPageAction action)
{
  switch (action)
    {
    case TFTSR_PAGE_TRIGGER:
      return "trigger";
    case TFTSR_PAGE_ACKNOWLEDGE:
      return "acknowledge";
    case TFTSR_PAGE_RESOLVE:
      return "resolve";
    default:
      g_return_val_if_reached ("trigger");
    }
}

/* What the alert is after @action, in PagerDuty's words. */
static const char *
action_status (TftsrPageAction action)
{
  switch (action)
    {
    case TFTSR_PAGE_ACKNOWLEDGE:
      return "acknowledged";
    case TFTSR_PAGE_RESOLVE:
      return "resolved";
    default:
      return "triggered";
    }
}

static char *
enqueue_url (const TftsrConnectorConfig *config)
{
  return tftsr_connector_url (config, ENQUEUE_PATH);
}

/* The incident's correlation marker: the same for every event about it from this database,
 * and never one of another database's incidents (PagerDuty's own idempotency). */
static char *
dedup_key (const TftsrConnectorCtx *ctx, const TftsrTicketDraft *draft)
{
  return g_strdup (draft->marker);
}

/* Integration keys are 32 letters and digits. Checking the shape also means the key can be
 * written into the JSON body as is. */
static gboolean
check_routing_key (const char *key, GError **error)
{
  gsize len = strlen (key);

  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (key[i]))
      len = 0;
  if (len == ROUTING_KEY_LEN)
    return TRUE;
  g_set_error (error, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_INVALID,
               _ ("A PagerDuty routing key is the 32 letters and digits of an Events API v2 "
                  "integration key"));
  return FALSE;
}

static char *
mapped_severity (TftsrConnectorCtx *ctx, const TftsrTicketDraft *draft, GError **error)
{
  g_autofree char *value = tftsr_connector_map (ctx, "severity", draft->severity);

  if (value != NULL && g_strv_contains (pagerduty_severities, value))
    return g_steal_pointer (&value);
  g_set_error (error, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_INVALID,
               _ ("The severity “%s” is mapped to “%s”, which PagerDuty does not know (critical, "
                  "error, warning or info)"),
               draft->severity != NULL ? draft->severity : "", value != NULL ? value : "");
  return NULL;
}

static json_object *
string_or_null (const char *text)
{
  return text != NULL ? json_object_new_string (text) : NULL;
}

static json_object *
trigger_payload (const TftsrTicketDraft *draft, const char *severity)
{
  json_object *payload = json_object_new_object ();
  json_object *details = json_object_new_object ();
  g_autofree char *summary = tftsr_connector_truncate (draft->title, SUMMARY_MAX);
  g_autofree char *now = tftsr_now_iso8601 ();

  json_object_object_add (details, "incident_id", json_object_new_int64 (draft->issue_id));
  json_object_object_add (details, "status", string_or_null (draft->status));
  json_object_object_add (details, "category", string_or_null (draft->category));
  json_object_object_add (details, "severity", string_or_null (draft->severity));
  json_object_object_add (details, "created_at", string_or_null (draft->created_at));
  json_object_object_add (payload, "summary", json_object_new_string (summary));
  json_object_object_add (payload, "source", json_object_new_string ("tftsr"));
  json_object_object_add (payload, "severity", json_object_new_string (severity));
  json_object_object_add (payload, "timestamp", json_object_new_string (now));
  json_object_object_add (payload, "custom_details", details);
  return payload;
}

/* The event without its routing key: the key is spliced in by with_routing_key(), so that
 * json-c never holds a copy of it that we could not wipe. */
static json_object *
event_without_key (const char *dedup, TftsrPageAction action, json_object *payload)
{
  json_object *event = json_object_new_object ();

  json_object_object_add (event, "event_action", json_object_new_string (action_name (action)));
  json_object_object_add (event, "dedup_key", json_object_new_string (dedup));
  if (payload != NULL)
    {
      json_object_object_add (event, "payload", payload);
      json_object_object_add (event, "client", json_object_new_string ("tftsr"));
    }
  return event;
}

/* {"routing_key":"@key",…the members of @event}: @key is letters and digits only
 * (check_routing_key), or the preview's placeholder, so it needs no escaping. Free with tftsr_secret_free(). */
static TftsrSecret *
with_routing_key (json_object *event, const char *key)
{
  const char *rest = tftsr_connector_json_text (event);

  g_assert (rest[0] == '{' && rest[1] != '}');
  return g_strdup_printf ("{\"routing_key\":\"%s\",%s", key, rest + 1);
}

/* The key to send: the vault's, or a placeholder in a preview, which shows the body to a
 * person and must not show the secret. */
static TftsrSecret *
routing_key (TftsrConnectorCtx *ctx, GError **error)
{
  g_autoptr (TftsrSecret) key = NULL;

  if (ctx->preview)
    return g_strdup ("<routing key from the vault>");
  key = tftsr_connector_dup_secret (ctx, error);
  if (key == NULL || !check_routing_key (key, error))
    return NULL;
  return g_steal_pointer (&key);
}

static TftsrExternalItem *
pagerduty_page (TftsrConnectorCtx *ctx, const TftsrTicketDraft *draft, TftsrPageAction action,
                GError **error)
{
  g_autofree char *dedup = dedup_key (ctx, draft);
  g_autofree char *url = enqueue_url (ctx->config);
  g_autofree char *summary = tftsr_connector_truncate (draft->title, SUMMARY_MAX);
  g_autoptr (json_object) event = NULL;
  g_autoptr (json_object) reply = NULL;
  g_autoptr (TftsrSecret) key = NULL;
  g_autoptr (TftsrSecret) body = NULL;
  json_object *payload = NULL;
  const char *answered;

  if (action == TFTSR_PAGE_TRIGGER)
    {
      g_autofree char *severity = mapped_severity (ctx, draft, error);

      if (severity == NULL)
        return NULL;
      payload = trigger_payload (draft, severity);
    }
  key = routing_key (ctx, error);
  if (key == NULL)
    {
      json_object_put (payload);
      return NULL;
    }
  event = event_without_key (dedup, action, payload);
  body = with_routing_key (event, key);
  /* A retried event is harmless: the dedup_key makes it the same alert. */
  if (!tftsr_connector_call (ctx, "POST", url, NULL, body, NULL,
                             TFTSR_CALL_NO_AUTH | TFTSR_CALL_SECRET_BODY, &reply, error))
    return NULL;
  answered = tftsr_json_path_string (reply, "dedup_key");
  return tftsr_external_item_new (answered != NULL ? answered : dedup,
                                  answered != NULL ? answered : dedup, summary,
                                  action_status (action), NULL);
}

/* The Events API has nothing to read: sending an event would page someone. The key's shape
 * is all that can be checked before the first real event, and the answer says so. */
static char *
pagerduty_test (TftsrConnectorCtx *ctx, GError **error)
{
  g_autoptr (TftsrSecret) key = tftsr_connector_dup_secret (ctx, error);

  if (key == NULL || !check_routing_key (key, error))
    return NULL;
  return g_strdup (_ ("Routing key accepted by format; PagerDuty checks it on the first event"));
}

const TftsrConnectorOps tftsr_connector_pagerduty_ops = {
  .kind = TFTSR_CONNECTOR_PAGERDUTY,
  .name = "pagerduty",
  .label = "PagerDuty",
  .caps = TFTSR_CONNECTOR_CAN_PAGE,
  .fields = pagerduty_fields,
  .n_fields = G_N_ELEMENTS (pagerduty_fields),
  .auths = 1 << TFTSR_CONNECTOR_AUTH_TOKEN,
  .default_url = DEFAULT_BASE_URL,
  .test = pagerduty_test,
  .page = pagerduty_page,
};
