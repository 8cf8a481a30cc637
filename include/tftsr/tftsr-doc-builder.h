/* tftsr-doc-builder.h: the RCA and the blameless post-mortem of an incident, written as
 * GitHub-flavoured Markdown from its data
 *
 * Building is pure: the data is read first (tftsr_store_load_doc_source()), so the
 * documents can be built and checked without a database. Every text from the incident is
 * escaped (tftsr-md-escape.h); a section the data cannot fill holds an italic prompt for
 * the author ("_Describe the customer impact._"), never invented content.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tftsr-document.h"
#include "tftsr-issue.h"
#include "tftsr-store.h"
#include "tftsr-triage.h"

G_BEGIN_DECLS

/* A log as the documents list it. */
typedef struct
{
  char *name;
  guint64 size;     /* bytes read from the source */
  char *sha256;     /* of those bytes, hex */
  guint detections; /* personal data and secrets found */
  guint released;   /* distinct values of those the engineer released */
} TftsrDocLog;

void tftsr_doc_log_free (TftsrDocLog *log);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrDocLog, tftsr_doc_log_free)

/* Everything a document is built from. */
typedef struct
{
  TftsrIssue *issue;
  GPtrArray *timeline;      /* TftsrTimelineEvent, oldest first */
  TftsrTriageState *triage; /* the 5 Whys: level 0 and no whys when not started */
  GPtrArray *logs;          /* TftsrDocLog, in the order they were added */
  GPtrArray *analyses;      /* TftsrLogAnalysis, newest first */
} TftsrDocSource;

void tftsr_doc_source_free (TftsrDocSource *source);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrDocSource, tftsr_doc_source_free)

/* The data of incident @issue_id. */
TftsrDocSource *tftsr_store_load_doc_source (TftsrStore *store, gint64 issue_id, GError **error);

/* "Root Cause Analysis: <title>" or "Post-mortem: <title>". */
char *tftsr_doc_build_title (TftsrDocKind kind, TftsrIssue *issue);
/* The document of @kind as Markdown. */
char *tftsr_doc_build (TftsrDocKind kind, const TftsrDocSource *source);

/* Durations measured from the incident's creation, in seconds; -1 when the timeline
 * cannot tell.
 *  - to detect: until the investigation began (the first status change away from Open);
 *  - to root cause: until the root cause was identified (5 Whys);
 *  - to resolve: until the incident last became resolved or closed without being
 *    reopened since; unknown while it is open or investigating;
 *  - duration: until it was last closed, or else resolved (the same condition).
 * A moment before the creation is not believed (unknown). */
typedef struct
{
  gint64 to_detect;
  gint64 to_root_cause;
  gint64 to_resolve;
  gint64 duration;
} TftsrDocMetrics;

void tftsr_doc_compute_metrics (TftsrIssue *issue, GPtrArray *timeline, TftsrDocMetrics *out);
/* "45 s", "12 min", "3 h 5 min", "2 d 4 h"; "—" for a negative (unknown) duration. */
char *tftsr_doc_format_duration (gint64 seconds);

G_END_DECLS
