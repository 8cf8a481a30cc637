/* tftsr-mcp-jsonrpc.c: JSON-RPC 2.0 messages as MCP carries them, and the MCP results
 * read from them
 *
 * Everything a server sends is checked here before any other code looks at it: a message
 * that is not exactly one JSON-RPC 2.0 object is refused with a sentence, never guessed at.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#include "tftsr-mcp-private.h"

G_DEFINE_QUARK (tftsr - mcp - error - quark, tftsr_mcp_error)

char *
tftsr_mcp_excerpt (const char *text, gsize len, gsize max_chars)
{
  g_autofree char *valid = g_utf8_make_valid (text, (gssize) MIN (len, max_chars * 4));
  GString *out = g_string_new (NULL);
  gsize n = 0;

  for (const char *p = valid; *p != '\0' && n < max_chars; p = g_utf8_next_char (p), n++)
    {
      gunichar c = g_utf8_get_char (p);
      if (g_unichar_iscntrl (c))
        g_string_append_c (out, ' ');
      else
        g_string_append_unichar (out, c);
    }
  if ((glong) n < g_utf8_strlen (valid, -1) || len > max_chars * 4)
    g_string_append (out, "…");
  return g_string_free (out, FALSE);
}

char *
tftsr_mcp_json_text (json_object *object)
{
  if (object == NULL)
    return NULL;
  return g_strdup (json_object_to_json_string_ext (object, JSON_C_TO_STRING_PLAIN |
                                                               JSON_C_TO_STRING_NOSLASHESCAPE));
}

const char *
tftsr_mcp_json_string (json_object *object, const char *member)
{
  json_object *value = NULL;

  if (object == NULL || !json_object_object_get_ex (object, member, &value) ||
      !json_object_is_type (value, json_type_string))
    return NULL;
  return json_object_get_string (value);
}

static gboolean
protocol_error (GError **error, const char *what, const char *text, gsize len)
{
  g_autofree char *excerpt = tftsr_mcp_excerpt (text, len, 80);

  g_set_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_PROTOCOL,
               _ ("The server sent a message that is not valid JSON-RPC (%s): “%s”"), what,
               excerpt);
  return FALSE;
}

static json_object *
parse_json (const char *text, gsize len, GError **error)
{
  g_autoptr (json_tokener) tokener = NULL;
  json_object *root = NULL;

  if (len > TFTSR_MCP_MAX_MESSAGE)
    {
      g_set_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_TOO_LARGE,
                   _ ("The server sent a message larger than %u MiB."),
                   (guint) (TFTSR_MCP_MAX_MESSAGE >> 20));
      return NULL;
    }
  /* json-c stops at a NUL: a message holding one is not what it claims to be. */
  if (memchr (text, '\0', len) != NULL)
    return protocol_error (error, _ ("it contains a NUL byte"), text, len), NULL;
  tokener = json_tokener_new_ex (64);
  if (tokener == NULL)
    g_error ("out of memory");
  json_tokener_set_flags (tokener, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
  root = json_tokener_parse_ex (tokener, text, (int) len);
  if (root == NULL || json_tokener_get_error (tokener) != json_tokener_success ||
      json_tokener_get_parse_end (tokener) != len)
    {
      json_object_put (root);
      return protocol_error (error, _ ("not JSON"), text, len), NULL;
    }
  return root;
}

/* An id we may have sent: a non-negative integer within gint64. */
static gint64
our_id (json_object *id)
{
  if (id == NULL || !json_object_is_type (id, json_type_int))
    return -1;
  errno = 0;
  gint64 value = json_object_get_int64 (id);
  return value >= 0 && errno == 0 ? value : -1;
}

static gboolean
read_error_member (json_object *object, TftsrJsonRpcMessage *message, const char *text, gsize len,
                   GError **error)
{
  json_object *code = NULL, *msg = NULL;

  if (!json_object_is_type (object, json_type_object) ||
      !json_object_object_get_ex (object, "code", &code) ||
      !json_object_is_type (code, json_type_int) ||
      !json_object_object_get_ex (object, "message", &msg) ||
      !json_object_is_type (msg, json_type_string))
    return protocol_error (error, _ ("an error without a code and message"), text, len);
  message->kind = TFTSR_JSONRPC_ERROR;
  message->error_code = json_object_get_int64 (code);
  message->error_message = json_object_get_string (msg);
  json_object_object_get_ex (object, "data", &message->error_data);
  return TRUE;
}

static gboolean
classify (TftsrJsonRpcMessage *message, const char *text, gsize len, GError **error)
{
  json_object *root = message->root, *version = NULL, *method = NULL, *id = NULL;
  json_object *result = NULL, *err = NULL;
  gboolean has_id = json_object_object_get_ex (root, "id", &id);

  if (!json_object_object_get_ex (root, "jsonrpc", &version) ||
      g_strcmp0 (json_object_get_string (version), "2.0") != 0 ||
      !json_object_is_type (version, json_type_string))
    return protocol_error (error, _ ("no “jsonrpc”: “2.0”"), text, len);
  if (has_id && id != NULL && !json_object_is_type (id, json_type_int) &&
      !json_object_is_type (id, json_type_string))
    return protocol_error (error, _ ("an id that is neither a number nor a string"), text, len);
  if (json_object_object_get_ex (root, "method", &method))
    {
      if (!json_object_is_type (method, json_type_string))
        return protocol_error (error, _ ("a method that is not a string"), text, len);
      message->method = json_object_get_string (method);
      json_object_object_get_ex (root, "params", &message->params);
      if (message->params != NULL && !json_object_is_type (message->params, json_type_object) &&
          !json_object_is_type (message->params, json_type_array))
        return protocol_error (error, _ ("parameters that are not structured"), text, len);
      message->kind = has_id && id != NULL ? TFTSR_JSONRPC_REQUEST : TFTSR_JSONRPC_NOTIFICATION;
      message->raw_id = id;
      return TRUE;
    }
  gboolean has_result = json_object_object_get_ex (root, "result", &result);
  gboolean has_error = json_object_object_get_ex (root, "error", &err);
  if (!has_id || has_result == has_error)
    return protocol_error (error, _ ("neither a request nor one answer"), text, len);
  message->id = our_id (id);
  if (has_error)
    return read_error_member (err, message, text, len, error);
  if (!json_object_is_type (result, json_type_object))
    return protocol_error (error, _ ("a result that is not an object"), text, len);
  message->kind = TFTSR_JSONRPC_RESULT;
  message->result = result;
  return TRUE;
}

gboolean
tftsr_jsonrpc_parse (const char *text, gsize len, TftsrJsonRpcMessage *message, GError **error)
{
  g_return_val_if_fail (text != NULL || len == 0, FALSE);

  memset (message, 0, sizeof *message);
  message->id = -1;
  message->root = parse_json (text != NULL ? text : "", len, error);
  if (message->root == NULL)
    return FALSE;
  if (json_object_is_type (message->root, json_type_array))
    {
      /* Batches were removed from MCP in 2025-06-18, which this client speaks at least. */
      tftsr_jsonrpc_message_clear (message);
      return protocol_error (error, _ ("a batch"), text, len);
    }
  if (!json_object_is_type (message->root, json_type_object) ||
      !classify (message, text, len, error))
    {
      if (error != NULL && *error == NULL)
        protocol_error (error, _ ("not an object"), text, len);
      tftsr_jsonrpc_message_clear (message);
      return FALSE;
    }
  return TRUE;
}

void
tftsr_jsonrpc_message_clear (TftsrJsonRpcMessage *message)
{
  g_clear_pointer (&message->root, json_object_put);
  memset (message, 0, sizeof *message);
  message->id = -1;
}

static char *
finish_message (json_object *object)
{
  char *text = tftsr_mcp_json_text (object);

  json_object_put (object);
  /* json-c escapes control characters, so no line break can end up inside a message. */
  g_assert (strchr (text, '\n') == NULL);
  return text;
}

static json_object *
message_new (void)
{
  json_object *object = json_object_new_object ();

  json_object_object_add (object, "jsonrpc", json_object_new_string ("2.0"));
  return object;
}

char *
tftsr_jsonrpc_request (gint64 id, const char *method, json_object *params)
{
  json_object *object = message_new ();

  json_object_object_add (object, "id", json_object_new_int64 (id));
  json_object_object_add (object, "method", json_object_new_string (method));
  if (params != NULL)
    json_object_object_add (object, "params", json_object_get (params));
  return finish_message (object);
}

char *
tftsr_jsonrpc_notification (const char *method, json_object *params)
{
  json_object *object = message_new ();

  json_object_object_add (object, "method", json_object_new_string (method));
  if (params != NULL)
    json_object_object_add (object, "params", json_object_get (params));
  return finish_message (object);
}

char *
tftsr_jsonrpc_result (json_object *id, json_object *result)
{
  json_object *object = message_new ();

  json_object_object_add (object, "id", json_object_get (id));
  json_object_object_add (object, "result", json_object_get (result));
  return finish_message (object);
}

char *
tftsr_jsonrpc_error (json_object *id, int code, const char *message)
{
  json_object *object = message_new ();
  json_object *err = json_object_new_object ();

  json_object_object_add (err, "code", json_object_new_int (code));
  json_object_object_add (err, "message", json_object_new_string (message));
  json_object_object_add (object, "id", json_object_get (id));
  json_object_object_add (object, "error", err);
  return finish_message (object);
}

/* ------------------------------------------------------------------------------------------
 * Results
 */

static gboolean
shape_error (GError **error, const char *what)
{
  g_set_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_PROTOCOL,
               _ ("The server's answer is not what MCP describes: %s."), what);
  return FALSE;
}

static char *
object_member_text (json_object *object, const char *member)
{
  json_object *value = NULL;

  if (!json_object_object_get_ex (object, member, &value) ||
      !json_object_is_type (value, json_type_object))
    return NULL;
  return tftsr_mcp_json_text (value);
}

TftsrMcpTool *
tftsr_mcp_tool_from_json (json_object *object, GError **error)
{
  g_autoptr (TftsrMcpTool) tool = g_new0 (TftsrMcpTool, 1);
  const char *name = tftsr_mcp_json_string (object, "name");

  if (!json_object_is_type (object, json_type_object) || name == NULL || *name == '\0')
    return shape_error (error, _ ("a tool without a name")), NULL;
  tool->name = g_strdup (name);
  tool->title = g_strdup (tftsr_mcp_json_string (object, "title"));
  tool->description = g_strdup (tftsr_mcp_json_string (object, "description"));
  tool->input_schema = object_member_text (object, "inputSchema");
  if (tool->input_schema == NULL)
    tool->input_schema = g_strdup ("{\"type\":\"object\"}");
  tool->output_schema = object_member_text (object, "outputSchema");
  tool->annotations = object_member_text (object, "annotations");
  tool->json = tftsr_mcp_json_text (object);
  return g_steal_pointer (&tool);
}

TftsrMcpResource *
tftsr_mcp_resource_from_json (json_object *object, GError **error)
{
  g_autoptr (TftsrMcpResource) resource = g_new0 (TftsrMcpResource, 1);
  const char *uri = tftsr_mcp_json_string (object, "uri");
  const char *name = tftsr_mcp_json_string (object, "name");
  json_object *size = NULL;

  if (!json_object_is_type (object, json_type_object) || uri == NULL || name == NULL)
    return shape_error (error, _ ("a resource without a URI and name")), NULL;
  resource->uri = g_strdup (uri);
  resource->name = g_strdup (name);
  resource->title = g_strdup (tftsr_mcp_json_string (object, "title"));
  resource->description = g_strdup (tftsr_mcp_json_string (object, "description"));
  resource->mime_type = g_strdup (tftsr_mcp_json_string (object, "mimeType"));
  resource->size = -1;
  if (json_object_object_get_ex (object, "size", &size) &&
      json_object_is_type (size, json_type_int))
    resource->size = MAX (json_object_get_int64 (size), -1);
  resource->json = tftsr_mcp_json_text (object);
  return g_steal_pointer (&resource);
}

static gboolean
decode_base64 (const char *text, GBytes **out, GError **error)
{
  gsize len = 0;
  guchar *data = NULL;

  if (text == NULL)
    return shape_error (error, _ ("binary content without data"));
  /* g_base64_decode accepts anything; refuse what is not base64 at all. */
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr ("+/=\r\n", *p) == NULL)
      return shape_error (error, _ ("binary content that is not base64"));
  data = g_base64_decode (text, &len);
  *out = g_bytes_new_take (data, len);
  return TRUE;
}

/* A resource's contents: text or a base64 blob, with its URI. */
static gboolean
read_resource_contents (json_object *object, TftsrMcpContent *content, GError **error)
{
  const char *text = tftsr_mcp_json_string (object, "text");

  content->kind = TFTSR_MCP_CONTENT_RESOURCE;
  content->uri = g_strdup (tftsr_mcp_json_string (object, "uri"));
  content->mime_type = g_strdup (tftsr_mcp_json_string (object, "mimeType"));
  if (content->uri == NULL)
    return shape_error (error, _ ("resource contents without a URI"));
  if (text != NULL)
    {
      content->text = g_strdup (text);
      return TRUE;
    }
  return decode_base64 (tftsr_mcp_json_string (object, "blob"), &content->data, error);
}

static gboolean
read_block (json_object *object, const char *type, TftsrMcpContent *content, GError **error)
{
  json_object *embedded = NULL;

  if (g_strcmp0 (type, "text") == 0)
    {
      content->kind = TFTSR_MCP_CONTENT_TEXT;
      content->text = g_strdup (tftsr_mcp_json_string (object, "text"));
      return content->text != NULL || shape_error (error, _ ("text content without text"));
    }
  if (g_strcmp0 (type, "image") == 0 || g_strcmp0 (type, "audio") == 0)
    {
      content->kind = type[0] == 'i' ? TFTSR_MCP_CONTENT_IMAGE : TFTSR_MCP_CONTENT_AUDIO;
      content->mime_type = g_strdup (tftsr_mcp_json_string (object, "mimeType"));
      return decode_base64 (tftsr_mcp_json_string (object, "data"), &content->data, error);
    }
  if (g_strcmp0 (type, "resource_link") == 0)
    {
      content->kind = TFTSR_MCP_CONTENT_RESOURCE_LINK;
      content->uri = g_strdup (tftsr_mcp_json_string (object, "uri"));
      content->name = g_strdup (tftsr_mcp_json_string (object, "name"));
      content->mime_type = g_strdup (tftsr_mcp_json_string (object, "mimeType"));
      return content->uri != NULL || shape_error (error, _ ("a resource link without a URI"));
    }
  if (g_strcmp0 (type, "resource") == 0)
    {
      if (!json_object_object_get_ex (object, "resource", &embedded) ||
          !json_object_is_type (embedded, json_type_object))
        return shape_error (error, _ ("an embedded resource without its contents"));
      return read_resource_contents (embedded, content, error);
    }
  content->kind = TFTSR_MCP_CONTENT_OTHER;
  return TRUE;
}

TftsrMcpContent *
tftsr_mcp_content_from_json (json_object *object, gboolean resource_contents, GError **error)
{
  g_autoptr (TftsrMcpContent) content = g_new0 (TftsrMcpContent, 1);

  if (!json_object_is_type (object, json_type_object))
    return shape_error (error, _ ("content that is not an object")), NULL;
  if (resource_contents
          ? !read_resource_contents (object, content, error)
          : !read_block (object, tftsr_mcp_json_string (object, "type"), content, error))
    return NULL;
  content->json = tftsr_mcp_json_text (object);
  return g_steal_pointer (&content);
}

TftsrMcpToolResult *
tftsr_mcp_tool_result_from_json (json_object *result, GError **error)
{
  g_autoptr (TftsrMcpToolResult) out = g_new0 (TftsrMcpToolResult, 1);
  json_object *content = NULL, *structured = NULL, *is_error = NULL;

  out->content = g_ptr_array_new_with_free_func ((GDestroyNotify) tftsr_mcp_content_free);
  if (!json_object_object_get_ex (result, "content", &content) ||
      !json_object_is_type (content, json_type_array))
    return shape_error (error, _ ("a tool result without content")), NULL;
  for (size_t i = 0; i < json_object_array_length (content); i++)
    {
      TftsrMcpContent *block =
          tftsr_mcp_content_from_json (json_object_array_get_idx (content, i), FALSE, error);
      if (block == NULL)
        return NULL;
      g_ptr_array_add (out->content, block);
    }
  if (json_object_object_get_ex (result, "structuredContent", &structured) && structured != NULL)
    out->structured_content = tftsr_mcp_json_text (structured);
  out->is_error = json_object_object_get_ex (result, "isError", &is_error) &&
                  json_object_is_type (is_error, json_type_boolean) &&
                  json_object_get_boolean (is_error);
  out->json = tftsr_mcp_json_text (result);
  return g_steal_pointer (&out);
}

/* ------------------------------------------------------------------------------------------
 * Initialization (lifecycle: the client offers its newest version; the server answers with
 * it or another it speaks; a client that does not speak the answer disconnects).
 */

gboolean
tftsr_mcp_check_initialize_result (json_object *result, const char **version, GError **error)
{
  const char *answered = tftsr_mcp_json_string (result, "protocolVersion");
  json_object *capabilities = NULL;

  if (answered == NULL)
    return shape_error (error, _ ("the answer to initialize names no protocol version"));
  if (g_strcmp0 (answered, TFTSR_MCP_PROTOCOL_VERSION_STATELESS) == 0)
    {
      g_set_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_UNSUPPORTED_VERSION,
                   _ ("The server speaks only MCP %s, which tftsr does not support yet (it "
                      "speaks %s and %s)."),
                   answered, TFTSR_MCP_PROTOCOL_VERSION, TFTSR_MCP_PROTOCOL_VERSION_OLD);
      return FALSE;
    }
  if (g_strcmp0 (answered, TFTSR_MCP_PROTOCOL_VERSION) != 0 &&
      g_strcmp0 (answered, TFTSR_MCP_PROTOCOL_VERSION_OLD) != 0)
    {
      g_autofree char *shown = tftsr_mcp_excerpt (answered, strlen (answered), 40);
      g_set_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_UNSUPPORTED_VERSION,
                   _ ("The server speaks MCP %s; tftsr speaks %s and %s."), shown,
                   TFTSR_MCP_PROTOCOL_VERSION, TFTSR_MCP_PROTOCOL_VERSION_OLD);
      return FALSE;
    }
  if (!json_object_object_get_ex (result, "capabilities", &capabilities) ||
      !json_object_is_type (capabilities, json_type_object))
    return shape_error (error, _ ("the answer to initialize has no capabilities"));
  *version = answered;
  return TRUE;
}

/* Whether an error's data lists supported versions that are all newer than ours. */
static gboolean
names_only_modern (json_object *data)
{
  json_object *supported = NULL;
  gboolean any = FALSE;

  if (data == NULL || !json_object_object_get_ex (data, "supported", &supported) ||
      !json_object_is_type (supported, json_type_array))
    return FALSE;
  for (size_t i = 0; i < json_object_array_length (supported); i++)
    {
      const char *v = json_object_get_string (json_object_array_get_idx (supported, i));
      if (g_strcmp0 (v, TFTSR_MCP_PROTOCOL_VERSION) == 0 ||
          g_strcmp0 (v, TFTSR_MCP_PROTOCOL_VERSION_OLD) == 0)
        return FALSE;
      any = TRUE;
    }
  return any;
}

void
tftsr_mcp_set_initialize_error (gint64 code, const char *message, json_object *data, GError **error)
{
  g_autofree char *shown = tftsr_mcp_excerpt (message, strlen (message), 200);

  /* A server of the stateless revision has no initialize: it answers with its
   * UnsupportedProtocolVersionError, or with "method not found", and should name the
   * versions it supports. */
  if (code == TFTSR_MCP_UNSUPPORTED_VERSION_CODE || code == TFTSR_JSONRPC_METHOD_NOT_FOUND ||
      names_only_modern (data) || strstr (message, TFTSR_MCP_PROTOCOL_VERSION_STATELESS) != NULL)
    g_set_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_UNSUPPORTED_VERSION,
                 _ ("The server does not accept initialize: it seems to speak only MCP %s "
                    "(stateless), which tftsr does not support yet (it speaks %s and %s). The "
                    "server said: %s"),
                 TFTSR_MCP_PROTOCOL_VERSION_STATELESS, TFTSR_MCP_PROTOCOL_VERSION,
                 TFTSR_MCP_PROTOCOL_VERSION_OLD, shown);
  else
    g_set_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_SERVER,
                 _ ("The server refused to start a session: %s"), shown);
}
