/* tftsr-image-texture.c
 *
 * gdk-pixbuf decodes (PNG, JPEG and GIF built in, WebP through its loader) and scales in
 * the worker, so a 20 MB screenshot never stalls the UI; the texture is made on the
 * caller's thread from the finished pixbuf.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "tftsr-image-texture.h"

typedef struct
{
  TftsrStore *store;
  gint64 image_id;
  int size;
} LoadJob;

static void
load_job_free (LoadJob *job)
{
  g_object_unref (job->store);
  g_free (job);
}

static void
load_in_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  LoadJob *job = task_data;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GInputStream) input = NULL;
  GdkPixbuf *pixbuf;
  GError *error = NULL;

  if ((bytes = tftsr_store_get_image_bytes (job->store, job->image_id, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  input = g_memory_input_stream_new_from_bytes (bytes);
  pixbuf = job->size > 0 ? gdk_pixbuf_new_from_stream_at_scale (input, job->size, job->size, TRUE,
                                                                cancellable, &error)
                         : gdk_pixbuf_new_from_stream (input, cancellable, &error);
  if (pixbuf == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, pixbuf, g_object_unref);
}

void
tftsr_image_texture_load_async (TftsrStore *store, gint64 image_id, int size,
                                GCancellable *cancellable, GAsyncReadyCallback callback,
                                gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  LoadJob *job = g_new0 (LoadJob, 1);

  job->store = g_object_ref (store);
  job->image_id = image_id;
  job->size = size;
  g_task_set_source_tag (task, tftsr_image_texture_load_async);
  g_task_set_task_data (task, job, (GDestroyNotify) load_job_free);
  g_task_run_in_thread (task, load_in_thread);
}

GdkTexture *
tftsr_image_texture_load_finish (GAsyncResult *result, GError **error)
{
  g_autoptr (GdkPixbuf) pixbuf = g_task_propagate_pointer (G_TASK (result), error);

  return pixbuf != NULL ? gdk_texture_new_for_pixbuf (pixbuf) : NULL;
}
