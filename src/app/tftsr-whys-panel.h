/* tftsr-whys-panel.h: the 5-Whys chain of an incident beside its triage chat
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include <tftsr.h>

G_BEGIN_DECLS

#define TFTSR_TYPE_WHYS_PANEL (tftsr_whys_panel_get_type ())
G_DECLARE_FINAL_TYPE (TftsrWhysPanel, tftsr_whys_panel, TFTSR, WHYS_PANEL, GtkWidget)

/* Signals: ::failed (GError *) when the chain could not be read. A refused edit is shown in
 * the panel, with the edit kept as typed. */
void tftsr_whys_panel_set_store (TftsrWhysPanel *self, TftsrStore *store);
/* Shows the chain of incident @issue_id (0: none). */
void tftsr_whys_panel_load (TftsrWhysPanel *self, gint64 issue_id);
/* Reads the chain again (after a turn of the chat). */
void tftsr_whys_panel_reload (TftsrWhysPanel *self);
/* The level shown, 0..6 (property "level"). */
guint tftsr_whys_panel_get_level (TftsrWhysPanel *self);

G_END_DECLS
