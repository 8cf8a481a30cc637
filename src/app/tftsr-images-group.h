/* tftsr-images-group.h: an incident's screenshots as thumbnails, with adding (file, drop,
 * paste) and opening in the image viewer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include <tftsr.h>

G_BEGIN_DECLS

#define TFTSR_TYPE_IMAGES_GROUP (tftsr_images_group_get_type ())
G_DECLARE_FINAL_TYPE (TftsrImagesGroup, tftsr_images_group, TFTSR, IMAGES_GROUP, GtkWidget)

/* Signals: ::changed when an image was added or deleted; ::failed (GError *). */
void tftsr_images_group_set_store (TftsrImagesGroup *self, TftsrStore *store);
/* Shows the images of incident @issue_id (0: none). */
void tftsr_images_group_load (TftsrImagesGroup *self, gint64 issue_id);
void tftsr_images_group_add_file (TftsrImagesGroup *self, GFile *file);
/* Adds a pasted image, stored as PNG. */
void tftsr_images_group_add_texture (TftsrImagesGroup *self, GdkTexture *texture);
/* The images shown (TftsrImage), and how many adds are still running. */
GListModel *tftsr_images_group_get_images (TftsrImagesGroup *self);
guint tftsr_images_group_get_n_running (TftsrImagesGroup *self);
/* Whether a file would be taken as an image (by its name: no disk access). */
gboolean tftsr_images_group_accepts (GFile *file);

G_END_DECLS
