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

/* The OAuth client's settings, as rows: client id, authorize, token and revoke URL, scope. */
#define TFTSR_OAUTH_SIGN_IN_N_FIELDS 5

/* Embedded in the dialog's instance struct; the widgets are template children bound by
 * tftsr_oauth_sign_in_bind_template(). */
typedef struct
{
  AdwEntryRow *fields[TFTSR_OAUTH_SIGN_IN_N_FIELDS];
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

/* How a dialog shows an error above its fields (@message NULL: none). */
typedef void (*TftsrOAuthSignInShowError) (gpointer dialog, const char *message);

/* Binds the template children "client_id_row", "authorize_url_row", "token_url_row",
 * "revoke_url_row", "scope_row", "sign_in_row", "sign_in_spinner" and "sign_in_button" to
 * the TftsrOAuthSignIn at @offset in the instance struct. */
void tftsr_oauth_sign_in_bind_template (GtkWidgetClass *widget_class, gssize offset);

/* Shows or hides the settings rows and the sign-in row. */
void tftsr_oauth_sign_in_set_visible (TftsrOAuthSignIn *self, gboolean visible);

/* Whether a sign-in is in flight. */
gboolean tftsr_oauth_sign_in_busy (const TftsrOAuthSignIn *self);

/* Cancels the sign-in in flight, if any: TRUE when there was one. */
gboolean tftsr_oauth_sign_in_stop (TftsrOAuthSignIn *self);

/* Signs @dialog (a window) in as @vault_id of @store with @config: opens the authorization
 * URL in the browser and runs the flow; @callback gets a reference to @dialog as its user
 * data and calls tftsr_oauth_sign_in_finish(). When the flow cannot start, @show_error
 * says why; else it clears the error. */
void tftsr_oauth_sign_in_start (TftsrOAuthSignIn *self, gpointer dialog, TftsrStore *store,
                                const char *vault_id, const TftsrOAuthConfig *config,
                                TftsrOAuthSignInShowError show_error, GAsyncReadyCallback callback);

/* Finishes the flow @source and says so on the row and, through @show_error, on @dialog
 * (clearing it when signed in, the reason when it failed). A STALE flow touches nothing. */
TftsrOAuthSignInResult tftsr_oauth_sign_in_finish (TftsrOAuthSignIn *self, GObject *source,
                                                   GAsyncResult *result, gpointer dialog,
                                                   TftsrOAuthSignInShowError show_error);

/* On dispose: cancels the sign-in in flight and drops the flow. */
void tftsr_oauth_sign_in_clear (TftsrOAuthSignIn *self);

G_END_DECLS
