/* tftsr-ai-wire.c: assembling a reply from a stream, and what the wire formats share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>
#include <string.h>

#include "tftsr-ai-wire.h"

const TftsrAiWire *
tftsr_ai_wire_for (TftsrAiFormat format)
{
  switch (format)
    {
    case TFTSR_AI_FORMAT_OPENAI:
    case TFTSR_AI_FORMAT_MISTRAL:
      return &tftsr_ai_wire_openai;
    case TFTSR_AI_FORMAT_ANTHROPIC:
      return &tftsr_ai_wire_anthropic;
    case TFTSR_AI_FORMAT_GEMINI:
      return &tftsr_ai_wire_gemini;
    case TFTSR_AI_FORMAT_OLLAMA:
      return &tftsr_ai_wire_ollama;
    case TFTSR_AI_FORMAT_CUSTOM:
      return &tftsr_ai_wire_custom;
    case TFTSR_AI_N_FORMATS:
    default:
      g_return_val_if_reached (NULL);
    }
}

TftsrAiFraming
tftsr_ai_framing_sse (const TftsrAiProvider *provider)
{
  return TFTSR_AI_FRAMING_SSE;
}

TftsrAiFraming
tftsr_ai_framing_ndjson (const TftsrAiProvider *provider)
{
  return TFTSR_AI_FRAMING_NDJSON;
}

static void
partial_call_free (TftsrAiPartialCall *call)
{
  g_free (call->id);
  g_free (call->name);
  g_string_free (call->arguments, TRUE);
  g_free (call->signature);
  g_free (call);
}

void
tftsr_ai_stream_init (TftsrAiStream *stream, TftsrAiTextFunc on_text, gpointer user_data)
{
  memset (stream, 0, sizeof *stream);
  stream->text = g_string_new (NULL);
  stream->calls = g_ptr_array_new_with_free_func ((GDestroyNotify) partial_call_free);
  stream->on_text = on_text;
  stream->user_data = user_data;
}

void
tftsr_ai_stream_clear (TftsrAiStream *stream)
{
  g_string_free (stream->text, TRUE);
  g_ptr_array_unref (stream->calls);
  memset (stream, 0, sizeof *stream);
}

void
tftsr_ai_stream_add_text (TftsrAiStream *stream, const char *text, gsize len)
{
  if (len == 0)
    return;
  g_string_append_len (stream->text, text, len);
  if (stream->on_text != NULL)
    stream->on_text (text, len, stream->user_data);
}

TftsrAiPartialCall *
tftsr_ai_stream_call (TftsrAiStream *stream, guint index, const char *id)
{
  TftsrAiPartialCall *call;

  while (stream->calls->len <= index)
    {
      call = g_new0 (TftsrAiPartialCall, 1);
      call->arguments = g_string_new (NULL);
      g_ptr_array_add (stream->calls, call);
    }
  call = stream->calls->pdata[index];
  if (call->id == NULL && id != NULL && *id != '\0')
    call->id = g_strdup (id);
  return call;
}

#define MADE_UP_ID_PREFIX "call_"

gboolean
tftsr_ai_call_id_is_made_up (const char *id)
{
  if (id == NULL || !g_str_has_prefix (id, MADE_UP_ID_PREFIX))
    return FALSE;
  id += strlen (MADE_UP_ID_PREFIX);
  for (const char *p = id; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  return *id != '\0';
}

TftsrAiReply *
tftsr_ai_stream_finish (TftsrAiStream *stream, GError **error)
{
  g_autoptr (TftsrAiReply) reply = g_new0 (TftsrAiReply, 1);

  reply->text = g_strdup (stream->text->str);
  reply->tool_calls = g_ptr_array_new_with_free_func ((GDestroyNotify) tftsr_ai_tool_call_free);
  reply->finish = stream->finish;
  reply->input_tokens = stream->input_tokens;
  reply->output_tokens = stream->output_tokens;
  for (guint i = 0; i < stream->calls->len; i++)
    {
      TftsrAiPartialCall *call = stream->calls->pdata[i];
      g_autofree char *made_up = g_strdup_printf (MADE_UP_ID_PREFIX "%u", i + 1);
      const char *args = call->arguments->len > 0 ? call->arguments->str : "{}";
      json_object *parsed = json_tokener_parse (args);
      gboolean object = parsed != NULL && json_object_is_type (parsed, json_type_object);
      TftsrAiToolCall *done;

      json_object_put (parsed);
      if (call->name == NULL || !object)
        {
          tftsr_ai_stream_error (error, TFTSR_AI_ERROR_MALFORMED,
                                 _ ("The model asked for a tool in a form that could not be "
                                    "read"));
          return NULL;
        }
      done = tftsr_ai_tool_call_new (call->id != NULL ? call->id : made_up, call->name, args);
      done->signature = g_strdup (call->signature);
      g_ptr_array_add (reply->tool_calls, done);
    }
  if (reply->tool_calls->len > 0)
    reply->finish = TFTSR_AI_FINISH_TOOL_CALLS;
  return g_steal_pointer (&reply);
}

void
tftsr_ai_header_free (TftsrAiHeader *header)
{
  if (header == NULL)
    return;
  if (header->secret && header->value != NULL)
    explicit_bzero (header->value, strlen (header->value));
  g_free (header->name);
  g_free (header->value);
  g_free (header);
}

void
tftsr_ai_add_header (GPtrArray *headers, const char *name, const char *value, gboolean secret)
{
  TftsrAiHeader *header = g_new0 (TftsrAiHeader, 1);

  header->name = g_strdup (name);
  header->value = g_strdup (value);
  header->secret = secret;
  g_ptr_array_add (headers, header);
}

char *
tftsr_ai_join_url (const char *base, const char *path)
{
  gsize len = strlen (base);

  while (len > 0 && base[len - 1] == '/')
    len--;
  while (*path == '/')
    path++;
  return g_strdup_printf ("%.*s/%s", (int) len, base, path);
}

json_object *
tftsr_ai_parse_object (const char *data, gsize len, GError **error)
{
  /* One tokener per thread: making one per event (a locale copy each time) cost more than
   * parsing the event. */
  static GPrivate tokener = G_PRIVATE_INIT ((GDestroyNotify) json_tokener_free);
  json_tokener *tok = g_private_get (&tokener);
  json_object *obj;
  gboolean complete;

  if (tok == NULL)
    g_private_set (&tokener, tok = json_tokener_new ());
  json_tokener_reset (tok);
  obj = json_tokener_parse_ex (tok, data, (int) MIN (len, G_MAXINT));
  complete = json_tokener_get_error (tok) == json_tokener_success &&
             json_tokener_get_parse_end (tok) == MIN (len, G_MAXINT);
  if (obj != NULL && complete && json_object_is_type (obj, json_type_object))
    return obj;
  json_object_put (obj);
  g_set_error (error, TFTSR_AI_ERROR, TFTSR_AI_ERROR_MALFORMED,
               _ ("The provider sent a reply that is not the JSON it should be"));
  return NULL;
}

const char *
tftsr_ai_json_string (json_object *obj, const char *key)
{
  json_object *value = NULL;

  if (obj == NULL || !json_object_object_get_ex (obj, key, &value) ||
      !json_object_is_type (value, json_type_string))
    return NULL;
  return json_object_get_string (value);
}

json_object *
tftsr_ai_json_object_or_empty (const char *text)
{
  json_object *obj = json_tokener_parse (text != NULL ? text : "");

  if (obj != NULL && json_object_is_type (obj, json_type_object))
    return obj;
  json_object_put (obj);
  return json_object_new_object ();
}

json_object *
tftsr_ai_object_in_reply (const char *reply)
{
  const char *open = reply != NULL ? strchr (reply, '{') : NULL;
  const char *close = reply != NULL ? strrchr (reply, '}') : NULL;

  if (open == NULL || close == NULL || close < open)
    return NULL;
  return tftsr_ai_parse_object (open, (gsize) (close - open + 1), NULL);
}

gboolean
tftsr_ai_stream_error (GError **error, TftsrAiError code, const char *message)
{
  g_set_error_literal (error, TFTSR_AI_ERROR, code, message);
  return FALSE;
}

GPtrArray *
tftsr_ai_parse_names (json_object *reply, const char *array, const char *member, const char *prefix)
{
  json_object *items = NULL;
  GPtrArray *names;

  if (!json_object_object_get_ex (reply, array, &items) ||
      !json_object_is_type (items, json_type_array))
    return NULL;
  names = g_ptr_array_new_with_free_func (g_free);
  for (size_t i = 0; i < json_object_array_length (items); i++)
    {
      const char *name = tftsr_ai_json_string (json_object_array_get_idx (items, i), member);

      if (name != NULL && prefix != NULL && g_str_has_prefix (name, prefix))
        name += strlen (prefix);
      if (name != NULL)
        g_ptr_array_add (names, g_strdup (name));
    }
  return names;
}

GPtrArray *
tftsr_ai_parse_data_ids (json_object *reply)
{
  return tftsr_ai_parse_names (reply, "data", "id", NULL);
}

char *
tftsr_ai_error_member_message (json_object *body)
{
  json_object *error = NULL;
  const char *message;

  if (!json_object_object_get_ex (body, "error", &error))
    return NULL;
  if (json_object_is_type (error, json_type_string))
    return g_strdup (json_object_get_string (error));
  message = tftsr_ai_json_string (error, "message");
  return message != NULL ? g_strdup (message) : NULL;
}

/* {"type":"function","function":{name, description, parameters}}: OpenAI's and Ollama's
 * shape of a tool. */
json_object *
tftsr_ai_function_tools_json (const TftsrAiRequest *request)
{
  json_object *array = json_object_new_array ();

  for (guint i = 0; i < request->tools->len; i++)
    {
      TftsrAiTool *tool = request->tools->pdata[i];
      json_object *obj = json_object_new_object ();
      json_object *function = json_object_new_object ();

      json_object_object_add (function, "name", json_object_new_string (tool->name));
      json_object_object_add (function, "description", json_object_new_string (tool->description));
      json_object_object_add (function, "parameters",
                              tftsr_ai_json_object_or_empty (tool->parameters));
      json_object_object_add (obj, "type", json_object_new_string ("function"));
      json_object_object_add (obj, "function", function);
      json_object_array_add (array, obj);
    }
  return array;
}

void
tftsr_ai_add_system_message (json_object *messages, const char *system)
{
  json_object *message;

  /* An empty one would override a local model's own system prompt. */
  if (system == NULL || *system == '\0')
    return;
  message = json_object_new_object ();
  json_object_object_add (message, "role", json_object_new_string ("system"));
  json_object_object_add (message, "content", json_object_new_string (system));
  json_object_array_add (messages, message);
}

json_object *
tftsr_ai_image_base64 (const TftsrAiImage *image)
{
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (image->data, &len);
  g_autofree char *encoded = g_base64_encode (data, len);

  return json_object_new_string (encoded);
}

json_object *
tftsr_ai_content_parts (const TftsrAiMessage *message,
                        json_object *(*image_part) (const TftsrAiImage *image))
{
  json_object *parts = json_object_new_array ();

  if (*message->content != '\0')
    {
      json_object *text = json_object_new_object ();

      json_object_object_add (text, "type", json_object_new_string ("text"));
      json_object_object_add (text, "text", json_object_new_string (message->content));
      json_object_array_add (parts, text);
    }
  for (guint i = 0; i < message->images->len; i++)
    json_object_array_add (parts, image_part (message->images->pdata[i]));
  return parts;
}
