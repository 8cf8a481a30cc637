/* tftsr-ai-custom.c: a REST gateway described by the provider's options
 *
 * Options (all strings, all optional):
 *   path              appended to the base URL ("/v1/generate")
 *   auth_header       the header the key goes in (default "Authorization")
 *   auth_prefix       put before the key (default "Bearer "; "" for a bare key)
 *   request_template  the JSON body; a string that is exactly "{{messages}}" becomes the
 *                     conversation as [{"role","content"}] (system first), and "{{system}}",
 *                     "{{prompt}}" (the last user message) and "{{model}}" are replaced
 *                     inside strings. Default {"model":"{{model}}","messages":"{{messages}}"}
 *   stream            "none" (default), "sse" or "ndjson"
 *   response_path     where the text is in the reply (not streamed), dotted with array
 *                     indexes: "choices.0.message.content" (default "response")
 *   stream_path       where each event's piece of text is (default: response_path)
 *   done_marker       the SSE data that ends a stream ("[DONE]"); without one, a stream
 *                     that ends cleanly is complete
 * Values are put into the template as JSON values, so nothing in a conversation can break
 * out of its string. Tools are not offered: a gateway's tool shape is unknown.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>
#include <string.h>

#include "tftsr-ai-wire.h"

#define DEFAULT_TEMPLATE "{\"model\":\"{{model}}\",\"messages\":\"{{messages}}\"}"

static char *
option (const TftsrAiProvider *provider, const char *key, const char *fallback)
{
  char *value = tftsr_ai_provider_dup_option (provider, key);
  return value != NULL ? value : g_strdup (fallback);
}

static TftsrAiFraming
framing (const TftsrAiProvider *provider)
{
  g_autofree char *stream = option (provider, "stream", "none");

  if (g_str_equal (stream, "sse"))
    return TFTSR_AI_FRAMING_SSE;
  if (g_str_equal (stream, "ndjson"))
    return TFTSR_AI_FRAMING_NDJSON;
  return TFTSR_AI_FRAMING_WHOLE;
}

static char *
chat_url (const TftsrAiProvider *provider)
{
  g_autofree char *path = option (provider, "path", "");
  return *path != '\0' ? tftsr_ai_join_url (provider->base_url, path)
                       : g_strdup (provider->base_url);
}

static char *
models_url (const TftsrAiProvider *provider)
{
  return NULL;
}

static void
headers (const TftsrAiProvider *provider, const char *key, GPtrArray *out)
{
  g_autofree char *name = option (provider, "auth_header", "Authorization");
  g_autofree char *prefix = option (provider, "auth_prefix", "Bearer ");
  g_autofree char *value = NULL;

  if (key == NULL)
    return;
  value = g_strconcat (prefix, key, NULL);
  tftsr_ai_add_header (out, name, value, TRUE);
}

typedef struct
{
  const TftsrAiProvider *provider;
  const TftsrAiRequest *request;
  const char *prompt;
} Fill;

static json_object *
messages_json (const TftsrAiRequest *request)
{
  json_object *array = json_object_new_array ();

  tftsr_ai_add_system_message (array, request->system);
  for (guint i = 0; i < request->messages->len; i++)
    {
      TftsrAiMessage *m = request->messages->pdata[i];
      json_object *obj;

      if (m->role == TFTSR_AI_ROLE_TOOL)
        continue;
      obj = json_object_new_object ();
      json_object_object_add (obj, "role",
                              json_object_new_string (tftsr_ai_role_to_string (m->role)));
      json_object_object_add (obj, "content", json_object_new_string (m->content));
      json_object_array_add (array, obj);
    }
  return array;
}

/* @text with its placeholders replaced in one pass, so that a value which itself holds
 * "{{prompt}}" or "{{model}}" is put in as it is, never expanded. */
static char *
fill_string (const Fill *fill, const char *text)
{
  const struct
  {
    const char *name;
    const char *value;
  } values[] = {
    { "{{system}}", fill->request->system },
    { "{{prompt}}", fill->prompt },
    { "{{model}}", fill->provider->model },
  };
  GString *out = g_string_new (NULL);

  while (*text != '\0')
    {
      guint i;

      for (i = 0; i < G_N_ELEMENTS (values); i++)
        if (g_str_has_prefix (text, values[i].name))
          break;
      if (i == G_N_ELEMENTS (values))
        {
          g_string_append_c (out, *text++);
          continue;
        }
      g_string_append (out, values[i].value);
      text += strlen (values[i].name);
    }
  return g_string_free (out, FALSE);
}

/* A copy of @node with the placeholders filled in. */
static json_object *
fill_node (const Fill *fill, json_object *node)
{
  json_object *copy;

  switch (json_object_get_type (node))
    {
    case json_type_string:
      {
        g_autofree char *text = NULL;

        if (g_str_equal (json_object_get_string (node), "{{messages}}"))
          return messages_json (fill->request);
        text = fill_string (fill, json_object_get_string (node));
        return json_object_new_string (text);
      }
    case json_type_object:
      copy = json_object_new_object ();
      json_object_object_foreach (node, key, value)
          json_object_object_add (copy, key, fill_node (fill, value));
      return copy;
    case json_type_array:
      copy = json_object_new_array ();
      for (size_t i = 0; i < json_object_array_length (node); i++)
        json_object_array_add (copy, fill_node (fill, json_object_array_get_idx (node, i)));
      return copy;
    case json_type_null:
    case json_type_boolean:
    case json_type_double:
    case json_type_int:
    default:
      return json_object_get (node);
    }
}

static const char *
last_user_text (const TftsrAiRequest *request)
{
  for (guint i = request->messages->len; i > 0; i--)
    {
      TftsrAiMessage *m = request->messages->pdata[i - 1];
      if (m->role == TFTSR_AI_ROLE_USER)
        return m->content;
    }
  return "";
}

static json_object *
chat_body (const TftsrAiProvider *provider, const TftsrAiRequest *request, gboolean tools)
{
  g_autofree char *text = option (provider, "request_template", DEFAULT_TEMPLATE);
  g_autoptr (json_object) template = tftsr_ai_json_object_or_empty (text);
  Fill fill = { provider, request, last_user_text (request) };

  return fill_node (&fill, template);
}

/* The node at dotted @path ("choices.0.delta.content") in @root, or NULL. */
static json_object *
lookup (json_object *root, const char *path)
{
  g_auto (GStrv) parts = g_strsplit (path, ".", -1);
  json_object *node = root;

  for (guint i = 0; node != NULL && parts[i] != NULL; i++)
    {
      json_object *next = NULL;
      guint64 index;

      if (json_object_is_type (node, json_type_array) &&
          g_ascii_string_to_unsigned (parts[i], 10, 0, G_MAXINT, &index, NULL))
        next = json_object_array_get_idx (node, index);
      else if (json_object_is_type (node, json_type_object))
        json_object_object_get_ex (node, parts[i], &next);
      node = next;
    }
  return node;
}

/* The options are read per event: a gateway's stream is short, and this keeps the wire
 * format stateless like the others. */
static gboolean
parse (TftsrAiStream *stream, const TftsrAiProvider *provider, const char *event, const char *data,
       gsize len, GError **error)
{
  gboolean whole = framing (provider) == TFTSR_AI_FRAMING_WHOLE;
  g_autofree char *response_path = option (provider, "response_path", "response");
  g_autofree char *path =
      whole ? g_strdup (response_path) : option (provider, "stream_path", response_path);
  g_autofree char *marker = tftsr_ai_provider_dup_option (provider, "done_marker");
  g_autoptr (json_object) obj = NULL;
  g_autofree char *message = NULL;
  json_object *text;

  stream->finished = whole || marker == NULL;
  if (marker != NULL && len == strlen (marker) && memcmp (data, marker, len) == 0)
    {
      stream->finished = TRUE;
      return TRUE;
    }
  if ((obj = tftsr_ai_parse_object (data, len, error)) == NULL)
    return FALSE;
  text = lookup (obj, path);
  if (text != NULL && json_object_is_type (text, json_type_string))
    tftsr_ai_stream_add_text (stream, json_object_get_string (text),
                              json_object_get_string_len (text));
  else if ((message = tftsr_ai_error_member_message (obj)) != NULL)
    return tftsr_ai_stream_error (error, TFTSR_AI_ERROR_SERVER, message);
  else if (whole)
    return tftsr_ai_stream_error (error, TFTSR_AI_ERROR_MALFORMED,
                                  _ ("The gateway’s reply has no text where the provider’s "
                                     "response_path says"));
  return TRUE;
}

const TftsrAiWire tftsr_ai_wire_custom = {
  .images = FALSE,
  .framing = framing,
  .chat_url = chat_url,
  .models_url = models_url,
  .headers = headers,
  .chat_body = chat_body,
  .parse = parse,
  .parse_models = NULL,
  .error_message = tftsr_ai_error_member_message,
};
