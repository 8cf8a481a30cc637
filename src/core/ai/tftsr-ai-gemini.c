/* tftsr-ai-gemini.c: Google's generateContent, streamed as SSE (streamGenerateContent
 * with alt=sse)
 *
 * Roles are "user" and "model"; tool calls are functionCall parts and their results
 * functionResponse parts of a user turn, matched by the function's name and, when Gemini
 * gave the call an id, by that id too (sent back on both; an id made up here for a call
 * without one is never sent). Tools declare their arguments in parametersJsonSchema, which
 * takes JSON Schema as it is ("parameters" takes only the OpenAPI subset of Gemini's
 * Schema message). Each event is a whole
 * GenerateContentResponse; the one with a finishReason is the last.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>
#include <string.h>

#include "tftsr-ai-wire.h"

static char *
chat_url (const TftsrAiProvider *provider)
{
  g_autofree char *path =
      g_strdup_printf ("v1beta/models/%s:streamGenerateContent?alt=sse", provider->model);
  return tftsr_ai_join_url (provider->base_url, path);
}

static char *
models_url (const TftsrAiProvider *provider)
{
  return tftsr_ai_join_url (provider->base_url, "v1beta/models");
}

static void
headers (const TftsrAiProvider *provider, const char *key, GPtrArray *out)
{
  /* In a header, never in the URL, where proxies and logs would keep it. */
  if (key != NULL)
    tftsr_ai_add_header (out, "x-goog-api-key", key, TRUE);
}

static json_object *
text_part (const char *text)
{
  json_object *part = json_object_new_object ();

  json_object_object_add (part, "text", json_object_new_string (text));
  return part;
}

/* {"inlineData":{"mimeType":…,"data":…}}: a Blob in the JSON mapping of Gemini's Part. */
static json_object *
image_part (const TftsrAiImage *image)
{
  json_object *part = json_object_new_object ();
  json_object *blob = json_object_new_object ();

  json_object_object_add (blob, "mimeType", json_object_new_string (image->mime));
  json_object_object_add (blob, "data", tftsr_ai_image_base64 (image));
  json_object_object_add (part, "inlineData", blob);
  return part;
}

/* A call's id, when Gemini gave it one: it wants the id back on the call and on its
 * response (and matches by name alone when there is none). */
static void
add_id (json_object *function, const char *id)
{
  if (id != NULL && *id != '\0' && !tftsr_ai_call_id_is_made_up (id))
    json_object_object_add (function, "id", json_object_new_string (id));
}

static json_object *
call_part (const TftsrAiToolCall *call)
{
  json_object *part = json_object_new_object ();
  json_object *function = json_object_new_object ();

  add_id (function, call->id);
  json_object_object_add (function, "name", json_object_new_string (call->name));
  json_object_object_add (function, "args", tftsr_ai_json_object_or_empty (call->arguments));
  json_object_object_add (part, "functionCall", function);
  if (call->signature != NULL)
    json_object_object_add (part, "thoughtSignature", json_object_new_string (call->signature));
  return part;
}

static json_object *
result_part (const TftsrAiMessage *message)
{
  json_object *part = json_object_new_object ();
  json_object *function = json_object_new_object ();
  json_object *response = json_object_new_object ();

  /* Gemini reads a failure under "error". */
  json_object_object_add (response, message->tool_failed ? "error" : "content",
                          json_object_new_string (message->content));
  add_id (function, message->tool_call_id);
  json_object_object_add (
      function, "name",
      json_object_new_string (message->tool_name != NULL ? message->tool_name : ""));
  json_object_object_add (function, "response", response);
  json_object_object_add (part, "functionResponse", function);
  return part;
}

static json_object *
content_json (const char *role, json_object *parts)
{
  json_object *content = json_object_new_object ();

  json_object_object_add (content, "role", json_object_new_string (role));
  json_object_object_add (content, "parts", parts);
  return content;
}

static json_object *
contents_json (const TftsrAiRequest *request)
{
  json_object *contents = json_object_new_array ();
  json_object *results = NULL; /* the parts of the user turn collecting tool results */

  for (guint i = 0; i < request->messages->len; i++)
    {
      TftsrAiMessage *m = request->messages->pdata[i];
      json_object *parts;

      if (m->role == TFTSR_AI_ROLE_TOOL)
        {
          if (results == NULL)
            {
              results = json_object_new_array ();
              json_object_array_add (contents, content_json ("user", results));
            }
          json_object_array_add (results, result_part (m));
          continue;
        }
      results = NULL;
      parts = json_object_new_array ();
      /* A turn needs one part at least: an empty text when it has nothing else. */
      if (*m->content != '\0' || (m->tool_calls->len == 0 && m->images->len == 0))
        json_object_array_add (parts, text_part (m->content));
      for (guint c = 0; c < m->images->len; c++)
        json_object_array_add (parts, image_part (m->images->pdata[c]));
      for (guint c = 0; c < m->tool_calls->len; c++)
        json_object_array_add (parts, call_part (m->tool_calls->pdata[c]));
      json_object_array_add (
          contents, content_json (m->role == TFTSR_AI_ROLE_ASSISTANT ? "model" : "user", parts));
    }
  return contents;
}

static json_object *
tools_json (const TftsrAiRequest *request)
{
  json_object *declarations = json_object_new_array ();
  json_object *tool = json_object_new_object ();
  json_object *tools = json_object_new_array ();

  for (guint i = 0; i < request->tools->len; i++)
    {
      TftsrAiTool *t = request->tools->pdata[i];
      json_object *obj = json_object_new_object ();

      json_object_object_add (obj, "name", json_object_new_string (t->name));
      json_object_object_add (obj, "description", json_object_new_string (t->description));
      json_object_object_add (obj, "parametersJsonSchema",
                              tftsr_ai_json_object_or_empty (t->parameters));
      json_object_array_add (declarations, obj);
    }
  json_object_object_add (tool, "functionDeclarations", declarations);
  json_object_array_add (tools, tool);
  return tools;
}

static json_object *
chat_body (const TftsrAiProvider *provider, const TftsrAiRequest *request, gboolean tools)
{
  json_object *body = json_object_new_object ();
  json_object *config = json_object_new_object ();

  if (*request->system != '\0')
    {
      json_object *parts = json_object_new_array ();
      json_object *system = json_object_new_object ();

      json_object_array_add (parts, text_part (request->system));
      json_object_object_add (system, "parts", parts);
      json_object_object_add (body, "systemInstruction", system);
    }
  json_object_object_add (body, "contents", contents_json (request));
  if (tools && request->tools->len > 0)
    json_object_object_add (body, "tools", tools_json (request));
  json_object_object_add (config, "maxOutputTokens", json_object_new_int64 (request->max_tokens));
  json_object_object_add (body, "generationConfig", config);
  return body;
}

static void
take_part (TftsrAiStream *stream, json_object *part)
{
  json_object *function = NULL, *args = NULL, *thought = NULL;
  const char *text = tftsr_ai_json_string (part, "text");
  TftsrAiPartialCall *call;

  /* A thought summary is not part of the answer. */
  if (json_object_object_get_ex (part, "thought", &thought) && json_object_get_boolean (thought))
    return;
  if (text != NULL)
    tftsr_ai_stream_add_text (stream, text, strlen (text));
  if (!json_object_object_get_ex (part, "functionCall", &function))
    return;
  call = tftsr_ai_stream_call (stream, stream->calls->len, tftsr_ai_json_string (function, "id"));
  call->name = g_strdup (tftsr_ai_json_string (function, "name"));
  if (json_object_object_get_ex (function, "args", &args))
    g_string_append (call->arguments, json_object_to_json_string_ext (args, 0));
  g_free (call->signature);
  call->signature = g_strdup (tftsr_ai_json_string (part, "thoughtSignature"));
}

/* Candidate.FinishReason: the reasons that are a filter's verdict on the content. */
static gboolean
filtered (const char *reason)
{
  static const char *const reasons[] = { "SAFETY",
                                         "RECITATION",
                                         "LANGUAGE",
                                         "BLOCKLIST",
                                         "PROHIBITED_CONTENT",
                                         "SPII",
                                         "IMAGE_SAFETY",
                                         "IMAGE_PROHIBITED_CONTENT",
                                         "IMAGE_RECITATION" };

  for (guint i = 0; i < G_N_ELEMENTS (reasons); i++)
    if (g_str_equal (reason, reasons[i]))
      return TRUE;
  return FALSE;
}

static gboolean
take_candidate (TftsrAiStream *stream, json_object *candidate, GError **error)
{
  json_object *content = NULL, *parts = NULL;
  const char *reason = tftsr_ai_json_string (candidate, "finishReason");

  if (json_object_object_get_ex (candidate, "content", &content) &&
      json_object_object_get_ex (content, "parts", &parts) &&
      json_object_is_type (parts, json_type_array))
    for (size_t i = 0; i < json_object_array_length (parts); i++)
      take_part (stream, json_object_array_get_idx (parts, i));
  if (reason == NULL)
    return TRUE;
  if (g_str_equal (reason, "MALFORMED_FUNCTION_CALL"))
    return tftsr_ai_stream_error (error, TFTSR_AI_ERROR_MALFORMED,
                                  _ ("The model asked for a tool in a form that could not be "
                                     "read"));
  stream->finished = TRUE;
  stream->finish = g_str_equal (reason, "MAX_TOKENS") ? TFTSR_AI_FINISH_LENGTH
                   : filtered (reason)                ? TFTSR_AI_FINISH_FILTERED
                                                      : TFTSR_AI_FINISH_STOP;
  return TRUE;
}

static void
take_usage (TftsrAiStream *stream, json_object *chunk)
{
  json_object *usage = NULL, *value = NULL;

  if (!json_object_object_get_ex (chunk, "usageMetadata", &usage))
    return;
  if (json_object_object_get_ex (usage, "promptTokenCount", &value))
    stream->input_tokens = (guint) json_object_get_int (value);
  if (json_object_object_get_ex (usage, "candidatesTokenCount", &value))
    stream->output_tokens = (guint) json_object_get_int (value);
}

/* Google's error model is {"error":{"code","message","status"}}; RESOURCE_EXHAUSTED is its
 * 429. */
static TftsrAiError
error_code (json_object *chunk)
{
  json_object *err = NULL;

  json_object_object_get_ex (chunk, "error", &err);
  return g_strcmp0 (tftsr_ai_json_string (err, "status"), "RESOURCE_EXHAUSTED") == 0
             ? TFTSR_AI_ERROR_RATE_LIMITED
             : TFTSR_AI_ERROR_SERVER;
}

static gboolean
parse (TftsrAiStream *stream, const TftsrAiProvider *provider, const char *event, const char *data,
       gsize len, GError **error)
{
  g_autoptr (json_object) chunk = tftsr_ai_parse_object (data, len, error);
  g_autofree char *message = NULL;
  json_object *candidates = NULL, *feedback = NULL;

  if (chunk == NULL)
    return FALSE;
  if ((message = tftsr_ai_error_member_message (chunk)) != NULL)
    return tftsr_ai_stream_error (error, error_code (chunk), message);
  /* A prompt the safety filter refused has no candidates at all. */
  if (json_object_object_get_ex (chunk, "promptFeedback", &feedback) &&
      tftsr_ai_json_string (feedback, "blockReason") != NULL)
    {
      stream->finish = TFTSR_AI_FINISH_FILTERED;
      stream->finished = TRUE;
    }
  if (json_object_object_get_ex (chunk, "candidates", &candidates) &&
      json_object_is_type (candidates, json_type_array) &&
      json_object_array_length (candidates) > 0 &&
      !take_candidate (stream, json_object_array_get_idx (candidates, 0), error))
    return FALSE;
  take_usage (stream, chunk);
  return TRUE;
}

/* {"models":[{"name":"models/gemini-2.0-flash"}]}: the names without "models/". */
static GPtrArray *
parse_models (json_object *reply)
{
  return tftsr_ai_parse_names (reply, "models", "name", "models/");
}

const TftsrAiWire tftsr_ai_wire_gemini = {
  .images = TRUE,
  .framing = tftsr_ai_framing_sse,
  .chat_url = chat_url,
  .models_url = models_url,
  .headers = headers,
  .chat_body = chat_body,
  .parse = parse,
  .parse_models = parse_models,
  .error_message = tftsr_ai_error_member_message,
};
