/* tftsr-insight-changed.c: what a log did differently after a moment
 *
 * From the stored timeline only. A template whose lines all fall on one side of the
 * moment (its first and last time say so) is counted exactly; one with lines on both
 * sides is split by its series, a bucket across the moment shared in proportion. Rates are
 * lines per hour over the log's time before and after the moment.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>
#include <math.h>

#include "tftsr-insight-private.h"

/* Fewer lines than this are noise unless they are warnings or errors that are new. */
#define MIN_COUNT 3
/* A rate at least this many times the one before is a jump. */
#define RATE_JUMP 2.0
#define USEC_PER_HOUR (3600.0 * G_USEC_PER_SEC)

typedef struct
{
  TftsrLogChange change;
  TftsrLogLevel level;
  int tier;
  double factor;
} Ranked;

static void
split_series (TftsrLogInsight *self, const TftsrLogTemplate *t, gint64 after, guint64 *before_n,
              guint64 *after_n)
{
  const GArray *series = tftsr_log_insight_get_series (self, t->id);
  gint64 start, width;
  guint n_buckets;
  const guint32 *totals, *errors;
  double before = 0, total = 0;

  tftsr_log_insight_get_histogram (self, &start, &width, &n_buckets, &totals, &errors);
  for (guint i = 0; series != NULL && i < series->len; i++)
    {
      const TftsrSeriesPoint *p = &g_array_index (series, TftsrSeriesPoint, i);
      gint64 from = start + (gint64) p->bucket * width;

      total += p->count;
      if (from + width <= after)
        before += p->count;
      else if (from < after)
        before += p->count * (double) (after - from) / width;
    }
  *before_n = (guint64) llround (before);
  *after_n = (guint64) llround (total) - *before_n;
}

static int
by_rank (gconstpointer a, gconstpointer b)
{
  const Ranked *x = a, *y = b;

  if (x->tier != y->tier)
    return x->tier - y->tier;
  if (x->factor != y->factor)
    return x->factor > y->factor ? -1 : 1;
  if (x->level != y->level)
    return x->level > y->level ? -1 : 1;
  if (x->change.count_after + x->change.count_before !=
      y->change.count_after + y->change.count_before)
    return x->change.count_after + x->change.count_before >
                   y->change.count_after + y->change.count_before
               ? -1
               : 1;
  return x->change.template_id < y->change.template_id ? -1 : 1;
}

static char *
iso (gint64 time)
{
  g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (time / G_USEC_PER_SEC);
  return dt != NULL ? g_date_time_format_iso8601 (dt) : g_strdup ("?");
}

/* Whether @t changed, filling @r. */
static gboolean
classify (TftsrLogInsight *self, const TftsrLogTemplate *t, gint64 after, double hours_before,
          double hours_after, Ranked *r)
{
  TftsrLogChange *c = &r->change;

  if (t->last_time < after)
    c->count_before = t->count;
  else if (t->first_time >= after)
    c->count_after = t->count;
  else
    split_series (self, t, after, &c->count_before, &c->count_after);
  c->template_id = t->id;
  c->rate_before = c->count_before / hours_before;
  c->rate_after = c->count_after / hours_after;
  r->level = t->level;
  if (c->count_before == 0 && c->count_after > 0)
    {
      c->kind = TFTSR_LOG_CHANGE_NEW;
      r->tier = t->level >= TFTSR_LOG_LEVEL_ERROR ? 0 : 2;
      return t->level >= TFTSR_LOG_LEVEL_WARNING || c->count_after >= MIN_COUNT;
    }
  if (c->count_before > 0 && c->count_after == 0)
    {
      c->kind = TFTSR_LOG_CHANGE_GONE;
      r->tier = 3;
      return c->count_before >= MIN_COUNT;
    }
  if (c->count_before == 0)
    return FALSE;
  c->kind = TFTSR_LOG_CHANGE_RATE;
  r->tier = 1;
  r->factor = c->rate_after / c->rate_before;
  return r->factor >= RATE_JUMP && c->count_after >= MIN_COUNT;
}

GArray *
tftsr_log_insight_changed_after (TftsrLogInsight *self, gint64 after, GError **error)
{
  GPtrArray *templates;
  g_autoptr (GArray) ranked = g_array_new (FALSE, TRUE, sizeof (Ranked));
  GArray *changes;
  gint64 first = G_MAXINT64, last = 0;

  g_return_val_if_fail (TFTSR_IS_LOG_INSIGHT (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  templates = tftsr_log_insight_get_templates (self);
  for (guint i = 0; i < templates->len; i++)
    {
      const TftsrLogTemplate *t = templates->pdata[i];

      if (t->first_time > 0)
        {
          first = MIN (first, t->first_time);
          last = MAX (last, t->last_time);
        }
    }
  if (last == 0)
    {
      g_set_error_literal (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_INVALID,
                           _ ("The log has no times, so nothing can be compared before and "
                              "after a moment"));
      return NULL;
    }
  if (after <= first || after > last)
    {
      g_autofree char *when = iso (after);
      g_autofree char *from = iso (first);
      g_autofree char *to = iso (last);

      g_set_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_INVALID,
                   _ ("%s is not within the log's times (%s to %s): there is nothing to "
                      "compare on one side of it"),
                   when, from, to);
      return NULL;
    }
  for (guint i = 0; i < templates->len; i++)
    {
      const TftsrLogTemplate *t = templates->pdata[i];
      Ranked r = { 0 };

      /* At least a second on either side: a moment at the last line has a rate after it. */
      if (t->first_time > 0 &&
          classify (self, t, after, MAX (after - first, G_USEC_PER_SEC) / USEC_PER_HOUR,
                    MAX (last - after, G_USEC_PER_SEC) / USEC_PER_HOUR, &r))
        g_array_append_val (ranked, r);
    }
  g_array_sort (ranked, by_rank);
  changes = g_array_sized_new (FALSE, FALSE, sizeof (TftsrLogChange), ranked->len);
  for (guint i = 0; i < ranked->len; i++)
    g_array_append_val (changes, g_array_index (ranked, Ranked, i).change);
  return changes;
}
