/* tftsr-cli-output.c: argument parsing, errors and output shared by the commands
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>
#include <stdio.h>
#include <unistd.h>

#include "tftsr-cli.h"

gboolean
tftsr_cli_parse (const char *command, const char *positional, const char *summary,
                 const GOptionEntry *entries, gboolean keep_unknown, int *argc, char ***argv)
{
  g_autoptr (GOptionContext) context = g_option_context_new (positional);
  g_autoptr (GError) error = NULL;
  g_autofree char *prgname = g_strdup_printf ("tftsr-cli %s", command);

  g_set_prgname (prgname);
  g_option_context_set_summary (context, summary);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_ignore_unknown_options (context, keep_unknown);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      tftsr_cli_usage_error ("%s", error->message);
      return FALSE;
    }
  return TRUE;
}

int
tftsr_cli_usage_error (const char *format, ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  fprintf (stderr, "tftsr-cli: %s\n", message);
  return TFTSR_CLI_USAGE;
}

int
tftsr_cli_fail (const GError *error)
{
  /* A message may quote a service's answer: shown like any text from outside. */
  fputs ("tftsr-cli: ", stderr);
  tftsr_cli_write_text (stderr, error != NULL ? error->message : _ ("failed"));
  fputc ('\n', stderr);
  return TFTSR_CLI_FAILED;
}

gboolean
tftsr_cli_parse_id (const char *text, gint64 *id)
{
  guint64 value = 0;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64, &value, NULL))
    {
      tftsr_cli_usage_error (_ ("“%s” is not an incident id (a positive number)"),
                             text != NULL ? text : "");
      return FALSE;
    }
  *id = (gint64) value;
  return TRUE;
}

char *
tftsr_cli_read_text (const char *path, GError **error)
{
  g_autoptr (GString) text = NULL;
  char buf[65536];
  size_t n;
  char *contents = NULL;

  if (!g_str_equal (path, "-"))
    return g_file_get_contents (path, &contents, NULL, error) ? contents : NULL;

  text = g_string_new (NULL);
  while ((n = fread (buf, 1, sizeof buf, stdin)) > 0)
    g_string_append_len (text, buf, (gssize) n);
  if (ferror (stdin))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                           _ ("Could not read standard input"));
      return NULL;
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

void
tftsr_cli_write_text (FILE *out, const char *text)
{
  static int tty[3] = { -1, -1, -1 };
  int fd = fileno (out);
  gboolean terminal;

  if (fd >= 0 && fd < 3 && tty[fd] < 0)
    tty[fd] = isatty (fd);
  terminal = fd >= 0 && fd < 3 ? tty[fd] : isatty (fd);
  if (!terminal)
    {
      fputs (text, out);
      return;
    }
  for (const char *p = text; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;
      if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
        fputs ("\xef\xbf\xbd", out);
      else
        putc (c, out);
    }
}

void
tftsr_cli_print_text (const char *text)
{
  tftsr_cli_write_text (stdout, text);
}

void
tftsr_cli_print_json (json_object *json)
{
  puts (json_object_to_json_string_ext (json,
                                        JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE));
}

/* JSON must be valid UTF-8: invalid bytes become U+FFFD. */
json_object *
tftsr_cli_json_string (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text != NULL ? text : "", -1);
  return json_object_new_string (valid);
}

static json_object *
json_nullable (const char *text)
{
  return text != NULL ? tftsr_cli_json_string (text) : NULL;
}

static json_object *
snippet_to_json (TftsrIssue *issue)
{
  json_object *obj = json_object_new_object ();
  json_object *ranges = json_object_new_array ();
  guint n = 0;
  const TftsrRange *r = tftsr_issue_get_snippet_highlights (issue, &n);

  for (guint i = 0; i < n; i++)
    {
      json_object *pair = json_object_new_array ();
      json_object_array_add (pair, json_object_new_int64 (r[i].start));
      json_object_array_add (pair, json_object_new_int64 (r[i].end));
      json_object_array_add (ranges, pair);
    }
  json_object_object_add (obj, "text", tftsr_cli_json_string (tftsr_issue_get_snippet (issue)));
  json_object_object_add (obj, "highlights", ranges);
  return obj;
}

json_object *
tftsr_cli_issue_to_json (TftsrIssue *issue, gboolean with_description)
{
  json_object *obj = json_object_new_object ();
  json_object *tags = json_object_new_array ();
  const char *const *tag = tftsr_issue_get_tags (issue);

  for (; *tag != NULL; tag++)
    json_object_array_add (tags, tftsr_cli_json_string (*tag));
  json_object_object_add (obj, "id", json_object_new_int64 (tftsr_issue_get_id (issue)));
  json_object_object_add (obj, "title", tftsr_cli_json_string (tftsr_issue_get_title (issue)));
  if (with_description)
    json_object_object_add (obj, "description",
                            tftsr_cli_json_string (tftsr_issue_get_description (issue)));
  json_object_object_add (
      obj, "severity",
      json_object_new_string (tftsr_severity_to_string (tftsr_issue_get_severity (issue))));
  json_object_object_add (
      obj, "status",
      json_object_new_string (tftsr_status_to_string (tftsr_issue_get_status (issue))));
  json_object_object_add (
      obj, "category",
      json_object_new_string (tftsr_category_to_string (tftsr_issue_get_category (issue))));
  json_object_object_add (obj, "tags", tags);
  json_object_object_add (obj, "owner", tftsr_cli_json_string (tftsr_issue_get_owner (issue)));
  json_object_object_add (obj, "source", tftsr_cli_json_string (tftsr_issue_get_source (issue)));
  json_object_object_add (obj, "created_at", json_nullable (tftsr_issue_get_created_at (issue)));
  json_object_object_add (obj, "updated_at", json_nullable (tftsr_issue_get_updated_at (issue)));
  json_object_object_add (obj, "resolved_at", json_nullable (tftsr_issue_get_resolved_at (issue)));
  if (tftsr_issue_get_snippet (issue) != NULL)
    json_object_object_add (obj, "snippet", snippet_to_json (issue));
  return obj;
}

json_object *
tftsr_cli_timeline_to_json (GPtrArray *events)
{
  json_object *array = json_object_new_array ();

  for (guint i = 0; i < events->len; i++)
    {
      TftsrTimelineEvent *event = g_ptr_array_index (events, i);
      json_object *obj = json_object_new_object ();
      g_autofree char *text = tftsr_timeline_event_describe (event);

      json_object_object_add (obj, "kind",
                              json_object_new_string (tftsr_timeline_kind_to_string (
                                  tftsr_timeline_event_get_kind (event))));
      json_object_object_add (obj, "old_value",
                              json_nullable (tftsr_timeline_event_get_old_value (event)));
      json_object_object_add (obj, "new_value",
                              json_nullable (tftsr_timeline_event_get_new_value (event)));
      json_object_object_add (obj, "text", tftsr_cli_json_string (text));
      json_object_object_add (obj, "created_at",
                              json_nullable (tftsr_timeline_event_get_created_at (event)));
      json_object_array_add (array, obj);
    }
  return array;
}
