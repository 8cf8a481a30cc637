/* tftsr-insight-lines.c: the lines of a template, or of a time range, in a stored log
 *
 * A line is of a template when its masked message (the same masking the miner applied,
 * PII spans included) fits the stored template text. Matching rather than mining again
 * keeps the answer tied to the templates the engineer sees, and is cheaper: no clusters
 * are searched. Rows are numbered as the viewer numbers them (tftsr_insight_each_row).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>

#include "tftsr-insight-private.h"
#include "tftsr-log-private.h"

typedef struct
{
  const TftsrLogLineFilter *filter;
  const char *template_text; /* NULL: any template */
  TftsrLogMiner *miner;      /* masks messages */
  gint64 reference;          /* year-less times are read against it, as when mined */
  gint64 last_time;
  GArray *found;
} Find;

static gboolean
find_row (const char *row, gsize len, guint64 number, guint64 offset, const TftsrLogMask *masks,
          guint n_masks, gpointer user_data, GError **error)
{
  Find *f = user_data;
  TftsrLogHeader header = { 0 };
  gboolean timed = f->filter->from != 0 || f->filter->to != 0;
  gboolean match = TRUE;
  guint32 line = (guint32) number;

  if (f->template_text != NULL)
    {
      g_autofree char *masked = tftsr_log_miner_mask (f->miner, row, len, masks, n_masks, &header);
      match = tftsr_log_template_matches (f->template_text, masked);
    }
  else if (timed)
    tftsr_log_header_detect (row, len, f->reference, &header);
  if (header.time > 0)
    f->last_time = header.time;
  if (match && timed)
    match = f->last_time > 0 && f->last_time >= f->filter->from &&
            (f->filter->to == 0 || f->last_time < f->filter->to);
  if (match)
    g_array_append_val (f->found, line);
  return TRUE;
}

GArray *
tftsr_store_find_log_lines (TftsrStore *store, gint64 log_id, const TftsrLogLineFilter *filter,
                            TftsrProgressFunc progress, gpointer progress_data,
                            GCancellable *cancellable, GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;
  g_autoptr (TftsrLogFile) log = NULL;
  g_autoptr (TftsrLogInsight) insight = NULL;
  g_autoptr (TftsrLogMiner) miner = NULL;
  g_autoptr (GArray) found = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autoptr (GError) local = NULL;
  Find f = { filter, NULL, NULL, 0, 0, found };

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);
  g_return_val_if_fail (filter != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (filter->to != 0 && filter->to <= filter->from)
    {
      g_set_error_literal (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_INVALID,
                           _ ("The time range ends before it starts"));
      return NULL;
    }
  if ((conn = tftsr_conn_acquire (store, error)) == NULL ||
      (log = tftsr_log_load (conn->db, log_id, error)) == NULL)
    return NULL;
  if ((insight = tftsr_insight_load (conn->db, log_id, &local)) == NULL && local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  f.reference = tftsr_insight_reference (conn->db, log_id);
  if (filter->template_id != 0)
    {
      const TftsrLogTemplate *t =
          insight != NULL ? tftsr_log_insight_get_template (insight, filter->template_id) : NULL;

      if (t == NULL)
        {
          g_set_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_NOT_FOUND,
                       _ ("Log “%s” has no template %u; it may have been mined again since"),
                       tftsr_log_file_get_name (log), filter->template_id);
          return NULL;
        }
      f.template_text = t->text;
      miner = tftsr_log_miner_new (0);
      tftsr_log_miner_set_reference (miner, f.reference);
      f.miner = miner;
    }
  if (!tftsr_insight_each_row (conn->db, log_id, find_row, &f, progress, progress_data,
                               tftsr_log_file_get_size (log), cancellable, error))
    return NULL;
  return g_steal_pointer (&found);
}
