/* tftsr-mcp-private.h: the MCP module's internals, shared by its files, the tests and the
 * fuzz target
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json.h>

#include "tftsr-json-private.h"
#include "tftsr-mcp.h"

G_BEGIN_DECLS

/* JSON-RPC 2.0 error codes (and MCP's one for a version the server does not speak). */
#define TFTSR_JSONRPC_PARSE_ERROR -32700
#define TFTSR_JSONRPC_INVALID_REQUEST -32600
#define TFTSR_JSONRPC_METHOD_NOT_FOUND -32601
#define TFTSR_JSONRPC_INVALID_PARAMS -32602
#define TFTSR_MCP_UNSUPPORTED_VERSION_CODE -32022

typedef enum
{
  TFTSR_JSONRPC_REQUEST,      /* method and id: the server asks us something */
  TFTSR_JSONRPC_NOTIFICATION, /* method, no id */
  TFTSR_JSONRPC_RESULT,       /* id and result */
  TFTSR_JSONRPC_ERROR,        /* id (possibly null) and error */
} TftsrJsonRpcKind;

/* One message read from a server; borrowed pointers into @root. */
typedef struct
{
  json_object *root;
  TftsrJsonRpcKind kind;
  gint64 id;           /* RESULT/ERROR with an integer id we could have sent; else -1 */
  json_object *raw_id; /* REQUEST's id, echoed in our answer */
  const char *method;  /* REQUEST, NOTIFICATION */
  json_object *params; /* may be NULL */
  json_object *result; /* RESULT */
  gint64 error_code;   /* ERROR */
  const char *error_message;
  json_object *error_data; /* may be NULL */
} TftsrJsonRpcMessage;

/* Parses one message (a line of stdio, a JSON body, an SSE event's data). FALSE with
 * TFTSR_MCP_ERROR_PROTOCOL (or TOO_LARGE) for anything that is not one JSON-RPC 2.0 message:
 * not JSON, a batch, no "jsonrpc": "2.0", a response with both or neither of result and
 * error, an error without an integer code and a string message… On success @message->root
 * holds a reference the caller drops with tftsr_jsonrpc_message_clear(). */
gboolean tftsr_jsonrpc_parse (const char *text, gsize len, TftsrJsonRpcMessage *message,
                              GError **error);
void tftsr_jsonrpc_message_clear (TftsrJsonRpcMessage *message);

/* The texts we send: compact JSON without a line break. @params may be NULL (then no
 * member); the functions take no reference. */
char *tftsr_jsonrpc_request (gint64 id, const char *method, json_object *params);
char *tftsr_jsonrpc_notification (const char *method, json_object *params);
char *tftsr_jsonrpc_result (json_object *id, json_object *result);
char *tftsr_jsonrpc_error (json_object *id, int code, const char *message);

/* A short, printable excerpt of what a peer sent, for messages ("…" when cut). */
char *tftsr_mcp_excerpt (const char *text, gsize len, gsize max_chars);
/* Compact JSON text of @object (NULL for NULL). */
char *tftsr_mcp_json_text (json_object *object);
/* A string member or NULL. */
const char *tftsr_mcp_json_string (json_object *object, const char *member);

/* What tools/list, resources/list, resources/read and tools/call results hold. FALSE with
 * TFTSR_MCP_ERROR_PROTOCOL when required members are missing or of the wrong type. */
TftsrMcpTool *tftsr_mcp_tool_from_json (json_object *object, GError **error);
TftsrMcpResource *tftsr_mcp_resource_from_json (json_object *object, GError **error);
TftsrMcpContent *tftsr_mcp_content_from_json (json_object *object, gboolean resource_contents,
                                              GError **error);
TftsrMcpToolResult *tftsr_mcp_tool_result_from_json (json_object *result, GError **error);
/* A copy sharing nothing. */
TftsrMcpTool *tftsr_mcp_tool_copy (const TftsrMcpTool *tool);

/* The initialize result checked: the version is one this client speaks. */
gboolean tftsr_mcp_check_initialize_result (json_object *result, const char **version,
                                            GError **error);
/* An error answered to initialize, as a sentence (a modern-only server recognised). */
void tftsr_mcp_set_initialize_error (gint64 code, const char *message, json_object *data,
                                     GError **error);

/* The bounded stderr log of a server: whole lines, the newest kept. Thread-safe. */
typedef struct _TftsrMcpLog TftsrMcpLog;
/* The log of server @name in this process, made if needed and emptied (a new run). */
TftsrMcpLog *tftsr_mcp_log_begin (const char *name);
TftsrMcpLog *tftsr_mcp_log_ref (TftsrMcpLog *log);
void tftsr_mcp_log_unref (TftsrMcpLog *log);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrMcpLog, tftsr_mcp_log_unref)
/* Appends @len bytes as they came (a piece of a line may wait for its end). */
void tftsr_mcp_log_append (TftsrMcpLog *log, const char *bytes, gsize len);
/* Appends a whole line of our own (e.g. a log notification). */
void tftsr_mcp_log_append_line (TftsrMcpLog *log, const char *line);
char *tftsr_mcp_log_dup (TftsrMcpLog *log);
/* The last @max_bytes of the log, whole lines, for an error message ("" when empty). */
char *tftsr_mcp_log_dup_tail (TftsrMcpLog *log, gsize max_bytes);

/* Running clients by server name, so disabling, changing or removing a server closes them. */
void tftsr_mcp_clients_register (TftsrMcpClient *client, const char *name);
void tftsr_mcp_clients_unregister (TftsrMcpClient *client, const char *name);
void tftsr_mcp_clients_close (const char *name);

/* Child process groups alive, killed at exit (stdio). */
void tftsr_mcp_children_add (GPid pid);
void tftsr_mcp_children_remove (GPid pid);

/* The secrets of server @server->name resolved for a connection: "NAME=value" and
 * "Name: value" lists (freed with their bytes zeroed) and the credential header. */
typedef struct
{
  GPtrArray *env;     /* char*, "NAME=value" */
  GPtrArray *headers; /* char*, "Name: value" */
} TftsrMcpResolved;

void tftsr_mcp_resolved_free (TftsrMcpResolved *resolved);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrMcpResolved, tftsr_mcp_resolved_free)
TftsrMcpResolved *tftsr_mcp_store_resolve_secrets (TftsrStore *store, const TftsrMcpServer *server,
                                                   GCancellable *cancellable, GError **error);

/* Splits "Name: value" (@sep ':', blanks after the colon skipped) or "NAME=value" (@sep
 * '='); FALSE when there is no separator. *@name is new, *@value points into @pair. */
gboolean tftsr_mcp_split_pair (const char *pair, char sep, char **name, const char **value);

/* Frees a string after zeroing its bytes. */
void tftsr_mcp_wipe_free (gpointer text);

G_END_DECLS
