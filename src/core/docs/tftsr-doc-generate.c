/* tftsr-doc-generate.c: documents built from the incident's data and stored
 *
 * The data is read before the transaction that stores the result, so building never
 * holds the database's write lock.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>
#include <string.h>

#include "tftsr-doc-private.h"
#include "tftsr-document-private.h"

char *
tftsr_doc_build_title (TftsrDocKind kind, TftsrIssue *issue)
{
  g_return_val_if_fail (TFTSR_IS_ISSUE (issue), NULL);

  /* Translators: a document's title; %s is the incident's title */
  return g_strdup_printf (kind == TFTSR_DOC_RCA ? _ ("Root Cause Analysis: %s")
                                                : _ ("Post-mortem: %s"),
                          tftsr_issue_get_title (issue));
}

char *
tftsr_doc_build (TftsrDocKind kind, const TftsrDocSource *source)
{
  g_return_val_if_fail (source != NULL, NULL);

  return kind == TFTSR_DOC_RCA ? tftsr_doc_build_rca (source) : tftsr_doc_build_postmortem (source);
}

TftsrDocument *
tftsr_store_generate_document (TftsrStore *store, gint64 issue_id, TftsrDocKind kind,
                               GError **error)
{
  g_autoptr (TftsrDocSource) source = NULL;
  g_autofree char *title = NULL;
  g_autofree char *markdown = NULL;

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);

  if ((source = tftsr_store_load_doc_source (store, issue_id, error)) == NULL)
    return NULL;
  title = tftsr_doc_build_title (kind, source->issue);
  markdown = tftsr_doc_build (kind, source);
  return tftsr_store_insert_document (store, issue_id, kind, title, markdown, error);
}

TftsrDocument *
tftsr_store_regenerate_document (TftsrStore *store, gint64 document_id, GError **error)
{
  g_autoptr (TftsrDocument) doc = NULL;
  g_autoptr (TftsrDocSource) source = NULL;
  g_autofree char *title = NULL;
  g_autofree char *markdown = NULL;

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);

  if ((doc = tftsr_store_get_document_by_id (store, document_id, error)) == NULL ||
      (source = tftsr_store_load_doc_source (store, doc->issue_id, error)) == NULL)
    return NULL;
  title = tftsr_doc_build_title (doc->kind, source->issue);
  markdown = tftsr_doc_build (doc->kind, source);
  return tftsr_store_add_document_revision (store, document_id, TFTSR_DOC_REVISION_REGENERATED,
                                            title, markdown, error);
}
