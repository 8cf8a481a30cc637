/* tftsr-image-texture.h: a stored image decoded for display, off the UI thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include <tftsr.h>

G_BEGIN_DECLS

/* Reads image @image_id and decodes it in a worker, scaled down to fit @size × @size
 * pixels (0: full size). A damaged image fails with the decoder's message. */
void tftsr_image_texture_load_async (TftsrStore *store, gint64 image_id, int size,
                                     GCancellable *cancellable, GAsyncReadyCallback callback,
                                     gpointer user_data);
GdkTexture *tftsr_image_texture_load_finish (GAsyncResult *result, GError **error);

G_END_DECLS
