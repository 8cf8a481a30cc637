/* tftsr-log-lines.h: a stored log as a list of lines for a virtualised view
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tftsr-store.h"

G_BEGIN_DECLS

/* A highlighted range of a line's display text: a detection, by type. */
typedef struct
{
  guint start; /* bytes into the display text */
  guint end;
  const char *type;
} TftsrLogLineSpan;

#define TFTSR_TYPE_LOG_LINE (tftsr_log_line_get_type ())
G_DECLARE_FINAL_TYPE (TftsrLogLine, tftsr_log_line, TFTSR, LOG_LINE, GObject)

/* 1-based. Lines over a chunk (1 MiB) continue on the next number. */
guint tftsr_log_line_get_number (TftsrLogLine *self);
/* NULL until the line's chunk is loaded ("text" is notified then). Valid UTF-8; in the
 * redacted view detections read as their pseudonyms. */
const char *tftsr_log_line_get_text (TftsrLogLine *self);
const TftsrLogLineSpan *tftsr_log_line_get_spans (TftsrLogLine *self, guint *n_spans);
/* Maps bytes [@start, @end) of the displayed text to byte offsets in the log, for marking
 * a selection. Only possible where the display is the log's bytes unchanged: in the
 * original view, on a line without bytes shown as replacement characters. */
gboolean tftsr_log_line_get_log_range (TftsrLogLine *self, guint start, guint end,
                                       guint64 *log_start, guint64 *log_end);

#define TFTSR_TYPE_LOG_LINES (tftsr_log_lines_get_type ())
G_DECLARE_FINAL_TYPE (TftsrLogLines, tftsr_log_lines, TFTSR, LOG_LINES, GObject)

/* A GListModel of TftsrLogLine. Opening reads only the chunk index; chunks load in a
 * worker as their lines are asked for (a few are kept), so a 1 GB log opens as fast as a
 * small one and memory stays small. */
void tftsr_log_lines_new_async (TftsrStore *store, gint64 log_id, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data);
TftsrLogLines *tftsr_log_lines_new_finish (GAsyncResult *result, GError **error);

gboolean tftsr_log_lines_get_redacted (TftsrLogLines *self);
/* Shows detections as pseudonyms (as they would leave) or as they are. */
void tftsr_log_lines_set_redacted (TftsrLogLines *self, gboolean redacted);
/* Reads detections and decisions again (after review changed them); every line is
 * handed out anew. */
void tftsr_log_lines_reload (TftsrLogLines *self);

/* Lines in the log, whether or not they are all shown. */
guint tftsr_log_lines_get_n_lines (TftsrLogLines *self);
/* Shows only the lines numbered in @numbers (guint32, 1-based, ascending, each in the log;
 * copied), or every line again with NULL. Items keep their numbers in the log; positions
 * are in what is shown. */
void tftsr_log_lines_set_subset (TftsrLogLines *self, GArray *numbers);
/* Whether a subset is shown (even an empty one). */
gboolean tftsr_log_lines_get_filtered (TftsrLogLines *self);
/* The position of line @number (1-based) among the items, or FALSE when it is not shown. */
gboolean tftsr_log_lines_get_position (TftsrLogLines *self, guint number, guint *position);

/* Finds @needle (ASCII case-insensitive) among the items shown from position @from on (not
 * including it), or before it with @backwards, wrapping around. Finishes with the item's
 * position, or -1. */
void tftsr_log_lines_find_async (TftsrLogLines *self, const char *needle, guint from,
                                 gboolean backwards, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data);
gint64 tftsr_log_lines_find_finish (TftsrLogLines *self, GAsyncResult *result, GError **error);

G_END_DECLS
