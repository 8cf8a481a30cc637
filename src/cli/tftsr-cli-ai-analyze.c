/* tftsr-cli-ai-analyze.c: tftsr-cli ai analyze
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>
#include <stdio.h>

#include "tftsr-cli.h"

static json_object *
analysis_to_json (const TftsrLogAnalysis *a)
{
  json_object *obj = json_object_new_object ();
  json_object *findings = json_object_new_array ();

  for (guint i = 0; i < a->findings->len; i++)
    json_object_array_add (findings, tftsr_cli_json_string (a->findings->pdata[i]));
  json_object_object_add (obj, "id", json_object_new_int64 (a->id));
  json_object_object_add (obj, "provider", tftsr_cli_json_string (a->provider));
  json_object_object_add (obj, "model", tftsr_cli_json_string (a->model));
  json_object_object_add (obj, "logs", json_tokener_parse (a->logs));
  json_object_object_add (obj, "summary", tftsr_cli_json_string (a->summary));
  json_object_object_add (obj, "key_findings", findings);
  json_object_object_add (obj, "first_why", tftsr_cli_json_string (a->first_why));
  json_object_object_add (
      obj, "severity",
      a->has_severity ? json_object_new_string (tftsr_severity_to_string (a->severity)) : NULL);
  json_object_object_add (obj, "severity_reason", tftsr_cli_json_string (a->severity_reason));
  json_object_object_add (obj, "parsed", json_object_new_boolean (a->parsed));
  json_object_object_add (obj, "created_at", json_object_new_string (a->created_at));
  return obj;
}

static void
print_analysis (const TftsrLogAnalysis *a)
{
  tftsr_cli_print_text (a->summary);
  printf ("\n");
  for (guint i = 0; i < a->findings->len; i++)
    {
      printf ("- ");
      tftsr_cli_print_text (a->findings->pdata[i]);
      printf ("\n");
    }
  if (*a->first_why != '\0')
    {
      printf (_ ("Suggested answer to why 1: "));
      tftsr_cli_print_text (a->first_why);
      printf ("\n");
    }
  if (a->has_severity)
    {
      printf (_ ("Suggested severity: %s — "), tftsr_severity_to_string (a->severity));
      tftsr_cli_print_text (a->severity_reason);
      printf ("\n");
    }
}

/* tftsr-cli ai analyze ISSUE_ID [LOG_ID…] [--provider NAME] [--json] */
int
tftsr_cli_ai_analyze (TftsrCli *cli, int argc, char **argv)
{
  g_autofree char *provider = NULL;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "provider", 0, 0, G_OPTION_ARG_STRING, &provider,
      N_ ("Use this provider, not the one in use"), "NAME" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_ ("Print JSON"), NULL },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr (GArray) logs = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (TftsrLogAnalysis) analysis = NULL;
  g_autoptr (GError) error = NULL;
  gint64 issue_id;

  if (!tftsr_cli_parse ("ai analyze", "ISSUE_ID [LOG_ID…]",
                        _ ("Sends the incident's logs (all, or those named), redacted, whole or "
                           "as digests, to the AI provider and prints its summary, findings, "
                           "a suggested first why and severity."),
                        entries, FALSE, &argc, &argv))
    return TFTSR_CLI_USAGE;
  if (argc < 2)
    return tftsr_cli_usage_error (_ ("ai analyze needs an incident id"));
  if (!tftsr_cli_parse_id (argv[1], &issue_id))
    return TFTSR_CLI_USAGE;
  for (int i = 2; i < argc; i++)
    {
      gint64 id;
      if (!tftsr_cli_parse_id (argv[i], &id))
        return TFTSR_CLI_USAGE;
      g_array_append_val (logs, id);
    }
  if (tftsr_cli_store (cli) == NULL)
    return TFTSR_CLI_FAILED;
  analysis = tftsr_triage_analyze_logs (cli->store, issue_id, (const gint64 *) logs->data,
                                        logs->len, provider, NULL, NULL, NULL, &error);
  if (analysis == NULL)
    return tftsr_cli_fail (error);
  if (json)
    {
      json_object *obj = analysis_to_json (analysis);
      tftsr_cli_print_json (obj);
      json_object_put (obj);
    }
  else
    print_analysis (analysis);
  return TFTSR_CLI_OK;
}
