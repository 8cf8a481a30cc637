/* tftsr-export.c
 *
 * g_file_replace() writes to a temporary file renamed over an existing target on close;
 * closing with a cancelled cancellable drops the temporary file instead. A target that did
 * not exist is written directly, so a failed export deletes it: either way nothing
 * half-written is left.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>

#include "tftsr-export.h"

typedef struct
{
  GFile *file;
  TftsrExportFunc func;
  gpointer data;
  GDestroyNotify data_free;
} ExportJob;

static void
export_job_free (ExportJob *job)
{
  g_object_unref (job->file);
  if (job->data_free != NULL)
    job->data_free (job->data);
  g_free (job);
}

static void
export_in_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  ExportJob *job = task_data;
  g_autoptr (GFileOutputStream) out = NULL;
  g_autoptr (TftsrEgressReceipt) receipt = NULL;
  g_autofree char *uri = g_file_get_uri (job->file);
  GError *error = NULL;
  gboolean existed = g_file_query_exists (job->file, NULL);

  out = g_file_replace (job->file, NULL, FALSE, G_FILE_CREATE_PRIVATE, cancellable, &error);
  if (out != NULL)
    receipt = job->func (job->data, G_OUTPUT_STREAM (out), uri, cancellable, &error);
  if (receipt != NULL && !g_output_stream_close (G_OUTPUT_STREAM (out), cancellable, &error))
    g_clear_pointer (&receipt, tftsr_egress_receipt_free);
  if (receipt == NULL && out != NULL && !g_output_stream_is_closed (G_OUTPUT_STREAM (out)))
    {
      g_autoptr (GCancellable) abandon = g_cancellable_new ();
      g_cancellable_cancel (abandon);
      g_output_stream_close (G_OUTPUT_STREAM (out), abandon, NULL);
      if (!existed)
        g_file_delete (job->file, NULL, NULL);
    }
  if (receipt == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_steal_pointer (&receipt),
                           (GDestroyNotify) tftsr_egress_receipt_free);
}

void
tftsr_export_to_file_async (GFile *file, TftsrExportFunc func, gpointer data,
                            GDestroyNotify data_free, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  ExportJob *job = g_new0 (ExportJob, 1);

  job->file = g_object_ref (file);
  job->func = func;
  job->data = data;
  job->data_free = data_free;
  g_task_set_source_tag (task, tftsr_export_to_file_async);
  g_task_set_task_data (task, job, (GDestroyNotify) export_job_free);
  g_task_run_in_thread (task, export_in_thread);
}

TftsrEgressReceipt *
tftsr_export_to_file_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

char *
tftsr_export_describe (const TftsrEgressReceipt *receipt)
{
  GHashTableIter iter;
  gpointer count;
  guint replaced = 0;

  g_hash_table_iter_init (&iter, tftsr_egress_receipt_get_counts (receipt));
  while (g_hash_table_iter_next (&iter, NULL, &count))
    replaced += GPOINTER_TO_UINT (count);
  if (replaced == 0)
    return g_strdup (_ ("Copy saved"));
  return g_strdup_printf (g_dngettext (NULL, "Copy saved, %u value replaced",
                                       "Copy saved, %u values replaced", replaced),
                          replaced);
}
