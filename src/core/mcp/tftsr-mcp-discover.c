/* tftsr-mcp-discover.c: discovery (connect, initialize, list, record the outcome) and the
 * _async forms of the module
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>
#include <string.h>

#include "tftsr-mcp-client-private.h"

/* Unreachable when nothing answered at all; error when something answered wrongly. */
static TftsrMcpStatus
status_of (const GError *error)
{
  if (g_error_matches (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_SPAWN) ||
      g_error_matches (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_UNREACHABLE))
    return TFTSR_MCP_STATUS_UNREACHABLE;
  return TFTSR_MCP_STATUS_ERROR;
}

static TftsrMcpDiscovery *
run_discovery (TftsrStore *store, const TftsrMcpServer *server, GCancellable *cancellable,
               GError **error)
{
  g_autoptr (TftsrMcpClient) client = tftsr_mcp_client_new (store, server);
  g_autoptr (TftsrMcpDiscovery) discovery = g_new0 (TftsrMcpDiscovery, 1);

  if (!tftsr_mcp_client_connect (client, cancellable, error) ||
      (discovery->tools = tftsr_mcp_client_list_tools (client, cancellable, error)) == NULL ||
      (discovery->resources = tftsr_mcp_client_list_resources (client, cancellable, error)) == NULL)
    {
      tftsr_mcp_client_close (client);
      return NULL;
    }
  discovery->protocol_version = g_strdup (tftsr_mcp_client_get_protocol_version (client));
  discovery->server_name = g_strdup (tftsr_mcp_client_get_server_name (client));
  discovery->server_version = g_strdup (tftsr_mcp_client_get_server_version (client));
  discovery->instructions = g_strdup (tftsr_mcp_client_get_instructions (client));
  tftsr_mcp_client_close (client);
  return g_steal_pointer (&discovery);
}

TftsrMcpDiscovery *
tftsr_mcp_discover (TftsrStore *store, const char *name, GCancellable *cancellable, GError **error)
{
  g_autoptr (TftsrMcpServer) server = NULL;
  g_autoptr (TftsrMcpDiscovery) discovery = NULL;
  g_autoptr (GError) local = NULL;

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  if ((server = tftsr_mcp_store_get_server (store, name, error)) == NULL)
    return NULL;
  if (!server->enabled)
    {
      g_set_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_DISABLED,
                   _ ("The MCP server “%s” is disabled."), name);
      return NULL;
    }
  discovery = run_discovery (store, server, cancellable, &local);
  if (discovery == NULL)
    {
      /* A cancelled discovery says nothing about the server. */
      if (!g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        tftsr_mcp_store_set_status (store, name, status_of (local), local->message, -1, -1, NULL);
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  if (!tftsr_mcp_store_set_status (store, name, TFTSR_MCP_STATUS_CONNECTED, NULL,
                                   (int) discovery->tools->len, (int) discovery->resources->len,
                                   error))
    return NULL;
  return g_steal_pointer (&discovery);
}

/* ------------------------------------------------------------------------------------------
 * _async forms: each runs its blocking call in a worker.
 */

typedef struct
{
  char *name;
  char *text;
  TftsrMcpServer *server;
  TftsrMcpSecrets secrets;
  GPtrArray *owned; /* the secrets' strings, wiped when freed */
  gboolean enabled;
  guint timeout_ms;
} Call;

static void
call_free (gpointer data)
{
  Call *call = data;

  g_free (call->name);
  g_free (call->text);
  g_clear_pointer (&call->server, tftsr_mcp_server_free);
  g_free ((gpointer) call->secrets.env);
  g_free ((gpointer) call->secrets.headers);
  g_clear_pointer (&call->owned, g_ptr_array_unref);
  g_free (call);
}

/* A NULL-terminated copy of @pairs whose strings @owned keeps. */
static const char *const *
copy_pairs (const char *const *pairs, GPtrArray *owned)
{
  guint n = pairs != NULL ? g_strv_length ((char **) pairs) : 0;
  const char **copy = NULL;

  if (pairs == NULL)
    return NULL;
  copy = g_new0 (const char *, n + 1);
  for (guint i = 0; i < n; i++)
    {
      copy[i] = g_strdup (pairs[i]);
      g_ptr_array_add (owned, (gpointer) copy[i]);
    }
  return copy;
}

static Call *
call_new (const char *name, const TftsrMcpServer *server, const TftsrMcpSecrets *secrets)
{
  Call *call = g_new0 (Call, 1);

  call->name = g_strdup (name);
  call->server = server != NULL ? tftsr_mcp_server_copy (server) : NULL;
  call->owned = g_ptr_array_new_with_free_func (tftsr_mcp_wipe_free);
  if (secrets != NULL)
    {
      call->secrets.token = g_strdup (secrets->token);
      if (call->secrets.token != NULL)
        g_ptr_array_add (call->owned, (gpointer) call->secrets.token);
      call->secrets.env = copy_pairs (secrets->env, call->owned);
      call->secrets.headers = copy_pairs (secrets->headers, call->owned);
    }
  return call;
}

static void
run_task (gpointer source, gpointer tag, GTaskThreadFunc func, Call *call,
          GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (source, cancellable, callback, user_data);

  g_task_set_source_tag (task, tag);
  g_task_set_task_data (task, call, call_free);
  g_task_run_in_thread (task, func);
}

static gpointer
finish_pointer (gpointer source, GAsyncResult *result, gpointer tag, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, source), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tag, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static gboolean
finish_boolean (gpointer source, GAsyncResult *result, gpointer tag, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, source), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tag, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
return_boolean (GTask *task, gboolean ok, GError **error)
{
  /* @error by address: read after the call that sets it, whatever order the arguments of
   * return_boolean() are evaluated in. */
  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (error));
}

/* Discovery */

static void
discover_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Call *call = data;
  GError *error = NULL;
  TftsrMcpDiscovery *discovery = tftsr_mcp_discover (source, call->name, cancellable, &error);

  if (discovery != NULL)
    g_task_return_pointer (task, discovery, (GDestroyNotify) tftsr_mcp_discovery_free);
  else
    g_task_return_error (task, error);
}

void
tftsr_mcp_discover_async (TftsrStore *store, const char *name, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (TFTSR_IS_STORE (store));
  run_task (store, tftsr_mcp_discover_async, discover_thread, call_new (name, NULL, NULL),
            cancellable, callback, user_data);
}

TftsrMcpDiscovery *
tftsr_mcp_discover_finish (TftsrStore *store, GAsyncResult *result, GError **error)
{
  return finish_pointer (store, result, tftsr_mcp_discover_async, error);
}

/* Every enabled server, one after the other; a server that fails is recorded so and the
 * next one is tried. The result is how many connected. */
static void
discover_all_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  GError *error = NULL;
  g_autoptr (GPtrArray) servers = tftsr_mcp_store_list_servers (source, &error);
  gssize connected = 0;

  for (guint i = 0; servers != NULL && i < servers->len; i++)
    {
      const TftsrMcpServer *server = g_ptr_array_index (servers, i);
      g_autoptr (TftsrMcpDiscovery) discovery = NULL;
      g_autoptr (GError) failed = NULL;

      if (!server->enabled || g_cancellable_is_cancelled (cancellable))
        continue;
      discovery = tftsr_mcp_discover (source, server->name, cancellable, &failed);
      if (discovery != NULL)
        connected++;
      else
        g_debug ("MCP server “%s” not discovered: %s", server->name, failed->message);
    }
  if (servers == NULL)
    g_task_return_error (task, error);
  else if (!g_task_return_error_if_cancelled (task))
    g_task_return_int (task, connected);
}

void
tftsr_mcp_discover_enabled_async (TftsrStore *store, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (TFTSR_IS_STORE (store));
  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, tftsr_mcp_discover_enabled_async);
  g_task_run_in_thread (task, discover_all_thread);
}

gssize
tftsr_mcp_discover_enabled_finish (TftsrStore *store, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), -1);
  return g_task_propagate_int (G_TASK (result), error);
}

/* Registry */

static void
add_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Call *call = data;
  GError *error = NULL;
  gint64 id = tftsr_mcp_store_add_server (source, call->server, &call->secrets, &error);

  if (id != 0)
    g_task_return_pointer (task, g_memdup2 (&id, sizeof id), g_free);
  else
    g_task_return_error (task, error);
}

void
tftsr_mcp_store_add_server_async (TftsrStore *store, const TftsrMcpServer *server,
                                  const TftsrMcpSecrets *secrets, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (TFTSR_IS_STORE (store));
  g_return_if_fail (server != NULL);
  run_task (store, tftsr_mcp_store_add_server_async, add_thread,
            call_new (server->name, server, secrets), cancellable, callback, user_data);
}

gint64
tftsr_mcp_store_add_server_finish (TftsrStore *store, GAsyncResult *result, GError **error)
{
  g_autofree gint64 *id = finish_pointer (store, result, tftsr_mcp_store_add_server_async, error);
  return id != NULL ? *id : 0;
}

static void
update_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Call *call = data;
  GError *error = NULL;

  return_boolean (
      task, tftsr_mcp_store_update_server (source, call->server, &call->secrets, &error), &error);
}

void
tftsr_mcp_store_update_server_async (TftsrStore *store, const TftsrMcpServer *server,
                                     const TftsrMcpSecrets *secrets, GCancellable *cancellable,
                                     GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (TFTSR_IS_STORE (store));
  g_return_if_fail (server != NULL);
  run_task (store, tftsr_mcp_store_update_server_async, update_thread,
            call_new (server->name, server, secrets), cancellable, callback, user_data);
}

gboolean
tftsr_mcp_store_update_server_finish (TftsrStore *store, GAsyncResult *result, GError **error)
{
  return finish_boolean (store, result, tftsr_mcp_store_update_server_async, error);
}

static void
remove_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Call *call = data;
  GError *error = NULL;

  return_boolean (task, tftsr_mcp_store_remove_server (source, call->name, &error), &error);
}

void
tftsr_mcp_store_remove_server_async (TftsrStore *store, const char *name, GCancellable *cancellable,
                                     GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (TFTSR_IS_STORE (store));
  run_task (store, tftsr_mcp_store_remove_server_async, remove_thread, call_new (name, NULL, NULL),
            cancellable, callback, user_data);
}

gboolean
tftsr_mcp_store_remove_server_finish (TftsrStore *store, GAsyncResult *result, GError **error)
{
  return finish_boolean (store, result, tftsr_mcp_store_remove_server_async, error);
}

static void
enable_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Call *call = data;
  GError *error = NULL;

  return_boolean (task, tftsr_mcp_store_set_enabled (source, call->name, call->enabled, &error),
                  &error);
}

void
tftsr_mcp_store_set_enabled_async (TftsrStore *store, const char *name, gboolean enabled,
                                   GCancellable *cancellable, GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  Call *call = call_new (name, NULL, NULL);

  g_return_if_fail (TFTSR_IS_STORE (store));
  call->enabled = enabled;
  run_task (store, tftsr_mcp_store_set_enabled_async, enable_thread, call, cancellable, callback,
            user_data);
}

gboolean
tftsr_mcp_store_set_enabled_finish (TftsrStore *store, GAsyncResult *result, GError **error)
{
  return finish_boolean (store, result, tftsr_mcp_store_set_enabled_async, error);
}

static void
list_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *servers = tftsr_mcp_store_list_servers (source, &error);

  if (servers != NULL)
    g_task_return_pointer (task, servers, (GDestroyNotify) g_ptr_array_unref);
  else
    g_task_return_error (task, error);
}

void
tftsr_mcp_store_list_servers_async (TftsrStore *store, GCancellable *cancellable,
                                    GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (TFTSR_IS_STORE (store));
  run_task (store, tftsr_mcp_store_list_servers_async, list_thread, call_new (NULL, NULL, NULL),
            cancellable, callback, user_data);
}

GPtrArray *
tftsr_mcp_store_list_servers_finish (TftsrStore *store, GAsyncResult *result, GError **error)
{
  return finish_pointer (store, result, tftsr_mcp_store_list_servers_async, error);
}

/* Client */

static void
connect_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  GError *error = NULL;

  return_boolean (task, tftsr_mcp_client_connect (source, cancellable, &error), &error);
}

void
tftsr_mcp_client_connect_async (TftsrMcpClient *self, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (TFTSR_IS_MCP_CLIENT (self));
  run_task (self, tftsr_mcp_client_connect_async, connect_thread, call_new (NULL, NULL, NULL),
            cancellable, callback, user_data);
}

gboolean
tftsr_mcp_client_connect_finish (TftsrMcpClient *self, GAsyncResult *result, GError **error)
{
  return finish_boolean (self, result, tftsr_mcp_client_connect_async, error);
}

static void
return_array (GTask *task, GPtrArray *array, GError *error)
{
  if (array != NULL)
    g_task_return_pointer (task, array, (GDestroyNotify) g_ptr_array_unref);
  else
    g_task_return_error (task, error);
}

static void
tools_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *tools = tftsr_mcp_client_list_tools (source, cancellable, &error);

  return_array (task, tools, error);
}

void
tftsr_mcp_client_list_tools_async (TftsrMcpClient *self, GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (TFTSR_IS_MCP_CLIENT (self));
  run_task (self, tftsr_mcp_client_list_tools_async, tools_thread, call_new (NULL, NULL, NULL),
            cancellable, callback, user_data);
}

GPtrArray *
tftsr_mcp_client_list_tools_finish (TftsrMcpClient *self, GAsyncResult *result, GError **error)
{
  return finish_pointer (self, result, tftsr_mcp_client_list_tools_async, error);
}

static void
resources_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *resources = tftsr_mcp_client_list_resources (source, cancellable, &error);

  return_array (task, resources, error);
}

void
tftsr_mcp_client_list_resources_async (TftsrMcpClient *self, GCancellable *cancellable,
                                       GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (TFTSR_IS_MCP_CLIENT (self));
  run_task (self, tftsr_mcp_client_list_resources_async, resources_thread,
            call_new (NULL, NULL, NULL), cancellable, callback, user_data);
}

GPtrArray *
tftsr_mcp_client_list_resources_finish (TftsrMcpClient *self, GAsyncResult *result, GError **error)
{
  return finish_pointer (self, result, tftsr_mcp_client_list_resources_async, error);
}

static void
read_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Call *call = data;
  GError *error = NULL;
  GPtrArray *contents = tftsr_mcp_client_read_resource (source, call->text, cancellable, &error);

  return_array (task, contents, error);
}

void
tftsr_mcp_client_read_resource_async (TftsrMcpClient *self, const char *uri,
                                      GCancellable *cancellable, GAsyncReadyCallback callback,
                                      gpointer user_data)
{
  Call *call = call_new (NULL, NULL, NULL);

  g_return_if_fail (TFTSR_IS_MCP_CLIENT (self));
  call->text = g_strdup (uri);
  run_task (self, tftsr_mcp_client_read_resource_async, read_thread, call, cancellable, callback,
            user_data);
}

GPtrArray *
tftsr_mcp_client_read_resource_finish (TftsrMcpClient *self, GAsyncResult *result, GError **error)
{
  return finish_pointer (self, result, tftsr_mcp_client_read_resource_async, error);
}

static void
call_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Call *call = data;
  GError *error = NULL;
  TftsrMcpToolResult *result = tftsr_mcp_client_call_tool (source, call->name, call->text,
                                                           call->timeout_ms, cancellable, &error);

  if (result != NULL)
    g_task_return_pointer (task, result, (GDestroyNotify) tftsr_mcp_tool_result_free);
  else
    g_task_return_error (task, error);
}

void
tftsr_mcp_client_call_tool_async (TftsrMcpClient *self, const char *tool,
                                  const char *arguments_json, guint timeout_ms,
                                  GCancellable *cancellable, GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  Call *call = call_new (tool, NULL, NULL);

  g_return_if_fail (TFTSR_IS_MCP_CLIENT (self));
  call->text = g_strdup (arguments_json);
  call->timeout_ms = timeout_ms;
  run_task (self, tftsr_mcp_client_call_tool_async, call_thread, call, cancellable, callback,
            user_data);
}

TftsrMcpToolResult *
tftsr_mcp_client_call_tool_finish (TftsrMcpClient *self, GAsyncResult *result, GError **error)
{
  return finish_pointer (self, result, tftsr_mcp_client_call_tool_async, error);
}
