/* tftsr-cli-mcp.c: tftsr-cli mcp: MCP servers (add, list, discover, call, remove, enable,
 * disable, log) and the triage chat's standing decisions about their tools (rounds,
 * allowed, revoke)
 *
 * `mcp add` takes everything after `--stdio CMD` as the server's arguments, so its own
 * options come before `--stdio`. Secret values come from environment variables named on
 * the command line (or a terminal prompt), never from the command line itself.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>
#include <string.h>

#include "tftsr-cli.h"

#define ADD_USAGE                                                                                  \
  "mcp add NAME [--header K:V]… [--secret-header NAME=FROM_VAR]… [--env K=V]… "              \
  "[--secret-env-var NAME_IN_SERVER=FROM_VAR]… [--api-key-env VAR [--api-key-header H] | "       \
  "--bearer-env VAR] [--timeout MS] (--stdio CMD [ARG…] | --http URL)"

/* One line of output: text as tftsr_cli_print_text shows it, and its end. */
static void
print_line (const char *text)
{
  tftsr_cli_print_text (text);
  g_print ("\n");
}

static void
wipe_strv (GPtrArray *values)
{
  for (guint i = 0; i < values->len; i++)
    {
      char *value = g_ptr_array_index (values, i);
      explicit_bzero (value, strlen (value));
    }
}

/* "NAME=FROM_VAR" pairs: names for the server, "NAME<sep>value" secrets from the variables. */
static gboolean
read_secret_pairs (char **pairs, const char *sep, GStrvBuilder *names, GPtrArray *values)
{
  for (guint i = 0; pairs != NULL && pairs[i] != NULL; i++)
    {
      const char *eq = strchr (pairs[i], '=');
      const char *value = eq != NULL ? g_getenv (eq + 1) : NULL;
      g_autofree char *name = eq != NULL ? g_strndup (pairs[i], (gsize) (eq - pairs[i])) : NULL;

      if (eq == NULL || *name == '\0')
        return tftsr_cli_usage_error (_ ("“%s” is not NAME=FROM_VAR"), pairs[i]), FALSE;
      if (value == NULL || *value == '\0')
        return tftsr_cli_usage_error (_ ("The environment variable %s is not set"), eq + 1), FALSE;
      g_strv_builder_add (names, name);
      g_ptr_array_add (values, g_strconcat (name, sep, value, NULL));
    }
  g_ptr_array_add (values, NULL);
  return TRUE;
}

/* Splits argv at --stdio or --http: what follows is the transport's. */
static int
find_transport (int argc, char **argv)
{
  for (int i = 1; i < argc; i++)
    if (strcmp (argv[i], "--stdio") == 0 || strcmp (argv[i], "--http") == 0)
      return i;
  return -1;
}

static gboolean
set_transport (TftsrMcpServer *server, int argc, char **argv)
{
  if (strcmp (argv[0], "--http") == 0)
    {
      if (argc != 2)
        return FALSE;
      server->transport = TFTSR_MCP_TRANSPORT_HTTP;
      server->url = g_strdup (argv[1]);
      return TRUE;
    }
  if (argc < 2)
    return FALSE;
  server->transport = TFTSR_MCP_TRANSPORT_STDIO;
  /* A bare program name is looked up now and stored as the absolute path. */
  server->command =
      g_path_is_absolute (argv[1]) ? g_strdup (argv[1]) : g_find_program_in_path (argv[1]);
  if (server->command == NULL)
    server->command = g_strdup (argv[1]);
  if (argc > 2)
    server->args = g_strdupv (argv + 2);
  return TRUE;
}

static int
mcp_add (TftsrCli *cli, int argc, char **argv)
{
  g_auto (GStrv) headers = NULL, env = NULL, secret_env = NULL, secret_headers = NULL;
  g_autofree char *api_key_env = NULL, *bearer_env = NULL, *api_key_header = NULL;
  int timeout = 0;
  GOptionEntry entries[] = {
    { "header", 0, 0, G_OPTION_ARG_STRING_ARRAY, &headers, N_ ("A header to send (HTTP)"), "K:V" },
    { "secret-header", 0, 0, G_OPTION_ARG_STRING_ARRAY, &secret_headers,
      N_ ("A secret header, its value read from FROM_VAR"), "NAME=FROM_VAR" },
    { "env", 0, 0, G_OPTION_ARG_STRING_ARRAY, &env, N_ ("A variable for the process"), "K=V" },
    { "secret-env-var", 0, 0, G_OPTION_ARG_STRING_ARRAY, &secret_env,
      N_ ("A secret variable for the process, its value read from FROM_VAR"),
      "NAME_IN_SERVER=FROM_VAR" },
    { "api-key-env", 0, 0, G_OPTION_ARG_STRING, &api_key_env,
      N_ ("Sign in with an API key read from VAR"), "VAR" },
    { "api-key-header", 0, 0, G_OPTION_ARG_STRING, &api_key_header,
      N_ ("The header carrying the API key (X-API-Key)"), "H" },
    { "bearer-env", 0, 0, G_OPTION_ARG_STRING, &bearer_env,
      N_ ("Sign in with a bearer token read from VAR"), "VAR" },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout, N_ ("Milliseconds a request may take"), "MS" },
    { NULL }
  };
  g_autoptr (TftsrMcpServer) server = tftsr_mcp_server_new ();
  g_autoptr (GStrvBuilder) env_names = g_strv_builder_new ();
  g_autoptr (GStrvBuilder) header_names = g_strv_builder_new ();
  g_autoptr (GPtrArray) env_values = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) header_values = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  TftsrMcpSecrets secrets = { 0 };
  char *token = NULL;
  int at = find_transport (argc, argv), rest = 0;
  char **tail = NULL;
  gint64 id = 0;

  if (at < 0)
    return tftsr_cli_usage_error (_ ("usage: tftsr-cli %s"), ADD_USAGE);
  rest = argc - at;
  tail = argv + at; /* GOption sees only what comes before */
  argc = at;
  if (!tftsr_cli_parse ("mcp add", "NAME", _ ("Adds an MCP server."), entries, FALSE, &argc, &argv))
    return TFTSR_CLI_USAGE;
  if (argc != 2 || timeout < 0 || (api_key_env != NULL && bearer_env != NULL) ||
      !set_transport (server, rest, tail))
    return tftsr_cli_usage_error (_ ("usage: tftsr-cli %s"), ADD_USAGE);
  server->name = g_strdup (argv[1]);
  server->headers = g_steal_pointer (&headers);
  server->env = g_steal_pointer (&env);
  server->timeout_ms = (guint) timeout;
  server->api_key_header = g_steal_pointer (&api_key_header);
  server->auth = api_key_env != NULL  ? TFTSR_MCP_AUTH_API_KEY
                 : bearer_env != NULL ? TFTSR_MCP_AUTH_BEARER
                                      : TFTSR_MCP_AUTH_NONE;
  if (!read_secret_pairs (secret_env, "=", env_names, env_values) ||
      !read_secret_pairs (secret_headers, ": ", header_names, header_values))
    return TFTSR_CLI_USAGE;
  server->secret_env = g_strv_builder_end (env_names);
  server->secret_headers = g_strv_builder_end (header_names);
  if (*server->secret_env == NULL)
    g_clear_pointer (&server->secret_env, g_strfreev);
  if (*server->secret_headers == NULL)
    g_clear_pointer (&server->secret_headers, g_strfreev);
  if (server->auth != TFTSR_MCP_AUTH_NONE &&
      !tftsr_cli_read_secret (api_key_env != NULL ? api_key_env : bearer_env, _ ("Key"),
                              server->name, _ ("empty for none"), &token))
    return TFTSR_CLI_USAGE;
  secrets.token = token;
  secrets.env = (const char *const *) env_values->pdata;
  secrets.headers = (const char *const *) header_values->pdata;
  if (tftsr_cli_store (cli) != NULL)
    id = tftsr_mcp_store_add_server (cli->store, server, &secrets, &error);
  tftsr_cli_wipe_secret (token);
  g_ptr_array_remove_index (env_values, env_values->len - 1);
  g_ptr_array_remove_index (header_values, header_values->len - 1);
  wipe_strv (env_values);
  wipe_strv (header_values);
  if (cli->store == NULL)
    return TFTSR_CLI_FAILED;
  if (id == 0)
    return tftsr_cli_fail (error);
  g_print ("%s\n", server->name);
  return TFTSR_CLI_OK;
}

static json_object *
strv_json (GStrv strv)
{
  json_object *array = json_object_new_array ();

  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    json_object_array_add (array, tftsr_cli_json_string (strv[i]));
  return array;
}

static json_object *
server_json (const TftsrMcpServer *s)
{
  json_object *obj = json_object_new_object ();

  json_object_object_add (obj, "name", tftsr_cli_json_string (s->name));
  json_object_object_add (obj, "transport",
                          json_object_new_string (tftsr_mcp_transport_to_string (s->transport)));
  json_object_object_add (obj, "command", tftsr_cli_json_string (s->command));
  json_object_object_add (obj, "args", strv_json (s->args));
  json_object_object_add (obj, "url", tftsr_cli_json_string (s->url));
  json_object_object_add (obj, "auth", json_object_new_string (tftsr_mcp_auth_to_string (s->auth)));
  json_object_object_add (obj, "enabled", json_object_new_boolean (s->enabled));
  json_object_object_add (obj, "status",
                          json_object_new_string (tftsr_mcp_status_to_string (s->status)));
  json_object_object_add (obj, "reason", tftsr_cli_json_string (s->status_reason));
  json_object_object_add (obj, "tools", json_object_new_int (s->n_tools));
  json_object_object_add (obj, "resources", json_object_new_int (s->n_resources));
  return obj;
}

static gboolean
parse_one (const char *command, const char *usage, const char *summary, GOptionEntry *entries,
           int *argc, char ***argv)
{
  static GOptionEntry none[] = { { NULL } };

  if (entries == NULL)
    entries = none;
  if (!tftsr_cli_parse (command, usage, summary, entries, FALSE, argc, argv))
    return FALSE;
  if (*argc == 2)
    return TRUE;
  tftsr_cli_usage_error (_ ("usage: tftsr-cli %s %s"), command, usage);
  return FALSE;
}

static int
mcp_list (TftsrCli *cli, int argc, char **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = { { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_ ("JSON output"), NULL },
                             { NULL } };
  g_autoptr (GPtrArray) servers = NULL;
  g_autoptr (GError) error = NULL;

  if (!tftsr_cli_parse ("mcp list", "", _ ("Lists the MCP servers."), entries, FALSE, &argc, &argv))
    return TFTSR_CLI_USAGE;
  if (argc != 1)
    return tftsr_cli_usage_error (_ ("usage: tftsr-cli mcp list [--json]"));
  if (tftsr_cli_store (cli) == NULL)
    return TFTSR_CLI_FAILED;
  if ((servers = tftsr_mcp_store_list_servers (cli->store, &error)) == NULL)
    return tftsr_cli_fail (error);
  if (json)
    {
      json_object *array = json_object_new_array ();
      for (guint i = 0; i < servers->len; i++)
        json_object_array_add (array, server_json (servers->pdata[i]));
      tftsr_cli_print_json (array);
      json_object_put (array);
      return TFTSR_CLI_OK;
    }
  for (guint i = 0; i < servers->len; i++)
    {
      const TftsrMcpServer *s = servers->pdata[i];
      g_autofree char *line = g_strdup_printf (
          "%s\t%s\t%s\t%s%s\t%s", s->name, tftsr_mcp_transport_to_string (s->transport),
          s->command != NULL ? s->command : s->url, s->enabled ? "" : _ ("disabled, "),
          tftsr_mcp_status_to_label (s->status), s->status_reason != NULL ? s->status_reason : "");
      print_line (line);
    }
  return TFTSR_CLI_OK;
}

static json_object *
discovery_json (const TftsrMcpDiscovery *d)
{
  json_object *obj = json_object_new_object ();
  json_object *tools = json_object_new_array ();
  json_object *resources = json_object_new_array ();

  json_object_object_add (obj, "protocol_version", tftsr_cli_json_string (d->protocol_version));
  json_object_object_add (obj, "server_name", tftsr_cli_json_string (d->server_name));
  json_object_object_add (obj, "server_version", tftsr_cli_json_string (d->server_version));
  for (guint i = 0; i < d->tools->len; i++)
    json_object_array_add (tools, json_tokener_parse (((TftsrMcpTool *) d->tools->pdata[i])->json));
  for (guint i = 0; i < d->resources->len; i++)
    json_object_array_add (
        resources, json_tokener_parse (((TftsrMcpResource *) d->resources->pdata[i])->json));
  json_object_object_add (obj, "tools", tools);
  json_object_object_add (obj, "resources", resources);
  return obj;
}

static void
print_discovery (const TftsrMcpDiscovery *d)
{
  g_autofree char *head =
      g_strdup_printf ("%s %s (MCP %s)", d->server_name ? d->server_name : "",
                       d->server_version ? d->server_version : "", d->protocol_version);
  print_line (head);
  print_line (_ ("Tools:"));
  for (guint i = 0; i < d->tools->len; i++)
    {
      const TftsrMcpTool *t = d->tools->pdata[i];
      g_autofree char *line =
          g_strdup_printf ("  %s\t%s", t->name, t->description ? t->description : "");
      print_line (line);
    }
  print_line (_ ("Resources:"));
  for (guint i = 0; i < d->resources->len; i++)
    {
      const TftsrMcpResource *r = d->resources->pdata[i];
      g_autofree char *line = g_strdup_printf ("  %s\t%s", r->uri, r->name);
      print_line (line);
    }
}

static int
mcp_discover (TftsrCli *cli, int argc, char **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = { { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_ ("JSON output"), NULL },
                             { NULL } };
  g_autoptr (TftsrMcpDiscovery) discovery = NULL;
  g_autoptr (GError) error = NULL;

  if (!parse_one ("mcp discover", "NAME [--json]",
                  _ ("Connects to an MCP server and lists its tools and resources."), entries,
                  &argc, &argv) ||
      tftsr_cli_store (cli) == NULL)
    return cli->store == NULL && argc == 2 ? TFTSR_CLI_FAILED : TFTSR_CLI_USAGE;
  if ((discovery = tftsr_mcp_discover (cli->store, argv[1], NULL, &error)) == NULL)
    return tftsr_cli_fail (error);
  if (json)
    {
      json_object *obj = discovery_json (discovery);
      tftsr_cli_print_json (obj);
      json_object_put (obj);
    }
  else
    print_discovery (discovery);
  return TFTSR_CLI_OK;
}

/* A connected client of the stored server @name, or NULL after printing why. */
static TftsrMcpClient *
connect_named (TftsrCli *cli, const char *name, int *status)
{
  g_autoptr (TftsrMcpServer) server = NULL;
  g_autoptr (TftsrMcpClient) client = NULL;
  g_autoptr (GError) error = NULL;

  *status = TFTSR_CLI_FAILED;
  if (tftsr_cli_store (cli) == NULL)
    return NULL;
  if ((server = tftsr_mcp_store_get_server (cli->store, name, &error)) == NULL)
    return tftsr_cli_fail (error), NULL;
  client = tftsr_mcp_client_new (cli->store, server);
  if (!tftsr_mcp_client_connect (client, NULL, &error))
    return tftsr_cli_fail (error), NULL;
  return g_steal_pointer (&client);
}

static int
mcp_call (TftsrCli *cli, int argc, char **argv)
{
  gboolean json = FALSE;
  int timeout = 0, status = 0;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_ ("The whole result as JSON"), NULL },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout, N_ ("Milliseconds the call may take"), "MS" },
    { NULL }
  };
  g_autoptr (TftsrMcpClient) client = NULL;
  g_autoptr (TftsrMcpToolResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;

  if (!tftsr_cli_parse ("mcp call", "NAME TOOL JSON_ARGS", _ ("Calls a tool of an MCP server."),
                        entries, FALSE, &argc, &argv))
    return TFTSR_CLI_USAGE;
  if (argc != 4 || timeout < 0)
    return tftsr_cli_usage_error (_ ("usage: tftsr-cli mcp call NAME TOOL JSON_ARGS [--json]"));
  if ((client = connect_named (cli, argv[1], &status)) == NULL)
    return status;
  result = tftsr_mcp_client_call_tool (client, argv[2], argv[3], (guint) timeout, NULL, &error);
  tftsr_mcp_client_close (client);
  if (result == NULL)
    return g_error_matches (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_INVALID)
               ? tftsr_cli_usage_error ("%s", error->message)
               : tftsr_cli_fail (error);
  if (json)
    {
      json_object *obj = json_tokener_parse (result->json);
      tftsr_cli_print_json (obj);
      json_object_put (obj);
    }
  else
    {
      text = tftsr_mcp_tool_result_dup_text (result);
      print_line (text);
    }
  /* A tool that reports its own failure is a failed command for a script. */
  return result->is_error ? TFTSR_CLI_FAILED : TFTSR_CLI_OK;
}

static int
mcp_log (TftsrCli *cli, int argc, char **argv)
{
  g_autoptr (TftsrMcpClient) client = NULL;
  g_autoptr (GPtrArray) tools = NULL;
  g_autofree char *log = NULL;
  int status = 0;

  if (!parse_one ("mcp log", "NAME",
                  _ ("Starts an MCP server, talks to it as discovery does and prints what it "
                     "wrote to its standard error."),
                  NULL, &argc, &argv))
    return TFTSR_CLI_USAGE;
  client = connect_named (cli, argv[1], &status);
  if (client != NULL)
    tools = tftsr_mcp_client_list_tools (client, NULL, NULL);
  if (client != NULL)
    tftsr_mcp_client_close (client);
  log = tftsr_mcp_dup_server_log (argv[1]);
  tftsr_cli_write_text (stdout, log);
  return client != NULL ? TFTSR_CLI_OK : status;
}

static int
mcp_remove (TftsrCli *cli, int argc, char **argv)
{
  g_autoptr (GError) error = NULL;

  if (!parse_one ("mcp remove", "NAME", _ ("Removes an MCP server and its secrets."), NULL, &argc,
                  &argv))
    return TFTSR_CLI_USAGE;
  if (tftsr_cli_store (cli) == NULL)
    return TFTSR_CLI_FAILED;
  return tftsr_mcp_store_remove_server (cli->store, argv[1], &error) ? TFTSR_CLI_OK
                                                                     : tftsr_cli_fail (error);
}

static int
mcp_set_enabled (TftsrCli *cli, int argc, char **argv, gboolean enabled)
{
  g_autoptr (GError) error = NULL;

  if (!parse_one (enabled ? "mcp enable" : "mcp disable", "NAME",
                  enabled ? _ ("Enables an MCP server.") : _ ("Disables an MCP server."), NULL,
                  &argc, &argv))
    return TFTSR_CLI_USAGE;
  if (tftsr_cli_store (cli) == NULL)
    return TFTSR_CLI_FAILED;
  return tftsr_mcp_store_set_enabled (cli->store, argv[1], enabled, &error)
             ? TFTSR_CLI_OK
             : tftsr_cli_fail (error);
}

static int
mcp_enable (TftsrCli *cli, int argc, char **argv)
{
  return mcp_set_enabled (cli, argc, argv, TRUE);
}

static int
mcp_disable (TftsrCli *cli, int argc, char **argv)
{
  return mcp_set_enabled (cli, argc, argv, FALSE);
}

static int
mcp_rounds (TftsrCli *cli, int argc, char **argv)
{
  gboolean json = FALSE, reset = FALSE;
  GOptionEntry entries[] = { { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_ ("JSON output"), NULL },
                             { "default", 0, 0, G_OPTION_ARG_NONE, &reset,
                               N_ ("Go back to the default"), NULL },
                             { NULL } };
  g_autoptr (GError) error = NULL;
  guint64 rounds = 0;

  if (!tftsr_cli_parse ("mcp rounds", "[N]",
                        _ ("Prints how many rounds of tool calls one reply of the triage "
                           "assistant may make, or sets it (1 to 50; 0 or --default for the "
                           "default of 5)."),
                        entries, FALSE, &argc, &argv))
    return TFTSR_CLI_USAGE;
  if (argc > 2 || (reset && argc == 2) ||
      (argc == 2 && !g_ascii_string_to_unsigned (argv[1], 10, 0, G_MAXUINT, &rounds, NULL)))
    return tftsr_cli_usage_error (_ ("usage: tftsr-cli mcp rounds [N | --default] [--json]"));
  if (tftsr_cli_store (cli) == NULL)
    return TFTSR_CLI_FAILED;
  if ((argc == 2 || reset) && !tftsr_mcp_set_tool_rounds (cli->store, (guint) rounds, &error))
    return g_error_matches (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_INVALID)
               ? tftsr_cli_usage_error ("%s", error->message)
               : tftsr_cli_fail (error);
  if (argc == 2 || reset)
    return TFTSR_CLI_OK;
  if (json)
    {
      json_object *obj = json_object_new_object ();
      json_object_object_add (obj, "rounds",
                              json_object_new_int ((int) tftsr_mcp_get_tool_rounds (cli->store)));
      tftsr_cli_print_json (obj);
      json_object_put (obj);
    }
  else
    g_print ("%u\n", tftsr_mcp_get_tool_rounds (cli->store));
  return TFTSR_CLI_OK;
}

static int
mcp_allowed (TftsrCli *cli, int argc, char **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = { { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_ ("JSON output"), NULL },
                             { NULL } };
  g_autoptr (GPtrArray) allowed = NULL;
  g_autoptr (GError) error = NULL;
  json_object *array;

  if (!parse_one ("mcp allowed", "NAME [--json]",
                  _ ("Lists the tools of an MCP server the triage chat calls without asking."),
                  entries, &argc, &argv))
    return TFTSR_CLI_USAGE;
  if (tftsr_cli_store (cli) == NULL)
    return TFTSR_CLI_FAILED;
  if ((allowed = tftsr_mcp_store_list_allowed_tools (cli->store, argv[1], &error)) == NULL)
    return tftsr_cli_fail (error);
  if (!json)
    {
      for (guint i = 0; i < allowed->len; i++)
        {
          const TftsrMcpAllowedTool *a = allowed->pdata[i];
          g_autofree char *line = g_strdup_printf ("%s\t%s", a->tool, a->allowed_at);
          print_line (line);
        }
      return TFTSR_CLI_OK;
    }
  array = json_object_new_array ();
  for (guint i = 0; i < allowed->len; i++)
    {
      const TftsrMcpAllowedTool *a = allowed->pdata[i];
      json_object *obj = json_object_new_object ();

      json_object_object_add (obj, "tool", tftsr_cli_json_string (a->tool));
      json_object_object_add (obj, "allowed_at", tftsr_cli_json_string (a->allowed_at));
      json_object_array_add (array, obj);
    }
  tftsr_cli_print_json (array);
  json_object_put (array);
  return TFTSR_CLI_OK;
}

static int
mcp_revoke (TftsrCli *cli, int argc, char **argv)
{
  GOptionEntry entries[] = { { NULL } };
  g_autoptr (GError) error = NULL;

  if (!tftsr_cli_parse ("mcp revoke", "NAME TOOL",
                        _ ("Takes back “always allow” for a tool: the triage chat asks again "
                           "before its next call."),
                        entries, FALSE, &argc, &argv))
    return TFTSR_CLI_USAGE;
  if (argc != 3)
    return tftsr_cli_usage_error (_ ("usage: tftsr-cli mcp revoke NAME TOOL"));
  if (tftsr_cli_store (cli) == NULL)
    return TFTSR_CLI_FAILED;
  return tftsr_mcp_store_revoke_tool (cli->store, argv[1], argv[2], &error)
             ? TFTSR_CLI_OK
             : tftsr_cli_fail (error);
}

int
tftsr_cli_mcp (TftsrCli *cli, int argc, char **argv)
{
  static const struct
  {
    const char *verb;
    TftsrCliCommand run;
  } verbs[] = {
    { "add", mcp_add },         { "list", mcp_list },     { "discover", mcp_discover },
    { "call", mcp_call },       { "remove", mcp_remove }, { "enable", mcp_enable },
    { "disable", mcp_disable }, { "log", mcp_log },       { "rounds", mcp_rounds },
    { "allowed", mcp_allowed }, { "revoke", mcp_revoke },
  };

  for (guint i = 0; argc >= 2 && i < G_N_ELEMENTS (verbs); i++)
    if (g_str_equal (argv[1], verbs[i].verb))
      return verbs[i].run (cli, argc - 1, argv + 1);
  return tftsr_cli_usage_error (
      _ ("usage: tftsr-cli mcp "
         "add|list|discover|call|remove|enable|disable|log|rounds|allowed|revoke [arguments]"));
}
