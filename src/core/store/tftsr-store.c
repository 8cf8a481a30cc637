/* tftsr-store.c: opening the SQLCipher database and lending connections
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "tftsr-store-private.h"

/* Idle connections kept for reuse; more are opened on demand and closed on release. */
#define POOL_MAX_IDLE 4

struct _TftsrStore
{
  GObject parent_instance;

  char *path;
  TftsrDbKey *key;
  gboolean read_only;
  guint schema_version;

  GMutex pool_lock;
  GPtrArray *idle; /* sqlite3* */
};

G_DEFINE_FINAL_TYPE (TftsrStore, tftsr_store, G_TYPE_OBJECT)
G_DEFINE_QUARK (tftsr - store - error - quark, tftsr_store_error)

enum
{
  PROP_0,
  PROP_PATH,
  PROP_KEY_SOURCE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
tftsr_store_finalize (GObject *object)
{
  TftsrStore *self = TFTSR_STORE (object);

  for (guint i = 0; i < self->idle->len; i++)
    sqlite3_close_v2 (g_ptr_array_index (self->idle, i));
  g_ptr_array_unref (self->idle);
  g_mutex_clear (&self->pool_lock);
  g_clear_pointer (&self->key, tftsr_db_key_free);
  g_free (self->path);
  G_OBJECT_CLASS (tftsr_store_parent_class)->finalize (object);
}

static void
tftsr_store_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  TftsrStore *self = TFTSR_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case PROP_KEY_SOURCE:
      g_value_set_int (value, tftsr_store_get_key_source (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tftsr_store_class_init (TftsrStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tftsr_store_finalize;
  object_class->get_property = tftsr_store_get_property;

  properties[PROP_PATH] =
      g_param_spec_string ("path", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_KEY_SOURCE] = g_param_spec_int ("key-source", NULL, NULL, 0, G_MAXINT, 0,
                                                  G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tftsr_store_init (TftsrStore *self)
{
  g_mutex_init (&self->pool_lock);
  self->idle = g_ptr_array_new ();
}

char *
tftsr_store_default_path (void)
{
  const char *env = g_getenv ("TFTSR_DB");

  if (env != NULL && *env != '\0')
    return g_strdup (env);
  return g_build_filename (g_get_user_data_dir (), "tftsr", "tftsr.db", NULL);
}

char *
tftsr_now_iso8601 (void)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *seconds = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S");

  return g_strdup_printf ("%s.%03dZ", seconds, g_date_time_get_microsecond (now) / 1000);
}

/* --- errors and statements ------------------------------------------------------ */

gboolean
tftsr_db_set_error (GError **error, sqlite3 *db, int rc, const char *context)
{
  int code = rc != SQLITE_OK ? rc : (db != NULL ? sqlite3_errcode (db) : SQLITE_ERROR);
  const char *detail = db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (code);
  TftsrStoreError domain_code;
  const char *reason;

  switch (code & 0xff)
    {
    case SQLITE_NOTADB:
      domain_code = TFTSR_STORE_ERROR_WRONG_KEY;
      reason = _ ("the database key is wrong, or the file is not a tftsr database");
      break;
    case SQLITE_READONLY:
    case SQLITE_PERM:
      domain_code = TFTSR_STORE_ERROR_READ_ONLY;
      reason = _ ("the database is read-only, so nothing was changed");
      break;
    case SQLITE_FULL:
      domain_code = TFTSR_STORE_ERROR_FULL;
      reason = _ ("the disk is full, so nothing was changed");
      break;
    case SQLITE_CORRUPT:
      domain_code = TFTSR_STORE_ERROR_CORRUPT;
      reason = _ ("the database file is damaged");
      break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      domain_code = TFTSR_STORE_ERROR_BUSY;
      reason = _ ("another program is holding the database; try again in a moment");
      break;
    case SQLITE_CONSTRAINT:
    case SQLITE_MISMATCH:
    case SQLITE_TOOBIG:
      domain_code = TFTSR_STORE_ERROR_INVALID;
      reason = detail;
      break;
    default:
      domain_code = TFTSR_STORE_ERROR_FAILED;
      reason = detail;
      break;
    }
  g_set_error (error, TFTSR_STORE_ERROR, domain_code, "%s: %s", context, reason);
  return FALSE;
}

gboolean
tftsr_db_exec (sqlite3 *db, const char *sql, const char *context, GError **error)
{
  int rc = sqlite3_exec (db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return tftsr_db_set_error (error, db, rc, context);
  return TRUE;
}

sqlite3_stmt *
tftsr_db_prepare (sqlite3 *db, const char *sql, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    {
      tftsr_db_set_error (error, db, rc, _ ("Could not read the database"));
      return NULL;
    }
  return stmt;
}

gboolean
tftsr_db_step_done (sqlite3_stmt *stmt, const char *context, GError **error)
{
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    ;
  if (rc != SQLITE_DONE)
    return tftsr_db_set_error (error, sqlite3_db_handle (stmt), rc, context);
  return TRUE;
}

const char *
tftsr_db_text (sqlite3_stmt *stmt, int column)
{
  const unsigned char *text = sqlite3_column_text (stmt, column);
  return text != NULL ? (const char *) text : "";
}

void
tftsr_db_bind_text (sqlite3_stmt *stmt, int index, const char *text)
{
  if (text == NULL)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
}

gboolean
tftsr_db_begin (sqlite3 *db, GError **error)
{
  return tftsr_db_exec (db, "BEGIN IMMEDIATE", _ ("Could not start a change"), error);
}

gboolean
tftsr_db_commit (sqlite3 *db, GError **error)
{
  if (tftsr_db_exec (db, "COMMIT", _ ("Could not save the change"), error))
    return TRUE;
  tftsr_db_rollback (db);
  return FALSE;
}

void
tftsr_db_rollback (sqlite3 *db)
{
  if (!sqlite3_get_autocommit (db))
    sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
}

/* --- opening ---------------------------------------------------------------------- */

static gboolean
query_has_row (sqlite3 *db, const char *sql)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    return FALSE;
  return sqlite3_step (stmt) == SQLITE_ROW;
}

static gboolean
file_is_plain_sqlite (const char *path)
{
  static const char magic[16] = "SQLite format 3";
  char header[16] = { 0 };
  FILE *f = g_fopen (path, "rb");
  gboolean plain;

  if (f == NULL)
    return FALSE;
  plain = fread (header, 1, sizeof header, f) == sizeof header &&
          memcmp (header, magic, sizeof magic) == 0;
  fclose (f);
  return plain;
}

/* Keys a fresh connection with SQLCipher 4's settings (design §4). Nothing is written
 * until the key has been proven by a read. */
static gboolean
key_connection (sqlite3 *db, const char *path, const TftsrDbKey *key, GError **error)
{
  const char *secret = tftsr_db_key_get_secret (key);
  int rc;

  sqlite3_exec (db, "PRAGMA cipher_log_source = NONE", NULL, NULL, NULL);
  /* libsoup pulls in plain libsqlite3: if it won the link, this pragma is unknown. */
  if (!query_has_row (db, "PRAGMA cipher_version"))
    {
      g_set_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_NOT_ENCRYPTED,
                   _ ("This build of tftsr is linked against plain SQLite instead of SQLCipher; "
                      "it refuses to store incidents unencrypted"));
      return FALSE;
    }
  rc = sqlite3_key (db, secret, (int) strlen (secret));
  if (rc != SQLITE_OK)
    return tftsr_db_set_error (error, db, rc, _ ("Could not apply the database key"));
  if (!tftsr_db_exec (db,
                      "PRAGMA cipher_page_size = 4096;"
                      "PRAGMA kdf_iter = 256000;"
                      "PRAGMA cipher_hmac_algorithm = HMAC_SHA512;"
                      "PRAGMA cipher_kdf_algorithm = PBKDF2_HMAC_SHA512;",
                      _ ("Could not configure encryption"), error))
    return FALSE;

  rc = sqlite3_exec (db, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL);
  if ((rc & 0xff) == SQLITE_NOTADB && file_is_plain_sqlite (path))
    {
      g_set_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_NOT_ENCRYPTED,
                   _ ("“%s” is an unencrypted SQLite database, not a tftsr database"), path);
      return FALSE;
    }
  if ((rc & 0xff) == SQLITE_NOTADB)
    {
      g_set_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_WRONG_KEY,
                   _ ("The database key is wrong for “%s”, or the file is not a tftsr "
                      "database. The file was left unchanged."),
                   path);
      return FALSE;
    }
  if (rc != SQLITE_OK)
    return tftsr_db_set_error (error, db, rc, _ ("Could not open the database"));
  return TRUE;
}

static sqlite3 *
open_connection (const char *path, const TftsrDbKey *key, gboolean read_only, GError **error)
{
  int flags = SQLITE_OPEN_NOMUTEX |
              (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  sqlite3 *db = NULL;
  int rc = sqlite3_open_v2 (path, &db, flags, NULL);

  if (rc != SQLITE_OK)
    {
      g_set_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_FAILED,
                   _ ("Could not open the database “%s”: %s"), path,
                   db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
      sqlite3_close_v2 (db);
      return NULL;
    }
  sqlite3_extended_result_codes (db, 1);
  if (!key_connection (db, path, key, error))
    {
      sqlite3_close_v2 (db);
      return NULL;
    }
  /* secure_delete overwrites freed pages: purged incidents do not linger in the file.
   * Every page read from disk is decrypted and checked, so a larger page cache than
   * SQLite's 2 MiB default pays off many times over for searches. */
  if (!tftsr_db_exec (db,
                      "PRAGMA foreign_keys = ON;"
                      "PRAGMA busy_timeout = 5000;"
                      "PRAGMA secure_delete = ON;"
                      "PRAGMA cache_size = -32768;",
                      _ ("Could not configure the database"), error) ||
      (!read_only && !tftsr_db_exec (db,
                                     "PRAGMA journal_mode = WAL;"
                                     "PRAGMA synchronous = NORMAL;",
                                     _ ("Could not configure the database"), error)))
    {
      sqlite3_close_v2 (db);
      return NULL;
    }
  return db;
}

static gboolean
ensure_parent_dir (const char *path, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (path);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_FAILED,
                   _ ("Could not create the folder “%s”: %s"), dir, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

/* A database created by this call that then failed is removed, so a failed first
 * start never leaves an empty database behind. */
static void
remove_new_database (const char *path)
{
  static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);
      g_unlink (file);
    }
}

/* Failing to empty the trash must not stop anyone from opening their incidents. */
static void
purge_expired_trash (TftsrStore *self)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GDateTime) cutoff = g_date_time_add_days (now, -TFTSR_TRASH_RETENTION_DAYS);
  g_autofree char *before = g_date_time_format (cutoff, "%Y-%m-%dT%H:%M:%S.000Z");
  g_autoptr (GError) error = NULL;

  if (tftsr_store_purge_trash (self, before, &error) < 0)
    g_debug ("Could not empty the trash: %s", error->message);
}

/* Logs whose ingest died with its process (no progress for ten minutes). */
static void
sweep_abandoned_logs (sqlite3 *db)
{
  sqlite3_exec (db,
                "DELETE FROM log_files WHERE state = 'ingesting' AND touched_at < "
                "strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-10 minutes')",
                NULL, NULL, NULL);
}

TftsrStore *
tftsr_store_open (const char *path, const TftsrDbKey *key, GError **error)
{
  g_autoptr (TftsrStore) self = NULL;
  gboolean existed;
  sqlite3 *db;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  existed = g_file_test (path, G_FILE_TEST_EXISTS);
  if (!existed && !ensure_parent_dir (path, error))
    return NULL;

  self = g_object_new (TFTSR_TYPE_STORE, NULL);
  self->path = g_strdup (path);
  self->key = tftsr_db_key_copy (key);
  self->read_only = existed && access (path, W_OK) != 0;

  db = open_connection (path, key, self->read_only, error);
  if (db == NULL || !tftsr_store_migrate (db, &self->schema_version, error))
    {
      sqlite3_close_v2 (db);
      if (!existed)
        remove_new_database (path);
      return NULL;
    }
  if (!self->read_only)
    sweep_abandoned_logs (db);
  g_ptr_array_add (self->idle, db);
  if (!self->read_only)
    purge_expired_trash (self);
  return g_steal_pointer (&self);
}

static void
open_in_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  const char *path = task_data;
  g_autoptr (TftsrDbKey) key = NULL;
  GError *error = NULL;
  TftsrStore *store;

  key = tftsr_db_key_resolve (g_file_test (path, G_FILE_TEST_EXISTS), cancellable, &error);
  store = key != NULL ? tftsr_store_open (path, key, &error) : NULL;
  if (store == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, store, g_object_unref);
}

void
tftsr_store_open_async (const char *path, GCancellable *cancellable, GAsyncReadyCallback callback,
                        gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, tftsr_store_open_async);
  g_task_set_task_data (task, path != NULL ? g_strdup (path) : tftsr_store_default_path (), g_free);
  g_task_run_in_thread (task, open_in_thread);
}

TftsrStore *
tftsr_store_open_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

const char *
tftsr_store_get_path (TftsrStore *self)
{
  g_return_val_if_fail (TFTSR_IS_STORE (self), NULL);
  return self->path;
}

const TftsrDbKey *
tftsr_store_get_db_key (TftsrStore *self)
{
  return self->key;
}

TftsrDbKeySource
tftsr_store_get_key_source (TftsrStore *self)
{
  g_return_val_if_fail (TFTSR_IS_STORE (self), TFTSR_DB_KEY_SOURCE_EXPLICIT);
  return tftsr_db_key_get_source (self->key);
}

const char *
tftsr_store_get_key_file (TftsrStore *self)
{
  g_return_val_if_fail (TFTSR_IS_STORE (self), NULL);
  return tftsr_db_key_get_file (self->key);
}

guint
tftsr_store_get_schema_version (TftsrStore *self)
{
  g_return_val_if_fail (TFTSR_IS_STORE (self), 0);
  return self->schema_version;
}

/* --- the pool ----------------------------------------------------------------------- */

TftsrConn *
tftsr_conn_acquire (TftsrStore *store, GError **error)
{
  sqlite3 *db = NULL;
  TftsrConn *conn;

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);

  g_mutex_lock (&store->pool_lock);
  if (store->idle->len > 0)
    db = g_ptr_array_steal_index_fast (store->idle, store->idle->len - 1);
  g_mutex_unlock (&store->pool_lock);

  if (db == NULL)
    db = open_connection (store->path, store->key, store->read_only, error);
  if (db == NULL)
    return NULL;

  conn = g_new (TftsrConn, 1);
  conn->store = g_object_ref (store);
  conn->db = db;
  return conn;
}

void
tftsr_conn_release (TftsrConn *conn)
{
  TftsrStore *store = conn->store;

  tftsr_db_rollback (conn->db);
  g_mutex_lock (&store->pool_lock);
  if (store->idle->len < POOL_MAX_IDLE)
    {
      g_ptr_array_add (store->idle, conn->db);
      conn->db = NULL;
    }
  g_mutex_unlock (&store->pool_lock);
  if (conn->db != NULL)
    sqlite3_close_v2 (conn->db);
  g_object_unref (store);
  g_free (conn);
}

/* --- running calls in a worker -------------------------------------------------------- */

typedef struct
{
  TftsrStoreFunc func;
  gpointer data;
  GDestroyNotify data_free;
  GDestroyNotify result_free;
} StoreCall;

static void
store_call_free (StoreCall *call)
{
  if (call->data_free != NULL)
    call->data_free (call->data);
  g_free (call);
}

static void
run_in_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  StoreCall *call = task_data;
  GError *error = NULL;
  gpointer result;

  if (g_task_return_error_if_cancelled (task))
    return;
  result = call->func (TFTSR_STORE (source), call->data, &error);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, call->result_free);
}

void
tftsr_store_run_async (TftsrStore *self, gpointer source_tag, TftsrStoreFunc func, gpointer data,
                       GDestroyNotify data_free, GDestroyNotify result_free,
                       GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  StoreCall *call = g_new0 (StoreCall, 1);

  call->func = func;
  call->data = data;
  call->data_free = data_free;
  call->result_free = result_free;
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, call, (GDestroyNotify) store_call_free);
  g_task_run_in_thread (task, run_in_thread);
}

gpointer
tftsr_store_run_finish (TftsrStore *self, GAsyncResult *result, gpointer source_tag, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

gint64 *
tftsr_store_id_new (gint64 id)
{
  return g_memdup2 (&id, sizeof id);
}
