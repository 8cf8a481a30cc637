/* tftsr-histogram.h: a log's lines over time, errors in the error colour, with zoom, a
 * time range dragged out and a marked moment
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define TFTSR_TYPE_HISTOGRAM (tftsr_histogram_get_type ())
G_DECLARE_FINAL_TYPE (TftsrHistogram, tftsr_histogram, TFTSR, HISTOGRAM, GtkWidget)

/* Signals: ::range-selected (gint64 from, gint64 to) when a range was dragged out (or a
 * bucket chosen with Return), µs since the epoch, @to excluded; ::mark-requested (gint64
 * time) when "Mark Change Here" was chosen. Times are shown in UTC, as the miner reads a
 * zoneless log. */
GtkWidget *tftsr_histogram_new (void);
/* @n_buckets buckets of @bucket_width µs from @start; the counts are copied. */
void tftsr_histogram_set_buckets (TftsrHistogram *self, gint64 start, gint64 bucket_width,
                                  guint n_buckets, const guint32 *totals, const guint32 *errors);
/* The moment drawn as a line (property "mark"); 0: none. */
void tftsr_histogram_set_mark (TftsrHistogram *self, gint64 time);
gint64 tftsr_histogram_get_mark (TftsrHistogram *self);
/* How many times the buckets are magnified (property "zoom", from 1); @factor > 1 zooms
 * in around the keyboard cursor, or the middle. */
double tftsr_histogram_get_zoom (TftsrHistogram *self);
double tftsr_histogram_get_max_zoom (TftsrHistogram *self);
void tftsr_histogram_zoom (TftsrHistogram *self, double factor);
void tftsr_histogram_reset_zoom (TftsrHistogram *self);

G_END_DECLS
