/* tftsr-image-warning.c
 *
 * One warning for every way a screenshot can leave (a saved copy, an attachment to the
 * triage chat), so the engineer reads the same words and makes the same recorded choice.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>

#include "tftsr-image-warning.h"

GtkWidget *
tftsr_image_warning_new (GtkWindow *parent)
{
  GtkWidget *dialog = adw_message_dialog_new (
      parent, _ ("This Image May Show Personal Data"),
      _ ("Screenshots cannot be redacted. Names, addresses, account numbers, tokens or customer "
         "data visible in it leave with it. Check the image first; your confirmation is recorded "
         "in the audit log."));

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _ ("_Cancel"),
                                    TFTSR_IMAGE_WARNING_ACCEPT, _ ("_It May Leave"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog),
                                              TFTSR_IMAGE_WARNING_ACCEPT, ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  return dialog;
}
