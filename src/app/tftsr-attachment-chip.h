/* tftsr-attachment-chip.h: a log, lines of a log or a screenshot attached to a chat
 * message, as a small labelled chip
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include <tftsr.h>

G_BEGIN_DECLS

#define TFTSR_TYPE_ATTACHMENT_CHIP (tftsr_attachment_chip_get_type ())
G_DECLARE_FINAL_TYPE (TftsrAttachmentChip, tftsr_attachment_chip, TFTSR, ATTACHMENT_CHIP, GtkWidget)

/* Shows @attachment: an icon by kind, its label, and for one deleted since a struck-out
 * label that says it is no longer sent. With @removable a close button emits ::remove. */
GtkWidget *tftsr_attachment_chip_new (const TftsrTriageAttachment *attachment, gboolean removable);
const TftsrTriageAttachment *tftsr_attachment_chip_get_attachment (TftsrAttachmentChip *self);

G_END_DECLS
