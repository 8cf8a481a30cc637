/* tftsr-triage-attachment.h: a log, a range of a log's lines or a screenshot attached to
 * the engineer's message in the triage conversation
 *
 * A message keeps a reference, not a copy. Each time the conversation is sent, a log is
 * read again and goes into the message's text through egress (redacted with the
 * incident's pseudonyms; whole, or as a digest when it does not fit the provider's context
 * budget), and a screenshot goes as an image part of the message, which only a screenshot
 * whose PII warning was acknowledged may. When the log or the screenshot is deleted later,
 * the attachment stays in the message with the name it had, marked as gone, and nothing is
 * sent for it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum
{
  TFTSR_TRIAGE_ATTACHMENT_LOG,     /* a whole log */
  TFTSR_TRIAGE_ATTACHMENT_EXCERPT, /* lines first..last of a log */
  TFTSR_TRIAGE_ATTACHMENT_IMAGE,   /* a screenshot */
} TftsrTriageAttachmentKind;

/* "log", "excerpt", "image". */
const char *tftsr_triage_attachment_kind_to_string (TftsrTriageAttachmentKind kind);

typedef struct
{
  TftsrTriageAttachmentKind kind;
  gint64 target_id;   /* the log's or the screenshot's id; 0 once it was deleted */
  guint64 first_line; /* an excerpt's lines, 1-based as the log viewer numbers them, */
  guint64 last_line;  /* both included; 0 for the other kinds */
  char *name;         /* the log's or screenshot's name; stored with the message as it
                       * was then (the caller's is only for showing before it is sent) */
} TftsrTriageAttachment;

#define TFTSR_TYPE_TRIAGE_ATTACHMENT (tftsr_triage_attachment_get_type ())
GType tftsr_triage_attachment_get_type (void) G_GNUC_CONST;

/* @name may be NULL. */
TftsrTriageAttachment *tftsr_triage_attachment_new_log (gint64 log_id, const char *name);
TftsrTriageAttachment *tftsr_triage_attachment_new_excerpt (gint64 log_id, guint64 first_line,
                                                            guint64 last_line, const char *name);
TftsrTriageAttachment *tftsr_triage_attachment_new_image (gint64 image_id, const char *name);
TftsrTriageAttachment *tftsr_triage_attachment_copy (const TftsrTriageAttachment *attachment);
void tftsr_triage_attachment_free (TftsrTriageAttachment *attachment);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrTriageAttachment, tftsr_triage_attachment_free)

/* A log, or a range of its lines, written as "LOG_ID" or "LOG_ID:FIRST-LAST" (decimal,
 * lines 1-based and both included: "12:120-180"); TFTSR_STORE_ERROR_INVALID naming what is
 * wrong otherwise. Whether the log exists is checked when the message is sent. */
TftsrTriageAttachment *tftsr_triage_attachment_parse_log (const char *spec, GError **error);

/* The log or screenshot was deleted since it was attached: it is no longer sent. */
gboolean tftsr_triage_attachment_is_gone (const TftsrTriageAttachment *attachment);
/* How it is named on screen, valid UTF-8: "app.log", "app.log, lines 120–180",
 * "login.png". */
char *tftsr_triage_attachment_dup_label (const TftsrTriageAttachment *attachment);
/* The same two attachments (kind, target and lines; the name is not compared). */
gboolean tftsr_triage_attachment_equal (const TftsrTriageAttachment *a,
                                        const TftsrTriageAttachment *b);

/* A GPtrArray of TftsrTriageAttachment that frees them. */
GPtrArray *tftsr_triage_attachments_new (void);
/* A deep copy of @attachments (may be NULL: an empty array). */
GPtrArray *tftsr_triage_attachments_copy (GPtrArray *attachments);

G_END_DECLS
