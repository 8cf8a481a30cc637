/* tftsr-cli-audit.c: tftsr-cli audit verify|list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>
#include <stdio.h>

#include "tftsr-cli.h"

static int
audit_verify (TftsrCli *cli, int argc, char **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_ ("Print the result as JSON"), NULL },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr (GError) error = NULL;
  guint64 n = 0;
  gint64 bad = 0;
  gboolean ok;

  if (!tftsr_cli_parse ("audit verify", "",
                        _ ("Checks the audit log's hash chain; exits with 1 if any entry was "
                           "edited, removed or reordered."),
                        entries, FALSE, &argc, &argv))
    return TFTSR_CLI_USAGE;
  if (tftsr_cli_store (cli) == NULL)
    return TFTSR_CLI_FAILED;
  ok = tftsr_audit_verify (cli->store, &n, &bad, &error);
  if (json)
    {
      json_object *obj = json_object_new_object ();
      json_object_object_add (obj, "ok", json_object_new_boolean (ok));
      json_object_object_add (obj, "entries", json_object_new_int64 ((gint64) n));
      if (!ok)
        {
          json_object_object_add (obj, "first_bad_entry",
                                  bad > 0 ? json_object_new_int64 (bad) : NULL);
          json_object_object_add (obj, "error", tftsr_cli_json_string (error->message));
        }
      tftsr_cli_print_json (obj);
      json_object_put (obj);
      if (ok)
        return TFTSR_CLI_OK;
    }
  if (!ok)
    return tftsr_cli_fail (error);
  if (!json)
    printf (g_dngettext (GETTEXT_PACKAGE,
                         "The audit log is intact (%" G_GUINT64_FORMAT " entry).\n",
                         "The audit log is intact (%" G_GUINT64_FORMAT " entries).\n", n),
            n);
  return TFTSR_CLI_OK;
}

static int
audit_list (TftsrCli *cli, int argc, char **argv)
{
  gboolean json = FALSE;
  int limit = 50;
  GOptionEntry entries[] = {
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, N_ ("The newest N entries (0: all; default 50)"),
      "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_ ("Print JSON"), NULL },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr (GPtrArray) entries_list = NULL;
  g_autoptr (GError) error = NULL;
  json_object *array;

  if (!tftsr_cli_parse ("audit list", "", _ ("Lists the newest audit log entries."), entries, FALSE,
                        &argc, &argv))
    return TFTSR_CLI_USAGE;
  if (limit < 0)
    return tftsr_cli_usage_error (_ ("--limit must not be negative"));
  if (tftsr_cli_store (cli) == NULL)
    return TFTSR_CLI_FAILED;
  if ((entries_list = tftsr_audit_list (cli->store, (guint) limit, &error)) == NULL)
    return tftsr_cli_fail (error);

  array = json_object_new_array ();
  for (guint i = 0; i < entries_list->len; i++)
    {
      TftsrAuditEntry *e = g_ptr_array_index (entries_list, i);
      json_object *obj = json_object_new_object ();

      if (!json)
        printf ("%6" G_GINT64_FORMAT "  %s  %-16s  %s  %s\n", e->id, e->created_at, e->action,
                e->target, e->detail);
      json_object_object_add (obj, "id", json_object_new_int64 (e->id));
      json_object_object_add (obj, "created_at", tftsr_cli_json_string (e->created_at));
      json_object_object_add (obj, "action", tftsr_cli_json_string (e->action));
      json_object_object_add (obj, "target", tftsr_cli_json_string (e->target));
      json_object_object_add (obj, "detail", json_tokener_parse (e->detail));
      json_object_object_add (obj, "hash", tftsr_cli_json_string (e->hash));
      json_object_array_add (array, obj);
    }
  if (json)
    tftsr_cli_print_json (array);
  json_object_put (array);
  return TFTSR_CLI_OK;
}

int
tftsr_cli_audit (TftsrCli *cli, int argc, char **argv)
{
  if (argc >= 2 && g_str_equal (argv[1], "verify"))
    return audit_verify (cli, argc - 1, argv + 1);
  if (argc >= 2 && g_str_equal (argv[1], "list"))
    return audit_list (cli, argc - 1, argv + 1);
  if (argc >= 2 && (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h")))
    {
      puts (_ ("Usage: tftsr-cli audit verify|list [--json]"));
      return TFTSR_CLI_OK;
    }
  return tftsr_cli_usage_error (_ ("usage: tftsr-cli audit verify|list [--json]"));
}
