/* tftsr-triage-item.h: one message of the triage chat, as the chat shows it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>
#include <tftsr.h>

G_BEGIN_DECLS

#define TFTSR_TYPE_TRIAGE_ITEM (tftsr_triage_item_get_type ())
G_DECLARE_FINAL_TYPE (TftsrTriageItem, tftsr_triage_item, TFTSR, TRIAGE_ITEM, GObject)

/* A stored message (with its display_text). */
TftsrTriageItem *tftsr_triage_item_new (const TftsrTriageMessage *message);
/* The engineer's message while its turn runs, as typed, with @attachments
 * (TftsrTriageAttachment; may be NULL). */
TftsrTriageItem *tftsr_triage_item_new_typed (const char *text, GPtrArray *attachments);
/* A reply of @provider about to stream in. */
TftsrTriageItem *tftsr_triage_item_new_reply (const TftsrAiProvider *provider);

/* A tool call's card (see TftsrToolCallCard), from the news of a running turn. */
TftsrTriageItem *tftsr_triage_item_new_tool (const TftsrTriageToolCall *call);
gboolean tftsr_triage_item_is_tool (TftsrTriageItem *self);
/* The call shown (property "tool"), NULL unless a card. */
const TftsrTriageToolCall *tftsr_triage_item_get_tool (TftsrTriageItem *self);
void tftsr_triage_item_set_tool (TftsrTriageItem *self, const TftsrTriageToolCall *call);
/* The call waiting for the engineer, or NULL; answering it removes it. */
TftsrToolAsk *tftsr_triage_item_get_tool_ask (TftsrTriageItem *self);
void tftsr_triage_item_set_tool_ask (TftsrTriageItem *self, TftsrToolAsk *ask);
void tftsr_triage_item_answer_tool (TftsrTriageItem *self, TftsrToolApproval approval);

/* Whether @message is what @self shows (the same author role), so @self can take it. */
gboolean tftsr_triage_item_matches (TftsrTriageItem *self, const TftsrTriageMessage *message);
/* Takes what is stored of @message. */
void tftsr_triage_item_update (TftsrTriageItem *self, const TftsrTriageMessage *message);

gboolean tftsr_triage_item_is_reply (TftsrTriageItem *self);
/* The built-in guide wrote it. */
gboolean tftsr_triage_item_is_guide (TftsrTriageItem *self);
/* "work · gpt-4o", "Built-in guide"; NULL for the engineer's messages. */
const char *tftsr_triage_item_get_author (TftsrTriageItem *self);

/* What the engineer attached (property "attachments"): TftsrTriageAttachment, never
 * NULL, empty for replies. */
GPtrArray *tftsr_triage_item_get_attachments (TftsrTriageItem *self);
/* The text shown (property "text"); a streaming reply's grows. */
const char *tftsr_triage_item_get_text (TftsrTriageItem *self);
void tftsr_triage_item_set_text (TftsrTriageItem *self, const char *text);
/* Complete, failed or stopped (property "state"), with why it failed ("error"). */
TftsrTriageMessageState tftsr_triage_item_get_state (TftsrTriageItem *self);
const char *tftsr_triage_item_get_error (TftsrTriageItem *self);
void tftsr_triage_item_set_failed (TftsrTriageItem *self, const GError *error);
/* The reply is still streaming in (property "streaming"); stored messages never are. */
gboolean tftsr_triage_item_get_streaming (TftsrTriageItem *self);
/* The reply can be written again (property "regenerable"). */
gboolean tftsr_triage_item_get_regenerable (TftsrTriageItem *self);
void tftsr_triage_item_set_regenerable (TftsrTriageItem *self, gboolean regenerable);

G_END_DECLS
