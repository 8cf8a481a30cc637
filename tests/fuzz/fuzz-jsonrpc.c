/* fuzz-jsonrpc.c: what an MCP server sends. The input is read as one message (a Streamable
 * HTTP body or an SSE event's data) and, cut at its newlines, as stdio's lines. Each is a
 * message or a GError, never both; a message is read further the way the client reads it
 * (initialize's answer, tools, resources, contents, a tool's result, an error answered to
 * initialize), and a request is answered and the answer parsed back. The bytes also go
 * through the server log, which must stay valid UTF-8 within its bound, and through the
 * excerpt made for error messages.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdlib.h>
#include <string.h>

#include "tftsr-mcp-private.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static void
check_text (const char *text)
{
  if (text != NULL && !g_utf8_validate (text, -1, NULL))
    abort ();
}

static void
read_array (json_object *result, const char *member, int what)
{
  json_object *array = NULL;

  if (!json_object_object_get_ex (result, member, &array) ||
      !json_object_is_type (array, json_type_array))
    return;
  for (size_t i = 0; i < json_object_array_length (array); i++)
    {
      json_object *item = json_object_array_get_idx (array, i);
      g_autoptr (GError) error = NULL;

      if (what == 0)
        {
          g_autoptr (TftsrMcpTool) tool = tftsr_mcp_tool_from_json (item, &error);
          if ((tool == NULL) == (error == NULL))
            abort ();
          if (tool != NULL && (tool->name == NULL || tool->input_schema == NULL))
            abort ();
        }
      else if (what == 1)
        {
          g_autoptr (TftsrMcpResource) resource = tftsr_mcp_resource_from_json (item, &error);
          if ((resource == NULL) == (error == NULL))
            abort ();
          if (resource != NULL && (resource->uri == NULL || resource->name == NULL))
            abort ();
        }
      else
        {
          g_autoptr (TftsrMcpContent) content = tftsr_mcp_content_from_json (item, TRUE, &error);
          if ((content == NULL) == (error == NULL))
            abort ();
        }
    }
}

static void
read_result (json_object *result)
{
  const char *version = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrMcpToolResult) tool_result = NULL;

  if (tftsr_mcp_check_initialize_result (result, &version, &error))
    {
      if (g_strcmp0 (version, TFTSR_MCP_PROTOCOL_VERSION) != 0 &&
          g_strcmp0 (version, TFTSR_MCP_PROTOCOL_VERSION_OLD) != 0)
        abort ();
    }
  else if (error == NULL)
    abort ();
  g_clear_error (&error);
  tool_result = tftsr_mcp_tool_result_from_json (result, &error);
  if ((tool_result == NULL) == (error == NULL))
    abort ();
  if (tool_result != NULL)
    {
      g_autofree char *text = tftsr_mcp_tool_result_dup_text (tool_result);
      if (tool_result->content == NULL || text == NULL)
        abort ();
    }
  read_array (result, "tools", 0);
  read_array (result, "resources", 1);
  read_array (result, "contents", 2);
}

/* Our answer to a request of the server's, parsed back: one answer to the same id. */
static void
answer (json_object *id)
{
  g_autofree char *ok = NULL;
  g_autofree char *refused =
      tftsr_jsonrpc_error (id, TFTSR_JSONRPC_METHOD_NOT_FOUND, "Method not found");
  json_object *empty = json_object_new_object ();
  TftsrJsonRpcMessage back;
  g_autoptr (GError) error = NULL;

  ok = tftsr_jsonrpc_result (id, empty);
  json_object_put (empty);
  if (strchr (ok, '\n') != NULL || strchr (refused, '\n') != NULL)
    abort ();
  if (!tftsr_jsonrpc_parse (ok, strlen (ok), &back, &error) || back.kind != TFTSR_JSONRPC_RESULT)
    abort ();
  tftsr_jsonrpc_message_clear (&back);
  if (!tftsr_jsonrpc_parse (refused, strlen (refused), &back, &error) ||
      back.kind != TFTSR_JSONRPC_ERROR || back.error_code != TFTSR_JSONRPC_METHOD_NOT_FOUND)
    abort ();
  tftsr_jsonrpc_message_clear (&back);
}

static void
one_message (const char *text, gsize len)
{
  TftsrJsonRpcMessage message;
  g_autoptr (GError) error = NULL;
  gboolean ok = tftsr_jsonrpc_parse (text, len, &message, &error);

  if (ok == (error != NULL))
    abort ();
  if (!ok)
    {
      if (error->domain != TFTSR_MCP_ERROR ||
          (error->code != TFTSR_MCP_ERROR_PROTOCOL && error->code != TFTSR_MCP_ERROR_TOO_LARGE))
        abort ();
      check_text (error->message);
      if (message.root != NULL)
        abort ();
      return;
    }
  switch (message.kind)
    {
    case TFTSR_JSONRPC_REQUEST:
      if (message.method == NULL || message.raw_id == NULL)
        abort ();
      answer (message.raw_id);
      break;
    case TFTSR_JSONRPC_NOTIFICATION:
      if (message.method == NULL)
        abort ();
      break;
    case TFTSR_JSONRPC_RESULT:
      if (message.result == NULL || !json_object_is_type (message.result, json_type_object))
        abort ();
      read_result (message.result);
      break;
    case TFTSR_JSONRPC_ERROR:
      if (message.error_message == NULL)
        abort ();
      {
        g_autoptr (GError) refused = NULL;
        tftsr_mcp_set_initialize_error (message.error_code, message.error_message,
                                        message.error_data, &refused);
        if (refused == NULL)
          abort ();
        check_text (refused->message);
      }
      break;
    default:
      abort ();
    }
  tftsr_jsonrpc_message_clear (&message);
  if (message.root != NULL)
    abort ();
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  const char *text = (const char *) data;
  g_autofree char *excerpt = tftsr_mcp_excerpt (text, size, 80);
  g_autoptr (TftsrMcpLog) log = tftsr_mcp_log_begin ("fuzz");
  g_autofree char *logged = NULL;
  g_autofree char *tail = NULL;
  gsize start = 0;

  check_text (excerpt);
  if (g_utf8_strlen (excerpt, -1) > 81)
    abort ();

  one_message (text, size);
  /* stdio: one message per line. */
  for (gsize i = 0; i <= size; i++)
    if (i == size || text[i] == '\n')
      {
        if (i > start)
          one_message (text + start, i - start);
        start = i + 1;
      }

  /* The server log: fed in two pieces, as a pipe may cut it. */
  tftsr_mcp_log_append (log, text, size / 2);
  tftsr_mcp_log_append (log, text + size / 2, size - size / 2);
  logged = tftsr_mcp_log_dup (log);
  check_text (logged);
  if (strlen (logged) > TFTSR_MCP_LOG_SIZE)
    abort ();
  tail = tftsr_mcp_log_dup_tail (log, 200);
  check_text (tail);
  return 0;
}
