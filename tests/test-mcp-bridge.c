/* test-mcp-bridge.c: MCP tools offered to a model in the triage chat: a loopback provider
 * speaking OpenAI's chat completions asks for tool calls over several rounds, answered by
 * the reference MCP server (@modelcontextprotocol/server-everything over stdio): schemas
 * offered intact, names sanitised and mapped back, the engineer's approvals, the round
 * limit, a crash, a timeout and cancellation as results, and the privacy canaries in tool
 * arguments and results
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <json.h>
#include <signal.h>
#include <string.h>

#include "tftsr-fake-server.h"
#include "tftsr-json-private.h"
#include "tftsr-mcp-test-util.h"
#include "tftsr-test-util.h"

#define CANARY_EMAIL "jane.canary@acme-internal.net"
#define CANARY_HOST "db-canary-01.prod.acme.internal"
#define CANARY_ENV_EMAIL "ops.canary@acme-internal.net"

static TftsrStore *store;
/* The scripted replies, whose references the fake servers take their own of. */
static GPtrArray *replies;

static TftsrFakeReply *
kept (TftsrFakeReply *reply)
{
  g_ptr_array_add (replies, reply);
  return reply;
}

/* --- the MCP servers ------------------------------------------------------------------------ */

/* Registers the reference server as @name; with @tap every line it is sent is also
 * appended to that file. FALSE (skipped) without the server. */
static gboolean
add_everything (const char *name, const char *tap, guint timeout_ms)
{
  g_autofree char *script = tftsr_test_mcp_everything_script ();
  g_autofree char *node = g_find_program_in_path ("node");
  g_autoptr (TftsrMcpServer) server = tftsr_mcp_server_new ();
  g_autoptr (GError) error = NULL;
  const char *env[] = { "CANARY_CONTACT=" CANARY_ENV_EMAIL, NULL };

  if (script == NULL)
    return FALSE;
  server->name = g_strdup (name);
  server->timeout_ms = timeout_ms;
  server->env = g_strdupv ((char **) env);
  if (tap == NULL)
    {
      const char *args[] = { script, "stdio", NULL };
      server->command = g_strdup (node);
      server->args = g_strdupv ((char **) args);
    }
  else
    {
      g_autofree char *line =
          g_strdup_printf ("tee -a '%s' | exec '%s' '%s' stdio", tap, node, script);
      const char *args[] = { "-c", line, NULL };
      server->command = g_strdup ("/bin/sh");
      server->args = g_strdupv ((char **) args);
    }
  g_assert_cmpint (tftsr_mcp_store_add_server (store, server, NULL, &error), >, 0);
  g_assert_no_error (error);
  return TRUE;
}

static void
remove_server (const char *name)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (tftsr_mcp_store_remove_server (store, name, &error));
  g_assert_no_error (error);
}

/* --- the fake provider ---------------------------------------------------------------------- */

static char *
json_quote (const char *text)
{
  g_autoptr (json_object) s = json_object_new_string (text);
  return g_strdup (json_object_to_json_string_ext (s, JSON_C_TO_STRING_NOSLASHESCAPE));
}

/* A streamed reply asking for the calls in @calls: "name", "arguments" pairs, NULL ended. */
static TftsrFakeReply *
calls_reply (const char *const *calls)
{
  TftsrFakeReply *reply = tftsr_fake_reply_new (200, "text/event-stream");
  static guint n;

  for (guint i = 0; calls[i] != NULL; i += 2)
    {
      g_autofree char *name = json_quote (calls[i]);
      g_autofree char *arguments = json_quote (calls[i + 1]);
      g_autofree char *event = g_strdup_printf (
          "data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"tool_calls\":[{"
          "\"index\":%u,\"id\":\"call_%u\",\"type\":\"function\",\"function\":{\"name\":%s,"
          "\"arguments\":%s}}]}}]}\n\n",
          i / 2, ++n, name, arguments);
      tftsr_fake_reply_add_piece (reply, event, -1);
    }
  tftsr_fake_reply_add_piece (reply,
                              "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":"
                              "\"tool_calls\"}]}\n\ndata: [DONE]\n\n",
                              -1);
  return kept (reply);
}

static TftsrFakeReply *
call_reply (const char *name, const char *arguments)
{
  const char *calls[] = { name, arguments, NULL };
  return calls_reply (calls);
}

static TftsrFakeReply *
text_reply (const char *text)
{
  TftsrFakeReply *reply = tftsr_fake_reply_new (200, "text/event-stream");
  g_autofree char *q = json_quote (text);
  g_autofree char *body = g_strdup_printf (
      "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":%s}}]}\n\n"
      "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
      "data: [DONE]\n\n",
      q);

  tftsr_fake_reply_add_piece (reply, body, -1);
  return kept (reply);
}

static char *
add_provider (TftsrFakeServer *server)
{
  static guint n;
  char *name = g_strdup_printf ("provider-%u", ++n);
  g_autofree char *url = tftsr_fake_server_url (server, "/v1");
  g_autoptr (TftsrAiProvider) p = tftsr_ai_provider_new (name, TFTSR_AI_FORMAT_OPENAI, url, "m");
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (tftsr_store_add_ai_provider (store, p, "sk-test", &error), >, 0);
  g_assert_no_error (error);
  return name;
}

static json_object *
body_of (TftsrFakeRequest *request)
{
  g_autofree char *text =
      g_strndup (g_bytes_get_data (request->body, NULL), g_bytes_get_size (request->body));
  return json_tokener_parse (text);
}

static GPtrArray *
chat_requests (TftsrFakeServer *server)
{
  g_autoptr (GPtrArray) all = tftsr_fake_server_dup_requests (server);
  GPtrArray *chats = g_ptr_array_new_with_free_func ((GDestroyNotify) tftsr_fake_request_unref);

  for (guint i = 0; i < all->len; i++)
    if (g_str_has_prefix (((TftsrFakeRequest *) all->pdata[i])->path, "/v1/chat/completions"))
      g_ptr_array_add (chats, tftsr_fake_request_ref (all->pdata[i]));
  return chats;
}

/* The content of the tool message answering the @n-th call (1-based) in @body, or NULL. */
static const char *
tool_result_in (json_object *body, guint n)
{
  json_object *messages = json_object_object_get (body, "messages");
  guint seen = 0;

  for (size_t i = 0; i < json_object_array_length (messages); i++)
    {
      json_object *m = json_object_array_get_idx (messages, i);

      if (g_strcmp0 (json_object_get_string (json_object_object_get (m, "role")), "tool") == 0 &&
          ++seen == n)
        return json_object_get_string (json_object_object_get (m, "content"));
    }
  return NULL;
}

static gboolean
contains (GBytes *bytes, const char *needle)
{
  gsize len = 0;
  const char *data = g_bytes_get_data (bytes, &len);
  return data != NULL && g_strstr_len (data, (gssize) len, needle) != NULL;
}

/* --- the engineer ------------------------------------------------------------------------------ */

typedef struct
{
  const TftsrToolApproval *answers; /* in turn; the last one again when they run out */
  guint n_answers;
  guint asked;
  GPtrArray *seen;            /* TftsrTriageToolCall as asked */
  GPtrArray *heard;           /* TftsrTriageToolCall as changed */
  GCancellable *cancel_after; /* cancelled 300 ms after a call starts running */
  TftsrMcpBridge *bridge;
  const char *kill_server; /* killed 500 ms after a call of it starts running */
} Engineer;

static gpointer
cancel_later (gpointer data)
{
  g_usleep (300 * 1000);
  g_cancellable_cancel (data);
  return NULL;
}

static gpointer
kill_later (gpointer data)
{
  g_usleep (500 * 1000);
  kill (GPOINTER_TO_INT (data), SIGKILL);
  return NULL;
}

static TftsrToolApproval
approve (const TftsrTriageToolCall *call, GCancellable *cancellable, gpointer user_data)
{
  Engineer *e = user_data;
  guint i = MIN (e->asked, e->n_answers - 1);

  e->asked++;
  g_ptr_array_add (e->seen, tftsr_triage_tool_call_copy (call));
  g_assert_cmpint (call->status, ==, TFTSR_TRIAGE_TOOL_WAITING);
  return e->answers[i];
}

static void
changed (const TftsrTriageToolCall *call, gpointer user_data)
{
  Engineer *e = user_data;

  g_ptr_array_add (e->heard, tftsr_triage_tool_call_copy (call));
  if (call->status != TFTSR_TRIAGE_TOOL_RUNNING)
    return;
  if (e->cancel_after != NULL)
    g_thread_unref (g_thread_new ("cancel", cancel_later, e->cancel_after));
  if (e->kill_server != NULL && g_strcmp0 (call->server, e->kill_server) == 0)
    {
      g_autoptr (TftsrMcpClient) client = tftsr_mcp_bridge_dup_client (e->bridge, e->kill_server);
      g_thread_unref (
          g_thread_new ("kill", kill_later, GINT_TO_POINTER (tftsr_mcp_client_get_pid (client))));
      e->kill_server = NULL;
    }
}

static void
engineer_init (Engineer *e, TftsrMcpBridge *bridge, const TftsrToolApproval *answers, guint n)
{
  memset (e, 0, sizeof *e);
  e->answers = answers;
  e->n_answers = n;
  e->bridge = bridge;
  e->seen = g_ptr_array_new_with_free_func ((GDestroyNotify) tftsr_triage_tool_call_free);
  e->heard = g_ptr_array_new_with_free_func ((GDestroyNotify) tftsr_triage_tool_call_free);
}

static void
engineer_clear (Engineer *e)
{
  g_ptr_array_unref (e->seen);
  g_ptr_array_unref (e->heard);
}

static TftsrTriageTurn *
send_turn (gint64 issue_id, const char *text, const char *provider, Engineer *e,
           GCancellable *cancellable, GError **error)
{
  TftsrTriageTools tools = { e->bridge, approve, changed, e };

  return tftsr_triage_send_with_tools (store, issue_id, text, NULL, provider, NULL, &tools,
                                       cancellable, error);
}

static gint64
new_issue (const char *title, const char *description)
{
  g_autoptr (TftsrIssue) issue = tftsr_test_create (store, title, description);
  return tftsr_issue_get_id (issue);
}

static GPtrArray *
tool_messages (gint64 issue_id)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) all = tftsr_store_list_triage_messages (store, issue_id, &error);
  GPtrArray *tools = g_ptr_array_new_with_free_func ((GDestroyNotify) tftsr_triage_message_free);

  g_assert_no_error (error);
  for (guint i = 0; i < all->len; i++)
    if (((TftsrTriageMessage *) all->pdata[i])->message->role == TFTSR_AI_ROLE_TOOL)
      g_ptr_array_add (tools, g_steal_pointer (&all->pdata[i]));
  return tools;
}

/* --- names ------------------------------------------------------------------------------------ */

static gboolean
fits (const char *name)
{
  if (strlen (name) == 0 || strlen (name) > TFTSR_MCP_TOOL_NAME_MAX || !g_ascii_isalpha (*name))
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '_' && *p != '-')
      return FALSE;
  return TRUE;
}

static void
test_names (void)
{
  g_autofree char *plain = tftsr_mcp_tool_offered_name ("everything", "get-sum");
  g_autofree char *dotted = tftsr_mcp_tool_offered_name ("ops.tools", "look up/ä");
  g_autofree char *digit = tftsr_mcp_tool_offered_name ("9lives", "x");
  g_autofree char *long_tool = g_strnfill (80, 'a');
  g_autofree char *cut = tftsr_mcp_tool_offered_name ("srv", long_tool);
  g_autofree char *cut_again = tftsr_mcp_tool_offered_name ("srv", long_tool);
  g_autofree char *other = tftsr_mcp_tool_hashed_name ("sr", long_tool);
  g_autofree char *a = tftsr_mcp_tool_hashed_name ("a.b", "t");
  g_autofree char *b = tftsr_mcp_tool_hashed_name ("a_b", "t");

  g_assert_cmpstr (plain, ==, "everything__get-sum");
  g_assert_cmpstr (dotted, ==, "ops_tools__look_up__");
  g_assert_cmpstr (digit, ==, "mcp_9lives__x");
  g_assert_cmpuint (strlen (cut), ==, TFTSR_MCP_TOOL_NAME_MAX);
  g_assert_cmpstr (cut, ==, cut_again);
  g_assert_cmpstr (cut, !=, other);
  g_assert_cmpstr (a, !=, b);
  g_assert_true (g_str_has_prefix (a, "a_b__t_"));
  for (const char *const *n = (const char *const[]){ plain, dotted, digit, cut, a, b, NULL };
       *n != NULL; n++)
    g_assert_true (fits (*n));
}

/* Two servers whose names sanitise alike, one unreachable and one disabled: every tool of
 * the first two offered under a distinct name mapped back to its own server, with the
 * schema tools/list gave; the unreachable one absent with its reason. */
static void
test_schemas (void)
{
  g_autoptr (TftsrMcpBridge) bridge = tftsr_mcp_bridge_new (store);
  g_autoptr (TftsrMcpServer) gone = tftsr_mcp_server_new ();
  g_autoptr (TftsrMcpServer) off = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) ai_tools = NULL, problems = NULL, direct = NULL;
  g_autoptr (TftsrMcpClient) client = NULL;
  g_autoptr (GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);

  if (!add_everything ("every.thing", NULL, 30000) || !add_everything ("every_thing", NULL, 30000))
    return;
  gone->name = g_strdup ("gone");
  /* A server that ends at once (a command that cannot run would leave valgrind's copy of
   * the process behind the failed exec reporting every thread's buffers as lost). */
  gone->command = g_strdup ("/bin/false");
  g_assert_cmpint (tftsr_mcp_store_add_server (store, gone, NULL, &error), >, 0);
  off = tftsr_mcp_server_copy (gone);
  g_free (off->name);
  off->name = g_strdup ("off");
  g_assert_cmpint (tftsr_mcp_store_add_server (store, off, NULL, &error), >, 0);
  g_assert_true (tftsr_mcp_store_set_enabled (store, "off", FALSE, &error));
  g_assert_no_error (error);

  g_assert_true (tftsr_mcp_bridge_refresh (bridge, NULL, &error));
  g_assert_no_error (error);
  problems = tftsr_mcp_bridge_dup_problems (bridge);
  g_assert_cmpuint (problems->len, ==, 1);
  g_assert_cmpstr (((TftsrMcpBridgeProblem *) problems->pdata[0])->server, ==, "gone");
  g_assert_cmpstr (((TftsrMcpBridgeProblem *) problems->pdata[0])->reason, !=, "");

  client = tftsr_mcp_bridge_dup_client (bridge, "every.thing");
  direct = tftsr_mcp_client_list_tools (client, NULL, &error);
  g_assert_no_error (error);
  ai_tools = tftsr_mcp_bridge_dup_ai_tools (bridge);
  g_assert_cmpuint (ai_tools->len, ==, 2 * direct->len);
  for (guint i = 0; i < ai_tools->len; i++)
    {
      TftsrAiTool *t = ai_tools->pdata[i];
      g_autoptr (TftsrMcpBridgeTool) back = tftsr_mcp_bridge_lookup (bridge, t->name);

      g_assert_true (fits (t->name));
      g_assert_true (g_hash_table_add (names, t->name));
      g_assert_nonnull (back);
      g_assert_true (g_str_has_prefix (back->server, "every"));
      /* The two servers' names sanitise alike: every name carries the hash. */
      g_assert_cmpstr (t->name, ==, back->offered_name);
      {
        g_autofree char *hashed = tftsr_mcp_tool_hashed_name (back->server, back->tool->name);
        g_assert_cmpstr (t->name, ==, hashed);
      }
      for (guint k = 0; k < direct->len; k++)
        {
          TftsrMcpTool *d = direct->pdata[k];

          if (strcmp (d->name, back->tool->name) != 0)
            continue;
          /* Intact: the very text tools/list gave, no member dropped or flattened. */
          g_assert_cmpstr (t->parameters, ==, d->input_schema);
        }
    }
  g_assert_null (tftsr_mcp_bridge_lookup (bridge, "every_thing__echo"));
  remove_server ("every.thing");
  remove_server ("every_thing");
  remove_server ("gone");
  remove_server ("off");
}

/* --- turns with tools ---------------------------------------------------------------------------- */

/* Four rounds: echo allowed once, get-sum denied, echo always allowed, echo again without
 * asking; then the answer. Every result is in the next request and in the store. */
static void
test_approvals (void)
{
  g_autoptr (TftsrFakeServer) ai = tftsr_fake_server_new ();
  g_autoptr (TftsrMcpBridge) bridge = tftsr_mcp_bridge_new (store);
  g_autoptr (TftsrTriageTurn) turn = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) chats = NULL, stored = NULL;
  g_autoptr (json_object) first = NULL, last = NULL;
  g_autofree char *provider = NULL;
  const TftsrToolApproval answers[] = { TFTSR_TOOL_ALLOW_ONCE, TFTSR_TOOL_DENY,
                                        TFTSR_TOOL_ALLOW_ALWAYS, TFTSR_TOOL_DENY };
  Engineer e;
  gint64 id;
  json_object *tools = NULL;

  if (!add_everything ("everything", NULL, 30000))
    return;
  tftsr_fake_server_add_replies (ai, "/v1/chat/completions",
                                 call_reply ("everything__echo", "{\"message\":\"one\"}"),
                                 call_reply ("everything__get-sum", "{\"a\":2,\"b\":40}"),
                                 call_reply ("everything__echo", "{\"message\":\"three\"}"),
                                 call_reply ("everything__echo", "{\"message\":\"four\"}"),
                                 text_reply ("Done looking."), NULL);
  provider = add_provider (ai);
  id = new_issue ("Tools", NULL);
  engineer_init (&e, bridge, answers, G_N_ELEMENTS (answers));

  turn = send_turn (id, "Look around", provider, &e, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (turn->reply->message->content, ==, "Done looking.");
  g_assert_cmpuint (e.asked, ==, 3);
  g_assert_cmpstr (((TftsrTriageToolCall *) e.seen->pdata[0])->server, ==, "everything");
  g_assert_cmpstr (((TftsrTriageToolCall *) e.seen->pdata[1])->tool, ==, "get-sum");
  g_assert_cmpstr (((TftsrTriageToolCall *) e.seen->pdata[0])->sent, ==, "{\"message\":\"one\"}");
  g_assert_true (tftsr_mcp_store_is_tool_allowed (store, "everything", "echo", NULL));
  g_assert_false (tftsr_mcp_store_is_tool_allowed (store, "everything", "get-sum", NULL));

  chats = chat_requests (ai);
  g_assert_cmpuint (chats->len, ==, 5);
  first = body_of (chats->pdata[0]);
  g_assert_true (json_object_object_get_ex (first, "tools", &tools));
  g_assert_cmpuint (json_object_array_length (tools), >, 5);
  last = body_of (chats->pdata[4]);
  g_assert_nonnull (strstr (tool_result_in (last, 1), "one"));
  g_assert_nonnull (strstr (tool_result_in (last, 2), "declined"));
  g_assert_null (strstr (tool_result_in (last, 2), "42"));
  g_assert_nonnull (strstr (tool_result_in (last, 3), "three"));
  g_assert_nonnull (strstr (tool_result_in (last, 4), "four"));

  /* A reload shows them: server, arguments as sent, status. */
  stored = tool_messages (id);
  g_assert_cmpuint (stored->len, ==, 4);
  {
    TftsrTriageMessage *denied = stored->pdata[1];
    TftsrTriageMessage *done = stored->pdata[3];

    g_assert_cmpint (denied->tool_status, ==, TFTSR_TRIAGE_TOOL_DENIED);
    g_assert_null (denied->tool_arguments);
    g_assert_cmpstr (denied->tool_server, ==, "everything");
    g_assert_cmpint (done->tool_status, ==, TFTSR_TRIAGE_TOOL_DONE);
    g_assert_cmpstr (done->tool_arguments, ==, "{\"message\":\"four\"}");
    g_assert_cmpstr (done->message->tool_name, ==, "everything__echo");
  }
  /* Each call that left is audited with the SHA-256 of its arguments. */
  {
    g_autofree char *sha =
        g_compute_checksum_for_string (G_CHECKSUM_SHA256, "{\"message\":\"four\"}", -1);
    g_autofree char *sql = g_strdup_printf (
        "SELECT count(*) FROM audit_log WHERE action = 'egress.send' AND target LIKE "
        "'mcp:everything/echo%%' AND detail LIKE '%%%s%%'",
        sha);
    g_autofree char *n = tftsr_test_query (store, sql);
    g_autofree char *all = tftsr_test_query (
        store, "SELECT count(*) FROM audit_log WHERE target LIKE 'mcp:everything/%'");
    g_assert_cmpstr (n, ==, "1");
    g_assert_cmpstr (all, ==, "3");
  }
  engineer_clear (&e);

  /* Revoked, the tool asks again at its next call. */
  g_assert_true (tftsr_mcp_store_revoke_tool (store, "everything", "echo", &error));
  g_assert_no_error (error);
  tftsr_fake_server_add_replies (ai, "/v1/chat/completions",
                                 call_reply ("everything__echo", "{\"message\":\"five\"}"),
                                 text_reply ("Done again."), NULL);
  engineer_init (&e, bridge, answers, 1);
  tftsr_triage_turn_free (send_turn (id, "Once more", provider, &e, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (e.asked, ==, 1);
  g_assert_cmpstr (((TftsrTriageToolCall *) e.seen->pdata[0])->tool, ==, "echo");
  engineer_clear (&e);
  remove_server ("everything");
}

static char *
count_audit (const char *action, const char *tool)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM audit_log WHERE action = '%s' AND "
                                          "target = 'mcp:standing' AND detail LIKE '%%\"%s\"%%'",
                                          action, tool);
  return tftsr_test_query (store, sql);
}

/* Always allowed tools are listed by name, revoked with an audit entry, refused when not
 * allowed (nothing changes), and go with their server. No process is started. */
static void
test_standing_approvals (void)
{
  g_autoptr (TftsrMcpServer) server = tftsr_mcp_server_new ();
  g_autoptr (GPtrArray) allowed = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *revokes = NULL, *left = NULL;
  TftsrMcpAllowedTool *first;

  server->name = g_strdup ("standing");
  server->command = g_strdup ("/bin/false");
  g_assert_cmpint (tftsr_mcp_store_add_server (store, server, NULL, &error), >, 0);
  allowed = tftsr_mcp_store_list_allowed_tools (store, "standing", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (allowed->len, ==, 0);
  g_clear_pointer (&allowed, g_ptr_array_unref);

  g_assert_true (tftsr_mcp_store_allow_tool (store, "standing", "search", &error));
  g_assert_true (tftsr_mcp_store_allow_tool (store, "standing", "query", &error));
  g_assert_no_error (error);
  allowed = tftsr_mcp_store_list_allowed_tools (store, "standing", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (allowed->len, ==, 2);
  first = allowed->pdata[0];
  g_assert_cmpstr (first->tool, ==, "query");
  g_assert_true (g_str_has_suffix (first->allowed_at, "Z"));
  g_assert_cmpstr (((TftsrMcpAllowedTool *) allowed->pdata[1])->tool, ==, "search");
  g_clear_pointer (&allowed, g_ptr_array_unref);

  g_assert_true (tftsr_mcp_store_revoke_tool (store, "standing", "search", &error));
  g_assert_no_error (error);
  g_assert_false (tftsr_mcp_store_is_tool_allowed (store, "standing", "search", NULL));
  g_assert_true (tftsr_mcp_store_is_tool_allowed (store, "standing", "query", NULL));
  revokes = count_audit ("mcp.revoke", "search");
  g_assert_cmpstr (revokes, ==, "1");

  /* Nothing to revoke: a clear error, no audit entry, the other approval intact. */
  g_assert_false (tftsr_mcp_store_revoke_tool (store, "standing", "search", &error));
  g_assert_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "“search”"));
  g_clear_error (&error);
  g_assert_false (tftsr_mcp_store_revoke_tool (store, "nowhere", "query", &error));
  g_assert_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "“nowhere”"));
  g_clear_error (&error);
  g_assert_null (tftsr_mcp_store_list_allowed_tools (store, "nowhere", &error));
  g_assert_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_free (revokes);
  revokes = count_audit ("mcp.revoke", "search");
  g_assert_cmpstr (revokes, ==, "1");
  g_assert_true (tftsr_mcp_store_is_tool_allowed (store, "standing", "query", NULL));

  /* Removed and added again, the server has no approvals left. */
  remove_server ("standing");
  left = tftsr_test_query (store, "SELECT count(*) FROM mcp_tool_approvals");
  g_assert_cmpstr (left, ==, "0");
  g_assert_cmpint (tftsr_mcp_store_add_server (store, server, NULL, &error), >, 0);
  g_assert_false (tftsr_mcp_store_is_tool_allowed (store, "standing", "query", NULL));
  remove_server ("standing");
}

static void
rounds_got (GObject *source, GAsyncResult *result, gpointer user_data)
{
  guint *rounds = user_data;
  g_autoptr (GError) error = NULL;

  *rounds = tftsr_mcp_get_tool_rounds_finish (TFTSR_STORE (source), result, &error);
  g_assert_no_error (error);
}

static void
done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* The worker forms the Settings window uses: rounds set and read, a refusal as an error,
 * the allowed tools listed and one revoked. */
static void
test_standing_async (void)
{
  g_autoptr (TftsrMcpServer) server = tftsr_mcp_server_new ();
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GPtrArray) allowed = NULL;
  g_autoptr (GError) error = NULL;
  guint rounds = 0;

  tftsr_mcp_set_tool_rounds_async (store, 7, NULL, done, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (tftsr_mcp_set_tool_rounds_finish (store, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  tftsr_mcp_get_tool_rounds_async (store, NULL, rounds_got, &rounds);
  while (rounds == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (rounds, ==, 7);
  tftsr_mcp_set_tool_rounds_async (store, TFTSR_MCP_MAX_TOOL_ROUNDS + 1, NULL, done, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (tftsr_mcp_set_tool_rounds_finish (store, result, &error));
  g_assert_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_INVALID);
  g_clear_error (&error);
  g_clear_object (&result);
  g_assert_cmpuint (tftsr_mcp_get_tool_rounds (store), ==, 7);
  g_assert_true (tftsr_mcp_set_tool_rounds (store, 0, &error));

  server->name = g_strdup ("standing");
  server->command = g_strdup ("/bin/false");
  g_assert_cmpint (tftsr_mcp_store_add_server (store, server, NULL, &error), >, 0);
  g_assert_true (tftsr_mcp_store_allow_tool (store, "standing", "search", &error));
  tftsr_mcp_store_list_allowed_tools_async (store, "standing", NULL, done, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  allowed = tftsr_mcp_store_list_allowed_tools_finish (store, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (allowed->len, ==, 1);
  g_clear_object (&result);
  tftsr_mcp_store_revoke_tool_async (store, "standing", "search", NULL, done, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (tftsr_mcp_store_revoke_tool_finish (store, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  tftsr_mcp_store_revoke_tool_async (store, "standing", "search", NULL, done, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (tftsr_mcp_store_revoke_tool_finish (store, result, &error));
  g_assert_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_NOT_FOUND);
  remove_server ("standing");
}

/* A model that never stops calling: the limit's rounds run, then the calls are answered with
 * the limit, and a model still calling ends the turn. */
static void
test_round_limit (void)
{
  g_autoptr (TftsrFakeServer) ai = tftsr_fake_server_new ();
  g_autoptr (TftsrMcpBridge) bridge = tftsr_mcp_bridge_new (store);
  g_autoptr (TftsrTriageTurn) turn = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) chats = NULL, stored = NULL;
  g_autoptr (json_object) third = NULL, fourth = NULL;
  g_autofree char *provider = NULL;
  const TftsrToolApproval answers[] = { TFTSR_TOOL_ALLOW_ONCE };
  Engineer e;
  gint64 id;

  if (!add_everything ("everything", NULL, 30000))
    return;
  g_assert_cmpuint (tftsr_mcp_get_tool_rounds (store), ==, TFTSR_MCP_DEFAULT_TOOL_ROUNDS);
  g_assert_true (tftsr_mcp_set_tool_rounds (store, 2, &error));
  g_assert_false (tftsr_mcp_set_tool_rounds (store, TFTSR_MCP_MAX_TOOL_ROUNDS + 1, NULL));
  tftsr_fake_server_add_replies (ai, "/v1/chat/completions",
                                 call_reply ("everything__get-sum", "{\"a\":1,\"b\":1}"), NULL);
  provider = add_provider (ai);
  id = new_issue ("Limit", NULL);
  engineer_init (&e, bridge, answers, 1);

  turn = send_turn (id, "Add forever", provider, &e, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (e.asked, ==, 2);
  chats = chat_requests (ai);
  g_assert_cmpuint (chats->len, ==, 4);
  third = body_of (chats->pdata[2]);
  g_assert_nonnull (strstr (tool_result_in (third, 2), "2"));
  fourth = body_of (chats->pdata[3]);
  g_assert_nonnull (strstr (tool_result_in (fourth, 3), "limit of 2 rounds"));
  stored = tool_messages (id);
  g_assert_cmpuint (stored->len, ==, 4);
  g_assert_cmpint (((TftsrTriageMessage *) stored->pdata[3])->tool_status, ==,
                   TFTSR_TRIAGE_TOOL_FAILED);
  g_assert_nonnull (turn->reply->message->tool_calls);
  g_assert_true (tftsr_mcp_set_tool_rounds (store, 0, &error));
  engineer_clear (&e);
  remove_server ("everything");
}

/* A hung call and a crashed server are results the model reads, and it goes on; so is a
 * tool no server offers. */
static void
test_timeout_crash (void)
{
  g_autoptr (TftsrFakeServer) ai = tftsr_fake_server_new ();
  g_autoptr (TftsrMcpBridge) bridge = tftsr_mcp_bridge_new (store);
  g_autoptr (TftsrTriageTurn) turn = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) chats = NULL, stored = NULL;
  g_autoptr (json_object) last = NULL;
  g_autofree char *provider = NULL;
  const TftsrToolApproval answers[] = { TFTSR_TOOL_ALLOW_ONCE };
  const char *slow = "{\"duration\":30,\"steps\":2}";
  Engineer e;
  gint64 id, start;

  if (!add_everything ("slow", NULL, 1500) || !add_everything ("fragile", NULL, 30000))
    return;
  tftsr_fake_server_add_replies (
      ai, "/v1/chat/completions", call_reply ("slow__trigger-long-running-operation", slow),
      call_reply ("fragile__trigger-long-running-operation", slow),
      call_reply ("nobody__nothing", "{}"), call_reply ("fragile__echo", "{\"message\":\"back\"}"),
      text_reply ("Carrying on."), NULL);
  provider = add_provider (ai);
  id = new_issue ("Failures", NULL);
  engineer_init (&e, bridge, answers, 1);
  /* Killed while it runs the second call; the first is the slow server's. */
  e.kill_server = "fragile";
  start = g_get_monotonic_time ();
  turn = send_turn (id, "Try the slow ones", provider, &e, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 20 * G_USEC_PER_SEC);
  g_assert_cmpstr (turn->reply->message->content, ==, "Carrying on.");

  stored = tool_messages (id);
  g_assert_cmpuint (stored->len, ==, 4);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpint (((TftsrTriageMessage *) stored->pdata[i])->tool_status, ==,
                     TFTSR_TRIAGE_TOOL_FAILED);
  chats = chat_requests (ai);
  last = body_of (chats->pdata[chats->len - 1]);
  g_assert_nonnull (strstr (tool_result_in (last, 1), "failed"));
  g_assert_nonnull (strstr (tool_result_in (last, 2), "failed"));
  g_assert_nonnull (strstr (tool_result_in (last, 3), "no tool named"));
  /* The crashed server was started again for the next call. */
  g_assert_nonnull (strstr (tool_result_in (last, 4), "back"));
  engineer_clear (&e);
  remove_server ("slow");
  remove_server ("fragile");
}

/* Stopping the turn stops the running call; the call is stored as stopped and the next
 * request still pairs it with a result. */
static void
test_cancel (void)
{
  g_autoptr (TftsrFakeServer) ai = tftsr_fake_server_new ();
  g_autoptr (TftsrMcpBridge) bridge = tftsr_mcp_bridge_new (store);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) stored = NULL, chats = NULL;
  g_autoptr (json_object) next = NULL;
  g_autofree char *provider = NULL;
  const TftsrToolApproval answers[] = { TFTSR_TOOL_ALLOW_ONCE };
  Engineer e;
  gint64 id, start;

  if (!add_everything ("everything", NULL, 30000))
    return;
  tftsr_fake_server_add_replies (
      ai, "/v1/chat/completions",
      call_reply ("everything__trigger-long-running-operation", "{\"duration\":30,\"steps\":2}"),
      text_reply ("Fine."), NULL);
  provider = add_provider (ai);
  id = new_issue ("Cancel", NULL);
  engineer_init (&e, bridge, answers, 1);
  e.cancel_after = cancellable;
  start = g_get_monotonic_time ();
  g_assert_null (send_turn (id, "Wait", provider, &e, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
  stored = tool_messages (id);
  g_assert_cmpuint (stored->len, ==, 1);
  g_assert_cmpint (((TftsrTriageMessage *) stored->pdata[0])->tool_status, ==,
                   TFTSR_TRIAGE_TOOL_CANCELLED);
  /* It did leave before it was stopped. */
  g_assert_nonnull (((TftsrTriageMessage *) stored->pdata[0])->tool_arguments);

  g_clear_error (&error);
  e.cancel_after = NULL;
  tftsr_triage_turn_free (send_turn (id, "Go on", provider, &e, NULL, &error));
  g_assert_no_error (error);
  chats = chat_requests (ai);
  next = body_of (chats->pdata[chats->len - 1]);
  g_assert_nonnull (strstr (tool_result_in (next, 1), "stopped"));
  engineer_clear (&e);
  remove_server ("everything");
}

/* The canaries: the incident's values reach the MCP server only as pseudonyms, unless
 * released; a value the server answers with reaches the provider only as a pseudonym. */
static void
test_privacy (void)
{
  g_autoptr (TftsrFakeServer) ai = tftsr_fake_server_new ();
  g_autoptr (TftsrMcpBridge) bridge = tftsr_mcp_bridge_new (store);
  g_autoptr (TftsrTriageTurn) turn = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) chats = NULL, stored = NULL;
  g_autoptr (GBytes) tapped = NULL;
  g_autofree char *provider = NULL, *tap = NULL, *value_id = NULL, *sql = NULL;
  const TftsrToolApproval answers[] = { TFTSR_TOOL_ALLOW_ALWAYS };
  const char *planted =
      "{\"message\":\"mail <EMAIL_1> about " CANARY_HOST " from " CANARY_EMAIL "\"}";
  Engineer e;
  gint64 id;

  tap = g_build_filename (tftsr_test_dir (), "tap.jsonl", NULL);
  if (!add_everything ("everything", tap, 30000))
    return;
  tftsr_fake_server_add_replies (ai, "/v1/chat/completions",
                                 call_reply ("everything__echo", planted),
                                 call_reply ("everything__get-env", "{}"), text_reply ("Seen."),
                                 call_reply ("everything__echo", "{\"message\":\"to <EMAIL_1>\"}"),
                                 text_reply ("Sent."), NULL);
  provider = add_provider (ai);
  id = new_issue ("Mail from " CANARY_EMAIL, "Host " CANARY_HOST " is down");
  engineer_init (&e, bridge, answers, 1);

  turn = send_turn (id, "Look", provider, &e, NULL, &error);
  g_assert_no_error (error);
  tapped = tftsr_test_read_file (tap);
  g_assert_true (contains (tapped, "mail <EMAIL_1> about <HOSTNAME_1> from <EMAIL_1>"));
  g_assert_false (contains (tapped, CANARY_EMAIL));
  g_assert_false (contains (tapped, CANARY_HOST));
  chats = chat_requests (ai);
  for (guint i = 0; i < chats->len; i++)
    {
      TftsrFakeRequest *r = chats->pdata[i];

      g_assert_false (contains (r->body, CANARY_EMAIL));
      g_assert_false (contains (r->body, CANARY_HOST));
      g_assert_false (contains (r->body, CANARY_ENV_EMAIL));
    }
  {
    g_autoptr (json_object) third = body_of (chats->pdata[2]);
    g_assert_nonnull (strstr (tool_result_in (third, 2), "CANARY_CONTACT"));
    g_assert_nonnull (strstr (tool_result_in (third, 2), "<EMAIL_2>"));
  }
  stored = tool_messages (id);
  for (guint i = 0; i < stored->len; i++)
    g_assert_null (
        strstr (((TftsrTriageMessage *) stored->pdata[i])->message->content, CANARY_ENV_EMAIL));

  /* Released in review, the value is what the server gets. */
  sql = g_strdup_printf ("SELECT id FROM pii_values WHERE issue_id = %" G_GINT64_FORMAT
                         " AND type = 'EMAIL' AND token_index = 1",
                         id);
  value_id = tftsr_test_query (store, sql);
  g_assert_true (tftsr_store_set_pii_value_released (store, g_ascii_strtoll (value_id, NULL, 10),
                                                     TRUE, &error));
  tftsr_triage_turn_free (send_turn (id, "Mail them", provider, &e, NULL, &error));
  g_assert_no_error (error);
  g_clear_pointer (&tapped, g_bytes_unref);
  tapped = tftsr_test_read_file (tap);
  g_assert_true (contains (tapped, "to " CANARY_EMAIL));
  g_assert_false (contains (tapped, CANARY_HOST));
  engineer_clear (&e);
  remove_server ("everything");
}

int
main (int argc, char *argv[])
{
  int status;

  tftsr_test_init (&argc, &argv);
  store = tftsr_test_new_store ();
  replies = g_ptr_array_new_with_free_func ((GDestroyNotify) tftsr_fake_reply_unref);
  g_test_add_func ("/mcp-bridge/names", test_names);
  g_test_add_func ("/mcp-bridge/schemas", test_schemas);
  g_test_add_func ("/mcp-bridge/approvals", test_approvals);
  g_test_add_func ("/mcp-bridge/standing-approvals", test_standing_approvals);
  g_test_add_func ("/mcp-bridge/standing-async", test_standing_async);
  g_test_add_func ("/mcp-bridge/round-limit", test_round_limit);
  g_test_add_func ("/mcp-bridge/timeout-crash", test_timeout_crash);
  g_test_add_func ("/mcp-bridge/cancel", test_cancel);
  g_test_add_func ("/mcp-bridge/privacy", test_privacy);
  status = g_test_run ();
  g_ptr_array_unref (replies);
  g_object_unref (store);
  return status;
}
