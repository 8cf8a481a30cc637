/* tftsr-store-images.c: the image_attachments repository and the size cap
 *
 * An image is at most the cap (20 MB unless set otherwise), so it is handled whole in
 * memory. Every change is one transaction with its audit entry; adding also writes a
 * timeline event.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>

#include "tftsr-image-private.h"
#include "tftsr-settings.h"

#define MAX_SIZE_KEY "images.max_size"
#define READ_BLOCK (256 * 1024)

/* --- the size cap ---------------------------------------------------------------------- */

guint64
tftsr_store_get_image_max_size (TftsrStore *store)
{
  g_autofree char *value = NULL;
  guint64 max_size = 0;

  g_return_val_if_fail (TFTSR_IS_STORE (store), TFTSR_IMAGE_DEFAULT_MAX_SIZE);

  /* A value out of range (written by hand, or by another version) counts as unset. */
  value = tftsr_store_get_setting (store, MAX_SIZE_KEY, NULL);
  if (value == NULL || !g_ascii_string_to_unsigned (value, 10, TFTSR_IMAGE_MAX_SIZE_LOWEST,
                                                    TFTSR_IMAGE_MAX_SIZE_HIGHEST, &max_size, NULL))
    return TFTSR_IMAGE_DEFAULT_MAX_SIZE;
  return max_size;
}

gboolean
tftsr_store_set_image_max_size (TftsrStore *store, guint64 max_size, GError **error)
{
  g_autofree char *value = NULL;

  g_return_val_if_fail (TFTSR_IS_STORE (store), FALSE);

  if (max_size == 0)
    return tftsr_store_set_setting (store, MAX_SIZE_KEY, NULL, error);
  if (max_size < TFTSR_IMAGE_MAX_SIZE_LOWEST || max_size > TFTSR_IMAGE_MAX_SIZE_HIGHEST)
    {
      g_autofree char *lowest = g_format_size (TFTSR_IMAGE_MAX_SIZE_LOWEST);
      g_autofree char *highest = g_format_size (TFTSR_IMAGE_MAX_SIZE_HIGHEST);

      g_set_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_INVALID,
                   _ ("The size limit for images must lie between %s and %s"), lowest, highest);
      return FALSE;
    }
  value = g_strdup_printf ("%" G_GUINT64_FORMAT, max_size);
  return tftsr_store_set_setting (store, MAX_SIZE_KEY, value, error);
}

static gboolean
check_size (const char *name, guint64 size, guint64 max_size, GError **error)
{
  g_autofree char *have = NULL;
  g_autofree char *most = NULL;

  if (size <= max_size)
    return TRUE;
  have = g_format_size (size);
  most = g_format_size (max_size);
  g_set_error (error, TFTSR_IMAGE_ERROR, TFTSR_IMAGE_ERROR_TOO_LARGE,
               _ ("“%s” is %s; an image may be at most %s"), name, have, most);
  return FALSE;
}

/* --- reading ------------------------------------------------------------------------------ */

static TftsrImage *
load_image (sqlite3 *db, gint64 image_id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = tftsr_db_prepare (
      db, "SELECT " TFTSR_IMAGE_COLUMNS " FROM image_attachments WHERE id = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, image_id);
  if ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    return tftsr_image_new_from_row (stmt);
  if (rc != SQLITE_DONE)
    tftsr_db_set_error (error, db, rc, _ ("Could not read the image"));
  else
    g_set_error (error, TFTSR_IMAGE_ERROR, TFTSR_IMAGE_ERROR_NOT_FOUND,
                 _ ("There is no image %" G_GINT64_FORMAT), image_id);
  return NULL;
}

TftsrImage *
tftsr_store_get_image (TftsrStore *store, gint64 image_id, GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);
  if ((conn = tftsr_conn_acquire (store, error)) == NULL)
    return NULL;
  return load_image (conn->db, image_id, error);
}

GPtrArray *
tftsr_store_list_images (TftsrStore *store, gint64 issue_id, GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GPtrArray) images = g_ptr_array_new_with_free_func (g_object_unref);
  int rc;

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);
  if ((conn = tftsr_conn_acquire (store, error)) == NULL ||
      (stmt = tftsr_db_prepare (conn->db,
                                "SELECT " TFTSR_IMAGE_COLUMNS " FROM image_attachments "
                                "WHERE issue_id = ?1 ORDER BY created_at DESC, id DESC",
                                error)) == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, issue_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (images, tftsr_image_new_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      tftsr_db_set_error (error, conn->db, rc, _ ("Could not list the images"));
      return NULL;
    }
  return g_steal_pointer (&images);
}

GBytes *
tftsr_store_get_image_bytes (TftsrStore *store, gint64 image_id, GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);
  if ((conn = tftsr_conn_acquire (store, error)) == NULL ||
      (stmt = tftsr_db_prepare (conn->db, "SELECT data FROM image_attachments WHERE id = ?1",
                                error)) == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, image_id);
  if ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    return g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
  if (rc != SQLITE_DONE)
    tftsr_db_set_error (error, conn->db, rc, _ ("Could not read the image"));
  else
    g_set_error (error, TFTSR_IMAGE_ERROR, TFTSR_IMAGE_ERROR_NOT_FOUND,
                 _ ("There is no image %" G_GINT64_FORMAT), image_id);
  return NULL;
}

/* --- changes ------------------------------------------------------------------------------ */

/* The audit log names the image by id and hash only: its name may be personal. */
static gboolean
audit (sqlite3 *db, const char *action, TftsrImage *image, GError **error)
{
  g_autofree char *target =
      g_strdup_printf ("issue:%" G_GINT64_FORMAT, tftsr_image_get_issue_id (image));
  g_autofree char *detail = g_strdup_printf (
      "{\"image\":%" G_GINT64_FORMAT ",\"sha256\":\"%s\",\"bytes\":%" G_GUINT64_FORMAT "}",
      tftsr_image_get_id (image), tftsr_image_get_sha256 (image), tftsr_image_get_size (image));

  return tftsr_audit_append_in_transaction (db, action, target, detail, error);
}

static void
bind_dimension (sqlite3_stmt *stmt, int index, guint pixels)
{
  if (pixels > 0)
    sqlite3_bind_int64 (stmt, index, pixels);
  else
    sqlite3_bind_null (stmt, index);
}

/* Inserts the image inside the caller's transaction; returns its id, or 0. */
static gint64
insert_image (sqlite3 *db, gint64 issue_id, const char *name, GBytes *bytes, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autofree char *sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
  gsize size = 0;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  guint width = 0, height = 0;
  const char *mime = tftsr_image_sniff (data, size, &width, &height);
  int rc;

  g_assert (mime != NULL);
  stmt = tftsr_db_prepare (db,
                           "INSERT INTO image_attachments (issue_id, name, mime, size, sha256, "
                           " width, height, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                           error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, issue_id);
  tftsr_db_bind_text (stmt, 2, name);
  tftsr_db_bind_text (stmt, 3, mime);
  sqlite3_bind_int64 (stmt, 4, (sqlite3_int64) size);
  tftsr_db_bind_text (stmt, 5, sha256);
  bind_dimension (stmt, 6, width);
  bind_dimension (stmt, 7, height);
  sqlite3_bind_blob64 (stmt, 8, data, size, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
    {
      g_set_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_NOT_FOUND,
                   _ ("There is no incident %" G_GINT64_FORMAT), issue_id);
      return 0;
    }
  if (rc != SQLITE_DONE)
    {
      tftsr_db_set_error (error, db, rc, _ ("Could not store the image"));
      return 0;
    }
  return sqlite3_last_insert_rowid (db);
}

TftsrImage *
tftsr_store_add_image (TftsrStore *store, gint64 issue_id, const char *name, GBytes *bytes,
                       GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;
  g_autoptr (TftsrImage) image = NULL;
  gsize size = 0;
  const guint8 *data;
  gint64 id;

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  data = g_bytes_get_data (bytes, &size);
  if (!check_size (name, size, tftsr_store_get_image_max_size (store), error))
    return NULL;
  if (tftsr_image_sniff (data, size, NULL, NULL) == NULL)
    {
      g_set_error (error, TFTSR_IMAGE_ERROR, TFTSR_IMAGE_ERROR_UNSUPPORTED,
                   _ ("“%s” is not a PNG, JPEG, GIF or WebP image; only these formats can be "
                      "attached"),
                   name);
      return NULL;
    }
  if ((conn = tftsr_conn_acquire (store, error)) == NULL || !tftsr_db_begin (conn->db, error))
    return NULL;
  if ((id = insert_image (conn->db, issue_id, name, bytes, error)) == 0 ||
      (image = load_image (conn->db, id, error)) == NULL ||
      !tftsr_store_add_timeline (conn->db, issue_id, TFTSR_TIMELINE_IMAGE_ADDED, NULL, NULL, name,
                                 error) ||
      !audit (conn->db, "image.add", image, error) || !tftsr_db_commit (conn->db, error))
    {
      tftsr_db_rollback (conn->db);
      return NULL;
    }
  return g_steal_pointer (&image);
}

/* A cancellation stays one; anything else is READ, naming the file. */
static void
read_failed (GError **error, const char *path, GError *cause)
{
  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_propagate_error (error, g_error_copy (cause));
  else
    g_set_error (error, TFTSR_IMAGE_ERROR, TFTSR_IMAGE_ERROR_READ, _ ("Could not read “%s”: %s"),
                 path, cause->message);
}

/* Reads all of @input, failing once it holds more than @max_size bytes: never more than
 * @max_size + 1 are read, whatever the file has grown to since its size was checked. */
static GBytes *
read_bounded (GInputStream *input, const char *name, const char *path, guint64 max_size,
              guint64 size_hint, GCancellable *cancellable, GError **error)
{
  g_autoptr (GByteArray) data = g_byte_array_sized_new ((guint) MIN (size_hint, max_size) + 1);
  g_autoptr (GError) local = NULL;
  g_autofree char *most = NULL;

  while (data->len <= max_size)
    {
      guint old = data->len;
      gsize want = (gsize) MIN ((guint64) READ_BLOCK, max_size + 1 - old);
      gssize n;

      g_byte_array_set_size (data, old + want);
      n = g_input_stream_read (input, data->data + old, want, cancellable, &local);
      if (n < 0)
        {
          read_failed (error, path, local);
          return NULL;
        }
      g_byte_array_set_size (data, old + n);
      if (n == 0)
        return g_byte_array_free_to_bytes (g_steal_pointer (&data));
    }
  most = g_format_size (max_size);
  g_set_error (error, TFTSR_IMAGE_ERROR, TFTSR_IMAGE_ERROR_TOO_LARGE,
               _ ("“%s” is larger than %s, the most an image may be"), name, most);
  return NULL;
}

TftsrImage *
tftsr_store_add_image_file (TftsrStore *store, gint64 issue_id, GFile *file,
                            GCancellable *cancellable, GError **error)
{
  g_autoptr (GFileInputStream) input = NULL;
  g_autoptr (GFileInfo) info = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) local = NULL;
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  guint64 max_size, size;

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  name = g_file_get_basename (file);
  path = g_file_get_parse_name (file);
  max_size = tftsr_store_get_image_max_size (store);
  /* The size of what was opened, not of whatever the path names a moment later. */
  if ((input = g_file_read (file, cancellable, &local)) == NULL ||
      (info = g_file_input_stream_query_info (input, G_FILE_ATTRIBUTE_STANDARD_SIZE, cancellable,
                                              &local)) == NULL)
    {
      read_failed (error, path, local);
      return NULL;
    }
  size = (guint64) MAX (g_file_info_get_size (info), 0);
  if (!check_size (name, size, max_size, error) ||
      (bytes = read_bounded (G_INPUT_STREAM (input), name, path, max_size, size, cancellable,
                             error)) == NULL)
    return NULL;
  return tftsr_store_add_image (store, issue_id, name, bytes, error);
}

gboolean
tftsr_store_delete_image (TftsrStore *store, gint64 image_id, GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;
  g_autoptr (TftsrImage) image = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (TFTSR_IS_STORE (store), FALSE);
  if ((conn = tftsr_conn_acquire (store, error)) == NULL || !tftsr_db_begin (conn->db, error))
    return FALSE;
  if ((image = load_image (conn->db, image_id, error)) == NULL ||
      (stmt = tftsr_db_prepare (conn->db, "DELETE FROM image_attachments WHERE id = ?1", error)) ==
          NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, image_id);
  if (tftsr_db_step_done (stmt, _ ("Could not delete the image"), error) &&
      audit (conn->db, "image.delete", image, error) && tftsr_db_commit (conn->db, error))
    return TRUE;
fail:
  tftsr_db_rollback (conn->db);
  return FALSE;
}

gboolean
tftsr_store_acknowledge_image_pii (TftsrStore *store, gint64 image_id, GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;
  g_autoptr (TftsrImage) image = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (TFTSR_IS_STORE (store), FALSE);
  if ((conn = tftsr_conn_acquire (store, error)) == NULL || !tftsr_db_begin (conn->db, error))
    return FALSE;
  if ((image = load_image (conn->db, image_id, error)) == NULL)
    goto fail;
  /* Already acknowledged: the first time and its audit entry stand. */
  if (tftsr_image_get_pii_acknowledged_at (image) != NULL)
    {
      tftsr_db_rollback (conn->db);
      return TRUE;
    }
  stmt = tftsr_db_prepare (
      conn->db,
      "UPDATE image_attachments SET pii_acknowledged_at = " TFTSR_SQL_NOW " WHERE id = ?1", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, image_id);
  if (tftsr_db_step_done (stmt, _ ("Could not record the acknowledgement"), error) &&
      audit (conn->db, "image.pii-acknowledged", image, error) && tftsr_db_commit (conn->db, error))
    return TRUE;
fail:
  tftsr_db_rollback (conn->db);
  return FALSE;
}

/* --- in a worker --------------------------------------------------------------------------- */

typedef struct
{
  gint64 issue_id;
  GFile *file;   /* or: */
  GBytes *bytes; /* with its name */
  char *name;
  GCancellable *cancellable; /* the file is read in the worker */
} AddCall;

static void
add_call_free (AddCall *call)
{
  g_free (call->name);
  g_clear_pointer (&call->bytes, g_bytes_unref);
  g_clear_object (&call->file);
  g_clear_object (&call->cancellable);
  g_free (call);
}

static gpointer
add_call (TftsrStore *store, gpointer data, GError **error)
{
  AddCall *call = data;

  if (call->file != NULL)
    return tftsr_store_add_image_file (store, call->issue_id, call->file, call->cancellable, error);
  return tftsr_store_add_image (store, call->issue_id, call->name, call->bytes, error);
}

/* Both adds share one finish function and so one source tag. */
static void
run_add (TftsrStore *store, AddCall *call, GCancellable *cancellable, GAsyncReadyCallback callback,
         gpointer user_data)
{
  call->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  tftsr_store_run_async (store, tftsr_store_add_image_finish, add_call, call,
                         (GDestroyNotify) add_call_free, g_object_unref, cancellable, callback,
                         user_data);
}

void
tftsr_store_add_image_async (TftsrStore *store, gint64 issue_id, const char *name, GBytes *bytes,
                             GCancellable *cancellable, GAsyncReadyCallback callback,
                             gpointer user_data)
{
  AddCall *call;

  g_return_if_fail (TFTSR_IS_STORE (store));
  g_return_if_fail (name != NULL);
  g_return_if_fail (bytes != NULL);

  call = g_new0 (AddCall, 1);
  call->issue_id = issue_id;
  call->name = g_strdup (name);
  call->bytes = g_bytes_ref (bytes);
  run_add (store, call, cancellable, callback, user_data);
}

void
tftsr_store_add_image_file_async (TftsrStore *store, gint64 issue_id, GFile *file,
                                  GCancellable *cancellable, GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  AddCall *call;

  g_return_if_fail (TFTSR_IS_STORE (store));
  g_return_if_fail (G_IS_FILE (file));

  call = g_new0 (AddCall, 1);
  call->issue_id = issue_id;
  call->file = g_object_ref (file);
  run_add (store, call, cancellable, callback, user_data);
}

TftsrImage *
tftsr_store_add_image_finish (TftsrStore *store, GAsyncResult *result, GError **error)
{
  return tftsr_store_run_finish (store, result, tftsr_store_add_image_finish, error);
}

static gpointer
list_call (TftsrStore *store, gpointer issue_id, GError **error)
{
  return tftsr_store_list_images (store, *(gint64 *) issue_id, error);
}

void
tftsr_store_list_images_async (TftsrStore *store, gint64 issue_id, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (TFTSR_IS_STORE (store));
  tftsr_store_run_async (store, tftsr_store_list_images_async, list_call,
                         tftsr_store_id_new (issue_id), g_free, (GDestroyNotify) g_ptr_array_unref,
                         cancellable, callback, user_data);
}

GPtrArray *
tftsr_store_list_images_finish (TftsrStore *store, GAsyncResult *result, GError **error)
{
  return tftsr_store_run_finish (store, result, tftsr_store_list_images_async, error);
}

static gpointer
get_max_size_call (TftsrStore *store, gpointer unused, GError **error)
{
  return g_memdup2 ((guint64[]){ tftsr_store_get_image_max_size (store) }, sizeof (guint64));
}

void
tftsr_store_get_image_max_size_async (TftsrStore *store, GCancellable *cancellable,
                                      GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (TFTSR_IS_STORE (store));
  tftsr_store_run_async (store, tftsr_store_get_image_max_size_async, get_max_size_call, NULL, NULL,
                         g_free, cancellable, callback, user_data);
}

guint64
tftsr_store_get_image_max_size_finish (TftsrStore *store, GAsyncResult *result, GError **error)
{
  g_autofree guint64 *size =
      tftsr_store_run_finish (store, result, tftsr_store_get_image_max_size_async, error);
  return size != NULL ? *size : 0;
}

static gpointer
set_max_size_call (TftsrStore *store, gpointer size, GError **error)
{
  return tftsr_store_set_image_max_size (store, *(guint64 *) size, error) ? size : NULL;
}

void
tftsr_store_set_image_max_size_async (TftsrStore *store, guint64 max_size,
                                      GCancellable *cancellable, GAsyncReadyCallback callback,
                                      gpointer user_data)
{
  g_return_if_fail (TFTSR_IS_STORE (store));
  tftsr_store_run_async (store, tftsr_store_change_finish, set_max_size_call,
                         g_memdup2 (&max_size, sizeof max_size), g_free, NULL, cancellable,
                         callback, user_data);
}

static gpointer
get_call (TftsrStore *store, gpointer image_id, GError **error)
{
  return tftsr_store_get_image (store, *(gint64 *) image_id, error);
}

void
tftsr_store_get_image_async (TftsrStore *store, gint64 image_id, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (TFTSR_IS_STORE (store));
  tftsr_store_run_async (store, tftsr_store_get_image_async, get_call,
                         tftsr_store_id_new (image_id), g_free, g_object_unref, cancellable,
                         callback, user_data);
}

TftsrImage *
tftsr_store_get_image_finish (TftsrStore *store, GAsyncResult *result, GError **error)
{
  return tftsr_store_run_finish (store, result, tftsr_store_get_image_async, error);
}

static gpointer
bytes_call (TftsrStore *store, gpointer image_id, GError **error)
{
  return tftsr_store_get_image_bytes (store, *(gint64 *) image_id, error);
}

void
tftsr_store_get_image_bytes_async (TftsrStore *store, gint64 image_id, GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (TFTSR_IS_STORE (store));
  tftsr_store_run_async (store, tftsr_store_get_image_bytes_async, bytes_call,
                         tftsr_store_id_new (image_id), g_free, (GDestroyNotify) g_bytes_unref,
                         cancellable, callback, user_data);
}

GBytes *
tftsr_store_get_image_bytes_finish (TftsrStore *store, GAsyncResult *result, GError **error)
{
  return tftsr_store_run_finish (store, result, tftsr_store_get_image_bytes_async, error);
}

/* Results of calls that only succeed or fail, as tftsr_store_change_finish() takes them. */
#define DONE GINT_TO_POINTER (1)

static gpointer
delete_call (TftsrStore *store, gpointer image_id, GError **error)
{
  return tftsr_store_delete_image (store, *(gint64 *) image_id, error) ? DONE : NULL;
}

static gpointer
acknowledge_call (TftsrStore *store, gpointer image_id, GError **error)
{
  return tftsr_store_acknowledge_image_pii (store, *(gint64 *) image_id, error) ? DONE : NULL;
}

void
tftsr_store_delete_image_async (TftsrStore *store, gint64 image_id, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (TFTSR_IS_STORE (store));
  tftsr_store_run_async (store, tftsr_store_change_finish, delete_call,
                         tftsr_store_id_new (image_id), g_free, NULL, cancellable, callback,
                         user_data);
}

void
tftsr_store_acknowledge_image_pii_async (TftsrStore *store, gint64 image_id,
                                         GCancellable *cancellable, GAsyncReadyCallback callback,
                                         gpointer user_data)
{
  g_return_if_fail (TFTSR_IS_STORE (store));
  tftsr_store_run_async (store, tftsr_store_change_finish, acknowledge_call,
                         tftsr_store_id_new (image_id), g_free, NULL, cancellable, callback,
                         user_data);
}
