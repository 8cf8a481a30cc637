/* tftsr-cli-image.c: tftsr-cli image add|list|acknowledge|export|delete|max-size
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gio/gunixoutputstream.h>
#include <glib/gi18n.h>
#include <stdio.h>
#include <unistd.h>

#include "tftsr-cli.h"

static json_object *
json_dimension (guint pixels)
{
  return pixels > 0 ? json_object_new_int64 (pixels) : NULL;
}

static json_object *
image_to_json (TftsrImage *image)
{
  json_object *obj = json_object_new_object ();
  const char *acknowledged_at = tftsr_image_get_pii_acknowledged_at (image);

  json_object_object_add (obj, "id", json_object_new_int64 (tftsr_image_get_id (image)));
  json_object_object_add (obj, "issue_id",
                          json_object_new_int64 (tftsr_image_get_issue_id (image)));
  json_object_object_add (obj, "name", tftsr_cli_json_string (tftsr_image_get_name (image)));
  json_object_object_add (obj, "mime", json_object_new_string (tftsr_image_get_mime (image)));
  json_object_object_add (obj, "size",
                          json_object_new_int64 ((gint64) tftsr_image_get_size (image)));
  json_object_object_add (obj, "sha256", json_object_new_string (tftsr_image_get_sha256 (image)));
  json_object_object_add (obj, "width", json_dimension (tftsr_image_get_width (image)));
  json_object_object_add (obj, "height", json_dimension (tftsr_image_get_height (image)));
  json_object_object_add (obj, "acknowledged", json_object_new_boolean (acknowledged_at != NULL));
  json_object_object_add (obj, "pii_acknowledged_at",
                          acknowledged_at != NULL ? json_object_new_string (acknowledged_at)
                                                  : NULL);
  json_object_object_add (obj, "created_at",
                          json_object_new_string (tftsr_image_get_created_at (image)));
  return obj;
}

static int
image_add (TftsrCli *cli, int argc, char **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_ ("Print the stored image as JSON"), NULL },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr (GFile) file = NULL;
  g_autoptr (TftsrImage) image = NULL;
  g_autoptr (GError) error = NULL;
  gint64 issue_id;

  if (!tftsr_cli_parse ("image add", "ISSUE_ID FILE",
                        _ ("Stores an image (PNG, JPEG, GIF or WebP) with an incident; prints "
                           "the image's id."),
                        entries, FALSE, &argc, &argv))
    return TFTSR_CLI_USAGE;
  if (argc != 3)
    return tftsr_cli_usage_error (_ ("image add needs an incident id and a file"));
  if (!tftsr_cli_parse_id (argv[1], &issue_id))
    return TFTSR_CLI_USAGE;
  if (tftsr_cli_store (cli) == NULL)
    return TFTSR_CLI_FAILED;
  file = g_file_new_for_commandline_arg (argv[2]);
  if ((image = tftsr_store_add_image_file (cli->store, issue_id, file, NULL, &error)) == NULL)
    return tftsr_cli_fail (error);
  if (json)
    {
      json_object *obj = image_to_json (image);
      tftsr_cli_print_json (obj);
      json_object_put (obj);
    }
  else
    printf ("%" G_GINT64_FORMAT "\n", tftsr_image_get_id (image));
  return TFTSR_CLI_OK;
}

static void
print_image (TftsrImage *image)
{
  g_autofree char *size = g_format_size (tftsr_image_get_size (image));
  g_autofree char *pixels =
      tftsr_image_get_width (image) > 0
          ? g_strdup_printf ("%ux%u", tftsr_image_get_width (image), tftsr_image_get_height (image))
          : g_strdup ("?");

  printf ("%6" G_GINT64_FORMAT "  %9s  %-10s  %11s  %-16s  %s  ", tftsr_image_get_id (image), size,
          tftsr_image_get_mime (image), pixels,
          tftsr_image_get_pii_acknowledged_at (image) != NULL ? _ ("acknowledged")
                                                              : _ ("not acknowledged"),
          tftsr_image_get_created_at (image));
  tftsr_cli_print_text (tftsr_image_get_name (image));
  putchar ('\n');
}

static int
image_list (TftsrCli *cli, int argc, char **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_ ("Print JSON"), NULL },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr (GPtrArray) images = NULL;
  g_autoptr (GError) error = NULL;
  json_object *array;
  gint64 issue_id;

  if (!tftsr_cli_parse ("image list", "ISSUE_ID",
                        _ ("Lists an incident's images, newest first: id, size, type, pixels, "
                           "whether the PII warning was acknowledged, when added, name."),
                        entries, FALSE, &argc, &argv))
    return TFTSR_CLI_USAGE;
  if (argc != 2)
    return tftsr_cli_usage_error (_ ("image list needs an incident id"));
  if (!tftsr_cli_parse_id (argv[1], &issue_id))
    return TFTSR_CLI_USAGE;
  if (tftsr_cli_store (cli) == NULL)
    return TFTSR_CLI_FAILED;
  if ((images = tftsr_store_list_images (cli->store, issue_id, &error)) == NULL)
    return tftsr_cli_fail (error);
  array = json_object_new_array ();
  for (guint i = 0; i < images->len; i++)
    {
      if (!json)
        print_image (g_ptr_array_index (images, i));
      json_object_array_add (array, image_to_json (g_ptr_array_index (images, i)));
    }
  if (json)
    tftsr_cli_print_json (array);
  json_object_put (array);
  return TFTSR_CLI_OK;
}

static int
image_acknowledge (TftsrCli *cli, int argc, char **argv)
{
  GOptionEntry entries[] = { { NULL, 0, 0, 0, NULL, NULL, NULL } };
  g_autoptr (GError) error = NULL;
  gint64 image_id;

  if (!tftsr_cli_parse ("image acknowledge", "IMAGE_ID",
                        _ ("Records that you checked the image and accept that it may show "
                           "personal data or secrets, which lets it be exported. Recorded in "
                           "the audit log."),
                        entries, FALSE, &argc, &argv))
    return TFTSR_CLI_USAGE;
  if (argc != 2)
    return tftsr_cli_usage_error (_ ("image acknowledge needs an image id"));
  if (!tftsr_cli_parse_id (argv[1], &image_id))
    return TFTSR_CLI_USAGE;
  if (tftsr_cli_store (cli) == NULL)
    return TFTSR_CLI_FAILED;
  if (!tftsr_store_acknowledge_image_pii (cli->store, image_id, &error))
    return tftsr_cli_fail (error);
  return TFTSR_CLI_OK;
}

/* Says how to get past a refusal for want of acknowledgement. */
static int
export_refused (const GError *error, gint64 image_id)
{
  int status = tftsr_cli_fail (error);
  g_autofree char *command = NULL;

  if (g_error_matches (error, TFTSR_IMAGE_ERROR, TFTSR_IMAGE_ERROR_NOT_ACKNOWLEDGED))
    {
      command = g_strdup_printf ("tftsr-cli image acknowledge %" G_GINT64_FORMAT, image_id);
      fprintf (stderr, _ ("tftsr-cli: after checking the image, acknowledge it with “%s”\n"),
               command);
    }
  return status;
}

static int
image_export (TftsrCli *cli, int argc, char **argv)
{
  char *output_path = NULL;
  GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output_path,
      N_ ("Write to OUT instead of standard output"), "OUT" },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autofree char *out_path = NULL;
  g_autofree char *destination = NULL;
  g_autoptr (GOutputStream) output = NULL;
  g_autoptr (TftsrImage) image = NULL;
  g_autoptr (TftsrEgressReceipt) receipt = NULL;
  g_autoptr (GError) error = NULL;
  gint64 image_id;
  gboolean to_stdout;

  if (!tftsr_cli_parse ("image export", "IMAGE_ID",
                        _ ("Writes an image exactly as stored and records the export in the "
                           "audit log. Refused until the image's PII warning is acknowledged."),
                        entries, FALSE, &argc, &argv))
    return TFTSR_CLI_USAGE;
  out_path = output_path;
  if (argc != 2)
    return tftsr_cli_usage_error (_ ("image export needs an image id"));
  if (!tftsr_cli_parse_id (argv[1], &image_id))
    return TFTSR_CLI_USAGE;
  to_stdout = out_path == NULL || g_str_equal (out_path, "-");
  if (to_stdout && isatty (STDOUT_FILENO))
    return tftsr_cli_usage_error (
        _ ("refusing to write an image to a terminal; use -o FILE or a pipe"));
  if (tftsr_cli_store (cli) == NULL)
    return TFTSR_CLI_FAILED;
  /* Checked before the output is opened, so a refusal leaves no empty file behind; egress
   * checks again. */
  if ((image = tftsr_store_get_image (cli->store, image_id, &error)) == NULL ||
      !tftsr_image_check_acknowledged (image, &error))
    return export_refused (error, image_id);
  if (to_stdout)
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
  receipt = tftsr_egress_export_image (cli->store, image_id, output, destination, NULL, &error);
  if (receipt == NULL || !g_output_stream_close (output, NULL, &error))
    return export_refused (error, image_id);
  return TFTSR_CLI_OK;
}

static int
image_delete (TftsrCli *cli, int argc, char **argv)
{
  GOptionEntry entries[] = { { NULL, 0, 0, 0, NULL, NULL, NULL } };
  g_autoptr (GError) error = NULL;
  gint64 image_id;

  if (!tftsr_cli_parse ("image delete", "IMAGE_ID", _ ("Erases a stored image."), entries, FALSE,
                        &argc, &argv))
    return TFTSR_CLI_USAGE;
  if (argc != 2)
    return tftsr_cli_usage_error (_ ("image delete needs an image id"));
  if (!tftsr_cli_parse_id (argv[1], &image_id))
    return TFTSR_CLI_USAGE;
  if (tftsr_cli_store (cli) == NULL)
    return TFTSR_CLI_FAILED;
  if (!tftsr_store_delete_image (cli->store, image_id, &error))
    return tftsr_cli_fail (error);
  return TFTSR_CLI_OK;
}

static int
image_max_size (TftsrCli *cli, int argc, char **argv)
{
  GOptionEntry entries[] = { { NULL, 0, 0, 0, NULL, NULL, NULL } };
  g_autoptr (GError) error = NULL;
  guint64 max_size = 0;

  if (!tftsr_cli_parse ("image max-size", "[BYTES]",
                        _ ("Prints the size limit for new images in bytes, or sets it (0 for the "
                           "default of 20 MB)."),
                        entries, FALSE, &argc, &argv))
    return TFTSR_CLI_USAGE;
  if (argc > 2)
    return tftsr_cli_usage_error (_ ("image max-size takes at most one size"));
  if (argc == 2 && !g_ascii_string_to_unsigned (argv[1], 10, 0, G_MAXUINT64, &max_size, NULL))
    return tftsr_cli_usage_error (_ ("“%s” is not a number of bytes"), argv[1]);
  if (tftsr_cli_store (cli) == NULL)
    return TFTSR_CLI_FAILED;
  if (argc == 1)
    printf ("%" G_GUINT64_FORMAT "\n", tftsr_store_get_image_max_size (cli->store));
  else if (!tftsr_store_set_image_max_size (cli->store, max_size, &error))
    return tftsr_cli_fail (error);
  return TFTSR_CLI_OK;
}

int
tftsr_cli_image (TftsrCli *cli, int argc, char **argv)
{
  static const struct
  {
    const char *verb;
    TftsrCliCommand run;
  } verbs[] = {
    { "add", image_add },       { "list", image_list },     { "acknowledge", image_acknowledge },
    { "export", image_export }, { "delete", image_delete }, { "max-size", image_max_size },
  };

  for (guint i = 0; argc >= 2 && i < G_N_ELEMENTS (verbs); i++)
    if (g_str_equal (argv[1], verbs[i].verb))
      return verbs[i].run (cli, argc - 1, argv + 1);
  return tftsr_cli_usage_error (
      _ ("usage: tftsr-cli image add|list|acknowledge|export|delete|max-size [arguments]"));
}
