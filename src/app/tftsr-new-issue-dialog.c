/* tftsr-new-issue-dialog.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>

#include "tftsr-app-format.h"
#include "tftsr-new-issue-dialog.h"

struct _TftsrNewIssueDialog
{
  AdwWindow parent_instance;

  TftsrStore *store;
  GCancellable *cancellable;

  AdwToastOverlay *toast_overlay;
  AdwEntryRow *title_row;
  AdwComboRow *severity_row;
  AdwComboRow *category_row;
  GtkTextView *description_view;
  GtkButton *create_button;
};

G_DEFINE_FINAL_TYPE (TftsrNewIssueDialog, tftsr_new_issue_dialog, ADW_TYPE_WINDOW)

enum
{
  CREATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
has_title (TftsrNewIssueDialog *self)
{
  g_autofree char *title = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->title_row)));
  return *g_strstrip (title) != '\0';
}

static void
on_title_changed (TftsrNewIssueDialog *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dialog.create",
                                 has_title (self) && self->cancellable == NULL);
}

static void
on_title_activated (TftsrNewIssueDialog *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "dialog.create", NULL);
}

static void
created (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TftsrNewIssueDialog) self = user_data;
  g_autoptr (TftsrIssue) issue = NULL;
  g_autoptr (GError) error = NULL;

  issue = tftsr_store_create_issue_finish (TFTSR_STORE (source), result, &error);
  g_clear_object (&self->cancellable);
  gtk_widget_set_sensitive (GTK_WIDGET (self->title_row), TRUE);
  on_title_changed (self);
  if (issue == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (error->message));
      return;
    }
  g_signal_emit (self, signals[CREATED], 0, issue);
  gtk_window_close (GTK_WINDOW (self));
}

static void
create_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TftsrNewIssueDialog *self = TFTSR_NEW_ISSUE_DIALOG (widget);
  g_autoptr (TftsrIssue) draft = NULL;
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->description_view);
  g_autofree char *description = NULL;
  GtkTextIter start, end;

  if (!has_title (self) || self->cancellable != NULL)
    return;
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  description = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  draft = tftsr_issue_new (gtk_editable_get_text (GTK_EDITABLE (self->title_row)));
  tftsr_issue_set_severity (draft, adw_combo_row_get_selected (self->severity_row));
  tftsr_issue_set_category (draft, adw_combo_row_get_selected (self->category_row));
  tftsr_issue_set_description (draft, description);
  tftsr_issue_set_source (draft, "app");

  self->cancellable = g_cancellable_new ();
  gtk_widget_action_set_enabled (widget, "dialog.create", FALSE);
  tftsr_store_create_issue_async (self->store, draft, self->cancellable, created,
                                  g_object_ref (self));
}

static void
tftsr_new_issue_dialog_dispose (GObject *object)
{
  TftsrNewIssueDialog *self = TFTSR_NEW_ISSUE_DIALOG (object);

  g_clear_object (&self->store);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), TFTSR_TYPE_NEW_ISSUE_DIALOG);
  G_OBJECT_CLASS (tftsr_new_issue_dialog_parent_class)->dispose (object);
}

static void
tftsr_new_issue_dialog_class_init (TftsrNewIssueDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tftsr_new_issue_dialog_dispose;

  signals[CREATED] = g_signal_new ("created", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                   NULL, NULL, G_TYPE_NONE, 1, TFTSR_TYPE_ISSUE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               TFTSR_RESOURCE_PATH "/ui/tftsr-new-issue-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, TftsrNewIssueDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, TftsrNewIssueDialog, title_row);
  gtk_widget_class_bind_template_child (widget_class, TftsrNewIssueDialog, severity_row);
  gtk_widget_class_bind_template_child (widget_class, TftsrNewIssueDialog, category_row);
  gtk_widget_class_bind_template_child (widget_class, TftsrNewIssueDialog, description_view);
  gtk_widget_class_bind_template_child (widget_class, TftsrNewIssueDialog, create_button);
  gtk_widget_class_bind_template_callback (widget_class, on_title_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_title_activated);

  gtk_widget_class_install_action (widget_class, "dialog.create", NULL, create_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK,
                                       "dialog.create", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
tftsr_new_issue_dialog_init (TftsrNewIssueDialog *self)
{
  g_autoptr (GListModel) severities = tftsr_enum_label_model (TFTSR_TYPE_SEVERITY);
  g_autoptr (GListModel) categories = tftsr_enum_label_model (TFTSR_TYPE_CATEGORY);

  gtk_widget_init_template (GTK_WIDGET (self));
  adw_combo_row_set_model (self->severity_row, severities);
  adw_combo_row_set_selected (self->severity_row, TFTSR_SEVERITY_MEDIUM);
  adw_combo_row_set_model (self->category_row, categories);
  adw_combo_row_set_selected (self->category_row, TFTSR_CATEGORY_GENERAL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dialog.create", FALSE);
}

TftsrNewIssueDialog *
tftsr_new_issue_dialog_new (GtkWindow *parent, TftsrStore *store)
{
  TftsrNewIssueDialog *self;

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);

  self = g_object_new (TFTSR_TYPE_NEW_ISSUE_DIALOG, "transient-for", parent, "modal", TRUE, NULL);
  self->store = g_object_ref (store);
  return self;
}
