/* tftsr-cli-connector.c: tftsr-cli connector configure|list|test|remove|sign-in|
 * create-ticket|update-ticket|get|comment|search|containers|publish|page|run|notify|runs|links
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib-unix.h>
#include <glib/gi18n.h>
#include <signal.h>
#include <string.h>

#include "tftsr-cli.h"

#define END_OPTIONS                                                                                \
  {                                                                                                \
    NULL, 0, 0, 0, NULL, NULL, NULL                                                                \
  }
#define JSON_OPTION(var)                                                                           \
  {                                                                                                \
    "json", 0, 0, G_OPTION_ARG_NONE, &(var), N_ ("Print JSON"), NULL                               \
  }
#define PREVIEW_OPTION(var)                                                                        \
  {                                                                                                \
    "preview", 0, 0, G_OPTION_ARG_NONE, &(var),                                                    \
        N_ ("Print the request exactly as it would be sent (redacted) and send nothing"), NULL     \
  }
#define SIGN_IN_SECONDS 300

/* Parses @entries and exactly @n_args positional arguments (the verb included). */
static gboolean
parse (const char *command, const char *usage, const char *summary, GOptionEntry *entries,
       int n_args, int *argc, char ***argv)
{
  if (!tftsr_cli_parse (command, usage, summary, entries, FALSE, argc, argv))
    return FALSE;
  if (*argc == n_args)
    return TRUE;
  tftsr_cli_usage_error (_ ("usage: tftsr-cli %s %s"), command, usage);
  return FALSE;
}

static json_object *
item_to_json (const TftsrExternalItem *item)
{
  json_object *obj = json_object_new_object ();

  json_object_object_add (obj, "id", tftsr_cli_json_string (item->id));
  json_object_object_add (obj, "key", tftsr_cli_json_string (item->key));
  json_object_object_add (obj, "title", tftsr_cli_json_string (item->title));
  json_object_object_add (obj, "status", tftsr_cli_json_string (item->status));
  json_object_object_add (obj, "url", tftsr_cli_json_string (item->url));
  if (item->version > 0)
    json_object_object_add (obj, "version", json_object_new_int64 (item->version));
  return obj;
}

/* "KEY  STATUS  TITLE  URL", each part only when known. */
static void
print_item (const TftsrExternalItem *item)
{
  const char *parts[] = { item->key, item->status, item->title, item->url };

  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      if (parts[i] == NULL || *parts[i] == '\0')
        continue;
      if (i > 0)
        fputs ("  ", stdout);
      tftsr_cli_print_text (parts[i]);
    }
  putchar ('\n');
}

static int
print_result (TftsrExternalItem *item, GError *error, gboolean json)
{
  g_autoptr (TftsrExternalItem) owned = item;

  if (item == NULL)
    return tftsr_cli_fail (error);
  if (json)
    {
      json_object *obj = item_to_json (item);
      tftsr_cli_print_json (obj);
      json_object_put (obj);
    }
  else
    print_item (item);
  return TFTSR_CLI_OK;
}

static int
print_items (GPtrArray *items, GError *error, gboolean json)
{
  g_autoptr (GPtrArray) owned = items;
  json_object *array;

  if (items == NULL)
    return tftsr_cli_fail (error);
  array = json_object_new_array ();
  for (guint i = 0; i < items->len; i++)
    {
      json_object_array_add (array, item_to_json (items->pdata[i]));
      if (!json)
        print_item (items->pdata[i]);
    }
  if (json)
    tftsr_cli_print_json (array);
  json_object_put (array);
  return TFTSR_CLI_OK;
}

static int
print_preview_text (char *preview, GError *error)
{
  g_autofree char *owned = preview;

  if (preview == NULL)
    return tftsr_cli_fail (error);
  tftsr_cli_print_text (preview);
  putchar ('\n');
  return TFTSR_CLI_OK;
}

static int
print_preview (TftsrCli *cli, const char *connector, const char *operation, gint64 issue_id,
               const char *arg)
{
  g_autoptr (GError) error = NULL;
  char *preview;

  if (tftsr_cli_store (cli) == NULL)
    return TFTSR_CLI_FAILED;
  preview = tftsr_connector_preview (cli->store, connector, operation, issue_id, arg, &error);
  return print_preview_text (preview, error);
}

/* --- configure ------------------------------------------------------------------------- */

typedef struct
{
  char *kind, *url, *user, *token_env, *auth, *project, *space, *ca_file, *proxy;
  char **options;
  gboolean insecure, verify, no_test;
} ConfigureArgs;

static void
configure_args_clear (ConfigureArgs *a)
{
  g_free (a->kind);
  g_free (a->url);
  g_free (a->user);
  g_free (a->token_env);
  g_free (a->auth);
  g_free (a->project);
  g_free (a->space);
  g_free (a->ca_file);
  g_free (a->proxy);
  g_strfreev (a->options);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ConfigureArgs, configure_args_clear)

/* The kind: --kind, else the name up to its first '.' ("jira.prod" is a Jira). */
static gboolean
kind_of (const ConfigureArgs *a, const char *name, TftsrConnectorKind *kind)
{
  g_autofree char *prefix = g_strndup (name, strcspn (name, "."));

  if (tftsr_connector_kind_from_string (a->kind != NULL ? a->kind : prefix, kind))
    return TRUE;
  tftsr_cli_usage_error (_ ("Say which service “%s” is with --kind: confluence, servicenow, "
                            "azure-devops, jira, pagerduty, stackstorm, webhook, slack or teams"),
                         name);
  return FALSE;
}

static gboolean
apply_options (TftsrConnectorConfig *config, const ConfigureArgs *a)
{
  if (a->project != NULL)
    tftsr_connector_config_set_option (config, "project", a->project);
  if (a->space != NULL)
    tftsr_connector_config_set_option (config, "space", a->space);
  for (guint i = 0; a->options != NULL && a->options[i] != NULL; i++)
    {
      const char *eq = strchr (a->options[i], '=');
      g_autofree char *key = eq != NULL ? g_strndup (a->options[i], eq - a->options[i]) : NULL;
      if (key == NULL || *key == '\0')
        {
          tftsr_cli_usage_error (_ ("--option takes KEY=VALUE"));
          return FALSE;
        }
      tftsr_connector_config_set_option (config, key, *(eq + 1) != '\0' ? eq + 1 : NULL);
    }
  return TRUE;
}

/* Replaces *@field by @value when the option was given. */
static void
override (char **field, const char *value)
{
  if (value == NULL)
    return;
  g_free (*field);
  *field = g_strdup (value);
}

/* The connector as the options say: the stored one (@stored, may be NULL) with what they
 * change, so settings made in the app (mapping, headers, OAuth client) stay. */
static TftsrConnectorConfig *
config_from_args (const ConfigureArgs *a, const char *name, const TftsrConnectorConfig *stored)
{
  g_autoptr (TftsrConnectorConfig) config = NULL;
  TftsrConnectorKind kind;

  if (!kind_of (a, name, &kind))
    return NULL;
  if (stored != NULL && stored->kind != kind)
    {
      tftsr_cli_usage_error (_ ("“%s” is a %s connector: remove it to use the name for another "
                                "service"),
                             name, tftsr_connector_kind_to_string (stored->kind));
      return NULL;
    }
  config =
      stored != NULL
          ? tftsr_connector_config_copy (stored)
          : tftsr_connector_config_new (name, kind, tftsr_connector_kind_get_default_url (kind));
  if (stored == NULL)
    config->auth = tftsr_connector_kind_get_default_auth (kind);
  if (a->auth != NULL && !tftsr_connector_auth_from_string (a->auth, &config->auth))
    {
      tftsr_cli_usage_error (_ ("--auth must be basic, bearer, token, oauth or none"));
      return NULL;
    }
  override (&config->base_url, a->url);
  override (&config->user, a->user);
  override (&config->ca_file, a->ca_file);
  override (&config->proxy, a->proxy);
  config->insecure = a->insecure || (config->insecure && !a->verify);
  return apply_options (config, a) ? g_steal_pointer (&config) : NULL;
}

static int
connector_configure (TftsrCli *cli, int argc, char **argv)
{
  g_auto (ConfigureArgs) a = { 0 };
  GOptionEntry entries[] = {
    { "kind", 0, 0, G_OPTION_ARG_STRING, &a.kind,
      N_ ("confluence, servicenow, azure-devops, jira, pagerduty, stackstorm, webhook, slack or "
          "teams (default: the name up to its first dot)"),
      "KIND" },
    { "url", 0, 0, G_OPTION_ARG_STRING, &a.url,
      N_ ("Base URL of the service (PagerDuty and Slack have a default)"), "URL" },
    { "user", 0, 0, G_OPTION_ARG_STRING, &a.user, N_ ("User name or e-mail address"), "USER" },
    { "token-env", 0, 0, G_OPTION_ARG_STRING, &a.token_env,
      N_ ("Read the token, password or key from this environment variable"), "VAR" },
    { "auth", 0, 0, G_OPTION_ARG_STRING, &a.auth, N_ ("basic, bearer, token, oauth or none"),
      "AUTH" },
    { "project", 0, 0, G_OPTION_ARG_STRING, &a.project, N_ ("Project (key)"), "P" },
    { "space", 0, 0, G_OPTION_ARG_STRING, &a.space, N_ ("Confluence space (key)"), "S" },
    { "option", 0, 0, G_OPTION_ARG_STRING_ARRAY, &a.options,
      N_ ("A service-specific setting (repeatable; KEY= removes it)"), "KEY=VALUE" },
    { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &a.ca_file,
      N_ ("PEM bundle of the certificate authorities to trust"), "FILE" },
    { "proxy", 0, 0, G_OPTION_ARG_STRING, &a.proxy,
      N_ ("Proxy URL (\"\" for none; default: the environment's)"), "URL" },
    { "insecure", 0, 0, G_OPTION_ARG_NONE, &a.insecure,
      N_ ("Do not verify the service's TLS certificate (dangerous)"), NULL },
    { "verify-tls", 0, 0, G_OPTION_ARG_NONE, &a.verify,
      N_ ("Verify the service's TLS certificate again after --insecure"), NULL },
    { "no-test", 0, 0, G_OPTION_ARG_NONE, &a.no_test,
      N_ ("Save without testing the connection first"), NULL },
    END_OPTIONS,
  };
  g_autoptr (TftsrConnectorConfig) config = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrConnectorConfig) stored = NULL;
  g_autofree char *detail = NULL;
  char *secret = NULL;
  gboolean saved;

  if (!parse ("connector configure", "NAME [--url URL]",
              _ ("Configures a connector, or changes the given settings of one; the secret is "
                 "tested with the service before it is saved, and never printed."),
              entries, 2, &argc, &argv))
    return TFTSR_CLI_USAGE;
  if (tftsr_cli_store (cli) == NULL)
    return TFTSR_CLI_FAILED;
  if ((stored = tftsr_store_get_connector (cli->store, argv[1], &error)) == NULL &&
      !g_error_matches (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_NOT_FOUND))
    return tftsr_cli_fail (error);
  g_clear_error (&error);
  if ((config = config_from_args (&a, argv[1], stored)) == NULL ||
      !tftsr_cli_read_secret (
          a.token_env, _ ("Token"), argv[1],
          stored != NULL ? _ ("empty: keep the stored one") : _ ("empty for none"), &secret))
    return TFTSR_CLI_USAGE;
  /* Nothing typed at the prompt keeps the stored secret. */
  if (secret != NULL && *secret == '\0')
    g_clear_pointer (&secret, tftsr_cli_wipe_secret);
  if (!a.no_test && secret != NULL)
    detail = tftsr_connector_test (cli->store, config, secret, NULL, &error);
  saved = (a.no_test || secret == NULL || detail != NULL) &&
          tftsr_store_save_connector_untested (cli->store, config, secret, &error);
  tftsr_cli_wipe_secret (secret);
  if (!saved)
    return tftsr_cli_fail (error);
  if (config->insecure)
    fprintf (stderr, _ ("Warning: TLS certificates of %s are not verified\n"), config->base_url);
  if (detail != NULL)
    {
      tftsr_cli_print_text (detail);
      putchar ('\n');
    }
  return TFTSR_CLI_OK;
}

/* --- list, test, remove, sign-in --------------------------------------------------------- */

static const char *
circuit_word (TftsrCircuitState state)
{
  return state == TFTSR_CIRCUIT_OPEN        ? _ ("resting after failures")
         : state == TFTSR_CIRCUIT_HALF_OPEN ? _ ("probing")
                                            : _ ("ok");
}

static json_object *
health_to_json (const TftsrConnectorConfig *c, const TftsrConnectorHealth *h)
{
  json_object *obj = json_object_new_object ();
  static const char *const circuits[] = { "closed", "open", "half-open" };

  json_object_object_add (obj, "name", tftsr_cli_json_string (c->id));
  json_object_object_add (obj, "kind",
                          json_object_new_string (tftsr_connector_kind_to_string (c->kind)));
  json_object_object_add (obj, "url", tftsr_cli_json_string (c->base_url));
  json_object_object_add (obj, "auth",
                          json_object_new_string (tftsr_connector_auth_to_string (c->auth)));
  json_object_object_add (obj, "insecure", json_object_new_boolean (c->insecure));
  json_object_object_add (obj, "options", json_tokener_parse (c->options));
  json_object_object_add (obj, "configured", json_object_new_boolean (h->configured));
  json_object_object_add (obj, "last_success", tftsr_cli_json_string (h->last_success_at));
  json_object_object_add (obj, "recent_failures", json_object_new_int ((int) h->recent_failures));
  json_object_object_add (obj, "last_error", tftsr_cli_json_string (h->last_error));
  json_object_object_add (obj, "circuit", json_object_new_string (circuits[h->circuit]));
  return obj;
}

static void
print_health (const TftsrConnectorConfig *c, const TftsrConnectorHealth *h)
{
  tftsr_cli_print_text (c->id);
  printf ("  %s  ", tftsr_connector_kind_to_string (c->kind));
  tftsr_cli_print_text (c->base_url);
  printf ("  %s", h->configured ? _ ("configured") : _ ("no credentials"));
  if (h->last_success_at != NULL)
    printf (_ ("  last success %s"), h->last_success_at);
  if (h->recent_failures > 0)
    printf (_ ("  %u recent failures"), h->recent_failures);
  printf ("  %s%s\n", circuit_word (h->circuit), c->insecure ? _ ("  (TLS not verified)") : "");
}

static int
connector_list (TftsrCli *cli, int argc, char **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = { JSON_OPTION (json), END_OPTIONS };
  g_autoptr (GPtrArray) configs = NULL;
  g_autoptr (GPtrArray) health = NULL;
  g_autoptr (GError) error = NULL;
  json_object *array;

  if (!parse ("connector list", "", _ ("Lists the connectors and their health."), entries, 1, &argc,
              &argv))
    return TFTSR_CLI_USAGE;
  if (tftsr_cli_store (cli) == NULL)
    return TFTSR_CLI_FAILED;
  if ((configs = tftsr_store_list_connectors (cli->store, &error)) == NULL ||
      (health = tftsr_store_list_connector_health (cli->store, &error)) == NULL)
    return tftsr_cli_fail (error);
  array = json_object_new_array ();
  for (guint i = 0; i < configs->len && i < health->len; i++)
    {
      json_object_array_add (array, health_to_json (configs->pdata[i], health->pdata[i]));
      if (!json)
        print_health (configs->pdata[i], health->pdata[i]);
    }
  if (json)
    tftsr_cli_print_json (array);
  json_object_put (array);
  return TFTSR_CLI_OK;
}

static int
connector_test (TftsrCli *cli, int argc, char **argv)
{
  GOptionEntry entries[] = { END_OPTIONS };
  g_autoptr (TftsrConnectorConfig) config = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *detail = NULL;

  if (!parse ("connector test", "NAME", _ ("Tests the connection with the stored credentials."),
              entries, 2, &argc, &argv))
    return TFTSR_CLI_USAGE;
  if (tftsr_cli_store (cli) == NULL)
    return TFTSR_CLI_FAILED;
  if ((config = tftsr_store_get_connector (cli->store, argv[1], &error)) == NULL ||
      (detail = tftsr_connector_test (cli->store, config, NULL, NULL, &error)) == NULL)
    return tftsr_cli_fail (error);
  tftsr_cli_print_text (detail);
  putchar ('\n');
  return TFTSR_CLI_OK;
}

static int
connector_remove (TftsrCli *cli, int argc, char **argv)
{
  GOptionEntry entries[] = { END_OPTIONS };
  g_autoptr (GError) error = NULL;

  if (!parse ("connector remove", "NAME",
              _ ("Removes a connector and its credentials (OAuth tokens are revoked)."), entries, 2,
              &argc, &argv))
    return TFTSR_CLI_USAGE;
  if (tftsr_cli_store (cli) == NULL)
    return TFTSR_CLI_FAILED;
  return tftsr_store_remove_connector (cli->store, argv[1], NULL, &error) ? TFTSR_CLI_OK
                                                                          : tftsr_cli_fail (error);
}

typedef struct
{
  gboolean done;
  GError *error;
} SignIn;

static void
flow_done (GObject *source, GAsyncResult *result, gpointer data)
{
  SignIn *sign_in = data;

  tftsr_oauth_flow_run_finish (TFTSR_OAUTH_FLOW (source), result, &sign_in->error);
  sign_in->done = TRUE;
}

/* OAuth sign-in: the URL to open is printed; the loopback listener waits for the browser. */
static int
connector_sign_in (TftsrCli *cli, int argc, char **argv)
{
  GOptionEntry entries[] = { END_OPTIONS };
  g_autoptr (TftsrConnectorConfig) config = NULL;
  g_autoptr (TftsrOAuthFlow) flow = NULL;
  g_autoptr (GError) error = NULL;
  SignIn sign_in = { FALSE, NULL };

  if (!parse ("connector sign-in", "NAME",
              _ ("Signs an OAuth connector in: open the printed URL in a browser."), entries, 2,
              &argc, &argv))
    return TFTSR_CLI_USAGE;
  if (tftsr_cli_store (cli) == NULL)
    return TFTSR_CLI_FAILED;
  if ((config = tftsr_store_get_connector (cli->store, argv[1], &error)) == NULL ||
      (flow = tftsr_connector_sign_in_new (cli->store, config, &error)) == NULL)
    return tftsr_cli_fail (error);
  fprintf (stderr, _ ("Open this address in a browser to sign in:\n"));
  puts (tftsr_oauth_flow_get_authorization_url (flow));
  fflush (stdout);
  tftsr_oauth_flow_run_async (flow, SIGN_IN_SECONDS, NULL, flow_done, &sign_in);
  while (!sign_in.done)
    g_main_context_iteration (NULL, TRUE);
  if (sign_in.error != NULL)
    {
      g_propagate_error (&error, sign_in.error);
      return tftsr_cli_fail (error);
    }
  fprintf (stderr, _ ("Signed in.\n"));
  return TFTSR_CLI_OK;
}

/* --- tickets ------------------------------------------------------------------------------ */

/* "NAME ISSUE_ID" of a verb. */
static gboolean
name_and_issue (const char *command, const char *summary, GOptionEntry *entries, int *argc,
                char ***argv, gint64 *issue_id)
{
  return parse (command, "NAME ISSUE_ID", summary, entries, 3, argc, argv) &&
         tftsr_cli_parse_id ((*argv)[2], issue_id);
}

static int
connector_create_ticket (TftsrCli *cli, int argc, char **argv)
{
  gboolean json = FALSE, preview = FALSE;
  GOptionEntry entries[] = { JSON_OPTION (json), PREVIEW_OPTION (preview), END_OPTIONS };
  g_autoptr (GError) error = NULL;
  TftsrExternalItem *item;
  gint64 issue_id;

  if (!name_and_issue ("connector create-ticket",
                       _ ("Opens a ticket about the incident (redacted), or prints the one "
                          "already opened; never two."),
                       entries, &argc, &argv, &issue_id))
    return TFTSR_CLI_USAGE;
  if (preview)
    return print_preview (cli, argv[1], "create-ticket", issue_id, NULL);
  if (tftsr_cli_store (cli) == NULL)
    return TFTSR_CLI_FAILED;
  item = tftsr_connector_create_ticket (cli->store, argv[1], issue_id, NULL, &error);
  return print_result (item, error, json);
}

static int
connector_update_ticket (TftsrCli *cli, int argc, char **argv)
{
  gboolean json = FALSE, preview = FALSE;
  GOptionEntry entries[] = { JSON_OPTION (json), PREVIEW_OPTION (preview), END_OPTIONS };
  g_autoptr (GError) error = NULL;
  TftsrExternalItem *item;
  gint64 issue_id;

  if (!name_and_issue ("connector update-ticket",
                       _ ("Sends the incident's title, description and severity to its ticket."),
                       entries, &argc, &argv, &issue_id))
    return TFTSR_CLI_USAGE;
  if (preview)
    return print_preview (cli, argv[1], "update-ticket", issue_id, NULL);
  if (tftsr_cli_store (cli) == NULL)
    return TFTSR_CLI_FAILED;
  item = tftsr_connector_update_ticket (cli->store, argv[1], issue_id, NULL, &error);
  return print_result (item, error, json);
}

static int
connector_get (TftsrCli *cli, int argc, char **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = { JSON_OPTION (json), END_OPTIONS };
  g_autoptr (GError) error = NULL;

  if (!parse ("connector get", "NAME ID_OR_KEY", _ ("Shows a ticket of the service."), entries, 3,
              &argc, &argv))
    return TFTSR_CLI_USAGE;
  if (tftsr_cli_store (cli) == NULL)
    return TFTSR_CLI_FAILED;
  return print_result (tftsr_connector_get_ticket (cli->store, argv[1], argv[2], NULL, &error),
                       error, json);
}

static int
connector_comment (TftsrCli *cli, int argc, char **argv)
{
  GOptionEntry entries[] = { END_OPTIONS };
  g_autoptr (GError) error = NULL;
  gint64 issue_id;

  if (!parse ("connector comment", "NAME ISSUE_ID TEXT",
              _ ("Adds TEXT (redacted) as a comment or work note to the incident's ticket."),
              entries, 4, &argc, &argv) ||
      !tftsr_cli_parse_id (argv[2], &issue_id))
    return TFTSR_CLI_USAGE;
  if (tftsr_cli_store (cli) == NULL)
    return TFTSR_CLI_FAILED;
  return tftsr_connector_comment (cli->store, argv[1], issue_id, argv[3], NULL, &error)
             ? TFTSR_CLI_OK
             : tftsr_cli_fail (error);
}

static int
connector_search (TftsrCli *cli, int argc, char **argv)
{
  gboolean json = FALSE;
  gint limit = 20;
  GOptionEntry entries[] = {
    JSON_OPTION (json),
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, N_ ("At most this many (1-100)"), "N" },
    END_OPTIONS,
  };
  g_autoptr (GError) error = NULL;

  if (!parse ("connector search", "NAME QUERY",
              _ ("Searches the service's tickets or pages for QUERY (as text, never as query "
                 "syntax)."),
              entries, 3, &argc, &argv))
    return TFTSR_CLI_USAGE;
  if (limit < 1 || limit > 100)
    return tftsr_cli_usage_error (_ ("--limit must be between 1 and 100"));
  if (tftsr_cli_store (cli) == NULL)
    return TFTSR_CLI_FAILED;
  return print_items (
      tftsr_connector_search (cli->store, argv[1], argv[2], (guint) limit, NULL, &error), error,
      json);
}

static int
connector_containers (TftsrCli *cli, int argc, char **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = { JSON_OPTION (json), END_OPTIONS };
  g_autoptr (GError) error = NULL;

  if (!parse ("connector containers", "NAME",
              _ ("Lists the spaces, projects or actions of the service."), entries, 2, &argc,
              &argv))
    return TFTSR_CLI_USAGE;
  if (tftsr_cli_store (cli) == NULL)
    return TFTSR_CLI_FAILED;
  return print_items (tftsr_connector_list_containers (cli->store, argv[1], NULL, &error), error,
                      json);
}

/* --- pages, paging, automation, notifications ------------------------------------------- */

static int
connector_publish (TftsrCli *cli, int argc, char **argv)
{
  g_autofree char *space = NULL, *parent = NULL;
  gboolean json = FALSE, preview = FALSE, overwrite = FALSE;
  GOptionEntry entries[] = {
    JSON_OPTION (json),
    PREVIEW_OPTION (preview),
    { "space", 0, 0, G_OPTION_ARG_STRING, &space, N_ ("Space key (default: the connector's)"),
      "KEY" },
    { "parent", 0, 0, G_OPTION_ARG_STRING, &parent, N_ ("Parent page id"), "ID" },
    { "overwrite", 0, 0, G_OPTION_ARG_NONE, &overwrite,
      N_ ("Replace the page even if it was edited there since it was published"), NULL },
    END_OPTIONS,
  };
  g_autoptr (GError) error = NULL;
  gint64 document_id;

  if (!parse ("connector publish", "NAME DOC_ID",
              _ ("Publishes a document (redacted) as a page, or updates the page it was "
                 "published as; the link is kept with the document."),
              entries, 3, &argc, &argv) ||
      !tftsr_cli_parse_id (argv[2], &document_id))
    return TFTSR_CLI_USAGE;
  if (tftsr_cli_store (cli) == NULL)
    return TFTSR_CLI_FAILED;
  if (preview)
    {
      char *text = tftsr_connector_preview_publish (cli->store, argv[1], document_id, space, parent,
                                                    overwrite, &error);
      return print_preview_text (text, error);
    }
  return print_result (tftsr_connector_publish (cli->store, argv[1], document_id, space, parent,
                                                overwrite, NULL, &error),
                       error, json);
}

/* The one connector that can page, or the one named. */
static char *
paging_connector (TftsrCli *cli, const char *named, GError **error)
{
  g_autoptr (GPtrArray) configs = tftsr_store_list_connectors (cli->store, error);
  char *found = NULL;

  if (named != NULL || configs == NULL)
    return g_strdup (named);
  for (guint i = 0; i < configs->len; i++)
    {
      const TftsrConnectorConfig *c = configs->pdata[i];
      if ((tftsr_connector_kind_get_caps (c->kind) & TFTSR_CONNECTOR_CAN_PAGE) == 0)
        continue;
      if (found != NULL)
        {
          g_free (found);
          g_set_error_literal (error, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_INVALID,
                               _ ("Several connectors can page: name one with --connector"));
          return NULL;
        }
      found = g_strdup (c->id);
    }
  if (found == NULL)
    g_set_error_literal (error, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_INVALID,
                         _ ("No connector can page on-call: configure PagerDuty first"));
  return found;
}

static int
connector_page (TftsrCli *cli, int argc, char **argv)
{
  g_autofree char *named = NULL, *action = NULL, *connector = NULL;
  gboolean json = FALSE, preview = FALSE;
  GOptionEntry entries[] = {
    JSON_OPTION (json),
    PREVIEW_OPTION (preview),
    { "connector", 0, 0, G_OPTION_ARG_STRING, &named, N_ ("The connector to page through"),
      "NAME" },
    { "action", 0, 0, G_OPTION_ARG_STRING, &action,
      N_ ("trigger (default), acknowledge or resolve"), "ACTION" },
    END_OPTIONS,
  };
  static const char *const actions[] = { "trigger", "acknowledge", "resolve" };
  g_autoptr (GError) error = NULL;
  gint64 issue_id;
  guint a = 0;

  if (!parse ("connector page", "ISSUE_ID",
              _ ("Pages on-call about the incident (one alert per incident)."), entries, 2, &argc,
              &argv) ||
      !tftsr_cli_parse_id (argv[1], &issue_id))
    return TFTSR_CLI_USAGE;
  while (action != NULL && a < G_N_ELEMENTS (actions) && strcmp (action, actions[a]) != 0)
    a++;
  if (a == G_N_ELEMENTS (actions))
    return tftsr_cli_usage_error (_ ("--action must be trigger, acknowledge or resolve"));
  if (tftsr_cli_store (cli) == NULL)
    return TFTSR_CLI_FAILED;
  if ((connector = paging_connector (cli, named, &error)) == NULL)
    return tftsr_cli_fail (error);
  if (preview)
    {
      g_autofree char *operation = g_strdup_printf ("page-%s", actions[a]);
      return print_preview (cli, connector, operation, issue_id, NULL);
    }
  return print_result (
      tftsr_connector_page (cli->store, connector, issue_id, (TftsrPageAction) a, NULL, &error),
      error, json);
}

static void
print_progress (const char *status, double fraction, gpointer data)
{
  fprintf (stderr, "%s\n", status);
}

typedef struct
{
  TftsrExternalItem *item;
  GError *error;
  gboolean finished;
} Running;

static void
on_ran (GObject *source, GAsyncResult *result, gpointer data)
{
  Running *running = data;

  running->item = tftsr_connector_item_finish (TFTSR_STORE (source), result, &running->error);
  running->finished = TRUE;
}

static gboolean
on_interrupt (gpointer cancellable)
{
  g_cancellable_cancel (cancellable);
  return G_SOURCE_CONTINUE;
}

/* Runs in a worker so that Ctrl+C (handled on this thread's main context) stops the wait:
 * the execution started is still the result, linked and unwatched. */
static TftsrExternalItem *
run_action_interruptible (TftsrCli *cli, const char *connector, gint64 issue_id, const char *action,
                          const char *parameters, GError **error)
{
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  Running running = { NULL, NULL, FALSE };
  guint interrupt = g_unix_signal_add (SIGINT, on_interrupt, cancellable);

  tftsr_connector_run_action_async (cli->store, connector, issue_id, action, parameters,
                                    print_progress, NULL, cancellable, on_ran, &running);
  while (!running.finished)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (interrupt);
  if (running.error != NULL)
    g_propagate_error (error, running.error);
  return running.item;
}

static int
connector_run (TftsrCli *cli, int argc, char **argv)
{
  g_autofree char *parameters = NULL, *issue = NULL;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    JSON_OPTION (json),
    { "parameters", 0, 0, G_OPTION_ARG_STRING, &parameters, N_ ("Action parameters (JSON object)"),
      "JSON" },
    { "issue", 0, 0, G_OPTION_ARG_STRING, &issue,
      N_ ("The incident the run is for (its texts are redacted, the run linked)"), "ID" },
    END_OPTIONS,
  };
  g_autoptr (GError) error = NULL;
  TftsrExternalItem *item;
  gint64 issue_id = 0;

  if (!parse ("connector run", "NAME ACTION",
              _ ("Runs an automation action and waits for it to end; the status goes to "
                 "standard error as it changes. Ctrl+C stops waiting: the execution goes on "
                 "and is linked on the incident as unwatched."),
              entries, 3, &argc, &argv) ||
      (issue != NULL && !tftsr_cli_parse_id (issue, &issue_id)))
    return TFTSR_CLI_USAGE;
  if (tftsr_cli_store (cli) == NULL)
    return TFTSR_CLI_FAILED;
  item = run_action_interruptible (cli, argv[1], issue_id, argv[2], parameters, &error);
  if (item != NULL && g_strcmp0 (item->status, "succeeded") != 0)
    {
      print_result (item, NULL, json);
      return TFTSR_CLI_FAILED;
    }
  return print_result (item, error, json);
}

static int
connector_notify (TftsrCli *cli, int argc, char **argv)
{
  g_autofree char *event = NULL, *link = NULL;
  gboolean preview = FALSE;
  GOptionEntry entries[] = {
    PREVIEW_OPTION (preview),
    { "event", 0, 0, G_OPTION_ARG_STRING, &event, N_ ("opened (default), status or published"),
      "EVENT" },
    { "link", 0, 0, G_OPTION_ARG_STRING, &link, N_ ("The published page (for published)"), "URL" },
    END_OPTIONS,
  };
  static const char *const events[] = { "opened", "status", "published" };
  g_autoptr (GError) error = NULL;
  gint64 issue_id;
  guint e = 0;

  if (!name_and_issue ("connector notify",
                       _ ("Tells a webhook or a chat channel about the incident (redacted)."),
                       entries, &argc, &argv, &issue_id))
    return TFTSR_CLI_USAGE;
  while (event != NULL && e < G_N_ELEMENTS (events) && strcmp (event, events[e]) != 0)
    e++;
  if (e == G_N_ELEMENTS (events))
    return tftsr_cli_usage_error (_ ("--event must be opened, status or published"));
  if (preview)
    {
      g_autofree char *operation = g_strdup_printf ("notify-%s", events[e]);
      return print_preview (cli, argv[1], operation, issue_id, NULL);
    }
  if (tftsr_cli_store (cli) == NULL)
    return TFTSR_CLI_FAILED;
  return tftsr_connector_notify (cli->store, argv[1], issue_id, (TftsrNotifyEvent) e, link, NULL,
                                 &error)
             ? TFTSR_CLI_OK
             : tftsr_cli_fail (error);
}

/* --- records ------------------------------------------------------------------------------ */

static int
connector_runs (TftsrCli *cli, int argc, char **argv)
{
  gboolean json = FALSE;
  gint limit = 20;
  GOptionEntry entries[] = {
    JSON_OPTION (json),
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, N_ ("At most this many (default 20)"), "N" },
    END_OPTIONS,
  };
  g_autoptr (GPtrArray) runs = NULL;
  g_autoptr (GError) error = NULL;
  json_object *array;

  if (!tftsr_cli_parse ("connector runs", "[NAME]", _ ("Lists the newest calls made to services."),
                        entries, FALSE, &argc, &argv))
    return TFTSR_CLI_USAGE;
  if (argc > 2 || limit < 1)
    return tftsr_cli_usage_error (_ ("usage: tftsr-cli connector runs [NAME] [--limit N]"));
  if (tftsr_cli_store (cli) == NULL)
    return TFTSR_CLI_FAILED;
  if ((runs = tftsr_store_list_connector_runs (cli->store, argc == 2 ? argv[1] : NULL,
                                               (guint) limit, &error)) == NULL)
    return tftsr_cli_fail (error);
  array = json_object_new_array ();
  for (guint i = 0; i < runs->len; i++)
    {
      TftsrConnectorRun *r = runs->pdata[i];
      json_object *obj = json_object_new_object ();
      json_object_object_add (obj, "connector", tftsr_cli_json_string (r->connector));
      json_object_object_add (obj, "operation", tftsr_cli_json_string (r->operation));
      json_object_object_add (obj, "issue_id", json_object_new_int64 (r->issue_id));
      json_object_object_add (obj, "ok", json_object_new_boolean (r->ok));
      json_object_object_add (obj, "http_status", json_object_new_int ((int) r->http_status));
      json_object_object_add (obj, "latency_ms", json_object_new_int ((int) r->latency_ms));
      json_object_object_add (obj, "error", tftsr_cli_json_string (r->error));
      json_object_object_add (obj, "payload_sha256", tftsr_cli_json_string (r->payload_sha256));
      json_object_object_add (obj, "started_at", tftsr_cli_json_string (r->started_at));
      json_object_array_add (array, obj);
      if (json)
        continue;
      printf ("%s  ", r->started_at);
      tftsr_cli_print_text (r->connector);
      printf ("  %s  %s  %u  %u ms", r->operation, r->ok ? "ok" : _ ("failed"), r->http_status,
              r->latency_ms);
      if (r->error != NULL)
        {
          fputs ("  ", stdout);
          tftsr_cli_print_text (r->error);
        }
      putchar ('\n');
    }
  if (json)
    tftsr_cli_print_json (array);
  json_object_put (array);
  return TFTSR_CLI_OK;
}

static int
connector_links (TftsrCli *cli, int argc, char **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = { JSON_OPTION (json), END_OPTIONS };
  g_autoptr (GPtrArray) links = NULL;
  g_autoptr (GPtrArray) items =
      g_ptr_array_new_with_free_func ((GDestroyNotify) tftsr_external_item_free);
  g_autoptr (GError) error = NULL;
  gint64 issue_id;

  if (!parse ("connector links", "ISSUE_ID",
              _ ("Lists the tickets, pages, alerts and runs made for the incident."), entries, 2,
              &argc, &argv) ||
      !tftsr_cli_parse_id (argv[1], &issue_id))
    return TFTSR_CLI_USAGE;
  if (tftsr_cli_store (cli) == NULL)
    return TFTSR_CLI_FAILED;
  if ((links = tftsr_store_list_external_links (cli->store, issue_id, &error)) == NULL)
    return tftsr_cli_fail (error);
  for (guint i = 0; i < links->len; i++)
    {
      const TftsrExternalLink *l = links->pdata[i];
      g_ptr_array_add (items, tftsr_external_item_new (l->item.id, l->item.key, l->item.title,
                                                       l->item.status, l->item.url));
    }
  return print_items (g_steal_pointer (&items), NULL, json);
}

int
tftsr_cli_connector (TftsrCli *cli, int argc, char **argv)
{
  static const struct
  {
    const char *verb;
    TftsrCliCommand run;
  } verbs[] = {
    { "configure", connector_configure },
    { "list", connector_list },
    { "test", connector_test },
    { "remove", connector_remove },
    { "sign-in", connector_sign_in },
    { "create-ticket", connector_create_ticket },
    { "update-ticket", connector_update_ticket },
    { "get", connector_get },
    { "comment", connector_comment },
    { "search", connector_search },
    { "containers", connector_containers },
    { "publish", connector_publish },
    { "page", connector_page },
    { "run", connector_run },
    { "notify", connector_notify },
    { "runs", connector_runs },
    { "links", connector_links },
  };

  for (guint i = 0; argc >= 2 && i < G_N_ELEMENTS (verbs); i++)
    if (g_str_equal (argv[1], verbs[i].verb))
      return verbs[i].run (cli, argc - 1, argv + 1);
  return tftsr_cli_usage_error (
      _ ("usage: tftsr-cli connector configure|list|test|remove|sign-in|create-ticket|"
         "update-ticket|get|comment|search|containers|publish|page|run|notify|runs|links "
         "[arguments]"));
}
