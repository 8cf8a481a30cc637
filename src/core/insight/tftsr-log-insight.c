/* tftsr-log-insight.c: a log's mined templates and timeline, and how they are stored
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>
#include <string.h>

#include "tftsr-insight-private.h"
#include "tftsr-json-private.h"
#include "tftsr-log-private.h"

struct _TftsrLogInsight
{
  GObject parent_instance;
  TftsrInsightParts parts;
};

G_DEFINE_FINAL_TYPE (TftsrLogInsight, tftsr_log_insight, G_TYPE_OBJECT)

static void
tftsr_log_insight_finalize (GObject *object)
{
  TftsrInsightParts *parts = &TFTSR_LOG_INSIGHT (object)->parts;

  g_clear_pointer (&parts->templates, g_ptr_array_unref);
  g_clear_pointer (&parts->series, g_ptr_array_unref);
  g_free (parts->totals);
  g_free (parts->errors);
  G_OBJECT_CLASS (tftsr_log_insight_parent_class)->finalize (object);
}

static void
tftsr_log_insight_class_init (TftsrLogInsightClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tftsr_log_insight_finalize;
}

static void
tftsr_log_insight_init (TftsrLogInsight *self)
{
}

TftsrLogInsight *
tftsr_log_insight_new (TftsrInsightParts *parts)
{
  TftsrLogInsight *self = g_object_new (TFTSR_TYPE_LOG_INSIGHT, NULL);

  g_assert (parts->templates != NULL && parts->series != NULL);
  g_assert (parts->templates->len == parts->series->len);
  self->parts = *parts;
  memset (parts, 0, sizeof *parts);
  return self;
}

gint64
tftsr_log_insight_get_log_id (TftsrLogInsight *self)
{
  g_return_val_if_fail (TFTSR_IS_LOG_INSIGHT (self), 0);
  return self->parts.log_id;
}

guint64
tftsr_log_insight_get_lines (TftsrLogInsight *self)
{
  g_return_val_if_fail (TFTSR_IS_LOG_INSIGHT (self), 0);
  return self->parts.lines;
}

guint64
tftsr_log_insight_get_evicted_lines (TftsrLogInsight *self)
{
  g_return_val_if_fail (TFTSR_IS_LOG_INSIGHT (self), 0);
  return self->parts.evicted_lines;
}

GPtrArray *
tftsr_log_insight_get_templates (TftsrLogInsight *self)
{
  g_return_val_if_fail (TFTSR_IS_LOG_INSIGHT (self), NULL);
  return self->parts.templates;
}

static gint
find_template (TftsrLogInsight *self, guint32 id)
{
  guint lo = 0, hi = self->parts.templates->len;

  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;
      guint32 mid_id = ((TftsrLogTemplate *) self->parts.templates->pdata[mid])->id;

      if (mid_id == id)
        return (gint) mid;
      if (mid_id < id)
        lo = mid + 1;
      else
        hi = mid;
    }
  return -1;
}

const TftsrLogTemplate *
tftsr_log_insight_get_template (TftsrLogInsight *self, guint32 id)
{
  gint i;

  g_return_val_if_fail (TFTSR_IS_LOG_INSIGHT (self), NULL);
  i = find_template (self, id);
  return i >= 0 ? self->parts.templates->pdata[i] : NULL;
}

const GArray *
tftsr_log_insight_get_series (TftsrLogInsight *self, guint32 id)
{
  gint i = find_template (self, id);
  return i >= 0 ? self->parts.series->pdata[i] : NULL;
}

gboolean
tftsr_log_insight_get_histogram (TftsrLogInsight *self, gint64 *start, gint64 *bucket_width,
                                 guint *n_buckets, const guint32 **totals, const guint32 **errors)
{
  g_return_val_if_fail (TFTSR_IS_LOG_INSIGHT (self), FALSE);
  *start = self->parts.hist_start;
  *bucket_width = self->parts.bucket_width;
  *n_buckets = self->parts.n_buckets;
  *totals = self->parts.totals;
  *errors = self->parts.errors;
  return self->parts.bucket_width > 0;
}

gint64
tftsr_log_insight_get_change_time (TftsrLogInsight *self)
{
  g_return_val_if_fail (TFTSR_IS_LOG_INSIGHT (self), 0);
  return self->parts.change_time;
}

gint64
tftsr_insight_fingerprint (const char *text)
{
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize len = sizeof digest;
  guint64 value = 0;

  g_checksum_update (sum, (const guchar *) text, strlen (text));
  g_checksum_get_digest (sum, digest, &len);
  for (guint i = 0; i < 8; i++)
    value = value << 8 | digest[i];
  return (gint64) value;
}

/* --- stored form ------------------------------------------------------------------------- */

static GBytes *
counts_blob (const guint32 *counts, guint n)
{
  guint32 *le = g_new (guint32, MAX (n, 1));

  for (guint i = 0; i < n; i++)
    le[i] = GUINT32_TO_LE (counts[i]);
  return g_bytes_new_take (le, n * sizeof (guint32));
}

/* @n counts from column @column, or NULL when it does not hold exactly that many. */
static guint32 *
counts_from_blob (sqlite3_stmt *stmt, int column, guint n)
{
  const guint8 *data = sqlite3_column_blob (stmt, column);
  guint32 *counts;

  if ((gsize) sqlite3_column_bytes (stmt, column) != n * sizeof (guint32))
    return NULL;
  counts = g_new (guint32, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      guint32 v;

      memcpy (&v, data + i * sizeof v, sizeof v);
      counts[i] = GUINT32_FROM_LE (v);
    }
  return counts;
}

static char *
samples_json (const TftsrLogTemplate *t)
{
  g_autoptr (json_object) array = json_object_new_array ();

  for (guint i = 0; i < t->n_samples; i++)
    json_object_array_add (array, json_object_new_string (t->samples[i]));
  return g_strdup (json_object_to_json_string_ext (array, JSON_C_TO_STRING_PLAIN));
}

static gboolean
read_samples (TftsrLogTemplate *t, const char *json)
{
  g_autoptr (json_object) array = json_tokener_parse (json);

  if (array == NULL || !json_object_is_type (array, json_type_array))
    return FALSE;
  for (gsize i = 0; i < json_object_array_length (array) && i < TFTSR_LOG_TEMPLATE_SAMPLES; i++)
    t->samples[t->n_samples++] =
        g_strdup (json_object_get_string (json_object_array_get_idx (array, i)));
  return TRUE;
}

static gboolean
save_template (sqlite3_stmt *insert, gint64 log_id, const TftsrLogTemplate *t, const GArray *series,
               GError **error)
{
  g_autofree char *samples = samples_json (t);
  g_autoptr (GBytes) blob = tftsr_insight_series_encode (series);
  gsize len = 0;
  const void *data = g_bytes_get_data (blob, &len);

  sqlite3_reset (insert);
  sqlite3_bind_int64 (insert, 1, log_id);
  sqlite3_bind_int64 (insert, 2, t->id);
  tftsr_db_bind_text (insert, 3, t->text);
  sqlite3_bind_int64 (insert, 4, tftsr_insight_fingerprint (t->text));
  sqlite3_bind_int64 (insert, 5, (gint64) t->count);
  sqlite3_bind_text (insert, 6, tftsr_log_level_to_string (t->level), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (insert, 7, (gint64) t->first_line);
  sqlite3_bind_int64 (insert, 8, (gint64) t->last_line);
  sqlite3_bind_int64 (insert, 9, (gint64) t->first_offset);
  sqlite3_bind_int64 (insert, 10, (gint64) t->last_offset);
  sqlite3_bind_int64 (insert, 11, t->first_time);
  sqlite3_bind_int64 (insert, 12, t->last_time);
  tftsr_db_bind_text (insert, 13, samples);
  sqlite3_bind_blob (insert, 14, len > 0 ? data : "", (int) len, SQLITE_TRANSIENT);
  return tftsr_db_step_done (insert, _ ("Could not store the log's templates"), error);
}

gboolean
tftsr_insight_save_in_transaction (sqlite3 *db, TftsrLogInsight *insight, GError **error)
{
  const TftsrInsightParts *p = &insight->parts;
  g_autoptr (sqlite3_stmt) check = NULL;
  g_autoptr (sqlite3_stmt) drop = NULL;
  g_autoptr (sqlite3_stmt) replace = NULL;
  g_autoptr (sqlite3_stmt) insert = NULL;
  g_autoptr (GBytes) totals = counts_blob (p->totals, p->n_buckets);
  g_autoptr (GBytes) errors = counts_blob (p->errors, p->n_buckets);

  if ((check = tftsr_db_prepare (db, "SELECT 1 FROM log_files WHERE id = ?1 AND state = 'ready'",
                                 error)) == NULL)
    return FALSE;
  sqlite3_bind_int64 (check, 1, p->log_id);
  /* The log was deleted while it was mined. */
  if (sqlite3_step (check) != SQLITE_ROW)
    return tftsr_log_not_found (p->log_id, error);
  /* The earlier result goes, its templates with it (ON DELETE CASCADE). */
  if ((drop = tftsr_db_prepare (db, "DELETE FROM log_insights WHERE log_id = ?1", error)) == NULL ||
      (replace = tftsr_db_prepare (
           db,
           "INSERT INTO log_insights (log_id, lines, evicted_lines, year, hist_start, "
           " bucket_width, n_buckets, totals, errors) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
           error)) == NULL ||
      (insert = tftsr_db_prepare (
           db,
           "INSERT INTO log_templates (log_id, id, text, fingerprint, count, level, first_line, "
           " last_line, first_offset, last_offset, first_time, last_time, samples, series) "
           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
           error)) == NULL)
    return FALSE;
  sqlite3_bind_int64 (drop, 1, p->log_id);
  if (!tftsr_db_step_done (drop, _ ("Could not store the log's templates"), error))
    return FALSE;
  sqlite3_bind_int64 (replace, 1, p->log_id);
  sqlite3_bind_int64 (replace, 2, (gint64) p->lines);
  sqlite3_bind_int64 (replace, 3, (gint64) p->evicted_lines);
  sqlite3_bind_int (replace, 4, p->year);
  sqlite3_bind_int64 (replace, 5, p->hist_start);
  sqlite3_bind_int64 (replace, 6, p->bucket_width);
  sqlite3_bind_int64 (replace, 7, p->n_buckets);
  sqlite3_bind_blob (replace, 8, p->n_buckets > 0 ? g_bytes_get_data (totals, NULL) : "",
                     (int) g_bytes_get_size (totals), SQLITE_STATIC);
  sqlite3_bind_blob (replace, 9, p->n_buckets > 0 ? g_bytes_get_data (errors, NULL) : "",
                     (int) g_bytes_get_size (errors), SQLITE_STATIC);
  if (!tftsr_db_step_done (replace, _ ("Could not store the log's templates"), error))
    return FALSE;
  for (guint i = 0; i < p->templates->len; i++)
    if (!save_template (insert, p->log_id, p->templates->pdata[i], p->series->pdata[i], error))
      return FALSE;
  return TRUE;
}

gboolean
tftsr_insight_save (sqlite3 *db, TftsrLogInsight *insight, GError **error)
{
  if (!tftsr_db_begin (db, error))
    return FALSE;
  if (!tftsr_insight_save_in_transaction (db, insight, error) || !tftsr_db_commit (db, error))
    {
      tftsr_db_rollback (db);
      return FALSE;
    }
  return TRUE;
}

static gboolean
damaged (GError **error, gint64 log_id)
{
  g_set_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_CORRUPT,
               _ ("The stored templates of log %" G_GINT64_FORMAT " are damaged; mine the log "
                  "again"),
               log_id);
  return FALSE;
}

static gboolean
load_templates (sqlite3 *db, TftsrInsightParts *p, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  if ((stmt = tftsr_db_prepare (db,
                                "SELECT id, text, count, level, first_line, last_line, "
                                " first_offset, last_offset, first_time, last_time, samples, "
                                " series FROM log_templates WHERE log_id = ?1 ORDER BY id",
                                error)) == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, p->log_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      TftsrLogTemplate *t = g_new0 (TftsrLogTemplate, 1);
      GArray *series;

      g_ptr_array_add (p->templates, t);
      t->id = (guint32) sqlite3_column_int64 (stmt, 0);
      t->text = g_strdup (tftsr_db_text (stmt, 1));
      t->count = sqlite3_column_int64 (stmt, 2);
      t->level = tftsr_log_level_from_string (tftsr_db_text (stmt, 3));
      t->first_line = sqlite3_column_int64 (stmt, 4);
      t->last_line = sqlite3_column_int64 (stmt, 5);
      t->first_offset = sqlite3_column_int64 (stmt, 6);
      t->last_offset = sqlite3_column_int64 (stmt, 7);
      t->first_time = sqlite3_column_int64 (stmt, 8);
      t->last_time = sqlite3_column_int64 (stmt, 9);
      if (!read_samples (t, tftsr_db_text (stmt, 10)) ||
          (series = tftsr_insight_series_decode (sqlite3_column_blob (stmt, 11),
                                                 sqlite3_column_bytes (stmt, 11), p->n_buckets,
                                                 NULL)) == NULL)
        return damaged (error, p->log_id);
      g_ptr_array_add (p->series, series);
    }
  if (rc != SQLITE_DONE)
    return tftsr_db_set_error (error, db, rc, _ ("Could not read the log's templates"));
  return TRUE;
}

static void
parts_clear (TftsrInsightParts *p)
{
  g_clear_pointer (&p->templates, g_ptr_array_unref);
  g_clear_pointer (&p->series, g_ptr_array_unref);
  g_clear_pointer (&p->totals, g_free);
  g_clear_pointer (&p->errors, g_free);
}

TftsrLogInsight *
tftsr_insight_load (sqlite3 *db, gint64 log_id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  TftsrInsightParts p = { .log_id = log_id };
  int rc;

  if ((stmt = tftsr_db_prepare (db,
                                "SELECT n.lines, n.evicted_lines, n.year, n.hist_start, "
                                " n.bucket_width, n.n_buckets, n.totals, n.errors, l.change_time "
                                "FROM log_insights n JOIN log_files l ON l.id = n.log_id "
                                "WHERE n.log_id = ?1",
                                error)) == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, log_id);
  if ((rc = sqlite3_step (stmt)) != SQLITE_ROW)
    {
      if (rc != SQLITE_DONE)
        tftsr_db_set_error (error, db, rc, _ ("Could not read the log's templates"));
      return NULL;
    }
  p.lines = sqlite3_column_int64 (stmt, 0);
  p.evicted_lines = sqlite3_column_int64 (stmt, 1);
  p.year = sqlite3_column_int (stmt, 2);
  p.hist_start = sqlite3_column_int64 (stmt, 3);
  p.bucket_width = sqlite3_column_int64 (stmt, 4);
  p.n_buckets = (guint) MIN (sqlite3_column_int64 (stmt, 5), TFTSR_INSIGHT_MAX_BUCKETS);
  p.change_time = sqlite3_column_int64 (stmt, 8);
  p.templates = g_ptr_array_new_with_free_func ((GDestroyNotify) tftsr_log_template_free);
  p.series = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  if (p.bucket_width > 0 && ((p.totals = counts_from_blob (stmt, 6, p.n_buckets)) == NULL ||
                             (p.errors = counts_from_blob (stmt, 7, p.n_buckets)) == NULL))
    {
      parts_clear (&p);
      damaged (error, log_id);
      return NULL;
    }
  if (!load_templates (db, &p, error))
    {
      parts_clear (&p);
      return NULL;
    }
  return tftsr_log_insight_new (&p);
}

/* --- the store's calls --------------------------------------------------------------------- */

TftsrLogInsight *
tftsr_store_get_log_insight (TftsrStore *store, gint64 log_id, GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  if ((conn = tftsr_conn_acquire (store, error)) == NULL)
    return NULL;
  return tftsr_insight_load (conn->db, log_id, error);
}

TftsrLogInsight *
tftsr_store_mine_log (TftsrStore *store, gint64 log_id, TftsrProgressFunc progress,
                      gpointer progress_data, GCancellable *cancellable, GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  if ((conn = tftsr_conn_acquire (store, error)) == NULL)
    return NULL;
  return tftsr_insight_mine (conn->db, log_id, progress, progress_data, cancellable, error);
}

TftsrLogInsight *
tftsr_store_ensure_log_insight (TftsrStore *store, gint64 log_id, TftsrProgressFunc progress,
                                gpointer progress_data, GCancellable *cancellable, GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;
  g_autoptr (GError) local = NULL;
  TftsrLogInsight *insight;

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  if ((conn = tftsr_conn_acquire (store, error)) == NULL)
    return NULL;
  if ((insight = tftsr_insight_load (conn->db, log_id, &local)) != NULL)
    return insight;
  /* A damaged insight is mined again rather than kept failing. */
  if (local != NULL && !g_error_matches (local, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_CORRUPT))
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  return tftsr_insight_mine (conn->db, log_id, progress, progress_data, cancellable, error);
}

gboolean
tftsr_store_set_log_change_time (TftsrStore *store, gint64 log_id, gint64 time, GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (TFTSR_IS_STORE (store), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  if (time < 0)
    {
      g_set_error_literal (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_INVALID,
                           _ ("A change moment must be after 1970"));
      return FALSE;
    }
  if ((conn = tftsr_conn_acquire (store, error)) == NULL ||
      (stmt = tftsr_db_prepare (conn->db,
                                "UPDATE log_files SET change_time = ?2 "
                                "WHERE id = ?1 AND state = 'ready'",
                                error)) == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, log_id);
  sqlite3_bind_int64 (stmt, 2, time);
  if (!tftsr_db_step_done (stmt, _ ("Could not mark the moment of the change"), error))
    return FALSE;
  if (sqlite3_changes (conn->db) == 0)
    return tftsr_log_not_found (log_id, error);
  return TRUE;
}
