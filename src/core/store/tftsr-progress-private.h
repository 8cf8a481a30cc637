/* tftsr-progress-private.h: progress of work in a worker thread, for the thread that
 * started it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tftsr-store.h"

/* Reports from a worker, delivered on the main context of the thread that started the
 * work, at most ~10 times a second. Reports in between are dropped, the last one
 * included: a caller learns that the work ended from its completion, which comes after
 * every report delivered. Logs, re-scans, marking and document export use it. */
typedef struct
{
  TftsrProgressFunc progress;
  gpointer progress_data;
  GMainContext *context;
  gint64 last_report;
} TftsrProgressRelay;

/* Call in the thread whose main context is to receive the reports. */
void tftsr_progress_relay_init (TftsrProgressRelay *relay, TftsrProgressFunc progress,
                                gpointer progress_data);
void tftsr_progress_relay_clear (TftsrProgressRelay *relay);
/* The TftsrProgressFunc for the worker (with @relay as its data), NULL without progress. */
TftsrProgressFunc tftsr_progress_relay_func (TftsrProgressRelay *relay);
