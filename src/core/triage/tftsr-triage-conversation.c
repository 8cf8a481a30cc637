/* tftsr-triage-conversation.c: the conversation of an incident (ai_conversations,
 * ai_messages) and its 5-Whys state
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>
#include <json.h>

#include "tftsr-pii-review.h"
#include "tftsr-json-private.h"
#include "tftsr-triage-private.h"

static const char *const state_names[] = { "complete", "error", "cancelled" };

const char *
tftsr_triage_message_state_to_string (TftsrTriageMessageState state)
{
  g_return_val_if_fail (state < G_N_ELEMENTS (state_names), NULL);
  return state_names[state];
}

static TftsrTriageMessageState
state_from_string (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (state_names); i++)
    if (g_strcmp0 (name, state_names[i]) == 0)
      return i;
  /* The schema's CHECK allows nothing else. */
  g_return_val_if_reached (TFTSR_TRIAGE_MESSAGE_ERROR);
}

void
tftsr_triage_message_free (TftsrTriageMessage *message)
{
  if (message == NULL)
    return;
  g_clear_pointer (&message->message, tftsr_ai_message_free);
  g_free (message->provider);
  g_free (message->model);
  g_free (message->error);
  g_free (message->created_at);
  g_free (message->display_text);
  g_clear_pointer (&message->attachments, g_ptr_array_unref);
  g_free (message->tool_server);
  g_free (message->tool_arguments);
  g_free (message);
}

void
tftsr_triage_state_free (TftsrTriageState *state)
{
  if (state == NULL)
    return;
  g_free (state->root_cause);
  g_clear_pointer (&state->whys, g_ptr_array_unref);
  g_free (state);
}

const TftsrTriageWhy *
tftsr_triage_find_why (GPtrArray *whys, guint n)
{
  for (guint i = 0; i < whys->len; i++)
    if (((TftsrTriageWhy *) whys->pdata[i])->n == n)
      return whys->pdata[i];
  return NULL;
}

const TftsrTriageWhy *
tftsr_triage_state_get_why (const TftsrTriageState *state, guint n)
{
  g_return_val_if_fail (state != NULL, NULL);
  return tftsr_triage_find_why (state->whys, n);
}

gboolean
tftsr_triage_check_text (const char *text, GPtrArray *attachments, GError **error)
{
  if (attachments != NULL && attachments->len > 0)
    return TRUE;
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isspace (*p))
      return TRUE;
  g_set_error_literal (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_INVALID,
                       _ ("The message is empty"));
  return FALSE;
}

void
tftsr_triage_row_clear (TftsrTriageRow *row)
{
  g_clear_pointer (&row->root_cause, g_free);
}

static gboolean
select_row (sqlite3 *db, gint64 issue_id, TftsrTriageRow *row, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = tftsr_db_prepare (db,
                           "SELECT i.id, c.id, c.why_level, c.root_cause FROM issues i "
                           "LEFT JOIN ai_conversations c ON c.issue_id = i.id WHERE i.id = ?1",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, issue_id);
  if ((rc = sqlite3_step (stmt)) == SQLITE_DONE)
    {
      g_set_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_NOT_FOUND,
                   _ ("There is no incident %" G_GINT64_FORMAT), issue_id);
      return FALSE;
    }
  if (rc != SQLITE_ROW)
    return tftsr_db_set_error (error, db, rc, _ ("Could not read the conversation"));
  row->issue_id = issue_id;
  row->id = sqlite3_column_int64 (stmt, 1);
  row->level = (guint) sqlite3_column_int (stmt, 2);
  g_free (row->root_cause);
  row->root_cause = g_strdup (tftsr_db_text (stmt, 3));
  return TRUE;
}

gboolean
tftsr_triage_load_row (sqlite3 *db, gint64 issue_id, gboolean create, TftsrTriageRow *row,
                       GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  if (!select_row (db, issue_id, row, error))
    return FALSE;
  if (row->id != 0 || !create)
    return TRUE;
  stmt = tftsr_db_prepare (db,
                           "INSERT INTO ai_conversations (issue_id, created_at, updated_at) "
                           "VALUES (?1, " TFTSR_SQL_NOW ", " TFTSR_SQL_NOW ")",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, issue_id);
  if (!tftsr_db_step_done (stmt, _ ("Could not start the conversation"), error))
    return FALSE;
  row->id = sqlite3_last_insert_rowid (db);
  return TRUE;
}

TftsrTriageState *
tftsr_store_get_triage (TftsrStore *store, gint64 issue_id, GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;
  g_auto (TftsrTriageRow) row = { 0 };
  g_autoptr (GPtrArray) whys = NULL;
  TftsrTriageState *state;

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if ((conn = tftsr_conn_acquire (store, error)) == NULL ||
      !tftsr_triage_load_row (conn->db, issue_id, FALSE, &row, error) ||
      (whys = tftsr_triage_load_whys (conn->db, issue_id, error)) == NULL)
    return NULL;
  state = g_new0 (TftsrTriageState, 1);
  state->issue_id = issue_id;
  state->level = row.level;
  state->root_cause = g_steal_pointer (&row.root_cause);
  state->whys = g_steal_pointer (&whys);
  return state;
}

/* --- messages --------------------------------------------------------------------------- */

#define MESSAGE_COLUMNS                                                                            \
  "id, seq, role, content, tool_calls, tool_call_id, tool_name, provider, model, state, error, "   \
  "created_at, superseded_at IS NOT NULL, tool_server, tool_arguments, tool_status"

static char *
nullable (sqlite3_stmt *stmt, int column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

static void
add_tool_calls (TftsrAiMessage *message, const char *json)
{
  g_autoptr (json_object) calls = json != NULL ? json_tokener_parse (json) : NULL;

  for (size_t i = 0; calls != NULL && i < json_object_array_length (calls); i++)
    {
      json_object *call = json_object_array_get_idx (calls, i);
      TftsrAiToolCall *read = tftsr_ai_tool_call_new (
          json_object_get_string (json_object_object_get (call, "id")),
          json_object_get_string (json_object_object_get (call, "name")),
          json_object_get_string (json_object_object_get (call, "arguments")));

      read->signature =
          g_strdup (json_object_get_string (json_object_object_get (call, "signature")));
      tftsr_ai_message_add_tool_call (message, read);
    }
}

static TftsrTriageMessage *
message_from_row (sqlite3_stmt *stmt)
{
  TftsrTriageMessage *m = g_new0 (TftsrTriageMessage, 1);
  TftsrAiRole role = TFTSR_AI_ROLE_USER;

  tftsr_ai_role_from_string (tftsr_db_text (stmt, 2), &role);
  m->id = sqlite3_column_int64 (stmt, 0);
  m->seq = (guint) sqlite3_column_int (stmt, 1);
  m->message = tftsr_ai_message_new (role, tftsr_db_text (stmt, 3));
  add_tool_calls (m->message, (const char *) sqlite3_column_text (stmt, 4));
  m->message->tool_call_id = nullable (stmt, 5);
  m->message->tool_name = nullable (stmt, 6);
  m->provider = nullable (stmt, 7);
  m->model = nullable (stmt, 8);
  m->state = state_from_string (tftsr_db_text (stmt, 9));
  m->error = nullable (stmt, 10);
  m->created_at = g_strdup (tftsr_db_text (stmt, 11));
  m->superseded = sqlite3_column_int (stmt, 12) != 0;
  m->tool_server = nullable (stmt, 13);
  m->tool_arguments = nullable (stmt, 14);
  tftsr_triage_tool_status_from_string ((const char *) sqlite3_column_text (stmt, 15),
                                        &m->tool_status);
  m->message->tool_failed = role == TFTSR_AI_ROLE_TOOL && m->tool_status != TFTSR_TRIAGE_TOOL_DONE;
  m->attachments = tftsr_triage_attachments_new ();
  return m;
}

/* @message's tool calls as the JSON stored in tool_calls, or NULL without any. */
static char *
tool_calls_json (const TftsrAiMessage *message)
{
  g_autoptr (json_object) calls = NULL;

  if (message->tool_calls == NULL || message->tool_calls->len == 0)
    return NULL;
  calls = json_object_new_array ();
  for (guint i = 0; i < message->tool_calls->len; i++)
    {
      TftsrAiToolCall *call = message->tool_calls->pdata[i];
      json_object *obj = json_object_new_object ();

      json_object_object_add (obj, "id", json_object_new_string (call->id));
      json_object_object_add (obj, "name", json_object_new_string (call->name));
      json_object_object_add (obj, "arguments", json_object_new_string (call->arguments));
      if (call->signature != NULL)
        json_object_object_add (obj, "signature", json_object_new_string (call->signature));
      json_object_array_add (calls, obj);
    }
  return g_strdup (json_object_to_json_string_ext (calls, JSON_C_TO_STRING_PLAIN));
}

TftsrTriageMessage *
tftsr_triage_insert_message (sqlite3 *db, const TftsrTriageRow *row, const TftsrAiMessage *message,
                             const char *provider, const char *model, TftsrTriageMessageState state,
                             const char *error_text, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autofree char *calls = tool_calls_json (message);
  g_autoptr (TftsrTriageMessage) stored = NULL;
  int rc;

  stmt = tftsr_db_prepare (db,
                           "INSERT INTO ai_messages (conversation_id, seq, role, content, "
                           " tool_calls, tool_call_id, tool_name, provider, model, state, error, "
                           " created_at) "
                           "VALUES (?1, (SELECT coalesce(max(seq), 0) + 1 FROM ai_messages "
                           " WHERE conversation_id = ?1), ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
                           " " TFTSR_SQL_NOW ") RETURNING " MESSAGE_COLUMNS,
                           error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, row->id);
  tftsr_db_bind_text (stmt, 2, tftsr_ai_role_to_string (message->role));
  tftsr_db_bind_text (stmt, 3, message->content != NULL ? message->content : "");
  tftsr_db_bind_text (stmt, 4, calls);
  tftsr_db_bind_text (stmt, 5, message->tool_call_id);
  tftsr_db_bind_text (stmt, 6, message->tool_name);
  tftsr_db_bind_text (stmt, 7, provider);
  tftsr_db_bind_text (stmt, 8, model);
  tftsr_db_bind_text (stmt, 9, tftsr_triage_message_state_to_string (state));
  tftsr_db_bind_text (stmt, 10, error_text);
  if ((rc = sqlite3_step (stmt)) != SQLITE_ROW)
    {
      tftsr_db_set_error (error, db, rc, _ ("Could not save the message"));
      return NULL;
    }
  stored = message_from_row (stmt);
  g_clear_pointer (&stmt, sqlite3_finalize);
  if ((stmt = tftsr_db_prepare (
           db, "UPDATE ai_conversations SET updated_at = " TFTSR_SQL_NOW " WHERE id = ?1",
           error)) == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, row->id);
  if (!tftsr_db_step_done (stmt, _ ("Could not save the message"), error))
    return NULL;
  return g_steal_pointer (&stored);
}

TftsrTriageMessage *
tftsr_triage_append_message (TftsrStore *store, gint64 issue_id, const TftsrAiMessage *message,
                             GPtrArray *attachments, const char *provider, const char *model,
                             TftsrTriageMessageState state, const char *error_text, GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;
  g_auto (TftsrTriageRow) row = { 0 };
  g_autoptr (TftsrTriageMessage) stored = NULL;

  if ((conn = tftsr_conn_acquire (store, error)) == NULL || !tftsr_db_begin (conn->db, error))
    return NULL;
  if (!tftsr_triage_load_row (conn->db, issue_id, TRUE, &row, error) ||
      (stored = tftsr_triage_insert_message (conn->db, &row, message, provider, model, state,
                                             error_text, error)) == NULL ||
      !tftsr_triage_insert_attachments (conn->db, stored->id, attachments, error) ||
      !tftsr_db_commit (conn->db, error))
    {
      tftsr_db_rollback (conn->db);
      return NULL;
    }
  for (guint i = 0; attachments != NULL && i < attachments->len; i++)
    g_ptr_array_add (stored->attachments, tftsr_triage_attachment_copy (attachments->pdata[i]));
  return g_steal_pointer (&stored);
}

TftsrTriageMessage *
tftsr_store_append_triage_message (TftsrStore *store, gint64 issue_id,
                                   const TftsrAiMessage *message, const char *provider,
                                   const char *model, TftsrTriageMessageState state,
                                   const char *error_text, GError **error)
{
  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);
  g_return_val_if_fail (message != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return tftsr_triage_append_message (store, issue_id, message, NULL, provider, model, state,
                                      error_text, error);
}

gboolean
tftsr_store_set_triage_message_state (TftsrStore *store, gint64 message_id,
                                      TftsrTriageMessageState state, const char *error_text,
                                      GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (TFTSR_IS_STORE (store), FALSE);
  g_return_val_if_fail (state < G_N_ELEMENTS (state_names), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if ((conn = tftsr_conn_acquire (store, error)) == NULL ||
      (stmt = tftsr_db_prepare (conn->db,
                                "UPDATE ai_messages SET state = ?2, error = ?3 "
                                "WHERE id = ?1",
                                error)) == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, message_id);
  tftsr_db_bind_text (stmt, 2, tftsr_triage_message_state_to_string (state));
  tftsr_db_bind_text (stmt, 3, error_text);
  if (!tftsr_db_step_done (stmt, _ ("Could not save the message"), error))
    return FALSE;
  if (sqlite3_changes (conn->db) == 0)
    {
      g_set_error_literal (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_NOT_FOUND,
                           _ ("There is no such message"));
      return FALSE;
    }
  return TRUE;
}

void
tftsr_triage_set_nothing_asked (GError **error)
{
  g_set_error_literal (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_INVALID,
                       _ ("There is no answer to write again: nothing has been asked yet"));
}

gboolean
tftsr_triage_supersede_replies (TftsrStore *store, gint64 issue_id, GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;
  g_autoptr (sqlite3_stmt) last = NULL;
  g_autoptr (sqlite3_stmt) mark = NULL;
  int rc;

  if ((conn = tftsr_conn_acquire (store, error)) == NULL || !tftsr_db_begin (conn->db, error))
    return FALSE;
  last = tftsr_db_prepare (conn->db,
                           "SELECT c.id, max(m.seq) FROM ai_conversations c "
                           "JOIN ai_messages m ON m.conversation_id = c.id "
                           "WHERE c.issue_id = ?1 AND m.role = 'user'",
                           error);
  if (last == NULL)
    goto fail;
  sqlite3_bind_int64 (last, 1, issue_id);
  if ((rc = sqlite3_step (last)) != SQLITE_ROW)
    {
      tftsr_db_set_error (error, conn->db, rc, _ ("Could not read the conversation"));
      goto fail;
    }
  if (sqlite3_column_type (last, 1) == SQLITE_NULL)
    {
      tftsr_triage_set_nothing_asked (error);
      goto fail;
    }
  mark =
      tftsr_db_prepare (conn->db,
                        "UPDATE ai_messages SET superseded_at = " TFTSR_SQL_NOW " "
                        "WHERE conversation_id = ?1 AND seq > ?2 AND role IN ('assistant', 'tool') "
                        "AND state = 'complete' AND superseded_at IS NULL",
                        error);
  if (mark == NULL)
    goto fail;
  sqlite3_bind_int64 (mark, 1, sqlite3_column_int64 (last, 0));
  sqlite3_bind_int64 (mark, 2, sqlite3_column_int64 (last, 1));
  if (!tftsr_db_step_done (mark, _ ("Could not save the message"), error) ||
      !tftsr_db_commit (conn->db, error))
    goto fail;
  return TRUE;
fail:
  tftsr_db_rollback (conn->db);
  return FALSE;
}

GPtrArray *
tftsr_store_list_triage_messages (TftsrStore *store, gint64 issue_id, GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GPtrArray) messages =
      g_ptr_array_new_with_free_func ((GDestroyNotify) tftsr_triage_message_free);
  int rc;

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if ((conn = tftsr_conn_acquire (store, error)) == NULL ||
      (stmt = tftsr_db_prepare (conn->db,
                                "SELECT " MESSAGE_COLUMNS " FROM ai_messages "
                                "WHERE conversation_id = (SELECT id FROM ai_conversations "
                                " WHERE issue_id = ?1) ORDER BY seq",
                                error)) == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, issue_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (messages, message_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      tftsr_db_set_error (error, conn->db, rc, _ ("Could not read the conversation"));
      return NULL;
    }
  if (!tftsr_triage_load_attachments (conn->db, issue_id, messages, error))
    return NULL;
  return g_steal_pointer (&messages);
}

char *
tftsr_triage_dup_display_text (TftsrStore *store, gint64 issue_id,
                               const TftsrTriageMessage *message, GError **error)
{
  g_autofree char *stripped = NULL;

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);
  g_return_val_if_fail (message != NULL && message->message != NULL, NULL);

  stripped = tftsr_triage_strip_markers (
      message->message->content != NULL ? message->message->content : "");
  return tftsr_store_reveal_pseudonyms (store, issue_id, stripped, error);
}
