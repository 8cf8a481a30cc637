/* test-mcp-bridge.c: MCP tools offered to a model in the triage chat: a loopback provider
 * asks for tool calls over several rounds, answered by the reference MCP server
 * (@modelcontextprotocol/server-everything over stdio): schemas offered intact, names
 * sanitised and mapped back, the engineer's approvals, the round limit, a crash, a timeout
 * and cancellation as results, the privacy canaries in tool arguments and results, results
 * of every content kind, and the round trip in every tool-capable wire format (one table
 * says how each format's provider speaks and where its requests pair calls and results)
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
/* A Luhn-valid card number the model writes as a JSON number: it must reach the server only
 * as a pseudonym. */
#define CANARY_CARD "4111111111111111"

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

/* Where the id or name pairing a call with its result is, in a request's body: the items
 * of body[list] (or of each one's [nested] array) that have @key (equal to @value unless
 * NULL); @ref the dotted path to the id or name in such an item, @extra to its content (a
 * result) or its signature (a call). */
typedef struct
{
  const char *list, *nested, *key, *value, *ref, *extra;
} Pick;

/* One AI wire format as the fake provider speaks it. The templates' @ID@, @INDEX@, @NAME@
 * (a JSON string), @ARGS@ (a JSON object) and @ARGSTR@ (that object as a JSON string) are
 * a call's; @TEXT@ is a JSON string. */
typedef struct
{
  const char *label;
  TftsrAiFormat format;
  const char *base, *path, *content_type;
  const char *id_prefix; /* of the provider's call ids; results pair by name when NULL */
  const char *start, *call, *end, *text;
  Pick calls, results;
} Wire;

#define OPENAI_CALL                                                                                \
  "data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"tool_calls\":[{"           \
  "\"index\":@INDEX@,\"id\":\"@ID@\",\"type\":\"function\",\"function\":{\"name\":@NAME@,"         \
  "\"arguments\":@ARGSTR@}}]}}]}\n\n"
#define OPENAI_END                                                                                 \
  "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}\n\n"          \
  "data: [DONE]\n\n"
#define OPENAI_TEXT                                                                                \
  "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":@TEXT@}}]}\n\n"                         \
  "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"                \
  "data: [DONE]\n\n"
#define OPENAI_CALLS                                                                               \
  {                                                                                                \
    "messages", "tool_calls", "id", NULL, "id", NULL                                               \
  }
#define OPENAI_RESULTS                                                                             \
  {                                                                                                \
    "messages", NULL, "role", "tool", "tool_call_id", "content"                                    \
  }

#define ANTHROPIC_START                                                                            \
  "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{}}\n\n"
#define ANTHROPIC_CALL                                                                             \
  "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":@INDEX@,"         \
  "\"content_block\":{\"type\":\"tool_use\",\"id\":\"@ID@\",\"name\":@NAME@,\"input\":{}}}\n\n"    \
  "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":@INDEX@,"         \
  "\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":@ARGSTR@}}\n\n"                       \
  "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":@INDEX@}\n\n"
#define ANTHROPIC_STOP(reason)                                                                     \
  "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"" reason   \
  "\"}}\n\nevent: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"
#define ANTHROPIC_TEXT                                                                             \
  ANTHROPIC_START                                                                                  \
  "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"               \
  "\"delta\":{\"type\":\"text_delta\",\"text\":@TEXT@}}\n\n" ANTHROPIC_STOP ("end_turn")

/* A call with @id (JSON members, may be empty) and a thought signature. */
#define GEMINI_CALL(id)                                                                            \
  "data: {\"candidates\":[{\"content\":{\"parts\":[{\"functionCall\":{" id "\"name\":@NAME@,"      \
  "\"args\":@ARGS@},\"thoughtSignature\":\"sig-@ID@\"}],\"role\":\"model\"}}]}\r\n\r\n"
#define GEMINI_END                                                                                 \
  "data: {\"candidates\":[{\"content\":{\"parts\":[],\"role\":\"model\"},\"finishReason\":"        \
  "\"STOP\"}]}\r\n\r\n"
#define GEMINI_TEXT                                                                                \
  "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":@TEXT@}],\"role\":\"model\"},"        \
  "\"finishReason\":\"STOP\"}]}\r\n\r\n"

#define OLLAMA_DONE                                                                                \
  "{\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true,\"done_reason\":"          \
  "\"stop\"}\n"

static const Wire wires[] = {
  {
      .label = "openai",
      .format = TFTSR_AI_FORMAT_OPENAI,
      .base = "/v1",
      .path = "/v1/chat/completions",
      .content_type = "text/event-stream",
      .id_prefix = "call_",
      .start = "",
      .call = OPENAI_CALL,
      .end = OPENAI_END,
      .text = OPENAI_TEXT,
      .calls = OPENAI_CALLS,
      .results = OPENAI_RESULTS,
  },
  /* Mistral's call ids are nine letters and digits, and it wants them back as they are. */
  {
      .label = "mistral",
      .format = TFTSR_AI_FORMAT_MISTRAL,
      .base = "/v1",
      .path = "/v1/chat/completions",
      .content_type = "text/event-stream",
      .id_prefix = "mc",
      .start = "",
      .call = OPENAI_CALL,
      .end = OPENAI_END,
      .text = OPENAI_TEXT,
      .calls = OPENAI_CALLS,
      .results = OPENAI_RESULTS,
  },
  {
      .label = "anthropic",
      .format = TFTSR_AI_FORMAT_ANTHROPIC,
      .base = "/",
      .path = "/v1/messages",
      .content_type = "text/event-stream",
      .id_prefix = "toolu_",
      .start = ANTHROPIC_START,
      .call = ANTHROPIC_CALL,
      .end = ANTHROPIC_STOP ("tool_use"),
      .text = ANTHROPIC_TEXT,
      .calls = { "messages", "content", "type", "tool_use", "id", NULL },
      .results = { "messages", "content", "type", "tool_result", "tool_use_id", "content" },
  },
  /* Gemini's calls without ids pair with their results by name; a thinking model signs
   * its calls and wants each signature back on its call. */
  {
      .label = "gemini",
      .format = TFTSR_AI_FORMAT_GEMINI,
      .base = "/",
      .path = "/v1beta/models/m:streamGenerateContent",
      .content_type = "text/event-stream",
      .id_prefix = NULL,
      .start = "",
      .call = GEMINI_CALL (""),
      .end = GEMINI_END,
      .text = GEMINI_TEXT,
      .calls = { "contents", "parts", "functionCall", NULL, "functionCall.name",
                 "thoughtSignature" },
      .results = { "contents", "parts", "functionResponse", NULL, "functionResponse.name",
                   "functionResponse.response.content" },
  },
  /* Newer Gemini models give their calls ids, and want them back on call and response. */
  {
      .label = "gemini-ids",
      .format = TFTSR_AI_FORMAT_GEMINI,
      .base = "/",
      .path = "/v1beta/models/m:streamGenerateContent",
      .content_type = "text/event-stream",
      .id_prefix = "fc",
      .start = "",
      .call = GEMINI_CALL ("\"id\":\"@ID@\","),
      .end = GEMINI_END,
      .text = GEMINI_TEXT,
      .calls = { "contents", "parts", "functionCall", NULL, "functionCall.id", "thoughtSignature" },
      .results = { "contents", "parts", "functionResponse", NULL, "functionResponse.id",
                   "functionResponse.response.content" },
  },
  /* Ollama's calls have no ids: results pair by the tool's name. */
  {
      .label = "ollama",
      .format = TFTSR_AI_FORMAT_OLLAMA,
      .base = "/",
      .path = "/api/chat",
      .content_type = "application/x-ndjson",
      .id_prefix = NULL,
      .start = "",
      .call =
          "{\"message\":{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[{\"function\":{"
          "\"name\":@NAME@,\"arguments\":@ARGS@}}]},\"done\":false}\n",
      .end = OLLAMA_DONE,
      .text =
          "{\"message\":{\"role\":\"assistant\",\"content\":@TEXT@},\"done\":false}\n" OLLAMA_DONE,
      .calls = { "messages", "tool_calls", "function", NULL, "function.name", NULL },
      .results = { "messages", NULL, "role", "tool", "tool_name", "content" },
  },
};
#define OPENAI (&wires[0])

/* @template with a call's or a text's values in place of its markers. */
static char *
fill (const char *template, const char *const *markers)
{
  GString *out = g_string_new (template);

  for (guint i = 0; markers[i] != NULL; i += 2)
    g_string_replace (out, markers[i], markers[i + 1], 0);
  return g_string_free (out, FALSE);
}

/* The calls the fake providers asked for so far, which numbers their ids. */
static guint calls_made;

/* The id @wire's provider gives its @n-th call, nine characters long (the number in the
 * signature when it gives none). */
static char *
call_id (const Wire *wire, guint n)
{
  const char *prefix = wire->id_prefix != NULL ? wire->id_prefix : "";

  return g_strdup_printf ("%s%0*u", prefix, (int) (9 - MIN (strlen (prefix), 9)), n);
}

/* A streamed reply asking for the calls in @calls: "name", "arguments" pairs, NULL ended.
 * The calls are numbered across the test, from 1, for their ids. */
static TftsrFakeReply *
calls_reply_in (const Wire *wire, const char *const *calls)
{
  TftsrFakeReply *reply = tftsr_fake_reply_new (200, wire->content_type);

  if (*wire->start != '\0')
    tftsr_fake_reply_add_piece (reply, wire->start, -1);
  for (guint i = 0; calls[i] != NULL; i += 2)
    {
      g_autofree char *name = json_quote (calls[i]);
      g_autofree char *argstr = json_quote (calls[i + 1]);
      g_autofree char *index = g_strdup_printf ("%u", i / 2);
      g_autofree char *id = call_id (wire, ++calls_made);
      const char *markers[] = { "@ID@",     id,     "@INDEX@", index,        "@NAME@", name,
                                "@ARGSTR@", argstr, "@ARGS@",  calls[i + 1], NULL };
      g_autofree char *event = fill (wire->call, markers);

      tftsr_fake_reply_add_piece (reply, event, -1);
    }
  tftsr_fake_reply_add_piece (reply, wire->end, -1);
  return kept (reply);
}

static TftsrFakeReply *
calls_reply (const char *const *calls)
{
  return calls_reply_in (OPENAI, calls);
}

static TftsrFakeReply *
call_reply_in (const Wire *wire, const char *name, const char *arguments)
{
  const char *calls[] = { name, arguments, NULL };
  return calls_reply_in (wire, calls);
}

static TftsrFakeReply *
call_reply (const char *name, const char *arguments)
{
  return call_reply_in (OPENAI, name, arguments);
}

static TftsrFakeReply *
text_reply_in (const Wire *wire, const char *text)
{
  TftsrFakeReply *reply = tftsr_fake_reply_new (200, wire->content_type);
  g_autofree char *q = json_quote (text);
  const char *markers[] = { "@TEXT@", q, NULL };
  g_autofree char *body = fill (wire->text, markers);

  tftsr_fake_reply_add_piece (reply, body, -1);
  return kept (reply);
}

static TftsrFakeReply *
text_reply (const char *text)
{
  return text_reply_in (OPENAI, text);
}

static char *
add_provider_in (TftsrFakeServer *server, const Wire *wire)
{
  static guint n;
  char *name = g_strdup_printf ("provider-%u", ++n);
  g_autofree char *url = tftsr_fake_server_url (server, wire->base);
  g_autoptr (TftsrAiProvider) p = tftsr_ai_provider_new (name, wire->format, url, "m");
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (tftsr_store_add_ai_provider (store, p, "sk-test", &error), >, 0);
  g_assert_no_error (error);
  return name;
}

static char *
add_provider (TftsrFakeServer *server)
{
  return add_provider_in (server, OPENAI);
}

static json_object *
body_of (TftsrFakeRequest *request)
{
  g_autofree char *text =
      g_strndup (g_bytes_get_data (request->body, NULL), g_bytes_get_size (request->body));
  return json_tokener_parse (text);
}

static GPtrArray *
chat_requests_in (TftsrFakeServer *server, const Wire *wire)
{
  g_autoptr (GPtrArray) all = tftsr_fake_server_dup_requests (server);
  GPtrArray *chats = g_ptr_array_new_with_free_func ((GDestroyNotify) tftsr_fake_request_unref);

  for (guint i = 0; i < all->len; i++)
    if (g_str_has_prefix (((TftsrFakeRequest *) all->pdata[i])->path, wire->path))
      g_ptr_array_add (chats, tftsr_fake_request_ref (all->pdata[i]));
  return chats;
}

static GPtrArray *
chat_requests (TftsrFakeServer *server)
{
  return chat_requests_in (server, OPENAI);
}

/* The string at dotted @path ("functionResponse.name") in @node, or NULL. */
static const char *
string_at (json_object *node, const char *path)
{
  g_auto (GStrv) steps = g_strsplit (path, ".", -1);

  for (guint i = 0; node != NULL && steps[i] != NULL; i++)
    if (!json_object_is_type (node, json_type_object) ||
        !json_object_object_get_ex (node, steps[i], &node))
      return NULL;
  return node != NULL && json_object_is_type (node, json_type_string)
             ? json_object_get_string (node)
             : NULL;
}

static gboolean
picked (const Pick *pick, json_object *item)
{
  json_object *value = NULL;

  return json_object_is_type (item, json_type_object) &&
         json_object_object_get_ex (item, pick->key, &value) &&
         (pick->value == NULL || g_strcmp0 (json_object_get_string (value), pick->value) == 0);
}

/* The @n-th item (1-based) of @body that @pick picks, or NULL. */
static json_object *
nth_picked (const Pick *pick, json_object *body, guint n)
{
  json_object *list = json_object_object_get (body, pick->list);
  guint seen = 0;

  for (size_t i = 0; i < json_object_array_length (list); i++)
    {
      json_object *item = json_object_array_get_idx (list, i);
      json_object *inner =
          pick->nested != NULL ? json_object_object_get (item, pick->nested) : NULL;

      if (pick->nested == NULL)
        {
          if (picked (pick, item) && ++seen == n)
            return item;
          continue;
        }
      if (!json_object_is_type (inner, json_type_array))
        continue;
      for (size_t k = 0; k < json_object_array_length (inner); k++)
        if (picked (pick, json_object_array_get_idx (inner, k)) && ++seen == n)
          return json_object_array_get_idx (inner, k);
    }
  return NULL;
}

/* The content of the tool result answering the @n-th call (1-based) in @body, or NULL; in
 * @ref (if not NULL) the id or name it is paired with. */
static const char *
result_in (const Wire *wire, json_object *body, guint n, const char **ref)
{
  json_object *item = nth_picked (&wire->results, body, n);

  if (ref != NULL)
    *ref = item != NULL ? string_at (item, wire->results.ref) : NULL;
  return item != NULL ? string_at (item, wire->results.extra) : NULL;
}

static const char *
tool_result_in (json_object *body, guint n)
{
  return result_in (OPENAI, body, n, NULL);
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

  /* The slow server's timeout also bounds its start: node alone can take over 1.5 s on a
   * busy machine, and the 30 s call must still time out well before the turn's limit. */
  if (!add_everything ("slow", NULL, 5000) || !add_everything ("fragile", NULL, 30000))
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
  /* Read back, a failed call's result is marked failed for the next request (Anthropic's
   * is_error, Gemini's error). */
  for (guint i = 0; i < 4; i++)
    {
      TftsrTriageMessage *m = stored->pdata[i];

      g_assert_cmpint (m->tool_status, ==,
                       i < 3 ? TFTSR_TRIAGE_TOOL_FAILED : TFTSR_TRIAGE_TOOL_DONE);
      g_assert_cmpint (m->message->tool_failed, ==, i < 3);
    }
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
  /* A card number the model writes as a JSON number is a value too. */
  const char *planted = "{\"message\":\"mail <EMAIL_1> about " CANARY_HOST " from " CANARY_EMAIL
                        "\",\"ref\":[" CANARY_CARD "]}";
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
  g_assert_true (contains (tapped, "\"ref\":[\"<CREDIT_CARD_1>\"]"));
  g_assert_false (contains (tapped, CANARY_CARD));
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

/* --- content of every kind ------------------------------------------------------------------- */

/* The reference server's image, resource links, and embedded text and blob resources: the
 * model gets the text, the resources' text with their URI, the links' names and URIs, and
 * the binary content only described, all pseudonymised; the card shows the same. */
static void
test_content_kinds (void)
{
  g_autoptr (TftsrFakeServer) ai = tftsr_fake_server_new ();
  g_autoptr (TftsrMcpBridge) bridge = tftsr_mcp_bridge_new (store);
  g_autoptr (TftsrTriageTurn) turn = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) chats = NULL;
  g_autoptr (json_object) last = NULL;
  g_autofree char *provider = NULL;
  const TftsrToolApproval answers[] = { TFTSR_TOOL_ALLOW_ONCE };
  const char *calls[] = { "everything__get-tiny-image",
                          "{}",
                          "everything__get-resource-links",
                          "{\"count\":2}",
                          "everything__get-resource-reference",
                          "{\"resourceType\":\"Text\",\"resourceId\":3}",
                          "everything__get-resource-reference",
                          "{\"resourceType\":\"Blob\",\"resourceId\":2}",
                          NULL };
  const char *image, *links, *text, *blob;
  Engineer e;

  if (!add_everything ("everything", NULL, 30000))
    return;
  tftsr_fake_server_add_replies (ai, "/v1/chat/completions", calls_reply (calls),
                                 text_reply ("Seen them."), NULL);
  provider = add_provider (ai);
  engineer_init (&e, bridge, answers, 1);
  turn = send_turn (new_issue ("Content", NULL), "Show me", provider, &e, NULL, &error);
  g_assert_no_error (error);

  chats = chat_requests (ai);
  g_assert_cmpuint (chats->len, ==, 2);
  last = body_of (chats->pdata[1]);
  image = tool_result_in (last, 1);
  g_assert_true (g_str_has_prefix (image, "Here's the image you requested:\n[image/png, "));
  g_assert_true (g_str_has_suffix (image, " kB, not shown]\nThe image above is the MCP logo."));
  g_assert_null (strstr (image, "iVBORw0KGgo"));
  links = tool_result_in (last, 2);
  g_assert_nonnull (
      strstr (links, "\n[resource link “Blob Resource 1”: demo://resource/dynamic/blob/1]"));
  g_assert_nonnull (
      strstr (links, "\n[resource link “Text Resource 2”: demo://resource/dynamic/text/2]"));
  text = tool_result_in (last, 3);
  g_assert_nonnull (strstr (text, "\n[resource demo://resource/dynamic/text/3]\n"
                                  "Resource 3: This is a plaintext resource"));
  blob = tool_result_in (last, 4);
  /* "Resource 2: This is a base64 blob created at <the time>", not decoded, not passed on. */
  g_assert_nonnull (strstr (blob, "\n[resource demo://resource/dynamic/blob/2] [text/plain, 5"));
  g_assert_nonnull (strstr (blob, " bytes, not shown]\n"));
  g_assert_null (strstr (blob, "This is a base64 blob"));
  g_assert_null (strstr (blob, "UmVzb3VyY2Ug"));
  /* The card shows what the model got. */
  for (guint i = 0, n = 0; i < e.heard->len; i++)
    {
      TftsrTriageToolCall *call = e.heard->pdata[i];

      if (call->status == TFTSR_TRIAGE_TOOL_DONE)
        g_assert_cmpstr (call->result, ==, tool_result_in (last, ++n));
    }
  engineer_clear (&e);
  remove_server ("everything");
}

/* --- every wire format ------------------------------------------------------------------------ */

/* The id or name a call and its result are paired by in @wire: the @n-th call's id, or
 * the tool's name. */
static char *
pairing (const Wire *wire, guint n, const char *tool)
{
  return wire->id_prefix != NULL ? call_id (wire, n) : g_strdup (tool);
}

/* Two rounds (echo, then get-env, whose answer holds a canary) and the answer, with a
 * provider speaking @data's wire format: each result goes back in that format's shape,
 * paired with its call's id or name, pseudonymised; the calls go back with their ids and
 * signatures. */
static void
test_wire (gconstpointer data)
{
  const Wire *wire = data;
  g_autoptr (TftsrFakeServer) ai = tftsr_fake_server_new ();
  g_autoptr (TftsrMcpBridge) bridge = tftsr_mcp_bridge_new (store);
  g_autoptr (TftsrTriageTurn) turn = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) chats = NULL;
  g_autoptr (json_object) second = NULL, third = NULL;
  g_autofree char *provider = NULL, *echo_ref = NULL, *env_ref = NULL;
  const char *tools[] = { "everything__echo", "everything__get-env" };
  const TftsrToolApproval answers[] = { TFTSR_TOOL_ALLOW_ONCE };
  const char *ref = NULL, *content;
  guint first = calls_made + 1;
  TftsrFakeReply *echo, *env;
  Engineer e;

  if (!add_everything ("everything", NULL, 30000))
    return;
  /* In turn: the calls are numbered as they are made. */
  echo = call_reply_in (wire, tools[0], "{\"message\":\"round one\"}");
  env = call_reply_in (wire, tools[1], "{}");
  tftsr_fake_server_add_replies (ai, wire->path, echo, env, text_reply_in (wire, "All read."),
                                 NULL);
  provider = add_provider_in (ai, wire);
  engineer_init (&e, bridge, answers, 1);
  turn = send_turn (new_issue ("Wire", NULL), "Look", provider, &e, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (turn->reply->message->content, ==, "All read.");
  echo_ref = pairing (wire, first, tools[0]);
  env_ref = pairing (wire, first + 1, tools[1]);

  chats = chat_requests_in (ai, wire);
  g_assert_cmpuint (chats->len, ==, 3);
  second = body_of (chats->pdata[1]);
  content = result_in (wire, second, 1, &ref);
  g_assert_cmpstr (content, ==, "Echo: round one");
  g_assert_cmpstr (ref, ==, echo_ref);
  third = body_of (chats->pdata[2]);
  g_assert_cmpstr (result_in (wire, third, 1, NULL), ==, "Echo: round one");
  content = result_in (wire, third, 2, &ref);
  g_assert_cmpstr (ref, ==, env_ref);
  g_assert_nonnull (strstr (content, "\"CANARY_CONTACT\": \"<EMAIL_1>\""));
  g_assert_null (result_in (wire, third, 3, NULL));
  /* The calls go back as the provider gave them: id (or name) and signature. */
  for (guint n = 1; n <= 2; n++)
    {
      json_object *call = nth_picked (&wire->calls, third, n);
      g_autofree char *id = call_id (wire, first + n - 1);
      g_autofree char *signature = g_strconcat ("sig-", id, NULL);

      g_assert_nonnull (call);
      g_assert_cmpstr (string_at (call, wire->calls.ref), ==, n == 1 ? echo_ref : env_ref);
      if (wire->calls.extra != NULL)
        g_assert_cmpstr (string_at (call, wire->calls.extra), ==, signature);
    }
  for (guint i = 0; i < chats->len; i++)
    g_assert_false (contains (((TftsrFakeRequest *) chats->pdata[i])->body, CANARY_ENV_EMAIL));
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
  g_test_add_func ("/mcp-bridge/content-kinds", test_content_kinds);
  for (guint i = 0; i < G_N_ELEMENTS (wires); i++)
    {
      g_autofree char *path = g_strconcat ("/mcp-bridge/wire/", wires[i].label, NULL);
      g_test_add_data_func (path, &wires[i], test_wire);
    }
  status = g_test_run ();
  g_ptr_array_unref (replies);
  g_object_unref (store);
  return status;
}
