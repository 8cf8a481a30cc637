/* tftsr-cli.c: the scripting front end: tftsr-cli [--db PATH] <noun> <verb> [args]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>

#include "tftsr-cli.h"

static const struct
{
  const char *noun;
  TftsrCliCommand run;
  const char *summary;
} nouns[] = {
  { "issue", tftsr_cli_issue,
    N_ ("create, list, show, search, update, delete and restore incidents") },
  { "audit", tftsr_cli_audit, N_ ("verify and list the audit log") },
  { "log", tftsr_cli_log, N_ ("add logs to incidents, print them plain or redacted") },
  { "attachment", tftsr_cli_attachment, N_ ("list the logs and images of every incident") },
  { "image", tftsr_cli_image,
    N_ ("attach screenshots to incidents; export them once their PII warning is acknowledged") },
  { "pii", tftsr_cli_pii, N_ ("find personal data and secrets; list the catalogue") },
  { "insight", tftsr_cli_insight,
    N_ ("what logs say: templates, what changed after a moment, similar incidents") },
  { "ai", tftsr_cli_ai, N_ ("configure AI providers; the 5-Whys triage chat") },
  { "connector", tftsr_cli_connector,
    N_ ("tickets, pages, paging, automation and notifications in other services") },
  { "mcp", tftsr_cli_mcp,
    N_ ("MCP servers: add, list, discover their tools, call one, enable, disable, remove") },
  { "doc", tftsr_cli_doc,
    N_ ("RCA and post-mortem: generate, show, edit, revisions, diff, revert, export") },
  { "ollama", tftsr_cli_ollama,
    N_ ("local models: status, list, pull, delete; this machine's hardware and the models that "
        "suit it") },
};

static void
print_help (FILE *out)
{
  fprintf (out, "%s\n\n", _ ("Usage: tftsr-cli [--db PATH] <noun> <verb> [arguments]"));
  for (guint i = 0; i < G_N_ELEMENTS (nouns); i++)
    fprintf (out, "  %-8s %s\n", nouns[i].noun, _ (nouns[i].summary));
  fprintf (out, "\n%s\n",
           _ ("Run “tftsr-cli <noun> --help” for the verbs of a noun. "
              "Exit status: 0 success, 1 failure, 2 usage error."));
}

gboolean
tftsr_cli_db_exists (TftsrCli *cli)
{
  if (cli->db_path == NULL)
    cli->db_path = tftsr_store_default_path ();
  return cli->store != NULL || g_file_test (cli->db_path, G_FILE_TEST_EXISTS);
}

TftsrStore *
tftsr_cli_store (TftsrCli *cli)
{
  g_autoptr (TftsrDbKey) key = NULL;
  g_autoptr (GError) error = NULL;

  if (cli->store != NULL)
    return cli->store;
  if (cli->db_path == NULL)
    cli->db_path = tftsr_store_default_path ();
  key = tftsr_db_key_resolve (g_file_test (cli->db_path, G_FILE_TEST_EXISTS), NULL, &error);
  if (key != NULL)
    cli->store = tftsr_store_open (cli->db_path, key, &error);
  if (cli->store == NULL)
    tftsr_cli_fail (error);
  return cli->store;
}

TftsrPiiSettings *
tftsr_cli_pii_settings (TftsrCli *cli)
{
  g_autoptr (GError) error = NULL;
  TftsrPiiSettings *settings;

  /* Without a database there are no settings: scanning alone creates none. */
  if (!tftsr_cli_db_exists (cli))
    return tftsr_pii_settings_new ();
  if (tftsr_cli_store (cli) == NULL)
    return NULL;
  if ((settings = tftsr_store_load_pii_settings (cli->store, &error)) == NULL)
    tftsr_cli_fail (error);
  return settings;
}

TftsrPiiScanner *
tftsr_cli_scanner (TftsrCli *cli)
{
  g_autoptr (TftsrPiiSettings) settings = tftsr_cli_pii_settings (cli);
  g_autoptr (GError) error = NULL;
  TftsrPiiScanner *scanner;

  if (settings == NULL)
    return NULL;
  if ((scanner = tftsr_pii_settings_build_scanner (settings, &error)) == NULL)
    tftsr_cli_fail (error);
  return scanner;
}

int
main (int argc, char **argv)
{
  TftsrCli cli = { NULL, NULL };
  int status;
  int i = 1;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_prgname ("tftsr-cli");

  for (; i < argc && argv[i][0] == '-'; i++)
    {
      if (g_str_equal (argv[i], "--help") || g_str_equal (argv[i], "-h"))
        {
          print_help (stdout);
          return TFTSR_CLI_OK;
        }
      else if (g_str_equal (argv[i], "--version"))
        {
          printf ("tftsr-cli %s\n", TFTSR_VERSION);
          return TFTSR_CLI_OK;
        }
      else if (g_str_equal (argv[i], "--db") && i + 1 < argc)
        cli.db_path = g_strdup (argv[++i]);
      else if (g_str_has_prefix (argv[i], "--db="))
        cli.db_path = g_strdup (argv[i] + 5);
      else
        return tftsr_cli_usage_error (_ ("unknown option “%s”"), argv[i]);
    }
  if (i >= argc)
    {
      print_help (stderr);
      return TFTSR_CLI_USAGE;
    }

  status = -1;
  for (guint n = 0; n < G_N_ELEMENTS (nouns) && status < 0; n++)
    if (g_str_equal (argv[i], nouns[n].noun))
      status = nouns[n].run (&cli, argc - i, argv + i);
  if (status < 0)
    status = tftsr_cli_usage_error (_ ("unknown command “%s”; run tftsr-cli --help"), argv[i]);

  g_clear_object (&cli.store);
  g_free (cli.db_path);
  return status;
}
