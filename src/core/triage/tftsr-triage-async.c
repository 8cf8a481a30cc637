/* tftsr-triage-async.c: a chat turn in a worker, its reply relayed to the caller
 *
 * The worker hears the reply piece by piece; each piece is handed to the main context of
 * the thread that started the turn, in order. Unlike progress, no piece may be dropped,
 * so every one is delivered (they come at the pace a model writes). The task's own result
 * is queued after the last piece, so the caller has the whole text by then.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "tftsr-triage-private.h"

typedef struct
{
  TftsrAiListener target;
  GMainContext *context;
} Relay;

typedef struct
{
  TftsrAiListener target;
  char *text; /* a piece of text, or NULL for a retry */
  gsize len;
  guint attempt;
  guint seconds;
} Delivery;

static void
delivery_free (Delivery *delivery)
{
  g_free (delivery->text);
  g_free (delivery);
}

static gboolean
deliver (gpointer user_data)
{
  Delivery *d = user_data;

  if (d->text != NULL)
    d->target.text (d->text, d->len, d->target.user_data);
  else
    d->target.retry (d->attempt, d->seconds, d->target.user_data);
  return G_SOURCE_REMOVE;
}

static void
post (Relay *relay, Delivery *delivery)
{
  delivery->target = relay->target;
  g_main_context_invoke_full (relay->context, G_PRIORITY_DEFAULT, deliver, delivery,
                              (GDestroyNotify) delivery_free);
}

static void
relay_text (const char *text, gsize len, gpointer user_data)
{
  Relay *relay = user_data;
  Delivery *delivery = g_new0 (Delivery, 1);

  delivery->text = g_strndup (text, len);
  delivery->len = len;
  post (relay, delivery);
}

static void
relay_retry (guint attempt, guint seconds, gpointer user_data)
{
  Relay *relay = user_data;
  Delivery *delivery = g_new0 (Delivery, 1);

  delivery->attempt = attempt;
  delivery->seconds = seconds;
  post (relay, delivery);
}

typedef struct
{
  gint64 issue_id;
  char *text;
  char *provider_name;
  Relay relay;
} SendData;

static void
send_data_free (SendData *data)
{
  g_free (data->text);
  g_free (data->provider_name);
  g_main_context_unref (data->relay.context);
  g_free (data);
}

static void
send_in_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  SendData *data = task_data;
  TftsrAiListener listener = {
    data->relay.target.text != NULL ? relay_text : NULL,
    data->relay.target.retry != NULL ? relay_retry : NULL,
    &data->relay,
  };
  GError *error = NULL;
  TftsrTriageTurn *turn = tftsr_triage_send (TFTSR_STORE (source), data->issue_id, data->text,
                                             data->provider_name, &listener, cancellable, &error);

  if (turn == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, turn, (GDestroyNotify) tftsr_triage_turn_free);
}

void
tftsr_triage_send_async (TftsrStore *store, gint64 issue_id, const char *text,
                         const char *provider_name, const TftsrAiListener *listener,
                         GCancellable *cancellable, GAsyncReadyCallback callback,
                         gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  SendData *data;

  g_return_if_fail (TFTSR_IS_STORE (store));
  g_return_if_fail (text != NULL);

  data = g_new0 (SendData, 1);
  data->issue_id = issue_id;
  data->text = g_strdup (text);
  data->provider_name = g_strdup (provider_name);
  if (listener != NULL)
    data->relay.target = *listener;
  data->relay.context = g_main_context_ref_thread_default ();
  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, tftsr_triage_send_async);
  g_task_set_task_data (task, data, (GDestroyNotify) send_data_free);
  g_task_run_in_thread (task, send_in_thread);
}

TftsrTriageTurn *
tftsr_triage_send_finish (TftsrStore *store, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tftsr_triage_send_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
