/* tftsr-image-warning.h: the warning a screenshot gets before it may leave the machine
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* The response of the warning when the engineer accepts that the image may leave. */
#define TFTSR_IMAGE_WARNING_ACCEPT "acknowledge"

/* An AdwMessageDialog over @parent: screenshots cannot be redacted, check the image first,
 * the confirmation is recorded. Cancel is the default. The caller records the
 * acknowledgement (tftsr_store_acknowledge_image_pii_async()) on
 * TFTSR_IMAGE_WARNING_ACCEPT, then presents the dialog. */
GtkWidget *tftsr_image_warning_new (GtkWindow *parent);

G_END_DECLS
