/* tftsr-application.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define TFTSR_TYPE_APPLICATION (tftsr_application_get_type ())
G_DECLARE_FINAL_TYPE (TftsrApplication, tftsr_application, TFTSR, APPLICATION, AdwApplication)

TftsrApplication *tftsr_application_new (void);
/* The app's GSettings; from the build tree's compiled schema when the app is not
 * installed. */
GSettings *tftsr_application_dup_settings (void);

G_END_DECLS
