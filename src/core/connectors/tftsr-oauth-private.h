/* tftsr-oauth-private.h: the parts of the OAuth sign-in the tests and the fuzz target reach
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tftsr-oauth.h"

/* The most of a request to the loopback listener that is read: a redirect is one short
 * request line and a browser's headers. */
#define TFTSR_OAUTH_REQUEST_MAX 8192

/* @n_bytes random bytes from OpenSSL's CSPRNG, as base64url without padding. */
TftsrSecret *tftsr_oauth_random_base64url (gsize n_bytes, GError **error);
/* @data (@len bytes) as base64url without padding. */
char *tftsr_oauth_base64url (const guint8 *data, gsize len);

/* What the redirect to the loopback listener carried. */
typedef struct
{
  TftsrSecret *code;       /* NULL when the server sent an error */
  char *state;             /* NULL: none was sent */
  char *error;             /* the OAuth error code ("access_denied"), or NULL */
  char *error_description; /* NULL if none */
} TftsrOAuthRedirect;

void tftsr_oauth_redirect_free (TftsrOAuthRedirect *redirect);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrOAuthRedirect, tftsr_oauth_redirect_free)

typedef enum
{
  TFTSR_OAUTH_REQUEST_INCOMPLETE, /* the header block has not ended yet: read on */
  TFTSR_OAUTH_REQUEST_REDIRECT,   /* GET /callback with code or error: @redirect is set */
  TFTSR_OAUTH_REQUEST_NOT_FOUND,  /* a well-formed GET of another path (a favicon…) */
  TFTSR_OAUTH_REQUEST_BAD,        /* anything else: refused */
} TftsrOAuthRequestKind;

/* Reads the request head in @data (@len bytes, not NUL-terminated): the request line must be
 * "GET /callback?QUERY HTTP/1.x" with a query of unique, well percent-encoded parameters
 * holding a code or an error; the head must end with an empty line within
 * TFTSR_OAUTH_REQUEST_MAX bytes. @data may be NULL when @len is 0. */
TftsrOAuthRequestKind tftsr_oauth_parse_request (const char *data, gsize len,
                                                 TftsrOAuthRedirect **redirect);

/* The loopback listener: answers requests and hands the first redirect to @func (in the
 * thread-default main context of tftsr_oauth_listener_start's caller). */
typedef struct _TftsrOAuthListener TftsrOAuthListener;
/* Returns whether the sign-in goes on (the page tells the browser so). */
typedef gboolean (*TftsrOAuthRedirectFunc) (TftsrOAuthRedirect *redirect, gpointer user_data);

/* Bound to 127.0.0.1:@port (0: ephemeral), not yet accepting. */
TftsrOAuthListener *tftsr_oauth_listener_new (guint16 port, GError **error);
guint16 tftsr_oauth_listener_get_port (TftsrOAuthListener *listener);
/* @func takes ownership of the redirect. */
void tftsr_oauth_listener_start (TftsrOAuthListener *listener, TftsrOAuthRedirectFunc func,
                                 gpointer user_data);
/* Closes the port; connections in progress are dropped. */
void tftsr_oauth_listener_free (TftsrOAuthListener *listener);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrOAuthListener, tftsr_oauth_listener_free)
