/* tftsr-attachment-picker.h: what goes with the engineer's next message in the triage
 * chat: a menu of the incident's logs and screenshots, and the chosen ones as chips
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include <tftsr.h>

G_BEGIN_DECLS

#define TFTSR_TYPE_ATTACHMENT_PICKER (tftsr_attachment_picker_get_type ())
G_DECLARE_FINAL_TYPE (TftsrAttachmentPicker, tftsr_attachment_picker, TFTSR, ATTACHMENT_PICKER,
                      GObject)

/* Drives @button's menu (the incident's logs and screenshots, read again each time it
 * opens; a screenshot not yet cleared to leave asks with the PII warning first) and @chips
 * (what goes with the next message, each removable). What is chosen is kept per incident.
 * Signals: ::changed when what goes with the next message of the incident shown changed;
 * ::failed (GError *) for a toast. */
TftsrAttachmentPicker *tftsr_attachment_picker_new (GtkMenuButton *button, GtkFlowBox *chips);
/* Forgets everything chosen. */
void tftsr_attachment_picker_set_store (TftsrAttachmentPicker *self, TftsrStore *store);
/* Shows what goes with the next message of @issue_id (0: none). */
void tftsr_attachment_picker_load (TftsrAttachmentPicker *self, gint64 issue_id);
/* Adds @attachment to what goes with the next message of @issue_id, unless it is there. */
void tftsr_attachment_picker_add (TftsrAttachmentPicker *self, gint64 issue_id,
                                  const TftsrTriageAttachment *attachment);
/* What goes with the next message of the incident shown (TftsrTriageAttachment). */
GPtrArray *tftsr_attachment_picker_get_chosen (TftsrAttachmentPicker *self);
/* The same, handed over to a message being sent: nothing is chosen afterwards. */
GPtrArray *tftsr_attachment_picker_take (TftsrAttachmentPicker *self);
/* Puts back @attachments of a message that was not stored, before those chosen since. */
void tftsr_attachment_picker_restore (TftsrAttachmentPicker *self, GPtrArray *attachments);

G_END_DECLS
