/* tftsr-log-digest.c: a log too big for a model's context, cut down to what matters
 *
 * One pass over the stored chunks, in constant memory: the first lines, a window of the
 * last ones, and every line reduced to its shape (runs of digits and hex ids masked as #,
 * so "db-7 timed out after 3000ms" and "db-2 timed out after 12ms" are one shape) counted
 * in a table of bounded size, with its level (a word such as ERROR, fatal, panic,
 * …Exception; WARN) and the first line it was seen on as the example. The text is then
 * laid out within the budget: errors and warnings by frequency first, because that is where
 * a root cause shows, then the most repeated lines, with the head and the tail around them.
 *
 * A range of lines (an excerpt attached to a chat message) is read from the chunks that
 * hold it only, numbered as the log viewer numbers rows (a chunk's unfinished last line is
 * a row of its own), and kept whole while it fits the budget.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>
#include <string.h>

#include "tftsr-log-digest.h"
#include "tftsr-log-private.h"

#define LINE_SHOWN 240   /* bytes of a line put in the digest */
#define LINE_HELD 65536  /* bytes of one line held while it is cut by a chunk end */
#define SHAPE_MAX 200    /* bytes of a shape compared */
#define SHAPES_MAX 50000 /* shapes counted; later new ones only add to "others" */
#define LISTED_MAX 60    /* entries in a frequency section */
#define TAIL_SLOTS 512   /* last lines held (as many as any tail share could show) */

typedef enum
{
  LEVEL_NONE,
  LEVEL_WARNING,
  LEVEL_ERROR,
} Level;

typedef struct
{
  guint64 count;
  guint64 first_line;
  guint64 last_line;
  Level level;
  char *example;
} Shape;

typedef struct
{
  guint64 number;
  char *text;
} Line;

struct _TftsrLogDigest
{
  char *text;
  gboolean whole;
  guint64 lines;
  guint64 error_lines;
  guint64 warning_lines;
};

/* A last line, its buffer reused: the tail sees every line of the log. */
typedef struct
{
  guint64 number;
  GString *text;
  gboolean cut;
} Slot;

typedef struct
{
  gsize budget;
  gboolean whole;
  GString *whole_text;
  GString *held; /* the start of a line cut by a chunk end */
  guint64 line_no;
  guint64 lines;   /* taken: the whole log's, or the range's */
  GPtrArray *head; /* Line */
  gsize head_bytes;
  Slot tail[TAIL_SLOTS];
  guint tail_next;
  guint tail_count;
  gsize share; /* bytes of the head, and of the tail, kept */
  GHashTable *shapes;
  guint64 unshaped;
  GString *scratch;
  guint64 errors;
  guint64 warnings;
  guint64 done;
  guint64 total;
  TftsrProgressFunc progress;
  gpointer progress_data;
} Builder;

static void
line_free (Line *line)
{
  g_free (line->text);
  g_free (line);
}

static void
shape_free (Shape *shape)
{
  g_free (shape->example);
  g_free (shape);
}

/* The line as shown: valid UTF-8, cut at LINE_SHOWN bytes. */
static char *
shown (const char *text, gsize len)
{
  g_autofree char *valid = g_utf8_make_valid (text, MIN (len, LINE_SHOWN));
  return len > LINE_SHOWN ? g_strconcat (valid, "…", NULL) : g_steal_pointer (&valid);
}

/* ERROR for error, fatal, panic, …Exception and the like; WARNING for warn(ing). */
static Level
word_level (const char *word, gsize len)
{
  static const char *const errors[] = { "error",    "err",       "fatal",  "crit",
                                        "critical", "severe",    "panic",  "emerg",
                                        "alert",    "traceback", "failure" };
  char lower[16];

  if (len >= 9 && g_ascii_strncasecmp (word + len - 9, "exception", 9) == 0)
    return LEVEL_ERROR;
  if (len > 9)
    return LEVEL_NONE;
  for (gsize i = 0; i < len; i++)
    lower[i] = g_ascii_tolower (word[i]);
  lower[len] = '\0';
  for (guint i = 0; i < G_N_ELEMENTS (errors); i++)
    if (g_str_equal (lower, errors[i]))
      return LEVEL_ERROR;
  return g_str_equal (lower, "warn") || g_str_equal (lower, "warning") ? LEVEL_WARNING : LEVEL_NONE;
}

/* Writes the shape of @line into @shape and returns its level. */
static Level
shape_line (const char *line, gsize len, GString *shape)
{
  Level level = LEVEL_NONE;
  gsize i = 0;

  g_string_truncate (shape, 0);
  while (i < len && shape->len < SHAPE_MAX)
    {
      gsize j = i;
      gboolean digits = FALSE;

      if (!g_ascii_isalnum (line[i]))
        {
          g_string_append_c (shape, line[i++]);
          continue;
        }
      while (j < len && g_ascii_isalnum (line[j]))
        digits |= g_ascii_isdigit (line[j++]);
      if (digits)
        g_string_append_c (shape, '#');
      else
        {
          g_string_append_len (shape, line + i, j - i);
          level = MAX (level, word_level (line + i, j - i));
        }
      i = j;
    }
  return level;
}

static void
count_shape (Builder *b, const char *line, gsize len)
{
  Level level = shape_line (line, len, b->scratch);
  Shape *shape = g_hash_table_lookup (b->shapes, b->scratch->str);

  b->errors += level == LEVEL_ERROR;
  b->warnings += level == LEVEL_WARNING;
  if (shape == NULL && g_hash_table_size (b->shapes) >= SHAPES_MAX)
    {
      b->unshaped++;
      return;
    }
  if (shape == NULL)
    {
      shape = g_new0 (Shape, 1);
      shape->first_line = b->line_no;
      shape->level = level;
      shape->example = shown (line, len);
      g_hash_table_insert (b->shapes, g_strdup (b->scratch->str), shape);
    }
  shape->count++;
  shape->last_line = b->line_no;
}

static void
keep_line (Builder *b, const char *text, gsize len)
{
  Slot *slot;

  if (b->head_bytes < b->share)
    {
      Line *line = g_new (Line, 1);

      line->number = b->line_no;
      line->text = shown (text, len);
      b->head_bytes += strlen (line->text) + 12;
      g_ptr_array_add (b->head, line);
      return;
    }
  slot = &b->tail[b->tail_next];
  slot->number = b->line_no;
  slot->cut = len > LINE_SHOWN;
  g_string_truncate (slot->text, 0);
  g_string_append_len (slot->text, text, MIN (len, LINE_SHOWN));
  b->tail_next = (b->tail_next + 1) % TAIL_SLOTS;
  b->tail_count = MIN (b->tail_count + 1, TAIL_SLOTS);
}

/* The last lines that fit the tail's share, oldest first. */
static GPtrArray *
tail_lines (Builder *b)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func ((GDestroyNotify) line_free);
  gsize bytes = 0;

  for (guint i = 1; i <= b->tail_count; i++)
    {
      Slot *slot = &b->tail[(b->tail_next + TAIL_SLOTS - i) % TAIL_SLOTS];
      Line *line;

      if (bytes + slot->text->len + 12 > b->share && i > 1)
        break;
      line = g_new (Line, 1);
      line->number = slot->number;
      /* One byte more than held when the line was cut: shown () marks it so. */
      line->text = shown (slot->text->str, slot->text->len + slot->cut);
      bytes += slot->text->len + 12;
      g_ptr_array_insert (lines, 0, line);
    }
  return lines;
}

static void
take_line (Builder *b, const char *text, gsize len)
{
  if (len > 0 && text[len - 1] == '\r')
    len--;
  b->line_no++;
  b->lines++;
  keep_line (b, text, len);
  count_shape (b, text, len);
}

/* The held start of a line, grown by @len bytes of @text (as far as LINE_HELD allows). */
static void
hold (Builder *b, const char *text, gsize len)
{
  if (b->held->len < LINE_HELD)
    g_string_append_len (b->held, text, MIN (len, LINE_HELD - b->held->len));
}

static gboolean
take_chunk (const guint8 *data, gsize len, guint64 offset, gpointer user_data, GError **error)
{
  Builder *b = user_data;
  const char *text = (const char *) data, *end = text + len;

  if (b->whole)
    g_string_append_len (b->whole_text, text, len);
  while (!b->whole && text < end)
    {
      const char *nl = memchr (text, '\n', end - text);

      if (nl == NULL)
        {
          hold (b, text, end - text);
          break;
        }
      if (b->held->len > 0)
        {
          hold (b, text, nl - text);
          take_line (b, b->held->str, b->held->len);
          g_string_truncate (b->held, 0);
        }
      else
        take_line (b, text, nl - text);
      text = nl + 1;
    }
  b->done += len;
  if (b->progress != NULL)
    b->progress (b->done, b->total, b->progress_data);
  return TRUE;
}

/* --- laying out the text -------------------------------------------------------------- */

static int
by_count (gconstpointer a, gconstpointer b)
{
  const Shape *x = *(Shape *const *) a, *y = *(Shape *const *) b;

  if (x->count != y->count)
    return x->count > y->count ? -1 : 1;
  return x->first_line < y->first_line ? -1 : x->first_line > y->first_line;
}

/* Appends @piece to @out unless that would pass @limit. */
static gboolean
append_within (GString *out, gsize limit, const char *piece)
{
  if (out->len + strlen (piece) > limit)
    return FALSE;
  g_string_append (out, piece);
  return TRUE;
}

static void
lay_out_lines (GString *out, gsize limit, const char *title, Line **lines, guint n)
{
  if (n == 0 || !append_within (out, limit, title))
    return;
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *row =
          g_strdup_printf ("%" G_GUINT64_FORMAT ": %s\n", lines[i]->number, lines[i]->text);
      if (!append_within (out, limit, row))
        break;
    }
}

static void
lay_out_shapes (GString *out, gsize limit, const char *title, GPtrArray *shapes, gboolean levels)
{
  guint listed = 0;

  if (!append_within (out, limit, title))
    return;
  for (guint i = 0; i < shapes->len && listed < LISTED_MAX; i++)
    {
      Shape *s = shapes->pdata[i];
      g_autofree char *row = NULL;

      if (levels != (s->level != LEVEL_NONE) || (!levels && s->count < 2))
        continue;
      row = g_strdup_printf ("- %" G_GUINT64_FORMAT "× %slines %" G_GUINT64_FORMAT
                             "–%" G_GUINT64_FORMAT ": %s\n",
                             s->count,
                             s->level == LEVEL_ERROR     ? "[error] "
                             : s->level == LEVEL_WARNING ? "[warning] "
                                                         : "",
                             s->first_line, s->last_line, s->example);
      if (!append_within (out, limit, row))
        break;
      listed++;
    }
}

/* @what: "Log “app.log”" or "Lines 10–20 of log “app.log”". */
static char *
lay_out (Builder *b, const char *what)
{
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (GPtrArray) shapes = g_ptr_array_sized_new (g_hash_table_size (b->shapes));
  g_autoptr (GPtrArray) tail = tail_lines (b);
  gsize rest;

  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, b->shapes);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (shapes, value);
  g_ptr_array_sort (shapes, by_count);
  g_string_append_printf (out,
                          "%s: %" G_GUINT64_FORMAT " lines, %" G_GUINT64_FORMAT
                          " bytes: a digest, the whole of it does not fit. %" G_GUINT64_FORMAT
                          " error and %" G_GUINT64_FORMAT " warning lines; %u distinct line "
                          "shapes%s (numbers and ids shown as #).\n",
                          what, b->lines, b->total, b->errors, b->warnings,
                          g_hash_table_size (b->shapes),
                          b->unshaped > 0 ? ", more not counted" : "");
  rest = b->budget > out->len ? b->budget - out->len : 0;
  /* Errors first, then the repeated lines, then head and tail share what is left. */
  lay_out_shapes (out, out->len + rest * 2 / 5, "\n## Errors and warnings, most frequent first\n",
                  shapes, TRUE);
  lay_out_shapes (out, out->len + rest * 3 / 10, "\n## Most repeated lines\n", shapes, FALSE);
  rest = b->budget > out->len ? b->budget - out->len : 0;
  lay_out_lines (out, out->len + rest / 2, "\n## First lines\n", (Line **) b->head->pdata,
                 b->head->len);
  lay_out_lines (out, b->budget, "\n## Last lines\n", (Line **) tail->pdata, tail->len);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* --- the call -------------------------------------------------------------------------- */

static void
builder_init (Builder *b, TftsrLogFile *log, gsize budget, TftsrProgressFunc progress,
              gpointer progress_data)
{
  memset (b, 0, sizeof *b);
  b->budget = budget;
  b->total = tftsr_log_file_get_size (log);
  /* Binary text is never sent as is: replacement characters could outgrow the budget. */
  b->whole = b->total <= budget && !tftsr_log_file_get_binary (log);
  b->whole_text = g_string_new (NULL);
  b->held = g_string_new (NULL);
  b->head = g_ptr_array_new_with_free_func ((GDestroyNotify) line_free);
  for (guint i = 0; i < TAIL_SLOTS; i++)
    b->tail[i].text = g_string_sized_new (LINE_SHOWN);
  b->share = budget / 4;
  b->shapes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) shape_free);
  b->scratch = g_string_new (NULL);
  b->progress = progress;
  b->progress_data = progress_data;
}

static void
builder_clear (Builder *b)
{
  g_string_free (b->whole_text, TRUE);
  g_string_free (b->held, TRUE);
  g_ptr_array_unref (b->head);
  for (guint i = 0; i < TAIL_SLOTS; i++)
    g_string_free (b->tail[i].text, TRUE);
  g_hash_table_unref (b->shapes);
  g_string_free (b->scratch, TRUE);
}

static TftsrLogDigest *
digest_new (Builder *b, const char *what)
{
  TftsrLogDigest *digest = g_new0 (TftsrLogDigest, 1);

  digest->whole = b->whole;
  digest->lines = b->lines;
  digest->error_lines = b->errors;
  digest->warning_lines = b->warnings;
  digest->text =
      b->whole ? g_utf8_make_valid (b->whole_text->str, b->whole_text->len) : lay_out (b, what);
  return digest;
}

TftsrLogDigest *
tftsr_store_digest_log (TftsrStore *store, gint64 log_id, gsize budget, TftsrProgressFunc progress,
                        gpointer progress_data, GCancellable *cancellable, GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;
  g_autoptr (TftsrLogFile) log = NULL;
  g_autofree char *what = NULL;
  TftsrLogDigest *digest;
  Builder b;

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);
  g_return_val_if_fail (budget >= 1024, NULL);

  if ((conn = tftsr_conn_acquire (store, error)) == NULL ||
      (log = tftsr_log_load (conn->db, log_id, error)) == NULL)
    return NULL;
  builder_init (&b, log, budget, progress, progress_data);
  if (!tftsr_log_each_chunk (conn->db, log_id, take_chunk, &b, cancellable, error))
    {
      builder_clear (&b);
      return NULL;
    }
  if (b.held->len > 0)
    take_line (&b, b.held->str, b.held->len);
  /* A whole log is not cut into lines: its count is the stored one. */
  if (b.whole)
    b.lines = tftsr_log_file_get_line_count (log);
  what = g_strdup_printf ("Log “%s”", tftsr_log_file_get_name (log));
  digest = digest_new (&b, what);
  builder_clear (&b);
  return digest;
}

/* --- a range of lines ------------------------------------------------------------------- */

/* Row @number of the log, @len bytes at @text: kept whole while the range fits, and always
 * taken into the digest in case it does not. */
static void
take_row (Builder *b, guint64 number, const char *text, gsize len)
{
  if (len > 0 && text[len - 1] == '\r')
    len--;
  if (b->whole)
    {
      g_autofree char *valid = g_utf8_make_valid (text, len);
      gsize size = strlen (valid);

      b->whole = b->whole_text->len + size + 1 <= b->budget;
      if (b->whole)
        {
          g_string_append_len (b->whole_text, valid, size);
          g_string_append_c (b->whole_text, '\n');
        }
      else
        g_string_truncate (b->whole_text, 0);
    }
  b->total += len + 1;
  b->line_no = number - 1;
  take_line (b, text, len);
}

/* The rows of chunk @text (its first row numbered @row) that lie in [@first, @last]. */
static void
take_rows (Builder *b, GBytes *text, guint64 row, guint64 first, guint64 last)
{
  gsize len = 0;
  const char *p = g_bytes_get_data (text, &len), *end = p + len;

  for (; p < end && row <= last; row++)
    {
      const char *nl = memchr (p, '\n', end - p);
      const char *stop = nl != NULL ? nl : end;

      if (row >= first)
        take_row (b, row, p, stop - p);
      p = nl != NULL ? nl + 1 : end;
    }
}

/* The chunks that hold rows @first..@last (their seq and the number of their first row);
 * fails naming the log's row count when it has fewer than @last. */
static GArray *
chunks_of_rows (sqlite3 *db, TftsrLogFile *log, guint64 first, guint64 last, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GArray) chunks = g_array_new (FALSE, FALSE, sizeof (guint64) * 2);
  guint64 rows = 0;
  int rc;

  /* The layout index covers this: no chunk's text is read. */
  stmt = tftsr_db_prepare (db, "SELECT seq, rows FROM log_chunks WHERE log_id = ?1 ORDER BY seq",
                           error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, tftsr_log_file_get_id (log));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      guint64 chunk[2] = { sqlite3_column_int64 (stmt, 0), rows + 1 };

      rows += sqlite3_column_int64 (stmt, 1);
      if (rows >= first && chunk[1] <= last)
        g_array_append_val (chunks, chunk);
    }
  if (rc != SQLITE_DONE)
    {
      tftsr_db_set_error (error, db, rc, _ ("Could not read the log"));
      return NULL;
    }
  if (last > rows)
    {
      g_set_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_INVALID,
                   _ ("“%s” has %" G_GUINT64_FORMAT " lines: lines %" G_GUINT64_FORMAT
                      "–%" G_GUINT64_FORMAT " are not all in it"),
                   tftsr_log_file_get_name (log), rows, first, last);
      return NULL;
    }
  return g_steal_pointer (&chunks);
}

static gboolean
take_range (sqlite3 *db, TftsrLogFile *log, guint64 first, guint64 last, Builder *b,
            GCancellable *cancellable, GError **error)
{
  g_autoptr (GArray) chunks = chunks_of_rows (db, log, first, last, error);

  if (chunks == NULL)
    return FALSE;
  for (guint i = 0; i < chunks->len; i++)
    {
      const guint64 *chunk = &g_array_index (chunks, guint64, i * 2);
      guint64 offset;
      g_autoptr (GBytes) text = NULL;

      if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
          (text = tftsr_log_read_chunk (db, tftsr_log_file_get_id (log), (guint) chunk[0], &offset,
                                        error)) == NULL)
        return FALSE;
      take_rows (b, text, chunk[1], first, last);
    }
  return TRUE;
}

TftsrLogDigest *
tftsr_store_digest_log_lines (TftsrStore *store, gint64 log_id, guint64 first_line,
                              guint64 last_line, gsize budget, GCancellable *cancellable,
                              GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;
  g_autoptr (TftsrLogFile) log = NULL;
  g_autofree char *what = NULL;
  TftsrLogDigest *digest;
  Builder b;

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);
  g_return_val_if_fail (budget >= 1024, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (first_line == 0 || last_line < first_line)
    {
      g_set_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_INVALID,
                   _ ("Lines %" G_GUINT64_FORMAT "–%" G_GUINT64_FORMAT " are no range of lines: "
                      "they are numbered from 1, the first no later than the last"),
                   first_line, last_line);
      return NULL;
    }
  if ((conn = tftsr_conn_acquire (store, error)) == NULL ||
      (log = tftsr_log_load (conn->db, log_id, error)) == NULL)
    return NULL;
  builder_init (&b, log, budget, NULL, NULL);
  /* Known only once the lines are read: kept whole while they fit. */
  b.whole = TRUE;
  b.total = 0;
  if (!take_range (conn->db, log, first_line, last_line, &b, cancellable, error))
    {
      builder_clear (&b);
      return NULL;
    }
  what = g_strdup_printf ("Lines %" G_GUINT64_FORMAT "–%" G_GUINT64_FORMAT " of log “%s”",
                          first_line, last_line, tftsr_log_file_get_name (log));
  digest = digest_new (&b, what);
  builder_clear (&b);
  return digest;
}

void
tftsr_log_digest_free (TftsrLogDigest *digest)
{
  if (digest == NULL)
    return;
  g_free (digest->text);
  g_free (digest);
}

const char *
tftsr_log_digest_get_text (const TftsrLogDigest *digest)
{
  return digest->text;
}

gboolean
tftsr_log_digest_is_whole (const TftsrLogDigest *digest)
{
  return digest->whole;
}

guint64
tftsr_log_digest_get_lines (const TftsrLogDigest *digest)
{
  return digest->lines;
}

guint64
tftsr_log_digest_get_error_lines (const TftsrLogDigest *digest)
{
  return digest->error_lines;
}

guint64
tftsr_log_digest_get_warning_lines (const TftsrLogDigest *digest)
{
  return digest->warning_lines;
}

/* --- in a worker ------------------------------------------------------------------------- */

typedef struct
{
  gint64 log_id;
  gsize budget;
  TftsrProgressRelay relay;
} DigestData;

static void
digest_data_free (DigestData *data)
{
  tftsr_progress_relay_clear (&data->relay);
  g_free (data);
}

static void
digest_in_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  DigestData *data = task_data;
  GError *error = NULL;
  TftsrLogDigest *digest = tftsr_store_digest_log (TFTSR_STORE (source), data->log_id, data->budget,
                                                   tftsr_progress_relay_func (&data->relay),
                                                   &data->relay, cancellable, &error);

  if (digest != NULL)
    g_task_return_pointer (task, digest, (GDestroyNotify) tftsr_log_digest_free);
  else
    g_task_return_error (task, error);
}

void
tftsr_store_digest_log_async (TftsrStore *store, gint64 log_id, gsize budget,
                              TftsrProgressFunc progress, gpointer progress_data,
                              GCancellable *cancellable, GAsyncReadyCallback callback,
                              gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  DigestData *data;

  g_return_if_fail (TFTSR_IS_STORE (store));
  g_return_if_fail (budget >= 1024);

  task = g_task_new (store, cancellable, callback, user_data);
  data = g_new0 (DigestData, 1);
  data->log_id = log_id;
  data->budget = budget;
  tftsr_progress_relay_init (&data->relay, progress, progress_data);
  g_task_set_source_tag (task, tftsr_store_digest_log_async);
  g_task_set_task_data (task, data, (GDestroyNotify) digest_data_free);
  g_task_run_in_thread (task, digest_in_thread);
}

TftsrLogDigest *
tftsr_store_digest_log_finish (TftsrStore *store, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
