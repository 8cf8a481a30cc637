/* tftsr-ai-openai.c: the chat completions wire format of OpenAI and of the servers that
 * copy it (Azure OpenAI, LiteLLM, vLLM, LM Studio), and of Mistral
 *
 * Azure is told apart by an "api_version" option: its URL names the deployment (the
 * provider's model) and it takes the key in an api-key header.
 *
 * No max_tokens is sent: OpenAI's reasoning models refuse it, and every server has a
 * default. OpenAI streams token counts only when stream_options asks for them; Mistral's
 * request schema forbids that member and sends its usage in the last chunk anyway, and
 * some compatible servers refuse it (the client then asks without it, see
 * tftsr_ai_provider_streams_usage()).
 *
 * Mistral differs in what it streams: a call's arguments may be a JSON object rather than
 * a string, a call may come whole without an index (or with index 0 for every call) and
 * with the id "null", the content may be an array of chunks, and "error" is a finish
 * reason.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>
#include <string.h>

#include "tftsr-ai-client.h"
#include "tftsr-ai-wire.h"

static char *
chat_url (const TftsrAiProvider *provider)
{
  g_autofree char *version = tftsr_ai_provider_dup_option (provider, "api_version");
  g_autofree char *path = NULL, *deployment = NULL, *escaped = NULL;

  if (version == NULL)
    return tftsr_ai_join_url (provider->base_url, "chat/completions");
  deployment = g_uri_escape_string (provider->model, NULL, FALSE);
  escaped = g_uri_escape_string (version, NULL, FALSE);
  path = g_strdup_printf ("openai/deployments/%s/chat/completions?api-version=%s", deployment,
                          escaped);
  return tftsr_ai_join_url (provider->base_url, path);
}

static char *
models_url (const TftsrAiProvider *provider)
{
  g_autofree char *version = tftsr_ai_provider_dup_option (provider, "api_version");
  g_autofree char *path = NULL, *escaped = NULL;

  if (version == NULL)
    return tftsr_ai_join_url (provider->base_url, "models");
  escaped = g_uri_escape_string (version, NULL, FALSE);
  path = g_strdup_printf ("openai/models?api-version=%s", escaped);
  return tftsr_ai_join_url (provider->base_url, path);
}

static void
headers (const TftsrAiProvider *provider, const char *key, GPtrArray *out)
{
  g_autofree char *version = tftsr_ai_provider_dup_option (provider, "api_version");
  g_autofree char *bearer = NULL;

  tftsr_ai_add_header (out, "Accept", "text/event-stream", FALSE);
  if (key == NULL)
    return;
  if (version != NULL)
    {
      tftsr_ai_add_header (out, "api-key", key, TRUE);
      return;
    }
  bearer = g_strconcat ("Bearer ", key, NULL);
  tftsr_ai_add_header (out, "Authorization", bearer, TRUE);
}

/* Mistral takes only call ids of nine letters and digits: any other id (from another
 * provider, or made up for a call that came without one) is replaced by nine derived from
 * it, the same for the call and for its result. */
static json_object *
call_id_json (const TftsrAiProvider *provider, const char *id)
{
  static const char alphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  guint8 digest[32];
  gsize digest_len = sizeof digest;
  g_autoptr (GChecksum) checksum = NULL;
  char short_id[10];
  gboolean fits = strlen (id) == 9;

  for (const char *c = id; fits && *c != '\0'; c++)
    fits = g_ascii_isalnum (*c);
  if (provider->format != TFTSR_AI_FORMAT_MISTRAL || fits)
    return json_object_new_string (id);
  checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_checksum_update (checksum, (const guchar *) id, -1);
  g_checksum_get_digest (checksum, digest, &digest_len);
  for (guint i = 0; i < 9; i++)
    short_id[i] = alphabet[digest[i] % (sizeof alphabet - 1)];
  short_id[9] = '\0';
  return json_object_new_string (short_id);
}

static json_object *
tool_call_json (const TftsrAiProvider *provider, const TftsrAiToolCall *call)
{
  json_object *obj = json_object_new_object ();
  json_object *function = json_object_new_object ();

  json_object_object_add (function, "name", json_object_new_string (call->name));
  json_object_object_add (function, "arguments", json_object_new_string (call->arguments));
  json_object_object_add (obj, "id", call_id_json (provider, call->id));
  json_object_object_add (obj, "type", json_object_new_string ("function"));
  json_object_object_add (obj, "function", function);
  return obj;
}

/* {"type":"image_url","image_url":{"url":"data:image/png;base64,…"}}: OpenAI takes a URL or
 * a data URL there, Mistral the same (or the URL as a bare string). */
static json_object *
image_part (const TftsrAiImage *image)
{
  json_object *part = json_object_new_object ();
  json_object *url = json_object_new_object ();
  g_autoptr (json_object) base64 = tftsr_ai_image_base64 (image);
  g_autofree char *data_url =
      g_strconcat ("data:", image->mime, ";base64,", json_object_get_string (base64), NULL);

  json_object_object_add (url, "url", json_object_new_string (data_url));
  json_object_object_add (part, "type", json_object_new_string ("image_url"));
  json_object_object_add (part, "image_url", url);
  return part;
}

/* The text as a string; with images, an array of content parts. An assistant turn that
 * only calls tools has no content. */
static json_object *
content_json (const TftsrAiMessage *message)
{
  if (message->images->len > 0)
    return tftsr_ai_content_parts (message, image_part);
  if (message->tool_calls->len > 0 && *message->content == '\0')
    return NULL;
  return json_object_new_string (message->content);
}

static json_object *
message_json (const TftsrAiProvider *provider, const TftsrAiMessage *message)
{
  json_object *obj = json_object_new_object ();
  gboolean calls = message->tool_calls->len > 0;

  json_object_object_add (obj, "role",
                          json_object_new_string (tftsr_ai_role_to_string (message->role)));
  json_object_object_add (obj, "content", content_json (message));
  if (message->role == TFTSR_AI_ROLE_TOOL)
    json_object_object_add (
        obj, "tool_call_id",
        call_id_json (provider, message->tool_call_id != NULL ? message->tool_call_id : ""));
  if (calls)
    {
      json_object *array = json_object_new_array ();
      for (guint i = 0; i < message->tool_calls->len; i++)
        json_object_array_add (array, tool_call_json (provider, message->tool_calls->pdata[i]));
      json_object_object_add (obj, "tool_calls", array);
    }
  return obj;
}

static json_object *
chat_body (const TftsrAiProvider *provider, const TftsrAiRequest *request, gboolean tools)
{
  json_object *body = json_object_new_object ();
  json_object *messages = json_object_new_array ();

  tftsr_ai_add_system_message (messages, request->system);
  for (guint i = 0; i < request->messages->len; i++)
    json_object_array_add (messages, message_json (provider, request->messages->pdata[i]));
  json_object_object_add (body, "model", json_object_new_string (provider->model));
  json_object_object_add (body, "messages", messages);
  json_object_object_add (body, "stream", json_object_new_boolean (TRUE));
  if (provider->format != TFTSR_AI_FORMAT_MISTRAL && tftsr_ai_provider_streams_usage (provider))
    {
      json_object *options = json_object_new_object ();

      json_object_object_add (options, "include_usage", json_object_new_boolean (TRUE));
      json_object_object_add (body, "stream_options", options);
    }
  if (tools && request->tools->len > 0)
    json_object_object_add (body, "tools", tftsr_ai_function_tools_json (request));
  return body;
}

static TftsrAiFinish
finish_from (const char *reason)
{
  if (g_strcmp0 (reason, "length") == 0)
    return TFTSR_AI_FINISH_LENGTH;
  if (g_strcmp0 (reason, "tool_calls") == 0)
    return TFTSR_AI_FINISH_TOOL_CALLS;
  if (g_strcmp0 (reason, "content_filter") == 0)
    return TFTSR_AI_FINISH_FILTERED;
  return TFTSR_AI_FINISH_STOP;
}

/* One delta's tool call pieces; a call's id and name come with its first piece. */
static void
take_tool_calls (TftsrAiStream *stream, json_object *calls)
{
  for (size_t i = 0; i < json_object_array_length (calls); i++)
    {
      json_object *call = json_object_array_get_idx (calls, i);
      json_object *index = NULL, *function = NULL, *args = NULL;
      TftsrAiPartialCall *partial;
      const char *name, *id = tftsr_ai_json_string (call, "id");
      guint at = stream->calls->len;

      if (g_strcmp0 (id, "null") == 0)
        id = NULL;
      if (json_object_object_get_ex (call, "index", &index))
        at = (guint) CLAMP (json_object_get_int (index), 0, 255);
      /* A piece naming another call than the one at its index begins a new call. */
      if (at < stream->calls->len && id != NULL)
        {
          TftsrAiPartialCall *begun = stream->calls->pdata[at];
          if (begun->id != NULL && !g_str_equal (begun->id, id))
            at = stream->calls->len;
        }
      partial = tftsr_ai_stream_call (stream, at, id);
      json_object_object_get_ex (call, "function", &function);
      if ((name = tftsr_ai_json_string (function, "name")) != NULL && partial->name == NULL)
        partial->name = g_strdup (name);
      if (!json_object_object_get_ex (function, "arguments", &args))
        continue;
      if (json_object_is_type (args, json_type_string))
        g_string_append (partial->arguments, json_object_get_string (args));
      else if (json_object_is_type (args, json_type_object))
        g_string_append (partial->arguments, json_object_to_json_string_ext (args, 0));
    }
}

/* A piece of text: a string, or (Mistral) an array of chunks whose "text" ones count. */
static void
take_content (TftsrAiStream *stream, json_object *content)
{
  if (json_object_is_type (content, json_type_string))
    {
      tftsr_ai_stream_add_text (stream, json_object_get_string (content),
                                json_object_get_string_len (content));
      return;
    }
  if (!json_object_is_type (content, json_type_array))
    return;
  for (size_t i = 0; i < json_object_array_length (content); i++)
    {
      json_object *chunk = json_object_array_get_idx (content, i), *text = NULL;
      const char *type = tftsr_ai_json_string (chunk, "type");

      if ((type == NULL || g_str_equal (type, "text")) &&
          json_object_object_get_ex (chunk, "text", &text) &&
          json_object_is_type (text, json_type_string))
        tftsr_ai_stream_add_text (stream, json_object_get_string (text),
                                  json_object_get_string_len (text));
    }
}

static void
take_usage (TftsrAiStream *stream, json_object *chunk)
{
  json_object *usage = NULL, *value = NULL;

  if (!json_object_object_get_ex (chunk, "usage", &usage) ||
      !json_object_is_type (usage, json_type_object))
    return;
  if (json_object_object_get_ex (usage, "prompt_tokens", &value))
    stream->input_tokens = (guint) json_object_get_int (value);
  if (json_object_object_get_ex (usage, "completion_tokens", &value))
    stream->output_tokens = (guint) json_object_get_int (value);
}

static gboolean
take_choice (TftsrAiStream *stream, json_object *choice, GError **error)
{
  json_object *delta = NULL, *calls = NULL, *content = NULL;
  const char *reason = tftsr_ai_json_string (choice, "finish_reason");

  if (json_object_object_get_ex (choice, "delta", &delta))
    {
      if (json_object_object_get_ex (delta, "content", &content))
        take_content (stream, content);
      if (json_object_object_get_ex (delta, "tool_calls", &calls) &&
          json_object_is_type (calls, json_type_array))
        take_tool_calls (stream, calls);
    }
  if (g_strcmp0 (reason, "error") == 0)
    return tftsr_ai_stream_error (error, TFTSR_AI_ERROR_SERVER,
                                  _ ("The provider stopped the reply because of an error"));
  /* The reply may end here without [DONE] (Mistral, some proxies). */
  if (reason != NULL)
    {
      stream->finish = finish_from (reason);
      stream->finished = TRUE;
    }
  return TRUE;
}

static gboolean
parse (TftsrAiStream *stream, const TftsrAiProvider *provider, const char *event, const char *data,
       gsize len, GError **error)
{
  g_autoptr (json_object) chunk = NULL;
  g_autofree char *message = NULL;
  json_object *choices = NULL;

  if (len == 6 && memcmp (data, "[DONE]", 6) == 0)
    {
      stream->finished = TRUE;
      return TRUE;
    }
  if ((chunk = tftsr_ai_parse_object (data, len, error)) == NULL)
    return FALSE;
  if ((message = tftsr_ai_error_member_message (chunk)) != NULL)
    return tftsr_ai_stream_error (error, TFTSR_AI_ERROR_SERVER, message);
  if (json_object_object_get_ex (chunk, "choices", &choices) &&
      json_object_is_type (choices, json_type_array))
    for (size_t i = 0; i < json_object_array_length (choices); i++)
      if (!take_choice (stream, json_object_array_get_idx (choices, i), error))
        return FALSE;
  take_usage (stream, chunk);
  return TRUE;
}

/* OpenAI's {"error":{"message":…}}, or the {"detail":[{"msg":…}]} of a request Mistral
 * found invalid (HTTPValidationError, 422). */
static char *
error_message (json_object *body)
{
  char *message = tftsr_ai_error_member_message (body);
  json_object *detail = NULL;
  g_autoptr (GString) joined = NULL;

  if (message != NULL || !json_object_object_get_ex (body, "detail", &detail))
    return message;
  if (json_object_is_type (detail, json_type_string))
    return g_strdup (json_object_get_string (detail));
  if (!json_object_is_type (detail, json_type_array))
    return NULL;
  joined = g_string_new (NULL);
  for (size_t i = 0; i < json_object_array_length (detail); i++)
    {
      const char *msg = tftsr_ai_json_string (json_object_array_get_idx (detail, i), "msg");

      if (msg == NULL)
        continue;
      if (joined->len > 0)
        g_string_append (joined, "; ");
      g_string_append (joined, msg);
    }
  return joined->len > 0 ? g_string_free (g_steal_pointer (&joined), FALSE) : NULL;
}

const TftsrAiWire tftsr_ai_wire_openai = {
  .images = TRUE,
  .framing = tftsr_ai_framing_sse,
  .chat_url = chat_url,
  .models_url = models_url,
  .headers = headers,
  .chat_body = chat_body,
  .parse = parse,
  .parse_models = tftsr_ai_parse_data_ids,
  .error_message = error_message,
};
