/* tftsr-cli-insight.c: tftsr-cli insight templates|changed|similar
 *
 * A file given to "insight templates" is scanned for personal data first and mined with
 * what the scan found masked, as a stored log is: a detected value never shows in a
 * template, even where it never varies.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>
#include <string.h>
#include <unistd.h>

#include "tftsr-cli.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (json_object, json_object_put)

#define SCAN_BLOCK (1024 * 1024)

/* ISO 8601 UTC with milliseconds (the one timestamp format), or JSON null for 0. */
static json_object *
time_to_json (gint64 time)
{
  g_autoptr (GDateTime) dt = NULL;
  g_autofree char *seconds = NULL;
  g_autofree char *text = NULL;

  if (time == 0 || (dt = g_date_time_new_from_unix_utc (time / G_USEC_PER_SEC)) == NULL)
    return NULL;
  seconds = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S");
  text = g_strdup_printf ("%s.%03dZ", seconds, (int) (time % G_USEC_PER_SEC / 1000));
  return json_object_new_string (text);
}

static json_object *
template_to_json (const TftsrLogTemplate *t)
{
  json_object *obj = json_object_new_object ();

  json_object_object_add (obj, "id", json_object_new_int64 (t->id));
  json_object_object_add (obj, "template", tftsr_cli_json_string (t->text));
  json_object_object_add (obj, "count", json_object_new_int64 ((gint64) t->count));
  json_object_object_add (obj, "level",
                          json_object_new_string (tftsr_log_level_to_string (t->level)));
  json_object_object_add (obj, "first_line", json_object_new_int64 ((gint64) t->first_line));
  json_object_object_add (obj, "last_line", json_object_new_int64 ((gint64) t->last_line));
  json_object_object_add (obj, "first_time", time_to_json (t->first_time));
  json_object_object_add (obj, "last_time", time_to_json (t->last_time));
  return obj;
}

static void
print_templates (GPtrArray *templates, gboolean json)
{
  if (json)
    {
      g_autoptr (json_object) array = json_object_new_array ();

      for (guint i = 0; i < templates->len; i++)
        json_object_array_add (array, template_to_json (templates->pdata[i]));
      tftsr_cli_print_json (array);
      return;
    }
  printf ("%-6s %10s %-8s %s\n", _ ("ID"), _ ("COUNT"), _ ("LEVEL"), _ ("TEMPLATE"));
  for (guint i = 0; i < templates->len; i++)
    {
      const TftsrLogTemplate *t = templates->pdata[i];
      g_autofree char *row =
          g_strdup_printf ("%-6u %10" G_GUINT64_FORMAT " %-8s %s\n", t->id, t->count,
                           tftsr_log_level_to_string (t->level), t->text);
      tftsr_cli_print_text (row);
    }
}

/* JSON Lines {"line","template_id","template"}: each line's final template. */
static void
print_per_line (TftsrLogMiner *miner, GArray *ids)
{
  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr (json_object) obj = json_object_new_object ();
      guint32 id = g_array_index (ids, guint32, i);
      const TftsrLogTemplate *t = tftsr_log_miner_get_template (miner, id);

      json_object_object_add (obj, "line", json_object_new_int64 ((gint64) i + 1));
      json_object_object_add (obj, "template_id", json_object_new_int64 (id));
      /* null: the template was evicted under the miner's cap. */
      json_object_object_add (obj, "template", t != NULL ? tftsr_cli_json_string (t->text) : NULL);
      puts (json_object_to_json_string_ext (obj, JSON_C_TO_STRING_PLAIN |
                                                     JSON_C_TO_STRING_NOSLASHESCAPE));
    }
}

/* --- a file ------------------------------------------------------------------------------ */

static void
collect_span (const TftsrPiiSpan *span, const guint8 *value, gpointer user_data)
{
  guint64 range[2] = { span->start, span->end };
  g_array_append_vals (user_data, range, 1);
}

/* The PII spans of @data (pairs of guint64 byte offsets), sorted. */
static GArray *
scan_file (TftsrPiiScanner *scanner, const char *data, gsize len)
{
  GArray *spans = g_array_new (FALSE, FALSE, sizeof (guint64) * 2);
  TftsrPiiStream *stream = tftsr_pii_stream_new (scanner, collect_span, spans);

  for (gsize at = 0; at < len; at += SCAN_BLOCK)
    tftsr_pii_stream_feed (stream, (const guint8 *) data + at, MIN (SCAN_BLOCK, len - at));
  tftsr_pii_stream_finish (stream);
  return spans;
}

/* Mines the lines of @data with @spans masked; every line's template id in @ids. */
static void
mine_text (TftsrLogMiner *miner, const char *data, gsize len, GArray *spans, GArray *ids)
{
  g_autoptr (GArray) masks = g_array_new (FALSE, FALSE, sizeof (TftsrLogMask));
  const char *p = data, *end = data + len;
  guint next = 0;

  while (p < end)
    {
      const char *nl = memchr (p, '\n', end - p);
      const char *stop = nl != NULL ? nl : end;
      guint64 start = p - data, stop_at;
      guint32 id;

      if (stop > p && stop[-1] == '\r')
        stop--;
      stop_at = stop - data;
      g_array_set_size (masks, 0);
      while (next < spans->len && g_array_index (spans, guint64, next * 2 + 1) <= start)
        next++;
      for (guint i = next; i < spans->len; i++)
        {
          guint64 from = g_array_index (spans, guint64, i * 2);
          guint64 to = g_array_index (spans, guint64, i * 2 + 1);
          TftsrLogMask mask;

          if (from >= stop_at)
            break;
          mask.start = (guint) (MAX (from, start) - start);
          mask.end = (guint) (MIN (to, stop_at) - start);
          if (mask.end > mask.start)
            g_array_append_val (masks, mask);
        }
      id = tftsr_log_miner_add (miner, p, stop - p, start, (const TftsrLogMask *) masks->data,
                                masks->len, NULL);
      g_array_append_val (ids, id);
      p = nl != NULL ? nl + 1 : end;
    }
}

static int
templates_of_file (TftsrCli *cli, const char *path, const TftsrLogFormat *format, gboolean json,
                   gboolean per_line)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GMappedFile) file = g_mapped_file_new (path, FALSE, &error);
  g_autoptr (TftsrPiiScanner) scanner = NULL;
  g_autoptr (TftsrLogMiner) miner = tftsr_log_miner_new (0);
  g_autoptr (GArray) spans = NULL;
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autoptr (GPtrArray) templates = NULL;
  const char *data;
  gsize len;

  if (file == NULL)
    return tftsr_cli_fail (error);
  if ((scanner = tftsr_cli_scanner (cli)) == NULL)
    return TFTSR_CLI_FAILED;
  data = g_mapped_file_get_contents (file);
  len = g_mapped_file_get_length (file);
  spans = scan_file (scanner, data, len);
  if (format != NULL)
    tftsr_log_miner_set_format (miner, format);
  mine_text (miner, data, len, spans, ids);
  if (per_line)
    {
      print_per_line (miner, ids);
      return TFTSR_CLI_OK;
    }
  templates = tftsr_log_miner_dup_templates (miner);
  print_templates (templates, json);
  return TFTSR_CLI_OK;
}

/* --- a stored log ------------------------------------------------------------------------ */

/* Whether @text names a stored log (a number that is not an existing path). */
static gboolean
is_log_id (const char *text, gint64 *id)
{
  guint64 value = 0;

  if (g_file_test (text, G_FILE_TEST_EXISTS) ||
      !g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64, &value, NULL))
    return FALSE;
  *id = (gint64) value;
  return TRUE;
}

static int
templates_of_log (TftsrCli *cli, gint64 log_id, const TftsrLogFormat *format, gboolean json,
                  gboolean per_line)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrLogInsight) insight = NULL;
  g_autoptr (TftsrLogMiner) miner = NULL;
  g_autoptr (GArray) ids = NULL;
  g_autoptr (GPtrArray) templates = NULL;

  if (tftsr_cli_store (cli) == NULL)
    return TFTSR_CLI_FAILED;
  /* The stored templates were made with detected headers; another format, or every line's
   * template, needs the log mined again. */
  if (format == NULL && !per_line)
    {
      if ((insight = tftsr_store_ensure_log_insight (cli->store, log_id, NULL, NULL, NULL,
                                                     &error)) == NULL)
        return tftsr_cli_fail (error);
      print_templates (tftsr_log_insight_get_templates (insight), json);
      return TFTSR_CLI_OK;
    }
  if ((miner = tftsr_store_mine_log_lines (cli->store, log_id, format, &ids, NULL, &error)) == NULL)
    return tftsr_cli_fail (error);
  if (per_line)
    print_per_line (miner, ids);
  else
    {
      templates = tftsr_log_miner_dup_templates (miner);
      print_templates (templates, json);
    }
  return TFTSR_CLI_OK;
}

static int
insight_templates (TftsrCli *cli, int argc, char **argv)
{
  gboolean json = FALSE, per_line = FALSE;
  g_autofree char *format_text = NULL;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      N_ ("An array of templates: id, template, count, level, first and last line and time"),
      NULL },
    { "per-line", 0, 0, G_OPTION_ARG_NONE, &per_line,
      N_ ("JSON Lines {\"line\",\"template_id\",\"template\"}, one per line of the log"), NULL },
    { "log-format", 0, 0, G_OPTION_ARG_STRING, &format_text,
      N_ ("Split headers with FMT, such as '<Date> <Time> <Level> <Component>: <Content>', "
          "instead of detecting them"),
      "FMT" },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr (TftsrLogFormat) format = NULL;
  g_autoptr (GError) error = NULL;
  gint64 log_id;

  if (!tftsr_cli_parse ("insight templates", "LOG_ID|FILE",
                        _ ("The templates of a stored log or of a file: its lines' messages "
                           "with their parameters (and any personal data) as <*>, with how "
                           "often each occurs."),
                        entries, FALSE, &argc, &argv))
    return TFTSR_CLI_USAGE;
  if (argc != 2)
    return tftsr_cli_usage_error (_ ("insight templates needs a log id or a file"));
  if (json && per_line)
    return tftsr_cli_usage_error (_ ("--json and --per-line are two different outputs: give "
                                     "one"));
  if (format_text != NULL && (format = tftsr_log_format_new (format_text, &error)) == NULL)
    return tftsr_cli_usage_error ("%s", error->message);
  if (is_log_id (argv[1], &log_id))
    return templates_of_log (cli, log_id, format, json, per_line);
  return templates_of_file (cli, argv[1], format, json, per_line);
}

/* --- what changed ------------------------------------------------------------------------ */

static const char *
change_kind (TftsrLogChangeKind kind)
{
  switch (kind)
    {
    case TFTSR_LOG_CHANGE_NEW:
      return "new";
    case TFTSR_LOG_CHANGE_RATE:
      return "rate";
    case TFTSR_LOG_CHANGE_GONE:
      return "gone";
    }
  g_assert_not_reached ();
}

/* ISO 8601, a zoneless time read as UTC (as log times are). */
static gboolean
parse_time (const char *text, gint64 *time)
{
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr (GDateTime) dt = g_date_time_new_from_iso8601 (text, utc);

  if (dt == NULL)
    return FALSE;
  *time = g_date_time_to_unix (dt) * G_USEC_PER_SEC + g_date_time_get_microsecond (dt);
  return *time > 0;
}

static int
insight_changed (TftsrCli *cli, int argc, char **argv)
{
  gboolean json = FALSE;
  g_autofree char *after_text = NULL;
  GOptionEntry entries[] = {
    { "after", 0, 0, G_OPTION_ARG_STRING, &after_text,
      N_ ("The moment of the change, ISO 8601 (without a zone: UTC), such as "
          "2024-05-01T10:00:00Z"),
      "TIME" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_ ("Print JSON"), NULL },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr (TftsrLogInsight) insight = NULL;
  g_autoptr (GArray) changes = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (json_object) array = NULL;
  gint64 log_id, after;

  if (!tftsr_cli_parse ("insight changed", "LOG_ID",
                        _ ("Templates new after a moment, whose rate jumped after it, or that "
                           "stopped; new errors first."),
                        entries, FALSE, &argc, &argv))
    return TFTSR_CLI_USAGE;
  if (argc != 2)
    return tftsr_cli_usage_error (_ ("insight changed needs a log id"));
  if (!tftsr_cli_parse_id (argv[1], &log_id))
    return TFTSR_CLI_USAGE;
  if (after_text == NULL)
    return tftsr_cli_usage_error (_ ("insight changed needs --after TIME"));
  if (!parse_time (after_text, &after))
    return tftsr_cli_usage_error (_ ("“%s” is not a time: give ISO 8601, such as "
                                     "2024-05-01T10:00:00Z or 2024-05-01T12:00:00+02:00"),
                                  after_text);
  if (tftsr_cli_store (cli) == NULL)
    return TFTSR_CLI_FAILED;
  if ((insight = tftsr_store_ensure_log_insight (cli->store, log_id, NULL, NULL, NULL, &error)) ==
          NULL ||
      (changes = tftsr_log_insight_changed_after (insight, after, &error)) == NULL)
    return tftsr_cli_fail (error);
  if (!json)
    printf ("%-5s %8s %8s %10s %10s %-8s %s\n", _ ("KIND"), _ ("BEFORE"), _ ("AFTER"),
            _ ("BEFORE/H"), _ ("AFTER/H"), _ ("LEVEL"), _ ("TEMPLATE"));
  array = json_object_new_array ();
  for (guint i = 0; i < changes->len; i++)
    {
      const TftsrLogChange *c = &g_array_index (changes, TftsrLogChange, i);
      const TftsrLogTemplate *t = tftsr_log_insight_get_template (insight, c->template_id);
      json_object *obj;
      g_autofree char *row = NULL;

      if (!json)
        {
          row = g_strdup_printf (
              "%-5s %8" G_GUINT64_FORMAT " %8" G_GUINT64_FORMAT " %10.1f %10.1f %-8s %s\n",
              change_kind (c->kind), c->count_before, c->count_after, c->rate_before, c->rate_after,
              tftsr_log_level_to_string (t->level), t->text);
          tftsr_cli_print_text (row);
          continue;
        }
      obj = json_object_new_object ();
      json_object_object_add (obj, "template_id", json_object_new_int64 (c->template_id));
      json_object_object_add (obj, "template", tftsr_cli_json_string (t->text));
      json_object_object_add (obj, "kind", json_object_new_string (change_kind (c->kind)));
      json_object_object_add (obj, "level",
                              json_object_new_string (tftsr_log_level_to_string (t->level)));
      json_object_object_add (obj, "count_before",
                              json_object_new_int64 ((gint64) c->count_before));
      json_object_object_add (obj, "count_after", json_object_new_int64 ((gint64) c->count_after));
      json_object_object_add (obj, "rate_before", json_object_new_double (c->rate_before));
      json_object_object_add (obj, "rate_after", json_object_new_double (c->rate_after));
      json_object_array_add (array, obj);
    }
  if (json)
    tftsr_cli_print_json (array);
  return TFTSR_CLI_OK;
}

/* --- similar incidents ------------------------------------------------------------------- */

/* Every log of @issue_id mined, so the comparison sees all of them (a re-scan drops a
 * log's templates until they are asked for). */
static gboolean
mine_issue_logs (TftsrCli *cli, gint64 issue_id, GError **error)
{
  g_autoptr (GPtrArray) logs = tftsr_store_list_logs (cli->store, issue_id, error);

  if (logs == NULL)
    return FALSE;
  for (guint i = 0; i < logs->len; i++)
    {
      g_autoptr (TftsrLogInsight) insight = tftsr_store_ensure_log_insight (
          cli->store, tftsr_log_file_get_id (logs->pdata[i]), NULL, NULL, NULL, error);

      if (insight == NULL)
        return FALSE;
    }
  return TRUE;
}

static int
insight_similar (TftsrCli *cli, int argc, char **argv)
{
  gboolean json = FALSE;
  int limit = 10;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_ ("Print JSON"), NULL },
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, N_ ("List at most N incidents (10)"), "N" },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr (GPtrArray) similar = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrIssue) issue = NULL;
  g_autoptr (json_object) array = json_object_new_array ();
  gint64 issue_id;

  if (!tftsr_cli_parse ("insight similar", "ISSUE_ID",
                        _ ("Other incidents whose logs said the same things, the rare and the "
                           "error ones counting most."),
                        entries, FALSE, &argc, &argv))
    return TFTSR_CLI_USAGE;
  if (argc != 2)
    return tftsr_cli_usage_error (_ ("insight similar needs an incident id"));
  if (!tftsr_cli_parse_id (argv[1], &issue_id))
    return TFTSR_CLI_USAGE;
  if (limit < 1)
    return tftsr_cli_usage_error (_ ("--limit must be at least 1"));
  if (tftsr_cli_store (cli) == NULL)
    return TFTSR_CLI_FAILED;
  if ((issue = tftsr_store_get_issue (cli->store, issue_id, &error)) == NULL ||
      !mine_issue_logs (cli, issue_id, &error) ||
      (similar = tftsr_store_similar_issues (cli->store, issue_id, (guint) limit, &error)) == NULL)
    return tftsr_cli_fail (error);
  for (guint i = 0; i < similar->len; i++)
    {
      const TftsrSimilarIssue *s = similar->pdata[i];
      json_object *obj, *shared;

      if (!json)
        {
          g_autofree char *row = g_strdup_printf ("%" G_GINT64_FORMAT "\t%.2f\t%s\t%s\n",
                                                  s->issue_id, s->score, s->status, s->title);
          tftsr_cli_print_text (row);
          for (guint j = 0; j < s->shared->len; j++)
            {
              g_autofree char *line = g_strdup_printf ("\t%s\n", (char *) s->shared->pdata[j]);
              tftsr_cli_print_text (line);
            }
          continue;
        }
      obj = json_object_new_object ();
      shared = json_object_new_array ();
      for (guint j = 0; j < s->shared->len; j++)
        json_object_array_add (shared, tftsr_cli_json_string (s->shared->pdata[j]));
      json_object_object_add (obj, "issue_id", json_object_new_int64 (s->issue_id));
      json_object_object_add (obj, "title", tftsr_cli_json_string (s->title));
      json_object_object_add (obj, "status", json_object_new_string (s->status));
      json_object_object_add (obj, "created_at", json_object_new_string (s->created_at));
      json_object_object_add (obj, "score", json_object_new_double (s->score));
      json_object_object_add (obj, "shared", shared);
      json_object_array_add (array, obj);
    }
  if (json)
    tftsr_cli_print_json (array);
  else if (similar->len == 0 && isatty (STDOUT_FILENO))
    puts (_ ("No similar incident."));
  return TFTSR_CLI_OK;
}

int
tftsr_cli_insight (TftsrCli *cli, int argc, char **argv)
{
  static const struct
  {
    const char *verb;
    TftsrCliCommand run;
  } verbs[] = {
    { "templates", insight_templates },
    { "changed", insight_changed },
    { "similar", insight_similar },
  };

  for (guint i = 0; argc >= 2 && i < G_N_ELEMENTS (verbs); i++)
    if (g_str_equal (argv[1], verbs[i].verb))
      return verbs[i].run (cli, argc - 1, argv + 1);
  return tftsr_cli_usage_error (
      _ ("usage: tftsr-cli insight templates|changed|similar [arguments]"));
}
