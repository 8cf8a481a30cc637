/* tftsr-log-digest.c: a log too big for a model's context, cut down to what matters
 *
 * A digest is made of the log's templates (tftsr-log-insight.h): the lines' messages with
 * their parameters masked, so "db-7 timed out after 3000ms" and "db-2 timed out after
 * 12ms" are one entry, each with how often it occurs, the lines and times it spans and
 * one example line. A stored log's templates are mined once (at ingest, or here when they
 * are missing) and kept, so a digest reads no log text. The entries are laid out within
 * the budget: what is new or much more frequent after the moment the engineer marked (a
 * deploy), then errors and warnings by frequency, because that is where a root cause
 * shows, then the most frequent templates, then the rare ones, where a one-off failure
 * hides. Each template is listed once.
 *
 * A range of lines (an excerpt attached to a chat message) is read from the chunks that
 * hold it only, numbered as the log viewer numbers rows (a chunk's unfinished last line is
 * a row of its own), kept whole while it fits the budget, else mined on the spot.
 *
 * The text is the log's own (template texts and example lines, not redacted): it goes
 * through egress, which redacts it, when it leaves.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>
#include <string.h>

#include "tftsr-insight-private.h"
#include "tftsr-log-digest.h"
#include "tftsr-log-private.h"

#define LINE_SHOWN 240 /* bytes of an example line or a template put in the digest */
#define LISTED_MAX 60  /* entries in a section */
#define RARE_MAX 2     /* a template seen at most this often is rare */

struct _TftsrLogDigest
{
  char *text;
  gboolean whole;
  guint64 lines;
  guint64 error_lines;
  guint64 warning_lines;
};

/* What a digest is laid out from. */
typedef struct
{
  const char *what; /* "Log “app.log”" or "Lines 10–20 of log “app.log”" */
  guint64 lines;
  guint64 bytes;
  GPtrArray *templates; /* TftsrLogTemplate */
  gint64 change_time;
  GArray *changes; /* TftsrLogChange after change_time, or NULL */
} Source;

/* @text as shown: valid UTF-8, cut at LINE_SHOWN bytes. */
static char *
shown (const char *text)
{
  gsize len = strlen (text);
  g_autofree char *valid = g_utf8_make_valid (text, MIN (len, LINE_SHOWN));

  return len > LINE_SHOWN ? g_strconcat (valid, "…", NULL) : g_steal_pointer (&valid);
}

static char *
iso (gint64 time)
{
  g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (time / G_USEC_PER_SEC);
  return dt != NULL ? g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ") : g_strdup ("?");
}

static void
count_levels (GPtrArray *templates, guint64 *errors, guint64 *warnings)
{
  *errors = *warnings = 0;
  for (guint i = 0; i < templates->len; i++)
    {
      const TftsrLogTemplate *t = templates->pdata[i];

      if (t->level >= TFTSR_LOG_LEVEL_ERROR)
        *errors += t->count;
      else if (t->level == TFTSR_LOG_LEVEL_WARNING)
        *warnings += t->count;
    }
}

/* --- laying out the text -------------------------------------------------------------- */

static int
by_count (gconstpointer a, gconstpointer b)
{
  const TftsrLogTemplate *x = *(TftsrLogTemplate *const *) a;
  const TftsrLogTemplate *y = *(TftsrLogTemplate *const *) b;

  if (x->count != y->count)
    return x->count > y->count ? -1 : 1;
  return x->first_line < y->first_line ? -1 : x->first_line > y->first_line;
}

static int
by_level_and_count (gconstpointer a, gconstpointer b)
{
  const TftsrLogTemplate *x = *(TftsrLogTemplate *const *) a;
  const TftsrLogTemplate *y = *(TftsrLogTemplate *const *) b;

  if (x->level != y->level)
    return x->level > y->level ? -1 : 1;
  return by_count (a, b);
}

static int
by_line (gconstpointer a, gconstpointer b)
{
  const TftsrLogTemplate *x = *(TftsrLogTemplate *const *) a;
  const TftsrLogTemplate *y = *(TftsrLogTemplate *const *) b;

  return x->first_line < y->first_line ? -1 : x->first_line > y->first_line;
}

/* One entry: count, level, lines, times, the template and its first line. */
static char *
entry (const TftsrLogTemplate *t, const char *note)
{
  g_autoptr (GString) row = g_string_new (NULL);
  g_autofree char *text = shown (t->text);

  g_string_append_printf (row, "- %" G_GUINT64_FORMAT "× ", t->count);
  if (t->level >= TFTSR_LOG_LEVEL_WARNING)
    g_string_append_printf (row, "[%s] ", tftsr_log_level_to_string (t->level));
  if (note != NULL)
    g_string_append_printf (row, "(%s) ", note);
  g_string_append_printf (row, "lines %" G_GUINT64_FORMAT "–%" G_GUINT64_FORMAT, t->first_line,
                          t->last_line);
  if (t->first_time > 0)
    {
      g_autofree char *first = iso (t->first_time), *last = iso (t->last_time);
      g_string_append_printf (row, ", %s–%s", first, last);
    }
  g_string_append_printf (row, ": %s\n", text);
  if (t->n_samples > 0)
    {
      g_autofree char *example = shown (t->samples[0]);
      g_string_append_printf (row, "  %" G_GUINT64_FORMAT ": %s\n", t->first_line, example);
    }
  return g_string_free (g_steal_pointer (&row), FALSE);
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

typedef gboolean (*Pick) (const TftsrLogTemplate *t);

static gboolean
pick_levelled (const TftsrLogTemplate *t)
{
  return t->level >= TFTSR_LOG_LEVEL_WARNING;
}

static gboolean
pick_any (const TftsrLogTemplate *t)
{
  return TRUE;
}

static gboolean
pick_rare (const TftsrLogTemplate *t)
{
  return t->count <= RARE_MAX;
}

/* A section of the templates @pick takes from @sorted, each listed once in the digest
 * (@listed: the ids already in it), within @limit. */
static void
lay_out_section (GString *out, gsize limit, const char *title, GPtrArray *sorted, Pick pick,
                 GHashTable *listed)
{
  guint n = 0;
  gsize before = out->len;

  if (!append_within (out, limit, title))
    return;
  for (guint i = 0; i < sorted->len && n < LISTED_MAX; i++)
    {
      const TftsrLogTemplate *t = sorted->pdata[i];
      g_autofree char *row = NULL;

      if (!pick (t) || g_hash_table_contains (listed, GUINT_TO_POINTER (t->id)))
        continue;
      row = entry (t, NULL);
      if (!append_within (out, limit, row))
        break;
      g_hash_table_add (listed, GUINT_TO_POINTER (t->id));
      n++;
    }
  if (n == 0)
    g_string_truncate (out, before);
}

static const TftsrLogTemplate *
template_by_id (GPtrArray *templates, guint32 id)
{
  for (guint i = 0; i < templates->len; i++)
    if (((TftsrLogTemplate *) templates->pdata[i])->id == id)
      return templates->pdata[i];
  return NULL;
}

/* What is new after the marked moment, or came much more often. */
static void
lay_out_changes (GString *out, gsize limit, const Source *src, GHashTable *listed)
{
  g_autofree char *when = NULL, *title = NULL;
  gsize before = out->len;
  guint n = 0;

  if (src->changes == NULL)
    return;
  when = iso (src->change_time);
  title = g_strdup_printf ("\n## New or more frequent after %s (the marked change)\n", when);
  if (!append_within (out, limit, title))
    return;
  for (guint i = 0; i < src->changes->len && n < LISTED_MAX; i++)
    {
      const TftsrLogChange *c = &g_array_index (src->changes, TftsrLogChange, i);
      const TftsrLogTemplate *t = template_by_id (src->templates, c->template_id);
      g_autofree char *note = NULL, *row = NULL;

      if (t == NULL || c->kind == TFTSR_LOG_CHANGE_GONE ||
          g_hash_table_contains (listed, GUINT_TO_POINTER (t->id)))
        continue;
      note = c->kind == TFTSR_LOG_CHANGE_NEW
                 ? g_strdup ("new")
                 : g_strdup_printf ("%.0f/h before, %.0f/h after", c->rate_before, c->rate_after);
      row = entry (t, note);
      if (!append_within (out, limit, row))
        break;
      g_hash_table_add (listed, GUINT_TO_POINTER (t->id));
      n++;
    }
  if (n == 0)
    g_string_truncate (out, before);
}

static char *
lay_out (const Source *src, gsize budget)
{
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (GPtrArray) by_frequency = g_ptr_array_sized_new (src->templates->len);
  g_autoptr (GPtrArray) by_level = g_ptr_array_sized_new (src->templates->len);
  g_autoptr (GPtrArray) in_order = g_ptr_array_sized_new (src->templates->len);
  g_autoptr (GHashTable) listed = g_hash_table_new (NULL, NULL);
  guint64 errors, warnings;
  gsize rest;

  /* Views of the source's templates: they own none. */
  g_ptr_array_extend (by_frequency, src->templates, NULL, NULL);
  g_ptr_array_extend (by_level, src->templates, NULL, NULL);
  g_ptr_array_extend (in_order, src->templates, NULL, NULL);
  g_ptr_array_sort (by_frequency, by_count);
  g_ptr_array_sort (by_level, by_level_and_count);
  g_ptr_array_sort (in_order, by_line);
  count_levels (src->templates, &errors, &warnings);
  g_string_append_printf (out,
                          "%s: %" G_GUINT64_FORMAT " lines, %" G_GUINT64_FORMAT
                          " bytes: a digest, the whole of it does not fit. %" G_GUINT64_FORMAT
                          " error and %" G_GUINT64_FORMAT " warning lines; %u templates (the "
                          "lines' messages, their parameters shown as <*>), each with its "
                          "count, lines, times and first line.\n",
                          src->what, src->lines, src->bytes, errors, warnings, src->templates->len);
  /* Never more than the budget, even for the summary of a tiny one. */
  if (out->len > budget)
    {
      const char *end = out->str + budget;

      g_utf8_validate (out->str, budget, &end);
      g_string_truncate (out, end - out->str);
    }
  rest = budget - out->len;
  lay_out_changes (out, out->len + rest * 25 / 100, src, listed);
  rest = budget - out->len;
  lay_out_section (out, out->len + rest * 45 / 100,
                   "\n## Errors, then warnings, most frequent first\n", by_level, pick_levelled,
                   listed);
  rest = budget - out->len;
  lay_out_section (out, out->len + rest * 60 / 100, "\n## Most frequent\n", by_frequency, pick_any,
                   listed);
  lay_out_section (out, budget, "\n## Rare, in the order they first appear\n", in_order, pick_rare,
                   listed);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static TftsrLogDigest *
digest_new (const Source *src, gsize budget)
{
  TftsrLogDigest *digest = g_new0 (TftsrLogDigest, 1);

  digest->lines = src->lines;
  count_levels (src->templates, &digest->error_lines, &digest->warning_lines);
  digest->text = lay_out (src, budget);
  return digest;
}

/* --- a whole log ----------------------------------------------------------------------- */

static gboolean
take_whole (const guint8 *data, gsize len, guint64 offset, gpointer user_data, GError **error)
{
  g_string_append_len (user_data, (const char *) data, len);
  return TRUE;
}

/* The log's text when it fits @budget (not binary: replacement characters could outgrow
 * it), or NULL without @error. */
static char *
read_whole (sqlite3 *db, TftsrLogFile *log, gsize budget, TftsrProgressFunc progress,
            gpointer progress_data, GCancellable *cancellable, GError **error)
{
  g_autoptr (GString) text = NULL;
  guint64 size = tftsr_log_file_get_size (log);

  if (size > budget || tftsr_log_file_get_binary (log))
    return NULL;
  text = g_string_sized_new (size);
  if (!tftsr_log_each_chunk (db, tftsr_log_file_get_id (log), take_whole, text, cancellable, error))
    return NULL;
  if (progress != NULL)
    progress (size, size, progress_data);
  return g_utf8_make_valid (text->str, text->len);
}

TftsrLogDigest *
tftsr_store_digest_log (TftsrStore *store, gint64 log_id, gsize budget, TftsrProgressFunc progress,
                        gpointer progress_data, GCancellable *cancellable, GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;
  g_autoptr (TftsrLogFile) log = NULL;
  g_autoptr (TftsrLogInsight) insight = NULL;
  g_autoptr (GArray) changes = NULL;
  g_autofree char *what = NULL;
  g_autoptr (GError) local = NULL;
  TftsrLogDigest *digest;
  Source src = { 0 };
  char *whole;

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);
  g_return_val_if_fail (budget >= 1024, NULL);

  if ((conn = tftsr_conn_acquire (store, error)) == NULL ||
      (log = tftsr_log_load (conn->db, log_id, error)) == NULL)
    return NULL;
  if ((whole = read_whole (conn->db, log, budget, progress, progress_data, cancellable, &local)) !=
      NULL)
    {
      digest = g_new0 (TftsrLogDigest, 1);
      digest->whole = TRUE;
      digest->text = whole;
      digest->lines = tftsr_log_file_get_line_count (log);
      /* The levels come from the templates when the log was mined (it is at ingest). */
      if ((insight = tftsr_insight_load (conn->db, log_id, NULL)) != NULL)
        count_levels (tftsr_log_insight_get_templates (insight), &digest->error_lines,
                      &digest->warning_lines);
      return digest;
    }
  if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  if ((insight = tftsr_insight_load (conn->db, log_id, &local)) == NULL &&
      (insight = tftsr_insight_mine (conn->db, log_id, progress, progress_data, cancellable,
                                     error)) == NULL)
    return NULL;
  /* A stored insight reads no text: the log is done at once. */
  if (progress != NULL)
    progress (tftsr_log_file_get_size (log), tftsr_log_file_get_size (log), progress_data);
  what = g_strdup_printf ("Log “%s”", tftsr_log_file_get_name (log));
  src.what = what;
  src.lines = tftsr_log_insight_get_lines (insight);
  src.bytes = tftsr_log_file_get_size (log);
  src.templates = tftsr_log_insight_get_templates (insight);
  src.change_time = tftsr_log_insight_get_change_time (insight);
  /* A moment outside the log's times has nothing to compare: no section then. */
  if (src.change_time > 0)
    src.changes = changes = tftsr_log_insight_changed_after (insight, src.change_time, NULL);
  return digest_new (&src, budget);
}

/* --- a range of lines ------------------------------------------------------------------- */

typedef struct
{
  gsize budget;
  gboolean whole;
  GString *whole_text;
  TftsrLogMiner *miner;
  guint64 lines;
  guint64 bytes;
} Range;

/* Row @number of the log, @len bytes at @text: kept whole while the range fits, and always
 * mined in case it does not. */
static void
take_row (Range *r, guint64 number, const char *text, gsize len)
{
  if (len > 0 && text[len - 1] == '\r')
    len--;
  if (r->whole)
    {
      g_autofree char *valid = g_utf8_make_valid (text, len);
      gsize size = strlen (valid);

      r->whole = r->whole_text->len + size + 1 <= r->budget;
      if (r->whole)
        {
          g_string_append_len (r->whole_text, valid, size);
          g_string_append_c (r->whole_text, '\n');
        }
      else
        g_string_truncate (r->whole_text, 0);
    }
  r->lines++;
  r->bytes += len + 1;
  tftsr_log_miner_add (r->miner, text, len, 0, NULL, 0, NULL);
}

/* The rows of chunk @text (its first row numbered @row) that lie in [@first, @last]. */
static void
take_rows (Range *r, GBytes *text, guint64 row, guint64 first, guint64 last)
{
  gsize len = 0;
  const char *p = g_bytes_get_data (text, &len), *end = p + len;

  for (; p < end && row <= last; row++)
    {
      const char *nl = memchr (p, '\n', end - p);
      const char *stop = nl != NULL ? nl : end;

      if (row >= first)
        take_row (r, row, p, stop - p);
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
take_range (sqlite3 *db, TftsrLogFile *log, guint64 first, guint64 last, Range *r,
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
      take_rows (r, text, chunk[1], first, last);
    }
  return TRUE;
}

/* The miner numbers lines from 1 as they come: numbered as in the log instead. */
static GPtrArray *
range_templates (TftsrLogMiner *miner, guint64 first)
{
  GPtrArray *templates = tftsr_log_miner_dup_templates (miner);

  for (guint i = 0; i < templates->len; i++)
    {
      TftsrLogTemplate *t = templates->pdata[i];

      t->first_line += first - 1;
      t->last_line += first - 1;
    }
  return templates;
}

TftsrLogDigest *
tftsr_store_digest_log_lines (TftsrStore *store, gint64 log_id, guint64 first_line,
                              guint64 last_line, gsize budget, GCancellable *cancellable,
                              GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;
  g_autoptr (TftsrLogFile) log = NULL;
  g_autoptr (TftsrLogMiner) miner = tftsr_log_miner_new (0);
  g_autoptr (GString) whole_text = g_string_new (NULL);
  g_autoptr (GPtrArray) templates = NULL;
  g_autofree char *what = NULL;
  TftsrLogDigest *digest;
  Range r = { budget, TRUE, whole_text, miner, 0, 0 };
  Source src = { 0 };

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
      (log = tftsr_log_load (conn->db, log_id, error)) == NULL ||
      !take_range (conn->db, log, first_line, last_line, &r, cancellable, error))
    return NULL;
  templates = range_templates (miner, first_line);
  if (r.whole)
    {
      digest = g_new0 (TftsrLogDigest, 1);
      digest->whole = TRUE;
      digest->text = g_string_free (g_steal_pointer (&whole_text), FALSE);
      digest->lines = r.lines;
      count_levels (templates, &digest->error_lines, &digest->warning_lines);
      return digest;
    }
  what = g_strdup_printf ("Lines %" G_GUINT64_FORMAT "–%" G_GUINT64_FORMAT " of log “%s”",
                          first_line, last_line, tftsr_log_file_get_name (log));
  src.what = what;
  src.lines = r.lines;
  src.bytes = r.bytes;
  src.templates = templates;
  return digest_new (&src, budget);
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
