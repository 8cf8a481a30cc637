/* tftsr-mcp-bridge.h: the tools of the enabled MCP servers, offered to an AI model
 *
 * A TftsrMcpBridge gathers the tools of every enabled server, connecting to each the first
 * time it is needed and keeping the client for later turns. A server that cannot be reached
 * is left out (its tools are simply absent) and the reason is kept for the engineer.
 *
 * Tools are offered with the JSON Schema of their arguments exactly as the server sent it.
 * Their names are made to fit every provider (at most 64 characters of [A-Za-z0-9_-],
 * starting with a letter): the server's name, "__", the tool's name, each character outside
 * that set an "_". A name that had to be cut, or that two tools would share, ends in "_" and
 * eight hex digits of the SHA-256 of server and tool, so it is the same whatever order the
 * servers list their tools in; tftsr_mcp_bridge_lookup() maps the offered name back.
 *
 * The bridge only moves bytes: arguments that hold incident content are redacted and
 * recorded by the caller (the triage chat does that) before tftsr_mcp_bridge_call().
 * Thread-safe: a bridge may be used by several workers at once.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tftsr-ai-message.h"
#include "tftsr-mcp.h"

G_BEGIN_DECLS

#define TFTSR_MCP_TOOL_NAME_MAX 64
/* The tool rounds of one chat turn, unless the setting says otherwise. */
#define TFTSR_MCP_DEFAULT_TOOL_ROUNDS 5
#define TFTSR_MCP_MAX_TOOL_ROUNDS 50
/* The setting (tftsr_store_get_setting()) holding the number of tool rounds. */
#define TFTSR_MCP_TOOL_ROUNDS_KEY "mcp.tool_rounds"

/* The name a tool of @server is offered under, when no other tool claims it: see above.
 * Newly allocated. */
char *tftsr_mcp_tool_offered_name (const char *server, const char *tool);
/* The same name made unique: "_" and eight hex digits of the SHA-256 of server and tool
 * in place of its end. */
char *tftsr_mcp_tool_hashed_name (const char *server, const char *tool);

/* The rounds of tool calls a turn may make: the stored setting, within
 * 1..TFTSR_MCP_MAX_TOOL_ROUNDS, or TFTSR_MCP_DEFAULT_TOOL_ROUNDS. */
guint tftsr_mcp_get_tool_rounds (TftsrStore *store);
/* Stores @rounds (1..TFTSR_MCP_MAX_TOOL_ROUNDS; 0 goes back to the default). */
gboolean tftsr_mcp_set_tool_rounds (TftsrStore *store, guint rounds, GError **error);
/* The same in a worker, for the UI thread (get never fails: 0 only when cancelled). */
void tftsr_mcp_get_tool_rounds_async (TftsrStore *store, GCancellable *cancellable,
                                      GAsyncReadyCallback callback, gpointer user_data);
guint tftsr_mcp_get_tool_rounds_finish (TftsrStore *store, GAsyncResult *result, GError **error);
void tftsr_mcp_set_tool_rounds_async (TftsrStore *store, guint rounds, GCancellable *cancellable,
                                      GAsyncReadyCallback callback, gpointer user_data);
gboolean tftsr_mcp_set_tool_rounds_finish (TftsrStore *store, GAsyncResult *result, GError **error);

/* Whether the engineer allowed every call of @tool of server @server ("Always Allow This
 * Tool"), and recording that (an mcp.allow audit entry). The decision goes with the
 * server: removing it drops its tools' approvals. */
gboolean tftsr_mcp_store_is_tool_allowed (TftsrStore *store, const char *server, const char *tool,
                                          GError **error);
gboolean tftsr_mcp_store_allow_tool (TftsrStore *store, const char *server, const char *tool,
                                     GError **error);

/* A tool always allowed, and since when. */
typedef struct
{
  char *tool;
  char *allowed_at; /* ISO 8601 UTC */
} TftsrMcpAllowedTool;

void tftsr_mcp_allowed_tool_free (TftsrMcpAllowedTool *allowed);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrMcpAllowedTool, tftsr_mcp_allowed_tool_free)

/* The tools of @server always allowed (TftsrMcpAllowedTool, by tool name), or NULL with
 * TFTSR_MCP_ERROR_NOT_FOUND when there is no such server. */
GPtrArray *tftsr_mcp_store_list_allowed_tools (TftsrStore *store, const char *server,
                                               GError **error);
/* Takes "always allow" back, with an mcp.revoke audit entry in the same transaction: the
 * next call of the tool asks again. TFTSR_MCP_ERROR_NOT_FOUND when there is no such server
 * or the tool is not always allowed (nothing changes). */
gboolean tftsr_mcp_store_revoke_tool (TftsrStore *store, const char *server, const char *tool,
                                      GError **error);
void tftsr_mcp_store_list_allowed_tools_async (TftsrStore *store, const char *server,
                                               GCancellable *cancellable,
                                               GAsyncReadyCallback callback, gpointer user_data);
GPtrArray *tftsr_mcp_store_list_allowed_tools_finish (TftsrStore *store, GAsyncResult *result,
                                                      GError **error);
void tftsr_mcp_store_revoke_tool_async (TftsrStore *store, const char *server, const char *tool,
                                        GCancellable *cancellable, GAsyncReadyCallback callback,
                                        gpointer user_data);
gboolean tftsr_mcp_store_revoke_tool_finish (TftsrStore *store, GAsyncResult *result,
                                             GError **error);

/* A tool as offered: the server's tool and the name the model knows it by. */
typedef struct
{
  char *offered_name;
  char *server;
  TftsrMcpTool *tool;
} TftsrMcpBridgeTool;

/* A server whose tools are not offered, and why (a sentence). */
typedef struct
{
  char *server;
  char *reason;
} TftsrMcpBridgeProblem;

#define TFTSR_TYPE_MCP_BRIDGE (tftsr_mcp_bridge_get_type ())
G_DECLARE_FINAL_TYPE (TftsrMcpBridge, tftsr_mcp_bridge, TFTSR, MCP_BRIDGE, GObject)

TftsrMcpBridge *tftsr_mcp_bridge_new (TftsrStore *store);
TftsrStore *tftsr_mcp_bridge_get_store (TftsrMcpBridge *self);

/* Reads the enabled servers, connects to the ones not connected yet (in turn, each within
 * its own timeout), lists their tools and names them. Servers that fail are left out with
 * their reason; clients of servers no longer enabled are dropped. Fails only when the
 * registry cannot be read or @cancellable is cancelled. Blocks. */
gboolean tftsr_mcp_bridge_refresh (TftsrMcpBridge *self, GCancellable *cancellable, GError **error);
/* The tools as the model is offered them (TftsrAiTool, by offered name), after a refresh. */
GPtrArray *tftsr_mcp_bridge_dup_ai_tools (TftsrMcpBridge *self);
/* The tool offered as @offered_name (a copy), or NULL when there is none. */
TftsrMcpBridgeTool *tftsr_mcp_bridge_lookup (TftsrMcpBridge *self, const char *offered_name);
/* The servers left out at the last refresh (TftsrMcpBridgeProblem, by server name). */
GPtrArray *tftsr_mcp_bridge_dup_problems (TftsrMcpBridge *self);
/* The client of @server, if the bridge holds one (a new reference), for diagnostics. */
TftsrMcpClient *tftsr_mcp_bridge_dup_client (TftsrMcpBridge *self, const char *server);

/* Calls the tool offered as @offered_name with @arguments (a JSON object's text, as it is
 * to leave), within the server's timeout and @cancellable. A client whose process ended is
 * started again first. Errors are TFTSR_MCP_ERROR (NOT_FOUND for a name not offered) or
 * G_IO_ERROR_CANCELLED. */
TftsrMcpToolResult *tftsr_mcp_bridge_call (TftsrMcpBridge *self, const char *offered_name,
                                           const char *arguments, GCancellable *cancellable,
                                           GError **error);

/* Closes every client (their processes end). */
void tftsr_mcp_bridge_close (TftsrMcpBridge *self);

void tftsr_mcp_bridge_tool_free (TftsrMcpBridgeTool *tool);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrMcpBridgeTool, tftsr_mcp_bridge_tool_free)
void tftsr_mcp_bridge_problem_free (TftsrMcpBridgeProblem *problem);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrMcpBridgeProblem, tftsr_mcp_bridge_problem_free)

G_END_DECLS
