/* tftsr-doc-draft.c: a post-mortem's executive summary, contributing factors and action
 * items drafted by an AI provider from the incident and its triage
 *
 * The request goes out like every AI call: each text of the incident redacted with its
 * pseudonyms on its way into the message (cut to the provider's context after redaction,
 * so a cut never splits a secret the scanner would then miss), and the exact bytes
 * recorded by the AI client. The model answers with one JSON object whose strings are read
 * back with the pseudonyms mapped to the real values; nothing is stored.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>
#include <string.h>

#include "tftsr-ai-wire.h"
#include "tftsr-doc-draft.h"
#include "tftsr-doc-private.h"
#include "tftsr-egress.h"
#include "tftsr-json-private.h"
#include "tftsr-md-escape.h"
#include "tftsr-pii-review.h"
#include "tftsr-pii-settings.h"
#include "tftsr-store-private.h"

#define CHARS_PER_TOKEN 3   /* conservative for prose with identifiers */
#define PROMPT_RESERVE 6000 /* characters kept for the instructions and the answer */
#define MESSAGE_MIN 4096    /* even a small context gets the incident itself */
#define ANSWER_TOKENS 1500

static const char instructions[] =
    "You help an on-call engineer write the blameless post-mortem of an incident from its "
    "data and its triage conversation. Values such as <EMAIL_1> or <IPV4_2> are pseudonyms "
    "for redacted data: keep them as they are. Be blameless: name conditions, gaps and "
    "decisions, never a person to blame. Write plain sentences without Markdown.\n"
    "Answer with one JSON object and nothing else:\n"
    "{\"executive_summary\": \"what happened, its impact and how it was resolved, 3-5 "
    "sentences\",\n"
    " \"contributing_factors\": [\"a condition that made the incident possible or worse\", "
    "...],\n"
    " \"action_items\": [{\"priority\": \"P1|P2|P3|P4\", \"action\": \"what to do\", "
    "\"owner\": \"a role or team, or empty\", \"due\": \"YYYY-MM-DD or empty\"}, ...]}\n"
    "Base everything on what the incident and the conversation show; where they do not "
    "show enough, say so in the summary instead of inventing.";

void
tftsr_doc_action_item_free (TftsrDocActionItem *item)
{
  if (item == NULL)
    return;
  g_free (item->priority);
  g_free (item->action);
  g_free (item->owner);
  g_free (item->due);
  g_free (item);
}

void
tftsr_doc_draft_free (TftsrDocDraft *draft)
{
  if (draft == NULL)
    return;
  g_free (draft->provider);
  g_free (draft->model);
  g_free (draft->executive_summary);
  g_ptr_array_unref (draft->contributing_factors);
  g_ptr_array_unref (draft->action_items);
  g_free (draft);
}

static TftsrDocDraft *
draft_new (void)
{
  TftsrDocDraft *draft = g_new0 (TftsrDocDraft, 1);

  draft->executive_summary = g_strdup ("");
  draft->contributing_factors = g_ptr_array_new_with_free_func (g_free);
  draft->action_items =
      g_ptr_array_new_with_free_func ((GDestroyNotify) tftsr_doc_action_item_free);
  return draft;
}

/* --- the request, redacted ------------------------------------------------------------------ */

typedef struct
{
  TftsrStore *store;
  gint64 issue_id;
  TftsrPiiScanner *scanner;
  GHashTable *counts; /* type name → replacements, for the audit entry */
} Redactor;

static char *
redact (const Redactor *r, const char *text, GError **error)
{
  return tftsr_egress_redact_text (r->store, r->issue_id, r->scanner, text != NULL ? text : "",
                                   r->counts, error);
}

/* Cuts @text to at most @max bytes at a character boundary. */
static void
cut (GString *text, gsize max)
{
  if (text->len <= max)
    return;
  while (max > 0 && (text->str[max] & 0xc0) == 0x80)
    max--;
  g_string_truncate (text, max);
  g_string_append (text, " […]\n\n");
}

static gboolean
append_incident (const Redactor *r, GString *out, GError **error)
{
  g_autoptr (TftsrIssue) issue = tftsr_store_get_issue (r->store, r->issue_id, error);
  g_autofree char *title = NULL, *description = NULL;

  if (issue == NULL || (title = redact (r, tftsr_issue_get_title (issue), error)) == NULL ||
      (description = redact (r, tftsr_issue_get_description (issue), error)) == NULL)
    return FALSE;
  g_string_append_printf (out, "Incident: %s\nCategory: %s. Severity: %s. Status: %s.\n\n", title,
                          tftsr_category_to_string (tftsr_issue_get_category (issue)),
                          tftsr_severity_to_string (tftsr_issue_get_severity (issue)),
                          tftsr_status_to_string (tftsr_issue_get_status (issue)));
  if (*description != '\0')
    g_string_append_printf (out, "Description:\n%s\n\n", description);
  return TRUE;
}

static gboolean
append_whys (const Redactor *r, GString *out, GError **error)
{
  g_autoptr (TftsrTriageState) state = tftsr_store_get_triage (r->store, r->issue_id, error);
  g_autofree char *root_cause = NULL;

  if (state == NULL)
    return FALSE;
  for (guint i = 0; i < state->whys->len; i++)
    {
      const TftsrTriageWhy *why = state->whys->pdata[i];
      g_autofree char *question = NULL, *answer = NULL, *evidence = NULL;

      if (*why->answer == '\0')
        continue;
      if ((question = redact (r, why->question, error)) == NULL ||
          (answer = redact (r, why->answer, error)) == NULL ||
          (evidence = redact (r, why->evidence, error)) == NULL)
        return FALSE;
      g_string_append_printf (out, "Why %u: %s\nAnswer: %s\n", why->n, question, answer);
      if (*evidence != '\0')
        g_string_append_printf (out, "Evidence: %s\n", evidence);
    }
  if (*state->root_cause != '\0')
    {
      if ((root_cause = redact (r, state->root_cause, error)) == NULL)
        return FALSE;
      g_string_append_printf (out, "Root cause: %s\n", root_cause);
    }
  g_string_append_c (out, '\n');
  return TRUE;
}

/* The conversation's complete messages as "Engineer: …" and "Assistant: …", redacted,
 * without the assistant's 5-Whys marker lines (the whys are given above). */
static GPtrArray *
transcript (const Redactor *r, GError **error)
{
  g_autoptr (GPtrArray) messages = tftsr_store_list_triage_messages (r->store, r->issue_id, error);
  g_autoptr (GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);

  if (messages == NULL)
    return NULL;
  for (guint i = 0; i < messages->len; i++)
    {
      const TftsrTriageMessage *m = messages->pdata[i];
      gboolean engineer = m->message->role == TFTSR_AI_ROLE_USER;
      g_autofree char *text = NULL, *redacted = NULL;

      if (m->state != TFTSR_TRIAGE_MESSAGE_COMPLETE || m->superseded ||
          (!engineer && m->message->role != TFTSR_AI_ROLE_ASSISTANT))
        continue;
      text = engineer ? g_strdup (m->message->content)
                      : tftsr_triage_strip_markers (m->message->content);
      if ((redacted = redact (r, text, error)) == NULL)
        return NULL;
      g_ptr_array_add (lines, g_strdup_printf ("%s: %s\n\n", engineer ? "Engineer" : "Assistant",
                                               g_strstrip (redacted)));
    }
  return g_steal_pointer (&lines);
}

/* The newest messages that fit in @room bytes, oldest first; of a newest message too long
 * for the room, its beginning. */
static gboolean
append_conversation (const Redactor *r, GString *out, gsize room, GError **error)
{
  g_autoptr (GPtrArray) lines = transcript (r, error);
  gsize used = 0;
  guint first;

  if (lines == NULL)
    return FALSE;
  if (lines->len == 0)
    {
      g_string_append (out, "There was no triage conversation.\n");
      return TRUE;
    }
  for (first = lines->len; first > 0 && used + strlen (lines->pdata[first - 1]) <= room; first--)
    used += strlen (lines->pdata[first - 1]);
  if (first == lines->len)
    {
      GString *newest = g_string_new (lines->pdata[--first]);

      cut (newest, room);
      g_free (lines->pdata[first]);
      lines->pdata[first] = g_string_free (newest, FALSE);
    }
  g_string_append (out, "Triage conversation, oldest first:\n\n");
  if (first > 0)
    g_string_append_printf (out, "(%u earlier messages left out)\n\n", first);
  for (guint i = first; i < lines->len; i++)
    g_string_append (out, lines->pdata[i]);
  return TRUE;
}

static TftsrAiRequest *
build_request (const Redactor *r, const TftsrAiProvider *provider, GError **error)
{
  guint64 tokens = tftsr_ai_provider_get_context_tokens (provider);
  gsize room = MAX (tokens * CHARS_PER_TOKEN > PROMPT_RESERVE
                        ? (gsize) (tokens * CHARS_PER_TOKEN - PROMPT_RESERVE)
                        : 0,
                    MESSAGE_MIN);
  g_autoptr (GString) message = g_string_new (NULL);
  TftsrAiRequest *request;

  /* The incident and its whys take at most half; the conversation the rest. */
  if (!append_incident (r, message, error) || !append_whys (r, message, error))
    return NULL;
  cut (message, room / 2);
  if (!append_conversation (r, message, room - message->len, error))
    return NULL;
  request = tftsr_ai_request_new (instructions);
  request->max_tokens = ANSWER_TOKENS;
  tftsr_ai_request_add_message (request, tftsr_ai_message_new (TFTSR_AI_ROLE_USER, message->str));
  return request;
}

/* --- the reply ------------------------------------------------------------------------------- */

/* @obj[@key] as trimmed text with the pseudonyms mapped back; "" when it is no string. */
static char *
revealed (const Redactor *r, json_object *obj, const char *key, GError **error)
{
  const char *value = tftsr_ai_json_string (obj, key);
  g_autofree char *trimmed = g_strstrip (g_strdup (value != NULL ? value : ""));

  return tftsr_store_reveal_pseudonyms (r->store, r->issue_id, trimmed, error);
}

/* "P1".."P4" from what the model gave: a P number, or a severity word. */
static char *
priority_of (const char *text)
{
  g_autofree char *lower = g_ascii_strdown (text, -1);
  TftsrSeverity severity;

  if (strlen (lower) == 2 && lower[0] == 'p' && lower[1] >= '1' && lower[1] <= '4')
    return g_ascii_strup (lower, -1);
  if (tftsr_severity_from_string (lower, &severity))
    return g_strdup_printf ("P%d", (int) severity + 1);
  return g_strdup ("");
}

static gboolean
read_factors (const Redactor *r, json_object *obj, TftsrDocDraft *draft, GError **error)
{
  json_object *factors = NULL;

  if (!json_object_object_get_ex (obj, "contributing_factors", &factors) ||
      !json_object_is_type (factors, json_type_array))
    return TRUE;
  for (size_t i = 0; i < json_object_array_length (factors); i++)
    {
      json_object *f = json_object_array_get_idx (factors, i);
      g_autofree char *trimmed = NULL;
      char *text;

      if (!json_object_is_type (f, json_type_string))
        continue;
      trimmed = g_strstrip (g_strdup (json_object_get_string (f)));
      if (*trimmed == '\0')
        continue;
      if ((text = tftsr_store_reveal_pseudonyms (r->store, r->issue_id, trimmed, error)) == NULL)
        return FALSE;
      g_ptr_array_add (draft->contributing_factors, text);
    }
  return TRUE;
}

static gboolean
read_actions (const Redactor *r, json_object *obj, TftsrDocDraft *draft, GError **error)
{
  json_object *items = NULL;

  if (!json_object_object_get_ex (obj, "action_items", &items) ||
      !json_object_is_type (items, json_type_array))
    return TRUE;
  for (size_t i = 0; i < json_object_array_length (items); i++)
    {
      json_object *o = json_object_array_get_idx (items, i);
      g_autoptr (TftsrDocActionItem) item = g_new0 (TftsrDocActionItem, 1);
      g_autofree char *priority = NULL;

      if (!json_object_is_type (o, json_type_object))
        continue;
      if ((item->action = revealed (r, o, "action", error)) == NULL ||
          (item->owner = revealed (r, o, "owner", error)) == NULL ||
          (item->due = revealed (r, o, "due", error)) == NULL ||
          (priority = revealed (r, o, "priority", error)) == NULL)
        return FALSE;
      item->priority = priority_of (priority);
      if (*item->action != '\0')
        g_ptr_array_add (draft->action_items, g_steal_pointer (&item));
    }
  return TRUE;
}

static gboolean
read_reply (const Redactor *r, const char *reply, TftsrDocDraft *draft, GError **error)
{
  g_autoptr (json_object) obj = tftsr_ai_object_in_reply (reply);

  if (obj != NULL)
    {
      g_free (draft->executive_summary);
      if ((draft->executive_summary = revealed (r, obj, "executive_summary", error)) == NULL ||
          !read_factors (r, obj, draft, error) || !read_actions (r, obj, draft, error))
        return FALSE;
    }
  if (*draft->executive_summary == '\0' && draft->contributing_factors->len == 0 &&
      draft->action_items->len == 0)
    {
      g_set_error_literal (error, TFTSR_AI_ERROR, TFTSR_AI_ERROR_MALFORMED,
                           _ ("The model did not answer with a draft in the form asked for; try "
                              "again, or with another model"));
      return FALSE;
    }
  return TRUE;
}

TftsrDocDraft *
tftsr_doc_draft_postmortem (TftsrStore *store, gint64 issue_id, const char *provider_name,
                            GCancellable *cancellable, GError **error)
{
  g_autoptr (TftsrAiProvider) provider = NULL;
  g_autoptr (TftsrPiiScanner) scanner = NULL;
  g_autoptr (GHashTable) counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (TftsrAiRequest) request = NULL;
  g_autoptr (TftsrAiReply) reply = NULL;
  g_autoptr (TftsrDocDraft) draft = NULL;
  Redactor r = { store, issue_id, NULL, counts };

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);

  if ((provider = tftsr_store_get_ai_provider (store, provider_name, error)) == NULL ||
      (scanner = tftsr_store_load_pii_scanner (store, error)) == NULL)
    return NULL;
  r.scanner = scanner;
  if ((request = build_request (&r, provider, error)) == NULL ||
      (reply = tftsr_ai_complete (store, provider, issue_id, request, counts, NULL, cancellable,
                                  error)) == NULL)
    return NULL;
  draft = draft_new ();
  draft->provider = g_strdup (provider->name);
  draft->model = g_strdup (provider->model);
  if (!read_reply (&r, reply->text, draft, error))
    return NULL;
  return g_steal_pointer (&draft);
}

/* --- as Markdown ---------------------------------------------------------------------------- */

static gboolean
section_empty (const TftsrDocDraft *draft, TftsrDocSection section)
{
  switch (section)
    {
    case TFTSR_DOC_SECTION_SUMMARY:
      return *draft->executive_summary == '\0';
    case TFTSR_DOC_SECTION_FACTORS:
      return draft->contributing_factors->len == 0;
    case TFTSR_DOC_SECTION_ACTIONS:
    default:
      return draft->action_items->len == 0;
    }
}

static const char *
or_dash (const char *text)
{
  return *text != '\0' ? text : "—";
}

/* The body of @section (not empty), ending with a blank line. */
static void
write_body (GString *md, const TftsrDocDraft *draft, TftsrDocSection section)
{
  switch (section)
    {
    case TFTSR_DOC_SECTION_SUMMARY:
      tftsr_doc_paragraph (md, draft->executive_summary);
      break;
    case TFTSR_DOC_SECTION_FACTORS:
      for (guint i = 0; i < draft->contributing_factors->len; i++)
        {
          g_string_append (md, "- ");
          tftsr_md_append_line (md, draft->contributing_factors->pdata[i]);
          g_string_append_c (md, '\n');
        }
      g_string_append_c (md, '\n');
      break;
    case TFTSR_DOC_SECTION_ACTIONS:
    default:
      tftsr_doc_action_table_start (md);
      for (guint i = 0; i < draft->action_items->len; i++)
        {
          const TftsrDocActionItem *item = draft->action_items->pdata[i];
          const char *cells[] = { or_dash (item->priority), item->action, or_dash (item->owner),
                                  or_dash (item->due), tftsr_doc_action_open_status () };

          tftsr_doc_table_row (md, cells, G_N_ELEMENTS (cells));
        }
      g_string_append_c (md, '\n');
      break;
    }
}

char *
tftsr_doc_draft_to_markdown (const TftsrDocDraft *draft)
{
  GString *md = g_string_new (NULL);

  g_return_val_if_fail (draft != NULL, NULL);

  for (TftsrDocSection s = 0; s < TFTSR_DOC_N_DRAFT_SECTIONS; s++)
    if (!section_empty (draft, s))
      {
        tftsr_doc_heading (md, 2, tftsr_doc_section_heading (s));
        write_body (md, draft, s);
      }
  return g_string_free (md, FALSE);
}

/* --- applied to a post-mortem ------------------------------------------------------------- */

static void
append_plain (GString *out, cmark_node *node)
{
  for (cmark_node *child = cmark_node_first_child (node); child != NULL;
       child = cmark_node_next (child))
    {
      const char *literal = cmark_node_get_literal (child);

      if (literal != NULL)
        g_string_append (out, literal);
      append_plain (out, child);
    }
}

static gboolean
is_heading (cmark_node *node, int max_level)
{
  return cmark_node_get_type (node) == CMARK_NODE_HEADING &&
         cmark_node_get_heading_level (node) <= max_level;
}

/* Where the body of the level-2 section @heading lies: from the line after the heading to
 * the line of the next heading of level 1 or 2 (0: to the end). FALSE without it. */
static gboolean
find_section (cmark_node *document, const char *heading, int *first, int *next)
{
  for (cmark_node *node = cmark_node_first_child (document); node != NULL;
       node = cmark_node_next (node))
    {
      g_autoptr (GString) text = g_string_new (NULL);

      if (!is_heading (node, 2) || cmark_node_get_heading_level (node) != 2)
        continue;
      append_plain (text, node);
      if (!g_str_equal (g_strstrip (text->str), heading))
        continue;
      *first = cmark_node_get_end_line (node) + 1;
      *next = 0;
      for (cmark_node *after = cmark_node_next (node); after != NULL;
           after = cmark_node_next (after))
        if (is_heading (after, 2))
          {
            *next = cmark_node_get_start_line (after);
            break;
          }
      return TRUE;
    }
  return FALSE;
}

/* The byte offset of 1-based @line in @text, counting line ends as cmark does (LF, CR LF,
 * CR); the length of @text past its last line. */
static gsize
line_offset (const char *text, int line)
{
  const char *p = text;

  for (int n = 1; n < line && *p != '\0'; p++)
    if (*p == '\n' || (*p == '\r' && p[1] != '\n'))
      n++;
  return (gsize) (p - text);
}

/* @markdown with the body of @section replaced by the draft's, or the section added. */
static char *
replace_section (const char *markdown, const TftsrDocDraft *draft, TftsrDocSection section)
{
  cmark_parser *parser = tftsr_doc_parser_new ();
  cmark_node *document;
  GString *out = g_string_new (NULL);
  int first = 0, next = 0;
  gboolean found;

  cmark_parser_feed (parser, markdown, strlen (markdown));
  document = cmark_parser_finish (parser);
  found = find_section (document, tftsr_doc_section_heading (section), &first, &next);
  cmark_node_free (document);
  cmark_parser_free (parser);
  if (found)
    {
      g_string_append_len (out, markdown, (gssize) line_offset (markdown, first));
      g_string_append_c (out, '\n');
      write_body (out, draft, section);
      if (next > 0)
        g_string_append (out, markdown + line_offset (markdown, next));
      return g_string_free (out, FALSE);
    }
  g_string_append (out, markdown);
  if (out->len > 0 && out->str[out->len - 1] != '\n')
    g_string_append_c (out, '\n');
  g_string_append_c (out, '\n');
  tftsr_doc_heading (out, 2, tftsr_doc_section_heading (section));
  write_body (out, draft, section);
  return g_string_free (out, FALSE);
}

char *
tftsr_doc_draft_apply (const TftsrDocDraft *draft, const char *markdown)
{
  char *text;

  g_return_val_if_fail (draft != NULL && markdown != NULL, NULL);

  text = g_utf8_make_valid (markdown, -1);
  for (TftsrDocSection s = 0; s < TFTSR_DOC_N_DRAFT_SECTIONS; s++)
    if (!section_empty (draft, s))
      {
        char *replaced = replace_section (text, draft, s);

        g_free (text);
        text = replaced;
      }
  return text;
}

/* --- in a worker ---------------------------------------------------------------------------- */

typedef struct
{
  gint64 issue_id;
  char *provider;
  GCancellable *cancellable;
} DraftCall;

static void
draft_call_free (DraftCall *call)
{
  g_free (call->provider);
  g_clear_object (&call->cancellable);
  g_free (call);
}

static gpointer
draft_call (TftsrStore *store, gpointer data, GError **error)
{
  DraftCall *call = data;
  return tftsr_doc_draft_postmortem (store, call->issue_id, call->provider, call->cancellable,
                                     error);
}

void
tftsr_doc_draft_postmortem_async (TftsrStore *store, gint64 issue_id, const char *provider_name,
                                  GCancellable *cancellable, GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  DraftCall *call;

  g_return_if_fail (TFTSR_IS_STORE (store));
  call = g_new0 (DraftCall, 1);
  call->issue_id = issue_id;
  call->provider = g_strdup (provider_name);
  call->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  tftsr_store_run_async (store, tftsr_doc_draft_postmortem_async, draft_call, call,
                         (GDestroyNotify) draft_call_free, (GDestroyNotify) tftsr_doc_draft_free,
                         cancellable, callback, user_data);
}

TftsrDocDraft *
tftsr_doc_draft_postmortem_finish (TftsrStore *store, GAsyncResult *result, GError **error)
{
  return tftsr_store_run_finish (store, result, tftsr_doc_draft_postmortem_async, error);
}
