/* tftsr-image-viewer.h: one screenshot at full size, with saving a copy (after the PII
 * acknowledgement) and deletion
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include <tftsr.h>

G_BEGIN_DECLS

#define TFTSR_TYPE_IMAGE_VIEWER (tftsr_image_viewer_get_type ())
G_DECLARE_FINAL_TYPE (TftsrImageViewer, tftsr_image_viewer, TFTSR, IMAGE_VIEWER, AdwWindow)

/* Signals: ::ready when the picture is shown (or failed); ::changed after the image was
 * acknowledged or deleted; ::exported (gboolean ok) when a save ended. */
TftsrImageViewer *tftsr_image_viewer_new (TftsrStore *store, TftsrImage *image);
/* Records the acknowledgement, as accepting the warning does. */
void tftsr_image_viewer_acknowledge (TftsrImageViewer *self);
gboolean tftsr_image_viewer_get_acknowledged (TftsrImageViewer *self);
/* Saves a copy through the egress module, which refuses unless acknowledged. */
void tftsr_image_viewer_export (TftsrImageViewer *self, GFile *file);

G_END_DECLS
