/* tftsr-image.h: images (screenshots) attached to incidents
 *
 * The bytes are stored as they came, with their SHA-256 and the type sniffed from them
 * (PNG, JPEG, GIF or WebP; anything else is refused). An image cannot be redacted, so it
 * leaves the machine (tftsr_egress_export_image()) only after the user acknowledged that it
 * may show personal data or secrets; the acknowledgement is recorded.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tftsr-store.h"

G_BEGIN_DECLS

#define TFTSR_IMAGE_ERROR (tftsr_image_error_quark ())
GQuark tftsr_image_error_quark (void);

typedef enum
{
  TFTSR_IMAGE_ERROR_UNSUPPORTED, /* not PNG, JPEG, GIF or WebP */
  TFTSR_IMAGE_ERROR_TOO_LARGE,   /* over tftsr_store_get_image_max_size() */
  TFTSR_IMAGE_ERROR_NOT_FOUND,
  TFTSR_IMAGE_ERROR_NOT_ACKNOWLEDGED, /* may not leave before the PII warning is acknowledged */
  TFTSR_IMAGE_ERROR_READ,             /* the file could not be read */
} TftsrImageError;

/* The size cap when none is set, and the range a set one must be in (bytes). */
#define TFTSR_IMAGE_DEFAULT_MAX_SIZE (20 * 1000 * 1000)
#define TFTSR_IMAGE_MAX_SIZE_LOWEST (1000 * 1000)
#define TFTSR_IMAGE_MAX_SIZE_HIGHEST (1000 * 1000 * 1000)

/* "image/png", "image/jpeg", "image/gif" or "image/webp" from the magic bytes at the start
 * of @data, or NULL. @width and @height (either may be NULL) get the pixel size when the
 * header holds it (PNG IHDR, GIF screen, JPEG SOFn, WebP VP8/VP8L/VP8X), else 0. Any bytes
 * are safe to pass. */
const char *tftsr_image_sniff (const guint8 *data, gsize length, guint *width, guint *height);

#define TFTSR_TYPE_IMAGE (tftsr_image_get_type ())
G_DECLARE_FINAL_TYPE (TftsrImage, tftsr_image, TFTSR, IMAGE, GObject)

gint64 tftsr_image_get_id (TftsrImage *self);
gint64 tftsr_image_get_issue_id (TftsrImage *self);
/* The file's base name, or what the caller named it ("Pasted image"). */
const char *tftsr_image_get_name (TftsrImage *self);
const char *tftsr_image_get_mime (TftsrImage *self);
guint64 tftsr_image_get_size (TftsrImage *self);
/* SHA-256 of the bytes, hex. */
const char *tftsr_image_get_sha256 (TftsrImage *self);
/* Pixels; 0 when the header did not say. */
guint tftsr_image_get_width (TftsrImage *self);
guint tftsr_image_get_height (TftsrImage *self);
const char *tftsr_image_get_created_at (TftsrImage *self);
/* When the user acknowledged the PII warning for this image, or NULL if not yet. */
const char *tftsr_image_get_pii_acknowledged_at (TftsrImage *self);
/* TRUE if acknowledged; otherwise FALSE with TFTSR_IMAGE_ERROR_NOT_ACKNOWLEDGED and the
 * message to show (what egress refuses with). */
gboolean tftsr_image_check_acknowledged (TftsrImage *self, GError **error);

/* The size cap for new images: the "images.max_size" setting, or the default when it is
 * unset (or unreadable). Setting 0 returns to the default; other values must lie between
 * TFTSR_IMAGE_MAX_SIZE_LOWEST and _HIGHEST (TFTSR_STORE_ERROR_INVALID otherwise). */
guint64 tftsr_store_get_image_max_size (TftsrStore *store);
gboolean tftsr_store_set_image_max_size (TftsrStore *store, guint64 max_size, GError **error);
/* The same in a worker; setting finishes with tftsr_store_change_finish(). */
void tftsr_store_get_image_max_size_async (TftsrStore *store, GCancellable *cancellable,
                                           GAsyncReadyCallback callback, gpointer user_data);
guint64 tftsr_store_get_image_max_size_finish (TftsrStore *store, GAsyncResult *result,
                                               GError **error);
void tftsr_store_set_image_max_size_async (TftsrStore *store, guint64 max_size,
                                           GCancellable *cancellable, GAsyncReadyCallback callback,
                                           gpointer user_data);

/* Stores @bytes as an image of incident @issue_id, with a timeline event and an audit
 * entry. Refuses what is over the cap or not a supported format; stores nothing then. */
TftsrImage *tftsr_store_add_image (TftsrStore *store, gint64 issue_id, const char *name,
                                   GBytes *bytes, GError **error);
/* The same from a file, named by its base name. The size is checked before reading, and
 * never more than the cap (plus one byte) is read, so a growing file is refused too. */
TftsrImage *tftsr_store_add_image_file (TftsrStore *store, gint64 issue_id, GFile *file,
                                        GCancellable *cancellable, GError **error);
/* An incident's images, newest first (without their bytes). */
GPtrArray *tftsr_store_list_images (TftsrStore *store, gint64 issue_id, GError **error);
TftsrImage *tftsr_store_get_image (TftsrStore *store, gint64 image_id, GError **error);
/* The stored bytes, e.g. for a thumbnail. They stay inside the app: to send or save an
 * image elsewhere use tftsr_egress_export_image(). */
GBytes *tftsr_store_get_image_bytes (TftsrStore *store, gint64 image_id, GError **error);
gboolean tftsr_store_delete_image (TftsrStore *store, gint64 image_id, GError **error);
/* Records that the user saw the PII warning for the image and accepts that it may leave:
 * the time, and an audit entry. Acknowledging again keeps the first time. */
gboolean tftsr_store_acknowledge_image_pii (TftsrStore *store, gint64 image_id, GError **error);

/* In a worker, for the UI thread. Both adds finish with tftsr_store_add_image_finish(). */
void tftsr_store_add_image_async (TftsrStore *store, gint64 issue_id, const char *name,
                                  GBytes *bytes, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data);
void tftsr_store_add_image_file_async (TftsrStore *store, gint64 issue_id, GFile *file,
                                       GCancellable *cancellable, GAsyncReadyCallback callback,
                                       gpointer user_data);
TftsrImage *tftsr_store_add_image_finish (TftsrStore *store, GAsyncResult *result, GError **error);
void tftsr_store_list_images_async (TftsrStore *store, gint64 issue_id, GCancellable *cancellable,
                                    GAsyncReadyCallback callback, gpointer user_data);
GPtrArray *tftsr_store_list_images_finish (TftsrStore *store, GAsyncResult *result, GError **error);
void tftsr_store_get_image_async (TftsrStore *store, gint64 image_id, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data);
TftsrImage *tftsr_store_get_image_finish (TftsrStore *store, GAsyncResult *result, GError **error);
void tftsr_store_get_image_bytes_async (TftsrStore *store, gint64 image_id,
                                        GCancellable *cancellable, GAsyncReadyCallback callback,
                                        gpointer user_data);
GBytes *tftsr_store_get_image_bytes_finish (TftsrStore *store, GAsyncResult *result,
                                            GError **error);
/* Both finish with tftsr_store_change_finish(). */
void tftsr_store_delete_image_async (TftsrStore *store, gint64 image_id, GCancellable *cancellable,
                                     GAsyncReadyCallback callback, gpointer user_data);
void tftsr_store_acknowledge_image_pii_async (TftsrStore *store, gint64 image_id,
                                              GCancellable *cancellable,
                                              GAsyncReadyCallback callback, gpointer user_data);

G_END_DECLS
