/* tftsr-triage-chat.c: one turn of the triage conversation with an AI provider
 *
 * The path of a turn: the engineer's message is stored as typed; the request is built
 * from the incident and the conversation, every text through egress (the incident's
 * pseudonyms, the stored detection settings); the AI client records the exact bytes in
 * the audit log and sends them over net; the reply is stored as it came (pseudonyms and
 * all), and its markers move the 5 Whys, their texts mapped back to the real values
 * because the whys are the engineer's record.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>

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

typedef struct
{
  TftsrStore *store;
  gint64 issue_id;
  TftsrPiiScanner *scanner;
  GHashTable *counts; /* type name → replacements, for the audit entry */
} Redactor;

static char *
redact (const Redactor *r, const char *text, GError **error)
{
  return tftsr_egress_redact_text (r->store, r->issue_id, r->scanner, text != NULL ? text : "",
                                   r->counts, error);
}

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
redacted_log_names (const Redactor *r, GError **error)
{
  g_autoptr (GPtrArray) logs = tftsr_store_list_logs (r->store, r->issue_id, error);
  g_autoptr (GPtrArray) names = strv_new ();

  if (logs == NULL)
    return NULL;
  for (guint i = 0; i < logs->len; i++)
    {
      char *name = redact (r, tftsr_log_file_get_name (logs->pdata[i]), error);
      if (name == NULL)
        return NULL;
      g_ptr_array_add (names, name);
    }
  return strv_end (g_steal_pointer (&names));
}

/* The answers of the whys so far, in order, redacted. */
static GStrv
redacted_answers (const Redactor *r, const TftsrTriageState *state, GError **error)
{
  g_autoptr (GPtrArray) answers = strv_new ();

  for (guint n = 1; n <= TFTSR_TRIAGE_N_WHYS; n++)
    {
      const TftsrTriageWhy *why = tftsr_triage_state_get_why (state, n);
      char *answer;

      if (why == NULL || *why->answer == '\0')
        break;
      if ((answer = redact (r, why->answer, error)) == NULL)
        return NULL;
      g_ptr_array_add (answers, answer);
    }
  return strv_end (g_steal_pointer (&answers));
}

static char *
system_prompt (const Redactor *r, GError **error)
{
  g_autoptr (TftsrIssue) issue = tftsr_store_get_issue (r->store, r->issue_id, error);
  g_autoptr (TftsrTriageState) state = NULL;
  g_autofree char *title = NULL, *description = NULL, *root_cause = NULL;
  g_auto (GStrv) logs = NULL, answers = NULL;
  TftsrTriageContext context = { 0 };

  if (issue == NULL || (state = tftsr_store_get_triage (r->store, r->issue_id, error)) == NULL ||
      (title = redact (r, tftsr_issue_get_title (issue), error)) == NULL ||
      (description = redact (r, tftsr_issue_get_description (issue), error)) == NULL ||
      (root_cause = redact (r, state->root_cause, error)) == NULL ||
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
  /* Tools come with MCP; until then none are offered, and the prompt claims none. */
  context.tools = FALSE;
  return tftsr_triage_build_system_prompt (&context);
}

/* @stored as sent: its text (and any tool call's arguments) redacted. */
static TftsrAiMessage *
redacted_message (const Redactor *r, const TftsrAiMessage *stored, GError **error)
{
  g_autoptr (TftsrAiMessage) message = tftsr_ai_message_copy (stored);
  char *content = redact (r, stored->content, error);

  if (content == NULL)
    return NULL;
  g_free (message->content);
  message->content = content;
  for (guint i = 0; message->tool_calls != NULL && i < message->tool_calls->len; i++)
    {
      TftsrAiToolCall *call = message->tool_calls->pdata[i];
      char *arguments = redact (r, call->arguments, error);

      if (arguments == NULL)
        return NULL;
      g_free (call->arguments);
      call->arguments = arguments;
    }
  return g_steal_pointer (&message);
}

/* The system prompt and every complete message so far; a reply that failed, was
 * cancelled or was written again is not part of what the model said. */
static TftsrAiRequest *
build_request (const Redactor *r, GError **error)
{
  g_autofree char *system = system_prompt (r, error);
  g_autoptr (GPtrArray) messages = NULL;
  g_autoptr (TftsrAiRequest) request = NULL;

  if (system == NULL ||
      (messages = tftsr_store_list_triage_messages (r->store, r->issue_id, error)) == NULL)
    return NULL;
  request = tftsr_ai_request_new (system);
  for (guint i = 0; i < messages->len; i++)
    {
      TftsrTriageMessage *stored = messages->pdata[i];
      TftsrAiMessage *message;

      if (stored->state != TFTSR_TRIAGE_MESSAGE_COMPLETE || stored->superseded)
        continue;
      if ((message = redacted_message (r, stored->message, error)) == NULL)
        return NULL;
      tftsr_ai_request_add_message (request, message);
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

static gboolean
append_user_message (TftsrStore *store, gint64 issue_id, const char *text, GError **error)
{
  g_autoptr (TftsrAiMessage) message = tftsr_ai_message_new (TFTSR_AI_ROLE_USER, text);
  g_autoptr (TftsrTriageMessage) stored = tftsr_store_append_triage_message (
      store, issue_id, message, NULL, NULL, TFTSR_TRIAGE_MESSAGE_COMPLETE, NULL, error);

  return stored != NULL;
}

/* A turn: @text as the engineer's next message, or with @text NULL the last answer again. */
static TftsrTriageTurn *
turn (TftsrStore *store, gint64 issue_id, const char *text, const char *provider_name,
      const TftsrAiListener *listener, GCancellable *cancellable, GError **error)
{
  g_autoptr (TftsrAiProvider) provider = NULL;
  g_autoptr (TftsrPiiScanner) scanner = NULL;
  g_autoptr (GHashTable) counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (TftsrAiRequest) request = NULL;
  g_autoptr (TftsrAiReply) reply = NULL;
  g_autoptr (GString) arrived = g_string_new (NULL);
  g_autoptr (GError) failure = NULL;
  Heard heard = { arrived, listener };
  TftsrAiListener relay = { heard_text, heard_retry, &heard };
  Redactor r = { store, issue_id, NULL, counts };

  /* Nothing is stored for a turn that cannot be sent anywhere. */
  if ((text != NULL && !tftsr_triage_check_text (text, error)) ||
      (provider = tftsr_store_get_ai_provider (store, provider_name, error)) == NULL ||
      (scanner = tftsr_store_load_pii_scanner (store, error)) == NULL)
    return NULL;
  if (text != NULL ? !append_user_message (store, issue_id, text, error)
                   : !tftsr_triage_supersede_replies (store, issue_id, error))
    return NULL;
  r.scanner = scanner;
  if ((request = build_request (&r, error)) == NULL)
    return NULL;
  reply =
      tftsr_ai_complete (store, provider, issue_id, request, counts, &relay, cancellable, &failure);
  if (reply == NULL)
    {
      store_failed_reply (store, issue_id, provider, arrived->str, failure);
      g_propagate_error (error, g_steal_pointer (&failure));
      return NULL;
    }
  return store_reply (store, issue_id, provider, reply, error);
}

TftsrTriageTurn *
tftsr_triage_send (TftsrStore *store, gint64 issue_id, const char *text, const char *provider_name,
                   const TftsrAiListener *listener, GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);
  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return turn (store, issue_id, text, provider_name, listener, cancellable, error);
}

TftsrTriageTurn *
tftsr_triage_regenerate (TftsrStore *store, gint64 issue_id, const char *provider_name,
                         const TftsrAiListener *listener, GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return turn (store, issue_id, NULL, provider_name, listener, cancellable, error);
}
