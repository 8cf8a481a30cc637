/* tftsr-log-lines.c: lines of a stored log, loaded a chunk at a time in a worker
 *
 * get_item() never touches the database: a line whose chunk is not in memory is handed
 * out empty and filled (its "text" notified) when the worker has read the chunk. The
 * last few chunks stay decoded, with their line starts and detections.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>
#include <string.h>

#include "tftsr-log-lines.h"
#include "tftsr-log-private.h"

#define CHUNKS_KEPT 8

/* --- one line -------------------------------------------------------------------------- */

struct _TftsrLogLine
{
  GObject parent_instance;
  guint number;
  char *text;
  GArray *spans;  /* TftsrLogLineSpan */
  guint64 offset; /* of the line's first byte in the log */
  gboolean exact; /* the text is the log's bytes unchanged */
};

G_DEFINE_FINAL_TYPE (TftsrLogLine, tftsr_log_line, G_TYPE_OBJECT)

enum
{
  LINE_PROP_0,
  LINE_PROP_TEXT,
  LINE_N_PROPS
};

static GParamSpec *line_properties[LINE_N_PROPS];

static void
tftsr_log_line_finalize (GObject *object)
{
  TftsrLogLine *self = TFTSR_LOG_LINE (object);

  g_free (self->text);
  g_clear_pointer (&self->spans, g_array_unref);
  G_OBJECT_CLASS (tftsr_log_line_parent_class)->finalize (object);
}

static void
tftsr_log_line_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  switch (prop_id)
    {
    case LINE_PROP_TEXT:
      g_value_set_string (value, TFTSR_LOG_LINE (object)->text);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tftsr_log_line_class_init (TftsrLogLineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tftsr_log_line_finalize;
  object_class->get_property = tftsr_log_line_get_property;
  line_properties[LINE_PROP_TEXT] =
      g_param_spec_string ("text", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, LINE_N_PROPS, line_properties);
}

static void
tftsr_log_line_init (TftsrLogLine *self)
{
}

guint
tftsr_log_line_get_number (TftsrLogLine *self)
{
  g_return_val_if_fail (TFTSR_IS_LOG_LINE (self), 0);
  return self->number;
}

const char *
tftsr_log_line_get_text (TftsrLogLine *self)
{
  g_return_val_if_fail (TFTSR_IS_LOG_LINE (self), NULL);
  return self->text;
}

const TftsrLogLineSpan *
tftsr_log_line_get_spans (TftsrLogLine *self, guint *n_spans)
{
  g_return_val_if_fail (TFTSR_IS_LOG_LINE (self), NULL);
  *n_spans = self->spans != NULL ? self->spans->len : 0;
  return self->spans != NULL ? (const TftsrLogLineSpan *) self->spans->data : NULL;
}

gboolean
tftsr_log_line_get_log_range (TftsrLogLine *self, guint start, guint end, guint64 *log_start,
                              guint64 *log_end)
{
  g_return_val_if_fail (TFTSR_IS_LOG_LINE (self), FALSE);
  if (!self->exact || self->text == NULL || start >= end || end > strlen (self->text))
    return FALSE;
  *log_start = self->offset + start;
  *log_end = self->offset + end;
  return TRUE;
}

/* --- chunks -------------------------------------------------------------------------- */

typedef struct
{
  guint64 offset;
  guint64 length;
  guint rows;
  guint first_row;
} ChunkInfo;

typedef struct
{
  guint64 start;
  guint64 end;
  const char *type; /* interned */
  gint64 token;
  gboolean released;
} SpanInfo;

typedef struct
{
  guint seq;
  GBytes *text;
  GArray *line_starts; /* guint32, one per row */
  GArray *spans;       /* SpanInfo by start, absolute offsets */
} ChunkData;

static void
chunk_data_free (ChunkData *chunk)
{
  g_bytes_unref (chunk->text);
  g_array_unref (chunk->line_starts);
  g_array_unref (chunk->spans);
  g_free (chunk);
}

struct _TftsrLogLines
{
  GObject parent_instance;

  TftsrStore *store;
  gint64 log_id;
  GArray *chunks; /* ChunkInfo */
  guint n_rows;
  gboolean redacted;
  GHashTable *loaded;  /* seq -> ChunkData */
  GQueue recent;       /* seqs, most recent first */
  GHashTable *waiting; /* seq -> GPtrArray of TftsrLogLine to fill */
  GCancellable *cancellable;
  GArray *subset; /* guint32 line numbers shown, ascending; NULL: every line. Never changed
                   * once set, so a find in a worker can hold it. */
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TftsrLogLines, tftsr_log_lines, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

/* Appends @len bytes as valid UTF-8: invalid bytes and NULs (which would cut a label
 * short) become U+FFFD. Returns whether the bytes were appended unchanged. */
static gboolean
append_valid (GString *out, const guint8 *bytes, gsize len)
{
  const char *p = (const char *) bytes, *end = p + len;
  gboolean unchanged = TRUE;

  while (p < end)
    {
      const char *bad = NULL;

      if (g_utf8_validate_len (p, end - p, &bad))
        {
          g_string_append_len (out, p, end - p);
          break;
        }
      g_string_append_len (out, p, bad - p);
      g_string_append (out, "\xef\xbf\xbd");
      unchanged = FALSE;
      p = bad + 1;
    }
  return unchanged;
}

/* Fills @line from the chunk: its text (redacted or not) and detections. */
static void
fill_line (TftsrLogLines *self, TftsrLogLine *line, const ChunkData *chunk, guint row)
{
  const ChunkInfo *info = &g_array_index (self->chunks, ChunkInfo, chunk->seq);
  gsize size = 0;
  const guint8 *text = g_bytes_get_data (chunk->text, &size);
  guint32 start = g_array_index (chunk->line_starts, guint32, row);
  guint32 end = row + 1 < chunk->line_starts->len
                    ? g_array_index (chunk->line_starts, guint32, row + 1)
                    : (guint32) size;
  guint64 abs_start, abs_end, pos;
  g_autoptr (GString) out = g_string_new (NULL);
  gboolean exact = !self->redacted;

  while (end > start && (text[end - 1] == '\n' || text[end - 1] == '\r'))
    end--;
  abs_start = info->offset + start;
  abs_end = info->offset + end;
  pos = abs_start;
  line->spans = g_array_new (FALSE, FALSE, sizeof (TftsrLogLineSpan));
  for (guint i = 0; i < chunk->spans->len; i++)
    {
      const SpanInfo *s = &g_array_index (chunk->spans, SpanInfo, i);
      TftsrLogLineSpan shown;
      guint64 from = MAX (s->start, pos), to = MIN (s->end, abs_end);

      if (s->end <= pos || from >= to)
        continue;
      if (s->start >= abs_end)
        break;
      exact &= append_valid (out, text + (pos - info->offset), from - pos);
      shown.start = out->len;
      shown.type = s->type;
      if (self->redacted && !s->released)
        {
          if (s->start >= abs_start)
            g_string_append_printf (out, "<%s_%" G_GINT64_FORMAT ">", s->type, s->token);
        }
      else
        exact &= append_valid (out, text + (from - info->offset), to - from);
      shown.end = out->len;
      if (shown.end > shown.start)
        g_array_append_val (line->spans, shown);
      pos = to;
    }
  if (abs_end > pos)
    exact &= append_valid (out, text + (pos - info->offset), abs_end - pos);
  line->offset = abs_start;
  line->exact = exact;
  line->text = g_string_free (g_steal_pointer (&out), FALSE);
}

static guint
chunk_for_row (TftsrLogLines *self, guint row)
{
  guint lo = 0, hi = self->chunks->len;

  while (hi - lo > 1)
    {
      guint mid = (lo + hi) / 2;
      if (g_array_index (self->chunks, ChunkInfo, mid).first_row <= row)
        lo = mid;
      else
        hi = mid;
    }
  return lo;
}

/* The byte offset of each line of a chunk (guint32). */
static GArray *
line_starts_of (GBytes *bytes)
{
  gsize size = 0;
  const guint8 *text = g_bytes_get_data (bytes, &size);
  GArray *starts = g_array_new (FALSE, FALSE, sizeof (guint32));

  for (guint32 i = 0; i < size; i++)
    if (i == 0 || text[i - 1] == '\n')
      g_array_append_val (starts, i);
  return starts;
}

/* Reads a chunk and its detections (in a worker). */
static ChunkData *
read_chunk (TftsrStore *store, gint64 log_id, guint seq, const ChunkInfo *info, GError **error)
{
  g_autoptr (TftsrConn) conn = tftsr_conn_acquire (store, error);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  ChunkData *chunk;

  if (conn == NULL)
    return NULL;
  chunk = g_new0 (ChunkData, 1);
  chunk->seq = seq;
  chunk->line_starts = g_array_new (FALSE, FALSE, sizeof (guint32));
  chunk->spans = g_array_new (FALSE, FALSE, sizeof (SpanInfo));
  if ((chunk->text = tftsr_log_read_range (conn->db, log_id, info->offset, info->length, error)) ==
          NULL ||
      (stmt = tftsr_db_prepare (conn->db,
                                "SELECT s.start, s.\"end\", v.type, v.token_index, "
                                " v.released OR coalesce(d.released, 0) "
                                "FROM pii_spans s JOIN pii_values v ON v.id = s.value_id "
                                "LEFT JOIN pii_type_decisions d "
                                " ON d.issue_id = v.issue_id AND d.type = v.type "
                                "WHERE s.log_id = ?1 AND s.start >= ?2 AND s.start < ?3 "
                                "ORDER BY s.start",
                                error)) == NULL)
    {
      chunk_data_free (chunk);
      return NULL;
    }
  g_array_unref (chunk->line_starts);
  chunk->line_starts = line_starts_of (chunk->text);
  sqlite3_bind_int64 (stmt, 1, log_id);
  sqlite3_bind_int64 (stmt, 2, info->offset);
  sqlite3_bind_int64 (stmt, 3, info->offset + info->length);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      SpanInfo span = { sqlite3_column_int64 (stmt, 0), sqlite3_column_int64 (stmt, 1),
                        g_intern_string (tftsr_db_text (stmt, 2)), sqlite3_column_int64 (stmt, 3),
                        sqlite3_column_int (stmt, 4) != 0 };
      g_array_append_val (chunk->spans, span);
    }
  return chunk;
}

typedef struct
{
  gint64 log_id;
  guint seq;
  ChunkInfo info;
} ChunkJob;

static void
read_chunk_in_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  ChunkJob *job = task_data;
  GError *error = NULL;
  ChunkData *chunk =
      read_chunk (TFTSR_LOG_LINES (source)->store, job->log_id, job->seq, &job->info, &error);

  if (chunk == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, chunk, (GDestroyNotify) chunk_data_free);
}

static void
keep_chunk (TftsrLogLines *self, ChunkData *chunk)
{
  g_hash_table_replace (self->loaded, GUINT_TO_POINTER (chunk->seq), chunk);
  g_queue_push_head (&self->recent, GUINT_TO_POINTER (chunk->seq));
  while (g_queue_get_length (&self->recent) > CHUNKS_KEPT)
    g_hash_table_remove (self->loaded, g_queue_pop_tail (&self->recent));
}

static void
chunk_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  TftsrLogLines *self = TFTSR_LOG_LINES (source);
  guint seq = GPOINTER_TO_UINT (user_data);
  g_autoptr (GError) error = NULL;
  ChunkData *chunk = g_task_propagate_pointer (G_TASK (result), &error);
  GPtrArray *lines;

  /* Cancelled reads belong to a view that was dropped (reload or dispose); lines now
   * waiting for this chunk wait for a newer read. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (chunk == NULL)
    {
      g_warning ("Could not read part of log %" G_GINT64_FORMAT ": %s", self->log_id,
                 error->message);
      g_hash_table_remove (self->waiting, GUINT_TO_POINTER (seq));
      return;
    }
  keep_chunk (self, chunk);
  lines = g_hash_table_lookup (self->waiting, GUINT_TO_POINTER (seq));
  for (guint i = 0; lines != NULL && i < lines->len; i++)
    {
      TftsrLogLine *line = g_ptr_array_index (lines, i);
      const ChunkInfo *info = &g_array_index (self->chunks, ChunkInfo, seq);

      fill_line (self, line, chunk, line->number - 1 - info->first_row);
      g_object_notify_by_pspec (G_OBJECT (line), line_properties[LINE_PROP_TEXT]);
    }
  g_hash_table_remove (self->waiting, GUINT_TO_POINTER (seq));
}

static void
load_chunk (TftsrLogLines *self, guint seq)
{
  g_autoptr (GTask) task = g_task_new (self, self->cancellable, chunk_read, GUINT_TO_POINTER (seq));
  ChunkJob *job = g_new0 (ChunkJob, 1);

  job->log_id = self->log_id;
  job->seq = seq;
  job->info = g_array_index (self->chunks, ChunkInfo, seq);
  g_task_set_task_data (task, job, g_free);
  g_task_run_in_thread (task, read_chunk_in_thread);
}

/* --- the list model ------------------------------------------------------------------------ */

static GType
get_item_type (GListModel *model)
{
  return TFTSR_TYPE_LOG_LINE;
}

static guint
n_items (TftsrLogLines *self)
{
  return self->subset != NULL ? self->subset->len : self->n_rows;
}

static guint
get_n_items (GListModel *model)
{
  return n_items (TFTSR_LOG_LINES (model));
}

static gpointer
get_item (GListModel *model, guint position)
{
  TftsrLogLines *self = TFTSR_LOG_LINES (model);
  TftsrLogLine *line;
  ChunkData *chunk;
  GPtrArray *waiting;
  guint seq, row;

  if (position >= n_items (self))
    return NULL;
  row = self->subset != NULL ? g_array_index (self->subset, guint32, position) - 1 : position;
  line = g_object_new (TFTSR_TYPE_LOG_LINE, NULL);
  line->number = row + 1;
  seq = chunk_for_row (self, row);
  chunk = g_hash_table_lookup (self->loaded, GUINT_TO_POINTER (seq));
  if (chunk != NULL)
    {
      fill_line (self, line, chunk, row - g_array_index (self->chunks, ChunkInfo, seq).first_row);
      return line;
    }
  waiting = g_hash_table_lookup (self->waiting, GUINT_TO_POINTER (seq));
  if (waiting == NULL)
    {
      waiting = g_ptr_array_new_with_free_func (g_object_unref);
      g_hash_table_insert (self->waiting, GUINT_TO_POINTER (seq), waiting);
      load_chunk (self, seq);
    }
  g_ptr_array_add (waiting, g_object_ref (line));
  return line;
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

static void
tftsr_log_lines_dispose (GObject *object)
{
  TftsrLogLines *self = TFTSR_LOG_LINES (object);

  g_cancellable_cancel (self->cancellable);
  g_hash_table_remove_all (self->waiting);
  G_OBJECT_CLASS (tftsr_log_lines_parent_class)->dispose (object);
}

static void
tftsr_log_lines_finalize (GObject *object)
{
  TftsrLogLines *self = TFTSR_LOG_LINES (object);

  g_clear_object (&self->store);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->subset, g_array_unref);
  g_array_unref (self->chunks);
  g_hash_table_unref (self->loaded);
  g_hash_table_unref (self->waiting);
  g_queue_clear (&self->recent);
  G_OBJECT_CLASS (tftsr_log_lines_parent_class)->finalize (object);
}

static void
tftsr_log_lines_class_init (TftsrLogLinesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tftsr_log_lines_dispose;
  object_class->finalize = tftsr_log_lines_finalize;
}

static void
tftsr_log_lines_init (TftsrLogLines *self)
{
  self->chunks = g_array_new (FALSE, FALSE, sizeof (ChunkInfo));
  self->loaded = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) chunk_data_free);
  self->waiting = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_ptr_array_unref);
  self->cancellable = g_cancellable_new ();
  g_queue_init (&self->recent);
}

/* --- opening -------------------------------------------------------------------------------- */

typedef struct
{
  TftsrStore *store;
  gint64 log_id;
} OpenJob;

static void
open_job_free (OpenJob *job)
{
  g_object_unref (job->store);
  g_free (job);
}

static void
open_in_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  OpenJob *job = task_data;
  g_autoptr (TftsrLogLines) self = g_object_new (TFTSR_TYPE_LOG_LINES, NULL);
  g_autoptr (TftsrLogFile) log = NULL;
  g_autoptr (TftsrConn) conn = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  GError *error = NULL;

  self->store = g_object_ref (job->store);
  self->log_id = job->log_id;
  if ((conn = tftsr_conn_acquire (job->store, &error)) == NULL ||
      (log = tftsr_log_load (conn->db, job->log_id, &error)) == NULL ||
      (stmt = tftsr_db_prepare (conn->db,
                                "SELECT offset, length, rows FROM log_chunks WHERE log_id = ?1 "
                                "ORDER BY seq",
                                &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  sqlite3_bind_int64 (stmt, 1, job->log_id);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      ChunkInfo info = { sqlite3_column_int64 (stmt, 0), sqlite3_column_int64 (stmt, 1),
                         (guint) sqlite3_column_int (stmt, 2), self->n_rows };
      g_array_append_val (self->chunks, info);
      self->n_rows += info.rows;
    }
  g_task_return_pointer (task, g_steal_pointer (&self), g_object_unref);
}

void
tftsr_log_lines_new_async (TftsrStore *store, gint64 log_id, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  OpenJob *job = g_new0 (OpenJob, 1);

  g_return_if_fail (TFTSR_IS_STORE (store));
  job->store = g_object_ref (store);
  job->log_id = log_id;
  g_task_set_source_tag (task, tftsr_log_lines_new_async);
  g_task_set_task_data (task, job, (GDestroyNotify) open_job_free);
  g_task_run_in_thread (task, open_in_thread);
}

TftsrLogLines *
tftsr_log_lines_new_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
tftsr_log_lines_get_redacted (TftsrLogLines *self)
{
  g_return_val_if_fail (TFTSR_IS_LOG_LINES (self), FALSE);
  return self->redacted;
}

void
tftsr_log_lines_set_redacted (TftsrLogLines *self, gboolean redacted)
{
  g_return_if_fail (TFTSR_IS_LOG_LINES (self));

  if (self->redacted == redacted)
    return;
  self->redacted = redacted;
  /* Every line is rebuilt from the chunks in memory or loaded again. */
  g_list_model_items_changed (G_LIST_MODEL (self), 0, n_items (self), n_items (self));
}

void
tftsr_log_lines_reload (TftsrLogLines *self)
{
  g_return_if_fail (TFTSR_IS_LOG_LINES (self));

  g_cancellable_cancel (self->cancellable);
  g_object_unref (self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_hash_table_remove_all (self->waiting);
  g_hash_table_remove_all (self->loaded);
  g_queue_clear (&self->recent);
  g_list_model_items_changed (G_LIST_MODEL (self), 0, n_items (self), n_items (self));
}

guint
tftsr_log_lines_get_n_lines (TftsrLogLines *self)
{
  g_return_val_if_fail (TFTSR_IS_LOG_LINES (self), 0);
  return self->n_rows;
}

void
tftsr_log_lines_set_subset (TftsrLogLines *self, GArray *numbers)
{
  guint before;

  g_return_if_fail (TFTSR_IS_LOG_LINES (self));
  g_return_if_fail (numbers == NULL || g_array_get_element_size (numbers) == sizeof (guint32));

  for (guint i = 0; numbers != NULL && i < numbers->len; i++)
    {
      guint32 number = g_array_index (numbers, guint32, i);

      if (number == 0 || number > self->n_rows ||
          (i > 0 && number <= g_array_index (numbers, guint32, i - 1)))
        {
          g_critical ("%s: line %u is out of order or not in the log", G_STRFUNC, number);
          return;
        }
    }
  before = n_items (self);
  g_clear_pointer (&self->subset, g_array_unref);
  if (numbers != NULL)
    {
      self->subset = g_array_sized_new (FALSE, FALSE, sizeof (guint32), numbers->len);
      g_array_append_vals (self->subset, numbers->data, numbers->len);
    }
  g_list_model_items_changed (G_LIST_MODEL (self), 0, before, n_items (self));
}

gboolean
tftsr_log_lines_get_filtered (TftsrLogLines *self)
{
  g_return_val_if_fail (TFTSR_IS_LOG_LINES (self), FALSE);
  return self->subset != NULL;
}

gboolean
tftsr_log_lines_get_position (TftsrLogLines *self, guint number, guint *position)
{
  guint lo = 0, hi;

  g_return_val_if_fail (TFTSR_IS_LOG_LINES (self), FALSE);

  if (number == 0 || number > self->n_rows)
    return FALSE;
  if (self->subset == NULL)
    {
      *position = number - 1;
      return TRUE;
    }
  hi = self->subset->len;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      guint32 at = g_array_index (self->subset, guint32, mid);

      if (at == number)
        {
          *position = mid;
          return TRUE;
        }
      if (at < number)
        lo = mid + 1;
      else
        hi = mid;
    }
  return FALSE;
}

/* --- finding -------------------------------------------------------------------------------- */

typedef struct
{
  char *needle; /* lower-case */
  guint from;
  gboolean backwards;
  GArray *subset; /* the lines shown when the find started, or NULL */
} FindJob;

static void
find_job_free (FindJob *job)
{
  g_free (job->needle);
  g_clear_pointer (&job->subset, g_array_unref);
  g_free (job);
}

/* Whether @len bytes at @text hold @needle (lower-case), ASCII case-insensitively. */
static gboolean
contains_needle (const char *text, gsize len, const char *needle, gsize n)
{
  for (gsize i = 0; i + n <= len; i++)
    {
      gsize j = 0;

      while (j < n && g_ascii_tolower (text[i + j]) == needle[j])
        j++;
      if (j == n)
        return TRUE;
    }
  return FALSE;
}

/* In a subset the lines are looked at one by one from the one after (or before) position
 * @from, wrapping around to it; their chunks are sorted like them, so each is read once. */
static void
find_in_subset (GTask *task, TftsrLogLines *self, FindJob *job)
{
  guint n = job->subset->len, cached = G_MAXUINT;
  gsize needle_len = strlen (job->needle);
  g_autoptr (GBytes) text = NULL;
  g_autoptr (GArray) starts = NULL;

  for (guint k = 1; k <= n; k++)
    {
      guint position = job->backwards ? (job->from + n - k) % n : (job->from + k) % n;
      guint row = g_array_index (job->subset, guint32, position) - 1;
      guint seq = chunk_for_row (self, row);
      const ChunkInfo *info = &g_array_index (self->chunks, ChunkInfo, seq);
      guint in_chunk = row - info->first_row;
      gsize size = 0;
      const char *data;
      guint32 start, end;

      if (seq != cached)
        {
          g_autoptr (GError) error = NULL;
          g_autoptr (TftsrConn) conn = NULL;

          if (g_task_return_error_if_cancelled (task))
            return;
          g_clear_pointer (&text, g_bytes_unref);
          g_clear_pointer (&starts, g_array_unref);
          if ((conn = tftsr_conn_acquire (self->store, &error)) == NULL ||
              (text = tftsr_log_read_range (conn->db, self->log_id, info->offset, info->length,
                                            &error)) == NULL)
            {
              g_task_return_error (task, g_steal_pointer (&error));
              return;
            }
          starts = line_starts_of (text);
          cached = seq;
        }
      data = g_bytes_get_data (text, &size);
      if (in_chunk >= starts->len)
        continue;
      start = g_array_index (starts, guint32, in_chunk);
      end = in_chunk + 1 < starts->len ? g_array_index (starts, guint32, in_chunk + 1) : size;
      if (contains_needle (data + start, end - start, job->needle, needle_len))
        {
          g_task_return_int (task, position);
          return;
        }
    }
  g_task_return_int (task, -1);
}

/* The row of the first (or last) match in a chunk within [lo, hi) bytes, or -1. */
static gint64
search_chunk (const ChunkInfo *info, GBytes *text, const char *needle, gsize lo, gsize hi,
              gboolean last)
{
  gsize size = 0;
  const char *data = g_bytes_get_data (text, &size);
  g_autofree char *lower = g_ascii_strdown (data + lo, MIN (hi, size) - lo);
  const char *found = NULL, *p = lower;
  gint64 row = info->first_row;

  while ((p = strstr (p, needle)) != NULL)
    {
      found = p++;
      if (!last)
        break;
    }
  if (found == NULL)
    return -1;
  for (gsize i = 0; i < lo + (found - lower); i++)
    row += data[i] == '\n';
  return row;
}

static void
find_in_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  TftsrLogLines *self = source;
  FindJob *job = task_data;
  guint start_seq, n = self->chunks->len;

  if (job->subset != NULL)
    {
      find_in_subset (task, self, job);
      return;
    }
  start_seq = chunk_for_row (self, job->from);
  for (guint k = 0; k <= n; k++)
    {
      guint seq = job->backwards ? (start_seq + n - k) % n : (start_seq + k) % n;
      const ChunkInfo *info = &g_array_index (self->chunks, ChunkInfo, seq);
      g_autoptr (GError) error = NULL;
      g_autoptr (TftsrConn) conn = tftsr_conn_acquire (self->store, &error);
      g_autoptr (GBytes) text = NULL;
      gsize lo = 0, hi = G_MAXSIZE;
      gint64 row;

      if (g_task_return_error_if_cancelled (task))
        return;
      if (conn == NULL || (text = tftsr_log_read_range (conn->db, self->log_id, info->offset,
                                                        info->length, &error)) == NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      /* In the starting chunk, only after (or before) the current line. */
      if (k == 0 || k == n)
        {
          gsize size = 0;
          const char *data = g_bytes_get_data (text, &size);
          guint row_in_chunk = job->from - info->first_row;
          gsize line_start = 0, next_line = size;

          for (gsize i = 0, r = 0; i < size; i++)
            if (data[i] == '\n' && ++r == row_in_chunk + 1)
              {
                next_line = i + 1;
                break;
              }
          for (gsize i = 0, r = 0; i < size && r < row_in_chunk; i++)
            if (data[i] == '\n' && ++r == row_in_chunk)
              line_start = i + 1;
          /* First pass: after (before) the line; the wrapped last pass: the rest. */
          if ((k == 0) == !job->backwards)
            lo = k == 0 ? next_line : line_start;
          else
            hi = k == 0 ? line_start : next_line;
          if (lo >= MIN (hi, size))
            continue;
        }
      row = search_chunk (info, text, job->needle, lo, hi, job->backwards);
      if (row >= 0)
        {
          g_task_return_int (task, row);
          return;
        }
    }
  g_task_return_int (task, -1);
}

void
tftsr_log_lines_find_async (TftsrLogLines *self, const char *needle, guint from, gboolean backwards,
                            GCancellable *cancellable, GAsyncReadyCallback callback,
                            gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  FindJob *job = g_new0 (FindJob, 1);

  g_return_if_fail (TFTSR_IS_LOG_LINES (self));
  g_return_if_fail (needle != NULL && *needle != '\0');
  job->needle = g_ascii_strdown (needle, -1);
  job->from = MIN (from, MAX (n_items (self), 1) - 1);
  job->backwards = backwards;
  job->subset = self->subset != NULL ? g_array_ref (self->subset) : NULL;
  g_task_set_source_tag (task, tftsr_log_lines_find_async);
  g_task_set_task_data (task, job, (GDestroyNotify) find_job_free);
  if (n_items (self) == 0)
    g_task_return_int (task, -1);
  else
    g_task_run_in_thread (task, find_in_thread);
}

gint64
tftsr_log_lines_find_finish (TftsrLogLines *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), -1);
  return g_task_propagate_int (G_TASK (result), error);
}
