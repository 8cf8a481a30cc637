/* tftsr-review-window.h: what was found in an incident's logs, by type and value, with
 * the switches that release false positives
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include <tftsr.h>

G_BEGIN_DECLS

#define TFTSR_TYPE_REVIEW_WINDOW (tftsr_review_window_get_type ())
G_DECLARE_FINAL_TYPE (TftsrReviewWindow, tftsr_review_window, TFTSR, REVIEW_WINDOW, AdwWindow)

/* Signals: ::changed after a decision was stored; ::ready once loaded. */
TftsrReviewWindow *tftsr_review_window_new (TftsrStore *store, gint64 issue_id);
/* The rows shown: a header per type followed by its values (for tests). */
GListModel *tftsr_review_window_get_rows (TftsrReviewWindow *self);
/* Redacts (or releases) a value or, with @value NULL, a whole type, as the switches do. */
void tftsr_review_window_set_redacted (TftsrReviewWindow *self, const char *type, const char *value,
                                       gboolean redacted);

G_END_DECLS
