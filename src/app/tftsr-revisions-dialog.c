/* tftsr-revisions-dialog.c
 *
 * The list comes from the store (without texts); a comparison reads the two texts it needs
 * once each, in workers, and shows the lines that changed, tinted, with a few lines around
 * each (tftsr_diff_lines), in a read-only monospace text view: one buffer lays out a long
 * document faster than a widget per line. Reverting asks first and says that nothing
 * is lost.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>

#include "tftsr-app-format.h"
#include "tftsr-revisions-dialog.h"

struct _TftsrRevisionsDialog
{
  AdwWindow parent_instance;

  TftsrStore *store;
  gint64 document_id;
  guint current;
  GPtrArray *revisions; /* TftsrDocRevision without text, newest first */
  GHashTable *texts;    /* revision number → its Markdown, once read */
  GCancellable *cancellable;
  gboolean filling; /* the drop-downs are being set, not chosen */

  AdwWindowTitle *window_title;
  GtkWidget *back_button;
  GtkStack *pages;
  GtkSpinner *spinner;
  GtkLabel *notice_label;
  GtkListBox *list;
  GtkDropDown *from_dropdown;
  GtkDropDown *to_dropdown;
  GtkLabel *summary_label;
  GtkTextView *diff_view;
};

G_DEFINE_FINAL_TYPE (TftsrRevisionsDialog, tftsr_revisions_dialog, ADW_TYPE_WINDOW)

enum
{
  REVERTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void show_diff (TftsrRevisionsDialog *self);

static void
show_notice (TftsrRevisionsDialog *self, const char *text)
{
  gtk_label_set_label (self->notice_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->notice_label), TRUE);
  gtk_stack_set_visible_child_name (self->pages, "list");
}

/* "Revision 3 · Edited", "Revision 5 · Reverted to revision 2". */
static char *
describe (const TftsrDocRevision *revision)
{
  g_autofree char *reason = NULL;

  switch (revision->reason)
    {
    case TFTSR_DOC_REVISION_GENERATED:
      reason = g_strdup (_ ("Generated"));
      break;
    case TFTSR_DOC_REVISION_REGENERATED:
      reason = g_strdup (_ ("Regenerated"));
      break;
    case TFTSR_DOC_REVISION_REVERTED:
      reason = g_strdup_printf (_ ("Reverted to revision %u"), revision->reverted_from);
      break;
    case TFTSR_DOC_REVISION_EDITED:
    default:
      reason = g_strdup (_ ("Edited"));
      break;
    }
  /* Translators: "Revision 3 · Edited" */
  return g_strdup_printf (_ ("Revision %u · %s"), revision->n, reason);
}

/* --- the list ----------------------------------------------------------------------------- */

static GtkWidget *
row_button (const char *label, const char *action, guint n)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), g_variant_new_uint32 (n));
  gtk_widget_add_css_class (button, "flat");
  return button;
}

static GtkWidget *
revision_row (TftsrRevisionsDialog *self, const TftsrDocRevision *revision)
{
  g_autofree char *title = describe (revision);
  g_autofree char *created = tftsr_format_time (revision->created_at);
  g_autofree char *saved = tftsr_format_time (revision->updated_at);
  g_autofree char *subtitle = g_strcmp0 (created, saved) == 0
                                  ? g_strdup (created)
                                  /* Translators: when a revision began, and its last autosave */
                                  : g_strdup_printf (_ ("%s · last saved %s"), created, saved);
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  if (self->revisions->len > 1)
    adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                               row_button (_ ("_Compare"), "revisions.compare", revision->n));
  if (revision->n == self->current)
    {
      GtkWidget *current = gtk_label_new (_ ("Current"));

      gtk_widget_add_css_class (current, "dim-label");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), current);
    }
  else
    adw_action_row_add_suffix (
        ADW_ACTION_ROW (row), row_button (_ ("_Revert to This…"), "revisions.revert", revision->n));
  return row;
}

static GListModel *
labels_model (TftsrRevisionsDialog *self)
{
  GtkStringList *labels = gtk_string_list_new (NULL);

  for (guint i = 0; i < self->revisions->len; i++)
    {
      g_autofree char *label = describe (self->revisions->pdata[i]);
      gtk_string_list_append (labels, label);
    }
  return G_LIST_MODEL (labels);
}

static void
revisions_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TftsrRevisionsDialog) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) oldest_first =
      tftsr_store_list_document_revisions_finish (TFTSR_STORE (source), result, &error);
  g_autoptr (GListModel) from_labels = NULL;
  g_autoptr (GListModel) to_labels = NULL;

  gtk_spinner_stop (self->spinner);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (oldest_first == NULL)
    {
      show_notice (self, error->message);
      return;
    }
  for (guint i = oldest_first->len; i > 0; i--)
    g_ptr_array_add (self->revisions, g_steal_pointer (&oldest_first->pdata[i - 1]));
  for (guint i = 0; i < self->revisions->len; i++)
    gtk_list_box_append (self->list, revision_row (self, self->revisions->pdata[i]));
  self->filling = TRUE;
  from_labels = labels_model (self);
  to_labels = labels_model (self);
  gtk_drop_down_set_model (self->from_dropdown, from_labels);
  gtk_drop_down_set_model (self->to_dropdown, to_labels);
  self->filling = FALSE;
  gtk_stack_set_visible_child_name (self->pages, "list");
}

/* --- comparing ---------------------------------------------------------------------------- */

static guint
position_of (TftsrRevisionsDialog *self, guint n)
{
  for (guint i = 0; i < self->revisions->len; i++)
    if (((TftsrDocRevision *) self->revisions->pdata[i])->n == n)
      return i;
  return GTK_INVALID_LIST_POSITION;
}

static guint
number_at (TftsrRevisionsDialog *self, GtkDropDown *side)
{
  guint position = gtk_drop_down_get_selected (side);

  return position < self->revisions->len
             ? ((TftsrDocRevision *) self->revisions->pdata[position])->n
             : 0;
}

static void
text_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TftsrRevisionsDialog) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrDocRevision) revision =
      tftsr_store_get_document_revision_finish (TFTSR_STORE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (revision == NULL)
    {
      show_notice (self, error->message);
      return;
    }
  g_hash_table_insert (self->texts, GUINT_TO_POINTER (revision->n),
                       g_steal_pointer (&revision->markdown));
  show_diff (self);
}

/* The text of revision @n, or NULL while it is read (asked for once: the key is there,
 * without a value, until it arrives). */
static const char *
text_of (TftsrRevisionsDialog *self, guint n)
{
  if (g_hash_table_contains (self->texts, GUINT_TO_POINTER (n)))
    return g_hash_table_lookup (self->texts, GUINT_TO_POINTER (n));
  g_hash_table_insert (self->texts, GUINT_TO_POINTER (n), NULL);
  tftsr_store_get_document_revision_async (self->store, self->document_id, n, self->cancellable,
                                           text_read, g_object_ref (self));
  return NULL;
}

#define CONTEXT_LINES 3

/* Which lines to show: the changes and CONTEXT_LINES around each; all of them when
 * nothing changed. */
static gboolean *
lines_to_show (GPtrArray *lines, guint *added, guint *removed)
{
  gboolean *keep = g_new0 (gboolean, lines->len + 1);

  for (guint i = 0; i < lines->len; i++)
    {
      TftsrDiffOp op = ((TftsrDiffLine *) lines->pdata[i])->op;

      *added += op == TFTSR_DIFF_ADDED;
      *removed += op == TFTSR_DIFF_REMOVED;
      if (op == TFTSR_DIFF_SAME)
        continue;
      for (guint j = i > CONTEXT_LINES ? i - CONTEXT_LINES : 0;
           j < MIN (lines->len, i + CONTEXT_LINES + 1); j++)
        keep[j] = TRUE;
    }
  if (*added + *removed == 0)
    for (guint i = 0; i < lines->len; i++)
      keep[i] = TRUE;
  return keep;
}

static void
append_line (GtkTextBuffer *buffer, const char *text, const char *tag)
{
  GtkTextIter end;

  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_insert_with_tags_by_name (buffer, &end, text, -1, tag, NULL);
}

/* The changed lines tinted, with their context; a run of unchanged lines between is one
 * dim line saying how many, so a change deep in a long document needs no scrolling. */
static void
fill_diff (TftsrRevisionsDialog *self, const char *old_text, const char *new_text)
{
  g_autoptr (GPtrArray) lines = tftsr_diff_lines (old_text, new_text);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->diff_view);
  g_autofree char *summary = NULL;
  g_autofree gboolean *keep = NULL;
  guint added = 0, removed = 0, skipped = 0;

  keep = lines_to_show (lines, &added, &removed);
  gtk_text_buffer_set_text (buffer, "", 0);
  for (guint i = 0; i <= lines->len; i++)
    {
      const TftsrDiffLine *line = i < lines->len ? lines->pdata[i] : NULL;
      g_autofree char *text = NULL;

      if (line != NULL && !keep[i])
        {
          skipped++;
          continue;
        }
      if (skipped > 0)
        {
          g_autofree char *gap = g_strdup_printf (
              g_dngettext (NULL, "⋯ %u unchanged line\n", "⋯ %u unchanged lines\n", skipped),
              skipped);
          append_line (buffer, gap, "skipped");
          skipped = 0;
        }
      if (line == NULL)
        break;
      text = g_strconcat (line->op == TFTSR_DIFF_ADDED     ? "+ "
                          : line->op == TFTSR_DIFF_REMOVED ? "− "
                                                           : "  ",
                          line->text, "\n", NULL);
      append_line (buffer, text,
                   line->op == TFTSR_DIFF_ADDED     ? "added"
                   : line->op == TFTSR_DIFF_REMOVED ? "removed"
                                                    : NULL);
    }
  if (added == 0 && removed == 0)
    summary = g_strdup (_ ("The same text"));
  else
    {
      g_autofree char *plus =
          g_strdup_printf (g_dngettext (NULL, "%u line added", "%u lines added", added), added);
      g_autofree char *minus =
          g_strdup_printf (g_dngettext (NULL, "%u removed", "%u removed", removed), removed);

      /* Translators: "12 lines added, 3 removed" */
      summary = g_strdup_printf (_ ("%s, %s"), plus, minus);
    }
  gtk_label_set_label (self->summary_label, summary);
}

static void
show_diff (TftsrRevisionsDialog *self)
{
  guint from = number_at (self, self->from_dropdown), to = number_at (self, self->to_dropdown);
  const char *old_text, *new_text;

  if (from == 0 || to == 0)
    return;
  old_text = text_of (self, from);
  new_text = text_of (self, to);
  if (old_text != NULL && new_text != NULL)
    fill_diff (self, old_text, new_text);
}

static void
on_sides_changed (TftsrRevisionsDialog *self)
{
  if (!self->filling)
    show_diff (self);
}

void
tftsr_revisions_dialog_compare (TftsrRevisionsDialog *self, guint from, guint to)
{
  g_return_if_fail (TFTSR_IS_REVISIONS_DIALOG (self));

  self->filling = TRUE;
  gtk_drop_down_set_selected (self->from_dropdown, position_of (self, from));
  gtk_drop_down_set_selected (self->to_dropdown, position_of (self, to));
  self->filling = FALSE;
  gtk_label_set_label (self->summary_label, "");
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->diff_view), "", 0);
  gtk_stack_set_visible_child_name (self->pages, "compare");
  gtk_widget_set_visible (self->back_button, TRUE);
  show_diff (self);
}

/* A revision against the current text; the current one against the revision before it. */
static void
compare_action (GtkWidget *widget, const char *name, GVariant *param)
{
  TftsrRevisionsDialog *self = TFTSR_REVISIONS_DIALOG (widget);
  guint n = g_variant_get_uint32 (param);
  guint position = position_of (self, n);

  if (n != self->current)
    tftsr_revisions_dialog_compare (self, n, self->current);
  else if (position + 1 < self->revisions->len)
    tftsr_revisions_dialog_compare (
        self, ((TftsrDocRevision *) self->revisions->pdata[position + 1])->n, n);
}

static void
back_action (GtkWidget *widget, const char *name, GVariant *param)
{
  TftsrRevisionsDialog *self = TFTSR_REVISIONS_DIALOG (widget);

  gtk_stack_set_visible_child_name (self->pages, "list");
  gtk_widget_set_visible (self->back_button, FALSE);
}

/* --- reverting ----------------------------------------------------------------------------- */

typedef struct
{
  TftsrRevisionsDialog *self;
  guint n;
} Revert;

static void
reverted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Revert *revert = user_data;
  g_autoptr (TftsrRevisionsDialog) self = revert->self;
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrDocument) doc =
      tftsr_store_document_finish (TFTSR_STORE (source), result, &error);
  guint n = revert->n;

  g_free (revert);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (doc == NULL)
    {
      show_notice (self, error->message);
      return;
    }
  if (doc->revision == self->current)
    {
      g_autofree char *same =
          g_strdup_printf (_ ("Revision %u has the current text already; nothing changed."), n);
      show_notice (self, same);
      return;
    }
  g_signal_emit (self, signals[REVERTED], 0, n, doc->revision);
  gtk_window_close (GTK_WINDOW (self));
}

static void
revert_confirmed (AdwMessageDialog *dialog, const char *response, Revert *revert)
{
  TftsrRevisionsDialog *self = revert->self;

  if (!g_str_equal (response, "revert"))
    {
      g_object_unref (revert->self);
      g_free (revert);
      return;
    }
  gtk_stack_set_visible_child_name (self->pages, "loading");
  gtk_spinner_start (self->spinner);
  tftsr_store_revert_document_async (self->store, self->document_id, revert->n, self->cancellable,
                                     reverted, revert);
}

static void
revert_action (GtkWidget *widget, const char *name, GVariant *param)
{
  TftsrRevisionsDialog *self = TFTSR_REVISIONS_DIALOG (widget);
  Revert *revert = g_new0 (Revert, 1);
  g_autofree char *heading = NULL;
  GtkWidget *dialog;

  revert->self = g_object_ref (self);
  revert->n = g_variant_get_uint32 (param);
  heading = g_strdup_printf (_ ("Revert to Revision %u?"), revert->n);
  dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, NULL);
  adw_message_dialog_format_body (
      ADW_MESSAGE_DIALOG (dialog),
      _ ("Its text becomes the current text, as the new revision %u. The current text stays "
         "as revision %u: you can compare it and revert to it again."),
      self->current + 1, self->current);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _ ("_Cancel"), "revert",
                                    _ ("_Revert"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "revert",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (revert_confirmed), revert);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* --- public ---------------------------------------------------------------------------------- */

TftsrRevisionsDialog *
tftsr_revisions_dialog_new (GtkWindow *parent, TftsrStore *store, const TftsrDocument *document)
{
  TftsrRevisionsDialog *self;
  g_autofree char *title = NULL;

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);
  g_return_val_if_fail (document != NULL, NULL);

  self = g_object_new (TFTSR_TYPE_REVISIONS_DIALOG, "transient-for", parent, NULL);
  self->store = g_object_ref (store);
  self->document_id = document->id;
  self->current = document->revision;
  title = tftsr_display_text (document->title);
  adw_window_title_set_subtitle (self->window_title, title);
  gtk_spinner_start (self->spinner);
  tftsr_store_list_document_revisions_async (store, document->id, self->cancellable,
                                             revisions_loaded, g_object_ref (self));
  return self;
}

/* --- class ------------------------------------------------------------------------------------- */

static void
tftsr_revisions_dialog_dispose (GObject *object)
{
  TftsrRevisionsDialog *self = TFTSR_REVISIONS_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), TFTSR_TYPE_REVISIONS_DIALOG);
  G_OBJECT_CLASS (tftsr_revisions_dialog_parent_class)->dispose (object);
}

static void
tftsr_revisions_dialog_finalize (GObject *object)
{
  TftsrRevisionsDialog *self = TFTSR_REVISIONS_DIALOG (object);

  g_clear_object (&self->store);
  g_clear_object (&self->cancellable);
  g_ptr_array_unref (self->revisions);
  g_hash_table_unref (self->texts);
  G_OBJECT_CLASS (tftsr_revisions_dialog_parent_class)->finalize (object);
}

static void
tftsr_revisions_dialog_class_init (TftsrRevisionsDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tftsr_revisions_dialog_dispose;
  object_class->finalize = tftsr_revisions_dialog_finalize;

  signals[REVERTED] = g_signal_new ("reverted", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                    NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               TFTSR_RESOURCE_PATH "/ui/tftsr-revisions-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, TftsrRevisionsDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, TftsrRevisionsDialog, back_button);
  gtk_widget_class_bind_template_child (widget_class, TftsrRevisionsDialog, pages);
  gtk_widget_class_bind_template_child (widget_class, TftsrRevisionsDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, TftsrRevisionsDialog, notice_label);
  gtk_widget_class_bind_template_child (widget_class, TftsrRevisionsDialog, list);
  gtk_widget_class_bind_template_child (widget_class, TftsrRevisionsDialog, from_dropdown);
  gtk_widget_class_bind_template_child (widget_class, TftsrRevisionsDialog, to_dropdown);
  gtk_widget_class_bind_template_child (widget_class, TftsrRevisionsDialog, summary_label);
  gtk_widget_class_bind_template_child (widget_class, TftsrRevisionsDialog, diff_view);
  gtk_widget_class_bind_template_callback (widget_class, on_sides_changed);
  gtk_widget_class_install_action (widget_class, "revisions.compare", "u", compare_action);
  gtk_widget_class_install_action (widget_class, "revisions.revert", "u", revert_action);
  gtk_widget_class_install_action (widget_class, "revisions.back", NULL, back_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

/* The tints, and the grey of the lines left out, read on light and dark backgrounds alike. */
static void
add_tags (GtkTextBuffer *buffer)
{
  GdkRGBA added, removed, skipped;

  gdk_rgba_parse (&added, "rgba(46, 194, 126, 0.25)");
  gdk_rgba_parse (&removed, "rgba(224, 27, 36, 0.22)");
  gdk_rgba_parse (&skipped, "rgb(136, 136, 136)");
  gtk_text_buffer_create_tag (buffer, "added", "paragraph-background-rgba", &added, NULL);
  gtk_text_buffer_create_tag (buffer, "removed", "paragraph-background-rgba", &removed, NULL);
  gtk_text_buffer_create_tag (buffer, "skipped", "foreground-rgba", &skipped, "style",
                              PANGO_STYLE_ITALIC, NULL);
}

static void
tftsr_revisions_dialog_init (TftsrRevisionsDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->revisions = g_ptr_array_new_with_free_func ((GDestroyNotify) tftsr_doc_revision_free);
  self->texts = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  self->cancellable = g_cancellable_new ();
  add_tags (gtk_text_view_get_buffer (self->diff_view));
  gtk_stack_set_visible_child_name (self->pages, "loading");
}
