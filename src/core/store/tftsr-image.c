/* tftsr-image.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>

#include "tftsr-image-private.h"

struct _TftsrImage
{
  GObject parent_instance;

  gint64 id;
  gint64 issue_id;
  char *name;
  char *mime;
  guint64 size;
  char *sha256;
  guint width;
  guint height;
  char *created_at;
  char *pii_acknowledged_at;
};

G_DEFINE_FINAL_TYPE (TftsrImage, tftsr_image, G_TYPE_OBJECT)
G_DEFINE_QUARK (tftsr - image - error - quark, tftsr_image_error)

static void
tftsr_image_finalize (GObject *object)
{
  TftsrImage *self = TFTSR_IMAGE (object);

  g_free (self->name);
  g_free (self->mime);
  g_free (self->sha256);
  g_free (self->created_at);
  g_free (self->pii_acknowledged_at);
  G_OBJECT_CLASS (tftsr_image_parent_class)->finalize (object);
}

static void
tftsr_image_class_init (TftsrImageClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tftsr_image_finalize;
}

static void
tftsr_image_init (TftsrImage *self)
{
}

/* Columns as in TFTSR_IMAGE_COLUMNS. */
TftsrImage *
tftsr_image_new_from_row (sqlite3_stmt *stmt)
{
  TftsrImage *self = g_object_new (TFTSR_TYPE_IMAGE, NULL);

  self->id = sqlite3_column_int64 (stmt, 0);
  self->issue_id = sqlite3_column_int64 (stmt, 1);
  self->name = g_strdup (tftsr_db_text (stmt, 2));
  self->mime = g_strdup (tftsr_db_text (stmt, 3));
  self->size = sqlite3_column_int64 (stmt, 4);
  self->sha256 = g_strdup (tftsr_db_text (stmt, 5));
  self->width = (guint) sqlite3_column_int64 (stmt, 6);
  self->height = (guint) sqlite3_column_int64 (stmt, 7);
  self->created_at = g_strdup (tftsr_db_text (stmt, 8));
  self->pii_acknowledged_at = g_strdup ((const char *) sqlite3_column_text (stmt, 9));
  return self;
}

#define GETTER(type, name, fallback)                                                               \
  type tftsr_image_get_##name (TftsrImage *self)                                                   \
  {                                                                                                \
    g_return_val_if_fail (TFTSR_IS_IMAGE (self), fallback);                                        \
    return self->name;                                                                             \
  }

GETTER (gint64, id, 0)
GETTER (gint64, issue_id, 0)
GETTER (guint64, size, 0)
GETTER (guint, width, 0)
GETTER (guint, height, 0)
GETTER (const char *, name, NULL)
GETTER (const char *, mime, NULL)
GETTER (const char *, sha256, NULL)
GETTER (const char *, created_at, NULL)
GETTER (const char *, pii_acknowledged_at, NULL)

gboolean
tftsr_image_check_acknowledged (TftsrImage *self, GError **error)
{
  g_return_val_if_fail (TFTSR_IS_IMAGE (self), FALSE);

  if (self->pii_acknowledged_at != NULL)
    return TRUE;
  g_set_error (error, TFTSR_IMAGE_ERROR, TFTSR_IMAGE_ERROR_NOT_ACKNOWLEDGED,
               _ ("Image “%s” may show personal data or secrets and must be acknowledged first: "
                  "an image cannot be redacted"),
               self->name);
  return FALSE;
}
