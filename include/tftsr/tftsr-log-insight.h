/* tftsr-log-insight.h: what a stored log is saying: its templates, volume and errors over
 * time, what changed after a moment, and past incidents whose logs said the same
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tftsr-log-miner.h"
#include "tftsr-store.h"

G_BEGIN_DECLS

/* A log's mined templates and timeline, as stored. Immutable once made. */
#define TFTSR_TYPE_LOG_INSIGHT (tftsr_log_insight_get_type ())
G_DECLARE_FINAL_TYPE (TftsrLogInsight, tftsr_log_insight, TFTSR, LOG_INSIGHT, GObject)

gint64 tftsr_log_insight_get_log_id (TftsrLogInsight *self);
guint64 tftsr_log_insight_get_lines (TftsrLogInsight *self);
/* Lines whose template was dropped under the miner's cap: counted in no template. */
guint64 tftsr_log_insight_get_evicted_lines (TftsrLogInsight *self);
/* TftsrLogTemplate, by id, owned by the insight; ids are the ones
 * tftsr_store_find_log_lines() takes. */
GPtrArray *tftsr_log_insight_get_templates (TftsrLogInsight *self);
const TftsrLogTemplate *tftsr_log_insight_get_template (TftsrLogInsight *self, guint32 id);
/* The histogram of lines with a time: @n_buckets buckets of @bucket_width µs from @start
 * (µs since the epoch); @totals and @errors (lines at error level or above) are owned by
 * the insight. FALSE (and no buckets) when no line had a time. */
gboolean tftsr_log_insight_get_histogram (TftsrLogInsight *self, gint64 *start,
                                          gint64 *bucket_width, guint *n_buckets,
                                          const guint32 **totals, const guint32 **errors);
/* The moment the engineer marked (a deploy, a restart…), or 0; kept with the log and used
 * by the AI digest. */
gint64 tftsr_log_insight_get_change_time (TftsrLogInsight *self);

typedef enum
{
  TFTSR_LOG_CHANGE_NEW,  /* first seen after the moment */
  TFTSR_LOG_CHANGE_RATE, /* its rate per hour jumped after the moment */
  TFTSR_LOG_CHANGE_GONE, /* seen before and not after */
} TftsrLogChangeKind;

typedef struct
{
  guint32 template_id;
  TftsrLogChangeKind kind;
  guint64 count_before;
  guint64 count_after;
  double rate_before; /* lines per hour */
  double rate_after;
} TftsrLogChange;

/* Templates that appear only after @after, whose rate jumped after it, or that stopped,
 * most telling first (new errors, then rate jumps by factor, then the rest). Computed from
 * the stored timeline: no log text is read. An empty array when nothing changed;
 * TFTSR_STORE_ERROR_INVALID when the log has no times or @after is not within them. */
GArray *tftsr_log_insight_changed_after (TftsrLogInsight *self, gint64 after, GError **error);

/* Mines stored log @log_id (streaming over its chunks, detected PII masked) and stores the
 * result in place of an earlier one, in one transaction: a failed or cancelled run changes
 * nothing. @progress gets bytes read and the log's size. */
TftsrLogInsight *tftsr_store_mine_log (TftsrStore *store, gint64 log_id, TftsrProgressFunc progress,
                                       gpointer progress_data, GCancellable *cancellable,
                                       GError **error);
/* The stored insight, or NULL without an error when the log was never mined. */
TftsrLogInsight *tftsr_store_get_log_insight (TftsrStore *store, gint64 log_id, GError **error);
/* Stored, or mined when missing: what the app and the CLI call. */
TftsrLogInsight *tftsr_store_ensure_log_insight (TftsrStore *store, gint64 log_id,
                                                 TftsrProgressFunc progress, gpointer progress_data,
                                                 GCancellable *cancellable, GError **error);
void tftsr_store_ensure_log_insight_async (TftsrStore *store, gint64 log_id,
                                           TftsrProgressFunc progress, gpointer progress_data,
                                           GCancellable *cancellable, GAsyncReadyCallback callback,
                                           gpointer user_data);
TftsrLogInsight *tftsr_store_ensure_log_insight_finish (TftsrStore *store, GAsyncResult *result,
                                                        GError **error);
/* Mines stored log @log_id again, in memory only (nothing is stored), splitting headers
 * with @format (NULL: detection): the miner with its templates, and in @line_templates
 * (guint32) the id of each line's final template, line 1 first (a template evicted under
 * the cap keeps its id, which the miner no longer knows). For tools that need every
 * line's template or a header format of their own (tftsr-cli insight templates). */
TftsrLogMiner *tftsr_store_mine_log_lines (TftsrStore *store, gint64 log_id,
                                           const TftsrLogFormat *format, GArray **line_templates,
                                           GCancellable *cancellable, GError **error);
/* Marks (or with 0 clears) the moment of a change for log @log_id. */
gboolean tftsr_store_set_log_change_time (TftsrStore *store, gint64 log_id, gint64 time,
                                          GError **error);

/* Which lines to find: of template @template_id (0: any), with a time in [@from, @to)
 * (both 0: any time; a line without a time of its own has the previous line's). */
typedef struct
{
  guint32 template_id;
  gint64 from;
  gint64 to;
} TftsrLogLineFilter;

/* The 1-based numbers (as the log viewer numbers lines) of the lines @filter selects, in
 * order (guint32). Reads the log once; @progress gets bytes read and the log's size. A
 * line is of a template when its masked message fits the template's text; the template
 * is looked up in the log's stored insight (call tftsr_store_ensure_log_insight() first):
 * TFTSR_STORE_ERROR_NOT_FOUND when it has no such template. */
GArray *tftsr_store_find_log_lines (TftsrStore *store, gint64 log_id,
                                    const TftsrLogLineFilter *filter, TftsrProgressFunc progress,
                                    gpointer progress_data, GCancellable *cancellable,
                                    GError **error);
void tftsr_store_find_log_lines_async (TftsrStore *store, gint64 log_id,
                                       const TftsrLogLineFilter *filter, TftsrProgressFunc progress,
                                       gpointer progress_data, GCancellable *cancellable,
                                       GAsyncReadyCallback callback, gpointer user_data);
GArray *tftsr_store_find_log_lines_finish (TftsrStore *store, GAsyncResult *result, GError **error);

/* A past incident whose logs share rare or error templates with this one's. */
typedef struct
{
  gint64 issue_id;
  char *title;
  char *status;
  char *created_at;
  double score;      /* higher is more alike */
  GPtrArray *shared; /* template texts (char *), most telling first */
} TftsrSimilarIssue;

void tftsr_similar_issue_free (TftsrSimilarIssue *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrSimilarIssue, tftsr_similar_issue_free)

/* Other incidents ranked by the template fingerprints their mined logs share with
 * @issue_id's (each weighted by how rare it is across incidents and by its level), at
 * most @limit, best first. An empty array when none or when the incident has no mined
 * log. */
GPtrArray *tftsr_store_similar_issues (TftsrStore *store, gint64 issue_id, guint limit,
                                       GError **error);
void tftsr_store_similar_issues_async (TftsrStore *store, gint64 issue_id, guint limit,
                                       GCancellable *cancellable, GAsyncReadyCallback callback,
                                       gpointer user_data);
GPtrArray *tftsr_store_similar_issues_finish (TftsrStore *store, GAsyncResult *result,
                                              GError **error);

G_END_DECLS
