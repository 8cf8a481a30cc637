/* test-mcp.c: the MCP client against the reference server (@modelcontextprotocol/
 * server-everything, pinned in tests/mcp-server) over stdio and Streamable HTTP, and against
 * small fake servers for what a good server never does
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <signal.h>
#include <string.h>

#include "tftsr-fake-server.h"
#include "tftsr-mcp-private.h"
#include "tftsr-mcp-test-util.h"
#include "tftsr-test-util.h"

static TftsrMcpServer *
stdio_server (const char *name, const char *command, const char *const *args)
{
  TftsrMcpServer *server = tftsr_mcp_server_new ();

  server->name = g_strdup (name);
  server->transport = TFTSR_MCP_TRANSPORT_STDIO;
  server->command = g_strdup (command);
  server->args = g_strdupv ((char **) args);
  server->timeout_ms = 30000;
  return server;
}

static TftsrMcpServer *
everything_stdio (void)
{
  g_autofree char *script = tftsr_test_mcp_everything_script ();
  g_autofree char *node = g_find_program_in_path ("node");
  const char *args[] = { script, "stdio", NULL };

  return script != NULL ? stdio_server ("everything", node, args) : NULL;
}

/* A fake server: sh running @script. */
static TftsrMcpServer *
sh_server (const char *script)
{
  const char *args[] = { "-c", script, NULL };
  TftsrMcpServer *server = stdio_server ("fake", "/bin/sh", args);

  server->timeout_ms = 5000;
  return server;
}

static TftsrMcpClient *
connected (TftsrMcpServer *server)
{
  g_autoptr (GError) error = NULL;
  TftsrMcpClient *client = tftsr_mcp_client_new (NULL, server);

  g_assert_true (tftsr_mcp_client_connect (client, NULL, &error));
  g_assert_no_error (error);
  return client;
}

static const TftsrMcpTool *
find_tool (GPtrArray *tools, const char *name)
{
  for (guint i = 0; i < tools->len; i++)
    if (strcmp (((TftsrMcpTool *) g_ptr_array_index (tools, i))->name, name) == 0)
      return g_ptr_array_index (tools, i);
  return NULL;
}

/* Iterates the main context until @done, for at most 10 s (the condition may change in
 * another thread, which does not wake the context). */
static void
wait_for (GSourceFunc done, gpointer data)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (!done (data))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (5 * 1000);
    }
}

static gboolean
process_gone (GPid pid)
{
  return kill (pid, 0) < 0 && errno == ESRCH;
}

/* ------------------------------------------------------------------------------------------
 * The reference server
 */

static void
check_session (TftsrMcpClient *client)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) tools = NULL;
  g_autoptr (GPtrArray) resources = NULL;
  g_autoptr (GPtrArray) contents = NULL;
  g_autoptr (TftsrMcpToolResult) echo = NULL;
  g_autoptr (TftsrMcpToolResult) sum = NULL;
  g_autofree char *text = NULL;
  const TftsrMcpTool *tool = NULL;

  g_assert_cmpstr (tftsr_mcp_client_get_protocol_version (client), ==, TFTSR_MCP_PROTOCOL_VERSION);
  g_assert_true (tftsr_mcp_client_has_tools (client));
  tools = tftsr_mcp_client_list_tools (client, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull ((tool = find_tool (tools, "echo")));
  g_assert_nonnull (strstr (tool->input_schema, "\"message\""));
  g_assert_nonnull ((tool = find_tool (tools, "get-sum")));

  echo = tftsr_mcp_client_call_tool (client, "echo", "{\"message\":\"héllo\\nworld\"}", 0, NULL,
                                     &error);
  g_assert_no_error (error);
  g_assert_false (echo->is_error);
  text = tftsr_mcp_tool_result_dup_text (echo);
  g_assert_nonnull (strstr (text, "héllo\nworld"));

  sum = tftsr_mcp_client_call_tool (client, "get-sum", "{\"a\":2,\"b\":40}", 0, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&text, g_free);
  text = tftsr_mcp_tool_result_dup_text (sum);
  g_assert_nonnull (strstr (text, "42"));

  resources = tftsr_mcp_client_list_resources (client, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (resources->len, >, 0);
  contents = tftsr_mcp_client_read_resource (
      client, ((TftsrMcpResource *) g_ptr_array_index (resources, 0))->uri, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (contents->len, >, 0);
  g_assert_true (((TftsrMcpContent *) g_ptr_array_index (contents, 0))->text != NULL ||
                 ((TftsrMcpContent *) g_ptr_array_index (contents, 0))->data != NULL);
}

static void
test_stdio_everything (void)
{
  g_autoptr (TftsrMcpServer) server = everything_stdio ();
  g_autoptr (TftsrMcpClient) client = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrMcpToolResult) failed = NULL;
  GPid pid = 0;

  if (server == NULL)
    return;
  client = connected (server);
  pid = tftsr_mcp_client_get_pid (client);
  g_assert_cmpint (pid, >, 0);
  check_session (client);

  /* A tool's own failure is a result for the model, not an error of the call. */
  failed = tftsr_mcp_client_call_tool (client, "get-sum", "{\"a\":\"x\"}", 0, NULL, &error);
  if (failed != NULL)
    g_assert_true (failed->is_error);
  else
    g_assert_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_SERVER);
  g_clear_error (&error);

  g_assert_null (tftsr_mcp_client_call_tool (client, "echo", "[1]", 0, NULL, &error));
  g_assert_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_INVALID);

  tftsr_mcp_client_close (client);
  g_assert_true (process_gone (pid));
  g_assert_false (tftsr_mcp_client_is_connected (client));
}

/* The schemas as the server sent them: the raw tools/list answer, read by a second client
 * of our own making, compared member by member and in order. */
static void
test_stdio_schemas_exact (void)
{
  g_autoptr (TftsrMcpServer) server = everything_stdio ();
  g_autoptr (TftsrMcpClient) client = NULL;
  g_autoptr (GPtrArray) tools = NULL;
  g_autoptr (GError) error = NULL;

  if (server == NULL)
    return;
  client = connected (server);
  tools = tftsr_mcp_client_list_tools (client, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < tools->len; i++)
    {
      const TftsrMcpTool *tool = g_ptr_array_index (tools, i);
      g_autoptr (json_object) whole = json_tokener_parse (tool->json);
      g_autoptr (json_object) schema = json_tokener_parse (tool->input_schema);
      json_object *sent = NULL;

      g_assert_true (json_object_object_get_ex (whole, "inputSchema", &sent));
      g_assert_true (json_object_equal (sent, schema));
      g_assert_cmpstr (json_object_to_json_string_ext (sent, JSON_C_TO_STRING_PLAIN |
                                                                 JSON_C_TO_STRING_NOSLASHESCAPE),
                       ==, tool->input_schema);
    }
}

static gpointer
kill_later (gpointer data)
{
  g_usleep (500 * 1000);
  kill (GPOINTER_TO_INT (data), SIGKILL);
  return NULL;
}

static void
test_stdio_crash (void)
{
  g_autoptr (TftsrMcpServer) server = everything_stdio ();
  g_autoptr (TftsrMcpClient) client = NULL;
  g_autoptr (GError) error = NULL;
  GThread *killer = NULL;
  GPid pid = 0;

  if (server == NULL)
    return;
  client = connected (server);
  pid = tftsr_mcp_client_get_pid (client);
  killer = g_thread_new ("killer", kill_later, GINT_TO_POINTER (pid));
  g_assert_null (tftsr_mcp_client_call_tool (client, "trigger-long-running-operation",
                                             "{\"duration\":20,\"steps\":2}", 0, NULL, &error));
  g_thread_join (killer);
  g_assert_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_CLOSED);
  g_assert_nonnull (strstr (error->message, "signal 9"));
  g_clear_error (&error);
  g_assert_null (tftsr_mcp_client_list_tools (client, NULL, &error));
  g_assert_nonnull (error);
}

static void
test_stdio_timeout_and_cancel (void)
{
  g_autoptr (TftsrMcpServer) server = everything_stdio ();
  g_autoptr (TftsrMcpClient) client = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (TftsrMcpToolResult) echo = NULL;
  gint64 start = 0;

  if (server == NULL)
    return;
  client = connected (server);
  start = g_get_monotonic_time ();
  g_assert_null (tftsr_mcp_client_call_tool (client, "trigger-long-running-operation",
                                             "{\"duration\":20,\"steps\":2}", 400, NULL, &error));
  g_assert_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_TIMEOUT);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 3 * G_USEC_PER_SEC);
  g_clear_error (&error);

  g_cancellable_cancel (cancellable);
  g_assert_null (tftsr_mcp_client_call_tool (client, "trigger-long-running-operation",
                                             "{\"duration\":20,\"steps\":2}", 0, cancellable,
                                             &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  /* The session goes on after both. */
  echo =
      tftsr_mcp_client_call_tool (client, "echo", "{\"message\":\"still here\"}", 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (echo->is_error);
}

static gboolean
logged_by_server (gpointer data)
{
  g_autofree char *log = tftsr_mcp_client_dup_log (data);
  return strstr (log, "level message") != NULL || strstr (log, "level-message") != NULL;
}

/* The reference server sends its log messages outside any answer, on its own stream: they
 * reach the server log only if the client listens there. */
static void
check_server_stream (TftsrMcpClient *client)
{
  g_autoptr (TftsrMcpToolResult) on = NULL;
  g_autoptr (TftsrMcpToolResult) off = NULL;
  g_autoptr (GError) error = NULL;

  on = tftsr_mcp_client_call_tool (client, "toggle-simulated-logging", NULL, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (on->is_error);
  wait_for (logged_by_server, client);
  off = tftsr_mcp_client_call_tool (client, "toggle-simulated-logging", NULL, 0, NULL, &error);
  g_assert_no_error (error);
}

/* Streamable HTTP: the same server on a free loopback port. */
static void
test_http_everything (void)
{
  g_autofree char *script = tftsr_test_mcp_everything_script ();
  g_autofree char *node = g_find_program_in_path ("node");
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (TftsrMcpServer) server = NULL;
  g_autoptr (TftsrMcpClient) client = NULL;
  g_autoptr (GSocket) socket = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *port = NULL;
  guint number = 0;

  if (script == NULL)
    return;
  /* A free port: bound, then released for the server. */
  socket = tftsr_test_refusing_socket (&number);
  g_socket_close (socket, NULL);
  port = g_strdup_printf ("%u", number);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                        G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_setenv (launcher, "PORT", port, TRUE);
  process = g_subprocess_launcher_spawn (launcher, &error, node, script, "streamableHttp", NULL);
  g_assert_no_error (error);

  server = tftsr_mcp_server_new ();
  server->name = g_strdup ("everything-http");
  server->transport = TFTSR_MCP_TRANSPORT_HTTP;
  server->url = g_strdup_printf ("http://127.0.0.1:%s/mcp", port);
  server->timeout_ms = 10000;
  /* Node takes a moment to listen. */
  for (int i = 0; i < 100; i++)
    {
      g_clear_object (&client);
      g_clear_error (&error);
      client = tftsr_mcp_client_new (NULL, server);
      if (tftsr_mcp_client_connect (client, NULL, &error) ||
          !g_error_matches (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_UNREACHABLE))
        break;
      g_usleep (100 * 1000);
    }
  g_assert_no_error (error);
  check_session (client);
  g_clear_error (&error);
  g_assert_null (tftsr_mcp_client_call_tool (client, "trigger-long-running-operation",
                                             "{\"duration\":20,\"steps\":2}", 1000, NULL, &error));
  g_assert_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_TIMEOUT);
  check_server_stream (client);
  tftsr_mcp_client_close (client);
  g_subprocess_force_exit (process);
  g_subprocess_wait (process, NULL, NULL);
}

/* ------------------------------------------------------------------------------------------
 * Fake servers
 */

#define INIT_RESULT(id)                                                                            \
  "{\"jsonrpc\":\"2.0\",\"id\":" id ",\"result\":{\"protocolVersion\":\"2025-06-18\","             \
  "\"capabilities\":{\"tools\":{}},\"serverInfo\":{\"name\":\"fake\",\"version\":\"1\"}}}"

static void
test_fake_garbage (void)
{
  g_autoptr (TftsrMcpServer) server = sh_server ("read l; echo 'this is no JSON'; sleep 30");
  g_autoptr (TftsrMcpClient) client = tftsr_mcp_client_new (NULL, server);
  g_autoptr (GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  g_assert_false (tftsr_mcp_client_connect (client, NULL, &error));
  g_assert_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "this is no JSON"));
  g_assert_cmpint (g_get_monotonic_time () - start, <, 4 * G_USEC_PER_SEC);
}

static void
test_fake_not_jsonrpc (void)
{
  const char *const scripts[] = {
    "read l; echo '{\"id\":1,\"result\":{}}'; sleep 30",                       /* no jsonrpc */
    "read l; echo '[{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}]'; sleep 30", /* batch */
    "read l; echo '{\"jsonrpc\":\"2.0\",\"id\":1}'; sleep 30",                 /* neither */
    "read l; echo '{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":\"x\"}}'; sleep 30",
  };

  for (guint i = 0; i < G_N_ELEMENTS (scripts); i++)
    {
      g_autoptr (TftsrMcpServer) server = sh_server (scripts[i]);
      g_autoptr (TftsrMcpClient) client = tftsr_mcp_client_new (NULL, server);
      g_autoptr (GError) error = NULL;

      g_assert_false (tftsr_mcp_client_connect (client, NULL, &error));
      g_assert_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_PROTOCOL);
    }
}

static void
test_fake_exits_and_hangs (void)
{
  g_autoptr (TftsrMcpServer) exits = sh_server ("echo 'missing module x' >&2; exit 3");
  g_autoptr (TftsrMcpServer) hangs = sh_server ("read l; sleep 30");
  g_autoptr (TftsrMcpClient) client = tftsr_mcp_client_new (NULL, exits);
  g_autoptr (TftsrMcpClient) hung = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *log = NULL;

  g_assert_false (tftsr_mcp_client_connect (client, NULL, &error));
  g_assert_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_CLOSED);
  g_assert_nonnull (strstr (error->message, "status 3"));
  g_assert_nonnull (strstr (error->message, "missing module x"));
  log = tftsr_mcp_dup_server_log ("fake");
  g_assert_cmpstr (log, ==, "missing module x\n");
  g_clear_error (&error);

  hangs->timeout_ms = 300;
  hung = tftsr_mcp_client_new (NULL, hangs);
  g_assert_false (tftsr_mcp_client_connect (hung, NULL, &error));
  g_assert_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_TIMEOUT);
}

/* A server sees what it needs to run, never the rest of tftsr's environment (the database
 * key, the engineer's tokens): a server can hand its environment to the model. */
static void
test_environment_not_inherited (void)
{
  g_autoptr (TftsrMcpServer) server = sh_server ("env >&2; exit 3");
  g_autoptr (TftsrMcpClient) client = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *log = NULL;

  g_setenv ("TFTSR_TEST_TOKEN", "tok-should-not-leak", TRUE);
  server->env = g_strsplit ("GIVEN=yes", "\n", -1);
  client = tftsr_mcp_client_new (NULL, server);
  g_assert_false (tftsr_mcp_client_connect (client, NULL, &error));
  log = tftsr_mcp_dup_server_log ("fake");
  g_assert_nonnull (strstr (log, "PATH="));
  g_assert_nonnull (strstr (log, "GIVEN=yes"));
  g_assert_null (strstr (log, "TFTSR_DB_KEY"));
  g_assert_null (strstr (log, "tok-should-not-leak"));
  g_unsetenv ("TFTSR_TEST_TOKEN");
}

static void
test_fake_versions (void)
{
  g_autoptr (TftsrMcpServer) modern = sh_server (
      "read l; echo '{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32022,\"message\":"
      "\"Unsupported protocol version\",\"data\":{\"supported\":[\"2026-07-28\"]}}}'; sleep 30");
  g_autoptr (TftsrMcpServer) newer = sh_server (
      "read l; echo '{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"protocolVersion\":\"2026-07-28\","
      "\"capabilities\":{}}}'; sleep 30");
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrMcpClient) a = tftsr_mcp_client_new (NULL, modern);
  g_autoptr (TftsrMcpClient) b = tftsr_mcp_client_new (NULL, newer);
  g_autoptr (TftsrMcpClient) c = NULL;

  g_assert_false (tftsr_mcp_client_connect (a, NULL, &error));
  g_assert_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_UNSUPPORTED_VERSION);
  g_assert_nonnull (strstr (error->message, "2026-07-28"));
  g_clear_error (&error);
  g_assert_false (tftsr_mcp_client_connect (b, NULL, &error));
  g_assert_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_UNSUPPORTED_VERSION);
  g_clear_error (&error);
  {
    g_autoptr (TftsrMcpServer) accepts =
        sh_server ("read l; echo '" INIT_RESULT ("1") "'; read l; sleep 30");
    c = connected (accepts);
    g_assert_cmpstr (tftsr_mcp_client_get_protocol_version (c), ==, "2025-06-18");
  }
}

/* Three pages of tools; then a server whose cursor never ends. */
static void
test_fake_pagination (void)
{
  g_autoptr (TftsrMcpServer) paged = sh_server ("read l; echo '" INIT_RESULT (
      "1") "'; read l;"
           "read l; echo '{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{\"tools\":[{\"name\":\"a\","
           "\"inputSchema\":{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"array\","
           "\"items\":"
           "{\"enum\":[\"p\",\"q\"]}},\"o\":{\"type\":\"object\",\"properties\":{\"n\":{\"type\":"
           "\"number\",\"minimum\":1.50}}}},\"required\":[\"x\"]}}],\"nextCursor\":\"c2\"}}';"
           "read l; echo '{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":{\"tools\":[{\"name\":\"b\"}],"
           "\"nextCursor\":\"c3\"}}';"
           "read l; echo "
           "'{\"jsonrpc\":\"2.0\",\"id\":4,\"result\":{\"tools\":[{\"name\":\"c\"}]}}';"
           "sleep 30");
  g_autoptr (TftsrMcpServer) endless = sh_server ("read l; echo '" INIT_RESULT (
      "1") "'; read l; i=2; while read l; do "
           "echo \"{\\\"jsonrpc\\\":\\\"2.0\\\",\\\"id\\\":$i,\\\"result\\\":{\\\"tools\\\":[],"
           "\\\"nextCursor\\\":\\\"c$i\\\"}}\"; i=$((i+1)); done");
  g_autoptr (TftsrMcpClient) client = connected (paged);
  g_autoptr (TftsrMcpClient) other = NULL;
  g_autoptr (GPtrArray) tools = NULL;
  g_autoptr (GPtrArray) again = NULL;
  g_autoptr (GError) error = NULL;

  tools = tftsr_mcp_client_list_tools (client, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tools->len, ==, 3);
  g_assert_cmpstr (((TftsrMcpTool *) g_ptr_array_index (tools, 0))->input_schema, ==,
                   "{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"array\",\"items\":"
                   "{\"enum\":[\"p\",\"q\"]}},\"o\":{\"type\":\"object\",\"properties\":{\"n\":"
                   "{\"type\":\"number\",\"minimum\":1.50}}}},\"required\":[\"x\"]}");
  g_assert_cmpstr (((TftsrMcpTool *) g_ptr_array_index (tools, 2))->name, ==, "c");
  /* Kept: the fake would not answer a second listing. */
  again = tftsr_mcp_client_list_tools (client, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (again->len, ==, 3);

  other = connected (endless);
  g_assert_null (tftsr_mcp_client_list_tools (other, NULL, &error));
  g_assert_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "100 pages"));
}

static void
on_tools_changed (TftsrMcpClient *client, gboolean *changed)
{
  *changed = TRUE;
}

/* A server whose tool adds a tool: it says so with notifications/tools/list_changed, the
 * client signals it, and the next listing asks again and shows the new tool. */
static void
test_fake_tools_changed (void)
{
  g_autoptr (TftsrMcpServer) server = sh_server (
      "read l; echo '{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"protocolVersion\":"
      "\"2025-06-18\",\"capabilities\":{\"tools\":{\"listChanged\":true}},\"serverInfo\":"
      "{\"name\":\"fake\",\"version\":\"1\"}}}'; read l;"
      "read l; echo '{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{\"tools\":[{\"name\":\"grow\","
      "\"inputSchema\":{\"type\":\"object\"}}]}}';"
      "read l; echo '{\"jsonrpc\":\"2.0\",\"method\":\"notifications/tools/list_changed\"}';"
      "echo '{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":{\"content\":[{\"type\":\"text\","
      "\"text\":\"grown\"}]}}';"
      "read l; echo '{\"jsonrpc\":\"2.0\",\"id\":4,\"result\":{\"tools\":[{\"name\":\"grow\","
      "\"inputSchema\":{\"type\":\"object\"}},{\"name\":\"search_logs\",\"description\":"
      "\"Searches the logs\",\"inputSchema\":{\"type\":\"object\",\"properties\":{\"q\":"
      "{\"type\":\"string\"}}}}]}}';"
      "sleep 30");
  g_autoptr (TftsrMcpClient) client = connected (server);
  g_autoptr (GPtrArray) before = NULL;
  g_autoptr (GPtrArray) cached = NULL;
  g_autoptr (GPtrArray) after = NULL;
  g_autoptr (TftsrMcpToolResult) grown = NULL;
  g_autoptr (GError) error = NULL;
  gboolean changed = FALSE;
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  g_signal_connect (client, "tools-changed", G_CALLBACK (on_tools_changed), &changed);
  before = tftsr_mcp_client_list_tools (client, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (before->len, ==, 1);
  /* Kept until the server says otherwise: the fake would answer this with id 3's result. */
  cached = tftsr_mcp_client_list_tools (client, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cached->len, ==, 1);

  grown = tftsr_mcp_client_call_tool (client, "grow", NULL, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (grown->is_error);
  while (!changed && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (changed);

  after = tftsr_mcp_client_list_tools (client, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (after->len, ==, 2);
  g_assert_nonnull (find_tool (after, "search_logs"));
  g_assert_nonnull (strstr (find_tool (after, "search_logs")->input_schema, "\"q\""));
}

/* HTTP: a body that is not JSON-RPC, an SSE stream cut inside an event, a 401. */
static void
test_http_fake (void)
{
  g_autoptr (TftsrFakeServer) fake = tftsr_fake_server_new ();
  g_autoptr (TftsrFakeReply) garbage = tftsr_fake_reply_new (200, "application/json");
  g_autoptr (TftsrFakeReply) cut = tftsr_fake_reply_new (200, "text/event-stream");
  g_autoptr (TftsrFakeReply) refused = tftsr_fake_reply_new (401, "application/json");
  g_autoptr (TftsrMcpServer) server = tftsr_mcp_server_new ();
  g_autoptr (GError) error = NULL;
  const char *paths[] = { "/garbage", "/cut", "/refused" };
  const int codes[] = { TFTSR_MCP_ERROR_PROTOCOL, TFTSR_MCP_ERROR_PROTOCOL, TFTSR_MCP_ERROR_AUTH };

  tftsr_fake_reply_add_piece (garbage, "<html>oops</html>", -1);
  tftsr_fake_reply_add_piece (cut, "event: message\ndata: {\"jsonrpc\":", -1);
  tftsr_fake_reply_add_piece (refused, "{}", -1);
  tftsr_fake_server_add_replies (fake, "/garbage", garbage, NULL);
  tftsr_fake_server_add_replies (fake, "/cut", cut, NULL);
  tftsr_fake_server_add_replies (fake, "/refused", refused, NULL);
  server->name = g_strdup ("fake-http");
  server->transport = TFTSR_MCP_TRANSPORT_HTTP;
  server->timeout_ms = 5000;
  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr (TftsrMcpClient) client = NULL;
      g_free (server->url);
      server->url = tftsr_fake_server_url (fake, paths[i]);
      client = tftsr_mcp_client_new (NULL, server);
      g_assert_false (tftsr_mcp_client_connect (client, NULL, &error));
      g_assert_error (error, TFTSR_MCP_ERROR, codes[i]);
      g_clear_error (&error);
    }
}

/* ------------------------------------------------------------------------------------------
 * An HTTP MCP server of our own, for the server's stream (GET): it lists one tool, and
 * calling it adds a second one, which the server tells on its stream along with a request
 * the client does not support.
 */

typedef enum
{
  GET_STREAM,     /* the stream stays open */
  GET_REFUSED,    /* 405 */
  GET_DROP_FIRST, /* the first one is cut after its priming event */
  GET_EMPTY,      /* each one ends at once, having asked for a short pause */
} GetMode;

typedef struct
{
  TftsrFakeServer *server;
  GetMode mode;
  GMutex lock;
  guint gets;
  char *last_event_id;       /* of the latest GET */
  SoupServerMessage *stream; /* the GET held open, until it finishes */
  GString *queued;           /* events sent before the stream opened */
  gboolean grown;
} McpFake;

#define FAKE_EVENTS                                                                                \
  "id: e2\nevent: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":\"srv-1\",\"method\":"                \
  "\"sampling/createMessage\",\"params\":{}}\n\n"                                                  \
  "id: e3\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/tools/list_changed\"}\n\n"

static void
fake_reply_json (SoupServerMessage *msg, char *text)
{
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, text, strlen (text));
}

static json_object *
fake_tools (gboolean grown)
{
  json_object *result = json_tokener_parse (
      grown ? "{\"tools\":[{\"name\":\"grow\",\"inputSchema\":{\"type\":\"object\"}},"
              "{\"name\":\"search_logs\",\"inputSchema\":{\"type\":\"object\"}}]}"
            : "{\"tools\":[{\"name\":\"grow\",\"inputSchema\":{\"type\":\"object\"}}]}");
  return result;
}

/* In the server thread, with the lock held. */
static void
fake_push (McpFake *fake, const char *events)
{
  if (fake->stream == NULL)
    {
      g_string_append (fake->queued, events);
      return;
    }
  soup_message_body_append (soup_server_message_get_response_body (fake->stream), SOUP_MEMORY_COPY,
                            events, strlen (events));
  soup_server_message_unpause (fake->stream);
}

/* An error about nothing (a null id) on the stream while the call waits for its answer,
 * which comes as SSE a little later. */
static void
fake_slow_call (McpFake *fake, SoupServerMessage *msg, json_object *id)
{
  g_autoptr (TftsrFakeReply) reply = tftsr_fake_reply_new (200, "text/event-stream");
  g_autoptr (json_object) result =
      json_tokener_parse ("{\"content\":[{\"type\":\"text\",\"text\":\"slow\"}]}");
  g_autofree char *text = tftsr_jsonrpc_result (id, result);
  g_autofree char *event = g_strdup_printf ("event: message\ndata: %s\n\n", text);

  fake_push (fake, "data: {\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,"
                   "\"message\":\"stray complaint\"}}\n\n");
  tftsr_fake_reply_add_piece (reply, ": wait\n\n", -1);
  tftsr_fake_reply_add_piece (reply, event, -1);
  tftsr_fake_reply_set_delay (reply, 300);
  tftsr_fake_reply_send (reply, msg);
}

static void
fake_post (McpFake *fake, SoupServerMessage *msg, GBytes *body)
{
  gsize len = 0;
  const char *text = g_bytes_get_data (body, &len);
  TftsrJsonRpcMessage message;
  g_autoptr (json_object) result = NULL;

  g_assert_true (tftsr_jsonrpc_parse (text, len, &message, NULL));
  if (message.kind != TFTSR_JSONRPC_REQUEST)
    soup_server_message_set_status (msg, 202, NULL);
  else if (g_strcmp0 (message.method, "initialize") == 0)
    {
      soup_message_headers_append (soup_server_message_get_response_headers (msg), "Mcp-Session-Id",
                                   "session-7");
      result = json_tokener_parse (
          "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{\"tools\":{\"listChanged\":"
          "true}},\"serverInfo\":{\"name\":\"fake\",\"version\":\"1\"}}");
    }
  else if (g_strcmp0 (message.method, "tools/list") == 0)
    result = fake_tools (fake->grown);
  else if (g_strcmp0 (tftsr_mcp_json_string (message.params, "name"), "slow") == 0)
    fake_slow_call (fake, msg, message.raw_id);
  else
    {
      fake->grown = TRUE;
      fake_push (fake, FAKE_EVENTS);
      result = json_tokener_parse ("{\"content\":[{\"type\":\"text\",\"text\":\"grown\"}]}");
    }
  if (result != NULL)
    fake_reply_json (msg, tftsr_jsonrpc_result (message.raw_id, result));
  tftsr_jsonrpc_message_clear (&message);
}

static void
fake_stream_finished (SoupServerMessage *msg, McpFake *fake)
{
  g_mutex_lock (&fake->lock);
  if (fake->stream == msg)
    fake->stream = NULL;
  g_mutex_unlock (&fake->lock);
}

static void
fake_get (McpFake *fake, SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  g_free (fake->last_event_id);
  fake->last_event_id = g_strdup (soup_message_headers_get_one (
      soup_server_message_get_request_headers (msg), "Last-Event-ID"));
  if (fake->mode == GET_REFUSED)
    {
      soup_server_message_set_status (msg, 405, NULL);
      return;
    }
  if (fake->mode == GET_EMPTY)
    {
      g_autoptr (TftsrFakeReply) empty = tftsr_fake_reply_new (200, "text/event-stream");
      tftsr_fake_reply_add_piece (empty, "retry: 20\n\n", -1);
      tftsr_fake_reply_send (empty, msg);
      return;
    }
  if (fake->mode == GET_DROP_FIRST && fake->gets == 1)
    {
      g_autoptr (TftsrFakeReply) cut = tftsr_fake_reply_new (200, "text/event-stream");
      tftsr_fake_reply_add_piece (cut, "id: e1\ndata:\n\n", -1);
      tftsr_fake_reply_set_end (cut, TFTSR_FAKE_END_DROP);
      tftsr_fake_reply_send (cut, msg);
      return;
    }
  soup_server_message_set_status (msg, 200, NULL);
  soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
  soup_message_headers_set_content_type (headers, "text/event-stream", NULL);
  g_signal_connect (msg, "finished", G_CALLBACK (fake_stream_finished), fake);
  fake->stream = msg;
  fake_push (fake, fake->queued->str);
  g_string_truncate (fake->queued, 0);
}

static void
fake_handle (SoupServerMessage *msg, GBytes *body, gpointer data)
{
  McpFake *fake = data;
  const char *method = soup_server_message_get_method (msg);

  g_mutex_lock (&fake->lock);
  if (g_strcmp0 (method, "GET") == 0)
    {
      fake->gets++;
      fake_get (fake, msg);
    }
  else if (g_strcmp0 (method, "DELETE") == 0)
    soup_server_message_set_status (msg, 200, NULL);
  else
    fake_post (fake, msg, body);
  g_mutex_unlock (&fake->lock);
}

static McpFake *
mcp_fake_new (GetMode mode, TftsrMcpServer **server)
{
  McpFake *fake = g_new0 (McpFake, 1);

  g_mutex_init (&fake->lock);
  fake->mode = mode;
  fake->queued = g_string_new (NULL);
  fake->server = tftsr_fake_server_new ();
  tftsr_fake_server_add_handler (fake->server, "/mcp", fake_handle, fake);
  *server = tftsr_mcp_server_new ();
  (*server)->name = g_strdup ("stream-fake");
  (*server)->transport = TFTSR_MCP_TRANSPORT_HTTP;
  (*server)->url = tftsr_fake_server_url (fake->server, "/mcp");
  (*server)->headers = g_strsplit ("X-Team: sre", "|", -1);
  (*server)->timeout_ms = 5000;
  return fake;
}

static void
mcp_fake_free (McpFake *fake)
{
  tftsr_fake_server_free (fake->server);
  g_string_free (fake->queued, TRUE);
  g_free (fake->last_event_id);
  g_mutex_clear (&fake->lock);
  g_free (fake);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (McpFake, mcp_fake_free)

static gboolean
stream_open (gpointer data)
{
  McpFake *fake = data;
  gboolean open = FALSE;

  g_mutex_lock (&fake->lock);
  open = fake->stream != NULL;
  g_mutex_unlock (&fake->lock);
  return open;
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

/* The request of @method whose body holds @needle, or NULL. */
static TftsrFakeRequest *
find_request (McpFake *fake, const char *method, const char *needle)
{
  g_autoptr (GPtrArray) requests = tftsr_fake_server_dup_requests (fake->server);

  for (guint i = requests->len; i > 0; i--)
    {
      TftsrFakeRequest *request = g_ptr_array_index (requests, i - 1);
      if (g_strcmp0 (request->method, method) == 0 &&
          (needle == NULL ||
           g_strstr_len (g_bytes_get_data (request->body, NULL),
                         (gssize) g_bytes_get_size (request->body), needle) != NULL))
        return tftsr_fake_request_ref (request);
    }
  return NULL;
}

static gboolean
error_answered (gpointer data)
{
  g_autoptr (TftsrFakeRequest) answer = find_request (data, "POST", "\"srv-1\"");
  return answer != NULL;
}

/* Calls the fake's tool and waits for the list_changed it sends on its stream; the next
 * listing shows the new tool. */
static void
grow_and_see (TftsrMcpClient *client)
{
  g_autoptr (TftsrMcpToolResult) grown = NULL;
  g_autoptr (GPtrArray) before = NULL;
  g_autoptr (GPtrArray) after = NULL;
  g_autoptr (GError) error = NULL;
  gboolean changed = FALSE;
  gulong handler =
      g_signal_connect (client, "tools-changed", G_CALLBACK (on_tools_changed), &changed);

  before = tftsr_mcp_client_list_tools (client, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (before->len, ==, 1);
  grown = tftsr_mcp_client_call_tool (client, "grow", NULL, 0, NULL, &error);
  g_assert_no_error (error);
  wait_for (is_true, &changed);
  after = tftsr_mcp_client_list_tools (client, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (after->len, ==, 2);
  g_assert_nonnull (find_tool (after, "search_logs"));
  g_signal_handler_disconnect (client, handler);
}

static void
test_http_stream_tools_changed (void)
{
  g_autoptr (TftsrMcpServer) server = NULL;
  g_autoptr (McpFake) fake = mcp_fake_new (GET_STREAM, &server);
  g_autoptr (TftsrMcpClient) client = connected (server);
  g_autoptr (TftsrFakeRequest) get = NULL;
  g_autoptr (TftsrFakeRequest) answer = NULL;
  SoupMessageHeaders *fields = NULL;

  wait_for (stream_open, fake);
  grow_and_see (client);

  get = find_request (fake, "GET", NULL);
  fields = get->fields;
  g_assert_cmpstr (soup_message_headers_get_one (fields, "Accept"), ==, "text/event-stream");
  g_assert_cmpstr (soup_message_headers_get_one (fields, "Mcp-Session-Id"), ==, "session-7");
  g_assert_cmpstr (soup_message_headers_get_one (fields, "MCP-Protocol-Version"), ==, "2025-06-18");
  g_assert_cmpstr (soup_message_headers_get_one (fields, "X-Team"), ==, "sre");
  g_assert_null (soup_message_headers_get_one (fields, "Last-Event-ID"));

  /* The request it does not support is refused by POST, in the session. */
  wait_for (error_answered, fake);
  answer = find_request (fake, "POST", "\"srv-1\"");
  g_assert_nonnull (strstr (g_bytes_get_data (answer->body, NULL), "-32601"));
  g_assert_cmpstr (soup_message_headers_get_one (answer->fields, "Mcp-Session-Id"), ==,
                   "session-7");
  g_assert_cmpuint (fake->gets, ==, 1);
}

static gboolean
log_has_stray (gpointer data)
{
  g_autofree char *log = tftsr_mcp_client_dup_log (data);
  return strstr (log, "stray complaint") != NULL;
}

/* An error with a null id on the server's stream answers no call: the one in flight still
 * gets its own answer, and the error is kept in the log. */
static void
test_http_stream_stray_error (void)
{
  g_autoptr (TftsrMcpServer) server = NULL;
  g_autoptr (McpFake) fake = mcp_fake_new (GET_STREAM, &server);
  g_autoptr (TftsrMcpClient) client = connected (server);
  g_autoptr (TftsrMcpToolResult) slow = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;

  wait_for (stream_open, fake);
  slow = tftsr_mcp_client_call_tool (client, "slow", NULL, 0, NULL, &error);
  g_assert_no_error (error);
  text = tftsr_mcp_tool_result_dup_text (slow);
  g_assert_cmpstr (text, ==, "slow");
  wait_for (log_has_stray, client);
}

static gboolean
log_has_405 (gpointer data)
{
  g_autofree char *log = tftsr_mcp_client_dup_log (data);
  return strstr (log, "HTTP 405") != NULL;
}

/* A server without a stream of its own: noted once, the session works as before. */
static void
test_http_stream_refused (void)
{
  g_autoptr (TftsrMcpServer) server = NULL;
  g_autoptr (McpFake) fake = mcp_fake_new (GET_REFUSED, &server);
  g_autoptr (TftsrMcpClient) client = connected (server);
  g_autoptr (TftsrMcpToolResult) grown = NULL;
  g_autoptr (GPtrArray) tools = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *log = NULL;

  wait_for (log_has_405, client);
  grown = tftsr_mcp_client_call_tool (client, "grow", NULL, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (grown->is_error);
  tools = tftsr_mcp_client_list_tools (client, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tools->len, ==, 2);
  g_usleep (1500 * 1000); /* longer than the first pause before opening it again */
  g_assert_cmpuint (fake->gets, ==, 1);
  log = tftsr_mcp_client_dup_log (client);
  g_assert_true (strstr (log, "HTTP 405") == g_strrstr (log, "HTTP 405"));
  g_assert_true (tftsr_mcp_client_is_connected (client));
}

static gboolean
resumed (gpointer data)
{
  McpFake *fake = data;
  gboolean second = FALSE;

  g_mutex_lock (&fake->lock);
  second = fake->gets == 2;
  g_mutex_unlock (&fake->lock);
  return second && stream_open (fake);
}

/* A stream cut off is opened again, from where it broke off. */
static void
test_http_stream_resumed (void)
{
  g_autoptr (TftsrMcpServer) server = NULL;
  g_autoptr (McpFake) fake = mcp_fake_new (GET_DROP_FIRST, &server);
  g_autoptr (TftsrMcpClient) client = connected (server);

  wait_for (resumed, fake);
  g_mutex_lock (&fake->lock);
  g_assert_cmpstr (fake->last_event_id, ==, "e1");
  g_mutex_unlock (&fake->lock);
  grow_and_see (client);
}

static gboolean
log_gave_up (gpointer data)
{
  g_autofree char *log = tftsr_mcp_client_dup_log (data);
  return strstr (log, "failed 5 times in a row") != NULL;
}

/* A stream that never brings anything is given up after five tries, saying so; the session
 * goes on. */
static void
test_http_stream_gives_up (void)
{
  g_autoptr (TftsrMcpServer) server = NULL;
  g_autoptr (McpFake) fake = mcp_fake_new (GET_EMPTY, &server);
  g_autoptr (TftsrMcpClient) client = connected (server);
  g_autoptr (GPtrArray) tools = NULL;
  g_autoptr (GError) error = NULL;

  wait_for (log_gave_up, client);
  g_usleep (200 * 1000);
  g_mutex_lock (&fake->lock);
  g_assert_cmpuint (fake->gets, ==, 5);
  g_mutex_unlock (&fake->lock);
  tools = tftsr_mcp_client_list_tools (client, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tools->len, ==, 1);
  g_assert_true (tftsr_mcp_client_is_connected (client));
}

/* Disabling the server while its stream is open ends it at once, then the session. */
static void
test_http_stream_disable (void)
{
  g_autoptr (TftsrStore) store = tftsr_test_new_store ();
  g_autoptr (TftsrMcpServer) server = NULL;
  g_autoptr (McpFake) fake = mcp_fake_new (GET_STREAM, &server);
  g_autoptr (TftsrMcpClient) client = NULL;
  g_autoptr (TftsrFakeRequest) ended = NULL;
  g_autoptr (GError) error = NULL;
  gint64 start = 0;

  g_assert_cmpint (tftsr_mcp_store_add_server (store, server, NULL, &error), >, 0);
  g_assert_no_error (error);
  client = tftsr_mcp_client_new (store, server);
  g_assert_true (tftsr_mcp_client_connect (client, NULL, &error));
  g_assert_no_error (error);
  wait_for (stream_open, fake);

  start = g_get_monotonic_time ();
  g_assert_true (tftsr_mcp_store_set_enabled (store, "stream-fake", FALSE, &error));
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);
  g_assert_false (tftsr_mcp_client_is_connected (client));
  ended = find_request (fake, "DELETE", NULL);
  g_assert_nonnull (ended);
  g_assert_cmpstr (soup_message_headers_get_one (ended->fields, "Mcp-Session-Id"), ==, "session-7");
  /* Cancelled, not cut by the server: it was never asked for again. */
  g_assert_cmpuint (fake->gets, ==, 1);
}

/* ------------------------------------------------------------------------------------------
 * The registry
 */

static void
test_env_refused (void)
{
  const char *refused[] = { "LD_PRELOAD",   "LD_LIBRARY_PATH",
                            "LD_AUDIT",     "DYLD_INSERT_LIBRARIES",
                            "GCONV_PATH",   "PYTHONPATH",
                            "NODE_OPTIONS", "BASH_ENV",
                            "PATH" };
  const char *allowed[] = { "GITHUB_OWNER", "LOG_LEVEL", "HOME_REGION" };
  g_autoptr (TftsrStore) store = tftsr_test_new_store ();
  g_autoptr (TftsrMcpServer) server = sh_server ("true");
  g_autoptr (GError) error = NULL;
  g_autofree char *count = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_assert_false (tftsr_mcp_check_env_name (refused[i], &error));
      g_assert_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, refused[i]));
      g_clear_error (&error);
    }
  for (guint i = 0; i < G_N_ELEMENTS (allowed); i++)
    g_assert_true (tftsr_mcp_check_env_name (allowed[i], NULL));
  server->env = g_strsplit ("LD_PRELOAD=/tmp/evil.so", "|", -1);
  g_assert_cmpint (tftsr_mcp_store_add_server (store, server, NULL, &error), ==, 0);
  g_assert_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_INVALID);
  g_clear_error (&error);
  g_strfreev (server->env);
  server->env = NULL;
  server->secret_env = g_strsplit ("NODE_OPTIONS", "|", -1);
  g_assert_cmpint (tftsr_mcp_store_add_server (store, server, NULL, &error), ==, 0);
  g_assert_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_INVALID);
  count = tftsr_test_query (store, "SELECT count(*) FROM mcp_servers");
  g_assert_cmpstr (count, ==, "0");
}

static void
test_registry (void)
{
  g_autoptr (TftsrStore) store = tftsr_test_new_store ();
  g_autoptr (TftsrMcpServer) http = tftsr_mcp_server_new ();
  g_autoptr (TftsrMcpServer) read = NULL;
  g_autoptr (TftsrMcpServer) stdio =
      sh_server ("read l; echo '" INIT_RESULT ("1") "'; read l; cat >/dev/null");
  g_autoptr (GPtrArray) servers = NULL;
  g_autoptr (GError) error = NULL;
  const char *env_secret[] = { "API_TOKEN=env-canary-77", NULL };
  const char *header_secret[] = { "X-Secret: header-canary-88", NULL };
  TftsrMcpSecrets secrets = { "token-canary-99", NULL, header_secret };
  TftsrMcpSecrets stdio_secrets = { NULL, env_secret, NULL };
  g_autofree char *dump = NULL;
  g_autofree char *audit = NULL;

  http->name = g_strdup ("remote");
  http->transport = TFTSR_MCP_TRANSPORT_HTTP;
  http->url = g_strdup ("https://mcp.example.com/mcp");
  http->headers = g_strsplit ("X-Team: sre", "|", -1);
  http->secret_headers = g_strsplit ("X-Secret", "|", -1);
  http->auth = TFTSR_MCP_AUTH_BEARER;
  g_assert_cmpint (tftsr_mcp_store_add_server (store, http, &secrets, &error), >, 0);
  g_assert_no_error (error);
  g_assert_cmpint (tftsr_mcp_store_add_server (store, http, &secrets, &error), ==, 0);
  g_assert_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_EXISTS);
  g_clear_error (&error);
  g_free (stdio->name);
  stdio->name = g_strdup ("local");
  stdio->env = g_strsplit ("MODE=test", "|", -1);
  stdio->secret_env = g_strsplit ("API_TOKEN", "|", -1);
  g_assert_cmpint (tftsr_mcp_store_add_server (store, stdio, &stdio_secrets, &error), >, 0);
  g_assert_no_error (error);
  g_assert_true (tftsr_mcp_store_has_token (store, "remote"));

  read = tftsr_mcp_store_get_server (store, "remote", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (read->headers[0], ==, "X-Team: sre");
  g_assert_cmpstr (read->secret_headers[0], ==, "X-Secret");
  g_assert_cmpint (read->auth, ==, TFTSR_MCP_AUTH_BEARER);
  g_assert_cmpint (read->status, ==, TFTSR_MCP_STATUS_PENDING);

  /* No secret in any column of any table in plain text. */
  dump = tftsr_test_query (store, "SELECT group_concat(quote(m.name) || m.headers || m.environment"
                                  " || m.secret_env || m.secret_headers, '') FROM mcp_servers m");
  g_assert_null (strstr (dump, "canary"));
  g_clear_pointer (&dump, g_free);
  dump = tftsr_test_query (store,
                           "SELECT group_concat(CAST(ciphertext AS TEXT), '') FROM credentials");
  g_assert_true (dump == NULL || strstr (dump, "canary") == NULL);

  /* The secret variable reaches the process. */
  {
    g_autoptr (TftsrMcpServer) env = sh_server ("read l; echo '" INIT_RESULT (
        "1") "'; read l; echo \"$API_TOKEN $MODE\" >&2; cat >/dev/null");
    g_autoptr (TftsrMcpClient) client = NULL;
    g_free (env->name);
    env->name = g_strdup ("local");
    env->env = g_strsplit ("MODE=test", "|", -1);
    env->secret_env = g_strsplit ("API_TOKEN", "|", -1);
    g_assert_true (tftsr_mcp_store_update_server (store, env, NULL, &error));
    g_assert_no_error (error);
    client = tftsr_mcp_client_new (store, env);
    g_assert_true (tftsr_mcp_client_connect (client, NULL, &error));
    g_assert_no_error (error);
    for (int i = 0; i < 200; i++)
      {
        g_autofree char *log = tftsr_mcp_client_dup_log (client);
        if (strstr (log, "env-canary-77 test") != NULL)
          break;
        g_usleep (10 * 1000);
        g_assert_cmpint (i, <, 199);
      }
    /* Disabling closes it, and its process goes. */
    GPid pid = tftsr_mcp_client_get_pid (client);
    g_assert_true (tftsr_mcp_store_set_enabled (store, "local", FALSE, &error));
    g_assert_false (tftsr_mcp_client_is_connected (client));
    g_assert_true (process_gone (pid));
  }

  g_assert_null (tftsr_mcp_discover (store, "local", NULL, &error));
  g_assert_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_DISABLED);
  g_clear_error (&error);
  g_assert_true (tftsr_mcp_store_set_enabled (store, "local", TRUE, &error));
  {
    g_autoptr (TftsrMcpDiscovery) discovery = tftsr_mcp_discover (store, "local", NULL, &error);
    g_autoptr (TftsrMcpServer) after = NULL;
    g_assert_null (discovery); /* the fake does not answer tools/list: it times out */
    g_assert_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_TIMEOUT);
    g_clear_error (&error);
    after = tftsr_mcp_store_get_server (store, "local", NULL);
    g_assert_cmpint (after->status, ==, TFTSR_MCP_STATUS_ERROR);
    g_assert_nonnull (after->status_reason);
  }

  g_assert_true (tftsr_mcp_store_remove_server (store, "remote", &error));
  g_assert_false (tftsr_mcp_store_has_token (store, "remote"));
  servers = tftsr_mcp_store_list_servers (store, &error);
  g_assert_cmpuint (servers->len, ==, 1);
  audit = tftsr_test_query (store, "SELECT group_concat(action, ' ') FROM audit_log"
                                   " WHERE action LIKE 'mcp.%' ORDER BY id");
  g_assert_cmpstr (audit, ==, "mcp.add mcp.add mcp.change mcp.disable mcp.enable mcp.remove");
}

static void
test_discover_everything (void)
{
  g_autoptr (TftsrStore) store = tftsr_test_new_store ();
  g_autoptr (TftsrMcpServer) server = everything_stdio ();
  g_autoptr (TftsrMcpDiscovery) discovery = NULL;
  g_autoptr (TftsrMcpServer) after = NULL;
  g_autoptr (GError) error = NULL;

  if (server == NULL)
    return;
  g_assert_cmpint (tftsr_mcp_store_add_server (store, server, NULL, &error), >, 0);
  discovery = tftsr_mcp_discover (store, "everything", NULL, &error);
  g_assert_no_error (error);
  after = tftsr_mcp_store_get_server (store, "everything", &error);
  g_assert_cmpint (after->status, ==, TFTSR_MCP_STATUS_CONNECTED);
  g_assert_cmpint (after->n_tools, ==, (int) discovery->tools->len);
  g_assert_cmpint (after->n_resources, ==, (int) discovery->resources->len);
  g_assert_cmpint (after->n_tools, >, 5);
}

static void
on_discovered_all (GObject *source, GAsyncResult *result, gpointer data)
{
  gssize *connected = data;
  g_autoptr (GError) error = NULL;

  *connected = tftsr_mcp_discover_enabled_finish (TFTSR_STORE (source), result, &error);
  g_assert_no_error (error);
}

static gboolean
discovered_all (gpointer data)
{
  return *(gssize *) data != G_MININT;
}

/* At startup: every enabled server is discovered and its outcome recorded; a broken one
 * does not stop the next, a disabled one is left alone. */
static void
test_discover_enabled (void)
{
  g_autoptr (TftsrStore) store = tftsr_test_new_store ();
  g_autoptr (TftsrMcpServer) everything = everything_stdio ();
  g_autoptr (TftsrMcpServer) broken = sh_server ("echo 'no config' >&2; exit 2");
  g_autoptr (TftsrMcpServer) off = sh_server ("exit 0");
  g_autoptr (TftsrMcpServer) after = NULL;
  g_autoptr (GError) error = NULL;
  gssize connected = G_MININT;

  if (everything == NULL)
    return;
  g_free (broken->name);
  broken->name = g_strdup ("broken");
  g_free (off->name);
  off->name = g_strdup ("off");
  off->enabled = FALSE;
  g_assert_cmpint (tftsr_mcp_store_add_server (store, broken, NULL, &error), >, 0);
  g_assert_cmpint (tftsr_mcp_store_add_server (store, everything, NULL, &error), >, 0);
  g_assert_cmpint (tftsr_mcp_store_add_server (store, off, NULL, &error), >, 0);
  tftsr_mcp_discover_enabled_async (store, NULL, on_discovered_all, &connected);
  tftsr_test_iterate_until (discovered_all, &connected);
  g_assert_cmpint (connected, ==, 1);
  after = tftsr_mcp_store_get_server (store, "everything", &error);
  g_assert_cmpint (after->status, ==, TFTSR_MCP_STATUS_CONNECTED);
  g_clear_pointer (&after, tftsr_mcp_server_free);
  after = tftsr_mcp_store_get_server (store, "broken", &error);
  g_assert_cmpint (after->status, ==, TFTSR_MCP_STATUS_ERROR);
  g_assert_nonnull (strstr (after->status_reason, "no config"));
  g_clear_pointer (&after, tftsr_mcp_server_free);
  after = tftsr_mcp_store_get_server (store, "off", &error);
  g_assert_cmpint (after->status, ==, TFTSR_MCP_STATUS_PENDING);
}

/* A tools/call result as the text a model gets: each kind of block in order, binary
 * content described by type and size, structured content only when no block had text. */
static void
test_result_text (void)
{
  static const struct
  {
    const char *result, *text;
  } cases[] = {
    { "{\"content\":[]}", "" },
    { "{\"content\":[],\"structuredContent\":{\"temperature\": 36, \"unit\": \"C\"}}",
      "{\"temperature\":36,\"unit\":\"C\"}" },
    { "{\"content\":[{\"type\":\"text\",\"text\":\"36 C\"}],\"structuredContent\":{\"t\":36}}",
      "36 C" },
    { "{\"content\":[{\"type\":\"audio\",\"data\":\"AAAA\",\"mimeType\":\"audio/wav\"}],"
      "\"structuredContent\":[1,2]}",
      "[audio/wav, 3 bytes, not shown]\n[1,2]" },
    { "{\"content\":[{\"type\":\"image\",\"data\":\"AAAA\"},{\"type\":\"video\",\"x\":1}]}",
      "[application/octet-stream, 3 bytes, not shown]\n[content of type “video”, not shown]" },
    { "{\"content\":[{\"type\":\"resource\",\"resource\":{\"uri\":\"file:///a.txt\","
      "\"text\":\"line 1\"}},{\"type\":\"resource\",\"resource\":{\"uri\":\"file:///b.gz\","
      "\"mimeType\":\"application/gzip\",\"blob\":\"AAAA\"}}]}",
      "[resource file:///a.txt]\nline 1\n[resource file:///b.gz] [application/gzip, 3 bytes, "
      "not shown]" },
    { "{\"content\":[{\"type\":\"resource_link\",\"uri\":\"file:///c\",\"name\":\"C\"},"
      "{\"type\":\"resource_link\",\"uri\":\"file:///d\"}]}",
      "[resource link “C”: file:///c]\n[resource link “file:///d”: file:///d]" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (json_object) json = json_tokener_parse (cases[i].result);
      g_autoptr (GError) error = NULL;
      g_autoptr (TftsrMcpToolResult) result = tftsr_mcp_tool_result_from_json (json, &error);
      g_autofree char *text = NULL;

      g_assert_no_error (error);
      text = tftsr_mcp_tool_result_dup_text (result);
      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

int
main (int argc, char *argv[])
{
  tftsr_test_init (&argc, &argv);

  g_test_add_func ("/mcp/env-refused", test_env_refused);
  g_test_add_func ("/mcp/registry", test_registry);
  g_test_add_func ("/mcp/result-text", test_result_text);
  g_test_add_func ("/mcp/fake-garbage", test_fake_garbage);
  g_test_add_func ("/mcp/fake-not-jsonrpc", test_fake_not_jsonrpc);
  g_test_add_func ("/mcp/fake-exits-and-hangs", test_fake_exits_and_hangs);
  g_test_add_func ("/mcp/environment-not-inherited", test_environment_not_inherited);
  g_test_add_func ("/mcp/fake-versions", test_fake_versions);
  g_test_add_func ("/mcp/fake-pagination", test_fake_pagination);
  g_test_add_func ("/mcp/fake-tools-changed", test_fake_tools_changed);
  g_test_add_func ("/mcp/http-fake", test_http_fake);
  g_test_add_func ("/mcp/http-stream-tools-changed", test_http_stream_tools_changed);
  g_test_add_func ("/mcp/http-stream-stray-error", test_http_stream_stray_error);
  g_test_add_func ("/mcp/http-stream-refused", test_http_stream_refused);
  g_test_add_func ("/mcp/http-stream-resumed", test_http_stream_resumed);
  g_test_add_func ("/mcp/http-stream-gives-up", test_http_stream_gives_up);
  g_test_add_func ("/mcp/http-stream-disable", test_http_stream_disable);
  g_test_add_func ("/mcp/stdio-everything", test_stdio_everything);
  g_test_add_func ("/mcp/stdio-schemas-exact", test_stdio_schemas_exact);
  g_test_add_func ("/mcp/stdio-crash", test_stdio_crash);
  g_test_add_func ("/mcp/stdio-timeout-and-cancel", test_stdio_timeout_and_cancel);
  g_test_add_func ("/mcp/http-everything", test_http_everything);
  g_test_add_func ("/mcp/discover-everything", test_discover_everything);
  g_test_add_func ("/mcp/discover-enabled", test_discover_enabled);
  return g_test_run ();
}
