/* tftsr-document.c: the documents' vocabularies and value types
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>

#include "tftsr-document-private.h"
#include "tftsr-vocab-private.h"

G_DEFINE_QUARK (tftsr - doc - error - quark, tftsr_doc_error)

static const GEnumValue kind_values[] = {
  { TFTSR_DOC_RCA, "TFTSR_DOC_RCA", "rca" },
  { TFTSR_DOC_POSTMORTEM, "TFTSR_DOC_POSTMORTEM", "postmortem" },
  { 0, NULL, NULL },
};

static const GEnumValue reason_values[] = {
  { TFTSR_DOC_REVISION_GENERATED, "TFTSR_DOC_REVISION_GENERATED", "generated" },
  { TFTSR_DOC_REVISION_EDITED, "TFTSR_DOC_REVISION_EDITED", "edited" },
  { TFTSR_DOC_REVISION_REGENERATED, "TFTSR_DOC_REVISION_REGENERATED", "regenerated" },
  { TFTSR_DOC_REVISION_REVERTED, "TFTSR_DOC_REVISION_REVERTED", "reverted" },
  { 0, NULL, NULL },
};

static const GEnumValue format_values[] = {
  { TFTSR_DOC_FORMAT_MARKDOWN, "TFTSR_DOC_FORMAT_MARKDOWN", "md" },
  { TFTSR_DOC_FORMAT_HTML, "TFTSR_DOC_FORMAT_HTML", "html" },
  { TFTSR_DOC_FORMAT_PDF, "TFTSR_DOC_FORMAT_PDF", "pdf" },
  { TFTSR_DOC_FORMAT_CONFLUENCE, "TFTSR_DOC_FORMAT_CONFLUENCE", "confluence" },
  { 0, NULL, NULL },
};

const char *
tftsr_doc_kind_to_string (TftsrDocKind kind)
{
  return tftsr_vocab_name (kind_values, kind);
}

gboolean
tftsr_doc_kind_from_string (const char *name, TftsrDocKind *out)
{
  gint v;

  if (!tftsr_vocab_lookup (kind_values, name, &v))
    return FALSE;
  if (out != NULL)
    *out = (TftsrDocKind) v;
  return TRUE;
}

const char *
tftsr_doc_kind_get_label (TftsrDocKind kind)
{
  return kind == TFTSR_DOC_RCA ? _ ("RCA") : _ ("Post-mortem");
}

const char *
tftsr_doc_revision_reason_to_string (TftsrDocRevisionReason reason)
{
  return tftsr_vocab_name (reason_values, reason);
}

TftsrDocRevisionReason
tftsr_doc_revision_reason_from_string (const char *name)
{
  gint v;
  return tftsr_vocab_lookup (reason_values, name, &v) ? (TftsrDocRevisionReason) v
                                                      : TFTSR_DOC_REVISION_EDITED;
}

const char *
tftsr_doc_format_to_string (TftsrDocFormat format)
{
  return tftsr_vocab_name (format_values, format);
}

gboolean
tftsr_doc_format_from_string (const char *name, TftsrDocFormat *out)
{
  gint v;

  if (!tftsr_vocab_lookup (format_values, name, &v))
    return FALSE;
  if (out != NULL)
    *out = (TftsrDocFormat) v;
  return TRUE;
}

const char *
tftsr_doc_format_get_label (TftsrDocFormat format)
{
  static const char *const labels[] = { "Markdown", "HTML", "PDF", "Confluence" };

  return labels[MIN ((guint) format, G_N_ELEMENTS (labels) - 1)];
}

void
tftsr_document_free (TftsrDocument *document)
{
  if (document == NULL)
    return;
  g_free (document->title);
  g_free (document->external_url);
  g_free (document->created_at);
  g_free (document->updated_at);
  g_free (document->markdown);
  g_free (document);
}

void
tftsr_doc_revision_free (TftsrDocRevision *revision)
{
  if (revision == NULL)
    return;
  g_free (revision->created_at);
  g_free (revision->updated_at);
  g_free (revision->markdown);
  g_free (revision);
}
