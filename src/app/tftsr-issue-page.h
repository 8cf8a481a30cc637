/* tftsr-issue-page.h: the editable view of one incident
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include <tftsr.h>

G_BEGIN_DECLS

#define TFTSR_TYPE_ISSUE_PAGE (tftsr_issue_page_get_type ())
G_DECLARE_FINAL_TYPE (TftsrIssuePage, tftsr_issue_page, TFTSR, ISSUE_PAGE, GtkWidget)

/* Signals: ::issue-changed (TftsrIssue *saved) after every successful save, and
 * ::failed (GError *) when loading or saving failed; edits stay in the widgets.
 * ::integrations-changed after the connectors the Integrations menu offers were (re)loaded,
 * ::links-changed after the Linked Items were. Actions: page.send-to ((us): a
 * TftsrSendOperation and a connector id) opens the review before sending;
 * page.open-link (s: a URL). */
void tftsr_issue_page_set_store (TftsrIssuePage *self, TftsrStore *store);
/* Saves pending edits of the current incident, then loads incident @id. */
void tftsr_issue_page_load (TftsrIssuePage *self, gint64 id);
/* Saves pending edits and shows nothing. */
void tftsr_issue_page_clear (TftsrIssuePage *self);
/* Whether edits are still being written (property "saving"). */
gboolean tftsr_issue_page_get_saving (TftsrIssuePage *self);
/* The incident shown, or NULL (property "issue"). */
TftsrIssue *tftsr_issue_page_get_issue (TftsrIssuePage *self);
/* The page's views, "details", "triage" and "documents", for a view switcher in the
 * header; the bar
 * at the bottom of the page is for windows too narrow for one there. */
AdwViewStack *tftsr_issue_page_get_view_stack (TftsrIssuePage *self);
AdwViewSwitcherBar *tftsr_issue_page_get_switcher_bar (TftsrIssuePage *self);
/* Shows the view called @name and moves the focus into it. */
void tftsr_issue_page_show_view (TftsrIssuePage *self, const char *name);
/* Adds @attachment to what goes with the next message in the triage chat of @issue_id and
 * shows the Triage view. */
void tftsr_issue_page_attach_to_chat (TftsrIssuePage *self, gint64 issue_id,
                                      const TftsrTriageAttachment *attachment);

/* Loads the configured connectors again (after Preferences changed them). */
void tftsr_issue_page_reload_integrations (TftsrIssuePage *self);

G_END_DECLS
