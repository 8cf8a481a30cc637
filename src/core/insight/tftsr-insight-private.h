/* tftsr-insight-private.h: the insight module's internals, for its files, the log ingest,
 * the digest, the tests and the fuzz target
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tftsr-log-insight.h"
#include "tftsr-store-private.h"

/* A log has at most this many histogram buckets: the width doubles (neighbours merge)
 * whenever its lines span more. */
#define TFTSR_INSIGHT_MAX_BUCKETS 2048
/* The narrowest bucket. */
#define TFTSR_INSIGHT_MIN_WIDTH G_USEC_PER_SEC
/* Bytes of a sample line kept (cut at a character boundary). */
#define TFTSR_INSIGHT_SAMPLE_MAX 4096

/* Lines of one template in one bucket; a series is sorted by bucket, one point each. */
typedef struct
{
  guint32 bucket;
  guint32 count;
} TftsrSeriesPoint;

/* A series as stored: pairs of LEB128 varints (bucket delta from the previous point,
 * count). */
GBytes *tftsr_insight_series_encode (const GArray *series);
/* NULL (and @error) unless @data is a well-formed series whose buckets are below
 * @n_buckets and whose counts are not 0. */
GArray *tftsr_insight_series_decode (const guint8 *data, gsize len, guint n_buckets,
                                     GError **error);

/* Lines per template and per bucket while a log is mined, whatever order their times
 * come in. */
typedef struct _TftsrInsightTimeline TftsrInsightTimeline;

TftsrInsightTimeline *tftsr_insight_timeline_new (void);
void tftsr_insight_timeline_free (TftsrInsightTimeline *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrInsightTimeline, tftsr_insight_timeline_free)
/* One line of template @id at @time (> 0), an error line or not. */
void tftsr_insight_timeline_add (TftsrInsightTimeline *self, guint32 id, gint64 time,
                                 gboolean error);

/* The pieces an insight is made of; the insight takes @templates (TftsrLogTemplate, by
 * id), @series (GArray of TftsrSeriesPoint, one per template, in the same order),
 * @totals and @errors. */
typedef struct
{
  gint64 log_id;
  guint64 lines;
  guint64 evicted_lines;
  int year;
  gint64 change_time;
  GPtrArray *templates;
  GPtrArray *series;
  gint64 hist_start;
  gint64 bucket_width; /* 0: no line had a time */
  guint n_buckets;
  guint32 *totals;
  guint32 *errors;
} TftsrInsightParts;

TftsrLogInsight *tftsr_log_insight_new (TftsrInsightParts *parts);
/* The id a template counted under @id ended as (templates merge), 0: evicted. */
typedef guint32 (*TftsrInsightResolve) (guint32 id, gpointer user_data);
/* Fills the histogram and series of @parts (whose templates are set) from @timeline, the
 * series of ids that @resolve leads to one template added up. */
void tftsr_insight_timeline_finish (TftsrInsightTimeline *self, TftsrInsightResolve resolve,
                                    gpointer resolve_data, TftsrInsightParts *parts);
/* The series of template @id (TftsrSeriesPoint), or NULL. */
const GArray *tftsr_log_insight_get_series (TftsrLogInsight *self, guint32 id);

/* The stored insight of @log_id, or NULL without @error. */
TftsrLogInsight *tftsr_insight_load (sqlite3 *db, gint64 log_id, GError **error);
/* Replaces the stored insight of its log (which must be 'ready') with @insight, in one
 * transaction; _in_transaction: inside the caller's. */
gboolean tftsr_insight_save (sqlite3 *db, TftsrLogInsight *insight, GError **error);
gboolean tftsr_insight_save_in_transaction (sqlite3 *db, TftsrLogInsight *insight, GError **error);
/* The first 8 bytes of the SHA-256 of @text: the same template, the same fingerprint. */
gint64 tftsr_insight_fingerprint (const char *text);

/* One row of a stored log as the viewer numbers rows (from 1; a chunk's unfinished last
 * line is a row of its own), without its line end, at byte @offset of the log, with the
 * PII spans on it (bytes into the row, sorted, not overlapping). */
typedef gboolean (*TftsrInsightRowFunc) (const char *row, gsize len, guint64 number, guint64 offset,
                                         const TftsrLogMask *masks, guint n_masks,
                                         gpointer user_data, GError **error);
/* Calls @func with every row of @log_id, one chunk in memory at a time; @progress gets
 * bytes read and @total. */
gboolean tftsr_insight_each_row (sqlite3 *db, gint64 log_id, TftsrInsightRowFunc func,
                                 gpointer user_data, TftsrProgressFunc progress,
                                 gpointer progress_data, guint64 total, GCancellable *cancellable,
                                 GError **error);

/* A detected PII span, in bytes of the log's text. */
typedef struct
{
  guint64 start;
  guint64 end;
} TftsrInsightSpan;

/* A log being mined: fed its chunks in order, as they are stored, wherever they come from
 * (the ingest's writing thread, or the stored chunks). */
typedef struct _TftsrInsightMining TftsrInsightMining;

/* The moment year-less timestamps of log @log_id are read against: when it was added (in
 * µs; now if it cannot be read). */
gint64 tftsr_insight_reference (sqlite3 *db, gint64 log_id);
/* Mining a log added at @reference (tftsr_insight_reference()). */
TftsrInsightMining *tftsr_insight_mining_new (gint64 reference);
void tftsr_insight_mining_free (TftsrInsightMining *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrInsightMining, tftsr_insight_mining_free)
/* The next chunk: its text at @offset of the log and the spans that start in it (sorted,
 * not overlapping), which are masked. */
void tftsr_insight_mining_feed (TftsrInsightMining *self, const guint8 *text, gsize len,
                                guint64 offset, const TftsrInsightSpan *spans, guint n_spans);
/* The insight of log @log_id from what was fed, with the marked @change_time (or 0). */
TftsrLogInsight *tftsr_insight_mining_finish (TftsrInsightMining *self, gint64 log_id,
                                              gint64 change_time);

/* Mines stored log @log_id from its chunks and stores the result
 * (tftsr_store_mine_log() on a connection). */
TftsrLogInsight *tftsr_insight_mine (sqlite3 *db, gint64 log_id, TftsrProgressFunc progress,
                                     gpointer progress_data, GCancellable *cancellable,
                                     GError **error);
