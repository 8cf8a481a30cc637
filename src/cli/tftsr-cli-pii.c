/* tftsr-cli-pii.c: tftsr-cli pii scan|redact|values|release|mark|types|patterns|config
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
  if ((scanner = tftsr_cli_scanner (cli)) == NULL)
    return TFTSR_CLI_FAILED;
  if ((fd = open_input (path, &error)) < 0)
    return tftsr_cli_fail (error);
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
  if ((scanner = tftsr_cli_scanner (cli)) == NULL)
    return TFTSR_CLI_FAILED;
  if ((output = open_output (out_path, &destination, &error)) == NULL)
    return tftsr_cli_fail (error);
  receipt = tftsr_egress_redact_stream (cli->store, issue_id, scanner, input, output, destination,
                                        NULL, &error);
  if (receipt == NULL || !g_output_stream_close (output, NULL, &error))
    return tftsr_cli_fail (error);
  return TFTSR_CLI_OK;
}

static int
pii_values (TftsrCli *cli, int argc, char **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_ ("Print JSON"), NULL },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr (GPtrArray) values = NULL;
  g_autoptr (GError) error = NULL;
  json_object *array;
  gint64 issue_id;

  if (!tftsr_cli_parse ("pii values", "ISSUE_ID",
                        _ ("Lists the distinct values found in an incident's logs, with their "
                           "pseudonyms, occurrences and review decisions."),
                        entries, FALSE, &argc, &argv))
    return TFTSR_CLI_USAGE;
  if (argc != 2 || !tftsr_cli_parse_id (argv[1], &issue_id))
    return argc != 2 ? tftsr_cli_usage_error (_ ("pii values needs an incident id"))
                     : TFTSR_CLI_USAGE;
  if (tftsr_cli_store (cli) == NULL)
    return TFTSR_CLI_FAILED;
  if ((values = tftsr_store_list_pii_values (cli->store, issue_id, &error)) == NULL)
    return tftsr_cli_fail (error);
  array = json_object_new_array ();
  for (guint i = 0; i < values->len; i++)
    {
      TftsrPiiValue *v = g_ptr_array_index (values, i);
      g_autofree char *token = tftsr_pii_value_dup_token (v);
      gsize len = 0;
      const guint8 *bytes = g_bytes_get_data (v->value, &len);
      g_autofree char *text = g_strndup ((const char *) bytes, len);
      json_object *obj = json_object_new_object ();

      if (!json)
        {
          printf ("%6" G_GINT64_FORMAT "  %-22s %6u×  %-9s  ", v->id, token, v->occurrences,
                  tftsr_pii_value_is_released (v) ? _ ("released") : _ ("redacted"));
          tftsr_cli_print_text (text);
          putchar ('\n');
        }
      json_object_object_add (obj, "id", json_object_new_int64 (v->id));
      json_object_object_add (obj, "type", json_object_new_string (v->type));
      json_object_object_add (obj, "token", json_object_new_string (token));
      json_object_object_add (obj, "value", tftsr_cli_json_string (text));
      json_object_object_add (obj, "occurrences", json_object_new_int64 (v->occurrences));
      json_object_object_add (obj, "released",
                              json_object_new_boolean (tftsr_pii_value_is_released (v)));
      json_object_array_add (array, obj);
    }
  if (json)
    tftsr_cli_print_json (array);
  json_object_put (array);
  return TFTSR_CLI_OK;
}

static int
pii_release (TftsrCli *cli, int argc, char **argv)
{
  gboolean undo = FALSE;
  char *type = NULL;
  GOptionEntry entries[] = {
    { "type", 0, 0, G_OPTION_ARG_STRING, &type,
      N_ ("Release every value of TYPE in incident ID instead of one value"), "TYPE" },
    { "undo", 0, 0, G_OPTION_ARG_NONE, &undo, N_ ("Redact again"), NULL },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autofree char *type_name = NULL;
  g_autoptr (GError) error = NULL;
  gint64 id;
  gboolean ok;

  if (!tftsr_cli_parse ("pii release", "VALUE_ID | --type TYPE ISSUE_ID",
                        _ ("Marks a detected value (or a whole type) as a false positive, to be "
                           "shown as is when the incident's content leaves."),
                        entries, FALSE, &argc, &argv))
    return TFTSR_CLI_USAGE;
  type_name = type;
  if (argc != 2)
    return tftsr_cli_usage_error (_ ("pii release needs a value id, or --type TYPE and an "
                                     "incident id"));
  if (!tftsr_cli_parse_id (argv[1], &id))
    return TFTSR_CLI_USAGE;
  if (tftsr_cli_store (cli) == NULL)
    return TFTSR_CLI_FAILED;
  ok = type_name != NULL
           ? tftsr_store_set_pii_type_released (cli->store, id, type_name, !undo, &error)
           : tftsr_store_set_pii_value_released (cli->store, id, !undo, &error);
  return ok ? TFTSR_CLI_OK : tftsr_cli_fail (error);
}

static int
pii_mark (TftsrCli *cli, int argc, char **argv)
{
  gboolean only_here = FALSE, json = FALSE;
  GOptionEntry entries[] = {
    { "only-here", 0, 0, G_OPTION_ARG_NONE, &only_here,
      N_ ("Mark only this occurrence, not every other one in the incident"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_ ("Print JSON"), NULL },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr (GError) error = NULL;
  guint64 start, end;
  gint64 log_id;
  guint count;

  if (!tftsr_cli_parse ("pii mark", "LOG_ID START END TYPE",
                        _ ("Marks bytes START to END of a log as a value of TYPE that the "
                           "scanner missed, and every other occurrence of it in the "
                           "incident’s logs."),
                        entries, FALSE, &argc, &argv))
    return TFTSR_CLI_USAGE;
  if (argc != 5)
    return tftsr_cli_usage_error (_ ("pii mark needs a log id, a start and end offset and a type"));
  if (!tftsr_cli_parse_id (argv[1], &log_id))
    return TFTSR_CLI_USAGE;
  if (!g_ascii_string_to_unsigned (argv[2], 10, 0, G_MAXUINT64, &start, NULL) ||
      !g_ascii_string_to_unsigned (argv[3], 10, 0, G_MAXUINT64, &end, NULL))
    return tftsr_cli_usage_error (_ ("START and END are byte offsets"));
  if (tftsr_cli_store (cli) == NULL)
    return TFTSR_CLI_FAILED;
  count = tftsr_store_mark_pii_value (cli->store, log_id, start, end, argv[4], !only_here, NULL,
                                      NULL, NULL, &error);
  if (count == 0)
    return tftsr_cli_fail (error);
  if (json)
    {
      json_object *obj = json_object_new_object ();

      json_object_object_add (obj, "marked", json_object_new_int64 (count));
      tftsr_cli_print_json (obj);
      json_object_put (obj);
    }
  else
    printf (
        g_dngettext (GETTEXT_PACKAGE, "%u occurrence marked\n", "%u occurrences marked\n", count),
        count);
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
  g_autoptr (TftsrPiiSettings) settings = NULL;

  if (!tftsr_cli_parse ("pii patterns", "",
                        _ ("Prints the regular expressions of the enabled types and of the "
                           "user's patterns, one per line."),
                        entries, FALSE, &argc, &argv))
    return TFTSR_CLI_USAGE;
  if ((settings = tftsr_cli_pii_settings (cli)) == NULL)
    return TFTSR_CLI_FAILED;
  for (guint i = 0; i < TFTSR_PII_N_TYPES; i++)
    if (tftsr_pii_settings_get_enabled (settings, i))
      puts (tftsr_pii_type_get_pattern (i));
  for (guint i = 0; i < tftsr_pii_settings_get_n_patterns (settings); i++)
    puts (tftsr_pii_settings_get_pattern_regex (settings, i));
  return TFTSR_CLI_OK;
}

/* Applies --enable/--disable TYPE…; FALSE (after reporting) on an unknown type. */
static gboolean
set_types_enabled (TftsrPiiSettings *settings, char **names, gboolean enabled)
{
  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    {
      TftsrPiiType type;
      if (!tftsr_pii_type_from_string (names[i], &type) || type == TFTSR_PII_CUSTOM)
        {
          tftsr_cli_usage_error (_ ("unknown type “%s”; see tftsr-cli pii types"), names[i]);
          return FALSE;
        }
      tftsr_pii_settings_set_enabled (settings, type, enabled);
    }
  return TRUE;
}

/* The allow-list with @add appended and @remove taken out. */
static void
edit_allow_list (TftsrPiiSettings *settings, char **add, char **remove)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  const char *const *current = tftsr_pii_settings_get_allow_list (settings);
  g_auto (GStrv) list = NULL;

  for (guint i = 0; current[i] != NULL; i++)
    if (remove == NULL || !g_strv_contains ((const char *const *) remove, current[i]))
      g_strv_builder_add (builder, current[i]);
  if (add != NULL)
    g_strv_builder_addv (builder, (const char **) add);
  list = g_strv_builder_end (builder);
  tftsr_pii_settings_set_allow_list (settings, (const char *const *) list);
}

static gboolean
add_patterns (TftsrPiiSettings *settings, char **specs)
{
  for (guint i = 0; specs != NULL && specs[i] != NULL; i++)
    {
      g_auto (GStrv) parts = g_strsplit (specs[i], "=", 2);
      if (parts[0] == NULL || parts[1] == NULL || *parts[0] == '\0' || *parts[1] == '\0')
        {
          tftsr_cli_usage_error (_ ("--add-pattern takes NAME=REGEX"));
          return FALSE;
        }
      tftsr_pii_settings_set_pattern (settings, parts[0], parts[1]);
    }
  return TRUE;
}

static json_object *
settings_to_json (const TftsrPiiSettings *settings)
{
  json_object *obj = json_object_new_object ();
  json_object *disabled = json_object_new_array ();
  json_object *allow = json_object_new_array ();
  json_object *patterns = json_object_new_array ();
  const char *const *entries = tftsr_pii_settings_get_allow_list (settings);

  for (guint i = 0; i < TFTSR_PII_N_TYPES; i++)
    if (!tftsr_pii_settings_get_enabled (settings, i))
      json_object_array_add (disabled, json_object_new_string (tftsr_pii_type_to_string (i)));
  for (guint i = 0; entries[i] != NULL; i++)
    json_object_array_add (allow, tftsr_cli_json_string (entries[i]));
  for (guint i = 0; i < tftsr_pii_settings_get_n_patterns (settings); i++)
    {
      json_object *pattern = json_object_new_object ();
      json_object_object_add (
          pattern, "name",
          tftsr_cli_json_string (tftsr_pii_settings_get_pattern_name (settings, i)));
      json_object_object_add (
          pattern, "regex",
          tftsr_cli_json_string (tftsr_pii_settings_get_pattern_regex (settings, i)));
      json_object_array_add (patterns, pattern);
    }
  json_object_object_add (obj, "disabled", disabled);
  json_object_object_add (obj, "allow", allow);
  json_object_object_add (obj, "patterns", patterns);
  return obj;
}

static void
print_settings (const TftsrPiiSettings *settings)
{
  const char *const *entries = tftsr_pii_settings_get_allow_list (settings);

  guint disabled = 0;

  printf ("%s", _ ("Disabled types:"));
  for (guint i = 0; i < TFTSR_PII_N_TYPES; i++)
    if (!tftsr_pii_settings_get_enabled (settings, i) && ++disabled)
      printf (" %s", tftsr_pii_type_to_string (i));
  if (disabled == 0)
    printf (" %s", _ ("none"));
  printf ("\n%s\n", _ ("Allowed (never reported):"));
  for (guint i = 0; entries[i] != NULL; i++)
    {
      printf ("  ");
      tftsr_cli_print_text (entries[i]);
      printf ("\n");
    }
  printf ("%s\n", _ ("Own patterns:"));
  for (guint i = 0; i < tftsr_pii_settings_get_n_patterns (settings); i++)
    {
      printf ("  ");
      tftsr_cli_print_text (tftsr_pii_settings_get_pattern_name (settings, i));
      printf (" = ");
      tftsr_cli_print_text (tftsr_pii_settings_get_pattern_regex (settings, i));
      printf ("\n");
    }
}

static int
pii_config (TftsrCli *cli, int argc, char **argv)
{
  g_auto (GStrv) enable = NULL, disable = NULL, allow = NULL, disallow = NULL;
  g_auto (GStrv) add_pattern = NULL, remove_pattern = NULL;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "enable", 0, 0, G_OPTION_ARG_STRING_ARRAY, &enable, N_ ("Detect TYPE again"), "TYPE" },
    { "disable", 0, 0, G_OPTION_ARG_STRING_ARRAY, &disable, N_ ("Stop detecting TYPE"), "TYPE" },
    { "allow", 0, 0, G_OPTION_ARG_STRING_ARRAY, &allow,
      N_ ("Never report VALUE (an exact value, a CIDR range or a .domain suffix)"), "VALUE" },
    { "disallow", 0, 0, G_OPTION_ARG_STRING_ARRAY, &disallow, N_ ("Take VALUE off the allow-list"),
      "VALUE" },
    { "add-pattern", 0, 0, G_OPTION_ARG_STRING_ARRAY, &add_pattern,
      N_ ("Also find REGEX (PCRE2), reported as CUSTOM_NAME"), "NAME=REGEX" },
    { "remove-pattern", 0, 0, G_OPTION_ARG_STRING_ARRAY, &remove_pattern,
      N_ ("Remove the pattern NAME"), "NAME" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_ ("Print JSON"), NULL },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr (TftsrPiiSettings) settings = NULL;
  g_autoptr (GError) error = NULL;
  gboolean changed;

  if (!tftsr_cli_parse ("pii config", "",
                        _ ("Shows or changes what the engine detects, for the app and the CLI."),
                        entries, FALSE, &argc, &argv))
    return TFTSR_CLI_USAGE;
  if (argc != 1)
    return tftsr_cli_usage_error (_ ("pii config takes options only"));
  if (tftsr_cli_store (cli) == NULL)
    return TFTSR_CLI_FAILED;
  if ((settings = tftsr_store_load_pii_settings (cli->store, &error)) == NULL)
    return tftsr_cli_fail (error);

  changed = enable || disable || allow || disallow || add_pattern || remove_pattern;
  if (!set_types_enabled (settings, enable, TRUE) ||
      !set_types_enabled (settings, disable, FALSE) || !add_patterns (settings, add_pattern))
    return TFTSR_CLI_USAGE;
  edit_allow_list (settings, allow, disallow);
  for (guint i = 0; remove_pattern != NULL && remove_pattern[i] != NULL; i++)
    if (!tftsr_pii_settings_remove_pattern (settings, remove_pattern[i]))
      return tftsr_cli_usage_error (_ ("there is no pattern “%s”"), remove_pattern[i]);
  if (changed && !tftsr_store_save_pii_settings (cli->store, settings, &error))
    return tftsr_cli_fail (error);

  if (json)
    {
      json_object *obj = settings_to_json (settings);
      tftsr_cli_print_json (obj);
      json_object_put (obj);
    }
  else
    print_settings (settings);
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
    { "scan", pii_scan },         { "redact", pii_redact }, { "values", pii_values },
    { "release", pii_release },   { "mark", pii_mark },     { "types", pii_types },
    { "patterns", pii_patterns }, { "config", pii_config },
  };

  for (guint i = 0; argc >= 2 && i < G_N_ELEMENTS (verbs); i++)
    if (g_str_equal (argv[1], verbs[i].verb))
      return verbs[i].run (cli, argc - 1, argv + 1);
  return tftsr_cli_usage_error (
      _ ("usage: tftsr-cli pii scan|redact|values|release|mark|types|patterns|config [arguments]"));
}
