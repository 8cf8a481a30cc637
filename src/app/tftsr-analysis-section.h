/* tftsr-analysis-section.h: the log analyses of an incident above its triage chat
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include <tftsr.h>

G_BEGIN_DECLS

#define TFTSR_TYPE_ANALYSIS_SECTION (tftsr_analysis_section_get_type ())
G_DECLARE_FINAL_TYPE (TftsrAnalysisSection, tftsr_analysis_section, TFTSR, ANALYSIS_SECTION,
                      GtkWidget)

/* Properties: "issue" (TftsrIssue): the incident shown, whose analyses are listed and whose
 * severity a suggestion is compared with; "level" (guint): its 5-Whys level, which tells
 * whether why 1 is answered.
 * Signals: ::failed (GError *) for a toast; ::whys-changed after why 1 was recorded. */
void tftsr_analysis_section_set_store (TftsrAnalysisSection *self, TftsrStore *store);
/* Reads the analyses again and shows the newest, unfolded when @reveal. */
void tftsr_analysis_section_reload (TftsrAnalysisSection *self, gboolean reveal);
/* What the Analyze Logs button's tooltip says (why it is off, or what it does). */
void tftsr_analysis_section_set_analyze_hint (TftsrAnalysisSection *self, const char *hint);

G_END_DECLS
