/* tftsr-doc-export.c: a document written to a file, and the export recorded once
 *
 * Every format is rendered into memory first and written by one path: a temporary file
 * beside the target, renamed over it once written and synced, mode 0600. So the file is
 * whole or absent whatever the format, private like the database it comes from, and the
 * audit entry hashes exactly the bytes written. (tftsr_pdf_write_file() writes a PDF
 * safely too, but with the default mode and without the bytes to hash; a 200-page PDF is
 * a few megabytes of memory.)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "tftsr-doc-confluence.h"
#include "tftsr-doc-html.h"
#include "tftsr-document-private.h"
#include "tftsr-settings.h"

#define PAPER_SETTING "documents.paper"

gboolean
tftsr_store_get_paper (TftsrStore *store, TftsrPaper *paper, GError **error)
{
  g_autoptr (GError) local = NULL;
  g_autofree char *stored = NULL;

  g_return_val_if_fail (TFTSR_IS_STORE (store), FALSE);
  g_return_val_if_fail (paper != NULL, FALSE);

  stored = tftsr_store_get_setting (store, PAPER_SETTING, &local);
  if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  /* A value from a newer version that this one does not know counts as unset. */
  if (stored == NULL || !tftsr_paper_from_string (stored, paper))
    *paper = tftsr_paper_default ();
  return TRUE;
}

gboolean
tftsr_store_set_paper (TftsrStore *store, TftsrPaper paper, GError **error)
{
  g_return_val_if_fail (TFTSR_IS_STORE (store), FALSE);
  return tftsr_store_set_setting (store, PAPER_SETTING, tftsr_paper_to_string (paper), error);
}

typedef struct
{
  TftsrProgressFunc func;
  gpointer data;
} Progress;

static void
pdf_progress (guint done, guint total, gpointer user_data)
{
  Progress *progress = user_data;
  progress->func (done, total, progress->data);
}

static GBytes *
render_pdf (const TftsrDocument *doc, TftsrPaper paper, TftsrPdfInfo *info, Progress *progress,
            GCancellable *cancellable, GError **error)
{
  g_autoptr (GOutputStream) out = g_memory_output_stream_new_resizable ();

  if (!tftsr_pdf_render (doc->markdown, doc->title, paper, out, info,
                         progress->func != NULL ? pdf_progress : NULL, progress, cancellable,
                         error) ||
      !g_output_stream_close (out, cancellable, error))
    return NULL;
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
}

static GBytes *
render (const TftsrDocument *doc, TftsrDocFormat format, TftsrPaper paper, TftsrPdfInfo *info,
        Progress *progress, GCancellable *cancellable, GError **error)
{
  char *text;

  if (format == TFTSR_DOC_FORMAT_PDF)
    return render_pdf (doc, paper, info, progress, cancellable, error);
  if (format == TFTSR_DOC_FORMAT_HTML)
    text = tftsr_doc_render_html (doc->markdown, doc->title);
  else if (format == TFTSR_DOC_FORMAT_CONFLUENCE)
    text = tftsr_doc_render_confluence (doc->markdown);
  else
    text = g_strdup (doc->markdown);
  return g_bytes_new_take (text, strlen (text));
}

gboolean
tftsr_store_export_document (TftsrStore *store, gint64 document_id, TftsrDocFormat format,
                             TftsrPaper paper, const char *path, TftsrPdfInfo *info,
                             TftsrProgressFunc progress, gpointer progress_data,
                             GCancellable *cancellable, GError **error)
{
  g_autoptr (TftsrDocument) doc = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autofree char *absolute = NULL;
  TftsrPdfInfo made = { 0 };
  Progress relay = { progress, progress_data };
  gsize len = 0;
  const char *data;

  g_return_val_if_fail (TFTSR_IS_STORE (store), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if ((doc = tftsr_store_get_document_by_id (store, document_id, error)) == NULL ||
      g_cancellable_set_error_if_cancelled (cancellable, error) ||
      (bytes = render (doc, format, paper, &made, &relay, cancellable, error)) == NULL)
    return FALSE;
  data = g_bytes_get_data (bytes, &len);
  absolute = g_canonicalize_filename (path, NULL);
  if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
      !g_file_set_contents_full (absolute, data, (gssize) len,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE, 0600,
                                 error) ||
      !tftsr_store_record_document_export (store, doc, format, absolute, bytes, error))
    return FALSE;
  if (info != NULL)
    *info = made;
  return TRUE;
}
