/* tftsr-log-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tftsr-log.h"
#include "tftsr-progress-private.h"
#include "tftsr-store-private.h"

/* Text per chunk before it is cut (after the last newline, if there is one). */
#define TFTSR_LOG_CHUNK_SIZE (1024 * 1024)

/* The SELECT list tftsr_log_file_new_from_row() reads, over log_files "l". */
#define TFTSR_LOG_COLUMNS                                                                          \
  "l.id, l.issue_id, l.name, l.compression, l.original_size, l.sha256, l.size, l.line_count, "     \
  "l.binary, l.created_at, l.pii_count"

TftsrLogFile *tftsr_log_file_new_from_row (sqlite3_stmt *stmt);
/* Bytes [@offset, @offset + @len) of a log's text, from the chunks that hold them. */
GBytes *tftsr_log_read_range (sqlite3 *db, gint64 log_id, guint64 offset, gsize len,
                              GError **error);
/* Sets TFTSR_LOG_ERROR_NOT_FOUND for log @log_id; returns FALSE for the caller to return. */
gboolean tftsr_log_not_found (gint64 log_id, GError **error);
/* A finished log by id, or TFTSR_LOG_ERROR_NOT_FOUND. */
TftsrLogFile *tftsr_log_load (sqlite3 *db, gint64 log_id, GError **error);
/* Chunk @seq of a log's text, decompressed, and its @offset in the text; NULL without
 * @error past the last chunk. */
GBytes *tftsr_log_read_chunk (sqlite3 *db, gint64 log_id, guint seq, guint64 *offset,
                              GError **error);

typedef gboolean (*TftsrChunkFunc) (const guint8 *text, gsize len, guint64 offset,
                                    gpointer user_data, GError **error);
/* Calls @func with every chunk's text in order; one chunk in memory at a time. */
gboolean tftsr_log_each_chunk (sqlite3 *db, gint64 log_id, TftsrChunkFunc func, gpointer user_data,
                               GCancellable *cancellable, GError **error);
