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
  static const char *const ids[TFTSR_OAUTH_SIGN_IN_N_FIELDS] = {
    "client_id_row", "authorize_url_row", "token_url_row", "revoke_url_row", "scope_row",
  };

  for (guint i = 0; i < TFTSR_OAUTH_SIGN_IN_N_FIELDS; i++)
    gtk_widget_class_bind_template_child_full (widget_class, ids[i], FALSE,
                                               offset + G_STRUCT_OFFSET (TftsrOAuthSignIn, fields) +
                                                   i * sizeof (AdwEntryRow *));
  gtk_widget_class_bind_template_child_full (widget_class, "sign_in_row", FALSE,
                                             offset + G_STRUCT_OFFSET (TftsrOAuthSignIn, row));
  gtk_widget_class_bind_template_child_full (widget_class, "sign_in_spinner", FALSE,
                                             offset + G_STRUCT_OFFSET (TftsrOAuthSignIn, spinner));
  gtk_widget_class_bind_template_child_full (widget_class, "sign_in_button", FALSE,
                                             offset + G_STRUCT_OFFSET (TftsrOAuthSignIn, button));
}

void
tftsr_oauth_sign_in_set_visible (TftsrOAuthSignIn *self, gboolean visible)
{
  for (guint i = 0; i < TFTSR_OAUTH_SIGN_IN_N_FIELDS; i++)
    gtk_widget_set_visible (GTK_WIDGET (self->fields[i]), visible);
  gtk_widget_set_visible (GTK_WIDGET (self->row), visible);
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
tftsr_oauth_sign_in_start (TftsrOAuthSignIn *self, gpointer dialog, TftsrStore *store,
                           const char *vault_id, const TftsrOAuthConfig *config,
                           TftsrOAuthSignInShowError show_error, GAsyncReadyCallback callback)
{
  g_autoptr (GError) error = NULL;

  g_return_if_fail (self->cancellable == NULL);

  self->flow = tftsr_oauth_flow_new (store, vault_id, config, &error);
  if (self->flow == NULL)
    {
      show_error (dialog, error->message);
      return;
    }
  show_error (dialog, NULL);
  self->cancellable = g_cancellable_new ();
  show (self, _ ("Waiting for the browser… finish signing in there"));
  gtk_show_uri (GTK_WINDOW (dialog), tftsr_oauth_flow_get_authorization_url (self->flow),
                GDK_CURRENT_TIME);
  tftsr_oauth_flow_run_async (self->flow, SIGN_IN_TIMEOUT_S, self->cancellable, callback,
                              g_object_ref (dialog));
}

TftsrOAuthSignInResult
tftsr_oauth_sign_in_finish (TftsrOAuthSignIn *self, GObject *source, GAsyncResult *result,
                            gpointer dialog, TftsrOAuthSignInShowError show_error)
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
      show_error (dialog, NULL);
      show (self, _ ("Signed in: the tokens are in your keyring. Save to keep the settings."));
      return TFTSR_OAUTH_SIGN_IN_DONE;
    }
  stopped = g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  show (self, stopped ? _ ("The sign-in was stopped") : _ ("Not signed in"));
  if (stopped)
    return TFTSR_OAUTH_SIGN_IN_STOPPED;
  show_error (dialog, local->message);
  return TFTSR_OAUTH_SIGN_IN_FAILED;
}

void
tftsr_oauth_sign_in_clear (TftsrOAuthSignIn *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->flow);
}
