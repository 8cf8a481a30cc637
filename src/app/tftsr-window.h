/* tftsr-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include <tftsr.h>

G_BEGIN_DECLS

#define TFTSR_TYPE_WINDOW (tftsr_window_get_type ())
G_DECLARE_FINAL_TYPE (TftsrWindow, tftsr_window, TFTSR, WINDOW, AdwApplicationWindow)

TftsrWindow *tftsr_window_new (AdwApplication *application);
/* The open store, or NULL while it opens or when it could not be opened. */
TftsrStore *tftsr_window_get_store (TftsrWindow *self);

G_END_DECLS
