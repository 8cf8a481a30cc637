/* tftsr-analyze-dialog.h: choosing the logs to analyse, and the analysis in progress
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include <tftsr.h>

G_BEGIN_DECLS

#define TFTSR_TYPE_ANALYZE_DIALOG (tftsr_analyze_dialog_get_type ())
G_DECLARE_FINAL_TYPE (TftsrAnalyzeDialog, tftsr_analyze_dialog, TFTSR, ANALYZE_DIALOG, AdwWindow)

/* Offers @logs (TftsrLogFile, all checked) of incident @issue_id to send to @provider.
 * Emits ::analyzed (gint64 analysis id) once an analysis is stored, and closes. A failure
 * is shown in the dialog with the choice kept; closing it while the analysis runs
 * cancels it. */
TftsrAnalyzeDialog *tftsr_analyze_dialog_new (GtkWindow *parent, TftsrStore *store, gint64 issue_id,
                                              const TftsrAiProvider *provider, GListModel *logs);

G_END_DECLS
