/* tftsr-ai-anthropic.c: Anthropic's Messages API
 *
 * The system prompt is a field of its own; tool calls are tool_use blocks of the
 * assistant's content and their results tool_result blocks of a user message (one user
 * message for the results of one turn's calls). The stream names its events:
 * content_block_start/_delta/_stop build text and tool_use blocks (whose input arrives as
 * JSON fragments), message_delta carries the stop reason, message_stop ends it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>
#include <string.h>

#include "tftsr-ai-wire.h"

#define API_VERSION "2023-06-01"

static char *
chat_url (const TftsrAiProvider *provider)
{
  return tftsr_ai_join_url (provider->base_url, "v1/messages");
}

static char *
models_url (const TftsrAiProvider *provider)
{
  return tftsr_ai_join_url (provider->base_url, "v1/models");
}

static void
headers (const TftsrAiProvider *provider, const char *key, GPtrArray *out)
{
  tftsr_ai_add_header (out, "anthropic-version", API_VERSION, FALSE);
  tftsr_ai_add_header (out, "Accept", "text/event-stream", FALSE);
  if (key != NULL)
    tftsr_ai_add_header (out, "x-api-key", key, TRUE);
}

static json_object *
text_block (const char *text)
{
  json_object *block = json_object_new_object ();

  json_object_object_add (block, "type", json_object_new_string ("text"));
  json_object_object_add (block, "text", json_object_new_string (text));
  return block;
}

static json_object *
assistant_content (const TftsrAiMessage *message)
{
  json_object *content = json_object_new_array ();

  if (*message->content != '\0')
    json_object_array_add (content, text_block (message->content));
  for (guint i = 0; i < message->tool_calls->len; i++)
    {
      TftsrAiToolCall *call = message->tool_calls->pdata[i];
      json_object *block = json_object_new_object ();

      json_object_object_add (block, "type", json_object_new_string ("tool_use"));
      json_object_object_add (block, "id", json_object_new_string (call->id));
      json_object_object_add (block, "name", json_object_new_string (call->name));
      json_object_object_add (block, "input", tftsr_ai_json_object_or_empty (call->arguments));
      json_object_array_add (content, block);
    }
  return content;
}

/* {"type":"image","source":{"type":"base64","media_type":…,"data":…}}: the four types
 * the store takes are the four Anthropic does. */
static json_object *
image_block (const TftsrAiImage *image)
{
  json_object *block = json_object_new_object ();
  json_object *source = json_object_new_object ();

  json_object_object_add (source, "type", json_object_new_string ("base64"));
  json_object_object_add (source, "media_type", json_object_new_string (image->mime));
  json_object_object_add (source, "data", tftsr_ai_image_base64 (image));
  json_object_object_add (block, "type", json_object_new_string ("image"));
  json_object_object_add (block, "source", source);
  return block;
}

/* The text as a string; with images, text and image blocks. */
static json_object *
user_content (const TftsrAiMessage *message)
{
  if (message->images->len > 0)
    return tftsr_ai_content_parts (message, image_block);
  return json_object_new_string (message->content);
}

static json_object *
tool_result_block (const TftsrAiMessage *message)
{
  json_object *block = json_object_new_object ();

  json_object_object_add (block, "type", json_object_new_string ("tool_result"));
  json_object_object_add (
      block, "tool_use_id",
      json_object_new_string (message->tool_call_id != NULL ? message->tool_call_id : ""));
  json_object_object_add (block, "content", json_object_new_string (message->content));
  if (message->tool_failed)
    json_object_object_add (block, "is_error", json_object_new_boolean (TRUE));
  return block;
}

static json_object *
message_json (const char *role, json_object *content)
{
  json_object *obj = json_object_new_object ();

  json_object_object_add (obj, "role", json_object_new_string (role));
  json_object_object_add (obj, "content", content);
  return obj;
}

static json_object *
messages_json (const TftsrAiRequest *request)
{
  json_object *messages = json_object_new_array ();
  json_object *results = NULL; /* the user message collecting tool results */

  for (guint i = 0; i < request->messages->len; i++)
    {
      TftsrAiMessage *m = request->messages->pdata[i];

      if (m->role == TFTSR_AI_ROLE_TOOL)
        {
          if (results == NULL)
            {
              results = json_object_new_array ();
              json_object_array_add (messages, message_json ("user", results));
            }
          json_object_array_add (results, tool_result_block (m));
          continue;
        }
      results = NULL;
      /* An empty assistant turn (a failed or cancelled reply) is refused by the API. */
      if (m->role == TFTSR_AI_ROLE_ASSISTANT && *m->content == '\0' && m->tool_calls->len == 0)
        continue;
      if (m->role == TFTSR_AI_ROLE_ASSISTANT)
        json_object_array_add (messages, message_json ("assistant", assistant_content (m)));
      else
        json_object_array_add (messages, message_json ("user", user_content (m)));
    }
  return messages;
}

static json_object *
tools_json (const TftsrAiRequest *request)
{
  json_object *array = json_object_new_array ();

  for (guint i = 0; i < request->tools->len; i++)
    {
      TftsrAiTool *tool = request->tools->pdata[i];
      json_object *obj = json_object_new_object ();

      json_object_object_add (obj, "name", json_object_new_string (tool->name));
      json_object_object_add (obj, "description", json_object_new_string (tool->description));
      json_object_object_add (obj, "input_schema",
                              tftsr_ai_json_object_or_empty (tool->parameters));
      json_object_array_add (array, obj);
    }
  return array;
}

static json_object *
chat_body (const TftsrAiProvider *provider, const TftsrAiRequest *request, gboolean tools)
{
  json_object *body = json_object_new_object ();

  json_object_object_add (body, "model", json_object_new_string (provider->model));
  json_object_object_add (body, "max_tokens", json_object_new_int64 (request->max_tokens));
  json_object_object_add (body, "stream", json_object_new_boolean (TRUE));
  if (*request->system != '\0')
    json_object_object_add (body, "system", json_object_new_string (request->system));
  json_object_object_add (body, "messages", messages_json (request));
  if (tools && request->tools->len > 0)
    json_object_object_add (body, "tools", tools_json (request));
  return body;
}

static guint
int_member (json_object *obj, const char *key)
{
  json_object *value = NULL;

  if (!json_object_object_get_ex (obj, key, &value))
    return 0;
  return (guint) MAX (json_object_get_int64 (value), 0);
}

static void
block_start (TftsrAiStream *stream, json_object *event)
{
  json_object *block = NULL;
  TftsrAiPartialCall *call;

  if (!json_object_object_get_ex (event, "content_block", &block) ||
      g_strcmp0 (tftsr_ai_json_string (block, "type"), "tool_use") != 0)
    return;
  call = tftsr_ai_stream_call (stream, stream->calls->len, tftsr_ai_json_string (block, "id"));
  call->name = g_strdup (tftsr_ai_json_string (block, "name"));
}

static void
block_delta (TftsrAiStream *stream, json_object *event)
{
  json_object *delta = NULL;
  const char *type, *text;

  if (!json_object_object_get_ex (event, "delta", &delta))
    return;
  type = tftsr_ai_json_string (delta, "type");
  if (g_strcmp0 (type, "text_delta") == 0 && (text = tftsr_ai_json_string (delta, "text")))
    tftsr_ai_stream_add_text (stream, text, strlen (text));
  /* Blocks stream one after the other: input belongs to the last tool_use begun. */
  else if (g_strcmp0 (type, "input_json_delta") == 0 &&
           (text = tftsr_ai_json_string (delta, "partial_json")) && stream->calls->len > 0)
    {
      TftsrAiPartialCall *call = g_ptr_array_index (stream->calls, stream->calls->len - 1);
      g_string_append (call->arguments, text);
    }
}

static void
message_delta (TftsrAiStream *stream, json_object *event)
{
  json_object *delta = NULL, *usage = NULL;
  const char *reason;

  if (json_object_object_get_ex (event, "delta", &delta) &&
      (reason = tftsr_ai_json_string (delta, "stop_reason")) != NULL)
    stream->finish = g_str_equal (reason, "max_tokens") ? TFTSR_AI_FINISH_LENGTH
                     : g_str_equal (reason, "tool_use") ? TFTSR_AI_FINISH_TOOL_CALLS
                     : g_str_equal (reason, "refusal")  ? TFTSR_AI_FINISH_FILTERED
                                                        : TFTSR_AI_FINISH_STOP;
  if (json_object_object_get_ex (event, "usage", &usage))
    stream->output_tokens = int_member (usage, "output_tokens");
}

static gboolean
stream_error (json_object *event, GError **error)
{
  json_object *err = NULL;
  const char *type, *message;

  json_object_object_get_ex (event, "error", &err);
  type = tftsr_ai_json_string (err, "type");
  message = tftsr_ai_json_string (err, "message");
  return tftsr_ai_stream_error (error,
                                g_strcmp0 (type, "rate_limit_error") == 0
                                    ? TFTSR_AI_ERROR_RATE_LIMITED
                                    : TFTSR_AI_ERROR_SERVER,
                                message != NULL ? message : _ ("The provider reported an error"));
}

static gboolean
parse (TftsrAiStream *stream, const TftsrAiProvider *provider, const char *event, const char *data,
       gsize len, GError **error)
{
  g_autoptr (json_object) obj = tftsr_ai_parse_object (data, len, error);
  json_object *message = NULL, *usage = NULL;
  const char *type;

  if (obj == NULL)
    return FALSE;
  /* The type is in the data too; a proxy that drops event names loses nothing. */
  type = tftsr_ai_json_string (obj, "type");
  if (type == NULL)
    type = event;
  if (g_strcmp0 (type, "error") == 0)
    return stream_error (obj, error);
  if (g_strcmp0 (type, "message_start") == 0 &&
      json_object_object_get_ex (obj, "message", &message) &&
      json_object_object_get_ex (message, "usage", &usage))
    stream->input_tokens = int_member (usage, "input_tokens");
  else if (g_strcmp0 (type, "content_block_start") == 0)
    block_start (stream, obj);
  else if (g_strcmp0 (type, "content_block_delta") == 0)
    block_delta (stream, obj);
  else if (g_strcmp0 (type, "message_delta") == 0)
    message_delta (stream, obj);
  else if (g_strcmp0 (type, "message_stop") == 0)
    stream->finished = TRUE;
  return TRUE;
}

const TftsrAiWire tftsr_ai_wire_anthropic = {
  .images = TRUE,
  .framing = tftsr_ai_framing_sse,
  .chat_url = chat_url,
  .models_url = models_url,
  .headers = headers,
  .chat_body = chat_body,
  .parse = parse,
  .parse_models = tftsr_ai_parse_data_ids,
  .error_message = tftsr_ai_error_member_message,
};
