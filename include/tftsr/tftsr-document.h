/* tftsr-document.h: an incident's RCA and post-mortem, stored with every revision
 *
 * An incident has at most one document of each kind. It is generated once from the
 * incident's data (revision 1), then edited, regenerated or reverted, each change a new
 * revision; nothing is ever overwritten except by autosave coalescing (below). Reading a
 * document never generates it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tftsr-pdf.h"
#include "tftsr-store.h"

G_BEGIN_DECLS

#define TFTSR_DOC_ERROR (tftsr_doc_error_quark ())
GQuark tftsr_doc_error_quark (void);

typedef enum
{
  TFTSR_DOC_ERROR_NOT_FOUND, /* no such document (not generated yet) or revision */
  TFTSR_DOC_ERROR_EXISTS,    /* generating a document that exists: regenerate it instead */
} TftsrDocError;

typedef enum
{
  TFTSR_DOC_RCA,        /* root cause analysis */
  TFTSR_DOC_POSTMORTEM, /* blameless post-mortem */
} TftsrDocKind;

/* "rca", "postmortem": as stored and as tftsr-cli takes them. */
const char *tftsr_doc_kind_to_string (TftsrDocKind kind);
gboolean tftsr_doc_kind_from_string (const char *name, TftsrDocKind *out);
/* "RCA", "Post-mortem" (translated). */
const char *tftsr_doc_kind_get_label (TftsrDocKind kind);

typedef enum
{
  TFTSR_DOC_REVISION_GENERATED,   /* revision 1 */
  TFTSR_DOC_REVISION_EDITED,      /* the author's text */
  TFTSR_DOC_REVISION_REGENERATED, /* built again from the incident's data */
  TFTSR_DOC_REVISION_REVERTED,    /* an earlier revision's text again */
} TftsrDocRevisionReason;

const char *tftsr_doc_revision_reason_to_string (TftsrDocRevisionReason reason);

typedef struct
{
  gint64 id;
  gint64 issue_id;
  TftsrDocKind kind;
  char *title;
  guint revision;     /* the current revision: always the newest */
  char *external_url; /* where it was published, or NULL */
  char *created_at;
  char *updated_at;
  char *markdown; /* the current revision's text */
} TftsrDocument;

void tftsr_document_free (TftsrDocument *document);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrDocument, tftsr_document_free)

typedef struct
{
  guint n; /* 1, 2… */
  TftsrDocRevisionReason reason;
  guint reverted_from; /* reverted: the revision whose text it restored; else 0 */
  char *created_at;
  char *updated_at; /* the last autosave that went into it */
  char *markdown;   /* NULL in tftsr_store_list_document_revisions() */
} TftsrDocRevision;

void tftsr_doc_revision_free (TftsrDocRevision *revision);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrDocRevision, tftsr_doc_revision_free)

/* How an edit is saved. */
typedef enum
{
  /* Goes into the current revision when that is an edit begun less than
   * TFTSR_DOC_AUTOSAVE_WINDOW seconds ago; otherwise starts a new one. Continuous typing
   * so makes at most one revision per window, and a generated, regenerated or reverted
   * revision is never overwritten. */
  TFTSR_DOC_SAVE_AUTOSAVE,
  /* Always a new revision (an explicit save, a file from tftsr-cli doc edit). */
  TFTSR_DOC_SAVE_REVISION,
} TftsrDocSave;

#define TFTSR_DOC_AUTOSAVE_WINDOW 300

/* The document of @kind of incident @issue_id, or NULL with TFTSR_DOC_ERROR_NOT_FOUND
 * when it has not been generated. Never generates. */
TftsrDocument *tftsr_store_get_document (TftsrStore *store, gint64 issue_id, TftsrDocKind kind,
                                         GError **error);
/* Builds the document from the incident's data (tftsr-doc-builder.h) and stores it as
 * revision 1; records "RCA generated" (or "Post-mortem generated") in the incident's
 * timeline. TFTSR_DOC_ERROR_EXISTS when it exists already. */
TftsrDocument *tftsr_store_generate_document (TftsrStore *store, gint64 issue_id, TftsrDocKind kind,
                                              GError **error);
/* Builds document @document_id again from the incident's data as a new revision
 * ("regenerated"); the earlier revisions stay. Nothing changes when the text would be the
 * current one. */
TftsrDocument *tftsr_store_regenerate_document (TftsrStore *store, gint64 document_id,
                                                GError **error);
/* Saves @markdown as the author's text (see TftsrDocSave). Nothing changes when it is the
 * current text. */
TftsrDocument *tftsr_store_save_document (TftsrStore *store, gint64 document_id,
                                          const char *markdown, TftsrDocSave mode, GError **error);
/* Makes revision @n's text current again as a new revision ("reverted"). Nothing changes
 * when the current text is already that. */
TftsrDocument *tftsr_store_revert_document (TftsrStore *store, gint64 document_id, guint n,
                                            GError **error);
/* The revisions, oldest first, without their text. */
GPtrArray *tftsr_store_list_document_revisions (TftsrStore *store, gint64 document_id,
                                                GError **error);
/* Revision @n with its text, or NULL with TFTSR_DOC_ERROR_NOT_FOUND. */
TftsrDocRevision *tftsr_store_get_document_revision (TftsrStore *store, gint64 document_id, guint n,
                                                     GError **error);

/* Export formats. */
typedef enum
{
  TFTSR_DOC_FORMAT_MARKDOWN,   /* the text as stored */
  TFTSR_DOC_FORMAT_HTML,       /* a standalone page (tftsr_doc_render_html()) */
  TFTSR_DOC_FORMAT_PDF,        /* pages for print (tftsr-pdf.h) */
  TFTSR_DOC_FORMAT_CONFLUENCE, /* a page body in Confluence's storage format
                                * (tftsr_doc_render_confluence()) */
} TftsrDocFormat;

/* "md", "html", "pdf", "confluence": as tftsr-cli takes them, and the files' extensions. */
const char *tftsr_doc_format_to_string (TftsrDocFormat format);
gboolean tftsr_doc_format_from_string (const char *name, TftsrDocFormat *out);
/* "Markdown", "HTML", "PDF". */
const char *tftsr_doc_format_get_label (TftsrDocFormat format);

/* The paper PDFs are laid out on: the one stored with tftsr_store_set_paper(), else the
 * locale's (tftsr_paper_default()). Kept in the database, so the app and tftsr-cli agree. */
gboolean tftsr_store_get_paper (TftsrStore *store, TftsrPaper *paper, GError **error);
gboolean tftsr_store_set_paper (TftsrStore *store, TftsrPaper paper, GError **error);

/* Writes the current revision of @document_id in @format to @path: rendered whole (a PDF
 * on @paper, which the other formats ignore), then written into a temporary file beside
 * @path that is renamed over it once complete, so @path is never half written and a
 * failed or cancelled export leaves whatever was there. The file is the user's alone
 * (0600). Each export is then recorded once: a timeline event and a "document.export"
 * audit entry with the SHA-256 of the bytes written. @info (may be NULL) gets the pages and
 * the characters no installed font has (zero for Markdown and HTML). @progress (may be
 * NULL) hears, in this thread, the blocks of a PDF laid out and drawn. */
gboolean tftsr_store_export_document (TftsrStore *store, gint64 document_id, TftsrDocFormat format,
                                      TftsrPaper paper, const char *path, TftsrPdfInfo *info,
                                      TftsrProgressFunc progress, gpointer progress_data,
                                      GCancellable *cancellable, GError **error);

/* The same in a worker, for the UI thread. Calls that return a document finish with
 * tftsr_store_document_finish(); setting the paper with tftsr_store_change_finish(). */
void tftsr_store_get_document_async (TftsrStore *store, gint64 issue_id, TftsrDocKind kind,
                                     GCancellable *cancellable, GAsyncReadyCallback callback,
                                     gpointer user_data);
void tftsr_store_generate_document_async (TftsrStore *store, gint64 issue_id, TftsrDocKind kind,
                                          GCancellable *cancellable, GAsyncReadyCallback callback,
                                          gpointer user_data);
void tftsr_store_regenerate_document_async (TftsrStore *store, gint64 document_id,
                                            GCancellable *cancellable, GAsyncReadyCallback callback,
                                            gpointer user_data);
void tftsr_store_save_document_async (TftsrStore *store, gint64 document_id, const char *markdown,
                                      TftsrDocSave mode, GCancellable *cancellable,
                                      GAsyncReadyCallback callback, gpointer user_data);
void tftsr_store_revert_document_async (TftsrStore *store, gint64 document_id, guint n,
                                        GCancellable *cancellable, GAsyncReadyCallback callback,
                                        gpointer user_data);
TftsrDocument *tftsr_store_document_finish (TftsrStore *store, GAsyncResult *result,
                                            GError **error);
void tftsr_store_list_document_revisions_async (TftsrStore *store, gint64 document_id,
                                                GCancellable *cancellable,
                                                GAsyncReadyCallback callback, gpointer user_data);
GPtrArray *tftsr_store_list_document_revisions_finish (TftsrStore *store, GAsyncResult *result,
                                                       GError **error);
void tftsr_store_get_document_revision_async (TftsrStore *store, gint64 document_id, guint n,
                                              GCancellable *cancellable,
                                              GAsyncReadyCallback callback, gpointer user_data);
TftsrDocRevision *tftsr_store_get_document_revision_finish (TftsrStore *store, GAsyncResult *result,
                                                            GError **error);
/* @progress is called on the caller's thread-default main context, at most ~10 times a
 * second; the export's end is its callback. */
void tftsr_store_export_document_async (TftsrStore *store, gint64 document_id,
                                        TftsrDocFormat format, TftsrPaper paper, const char *path,
                                        TftsrProgressFunc progress, gpointer progress_data,
                                        GCancellable *cancellable, GAsyncReadyCallback callback,
                                        gpointer user_data);
gboolean tftsr_store_export_document_finish (TftsrStore *store, GAsyncResult *result,
                                             TftsrPdfInfo *info, GError **error);
void tftsr_store_get_paper_async (TftsrStore *store, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data);
gboolean tftsr_store_get_paper_finish (TftsrStore *store, GAsyncResult *result, TftsrPaper *paper,
                                       GError **error);
void tftsr_store_set_paper_async (TftsrStore *store, TftsrPaper paper, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data);

G_END_DECLS
