/* tftsr-revisions-dialog.h: a document's revisions, compared line by line, and reverted to
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include <tftsr.h>

G_BEGIN_DECLS

#define TFTSR_TYPE_REVISIONS_DIALOG (tftsr_revisions_dialog_get_type ())
G_DECLARE_FINAL_TYPE (TftsrRevisionsDialog, tftsr_revisions_dialog, TFTSR, REVISIONS_DIALOG,
                      AdwWindow)

/* The revisions of @document, newest first. Signal ::reverted (guint from, guint to) once
 * revision @from's text was made current as the new revision @to; the dialog then
 * closes. */
TftsrRevisionsDialog *tftsr_revisions_dialog_new (GtkWindow *parent, TftsrStore *store,
                                                  const TftsrDocument *document);
/* Shows what changed from revision @from to revision @to. */
void tftsr_revisions_dialog_compare (TftsrRevisionsDialog *self, guint from, guint to);

G_END_DECLS
