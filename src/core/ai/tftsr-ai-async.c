/* tftsr-ai-async.c: the provider calls for the UI thread, each run in a worker
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "tftsr-ai-client.h"
#include "tftsr-ai-private.h"

#define DONE GINT_TO_POINTER (1)

/* A provider and, for a save, the key typed for it (wiped when the call ends). */
typedef struct
{
  TftsrAiProvider *provider;
  char *key;
  gint64 id;
} Call;

static Call *
call_new (const TftsrAiProvider *provider, const char *key, gint64 id)
{
  Call *call = g_new0 (Call, 1);

  call->provider = provider != NULL ? tftsr_ai_provider_copy (provider) : NULL;
  call->key = g_strdup (key);
  call->id = id;
  return call;
}

static void
call_free (Call *call)
{
  g_clear_pointer (&call->provider, tftsr_ai_provider_free);
  g_clear_pointer (&call->key, tftsr_secret_free);
  g_free (call);
}

static void
run (TftsrStore *store, gpointer tag, TftsrStoreFunc func, Call *call, GDestroyNotify result_free,
     GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  tftsr_store_run_async (store, tag, func, call, (GDestroyNotify) call_free, result_free,
                         cancellable, callback, user_data);
}

static gpointer
list_call (TftsrStore *store, gpointer data, GError **error)
{
  return tftsr_store_list_ai_providers (store, error);
}

void
tftsr_store_list_ai_providers_async (TftsrStore *store, GCancellable *cancellable,
                                     GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (TFTSR_IS_STORE (store));
  run (store, tftsr_store_list_ai_providers_async, list_call, call_new (NULL, NULL, 0),
       (GDestroyNotify) g_ptr_array_unref, cancellable, callback, user_data);
}

GPtrArray *
tftsr_store_list_ai_providers_finish (TftsrStore *store, GAsyncResult *result, GError **error)
{
  return tftsr_store_run_finish (store, result, tftsr_store_list_ai_providers_async, error);
}

/* Adds a provider without an id, saves one with. The id is the result. */
static gpointer
save_call (TftsrStore *store, gpointer data, GError **error)
{
  Call *call = data;

  if (call->provider->id > 0)
    return tftsr_store_update_ai_provider (store, call->provider, call->key, error)
               ? tftsr_store_id_new (call->provider->id)
               : NULL;
  call->id = tftsr_store_add_ai_provider (store, call->provider, call->key, error);
  return call->id > 0 ? tftsr_store_id_new (call->id) : NULL;
}

void
tftsr_store_save_ai_provider_async (TftsrStore *store, const TftsrAiProvider *provider,
                                    const char *api_key, GCancellable *cancellable,
                                    GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (TFTSR_IS_STORE (store));
  g_return_if_fail (provider != NULL);
  run (store, tftsr_store_save_ai_provider_async, save_call, call_new (provider, api_key, 0),
       g_free, cancellable, callback, user_data);
}

gint64
tftsr_store_save_ai_provider_finish (TftsrStore *store, GAsyncResult *result, GError **error)
{
  g_autofree gint64 *id =
      tftsr_store_run_finish (store, result, tftsr_store_save_ai_provider_async, error);
  return id != NULL ? *id : 0;
}

static gpointer
remove_call (TftsrStore *store, gpointer data, GError **error)
{
  return tftsr_store_remove_ai_provider (store, ((Call *) data)->id, error) ? DONE : NULL;
}

static gpointer
use_call (TftsrStore *store, gpointer data, GError **error)
{
  return tftsr_store_set_active_ai_provider (store, ((Call *) data)->id, error) ? DONE : NULL;
}

void
tftsr_store_remove_ai_provider_async (TftsrStore *store, gint64 id, GCancellable *cancellable,
                                      GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (TFTSR_IS_STORE (store));
  run (store, tftsr_store_change_finish, remove_call, call_new (NULL, NULL, id), NULL, cancellable,
       callback, user_data);
}

void
tftsr_store_set_active_ai_provider_async (TftsrStore *store, gint64 id, GCancellable *cancellable,
                                          GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (TFTSR_IS_STORE (store));
  run (store, tftsr_store_change_finish, use_call, call_new (NULL, NULL, id), NULL, cancellable,
       callback, user_data);
}

/* The network calls take the task's cancellable, so they run in tasks of their own. */
static void
test_in_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Call *call = data;
  GError *error = NULL;
  TftsrAiTestResult *result =
      tftsr_ai_test_provider (TFTSR_STORE (source), call->provider, cancellable, &error);

  if (result != NULL)
    g_task_return_pointer (task, result, (GDestroyNotify) tftsr_ai_test_result_free);
  else
    g_task_return_error (task, error);
}

static void
models_in_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Call *call = data;
  GError *error = NULL;
  GPtrArray *models =
      tftsr_ai_list_models (TFTSR_STORE (source), call->provider, cancellable, &error);

  if (models != NULL)
    g_task_return_pointer (task, models, (GDestroyNotify) g_ptr_array_unref);
  else
    g_task_return_error (task, error);
}

static void
run_network (TftsrStore *store, gpointer tag, GTaskThreadFunc func, const TftsrAiProvider *provider,
             GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (store, cancellable, callback, user_data);

  g_task_set_source_tag (task, tag);
  g_task_set_task_data (task, call_new (provider, NULL, 0), (GDestroyNotify) call_free);
  g_task_run_in_thread (task, func);
}

void
tftsr_ai_test_provider_async (TftsrStore *store, const TftsrAiProvider *provider,
                              GCancellable *cancellable, GAsyncReadyCallback callback,
                              gpointer user_data)
{
  g_return_if_fail (TFTSR_IS_STORE (store));
  g_return_if_fail (provider != NULL);
  run_network (store, tftsr_ai_test_provider_async, test_in_thread, provider, cancellable, callback,
               user_data);
}

TftsrAiTestResult *
tftsr_ai_test_provider_finish (TftsrStore *store, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
tftsr_ai_list_models_async (TftsrStore *store, const TftsrAiProvider *provider,
                            GCancellable *cancellable, GAsyncReadyCallback callback,
                            gpointer user_data)
{
  g_return_if_fail (TFTSR_IS_STORE (store));
  g_return_if_fail (provider != NULL);
  run_network (store, tftsr_ai_list_models_async, models_in_thread, provider, cancellable, callback,
               user_data);
}

GPtrArray *
tftsr_ai_list_models_finish (TftsrStore *store, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
