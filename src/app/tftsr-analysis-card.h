/* tftsr-analysis-card.h: one log analysis as the engineer reads it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include <tftsr.h>

G_BEGIN_DECLS

#define TFTSR_TYPE_ANALYSIS_CARD (tftsr_analysis_card_get_type ())
G_DECLARE_FINAL_TYPE (TftsrAnalysisCard, tftsr_analysis_card, TFTSR, ANALYSIS_CARD, GtkWidget)

/* Shows @analysis: when and by whom, the logs sent, the summary (Markdown), the key
 * findings, the suggested first why and severity. Nothing of @analysis is kept. Its
 * buttons activate "analysis.use-why" and "page.apply-severity" (with the severity's
 * name), which the widgets around the card provide. */
void tftsr_analysis_card_show (TftsrAnalysisCard *self, const TftsrLogAnalysis *analysis);
/* Whether why 1 has an answer: the suggestion then replaces it, after a confirmation. */
void tftsr_analysis_card_set_why_answered (TftsrAnalysisCard *self, gboolean answered);
/* The incident's severity now: a suggestion equal to it is not offered. */
void tftsr_analysis_card_set_severity (TftsrAnalysisCard *self, TftsrSeverity severity);

G_END_DECLS
