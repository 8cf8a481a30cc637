/* tftsr-cli-issue.c: tftsr-cli issue create|list|show|search|update|delete|restore
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>
#include <stdio.h>
#include <unistd.h>

#include "tftsr-cli.h"

/* Options shared by the verbs; each verb offers the subset it understands. */
typedef struct
{
  char *title;
  char *description;
  char *description_file;
  char *severity;
  char *status;
  char *category;
  char *owner;
  char *tags;
  char *tag;
  char *sort;
  int limit;
  int offset;
  gboolean json;
  gboolean trash;
  gboolean purge;
} IssueOptions;

static void
issue_options_clear (IssueOptions *o)
{
  g_free (o->title);
  g_free (o->description);
  g_free (o->description_file);
  g_free (o->severity);
  g_free (o->status);
  g_free (o->category);
  g_free (o->owner);
  g_free (o->tags);
  g_free (o->tag);
  g_free (o->sort);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (IssueOptions, issue_options_clear)

#define OPT_STRING(name, field, help, arg)                                                         \
  {                                                                                                \
    name, 0, 0, G_OPTION_ARG_FILENAME, &o->field, help, arg                                        \
  }
#define OPT_FLAG(name, field, help)                                                                \
  {                                                                                                \
    name, 0, 0, G_OPTION_ARG_NONE, &o->field, help, NULL                                           \
  }
#define OPT_INT(name, field, help)                                                                 \
  {                                                                                                \
    name, 0, 0, G_OPTION_ARG_INT, &o->field, help, "N"                                             \
  }
#define OPT_END                                                                                    \
  {                                                                                                \
    NULL, 0, 0, 0, NULL, NULL, NULL                                                                \
  }

/* Parses one value of an enum by its machine name; on failure reports the allowed values. */
static gboolean
parse_enum (GType type, const char *what, const char *text, gint *out)
{
  g_autoptr (GEnumClass) klass = g_type_class_ref (type);
  g_autoptr (GString) allowed = g_string_new (NULL);
  g_autofree char *lower = g_ascii_strdown (text, -1);
  GEnumValue *value = g_enum_get_value_by_nick (klass, lower);

  if (value != NULL)
    {
      *out = value->value;
      return TRUE;
    }
  for (guint i = 0; i < klass->n_values; i++)
    g_string_append_printf (allowed, "%s%s", i > 0 ? ", " : "", klass->values[i].value_nick);
  tftsr_cli_usage_error (_ ("unknown %s “%s”; allowed: %s"), what, text, allowed->str);
  return FALSE;
}

/* A comma-separated list of enum names as a bit mask. */
static gboolean
parse_mask (GType type, const char *what, const char *text, guint *mask)
{
  g_auto (GStrv) names = g_strsplit (text, ",", -1);

  *mask = 0;
  for (guint i = 0; names[i] != NULL; i++)
    {
      gint v;
      if (!parse_enum (type, what, g_strstrip (names[i]), &v))
        return FALSE;
      *mask |= 1u << v;
    }
  return TRUE;
}

/* Applies the field options given on the command line to @issue. */
static gboolean
apply_fields (const IssueOptions *o, TftsrIssue *issue)
{
  gint v;

  if (o->description != NULL && o->description_file != NULL)
    {
      tftsr_cli_usage_error (_ ("give either --description or --description-file, not both"));
      return FALSE;
    }
  if (o->title != NULL)
    tftsr_issue_set_title (issue, o->title);
  if (o->description != NULL)
    tftsr_issue_set_description (issue, o->description);
  if (o->severity != NULL)
    {
      if (!parse_enum (TFTSR_TYPE_SEVERITY, _ ("severity"), o->severity, &v))
        return FALSE;
      tftsr_issue_set_severity (issue, v);
    }
  if (o->status != NULL)
    {
      if (!parse_enum (TFTSR_TYPE_STATUS, _ ("status"), o->status, &v))
        return FALSE;
      tftsr_issue_set_status (issue, v);
    }
  if (o->category != NULL)
    {
      if (!parse_enum (TFTSR_TYPE_CATEGORY, _ ("category"), o->category, &v))
        return FALSE;
      tftsr_issue_set_category (issue, v);
    }
  if (o->owner != NULL)
    tftsr_issue_set_owner (issue, o->owner);
  if (o->tags != NULL)
    {
      g_auto (GStrv) tags = tftsr_tags_parse (o->tags);
      tftsr_issue_set_tags (issue, (const char *const *) tags);
    }
  return TRUE;
}

/* Reads --description-file after every usage check has passed. */
static gboolean
read_description (const IssueOptions *o, TftsrIssue *issue, GError **error)
{
  g_autofree char *text = NULL;

  if (o->description_file == NULL)
    return TRUE;
  if ((text = tftsr_cli_read_text (o->description_file, error)) == NULL)
    return FALSE;
  tftsr_issue_set_description (issue, text);
  return TRUE;
}

static char *
short_time (const char *iso)
{
  /* "2026-11-22T02:07:04.123Z" → "2026-11-22 02:07" */
  g_autofree char *copy = g_strndup (iso != NULL ? iso : "", 16);
  g_strdelimit (copy, "T", ' ');
  return g_steal_pointer (&copy);
}

static void
print_snippet (TftsrIssue *issue)
{
  const char *snippet = tftsr_issue_get_snippet (issue);
  gboolean tty = isatty (STDOUT_FILENO);
  guint n = 0, pos = 0;
  const TftsrRange *r = tftsr_issue_get_snippet_highlights (issue, &n);
  g_autoptr (GString) line = g_string_new ("      ");

  for (guint i = 0; i < n; i++)
    {
      g_string_append_len (line, snippet + pos, r[i].start - pos);
      g_string_append (line, tty ? "\033[1m" : "[");
      g_string_append_len (line, snippet + r[i].start, r[i].end - r[i].start);
      g_string_append (line, tty ? "\033[0m" : "]");
      pos = r[i].end;
    }
  g_string_append (line, snippet + pos);
  g_strdelimit (line->str, "\n\r", ' ');
  tftsr_cli_print_text (line->str);
  putchar ('\n');
}

static void
print_issue_rows (GPtrArray *issues)
{
  if (issues->len == 0)
    {
      puts (_ ("No incidents."));
      return;
    }
  printf ("%6s  %-4s  %-13s  %-14s  %-16s  %s\n", _ ("ID"), _ ("SEV"), _ ("STATUS"), _ ("CATEGORY"),
          _ ("UPDATED"), _ ("TITLE"));
  for (guint i = 0; i < issues->len; i++)
    {
      TftsrIssue *issue = g_ptr_array_index (issues, i);
      g_autofree char *updated = short_time (tftsr_issue_get_updated_at (issue));

      printf ("%6" G_GINT64_FORMAT "  P%-3d  %-13s  %-14s  %-16s  ", tftsr_issue_get_id (issue),
              tftsr_issue_get_severity (issue) + 1,
              tftsr_status_to_string (tftsr_issue_get_status (issue)),
              tftsr_category_to_string (tftsr_issue_get_category (issue)), updated);
      tftsr_cli_print_text (tftsr_issue_get_title (issue));
      putchar ('\n');
      if (tftsr_issue_get_snippet (issue) != NULL)
        print_snippet (issue);
    }
}

static int
print_issues (GPtrArray *issues, gboolean json)
{
  if (json)
    {
      json_object *array = json_object_new_array ();
      for (guint i = 0; i < issues->len; i++)
        json_object_array_add (array,
                               tftsr_cli_issue_to_json (g_ptr_array_index (issues, i), FALSE));
      tftsr_cli_print_json (array);
      json_object_put (array);
    }
  else
    print_issue_rows (issues);
  return TFTSR_CLI_OK;
}

static void
print_field (const char *label, const char *value)
{
  printf ("%-10s ", label);
  tftsr_cli_print_text (value != NULL && *value != '\0' ? value : "—");
  putchar ('\n');
}

static int
print_issue (TftsrIssue *issue, GPtrArray *timeline, gboolean json)
{
  g_autofree char *tags = NULL;

  if (json)
    {
      json_object *obj = tftsr_cli_issue_to_json (issue, TRUE);
      if (timeline != NULL)
        json_object_object_add (obj, "timeline", tftsr_cli_timeline_to_json (timeline));
      tftsr_cli_print_json (obj);
      json_object_put (obj);
      return TFTSR_CLI_OK;
    }

  printf ("#%" G_GINT64_FORMAT "  ", tftsr_issue_get_id (issue));
  tftsr_cli_print_text (tftsr_issue_get_title (issue));
  printf ("\n\n");
  tags = g_strjoinv (", ", (char **) tftsr_issue_get_tags (issue));
  print_field (_ ("Severity:"), tftsr_severity_get_label (tftsr_issue_get_severity (issue)));
  print_field (_ ("Status:"), tftsr_status_get_label (tftsr_issue_get_status (issue)));
  print_field (_ ("Category:"), tftsr_category_get_label (tftsr_issue_get_category (issue)));
  print_field (_ ("Tags:"), tags);
  print_field (_ ("Owner:"), tftsr_issue_get_owner (issue));
  print_field (_ ("Source:"), tftsr_issue_get_source (issue));
  print_field (_ ("Created:"), tftsr_issue_get_created_at (issue));
  print_field (_ ("Updated:"), tftsr_issue_get_updated_at (issue));
  print_field (_ ("Resolved:"), tftsr_issue_get_resolved_at (issue));
  if (*tftsr_issue_get_description (issue) != '\0')
    {
      putchar ('\n');
      tftsr_cli_print_text (tftsr_issue_get_description (issue));
      putchar ('\n');
    }
  if (timeline != NULL && timeline->len > 0)
    {
      printf ("\n%s\n", _ ("Timeline"));
      for (guint i = 0; i < timeline->len; i++)
        {
          TftsrTimelineEvent *event = g_ptr_array_index (timeline, i);
          g_autofree char *text = tftsr_timeline_event_describe (event);
          printf ("  %s  %s\n", tftsr_timeline_event_get_created_at (event), text);
        }
    }
  return TFTSR_CLI_OK;
}

/* The fields create and update set; a new incident defaults to medium, open, general. */
#define FIELD_ENTRIES                                                                              \
  OPT_STRING ("title", title, N_ ("Title (required for a new incident)"), "T"),                    \
      OPT_STRING ("severity", severity, N_ ("critical, high, medium or low"), "S"),                \
      OPT_STRING ("status", status, N_ ("open, investigating, resolved or closed"), "S"),          \
      OPT_STRING ("category", category, N_ ("One of the 17 domains, or general"), "C"),            \
      OPT_STRING ("description", description, N_ ("Description text"), "D"),                       \
      OPT_STRING ("description-file", description_file,                                            \
                  N_ ("Read the description from a file or - for standard input"), "FILE"),        \
      OPT_STRING ("owner", owner, N_ ("Who owns the incident"), "NAME"),                           \
      OPT_STRING ("tags", tags, N_ ("Comma-separated tags (replacing any)"), "T1,T2"),             \
      OPT_FLAG ("json", json, N_ ("Print the incident as JSON"))

static int
issue_create (TftsrCli *cli, int argc, char **argv)
{
  g_auto (IssueOptions) opts = { 0 };
  IssueOptions *o = &opts;
  GOptionEntry entries[] = { FIELD_ENTRIES, OPT_END };
  g_autoptr (TftsrIssue) draft = tftsr_issue_new ("");
  g_autoptr (TftsrIssue) issue = NULL;
  g_autoptr (GError) error = NULL;

  if (!tftsr_cli_parse ("issue create", "", _ ("Creates an incident and prints its id."), entries,
                        FALSE, &argc, &argv))
    return TFTSR_CLI_USAGE;
  if (argc > 1)
    return tftsr_cli_usage_error (_ ("unexpected argument “%s”"), argv[1]);
  if (o->title == NULL)
    return tftsr_cli_usage_error (_ ("--title is required"));
  tftsr_issue_set_source (draft, "cli");
  if (!apply_fields (o, draft))
    return TFTSR_CLI_USAGE;
  if (!read_description (o, draft, &error) || tftsr_cli_store (cli) == NULL)
    return error != NULL ? tftsr_cli_fail (error) : TFTSR_CLI_FAILED;
  if ((issue = tftsr_store_create_issue (cli->store, draft, &error)) == NULL)
    return tftsr_cli_fail (error);
  if (o->json)
    return print_issue (issue, NULL, TRUE);
  printf ("%" G_GINT64_FORMAT "\n", tftsr_issue_get_id (issue));
  return TFTSR_CLI_OK;
}

/* Builds the query of list and search from their shared filter options. */
static gboolean
build_query (const IssueOptions *o, TftsrIssueQuery *query)
{
  gint category;

  if (o->status != NULL &&
      !parse_mask (TFTSR_TYPE_STATUS, _ ("status"), o->status, &query->status_mask))
    return FALSE;
  if (o->severity != NULL &&
      !parse_mask (TFTSR_TYPE_SEVERITY, _ ("severity"), o->severity, &query->severity_mask))
    return FALSE;
  if (o->category != NULL)
    {
      if (!parse_enum (TFTSR_TYPE_CATEGORY, _ ("category"), o->category, &category))
        return FALSE;
      query->category = category;
    }
  if (o->sort != NULL)
    {
      gint sort;
      if (!parse_enum (TFTSR_TYPE_ISSUE_SORT, _ ("sort order"), o->sort, &sort))
        return FALSE;
      query->sort = sort;
    }
  if (o->limit < 0 || o->offset < 0)
    {
      tftsr_cli_usage_error (_ ("--limit and --offset must not be negative"));
      return FALSE;
    }
  query->tag = g_strdup (o->tag);
  query->limit = (guint) o->limit;
  query->offset = (guint) o->offset;
  query->deleted = o->trash;
  return TRUE;
}

static int
run_query (TftsrCli *cli, const TftsrIssueQuery *query, gboolean json)
{
  g_autoptr (GPtrArray) issues = NULL;
  g_autoptr (GError) error = NULL;

  if (tftsr_cli_store (cli) == NULL)
    return TFTSR_CLI_FAILED;
  if ((issues = tftsr_store_list_issues (cli->store, query, NULL, &error)) == NULL)
    return tftsr_cli_fail (error);
  return print_issues (issues, json);
}

#define FILTER_ENTRIES                                                                             \
  OPT_STRING ("status", status, N_ ("Only these statuses (comma-separated)"), "S1,S2"),            \
      OPT_STRING ("severity", severity, N_ ("Only these severities (comma-separated)"), "S1,S2"),  \
      OPT_STRING ("category", category, N_ ("Only this category"), "C"),                           \
      OPT_STRING ("tag", tag, N_ ("Only incidents with this tag"), "TAG"),                         \
      OPT_INT ("limit", limit, N_ ("At most N incidents (default 50)")),                           \
      OPT_INT ("offset", offset, N_ ("Skip the first N incidents")),                               \
      OPT_FLAG ("trash", trash, N_ ("List incidents in the trash instead")),                       \
      OPT_FLAG ("json", json, N_ ("Print JSON"))

static int
issue_list (TftsrCli *cli, int argc, char **argv)
{
  g_auto (IssueOptions) opts = { 0 };
  IssueOptions *o = &opts;
  GOptionEntry entries[] = {
    FILTER_ENTRIES,
    OPT_STRING ("sort", sort, N_ ("updated (default), created, severity or title"), "ORDER"),
    OPT_END,
  };
  g_autoptr (TftsrIssueQuery) query = tftsr_issue_query_new ();

  if (!tftsr_cli_parse ("issue list", "", _ ("Lists incidents, most recently updated first."),
                        entries, FALSE, &argc, &argv))
    return TFTSR_CLI_USAGE;
  if (argc > 1)
    return tftsr_cli_usage_error (_ ("unexpected argument “%s”"), argv[1]);
  if (!build_query (o, query))
    return TFTSR_CLI_USAGE;
  return run_query (cli, query, o->json);
}

static int
issue_search (TftsrCli *cli, int argc, char **argv)
{
  g_auto (IssueOptions) opts = { 0 };
  IssueOptions *o = &opts;
  GOptionEntry entries[] = {
    FILTER_ENTRIES,
    OPT_STRING ("sort", sort, N_ ("relevance (default), updated, created, severity or title"),
                "ORDER"),
    OPT_END,
  };
  g_autoptr (TftsrIssueQuery) query = tftsr_issue_query_new ();

  if (!tftsr_cli_parse ("issue search", "QUERY…",
                        _ ("Searches titles, descriptions and tags. Words match as prefixes, "
                           "\"quoted phrases\" exactly, -word excludes, OR gives alternatives."),
                        entries, TRUE, &argc, &argv))
    return TFTSR_CLI_USAGE;
  if (argc < 2)
    return tftsr_cli_usage_error (_ ("issue search needs a query"));
  query->sort = TFTSR_ISSUE_SORT_RELEVANCE;
  if (!build_query (o, query))
    return TFTSR_CLI_USAGE;
  query->text = g_strjoinv (" ", argv + 1);
  return run_query (cli, query, o->json);
}

/* Parses the single positional id shared by show, update, delete and restore. */
static gboolean
single_id (int argc, char **argv, gint64 *id)
{
  if (argc != 2)
    {
      tftsr_cli_usage_error (argc < 2 ? _ ("an incident id is required")
                                      : _ ("give exactly one incident id"));
      return FALSE;
    }
  return tftsr_cli_parse_id (argv[1], id);
}

static int
issue_show (TftsrCli *cli, int argc, char **argv)
{
  g_auto (IssueOptions) opts = { 0 };
  IssueOptions *o = &opts;
  GOptionEntry entries[] = { OPT_FLAG ("json", json, N_ ("Print JSON")), OPT_END };
  g_autoptr (TftsrIssue) issue = NULL;
  g_autoptr (GPtrArray) timeline = NULL;
  g_autoptr (GError) error = NULL;
  gint64 id;

  if (!tftsr_cli_parse ("issue show", "ID", _ ("Shows an incident and its timeline."), entries,
                        FALSE, &argc, &argv) ||
      !single_id (argc, argv, &id))
    return TFTSR_CLI_USAGE;
  if (tftsr_cli_store (cli) == NULL)
    return TFTSR_CLI_FAILED;
  if ((issue = tftsr_store_get_issue (cli->store, id, &error)) == NULL ||
      (timeline = tftsr_store_list_timeline (cli->store, id, &error)) == NULL)
    return tftsr_cli_fail (error);
  return print_issue (issue, timeline, o->json);
}

static int
issue_update (TftsrCli *cli, int argc, char **argv)
{
  g_auto (IssueOptions) opts = { 0 };
  IssueOptions *o = &opts;
  GOptionEntry entries[] = { FIELD_ENTRIES, OPT_END };
  g_autoptr (TftsrIssue) issue = NULL;
  g_autoptr (TftsrIssue) updated = NULL;
  g_autoptr (TftsrIssue) scratch = tftsr_issue_new ("");
  g_autoptr (GError) error = NULL;
  gint64 id;

  if (!tftsr_cli_parse ("issue update", "ID", _ ("Changes the fields given."), entries, FALSE,
                        &argc, &argv) ||
      !single_id (argc, argv, &id))
    return TFTSR_CLI_USAGE;
  /* Validate every value before touching the database. */
  if (!apply_fields (o, scratch))
    return TFTSR_CLI_USAGE;
  if (tftsr_cli_store (cli) == NULL)
    return TFTSR_CLI_FAILED;
  if ((issue = tftsr_store_get_issue (cli->store, id, &error)) == NULL ||
      !read_description (o, issue, &error))
    return tftsr_cli_fail (error);
  apply_fields (o, issue);
  if ((updated = tftsr_store_update_issue (cli->store, issue, &error)) == NULL)
    return tftsr_cli_fail (error);
  if (o->json)
    return print_issue (updated, NULL, TRUE);
  return TFTSR_CLI_OK;
}

static int
issue_delete (TftsrCli *cli, int argc, char **argv)
{
  g_auto (IssueOptions) opts = { 0 };
  IssueOptions *o = &opts;
  GOptionEntry entries[] = {
    OPT_FLAG ("purge", purge,
              N_ ("Erase it now, with its timeline, instead of moving it to the trash")),
    OPT_END,
  };
  g_autoptr (GError) error = NULL;
  gint64 id;

  if (!tftsr_cli_parse ("issue delete", "ID",
                        _ ("Moves an incident to the trash; the trash is emptied after 30 days."),
                        entries, FALSE, &argc, &argv) ||
      !single_id (argc, argv, &id))
    return TFTSR_CLI_USAGE;
  if (tftsr_cli_store (cli) == NULL)
    return TFTSR_CLI_FAILED;
  if (!tftsr_store_delete_issue (cli->store, id, &error) &&
      !(o->purge && g_error_matches (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_NOT_FOUND)))
    return tftsr_cli_fail (error);
  g_clear_error (&error);
  if (o->purge && !tftsr_store_purge_issue (cli->store, id, &error))
    return tftsr_cli_fail (error);
  return TFTSR_CLI_OK;
}

static int
issue_restore (TftsrCli *cli, int argc, char **argv)
{
  GOptionEntry entries[] = { OPT_END };
  g_autoptr (GError) error = NULL;
  gint64 id;

  if (!tftsr_cli_parse ("issue restore", "ID", _ ("Brings an incident back from the trash."),
                        entries, FALSE, &argc, &argv) ||
      !single_id (argc, argv, &id))
    return TFTSR_CLI_USAGE;
  if (tftsr_cli_store (cli) == NULL)
    return TFTSR_CLI_FAILED;
  if (!tftsr_store_restore_issue (cli->store, id, &error))
    return tftsr_cli_fail (error);
  return TFTSR_CLI_OK;
}

static const struct
{
  const char *verb;
  TftsrCliCommand run;
} verbs[] = {
  { "create", issue_create },   { "list", issue_list },     { "show", issue_show },
  { "search", issue_search },   { "update", issue_update }, { "delete", issue_delete },
  { "restore", issue_restore },
};

int
tftsr_cli_issue (TftsrCli *cli, int argc, char **argv)
{
  if (argc < 2 || g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h"))
    {
      FILE *out = argc < 2 ? stderr : stdout;
      fprintf (out, "%s\n",
               _ ("Usage: tftsr-cli issue create|list|show|search|update|delete|"
                  "restore [arguments]  (add --help after a verb for its options)"));
      return argc < 2 ? TFTSR_CLI_USAGE : TFTSR_CLI_OK;
    }
  for (guint i = 0; i < G_N_ELEMENTS (verbs); i++)
    if (g_str_equal (argv[1], verbs[i].verb))
      return verbs[i].run (cli, argc - 1, argv + 1);
  return tftsr_cli_usage_error (_ ("unknown verb “issue %s”"), argv[1]);
}
