/* tftsr-log-writer.h: the database side of an ingest, in a thread of its own
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tftsr-log-private.h"
#include "tftsr-pii-values.h"

/* A detection waiting to be written: where, which type, which bytes. */
typedef struct
{
  guint64 start;
  guint64 end;
  char *type_name;
  GBytes *value;
} TftsrPendingSpan;

void tftsr_pending_span_clear (TftsrPendingSpan *span);
/* A GArray of TftsrPendingSpan that clears its elements. */
GArray *tftsr_pending_spans_new (void);
/* Appends what a TftsrPiiStream of @scanner reported. */
void tftsr_pending_spans_add (GArray *spans, TftsrPiiScanner *scanner, const TftsrPiiSpan *span,
                              const guint8 *value);
/* Moves the spans that start before @end out of @spans (sorted by start) into a new array. */
GArray *tftsr_pending_spans_take_before (GArray *spans, guint64 end);
/* Interns each span's value in @values and steps @insert with ?1 = @owner, ?2 = start,
 * ?3 = end, ?4 = the value's id: inside the caller's transaction. */
gboolean tftsr_pending_spans_insert (GArray *spans, TftsrPiiValues *values, sqlite3_stmt *insert,
                                     gint64 owner, GError **error);

/* A chunk of text (compressed by the writer) and where it sits in the log. */
typedef struct
{
  GBytes *text;
  guint64 offset;
  guint64 length;
  guint64 first_line;
  guint newlines;
  guint rows;
} TftsrLogChunk;

void tftsr_log_chunk_free (TftsrLogChunk *chunk);

/* What the log turned out to be, written with its 'ready' state. */
typedef struct
{
  const char *compression;
  guint64 original_size;
  const char *sha256;
  guint64 size;
  guint64 line_count;
  gboolean binary;
} TftsrLogTotals;

typedef struct _TftsrLogWriter TftsrLogWriter;

/* Creates the log in state 'ingesting' and starts the writing and mining threads; the
 * writing thread owns @db until tftsr_log_writer_finish() or tftsr_log_writer_abort()
 * returns. */
TftsrLogWriter *tftsr_log_writer_new (sqlite3 *db, gint64 issue_id, const char *name,
                                      GError **error);
/* Queues @chunk and @spans (both taken; @spans may be NULL) to be compressed, mined and
 * written in order. @spans are the ones that start in @chunk: the miner masks them. Waits
 * while a few are queued, so memory stays bounded. FALSE once a write has failed. */
gboolean tftsr_log_writer_push (TftsrLogWriter *writer, TftsrLogChunk *chunk, GArray *spans);
/* Bytes of text mined so far. */
guint64 tftsr_log_writer_get_mined (TftsrLogWriter *writer);
/* Waits for every queued write, then marks the log ready with @totals, its insight, a
 * timeline event and an audit entry. Returns the log's id, or 0 with @error set. */
gint64 tftsr_log_writer_finish (TftsrLogWriter *writer, const TftsrLogTotals *totals,
                                GError **error);
/* Stops writing and removes the log and the values only it had found. */
void tftsr_log_writer_abort (TftsrLogWriter *writer);
void tftsr_log_writer_free (TftsrLogWriter *writer);
