/* tftsr-dialog-form.c: the form parts shared by the settings dialogs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "tftsr-app-format.h"
#include "tftsr-dialog-form.h"

void
tftsr_dialog_form_show_error (GtkRevealer *revealer, GtkLabel *label, GtkScrolledWindow *scroller,
                              const char *message)
{
  g_autofree char *shown = message != NULL ? tftsr_display_text (message) : NULL;

  gtk_label_set_text (label, shown != NULL ? shown : "");
  gtk_revealer_set_reveal_child (revealer, message != NULL);
  if (message != NULL)
    gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (scroller), 0);
}

void
tftsr_dialog_form_next_entry (GtkWidget *dialog, GtkWidget *row, const char *save_action)
{
  GtkWidget *next = row;

  while ((next = gtk_widget_get_next_sibling (next)) != NULL)
    if (gtk_widget_get_visible (next) && GTK_IS_EDITABLE (next))
      {
        gtk_widget_grab_focus (next);
        return;
      }
  gtk_widget_activate_action (dialog, save_action, NULL);
}

void
tftsr_dialog_form_show_saving (GtkWidget *dialog, GtkStack *stack, GtkSpinner *spinner,
                               const char *save_action, gboolean busy)
{
  gtk_stack_set_visible_child_name (stack, busy ? "spinner" : "label");
  gtk_spinner_set_spinning (spinner, busy);
  gtk_widget_action_set_enabled (dialog, save_action, !busy);
}
