/* tftsr-doc-export.c: a document written to a file, and the export recorded once
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "tftsr-doc-html.h"
#include "tftsr-document-private.h"

static GBytes *
render (const TftsrDocument *doc, TftsrDocFormat format)
{
  char *text = format == TFTSR_DOC_FORMAT_HTML ? tftsr_doc_render_html (doc->markdown, doc->title)
                                               : g_strdup (doc->markdown);

  return g_bytes_new_take (text, strlen (text));
}

gboolean
tftsr_store_export_document (TftsrStore *store, gint64 document_id, TftsrDocFormat format,
                             const char *path, GCancellable *cancellable, GError **error)
{
  g_autoptr (TftsrDocument) doc = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autofree char *absolute = NULL;
  gsize len = 0;
  const char *data;

  g_return_val_if_fail (TFTSR_IS_STORE (store), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if ((doc = tftsr_store_get_document_by_id (store, document_id, error)) == NULL ||
      g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  bytes = render (doc, format);
  data = g_bytes_get_data (bytes, &len);
  absolute = g_canonicalize_filename (path, NULL);
  /* CONSISTENT: a temporary file beside it, renamed over @path once written whole. The
   * document holds incident data, so the file is the user's alone. */
  if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
      !g_file_set_contents_full (absolute, data, (gssize) len,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE, 0600,
                                 error))
    return FALSE;
  return tftsr_store_record_document_export (store, doc, format, absolute, bytes, error);
}
