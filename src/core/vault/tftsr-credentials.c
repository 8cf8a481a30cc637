/* tftsr-credentials.c: secrets of configured services, in the Secret Service or encrypted
 * in the database
 *
 * Secrets go where the database key is: with a key from the Secret Service, there too (a
 * stolen database file then holds nothing); with a key from TFTSR_DB_KEY or the key file
 * there is no keyring to rely on, so they are sealed with AES-256-GCM under a key derived
 * from the database key. That is a second lock on top of SQLCipher's: a page of the
 * database seen decrypted (a memory dump, a debugging session) still shows no secret.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>
#include <string.h>

#include "tftsr-credentials.h"
#include "tftsr-db-key.h"

#define KEY_BYTES 32
#define NONCE_BYTES 12
#define TAG_BYTES 16
#define SECRET_MAX (64 * 1024)

void
tftsr_secret_free (TftsrSecret *secret)
{
  if (secret == NULL)
    return;
  explicit_bzero (secret, strlen (secret));
  g_free (secret);
}

static const SecretSchema *
credential_schema (void)
{
  static const SecretSchema schema = {
    TFTSR_APP_ID ".Credential",
    SECRET_SCHEMA_NONE,
    {
        { "vault", SECRET_SCHEMA_ATTRIBUTE_STRING },
        { "owner", SECRET_SCHEMA_ATTRIBUTE_STRING },
        { NULL, 0 },
    },
  };
  return &schema;
}

static gboolean
in_keyring (TftsrStore *store)
{
  return tftsr_store_get_key_source (store) == TFTSR_DB_KEY_SOURCE_KEYRING;
}

/* This database's id, made on first use: keyring entries and derived keys of two
 * databases never mix. */
static char *
vault_id (sqlite3 *db, GError **error)
{
  g_autoptr (sqlite3_stmt) make = NULL;
  g_autoptr (sqlite3_stmt) read = NULL;

  if ((make = tftsr_db_prepare (db,
                                "INSERT OR IGNORE INTO settings (key, value) "
                                "VALUES ('vault.id', lower(hex(randomblob(16))))",
                                error)) == NULL ||
      !tftsr_db_step_done (make, _ ("Could not prepare the vault"), error) ||
      (read = tftsr_db_prepare (db, "SELECT value FROM settings WHERE key = 'vault.id'", error)) ==
          NULL)
    return NULL;
  if (sqlite3_step (read) != SQLITE_ROW)
    {
      tftsr_db_set_error (error, db, SQLITE_ERROR, _ ("Could not prepare the vault"));
      return NULL;
    }
  return g_strdup (tftsr_db_text (read, 0));
}

/* HKDF-SHA256 of the database key, salted with the vault id. */
static gboolean
derive_key (TftsrStore *store, const char *id, guint8 key[KEY_BYTES], GError **error)
{
  const char *secret = tftsr_db_key_get_secret (tftsr_store_get_db_key (store));
  static const char info[] = "tftsr credentials v1";
  EVP_KDF *kdf = EVP_KDF_fetch (NULL, "HKDF", NULL);
  EVP_KDF_CTX *ctx = kdf != NULL ? EVP_KDF_CTX_new (kdf) : NULL;
  OSSL_PARAM params[] = {
    OSSL_PARAM_construct_utf8_string (OSSL_KDF_PARAM_DIGEST, (char *) "SHA256", 0),
    OSSL_PARAM_construct_octet_string (OSSL_KDF_PARAM_KEY, (char *) secret, strlen (secret)),
    OSSL_PARAM_construct_octet_string (OSSL_KDF_PARAM_SALT, (char *) id, strlen (id)),
    OSSL_PARAM_construct_octet_string (OSSL_KDF_PARAM_INFO, (char *) info, sizeof info - 1),
    OSSL_PARAM_construct_end (),
  };
  gboolean ok = ctx != NULL && EVP_KDF_derive (ctx, key, KEY_BYTES, params) == 1;

  EVP_KDF_CTX_free (ctx);
  EVP_KDF_free (kdf);
  if (!ok)
    g_set_error (error, TFTSR_VAULT_ERROR, TFTSR_VAULT_ERROR_FAILED,
                 _ ("Could not derive the vault key"));
  return ok;
}

/* AES-256-GCM of @in (@len bytes) into @out (@len + TAG_BYTES), @owner authenticated. */
static gboolean
seal (const guint8 key[KEY_BYTES], const guint8 nonce[NONCE_BYTES], const char *owner,
      const guint8 *in, int len, guint8 *out)
{
  EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new ();
  int n = 0, tail = 0;
  gboolean ok = ctx != NULL && EVP_EncryptInit_ex (ctx, EVP_aes_256_gcm (), NULL, key, nonce) &&
                EVP_EncryptUpdate (ctx, NULL, &n, (const guint8 *) owner, strlen (owner)) &&
                EVP_EncryptUpdate (ctx, out, &n, in, len) &&
                EVP_EncryptFinal_ex (ctx, out + n, &tail) &&
                EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_GCM_GET_TAG, TAG_BYTES, out + len);

  EVP_CIPHER_CTX_free (ctx);
  return ok;
}

/* The plain text of @in (@len bytes with the tag), or FALSE if it does not authenticate. */
static gboolean
unseal (const guint8 key[KEY_BYTES], const guint8 nonce[NONCE_BYTES], const char *owner,
        const guint8 *in, int len, guint8 *out)
{
  EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new ();
  int n = 0, tail = 0;
  gboolean ok =
      ctx != NULL && len >= TAG_BYTES &&
      EVP_DecryptInit_ex (ctx, EVP_aes_256_gcm (), NULL, key, nonce) &&
      EVP_DecryptUpdate (ctx, NULL, &n, (const guint8 *) owner, strlen (owner)) &&
      EVP_DecryptUpdate (ctx, out, &n, in, len - TAG_BYTES) &&
      EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_GCM_SET_TAG, TAG_BYTES, (guint8 *) in + len - TAG_BYTES) &&
      EVP_DecryptFinal_ex (ctx, out + n, &tail) > 0;

  EVP_CIPHER_CTX_free (ctx);
  return ok;
}

static gboolean
save_row (sqlite3 *db, const char *owner, const char *location, const guint8 *nonce,
          const guint8 *sealed, gsize sealed_len, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt =
      tftsr_db_prepare (db,
                        "INSERT OR REPLACE INTO credentials (owner, location, nonce, ciphertext) "
                        "VALUES (?1, ?2, ?3, ?4)",
                        error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, owner, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, location, -1, SQLITE_STATIC);
  if (sealed != NULL)
    {
      sqlite3_bind_blob (stmt, 3, nonce, NONCE_BYTES, SQLITE_TRANSIENT);
      sqlite3_bind_blob (stmt, 4, sealed, sealed_len, SQLITE_TRANSIENT);
    }
  return tftsr_db_step_done (stmt, _ ("Could not save the secret"), error);
}

static gboolean
put_in_database (TftsrStore *store, sqlite3 *db, const char *id, const char *owner,
                 const char *secret, GError **error)
{
  gsize len = strlen (secret);
  g_autofree guint8 *sealed = g_malloc (len + TAG_BYTES);
  guint8 key[KEY_BYTES], nonce[NONCE_BYTES];
  gboolean ok;

  if (!derive_key (store, id, key, error))
    return FALSE;
  ok = RAND_bytes (nonce, NONCE_BYTES) == 1 &&
       seal (key, nonce, owner, (const guint8 *) secret, len, sealed);
  explicit_bzero (key, sizeof key);
  if (!ok)
    {
      g_set_error (error, TFTSR_VAULT_ERROR, TFTSR_VAULT_ERROR_FAILED,
                   _ ("Could not encrypt the secret"));
      return FALSE;
    }
  return save_row (db, owner, "database", nonce, sealed, len + TAG_BYTES, error);
}

static gboolean
put_in_keyring (sqlite3 *db, const char *id, const char *owner, const char *secret, GError **error)
{
  g_autoptr (GError) keyring_error = NULL;
  g_autofree char *label = g_strdup_printf (_ ("tftsr secret for %s"), owner);

  if (!secret_password_store_sync (credential_schema (), SECRET_COLLECTION_DEFAULT, label, secret,
                                   NULL, &keyring_error, "vault", id, "owner", owner, NULL))
    {
      g_set_error (error, TFTSR_VAULT_ERROR, TFTSR_VAULT_ERROR_KEYRING,
                   _ ("The keyring did not store the secret: %s"), keyring_error->message);
      return FALSE;
    }
  return save_row (db, owner, "keyring", NULL, NULL, 0, error);
}

gboolean
tftsr_credential_put (TftsrStore *store, sqlite3 *db, const char *owner, const char *secret,
                      GError **error)
{
  g_autofree char *id = NULL;

  g_return_val_if_fail (owner != NULL && secret != NULL, FALSE);

  if (*secret == '\0' || strlen (secret) > SECRET_MAX)
    {
      g_set_error (error, TFTSR_VAULT_ERROR, TFTSR_VAULT_ERROR_FAILED,
                   _ ("A secret must be between 1 byte and 64 KiB long"));
      return FALSE;
    }
  if ((id = vault_id (db, error)) == NULL)
    return FALSE;
  return in_keyring (store) ? put_in_keyring (db, id, owner, secret, error)
                            : put_in_database (store, db, id, owner, secret, error);
}

static TftsrSecret *
get_from_database (TftsrStore *store, const char *id, const char *owner, sqlite3_stmt *row,
                   GError **error)
{
  const guint8 *nonce = sqlite3_column_blob (row, 1);
  const guint8 *sealed = sqlite3_column_blob (row, 2);
  int len = sqlite3_column_bytes (row, 2);
  guint8 key[KEY_BYTES];
  TftsrSecret *plain;
  gboolean ok;

  if (sqlite3_column_bytes (row, 1) != NONCE_BYTES || len < TAG_BYTES ||
      !derive_key (store, id, key, error))
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, TFTSR_VAULT_ERROR, TFTSR_VAULT_ERROR_FAILED,
                     _ ("The stored secret of %s is damaged"), owner);
      return NULL;
    }
  plain = g_malloc0 (len - TAG_BYTES + 1);
  ok = unseal (key, nonce, owner, sealed, len, (guint8 *) plain);
  explicit_bzero (key, sizeof key);
  if (!ok)
    {
      tftsr_secret_free (plain);
      g_set_error (error, TFTSR_VAULT_ERROR, TFTSR_VAULT_ERROR_FAILED,
                   _ ("The stored secret of %s does not decrypt: it was damaged or belongs "
                      "to another database"),
                   owner);
      return NULL;
    }
  return plain;
}

static TftsrSecret *
get_from_keyring (const char *id, const char *owner, GError **error)
{
  g_autoptr (GError) keyring_error = NULL;
  char *found = secret_password_lookup_sync (credential_schema (), NULL, &keyring_error, "vault",
                                             id, "owner", owner, NULL);
  TftsrSecret *secret;

  if (found == NULL && keyring_error != NULL)
    g_set_error (error, TFTSR_VAULT_ERROR, TFTSR_VAULT_ERROR_KEYRING,
                 _ ("The secret of %s is in the keyring, which did not answer: %s"), owner,
                 keyring_error->message);
  else if (found == NULL)
    g_set_error (error, TFTSR_VAULT_ERROR, TFTSR_VAULT_ERROR_KEYRING,
                 _ ("The secret of %s is missing from the keyring"), owner);
  if (found == NULL)
    return NULL;
  secret = g_strdup (found);
  secret_password_free (found);
  return secret;
}

TftsrSecret *
tftsr_credential_get (TftsrStore *store, sqlite3 *db, const char *owner, GError **error)
{
  g_autoptr (sqlite3_stmt) row = NULL;
  g_autofree char *id = NULL;
  int rc;

  g_return_val_if_fail (owner != NULL, NULL);

  if ((row = tftsr_db_prepare (db,
                               "SELECT location, nonce, ciphertext FROM credentials "
                               "WHERE owner = ?1",
                               error)) == NULL)
    return NULL;
  sqlite3_bind_text (row, 1, owner, -1, SQLITE_TRANSIENT);
  if ((rc = sqlite3_step (row)) != SQLITE_ROW)
    {
      if (rc != SQLITE_DONE)
        tftsr_db_set_error (error, db, rc, _ ("Could not read the secret"));
      return NULL;
    }
  if ((id = vault_id (db, error)) == NULL)
    return NULL;
  if (g_str_equal (tftsr_db_text (row, 0), "keyring"))
    return get_from_keyring (id, owner, error);
  return get_from_database (store, id, owner, row, error);
}

gboolean
tftsr_credential_exists (sqlite3 *db, const char *owner)
{
  g_autoptr (sqlite3_stmt) row =
      tftsr_db_prepare (db, "SELECT 1 FROM credentials WHERE owner = ?1", NULL);

  if (row == NULL)
    return FALSE;
  sqlite3_bind_text (row, 1, owner, -1, SQLITE_TRANSIENT);
  return sqlite3_step (row) == SQLITE_ROW;
}

gboolean
tftsr_credential_delete (TftsrStore *store, sqlite3 *db, const char *owner, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autofree char *id = NULL;

  g_return_val_if_fail (owner != NULL, FALSE);

  if ((id = vault_id (db, error)) == NULL)
    return FALSE;
  /* A keyring that does not answer keeps an orphan entry; the row still goes, so the
   * secret is never used again. */
  if (in_keyring (store))
    secret_password_clear_sync (credential_schema (), NULL, NULL, "vault", id, "owner", owner,
                                NULL);
  if ((stmt = tftsr_db_prepare (db, "DELETE FROM credentials WHERE owner = ?1", error)) == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, owner, -1, SQLITE_TRANSIENT);
  return tftsr_db_step_done (stmt, _ ("Could not remove the secret"), error);
}
