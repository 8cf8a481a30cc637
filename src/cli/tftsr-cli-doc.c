/* tftsr-cli-doc.c: tftsr-cli doc generate|show|revisions|edit|regenerate|revert|diff|export,
 * paper|draft, and doc rca|postmortem (the contract's one-step form)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gio/gunixoutputstream.h>
#include <glib/gi18n.h>
#include <stdio.h>
#include <unistd.h>

#include "tftsr-cli.h"

/* --- arguments and output ---------------------------------------------------------------- */

static gboolean
parse_kind (const char *text, TftsrDocKind *kind)
{
  if (tftsr_doc_kind_from_string (text, kind))
    return TRUE;
  tftsr_cli_usage_error (_ ("“%s” is not a kind of document: rca or postmortem"), text);
  return FALSE;
}

/* "ISSUE_ID KIND" from @argv[1] and @argv[2]. */
static gboolean
parse_target (char **argv, gint64 *issue_id, TftsrDocKind *kind)
{
  return tftsr_cli_parse_id (argv[1], issue_id) && parse_kind (argv[2], kind);
}

/* A verb on one document: @command's options in @entries, then @n_args arguments (the
 * command, ISSUE_ID, rca|postmortem and any further ones), @missing said when there are
 * not so many. FALSE once the user has been told what was wrong. */
static gboolean
parse_verb (const char *command, const char *usage, const char *summary, GOptionEntry *entries,
            int n_args, const char *missing, int *argc, char ***argv, gint64 *issue_id,
            TftsrDocKind *kind)
{
  if (!tftsr_cli_parse (command, usage, summary, entries, FALSE, argc, argv))
    return FALSE;
  if (*argc != n_args)
    {
      tftsr_cli_usage_error ("%s", missing);
      return FALSE;
    }
  return parse_target (*argv, issue_id, kind);
}

static gboolean
parse_revision (const char *text, guint *n)
{
  guint64 value = 0;

  if (g_ascii_string_to_unsigned (text, 10, 1, G_MAXUINT, &value, NULL))
    {
      *n = (guint) value;
      return TRUE;
    }
  tftsr_cli_usage_error (_ ("“%s” is not a revision number"), text);
  return FALSE;
}

static gboolean
parse_format (const char *text, TftsrDocFormat *format)
{
  if (text == NULL)
    {
      *format = TFTSR_DOC_FORMAT_MARKDOWN;
      return TRUE;
    }
  if (tftsr_doc_format_from_string (text, format))
    return TRUE;
  tftsr_cli_usage_error (
      _ ("“%s” is not a format that can be written here: md, html, pdf or confluence"), text);
  return FALSE;
}

static gboolean
parse_paper (const char *text, TftsrPaper *paper)
{
  if (tftsr_paper_from_string (text, paper))
    return TRUE;
  tftsr_cli_usage_error (_ ("“%s” is not a paper size: a4 or letter"), text);
  return FALSE;
}

/* The paper named by --paper, else the stored setting (else the locale's). */
static gboolean
paper_for (TftsrCli *cli, const char *name, TftsrPaper *paper)
{
  g_autoptr (GError) error = NULL;

  if (name != NULL)
    return TRUE; /* parsed with the other arguments */
  if (tftsr_store_get_paper (cli->store, paper, &error))
    return TRUE;
  tftsr_cli_fail (error);
  return FALSE;
}

/* Fonts are the machine's: a character none of them has prints as a box, and the reader
 * should know before sending the file on. */
static void
warn_missing_glyphs (const TftsrPdfInfo *info)
{
  if (info->missing_glyphs == 0)
    return;
  fprintf (stderr,
           g_dngettext (NULL,
                        "tftsr-cli: %u character has no installed font and prints as a box; "
                        "install a font that has it (such as fonts-noto) and export again\n",
                        "tftsr-cli: %u characters have no installed font and print as boxes; "
                        "install a font that has them (such as fonts-noto) and export again\n",
                        info->missing_glyphs),
           info->missing_glyphs);
}

/* The stored document, or NULL after saying why (and how to create it). */
static TftsrDocument *
open_document (TftsrCli *cli, gint64 issue_id, TftsrDocKind kind)
{
  g_autoptr (GError) error = NULL;
  TftsrDocument *doc;

  if (tftsr_cli_store (cli) == NULL)
    return NULL;
  if ((doc = tftsr_store_get_document (cli->store, issue_id, kind, &error)) != NULL)
    return doc;
  tftsr_cli_fail (error);
  if (g_error_matches (error, TFTSR_DOC_ERROR, TFTSR_DOC_ERROR_NOT_FOUND))
    fprintf (stderr,
             _ ("tftsr-cli: create it with “tftsr-cli doc generate %" G_GINT64_FORMAT " %s”\n"),
             issue_id, tftsr_doc_kind_to_string (kind));
  return NULL;
}

static json_object *
json_nullable (const char *text)
{
  return text != NULL ? tftsr_cli_json_string (text) : NULL;
}

static json_object *
document_to_json (const TftsrDocument *doc)
{
  json_object *obj = json_object_new_object ();

  json_object_object_add (obj, "id", json_object_new_int64 (doc->id));
  json_object_object_add (obj, "issue_id", json_object_new_int64 (doc->issue_id));
  json_object_object_add (obj, "kind",
                          json_object_new_string (tftsr_doc_kind_to_string (doc->kind)));
  json_object_object_add (obj, "title", tftsr_cli_json_string (doc->title));
  json_object_object_add (obj, "revision", json_object_new_int64 (doc->revision));
  json_object_object_add (obj, "external_url", json_nullable (doc->external_url));
  json_object_object_add (obj, "created_at", json_object_new_string (doc->created_at));
  json_object_object_add (obj, "updated_at", json_object_new_string (doc->updated_at));
  json_object_object_add (obj, "markdown", tftsr_cli_json_string (doc->markdown));
  return obj;
}

static json_object *
revision_to_json (const TftsrDocRevision *revision)
{
  json_object *obj = json_object_new_object ();

  json_object_object_add (obj, "n", json_object_new_int64 (revision->n));
  json_object_object_add (
      obj, "reason",
      json_object_new_string (tftsr_doc_revision_reason_to_string (revision->reason)));
  json_object_object_add (
      obj, "reverted_from",
      revision->reverted_from > 0 ? json_object_new_int64 (revision->reverted_from) : NULL);
  json_object_object_add (obj, "created_at", json_object_new_string (revision->created_at));
  json_object_object_add (obj, "updated_at", json_object_new_string (revision->updated_at));
  if (revision->markdown != NULL)
    json_object_object_add (obj, "markdown", tftsr_cli_json_string (revision->markdown));
  return obj;
}

static void
print_json (json_object *obj)
{
  tftsr_cli_print_json (obj);
  json_object_put (obj);
}

/* What a change prints: the current revision's number, or the document as JSON. */
static int
print_changed (TftsrDocument *doc, GError *error, gboolean json)
{
  if (doc == NULL)
    return tftsr_cli_fail (error);
  if (json)
    print_json (document_to_json (doc));
  else
    printf ("%u\n", doc->revision);
  return TFTSR_CLI_OK;
}

#define JSON_OPTION(var, text)                                                                     \
  {                                                                                                \
    "json", 0, 0, G_OPTION_ARG_NONE, &(var), (text), NULL                                          \
  }
#define END_OPTIONS                                                                                \
  {                                                                                                \
    NULL, 0, 0, 0, NULL, NULL, NULL                                                                \
  }

/* --- verbs ------------------------------------------------------------------------------------ */

static int
doc_generate (TftsrCli *cli, int argc, char **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = { JSON_OPTION (json, N_ ("Print the document as JSON")), END_OPTIONS };
  g_autoptr (TftsrDocument) doc = NULL;
  g_autoptr (GError) error = NULL;
  gint64 issue_id;
  TftsrDocKind kind;

  if (!parse_verb ("doc generate", "ISSUE_ID rca|postmortem",
                   _ ("Builds the incident's RCA or post-mortem from its data and stores it "
                      "as revision 1; prints the revision number. Refused when it exists: "
                      "regenerate it instead."),
                   entries, 3, _ ("doc generate needs an incident id and a kind"), &argc, &argv,
                   &issue_id, &kind))
    return TFTSR_CLI_USAGE;
  if (tftsr_cli_store (cli) == NULL)
    return TFTSR_CLI_FAILED;
  doc = tftsr_store_generate_document (cli->store, issue_id, kind, &error);
  return print_changed (doc, error, json);
}

static int
doc_regenerate (TftsrCli *cli, int argc, char **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = { JSON_OPTION (json, N_ ("Print the document as JSON")), END_OPTIONS };
  g_autoptr (TftsrDocument) doc = NULL;
  g_autoptr (TftsrDocument) regenerated = NULL;
  g_autoptr (GError) error = NULL;
  gint64 issue_id;
  TftsrDocKind kind;

  if (!parse_verb ("doc regenerate", "ISSUE_ID rca|postmortem",
                   _ ("Builds the document again from the incident's data as a new "
                      "revision; the earlier ones stay. Prints the revision number."),
                   entries, 3, _ ("doc regenerate needs an incident id and a kind"), &argc, &argv,
                   &issue_id, &kind))
    return TFTSR_CLI_USAGE;
  if ((doc = open_document (cli, issue_id, kind)) == NULL)
    return TFTSR_CLI_FAILED;
  regenerated = tftsr_store_regenerate_document (cli->store, doc->id, &error);
  return print_changed (regenerated, error, json);
}

static int
doc_edit (TftsrCli *cli, int argc, char **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = { JSON_OPTION (json, N_ ("Print the document as JSON")), END_OPTIONS };
  g_autoptr (TftsrDocument) doc = NULL;
  g_autoptr (TftsrDocument) saved = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *valid = NULL;
  gint64 issue_id;
  TftsrDocKind kind;

  if (!parse_verb ("doc edit", "ISSUE_ID rca|postmortem FILE|-",
                   _ ("Saves the file's Markdown (or standard input's) as a new revision of "
                      "the document; prints the revision number."),
                   entries, 4, _ ("doc edit needs an incident id, a kind and a file"), &argc, &argv,
                   &issue_id, &kind))
    return TFTSR_CLI_USAGE;
  if ((text = tftsr_cli_read_text (argv[3], &error)) == NULL)
    return tftsr_cli_fail (error);
  if ((doc = open_document (cli, issue_id, kind)) == NULL)
    return TFTSR_CLI_FAILED;
  /* Stored text is UTF-8: invalid bytes become U+FFFD. */
  valid = g_utf8_make_valid (text, -1);
  saved = tftsr_store_save_document (cli->store, doc->id, valid, TFTSR_DOC_SAVE_REVISION, &error);
  return print_changed (saved, error, json);
}

static int
doc_revert (TftsrCli *cli, int argc, char **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = { JSON_OPTION (json, N_ ("Print the document as JSON")), END_OPTIONS };
  g_autoptr (TftsrDocument) doc = NULL;
  g_autoptr (TftsrDocument) reverted = NULL;
  g_autoptr (GError) error = NULL;
  gint64 issue_id;
  TftsrDocKind kind;
  guint n;

  if (!parse_verb ("doc revert", "ISSUE_ID rca|postmortem N",
                   _ ("Makes revision N's text current again, as a new revision; prints its "
                      "number."),
                   entries, 4, _ ("doc revert needs an incident id, a kind and a revision number"),
                   &argc, &argv, &issue_id, &kind) ||
      !parse_revision (argv[3], &n))
    return TFTSR_CLI_USAGE;
  if ((doc = open_document (cli, issue_id, kind)) == NULL)
    return TFTSR_CLI_FAILED;
  reverted = tftsr_store_revert_document (cli->store, doc->id, n, &error);
  return print_changed (reverted, error, json);
}

static int
doc_show (TftsrCli *cli, int argc, char **argv)
{
  gboolean json = FALSE;
  int revision = 0;
  GOptionEntry entries[] = {
    { "revision", 'r', 0, G_OPTION_ARG_INT, &revision, N_ ("Show revision N (default: current)"),
      "N" },
    JSON_OPTION (json, N_ ("Print the document (or the revision) as JSON")),
    END_OPTIONS,
  };
  g_autoptr (TftsrDocument) doc = NULL;
  g_autoptr (TftsrDocRevision) shown = NULL;
  g_autoptr (GError) error = NULL;
  gint64 issue_id;
  TftsrDocKind kind;

  if (!parse_verb ("doc show", "ISSUE_ID rca|postmortem",
                   _ ("Prints the document's Markdown as saved (never generates it)."), entries, 3,
                   _ ("doc show needs an incident id and a kind"), &argc, &argv, &issue_id, &kind))
    return TFTSR_CLI_USAGE;
  if (revision < 0)
    return tftsr_cli_usage_error (_ ("“%d” is not a revision number"), revision);
  if ((doc = open_document (cli, issue_id, kind)) == NULL)
    return TFTSR_CLI_FAILED;
  if (revision == 0)
    {
      if (json)
        print_json (document_to_json (doc));
      else
        tftsr_cli_print_text (doc->markdown);
      return TFTSR_CLI_OK;
    }
  if ((shown = tftsr_store_get_document_revision (cli->store, doc->id, (guint) revision, &error)) ==
      NULL)
    return tftsr_cli_fail (error);
  if (json)
    print_json (revision_to_json (shown));
  else
    tftsr_cli_print_text (shown->markdown);
  return TFTSR_CLI_OK;
}

static void
print_revision (const TftsrDocRevision *revision, gboolean current)
{
  g_autofree char *reason = revision->reverted_from > 0
                                ? g_strdup_printf (_ ("reverted to %u"), revision->reverted_from)
                                : g_strdup (tftsr_doc_revision_reason_to_string (revision->reason));

  printf ("%4u  %-16s  %s  %s%s\n", revision->n, reason, revision->created_at, revision->updated_at,
          current ? _ ("  (current)") : "");
}

static int
doc_revisions (TftsrCli *cli, int argc, char **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = { JSON_OPTION (json, N_ ("Print JSON")), END_OPTIONS };
  g_autoptr (TftsrDocument) doc = NULL;
  g_autoptr (GPtrArray) revisions = NULL;
  g_autoptr (GError) error = NULL;
  json_object *array;
  gint64 issue_id;
  TftsrDocKind kind;

  if (!parse_verb ("doc revisions", "ISSUE_ID rca|postmortem",
                   _ ("Lists the document's revisions, oldest first: number, why it was "
                      "made, when, and when it was last saved."),
                   entries, 3, _ ("doc revisions needs an incident id and a kind"), &argc, &argv,
                   &issue_id, &kind))
    return TFTSR_CLI_USAGE;
  if ((doc = open_document (cli, issue_id, kind)) == NULL)
    return TFTSR_CLI_FAILED;
  if ((revisions = tftsr_store_list_document_revisions (cli->store, doc->id, &error)) == NULL)
    return tftsr_cli_fail (error);
  array = json_object_new_array ();
  for (guint i = 0; i < revisions->len; i++)
    {
      const TftsrDocRevision *revision = revisions->pdata[i];

      if (!json)
        print_revision (revision, revision->n == doc->revision);
      json_object_array_add (array, revision_to_json (revision));
    }
  if (json)
    tftsr_cli_print_json (array);
  json_object_put (array);
  return TFTSR_CLI_OK;
}

static int
doc_diff (TftsrCli *cli, int argc, char **argv)
{
  int context = 3;
  GOptionEntry entries[] = {
    { "context", 'U', 0, G_OPTION_ARG_INT, &context,
      N_ ("Lines of context around each change (default 3)"), "N" },
    END_OPTIONS,
  };
  g_autoptr (TftsrDocument) doc = NULL;
  g_autoptr (TftsrDocRevision) a = NULL;
  g_autoptr (TftsrDocRevision) b = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *label_a = NULL;
  g_autofree char *label_b = NULL;
  g_autofree char *diff = NULL;
  gint64 issue_id;
  TftsrDocKind kind;
  guint n_a, n_b;

  if (!parse_verb ("doc diff", "ISSUE_ID rca|postmortem A B",
                   _ ("Shows what changed from revision A to revision B, in unified "
                      "format; nothing when their lines are the same."),
                   entries, 5, _ ("doc diff needs an incident id, a kind and two revisions"), &argc,
                   &argv, &issue_id, &kind) ||
      !parse_revision (argv[3], &n_a) || !parse_revision (argv[4], &n_b))
    return TFTSR_CLI_USAGE;
  if (context < 0)
    return tftsr_cli_usage_error (_ ("the context cannot be negative"));
  if ((doc = open_document (cli, issue_id, kind)) == NULL)
    return TFTSR_CLI_FAILED;
  if ((a = tftsr_store_get_document_revision (cli->store, doc->id, n_a, &error)) == NULL ||
      (b = tftsr_store_get_document_revision (cli->store, doc->id, n_b, &error)) == NULL)
    return tftsr_cli_fail (error);
  label_a = g_strdup_printf (_ ("revision %u"), n_a);
  label_b = g_strdup_printf (_ ("revision %u"), n_b);
  diff = tftsr_diff_unified (a->markdown, b->markdown, label_a, label_b, (guint) context);
  tftsr_cli_print_text (diff);
  return TFTSR_CLI_OK;
}

/* Writes @doc to @path, recorded, and prints where. */
static int
export_to (TftsrCli *cli, const TftsrDocument *doc, TftsrDocFormat format, TftsrPaper paper,
           const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *absolute = g_canonicalize_filename (path, NULL);
  TftsrPdfInfo info = { 0 };

  if (!tftsr_store_export_document (cli->store, doc->id, format, paper, absolute, &info, NULL, NULL,
                                    NULL, &error))
    return tftsr_cli_fail (error);
  warn_missing_glyphs (&info);
  tftsr_cli_print_text (absolute);
  putchar ('\n');
  return TFTSR_CLI_OK;
}

/* A PDF on standard output (not recorded, as printing never is). */
static int
print_pdf (const TftsrDocument *doc, TftsrPaper paper)
{
  g_autoptr (GOutputStream) out = NULL;
  g_autoptr (GError) error = NULL;
  TftsrPdfInfo info = { 0 };

  fflush (stdout);
  out = g_unix_output_stream_new (STDOUT_FILENO, FALSE);
  if (!tftsr_pdf_render (doc->markdown, doc->title, paper, out, &info, NULL, NULL, NULL, &error))
    return tftsr_cli_fail (error);
  warn_missing_glyphs (&info);
  return TFTSR_CLI_OK;
}

#define FORMAT_OPTION(var)                                                                         \
  {                                                                                                \
    "format", 'f', 0, G_OPTION_ARG_STRING, &(var), N_ ("md (default), html, pdf or confluence"),   \
        "FORMAT"                                                                                   \
  }
#define PAPER_OPTION(var)                                                                          \
  {                                                                                                \
    "paper", 0, 0, G_OPTION_ARG_STRING, &(var),                                                    \
        N_ ("A PDF's paper: a4 or letter (default: tftsr-cli doc paper)"), "PAPER"                 \
  }

static int
doc_export (TftsrCli *cli, int argc, char **argv)
{
  g_autofree char *format_name = NULL;
  g_autofree char *paper_name = NULL;
  g_autofree char *output = NULL;
  GOptionEntry entries[] = {
    FORMAT_OPTION (format_name),
    PAPER_OPTION (paper_name),
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_ ("The file to write"), "FILE" },
    END_OPTIONS,
  };
  g_autoptr (TftsrDocument) doc = NULL;
  gint64 issue_id;
  TftsrDocKind kind;
  TftsrDocFormat format;
  TftsrPaper paper = TFTSR_PAPER_A4;

  if (!parse_verb ("doc export", "ISSUE_ID rca|postmortem",
                   _ ("Writes the current revision to FILE as Markdown, a standalone HTML "
                      "page, a PDF or a Confluence page body (whole or not at all), records "
                      "the export in the incident's timeline and prints the file's path."),
                   entries, 3, _ ("doc export needs an incident id and a kind"), &argc, &argv,
                   &issue_id, &kind))
    return TFTSR_CLI_USAGE;
  if (output == NULL)
    return tftsr_cli_usage_error (_ ("doc export needs --output FILE"));
  if (!parse_format (format_name, &format) ||
      (paper_name != NULL && !parse_paper (paper_name, &paper)))
    return TFTSR_CLI_USAGE;
  if ((doc = open_document (cli, issue_id, kind)) == NULL || !paper_for (cli, paper_name, &paper))
    return TFTSR_CLI_FAILED;
  return export_to (cli, doc, format, paper, output);
}

static int
doc_paper (TftsrCli *cli, int argc, char **argv)
{
  GOptionEntry entries[] = { END_OPTIONS };
  g_autoptr (GError) error = NULL;
  TftsrPaper paper;

  if (!tftsr_cli_parse ("doc paper", "[a4|letter]",
                        _ ("Prints the paper PDFs are laid out on, or sets it. Until it is set, "
                           "the paper of your locale (LC_PAPER): letter in the United States, "
                           "Canada and much of the Americas, a4 elsewhere."),
                        entries, FALSE, &argc, &argv))
    return TFTSR_CLI_USAGE;
  if (argc > 2)
    return tftsr_cli_usage_error (_ ("doc paper takes at most one paper size"));
  if (argc == 2 && !parse_paper (argv[1], &paper))
    return TFTSR_CLI_USAGE;
  if (tftsr_cli_store (cli) == NULL)
    return TFTSR_CLI_FAILED;
  if (argc == 2)
    return tftsr_store_set_paper (cli->store, paper, &error) ? TFTSR_CLI_OK
                                                             : tftsr_cli_fail (error);
  if (!tftsr_store_get_paper (cli->store, &paper, &error))
    return tftsr_cli_fail (error);
  printf ("%s\n", tftsr_paper_to_string (paper));
  return TFTSR_CLI_OK;
}

/* Prints the AI draft of the post-mortem's summary, factors and actions; with --apply it
 * goes into the post-mortem as a new revision. */
static int
doc_draft (TftsrCli *cli, int argc, char **argv)
{
  g_autofree char *provider = NULL;
  gboolean apply = FALSE;
  GOptionEntry entries[] = {
    { "provider", 0, 0, G_OPTION_ARG_STRING, &provider,
      N_ ("Use this provider, not the one in use"), "NAME" },
    { "apply", 0, 0, G_OPTION_ARG_NONE, &apply,
      N_ ("Put the draft into the post-mortem as a new revision and print its number"), NULL },
    END_OPTIONS,
  };
  g_autoptr (TftsrDocument) doc = NULL;
  g_autoptr (TftsrDocDraft) draft = NULL;
  g_autoptr (TftsrDocument) saved = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  gint64 issue_id;

  if (!tftsr_cli_parse ("doc draft", "ISSUE_ID",
                        _ ("Asks the AI provider for a draft of the post-mortem's executive "
                           "summary, contributing factors and action items from the incident and "
                           "its triage (sent redacted, recorded in the audit log) and prints it "
                           "as Markdown."),
                        entries, FALSE, &argc, &argv))
    return TFTSR_CLI_USAGE;
  if (argc != 2)
    return tftsr_cli_usage_error (_ ("doc draft needs an incident id"));
  if (!tftsr_cli_parse_id (argv[1], &issue_id))
    return TFTSR_CLI_USAGE;
  /* The post-mortem first: a draft it could not take would be sent for nothing. */
  if (apply && (doc = open_document (cli, issue_id, TFTSR_DOC_POSTMORTEM)) == NULL)
    return TFTSR_CLI_FAILED;
  if (tftsr_cli_store (cli) == NULL)
    return TFTSR_CLI_FAILED;
  if ((draft = tftsr_doc_draft_postmortem (cli->store, issue_id, provider, NULL, &error)) == NULL)
    return tftsr_cli_fail (error);
  if (!apply)
    {
      text = tftsr_doc_draft_to_markdown (draft);
      tftsr_cli_print_text (text);
      return TFTSR_CLI_OK;
    }
  text = tftsr_doc_draft_apply (draft, doc->markdown);
  saved = tftsr_store_save_document (cli->store, doc->id, text, TFTSR_DOC_SAVE_REVISION, &error);
  return print_changed (saved, error, FALSE);
}

/* The stored document, generated first when there is none: the contract's one step. */
static TftsrDocument *
document_or_generate (TftsrCli *cli, gint64 issue_id, TftsrDocKind kind)
{
  g_autoptr (GError) error = NULL;
  TftsrDocument *doc;

  if (tftsr_cli_store (cli) == NULL)
    return NULL;
  doc = tftsr_store_get_document (cli->store, issue_id, kind, &error);
  if (doc == NULL && g_error_matches (error, TFTSR_DOC_ERROR, TFTSR_DOC_ERROR_NOT_FOUND))
    {
      g_clear_error (&error);
      doc = tftsr_store_generate_document (cli->store, issue_id, kind, &error);
    }
  if (doc == NULL)
    tftsr_cli_fail (error);
  return doc;
}

/* tftsr-cli doc rca|postmortem ISSUE_ID [--format md|html|pdf] [--paper a4|letter] [-o FILE] */
static int
doc_one_step (TftsrCli *cli, TftsrDocKind kind, int argc, char **argv)
{
  g_autofree char *format_name = NULL;
  g_autofree char *paper_name = NULL;
  g_autofree char *output = NULL;
  GOptionEntry entries[] = {
    FORMAT_OPTION (format_name),
    PAPER_OPTION (paper_name),
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
      N_ ("Write to FILE (recorded as an export) instead of standard output"), "FILE" },
    END_OPTIONS,
  };
  g_autofree char *command = g_strdup_printf ("doc %s", tftsr_doc_kind_to_string (kind));
  g_autoptr (TftsrDocument) doc = NULL;
  g_autofree char *html = NULL;
  gint64 issue_id;
  TftsrDocFormat format;
  TftsrPaper paper = TFTSR_PAPER_A4;

  if (!tftsr_cli_parse (command, "ISSUE_ID",
                        _ ("Prints the incident's document as saved, generating it first only "
                           "when there is none yet."),
                        entries, FALSE, &argc, &argv))
    return TFTSR_CLI_USAGE;
  if (argc != 2)
    return tftsr_cli_usage_error (_ ("%s needs an incident id"), command);
  if (!tftsr_cli_parse_id (argv[1], &issue_id) || !parse_format (format_name, &format) ||
      (paper_name != NULL && !parse_paper (paper_name, &paper)))
    return TFTSR_CLI_USAGE;
  if (format == TFTSR_DOC_FORMAT_PDF && output == NULL && isatty (STDOUT_FILENO))
    return tftsr_cli_usage_error (
        _ ("a PDF is not for the terminal: write it with -o FILE or redirect the output"));
  if ((doc = document_or_generate (cli, issue_id, kind)) == NULL ||
      !paper_for (cli, paper_name, &paper))
    return TFTSR_CLI_FAILED;
  if (output != NULL)
    return export_to (cli, doc, format, paper, output);
  if (format == TFTSR_DOC_FORMAT_PDF)
    return print_pdf (doc, paper);
  if (format == TFTSR_DOC_FORMAT_HTML)
    html = tftsr_doc_render_html (doc->markdown, doc->title);
  else if (format == TFTSR_DOC_FORMAT_CONFLUENCE)
    html = tftsr_doc_render_confluence (doc->markdown);
  tftsr_cli_print_text (html != NULL ? html : doc->markdown);
  return TFTSR_CLI_OK;
}

int
tftsr_cli_doc (TftsrCli *cli, int argc, char **argv)
{
  static const struct
  {
    const char *verb;
    TftsrCliCommand run;
  } verbs[] = {
    { "generate", doc_generate },
    { "show", doc_show },
    { "revisions", doc_revisions },
    { "edit", doc_edit },
    { "regenerate", doc_regenerate },
    { "revert", doc_revert },
    { "diff", doc_diff },
    { "export", doc_export },
    { "paper", doc_paper },
    { "draft", doc_draft },
  };
  TftsrDocKind kind;

  for (guint i = 0; argc >= 2 && i < G_N_ELEMENTS (verbs); i++)
    if (g_str_equal (argv[1], verbs[i].verb))
      return verbs[i].run (cli, argc - 1, argv + 1);
  if (argc >= 2 && tftsr_doc_kind_from_string (argv[1], &kind))
    return doc_one_step (cli, kind, argc - 1, argv + 1);
  return tftsr_cli_usage_error (_ ("usage: tftsr-cli doc generate|show|revisions|edit|regenerate|"
                                   "revert|diff|export|paper|draft|rca|postmortem [arguments]"));
}
