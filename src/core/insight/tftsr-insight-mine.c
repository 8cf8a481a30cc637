/* tftsr-insight-mine.c: a stored log streamed through the template miner
 *
 * The chunks are read one at a time and cut into rows exactly as the log viewer cuts them
 * (tftsr-log-lines.c: a chunk's unfinished last line, only ever a line over a chunk, is a
 * row of its own and continues on the next number), so a template's line numbers are the
 * viewer's. The log's PII spans, as the ingest and review left them, go to the miner as
 * masks: a detected value never becomes part of a template, whatever its shape. Memory is
 * the miner's (bounded by its template cap) plus one chunk; the result is stored in one
 * transaction at the end, so a failed or cancelled run changes nothing.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>
#include <string.h>

#include "tftsr-insight-private.h"
#include "tftsr-log-private.h"

/* --- rows with their masks ---------------------------------------------------------------- */

typedef struct
{
  guint64 start;
  guint64 end;
} Span;

typedef struct
{
  sqlite3_stmt *spans; /* of a byte range of the log */
  GArray *current;     /* Span overlapping the chunk, by start */
  GArray *masks;       /* TftsrLogMask of the row */
  guint64 number;
  TftsrInsightRowFunc func;
  gpointer user_data;
  TftsrProgressFunc progress;
  gpointer progress_data;
  guint64 done;
  guint64 total;
} Rows;

/* The spans overlapping [@offset, @end): those of the previous chunk that reach into it
 * (only a span across a cut line does) and those starting in it. */
static gboolean
load_spans (Rows *r, guint64 offset, guint64 end, GError **error)
{
  guint kept = 0;
  int rc;

  for (guint i = 0; i < r->current->len; i++)
    if (g_array_index (r->current, Span, i).end > offset)
      g_array_index (r->current, Span, kept++) = g_array_index (r->current, Span, i);
  g_array_set_size (r->current, kept);
  sqlite3_reset (r->spans);
  sqlite3_bind_int64 (r->spans, 2, (gint64) offset);
  sqlite3_bind_int64 (r->spans, 3, (gint64) end);
  while ((rc = sqlite3_step (r->spans)) == SQLITE_ROW)
    {
      Span s = { sqlite3_column_int64 (r->spans, 0), sqlite3_column_int64 (r->spans, 1) };
      g_array_append_val (r->current, s);
    }
  if (rc != SQLITE_DONE)
    return tftsr_db_set_error (error, sqlite3_db_handle (r->spans), rc,
                               _ ("Could not read the log's detections"));
  return TRUE;
}

static gboolean
take_chunk (const guint8 *data, gsize len, guint64 offset, gpointer user_data, GError **error)
{
  Rows *r = user_data;
  const char *text = (const char *) data, *p = text, *end = text + len;
  guint next_span = 0;

  if (!load_spans (r, offset, offset + len, error))
    return FALSE;
  while (p < end)
    {
      const char *nl = memchr (p, '\n', end - p);
      const char *stop = nl != NULL ? nl : end;
      guint64 row_start = offset + (p - text), row_end;

      if (stop > p && stop[-1] == '\r')
        stop--;
      row_end = offset + (stop - text);
      g_array_set_size (r->masks, 0);
      while (next_span < r->current->len &&
             g_array_index (r->current, Span, next_span).end <= row_start)
        next_span++;
      for (guint i = next_span; i < r->current->len; i++)
        {
          const Span *s = &g_array_index (r->current, Span, i);
          TftsrLogMask mask;

          if (s->start >= row_end)
            break;
          mask.start = (guint) (MAX (s->start, row_start) - row_start);
          mask.end = (guint) (MIN (s->end, row_end) - row_start);
          if (mask.end > mask.start)
            g_array_append_val (r->masks, mask);
        }
      if (!r->func (p, stop - p, ++r->number, row_start, (const TftsrLogMask *) r->masks->data,
                    r->masks->len, r->user_data, error))
        return FALSE;
      p = nl != NULL ? nl + 1 : end;
    }
  r->done += len;
  if (r->progress != NULL)
    r->progress (r->done, r->total, r->progress_data);
  return TRUE;
}

gboolean
tftsr_insight_each_row (sqlite3 *db, gint64 log_id, TftsrInsightRowFunc func, gpointer user_data,
                        TftsrProgressFunc progress, gpointer progress_data, guint64 total,
                        GCancellable *cancellable, GError **error)
{
  g_autoptr (sqlite3_stmt) spans = NULL;
  g_autoptr (GArray) current = g_array_new (FALSE, FALSE, sizeof (Span));
  g_autoptr (GArray) masks = g_array_new (FALSE, FALSE, sizeof (TftsrLogMask));
  Rows r = { 0 };

  if ((spans = tftsr_db_prepare (db,
                                 "SELECT start, \"end\" FROM pii_spans WHERE log_id = ?1 "
                                 "AND start >= ?2 AND start < ?3 ORDER BY start",
                                 error)) == NULL)
    return FALSE;
  sqlite3_bind_int64 (spans, 1, log_id);
  r.spans = spans;
  r.current = current;
  r.masks = masks;
  r.func = func;
  r.user_data = user_data;
  r.progress = progress;
  r.progress_data = progress_data;
  r.total = total;
  return tftsr_log_each_chunk (db, log_id, take_chunk, &r, cancellable, error);
}

/* --- mining ------------------------------------------------------------------------------ */

typedef struct
{
  TftsrLogMiner *miner;
  TftsrInsightTimeline *timeline;
  gint64 last_time;
} Mine;

static gboolean
mine_row (const char *row, gsize len, guint64 number, guint64 offset, const TftsrLogMask *masks,
          guint n_masks, gpointer user_data, GError **error)
{
  Mine *m = user_data;
  TftsrLogHeader header = { 0 };
  guint32 id = tftsr_log_miner_add (m->miner, row, len, offset, masks, n_masks, &header);

  if (header.time > 0)
    m->last_time = header.time;
  if (m->last_time > 0)
    tftsr_insight_timeline_add (m->timeline, id, m->last_time,
                                header.level >= TFTSR_LOG_LEVEL_ERROR);
  return TRUE;
}

/* Valid UTF-8 of at most @max bytes, cut at a character boundary. */
static char *
valid_cut (const char *text, gsize max)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  const char *cut;

  if (strlen (valid) <= max)
    return g_steal_pointer (&valid);
  cut = g_utf8_find_prev_char (valid, valid + max + 1);
  return g_strndup (valid, cut - valid);
}

/* The miner's templates as stored: valid UTF-8 (a binary log's bytes are shown as
 * replacement characters anyway), samples cut to a bounded size. */
static GPtrArray *
stored_templates (TftsrLogMiner *miner)
{
  g_autoptr (GPtrArray) templates = tftsr_log_miner_dup_templates (miner);

  for (guint i = 0; i < templates->len; i++)
    {
      TftsrLogTemplate *t = templates->pdata[i];
      char *text = g_utf8_make_valid (t->text, -1);

      g_free (t->text);
      t->text = text;
      for (guint j = 0; j < t->n_samples; j++)
        {
          char *sample = valid_cut (t->samples[j], TFTSR_INSIGHT_SAMPLE_MAX);

          g_free (t->samples[j]);
          t->samples[j] = sample;
        }
    }
  return g_steal_pointer (&templates);
}

static gint64
change_time (sqlite3 *db, gint64 log_id)
{
  g_autoptr (sqlite3_stmt) stmt =
      tftsr_db_prepare (db, "SELECT change_time FROM log_files WHERE id = ?1", NULL);

  if (stmt == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, log_id);
  return sqlite3_step (stmt) == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
}

TftsrLogInsight *
tftsr_insight_mine (sqlite3 *db, gint64 log_id, TftsrProgressFunc progress, gpointer progress_data,
                    GCancellable *cancellable, GError **error)
{
  g_autoptr (TftsrLogFile) log = NULL;
  g_autoptr (TftsrLogMiner) miner = tftsr_log_miner_new (0);
  g_autoptr (TftsrInsightTimeline) timeline = tftsr_insight_timeline_new ();
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (TftsrLogInsight) insight = NULL;
  TftsrInsightParts parts = { .log_id = log_id };
  Mine m = { miner, timeline, 0 };

  if ((log = tftsr_log_load (db, log_id, error)) == NULL)
    return NULL;
  /* Stored so that finding lines later reads year-less times in the same year. */
  parts.year = g_date_time_get_year (now);
  tftsr_log_miner_set_year (miner, parts.year);
  if (!tftsr_insight_each_row (db, log_id, mine_row, &m, progress, progress_data,
                               tftsr_log_file_get_size (log), cancellable, error) ||
      g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  parts.lines = tftsr_log_miner_get_lines (miner);
  parts.evicted_lines = tftsr_log_miner_get_evicted_lines (miner);
  parts.change_time = change_time (db, log_id);
  parts.templates = stored_templates (miner);
  tftsr_insight_timeline_finish (timeline, &parts);
  insight = tftsr_log_insight_new (&parts);
  if (!tftsr_insight_save (db, insight, error))
    return NULL;
  return g_steal_pointer (&insight);
}

/* --- every line's template ----------------------------------------------------------------- */

typedef struct
{
  TftsrLogMiner *miner;
  GArray *ids;
} PerLine;

static gboolean
mine_line (const char *row, gsize len, guint64 number, guint64 offset, const TftsrLogMask *masks,
           guint n_masks, gpointer user_data, GError **error)
{
  PerLine *p = user_data;
  guint32 id = tftsr_log_miner_add (p->miner, row, len, offset, masks, n_masks, NULL);

  g_array_append_val (p->ids, id);
  return TRUE;
}

TftsrLogMiner *
tftsr_store_mine_log_lines (TftsrStore *store, gint64 log_id, const TftsrLogFormat *format,
                            GArray **line_templates, GCancellable *cancellable, GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;
  g_autoptr (TftsrLogFile) log = NULL;
  g_autoptr (TftsrLogMiner) miner = tftsr_log_miner_new (0);
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (guint32));
  PerLine p = { miner, ids };

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);
  g_return_val_if_fail (line_templates != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if ((conn = tftsr_conn_acquire (store, error)) == NULL ||
      (log = tftsr_log_load (conn->db, log_id, error)) == NULL)
    return NULL;
  if (format != NULL)
    tftsr_log_miner_set_format (miner, format);
  if (!tftsr_insight_each_row (conn->db, log_id, mine_line, &p, NULL, NULL, 0, cancellable, error))
    return NULL;
  *line_templates = g_steal_pointer (&ids);
  return g_steal_pointer (&miner);
}
