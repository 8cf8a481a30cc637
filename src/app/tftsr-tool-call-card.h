/* tftsr-tool-call-card.h: one tool call of the triage chat, as a card
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "tftsr-triage-item.h"

G_BEGIN_DECLS

#define TFTSR_TYPE_TOOL_CALL_CARD (tftsr_tool_call_card_get_type ())
G_DECLARE_FINAL_TYPE (TftsrToolCallCard, tftsr_tool_call_card, TFTSR, TOOL_CALL_CARD, GtkWidget)

GtkWidget *tftsr_tool_call_card_new (void);
/* Shows the tool call of @item (NULL: none) and follows its changes. */
void tftsr_tool_call_card_set_item (TftsrToolCallCard *self, TftsrTriageItem *item);

G_END_DECLS
