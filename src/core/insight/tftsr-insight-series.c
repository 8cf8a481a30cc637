/* tftsr-insight-series.c: lines per template over time, counted while a log is mined and
 * stored compactly
 *
 * Buckets are aligned to the epoch: a line at time t is in bucket t / width. The width
 * starts at a second and doubles whenever the lines seen span more than
 * TFTSR_INSIGHT_MAX_BUCKETS buckets; doubling halves every bucket number, so neighbours
 * merge in one pass over what was counted. A log's timeline is therefore at most that
 * many buckets whatever its span, and a template's series has a point only where it had
 * lines (most templates are bursts).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>
#include <string.h>

#include "tftsr-insight-private.h"

/* A point while counting: the bucket number from the epoch. */
typedef struct
{
  gint64 key;
  guint32 count;
} Point;

struct _TftsrInsightTimeline
{
  gint64 width;
  gboolean any;
  gint64 first_key; /* of totals[0] */
  GArray *totals;   /* guint32 */
  GArray *errors;
  GHashTable *series; /* template id -> GArray of Point, by key */
};

TftsrInsightTimeline *
tftsr_insight_timeline_new (void)
{
  TftsrInsightTimeline *self = g_new0 (TftsrInsightTimeline, 1);

  self->width = TFTSR_INSIGHT_MIN_WIDTH;
  self->totals = g_array_new (FALSE, TRUE, sizeof (guint32));
  self->errors = g_array_new (FALSE, TRUE, sizeof (guint32));
  self->series = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_array_unref);
  return self;
}

void
tftsr_insight_timeline_free (TftsrInsightTimeline *self)
{
  if (self == NULL)
    return;
  g_array_unref (self->totals);
  g_array_unref (self->errors);
  g_hash_table_unref (self->series);
  g_free (self);
}

/* Halves the bucket numbers of @points, merging the points that meet. */
static void
merge_points (GArray *points)
{
  guint out = 0;

  for (guint i = 0; i < points->len; i++)
    {
      Point p = g_array_index (points, Point, i);

      p.key /= 2;
      if (out > 0 && g_array_index (points, Point, out - 1).key == p.key)
        g_array_index (points, Point, out - 1).count += p.count;
      else
        g_array_index (points, Point, out++) = p;
    }
  g_array_set_size (points, out);
}

static void
merge_counts (GArray *counts, gint64 first_key)
{
  guint n = counts->len;
  gint64 new_first = first_key / 2;
  g_autoptr (GArray) merged = g_array_new (FALSE, TRUE, sizeof (guint32));

  g_array_set_size (merged, (first_key + n - 1) / 2 - new_first + 1);
  for (guint i = 0; i < n; i++)
    g_array_index (merged, guint32, (first_key + i) / 2 - new_first) +=
        g_array_index (counts, guint32, i);
  g_array_set_size (counts, merged->len);
  memcpy (counts->data, merged->data, merged->len * sizeof (guint32));
}

/* Doubles the width until @key (at the current width) fits with what was counted. */
static gint64
make_room (TftsrInsightTimeline *self, gint64 key)
{
  GHashTableIter iter;
  gpointer points;

  for (;;)
    {
      gint64 first = MIN (self->first_key, key);
      gint64 last = MAX (self->first_key + (gint64) self->totals->len - 1, key);

      if (last - first < TFTSR_INSIGHT_MAX_BUCKETS)
        return key;
      merge_counts (self->totals, self->first_key);
      merge_counts (self->errors, self->first_key);
      g_hash_table_iter_init (&iter, self->series);
      while (g_hash_table_iter_next (&iter, NULL, &points))
        merge_points (points);
      self->first_key /= 2;
      self->width *= 2;
      key /= 2;
    }
}

/* @n zero counts before the first. */
static void
grow_front (GArray *counts, guint n)
{
  guint len = counts->len;

  g_array_set_size (counts, len + n);
  memmove (counts->data + n * sizeof (guint32), counts->data, len * sizeof (guint32));
  memset (counts->data, 0, n * sizeof (guint32));
}

static void
count_in (GArray *counts, gint64 first_key, gint64 key)
{
  g_array_index (counts, guint32, key - first_key)++;
}

static void
add_point (GArray *points, gint64 key)
{
  guint lo = 0, hi = points->len;
  Point p = { key, 1 };

  /* Times mostly come in order: the last point is the usual one. */
  if (hi > 0 && g_array_index (points, Point, hi - 1).key <= key)
    lo = hi - 1;
  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;
      if (g_array_index (points, Point, mid).key < key)
        lo = mid + 1;
      else
        hi = mid;
    }
  if (lo < points->len && g_array_index (points, Point, lo).key == key)
    g_array_index (points, Point, lo).count++;
  else
    g_array_insert_val (points, lo, p);
}

void
tftsr_insight_timeline_add (TftsrInsightTimeline *self, guint32 id, gint64 time, gboolean error)
{
  gint64 key;
  GArray *points;

  g_assert (time > 0);
  key = time / self->width;
  if (!self->any)
    {
      self->any = TRUE;
      self->first_key = key;
      g_array_set_size (self->totals, 1);
      g_array_set_size (self->errors, 1);
    }
  key = make_room (self, key);
  if (key < self->first_key)
    {
      grow_front (self->totals, self->first_key - key);
      grow_front (self->errors, self->first_key - key);
      self->first_key = key;
    }
  if (key - self->first_key >= (gint64) self->totals->len)
    {
      g_array_set_size (self->totals, key - self->first_key + 1);
      g_array_set_size (self->errors, key - self->first_key + 1);
    }
  count_in (self->totals, self->first_key, key);
  if (error)
    count_in (self->errors, self->first_key, key);
  points = g_hash_table_lookup (self->series, GUINT_TO_POINTER (id));
  if (points == NULL)
    {
      points = g_array_new (FALSE, FALSE, sizeof (Point));
      g_hash_table_insert (self->series, GUINT_TO_POINTER (id), points);
    }
  add_point (points, key);
}

void
tftsr_insight_timeline_finish (TftsrInsightTimeline *self, TftsrInsightParts *parts)
{
  parts->series = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  for (guint i = 0; i < parts->templates->len; i++)
    {
      const TftsrLogTemplate *t = parts->templates->pdata[i];
      GArray *points = g_hash_table_lookup (self->series, GUINT_TO_POINTER (t->id));
      GArray *series = g_array_new (FALSE, FALSE, sizeof (TftsrSeriesPoint));

      for (guint j = 0; points != NULL && j < points->len; j++)
        {
          const Point *p = &g_array_index (points, Point, j);
          TftsrSeriesPoint sp = { (guint32) (p->key - self->first_key), p->count };
          g_array_append_val (series, sp);
        }
      g_ptr_array_add (parts->series, series);
    }
  if (!self->any)
    return;
  parts->hist_start = self->first_key * self->width;
  parts->bucket_width = self->width;
  parts->n_buckets = self->totals->len;
  parts->totals = g_memdup2 (self->totals->data, self->totals->len * sizeof (guint32));
  parts->errors = g_memdup2 (self->errors->data, self->errors->len * sizeof (guint32));
}

/* --- stored form ------------------------------------------------------------------------- */

static void
put_varint (GByteArray *out, guint32 value)
{
  do
    {
      guint8 byte = value & 0x7f;

      value >>= 7;
      if (value != 0)
        byte |= 0x80;
      g_byte_array_append (out, &byte, 1);
    }
  while (value != 0);
}

GBytes *
tftsr_insight_series_encode (const GArray *series)
{
  GByteArray *out = g_byte_array_new ();
  guint32 previous = 0;

  for (guint i = 0; i < series->len; i++)
    {
      const TftsrSeriesPoint *p = &g_array_index (series, TftsrSeriesPoint, i);

      put_varint (out, p->bucket - previous);
      put_varint (out, p->count);
      previous = p->bucket;
    }
  return g_byte_array_free_to_bytes (out);
}

static gboolean
get_varint (const guint8 **p, const guint8 *end, guint32 *value)
{
  guint64 v = 0;

  for (guint shift = 0; shift < 35; shift += 7)
    {
      if (*p >= end)
        return FALSE;
      v |= (guint64) (**p & 0x7f) << shift;
      if ((*(*p)++ & 0x80) == 0)
        {
          *value = (guint32) v;
          return v <= G_MAXUINT32;
        }
    }
  return FALSE;
}

GArray *
tftsr_insight_series_decode (const guint8 *data, gsize len, guint n_buckets, GError **error)
{
  g_autoptr (GArray) series = g_array_new (FALSE, FALSE, sizeof (TftsrSeriesPoint));
  const guint8 *p = data, *end = data + len;
  guint64 bucket = 0;

  while (p < end)
    {
      guint32 delta, count;

      /* Points after the first are in strictly later buckets. */
      if (!get_varint (&p, end, &delta) || !get_varint (&p, end, &count) || count == 0 ||
          (series->len > 0 && delta == 0) || (bucket += delta) >= n_buckets)
        {
          g_set_error_literal (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_CORRUPT,
                               _ ("A log's stored timeline is damaged; mine the log again"));
          return NULL;
        }
      g_array_append_val (series, ((TftsrSeriesPoint){ (guint32) bucket, count }));
    }
  return g_steal_pointer (&series);
}
