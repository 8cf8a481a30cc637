/* tftsr-dialog-form.h: the parts a settings dialog's form shares with the others (the
 * connector and MCP server dialogs): the error banner above the fields, Enter moving to
 * the next entry, and Save's spinner
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Shows @message (made safe to show; NULL hides the banner) in @label inside @revealer,
 * scrolling @scroller to the top so that it is seen. */
void tftsr_dialog_form_show_error (GtkRevealer *revealer, GtkLabel *label,
                                   GtkScrolledWindow *scroller, const char *message);

/* Enter in @row: the focus goes to the next visible entry after it, else @dialog's action
 * @save_action ("group.save") is activated. */
void tftsr_dialog_form_next_entry (GtkWidget *dialog, GtkWidget *row, const char *save_action);

/* While @busy, the Save button shows its spinner (the stack's "spinner" page, else its
 * "label") and @dialog's action @save_action is disabled. */
void tftsr_dialog_form_show_saving (GtkWidget *dialog, GtkStack *stack, GtkSpinner *spinner,
                                    const char *save_action, gboolean busy);

G_END_DECLS
