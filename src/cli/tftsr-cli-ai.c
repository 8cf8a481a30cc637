/* tftsr-cli-ai.c: tftsr-cli ai add|providers|use|remove|test|models (chat and whys are in
 * tftsr-cli-ai-chat.c)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "tftsr-cli.h"

static json_object *
provider_to_json (const TftsrAiProvider *p)
{
  json_object *obj = json_object_new_object ();

  json_object_object_add (obj, "id", json_object_new_int64 (p->id));
  json_object_object_add (obj, "name", tftsr_cli_json_string (p->name));
  json_object_object_add (obj, "format",
                          json_object_new_string (tftsr_ai_format_to_string (p->format)));
  json_object_object_add (obj, "url", tftsr_cli_json_string (p->base_url));
  json_object_object_add (obj, "model", tftsr_cli_json_string (p->model));
  json_object_object_add (obj, "tools",
                          json_object_new_string (tftsr_ai_tools_to_string (p->tools)));
  json_object_object_add (obj, "insecure", json_object_new_boolean (p->insecure));
  json_object_object_add (obj, "options", json_tokener_parse (p->options));
  json_object_object_add (obj, "active", json_object_new_boolean (p->active));
  json_object_object_add (obj, "has_key", json_object_new_boolean (p->has_key));
  return obj;
}

/* --option KEY=VALUE… as a JSON object. */
static char *
options_json (char **options)
{
  json_object *obj = json_object_new_object ();
  char *json;

  for (guint i = 0; options != NULL && options[i] != NULL; i++)
    {
      const char *eq = strchr (options[i], '=');
      g_autofree char *key = NULL;

      if (eq == NULL || eq == options[i])
        {
          json_object_put (obj);
          return NULL;
        }
      key = g_strndup (options[i], eq - options[i]);
      json_object_object_add (obj, key, json_object_new_string (eq + 1));
    }
  json = g_strdup (json_object_to_json_string_ext (obj, JSON_C_TO_STRING_PLAIN));
  json_object_put (obj);
  return json;
}

static int
ai_add (TftsrCli *cli, int argc, char **argv)
{
  g_autofree char *format = NULL, *url = NULL, *model = NULL, *key_env = NULL, *tools = NULL;
  g_auto (GStrv) options = NULL;
  gboolean insecure = FALSE;
  GOptionEntry entries[] = {
    { "format", 0, 0, G_OPTION_ARG_STRING, &format,
      N_ ("openai, anthropic, gemini, mistral, ollama or custom"), "FORMAT" },
    { "url", 0, 0, G_OPTION_ARG_STRING, &url, N_ ("Base URL of the API"), "URL" },
    { "model", 0, 0, G_OPTION_ARG_STRING, &model, N_ ("Model to use"), "MODEL" },
    { "api-key-env", 0, 0, G_OPTION_ARG_STRING, &key_env,
      N_ ("Read the API key from this environment variable"), "VAR" },
    { "tools", 0, 0, G_OPTION_ARG_STRING, &tools, N_ ("Offer tools: auto, on or off"), "MODE" },
    { "option", 0, 0, G_OPTION_ARG_STRING_ARRAY, &options,
      N_ ("A format-specific setting (repeatable)"), "KEY=VALUE" },
    { "insecure", 0, 0, G_OPTION_ARG_NONE, &insecure,
      N_ ("Do not verify the server's TLS certificate (dangerous)"), NULL },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr (TftsrAiProvider) provider = NULL;
  g_autoptr (GError) error = NULL;
  char *key = NULL;
  TftsrAiFormat fmt;
  gint64 id;

  if (!tftsr_cli_parse ("ai add", "NAME", _ ("Configures an AI provider."), entries, FALSE, &argc,
                        &argv))
    return TFTSR_CLI_USAGE;
  if (argc != 2)
    return tftsr_cli_usage_error (_ ("ai add needs a name"));
  if (!tftsr_ai_format_from_string (format, &fmt))
    return tftsr_cli_usage_error (
        _ ("--format must be openai, anthropic, gemini, mistral, ollama or custom"));
  provider = tftsr_ai_provider_new (argv[1], fmt, url, model);
  if (tools != NULL && !tftsr_ai_tools_from_string (tools, &provider->tools))
    return tftsr_cli_usage_error (_ ("--tools must be auto, on or off"));
  provider->insecure = insecure;
  g_free (provider->options);
  if ((provider->options = options_json (options)) == NULL)
    return tftsr_cli_usage_error (_ ("--option takes KEY=VALUE"));
  if (!tftsr_cli_read_secret (key_env, _ ("API key"), argv[1], _ ("empty for none"), &key))
    return TFTSR_CLI_USAGE;
  if (tftsr_cli_store (cli) == NULL)
    {
      tftsr_cli_wipe_secret (key);
      return TFTSR_CLI_FAILED;
    }
  id = tftsr_store_add_ai_provider (cli->store, provider, key, &error);
  tftsr_cli_wipe_secret (key);
  if (id == 0)
    return tftsr_cli_fail (error);
  printf ("%" G_GINT64_FORMAT "\n", id);
  return TFTSR_CLI_OK;
}

static int
ai_providers (TftsrCli *cli, int argc, char **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_ ("Print JSON"), NULL },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr (GPtrArray) providers = NULL;
  g_autoptr (GError) error = NULL;
  json_object *array;

  if (!tftsr_cli_parse ("ai providers", "", _ ("Lists the AI providers."), entries, FALSE, &argc,
                        &argv))
    return TFTSR_CLI_USAGE;
  if (tftsr_cli_store (cli) == NULL)
    return TFTSR_CLI_FAILED;
  if ((providers = tftsr_store_list_ai_providers (cli->store, &error)) == NULL)
    return tftsr_cli_fail (error);
  array = json_object_new_array ();
  for (guint i = 0; i < providers->len; i++)
    {
      TftsrAiProvider *p = providers->pdata[i];

      json_object_array_add (array, provider_to_json (p));
      if (json)
        continue;
      printf ("%s ", p->active ? "*" : " ");
      tftsr_cli_print_text (p->name);
      printf ("  %s  %s  ", tftsr_ai_format_to_string (p->format), p->model);
      tftsr_cli_print_text (p->base_url);
      printf ("%s%s\n", p->has_key ? "" : _ ("  (no key)"),
              p->insecure ? _ ("  (TLS not verified)") : "");
    }
  if (json)
    tftsr_cli_print_json (array);
  json_object_put (array);
  return TFTSR_CLI_OK;
}

/* "ai use NAME" and "ai remove NAME". */
static int
ai_change (TftsrCli *cli, int argc, char **argv, gboolean remove)
{
  GOptionEntry entries[] = { { NULL, 0, 0, 0, NULL, NULL, NULL } };
  g_autoptr (TftsrAiProvider) provider = NULL;
  g_autoptr (GError) error = NULL;
  gboolean ok;

  if (!tftsr_cli_parse (remove ? "ai remove" : "ai use", "NAME",
                        remove ? _ ("Removes an AI provider and its key.")
                               : _ ("Makes an AI provider the one in use."),
                        entries, FALSE, &argc, &argv))
    return TFTSR_CLI_USAGE;
  if (argc != 2)
    return tftsr_cli_usage_error (_ ("This command needs a provider name"));
  if (tftsr_cli_store (cli) == NULL)
    return TFTSR_CLI_FAILED;
  if ((provider = tftsr_store_get_ai_provider (cli->store, argv[1], &error)) == NULL)
    return tftsr_cli_fail (error);
  ok = remove ? tftsr_store_remove_ai_provider (cli->store, provider->id, &error)
              : tftsr_store_set_active_ai_provider (cli->store, provider->id, &error);
  return ok ? TFTSR_CLI_OK : tftsr_cli_fail (error);
}

static int
ai_use (TftsrCli *cli, int argc, char **argv)
{
  return ai_change (cli, argc, argv, FALSE);
}

static int
ai_remove (TftsrCli *cli, int argc, char **argv)
{
  return ai_change (cli, argc, argv, TRUE);
}

/* The provider named by the only argument of "ai @verb NAME", or NULL after saying why
 * (with *status set). */
static TftsrAiProvider *
named_provider (TftsrCli *cli, const char *verb, const char *summary, const GOptionEntry *entries,
                int argc, char **argv, int *status)
{
  g_autofree char *command = g_strdup_printf ("ai %s", verb);
  g_autoptr (GError) error = NULL;
  TftsrAiProvider *provider;

  *status = TFTSR_CLI_USAGE;
  if (!tftsr_cli_parse (command, "NAME", summary, entries, FALSE, &argc, &argv))
    return NULL;
  if (argc != 2)
    {
      tftsr_cli_usage_error (_ ("This command needs a provider name"));
      return NULL;
    }
  *status = TFTSR_CLI_FAILED;
  if (tftsr_cli_store (cli) == NULL)
    return NULL;
  if ((provider = tftsr_store_get_ai_provider (cli->store, argv[1], &error)) == NULL)
    tftsr_cli_fail (error);
  return provider;
}

static int
ai_test (TftsrCli *cli, int argc, char **argv)
{
  GOptionEntry entries[] = { { NULL, 0, 0, 0, NULL, NULL, NULL } };
  g_autoptr (TftsrAiProvider) provider = NULL;
  g_autoptr (TftsrAiTestResult) result = NULL;
  g_autoptr (GError) error = NULL;
  int status;

  provider = named_provider (cli, "test",
                             _ ("Sends a short request without incident data and reports the "
                                "reply, the time it took and whether the model can use tools."),
                             entries, argc, argv, &status);
  if (provider == NULL)
    return status;
  if ((result = tftsr_ai_test_provider (cli->store, provider, NULL, &error)) == NULL)
    return tftsr_cli_fail (error);
  printf ("%s ", _ ("Reply:"));
  tftsr_cli_print_text (result->reply);
  putchar ('\n');
  printf (_ ("Time: %u ms\n"), (guint) MIN (result->elapsed_ms, G_MAXUINT));
  if (!result->tools_known)
    puts (_ ("Tools: not probed"));
  else
    puts (result->tools ? _ ("Tools: supported") : _ ("Tools: not supported"));
  return TFTSR_CLI_OK;
}

static int
ai_models (TftsrCli *cli, int argc, char **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_ ("Print JSON"), NULL },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr (TftsrAiProvider) provider = NULL;
  g_autoptr (GPtrArray) models = NULL;
  g_autoptr (GError) error = NULL;
  json_object *array;
  int status;

  provider = named_provider (cli, "models", _ ("Lists the models the provider offers."), entries,
                             argc, argv, &status);
  if (provider == NULL)
    return status;
  if ((models = tftsr_ai_list_models (cli->store, provider, NULL, &error)) == NULL)
    return tftsr_cli_fail (error);
  array = json_object_new_array ();
  for (guint i = 0; i < models->len; i++)
    {
      json_object_array_add (array, tftsr_cli_json_string (models->pdata[i]));
      if (json)
        continue;
      tftsr_cli_print_text (models->pdata[i]);
      putchar ('\n');
    }
  if (json)
    tftsr_cli_print_json (array);
  json_object_put (array);
  return TFTSR_CLI_OK;
}

int
tftsr_cli_ai (TftsrCli *cli, int argc, char **argv)
{
  static const struct
  {
    const char *verb;
    TftsrCliCommand run;
  } verbs[] = {
    { "add", ai_add },
    { "providers", ai_providers },
    { "use", ai_use },
    { "remove", ai_remove },
    { "test", ai_test },
    { "models", ai_models },
    { "chat", tftsr_cli_ai_chat },
    { "whys", tftsr_cli_ai_whys },
    { "analyze", tftsr_cli_ai_analyze },
  };

  for (guint i = 0; argc >= 2 && i < G_N_ELEMENTS (verbs); i++)
    if (g_str_equal (argv[1], verbs[i].verb))
      return verbs[i].run (cli, argc - 1, argv + 1);
  return tftsr_cli_usage_error (
      _ ("usage: tftsr-cli ai add|providers|use|remove|test|models|chat|whys|analyze [arguments]"));
}
