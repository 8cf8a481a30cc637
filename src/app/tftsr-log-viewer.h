/* tftsr-log-viewer.h: a window showing one stored log, any size, with its detections
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include <tftsr.h>
#include <tftsr-log-insight.h>

G_BEGIN_DECLS

#define TFTSR_TYPE_LOG_VIEWER (tftsr_log_viewer_get_type ())
G_DECLARE_FINAL_TYPE (TftsrLogViewer, tftsr_log_viewer, TFTSR, LOG_VIEWER, AdwWindow)

/* Signals: ::changed after the engineer marked text for redaction; ::ready once the
 * first lines can be shown (or the log failed to open); ::exported (gboolean ok) when an
 * export ended. */
TftsrLogViewer *tftsr_log_viewer_new (TftsrStore *store, TftsrLogFile *log);
/* The line model once ready, else NULL. */
TftsrLogLines *tftsr_log_viewer_get_lines (TftsrLogViewer *self);
/* Selects and shows line @number (1-based); FALSE when there is no such line or the
 * filter hides it. */
gboolean tftsr_log_viewer_go_to_line (TftsrLogViewer *self, guint number);
/* Shows only the lines @filter selects (found by tftsr_store_find_log_lines_async, with
 * progress and Cancel), under a bar with @description, their count and Show All Lines.
 * May be called before the viewer is ready; a newer filter replaces one still searching. */
void tftsr_log_viewer_set_filter (TftsrLogViewer *self, const TftsrLogLineFilter *filter,
                                  const char *description);
/* Writes a redacted copy to @file in a worker, through the egress module (audited);
 * what Export Redacted Copy… does once a file is chosen. */
void tftsr_log_viewer_export (TftsrLogViewer *self, GFile *file);

G_END_DECLS
