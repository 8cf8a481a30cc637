/* tftsr-documents-view-private.h: what the documents view's files share (the editor and
 * its saves in tftsr-documents-view.c, exporting in tftsr-documents-view-export.c)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtksourceview/gtksource.h>

#include "tftsr-documents-view.h"
#include "tftsr-markdown-view.h"

/* Work that needs every edit stored first (export, revisions, regeneration). */
typedef void (*TftsrAfterSave) (TftsrDocumentsView *self);

struct _TftsrDocumentsView
{
  GtkWidget parent_instance;

  TftsrStore *store; /* NULL once disposed: late callbacks touch no widget then */
  TftsrAiProvider *provider;
  gint64 issue_id;
  TftsrDocKind kind;
  TftsrDocument *doc;        /* shown, as last loaded or saved; NULL when there is none */
  GCancellable *cancellable; /* loading and generating; cancelled by the next load */
  GtkSourceBuffer *buffer;
  gboolean filling; /* the buffer is being set from the store: not an edit */

  guint save_timeout;    /* autosave waiting for a pause in typing */
  guint preview_timeout; /* the preview waiting for a pause in typing */
  gboolean dirty;        /* edits not yet handed to a save */
  gboolean saving;       /* a save in flight (one at a time, in order) */
  TftsrDocSave saving_mode;
  gboolean as_revision; /* the next save starts a revision of its own */
  gboolean save_failed;
  TftsrAfterSave after_save;

  GCancellable *export_cancellable; /* the export running, or NULL */
  GFile *export_file;               /* what the export waiting for a save will write */
  TftsrDocFormat export_format;
  TftsrPaper export_paper;

  AdwToastOverlay *toast_overlay;
  GtkToggleButton *rca_button;
  GtkLabel *status_label;
  GtkToggleButton *preview_toggle;
  GtkStack *pages;
  GtkSpinner *spinner;
  AdwStatusPage *empty_page;
  GtkButton *generate_button;
  AdwStatusPage *failed_page;
  AdwLeaflet *leaflet;
  GtkWidget *editor_page;
  GtkWidget *preview_page;
  GtkSourceView *source_view;
  TftsrMarkdownView *preview;
  GtkRevealer *export_bar;
  GtkLabel *export_label;
  GtkProgressBar *export_progress;
  GtkWidget *export_cancel;
  GtkWidget *export_dismiss;
};

/* tftsr-documents-view.c */

/* Runs @then once every edit is stored: now when nothing waits, else after the saves it
 * starts. A failed save drops it (the status line says why). */
void tftsr_documents_view_when_saved (TftsrDocumentsView *self, TftsrAfterSave then);
void tftsr_documents_view_toast (TftsrDocumentsView *self, const char *text);
/* Enables the view's actions for what is shown and running. */
void tftsr_documents_view_update_actions (TftsrDocumentsView *self);
/* The document's title as a file name: path separators and controls replaced. */
char *tftsr_documents_view_file_name (TftsrDocumentsView *self, TftsrDocFormat format);

/* tftsr-documents-view-export.c */

/* docs.export: the file chooser (format, paper) and then tftsr_documents_view_export(). */
void tftsr_documents_view_export_action (GtkWidget *widget, const char *name, GVariant *param);
void tftsr_documents_view_cancel_export_action (GtkWidget *widget, const char *name,
                                                GVariant *param);
/* docs.open-file: opens the URI a toast offers. */
void tftsr_documents_view_open_file_action (GtkWidget *widget, const char *name, GVariant *param);
/* The bar under the editor: an export's progress with Cancel while @running, else a
 * notice (a failed export or save, characters no font has) until dismissed. */
void tftsr_documents_view_show_bar (TftsrDocumentsView *self, const char *text, gboolean running);
void tftsr_documents_view_hide_bar (TftsrDocumentsView *self);
