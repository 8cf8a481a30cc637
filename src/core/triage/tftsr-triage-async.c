/* tftsr-triage-async.c: the triage calls for the UI thread, each in a worker
 *
 * A chat turn's worker hears the reply piece by piece and turns it into display text
 * there (revealing pseudonyms reads the store), which is handed to the main context of the
 * thread that started the turn. The task's own result is queued after the last text, so
 * the caller has the whole reply by then.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "tftsr-triage-private.h"

/* What a turn in a worker hands to the main context that started it. The display text is
 * a mailbox: the worker replaces what waits there and posts a delivery only when none is
 * on its way, so a main context that falls behind gets the newest text once, not every
 * step on the way to it. */
typedef struct
{
  TftsrTriageViewer target;
  GMainContext *context;
  TftsrTriageDisplay *display; /* used in the worker only */
  gboolean heard;              /* any text arrived */
  gboolean warned;             /* the pseudonyms could not be read (said once) */
  GMutex lock;
  char *waiting; /* the display text not delivered yet, or NULL */
} Relay;

typedef struct
{
  GTask *task; /* keeps the relay alive */
  gboolean retry;
  guint attempt;
  guint seconds;
  TftsrTriageToolCall *tool; /* a tool call that changed */
  TftsrToolAsk *ask;         /* a tool call waiting for the engineer */
} Delivery;

/* A tool call put to the engineer: the worker waits on @cond until the main context
 * answers or the turn is cancelled. */
struct _TftsrToolAsk
{
  gatomicrefcount ref;
  GMutex lock;
  GCond cond;
  TftsrTriageToolCall *call;
  gboolean answered;
  TftsrToolApproval approval;
};

typedef struct
{
  gint64 issue_id;
  char *text; /* NULL: the last answer again */
  GPtrArray *attachments;
  char *provider_name;
  Relay relay;
} SendData;

TftsrToolAsk *
tftsr_tool_ask_ref (TftsrToolAsk *ask)
{
  g_return_val_if_fail (ask != NULL, NULL);
  g_atomic_ref_count_inc (&ask->ref);
  return ask;
}

void
tftsr_tool_ask_unref (TftsrToolAsk *ask)
{
  if (ask == NULL || !g_atomic_ref_count_dec (&ask->ref))
    return;
  tftsr_triage_tool_call_free (ask->call);
  g_mutex_clear (&ask->lock);
  g_cond_clear (&ask->cond);
  g_free (ask);
}

const TftsrTriageToolCall *
tftsr_tool_ask_get_call (TftsrToolAsk *ask)
{
  g_return_val_if_fail (ask != NULL, NULL);
  return ask->call;
}

void
tftsr_tool_ask_answer (TftsrToolAsk *ask, TftsrToolApproval approval)
{
  g_return_if_fail (ask != NULL);

  g_mutex_lock (&ask->lock);
  if (!ask->answered)
    {
      ask->answered = TRUE;
      ask->approval = approval;
      g_cond_broadcast (&ask->cond);
    }
  g_mutex_unlock (&ask->lock);
}

static void
delivery_free (Delivery *delivery)
{
  g_object_unref (delivery->task);
  g_clear_pointer (&delivery->tool, tftsr_triage_tool_call_free);
  g_clear_pointer (&delivery->ask, tftsr_tool_ask_unref);
  g_free (delivery);
}

static gboolean
deliver (gpointer user_data)
{
  Delivery *d = user_data;
  Relay *relay = &((SendData *) g_task_get_task_data (d->task))->relay;
  g_autofree char *text = NULL;

  if (d->retry)
    {
      relay->target.retry (d->attempt, d->seconds, relay->target.user_data);
      return G_SOURCE_REMOVE;
    }
  if (d->tool != NULL)
    {
      relay->target.tool (d->tool, relay->target.user_data);
      return G_SOURCE_REMOVE;
    }
  if (d->ask != NULL)
    {
      relay->target.approve (d->ask, relay->target.user_data);
      return G_SOURCE_REMOVE;
    }
  g_mutex_lock (&relay->lock);
  text = g_steal_pointer (&relay->waiting);
  g_mutex_unlock (&relay->lock);
  if (text != NULL)
    relay->target.shown (text, relay->target.user_data);
  return G_SOURCE_REMOVE;
}

/* Always a source of the caller's context, dispatched by the thread that runs it, in the
 * order posted and before the task's own result (g_main_context_invoke() would run it in
 * the worker whenever no thread happens to own that context at that moment). */
static void
post (GTask *task, Delivery *delivery)
{
  Relay *relay = &((SendData *) g_task_get_task_data (task))->relay;
  GSource *source = g_idle_source_new ();

  delivery->task = g_object_ref (task);
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, deliver, delivery, (GDestroyNotify) delivery_free);
  g_source_set_static_name (source, "[tftsr] triage reply");
  g_source_attach (source, relay->context);
  g_source_unref (source);
}

/* Puts the display text in the mailbox, posting a delivery if none is on its way. */
static void
post_shown (GTask *task)
{
  Relay *relay = &((SendData *) g_task_get_task_data (task))->relay;
  gboolean idle;

  g_mutex_lock (&relay->lock);
  idle = relay->waiting == NULL;
  g_free (relay->waiting);
  relay->waiting = g_strdup (tftsr_triage_display_get_text (relay->display));
  g_mutex_unlock (&relay->lock);
  if (idle)
    post (task, g_new0 (Delivery, 1));
}

static void
warn_once (Relay *relay, GError *error)
{
  if (error != NULL && !relay->warned)
    g_warning ("Pseudonyms are shown as they are: %s", error->message);
  relay->warned = relay->warned || error != NULL;
  g_clear_error (&error);
}

static void
relay_text (const char *text, gsize len, gpointer user_data)
{
  GTask *task = user_data;
  Relay *relay = &((SendData *) g_task_get_task_data (task))->relay;
  GError *error = NULL;

  relay->heard = TRUE;
  tftsr_triage_display_add (relay->display, text, len, relay->warned ? NULL : &error);
  warn_once (relay, error);
  post_shown (task);
}

static void
relay_retry (guint attempt, guint seconds, gpointer user_data)
{
  Delivery *delivery = g_new0 (Delivery, 1);

  delivery->retry = TRUE;
  delivery->attempt = attempt;
  delivery->seconds = seconds;
  post (user_data, delivery);
}

static void
relay_tool (const TftsrTriageToolCall *call, gpointer user_data)
{
  Delivery *delivery = g_new0 (Delivery, 1);

  delivery->tool = tftsr_triage_tool_call_copy (call);
  post (user_data, delivery);
}

static void
wake (GCancellable *cancellable, gpointer user_data)
{
  TftsrToolAsk *ask = user_data;

  g_mutex_lock (&ask->lock);
  g_cond_broadcast (&ask->cond);
  g_mutex_unlock (&ask->lock);
}

/* In the worker: puts the call to the main context and waits for its answer; a cancelled
 * turn stops waiting (and the call is not run). */
static TftsrToolApproval
relay_approve (const TftsrTriageToolCall *call, GCancellable *cancellable, gpointer user_data)
{
  g_autoptr (TftsrToolAsk) ask = g_new0 (TftsrToolAsk, 1);
  Delivery *delivery = g_new0 (Delivery, 1);
  TftsrToolApproval approval;
  gulong handler;

  g_atomic_ref_count_init (&ask->ref);
  g_mutex_init (&ask->lock);
  g_cond_init (&ask->cond);
  ask->call = tftsr_triage_tool_call_copy (call);
  delivery->ask = tftsr_tool_ask_ref (ask);
  post (user_data, delivery);
  /* Connected before the lock is taken: the handler runs at once if already cancelled. */
  handler = g_cancellable_connect (cancellable, G_CALLBACK (wake), ask, NULL);
  g_mutex_lock (&ask->lock);
  while (!ask->answered && !g_cancellable_is_cancelled (cancellable))
    g_cond_wait (&ask->cond, &ask->lock);
  approval = ask->answered ? ask->approval : TFTSR_TOOL_DENY;
  /* A late answer changes nothing. */
  ask->answered = TRUE;
  g_mutex_unlock (&ask->lock);
  g_cancellable_disconnect (cancellable, handler);
  return approval;
}

static void
send_data_free (SendData *data)
{
  g_free (data->text);
  g_ptr_array_unref (data->attachments);
  g_free (data->provider_name);
  g_main_context_unref (data->relay.context);
  g_clear_object (&data->relay.target.bridge);
  g_clear_pointer (&data->relay.display, tftsr_triage_display_free);
  g_mutex_clear (&data->relay.lock);
  g_free (data->relay.waiting);
  g_free (data);
}

static void
send_in_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  SendData *data = task_data;
  Relay *relay = &data->relay;
  TftsrAiListener listener = {
    relay->target.shown != NULL ? relay_text : NULL,
    relay->target.retry != NULL ? relay_retry : NULL,
    task,
  };
  TftsrTriageTools tools = {
    relay->target.bridge,
    relay->target.approve != NULL ? relay_approve : NULL,
    relay->target.tool != NULL ? relay_tool : NULL,
    task,
  };
  GError *error = NULL;
  TftsrTriageTurn *turn;

  turn = data->text != NULL
             ? tftsr_triage_send_with_tools (TFTSR_STORE (source), data->issue_id, data->text,
                                             data->attachments, data->provider_name, &listener,
                                             &tools, cancellable, &error)
             : tftsr_triage_regenerate_with_tools (TFTSR_STORE (source), data->issue_id,
                                                   data->provider_name, &listener, &tools,
                                                   cancellable, &error);
  /* The whole reply, its last line included, reaches the viewer before the callback. */
  if (relay->heard)
    {
      GError *failure = NULL;

      tftsr_triage_display_finish (relay->display, relay->warned ? NULL : &failure);
      warn_once (relay, failure);
      post_shown (task);
    }
  if (turn == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, turn, (GDestroyNotify) tftsr_triage_turn_free);
}

static void
start_turn (TftsrStore *store, gint64 issue_id, const char *text, GPtrArray *attachments,
            const char *provider_name, const TftsrTriageViewer *viewer, GCancellable *cancellable,
            GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  SendData *data = g_new0 (SendData, 1);

  data->issue_id = issue_id;
  data->text = g_strdup (text);
  data->attachments = tftsr_triage_attachments_copy (attachments);
  data->provider_name = g_strdup (provider_name);
  if (viewer != NULL)
    data->relay.target = *viewer;
  if (data->relay.target.bridge != NULL)
    g_object_ref (data->relay.target.bridge);
  data->relay.context = g_main_context_ref_thread_default ();
  data->relay.display = tftsr_triage_display_new (store, issue_id);
  g_mutex_init (&data->relay.lock);
  task = g_task_new (store, cancellable, callback, user_data);
  /* Sending and sending again share one finish function and so one source tag. */
  g_task_set_source_tag (task, tftsr_triage_send_finish);
  g_task_set_task_data (task, data, (GDestroyNotify) send_data_free);
  g_task_run_in_thread (task, send_in_thread);
}

void
tftsr_triage_send_async (TftsrStore *store, gint64 issue_id, const char *text,
                         GPtrArray *attachments, const char *provider_name,
                         const TftsrTriageViewer *viewer, GCancellable *cancellable,
                         GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (TFTSR_IS_STORE (store));
  g_return_if_fail (text != NULL);

  start_turn (store, issue_id, text, attachments, provider_name, viewer, cancellable, callback,
              user_data);
}

void
tftsr_triage_regenerate_async (TftsrStore *store, gint64 issue_id, const char *provider_name,
                               const TftsrTriageViewer *viewer, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (TFTSR_IS_STORE (store));

  start_turn (store, issue_id, NULL, NULL, provider_name, viewer, cancellable, callback, user_data);
}

TftsrTriageTurn *
tftsr_triage_send_finish (TftsrStore *store, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tftsr_triage_send_finish, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- the guide, the state, the messages and the engineer's edits ------------------------- */

/* What the worker calls below need: an incident and the texts of a message or an edit. */
typedef struct
{
  gint64 issue_id;
  guint n;
  char *question;
  char *text; /* the engineer's message, a why's answer or the root cause */
  char *evidence;
  gboolean root_cause;
} Call;

static Call *
call_new (gint64 issue_id, guint n, const char *question, const char *text, const char *evidence,
          gboolean root_cause)
{
  Call *call = g_new0 (Call, 1);

  call->issue_id = issue_id;
  call->n = n;
  call->question = g_strdup (question);
  call->text = g_strdup (text);
  call->evidence = g_strdup (evidence);
  call->root_cause = root_cause;
  return call;
}

static void
call_free (Call *call)
{
  g_free (call->question);
  g_free (call->text);
  g_free (call->evidence);
  g_free (call);
}

/* Results of calls that only succeed or fail. */
#define DONE GINT_TO_POINTER (1)

static void
run (TftsrStore *store, gpointer tag, TftsrStoreFunc func, Call *call, GDestroyNotify result_free,
     GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  tftsr_store_run_async (store, tag, func, call, (GDestroyNotify) call_free, result_free,
                         cancellable, callback, user_data);
}

static gpointer
guide_call (TftsrStore *store, gpointer data, GError **error)
{
  Call *call = data;
  return tftsr_triage_guide (store, call->issue_id, call->text, call->root_cause, error);
}

void
tftsr_triage_guide_async (TftsrStore *store, gint64 issue_id, const char *text, gboolean root_cause,
                          GCancellable *cancellable, GAsyncReadyCallback callback,
                          gpointer user_data)
{
  g_return_if_fail (TFTSR_IS_STORE (store));
  g_return_if_fail (text != NULL);
  run (store, tftsr_triage_guide_async, guide_call,
       call_new (issue_id, 0, NULL, text, NULL, root_cause),
       (GDestroyNotify) tftsr_triage_turn_free, cancellable, callback, user_data);
}

TftsrTriageTurn *
tftsr_triage_guide_finish (TftsrStore *store, GAsyncResult *result, GError **error)
{
  return tftsr_store_run_finish (store, result, tftsr_triage_guide_async, error);
}

static gpointer
get_call (TftsrStore *store, gpointer data, GError **error)
{
  return tftsr_store_get_triage (store, ((Call *) data)->issue_id, error);
}

void
tftsr_store_get_triage_async (TftsrStore *store, gint64 issue_id, GCancellable *cancellable,
                              GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (TFTSR_IS_STORE (store));
  run (store, tftsr_store_get_triage_async, get_call,
       call_new (issue_id, 0, NULL, NULL, NULL, FALSE), (GDestroyNotify) tftsr_triage_state_free,
       cancellable, callback, user_data);
}

TftsrTriageState *
tftsr_store_get_triage_finish (TftsrStore *store, GAsyncResult *result, GError **error)
{
  return tftsr_store_run_finish (store, result, tftsr_store_get_triage_async, error);
}

/* The messages with the text each is shown with. */
static gpointer
list_call (TftsrStore *store, gpointer data, GError **error)
{
  gint64 issue_id = ((Call *) data)->issue_id;
  g_autoptr (GPtrArray) messages = tftsr_store_list_triage_messages (store, issue_id, error);

  for (guint i = 0; messages != NULL && i < messages->len; i++)
    {
      TftsrTriageMessage *message = messages->pdata[i];

      message->display_text = tftsr_triage_dup_display_text (store, issue_id, message, error);
      if (message->display_text == NULL)
        return NULL;
    }
  return g_steal_pointer (&messages);
}

void
tftsr_store_list_triage_messages_async (TftsrStore *store, gint64 issue_id,
                                        GCancellable *cancellable, GAsyncReadyCallback callback,
                                        gpointer user_data)
{
  g_return_if_fail (TFTSR_IS_STORE (store));
  run (store, tftsr_store_list_triage_messages_async, list_call,
       call_new (issue_id, 0, NULL, NULL, NULL, FALSE), (GDestroyNotify) g_ptr_array_unref,
       cancellable, callback, user_data);
}

GPtrArray *
tftsr_store_list_triage_messages_finish (TftsrStore *store, GAsyncResult *result, GError **error)
{
  return tftsr_store_run_finish (store, result, tftsr_store_list_triage_messages_async, error);
}

static gpointer
set_why_call (TftsrStore *store, gpointer data, GError **error)
{
  Call *call = data;

  return tftsr_store_set_why (store, call->issue_id, call->n, call->question, call->text,
                              call->evidence, error)
             ? DONE
             : NULL;
}

void
tftsr_store_set_why_async (TftsrStore *store, gint64 issue_id, guint n, const char *question,
                           const char *answer, const char *evidence, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (TFTSR_IS_STORE (store));
  g_return_if_fail (n >= 1 && n <= TFTSR_TRIAGE_N_WHYS);
  run (store, tftsr_store_change_finish, set_why_call,
       call_new (issue_id, n, question, answer, evidence, FALSE), NULL, cancellable, callback,
       user_data);
}

static gpointer
set_root_cause_call (TftsrStore *store, gpointer data, GError **error)
{
  Call *call = data;
  return tftsr_store_set_root_cause (store, call->issue_id, call->text, error) ? DONE : NULL;
}

void
tftsr_store_set_root_cause_async (TftsrStore *store, gint64 issue_id, const char *statement,
                                  GCancellable *cancellable, GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  g_return_if_fail (TFTSR_IS_STORE (store));
  g_return_if_fail (statement != NULL);
  run (store, tftsr_store_change_finish, set_root_cause_call,
       call_new (issue_id, 0, NULL, statement, NULL, FALSE), NULL, cancellable, callback,
       user_data);
}
