/* tftsr-mcp-async.c: the registry's remaining _async forms, for the Settings page and its
 * dialogs (a server read again, whether its token is stored, an unsaved sign-in forgotten)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "tftsr-mcp-private.h"
#include "tftsr-vault.h"

typedef struct
{
  char *name;
  gboolean oauth;
} Call;

static void
call_free (gpointer data)
{
  Call *call = data;

  g_free (call->name);
  g_free (call);
}

static void
run (TftsrStore *store, gpointer tag, const char *name, gboolean oauth, GTaskThreadFunc func,
     GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (store, cancellable, callback, user_data);
  Call *call = g_new0 (Call, 1);

  call->name = g_strdup (name);
  call->oauth = oauth;
  g_task_set_source_tag (task, tag);
  g_task_set_task_data (task, call, call_free);
  g_task_run_in_thread (task, func);
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
  run (store, tftsr_mcp_store_get_server_async, name, FALSE, get_thread, cancellable, callback,
       user_data);
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
  run (store, tftsr_mcp_store_has_token_async, name, oauth, has_token_thread, cancellable, callback,
       user_data);
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
  run (store, tftsr_mcp_store_forget_oauth_async, name, FALSE, forget_thread, cancellable, callback,
       user_data);
}

gboolean
tftsr_mcp_store_forget_oauth_finish (TftsrStore *store, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), FALSE);
  g_return_val_if_fail (
      g_task_get_source_tag (G_TASK (result)) == tftsr_mcp_store_forget_oauth_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
