/* tftsr-doc-draft.h: an AI provider's draft of a post-mortem's executive summary,
 * contributing factors and action items, written from the incident and its triage
 *
 * The draft is only a proposal: nothing is stored when it is made. The author reads it
 * and either discards it or applies it to the post-mortem's text
 * (tftsr_doc_draft_apply()), which the caller saves as a new revision.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tftsr-store.h"

G_BEGIN_DECLS

typedef struct
{
  char *priority; /* "P1".."P4", or "" when the model gave none that reads as one */
  char *action;
  char *owner; /* a role or a team, or "" */
  char *due;   /* "YYYY-MM-DD", or "" */
} TftsrDocActionItem;

void tftsr_doc_action_item_free (TftsrDocActionItem *item);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrDocActionItem, tftsr_doc_action_item_free)

/* Every text as the engineer reads it: pseudonyms mapped back to the real values. */
typedef struct
{
  char *provider; /* who wrote it */
  char *model;
  char *executive_summary;         /* plain text, "" when the model gave none */
  GPtrArray *contributing_factors; /* char *, plain text */
  GPtrArray *action_items;         /* TftsrDocActionItem */
} TftsrDocDraft;

void tftsr_doc_draft_free (TftsrDocDraft *draft);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrDocDraft, tftsr_doc_draft_free)

/* Asks the provider called @provider_name (NULL: the one in use) for a draft from incident
 * @issue_id: its title, category, severity, status and description, the 5 Whys and root
 * cause, and the triage conversation (the newest messages that fit the provider's context
 * when it is long). Every text goes through egress, redacted with the incident's
 * pseudonyms, and the request is recorded in the audit log. The model answers with one
 * JSON object; a reply without one, or with nothing of the three in it, is
 * TFTSR_AI_ERROR_MALFORMED. Stores nothing. Blocks: call it from a worker. */
TftsrDocDraft *tftsr_doc_draft_postmortem (TftsrStore *store, gint64 issue_id,
                                           const char *provider_name, GCancellable *cancellable,
                                           GError **error);
void tftsr_doc_draft_postmortem_async (TftsrStore *store, gint64 issue_id,
                                       const char *provider_name, GCancellable *cancellable,
                                       GAsyncReadyCallback callback, gpointer user_data);
TftsrDocDraft *tftsr_doc_draft_postmortem_finish (TftsrStore *store, GAsyncResult *result,
                                                  GError **error);

/* The draft's sections as Markdown (a level-2 heading each, the texts escaped), for
 * showing it; sections the model left empty are left out. */
char *tftsr_doc_draft_to_markdown (const TftsrDocDraft *draft);
/* @markdown (a post-mortem) with the body of each section the draft fills replaced by the
 * draft's: "Executive Summary", "Contributing Factors" and "Action Items" (the level-2
 * headings the post-mortem has), up to the next heading of level 1 or 2. A section the
 * author removed is added at the end; one the draft leaves empty stays as it was. */
char *tftsr_doc_draft_apply (const TftsrDocDraft *draft, const char *markdown);

G_END_DECLS
