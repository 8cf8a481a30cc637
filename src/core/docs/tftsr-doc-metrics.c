/* tftsr-doc-metrics.c: how long detection, root cause and resolution took, from the
 * timeline; durations and times as the documents show them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>

#include "tftsr-doc-private.h"
#include "tftsr-timeline-event.h"

#define UNKNOWN -1

static GDateTime *
parse_time (const char *iso8601)
{
  return iso8601 != NULL ? g_date_time_new_from_iso8601 (iso8601, NULL) : NULL;
}

/* Seconds from @start to @iso8601; UNKNOWN when either is missing or unreadable, or the
 * moment lies before the start. */
static gint64
seconds_since (GDateTime *start, const char *iso8601)
{
  g_autoptr (GDateTime) moment = parse_time (iso8601);
  GTimeSpan span;

  if (start == NULL || moment == NULL)
    return UNKNOWN;
  span = g_date_time_difference (moment, start);
  return span >= 0 ? span / G_TIME_SPAN_SECOND : UNKNOWN;
}

static gboolean
is_done (const char *status)
{
  return g_strcmp0 (status, "resolved") == 0 || g_strcmp0 (status, "closed") == 0;
}

/* Where a walk through the status changes has got to. */
typedef struct
{
  const char *detected;
  const char *root_cause;
  const char *resolved; /* since the last reopening */
  const char *closed;   /* while it is still closed */
} Moments;

static void
status_changed (Moments *m, TftsrTimelineEvent *event)
{
  const char *from = tftsr_timeline_event_get_old_value (event);
  const char *to = tftsr_timeline_event_get_new_value (event);
  const char *at = tftsr_timeline_event_get_created_at (event);

  if (m->detected == NULL && g_strcmp0 (from, "open") == 0)
    m->detected = at;
  /* Reopened: the earlier resolution did not hold. */
  if (!is_done (to))
    m->resolved = NULL;
  else if (!is_done (from))
    m->resolved = at;
  m->closed = g_strcmp0 (to, "closed") == 0 ? at : NULL;
}

void
tftsr_doc_compute_metrics (TftsrIssue *issue, GPtrArray *timeline, TftsrDocMetrics *out)
{
  g_autoptr (GDateTime) start = NULL;
  Moments m = { NULL, NULL, NULL, NULL };

  g_return_if_fail (TFTSR_IS_ISSUE (issue));
  g_return_if_fail (timeline != NULL && out != NULL);

  start = parse_time (tftsr_issue_get_created_at (issue));
  for (guint i = 0; i < timeline->len; i++)
    {
      TftsrTimelineEvent *event = timeline->pdata[i];

      if (tftsr_timeline_event_get_kind (event) == TFTSR_TIMELINE_STATUS_CHANGED)
        status_changed (&m, event);
      else if (tftsr_timeline_event_get_kind (event) == TFTSR_TIMELINE_ROOT_CAUSE &&
               m.root_cause == NULL)
        m.root_cause = tftsr_timeline_event_get_created_at (event);
    }
  out->to_detect = seconds_since (start, m.detected);
  out->to_root_cause = seconds_since (start, m.root_cause);
  out->to_resolve = seconds_since (start, m.resolved);
  out->duration = seconds_since (start, m.closed != NULL ? m.closed : m.resolved);
}

char *
tftsr_doc_format_duration (gint64 seconds)
{
  int minutes = (int) MIN (seconds / 60, G_MAXINT), hours = minutes / 60, days = hours / 24;

  if (seconds < 0)
    return g_strdup ("—");
  /* Translators: durations: seconds; minutes; hours; hours and minutes; days; days and
   * hours */
  if (minutes == 0)
    return g_strdup_printf (_ ("%d s"), (int) seconds);
  if (hours == 0)
    return g_strdup_printf (_ ("%d min"), minutes);
  if (days == 0)
    return minutes % 60 == 0 ? g_strdup_printf (_ ("%d h"), hours)
                             : g_strdup_printf (_ ("%d h %d min"), hours, minutes % 60);
  return hours % 24 == 0 ? g_strdup_printf (_ ("%d d"), days)
                         : g_strdup_printf (_ ("%d d %d h"), days, hours % 24);
}

char *
tftsr_doc_format_time (const char *iso8601, gboolean zone)
{
  g_autoptr (GDateTime) moment = parse_time (iso8601);
  g_autoptr (GDateTime) utc = NULL;

  if (iso8601 == NULL)
    return g_strdup ("—");
  if (moment == NULL)
    return g_strdup (iso8601);
  utc = g_date_time_to_utc (moment);
  return g_date_time_format (utc, zone ? "%Y-%m-%d %H:%M UTC" : "%Y-%m-%d %H:%M");
}
