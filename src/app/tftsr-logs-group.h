/* tftsr-logs-group.h: the logs of an incident, with adding (file, drop, paste) in
 * progress, opening in the viewer, review and deletion
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include <tftsr.h>

G_BEGIN_DECLS

#define TFTSR_TYPE_LOGS_GROUP (tftsr_logs_group_get_type ())
G_DECLARE_FINAL_TYPE (TftsrLogsGroup, tftsr_logs_group, TFTSR, LOGS_GROUP, GtkWidget)

/* Signals: ::changed when a log was added or deleted (the timeline has news), and
 * ::failed (GError *) when something could not be done. */
void tftsr_logs_group_set_store (TftsrLogsGroup *self, TftsrStore *store);
/* Shows the logs of incident @issue_id (0: none). Adds still running for another
 * incident go on and land there. */
void tftsr_logs_group_load (TftsrLogsGroup *self, gint64 issue_id);
void tftsr_logs_group_add_file (TftsrLogsGroup *self, GFile *file);
/* Adds pasted text as a log named after the time of the paste. */
void tftsr_logs_group_add_text (TftsrLogsGroup *self, const char *text);
/* The logs shown (TftsrLogFile), and how many adds are running for this incident. */
GListModel *tftsr_logs_group_get_logs (TftsrLogsGroup *self);
guint tftsr_logs_group_get_n_running (TftsrLogsGroup *self);
/* What the Analyze Logs button's tooltip says (why it is off, or what it does); the
 * button activates "page.analyze-logs". */
void tftsr_logs_group_set_analyze_hint (TftsrLogsGroup *self, const char *hint);

G_END_DECLS
