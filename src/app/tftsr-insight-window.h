/* tftsr-insight-window.h: what a stored log is saying: its templates, its lines and errors
 * over time, and what changed after a marked moment
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include <tftsr.h>
#include <tftsr-log-insight.h>

G_BEGIN_DECLS

#define TFTSR_TYPE_INSIGHT_WINDOW (tftsr_insight_window_get_type ())
G_DECLARE_FINAL_TYPE (TftsrInsightWindow, tftsr_insight_window, TFTSR, INSIGHT_WINDOW, AdwWindow)

/* Mines @log when it was never mined (with progress and Cancel), then shows it.
 * Signals: ::ready once the insight is shown or failed or was cancelled; ::changes-shown
 * once the list of what changed after the marked moment is shown, or the moment cleared. */
TftsrInsightWindow *tftsr_insight_window_new (TftsrStore *store, TftsrLogFile *log);
/* The insight on display, or NULL before it is ready. */
TftsrLogInsight *tftsr_insight_window_get_insight (TftsrInsightWindow *self);
/* Marks (0: clears) the moment of a change, stored in a worker: what "Mark Change Here"
 * and the What Changed? popover do. Ignored while another moment is being stored. */
void tftsr_insight_window_set_change_time (TftsrInsightWindow *self, gint64 time);

G_END_DECLS
