/* tftsr-issue-row.h: one incident in the sidebar list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include <tftsr.h>

G_BEGIN_DECLS

#define TFTSR_TYPE_ISSUE_ROW (tftsr_issue_row_get_type ())
G_DECLARE_FINAL_TYPE (TftsrIssueRow, tftsr_issue_row, TFTSR, ISSUE_ROW, GtkWidget)

GtkWidget *tftsr_issue_row_new (void);
TftsrIssue *tftsr_issue_row_get_issue (TftsrIssueRow *self);
void tftsr_issue_row_set_issue (TftsrIssueRow *self, TftsrIssue *issue);

G_END_DECLS
