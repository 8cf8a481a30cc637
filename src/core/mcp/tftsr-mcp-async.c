/* tftsr-mcp-async.c: the registry's remaining _async forms, for the Settings page and its
 * dialogs (a server read again, whether its token is stored, an unsaved sign-in forgotten,
 * the tools always allowed listed and revoked, the tool rounds read and set)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "tftsr-mcp-bridge.h"
#include "tftsr-mcp-private.h"
#include "tftsr-vault.h"

typedef struct
{
  char *name; /* the server's */
  gboolean oauth;
  char *tool;
  guint rounds;
} Call;

static void
call_free (gpointer data)
{
  Call *call = data;

  g_free (call->name);
  g_free (call->tool);
  g_free (call);
}

static Call *
call_new (const char *name, gboolean oauth, const char *tool, guint rounds)
{
  Call *call = g_new0 (Call, 1);

  call->name = g_strdup (name);
  call->oauth = oauth;
  call->tool = g_strdup (tool);
  call->rounds = rounds;
  return call;
}

static void
run (TftsrStore *store, gpointer tag, Call *call, GTaskThreadFunc func, GCancellable *cancellable,
     GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (store, cancellable, callback, user_data);

  g_task_set_source_tag (task, tag);
  g_task_set_task_data (task, call, call_free);
  g_task_run_in_thread (task, func);
}

static gboolean
is_call (GAsyncResult *result, TftsrStore *store, gpointer tag)
{
  return g_task_is_valid (result, store) && g_task_get_source_tag (G_TASK (result)) == tag;
}

static void
get_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Call *call = data;
  GError *error = NULL;
  TftsrMcpServer *server = tftsr_mcp_store_get_server (source, call->name, &error);

  if (server != NULL)
    g_task_return_pointer (task, server, (GDestroyNotify) tftsr_mcp_server_free);
  else
    g_task_return_error (task, error);
}

void
tftsr_mcp_store_get_server_async (TftsrStore *store, const char *name, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (TFTSR_IS_STORE (store));
  g_return_if_fail (name != NULL);
  run (store, tftsr_mcp_store_get_server_async, call_new (name, FALSE, NULL, 0), get_thread,
       cancellable, callback, user_data);
}

TftsrMcpServer *
tftsr_mcp_store_get_server_finish (TftsrStore *store, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tftsr_mcp_store_get_server_async,
                        NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
has_token_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Call *call = data;
  g_autofree char *id = NULL;

  if (!call->oauth)
    {
      g_task_return_boolean (task, tftsr_mcp_store_has_token (source, call->name));
      return;
    }
  if (!tftsr_mcp_check_name (call->name, NULL))
    {
      g_task_return_boolean (task, FALSE);
      return;
    }
  id = tftsr_mcp_vault_id (call->name);
  g_task_return_boolean (task, tftsr_vault_has_secret (source, id, TFTSR_SECRET_OAUTH));
}

void
tftsr_mcp_store_has_token_async (TftsrStore *store, const char *name, gboolean oauth,
                                 GCancellable *cancellable, GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  g_return_if_fail (TFTSR_IS_STORE (store));
  g_return_if_fail (name != NULL);
  run (store, tftsr_mcp_store_has_token_async, call_new (name, oauth, NULL, 0), has_token_thread,
       cancellable, callback, user_data);
}

gboolean
tftsr_mcp_store_has_token_finish (TftsrStore *store, GAsyncResult *result)
{
  g_return_val_if_fail (g_task_is_valid (result, store), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tftsr_mcp_store_has_token_async,
                        FALSE);
  return g_task_propagate_boolean (G_TASK (result), NULL);
}

static void
forget_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Call *call = data;
  GError *error = NULL;
  g_autofree char *id = NULL;

  if (!tftsr_mcp_check_name (call->name, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  id = tftsr_mcp_vault_id (call->name);
  if (tftsr_vault_delete_secret (source, id, TFTSR_SECRET_OAUTH, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
tftsr_mcp_store_forget_oauth_async (TftsrStore *store, const char *name, GCancellable *cancellable,
                                    GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (TFTSR_IS_STORE (store));
  g_return_if_fail (name != NULL);
  run (store, tftsr_mcp_store_forget_oauth_async, call_new (name, FALSE, NULL, 0), forget_thread,
       cancellable, callback, user_data);
}

gboolean
tftsr_mcp_store_forget_oauth_finish (TftsrStore *store, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), FALSE);
  g_return_val_if_fail (
      g_task_get_source_tag (G_TASK (result)) == tftsr_mcp_store_forget_oauth_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
list_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Call *call = data;
  GError *error = NULL;
  GPtrArray *tools = tftsr_mcp_store_list_allowed_tools (source, call->name, &error);

  if (tools != NULL)
    g_task_return_pointer (task, tools, (GDestroyNotify) g_ptr_array_unref);
  else
    g_task_return_error (task, error);
}

void
tftsr_mcp_store_list_allowed_tools_async (TftsrStore *store, const char *server,
                                          GCancellable *cancellable, GAsyncReadyCallback callback,
                                          gpointer user_data)
{
  g_return_if_fail (TFTSR_IS_STORE (store));
  g_return_if_fail (server != NULL);
  run (store, tftsr_mcp_store_list_allowed_tools_async, call_new (server, FALSE, NULL, 0),
       list_thread, cancellable, callback, user_data);
}

GPtrArray *
tftsr_mcp_store_list_allowed_tools_finish (TftsrStore *store, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (is_call (result, store, tftsr_mcp_store_list_allowed_tools_async), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
revoke_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Call *call = data;
  GError *error = NULL;

  if (tftsr_mcp_store_revoke_tool (source, call->name, call->tool, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
tftsr_mcp_store_revoke_tool_async (TftsrStore *store, const char *server, const char *tool,
                                   GCancellable *cancellable, GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  g_return_if_fail (TFTSR_IS_STORE (store));
  g_return_if_fail (server != NULL && tool != NULL);
  run (store, tftsr_mcp_store_revoke_tool_async, call_new (server, FALSE, tool, 0), revoke_thread,
       cancellable, callback, user_data);
}

gboolean
tftsr_mcp_store_revoke_tool_finish (TftsrStore *store, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (is_call (result, store, tftsr_mcp_store_revoke_tool_async), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
get_rounds_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  g_task_return_int (task, tftsr_mcp_get_tool_rounds (source));
}

void
tftsr_mcp_get_tool_rounds_async (TftsrStore *store, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (TFTSR_IS_STORE (store));
  run (store, tftsr_mcp_get_tool_rounds_async, call_new (NULL, FALSE, NULL, 0), get_rounds_thread,
       cancellable, callback, user_data);
}

guint
tftsr_mcp_get_tool_rounds_finish (TftsrStore *store, GAsyncResult *result, GError **error)
{
  gssize rounds;

  g_return_val_if_fail (is_call (result, store, tftsr_mcp_get_tool_rounds_async), 0);
  rounds = g_task_propagate_int (G_TASK (result), error);
  return rounds > 0 ? (guint) rounds : 0;
}

static void
set_rounds_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Call *call = data;
  GError *error = NULL;

  if (tftsr_mcp_set_tool_rounds (source, call->rounds, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
tftsr_mcp_set_tool_rounds_async (TftsrStore *store, guint rounds, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (TFTSR_IS_STORE (store));
  run (store, tftsr_mcp_set_tool_rounds_async, call_new (NULL, FALSE, NULL, rounds),
       set_rounds_thread, cancellable, callback, user_data);
}

gboolean
tftsr_mcp_set_tool_rounds_finish (TftsrStore *store, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (is_call (result, store, tftsr_mcp_set_tool_rounds_async), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
