/* tftsr-triage-message-row.h: one message in the triage chat
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "tftsr-triage-item.h"

G_BEGIN_DECLS

#define TFTSR_TYPE_TRIAGE_MESSAGE_ROW (tftsr_triage_message_row_get_type ())
G_DECLARE_FINAL_TYPE (TftsrTriageMessageRow, tftsr_triage_message_row, TFTSR, TRIAGE_MESSAGE_ROW,
                      GtkWidget)

GtkWidget *tftsr_triage_message_row_new (void);
/* Shows @item, following its changes; NULL shows nothing. */
void tftsr_triage_message_row_set_item (TftsrTriageMessageRow *self, TftsrTriageItem *item);

G_END_DECLS
