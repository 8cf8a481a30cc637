/* tftsr-pii-mark.c: redacting what the engine missed, where the engineer selected it or
 * everywhere in the incident
 *
 * The search reads the incident's logs one chunk at a time (memory stays constant) and
 * only collects offsets; the spans are written at the end in one transaction, so a
 * failed or cancelled search changes nothing.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE /* memmem */
#include <string.h>

#include <glib/gi18n-lib.h>

#include "tftsr-log-private.h"
#include "tftsr-pii-review.h"
#include "tftsr-pii-values.h"

/* More than this is not a missed value but a common word; the engineer is told so. */
#define MARK_MAX 100000
#define TYPE_NAME_MAX 64

typedef struct
{
  gint64 log_id;
  guint64 start;
} Mark;

typedef struct
{
  const guint8 *value;
  gsize len;
  gint64 log_id;    /* of the log being searched */
  GByteArray *tail; /* the last len - 1 bytes before the current chunk */
  guint64 tail_offset;
  guint64 next_free; /* occurrences overlap no earlier one */
  gint64 sel_log;    /* the selection, already marked */
  guint64 sel_start;
  GArray *marks;
  guint64 done;
  guint64 total;
  TftsrProgressFunc progress;
  gpointer progress_data;
} Search;

static gboolean
type_name_valid (const char *type)
{
  gsize len = strlen (type);

  if (len == 0 || len > TYPE_NAME_MAX)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isupper (type[i]) && !g_ascii_isdigit (type[i]) && type[i] != '_')
      return FALSE;
  return TRUE;
}

static gboolean
add_mark (Search *s, gint64 log_id, guint64 start, GError **error)
{
  Mark mark = { log_id, start };

  if (s->marks->len >= MARK_MAX)
    {
      g_set_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_INVALID,
                   _ ("The selection occurs more than %d times in this incident; select "
                      "something more specific, or redact only here"),
                   MARK_MAX);
      return FALSE;
    }
  g_array_append_val (s->marks, mark);
  return TRUE;
}

/* Records every occurrence in @window (text at @offset) that overlaps neither an earlier
 * one nor the selection. */
static gboolean
search_window (Search *s, const guint8 *window, gsize len, guint64 offset, GError **error)
{
  gsize pos = 0;

  while (pos + s->len <= len)
    {
      const guint8 *hit = memmem (window + pos, len - pos, s->value, s->len);
      guint64 start;

      if (hit == NULL)
        break;
      pos = hit - window;
      start = offset + pos;
      if (start < s->next_free || (s->log_id == s->sel_log && start < s->sel_start + s->len &&
                                   start + s->len > s->sel_start))
        {
          pos++;
          continue;
        }
      if (!add_mark (s, s->log_id, start, error))
        return FALSE;
      s->next_free = start + s->len;
      pos += s->len;
    }
  return TRUE;
}

static gboolean
search_chunk (const guint8 *text, gsize len, guint64 offset, gpointer user_data, GError **error)
{
  Search *s = user_data;
  gsize keep = s->len - 1;

  /* An occurrence across the boundary: the tail and the start of this chunk. */
  if (s->tail->len > 0)
    {
      g_autoptr (GByteArray) seam = g_byte_array_sized_new (s->tail->len + keep);

      g_byte_array_append (seam, s->tail->data, s->tail->len);
      g_byte_array_append (seam, text, MIN (len, keep));
      if (!search_window (s, seam->data, seam->len, s->tail_offset, error))
        return FALSE;
    }
  if (!search_window (s, text, len, offset, error))
    return FALSE;
  g_byte_array_set_size (s->tail, 0);
  g_byte_array_append (s->tail, text + len - MIN (len, keep), MIN (len, keep));
  s->tail_offset = offset + len - s->tail->len;
  s->done += len;
  if (s->progress != NULL)
    s->progress (s->done, s->total, s->progress_data);
  return TRUE;
}

static gboolean
search_logs (sqlite3 *db, GPtrArray *logs, Search *s, GCancellable *cancellable, GError **error)
{
  for (guint i = 0; i < logs->len; i++)
    s->total += tftsr_log_file_get_size (logs->pdata[i]);
  for (guint i = 0; i < logs->len; i++)
    {
      s->log_id = tftsr_log_file_get_id (logs->pdata[i]);
      s->next_free = 0;
      g_byte_array_set_size (s->tail, 0);
      if (!tftsr_log_each_chunk (db, s->log_id, search_chunk, s, cancellable, error))
        return FALSE;
    }
  return !g_cancellable_set_error_if_cancelled (cancellable, error);
}

static int
compare_marks (gconstpointer a, gconstpointer b)
{
  const Mark *x = a, *y = b;

  if (x->log_id != y->log_id)
    return x->log_id < y->log_id ? -1 : 1;
  return x->start < y->start ? -1 : x->start > y->start;
}

/* Replaces what overlaps each mark with a 'user' span of the value, recounts the logs'
 * spans and records the decision (never the value). */
static gboolean
save_marks (sqlite3 *db, gint64 issue_id, const char *type, GBytes *value, GArray *marks,
            gboolean everywhere, GError **error)
{
  g_autoptr (TftsrPiiValues) values = NULL;
  g_autoptr (sqlite3_stmt) clear = NULL, insert = NULL, recount = NULL;
  g_autofree char *target = g_strdup_printf ("issue:%" G_GINT64_FORMAT, issue_id);
  g_autofree char *detail = NULL;
  gsize len = g_bytes_get_size (value);
  gint64 value_id;

  if ((values = tftsr_pii_values_new (db, issue_id, error)) == NULL ||
      (value_id = tftsr_pii_values_intern (values, type, g_bytes_get_data (value, NULL), len, NULL,
                                           error)) == 0 ||
      (clear = tftsr_db_prepare (db,
                                 "DELETE FROM pii_spans WHERE log_id = ?1 AND start < ?3 "
                                 "AND \"end\" > ?2",
                                 error)) == NULL ||
      (insert = tftsr_db_prepare (db,
                                  "INSERT INTO pii_spans (log_id, start, \"end\", value_id, "
                                  "origin) VALUES (?1, ?2, ?3, ?4, 'user')",
                                  error)) == NULL ||
      (recount = tftsr_db_prepare (db,
                                   "UPDATE log_files SET pii_count = (SELECT count(*) FROM "
                                   "pii_spans WHERE log_id = ?1) WHERE id = ?1",
                                   error)) == NULL)
    return FALSE;
  g_array_sort (marks, compare_marks);
  for (guint i = 0; i < marks->len; i++)
    {
      Mark *mark = &g_array_index (marks, Mark, i);

      sqlite3_reset (clear);
      sqlite3_reset (insert);
      sqlite3_bind_int64 (clear, 1, mark->log_id);
      sqlite3_bind_int64 (clear, 2, mark->start);
      sqlite3_bind_int64 (clear, 3, mark->start + len);
      sqlite3_bind_int64 (insert, 1, mark->log_id);
      sqlite3_bind_int64 (insert, 2, mark->start);
      sqlite3_bind_int64 (insert, 3, mark->start + len);
      sqlite3_bind_int64 (insert, 4, value_id);
      if (!tftsr_db_step_done (clear, _ ("Could not save the selection"), error) ||
          !tftsr_db_step_done (insert, _ ("Could not save the selection"), error))
        return FALSE;
      if (i + 1 < marks->len && g_array_index (marks, Mark, i + 1).log_id == mark->log_id)
        continue;
      sqlite3_reset (recount);
      sqlite3_bind_int64 (recount, 1, mark->log_id);
      if (!tftsr_db_step_done (recount, _ ("Could not save the selection"), error))
        return FALSE;
    }
  detail = g_strdup_printf ("{\"type\":\"%s\",\"occurrences\":%u,\"everywhere\":%s}", type,
                            marks->len, everywhere ? "true" : "false");
  return tftsr_audit_append_in_transaction (db, "pii.mark", target, detail, error);
}

guint
tftsr_store_mark_pii_value (TftsrStore *store, gint64 log_id, guint64 start, guint64 end,
                            const char *type, gboolean everywhere, TftsrProgressFunc progress,
                            gpointer progress_data, GCancellable *cancellable, GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;
  g_autoptr (TftsrLogFile) log = NULL;
  g_autoptr (GBytes) value = NULL;
  g_autoptr (GPtrArray) logs = NULL;
  g_autoptr (GByteArray) tail = g_byte_array_new ();
  g_autoptr (GArray) marks = g_array_new (FALSE, FALSE, sizeof (Mark));
  Search s;

  g_return_val_if_fail (TFTSR_IS_STORE (store), 0);
  g_return_val_if_fail (type != NULL, 0);
  g_return_val_if_fail (error == NULL || *error == NULL, 0);

  if (!type_name_valid (type))
    {
      g_set_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_INVALID,
                   _ ("“%s” is not a type name: use capital letters, digits and _"), type);
      return 0;
    }
  if ((conn = tftsr_conn_acquire (store, error)) == NULL ||
      (log = tftsr_log_load (conn->db, log_id, error)) == NULL)
    return 0;
  if (end <= start || end > tftsr_log_file_get_size (log))
    {
      g_set_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_INVALID,
                   _ ("The selection is outside the log"));
      return 0;
    }
  if ((value = tftsr_log_read_range (conn->db, log_id, start, end - start, error)) == NULL)
    return 0;
  s = (Search){ .value = g_bytes_get_data (value, NULL),
                .len = end - start,
                .tail = tail,
                .sel_log = log_id,
                .sel_start = start,
                .marks = marks,
                .progress = progress,
                .progress_data = progress_data };
  if (!add_mark (&s, log_id, start, error))
    return 0;
  if (everywhere &&
      ((logs = tftsr_store_list_logs (store, tftsr_log_file_get_issue_id (log), error)) == NULL ||
       !search_logs (conn->db, logs, &s, cancellable, error)))
    return 0;
  if (!tftsr_db_begin (conn->db, error))
    return 0;
  if (!save_marks (conn->db, tftsr_log_file_get_issue_id (log), type, value, marks, everywhere,
                   error) ||
      !tftsr_db_commit (conn->db, error))
    {
      tftsr_db_rollback (conn->db);
      return 0;
    }
  return marks->len;
}

/* --- in a worker ------------------------------------------------------------------------- */

typedef struct
{
  gint64 log_id;
  guint64 start;
  guint64 end;
  char *type;
  gboolean everywhere;
  TftsrProgressRelay relay;
} MarkData;

static void
mark_data_free (MarkData *data)
{
  g_free (data->type);
  tftsr_progress_relay_clear (&data->relay);
  g_free (data);
}

static void
mark_in_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  MarkData *data = task_data;
  GError *error = NULL;
  guint count = tftsr_store_mark_pii_value (
      TFTSR_STORE (source), data->log_id, data->start, data->end, data->type, data->everywhere,
      tftsr_progress_relay_func (&data->relay), &data->relay, cancellable, &error);

  if (count > 0)
    g_task_return_int (task, count);
  else
    g_task_return_error (task, error);
}

void
tftsr_store_mark_pii_value_async (TftsrStore *store, gint64 log_id, guint64 start, guint64 end,
                                  const char *type, gboolean everywhere, TftsrProgressFunc progress,
                                  gpointer progress_data, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  MarkData *data;

  g_return_if_fail (TFTSR_IS_STORE (store));
  g_return_if_fail (type != NULL);

  task = g_task_new (store, cancellable, callback, user_data);
  data = g_new0 (MarkData, 1);
  data->log_id = log_id;
  data->start = start;
  data->end = end;
  data->type = g_strdup (type);
  data->everywhere = everywhere;
  tftsr_progress_relay_init (&data->relay, progress, progress_data);
  g_task_set_source_tag (task, tftsr_store_mark_pii_value_async);
  g_task_set_task_data (task, data, (GDestroyNotify) mark_data_free);
  g_task_run_in_thread (task, mark_in_thread);
}

guint
tftsr_store_mark_pii_value_finish (TftsrStore *store, GAsyncResult *result, GError **error)
{
  gssize count;

  g_return_val_if_fail (g_task_is_valid (result, store), 0);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tftsr_store_mark_pii_value_async,
                        0);
  count = g_task_propagate_int (G_TASK (result), error);
  return count > 0 ? (guint) count : 0;
}
