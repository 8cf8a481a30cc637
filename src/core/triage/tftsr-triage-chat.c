/* tftsr-triage-chat.c: one turn of the triage conversation with an AI provider
 *
 * The path of a turn: the request is built from the incident, the conversation and the
 * engineer's new message, every text through egress (the incident's pseudonyms, the stored
 * detection settings), the logs attached to messages read again and the screenshots put
 * in; only then is the message stored as typed, with its attachments; the AI client
 * records the exact bytes in the audit log and sends them over net; the reply is stored as
 * it came (pseudonyms and all), and its markers move the 5 Whys, their texts mapped back to
 * the real values because the whys are the engineer's record.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>
#include <string.h>

#include "tftsr-egress.h"
#include "tftsr-log.h"
#include "tftsr-pii-review.h"
#include "tftsr-pii-settings.h"
#include "tftsr-triage-private.h"

void
tftsr_triage_turn_free (TftsrTriageTurn *turn)
{
  if (turn == NULL)
    return;
  tftsr_triage_message_free (turn->reply);
  g_free (turn->root_cause);
  g_free (turn);
}

/* --- the request, redacted ------------------------------------------------------------------ */

/* A NULL-terminated vector being built. */
static GPtrArray *
strv_new (void)
{
  return g_ptr_array_new_with_free_func (g_free);
}

static GStrv
strv_end (GPtrArray *strv)
{
  g_ptr_array_add (strv, NULL);
  return (GStrv) g_ptr_array_free (strv, FALSE);
}

/* The names of the incident's logs, redacted. */
static GStrv
redacted_log_names (const TftsrTriageRedactor *r, GError **error)
{
  g_autoptr (GPtrArray) logs = tftsr_store_list_logs (r->store, r->issue_id, error);
  g_autoptr (GPtrArray) names = strv_new ();

  if (logs == NULL)
    return NULL;
  for (guint i = 0; i < logs->len; i++)
    {
      char *name = tftsr_triage_redact (r, tftsr_log_file_get_name (logs->pdata[i]), error);
      if (name == NULL)
        return NULL;
      g_ptr_array_add (names, name);
    }
  return strv_end (g_steal_pointer (&names));
}

/* The answers of the whys so far, in order, redacted. */
static GStrv
redacted_answers (const TftsrTriageRedactor *r, const TftsrTriageState *state, GError **error)
{
  g_autoptr (GPtrArray) answers = strv_new ();

  for (guint n = 1; n <= TFTSR_TRIAGE_N_WHYS; n++)
    {
      const TftsrTriageWhy *why = tftsr_triage_state_get_why (state, n);
      char *answer;

      if (why == NULL || *why->answer == '\0')
        break;
      if ((answer = tftsr_triage_redact (r, why->answer, error)) == NULL)
        return NULL;
      g_ptr_array_add (answers, answer);
    }
  return strv_end (g_steal_pointer (&answers));
}

static char *
system_prompt (const TftsrTriageRedactor *r, gboolean tools, GError **error)
{
  g_autoptr (TftsrIssue) issue = tftsr_store_get_issue (r->store, r->issue_id, error);
  g_autoptr (TftsrTriageState) state = NULL;
  g_autofree char *title = NULL, *description = NULL, *root_cause = NULL;
  g_auto (GStrv) logs = NULL, answers = NULL;
  TftsrTriageContext context = { 0 };

  if (issue == NULL || (state = tftsr_store_get_triage (r->store, r->issue_id, error)) == NULL ||
      (title = tftsr_triage_redact (r, tftsr_issue_get_title (issue), error)) == NULL ||
      (description = tftsr_triage_redact (r, tftsr_issue_get_description (issue), error)) == NULL ||
      (root_cause = tftsr_triage_redact (r, state->root_cause, error)) == NULL ||
      (logs = redacted_log_names (r, error)) == NULL ||
      (answers = redacted_answers (r, state, error)) == NULL)
    return NULL;
  context.category = tftsr_issue_get_category (issue);
  context.severity = tftsr_issue_get_severity (issue);
  context.title = title;
  context.description = description;
  context.log_names = (const char *const *) logs;
  context.level = state->level;
  context.answers = (const char *const *) answers;
  context.root_cause = root_cause;
  /* The prompt speaks of tools only when some are offered: a model told of tools it does
   * not have makes calls up. */
  context.tools = tools;
  return tftsr_triage_build_system_prompt (&context);
}

/* @stored as sent: its text (and any tool call's arguments) redacted. */
static TftsrAiMessage *
redacted_message (const TftsrTriageRedactor *r, const TftsrAiMessage *stored, GError **error)
{
  g_autoptr (TftsrAiMessage) message = tftsr_ai_message_copy (stored);
  char *content = tftsr_triage_redact (r, stored->content, error);

  if (content == NULL)
    return NULL;
  g_free (message->content);
  message->content = content;
  for (guint i = 0; message->tool_calls != NULL && i < message->tool_calls->len; i++)
    {
      TftsrAiToolCall *call = message->tool_calls->pdata[i];
      char *arguments = tftsr_triage_redact (r, call->arguments, error);

      if (arguments == NULL)
        return NULL;
      g_free (call->arguments);
      call->arguments = arguments;
    }
  return g_steal_pointer (&message);
}

/* The stored messages a request carries: every complete one, except, when the last answer
 * is asked for again, the replies after the engineer's last message. Borrowed from
 * @stored. */
static GPtrArray *
messages_to_send (GPtrArray *stored, gboolean regenerate, GError **error)
{
  g_autoptr (GPtrArray) sent = g_ptr_array_new ();
  guint end = stored->len;

  while (regenerate && end > 0 &&
         ((TftsrTriageMessage *) stored->pdata[end - 1])->message->role != TFTSR_AI_ROLE_USER)
    end--;
  if (regenerate && end == 0)
    {
      tftsr_triage_set_nothing_asked (error);
      return NULL;
    }
  for (guint i = 0; i < end; i++)
    {
      TftsrTriageMessage *m = stored->pdata[i];

      /* A reply that failed, was cancelled or was written again is not what the model
       * said. */
      if (m->state == TFTSR_TRIAGE_MESSAGE_COMPLETE && !m->superseded)
        g_ptr_array_add (sent, m);
    }
  return g_steal_pointer (&sent);
}

/* Whether the tool results after position @i of @messages answer call @id. */
static gboolean
answered (GPtrArray *messages, guint i, const char *id)
{
  for (guint j = i + 1; j < messages->len; j++)
    {
      TftsrAiMessage *m = messages->pdata[j];

      if (m->role != TFTSR_AI_ROLE_TOOL)
        return FALSE;
      if (g_strcmp0 (m->tool_call_id, id) == 0)
        return TRUE;
    }
  return FALSE;
}

/* A call whose result was never stored (the program ended mid-call) gets one saying so:
 * providers refuse a conversation with a call left unanswered. */
static void
answer_orphans (GPtrArray *messages)
{
  for (guint i = 0; i < messages->len; i++)
    {
      TftsrAiMessage *m = messages->pdata[i];

      for (guint k = 0; m->tool_calls != NULL && k < m->tool_calls->len; k++)
        {
          TftsrAiToolCall *call = m->tool_calls->pdata[k];
          TftsrAiMessage *orphan;

          if (answered (messages, i, call->id))
            continue;
          orphan = tftsr_ai_message_new_tool_result (call->id, call->name,
                                                     _ ("No result: the call did not complete."));
          orphan->tool_failed = TRUE;
          g_ptr_array_insert (messages, (gint) (i + 1), orphan);
        }
    }
}

/* The system prompt and @sent (TftsrTriageMessage), redacted, their attachments within
 * what of the provider's context budget the texts leave; @tools (TftsrAiTool, may be NULL)
 * offered. */
static TftsrAiRequest *
build_request (const TftsrTriageRedactor *r, const TftsrAiProvider *provider, GPtrArray *sent,
               GPtrArray *tools, GError **error)
{
  g_autofree char *system = system_prompt (r, tools != NULL && tools->len > 0, error);
  g_autoptr (TftsrAiRequest) request = NULL;
  gsize reserve, share;
  guint n_logs = 0, n_images = 0;

  if (system == NULL)
    return NULL;
  request = tftsr_ai_request_new (system);
  reserve = strlen (system);
  for (guint i = 0; i < sent->len; i++)
    {
      TftsrTriageMessage *m = sent->pdata[i];
      TftsrAiMessage *message = redacted_message (r, m->message, error);

      if (message == NULL)
        return NULL;
      reserve += strlen (message->content);
      n_logs += tftsr_triage_count_attachments (m->attachments, FALSE);
      n_images += tftsr_triage_count_attachments (m->attachments, TRUE);
      tftsr_ai_request_add_message (request, message);
    }
  share = tftsr_triage_log_share (provider, reserve, n_logs, n_images);
  for (guint i = 0; i < sent->len; i++)
    if (!tftsr_triage_expand_attachments (r, ((TftsrTriageMessage *) sent->pdata[i])->attachments,
                                          share, request->messages->pdata[i], request->parts,
                                          error))
      return NULL;
  answer_orphans (request->messages);
  for (guint i = 0; tools != NULL && i < tools->len; i++)
    {
      TftsrAiTool *tool = tools->pdata[i];
      tftsr_ai_request_add_tool (
          request, tftsr_ai_tool_new (tool->name, tool->description, tool->parameters));
    }
  return g_steal_pointer (&request);
}

/* --- storing the reply ------------------------------------------------------------------------ */

/* The markers of @text with their texts mapped back from pseudonyms. */
static GPtrArray *
revealed_markers (TftsrStore *store, gint64 issue_id, const char *text, GError **error)
{
  g_autoptr (GPtrArray) markers = tftsr_triage_parse_markers (text);

  for (guint i = 0; i < markers->len; i++)
    {
      TftsrTriageMarker *m = markers->pdata[i];
      char *revealed = tftsr_store_reveal_pseudonyms (store, issue_id, m->text, error);

      if (revealed == NULL)
        return NULL;
      g_free (m->text);
      m->text = revealed;
      if (m->evidence == NULL)
        continue;
      if ((revealed = tftsr_store_reveal_pseudonyms (store, issue_id, m->evidence, error)) == NULL)
        return NULL;
      g_free (m->evidence);
      m->evidence = revealed;
    }
  return g_steal_pointer (&markers);
}

/* Stores @reply from @provider and moves the chain by its markers, in one transaction. */
static TftsrTriageTurn *
store_reply (TftsrStore *store, gint64 issue_id, const TftsrAiProvider *provider,
             const TftsrAiReply *reply, GError **error)
{
  g_autoptr (GPtrArray) markers = revealed_markers (store, issue_id, reply->text, error);
  g_autoptr (TftsrAiMessage) message = tftsr_ai_reply_to_message (reply);
  g_autoptr (TftsrConn) conn = NULL;
  g_auto (TftsrTriageRow) row = { 0 };
  g_autoptr (TftsrTriageTurn) turn = g_new0 (TftsrTriageTurn, 1);

  if (markers == NULL || (conn = tftsr_conn_acquire (store, error)) == NULL ||
      !tftsr_db_begin (conn->db, error))
    return NULL;
  if (!tftsr_triage_load_row (conn->db, issue_id, TRUE, &row, error) ||
      (turn->reply =
           tftsr_triage_insert_message (conn->db, &row, message, provider->name, provider->model,
                                        TFTSR_TRIAGE_MESSAGE_COMPLETE, NULL, error)) == NULL)
    goto fail;
  turn->level_before = row.level;
  turn->level_after = tftsr_triage_advance (row.level, markers);
  if (!tftsr_triage_record (conn->db, &row, markers, turn->level_after, &turn->root_cause, error) ||
      !tftsr_db_commit (conn->db, error))
    goto fail;
  return g_steal_pointer (&turn);
fail:
  tftsr_db_rollback (conn->db);
  return NULL;
}

/* A reply that did not complete keeps what had arrived, marked as such; the level stays. */
static void
store_failed_reply (TftsrStore *store, gint64 issue_id, const TftsrAiProvider *provider,
                    const char *partial, const GError *failure)
{
  g_autoptr (TftsrAiMessage) message = tftsr_ai_message_new (TFTSR_AI_ROLE_ASSISTANT, partial);
  gboolean cancelled = g_error_matches (failure, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  /* If even this cannot be saved, the engineer still gets the reply's own error. */
  tftsr_triage_message_free (tftsr_store_append_triage_message (
      store, issue_id, message, provider->name, provider->model,
      cancelled ? TFTSR_TRIAGE_MESSAGE_CANCELLED : TFTSR_TRIAGE_MESSAGE_ERROR,
      cancelled ? NULL : failure->message, NULL));
}

/* --- the turn --------------------------------------------------------------------------------- */

typedef struct
{
  GString *text;                 /* what arrived so far */
  const TftsrAiListener *target; /* the caller's, may be NULL */
} Heard;

static void
heard_text (const char *text, gsize len, gpointer user_data)
{
  Heard *heard = user_data;

  g_string_append_len (heard->text, text, len);
  if (heard->target != NULL && heard->target->text != NULL)
    heard->target->text (text, len, heard->target->user_data);
}

static void
heard_retry (guint attempt, guint seconds, gpointer user_data)
{
  Heard *heard = user_data;

  if (heard->target != NULL && heard->target->retry != NULL)
    heard->target->retry (attempt, seconds, heard->target->user_data);
}

/* The engineer's message as it will be stored, its attachments checked and named. */
static TftsrTriageMessage *
new_message (TftsrStore *store, gint64 issue_id, const char *text, GPtrArray *attachments,
             GError **error)
{
  g_autoptr (TftsrTriageMessage) m = g_new0 (TftsrTriageMessage, 1);

  m->message = tftsr_ai_message_new (TFTSR_AI_ROLE_USER, text);
  m->state = TFTSR_TRIAGE_MESSAGE_COMPLETE;
  m->attachments = tftsr_triage_attachments_copy (attachments);
  if (!tftsr_triage_resolve_attachments (store, issue_id, m->attachments, error))
    return NULL;
  return g_steal_pointer (&m);
}

/* Stores @typed with its attachments, or for the last answer again (@typed NULL) marks the
 * replies it replaces. */
static gboolean
record_turn (TftsrStore *store, gint64 issue_id, const TftsrTriageMessage *typed, GError **error)
{
  g_autoptr (TftsrTriageMessage) stored = NULL;

  if (typed == NULL)
    return tftsr_triage_supersede_replies (store, issue_id, error);
  stored = tftsr_triage_append_message (store, issue_id, typed->message, typed->attachments, NULL,
                                        NULL, TFTSR_TRIAGE_MESSAGE_COMPLETE, NULL, error);
  return stored != NULL;
}

/* The request of a turn: @text (with @attachments) as the engineer's next message, or with
 * @text NULL the last answer again; the new message in @typed. */
static TftsrAiRequest *
prepare_turn (const TftsrTriageRedactor *r, const TftsrAiProvider *provider, const char *text,
              GPtrArray *attachments, GPtrArray *tools, TftsrTriageMessage **typed, GError **error)
{
  g_autoptr (GPtrArray) stored = NULL, sent = NULL;
  g_autoptr (TftsrAiRequest) request = NULL;

  if ((stored = tftsr_store_list_triage_messages (r->store, r->issue_id, error)) == NULL ||
      (sent = messages_to_send (stored, text == NULL, error)) == NULL)
    return NULL;
  if (text != NULL)
    {
      if ((*typed = new_message (r->store, r->issue_id, text, attachments, error)) == NULL)
        return NULL;
      g_ptr_array_add (sent, *typed);
    }
  if ((request = build_request (r, provider, sent, tools, error)) == NULL ||
      (tftsr_ai_request_has_images (request) && !tftsr_ai_provider_check_images (provider, error)))
    return NULL;
  return g_steal_pointer (&request);
}

/* One request and its reply, streamed to @listener and stored: complete with its markers
 * applied, or as far as it came. */
static TftsrTriageTurn *
one_round (const TftsrTriageRedactor *r, const TftsrAiProvider *provider,
           const TftsrAiRequest *request, const TftsrAiListener *listener, TftsrAiReply **reply,
           GError **error)
{
  g_autoptr (GString) arrived = g_string_new (NULL);
  g_autoptr (GError) failure = NULL;
  Heard heard = { arrived, listener };
  TftsrAiListener relay = { heard_text, heard_retry, &heard };

  *reply = tftsr_ai_complete (r->store, provider, r->issue_id, request, r->counts, &relay,
                              r->cancellable, &failure);
  if (*reply == NULL)
    {
      store_failed_reply (r->store, r->issue_id, provider, arrived->str, failure);
      g_propagate_error (error, g_steal_pointer (&failure));
      return NULL;
    }
  return store_reply (r->store, r->issue_id, provider, *reply, error);
}

/* @step, a round of the turn, folded into @turn: the reply is the newest, the levels go
 * from the first round's to the last's. */
static void
merge_round (TftsrTriageTurn **turn, TftsrTriageTurn *step)
{
  if (*turn == NULL)
    {
      *turn = step;
      return;
    }
  tftsr_triage_message_free ((*turn)->reply);
  (*turn)->reply = g_steal_pointer (&step->reply);
  (*turn)->level_after = step->level_after;
  if (step->root_cause != NULL)
    {
      g_free ((*turn)->root_cause);
      (*turn)->root_cause = g_steal_pointer (&step->root_cause);
    }
  tftsr_triage_turn_free (step);
}

/* The model's reply with calls, as the next request carries it. */
static gboolean
add_reply (const TftsrTriageRedactor *r, TftsrAiRequest *request, const TftsrAiReply *reply,
           GError **error)
{
  g_autoptr (TftsrAiMessage) asked = tftsr_ai_reply_to_message (reply);
  TftsrAiMessage *sent = redacted_message (r, asked, error);

  if (sent == NULL)
    return FALSE;
  tftsr_ai_request_add_message (request, sent);
  return TRUE;
}

/* Requests and replies until the model answers without calling tools: each round's calls
 * answered and sent back; after the round limit the calls are answered with the limit, and
 * a model that still calls tools then ends the turn. */
static TftsrTriageTurn *
converse (const TftsrTriageRedactor *r, const TftsrAiProvider *provider, TftsrAiRequest *request,
          const TftsrAiListener *listener, const TftsrTriageTools *tools, GError **error)
{
  guint limit = tools != NULL ? tftsr_mcp_get_tool_rounds (r->store) : 0;
  g_autofree char *note = g_strdup_printf (
      _ ("Not run: this turn's limit of %u rounds of tool calls is reached. Answer now with "
         "what you know, without calling tools."),
      limit);
  g_autoptr (TftsrTriageTurn) turn = NULL;

  for (guint round = 0;; round++)
    {
      g_autoptr (TftsrAiReply) reply = NULL;
      TftsrTriageTurn *step = one_round (r, provider, request, listener, &reply, error);

      if (step == NULL)
        return NULL;
      merge_round (&turn, step);
      if (tools == NULL || request->tools->len == 0 || reply->tool_calls->len == 0)
        return g_steal_pointer (&turn);
      /* The next round's text starts a paragraph of its own on the engineer's screen. */
      if (*reply->text != '\0' && listener != NULL && listener->text != NULL)
        listener->text ("\n\n", 2, listener->user_data);
      if (!add_reply (r, request, reply, error) ||
          !tftsr_triage_answer_calls (r, tools, reply, round >= limit ? note : NULL, request,
                                      error))
        return NULL;
      if (round > limit)
        return g_steal_pointer (&turn);
    }
}

/* The tools offered to @provider: none without a bridge or for a provider that takes none;
 * else those of the enabled servers that answered. */
static GPtrArray *
offered_tools (const TftsrTriageTools *tools, const TftsrAiProvider *provider,
               GCancellable *cancellable, GError **error)
{
  GPtrArray *none = g_ptr_array_new_with_free_func ((GDestroyNotify) tftsr_ai_tool_free);

  if (tools == NULL || tools->bridge == NULL || !tftsr_ai_provider_uses_tools (provider))
    return none;
  g_ptr_array_unref (none);
  if (!tftsr_mcp_bridge_refresh (tools->bridge, cancellable, error))
    return NULL;
  return tftsr_mcp_bridge_dup_ai_tools (tools->bridge);
}

/* A turn: @text as the engineer's next message, or with @text NULL the last answer again.
 * The request is built before anything is stored, so that a message refused for what it
 * carries leaves nothing behind. */
static TftsrTriageTurn *
turn (TftsrStore *store, gint64 issue_id, const char *text, GPtrArray *attachments,
      const char *provider_name, const TftsrAiListener *listener, const TftsrTriageTools *tools,
      GCancellable *cancellable, GError **error)
{
  g_autoptr (TftsrAiProvider) provider = NULL;
  g_autoptr (TftsrPiiScanner) scanner = NULL;
  g_autoptr (GHashTable) counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (TftsrTriageMessage) typed = NULL;
  g_autoptr (TftsrAiRequest) request = NULL;
  g_autoptr (GPtrArray) offered = NULL;
  TftsrTriageRedactor r = { store, issue_id, NULL, counts, cancellable };

  if ((text != NULL && !tftsr_triage_check_text (text, attachments, error)) ||
      (provider = tftsr_store_get_ai_provider (store, provider_name, error)) == NULL ||
      (r.scanner = scanner = tftsr_store_load_pii_scanner (store, error)) == NULL ||
      (offered = offered_tools (tools, provider, cancellable, error)) == NULL ||
      (request = prepare_turn (&r, provider, text, attachments, offered, &typed, error)) == NULL ||
      !record_turn (store, issue_id, typed, error))
    return NULL;
  return converse (&r, provider, request, listener, offered->len > 0 ? tools : NULL, error);
}

TftsrTriageTurn *
tftsr_triage_send_with_tools (TftsrStore *store, gint64 issue_id, const char *text,
                              GPtrArray *attachments, const char *provider_name,
                              const TftsrAiListener *listener, const TftsrTriageTools *tools,
                              GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);
  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (
      tools == NULL || tools->bridge == NULL || TFTSR_IS_MCP_BRIDGE (tools->bridge), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return turn (store, issue_id, text, attachments, provider_name, listener, tools, cancellable,
               error);
}

TftsrTriageTurn *
tftsr_triage_regenerate_with_tools (TftsrStore *store, gint64 issue_id, const char *provider_name,
                                    const TftsrAiListener *listener, const TftsrTriageTools *tools,
                                    GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);
  g_return_val_if_fail (
      tools == NULL || tools->bridge == NULL || TFTSR_IS_MCP_BRIDGE (tools->bridge), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return turn (store, issue_id, NULL, NULL, provider_name, listener, tools, cancellable, error);
}

TftsrTriageTurn *
tftsr_triage_send (TftsrStore *store, gint64 issue_id, const char *text, GPtrArray *attachments,
                   const char *provider_name, const TftsrAiListener *listener,
                   GCancellable *cancellable, GError **error)
{
  return tftsr_triage_send_with_tools (store, issue_id, text, attachments, provider_name, listener,
                                       NULL, cancellable, error);
}

TftsrTriageTurn *
tftsr_triage_regenerate (TftsrStore *store, gint64 issue_id, const char *provider_name,
                         const TftsrAiListener *listener, GCancellable *cancellable, GError **error)
{
  return tftsr_triage_regenerate_with_tools (store, issue_id, provider_name, listener, NULL,
                                             cancellable, error);
}
