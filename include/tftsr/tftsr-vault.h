/* tftsr-vault.h: secrets of connectors (API tokens, PATs, passwords, OAuth tokens)
 *
 * A secret goes where the database key is: in the Secret Service when the database key is
 * kept there, else sealed with AES-256-GCM in the database (see docs/security.md). Secrets
 * are written and read, never listed: the user interface may ask whether one exists, and
 * only the code that builds a request reads it, then frees it (its bytes are zeroed).
 *
 * A connector is named by an id of 1 to 64 characters from a-z, 0-9, '.', '_' and '-'
 * ("jira", "servicenow.prod"); each connector keeps at most one secret of each kind.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tftsr-store.h"

G_BEGIN_DECLS

/* A secret in memory: a NUL-terminated string freed with its bytes zeroed. */
typedef char TftsrSecret;
void tftsr_secret_free (TftsrSecret *secret);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrSecret, tftsr_secret_free)

typedef enum
{
  TFTSR_SECRET_API_TOKEN,
  TFTSR_SECRET_PAT,
  TFTSR_SECRET_PASSWORD,
  TFTSR_SECRET_OAUTH, /* the token set of tftsr_vault_put_oauth_tokens */
} TftsrSecretKind;

/* Whether @connector is a well-formed connector id (else @error says why). */
gboolean tftsr_vault_check_connector (const char *connector, GError **error);

/* Keeps @secret (1 byte to 64 KiB) as @connector's secret of @kind, replacing the old one.
 * @kind must not be TFTSR_SECRET_OAUTH. */
gboolean tftsr_vault_put_secret (TftsrStore *store, const char *connector, TftsrSecretKind kind,
                                 const char *secret, GError **error);
/* @connector's secret of @kind, or NULL without @error when it has none. @kind must not be
 * TFTSR_SECRET_OAUTH. */
TftsrSecret *tftsr_vault_dup_secret (TftsrStore *store, const char *connector, TftsrSecretKind kind,
                                     GError **error);
/* Whether @connector has a secret of @kind, without reading it. */
gboolean tftsr_vault_has_secret (TftsrStore *store, const char *connector, TftsrSecretKind kind);
/* Removes @connector's secret of @kind; none is not an error. */
gboolean tftsr_vault_delete_secret (TftsrStore *store, const char *connector, TftsrSecretKind kind,
                                    GError **error);
/* Removes every secret of @connector. */
gboolean tftsr_vault_forget_connector (TftsrStore *store, const char *connector, GError **error);

/* What an OAuth 2.0 token endpoint granted. Token characters are those RFC 6749 allows
 * (printable ASCII); no field may hold a line break. */
typedef struct
{
  TftsrSecret *access_token;
  TftsrSecret *refresh_token; /* NULL: none was granted */
  char *token_type;           /* "Bearer" */
  char *scope;                /* NULL: not said */
  gint64 expires_at;          /* Unix time in seconds; 0: the server did not say */
} TftsrOAuthTokens;

void tftsr_oauth_tokens_free (TftsrOAuthTokens *tokens);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrOAuthTokens, tftsr_oauth_tokens_free)

/* Keeps @tokens as @connector's secret of kind TFTSR_SECRET_OAUTH, replacing the old ones. */
gboolean tftsr_vault_put_oauth_tokens (TftsrStore *store, const char *connector,
                                       const TftsrOAuthTokens *tokens, GError **error);
/* @connector's tokens, or NULL without @error when it has none. */
TftsrOAuthTokens *tftsr_vault_dup_oauth_tokens (TftsrStore *store, const char *connector,
                                                GError **error);

G_END_DECLS
