/* tftsr-draft-dialog.h: an AI draft of a post-mortem's executive summary, contributing
 * factors and action items, shown for the author to accept or discard
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include <tftsr.h>

G_BEGIN_DECLS

#define TFTSR_TYPE_DRAFT_DIALOG (tftsr_draft_dialog_get_type ())
G_DECLARE_FINAL_TYPE (TftsrDraftDialog, tftsr_draft_dialog, TFTSR, DRAFT_DIALOG, AdwWindow)

/* Says what will be sent to @provider and drafts when asked to. Signal ::accepted once
 * the author accepts the draft (tftsr_draft_dialog_get_draft()); the dialog then closes.
 * Closing it otherwise discards the draft, or cancels the request. */
TftsrDraftDialog *tftsr_draft_dialog_new (GtkWindow *parent, TftsrStore *store, gint64 issue_id,
                                          const TftsrAiProvider *provider);
/* The draft shown, or NULL before there is one. */
const TftsrDocDraft *tftsr_draft_dialog_get_draft (TftsrDraftDialog *self);

G_END_DECLS
