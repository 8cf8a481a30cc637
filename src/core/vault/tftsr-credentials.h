/* tftsr-credentials.h: secrets of configured services (API keys, tokens), never in plain
 * text at rest
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tftsr-store-private.h"

/* A secret in memory: freed with its bytes zeroed. */
typedef char TftsrSecret;
void tftsr_secret_free (TftsrSecret *secret);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrSecret, tftsr_secret_free)

/* Keeps @secret for @owner ("ai_provider:3"), replacing what it had, on @db inside the
 * caller's transaction: in the Secret Service when the database key is kept there, else
 * encrypted in the database under a key derived from the database key. */
gboolean tftsr_credential_put (TftsrStore *store, sqlite3 *db, const char *owner,
                               const char *secret, GError **error);
/* The secret of @owner, or NULL without @error when it has none. */
TftsrSecret *tftsr_credential_get (TftsrStore *store, sqlite3 *db, const char *owner,
                                   GError **error);
/* Whether @owner has a secret (without reading it). */
gboolean tftsr_credential_exists (sqlite3 *db, const char *owner);
gboolean tftsr_credential_delete (TftsrStore *store, sqlite3 *db, const char *owner,
                                  GError **error);
