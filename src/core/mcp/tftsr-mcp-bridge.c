/* tftsr-mcp-bridge.c: the tools of the enabled MCP servers, as an AI model is offered them
 *
 * Clients are kept by server name for the life of the bridge, so a chat does not start a
 * server's process again for every turn; a client is replaced when the server's stored
 * configuration changed since it was made, or when its session ended (a crash). Connecting
 * happens outside the bridge's lock, one refresh at a time, so that a slow server never
 * holds up a call of another worker.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>
#include <string.h>

#include "tftsr-mcp-bridge.h"
#include "tftsr-mcp-private.h"
#include "tftsr-store-private.h"

struct _TftsrMcpBridge
{
  GObject parent_instance;

  TftsrStore *store;
  GMutex refreshing;   /* one refresh at a time */
  GMutex lock;         /* the members below */
  GHashTable *clients; /* server name → TftsrMcpClient */
  GPtrArray *tools;    /* TftsrMcpBridgeTool, by offered name */
  GPtrArray *problems; /* TftsrMcpBridgeProblem, by server name */
};

G_DEFINE_FINAL_TYPE (TftsrMcpBridge, tftsr_mcp_bridge, G_TYPE_OBJECT)

/* ------------------------------------------------------------------------------------------
 * Names
 */

/* Every character outside [A-Za-z0-9_-] as one "_" (a UTF-8 sequence too). */
static void
append_sanitised (GString *out, const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    g_string_append_c (out, g_ascii_isalnum (*p) || *p == '_' || *p == '-' ? *p : '_');
}

/* The name at full length, which may be longer than providers take. */
static GString *
full_name (const char *server, const char *tool)
{
  GString *name = g_string_new (NULL);

  /* Gemini wants a letter or "_" first; server names may begin with a digit. */
  if (!g_ascii_isalpha (*server))
    g_string_append (name, "mcp_");
  append_sanitised (name, server);
  g_string_append (name, "__");
  append_sanitised (name, tool);
  return name;
}

char *
tftsr_mcp_tool_hashed_name (const char *server, const char *tool)
{
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  GString *name = full_name (server, tool);

  g_return_val_if_fail (server != NULL && tool != NULL, NULL);

  /* The NUL keeps "a"+"bc" and "ab"+"c" apart. */
  g_checksum_update (sum, (const guchar *) server, (gssize) strlen (server) + 1);
  g_checksum_update (sum, (const guchar *) tool, -1);
  g_string_truncate (name, MIN (name->len, TFTSR_MCP_TOOL_NAME_MAX - 9));
  g_string_append_c (name, '_');
  g_string_append_len (name, g_checksum_get_string (sum), 8);
  return g_string_free (name, FALSE);
}

char *
tftsr_mcp_tool_offered_name (const char *server, const char *tool)
{
  GString *name;

  g_return_val_if_fail (server != NULL && tool != NULL, NULL);

  name = full_name (server, tool);
  if (name->len <= TFTSR_MCP_TOOL_NAME_MAX)
    return g_string_free (name, FALSE);
  g_string_free (name, TRUE);
  return tftsr_mcp_tool_hashed_name (server, tool);
}

/* ------------------------------------------------------------------------------------------
 * Values
 */

void
tftsr_mcp_bridge_tool_free (TftsrMcpBridgeTool *tool)
{
  if (tool == NULL)
    return;
  g_free (tool->offered_name);
  g_free (tool->server);
  tftsr_mcp_tool_free (tool->tool);
  g_free (tool);
}

static TftsrMcpBridgeTool *
bridge_tool_new (const char *offered_name, const char *server, const TftsrMcpTool *tool)
{
  TftsrMcpBridgeTool *copy = g_new0 (TftsrMcpBridgeTool, 1);

  copy->offered_name = g_strdup (offered_name);
  copy->server = g_strdup (server);
  copy->tool = tftsr_mcp_tool_copy (tool);
  return copy;
}

static TftsrMcpBridgeTool *
bridge_tool_copy (const TftsrMcpBridgeTool *tool)
{
  return bridge_tool_new (tool->offered_name, tool->server, tool->tool);
}

void
tftsr_mcp_bridge_problem_free (TftsrMcpBridgeProblem *problem)
{
  if (problem == NULL)
    return;
  g_free (problem->server);
  g_free (problem->reason);
  g_free (problem);
}

static TftsrMcpBridgeProblem *
problem_new (const char *server, const char *reason)
{
  TftsrMcpBridgeProblem *problem = g_new0 (TftsrMcpBridgeProblem, 1);

  problem->server = g_strdup (server);
  problem->reason = g_strdup (reason);
  return problem;
}

static TftsrMcpBridgeProblem *
problem_copy (const TftsrMcpBridgeProblem *problem)
{
  return problem_new (problem->server, problem->reason);
}

/* ------------------------------------------------------------------------------------------
 * The object
 */

static void
tftsr_mcp_bridge_finalize (GObject *object)
{
  TftsrMcpBridge *self = TFTSR_MCP_BRIDGE (object);

  tftsr_mcp_bridge_close (self);
  g_hash_table_unref (self->clients);
  g_ptr_array_unref (self->tools);
  g_ptr_array_unref (self->problems);
  g_mutex_clear (&self->lock);
  g_mutex_clear (&self->refreshing);
  g_object_unref (self->store);
  G_OBJECT_CLASS (tftsr_mcp_bridge_parent_class)->finalize (object);
}

static void
tftsr_mcp_bridge_class_init (TftsrMcpBridgeClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tftsr_mcp_bridge_finalize;
}

static void
tftsr_mcp_bridge_init (TftsrMcpBridge *self)
{
  g_mutex_init (&self->lock);
  g_mutex_init (&self->refreshing);
  self->clients = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->tools = g_ptr_array_new_with_free_func ((GDestroyNotify) tftsr_mcp_bridge_tool_free);
  self->problems = g_ptr_array_new_with_free_func ((GDestroyNotify) tftsr_mcp_bridge_problem_free);
}

TftsrMcpBridge *
tftsr_mcp_bridge_new (TftsrStore *store)
{
  TftsrMcpBridge *self;

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);

  self = g_object_new (TFTSR_TYPE_MCP_BRIDGE, NULL);
  self->store = g_object_ref (store);
  return self;
}

TftsrStore *
tftsr_mcp_bridge_get_store (TftsrMcpBridge *self)
{
  g_return_val_if_fail (TFTSR_IS_MCP_BRIDGE (self), NULL);
  return self->store;
}

/* ------------------------------------------------------------------------------------------
 * Clients
 */

/* Whether @client still speaks for @server as stored now. */
static gboolean
client_is_current (TftsrMcpClient *client, const TftsrMcpServer *server)
{
  const TftsrMcpServer *had = tftsr_mcp_client_get_server (client);

  return tftsr_mcp_client_is_connected (client) &&
         g_strcmp0 (had->updated_at, server->updated_at) == 0;
}

/* A connected client of @server: the one kept, or a new one (replacing it). */
static TftsrMcpClient *
ensure_client (TftsrMcpBridge *self, const TftsrMcpServer *server, GCancellable *cancellable,
               GError **error)
{
  g_autoptr (TftsrMcpClient) client = NULL;

  g_mutex_lock (&self->lock);
  client = g_hash_table_lookup (self->clients, server->name);
  if (client != NULL)
    g_object_ref (client);
  g_mutex_unlock (&self->lock);
  if (client != NULL && client_is_current (client, server))
    return g_steal_pointer (&client);
  if (client != NULL)
    tftsr_mcp_client_close (client);
  g_clear_object (&client);
  client = tftsr_mcp_client_new (self->store, server);
  if (!tftsr_mcp_client_connect (client, cancellable, error))
    return NULL;
  g_mutex_lock (&self->lock);
  g_hash_table_replace (self->clients, g_strdup (server->name), g_object_ref (client));
  g_mutex_unlock (&self->lock);
  return g_steal_pointer (&client);
}

TftsrMcpClient *
tftsr_mcp_bridge_dup_client (TftsrMcpBridge *self, const char *server)
{
  TftsrMcpClient *client;

  g_return_val_if_fail (TFTSR_IS_MCP_BRIDGE (self), NULL);
  g_return_val_if_fail (server != NULL, NULL);

  g_mutex_lock (&self->lock);
  client = g_hash_table_lookup (self->clients, server);
  if (client != NULL)
    g_object_ref (client);
  g_mutex_unlock (&self->lock);
  return client;
}

void
tftsr_mcp_bridge_close (TftsrMcpBridge *self)
{
  g_autoptr (GList) clients = NULL;

  g_return_if_fail (TFTSR_IS_MCP_BRIDGE (self));

  g_mutex_lock (&self->lock);
  clients = g_hash_table_get_values (self->clients);
  for (GList *l = clients; l != NULL; l = l->next)
    g_object_ref (l->data);
  g_hash_table_remove_all (self->clients);
  g_mutex_unlock (&self->lock);
  for (GList *l = clients; l != NULL; l = l->next)
    {
      tftsr_mcp_client_close (l->data);
      g_object_unref (l->data);
    }
}

/* ------------------------------------------------------------------------------------------
 * Refresh
 */

/* A tool found on a server, before its offered name is settled. */
typedef struct
{
  char *server;
  TftsrMcpTool *tool; /* borrowed from the listing */
  char *name;
} Found;

static void
found_free (Found *found)
{
  g_free (found->server);
  g_free (found->name);
  g_free (found);
}

static int
compare_found (gconstpointer a, gconstpointer b)
{
  const Found *x = *(Found **) a, *y = *(Found **) b;
  int c = strcmp (x->name, y->name);

  return c != 0 ? c : strcmp (x->server, y->server);
}

/* Names that two tools would share become hashed, whichever was listed first. */
static void
settle_names (GPtrArray *found)
{
  g_autoptr (GHashTable) uses = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < found->len; i++)
    {
      Found *f = found->pdata[i];
      guint n = GPOINTER_TO_UINT (g_hash_table_lookup (uses, f->name));

      g_hash_table_insert (uses, g_strdup (f->name), GUINT_TO_POINTER (n + 1));
    }
  for (guint i = 0; i < found->len; i++)
    {
      Found *f = found->pdata[i];

      if (GPOINTER_TO_UINT (g_hash_table_lookup (uses, f->name)) < 2)
        continue;
      g_free (f->name);
      f->name = tftsr_mcp_tool_hashed_name (f->server, f->tool->name);
    }
  g_ptr_array_sort (found, compare_found);
}

static void
list_server (TftsrMcpBridge *self, const TftsrMcpServer *server, GPtrArray *listings,
             GPtrArray *found, GPtrArray *problems, GCancellable *cancellable)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrMcpClient) client = ensure_client (self, server, cancellable, &error);
  GPtrArray *tools = NULL;

  if (client != NULL)
    tools = tftsr_mcp_client_list_tools (client, cancellable, &error);
  if (tools == NULL)
    {
      g_ptr_array_add (problems, problem_new (server->name, error->message));
      return;
    }
  g_ptr_array_add (listings, tools);
  for (guint i = 0; i < tools->len; i++)
    {
      Found *f = g_new0 (Found, 1);

      f->server = g_strdup (server->name);
      f->tool = tools->pdata[i];
      f->name = tftsr_mcp_tool_offered_name (server->name, f->tool->name);
      g_ptr_array_add (found, f);
    }
}

/* Drops the clients of servers no longer enabled (they may have been removed). */
static void
drop_other_clients (TftsrMcpBridge *self, GHashTable *enabled)
{
  GHashTableIter iter;
  gpointer name, client;
  g_autoptr (GPtrArray) closing = g_ptr_array_new_with_free_func (g_object_unref);

  g_mutex_lock (&self->lock);
  g_hash_table_iter_init (&iter, self->clients);
  while (g_hash_table_iter_next (&iter, &name, &client))
    if (!g_hash_table_contains (enabled, name))
      {
        g_ptr_array_add (closing, g_object_ref (client));
        g_hash_table_iter_remove (&iter);
      }
  g_mutex_unlock (&self->lock);
  for (guint i = 0; i < closing->len; i++)
    tftsr_mcp_client_close (closing->pdata[i]);
}

static void
publish (TftsrMcpBridge *self, GPtrArray *found, GPtrArray *problems)
{
  g_autoptr (GPtrArray) tools =
      g_ptr_array_new_with_free_func ((GDestroyNotify) tftsr_mcp_bridge_tool_free);

  for (guint i = 0; i < found->len; i++)
    {
      Found *f = found->pdata[i];

      /* A hashed name equal to another tool's is beyond belief, but never offer two. */
      if (i > 0 && strcmp (f->name, ((Found *) found->pdata[i - 1])->name) == 0)
        continue;
      g_ptr_array_add (tools, bridge_tool_new (f->name, f->server, f->tool));
    }
  g_mutex_lock (&self->lock);
  g_ptr_array_unref (self->tools);
  self->tools = g_steal_pointer (&tools);
  g_ptr_array_unref (self->problems);
  self->problems = g_ptr_array_ref (problems);
  g_mutex_unlock (&self->lock);
}

gboolean
tftsr_mcp_bridge_refresh (TftsrMcpBridge *self, GCancellable *cancellable, GError **error)
{
  g_autoptr (GPtrArray) servers = NULL;
  g_autoptr (GPtrArray) listings =
      g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  g_autoptr (GPtrArray) found = g_ptr_array_new_with_free_func ((GDestroyNotify) found_free);
  g_autoptr (GPtrArray) problems =
      g_ptr_array_new_with_free_func ((GDestroyNotify) tftsr_mcp_bridge_problem_free);
  g_autoptr (GHashTable) enabled = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GMutexLocker) locker = NULL;

  g_return_val_if_fail (TFTSR_IS_MCP_BRIDGE (self), FALSE);

  locker = g_mutex_locker_new (&self->refreshing);
  if ((servers = tftsr_mcp_store_list_servers (self->store, error)) == NULL)
    return FALSE;
  for (guint i = 0; i < servers->len; i++)
    {
      const TftsrMcpServer *server = servers->pdata[i];

      if (!server->enabled)
        continue;
      g_hash_table_add (enabled, server->name);
      list_server (self, server, listings, found, problems, cancellable);
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
    }
  drop_other_clients (self, enabled);
  settle_names (found);
  publish (self, found, problems);
  return TRUE;
}

GPtrArray *
tftsr_mcp_bridge_dup_ai_tools (TftsrMcpBridge *self)
{
  GPtrArray *tools = g_ptr_array_new_with_free_func ((GDestroyNotify) tftsr_ai_tool_free);

  g_return_val_if_fail (TFTSR_IS_MCP_BRIDGE (self), tools);

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->tools->len; i++)
    {
      const TftsrMcpBridgeTool *t = self->tools->pdata[i];
      const char *about = t->tool->description != NULL ? t->tool->description : t->tool->title;

      g_ptr_array_add (tools, tftsr_ai_tool_new (t->offered_name, about != NULL ? about : "",
                                                 t->tool->input_schema));
    }
  g_mutex_unlock (&self->lock);
  return tools;
}

TftsrMcpBridgeTool *
tftsr_mcp_bridge_lookup (TftsrMcpBridge *self, const char *offered_name)
{
  TftsrMcpBridgeTool *found = NULL;

  g_return_val_if_fail (TFTSR_IS_MCP_BRIDGE (self), NULL);
  g_return_val_if_fail (offered_name != NULL, NULL);

  g_mutex_lock (&self->lock);
  for (guint i = 0; found == NULL && i < self->tools->len; i++)
    if (strcmp (((TftsrMcpBridgeTool *) self->tools->pdata[i])->offered_name, offered_name) == 0)
      found = bridge_tool_copy (self->tools->pdata[i]);
  g_mutex_unlock (&self->lock);
  return found;
}

GPtrArray *
tftsr_mcp_bridge_dup_problems (TftsrMcpBridge *self)
{
  GPtrArray *problems;

  g_return_val_if_fail (TFTSR_IS_MCP_BRIDGE (self), NULL);

  g_mutex_lock (&self->lock);
  problems = g_ptr_array_copy (self->problems, (GCopyFunc) (void (*) (void)) problem_copy, NULL);
  g_ptr_array_set_free_func (problems, (GDestroyNotify) tftsr_mcp_bridge_problem_free);
  g_mutex_unlock (&self->lock);
  return problems;
}

/* ------------------------------------------------------------------------------------------
 * Calls
 */

TftsrMcpToolResult *
tftsr_mcp_bridge_call (TftsrMcpBridge *self, const char *offered_name, const char *arguments,
                       GCancellable *cancellable, GError **error)
{
  g_autoptr (TftsrMcpBridgeTool) tool = NULL;
  g_autoptr (TftsrMcpServer) server = NULL;
  g_autoptr (TftsrMcpClient) client = NULL;

  g_return_val_if_fail (TFTSR_IS_MCP_BRIDGE (self), NULL);
  g_return_val_if_fail (offered_name != NULL, NULL);

  if ((tool = tftsr_mcp_bridge_lookup (self, offered_name)) == NULL)
    {
      g_set_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_NOT_FOUND,
                   _ ("No MCP server offers a tool named “%s”."), offered_name);
      return NULL;
    }
  /* Read again: the server may have been disabled or changed since the tools were listed. */
  if ((server = tftsr_mcp_store_get_server (self->store, tool->server, error)) == NULL)
    return NULL;
  if (!server->enabled)
    {
      g_set_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_DISABLED,
                   _ ("The MCP server “%s” was disabled."), server->name);
      return NULL;
    }
  if ((client = ensure_client (self, server, cancellable, error)) == NULL)
    return NULL;
  return tftsr_mcp_client_call_tool (client, tool->tool->name, arguments, 0, cancellable, error);
}
