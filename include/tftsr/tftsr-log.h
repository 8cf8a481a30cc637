/* tftsr-log.h: logs attached to incidents: streaming ingest into compressed chunks, re-scans,
 * reading back whole, by line, or redacted
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tftsr-pii.h"
#include "tftsr-store.h"

G_BEGIN_DECLS

#define TFTSR_LOG_ERROR (tftsr_log_error_quark ())
GQuark tftsr_log_error_quark (void);

typedef enum
{
  TFTSR_LOG_ERROR_READ,      /* the source could not be read */
  TFTSR_LOG_ERROR_CORRUPT,   /* a .gz that is damaged or truncated */
  TFTSR_LOG_ERROR_TOO_LARGE, /* over the size cap, or a decompression bomb */
  TFTSR_LOG_ERROR_NOT_FOUND,
} TftsrLogError;

/* Decompressed .gz input may not exceed this many bytes, nor grow beyond
 * TFTSR_LOG_MAX_RATIO times its compressed size once past 64 MiB. */
#define TFTSR_LOG_MAX_SIZE (G_GUINT64_CONSTANT (16) << 30)
#define TFTSR_LOG_MAX_RATIO 250

#define TFTSR_TYPE_LOG_FILE (tftsr_log_file_get_type ())
G_DECLARE_FINAL_TYPE (TftsrLogFile, tftsr_log_file, TFTSR, LOG_FILE, GObject)

gint64 tftsr_log_file_get_id (TftsrLogFile *self);
gint64 tftsr_log_file_get_issue_id (TftsrLogFile *self);
const char *tftsr_log_file_get_name (TftsrLogFile *self);
/* "none" or "gzip": how the source was stored. */
const char *tftsr_log_file_get_compression (TftsrLogFile *self);
/* Bytes read from the source, and their SHA-256 (hex). */
guint64 tftsr_log_file_get_original_size (TftsrLogFile *self);
const char *tftsr_log_file_get_sha256 (TftsrLogFile *self);
/* Bytes of text stored (after decompression) and lines in it. */
guint64 tftsr_log_file_get_size (TftsrLogFile *self);
guint64 tftsr_log_file_get_line_count (TftsrLogFile *self);
/* Whether NUL bytes or invalid UTF-8 were seen (shown with replacement characters). */
gboolean tftsr_log_file_get_binary (TftsrLogFile *self);
guint tftsr_log_file_get_pii_count (TftsrLogFile *self);
const char *tftsr_log_file_get_created_at (TftsrLogFile *self);

/* Reads @input to its end into a new log of incident @issue_id: compressed chunks,
 * SHA-256 of the bytes read, .gz decompressed on the fly (with the bomb guard), and every
 * span @scanner finds with its pseudonym. Memory stays constant whatever the size. A
 * failed or cancelled ingest leaves nothing behind. Once stored, the log is mined into
 * templates (tftsr-log-insight.h); a failure or cancellation then leaves the log stored
 * and its templates to be mined when first asked for. */
TftsrLogFile *tftsr_store_add_log (TftsrStore *store, gint64 issue_id, GInputStream *input,
                                   const char *name, guint64 size_hint, TftsrPiiScanner *scanner,
                                   TftsrProgressFunc progress, gpointer progress_data,
                                   GCancellable *cancellable, GError **error);
TftsrLogFile *tftsr_store_add_log_file (TftsrStore *store, gint64 issue_id, GFile *file,
                                        TftsrPiiScanner *scanner, TftsrProgressFunc progress,
                                        gpointer progress_data, GCancellable *cancellable,
                                        GError **error);
/* In a worker; @progress is called on the caller's main context (at most ~10 times/s).
 * Both finish with tftsr_store_add_log_finish(). */
void tftsr_store_add_log_file_async (TftsrStore *store, gint64 issue_id, GFile *file,
                                     TftsrPiiScanner *scanner, TftsrProgressFunc progress,
                                     gpointer progress_data, GCancellable *cancellable,
                                     GAsyncReadyCallback callback, gpointer user_data);
void tftsr_store_add_log_async (TftsrStore *store, gint64 issue_id, GInputStream *input,
                                const char *name, TftsrPiiScanner *scanner,
                                TftsrProgressFunc progress, gpointer progress_data,
                                GCancellable *cancellable, GAsyncReadyCallback callback,
                                gpointer user_data);
TftsrLogFile *tftsr_store_add_log_finish (TftsrStore *store, GAsyncResult *result, GError **error);

TftsrLogFile *tftsr_store_get_log (TftsrStore *store, gint64 log_id, GError **error);
GPtrArray *tftsr_store_list_logs (TftsrStore *store, gint64 issue_id, GError **error);
gboolean tftsr_store_delete_log (TftsrStore *store, gint64 log_id, GError **error);
void tftsr_store_get_log_async (TftsrStore *store, gint64 log_id, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data);
TftsrLogFile *tftsr_store_get_log_finish (TftsrStore *store, GAsyncResult *result, GError **error);
void tftsr_store_list_logs_async (TftsrStore *store, gint64 issue_id, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data);
GPtrArray *tftsr_store_list_logs_finish (TftsrStore *store, GAsyncResult *result, GError **error);
/* Finishes with tftsr_store_change_finish(). */
void tftsr_store_delete_log_async (TftsrStore *store, gint64 log_id, GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data);

/* Scans a stored log again with @scanner (NULL: the one the stored detection settings
 * describe) and replaces the spans earlier scans found with what it finds. The engineer's
 * work survives: spans marked by hand stay (a found span overlapping one gives way), a
 * value found again keeps its pseudonym and its release decision, a new one gets the next
 * number. The chunks are read one at a time (memory stays constant); the new span set
 * replaces the old one at once at the end, so a failed or cancelled re-scan changes
 * nothing. @progress gets bytes scanned and the log's size. */
gboolean tftsr_store_rescan_log (TftsrStore *store, gint64 log_id, TftsrPiiScanner *scanner,
                                 TftsrProgressFunc progress, gpointer progress_data,
                                 GCancellable *cancellable, GError **error);
/* The same for every log of incident @issue_id, all or nothing; @progress counts the
 * bytes of all its logs. */
gboolean tftsr_store_rescan_issue (TftsrStore *store, gint64 issue_id, TftsrPiiScanner *scanner,
                                   TftsrProgressFunc progress, gpointer progress_data,
                                   GCancellable *cancellable, GError **error);
/* In a worker; @progress is called on the caller's main context (at most ~10 times/s).
 * Both finish with tftsr_store_rescan_finish(). */
void tftsr_store_rescan_log_async (TftsrStore *store, gint64 log_id, TftsrPiiScanner *scanner,
                                   TftsrProgressFunc progress, gpointer progress_data,
                                   GCancellable *cancellable, GAsyncReadyCallback callback,
                                   gpointer user_data);
void tftsr_store_rescan_issue_async (TftsrStore *store, gint64 issue_id, TftsrPiiScanner *scanner,
                                     TftsrProgressFunc progress, gpointer progress_data,
                                     GCancellable *cancellable, GAsyncReadyCallback callback,
                                     gpointer user_data);
gboolean tftsr_store_rescan_finish (TftsrStore *store, GAsyncResult *result, GError **error);

/* Writes the log's text; redacted, every detected value the engineer did not release is
 * replaced by its pseudonym token (<EMAIL_2>). */
gboolean tftsr_store_write_log (TftsrStore *store, gint64 log_id, gboolean redacted,
                                GOutputStream *output, GCancellable *cancellable, GError **error);

G_END_DECLS
