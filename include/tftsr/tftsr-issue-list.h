/* tftsr-issue-list.h: a GListModel of incidents that pages through the store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tftsr-store.h"

G_BEGIN_DECLS

#define TFTSR_TYPE_ISSUE_LIST (tftsr_issue_list_get_type ())
G_DECLARE_FINAL_TYPE (TftsrIssueList, tftsr_issue_list, TFTSR, ISSUE_LIST, GObject)

/* Items are TftsrIssue. Pages load in a worker thread; the model changes only on the
 * thread-default main context it was created on. Loading failures are reported with
 * the ::load-failed signal. */
TftsrIssueList *tftsr_issue_list_new (TftsrStore *store);
TftsrStore *tftsr_issue_list_get_store (TftsrIssueList *self);
const TftsrIssueQuery *tftsr_issue_list_get_query (TftsrIssueList *self);
/* Replaces the query and reloads from the first page (the previous load is cancelled). */
void tftsr_issue_list_set_query (TftsrIssueList *self, const TftsrIssueQuery *query);
/* Reloads every page loaded so far, e.g. after an edit that changes the order. */
void tftsr_issue_list_reload (TftsrIssueList *self);
/* Appends the next page, if there is one and none is loading. */
void tftsr_issue_list_load_more (TftsrIssueList *self);
gboolean tftsr_issue_list_get_loading (TftsrIssueList *self);
gboolean tftsr_issue_list_get_has_more (TftsrIssueList *self);
/* Position of the incident with @id, or FALSE if it is not loaded. */
gboolean tftsr_issue_list_find (TftsrIssueList *self, gint64 id, guint *position);
/* Drops an incident from the model at once (after a delete) and returns whether it was there. */
gboolean tftsr_issue_list_remove (TftsrIssueList *self, gint64 id);

G_END_DECLS
