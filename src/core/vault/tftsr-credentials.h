/* tftsr-credentials.h: secrets of configured services (API keys, tokens), never in plain
 * text at rest
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tftsr-store-private.h"
#include "tftsr-vault.h"

/* The one store of secrets under the AI provider keys and the connectors' secrets
 * (tftsr-vault.c): an owner names the secret. */

/* Keeps @secret for @owner ("ai_provider:3", "connector:jira:pat"), replacing what it had, on @db inside the
 * caller's transaction: in the Secret Service when the database key is kept there, else
 * encrypted in the database under a key derived from the database key. */
gboolean tftsr_credential_put (TftsrStore *store, sqlite3 *db, const char *owner,
                               const char *secret, GError **error);
/* The secret of @owner, or NULL without @error when it has none. */
TftsrSecret *tftsr_credential_get (TftsrStore *store, sqlite3 *db, const char *owner,
                                   GError **error);
/* Whether @owner has a secret (without reading it). */
/* The credentials owner of @connector's secret of @kind ("connector:ID:KIND"). */
char *tftsr_vault_owner (const char *connector, TftsrSecretKind kind);
gboolean tftsr_credential_exists (sqlite3 *db, const char *owner);
gboolean tftsr_credential_delete (TftsrStore *store, sqlite3 *db, const char *owner,
                                  GError **error);
