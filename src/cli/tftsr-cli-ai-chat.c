/* tftsr-cli-ai-chat.c: tftsr-cli ai chat|whys, the 5-Whys triage from a terminal
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "tftsr-cli.h"

/* The reply as it streams in, printed a line at a time: a pseudonym token or a marker
 * may be cut across pieces, and only a whole line can be revealed and stripped. */
typedef struct
{
  TftsrStore *store;
  gint64 issue_id;
  GString *pending; /* the line not finished yet */
  GError *error;    /* the first failure to reveal */
} Printer;

static void
print_line (Printer *p, const char *line)
{
  g_autofree char *stripped = tftsr_triage_strip_markers (line);
  g_autofree char *shown = NULL;

  /* A line that held nothing but a marker: its news goes to stderr. */
  if (*stripped == '\0' && line[strspn (line, " \t\r")] != '\0')
    return;
  shown = p->error == NULL
              ? tftsr_store_reveal_pseudonyms (p->store, p->issue_id, stripped, &p->error)
              : NULL;
  tftsr_cli_print_text (shown != NULL ? shown : stripped);
  putchar ('\n');
  fflush (stdout);
}

static void
printer_text (const char *text, gsize len, gpointer user_data)
{
  Printer *p = user_data;
  char *nl;

  g_string_append_len (p->pending, text, len);
  while ((nl = memchr (p->pending->str, '\n', p->pending->len)) != NULL)
    {
      g_autofree char *line = g_strndup (p->pending->str, nl - p->pending->str);

      g_string_erase (p->pending, 0, nl - p->pending->str + 1);
      print_line (p, line);
    }
}

static void
printer_retry (guint attempt, guint seconds, gpointer user_data)
{
  fprintf (stderr, _ ("The provider is busy; asking again in %u s…\n"), seconds);
}

static void
printer_finish (Printer *p)
{
  if (p->pending->len > 0)
    print_line (p, p->pending->str);
  g_string_truncate (p->pending, 0);
}

static void
report_level (const TftsrTriageTurn *turn)
{
  guint before = turn->level_before, after = turn->level_after;

  if (after == before)
    return;
  if (after == TFTSR_TRIAGE_LEVEL_ROOT_CAUSE)
    fprintf (stderr, _ ("5 Whys: root cause identified: %s\n"), turn->root_cause);
  else if (before == TFTSR_TRIAGE_LEVEL_NOT_STARTED && after == 1)
    fprintf (stderr, "%s\n", _ ("5 Whys: started; asking why 1 of 5"));
  else if (after - MAX (before, 1) == 1)
    fprintf (stderr, _ ("5 Whys: why %u answered; now asking why %u of 5\n"), after - 1, after);
  else
    fprintf (stderr, _ ("5 Whys: whys %u–%u answered; now asking why %u of 5\n"), MAX (before, 1),
             after - 1, after);
}

/* The reply streamed as it arrives, pseudonyms revealed. */
static TftsrTriageTurn *
chat_with_provider (TftsrCli *cli, gint64 id, const char *text, GPtrArray *attachments,
                    const char *provider, TftsrCliTools mode, GError **error)
{
  g_autoptr (GString) pending = g_string_new (NULL);
  Printer printer = { cli->store, id, pending, NULL };
  TftsrAiListener listener = { printer_text, printer_retry, &printer };
  TftsrTriageTools tools;
  TftsrTriageTurn *turn;

  tftsr_cli_tools_init (&tools, cli, mode);
  turn = tftsr_triage_send_with_tools (cli->store, id, text, attachments, provider, &listener,
                                       &tools, NULL, error);
  printer_finish (&printer);
  tftsr_cli_tools_clear (&tools);
  if (printer.error != NULL)
    {
      fprintf (stderr, _ ("tftsr-cli: pseudonyms shown as they are: %s\n"), printer.error->message);
      g_error_free (printer.error);
    }
  return turn;
}

static TftsrTriageTurn *
chat_with_guide (TftsrCli *cli, gint64 id, const char *text, gboolean root_cause, GError **error)
{
  g_autoptr (TftsrTriageTurn) turn = tftsr_triage_guide (cli->store, id, text, root_cause, error);
  g_autofree char *shown = NULL;

  if (turn == NULL ||
      (shown = tftsr_triage_dup_display_text (cli->store, id, turn->reply, error)) == NULL)
    return NULL;
  tftsr_cli_print_text (shown);
  putchar ('\n');
  return g_steal_pointer (&turn);
}

/* Whether any provider is set up; without one the guide answers. */
static gboolean
has_providers (TftsrCli *cli, gboolean *any)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) providers = tftsr_store_list_ai_providers (cli->store, &error);

  if (providers == NULL)
    {
      tftsr_cli_fail (error);
      return FALSE;
    }
  *any = providers->len > 0;
  return TRUE;
}

/* --log LOG_ID[:FIRST-LAST] and --image IMAGE_ID, in the order given by kind; NULL after
 * a usage error. */
static GPtrArray *
parse_attachments (char **logs, char **images)
{
  g_autoptr (GPtrArray) attachments = tftsr_triage_attachments_new ();

  for (guint i = 0; logs != NULL && logs[i] != NULL; i++)
    {
      g_autoptr (GError) error = NULL;
      TftsrTriageAttachment *a = tftsr_triage_attachment_parse_log (logs[i], &error);

      if (a == NULL)
        {
          tftsr_cli_usage_error ("--log: %s", error->message);
          return NULL;
        }
      g_ptr_array_add (attachments, a);
    }
  for (guint i = 0; images != NULL && images[i] != NULL; i++)
    {
      guint64 id;

      if (!g_ascii_string_to_unsigned (images[i], 10, 1, G_MAXINT64, &id, NULL))
        {
          tftsr_cli_usage_error (_ ("--image: “%s” is not an image id (a positive number)"),
                                 images[i]);
          return NULL;
        }
      g_ptr_array_add (attachments, tftsr_triage_attachment_new_image ((gint64) id, NULL));
    }
  return g_steal_pointer (&attachments);
}

int
tftsr_cli_ai_chat (TftsrCli *cli, int argc, char **argv)
{
  g_autofree char *provider = NULL, *tools = NULL;
  g_auto (GStrv) logs = NULL, images = NULL;
  TftsrCliTools mode;
  gboolean offline = FALSE, root_cause = FALSE, any = TRUE;
  GOptionEntry entries[] = {
    { "provider", 0, 0, G_OPTION_ARG_STRING, &provider,
      N_ ("Ask this provider instead of the active one"), "NAME" },
    { "log", 0, 0, G_OPTION_ARG_STRING_ARRAY, &logs,
      N_ ("Attach a log of the incident, or lines FIRST to LAST of it; sent redacted, whole or "
          "as a digest (repeatable)"),
      "LOG_ID[:FIRST-LAST]" },
    { "image", 0, 0, G_OPTION_ARG_STRING_ARRAY, &images,
      N_ ("Attach a screenshot of the incident whose PII warning was acknowledged (repeatable)"),
      "IMAGE_ID" },
    { "offline", 0, 0, G_OPTION_ARG_NONE, &offline,
      N_ ("Use the built-in guide: nothing leaves this machine"), NULL },
    { "root-cause", 0, 0, G_OPTION_ARG_NONE, &root_cause,
      N_ ("With the guide: this answer is the root cause"), NULL },
    { "tools", 0, 0, G_OPTION_ARG_STRING, &tools,
      N_ ("Offer the tools of the enabled MCP servers: ask before each call (the default on a "
          "terminal), allow every call, or deny (offer none; the default otherwise)"),
      "ask|allow|deny" },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr (TftsrTriageTurn) turn = NULL;
  g_autoptr (GPtrArray) attachments = NULL;
  g_autoptr (GError) error = NULL;
  gint64 id;

  if (!tftsr_cli_parse ("ai chat", "ISSUE_ID MESSAGE",
                        _ ("Sends a message to the incident's 5-Whys triage and prints the "
                           "reply. Attached logs go through the same redaction as the message; "
                           "a screenshot cannot be redacted and is sent only once its PII "
                           "warning was acknowledged (tftsr-cli image acknowledge)."),
                        entries, FALSE, &argc, &argv))
    return TFTSR_CLI_USAGE;
  if (argc != 3)
    return tftsr_cli_usage_error (_ ("ai chat needs an incident id and a message"));
  if (!tftsr_cli_parse_id (argv[1], &id) ||
      (attachments = parse_attachments (logs, images)) == NULL ||
      !tftsr_cli_tools_mode (tools, &mode))
    return TFTSR_CLI_USAGE;
  if (offline && provider != NULL)
    return tftsr_cli_usage_error (_ ("--offline and --provider exclude each other"));
  if (offline && attachments->len > 0)
    return tftsr_cli_usage_error (
        _ ("--log and --image are for an AI provider; the offline guide reads no attachments"));
  if (tftsr_cli_store (cli) == NULL || (!offline && !has_providers (cli, &any)))
    return TFTSR_CLI_FAILED;
  if (!offline && !any && provider == NULL)
    {
      if (attachments->len > 0)
        {
          g_set_error_literal (&error, TFTSR_AI_ERROR, TFTSR_AI_ERROR_NOT_CONFIGURED,
                               _ ("No AI provider is set up to send the attachments to: add "
                                  "one with tftsr-cli ai add"));
          return tftsr_cli_fail (error);
        }
      fprintf (stderr, "%s\n", _ ("No AI provider is set up: the offline guide answers."));
      offline = TRUE;
    }
  if (root_cause && !offline)
    return tftsr_cli_usage_error (
        _ ("--root-cause is for the offline guide; with a provider, say so in the message"));
  turn = offline ? chat_with_guide (cli, id, argv[2], root_cause, &error)
                 : chat_with_provider (cli, id, argv[2], attachments, provider, mode, &error);
  if (turn == NULL)
    return tftsr_cli_fail (error);
  report_level (turn);
  return TFTSR_CLI_OK;
}

static const char *
level_name (guint level)
{
  if (level == TFTSR_TRIAGE_LEVEL_NOT_STARTED)
    return "not_started";
  return level == TFTSR_TRIAGE_LEVEL_ROOT_CAUSE ? "root_cause_identified" : "asking";
}

static json_object *
state_to_json (const TftsrTriageState *state)
{
  json_object *obj = json_object_new_object ();
  json_object *whys = json_object_new_array ();

  json_object_object_add (obj, "issue_id", json_object_new_int64 (state->issue_id));
  json_object_object_add (obj, "level", json_object_new_int ((int) state->level));
  json_object_object_add (obj, "state", json_object_new_string (level_name (state->level)));
  json_object_object_add (obj, "root_cause", tftsr_cli_json_string (state->root_cause));
  for (guint i = 0; i < state->whys->len; i++)
    {
      TftsrTriageWhy *why = state->whys->pdata[i];
      json_object *w = json_object_new_object ();

      json_object_object_add (w, "n", json_object_new_int ((int) why->n));
      json_object_object_add (w, "question", tftsr_cli_json_string (why->question));
      json_object_object_add (w, "answer", tftsr_cli_json_string (why->answer));
      json_object_object_add (w, "evidence", tftsr_cli_json_string (why->evidence));
      json_object_object_add (w, "updated_at", tftsr_cli_json_string (why->updated_at));
      json_object_array_add (whys, w);
    }
  json_object_object_add (obj, "whys", whys);
  return obj;
}

static void
print_state (const TftsrTriageState *state)
{
  if (state->level == TFTSR_TRIAGE_LEVEL_NOT_STARTED)
    puts (_ ("5 Whys: not started"));
  else if (state->level == TFTSR_TRIAGE_LEVEL_ROOT_CAUSE)
    puts (_ ("5 Whys: root cause identified"));
  else
    printf (_ ("5 Whys: asking why %u of 5\n"), state->level);
  for (guint i = 0; i < state->whys->len; i++)
    {
      TftsrTriageWhy *why = state->whys->pdata[i];

      printf ("%u. ", why->n);
      tftsr_cli_print_text (why->question);
      fputs ("\n   ", stdout);
      tftsr_cli_print_text (*why->answer != '\0' ? why->answer : _ ("(not answered yet)"));
      if (*why->evidence != '\0')
        {
          printf ("\n   %s ", _ ("Evidence:"));
          tftsr_cli_print_text (why->evidence);
        }
      putchar ('\n');
    }
  if (*state->root_cause != '\0')
    {
      printf ("%s ", _ ("Root cause:"));
      tftsr_cli_print_text (state->root_cause);
      putchar ('\n');
    }
}

int
tftsr_cli_ai_whys (TftsrCli *cli, int argc, char **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_ ("Print JSON"), NULL },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr (TftsrTriageState) state = NULL;
  g_autoptr (GError) error = NULL;
  gint64 id;

  if (!tftsr_cli_parse ("ai whys", "ISSUE_ID", _ ("Shows the incident's 5 Whys."), entries, FALSE,
                        &argc, &argv))
    return TFTSR_CLI_USAGE;
  if (argc != 2)
    return tftsr_cli_usage_error (_ ("ai whys needs an incident id"));
  if (!tftsr_cli_parse_id (argv[1], &id))
    return TFTSR_CLI_USAGE;
  if (tftsr_cli_store (cli) == NULL)
    return TFTSR_CLI_FAILED;
  if ((state = tftsr_store_get_triage (cli->store, id, &error)) == NULL)
    return tftsr_cli_fail (error);
  if (json)
    {
      json_object *obj = state_to_json (state);
      tftsr_cli_print_json (obj);
      json_object_put (obj);
    }
  else
    print_state (state);
  return TFTSR_CLI_OK;
}
