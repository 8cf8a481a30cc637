/* tftsr-oauth-sign-in.h: the OAuth sign-in row of a settings dialog (the connector and the
 * MCP server dialogs): a "Sign In…" button that opens the system browser and becomes
 * "Stop" while the flow waits, a spinner, and a subtitle saying how it went
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include <tftsr.h>

G_BEGIN_DECLS

/* Embedded in the dialog's instance struct; the widgets are template children bound by
 * tftsr_oauth_sign_in_bind_template(). */
typedef struct
{
  AdwActionRow *row;
  GtkSpinner *spinner;
  GtkButton *button;
  GCancellable *cancellable; /* the sign-in in flight, or NULL */
  TftsrOAuthFlow *flow;
} TftsrOAuthSignIn;

typedef enum
{
  TFTSR_OAUTH_SIGN_IN_STALE,   /* a later sign-in took its place, or the dialog closed */
  TFTSR_OAUTH_SIGN_IN_DONE,    /* signed in: the tokens are in the vault */
  TFTSR_OAUTH_SIGN_IN_STOPPED, /* stopped by the engineer */
  TFTSR_OAUTH_SIGN_IN_FAILED,  /* with the reason in the error */
} TftsrOAuthSignInResult;

/* Binds the template children "sign_in_row", "sign_in_spinner" and "sign_in_button" to the
 * TftsrOAuthSignIn at @offset in the instance struct. */
void tftsr_oauth_sign_in_bind_template (GtkWidgetClass *widget_class, gssize offset);

/* Whether a sign-in is in flight. */
gboolean tftsr_oauth_sign_in_busy (const TftsrOAuthSignIn *self);

/* Cancels the sign-in in flight, if any: TRUE when there was one. */
gboolean tftsr_oauth_sign_in_stop (TftsrOAuthSignIn *self);

/* Takes @flow, opens its authorization URL in the browser over @window and runs it;
 * @callback (with @user_data) then calls tftsr_oauth_sign_in_finish(). */
void tftsr_oauth_sign_in_start (TftsrOAuthSignIn *self, GtkWindow *window, TftsrOAuthFlow *flow,
                                GAsyncReadyCallback callback, gpointer user_data);

/* Finishes the flow @source and says so on the row (except when STALE, which touches
 * nothing); FAILED sets @error. */
TftsrOAuthSignInResult tftsr_oauth_sign_in_finish (TftsrOAuthSignIn *self, GObject *source,
                                                   GAsyncResult *result, GError **error);

/* On dispose: cancels the sign-in in flight and drops the flow. */
void tftsr_oauth_sign_in_clear (TftsrOAuthSignIn *self);

G_END_DECLS
