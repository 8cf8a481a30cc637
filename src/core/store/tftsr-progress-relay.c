/* tftsr-progress-relay.c: progress from a worker, on the caller's main context
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "tftsr-progress-private.h"

typedef struct
{
  TftsrProgressFunc progress;
  gpointer progress_data;
  guint64 done;
  guint64 total;
} ProgressReport;

void
tftsr_progress_relay_init (TftsrProgressRelay *relay, TftsrProgressFunc progress,
                           gpointer progress_data)
{
  relay->progress = progress;
  relay->progress_data = progress_data;
  relay->context = g_main_context_ref_thread_default ();
  relay->last_report = 0;
}

void
tftsr_progress_relay_clear (TftsrProgressRelay *relay)
{
  g_clear_pointer (&relay->context, g_main_context_unref);
}

static gboolean
deliver_progress (gpointer user_data)
{
  ProgressReport *report = user_data;
  report->progress (report->done, report->total, report->progress_data);
  return G_SOURCE_REMOVE;
}

/* At most ten reports a second reach the caller's main context. */
static void
relay_progress (guint64 done, guint64 total, gpointer user_data)
{
  TftsrProgressRelay *relay = user_data;
  gint64 now = g_get_monotonic_time ();
  ProgressReport *report;
  GSource *source;

  if (now - relay->last_report < G_USEC_PER_SEC / 10)
    return;
  relay->last_report = now;
  report = g_new (ProgressReport, 1);
  *report = (ProgressReport){ relay->progress, relay->progress_data, done, total };
  /* Always through a source: g_main_context_invoke() would run the report right here, in
   * the worker, whenever no thread holds the context at that moment. */
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, deliver_progress, report, g_free);
  g_source_attach (source, relay->context);
  g_source_unref (source);
}

TftsrProgressFunc
tftsr_progress_relay_func (TftsrProgressRelay *relay)
{
  return relay->progress != NULL ? relay_progress : NULL;
}
