/* tftsr-attachment.h: the logs and images of every incident in one list, for finding an
 * attachment without knowing its incident
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tftsr-store.h"

G_BEGIN_DECLS

typedef enum
{
  TFTSR_ATTACHMENT_LOG,
  TFTSR_ATTACHMENT_IMAGE,
} TftsrAttachmentKind;

#define TFTSR_TYPE_ATTACHMENT (tftsr_attachment_get_type ())
G_DECLARE_FINAL_TYPE (TftsrAttachment, tftsr_attachment, TFTSR, ATTACHMENT, GObject)

TftsrAttachmentKind tftsr_attachment_get_kind (TftsrAttachment *self);
/* The log's or the image's id. */
gint64 tftsr_attachment_get_id (TftsrAttachment *self);
gint64 tftsr_attachment_get_issue_id (TftsrAttachment *self);
const char *tftsr_attachment_get_issue_title (TftsrAttachment *self);
const char *tftsr_attachment_get_name (TftsrAttachment *self);
/* Bytes stored (text of a log, bytes of an image). */
guint64 tftsr_attachment_get_size (TftsrAttachment *self);
const char *tftsr_attachment_get_created_at (TftsrAttachment *self);
/* Logs: detections, and how many of their distinct values were released (by value or by
 * type). Images: 0 and 0. */
guint tftsr_attachment_get_detections (TftsrAttachment *self);
guint tftsr_attachment_get_released (TftsrAttachment *self);
/* Images: whether the PII warning was acknowledged (it may leave). Logs: FALSE. */
gboolean tftsr_attachment_get_acknowledged (TftsrAttachment *self);

/* At most this many, newest first. */
#define TFTSR_ATTACHMENTS_LIMIT 1000

/* Attachments of live incidents whose name contains @name_filter (case-insensitive for
 * ASCII; NULL or "" for all), newest first. */
GPtrArray *tftsr_store_list_attachments (TftsrStore *store, const char *name_filter,
                                         GError **error);
void tftsr_store_list_attachments_async (TftsrStore *store, const char *name_filter,
                                         GCancellable *cancellable, GAsyncReadyCallback callback,
                                         gpointer user_data);
GPtrArray *tftsr_store_list_attachments_finish (TftsrStore *store, GAsyncResult *result,
                                                GError **error);

G_END_DECLS
