/* tftsr-documents-view.c: the Documents view of an incident
 *
 * Opening shows what is stored and never generates: a missing document offers Generate.
 * The editor is a GtkSourceView on the Markdown with a rendered preview beside it (or a
 * toggle away when the window is narrow). Edits are saved a moment after typing pauses,
 * one save in flight at a time; the core folds autosaves within five minutes into one
 * revision. Work that reads the stored text (export, revisions, regeneration) waits until
 * every edit is stored. Loads are cancelled by the next load and on dispose; a save is
 * never cancelled, and holds the application, so closing the window loses no edit.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>

#include "tftsr-documents-view-private.h"
#include "tftsr-draft-dialog.h"
#include "tftsr-revisions-dialog.h"

#define SAVE_DELAY_MS 800
#define PREVIEW_DELAY_MS 300
#define RETRY_DELAY_MS 5000

G_DEFINE_FINAL_TYPE (TftsrDocumentsView, tftsr_documents_view, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_KIND,
  PROP_PROVIDER,
  N_PROPS
};

enum
{
  CHANGED,
  FAILED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void save_now (TftsrDocumentsView *self);

void
tftsr_documents_view_toast (TftsrDocumentsView *self, const char *text)
{
  g_autofree char *markup = g_markup_escape_text (text, -1);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (markup));
}

static void
fail (TftsrDocumentsView *self, const GError *error)
{
  g_signal_emit (self, signals[FAILED], 0, error);
}

static gboolean
gone (TftsrDocumentsView *self)
{
  return self->store == NULL;
}

char *
tftsr_documents_view_file_name (TftsrDocumentsView *self, TftsrDocFormat format)
{
  g_autofree char *title = g_strdup (self->doc != NULL ? self->doc->title : "document");

  g_strdelimit (title, "/\\:\t\n\r", '-');
  return g_strdup_printf ("%s.%s", title, tftsr_doc_format_to_string (format));
}

/* --- what is shown ------------------------------------------------------------------------- */

static void
show_status (TftsrDocumentsView *self)
{
  g_autofree char *text = NULL;

  gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
  if (self->doc == NULL)
    text = g_strdup ("");
  else if (self->dirty || self->saving)
    text = g_strdup (_ ("Saving…"));
  else
    text = g_strdup_printf (_ ("Saved · revision %u"), self->doc->revision);
  gtk_label_set_label (self->status_label, text);
}

/* A failed save: "Not saved" in the status, the reason in the bar under the editor (a
 * sentence the toolbar would cut), until a save succeeds. */
static void
show_save_error (TftsrDocumentsView *self, const GError *error)
{
  g_autofree char *text = g_strdup_printf (
      _ ("Not saved: %s. Your text stays here and is saved again in a few seconds."),
      error->message);

  gtk_label_set_label (self->status_label, _ ("Not saved"));
  gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
  tftsr_documents_view_show_bar (self, text, FALSE);
}

void
tftsr_documents_view_update_actions (TftsrDocumentsView *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean shown = self->doc != NULL;
  gboolean exporting = self->export_cancellable != NULL;

  gtk_widget_action_set_enabled (widget, "docs.generate", self->issue_id > 0 && !shown);
  gtk_widget_action_set_enabled (widget, "docs.regenerate", shown);
  gtk_widget_action_set_enabled (widget, "docs.revisions", shown);
  gtk_widget_action_set_enabled (widget, "docs.save", shown);
  gtk_widget_action_set_enabled (widget, "docs.export", shown && !exporting);
  gtk_widget_action_set_enabled (widget, "docs.cancel-export", exporting);
  gtk_widget_action_set_enabled (widget, "docs.draft", shown && self->kind == TFTSR_DOC_POSTMORTEM);
}

static void
update_preview (TftsrDocumentsView *self)
{
  GtkTextIter start, end;
  g_autofree char *text = NULL;

  g_clear_handle_id (&self->preview_timeout, g_source_remove);
  gtk_text_buffer_get_bounds (GTK_TEXT_BUFFER (self->buffer), &start, &end);
  text = gtk_text_buffer_get_text (GTK_TEXT_BUFFER (self->buffer), &start, &end, FALSE);
  tftsr_markdown_view_set_text (self->preview, text);
}

static gboolean
preview_timeout_cb (gpointer user_data)
{
  TftsrDocumentsView *self = user_data;

  self->preview_timeout = 0;
  update_preview (self);
  return G_SOURCE_REMOVE;
}

/* Replaces the buffer's text with the stored one; undo cannot go back past it. */
static void
fill_buffer (TftsrDocumentsView *self, const char *markdown)
{
  GtkTextBuffer *buffer = GTK_TEXT_BUFFER (self->buffer);
  GtkTextIter start;

  self->filling = TRUE;
  gtk_text_buffer_begin_irreversible_action (buffer);
  gtk_text_buffer_set_text (buffer, markdown, -1);
  gtk_text_buffer_end_irreversible_action (buffer);
  gtk_text_buffer_get_start_iter (buffer, &start);
  gtk_text_buffer_place_cursor (buffer, &start);
  self->filling = FALSE;
  update_preview (self);
}

static void
set_document (TftsrDocumentsView *self, TftsrDocument *doc)
{
  g_clear_pointer (&self->doc, tftsr_document_free);
  self->doc = doc;
  if (self->save_failed)
    tftsr_documents_view_hide_bar (self);
  self->save_failed = FALSE;
  show_status (self);
  tftsr_documents_view_update_actions (self);
}

/* @doc (taken) in the editor. */
static void
show_document (TftsrDocumentsView *self, TftsrDocument *doc)
{
  set_document (self, doc);
  fill_buffer (self, doc->markdown);
  gtk_stack_set_visible_child_name (self->pages, "editor");
}

/* No document of the kind yet: what Generate will make. */
static void
show_empty (TftsrDocumentsView *self)
{
  gboolean rca = self->kind == TFTSR_DOC_RCA;

  set_document (self, NULL);
  adw_status_page_set_title (self->empty_page, rca ? _ ("No RCA Yet") : _ ("No Post-mortem Yet"));
  adw_status_page_set_description (
      self->empty_page,
      rca ? _ ("The root cause analysis is written from the incident’s details, timeline, 5 "
               "Whys and logs. Edit it afterwards: it is saved as you type, with every revision "
               "kept.")
          : _ ("The blameless post-mortem is written from the incident’s details, timeline, 5 "
               "Whys and logs, with sections for you to fill in. Edit it afterwards: it is "
               "saved as you type, with every revision kept."));
  gtk_button_set_label (self->generate_button,
                        rca ? _ ("_Generate RCA") : _ ("_Generate Post-mortem"));
  gtk_stack_set_visible_child_name (self->pages, "empty");
}

/* --- loading and generating ------------------------------------------------------------------ */

static void
document_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TftsrDocumentsView) self = user_data;
  g_autoptr (GError) error = NULL;
  TftsrDocument *doc = tftsr_store_document_finish (TFTSR_STORE (source), result, &error);

  gtk_spinner_stop (self->spinner);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || gone (self))
    {
      g_clear_pointer (&doc, tftsr_document_free);
      return;
    }
  if (doc != NULL)
    show_document (self, doc);
  else if (g_error_matches (error, TFTSR_DOC_ERROR, TFTSR_DOC_ERROR_NOT_FOUND))
    show_empty (self);
  else
    {
      adw_status_page_set_description (self->failed_page, error->message);
      gtk_stack_set_visible_child_name (self->pages, "failed");
    }
}

static void
load (TftsrDocumentsView *self)
{
  g_cancellable_cancel (self->cancellable);
  g_set_object (&self->cancellable, g_cancellable_new ());
  set_document (self, NULL);
  if (self->issue_id <= 0 || self->store == NULL)
    return;
  gtk_stack_set_visible_child_name (self->pages, "loading");
  gtk_spinner_start (self->spinner);
  tftsr_store_get_document_async (self->store, self->issue_id, self->kind, self->cancellable,
                                  document_loaded, g_object_ref (self));
}

/* Stores the edits still waiting for a pause in typing. */
static void
flush (TftsrDocumentsView *self)
{
  if (self->save_timeout != 0)
    save_now (self);
}

void
tftsr_documents_view_load (TftsrDocumentsView *self, gint64 issue_id)
{
  g_return_if_fail (TFTSR_IS_DOCUMENTS_VIEW (self));

  flush (self);
  self->after_save = NULL;
  self->issue_id = issue_id;
  load (self);
}

static void
reload_action (GtkWidget *widget, const char *name, GVariant *param)
{
  load (TFTSR_DOCUMENTS_VIEW (widget));
}

static void
generated (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TftsrDocumentsView) self = user_data;
  g_autoptr (GError) error = NULL;
  TftsrDocument *doc = tftsr_store_document_finish (TFTSR_STORE (source), result, &error);

  gtk_spinner_stop (self->spinner);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || gone (self))
    {
      g_clear_pointer (&doc, tftsr_document_free);
      return;
    }
  if (doc == NULL)
    {
      show_empty (self);
      fail (self, error);
      return;
    }
  show_document (self, doc);
  g_signal_emit (self, signals[CHANGED], 0);
  gtk_widget_grab_focus (GTK_WIDGET (self->source_view));
}

static void
generate_action (GtkWidget *widget, const char *name, GVariant *param)
{
  TftsrDocumentsView *self = TFTSR_DOCUMENTS_VIEW (widget);

  if (self->doc != NULL || self->issue_id <= 0)
    return;
  gtk_widget_action_set_enabled (widget, "docs.generate", FALSE);
  gtk_stack_set_visible_child_name (self->pages, "loading");
  gtk_spinner_start (self->spinner);
  tftsr_store_generate_document_async (self->store, self->issue_id, self->kind, self->cancellable,
                                       generated, g_object_ref (self));
}

/* --- saving ------------------------------------------------------------------------------------ */

static void
hold_application (gboolean hold)
{
  GApplication *app = g_application_get_default ();

  if (app == NULL)
    return;
  if (hold)
    g_application_hold (app);
  else
    g_application_release (app);
}

static gboolean
save_timeout_cb (gpointer user_data)
{
  TftsrDocumentsView *self = user_data;

  self->save_timeout = 0;
  save_now (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_save (TftsrDocumentsView *self, guint delay_ms)
{
  g_clear_handle_id (&self->save_timeout, g_source_remove);
  self->save_timeout = g_timeout_add (delay_ms, save_timeout_cb, self);
}

static void
run_after_save (TftsrDocumentsView *self)
{
  TftsrAfterSave then = self->after_save;

  self->after_save = NULL;
  if (then != NULL)
    then (self);
}

static void
saved (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TftsrDocumentsView) self = user_data;
  g_autoptr (GError) error = NULL;
  TftsrDocument *doc = tftsr_store_document_finish (TFTSR_STORE (source), result, &error);

  hold_application (FALSE);
  self->saving = FALSE;
  if (gone (self))
    {
      g_clear_pointer (&doc, tftsr_document_free);
      return;
    }
  if (doc == NULL)
    {
      /* The text stays in the editor; it goes out again after a while, as what it was. */
      self->save_failed = TRUE;
      self->dirty = TRUE;
      self->as_revision |= self->saving_mode == TFTSR_DOC_SAVE_REVISION;
      self->after_save = NULL;
      show_save_error (self, error);
      schedule_save (self, RETRY_DELAY_MS);
      return;
    }
  if (self->doc != NULL && self->doc->id == doc->id)
    set_document (self, doc);
  else
    tftsr_document_free (doc); /* another document is shown by now */
  if (self->dirty)
    save_now (self);
  else
    run_after_save (self);
}

static void
save_now (TftsrDocumentsView *self)
{
  GtkTextIter start, end;
  g_autofree char *text = NULL;

  g_clear_handle_id (&self->save_timeout, g_source_remove);
  if (self->saving || self->doc == NULL)
    return; /* saved() goes on with what is still dirty */
  if (!self->dirty)
    {
      run_after_save (self);
      return;
    }
  gtk_text_buffer_get_bounds (GTK_TEXT_BUFFER (self->buffer), &start, &end);
  text = gtk_text_buffer_get_text (GTK_TEXT_BUFFER (self->buffer), &start, &end, FALSE);
  self->saving_mode = self->as_revision ? TFTSR_DOC_SAVE_REVISION : TFTSR_DOC_SAVE_AUTOSAVE;
  self->dirty = FALSE;
  self->as_revision = FALSE;
  self->saving = TRUE;
  hold_application (TRUE);
  if (!self->save_failed)
    show_status (self);
  tftsr_store_save_document_async (self->store, self->doc->id, text, self->saving_mode, NULL, saved,
                                   g_object_ref (self));
}

void
tftsr_documents_view_when_saved (TftsrDocumentsView *self, TftsrAfterSave then)
{
  self->after_save = then;
  if (self->saving)
    return;
  save_now (self);
}

static void
on_buffer_changed (TftsrDocumentsView *self)
{
  if (self->filling || self->doc == NULL)
    return;
  self->dirty = TRUE;
  if (!self->save_failed)
    show_status (self);
  schedule_save (self, SAVE_DELAY_MS);
  g_clear_handle_id (&self->preview_timeout, g_source_remove);
  self->preview_timeout = g_timeout_add (PREVIEW_DELAY_MS, preview_timeout_cb, self);
}

static void
save_action (GtkWidget *widget, const char *name, GVariant *param)
{
  save_now (TFTSR_DOCUMENTS_VIEW (widget));
}

/* --- regenerating ---------------------------------------------------------------------------- */

static void
regenerated (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TftsrDocumentsView) self = user_data;
  g_autoptr (GError) error = NULL;
  TftsrDocument *doc = tftsr_store_document_finish (TFTSR_STORE (source), result, &error);
  g_autofree char *text = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || gone (self))
    {
      g_clear_pointer (&doc, tftsr_document_free);
      return;
    }
  if (doc == NULL)
    {
      fail (self, error);
      return;
    }
  text = g_strdup_printf (_ ("Regenerated as revision %u"), doc->revision);
  show_document (self, doc);
  tftsr_documents_view_toast (self, text);
}

static void
regenerate (TftsrDocumentsView *self)
{
  tftsr_store_regenerate_document_async (self->store, self->doc->id, self->cancellable, regenerated,
                                         g_object_ref (self));
}

static void
regenerate_confirmed (AdwMessageDialog *dialog, const char *response, TftsrDocumentsView *self)
{
  if (g_str_equal (response, "regenerate") && self->doc != NULL)
    tftsr_documents_view_when_saved (self, regenerate);
}

static void
regenerate_action (GtkWidget *widget, const char *name, GVariant *param)
{
  TftsrDocumentsView *self = TFTSR_DOCUMENTS_VIEW (widget);
  const char *label = tftsr_doc_kind_get_label (self->kind);
  g_autofree char *heading = NULL;
  GtkWidget *dialog;

  if (self->doc == NULL)
    return;
  /* Translators: "Regenerate the RCA?" */
  heading = g_strdup_printf (_ ("Regenerate the %s?"), label);
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), heading, NULL);
  adw_message_dialog_format_body (
      ADW_MESSAGE_DIALOG (dialog),
      _ ("It is written again from the incident’s current details, timeline, 5 Whys and logs, "
         "as a new revision. The text it has now, your edits included, stays as revision %u: "
         "you can compare it with the new one and revert to it under Revisions."),
      self->doc->revision);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _ ("_Cancel"),
                                    "regenerate", _ ("_Regenerate"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "regenerate",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (regenerate_confirmed), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* --- revisions --------------------------------------------------------------------------------- */

static void
on_reverted (TftsrDocumentsView *self, guint from, guint to)
{
  g_autofree char *text =
      g_strdup_printf (_ ("Reverted to revision %u: it is now revision %u"), from, to);

  load (self);
  tftsr_documents_view_toast (self, text);
}

static void
open_revisions (TftsrDocumentsView *self)
{
  TftsrRevisionsDialog *dialog = tftsr_revisions_dialog_new (
      GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), self->store, self->doc);

  g_signal_connect_object (dialog, "reverted", G_CALLBACK (on_reverted), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
revisions_action (GtkWidget *widget, const char *name, GVariant *param)
{
  TftsrDocumentsView *self = TFTSR_DOCUMENTS_VIEW (widget);

  if (self->doc != NULL)
    tftsr_documents_view_when_saved (self, open_revisions);
}

/* --- the AI draft ------------------------------------------------------------------------------ */

/* The draft goes into the text as one edit (undo takes it out) and is saved as a revision
 * of its own, so the text before it stays one to compare with. */
static void
on_draft_accepted (TftsrDocumentsView *self, TftsrDraftDialog *dialog)
{
  GtkTextBuffer *buffer = GTK_TEXT_BUFFER (self->buffer);
  GtkTextIter start, end;
  g_autofree char *text = NULL;
  g_autofree char *drafted = NULL;

  if (self->doc == NULL)
    return;
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  drafted = tftsr_doc_draft_apply (tftsr_draft_dialog_get_draft (dialog), text);
  gtk_text_buffer_begin_user_action (buffer);
  gtk_text_buffer_delete (buffer, &start, &end);
  gtk_text_buffer_insert (buffer, &start, drafted, -1);
  gtk_text_buffer_end_user_action (buffer);
  self->as_revision = TRUE;
  save_now (self);
  update_preview (self);
  tftsr_documents_view_toast (self, _ ("The draft is in the post-mortem: check it and edit it"));
}

static void
no_provider_response (AdwMessageDialog *dialog, const char *response, TftsrDocumentsView *self)
{
  if (g_str_equal (response, "providers"))
    gtk_widget_activate_action (GTK_WIDGET (self), "win.ai-providers", NULL);
}

static void
offer_providers (TftsrDocumentsView *self)
{
  GtkWidget *dialog = adw_message_dialog_new (
      GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), _ ("No AI Provider"),
      _ ("A draft is written by the AI provider in use. Add one in Preferences → AI "
         "Providers, or write the sections yourself."));

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "close", _ ("_Close"), "providers",
                                    _ ("_AI Providers"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "providers",
                                              ADW_RESPONSE_SUGGESTED);
  g_signal_connect_object (dialog, "response", G_CALLBACK (no_provider_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
draft_action (GtkWidget *widget, const char *name, GVariant *param)
{
  TftsrDocumentsView *self = TFTSR_DOCUMENTS_VIEW (widget);
  TftsrDraftDialog *dialog;

  if (self->doc == NULL || self->kind != TFTSR_DOC_POSTMORTEM)
    return;
  if (self->provider == NULL)
    {
      offer_providers (self);
      return;
    }
  dialog = tftsr_draft_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), self->store,
                                   self->issue_id, self->provider);
  g_signal_connect_object (dialog, "accepted", G_CALLBACK (on_draft_accepted), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* --- layout and style --------------------------------------------------------------------------- */

static void
on_preview_toggled (TftsrDocumentsView *self)
{
  gboolean preview = gtk_toggle_button_get_active (self->preview_toggle);

  adw_leaflet_set_visible_child (self->leaflet, preview ? self->preview_page : self->editor_page);
}

/* Unfolded, both are shown and the toggle is hidden; folding shows the editor again. */
static void
on_folded (TftsrDocumentsView *self)
{
  if (adw_leaflet_get_folded (self->leaflet))
    on_preview_toggled (self);
}

static void
follow_style (TftsrDocumentsView *self)
{
  GtkSourceStyleSchemeManager *schemes = gtk_source_style_scheme_manager_get_default ();
  gboolean dark = adw_style_manager_get_dark (adw_style_manager_get_default ());

  gtk_source_buffer_set_style_scheme (
      self->buffer,
      gtk_source_style_scheme_manager_get_scheme (schemes, dark ? "Adwaita-dark" : "Adwaita"));
}

static gboolean
grab_focus (GtkWidget *widget)
{
  TftsrDocumentsView *self = TFTSR_DOCUMENTS_VIEW (widget);

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->pages), "editor") == 0)
    return gtk_widget_grab_focus (GTK_WIDGET (self->source_view));
  return gtk_widget_grab_focus (GTK_WIDGET (self->generate_button));
}

/* --- public ------------------------------------------------------------------------------------ */

void
tftsr_documents_view_set_store (TftsrDocumentsView *self, TftsrStore *store)
{
  g_return_if_fail (TFTSR_IS_DOCUMENTS_VIEW (self));
  flush (self);
  g_set_object (&self->store, store);
  self->issue_id = 0;
  load (self);
}

const TftsrDocument *
tftsr_documents_view_get_document (TftsrDocumentsView *self)
{
  g_return_val_if_fail (TFTSR_IS_DOCUMENTS_VIEW (self), NULL);
  return self->doc;
}

/* --- class --------------------------------------------------------------------------------------- */

static void
set_kind (TftsrDocumentsView *self, const char *name)
{
  TftsrDocKind kind;

  if (!tftsr_doc_kind_from_string (name, &kind) || kind == self->kind)
    return;
  flush (self);
  self->after_save = NULL;
  self->kind = kind;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KIND]);
  load (self);
}

static void
tftsr_documents_view_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  TftsrDocumentsView *self = TFTSR_DOCUMENTS_VIEW (object);

  switch (prop_id)
    {
    case PROP_KIND:
      g_value_set_string (value, tftsr_doc_kind_to_string (self->kind));
      break;
    case PROP_PROVIDER:
      g_value_set_boxed (value, self->provider);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tftsr_documents_view_set_property (GObject *object, guint prop_id, const GValue *value,
                                   GParamSpec *pspec)
{
  TftsrDocumentsView *self = TFTSR_DOCUMENTS_VIEW (object);

  switch (prop_id)
    {
    case PROP_KIND:
      set_kind (self, g_value_get_string (value));
      break;
    case PROP_PROVIDER:
      g_clear_pointer (&self->provider, tftsr_ai_provider_free);
      self->provider = g_value_dup_boxed (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* Edits waiting are saved (the save outlives the view); everything else is cancelled. */
static void
tftsr_documents_view_dispose (GObject *object)
{
  TftsrDocumentsView *self = TFTSR_DOCUMENTS_VIEW (object);

  flush (self);
  self->after_save = NULL;
  g_cancellable_cancel (self->cancellable);
  if (self->export_cancellable != NULL)
    g_cancellable_cancel (self->export_cancellable);
  g_clear_handle_id (&self->save_timeout, g_source_remove);
  g_clear_handle_id (&self->preview_timeout, g_source_remove);
  g_clear_object (&self->store);
  gtk_widget_dispose_template (GTK_WIDGET (self), TFTSR_TYPE_DOCUMENTS_VIEW);
  G_OBJECT_CLASS (tftsr_documents_view_parent_class)->dispose (object);
}

static void
tftsr_documents_view_finalize (GObject *object)
{
  TftsrDocumentsView *self = TFTSR_DOCUMENTS_VIEW (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->export_cancellable);
  g_clear_object (&self->export_file);
  g_clear_object (&self->buffer);
  g_clear_pointer (&self->doc, tftsr_document_free);
  g_clear_pointer (&self->provider, tftsr_ai_provider_free);
  G_OBJECT_CLASS (tftsr_documents_view_parent_class)->finalize (object);
}

static void
install_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_property_action (widget_class, "docs.kind", "kind");
  gtk_widget_class_install_action (widget_class, "docs.generate", NULL, generate_action);
  gtk_widget_class_install_action (widget_class, "docs.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "docs.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "docs.regenerate", NULL, regenerate_action);
  gtk_widget_class_install_action (widget_class, "docs.revisions", NULL, revisions_action);
  gtk_widget_class_install_action (widget_class, "docs.draft", NULL, draft_action);
  gtk_widget_class_install_action (widget_class, "docs.export", NULL,
                                   tftsr_documents_view_export_action);
  gtk_widget_class_install_action (widget_class, "docs.cancel-export", NULL,
                                   tftsr_documents_view_cancel_export_action);
  gtk_widget_class_install_action (widget_class, "docs.open-file", "s",
                                   tftsr_documents_view_open_file_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "docs.save",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "docs.export", NULL);
}

static void
tftsr_documents_view_class_init (TftsrDocumentsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tftsr_documents_view_dispose;
  object_class->finalize = tftsr_documents_view_finalize;
  object_class->get_property = tftsr_documents_view_get_property;
  object_class->set_property = tftsr_documents_view_set_property;
  widget_class->grab_focus = grab_focus;

  properties[PROP_KIND] =
      g_param_spec_string ("kind", NULL, NULL, "rca",
                           G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROVIDER] = g_param_spec_boxed ("provider", NULL, NULL, TFTSR_TYPE_AI_PROVIDER,
                                                  G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                   NULL, NULL, G_TYPE_NONE, 0);
  signals[FAILED] = g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                  NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);

  gtk_source_init ();
  g_type_ensure (GTK_SOURCE_TYPE_VIEW);
  g_type_ensure (TFTSR_TYPE_MARKDOWN_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               TFTSR_RESOURCE_PATH "/ui/tftsr-documents-view.ui");
  gtk_widget_class_bind_template_child (widget_class, TftsrDocumentsView, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, TftsrDocumentsView, rca_button);
  gtk_widget_class_bind_template_child (widget_class, TftsrDocumentsView, status_label);
  gtk_widget_class_bind_template_child (widget_class, TftsrDocumentsView, preview_toggle);
  gtk_widget_class_bind_template_child (widget_class, TftsrDocumentsView, pages);
  gtk_widget_class_bind_template_child (widget_class, TftsrDocumentsView, spinner);
  gtk_widget_class_bind_template_child (widget_class, TftsrDocumentsView, empty_page);
  gtk_widget_class_bind_template_child (widget_class, TftsrDocumentsView, generate_button);
  gtk_widget_class_bind_template_child (widget_class, TftsrDocumentsView, failed_page);
  gtk_widget_class_bind_template_child (widget_class, TftsrDocumentsView, leaflet);
  gtk_widget_class_bind_template_child (widget_class, TftsrDocumentsView, editor_page);
  gtk_widget_class_bind_template_child (widget_class, TftsrDocumentsView, preview_page);
  gtk_widget_class_bind_template_child (widget_class, TftsrDocumentsView, source_view);
  gtk_widget_class_bind_template_child (widget_class, TftsrDocumentsView, preview);
  gtk_widget_class_bind_template_child (widget_class, TftsrDocumentsView, export_bar);
  gtk_widget_class_bind_template_child (widget_class, TftsrDocumentsView, export_label);
  gtk_widget_class_bind_template_child (widget_class, TftsrDocumentsView, export_progress);
  gtk_widget_class_bind_template_child (widget_class, TftsrDocumentsView, export_cancel);
  gtk_widget_class_bind_template_child (widget_class, TftsrDocumentsView, export_dismiss);
  gtk_widget_class_bind_template_callback (widget_class, on_preview_toggled);
  gtk_widget_class_bind_template_callback (widget_class, on_folded);
  gtk_widget_class_bind_template_callback_full (widget_class, "on_bar_dismissed",
                                                G_CALLBACK (tftsr_documents_view_hide_bar));
  install_actions (widget_class);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "documentsview");
}

static void
tftsr_documents_view_init (TftsrDocumentsView *self)
{
  GtkSourceLanguageManager *languages = gtk_source_language_manager_get_default ();

  gtk_widget_init_template (GTK_WIDGET (self));
  self->kind = TFTSR_DOC_RCA;
  self->cancellable = g_cancellable_new ();
  self->buffer = gtk_source_buffer_new_with_language (
      gtk_source_language_manager_get_language (languages, "markdown"));
  gtk_text_view_set_buffer (GTK_TEXT_VIEW (self->source_view), GTK_TEXT_BUFFER (self->buffer));
  tftsr_markdown_view_set_flavour (self->preview, TFTSR_MD_DOCUMENT);
  follow_style (self);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (follow_style), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->buffer, "changed", G_CALLBACK (on_buffer_changed), self,
                           G_CONNECT_SWAPPED);
  tftsr_documents_view_update_actions (self);
}
