/* tftsr-db-key.c: resolving, generating and keeping the database key
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <libsecret/secret.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tftsr-db-key.h"

#define RAW_KEY_BYTES 32
#define RAW_KEY_CHARS (3 + 2 * RAW_KEY_BYTES) /* x'<64 hex>' */
#define KEY_FILE_MAX 4096

G_DEFINE_QUARK (tftsr - vault - error - quark, tftsr_vault_error)

struct _TftsrDbKey
{
  char *secret;
  TftsrDbKeySource source;
  char *file;
};

static const SecretSchema *
db_key_schema (void)
{
  static const SecretSchema schema = {
    TFTSR_APP_ID ".DatabaseKey",
    SECRET_SCHEMA_NONE,
    {
        { "purpose", SECRET_SCHEMA_ATTRIBUTE_STRING },
        { NULL, 0 },
    },
  };
  return &schema;
}

static void
wipe_string (char *s)
{
  if (s != NULL)
    explicit_bzero (s, strlen (s));
}

TftsrDbKey *
tftsr_db_key_new (const char *secret, TftsrDbKeySource source)
{
  TftsrDbKey *key;

  g_return_val_if_fail (secret != NULL && *secret != '\0', NULL);

  key = g_new0 (TftsrDbKey, 1);
  key->secret = g_strdup (secret);
  key->source = source;
  return key;
}

TftsrDbKey *
tftsr_db_key_copy (const TftsrDbKey *key)
{
  TftsrDbKey *copy;

  g_return_val_if_fail (key != NULL, NULL);

  copy = tftsr_db_key_new (key->secret, key->source);
  copy->file = g_strdup (key->file);
  return copy;
}

void
tftsr_db_key_free (TftsrDbKey *key)
{
  if (key == NULL)
    return;
  wipe_string (key->secret);
  g_free (key->secret);
  g_free (key->file);
  g_free (key);
}

const char *
tftsr_db_key_get_secret (const TftsrDbKey *key)
{
  g_return_val_if_fail (key != NULL, NULL);
  return key->secret;
}

static gboolean
is_raw_key (const char *s)
{
  if (strlen (s) != RAW_KEY_CHARS || s[0] != 'x' || s[1] != '\'' || s[RAW_KEY_CHARS - 1] != '\'')
    return FALSE;
  for (guint i = 2; i < RAW_KEY_CHARS - 1; i++)
    if (!g_ascii_isxdigit (s[i]))
      return FALSE;
  return TRUE;
}

gboolean
tftsr_db_key_is_raw (const TftsrDbKey *key)
{
  g_return_val_if_fail (key != NULL, FALSE);
  return is_raw_key (key->secret);
}

TftsrDbKeySource
tftsr_db_key_get_source (const TftsrDbKey *key)
{
  g_return_val_if_fail (key != NULL, TFTSR_DB_KEY_SOURCE_EXPLICIT);
  return key->source;
}

const char *
tftsr_db_key_get_file (const TftsrDbKey *key)
{
  g_return_val_if_fail (key != NULL, NULL);
  return key->source == TFTSR_DB_KEY_SOURCE_FILE ? key->file : NULL;
}

char *
tftsr_db_key_default_file (void)
{
  return g_build_filename (g_get_user_config_dir (), "tftsr", "db.key", NULL);
}

/* A fresh random 256-bit key in SQLCipher's raw form, which skips PBKDF2. */
static char *
generate_raw_key (GError **error)
{
  guint8 bytes[RAW_KEY_BYTES];
  char *key = g_malloc (RAW_KEY_CHARS + 1);
  gsize got = 0;

  while (got < sizeof bytes)
    {
      ssize_t n = getrandom (bytes + got, sizeof bytes - got, 0);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;
          g_free (key);
          g_set_error (error, TFTSR_VAULT_ERROR, TFTSR_VAULT_ERROR_FAILED,
                       _ ("Could not generate a database key: %s"), g_strerror (saved));
          return NULL;
        }
      got += (gsize) n;
    }
  key[0] = 'x';
  key[1] = '\'';
  for (guint i = 0; i < RAW_KEY_BYTES; i++)
    g_snprintf (key + 2 + 2 * i, 3, "%02x", bytes[i]);
  key[RAW_KEY_CHARS - 1] = '\'';
  key[RAW_KEY_CHARS] = '\0';
  explicit_bzero (bytes, sizeof bytes);
  return key;
}

static TftsrDbKey *
key_take (char *secret, TftsrDbKeySource source, const char *file)
{
  TftsrDbKey *key = tftsr_db_key_new (secret, source);

  key->file = g_strdup (file);
  wipe_string (secret);
  g_free (secret);
  return key;
}

/* --- the key file ------------------------------------------------------------------ */

static TftsrDbKey *
read_key_file (const char *path, GError **error)
{
  struct stat st;
  char buf[KEY_FILE_MAX + 1];
  ssize_t n;
  int fd = g_open (path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC, 0);

  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, TFTSR_VAULT_ERROR, TFTSR_VAULT_ERROR_KEY_FILE,
                   _ ("Could not read the key file “%s”: %s"), path, g_strerror (saved));
      return NULL;
    }
  if (fstat (fd, &st) != 0 || st.st_uid != geteuid () || (st.st_mode & 077) != 0)
    {
      close (fd);
      g_set_error (error, TFTSR_VAULT_ERROR, TFTSR_VAULT_ERROR_KEY_FILE,
                   _ ("The key file “%s” must belong to you and be readable by you alone "
                      "(chmod 600)"),
                   path);
      return NULL;
    }
  n = read (fd, buf, KEY_FILE_MAX);
  close (fd);
  buf[n > 0 ? n : 0] = '\0';
  g_strstrip (buf);
  if (!is_raw_key (buf))
    {
      explicit_bzero (buf, sizeof buf);
      g_set_error (error, TFTSR_VAULT_ERROR, TFTSR_VAULT_ERROR_KEY_FILE,
                   _ ("The key file “%s” does not hold a tftsr database key"), path);
      return NULL;
    }
  return key_take (g_strdup (buf), TFTSR_DB_KEY_SOURCE_FILE, path);
}

static gboolean
write_key_file (const char *path, const char *secret, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *line = g_strconcat (secret, "\n", NULL);
  gsize len = strlen (line);
  int saved = 0;
  int fd;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    saved = errno;
  /* O_EXCL: never overwrite a key file, whatever happens. */
  else if ((fd = g_open (path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0)
    saved = errno;
  else
    {
      if (write (fd, line, len) != (ssize_t) len || fsync (fd) != 0)
        saved = errno != 0 ? errno : EIO;
      close (fd);
      if (saved != 0)
        g_unlink (path);
    }
  wipe_string (line);
  if (saved != 0)
    {
      g_set_error (error, TFTSR_VAULT_ERROR, TFTSR_VAULT_ERROR_KEY_FILE,
                   _ ("Could not write the key file “%s”: %s"), path, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

/* --- the Secret Service -------------------------------------------------------------- */

/* Returns the stored key, NULL with no error when there is none, or NULL with
 * @unavailable set when no Secret Service answers. */
static char *
keyring_lookup (GCancellable *cancellable, gboolean *unavailable)
{
  g_autoptr (GError) error = NULL;
  char *secret = secret_password_lookup_sync (db_key_schema (), cancellable, &error, "purpose",
                                              "database-key", NULL);

  *unavailable = error != NULL;
  if (error != NULL)
    g_debug ("Secret Service unavailable: %s", error->message);
  return secret;
}

static gboolean
keyring_store (const char *secret, GCancellable *cancellable, GError **error)
{
  return secret_password_store_sync (db_key_schema (), SECRET_COLLECTION_DEFAULT,
                                     _ ("tftsr database key"), secret, cancellable, error,
                                     "purpose", "database-key", NULL);
}

static void
no_key_error (GError **error)
{
  g_set_error (error, TFTSR_VAULT_ERROR, TFTSR_VAULT_ERROR_NO_KEY,
               _ ("The database exists but its key was found neither in TFTSR_DB_KEY, nor in "
                  "the keyring, nor in the key file. Set TFTSR_DB_KEY to the key it was "
                  "created with."));
}

TftsrDbKey *
tftsr_db_key_resolve (gboolean db_exists, GCancellable *cancellable, GError **error)
{
  const char *env = g_getenv ("TFTSR_DB_KEY");
  g_autofree char *file = tftsr_db_key_default_file ();
  gboolean unavailable = FALSE;
  char *secret;

  if (env != NULL && *env != '\0')
    return tftsr_db_key_new (env, TFTSR_DB_KEY_SOURCE_ENVIRONMENT);

  secret = keyring_lookup (cancellable, &unavailable);
  if (secret != NULL)
    {
      TftsrDbKey *key = tftsr_db_key_new (secret, TFTSR_DB_KEY_SOURCE_KEYRING);
      secret_password_free (secret);
      return key;
    }
  /* A key file from a session without a keyring still opens its database. */
  if (g_file_test (file, G_FILE_TEST_EXISTS))
    return read_key_file (file, error);
  if (db_exists)
    {
      no_key_error (error);
      return NULL;
    }

  if ((secret = generate_raw_key (error)) == NULL)
    return NULL;
  if (!unavailable)
    {
      g_autoptr (GError) store_error = NULL;
      if (keyring_store (secret, cancellable, &store_error))
        return key_take (secret, TFTSR_DB_KEY_SOURCE_KEYRING, NULL);
      g_debug ("Could not store the key in the keyring: %s", store_error->message);
    }
  if (!write_key_file (file, secret, error))
    {
      wipe_string (secret);
      g_free (secret);
      return NULL;
    }
  return key_take (secret, TFTSR_DB_KEY_SOURCE_FILE, file);
}
