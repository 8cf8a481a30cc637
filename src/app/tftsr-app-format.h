/* tftsr-app-format.h: display helpers shared by the views
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <tftsr.h>
#include <tftsr-connector.h>

G_BEGIN_DECLS

/* The translated labels of an enum (severity, status, category) as a GtkStringList whose
 * positions are the enum values, for GtkDropDown and AdwComboRow. */
GListModel *tftsr_enum_label_model (GType enum_type);
/* "Just now", "5 minutes ago", "Yesterday 14:02", "3 Nov 2026" from a stored timestamp. */
char *tftsr_format_relative_time (const char *iso8601);
/* The same of @time (any time zone; NULL gives "—"). */
char *tftsr_format_relative_datetime (GDateTime *time);
/* "22 Nov 2026, 02:07" in local time. */
char *tftsr_format_time (const char *iso8601);
/* Text safe for GTK: invalid UTF-8 shown as U+FFFD. */
char *tftsr_display_text (const char *text);
/* A time of a log (µs since the epoch) in UTC, as the miner reads a zoneless log: "03:05",
 * "03:05:07" with @seconds, "22 Nov 2026 03:05" with @day. */
char *tftsr_format_log_time (gint64 time, gboolean seconds, gboolean day);
/* "1 line", "150000 lines". */
char *tftsr_format_lines (guint64 n);
/* "Sent: api.log (whole), worker.log (digest)": the logs a log analysis was made from. */
char *tftsr_format_logs_sent (const TftsrLogAnalysis *analysis);
/* A failed AI request as a sentence the engineer can act on: where the core's says what
 * happened but not what to do about it (an unreachable provider, a broken answer), the
 * way on is added. */
char *tftsr_format_ai_failure (const GError *error);
/* The CSS class of a severity badge: "p1".."p4". */
const char *tftsr_severity_css_class (TftsrSeverity severity);
/* The symbolic icon shown for a kind of connector. */
const char *tftsr_connector_kind_icon_name (TftsrConnectorKind kind);
/* "Closed", "Open: requests are refused for now", "Half-open: one request is let through". */
const char *tftsr_circuit_state_describe (TftsrCircuitState state);

G_END_DECLS
