/* tftsr-documents-view-export.c: exporting the document shown
 *
 * The file chooser offers the format and, for a PDF, the paper (the stored choice, else the
 * locale's; a different choice is stored for next time). The export waits for every edit
 * to be stored, runs in a worker and, for a PDF, shows its progress with Cancel in a bar
 * under the editor; the same bar keeps a failure, or a warning about characters no font
 * has, until dismissed (a toast would cut those sentences). Success is a toast with the
 * path and Open.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>
#include <string.h>

#include "tftsr-documents-view-private.h"

#define TOAST_SECONDS 10

/* --- the bar under the editor ---------------------------------------------------------------- */

void
tftsr_documents_view_show_bar (TftsrDocumentsView *self, const char *text, gboolean running)
{
  gtk_label_set_label (self->export_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->export_progress), running);
  gtk_widget_set_visible (self->export_cancel, running);
  gtk_widget_set_visible (self->export_dismiss, !running);
  gtk_revealer_set_reveal_child (self->export_bar, TRUE);
}

void
tftsr_documents_view_hide_bar (TftsrDocumentsView *self)
{
  gtk_revealer_set_reveal_child (self->export_bar, FALSE);
}

/* --- running ---------------------------------------------------------------------------------- */

typedef struct
{
  TftsrDocumentsView *self;
  char *path;
} Export;

static void
export_free (Export *e)
{
  g_object_unref (e->self);
  g_free (e->path);
  g_free (e);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Export, export_free)

static void
on_progress (guint64 done, guint64 total, gpointer user_data)
{
  Export *e = user_data;

  if (e->self->store != NULL && total > 0)
    gtk_progress_bar_set_fraction (e->self->export_progress, (double) done / (double) total);
}

static void
toast_exported (TftsrDocumentsView *self, const char *path)
{
  g_autofree char *uri = g_filename_to_uri (path, NULL, NULL);
  g_autofree char *shown = g_filename_display_name (path);
  g_autofree char *title = g_markup_printf_escaped (_ ("Exported to %s"), shown);
  AdwToast *toast = adw_toast_new (title);

  adw_toast_set_button_label (toast, _ ("_Open"));
  adw_toast_set_action_name (toast, "docs.open-file");
  adw_toast_set_action_target_value (toast, g_variant_new_string (uri));
  adw_toast_set_timeout (toast, TOAST_SECONDS);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
warn_missing_glyphs (TftsrDocumentsView *self, guint missing)
{
  g_autofree char *text = g_strdup_printf (
      g_dngettext (NULL,
                   "%u character of the PDF has no installed font and prints as a box. Install "
                   "a font with it (Noto covers most scripts) and export again.",
                   "%u characters of the PDF have no installed font and print as boxes. "
                   "Install a font with them (Noto covers most scripts) and export again.",
                   missing),
      missing);

  tftsr_documents_view_show_bar (self, text, FALSE);
}

static void
exported (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (Export) e = user_data;
  TftsrDocumentsView *self = e->self;
  g_autoptr (GError) error = NULL;
  g_autofree char *failure = NULL;
  TftsrPdfInfo info = { 0 };
  gboolean ok = tftsr_store_export_document_finish (TFTSR_STORE (source), result, &info, &error);

  if (self->store == NULL)
    return;
  g_clear_object (&self->export_cancellable);
  tftsr_documents_view_update_actions (self);
  tftsr_documents_view_hide_bar (self);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    tftsr_documents_view_toast (self, _ ("Export stopped; nothing was written"));
  else if (!ok)
    {
      failure = g_strdup_printf (_ ("Could not export: %s"), error->message);
      tftsr_documents_view_show_bar (self, failure, FALSE);
    }
  else
    {
      toast_exported (self, e->path);
      if (info.missing_glyphs > 0)
        warn_missing_glyphs (self, info.missing_glyphs);
      g_signal_emit_by_name (self, "changed");
    }
}

/* Once every edit is stored (an AfterSave). */
static void
start_export (TftsrDocumentsView *self)
{
  g_autoptr (GFile) file = g_steal_pointer (&self->export_file);
  Export *e;

  if (file == NULL || self->doc == NULL || self->export_cancellable != NULL)
    return;
  e = g_new0 (Export, 1);
  e->self = g_object_ref (self);
  e->path = g_file_get_path (file);
  if (e->path == NULL)
    {
      tftsr_documents_view_show_bar (self, _ ("Could not export: choose a folder on this computer"),
                                     FALSE);
      export_free (e);
      return;
    }
  self->export_cancellable = g_cancellable_new ();
  tftsr_documents_view_update_actions (self);
  if (self->export_format == TFTSR_DOC_FORMAT_PDF)
    {
      g_autofree char *name = g_file_get_basename (file);
      g_autofree char *text = g_strdup_printf (_ ("Writing “%s”…"), name);

      gtk_progress_bar_set_fraction (self->export_progress, 0);
      tftsr_documents_view_show_bar (self, text, TRUE);
    }
  tftsr_store_export_document_async (self->store, self->doc->id, self->export_format,
                                     self->export_paper, e->path, on_progress, e,
                                     self->export_cancellable, exported, e);
}

void
tftsr_documents_view_export (TftsrDocumentsView *self, GFile *file, TftsrDocFormat format,
                             TftsrPaper paper)
{
  g_return_if_fail (TFTSR_IS_DOCUMENTS_VIEW (self));
  g_return_if_fail (G_IS_FILE (file));

  if (self->doc == NULL || self->export_cancellable != NULL)
    return;
  g_set_object (&self->export_file, file);
  self->export_format = format;
  self->export_paper = paper;
  tftsr_documents_view_when_saved (self, start_export);
}

void
tftsr_documents_view_cancel_export_action (GtkWidget *widget, const char *name, GVariant *param)
{
  TftsrDocumentsView *self = TFTSR_DOCUMENTS_VIEW (widget);

  if (self->export_cancellable == NULL)
    return;
  g_cancellable_cancel (self->export_cancellable);
  gtk_widget_action_set_enabled (widget, "docs.cancel-export", FALSE);
}

/* --- opening what was written ---------------------------------------------------------------- */

static void
launched (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TftsrDocumentsView) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;

  if (g_app_info_launch_default_for_uri_finish (result, &error) || self->store == NULL)
    return;
  text = g_strdup_printf (_ ("Could not open the file: %s"), error->message);
  tftsr_documents_view_toast (self, text);
}

void
tftsr_documents_view_open_file_action (GtkWidget *widget, const char *name, GVariant *param)
{
  g_autoptr (GdkAppLaunchContext) context =
      gdk_display_get_app_launch_context (gtk_widget_get_display (widget));

  g_app_info_launch_default_for_uri_async (g_variant_get_string (param, NULL),
                                           G_APP_LAUNCH_CONTEXT (context), NULL, launched,
                                           g_object_ref (widget));
}

/* --- choosing the file ------------------------------------------------------------------------ */

#define FORMAT_CHOICE "format"
#define PAPER_CHOICE "paper"

/* @file named for @format: a name without an extension gets the format's, and one ending
 * in another format's extension is corrected (a PDF called .html would mislead); any other
 * name is the user's choice. */
static GFile *
named_for (GFile *file, TftsrDocFormat format)
{
  static const TftsrDocFormat formats[] = { TFTSR_DOC_FORMAT_MARKDOWN, TFTSR_DOC_FORMAT_HTML,
                                            TFTSR_DOC_FORMAT_PDF };
  g_autofree char *name = g_file_get_basename (file);
  g_autoptr (GFile) parent = g_file_get_parent (file);
  const char *ext = tftsr_doc_format_to_string (format);
  char *dot = strrchr (name, '.');
  g_autofree char *renamed = NULL;

  for (guint i = 0; dot != NULL && i < G_N_ELEMENTS (formats); i++)
    if (g_ascii_strcasecmp (dot + 1, tftsr_doc_format_to_string (formats[i])) == 0)
      *dot = '\0';
  if (dot != NULL && *dot != '\0')
    return g_object_ref (file);
  renamed = g_strdup_printf ("%s.%s", name, ext);
  return parent != NULL ? g_file_get_child (parent, renamed) : g_file_new_for_path (renamed);
}

typedef struct
{
  TftsrDocumentsView *self;
  TftsrPaper stored;
} Choosing;

static void
choosing_free (Choosing *c)
{
  g_object_unref (c->self);
  g_free (c);
}

static void
paper_saved (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TftsrDocumentsView) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!tftsr_store_change_finish (TFTSR_STORE (source), result, &error) && self->store != NULL)
    tftsr_documents_view_toast (self, error->message);
}

static void
file_chosen (GtkNativeDialog *chooser, int response, gpointer user_data)
{
  Choosing *c = user_data;
  TftsrDocumentsView *self = c->self;
  g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  g_autoptr (GFile) named = NULL;
  TftsrDocFormat format = TFTSR_DOC_FORMAT_PDF;
  TftsrPaper paper = c->stored;

  if (response == GTK_RESPONSE_ACCEPT && file != NULL && self->store != NULL)
    {
      tftsr_doc_format_from_string (
          gtk_file_chooser_get_choice (GTK_FILE_CHOOSER (chooser), FORMAT_CHOICE), &format);
      tftsr_paper_from_string (
          gtk_file_chooser_get_choice (GTK_FILE_CHOOSER (chooser), PAPER_CHOICE), &paper);
      if (format == TFTSR_DOC_FORMAT_PDF && paper != c->stored)
        tftsr_store_set_paper_async (self->store, paper, NULL, paper_saved, g_object_ref (self));
      named = named_for (file, format);
      tftsr_documents_view_export (self, named, format, paper);
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
  choosing_free (c);
}

static void
add_choices (GtkFileChooser *chooser, TftsrPaper paper)
{
  const char *format_ids[] = { "pdf", "html", "md", NULL };
  const char *format_labels[] = { "PDF", "HTML", "Markdown", NULL };
  const char *paper_ids[] = { "a4", "letter", NULL };
  const char *paper_labels[] = { tftsr_paper_get_label (TFTSR_PAPER_A4),
                                 tftsr_paper_get_label (TFTSR_PAPER_LETTER), NULL };

  gtk_file_chooser_add_choice (chooser, FORMAT_CHOICE, _ ("Format"), format_ids, format_labels);
  gtk_file_chooser_set_choice (chooser, FORMAT_CHOICE, "pdf");
  gtk_file_chooser_add_choice (chooser, PAPER_CHOICE, _ ("Paper (PDF)"), paper_ids, paper_labels);
  gtk_file_chooser_set_choice (chooser, PAPER_CHOICE, tftsr_paper_to_string (paper));
}

static void
paper_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TftsrDocumentsView) self = user_data;
  g_autofree char *name = NULL;
  GtkFileChooserNative *chooser;
  Choosing *c;

  if (self->store == NULL || self->doc == NULL)
    return;
  c = g_new0 (Choosing, 1);
  c->self = g_object_ref (self);
  /* Unreadable, the setting falls back to the locale's paper, as the core's would. */
  if (!tftsr_store_get_paper_finish (TFTSR_STORE (source), result, &c->stored, NULL))
    c->stored = tftsr_paper_default ();
  chooser = gtk_file_chooser_native_new (_ ("Export Document"),
                                         GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _ ("_Export"), NULL);
  name = tftsr_documents_view_file_name (self, TFTSR_DOC_FORMAT_PDF);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  add_choices (GTK_FILE_CHOOSER (chooser), c->stored);
  g_signal_connect (chooser, "response", G_CALLBACK (file_chosen), c);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

void
tftsr_documents_view_export_action (GtkWidget *widget, const char *name, GVariant *param)
{
  TftsrDocumentsView *self = TFTSR_DOCUMENTS_VIEW (widget);

  if (self->doc == NULL || self->export_cancellable != NULL)
    return;
  tftsr_store_get_paper_async (self->store, NULL, paper_read, g_object_ref (self));
}
