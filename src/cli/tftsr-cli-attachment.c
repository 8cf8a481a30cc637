/* tftsr-cli-attachment.c: tftsr-cli attachment list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>
#include <stdio.h>

#include "tftsr-cli.h"

static json_object *
attachment_to_json (TftsrAttachment *a)
{
  json_object *obj = json_object_new_object ();
  gboolean log = tftsr_attachment_get_kind (a) == TFTSR_ATTACHMENT_LOG;

  json_object_object_add (obj, "kind", json_object_new_string (log ? "log" : "image"));
  json_object_object_add (obj, "id", json_object_new_int64 (tftsr_attachment_get_id (a)));
  json_object_object_add (obj, "issue_id",
                          json_object_new_int64 (tftsr_attachment_get_issue_id (a)));
  json_object_object_add (obj, "issue_title",
                          tftsr_cli_json_string (tftsr_attachment_get_issue_title (a)));
  json_object_object_add (obj, "name", tftsr_cli_json_string (tftsr_attachment_get_name (a)));
  json_object_object_add (obj, "size",
                          json_object_new_int64 ((gint64) tftsr_attachment_get_size (a)));
  json_object_object_add (obj, "created_at",
                          json_object_new_string (tftsr_attachment_get_created_at (a)));
  if (log)
    {
      json_object_object_add (obj, "detections",
                              json_object_new_int64 (tftsr_attachment_get_detections (a)));
      json_object_object_add (obj, "released",
                              json_object_new_int64 (tftsr_attachment_get_released (a)));
    }
  else
    json_object_object_add (obj, "acknowledged",
                            json_object_new_boolean (tftsr_attachment_get_acknowledged (a)));
  return obj;
}

static void
print_attachment (TftsrAttachment *a)
{
  gboolean log = tftsr_attachment_get_kind (a) == TFTSR_ATTACHMENT_LOG;
  g_autofree char *size = g_format_size (tftsr_attachment_get_size (a));
  g_autofree char *state = NULL;

  if (log)
    state = g_strdup_printf (_ ("%u detections, %u released"), tftsr_attachment_get_detections (a),
                             tftsr_attachment_get_released (a));
  else
    state = g_strdup (tftsr_attachment_get_acknowledged (a) ? _ ("may leave") : _ ("stays here"));
  printf ("%-5s %6" G_GINT64_FORMAT "  #%-5" G_GINT64_FORMAT " %10s  %-26s  ",
          log ? "log" : "image", tftsr_attachment_get_id (a), tftsr_attachment_get_issue_id (a),
          size, state);
  tftsr_cli_print_text (tftsr_attachment_get_name (a));
  printf ("\n");
}

static int
attachment_list (TftsrCli *cli, int argc, char **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_ ("Print JSON"), NULL },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (GError) error = NULL;
  json_object *array;

  if (!tftsr_cli_parse ("attachment list", "[NAME]",
                        _ ("Lists the logs and images of every incident, newest first; NAME "
                           "keeps those whose name contains it."),
                        entries, FALSE, &argc, &argv))
    return TFTSR_CLI_USAGE;
  if (argc > 2)
    return tftsr_cli_usage_error (_ ("give at most one name to look for"));
  if (tftsr_cli_store (cli) == NULL)
    return TFTSR_CLI_FAILED;
  if ((list = tftsr_store_list_attachments (cli->store, argc == 2 ? argv[1] : NULL, &error)) ==
      NULL)
    return tftsr_cli_fail (error);
  if (!json)
    {
      for (guint i = 0; i < list->len; i++)
        print_attachment (list->pdata[i]);
      return TFTSR_CLI_OK;
    }
  array = json_object_new_array ();
  for (guint i = 0; i < list->len; i++)
    json_object_array_add (array, attachment_to_json (list->pdata[i]));
  tftsr_cli_print_json (array);
  json_object_put (array);
  return TFTSR_CLI_OK;
}

int
tftsr_cli_attachment (TftsrCli *cli, int argc, char **argv)
{
  if (argc >= 2 && g_str_equal (argv[1], "list"))
    return attachment_list (cli, argc - 1, argv + 1);
  return tftsr_cli_usage_error (_ ("usage: tftsr-cli attachment list [NAME] [--json]"));
}
