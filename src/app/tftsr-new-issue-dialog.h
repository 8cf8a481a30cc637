/* tftsr-new-issue-dialog.h: the New Incident dialog
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include <tftsr.h>

G_BEGIN_DECLS

#define TFTSR_TYPE_NEW_ISSUE_DIALOG (tftsr_new_issue_dialog_get_type ())
G_DECLARE_FINAL_TYPE (TftsrNewIssueDialog, tftsr_new_issue_dialog, TFTSR, NEW_ISSUE_DIALOG,
                      AdwWindow)

/* Emits ::created (TftsrIssue *stored) and closes once the incident is saved. */
TftsrNewIssueDialog *tftsr_new_issue_dialog_new (GtkWindow *parent, TftsrStore *store);

G_END_DECLS
