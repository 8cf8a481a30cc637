/* tftsr-insight-mine.c: a log streamed through the template miner, chunk by chunk
 *
 * A log is fed as it is stored: chunk by chunk in order, each with the PII spans that
 * start in it. The ingest feeds its chunks as it writes them; a stored log (re-mined after
 * a re-scan, or stored before insights existed) is fed from its stored chunks and spans.
 * Each chunk is cut into rows exactly as the log viewer cuts them (tftsr-log-lines.c: a
 * chunk's unfinished last line, only ever a line over a chunk, is a row of its own and
 * continues on the next number), so a template's line numbers are the viewer's. The
 * spans go to the miner as masks: a detected value never becomes part of a template,
 * whatever its shape. Memory is the miner's (bounded by its template cap) plus one chunk.
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
  GArray *current; /* TftsrInsightSpan overlapping the chunk, by start */
  GArray *masks;   /* TftsrLogMask of the row */
  guint64 number;
  TftsrInsightRowFunc func;
  gpointer user_data;
} Rows;

static void
rows_init (Rows *r, TftsrInsightRowFunc func, gpointer user_data)
{
  r->current = g_array_new (FALSE, FALSE, sizeof (TftsrInsightSpan));
  r->masks = g_array_new (FALSE, FALSE, sizeof (TftsrLogMask));
  r->number = 0;
  r->func = func;
  r->user_data = user_data;
}

static void
rows_clear (Rows *r)
{
  g_clear_pointer (&r->current, g_array_unref);
  g_clear_pointer (&r->masks, g_array_unref);
}

/* Cuts the next chunk into rows. The spans overlapping it are those of the previous chunk
 * that reach into it (only a span across a cut line does) and @spans. */
static gboolean
rows_feed (Rows *r, const guint8 *data, gsize len, guint64 offset, const TftsrInsightSpan *spans,
           guint n_spans, GError **error)
{
  const char *text = (const char *) data, *p = text, *end = text + len;
  guint next_span = 0, kept = 0;

  for (guint i = 0; i < r->current->len; i++)
    if (g_array_index (r->current, TftsrInsightSpan, i).end > offset)
      g_array_index (r->current, TftsrInsightSpan, kept++) =
          g_array_index (r->current, TftsrInsightSpan, i);
  g_array_set_size (r->current, kept);
  g_array_append_vals (r->current, spans, n_spans);
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
             g_array_index (r->current, TftsrInsightSpan, next_span).end <= row_start)
        next_span++;
      for (guint i = next_span; i < r->current->len; i++)
        {
          const TftsrInsightSpan *s = &g_array_index (r->current, TftsrInsightSpan, i);
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
  return TRUE;
}

/* --- a stored log's chunks with their spans ------------------------------------------------ */

typedef gboolean (*ChunkFunc) (const guint8 *text, gsize len, guint64 offset,
                               const TftsrInsightSpan *spans, guint n_spans, gpointer user_data,
                               GError **error);

typedef struct
{
  sqlite3_stmt *spans; /* of a byte range of the log */
  GArray *loaded;      /* TftsrInsightSpan starting in the chunk */
  ChunkFunc func;
  gpointer user_data;
  TftsrProgressFunc progress;
  gpointer progress_data;
  guint64 done;
  guint64 total;
} Stored;

static gboolean
take_stored_chunk (const guint8 *text, gsize len, guint64 offset, gpointer user_data,
                   GError **error)
{
  Stored *s = user_data;
  int rc;

  g_array_set_size (s->loaded, 0);
  sqlite3_reset (s->spans);
  sqlite3_bind_int64 (s->spans, 2, (gint64) offset);
  sqlite3_bind_int64 (s->spans, 3, (gint64) (offset + len));
  while ((rc = sqlite3_step (s->spans)) == SQLITE_ROW)
    {
      TftsrInsightSpan span = { sqlite3_column_int64 (s->spans, 0),
                                sqlite3_column_int64 (s->spans, 1) };
      g_array_append_val (s->loaded, span);
    }
  if (rc != SQLITE_DONE)
    return tftsr_db_set_error (error, sqlite3_db_handle (s->spans), rc,
                               _ ("Could not read the log's detections"));
  if (!s->func (text, len, offset, (const TftsrInsightSpan *) s->loaded->data, s->loaded->len,
                s->user_data, error))
    return FALSE;
  s->done += len;
  if (s->progress != NULL)
    s->progress (s->done, s->total, s->progress_data);
  return TRUE;
}

/* Calls @func with every stored chunk of @log_id and the spans that start in it, as the
 * ingest had them; @progress gets bytes read and @total. */
static gboolean
each_stored_chunk (sqlite3 *db, gint64 log_id, ChunkFunc func, gpointer user_data,
                   TftsrProgressFunc progress, gpointer progress_data, guint64 total,
                   GCancellable *cancellable, GError **error)
{
  g_autoptr (sqlite3_stmt) spans = NULL;
  g_autoptr (GArray) loaded = g_array_new (FALSE, FALSE, sizeof (TftsrInsightSpan));
  Stored s = { NULL, loaded, func, user_data, progress, progress_data, 0, total };

  if ((spans = tftsr_db_prepare (db,
                                 "SELECT start, \"end\" FROM pii_spans WHERE log_id = ?1 "
                                 "AND start >= ?2 AND start < ?3 ORDER BY start",
                                 error)) == NULL)
    return FALSE;
  sqlite3_bind_int64 (spans, 1, log_id);
  s.spans = spans;
  return tftsr_log_each_chunk (db, log_id, take_stored_chunk, &s, cancellable, error);
}

static gboolean
feed_rows (const guint8 *text, gsize len, guint64 offset, const TftsrInsightSpan *spans,
           guint n_spans, gpointer user_data, GError **error)
{
  return rows_feed (user_data, text, len, offset, spans, n_spans, error);
}

gboolean
tftsr_insight_each_row (sqlite3 *db, gint64 log_id, TftsrInsightRowFunc func, gpointer user_data,
                        TftsrProgressFunc progress, gpointer progress_data, guint64 total,
                        GCancellable *cancellable, GError **error)
{
  Rows r;
  gboolean ok;

  rows_init (&r, func, user_data);
  ok = each_stored_chunk (db, log_id, feed_rows, &r, progress, progress_data, total, cancellable,
                          error);
  rows_clear (&r);
  return ok;
}

/* Runs of a mining that a change of the log's spans made stale, before giving up. */
#define STALE_ATTEMPTS 3

/* --- mining ------------------------------------------------------------------------------ */

struct _TftsrInsightMining
{
  TftsrLogMiner *miner;
  TftsrInsightTimeline *timeline;
  gint64 last_time;
  gint64 reference;
  Rows rows;
};

static gboolean
mine_row (const char *row, gsize len, guint64 number, guint64 offset, const TftsrLogMask *masks,
          guint n_masks, gpointer user_data, GError **error)
{
  TftsrInsightMining *m = user_data;
  TftsrLogHeader header = { 0 };
  guint32 id = tftsr_log_miner_add (m->miner, row, len, offset, masks, n_masks, &header);

  if (header.time > 0)
    m->last_time = header.time;
  if (m->last_time > 0)
    tftsr_insight_timeline_add (m->timeline, id, m->last_time,
                                header.level >= TFTSR_LOG_LEVEL_ERROR);
  return TRUE;
}

gint64
tftsr_insight_reference (sqlite3 *db, gint64 log_id)
{
  g_autoptr (sqlite3_stmt) stmt =
      tftsr_db_prepare (db, "SELECT created_at FROM log_files WHERE id = ?1", NULL);
  g_autoptr (GDateTime) added = NULL;

  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, log_id);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        added = g_date_time_new_from_iso8601 (tftsr_db_text (stmt, 0), NULL);
    }
  if (added == NULL)
    return g_get_real_time ();
  return g_date_time_to_unix (added) * G_USEC_PER_SEC + g_date_time_get_microsecond (added);
}

TftsrInsightMining *
tftsr_insight_mining_new (gint64 reference)
{
  TftsrInsightMining *m = g_new0 (TftsrInsightMining, 1);

  m->miner = tftsr_log_miner_new (0);
  m->timeline = tftsr_insight_timeline_new ();
  m->reference = reference;
  tftsr_log_miner_set_reference (m->miner, reference);
  rows_init (&m->rows, mine_row, m);
  return m;
}

void
tftsr_insight_mining_free (TftsrInsightMining *self)
{
  if (self == NULL)
    return;
  rows_clear (&self->rows);
  tftsr_log_miner_free (self->miner);
  tftsr_insight_timeline_free (self->timeline);
  g_free (self);
}

void
tftsr_insight_mining_feed (TftsrInsightMining *self, const guint8 *text, gsize len, guint64 offset,
                           const TftsrInsightSpan *spans, guint n_spans)
{
  gboolean ok = rows_feed (&self->rows, text, len, offset, spans, n_spans, NULL);

  g_assert (ok); /* mine_row never fails */
}

static gboolean
mine_chunk (const guint8 *text, gsize len, guint64 offset, const TftsrInsightSpan *spans,
            guint n_spans, gpointer user_data, GError **error)
{
  tftsr_insight_mining_feed (user_data, text, len, offset, spans, n_spans);
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

/* Templates merge as mining goes on: an id handed out earlier leads to the one it joined. */
static guint32
resolve_id (guint32 id, gpointer miner)
{
  const TftsrLogTemplate *t = tftsr_log_miner_get_template (miner, id);
  return t != NULL ? t->id : 0;
}

static gint64
stored_change_time (sqlite3 *db, gint64 log_id)
{
  g_autoptr (sqlite3_stmt) stmt =
      tftsr_db_prepare (db, "SELECT change_time FROM log_files WHERE id = ?1", NULL);

  if (stmt == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, log_id);
  return sqlite3_step (stmt) == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
}

TftsrLogInsight *
tftsr_insight_mining_finish (TftsrInsightMining *self, gint64 log_id, gint64 change_time)
{
  g_autoptr (GDateTime) added = g_date_time_new_from_unix_utc (self->reference / G_USEC_PER_SEC);
  TftsrInsightParts parts = { .log_id = log_id,
                              .year = g_date_time_get_year (added),
                              .change_time = change_time };

  parts.lines = tftsr_log_miner_get_lines (self->miner);
  parts.evicted_lines = tftsr_log_miner_get_evicted_lines (self->miner);
  parts.templates = stored_templates (self->miner);
  tftsr_insight_timeline_finish (self->timeline, resolve_id, self->miner, &parts);
  return tftsr_log_insight_new (&parts);
}

/* One run, read from one snapshot and saved in the same transaction: a re-scan or a value
 * marked by hand that commits meanwhile makes the save fail (SQLITE_BUSY_SNAPSHOT, a busy
 * error) rather than store templates masked with the spans it replaced. */
static TftsrLogInsight *
mine_snapshot (sqlite3 *db, gint64 log_id, TftsrProgressFunc progress, gpointer progress_data,
               GCancellable *cancellable, GError **error)
{
  g_autoptr (TftsrLogFile) log = NULL;
  g_autoptr (TftsrInsightMining) mining = NULL;
  g_autoptr (TftsrLogInsight) insight = NULL;

  if (!tftsr_db_exec (db, "BEGIN", _ ("Could not read the log"), error))
    return NULL;
  if ((log = tftsr_log_load (db, log_id, error)) == NULL)
    goto fail;
  mining = tftsr_insight_mining_new (tftsr_insight_reference (db, log_id));
  if (!each_stored_chunk (db, log_id, mine_chunk, mining, progress, progress_data,
                          tftsr_log_file_get_size (log), cancellable, error) ||
      g_cancellable_set_error_if_cancelled (cancellable, error))
    goto fail;
  insight = tftsr_insight_mining_finish (mining, log_id, stored_change_time (db, log_id));
  if (tftsr_insight_save_in_transaction (db, insight, error) && tftsr_db_commit (db, error))
    return g_steal_pointer (&insight);

fail:
  tftsr_db_rollback (db);
  return NULL;
}

TftsrLogInsight *
tftsr_insight_mine (sqlite3 *db, gint64 log_id, TftsrProgressFunc progress, gpointer progress_data,
                    GCancellable *cancellable, GError **error)
{
  for (guint attempt = 1;; attempt++)
    {
      g_autoptr (GError) local = NULL;
      TftsrLogInsight *insight =
          mine_snapshot (db, log_id, progress, progress_data, cancellable, &local);

      if (insight != NULL)
        return insight;
      if (!g_error_matches (local, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_BUSY) ||
          attempt == STALE_ATTEMPTS)
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return NULL;
        }
    }
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
  /* Each line's final template: ids of merged templates lead to the one they joined. */
  for (guint i = 0; i < ids->len; i++)
    {
      guint32 *id = &g_array_index (ids, guint32, i);
      const TftsrLogTemplate *t = tftsr_log_miner_get_template (miner, *id);

      if (t != NULL)
        *id = t->id;
    }
  *line_templates = g_steal_pointer (&ids);
  return g_steal_pointer (&miner);
}
