/* tftsr-cli-pii.c: tftsr-cli pii scan|redact|types|patterns
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <fcntl.h>
#include <gio/gunixinputstream.h>
#include <gio/gunixoutputstream.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <unistd.h>

#include "tftsr-cli.h"

#define READ_BLOCK (256 * 1024)

/* Writes @len bytes as a JSON string: escaped, invalid UTF-8 as U+FFFD. */
static void
write_json_string (FILE *out, const guint8 *s, gsize len)
{
  g_autofree char *valid = g_utf8_make_valid ((const char *) s, len);

  fputc ('"', out);
  for (const char *p = valid; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;
      if (c == '"' || c == '\\')
        fprintf (out, "\\%c", c);
      else if (c == '\n')
        fputs ("\\n", out);
      else if (c == '\r')
        fputs ("\\r", out);
      else if (c == '\t')
        fputs ("\\t", out);
      else if (c < 0x20)
        fprintf (out, "\\u%04x", c);
      else
        fputc (c, out);
    }
  fputc ('"', out);
}

typedef struct
{
  TftsrPiiScanner *scanner;
  gboolean json;
  guint64 count;
} ScanOutput;

static void
print_span (const TftsrPiiSpan *span, const guint8 *value, gpointer user_data)
{
  ScanOutput *out = user_data;
  gsize len = span->end - span->start;

  out->count++;
  if (out->json)
    {
      printf ("{\"start\":%" G_GUINT64_FORMAT ",\"end\":%" G_GUINT64_FORMAT ",\"type\":\"%s\"",
              span->start, span->end, tftsr_pii_type_to_string (span->type));
      if (span->type == TFTSR_PII_CUSTOM)
        {
          const char *name = tftsr_pii_scanner_get_pattern_name (out->scanner, span->custom);
          fputs (",\"pattern\":", stdout);
          write_json_string (stdout, (const guint8 *) name, strlen (name));
        }
      fputs (",\"value\":", stdout);
      write_json_string (stdout, value, len);
      fputs ("}\n", stdout);
    }
  else
    {
      g_autofree char *text = g_strndup ((const char *) value, len);
      printf ("%10" G_GUINT64_FORMAT " %10" G_GUINT64_FORMAT "  %-16s  ", span->start, span->end,
              tftsr_pii_type_to_string (span->type));
      tftsr_cli_print_text (text);
      putchar ('\n');
    }
}

/* Opens FILE, or standard input for "-" or no argument. */
static int
open_input (const char *path, GError **error)
{
  int fd;

  if (path == NULL || g_str_equal (path, "-"))
    return STDIN_FILENO;
  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _ ("Could not read “%s”: %s"),
                   path, g_strerror (saved));
    }
  return fd;
}

/* Feeds the whole input to @stream in blocks; constant memory whatever its size. */
static gboolean
stream_input (int fd, const char *name, TftsrPiiStream *stream, GError **error)
{
  g_autofree guint8 *block = g_malloc (READ_BLOCK);

  for (;;)
    {
      ssize_t n = read (fd, block, READ_BLOCK);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       _ ("Could not read “%s”: %s"), name, g_strerror (saved));
          return FALSE;
        }
      if (n == 0)
        return TRUE;
      tftsr_pii_stream_feed (stream, block, (gsize) n);
    }
}

static int
pii_scan (TftsrCli *cli, int argc, char **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      N_ ("JSON Lines: {\"start\",\"end\",\"type\",\"value\"}, byte offsets, sorted"), NULL },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr (TftsrPiiScanner) scanner = NULL;
  g_autoptr (GError) error = NULL;
  ScanOutput out = { NULL, FALSE, 0 };
  TftsrPiiStream *stream;
  const char *path;
  int fd;

  if (!tftsr_cli_parse ("pii scan", "[FILE|-]",
                        _ ("Finds personal data and secrets in a file or standard input."), entries,
                        FALSE, &argc, &argv))
    return TFTSR_CLI_USAGE;
  if (argc > 2)
    return tftsr_cli_usage_error (_ ("give at most one file"));
  path = argc == 2 ? argv[1] : "-";
  if ((fd = open_input (path, &error)) < 0)
    return tftsr_cli_fail (error);

  scanner = tftsr_pii_scanner_new ();
  out.scanner = scanner;
  out.json = json;
  stream = tftsr_pii_stream_new (scanner, print_span, &out);
  if (!stream_input (fd, path, stream, &error))
    {
      tftsr_pii_stream_free (stream);
      if (fd != STDIN_FILENO)
        close (fd);
      return tftsr_cli_fail (error);
    }
  tftsr_pii_stream_finish (stream);
  if (fd != STDIN_FILENO)
    close (fd);
  if (!json && out.count == 0 && isatty (STDOUT_FILENO))
    puts (_ ("Nothing found."));
  return TFTSR_CLI_OK;
}

/* Where redacted output goes: a file (its URI is the audit destination) or stdout. */
static GOutputStream *
open_output (const char *path, char **destination, GError **error)
{
  g_autoptr (GFile) file = NULL;

  if (path == NULL || g_str_equal (path, "-"))
    {
      *destination = g_strdup ("stdout");
      return g_unix_output_stream_new (STDOUT_FILENO, FALSE);
    }
  file = g_file_new_for_commandline_arg (path);
  *destination = g_file_get_uri (file);
  return G_OUTPUT_STREAM (g_file_replace (file, NULL, FALSE, G_FILE_CREATE_PRIVATE, NULL, error));
}

static int
pii_redact (TftsrCli *cli, int argc, char **argv)
{
  char *output_path = NULL;
  gint64 issue_id = 0;
  GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output_path,
      N_ ("Write to OUT instead of "
          "standard output"),
      "OUT" },
    { "issue", 0, 0, G_OPTION_ARG_INT64, &issue_id,
      N_ ("Use the pseudonyms of incident ID (new values join its list)"), "ID" },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autofree char *out_path = NULL;
  g_autofree char *destination = NULL;
  g_autoptr (TftsrPiiScanner) scanner = NULL;
  g_autoptr (GInputStream) input = NULL;
  g_autoptr (GOutputStream) output = NULL;
  g_autoptr (TftsrEgressReceipt) receipt = NULL;
  g_autoptr (GError) error = NULL;
  const char *path;
  int fd;

  if (!tftsr_cli_parse ("pii redact", "[FILE|-]",
                        _ ("Writes the input with every detection replaced by a pseudonym "
                           "(<EMAIL_1>) and records the export in the audit log."),
                        entries, FALSE, &argc, &argv))
    return TFTSR_CLI_USAGE;
  out_path = output_path;
  if (argc > 2)
    return tftsr_cli_usage_error (_ ("give at most one file"));
  if (issue_id < 0)
    return tftsr_cli_usage_error (_ ("--issue takes a positive incident id"));
  path = argc == 2 ? argv[1] : "-";
  if ((fd = open_input (path, &error)) < 0)
    return tftsr_cli_fail (error);
  input = g_unix_input_stream_new (fd, fd != STDIN_FILENO);
  if (tftsr_cli_store (cli) == NULL)
    return TFTSR_CLI_FAILED;
  if ((output = open_output (out_path, &destination, &error)) == NULL)
    return tftsr_cli_fail (error);
  scanner = tftsr_pii_scanner_new ();
  receipt = tftsr_egress_redact_stream (cli->store, issue_id, scanner, input, output, destination,
                                        NULL, &error);
  if (receipt == NULL || !g_output_stream_close (output, NULL, &error))
    return tftsr_cli_fail (error);
  return TFTSR_CLI_OK;
}

static int
pii_types (TftsrCli *cli, int argc, char **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_ ("Print JSON"), NULL },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  json_object *array;

  if (!tftsr_cli_parse ("pii types", "", _ ("Lists what the scanner finds."), entries, FALSE, &argc,
                        &argv))
    return TFTSR_CLI_USAGE;
  array = json_object_new_array ();
  for (guint i = 0; i < TFTSR_PII_N_TYPES; i++)
    {
      json_object *obj = json_object_new_object ();

      if (!json)
        printf ("%-16s %s\n", tftsr_pii_type_to_string (i), tftsr_pii_type_get_description (i));
      json_object_object_add (obj, "type", json_object_new_string (tftsr_pii_type_to_string (i)));
      json_object_object_add (obj, "description",
                              json_object_new_string (tftsr_pii_type_get_description (i)));
      json_object_array_add (array, obj);
    }
  if (json)
    tftsr_cli_print_json (array);
  json_object_put (array);
  return TFTSR_CLI_OK;
}

static int
pii_patterns (TftsrCli *cli, int argc, char **argv)
{
  GOptionEntry entries[] = { { NULL, 0, 0, 0, NULL, NULL, NULL } };

  if (!tftsr_cli_parse ("pii patterns", "",
                        _ ("Prints the catalogue's regular expressions, one per line."), entries,
                        FALSE, &argc, &argv))
    return TFTSR_CLI_USAGE;
  for (guint i = 0; i < TFTSR_PII_N_TYPES; i++)
    puts (tftsr_pii_type_get_pattern (i));
  return TFTSR_CLI_OK;
}

int
tftsr_cli_pii (TftsrCli *cli, int argc, char **argv)
{
  static const struct
  {
    const char *verb;
    TftsrCliCommand run;
  } verbs[] = {
    { "scan", pii_scan },
    { "redact", pii_redact },
    { "types", pii_types },
    { "patterns", pii_patterns },
  };

  for (guint i = 0; argc >= 2 && i < G_N_ELEMENTS (verbs); i++)
    if (g_str_equal (argv[1], verbs[i].verb))
      return verbs[i].run (cli, argc - 1, argv + 1);
  return tftsr_cli_usage_error (_ ("usage: tftsr-cli pii scan|redact|types|patterns [arguments]"));
}
