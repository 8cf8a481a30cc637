/* tftsr-mcp.h: Model Context Protocol servers: the registry, discovery and the client
 *
 * A server is configured once (the registry, table mcp_servers) and then talked to by a
 * TftsrMcpClient: over stdio (a child process whose stdin and stdout carry newline-delimited
 * JSON-RPC 2.0, and whose stderr is kept in a bounded log) or over Streamable HTTP (one
 * endpoint, POST per message, answers as JSON or Server-Sent Events).
 *
 * - Names are 1 to 60 characters of a-z, 0-9, '.', '_' and '-', starting with a letter or a
 *   digit; "mcp.<name>" is the server's vault connector id (its OAuth tokens live there).
 * - Secrets (an API key or bearer token, secret header values, secret environment values)
 *   are never in the table: they go to the vault, and the table keeps only their names.
 * - Environment variables that let a value take over the process (the loader's LD_* and
 *   DYLD_*, and the interpreters' injection hooks, see tftsr_mcp_check_env_name()) are
 *   refused for every server.
 * - Protocol: `initialize` offers TFTSR_MCP_PROTOCOL_VERSION (2025-11-25) and accepts
 *   2025-06-18 too; a server that only speaks 2026-07-28 (no `initialize`) is reported as
 *   TFTSR_MCP_ERROR_UNSUPPORTED_VERSION with a sentence saying so.
 * - The client sends what it is given. Tool arguments that hold incident content must go
 *   through egress first (the AI tool bridge does that); this module only moves bytes.
 * - Blocking calls (no _async suffix) may be made from any thread but the UI's; each has an
 *   _async form for the UI. A TftsrMcpClient is thread-safe: several calls may be in flight.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tftsr-oauth.h"
#include "tftsr-store.h"

G_BEGIN_DECLS

#define TFTSR_MCP_ERROR (tftsr_mcp_error_quark ())
GQuark tftsr_mcp_error_quark (void);

typedef enum
{
  TFTSR_MCP_ERROR_INVALID,     /* a configuration or argument refused (the message says why) */
  TFTSR_MCP_ERROR_NOT_FOUND,   /* no server of that name */
  TFTSR_MCP_ERROR_EXISTS,      /* a server of that name exists already */
  TFTSR_MCP_ERROR_DISABLED,    /* the server is disabled */
  TFTSR_MCP_ERROR_SPAWN,       /* the command could not be started */
  TFTSR_MCP_ERROR_UNREACHABLE, /* HTTP: no connection, or no answer at all */
  TFTSR_MCP_ERROR_AUTH,        /* HTTP 401/403, or no usable credentials */
  TFTSR_MCP_ERROR_PROTOCOL,    /* the peer broke JSON-RPC or MCP (malformed message…) */
  TFTSR_MCP_ERROR_UNSUPPORTED_VERSION, /* no protocol version both sides speak */
  TFTSR_MCP_ERROR_SERVER,              /* the server answered a request with a JSON-RPC error */
  TFTSR_MCP_ERROR_CLOSED,              /* the process exited or the session ended mid-call */
  TFTSR_MCP_ERROR_TIMEOUT,             /* no answer within the request's timeout */
  TFTSR_MCP_ERROR_TOO_LARGE,           /* a message over TFTSR_MCP_MAX_MESSAGE */
  TFTSR_MCP_ERROR_NOT_CONNECTED,       /* the client is not connected (or was closed) */
} TftsrMcpError;

/* Protocol revisions: offered, also accepted, and the one without `initialize`. */
#define TFTSR_MCP_PROTOCOL_VERSION "2025-11-25"
#define TFTSR_MCP_PROTOCOL_VERSION_OLD "2025-06-18"
#define TFTSR_MCP_PROTOCOL_VERSION_STATELESS "2026-07-28"

#define TFTSR_MCP_DEFAULT_TIMEOUT_MS 60000 /* per request, when none is given */
#define TFTSR_MCP_MAX_MESSAGE ((gsize) 16 * 1024 * 1024)
#define TFTSR_MCP_MAX_PAGES 100        /* pages of tools/list or resources/list followed */
#define TFTSR_MCP_LOG_SIZE (64 * 1024) /* bytes of a server's stderr kept, whole lines */
#define TFTSR_MCP_DEFAULT_API_KEY_HEADER "X-API-Key"

/* ------------------------------------------------------------------------------------------
 * Registry
 */

typedef enum
{
  TFTSR_MCP_TRANSPORT_STDIO,
  TFTSR_MCP_TRANSPORT_HTTP,
} TftsrMcpTransport;

typedef enum
{
  TFTSR_MCP_AUTH_NONE,
  TFTSR_MCP_AUTH_API_KEY, /* the token in the api_key_header header */
  TFTSR_MCP_AUTH_BEARER,  /* the token as "Authorization: Bearer …" */
  TFTSR_MCP_AUTH_OAUTH,   /* the vault's OAuth tokens of "mcp.<name>", as a bearer token */
} TftsrMcpAuth;

typedef enum
{
  TFTSR_MCP_STATUS_PENDING,     /* never discovered, or changed since */
  TFTSR_MCP_STATUS_CONNECTED,   /* the last discovery initialized and listed */
  TFTSR_MCP_STATUS_UNREACHABLE, /* could not start the command / reach the URL */
  TFTSR_MCP_STATUS_ERROR,       /* reached, but it failed (protocol, version, auth…) */
} TftsrMcpStatus;

/* "stdio"/"http", "none"/"api_key"/"bearer"/"oauth", "pending"/"connected"/"unreachable"/
 * "error" (the stored and the CLI's --json words), and back; the parsers return FALSE for
 * an unknown word. */
const char *tftsr_mcp_transport_to_string (TftsrMcpTransport transport);
gboolean tftsr_mcp_transport_from_string (const char *text, TftsrMcpTransport *transport);
const char *tftsr_mcp_auth_to_string (TftsrMcpAuth auth);
gboolean tftsr_mcp_auth_from_string (const char *text, TftsrMcpAuth *auth);
const char *tftsr_mcp_status_to_string (TftsrMcpStatus status);
/* The status as a user reads it ("Connected", "Unreachable"…), translated. */
const char *tftsr_mcp_status_to_label (TftsrMcpStatus status);

/* A configured server (a plain boxed struct; every string owned). */
typedef struct
{
  gint64 id; /* 0 until stored */
  char *name;
  TftsrMcpTransport transport;
  /* stdio */
  char *command;    /* an absolute path to an executable */
  GStrv args;       /* arguments after the command; NULL: none */
  GStrv env;        /* "NAME=value", non-secret, added to the little a server inherits (PATH,
                     * HOME, locale, proxies, CA bundles; never tftsr's other variables) */
  GStrv secret_env; /* NAMEs whose values are in the vault */
  /* http */
  char *url;            /* http:// or https:// */
  GStrv headers;        /* "Name: value", non-secret */
  GStrv secret_headers; /* Names whose values are in the vault */
  TftsrMcpAuth auth;
  char *api_key_header; /* for TFTSR_MCP_AUTH_API_KEY; NULL: TFTSR_MCP_DEFAULT_API_KEY_HEADER */
  /* OAuth (TFTSR_MCP_AUTH_OAUTH): the PKCE sign-in's client, see tftsr_mcp_server_get_oauth_config() */
  char *oauth_authorize_url;
  char *oauth_token_url;
  char *oauth_revoke_url;
  char *oauth_client_id;
  char *oauth_scope;
  gboolean enabled;
  guint timeout_ms; /* per request; 0: TFTSR_MCP_DEFAULT_TIMEOUT_MS */
  /* kept by the store; ignored by add and update */
  char *created_at; /* ISO 8601 UTC */
  char *updated_at;
  TftsrMcpStatus status;
  char *status_reason; /* NULL when connected */
  char *status_at;     /* NULL: never discovered */
  int n_tools;         /* -1: unknown */
  int n_resources;     /* -1: unknown */
} TftsrMcpServer;

#define TFTSR_TYPE_MCP_SERVER (tftsr_mcp_server_get_type ())
GType tftsr_mcp_server_get_type (void);
/* Enabled, stdio, no auth, status pending, counts unknown. */
TftsrMcpServer *tftsr_mcp_server_new (void);
TftsrMcpServer *tftsr_mcp_server_copy (const TftsrMcpServer *server);
void tftsr_mcp_server_free (TftsrMcpServer *server);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrMcpServer, tftsr_mcp_server_free)

/* Whether @server may be stored: the name, the command (absolute, for stdio), the URL (for
 * HTTP), header and variable names and values, no name both plain and secret, the auth's
 * needs. The message says what to change. */
gboolean tftsr_mcp_server_validate (const TftsrMcpServer *server, GError **error);
/* Whether @name is a valid server name. */
gboolean tftsr_mcp_check_name (const char *name, GError **error);
/* Whether an environment variable @name may be set for a server: a POSIX-portable name
 * that is not one of the variables that make the loader or an interpreter run other code
 * (LD_*, DYLD_*, GCONV_PATH, GIO_MODULE_DIR, GTK_MODULES, PYTHONPATH, PYTHONSTARTUP,
 * PYTHONHOME, PERL5LIB, PERL5OPT, RUBYOPT, RUBYLIB, NODE_OPTIONS, NODE_PATH, JAVA_TOOL_OPTIONS,
 * _JAVA_OPTIONS, BASH_ENV, ENV, PS4, SHELLOPTS, IFS, PATH…; see the .c file's table, which
 * says why each is there). */
gboolean tftsr_mcp_check_env_name (const char *name, GError **error);
/* The vault connector id of server @name: "mcp.<name>" (newly allocated). */
char *tftsr_mcp_vault_id (const char *name);
/* Fills @config (borrowing @server's strings) for tftsr_oauth_flow_new() and friends with
 * connector id tftsr_mcp_vault_id(). */
void tftsr_mcp_server_get_oauth_config (const TftsrMcpServer *server, TftsrOAuthConfig *config);

/* The secrets of an add or update (borrowed; the caller wipes them). NULL members keep
 * what is stored. */
typedef struct
{
  const char *token;          /* the API key or bearer token, as the auth says */
  const char *const *env;     /* "NAME=value" for names in server->secret_env */
  const char *const *headers; /* "Name: value" for names in server->secret_headers */
} TftsrMcpSecrets;

/* Stores a new server (with its secrets, in one transaction, with an mcp.add audit entry)
 * and returns its id, or 0 with @error (TFTSR_MCP_ERROR_EXISTS for a name in use). Every
 * name in secret_env and secret_headers needs a value in @secrets. */
gint64 tftsr_mcp_store_add_server (TftsrStore *store, const TftsrMcpServer *server,
                                   const TftsrMcpSecrets *secrets, GError **error);
/* Replaces the configuration of the server named server->name (the name never changes;
 * remove and add to rename), with an mcp.change audit entry. Secrets of names no longer
 * listed are removed; listed names keep their stored value unless @secrets gives one. The
 * status goes back to pending, and running clients of the server are closed. */
gboolean tftsr_mcp_store_update_server (TftsrStore *store, const TftsrMcpServer *server,
                                        const TftsrMcpSecrets *secrets, GError **error);
/* Removes the server, its secrets and OAuth tokens (mcp.remove audit entry), closing its
 * running clients. */
gboolean tftsr_mcp_store_remove_server (TftsrStore *store, const char *name, GError **error);
/* Enables or disables (mcp.enable / mcp.disable audit entry); disabling closes its running
 * clients, which kills their processes. */
gboolean tftsr_mcp_store_set_enabled (TftsrStore *store, const char *name, gboolean enabled,
                                      GError **error);
/* The server named @name, or NULL with TFTSR_MCP_ERROR_NOT_FOUND. */
TftsrMcpServer *tftsr_mcp_store_get_server (TftsrStore *store, const char *name, GError **error);
/* All servers (TftsrMcpServer), by name. */
GPtrArray *tftsr_mcp_store_list_servers (TftsrStore *store, GError **error);
/* Records a discovery's outcome (@reason NULL when connected; counts -1 when unknown). */
gboolean tftsr_mcp_store_set_status (TftsrStore *store, const char *name, TftsrMcpStatus status,
                                     const char *reason, int n_tools, int n_resources,
                                     GError **error);
/* Whether the server's API key or bearer token is stored (never reads it). */
gboolean tftsr_mcp_store_has_token (TftsrStore *store, const char *name);

/* The _async forms, for the UI (the work runs in a worker; @secrets is copied). */
void tftsr_mcp_store_add_server_async (TftsrStore *store, const TftsrMcpServer *server,
                                       const TftsrMcpSecrets *secrets, GCancellable *cancellable,
                                       GAsyncReadyCallback callback, gpointer user_data);
gint64 tftsr_mcp_store_add_server_finish (TftsrStore *store, GAsyncResult *result, GError **error);
void tftsr_mcp_store_update_server_async (TftsrStore *store, const TftsrMcpServer *server,
                                          const TftsrMcpSecrets *secrets, GCancellable *cancellable,
                                          GAsyncReadyCallback callback, gpointer user_data);
gboolean tftsr_mcp_store_update_server_finish (TftsrStore *store, GAsyncResult *result,
                                               GError **error);
void tftsr_mcp_store_remove_server_async (TftsrStore *store, const char *name,
                                          GCancellable *cancellable, GAsyncReadyCallback callback,
                                          gpointer user_data);
gboolean tftsr_mcp_store_remove_server_finish (TftsrStore *store, GAsyncResult *result,
                                               GError **error);
void tftsr_mcp_store_set_enabled_async (TftsrStore *store, const char *name, gboolean enabled,
                                        GCancellable *cancellable, GAsyncReadyCallback callback,
                                        gpointer user_data);
gboolean tftsr_mcp_store_set_enabled_finish (TftsrStore *store, GAsyncResult *result,
                                             GError **error);
void tftsr_mcp_store_list_servers_async (TftsrStore *store, GCancellable *cancellable,
                                         GAsyncReadyCallback callback, gpointer user_data);
GPtrArray *tftsr_mcp_store_list_servers_finish (TftsrStore *store, GAsyncResult *result,
                                                GError **error);
void tftsr_mcp_store_get_server_async (TftsrStore *store, const char *name,
                                       GCancellable *cancellable, GAsyncReadyCallback callback,
                                       gpointer user_data);
TftsrMcpServer *tftsr_mcp_store_get_server_finish (TftsrStore *store, GAsyncResult *result,
                                                   GError **error);
/* Whether the API key or bearer token (or, with @oauth, OAuth tokens) of server @name are
 * stored; never reads them. Never fails: FALSE when unknown. */
void tftsr_mcp_store_has_token_async (TftsrStore *store, const char *name, gboolean oauth,
                                      GCancellable *cancellable, GAsyncReadyCallback callback,
                                      gpointer user_data);
gboolean tftsr_mcp_store_has_token_finish (TftsrStore *store, GAsyncResult *result);
/* Forgets the OAuth tokens kept under tftsr_mcp_vault_id (@name): for a sign-in made for a
 * server that was then never saved. The registry is not touched. */
void tftsr_mcp_store_forget_oauth_async (TftsrStore *store, const char *name,
                                         GCancellable *cancellable, GAsyncReadyCallback callback,
                                         gpointer user_data);
gboolean tftsr_mcp_store_forget_oauth_finish (TftsrStore *store, GAsyncResult *result,
                                              GError **error);

/* ------------------------------------------------------------------------------------------
 * What servers offer
 */

/* A tool as tools/list described it. The schemas are the JSON the server sent, serialised
 * again by json-c with members in the server's order (nested objects, arrays, enums and
 * numbers as written). */
typedef struct
{
  char *name;
  char *title;         /* NULL: none */
  char *description;   /* NULL: none */
  char *input_schema;  /* JSON object text; "{\"type\":\"object\"}" when the server sent none */
  char *output_schema; /* JSON object text or NULL */
  char *annotations;   /* JSON object text or NULL */
  char *json;          /* the whole tool object */
} TftsrMcpTool;

void tftsr_mcp_tool_free (TftsrMcpTool *tool);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrMcpTool, tftsr_mcp_tool_free)

typedef struct
{
  char *uri;
  char *name;
  char *title;       /* NULL: none */
  char *description; /* NULL: none */
  char *mime_type;   /* NULL: not said */
  gint64 size;       /* bytes; -1: not said */
  char *json;        /* the whole resource object */
} TftsrMcpResource;

void tftsr_mcp_resource_free (TftsrMcpResource *resource);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrMcpResource, tftsr_mcp_resource_free)

typedef enum
{
  TFTSR_MCP_CONTENT_TEXT,          /* text */
  TFTSR_MCP_CONTENT_IMAGE,         /* data, mime_type */
  TFTSR_MCP_CONTENT_AUDIO,         /* data, mime_type */
  TFTSR_MCP_CONTENT_RESOURCE_LINK, /* uri, name, mime_type */
  TFTSR_MCP_CONTENT_RESOURCE,      /* uri, mime_type, and text or data (embedded or read) */
  TFTSR_MCP_CONTENT_OTHER,         /* a kind this build does not know: see json */
} TftsrMcpContentKind;

/* One content block of a tool's result, or one of resources/read's contents. */
typedef struct
{
  TftsrMcpContentKind kind;
  char *text;      /* NULL unless text */
  GBytes *data;    /* base64-decoded image, audio or blob; NULL otherwise */
  char *mime_type; /* NULL: not said */
  char *uri;       /* NULL unless a resource */
  char *name;      /* NULL unless a resource link */
  char *json;      /* the block as the server sent it */
} TftsrMcpContent;

void tftsr_mcp_content_free (TftsrMcpContent *content);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrMcpContent, tftsr_mcp_content_free)

/* tools/call's result. A tool that failed is is_error with its explanation in content (it
 * is a result for the model, not a GError). */
typedef struct
{
  GPtrArray *content;       /* TftsrMcpContent, never NULL */
  char *structured_content; /* JSON text, or NULL */
  gboolean is_error;
  char *json; /* the whole result */
} TftsrMcpToolResult;

void tftsr_mcp_tool_result_free (TftsrMcpToolResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrMcpToolResult, tftsr_mcp_tool_result_free)
/* The result as text, one block after the other, for a model's tool message (and a
 * person's terminal): text blocks as they are; an embedded resource as "[resource URI]"
 * and its text; a resource link as its name and URI; image, audio and blob content only
 * described ("[image/png, 12.3 kB, not shown]"), never passed on. When no block carried
 * text of its own, the structured content follows as compact JSON. "" when there is
 * nothing. */
char *tftsr_mcp_tool_result_dup_text (const TftsrMcpToolResult *result);

/* ------------------------------------------------------------------------------------------
 * Client
 */

#define TFTSR_TYPE_MCP_CLIENT (tftsr_mcp_client_get_type ())
G_DECLARE_FINAL_TYPE (TftsrMcpClient, tftsr_mcp_client, TFTSR, MCP_CLIENT, GObject)

/* A client of @server (copied). @store gives the secrets when connecting; it may be NULL for
 * a server with none. Nothing is started before tftsr_mcp_client_connect().
 *
 * Signals, emitted in the thread-default main context of the thread that created the
 * client:
 * - "tools-changed" (void): the server sent notifications/tools/list_changed; the next
 *   tftsr_mcp_client_list_tools() lists again.
 * - "closed" (const char *reason): the connection ended (the process exited, the session
 *   was lost, or tftsr_mcp_client_close()); reason NULL for a close asked for. */
TftsrMcpClient *tftsr_mcp_client_new (TftsrStore *store, const TftsrMcpServer *server);
const TftsrMcpServer *tftsr_mcp_client_get_server (TftsrMcpClient *self);

/* Starts the process (stdio) or reaches the URL (HTTP), sends `initialize` and, once it is
 * answered with a version this client speaks, `notifications/initialized`. Bounded by the
 * server's timeout and @cancellable; on failure everything started is stopped again. */
gboolean tftsr_mcp_client_connect (TftsrMcpClient *self, GCancellable *cancellable, GError **error);
void tftsr_mcp_client_connect_async (TftsrMcpClient *self, GCancellable *cancellable,
                                     GAsyncReadyCallback callback, gpointer user_data);
gboolean tftsr_mcp_client_connect_finish (TftsrMcpClient *self, GAsyncResult *result,
                                          GError **error);
gboolean tftsr_mcp_client_is_connected (TftsrMcpClient *self);

/* What `initialize` answered (NULL before; server instructions NULL when none). */
const char *tftsr_mcp_client_get_protocol_version (TftsrMcpClient *self);
const char *tftsr_mcp_client_get_server_name (TftsrMcpClient *self);
const char *tftsr_mcp_client_get_server_version (TftsrMcpClient *self);
const char *tftsr_mcp_client_get_instructions (TftsrMcpClient *self);
/* Whether the server declared the tools / resources capability. */
gboolean tftsr_mcp_client_has_tools (TftsrMcpClient *self);
gboolean tftsr_mcp_client_has_resources (TftsrMcpClient *self);

/* The tools (TftsrMcpTool, a new array sharing nothing), following nextCursor for at most
 * TFTSR_MCP_MAX_PAGES pages. Kept and given again until the server says its list changed.
 * An empty array for a server without the tools capability. */
GPtrArray *tftsr_mcp_client_list_tools (TftsrMcpClient *self, GCancellable *cancellable,
                                        GError **error);
/* The resources (TftsrMcpResource), paginated the same way; never kept. */
GPtrArray *tftsr_mcp_client_list_resources (TftsrMcpClient *self, GCancellable *cancellable,
                                            GError **error);
/* resources/read of @uri: its contents (TftsrMcpContent of kind RESOURCE). */
GPtrArray *tftsr_mcp_client_read_resource (TftsrMcpClient *self, const char *uri,
                                           GCancellable *cancellable, GError **error);
/* tools/call of @tool with @arguments_json (a JSON object's text; NULL: {}). Waits at most
 * @timeout_ms (0: the server's timeout). Cancelling, or the timeout, sends
 * notifications/cancelled for the request and returns G_IO_ERROR_CANCELLED or
 * TFTSR_MCP_ERROR_TIMEOUT; the session stays usable. A process that dies meanwhile is
 * TFTSR_MCP_ERROR_CLOSED with the end of its stderr in the message. */
TftsrMcpToolResult *tftsr_mcp_client_call_tool (TftsrMcpClient *self, const char *tool,
                                                const char *arguments_json, guint timeout_ms,
                                                GCancellable *cancellable, GError **error);

void tftsr_mcp_client_list_tools_async (TftsrMcpClient *self, GCancellable *cancellable,
                                        GAsyncReadyCallback callback, gpointer user_data);
GPtrArray *tftsr_mcp_client_list_tools_finish (TftsrMcpClient *self, GAsyncResult *result,
                                               GError **error);
void tftsr_mcp_client_list_resources_async (TftsrMcpClient *self, GCancellable *cancellable,
                                            GAsyncReadyCallback callback, gpointer user_data);
GPtrArray *tftsr_mcp_client_list_resources_finish (TftsrMcpClient *self, GAsyncResult *result,
                                                   GError **error);
void tftsr_mcp_client_read_resource_async (TftsrMcpClient *self, const char *uri,
                                           GCancellable *cancellable, GAsyncReadyCallback callback,
                                           gpointer user_data);
GPtrArray *tftsr_mcp_client_read_resource_finish (TftsrMcpClient *self, GAsyncResult *result,
                                                  GError **error);
void tftsr_mcp_client_call_tool_async (TftsrMcpClient *self, const char *tool,
                                       const char *arguments_json, guint timeout_ms,
                                       GCancellable *cancellable, GAsyncReadyCallback callback,
                                       gpointer user_data);
TftsrMcpToolResult *tftsr_mcp_client_call_tool_finish (TftsrMcpClient *self, GAsyncResult *result,
                                                       GError **error);

/* The child's process id (stdio, while running), else 0. For tests and diagnostics. */
GPid tftsr_mcp_client_get_pid (TftsrMcpClient *self);
/* What the server wrote to stderr, the newest TFTSR_MCP_LOG_SIZE bytes in whole lines
 * (valid UTF-8). Stdio only; "" for HTTP. */
char *tftsr_mcp_client_dup_log (TftsrMcpClient *self);
/* Ends the session: HTTP sends DELETE with the session id; stdio closes the child's stdin,
 * waits up to 2 s, then SIGTERM, 2 s more, then SIGKILL, to the child's process group, and
 * reaps it. Calls in flight fail with TFTSR_MCP_ERROR_CLOSED. Idempotent; also done when the
 * last reference goes, when the server is disabled, changed or removed, and at exit. */
void tftsr_mcp_client_close (TftsrMcpClient *self);

/* The stderr log of the most recent client of server @name in this process (kept after it
 * closed), "" when there was none. */
char *tftsr_mcp_dup_server_log (const char *name);

/* ------------------------------------------------------------------------------------------
 * Discovery
 */

typedef struct
{
  char *protocol_version;
  char *server_name;    /* NULL: not said */
  char *server_version; /* NULL: not said */
  char *instructions;   /* NULL: none */
  GPtrArray *tools;     /* TftsrMcpTool */
  GPtrArray *resources; /* TftsrMcpResource */
} TftsrMcpDiscovery;

void tftsr_mcp_discovery_free (TftsrMcpDiscovery *discovery);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrMcpDiscovery, tftsr_mcp_discovery_free)

/* Connects to server @name, initializes, lists its tools and resources, closes, and records
 * the outcome in the registry: connected with the counts, or unreachable / error with the
 * reason (the same sentence as @error). A disabled server is refused
 * (TFTSR_MCP_ERROR_DISABLED) without changing its status. */
TftsrMcpDiscovery *tftsr_mcp_discover (TftsrStore *store, const char *name,
                                       GCancellable *cancellable, GError **error);
void tftsr_mcp_discover_async (TftsrStore *store, const char *name, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data);
TftsrMcpDiscovery *tftsr_mcp_discover_finish (TftsrStore *store, GAsyncResult *result,
                                              GError **error);
/* Discovers every enabled server in turn in a worker (the app does at startup), each
 * outcome recorded as tftsr_mcp_discover() records it; finishes with how many connected. */
void tftsr_mcp_discover_enabled_async (TftsrStore *store, GCancellable *cancellable,
                                       GAsyncReadyCallback callback, gpointer user_data);
gssize tftsr_mcp_discover_enabled_finish (TftsrStore *store, GAsyncResult *result, GError **error);

G_END_DECLS
