/* tftsr-ai-ollama.c: Ollama's native /api/chat, streamed as NDJSON
 *
 * Each line is a whole object: message.content is the next piece of text,
 * message.tool_calls whole calls (arguments as an object, no ids), and the line with
 * "done": true the last. An error in the middle of a stream arrives as {"error": …} while
 * the HTTP status stays 200.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>
#include <string.h>

#include "tftsr-ai-wire.h"

static char *
chat_url (const TftsrAiProvider *provider)
{
  return tftsr_ai_join_url (provider->base_url, "api/chat");
}

static char *
models_url (const TftsrAiProvider *provider)
{
  return tftsr_ai_join_url (provider->base_url, "api/tags");
}

/* Local Ollama wants no key; one in front of it (ollama.com, a proxy) takes a bearer. */
static void
headers (const TftsrAiProvider *provider, const char *key, GPtrArray *out)
{
  g_autofree char *bearer = NULL;

  if (key == NULL)
    return;
  bearer = g_strconcat ("Bearer ", key, NULL);
  tftsr_ai_add_header (out, "Authorization", bearer, TRUE);
}

static json_object *
message_json (const TftsrAiMessage *message)
{
  json_object *obj = json_object_new_object ();

  json_object_object_add (obj, "role",
                          json_object_new_string (tftsr_ai_role_to_string (message->role)));
  json_object_object_add (obj, "content", json_object_new_string (message->content));
  if (message->role == TFTSR_AI_ROLE_TOOL && message->tool_name != NULL)
    json_object_object_add (obj, "tool_name", json_object_new_string (message->tool_name));
  /* Images beside the text, base64 without a type: Ollama sniffs it. */
  if (message->images->len > 0)
    {
      json_object *images = json_object_new_array ();

      for (guint i = 0; i < message->images->len; i++)
        json_object_array_add (images, tftsr_ai_image_base64 (message->images->pdata[i]));
      json_object_object_add (obj, "images", images);
    }
  if (message->tool_calls->len > 0)
    {
      json_object *calls = json_object_new_array ();

      for (guint i = 0; i < message->tool_calls->len; i++)
        {
          TftsrAiToolCall *call = message->tool_calls->pdata[i];
          json_object *wrapper = json_object_new_object ();
          json_object *function = json_object_new_object ();

          json_object_object_add (function, "name", json_object_new_string (call->name));
          json_object_object_add (function, "arguments",
                                  tftsr_ai_json_object_or_empty (call->arguments));
          json_object_object_add (wrapper, "function", function);
          json_object_array_add (calls, wrapper);
        }
      json_object_object_add (obj, "tool_calls", calls);
    }
  return obj;
}

static json_object *
chat_body (const TftsrAiProvider *provider, const TftsrAiRequest *request, gboolean tools)
{
  json_object *body = json_object_new_object ();
  json_object *messages = json_object_new_array ();
  json_object *options = json_object_new_object ();

  tftsr_ai_add_system_message (messages, request->system);
  for (guint i = 0; i < request->messages->len; i++)
    {
      TftsrAiMessage *m = request->messages->pdata[i];
      json_object_array_add (messages, message_json (m));
    }
  json_object_object_add (body, "model", json_object_new_string (provider->model));
  json_object_object_add (body, "messages", messages);
  json_object_object_add (body, "stream", json_object_new_boolean (TRUE));
  if (tools && request->tools->len > 0)
    json_object_object_add (body, "tools", tftsr_ai_function_tools_json (request));
  json_object_object_add (options, "num_predict", json_object_new_int64 (request->max_tokens));
  /* Ollama loads a model with a small window (2048 tokens before 0.6) and silently drops
   * the start of a longer conversation: the system prompt first. */
  json_object_object_add (options, "num_ctx",
                          json_object_new_int64 (tftsr_ai_provider_get_context_tokens (provider)));
  json_object_object_add (body, "options", options);
  return body;
}

static void
take_message (TftsrAiStream *stream, json_object *message)
{
  json_object *calls = NULL;
  const char *content = tftsr_ai_json_string (message, "content");

  if (content != NULL)
    tftsr_ai_stream_add_text (stream, content, strlen (content));
  if (!json_object_object_get_ex (message, "tool_calls", &calls) ||
      !json_object_is_type (calls, json_type_array))
    return;
  for (size_t i = 0; i < json_object_array_length (calls); i++)
    {
      json_object *function = NULL, *args = NULL;
      TftsrAiPartialCall *call = tftsr_ai_stream_call (stream, stream->calls->len, NULL);

      json_object_object_get_ex (json_object_array_get_idx (calls, i), "function", &function);
      call->name = g_strdup (tftsr_ai_json_string (function, "name"));
      if (json_object_object_get_ex (function, "arguments", &args))
        g_string_append (call->arguments, json_object_to_json_string_ext (args, 0));
    }
}

static void
take_done (TftsrAiStream *stream, json_object *line)
{
  json_object *value = NULL;

  stream->finished = TRUE;
  stream->finish = g_strcmp0 (tftsr_ai_json_string (line, "done_reason"), "length") == 0
                       ? TFTSR_AI_FINISH_LENGTH
                       : TFTSR_AI_FINISH_STOP;
  if (json_object_object_get_ex (line, "prompt_eval_count", &value))
    stream->input_tokens = (guint) json_object_get_int (value);
  if (json_object_object_get_ex (line, "eval_count", &value))
    stream->output_tokens = (guint) json_object_get_int (value);
}

static gboolean
parse (TftsrAiStream *stream, const TftsrAiProvider *provider, const char *event, const char *data,
       gsize len, GError **error)
{
  g_autoptr (json_object) line = tftsr_ai_parse_object (data, len, error);
  g_autofree char *message = NULL;
  json_object *msg = NULL, *done = NULL;

  if (line == NULL)
    return FALSE;
  if ((message = tftsr_ai_error_member_message (line)) != NULL)
    return tftsr_ai_stream_error (error, TFTSR_AI_ERROR_SERVER, message);
  if (json_object_object_get_ex (line, "message", &msg))
    take_message (stream, msg);
  if (json_object_object_get_ex (line, "done", &done) && json_object_get_boolean (done))
    take_done (stream, line);
  return TRUE;
}

/* {"models":[{"name":"llama3.2:latest"}]} */
static GPtrArray *
parse_models (json_object *reply)
{
  return tftsr_ai_parse_names (reply, "models", "name", NULL);
}

const TftsrAiWire tftsr_ai_wire_ollama = {
  .images = TRUE,
  .framing = tftsr_ai_framing_ndjson,
  .chat_url = chat_url,
  .models_url = models_url,
  .headers = headers,
  .chat_body = chat_body,
  .parse = parse,
  .parse_models = parse_models,
  .error_message = tftsr_ai_error_member_message,
};
