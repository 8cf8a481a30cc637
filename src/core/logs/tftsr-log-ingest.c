/* tftsr-log-ingest.c: streams a log into compressed chunks, scanning and mining it on
 * the way
 *
 *   reading thread: source ─▶ SHA-256 ─▶ (gunzip, bomb guard) ─▶ text ─┬▶ chunker ───┐
 *                                                                    └▶ PII stream ─┤
 *   tftsr-log-writer.c: a pool compresses chunks (zlib), a mining thread feeds them  │
 *   to the template miner; the writing thread stores them in order with their spans, │
 *   in transactions of about a tenth of a second ◀───────────────────────────────────┘
 *
 * A chunk goes to the writer once the PII stream has reported every span that starts in
 * it, with those spans: the miner masks them. The log stays in state 'ingesting'
 * (invisible) until the last write marks it 'ready' and stores its insight; on failure or
 * cancellation it is deleted with everything it wrote.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE /* memrchr */
#include <glib/gi18n-lib.h>
#include <openssl/evp.h>
#include <string.h>
#include <zlib.h>

#include "tftsr-log-private.h"
#include "tftsr-log-writer.h"
#include "tftsr-pii-private.h"
#include "tftsr-pii-values.h"

#define READ_BLOCK (256 * 1024)
#define PENDING_SIZE (TFTSR_LOG_CHUNK_SIZE + READ_BLOCK) /* a chunk and what a read adds */
#define BOMB_FLOOR (G_GUINT64_CONSTANT (64) << 20)

typedef struct
{
  const char *name;
  TftsrPiiScanner *scanner;
  TftsrLogWriter *writer;

  /* source: OpenSSL's SHA-256 (SHA-NI where present) is several times GLib's */
  EVP_MD_CTX *sha256;
  guint64 original_size;
  gboolean gzip;
  gboolean gzip_done;
  z_stream z;
  gboolean z_ready;

  /* text */
  GByteArray *pending; /* not yet in a chunk */
  guint64 text_size;
  guint64 newlines;
  gboolean last_was_newline;
  gboolean binary;

  /* chunks whose spans may not all be reported yet, and detections not yet handed to the
   * writer */
  GQueue held;
  TftsrPiiStream *pii;
  GArray *spans;
} Ingest;

static gboolean fail (GError **error, TftsrLogError code, const char *format, ...)
    G_GNUC_PRINTF (3, 4);

static gboolean
fail (GError **error, TftsrLogError code, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  g_propagate_error (error, g_error_new_valist (TFTSR_LOG_ERROR, code, format, args));
  va_end (args);
  return FALSE;
}

static void
on_span (const TftsrPiiSpan *span, const guint8 *value, gpointer user_data)
{
  Ingest *in = user_data;
  tftsr_pending_spans_add (in->spans, in->scanner, span, value);
}

/* Hands the held chunks that end at or before @horizon (before which every span is
 * reported) to the writer, each with the spans that start in it. */
static gboolean
release (Ingest *in, guint64 horizon, GError **error)
{
  TftsrLogChunk *chunk;

  while ((chunk = g_queue_peek_head (&in->held)) != NULL &&
         chunk->offset + chunk->length <= horizon)
    {
      GArray *spans = tftsr_pending_spans_take_before (in->spans, chunk->offset + chunk->length);

      g_queue_pop_head (&in->held);
      /* The writer's own error comes back from tftsr_log_writer_finish(). */
      if (!tftsr_log_writer_push (in->writer, chunk, spans))
        return fail (error, TFTSR_LOG_ERROR_READ, _ ("Could not store “%s”"), in->name);
    }
  return TRUE;
}

/* Where to cut @len bytes of text: after the last newline, else before a UTF-8 sequence
 * that would be split, else at @len. */
static gsize
cut_point (const guint8 *text, gsize len)
{
  const guint8 *newline = memrchr (text, '\n', len);
  gsize cut = len;

  if (newline != NULL)
    return newline - text + 1;
  for (guint back = 0; back < 3 && cut > 1 && (text[cut - 1] & 0xc0) == 0x80; back++)
    cut--;
  return (text[cut - 1] & 0xc0) == 0xc0 ? cut - 1 : len;
}

/* Hands the first @len bytes of pending text to the writer as a chunk. */
static gboolean
flush_chunk (Ingest *in, gsize len, GError **error)
{
  const guint8 *text = in->pending->data;
  TftsrLogChunk *chunk = g_new0 (TftsrLogChunk, 1);
  GByteArray *rest;

  chunk->offset = in->text_size - in->pending->len;
  chunk->length = len;
  chunk->first_line = in->newlines;
  for (const guint8 *p = text; (p = memchr (p, '\n', text + len - p)) != NULL; p++)
    chunk->newlines++;
  if (memchr (text, '\0', len) != NULL || !g_utf8_validate_len ((const char *) text, len, NULL))
    in->binary = TRUE;
  chunk->rows = chunk->newlines + (len > 0 && text[len - 1] != '\n');
  in->newlines += chunk->newlines;
  /* The chunk takes the pending buffer itself; only what follows its cut (less than a
   * line) is copied, to the next buffer. */
  rest = g_byte_array_sized_new (PENDING_SIZE);
  g_byte_array_append (rest, text + len, in->pending->len - len);
  g_byte_array_set_size (in->pending, len);
  chunk->text = g_byte_array_free_to_bytes (g_steal_pointer (&in->pending));
  in->pending = rest;
  g_queue_push_tail (&in->held, chunk);
  return TRUE;
}

/* Takes text: scans it, and writes every full chunk. */
static gboolean
take_text (Ingest *in, const guint8 *text, gsize len, GError **error)
{
  if (len == 0)
    return TRUE;
  in->text_size += len;
  in->last_was_newline = text[len - 1] == '\n';
  if (in->text_size > TFTSR_LOG_MAX_SIZE)
    return fail (error, TFTSR_LOG_ERROR_TOO_LARGE,
                 _ ("“%s” is larger than %u GiB, the most a log can hold"), in->name,
                 (guint) (TFTSR_LOG_MAX_SIZE >> 30));
  if (in->gzip && in->text_size > BOMB_FLOOR &&
      in->text_size / MAX (in->original_size, 1) > TFTSR_LOG_MAX_RATIO)
    return fail (error, TFTSR_LOG_ERROR_TOO_LARGE,
                 _ ("“%s” expands more than %u times when decompressed; it looks like a "
                    "decompression bomb and was not stored"),
                 in->name, TFTSR_LOG_MAX_RATIO);
  tftsr_pii_stream_feed (in->pii, text, len);
  g_byte_array_append (in->pending, text, len);
  while (in->pending->len >= TFTSR_LOG_CHUNK_SIZE)
    if (!flush_chunk (in, cut_point (in->pending->data, TFTSR_LOG_CHUNK_SIZE), error))
      return FALSE;
  return release (in, tftsr_pii_stream_get_horizon (in->pii), error);
}

static gboolean
inflate_block (Ingest *in, const guint8 *data, gsize len, GError **error)
{
  guint8 out[READ_BLOCK];

  in->z.next_in = (Bytef *) data;
  in->z.avail_in = (uInt) len;
  while (in->z.avail_in > 0 && !in->gzip_done)
    {
      int rc;

      in->z.next_out = out;
      in->z.avail_out = sizeof out;
      rc = inflate (&in->z, Z_NO_FLUSH);
      if (rc != Z_OK && rc != Z_STREAM_END && !(rc == Z_BUF_ERROR && in->z.avail_in == 0))
        return fail (error, TFTSR_LOG_ERROR_CORRUPT, _ ("“%s” is not a valid gzip file: %s"),
                     in->name, in->z.msg != NULL ? in->z.msg : _ ("damaged data"));
      if (!take_text (in, out, sizeof out - in->z.avail_out, error))
        return FALSE;
      if (rc == Z_STREAM_END)
        {
          /* Concatenated members continue; anything else after the end is ignored. */
          if (in->z.avail_in >= 2 && in->z.next_in[0] == 0x1f && in->z.next_in[1] == 0x8b)
            inflateReset (&in->z);
          else
            in->gzip_done = TRUE;
        }
    }
  return TRUE;
}

static gboolean
take_source (Ingest *in, const guint8 *data, gsize len, GError **error)
{
  if (in->original_size == 0 && len >= 2 && data[0] == 0x1f && data[1] == 0x8b)
    {
      in->gzip = TRUE;
      if (inflateInit2 (&in->z, 15 + 16) != Z_OK)
        return fail (error, TFTSR_LOG_ERROR_READ, _ ("Could not start decompressing “%s”"),
                     in->name);
      in->z_ready = TRUE;
    }
  EVP_DigestUpdate (in->sha256, data, len);
  in->original_size += len;
  return in->gzip ? inflate_block (in, data, len, error) : take_text (in, data, len, error);
}

static char *
digest_hex (EVP_MD_CTX *ctx)
{
  guint8 digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  GString *hex = g_string_new (NULL);

  EVP_DigestFinal_ex (ctx, digest, &len);
  for (unsigned int i = 0; i < len; i++)
    g_string_append_printf (hex, "%02x", digest[i]);
  return g_string_free (hex, FALSE);
}

/* How much of the source is done: as much as the miner, the last stage, has taken of the
 * text read so far. */
static guint64
source_done (Ingest *in)
{
  guint64 mined = tftsr_log_writer_get_mined (in->writer);

  if (in->text_size == 0)
    return 0;
  return (guint64) ((double) in->original_size * (double) mined / (double) in->text_size);
}

static gboolean
read_all (Ingest *in, GInputStream *input, guint64 size_hint, TftsrProgressFunc progress,
          gpointer progress_data, GCancellable *cancellable, GError **error)
{
  g_autofree guint8 *block = g_malloc (READ_BLOCK);

  for (;;)
    {
      g_autoptr (GError) read_error = NULL;
      gssize n = g_input_stream_read (input, block, READ_BLOCK, cancellable, &read_error);

      if (n < 0)
        {
          if (g_error_matches (read_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            g_propagate_error (error, g_steal_pointer (&read_error));
          else
            fail (error, TFTSR_LOG_ERROR_READ, _ ("Could not read “%s”: %s"), in->name,
                  read_error->message);
          return FALSE;
        }
      if (n == 0)
        break;
      if (!take_source (in, block, (gsize) n, error))
        return FALSE;
      if (progress != NULL)
        progress (source_done (in), size_hint, progress_data);
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
    }
  if (in->gzip && !in->gzip_done)
    return fail (error, TFTSR_LOG_ERROR_CORRUPT,
                 _ ("“%s” is a truncated gzip file; nothing was stored"), in->name);
  return TRUE;
}

/* The end of the text: the last chunk, the remaining spans, the totals. */
static gint64
finish (Ingest *in, GError **error)
{
  g_autofree char *sha256 = digest_hex (in->sha256);
  TftsrLogTotals totals = {
    in->gzip ? "gzip" : "none", in->original_size, sha256, in->text_size, 0, FALSE
  };

  tftsr_pii_stream_finish (in->pii);
  in->pii = NULL;
  if ((in->pending->len > 0 && !flush_chunk (in, in->pending->len, error)) ||
      !release (in, G_MAXUINT64, error))
    return 0;
  totals.line_count = in->newlines + (in->text_size > 0 && !in->last_was_newline);
  totals.binary = in->binary;
  return tftsr_log_writer_finish (in->writer, &totals, error);
}

TftsrLogFile *
tftsr_store_add_log (TftsrStore *store, gint64 issue_id, GInputStream *input, const char *name,
                     guint64 size_hint, TftsrPiiScanner *scanner, TftsrProgressFunc progress,
                     gpointer progress_data, GCancellable *cancellable, GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;
  g_autoptr (GError) read_error = NULL;
  Ingest in = { 0 };
  gint64 log_id = 0;

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);
  g_return_val_if_fail (G_IS_INPUT_STREAM (input), NULL);
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (TFTSR_IS_PII_SCANNER (scanner), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if ((conn = tftsr_conn_acquire (store, error)) == NULL ||
      (in.writer = tftsr_log_writer_new (conn->db, issue_id, name, error)) == NULL)
    return NULL;
  in.name = name;
  in.scanner = scanner;
  in.pending = g_byte_array_sized_new (PENDING_SIZE);
  g_queue_init (&in.held);
  in.spans = tftsr_pending_spans_new ();
  in.last_was_newline = TRUE;
  in.sha256 = EVP_MD_CTX_new ();
  EVP_DigestInit_ex (in.sha256, EVP_sha256 (), NULL);
  in.pii = tftsr_pii_stream_new (scanner, on_span, &in);

  if (read_all (&in, input, size_hint, progress, progress_data, cancellable, &read_error))
    log_id = finish (&in, error);
  else
    g_propagate_error (error, g_steal_pointer (&read_error));
  if (log_id == 0)
    tftsr_log_writer_abort (in.writer);
  tftsr_log_writer_free (in.writer);
  if (in.z_ready)
    inflateEnd (&in.z);
  g_clear_pointer (&in.pii, tftsr_pii_stream_free);
  g_queue_clear_full (&in.held, (GDestroyNotify) tftsr_log_chunk_free);
  g_array_unref (in.spans);
  g_byte_array_unref (in.pending);
  EVP_MD_CTX_free (in.sha256);
  if (log_id == 0)
    return NULL;
  /* Mined and stored: the whole source is done. */
  if (progress != NULL)
    progress (in.original_size, size_hint, progress_data);
  return tftsr_log_load (conn->db, log_id, error);
}

TftsrLogFile *
tftsr_store_add_log_file (TftsrStore *store, gint64 issue_id, GFile *file, TftsrPiiScanner *scanner,
                          TftsrProgressFunc progress, gpointer progress_data,
                          GCancellable *cancellable, GError **error)
{
  g_autoptr (GFileInputStream) input = NULL;
  g_autoptr (GFileInfo) info = NULL;
  g_autoptr (GError) local = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  name = g_file_get_basename (file);
  if ((input = g_file_read (file, cancellable, &local)) == NULL)
    {
      g_set_error (error, TFTSR_LOG_ERROR, TFTSR_LOG_ERROR_READ, _ ("Could not read “%s”: %s"),
                   name, local->message);
      return NULL;
    }
  info = g_file_input_stream_query_info (input, G_FILE_ATTRIBUTE_STANDARD_SIZE, cancellable, NULL);
  return tftsr_store_add_log (store, issue_id, G_INPUT_STREAM (input), name,
                              info != NULL ? (guint64) g_file_info_get_size (info) : 0, scanner,
                              progress, progress_data, cancellable, error);
}

/* --- in a worker ------------------------------------------------------------------------- */

typedef struct
{
  gint64 issue_id;
  GFile *file;         /* or: */
  GInputStream *input; /* with its name */
  char *name;
  TftsrPiiScanner *scanner;
  TftsrProgressRelay relay;
} AddLogData;

static void
add_log_data_free (AddLogData *data)
{
  g_clear_object (&data->file);
  g_clear_object (&data->input);
  g_free (data->name);
  g_object_unref (data->scanner);
  tftsr_progress_relay_clear (&data->relay);
  g_free (data);
}

static void
add_log_in_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  AddLogData *data = task_data;
  TftsrProgressFunc progress = tftsr_progress_relay_func (&data->relay);
  GError *error = NULL;
  TftsrLogFile *log;

  if (data->file != NULL)
    log = tftsr_store_add_log_file (TFTSR_STORE (source), data->issue_id, data->file, data->scanner,
                                    progress, &data->relay, cancellable, &error);
  else
    log = tftsr_store_add_log (TFTSR_STORE (source), data->issue_id, data->input, data->name, 0,
                               data->scanner, progress, &data->relay, cancellable, &error);

  if (log == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, log, g_object_unref);
}

static void
run_add_log (TftsrStore *store, AddLogData *data, TftsrPiiScanner *scanner,
             TftsrProgressFunc progress, gpointer progress_data, GCancellable *cancellable,
             GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (store, cancellable, callback, user_data);

  data->scanner = g_object_ref (scanner);
  tftsr_progress_relay_init (&data->relay, progress, progress_data);
  g_task_set_source_tag (task, tftsr_store_add_log_async);
  g_task_set_task_data (task, data, (GDestroyNotify) add_log_data_free);
  g_task_run_in_thread (task, add_log_in_thread);
}

void
tftsr_store_add_log_file_async (TftsrStore *store, gint64 issue_id, GFile *file,
                                TftsrPiiScanner *scanner, TftsrProgressFunc progress,
                                gpointer progress_data, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data)
{
  AddLogData *data;

  g_return_if_fail (TFTSR_IS_STORE (store));
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (TFTSR_IS_PII_SCANNER (scanner));

  data = g_new0 (AddLogData, 1);
  data->issue_id = issue_id;
  data->file = g_object_ref (file);
  run_add_log (store, data, scanner, progress, progress_data, cancellable, callback, user_data);
}

void
tftsr_store_add_log_async (TftsrStore *store, gint64 issue_id, GInputStream *input,
                           const char *name, TftsrPiiScanner *scanner, TftsrProgressFunc progress,
                           gpointer progress_data, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  AddLogData *data;

  g_return_if_fail (TFTSR_IS_STORE (store));
  g_return_if_fail (G_IS_INPUT_STREAM (input));
  g_return_if_fail (name != NULL);
  g_return_if_fail (TFTSR_IS_PII_SCANNER (scanner));

  data = g_new0 (AddLogData, 1);
  data->issue_id = issue_id;
  data->input = g_object_ref (input);
  data->name = g_strdup (name);
  run_add_log (store, data, scanner, progress, progress_data, cancellable, callback, user_data);
}

TftsrLogFile *
tftsr_store_add_log_finish (TftsrStore *store, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
