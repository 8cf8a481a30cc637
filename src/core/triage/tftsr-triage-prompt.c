/* tftsr-triage-prompt.c: the domain prompts and the system prompt of a triage request
 *
 * The system prompt is one message: who the model is, what it knows about the domain,
 * the incident as egress let it out, and the 5-Whys protocol with the marker lines the
 * state machine reads. It is built from texts that were redacted before they got here,
 * and is cut to a fixed size after redaction (cutting before could split a secret so that
 * the scanner no longer recognises it).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "tftsr-core-resources.h"
#include "tftsr-triage-private.h"

#define PROMPTS_PATH TFTSR_RESOURCE_PATH "/prompts/"

/* Per-field caps, in bytes; the description gets what is left of the budget. */
#define TITLE_MAX 300
#define LOG_NAME_MAX 160
#define LOG_NAMES_MAX 20
#define ANSWER_MAX 500
#define DESCRIPTION_MAX 6000

const char *
tftsr_triage_domain_prompt (TftsrCategory category)
{
  static GBytes *prompts[TFTSR_N_CATEGORIES];
  static gsize loaded;

  g_return_val_if_fail ((guint) category < TFTSR_N_CATEGORIES, NULL);

  /* The texts live in the core's static resource: looked up once, never freed. */
  if (g_once_init_enter (&loaded))
    {
      for (guint i = 0; i < TFTSR_N_CATEGORIES; i++)
        {
          g_autofree char *path =
              g_strconcat (PROMPTS_PATH, tftsr_category_to_string (i), ".md", NULL);
          prompts[i] = g_resource_lookup_data (tftsr_core_get_resource (), path, 0, NULL);
          g_assert (prompts[i] != NULL);
        }
      g_once_init_leave (&loaded, 1);
    }
  return g_bytes_get_data (prompts[category], NULL);
}

/* Appends at most @max bytes of @text, cut at a character boundary, marking the cut. */
static void
append_clipped (GString *out, const char *text, gsize max)
{
  gsize len = strlen (text);
  const char *end;

  if (len <= max)
    {
      g_string_append (out, text);
      return;
    }
  end = max > 0 ? g_utf8_find_prev_char (text, text + max + 1) : text;
  g_string_append_len (out, text, end != NULL ? end - text : 0);
  g_string_append (out, " […]");
}

static void
append_incident (GString *out, const TftsrTriageContext *c)
{
  g_string_append (out, "\n\n# The incident\n\nTitle: ");
  append_clipped (out, c->title != NULL ? c->title : "", TITLE_MAX);
  g_string_append_printf (out, "\nSeverity: %s (P%u)\nCategory: %s\n",
                          tftsr_severity_to_string (c->severity), (guint) c->severity + 1,
                          tftsr_category_to_string (c->category));
}

static void
append_logs (GString *out, const char *const *names)
{
  guint n = names != NULL ? g_strv_length ((char **) names) : 0;

  if (n == 0)
    return;
  g_string_append (out, "\nAttached logs (the engineer can search them):\n");
  for (guint i = 0; i < MIN (n, LOG_NAMES_MAX); i++)
    {
      g_string_append (out, "- ");
      append_clipped (out, names[i], LOG_NAME_MAX);
      g_string_append_c (out, '\n');
    }
  if (n > LOG_NAMES_MAX)
    g_string_append_printf (out, "- and %u more\n", n - LOG_NAMES_MAX);
}

static void
append_state (GString *out, const TftsrTriageContext *c)
{
  guint answered = c->answers != NULL ? g_strv_length ((char **) c->answers) : 0;

  if (c->level >= TFTSR_TRIAGE_LEVEL_ROOT_CAUSE)
    {
      g_string_append (out, "Current state: the root cause has been identified: ");
      append_clipped (out, c->root_cause != NULL ? c->root_cause : "", ANSWER_MAX);
      g_string_append (out, "\nHelp with corrective and preventive actions; restate the root "
                            "cause marker only if the evidence changes it.\n");
    }
  else
    g_string_append_printf (out, "Current state: why %u of 5 is being asked.\n", MAX (c->level, 1));
  for (guint i = 0; i < MIN (answered, TFTSR_TRIAGE_N_WHYS); i++)
    {
      g_string_append_printf (out, "Why %u, answered: ", i + 1);
      append_clipped (out, c->answers[i], ANSWER_MAX);
      g_string_append_c (out, '\n');
    }
}

static const char protocol[] =
    "\n# How this conversation works: 5 Whys\n\n"
    "Lead the engineer from the symptom to the root cause, one why at a time: why 1 asks "
    "why the symptom happened, and each answer becomes the subject of the next why. Accept "
    "an answer only when there is evidence for it (a log line, a metric, a command's "
    "output, a change record); until then say which evidence would settle it and how to "
    "get it. Stop at the cause that, once fixed, prevents a recurrence, even before why "
    "5.\n\n"
    "When a reply establishes something, end it with one marker line:\n"
    "[[WHY n: <one-line answer to why n>]] when the evidence answers the why being asked "
    "(n is its number; add \" | evidence: <what shows it>\" before the closing brackets if "
    "you can);\n"
    "[[ROOT CAUSE: <one-line statement>]] when the chain has reached the root cause, after "
    "at least one answered why. The answer to why 5 is the root cause unless you state "
    "one.\n"
    "Write no marker when nothing was established, and never skip a why.\n\n";

static const char pseudonyms[] =
    "Values such as <EMAIL_1>, <IPV4_2> or <HOSTNAME_3> are pseudonyms for data that was "
    "redacted before it was sent to you. Use them as they are, consistently; never guess "
    "or ask for the real values.\n";

static const char tools_line[] =
    "\n# Tools\n\nYou may call the tools offered with this request to look at the incident's "
    "data; say what you looked at and what it showed.\n";

char *
tftsr_triage_build_system_prompt (const TftsrTriageContext *context)
{
  g_autoptr (GString) head = g_string_new (NULL);
  g_autoptr (GString) tail = g_string_new (NULL);
  const char *description;
  gssize room;

  g_return_val_if_fail (context != NULL, NULL);
  g_return_val_if_fail ((guint) context->category < TFTSR_N_CATEGORIES, NULL);

  g_string_append (head, "You are a senior site reliability engineer helping an on-call "
                         "engineer through a live incident and its root cause analysis. Be "
                         "concise and practical: one question at a time, concrete commands "
                         "to run, and what their output would confirm or rule out. Suggest "
                         "mitigation first while users are affected.\n\n");
  g_string_append (head, tftsr_triage_domain_prompt (context->category));
  append_incident (head, context);

  append_logs (tail, context->log_names);
  g_string_append (tail, protocol);
  append_state (tail, context);
  g_string_append_c (tail, '\n');
  g_string_append (tail, pseudonyms);
  if (context->tools)
    g_string_append (tail, tools_line);

  /* "Description:\n" + the clip's " […]" + the newline after it. */
  description = context->description != NULL ? context->description : "";
  room = TFTSR_TRIAGE_SYSTEM_PROMPT_MAX - (gssize) head->len - (gssize) tail->len - 32;
  if (*description != '\0' && room > 0)
    {
      g_string_append (head, "Description:\n");
      append_clipped (head, description, MIN ((gsize) room, DESCRIPTION_MAX));
      g_string_append_c (head, '\n');
    }
  g_string_append_len (head, tail->str, tail->len);
  return g_string_free (g_steal_pointer (&head), FALSE);
}
