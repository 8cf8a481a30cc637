/* tftsr-oauth.h: OAuth 2.0 sign-in of connectors (authorization code + PKCE, RFC 6749,
 * 7636, 8252, 7009)
 *
 * Signing in: tftsr_oauth_flow_new() listens on 127.0.0.1 and makes the authorization URL;
 * the app opens that URL in the system browser (gtk_show_uri) and runs the flow, which waits
 * for the browser's redirect, checks it, exchanges the code for tokens and keeps them in the
 * vault under the connector's id. Afterwards tftsr_oauth_dup_access_token() gives a token
 * for a request, refreshed when it is about to expire, and tftsr_oauth_disconnect() revokes
 * and forgets the tokens. See docs/architecture.md, "OAuth".
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tftsr-store.h"
#include "tftsr-vault.h"

G_BEGIN_DECLS

#define TFTSR_OAUTH_ERROR (tftsr_oauth_error_quark ())
GQuark tftsr_oauth_error_quark (void);

typedef enum
{
  TFTSR_OAUTH_ERROR_INVALID_CONFIG, /* a URL or the client id is missing or not http(s) */
  TFTSR_OAUTH_ERROR_LISTEN,         /* the loopback port could not be opened */
  TFTSR_OAUTH_ERROR_STATE_MISMATCH, /* the redirect did not carry this sign-in's state */
  TFTSR_OAUTH_ERROR_DENIED,         /* the user declined access */
  TFTSR_OAUTH_ERROR_PROVIDER,       /* the authorization server answered with another error */
  TFTSR_OAUTH_ERROR_TIMEOUT,        /* no redirect came in time */
  TFTSR_OAUTH_ERROR_TOKEN,          /* the token endpoint refused or answered nonsense */
  TFTSR_OAUTH_ERROR_SIGN_IN_AGAIN,  /* no usable tokens: the user must sign in again */
  TFTSR_OAUTH_ERROR_REVOKE,         /* signed out locally; the server did not confirm revoking */
} TftsrOAuthError;

/* Refreshed when fewer seconds than this are left. */
#define TFTSR_OAUTH_REFRESH_MARGIN 60
/* The path of the loopback redirect URI. */
#define TFTSR_OAUTH_CALLBACK_PATH "/callback"

/* A connector's OAuth client, as configured. Borrowed by the calls, which copy what they keep.
 * The endpoints must be https, or http on a loopback address (for tests and local servers). */
typedef struct
{
  const char *authorize_url;
  const char *token_url;
  const char *revoke_url; /* RFC 7009 endpoint; NULL: the service has none */
  const char *client_id;
  const char *client_secret; /* confidential clients only; NULL for public ones */
  const char *scope;         /* space-separated; NULL: the service's default */
  guint16 redirect_port;     /* 0: an ephemeral port; else this one (8765, as registered) */
} TftsrOAuthConfig;

/* PKCE (RFC 7636): a code verifier of 64 characters from the unreserved set, drawn from
 * OpenSSL's CSPRNG; NULL with @error if it failed. */
TftsrSecret *tftsr_oauth_new_verifier (GError **error);
/* BASE64URL(SHA-256(@verifier)) without padding (the S256 method). */
char *tftsr_oauth_challenge (const char *verifier);

#define TFTSR_TYPE_OAUTH_FLOW (tftsr_oauth_flow_get_type ())
G_DECLARE_FINAL_TYPE (TftsrOAuthFlow, tftsr_oauth_flow, TFTSR, OAUTH_FLOW, GObject)

/* A sign-in of @connector (a vault connector id): listens on 127.0.0.1 right away, so the
 * URL can name the port. */
TftsrOAuthFlow *tftsr_oauth_flow_new (TftsrStore *store, const char *connector,
                                      const TftsrOAuthConfig *config, GError **error);
/* The URL to open in the system browser. */
const char *tftsr_oauth_flow_get_authorization_url (TftsrOAuthFlow *flow);
/* "http://127.0.0.1:PORT/callback". */
const char *tftsr_oauth_flow_get_redirect_uri (TftsrOAuthFlow *flow);
/* Waits (in the caller's thread-default main context) for the browser's redirect, at most
 * @timeout_seconds, then exchanges the code and stores the tokens (in a worker thread).
 * Requests to the listener that are not the redirect are answered with an error page and
 * waited past. Once it finished, the listener is closed. A flow runs once. */
void tftsr_oauth_flow_run_async (TftsrOAuthFlow *flow, guint timeout_seconds,
                                 GCancellable *cancellable, GAsyncReadyCallback callback,
                                 gpointer user_data);
gboolean tftsr_oauth_flow_run_finish (TftsrOAuthFlow *flow, GAsyncResult *result, GError **error);

/* The access token of @connector for a request, refreshed first when less than
 * TFTSR_OAUTH_REFRESH_MARGIN seconds are left (keeping a rotated refresh token). Without
 * tokens, or when the refresh token is refused, TFTSR_OAUTH_ERROR_SIGN_IN_AGAIN, and the
 * refused tokens are removed. Blocks: call from a worker. */
TftsrSecret *tftsr_oauth_dup_access_token (TftsrStore *store, const char *connector,
                                           const TftsrOAuthConfig *config,
                                           GCancellable *cancellable, GError **error);
/* Signs @connector out: its tokens are removed from the vault, then revoked at the
 * configured endpoint. When revoking fails the tokens are gone all the same, and
 * TFTSR_OAUTH_ERROR_REVOKE says so. Blocks: call from a worker. */
gboolean tftsr_oauth_disconnect (TftsrStore *store, const char *connector,
                                 const TftsrOAuthConfig *config, GCancellable *cancellable,
                                 GError **error);

G_END_DECLS
