/* tftsr-ai-client.c: one request to a provider, over net, recorded by egress
 *
 * The wire format builds the request and reads the reply; here it is sent and every
 * failure is turned into a sentence about the provider the engineer configured: which key
 * was refused, which model is unknown, how long the rate limit asked to wait.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>
#include <string.h>

#include "tftsr-ai-client.h"
#include "tftsr-ai-decoder.h"
#include "tftsr-ai-private.h"
#include "tftsr-egress.h"
#include "tftsr-net.h"

/* A local model may think for minutes before its first token. */
#define IDLE_TIMEOUT 180
#define PROBE_TOOL "report_status"

gboolean
tftsr_ai_provider_uses_tools (const TftsrAiProvider *provider)
{
  g_autofree char *probed = NULL;

  if (provider->format == TFTSR_AI_FORMAT_CUSTOM || provider->tools == TFTSR_AI_TOOLS_OFF)
    return FALSE;
  if (provider->tools == TFTSR_AI_TOOLS_ON)
    return TRUE;
  probed = tftsr_ai_provider_dup_option (provider, "tools_supported");
  return g_strcmp0 (probed, "no") != 0;
}

gboolean
tftsr_ai_provider_check_images (const TftsrAiProvider *provider, GError **error)
{
  g_return_val_if_fail (provider != NULL, FALSE);

  if (tftsr_ai_wire_for (provider->format)->images)
    return TRUE;
  g_set_error (error, TFTSR_AI_ERROR, TFTSR_AI_ERROR_NO_IMAGES,
               _ ("“%s” cannot take images: a %s provider sends text only. Ask a provider of "
                  "another format about screenshots."),
               provider->name, tftsr_ai_format_get_label (provider->format));
  return FALSE;
}

/* A request to @url with the provider's headers; the key is read from the vault here and
 * wiped again once the request holds it. */
static TftsrHttpRequest *
new_request (TftsrStore *store, const TftsrAiProvider *provider, const char *method,
             const char *url, GError **error)
{
  g_autoptr (GError) key_error = NULL;
  g_autoptr (TftsrSecret) key =
      provider->id > 0 ? tftsr_store_dup_ai_key (store, provider->id, &key_error) : NULL;
  g_autoptr (GPtrArray) headers =
      g_ptr_array_new_with_free_func ((GDestroyNotify) tftsr_ai_header_free);
  TftsrHttpRequest *request;

  if (key_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&key_error));
      return NULL;
    }
  if (key == NULL && tftsr_ai_format_needs_key (provider->format))
    {
      g_set_error (error, TFTSR_AI_ERROR, TFTSR_AI_ERROR_NOT_CONFIGURED,
                   _ ("“%s” has no API key: add one in Preferences → AI Providers"),
                   provider->name);
      return NULL;
    }
  tftsr_ai_wire_for (provider->format)->headers (provider, key, headers);
  request = tftsr_http_request_new (method, url);
  for (guint i = 0; i < headers->len; i++)
    {
      TftsrAiHeader *h = headers->pdata[i];
      if (h->secret)
        tftsr_http_request_add_secret_header (request, h->name, h->value);
      else
        tftsr_http_request_add_header (request, h->name, h->value);
    }
  tftsr_http_request_set_timeouts (request, TFTSR_HTTP_DEFAULT_CONNECT_TIMEOUT, IDLE_TIMEOUT);
  tftsr_http_request_set_insecure (request, provider->insecure);
  return request;
}

/* The vendor's own words from an error body, if it has any. */
static char *
vendor_message (const TftsrAiProvider *provider, GBytes *body)
{
  gsize len = 0;
  const char *data = g_bytes_get_data (body, &len);
  g_autoptr (json_object) obj = tftsr_ai_parse_object (data != NULL ? data : "", len, NULL);
  char *message = obj != NULL ? tftsr_ai_wire_for (provider->format)->error_message (obj) : NULL;

  if (message == NULL && len > 0 && len < 300 && g_utf8_validate (data, len, NULL))
    message = g_strstrip (g_strndup (data, len));
  return message;
}

/* An HTTP status that is not success, as a sentence about @provider. */
static void
set_status_error (GError **error, const TftsrAiProvider *provider, TftsrHttpResponse *response)
{
  g_autofree char *said = vendor_message (provider, response->body);
  g_autofree char *why = said != NULL && *said != '\0'
                             ? g_strdup_printf (" (%s)", said)
                             : g_strdup_printf (" (HTTP %u)", response->status);
  guint status = response->status;

  if (status == 401 || status == 403)
    g_set_error (error, TFTSR_AI_ERROR, TFTSR_AI_ERROR_AUTH,
                 _ ("“%s” refused the API key%s. Check the key in Preferences → AI Providers."),
                 provider->name, why);
  else if (status == 404)
    g_set_error (error, TFTSR_AI_ERROR, TFTSR_AI_ERROR_NOT_FOUND,
                 _ ("“%s” does not know the model “%s” or the address %s%s. Check both in "
                    "Preferences → AI Providers."),
                 provider->name, provider->model, provider->base_url, why);
  else if (status == 429 && response->retry_after > 0)
    g_set_error (error, TFTSR_AI_ERROR, TFTSR_AI_ERROR_RATE_LIMITED,
                 _ ("“%s” is rate-limiting requests%s and asks to wait %u s. Try again then."),
                 provider->name, why, response->retry_after);
  else if (status == 429)
    g_set_error (error, TFTSR_AI_ERROR, TFTSR_AI_ERROR_RATE_LIMITED,
                 _ ("“%s” is still rate-limiting requests after %u tries%s. Wait a minute and "
                    "try again."),
                 provider->name, response->attempts, why);
  else if (status >= 500)
    g_set_error (error, TFTSR_AI_ERROR, TFTSR_AI_ERROR_SERVER,
                 _ ("“%s” failed to answer%s. The service may be down; try again later."),
                 provider->name, why);
  else
    g_set_error (error, TFTSR_AI_ERROR, TFTSR_AI_ERROR_REFUSED, _ ("“%s” refused the request%s."),
                 provider->name, why);
}

typedef struct
{
  TftsrAiDecoder *decoder;
  const TftsrAiListener *listener;
} Exchange;

static gboolean
on_data (const guint8 *data, gsize len, gpointer user_data, GError **error)
{
  Exchange *x = user_data;
  return tftsr_ai_decoder_feed (x->decoder, data, len, error);
}

static void
on_retry (guint attempt, guint seconds, guint status, gpointer user_data)
{
  Exchange *x = user_data;

  if (x->listener != NULL && x->listener->retry != NULL)
    x->listener->retry (attempt, seconds, x->listener->user_data);
}

static void
on_text (const char *text, gsize len, gpointer user_data)
{
  const TftsrAiListener *listener = user_data;

  if (listener != NULL && listener->text != NULL)
    listener->text (text, len, listener->user_data);
}

gboolean
tftsr_ai_provider_streams_usage (const TftsrAiProvider *provider)
{
  g_autofree char *usage = tftsr_ai_provider_dup_option (provider, "stream_usage");
  return g_strcmp0 (usage, "no") != 0;
}

/* Saves option @key of @provider as @value (a provider not in the store only changes). */
static gboolean
save_option (TftsrStore *store, TftsrAiProvider *provider, const char *key, const char *value,
             GError **error)
{
  g_autoptr (json_object) options = tftsr_ai_json_object_or_empty (provider->options);

  json_object_object_add (options, key, json_object_new_string (value));
  g_free (provider->options);
  provider->options = g_strdup (json_object_to_json_string_ext (options, JSON_C_TO_STRING_PLAIN));
  return provider->id <= 0 || tftsr_store_update_ai_provider (store, provider, NULL, error);
}

/* Whether a refusal is an OpenAI-compatible server that does not know stream_options
 * (older vLLM, LM Studio and Azure API versions answer 400 or 422 naming it). */
static gboolean
refuses_stream_usage (const TftsrAiProvider *provider, TftsrHttpResponse *response)
{
  gsize len = 0;
  const char *body = g_bytes_get_data (response->body, &len);

  return provider->format == TFTSR_AI_FORMAT_OPENAI && tftsr_ai_provider_streams_usage (provider) &&
         (response->status == 400 || response->status == 422) && body != NULL &&
         g_strstr_len (body, len, "stream_options") != NULL;
}

/* One exchange: the body built, recorded by egress, sent and its reply decoded. NULL with
 * @error, or with *@refused set to the response of a status that is not success. */
static TftsrAiReply *
exchange (TftsrStore *store, const TftsrAiProvider *provider, gint64 issue_id,
          const TftsrAiRequest *request, GHashTable *counts, const TftsrAiListener *listener,
          TftsrHttpResponse **refused, GCancellable *cancellable, GError **error)
{
  const TftsrAiWire *wire = tftsr_ai_wire_for (provider->format);
  g_autofree char *url = wire->chat_url (provider);
  g_autoptr (json_object) body =
      wire->chat_body (provider, request, tftsr_ai_provider_uses_tools (provider));
  const char *text = json_object_to_json_string_ext (body, JSON_C_TO_STRING_PLAIN |
                                                               JSON_C_TO_STRING_NOSLASHESCAPE);
  g_autoptr (GBytes) bytes = g_bytes_new (text, strlen (text));
  g_autoptr (TftsrHttpRequest) http = NULL;
  g_autoptr (TftsrHttpResponse) response = NULL;
  g_autoptr (TftsrEgressReceipt) receipt = NULL;
  g_autoptr (TftsrAiDecoder) decoder = NULL;
  Exchange x = { NULL, listener };

  if ((http = new_request (store, provider, "POST", url, error)) == NULL ||
      (receipt = tftsr_egress_record_parts (store, issue_id, url, bytes, counts, request->parts,
                                            error)) == NULL)
    return NULL;
  tftsr_http_request_set_body (http, "application/json", bytes);
  tftsr_http_request_set_retry_func (http, on_retry, &x);
  decoder = x.decoder = tftsr_ai_decoder_new (wire, provider, on_text, (gpointer) listener);
  if ((response = tftsr_http_perform (http, on_data, &x, cancellable, error)) == NULL)
    return NULL;
  if (response->status < 200 || response->status >= 300)
    {
      *refused = g_steal_pointer (&response);
      return NULL;
    }
  return tftsr_ai_decoder_finish (decoder, error);
}

TftsrAiReply *
tftsr_ai_complete (TftsrStore *store, const TftsrAiProvider *provider, gint64 issue_id,
                   const TftsrAiRequest *request, GHashTable *counts,
                   const TftsrAiListener *listener, GCancellable *cancellable, GError **error)
{
  g_autoptr (TftsrHttpResponse) refused = NULL;
  g_autoptr (TftsrAiProvider) without_usage = NULL;
  TftsrAiReply *reply;

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);
  g_return_val_if_fail (provider != NULL && request != NULL, NULL);

  /* Refused before anything is built or recorded: a gateway would get the text alone. */
  if (tftsr_ai_request_has_images (request) && !tftsr_ai_provider_check_images (provider, error))
    return NULL;
  reply =
      exchange (store, provider, issue_id, request, counts, listener, &refused, cancellable, error);
  if (refused != NULL && refuses_stream_usage (provider, refused))
    {
      /* Asked once more without it, and remembered so that it is not asked again. */
      without_usage = tftsr_ai_provider_copy (provider);
      g_clear_pointer (&refused, tftsr_http_response_free);
      if (!save_option (store, without_usage, "stream_usage", "no", error))
        return NULL;
      reply = exchange (store, without_usage, issue_id, request, counts, listener, &refused,
                        cancellable, error);
    }
  if (refused != NULL)
    set_status_error (error, provider, refused);
  return reply;
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return g_ascii_strcasecmp (*(const char *const *) a, *(const char *const *) b);
}

GPtrArray *
tftsr_ai_list_models (TftsrStore *store, const TftsrAiProvider *provider, GCancellable *cancellable,
                      GError **error)
{
  const TftsrAiWire *wire;
  g_autofree char *url = NULL;
  g_autoptr (TftsrHttpRequest) http = NULL;
  g_autoptr (TftsrHttpResponse) response = NULL;
  g_autoptr (json_object) reply = NULL;
  GPtrArray *models;
  gsize len = 0;
  const char *data;

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);
  g_return_val_if_fail (provider != NULL, NULL);

  wire = tftsr_ai_wire_for (provider->format);
  if (wire->models_url == NULL || (url = wire->models_url (provider)) == NULL)
    {
      g_set_error (error, TFTSR_AI_ERROR, TFTSR_AI_ERROR_NOT_FOUND,
                   _ ("A %s provider cannot list its models: enter the model by name"),
                   tftsr_ai_format_get_label (provider->format));
      return NULL;
    }
  if ((http = new_request (store, provider, "GET", url, error)) == NULL ||
      (response = tftsr_http_perform (http, NULL, NULL, cancellable, error)) == NULL)
    return NULL;
  if (response->status < 200 || response->status >= 300)
    {
      set_status_error (error, provider, response);
      return NULL;
    }
  data = g_bytes_get_data (response->body, &len);
  if ((reply = tftsr_ai_parse_object (data != NULL ? data : "", len, error)) == NULL)
    return NULL;
  if ((models = wire->parse_models (reply)) == NULL)
    g_set_error (error, TFTSR_AI_ERROR, TFTSR_AI_ERROR_MALFORMED,
                 _ ("“%s” answered the list of models with something else"), provider->name);
  else
    g_ptr_array_sort (models, compare_names);
  return models;
}

void
tftsr_ai_test_result_free (TftsrAiTestResult *result)
{
  if (result == NULL)
    return;
  g_free (result->reply);
  g_free (result);
}

/* A conversation without incident content: nothing of the engineer's leaves. */
static TftsrAiRequest *
probe_request (gboolean with_tool)
{
  TftsrAiRequest *request = tftsr_ai_request_new ("You are being tested by a troubleshooting "
                                                  "assistant. Answer briefly.");

  request->max_tokens = 64;
  if (!with_tool)
    {
      tftsr_ai_request_add_message (request,
                                    tftsr_ai_message_new (TFTSR_AI_ROLE_USER, "Reply with OK."));
      return request;
    }
  tftsr_ai_request_add_message (request, tftsr_ai_message_new (TFTSR_AI_ROLE_USER,
                                                               "Call the tool " PROBE_TOOL
                                                               " with status \"ok\"."));
  tftsr_ai_request_add_tool (
      request,
      tftsr_ai_tool_new (PROBE_TOOL, "Reports a status string.",
                         "{\"type\":\"object\",\"properties\":{\"status\":{\"type\":\"string\"}},"
                         "\"required\":[\"status\"]}"));
  return request;
}

/* Offers the probe tool; a model or server that cannot take tools says so with a refusal,
 * or answers in text. */
static gboolean
probe_tools (TftsrStore *store, TftsrAiProvider *provider, TftsrAiTestResult *result,
             GCancellable *cancellable, GError **error)
{
  g_autoptr (TftsrAiRequest) request = probe_request (TRUE);
  g_autoptr (TftsrAiProvider) forced = tftsr_ai_provider_copy (provider);
  g_autoptr (GError) probe_error = NULL;
  g_autoptr (TftsrAiReply) reply = NULL;

  forced->tools = TFTSR_AI_TOOLS_ON;
  reply = tftsr_ai_complete (store, forced, 0, request, NULL, NULL, cancellable, &probe_error);
  if (reply == NULL && !g_error_matches (probe_error, TFTSR_AI_ERROR, TFTSR_AI_ERROR_REFUSED))
    {
      g_propagate_error (error, g_steal_pointer (&probe_error));
      return FALSE;
    }
  result->tools_known = TRUE;
  result->tools = reply != NULL && reply->tool_calls->len > 0;
  return provider->tools != TFTSR_AI_TOOLS_AUTO ||
         save_option (store, provider, "tools_supported", result->tools ? "yes" : "no", error);
}

TftsrAiTestResult *
tftsr_ai_test_provider (TftsrStore *store, TftsrAiProvider *provider, GCancellable *cancellable,
                        GError **error)
{
  g_autoptr (TftsrAiRequest) request = probe_request (FALSE);
  g_autoptr (TftsrAiTestResult) result = g_new0 (TftsrAiTestResult, 1);
  g_autoptr (TftsrAiReply) reply = NULL;
  gint64 start = g_get_monotonic_time ();

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);
  g_return_val_if_fail (provider != NULL, NULL);

  if ((reply = tftsr_ai_complete (store, provider, 0, request, NULL, NULL, cancellable, error)) ==
      NULL)
    return NULL;
  result->reply = g_strdup (reply->text);
  result->elapsed_ms = (g_get_monotonic_time () - start) / 1000;
  if (provider->format != TFTSR_AI_FORMAT_CUSTOM && provider->tools != TFTSR_AI_TOOLS_OFF &&
      !probe_tools (store, provider, result, cancellable, error))
    return NULL;
  return g_steal_pointer (&result);
}
