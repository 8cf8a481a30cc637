/* tftsr-log-file.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "tftsr-log-private.h"

struct _TftsrLogFile
{
  GObject parent_instance;

  gint64 id;
  gint64 issue_id;
  char *name;
  char *compression;
  guint64 original_size;
  char *sha256;
  guint64 size;
  guint64 line_count;
  gboolean binary;
  guint pii_count;
  char *created_at;
};

G_DEFINE_FINAL_TYPE (TftsrLogFile, tftsr_log_file, G_TYPE_OBJECT)
G_DEFINE_QUARK (tftsr - log - error - quark, tftsr_log_error)

static void
tftsr_log_file_finalize (GObject *object)
{
  TftsrLogFile *self = TFTSR_LOG_FILE (object);

  g_free (self->name);
  g_free (self->compression);
  g_free (self->sha256);
  g_free (self->created_at);
  G_OBJECT_CLASS (tftsr_log_file_parent_class)->finalize (object);
}

static void
tftsr_log_file_class_init (TftsrLogFileClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tftsr_log_file_finalize;
}

static void
tftsr_log_file_init (TftsrLogFile *self)
{
}

/* Columns, in this order: id, issue_id, name, compression, original_size, sha256, size,
 * line_count, binary, created_at, and the span count. */
TftsrLogFile *
tftsr_log_file_new_from_row (sqlite3_stmt *stmt)
{
  TftsrLogFile *self = g_object_new (TFTSR_TYPE_LOG_FILE, NULL);

  self->id = sqlite3_column_int64 (stmt, 0);
  self->issue_id = sqlite3_column_int64 (stmt, 1);
  self->name = g_strdup (tftsr_db_text (stmt, 2));
  self->compression = g_strdup (tftsr_db_text (stmt, 3));
  self->original_size = sqlite3_column_int64 (stmt, 4);
  self->sha256 = g_strdup (tftsr_db_text (stmt, 5));
  self->size = sqlite3_column_int64 (stmt, 6);
  self->line_count = sqlite3_column_int64 (stmt, 7);
  self->binary = sqlite3_column_int (stmt, 8) != 0;
  self->created_at = g_strdup (tftsr_db_text (stmt, 9));
  self->pii_count = sqlite3_column_int (stmt, 10);
  return self;
}

#define GETTER(type, name, fallback)                                                               \
  type tftsr_log_file_get_##name (TftsrLogFile *self)                                              \
  {                                                                                                \
    g_return_val_if_fail (TFTSR_IS_LOG_FILE (self), fallback);                                     \
    return self->name;                                                                             \
  }

GETTER (gint64, id, 0)
GETTER (gint64, issue_id, 0)
GETTER (guint64, original_size, 0)
GETTER (guint64, size, 0)
GETTER (guint64, line_count, 0)
GETTER (gboolean, binary, FALSE)
GETTER (guint, pii_count, 0)

const char *
tftsr_log_file_get_name (TftsrLogFile *self)
{
  g_return_val_if_fail (TFTSR_IS_LOG_FILE (self), NULL);
  return self->name;
}

const char *
tftsr_log_file_get_compression (TftsrLogFile *self)
{
  g_return_val_if_fail (TFTSR_IS_LOG_FILE (self), NULL);
  return self->compression;
}

const char *
tftsr_log_file_get_sha256 (TftsrLogFile *self)
{
  g_return_val_if_fail (TFTSR_IS_LOG_FILE (self), NULL);
  return self->sha256;
}

const char *
tftsr_log_file_get_created_at (TftsrLogFile *self)
{
  g_return_val_if_fail (TFTSR_IS_LOG_FILE (self), NULL);
  return self->created_at;
}
