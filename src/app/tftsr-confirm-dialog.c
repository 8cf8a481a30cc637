/* tftsr-confirm-dialog.c: asking before something is removed or deleted
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <adwaita.h>
#include <glib/gi18n.h>

#include "tftsr-app-format.h"
#include "tftsr-confirm-dialog.h"

void
tftsr_confirm_destructive (GtkWidget *widget, const char *heading, const char *body,
                           const char *response, const char *label, GCallback answered,
                           gpointer job, GDestroyNotify job_free)
{
  GtkWidget *dialog =
      adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), heading, body);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _ ("_Cancel"), response,
                                    label, NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), response,
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "job", job, job_free);
  g_signal_connect (dialog, "response", answered, job);
  gtk_window_present (GTK_WINDOW (dialog));
}

void
tftsr_confirm_remove (GtkWidget *widget, const char *name, const char *body, GCallback answered,
                      gpointer job, GDestroyNotify job_free)
{
  g_autofree char *shown = tftsr_display_text (name);
  g_autofree char *heading = g_strdup_printf (_ ("Remove “%s”?"), shown);

  tftsr_confirm_destructive (widget, heading, body, "remove", _ ("_Remove"), answered, job,
                             job_free);
}
