/* tftsr-db-key.h: where the database key comes from (design §4)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define TFTSR_VAULT_ERROR (tftsr_vault_error_quark ())
GQuark tftsr_vault_error_quark (void);

typedef enum
{
  TFTSR_VAULT_ERROR_NO_KEY,   /* a database exists but no key for it was found */
  TFTSR_VAULT_ERROR_KEY_FILE, /* the key file is unreadable, malformed or too open */
  TFTSR_VAULT_ERROR_KEYRING,  /* the Secret Service refused to store or return the key */
  TFTSR_VAULT_ERROR_FAILED,
} TftsrVaultError;

typedef enum
{
  TFTSR_DB_KEY_SOURCE_ENVIRONMENT, /* TFTSR_DB_KEY */
  TFTSR_DB_KEY_SOURCE_KEYRING,     /* the Secret Service */
  TFTSR_DB_KEY_SOURCE_FILE,        /* the 0600 fallback file: the app shows a warning */
  TFTSR_DB_KEY_SOURCE_EXPLICIT,    /* handed in by the caller */
} TftsrDbKeySource;

typedef struct _TftsrDbKey TftsrDbKey;

/* Resolves the key in the design's order: TFTSR_DB_KEY, then the Secret Service, then
 * the key file in $XDG_CONFIG_HOME/tftsr/. A new random 256-bit key is generated only
 * when @db_exists is FALSE; for an existing database without a key this fails with
 * TFTSR_VAULT_ERROR_NO_KEY rather than hide the old data behind a new key. */
TftsrDbKey *tftsr_db_key_resolve (gboolean db_exists, GCancellable *cancellable, GError **error);
/* A passphrase (PBKDF2-derived) or a raw key in SQLCipher's x'<64 hex>' form. */
TftsrDbKey *tftsr_db_key_new (const char *secret, TftsrDbKeySource source);
TftsrDbKey *tftsr_db_key_copy (const TftsrDbKey *key);
/* Zeroes the secret before freeing it. */
void tftsr_db_key_free (TftsrDbKey *key);

const char *tftsr_db_key_get_secret (const TftsrDbKey *key);
gboolean tftsr_db_key_is_raw (const TftsrDbKey *key);
TftsrDbKeySource tftsr_db_key_get_source (const TftsrDbKey *key);
/* The key file's path when the source is TFTSR_DB_KEY_SOURCE_FILE, else NULL. */
const char *tftsr_db_key_get_file (const TftsrDbKey *key);
/* Where the fallback key file lives: $XDG_CONFIG_HOME/tftsr/db.key. */
char *tftsr_db_key_default_file (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrDbKey, tftsr_db_key_free)

G_END_DECLS
