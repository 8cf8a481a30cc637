/* tftsr-attachments-window.h: logs and screenshots of every incident, searchable by name
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include <tftsr.h>

G_BEGIN_DECLS

#define TFTSR_TYPE_ATTACHMENTS_WINDOW (tftsr_attachments_window_get_type ())
G_DECLARE_FINAL_TYPE (TftsrAttachmentsWindow, tftsr_attachments_window, TFTSR, ATTACHMENTS_WINDOW,
                      AdwWindow)

/* Signals: ::loaded after each (re)load of the list. Opening a row shows the log or the
 * image; its incident column opens the incident in the main window (win.show-incident). */
TftsrAttachmentsWindow *tftsr_attachments_window_new (TftsrStore *store);
/* The rows shown (TftsrAttachment). */
GListModel *tftsr_attachments_window_get_rows (TftsrAttachmentsWindow *self);
/* Opens row @position as activating it does. */
void tftsr_attachments_window_open (TftsrAttachmentsWindow *self, guint position);

G_END_DECLS
