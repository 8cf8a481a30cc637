/* tftsr-issue-private.h: what the store needs to build TftsrIssue objects
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tftsr-issue.h"

/* Markers around matched terms in snippets coming out of SQLite. */
#define TFTSR_SNIPPET_OPEN '\x02'
#define TFTSR_SNIPPET_CLOSE '\x03'

TftsrIssue *tftsr_issue_new_stored (gint64 id);
void tftsr_issue_set_timestamps (TftsrIssue *self, const char *created_at, const char *updated_at,
                                 const char *resolved_at);
void tftsr_issue_set_marked_snippet (TftsrIssue *self, const char *marked);
