/* tftsr-timeline-event.h: one entry of an incident's timeline
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum
{
  TFTSR_TIMELINE_CREATED,
  TFTSR_TIMELINE_STATUS_CHANGED,
  TFTSR_TIMELINE_SEVERITY_CHANGED,
  TFTSR_TIMELINE_CATEGORY_CHANGED,
  TFTSR_TIMELINE_DELETED,
  TFTSR_TIMELINE_RESTORED,
  TFTSR_TIMELINE_NOTE,
  TFTSR_TIMELINE_LOG_ADDED,    /* the note is the log's name */
  TFTSR_TIMELINE_IMAGE_ADDED,  /* the note is the image's name */
  TFTSR_TIMELINE_WHY_ANSWERED, /* 5 Whys: new_value is the why (1-5), the note its answer */
  TFTSR_TIMELINE_ROOT_CAUSE,   /* 5 Whys: the note is the root cause */
  /* A document was generated: new_value is its kind ("rca", "postmortem"). */
  TFTSR_TIMELINE_DOCUMENT_GENERATED,
  /* A document was exported: new_value is its kind, old_value the format ("md", "html"),
   * the note the file written. */
  TFTSR_TIMELINE_DOCUMENT_EXPORTED,
  /* Something was created or updated in a connected service: new_value is the connector
   * kind ("jira"), old_value the object ("ticket", "page", "alert", "execution"), the note
   * "KEY URL" (the key people use, then the link). */
  TFTSR_TIMELINE_EXTERNAL_LINKED,
} TftsrTimelineKind;

#define TFTSR_TYPE_TIMELINE_KIND (tftsr_timeline_kind_get_type ())
GType tftsr_timeline_kind_get_type (void);
const char *tftsr_timeline_kind_to_string (TftsrTimelineKind kind);
gboolean tftsr_timeline_kind_from_string (const char *name, TftsrTimelineKind *out);

#define TFTSR_TYPE_TIMELINE_EVENT (tftsr_timeline_event_get_type ())
G_DECLARE_FINAL_TYPE (TftsrTimelineEvent, tftsr_timeline_event, TFTSR, TIMELINE_EVENT, GObject)

TftsrTimelineEvent *tftsr_timeline_event_new (gint64 id, gint64 issue_id, TftsrTimelineKind kind,
                                              const char *old_value, const char *new_value,
                                              const char *note, const char *created_at);
gint64 tftsr_timeline_event_get_id (TftsrTimelineEvent *self);
gint64 tftsr_timeline_event_get_issue_id (TftsrTimelineEvent *self);
TftsrTimelineKind tftsr_timeline_event_get_kind (TftsrTimelineEvent *self);
const char *tftsr_timeline_event_get_old_value (TftsrTimelineEvent *self);
const char *tftsr_timeline_event_get_new_value (TftsrTimelineEvent *self);
const char *tftsr_timeline_event_get_note (TftsrTimelineEvent *self);
const char *tftsr_timeline_event_get_created_at (TftsrTimelineEvent *self);
/* A translated sentence for people: "Status changed from Open to Investigating". */
char *tftsr_timeline_event_describe (TftsrTimelineEvent *self);

G_END_DECLS
