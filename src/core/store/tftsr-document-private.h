/* tftsr-document-private.h: the documents repository's calls for the docs module, which
 * builds what is stored
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tftsr-document.h"
#include "tftsr-store-private.h"

/* A stored reason; one written by a newer version counts as an edit. */
TftsrDocRevisionReason tftsr_doc_revision_reason_from_string (const char *name);

/* Stores a new document with @markdown as revision 1 ("generated") and records its
 * generation in the incident's timeline, in one transaction. TFTSR_DOC_ERROR_EXISTS when
 * the incident has a document of @kind. */
TftsrDocument *tftsr_store_insert_document (TftsrStore *store, gint64 issue_id, TftsrDocKind kind,
                                            const char *title, const char *markdown,
                                            GError **error);
/* Makes @markdown current as a new revision for @reason, with @title as the document's
 * title. Nothing changes when both are the current ones. */
TftsrDocument *tftsr_store_add_document_revision (TftsrStore *store, gint64 document_id,
                                                  TftsrDocRevisionReason reason, const char *title,
                                                  const char *markdown, GError **error);
/* Records that revision @document->revision was written to @path in @format: a timeline
 * event and an audit entry with the SHA-256 and size of the bytes written. */
gboolean tftsr_store_record_document_export (TftsrStore *store, const TftsrDocument *document,
                                             TftsrDocFormat format, const char *path,
                                             GBytes *written, GError **error);
/* The document with id @document_id (TFTSR_DOC_ERROR_NOT_FOUND when there is none). */
TftsrDocument *tftsr_store_get_document_by_id (TftsrStore *store, gint64 document_id,
                                               GError **error);
