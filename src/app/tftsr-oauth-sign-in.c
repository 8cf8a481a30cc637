/* tftsr-oauth-sign-in.c: the OAuth sign-in row shared by the connector and MCP server
 * dialogs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>

#include "tftsr-oauth-sign-in.h"

#define SIGN_IN_TIMEOUT_S 300

void
tftsr_oauth_sign_in_bind_template (GtkWidgetClass *widget_class, gssize offset)
{
  gtk_widget_class_bind_template_child_full (widget_class, "sign_in_row", FALSE,
                                             offset + G_STRUCT_OFFSET (TftsrOAuthSignIn, row));
  gtk_widget_class_bind_template_child_full (widget_class, "sign_in_spinner", FALSE,
                                             offset + G_STRUCT_OFFSET (TftsrOAuthSignIn, spinner));
  gtk_widget_class_bind_template_child_full (widget_class, "sign_in_button", FALSE,
                                             offset + G_STRUCT_OFFSET (TftsrOAuthSignIn, button));
}

gboolean
tftsr_oauth_sign_in_busy (const TftsrOAuthSignIn *self)
{
  return self->cancellable != NULL;
}

gboolean
tftsr_oauth_sign_in_stop (TftsrOAuthSignIn *self)
{
  if (self->cancellable == NULL)
    return FALSE;
  g_cancellable_cancel (self->cancellable);
  return TRUE;
}

static void
show (TftsrOAuthSignIn *self, const char *subtitle)
{
  gboolean busy = self->cancellable != NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_button_set_label (self->button, busy ? _ ("_Stop") : _ ("S_ign In…"));
  if (subtitle != NULL)
    adw_action_row_set_subtitle (self->row, subtitle);
}

void
tftsr_oauth_sign_in_start (TftsrOAuthSignIn *self, GtkWindow *window, TftsrOAuthFlow *flow,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (self->cancellable == NULL);

  self->flow = flow;
  self->cancellable = g_cancellable_new ();
  show (self, _ ("Waiting for the browser… finish signing in there"));
  gtk_show_uri (window, tftsr_oauth_flow_get_authorization_url (flow), GDK_CURRENT_TIME);
  tftsr_oauth_flow_run_async (flow, SIGN_IN_TIMEOUT_S, self->cancellable, callback, user_data);
}

TftsrOAuthSignInResult
tftsr_oauth_sign_in_finish (TftsrOAuthSignIn *self, GObject *source, GAsyncResult *result,
                            GError **error)
{
  g_autoptr (GError) local = NULL;
  gboolean ok = tftsr_oauth_flow_run_finish (TFTSR_OAUTH_FLOW (source), result, &local);
  gboolean stopped;

  if (self->flow != TFTSR_OAUTH_FLOW (source))
    return TFTSR_OAUTH_SIGN_IN_STALE;
  g_clear_object (&self->flow);
  g_clear_object (&self->cancellable);
  if (ok)
    {
      show (self, _ ("Signed in: the tokens are in your keyring. Save to keep the settings."));
      return TFTSR_OAUTH_SIGN_IN_DONE;
    }
  stopped = g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  show (self, stopped ? _ ("The sign-in was stopped") : _ ("Not signed in"));
  if (stopped)
    return TFTSR_OAUTH_SIGN_IN_STOPPED;
  g_propagate_error (error, g_steal_pointer (&local));
  return TFTSR_OAUTH_SIGN_IN_FAILED;
}

void
tftsr_oauth_sign_in_clear (TftsrOAuthSignIn *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->flow);
}
