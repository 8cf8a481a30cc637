/* tftsr-draft-dialog.c
 *
 * Three steps: what will be sent and to whom, the request running (Cancel reaches the
 * HTTP request), and the draft, marked as a model's text to check, with Accept. A failure
 * brings the first step back with the reason; nothing is stored by drafting.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>

#include "tftsr-app-format.h"
#include "tftsr-draft-dialog.h"
#include "tftsr-markdown-view.h"

struct _TftsrDraftDialog
{
  AdwWindow parent_instance;

  TftsrStore *store;
  gint64 issue_id;
  TftsrAiProvider *provider;
  TftsrDocDraft *draft;
  GCancellable *cancellable; /* the request running, or NULL */

  GtkWidget *close_button;
  GtkWidget *start_button;
  GtkWidget *accept_button;
  GtkStack *pages;
  GtkLabel *notice_label;
  AdwActionRow *provider_row;
  AdwStatusPage *progress_page;
  GtkSpinner *spinner;
  GtkLabel *draft_banner;
  TftsrMarkdownView *draft_view;
};

G_DEFINE_FINAL_TYPE (TftsrDraftDialog, tftsr_draft_dialog, ADW_TYPE_WINDOW)

enum
{
  ACCEPTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* @step: "setup", "progress" or "draft"; the buttons follow it. */
static void
show_step (TftsrDraftDialog *self, const char *step)
{
  gboolean running = g_str_equal (step, "progress");
  gboolean drafted = g_str_equal (step, "draft");

  gtk_stack_set_visible_child_name (self->pages, step);
  gtk_spinner_set_spinning (self->spinner, running);
  gtk_widget_set_visible (self->close_button, !running);
  gtk_button_set_label (GTK_BUTTON (self->close_button), drafted ? _ ("_Discard") : _ ("_Cancel"));
  gtk_widget_set_visible (self->start_button, g_str_equal (step, "setup"));
  gtk_widget_set_visible (self->accept_button, drafted);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "draft.start", !running && !drafted);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "draft.cancel", running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "draft.accept", drafted);
}

static void
show_notice (TftsrDraftDialog *self, const char *text, gboolean failure)
{
  gtk_label_set_label (self->notice_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->notice_label), TRUE);
  gtk_widget_remove_css_class (GTK_WIDGET (self->notice_label), "inline-error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->notice_label), "analysis-note");
  gtk_widget_add_css_class (GTK_WIDGET (self->notice_label),
                            failure ? "inline-error" : "analysis-note");
}

static void
show_draft (TftsrDraftDialog *self, TftsrDocDraft *draft)
{
  g_autofree char *markdown = tftsr_doc_draft_to_markdown (draft);
  g_autofree char *banner = g_strdup_printf (
      _ ("Draft by %s · %s. A model can be wrong: check every sentence before you accept it. "
         "Accepting replaces these sections of the post-mortem; the text it has now stays in "
         "its revisions."),
      draft->provider, draft->model);

  g_clear_pointer (&self->draft, tftsr_doc_draft_free);
  self->draft = draft;
  gtk_label_set_label (self->draft_banner, banner);
  tftsr_markdown_view_set_text (self->draft_view, markdown);
  show_step (self, "draft");
}

static void
drafted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TftsrDraftDialog) self = user_data;
  g_autoptr (GError) error = NULL;
  TftsrDocDraft *draft = tftsr_doc_draft_postmortem_finish (TFTSR_STORE (source), result, &error);
  g_autofree char *failure = NULL;

  if (self->cancellable == NULL) /* closed meanwhile */
    {
      g_clear_pointer (&draft, tftsr_doc_draft_free);
      return;
    }
  g_clear_object (&self->cancellable);
  if (draft != NULL)
    {
      show_draft (self, draft);
      return;
    }
  show_step (self, "setup");
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_notice (self, _ ("The draft was stopped; nothing changed."), FALSE);
  else
    {
      failure = tftsr_format_ai_failure (error);
      show_notice (self, failure, TRUE);
    }
}

static void
start_action (GtkWidget *widget, const char *name, GVariant *param)
{
  TftsrDraftDialog *self = TFTSR_DRAFT_DIALOG (widget);
  g_autofree char *waiting = NULL;

  if (self->cancellable != NULL)
    return;
  self->cancellable = g_cancellable_new ();
  waiting = g_strdup_printf (_ ("Waiting for %s · %s to answer"), self->provider->name,
                             self->provider->model);
  adw_status_page_set_description (self->progress_page, waiting);
  show_step (self, "progress");
  tftsr_doc_draft_postmortem_async (self->store, self->issue_id, self->provider->name,
                                    self->cancellable, drafted, g_object_ref (self));
}

static void
cancel_action (GtkWidget *widget, const char *name, GVariant *param)
{
  TftsrDraftDialog *self = TFTSR_DRAFT_DIALOG (widget);

  if (self->cancellable == NULL)
    return;
  g_cancellable_cancel (self->cancellable);
  gtk_widget_action_set_enabled (widget, "draft.cancel", FALSE);
  adw_status_page_set_description (self->progress_page, _ ("Stopping…"));
}

static void
accept_action (GtkWidget *widget, const char *name, GVariant *param)
{
  TftsrDraftDialog *self = TFTSR_DRAFT_DIALOG (widget);

  if (self->draft == NULL)
    return;
  g_signal_emit (self, signals[ACCEPTED], 0);
  gtk_window_close (GTK_WINDOW (self));
}

/* --- public ------------------------------------------------------------------------------- */

TftsrDraftDialog *
tftsr_draft_dialog_new (GtkWindow *parent, TftsrStore *store, gint64 issue_id,
                        const TftsrAiProvider *provider)
{
  TftsrDraftDialog *self;
  g_autofree char *name = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *subtitle = NULL;

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);
  g_return_val_if_fail (provider != NULL, NULL);

  self = g_object_new (TFTSR_TYPE_DRAFT_DIALOG, "transient-for", parent, NULL);
  self->store = g_object_ref (store);
  self->issue_id = issue_id;
  self->provider = tftsr_ai_provider_copy (provider);
  name = tftsr_display_text (provider->name);
  escaped = g_markup_escape_text (name, -1);
  subtitle = g_markup_printf_escaped ("%s · %s", provider->model,
                                      tftsr_ai_format_get_label (provider->format));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->provider_row), escaped);
  adw_action_row_set_subtitle (self->provider_row, subtitle);
  return self;
}

const TftsrDocDraft *
tftsr_draft_dialog_get_draft (TftsrDraftDialog *self)
{
  g_return_val_if_fail (TFTSR_IS_DRAFT_DIALOG (self), NULL);
  return self->draft;
}

/* --- class -------------------------------------------------------------------------------- */

/* Closing while the request runs stops it. */
static void
tftsr_draft_dialog_dispose (GObject *object)
{
  TftsrDraftDialog *self = TFTSR_DRAFT_DIALOG (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), TFTSR_TYPE_DRAFT_DIALOG);
  G_OBJECT_CLASS (tftsr_draft_dialog_parent_class)->dispose (object);
}

static void
tftsr_draft_dialog_finalize (GObject *object)
{
  TftsrDraftDialog *self = TFTSR_DRAFT_DIALOG (object);

  g_clear_object (&self->store);
  g_clear_pointer (&self->provider, tftsr_ai_provider_free);
  g_clear_pointer (&self->draft, tftsr_doc_draft_free);
  G_OBJECT_CLASS (tftsr_draft_dialog_parent_class)->finalize (object);
}

static void
tftsr_draft_dialog_class_init (TftsrDraftDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tftsr_draft_dialog_dispose;
  object_class->finalize = tftsr_draft_dialog_finalize;

  signals[ACCEPTED] = g_signal_new ("accepted", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                    NULL, NULL, NULL, G_TYPE_NONE, 0);

  g_type_ensure (TFTSR_TYPE_MARKDOWN_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               TFTSR_RESOURCE_PATH "/ui/tftsr-draft-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, TftsrDraftDialog, close_button);
  gtk_widget_class_bind_template_child (widget_class, TftsrDraftDialog, start_button);
  gtk_widget_class_bind_template_child (widget_class, TftsrDraftDialog, accept_button);
  gtk_widget_class_bind_template_child (widget_class, TftsrDraftDialog, pages);
  gtk_widget_class_bind_template_child (widget_class, TftsrDraftDialog, notice_label);
  gtk_widget_class_bind_template_child (widget_class, TftsrDraftDialog, provider_row);
  gtk_widget_class_bind_template_child (widget_class, TftsrDraftDialog, progress_page);
  gtk_widget_class_bind_template_child (widget_class, TftsrDraftDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, TftsrDraftDialog, draft_banner);
  gtk_widget_class_bind_template_child (widget_class, TftsrDraftDialog, draft_view);
  gtk_widget_class_install_action (widget_class, "draft.start", NULL, start_action);
  gtk_widget_class_install_action (widget_class, "draft.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "draft.accept", NULL, accept_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
tftsr_draft_dialog_init (TftsrDraftDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  tftsr_markdown_view_set_flavour (self->draft_view, TFTSR_MD_DOCUMENT);
  show_step (self, "setup");
}
