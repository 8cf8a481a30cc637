/* tftsr-cli-log.c: tftsr-cli log add|cat|export|list|delete|rescan
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gio/gunixinputstream.h>
#include <gio/gunixoutputstream.h>
#include <glib/gi18n.h>
#include <stdio.h>
#include <unistd.h>

#include "tftsr-cli.h"

static json_object *
log_to_json (TftsrLogFile *log)
{
  json_object *obj = json_object_new_object ();

  json_object_object_add (obj, "id", json_object_new_int64 (tftsr_log_file_get_id (log)));
  json_object_object_add (obj, "issue_id",
                          json_object_new_int64 (tftsr_log_file_get_issue_id (log)));
  json_object_object_add (obj, "name", tftsr_cli_json_string (tftsr_log_file_get_name (log)));
  json_object_object_add (obj, "compression",
                          json_object_new_string (tftsr_log_file_get_compression (log)));
  json_object_object_add (obj, "original_size",
                          json_object_new_int64 ((gint64) tftsr_log_file_get_original_size (log)));
  json_object_object_add (obj, "sha256", json_object_new_string (tftsr_log_file_get_sha256 (log)));
  json_object_object_add (obj, "size",
                          json_object_new_int64 ((gint64) tftsr_log_file_get_size (log)));
  json_object_object_add (obj, "lines",
                          json_object_new_int64 ((gint64) tftsr_log_file_get_line_count (log)));
  json_object_object_add (obj, "binary", json_object_new_boolean (tftsr_log_file_get_binary (log)));
  json_object_object_add (obj, "detections",
                          json_object_new_int64 (tftsr_log_file_get_pii_count (log)));
  json_object_object_add (obj, "created_at",
                          json_object_new_string (tftsr_log_file_get_created_at (log)));
  return obj;
}

static int
log_add (TftsrCli *cli, int argc, char **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_ ("Print the stored log as JSON"), NULL },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr (TftsrPiiScanner) scanner = NULL;
  g_autoptr (TftsrLogFile) log = NULL;
  g_autoptr (GError) error = NULL;
  gint64 issue_id;

  if (!tftsr_cli_parse ("log add", "ISSUE_ID FILE|-",
                        _ ("Stores a log (plain or .gz) with an incident and scans it for "
                           "personal data; prints the log's id."),
                        entries, FALSE, &argc, &argv))
    return TFTSR_CLI_USAGE;
  if (argc != 3)
    return tftsr_cli_usage_error (_ ("log add needs an incident id and a file (or - for "
                                     "standard input)"));
  if (!tftsr_cli_parse_id (argv[1], &issue_id))
    return TFTSR_CLI_USAGE;
  if ((scanner = tftsr_cli_scanner (cli)) == NULL)
    return TFTSR_CLI_FAILED;
  if (g_str_equal (argv[2], "-"))
    {
      g_autoptr (GInputStream) in = g_unix_input_stream_new (STDIN_FILENO, FALSE);
      log = tftsr_store_add_log (cli->store, issue_id, in, "stdin", 0, scanner, NULL, NULL, NULL,
                                 &error);
    }
  else
    {
      g_autoptr (GFile) file = g_file_new_for_commandline_arg (argv[2]);
      log =
          tftsr_store_add_log_file (cli->store, issue_id, file, scanner, NULL, NULL, NULL, &error);
    }
  if (log == NULL)
    return tftsr_cli_fail (error);
  if (json)
    {
      json_object *obj = log_to_json (log);
      tftsr_cli_print_json (obj);
      json_object_put (obj);
    }
  else
    printf ("%" G_GINT64_FORMAT "\n", tftsr_log_file_get_id (log));
  return TFTSR_CLI_OK;
}

static int
log_cat (TftsrCli *cli, int argc, char **argv)
{
  gboolean redacted = FALSE;
  GOptionEntry entries[] = {
    { "redacted", 0, 0, G_OPTION_ARG_NONE, &redacted,
      N_ ("Replace detected values by their pseudonyms (<EMAIL_1>)"), NULL },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr (GOutputStream) out = g_unix_output_stream_new (STDOUT_FILENO, FALSE);
  g_autoptr (GError) error = NULL;
  gint64 log_id;

  if (!tftsr_cli_parse ("log cat", "LOG_ID", _ ("Writes a stored log to standard output."), entries,
                        FALSE, &argc, &argv))
    return TFTSR_CLI_USAGE;
  if (argc != 2)
    return tftsr_cli_usage_error (_ ("log cat needs a log id"));
  if (!tftsr_cli_parse_id (argv[1], &log_id))
    return TFTSR_CLI_USAGE;
  if (tftsr_cli_store (cli) == NULL)
    return TFTSR_CLI_FAILED;
  if (!tftsr_store_write_log (cli->store, log_id, redacted, out, NULL, &error))
    return tftsr_cli_fail (error);
  return TFTSR_CLI_OK;
}

static int
log_digest (TftsrCli *cli, int argc, char **argv)
{
  int budget = 24000;
  GOptionEntry entries[] = {
    { "budget", 0, 0, G_OPTION_ARG_INT, &budget,
      N_ ("Bytes of text at most (default 24000; at least 1024)"), "BYTES" },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr (TftsrLogDigest) digest = NULL;
  g_autoptr (GError) error = NULL;
  gint64 log_id;

  if (!tftsr_cli_parse ("log digest", "LOG_ID",
                        _ ("Prints what of a log fits a budget: the whole log, or its first "
                           "and last lines, errors and warnings by frequency and the most "
                           "repeated lines. Not redacted."),
                        entries, FALSE, &argc, &argv))
    return TFTSR_CLI_USAGE;
  if (argc != 2)
    return tftsr_cli_usage_error (_ ("log digest needs a log id"));
  if (budget < 1024)
    return tftsr_cli_usage_error (_ ("--budget must be at least 1024"));
  if (!tftsr_cli_parse_id (argv[1], &log_id))
    return TFTSR_CLI_USAGE;
  if (tftsr_cli_store (cli) == NULL)
    return TFTSR_CLI_FAILED;
  if ((digest = tftsr_store_digest_log (cli->store, log_id, budget, NULL, NULL, NULL, &error)) ==
      NULL)
    return tftsr_cli_fail (error);
  tftsr_cli_print_text (tftsr_log_digest_get_text (digest));
  return TFTSR_CLI_OK;
}

static int
log_export (TftsrCli *cli, int argc, char **argv)
{
  char *output_path = NULL;
  GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output_path,
      N_ ("Write to OUT instead of "
          "standard output"),
      "OUT" },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autofree char *out_path = NULL;
  g_autofree char *destination = NULL;
  g_autoptr (GOutputStream) output = NULL;
  g_autoptr (TftsrEgressReceipt) receipt = NULL;
  g_autoptr (GError) error = NULL;
  gint64 log_id;

  if (!tftsr_cli_parse ("log export", "LOG_ID",
                        _ ("Writes a log redacted as reviewed (values not released become "
                           "pseudonyms) and records the export in the audit log."),
                        entries, FALSE, &argc, &argv))
    return TFTSR_CLI_USAGE;
  out_path = output_path;
  if (argc != 2)
    return tftsr_cli_usage_error (_ ("log export needs a log id"));
  if (!tftsr_cli_parse_id (argv[1], &log_id))
    return TFTSR_CLI_USAGE;
  if (tftsr_cli_store (cli) == NULL)
    return TFTSR_CLI_FAILED;
  if (out_path == NULL || g_str_equal (out_path, "-"))
    {
      destination = g_strdup ("stdout");
      output = g_unix_output_stream_new (STDOUT_FILENO, FALSE);
    }
  else
    {
      g_autoptr (GFile) file = g_file_new_for_commandline_arg (out_path);
      destination = g_file_get_uri (file);
      output =
          G_OUTPUT_STREAM (g_file_replace (file, NULL, FALSE, G_FILE_CREATE_PRIVATE, NULL, &error));
      if (output == NULL)
        return tftsr_cli_fail (error);
    }
  receipt = tftsr_egress_export_log (cli->store, log_id, output, destination, NULL, &error);
  if (receipt == NULL || !g_output_stream_close (output, NULL, &error))
    return tftsr_cli_fail (error);
  return TFTSR_CLI_OK;
}

static int
log_list (TftsrCli *cli, int argc, char **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_ ("Print JSON"), NULL },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr (GPtrArray) logs = NULL;
  g_autoptr (GError) error = NULL;
  json_object *array;
  gint64 issue_id;

  if (!tftsr_cli_parse ("log list", "ISSUE_ID", _ ("Lists an incident's logs."), entries, FALSE,
                        &argc, &argv))
    return TFTSR_CLI_USAGE;
  if (argc != 2)
    return tftsr_cli_usage_error (_ ("log list needs an incident id"));
  if (!tftsr_cli_parse_id (argv[1], &issue_id))
    return TFTSR_CLI_USAGE;
  if (tftsr_cli_store (cli) == NULL)
    return TFTSR_CLI_FAILED;
  if ((logs = tftsr_store_list_logs (cli->store, issue_id, &error)) == NULL)
    return tftsr_cli_fail (error);
  array = json_object_new_array ();
  for (guint i = 0; i < logs->len; i++)
    {
      TftsrLogFile *log = g_ptr_array_index (logs, i);
      if (!json)
        {
          printf ("%6" G_GINT64_FORMAT "  %12" G_GUINT64_FORMAT " B  %8" G_GUINT64_FORMAT
                  " lines  %6u detections  %.12s  ",
                  tftsr_log_file_get_id (log), tftsr_log_file_get_size (log),
                  tftsr_log_file_get_line_count (log), tftsr_log_file_get_pii_count (log),
                  tftsr_log_file_get_sha256 (log));
          tftsr_cli_print_text (tftsr_log_file_get_name (log));
          putchar ('\n');
        }
      json_object_array_add (array, log_to_json (log));
    }
  if (json)
    tftsr_cli_print_json (array);
  json_object_put (array);
  return TFTSR_CLI_OK;
}

static int
log_delete (TftsrCli *cli, int argc, char **argv)
{
  GOptionEntry entries[] = { { NULL, 0, 0, 0, NULL, NULL, NULL } };
  g_autoptr (GError) error = NULL;
  gint64 log_id;

  if (!tftsr_cli_parse ("log delete", "LOG_ID", _ ("Erases a stored log."), entries, FALSE, &argc,
                        &argv))
    return TFTSR_CLI_USAGE;
  if (argc != 2)
    return tftsr_cli_usage_error (_ ("log delete needs a log id"));
  if (!tftsr_cli_parse_id (argv[1], &log_id))
    return TFTSR_CLI_USAGE;
  if (tftsr_cli_store (cli) == NULL)
    return TFTSR_CLI_FAILED;
  if (!tftsr_store_delete_log (cli->store, log_id, &error))
    return tftsr_cli_fail (error);
  return TFTSR_CLI_OK;
}

/* Detections in a log, or in all logs of an incident. */
static gboolean
count_detections (TftsrCli *cli, gint64 id, gboolean issue, guint64 *detections, GError **error)
{
  g_autoptr (GPtrArray) logs = NULL;
  TftsrLogFile *log;

  if (issue)
    logs = tftsr_store_list_logs (cli->store, id, error);
  else if ((log = tftsr_store_get_log (cli->store, id, error)) != NULL)
    {
      logs = g_ptr_array_new_with_free_func (g_object_unref);
      g_ptr_array_add (logs, log);
    }
  if (logs == NULL)
    return FALSE;
  *detections = 0;
  for (guint i = 0; i < logs->len; i++)
    *detections += tftsr_log_file_get_pii_count (logs->pdata[i]);
  return TRUE;
}

static int
log_rescan (TftsrCli *cli, int argc, char **argv)
{
  gboolean issue = FALSE;
  GOptionEntry entries[] = {
    { "issue", 0, 0, G_OPTION_ARG_NONE, &issue, N_ ("Re-scan every log of incident ID"), NULL },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr (TftsrPiiScanner) scanner = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  guint64 before = 0, after = 0;
  gint64 id;
  gboolean ok;

  if (!tftsr_cli_parse ("log rescan", "LOG_ID | --issue ISSUE_ID",
                        _ ("Scans stored logs again with the current detection settings (pii "
                           "config), keeping review decisions and hand-marked spans."),
                        entries, FALSE, &argc, &argv))
    return TFTSR_CLI_USAGE;
  if (argc != 2)
    return tftsr_cli_usage_error (_ ("log rescan needs a log id, or --issue and an incident id"));
  if (!tftsr_cli_parse_id (argv[1], &id))
    return TFTSR_CLI_USAGE;
  if (tftsr_cli_store (cli) == NULL || (scanner = tftsr_cli_scanner (cli)) == NULL)
    return TFTSR_CLI_FAILED;
  ok = count_detections (cli, id, issue, &before, &error) &&
       (issue ? tftsr_store_rescan_issue (cli->store, id, scanner, NULL, NULL, NULL, &error)
              : tftsr_store_rescan_log (cli->store, id, scanner, NULL, NULL, NULL, &error)) &&
       count_detections (cli, id, issue, &after, &error);
  if (!ok)
    return tftsr_cli_fail (error);
  from = g_strdup_printf ("%" G_GUINT64_FORMAT, before);
  to = g_strdup_printf ("%" G_GUINT64_FORMAT, after);
  /* Translators: detections in the log(s) before and after the re-scan */
  printf (_ ("%s → %s detections\n"), from, to);
  return TFTSR_CLI_OK;
}

int
tftsr_cli_log (TftsrCli *cli, int argc, char **argv)
{
  static const struct
  {
    const char *verb;
    TftsrCliCommand run;
  } verbs[] = {
    { "add", log_add },       { "cat", log_cat },       { "export", log_export },
    { "list", log_list },     { "delete", log_delete }, { "rescan", log_rescan },
    { "digest", log_digest },
  };

  for (guint i = 0; argc >= 2 && i < G_N_ELEMENTS (verbs); i++)
    if (g_str_equal (argv[1], verbs[i].verb))
      return verbs[i].run (cli, argc - 1, argv + 1);
  return tftsr_cli_usage_error (
      _ ("usage: tftsr-cli log add|cat|export|list|delete|rescan|digest [arguments]"));
}
