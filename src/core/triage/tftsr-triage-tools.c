/* tftsr-triage-tools.c: the tool calls a model asks for in a triage turn
 *
 * The model only ever saw the incident through egress, so the arguments it writes name
 * values by their pseudonyms (<EMAIL_1>). Those go to the MCP server as they are: a server
 * is outside the machine like the provider. Only a value the engineer released in review
 * is sent as itself, and the arguments are scanned again, so a value the model wrote out
 * (or guessed) is pseudonymised too. What comes back is outside text: it is redacted with
 * the incident's pseudonyms before the model, the store or the screen get it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>
#include <json.h>
#include <string.h>

#include "tftsr-egress.h"
#include "tftsr-json-private.h"
#include "tftsr-pii-review.h"
#include "tftsr-triage-private.h"

/* A result past this many bytes is cut: a model's context is not the place for it. */
#define RESULT_MAX (32 * 1024)

static const char *const status_names[] = {
  "done", "denied", "failed", "cancelled", "waiting", "running",
};

const char *
tftsr_triage_tool_status_to_string (TftsrTriageToolStatus status)
{
  g_return_val_if_fail (status < G_N_ELEMENTS (status_names), NULL);
  return status_names[status];
}

const char *
tftsr_triage_tool_status_to_label (TftsrTriageToolStatus status)
{
  switch (status)
    {
    case TFTSR_TRIAGE_TOOL_DONE:
      return _ ("Done");
    case TFTSR_TRIAGE_TOOL_DENIED:
      return _ ("Denied");
    case TFTSR_TRIAGE_TOOL_FAILED:
      return _ ("Failed");
    case TFTSR_TRIAGE_TOOL_CANCELLED:
      return _ ("Stopped");
    case TFTSR_TRIAGE_TOOL_WAITING:
      return _ ("Waiting for approval");
    case TFTSR_TRIAGE_TOOL_RUNNING:
      return _ ("Running");
    default:
      g_return_val_if_reached (NULL);
    }
}

gboolean
tftsr_triage_tool_status_from_string (const char *name, TftsrTriageToolStatus *status)
{
  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (status_names); i++)
    if (strcmp (name, status_names[i]) == 0)
      {
        *status = i;
        return TRUE;
      }
  return FALSE;
}

TftsrTriageToolCall *
tftsr_triage_tool_call_copy (const TftsrTriageToolCall *call)
{
  TftsrTriageToolCall *copy = g_new0 (TftsrTriageToolCall, 1);

  g_return_val_if_fail (call != NULL, copy);

  copy->call_id = g_strdup (call->call_id);
  copy->name = g_strdup (call->name);
  copy->server = g_strdup (call->server);
  copy->tool = g_strdup (call->tool);
  copy->arguments = g_strdup (call->arguments);
  copy->sent = g_strdup (call->sent);
  copy->left = call->left;
  copy->result = g_strdup (call->result);
  copy->status = call->status;
  copy->error = g_strdup (call->error);
  return copy;
}

void
tftsr_triage_tool_call_free (TftsrTriageToolCall *call)
{
  if (call == NULL)
    return;
  g_free (call->call_id);
  g_free (call->name);
  g_free (call->server);
  g_free (call->tool);
  g_free (call->arguments);
  g_free (call->sent);
  g_free (call->result);
  g_free (call->error);
  g_free (call);
}

/* --- the arguments as they leave ---------------------------------------------------------- */

/* A number the model wrote through egress, as its JSON text: one the scanner finds a value
 * in (a card or phone number) leaves as the pseudonymised string instead (@replacement),
 * whatever the schema wanted; others stay (NULL). */
static gboolean
egress_number (const TftsrTriageRedactor *r, json_object *node, json_object **replacement,
               GError **error)
{
  const char *text = json_object_to_json_string_ext (node, JSON_C_TO_STRING_PLAIN);
  g_autofree char *sent = tftsr_triage_redact (r, text, error);

  if (sent == NULL)
    return FALSE;
  *replacement = g_str_equal (sent, text) ? NULL : json_object_new_string (sent);
  return TRUE;
}

/* Every string inside @node through egress: released values as themselves, the rest
 * pseudonymised; numbers as egress_number() says. Keys are the schema's, not incident
 * content. @replacement (NULL: none) gets what takes @node's place. */
static gboolean
egress_node (const TftsrTriageRedactor *r, json_object *node, json_object **replacement,
             GError **error)
{
  json_object *changed = NULL;

  *replacement = NULL;
  if (json_object_is_type (node, json_type_object))
    {
      json_object_object_foreach (node, key, value)
      {
        if (value != NULL && !egress_node (r, value, &changed, error))
          return FALSE;
        if (changed != NULL)
          json_object_object_add (node, key, changed);
      }
    }
  else if (json_object_is_type (node, json_type_array))
    {
      for (size_t i = 0; i < json_object_array_length (node); i++)
        {
          json_object *item = json_object_array_get_idx (node, i);

          if (item != NULL && !egress_node (r, item, &changed, error))
            return FALSE;
          if (changed != NULL)
            json_object_array_put_idx (node, i, changed);
        }
    }
  else if (json_object_is_type (node, json_type_int) ||
           json_object_is_type (node, json_type_double))
    return egress_number (r, node, replacement, error);
  else if (json_object_is_type (node, json_type_string))
    {
      g_autofree char *released = tftsr_store_reveal_released_pseudonyms (
          r->store, r->issue_id, json_object_get_string (node), error);
      g_autofree char *sent = released != NULL ? tftsr_triage_redact (r, released, error) : NULL;

      if (sent == NULL)
        return FALSE;
      json_object_set_string (node, sent);
    }
  return TRUE;
}

/* @arguments as they may leave, or NULL with TFTSR_MCP_ERROR_INVALID when they are no JSON
 * object (then nothing leaves). */
static char *
egress_arguments (const TftsrTriageRedactor *r, const char *arguments, GError **error)
{
  g_autoptr (json_object) root = NULL;
  json_object *replaced = NULL; /* never: the root is an object */
  const char *text = arguments != NULL && *arguments != '\0' ? arguments : "{}";

  root = json_tokener_parse (text);
  if (root == NULL || !json_object_is_type (root, json_type_object))
    {
      g_set_error_literal (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_INVALID,
                           _ ("The arguments the model wrote are not a JSON object, so the "
                              "tool was not called."));
      return NULL;
    }
  if (!egress_node (r, root, &replaced, error))
    return NULL;
  return g_strdup (json_object_to_json_string_ext (root, JSON_C_TO_STRING_PLAIN |
                                                             JSON_C_TO_STRING_NOSLASHESCAPE));
}

/* Records that @call->sent leaves for its server: the audit entry's SHA-256 is of exactly
 * those bytes. */
static gboolean
record_departure (const TftsrTriageRedactor *r, const TftsrTriageToolCall *call, GHashTable *counts,
                  GError **error)
{
  g_autofree char *destination = g_strdup_printf ("mcp:%s/%s", call->server, call->tool);
  g_autoptr (GBytes) bytes = g_bytes_new (call->sent, strlen (call->sent));
  g_autoptr (TftsrEgressReceipt) receipt =
      tftsr_egress_record (r->store, r->issue_id, destination, bytes, counts, error);

  return receipt != NULL;
}

/* --- the result as it comes back -------------------------------------------------------- */

/* @text redacted and, past RESULT_MAX, cut at a character with a note. Redaction comes
 * first: cutting first could split a secret so that the scanner no longer sees it. */
static char *
redact_result (const TftsrTriageRedactor *r, const char *text, GError **error)
{
  g_autofree char *redacted = tftsr_triage_redact (r, text, error);
  const char *end;

  if (redacted == NULL || strlen (redacted) <= RESULT_MAX)
    return g_steal_pointer (&redacted);
  end = g_utf8_find_prev_char (redacted, redacted + RESULT_MAX + 1);
  return g_strdup_printf (_ ("%.*s\n[… cut: %zu more bytes]"), (int) (end - redacted), redacted,
                          strlen (end));
}

/* The tool's answer, or its failure, as the model is told it. */
static gboolean
take_result (const TftsrTriageRedactor *r, TftsrTriageToolCall *call, TftsrMcpToolResult *result,
             const GError *failure, GError **error)
{
  g_autofree char *text = NULL;

  if (result != NULL)
    {
      text = tftsr_mcp_tool_result_dup_text (result);
      call->status = result->is_error ? TFTSR_TRIAGE_TOOL_FAILED : TFTSR_TRIAGE_TOOL_DONE;
    }
  else if (g_error_matches (failure, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      text = g_strdup (_ ("The engineer stopped this tool call."));
      call->status = TFTSR_TRIAGE_TOOL_CANCELLED;
    }
  else
    {
      /* A crash's message carries the end of the server's stderr: outside text too. */
      text = g_strdup_printf (_ ("The tool call failed: %s"), failure->message);
      call->status = TFTSR_TRIAGE_TOOL_FAILED;
    }
  if ((call->result = redact_result (r, text, error)) == NULL)
    return FALSE;
  if (result == NULL && call->status == TFTSR_TRIAGE_TOOL_FAILED)
    call->error = g_strdup (call->result);
  return TRUE;
}

/* --- one call ------------------------------------------------------------------------------ */

static void
changed (const TftsrTriageTools *tools, const TftsrTriageToolCall *call)
{
  if (tools->changed != NULL)
    tools->changed (call, tools->user_data);
}

/* A call that is not run: @status with @text as its result. */
static void
not_run (TftsrTriageToolCall *call, TftsrTriageToolStatus status, const char *text)
{
  call->status = status;
  g_free (call->result);
  call->result = g_strdup (text);
  if (status == TFTSR_TRIAGE_TOOL_FAILED)
    {
      g_free (call->error);
      call->error = g_strdup (text);
    }
}

/* Whether the engineer lets @call run: a tool always allowed, or the answer asked for. */
static TftsrToolApproval
ask (const TftsrTriageRedactor *r, const TftsrTriageTools *tools, TftsrTriageToolCall *call)
{
  TftsrToolApproval approval;
  g_autoptr (GError) error = NULL;

  if (tftsr_mcp_store_is_tool_allowed (r->store, call->server, call->tool, NULL))
    return TFTSR_TOOL_ALLOW_ONCE;
  if (tools->approve == NULL)
    return TFTSR_TOOL_DENY;
  call->status = TFTSR_TRIAGE_TOOL_WAITING;
  changed (tools, call);
  approval = tools->approve (call, r->cancellable, tools->user_data);
  if (g_cancellable_is_cancelled (r->cancellable))
    return TFTSR_TOOL_DENY;
  if (approval == TFTSR_TOOL_ALLOW_ALWAYS &&
      !tftsr_mcp_store_allow_tool (r->store, call->server, call->tool, &error))
    g_warning ("The tool is allowed this once only: %s", error->message);
  return approval;
}

/* Runs an allowed @call: the departure recorded, then the call. */
static gboolean
run (const TftsrTriageRedactor *r, const TftsrTriageTools *tools, TftsrTriageToolCall *call,
     GHashTable *counts, GError **error)
{
  g_autoptr (TftsrMcpToolResult) result = NULL;
  g_autoptr (GError) failure = NULL;

  if (!record_departure (r, call, counts, error))
    return FALSE;
  call->left = TRUE;
  call->status = TFTSR_TRIAGE_TOOL_RUNNING;
  changed (tools, call);
  result = tftsr_mcp_bridge_call (tools->bridge, call->name, call->sent, r->cancellable, &failure);
  return take_result (r, call, result, failure, error);
}

/* Settles @call: not run (the limit, cancelled, no such tool, bad arguments), denied, or
 * run. FALSE only when the store fails. */
static gboolean
settle (const TftsrTriageRedactor *r, const TftsrTriageTools *tools, TftsrTriageToolCall *call,
        const char *limit_note, GError **error)
{
  g_autoptr (GHashTable) counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  TftsrTriageRedactor own = *r;
  g_autoptr (GError) refused = NULL;

  /* The departure's own replacements, not the AI request's. */
  own.counts = counts;
  if (g_cancellable_is_cancelled (r->cancellable))
    not_run (call, TFTSR_TRIAGE_TOOL_CANCELLED, _ ("Not run: the engineer stopped the turn."));
  else if (limit_note != NULL)
    not_run (call, TFTSR_TRIAGE_TOOL_FAILED, limit_note);
  else if (call->server == NULL)
    {
      g_autofree char *text = g_strdup_printf (_ ("There is no tool named “%s”."), call->name);
      not_run (call, TFTSR_TRIAGE_TOOL_FAILED, text);
    }
  else if ((call->sent = egress_arguments (&own, call->arguments, &refused)) == NULL)
    {
      if (!g_error_matches (refused, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_INVALID))
        {
          g_propagate_error (error, g_steal_pointer (&refused));
          return FALSE;
        }
      not_run (call, TFTSR_TRIAGE_TOOL_FAILED, refused->message);
    }
  else if (ask (r, tools, call) == TFTSR_TOOL_DENY)
    not_run (call,
             g_cancellable_is_cancelled (r->cancellable) ? TFTSR_TRIAGE_TOOL_CANCELLED
                                                         : TFTSR_TRIAGE_TOOL_DENIED,
             g_cancellable_is_cancelled (r->cancellable)
                 ? _ ("Not run: the engineer stopped the turn.")
                 : _ ("The engineer declined this tool call; it was not run."));
  else if (!run (&own, tools, call, counts, error))
    return FALSE;
  return TRUE;
}

/* Stores @call's result as a tool message, in one transaction with what it says of it. */
static gboolean
store_result (TftsrStore *store, gint64 issue_id, const TftsrTriageToolCall *call, GError **error)
{
  g_autoptr (TftsrAiMessage) message =
      tftsr_ai_message_new_tool_result (call->call_id, call->name, call->result);
  g_autoptr (TftsrConn) conn = NULL;
  g_auto (TftsrTriageRow) row = { 0 };
  g_autoptr (TftsrTriageMessage) stored = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;

  if ((conn = tftsr_conn_acquire (store, error)) == NULL || !tftsr_db_begin (conn->db, error))
    return FALSE;
  if (!tftsr_triage_load_row (conn->db, issue_id, TRUE, &row, error) ||
      (stored = tftsr_triage_insert_message (conn->db, &row, message, NULL, NULL,
                                             TFTSR_TRIAGE_MESSAGE_COMPLETE, NULL, error)) == NULL ||
      (stmt = tftsr_db_prepare (conn->db,
                                "UPDATE ai_messages SET tool_server = ?2, tool_arguments = ?3, "
                                "tool_status = ?4 WHERE id = ?1",
                                error)) == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, stored->id);
  tftsr_db_bind_text (stmt, 2, call->server);
  /* Only what left is "as sent": a call that was not run sent nothing. */
  tftsr_db_bind_text (stmt, 3, call->left ? call->sent : NULL);
  tftsr_db_bind_text (stmt, 4, tftsr_triage_tool_status_to_string (call->status));
  if (!tftsr_db_step_done (stmt, _ ("Could not save the tool call"), error) ||
      !tftsr_db_commit (conn->db, error))
    goto fail;
  return TRUE;
fail:
  tftsr_db_rollback (conn->db);
  return FALSE;
}

/* The call as the engineer follows it, the server's tool found by the name offered. */
static TftsrTriageToolCall *
new_call (const TftsrTriageTools *tools, const TftsrAiToolCall *asked)
{
  TftsrTriageToolCall *call = g_new0 (TftsrTriageToolCall, 1);
  g_autoptr (TftsrMcpBridgeTool) tool = tftsr_mcp_bridge_lookup (tools->bridge, asked->name);

  call->call_id = g_strdup (asked->id);
  call->name = g_strdup (asked->name);
  call->arguments = g_strdup (asked->arguments != NULL ? asked->arguments : "{}");
  if (tool != NULL)
    {
      call->server = g_strdup (tool->server);
      call->tool = g_strdup (tool->tool->name);
    }
  return call;
}

gboolean
tftsr_triage_answer_calls (const TftsrTriageRedactor *r, const TftsrTriageTools *tools,
                           const TftsrAiReply *reply, const char *limit_note,
                           TftsrAiRequest *request, GError **error)
{
  for (guint i = 0; i < reply->tool_calls->len; i++)
    {
      g_autoptr (TftsrTriageToolCall) call = new_call (tools, reply->tool_calls->pdata[i]);
      TftsrAiMessage *result;

      if (!settle (r, tools, call, limit_note, error) ||
          !store_result (r->store, r->issue_id, call, error))
        return FALSE;
      changed (tools, call);
      result = tftsr_ai_message_new_tool_result (call->call_id, call->name, call->result);
      result->tool_failed = call->status != TFTSR_TRIAGE_TOOL_DONE;
      tftsr_ai_request_add_message (request, result);
    }
  return !g_cancellable_set_error_if_cancelled (r->cancellable, error);
}
