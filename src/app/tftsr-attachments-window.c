/* tftsr-attachments-window.c
 *
 * A GtkColumnView over the store's cross-incident list; the search re-queries the store
 * (after a short pause in typing) rather than filtering in memory, so it finds
 * attachments beyond the newest TFTSR_ATTACHMENTS_LIMIT.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>

#include "tftsr-app-format.h"
#include "tftsr-attachments-window.h"
#include "tftsr-image-viewer.h"
#include "tftsr-log-viewer.h"

struct _TftsrAttachmentsWindow
{
  AdwWindow parent_instance;

  TftsrStore *store;
  GListStore *rows; /* TftsrAttachment */
  GCancellable *cancellable;

  AdwToastOverlay *toast_overlay;
  GtkSearchEntry *search_entry;
  GtkStack *stack;
  AdwStatusPage *empty_page;
  GtkColumnView *column_view;
};

G_DEFINE_FINAL_TYPE (TftsrAttachmentsWindow, tftsr_attachments_window, ADW_TYPE_WINDOW)

enum
{
  LOADED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
toast (TftsrAttachmentsWindow *self, const char *message)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}

/* --- columns -------------------------------------------------------------------------- */

typedef char *(*CellText) (TftsrAttachment *attachment);

static char *
name_text (TftsrAttachment *a)
{
  return tftsr_display_text (tftsr_attachment_get_name (a));
}

static char *
issue_text (TftsrAttachment *a)
{
  g_autofree char *title = tftsr_display_text (tftsr_attachment_get_issue_title (a));
  return g_strdup_printf ("#%" G_GINT64_FORMAT " %s", tftsr_attachment_get_issue_id (a), title);
}

static char *
size_text (TftsrAttachment *a)
{
  return g_format_size (tftsr_attachment_get_size (a));
}

static char *
added_text (TftsrAttachment *a)
{
  return tftsr_format_relative_time (tftsr_attachment_get_created_at (a));
}

static char *
state_text (TftsrAttachment *a)
{
  guint found = tftsr_attachment_get_detections (a);
  guint released = tftsr_attachment_get_released (a);
  g_autofree char *detections = NULL;

  if (tftsr_attachment_get_kind (a) == TFTSR_ATTACHMENT_IMAGE)
    return g_strdup (tftsr_attachment_get_acknowledged (a) ? _ ("Cleared to leave")
                                                           : _ ("Not cleared to leave"));
  if (found == 0)
    return g_strdup (_ ("Nothing to redact"));
  if (released == 0)
    return g_strdup_printf (
        g_dngettext (NULL, "%u detection redacted", "%u detections redacted", found), found);
  detections = g_strdup_printf (g_dngettext (NULL, "%u detection", "%u detections", found), found);
  /* Translators: %s is "N detections" */
  return g_strdup_printf (
      g_dngettext (NULL, "%s, %u value released", "%s, %u values released", released), detections,
      released);
}

/* How a column shows its text. */
typedef enum
{
  CELL_TEXT,
  CELL_ICON_TEXT, /* with the attachment's kind as an icon */
  CELL_INCIDENT,  /* a button that opens the incident */
} CellKind;

static void
setup_cell (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer kind)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (label, TRUE);
  if (GPOINTER_TO_INT (kind) == CELL_ICON_TEXT)
    gtk_box_append (GTK_BOX (box), gtk_image_new ());
  if (GPOINTER_TO_INT (kind) == CELL_INCIDENT)
    {
      GtkWidget *button = gtk_button_new ();
      gtk_button_set_child (GTK_BUTTON (button), label);
      gtk_widget_add_css_class (button, "flat");
      gtk_widget_add_css_class (button, "incident-link");
      gtk_widget_set_tooltip_text (button, _ ("Open the Incident"));
      /* A target from the start: the action takes one, and binding sets the real id. */
      gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), g_variant_new_int64 (0));
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "attachments.show-incident");
      gtk_widget_set_hexpand (button, TRUE);
      gtk_box_append (GTK_BOX (box), button);
    }
  else
    gtk_box_append (GTK_BOX (box), label);
  gtk_list_item_set_child (item, box);
}

static void
bind_cell (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer kind)
{
  TftsrAttachment *a = gtk_list_item_get_item (item);
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *last = gtk_widget_get_last_child (box);
  CellText text_of = g_object_get_data (G_OBJECT (factory), "text");
  g_autofree char *text = text_of (a);

  switch (GPOINTER_TO_INT (kind))
    {
    case CELL_ICON_TEXT:
      gtk_image_set_from_icon_name (GTK_IMAGE (gtk_widget_get_first_child (box)),
                                    tftsr_attachment_get_kind (a) == TFTSR_ATTACHMENT_LOG
                                        ? "text-x-generic-symbolic"
                                        : "image-x-generic-symbolic");
      break;
    case CELL_INCIDENT:
      gtk_actionable_set_action_target_value (
          GTK_ACTIONABLE (last), g_variant_new_int64 (tftsr_attachment_get_issue_id (a)));
      last = gtk_button_get_child (GTK_BUTTON (last));
      break;
    default:
      break;
    }
  gtk_label_set_text (GTK_LABEL (last), text);
}

static void
add_column (TftsrAttachmentsWindow *self, const char *title, CellText text_of, CellKind kind,
            gboolean expand)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *column;

  g_object_set_data (G_OBJECT (factory), "text", text_of);
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), GINT_TO_POINTER (kind));
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), GINT_TO_POINTER (kind));
  column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_expand (column, expand);
  gtk_column_view_column_set_resizable (column, TRUE);
  gtk_column_view_append_column (self->column_view, column);
  g_object_unref (column);
}

/* --- loading ------------------------------------------------------------------------------ */

static void
loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TftsrAttachmentsWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) list =
      tftsr_store_list_attachments_finish (TFTSR_STORE (source), result, &error);
  gboolean searching = *gtk_editable_get_text (GTK_EDITABLE (self->search_entry)) != '\0';

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (list == NULL)
    {
      toast (self, error->message);
      return;
    }
  g_list_store_splice (self->rows, 0, g_list_model_get_n_items (G_LIST_MODEL (self->rows)),
                       list->pdata, list->len);
  adw_status_page_set_title (self->empty_page,
                             searching ? _ ("No Attachments Match") : _ ("No Attachments"));
  gtk_stack_set_visible_child_name (self->stack, list->len > 0 ? "list" : "empty");
  g_signal_emit (self, signals[LOADED], 0);
}

static void
load (TftsrAttachmentsWindow *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  tftsr_store_list_attachments_async (self->store,
                                      gtk_editable_get_text (GTK_EDITABLE (self->search_entry)),
                                      self->cancellable, loaded, g_object_ref (self));
}

static void
on_search_changed (TftsrAttachmentsWindow *self)
{
  load (self);
}

/* --- opening ---------------------------------------------------------------------------- */

static void
present_over (TftsrAttachmentsWindow *self, GtkWindow *window)
{
  gtk_window_set_transient_for (window, GTK_WINDOW (self));
  gtk_window_present (window);
}

static void
log_fetched (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TftsrAttachmentsWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrLogFile) log = tftsr_store_get_log_finish (TFTSR_STORE (source), result, &error);

  if (log == NULL)
    toast (self, error->message);
  else
    present_over (self, GTK_WINDOW (tftsr_log_viewer_new (self->store, log)));
}

static void
image_fetched (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TftsrAttachmentsWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrImage) image =
      tftsr_store_get_image_finish (TFTSR_STORE (source), result, &error);

  if (image == NULL)
    toast (self, error->message);
  else
    present_over (self, GTK_WINDOW (tftsr_image_viewer_new (self->store, image)));
}

void
tftsr_attachments_window_open (TftsrAttachmentsWindow *self, guint position)
{
  g_autoptr (TftsrAttachment) a = NULL;

  g_return_if_fail (TFTSR_IS_ATTACHMENTS_WINDOW (self));
  if ((a = g_list_model_get_item (G_LIST_MODEL (self->rows), position)) == NULL)
    return;
  if (tftsr_attachment_get_kind (a) == TFTSR_ATTACHMENT_LOG)
    tftsr_store_get_log_async (self->store, tftsr_attachment_get_id (a), NULL, log_fetched,
                               g_object_ref (self));
  else
    tftsr_store_get_image_async (self->store, tftsr_attachment_get_id (a), NULL, image_fetched,
                                 g_object_ref (self));
}

static void
on_activate (TftsrAttachmentsWindow *self, guint position)
{
  tftsr_attachments_window_open (self, position);
}

/* Shows an incident in the main window that opened this one. */
static void
show_incident_action (GtkWidget *widget, const char *name, GVariant *param)
{
  GtkWindow *main_window = gtk_window_get_transient_for (GTK_WINDOW (widget));

  if (main_window == NULL || g_variant_get_int64 (param) <= 0)
    return;
  gtk_widget_activate_action_variant (GTK_WIDGET (main_window), "win.show-incident", param);
  gtk_window_present (main_window);
}

/* --- public ------------------------------------------------------------------------------ */

TftsrAttachmentsWindow *
tftsr_attachments_window_new (TftsrStore *store)
{
  TftsrAttachmentsWindow *self;

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);
  self = g_object_new (TFTSR_TYPE_ATTACHMENTS_WINDOW, NULL);
  self->store = g_object_ref (store);
  load (self);
  return self;
}

GListModel *
tftsr_attachments_window_get_rows (TftsrAttachmentsWindow *self)
{
  g_return_val_if_fail (TFTSR_IS_ATTACHMENTS_WINDOW (self), NULL);
  return G_LIST_MODEL (self->rows);
}

/* --- class ------------------------------------------------------------------------------- */

static void
tftsr_attachments_window_dispose (GObject *object)
{
  TftsrAttachmentsWindow *self = TFTSR_ATTACHMENTS_WINDOW (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), TFTSR_TYPE_ATTACHMENTS_WINDOW);
  G_OBJECT_CLASS (tftsr_attachments_window_parent_class)->dispose (object);
}

static void
tftsr_attachments_window_finalize (GObject *object)
{
  TftsrAttachmentsWindow *self = TFTSR_ATTACHMENTS_WINDOW (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->rows);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (tftsr_attachments_window_parent_class)->finalize (object);
}

static void
tftsr_attachments_window_class_init (TftsrAttachmentsWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tftsr_attachments_window_dispose;
  object_class->finalize = tftsr_attachments_window_finalize;

  signals[LOADED] = g_signal_new ("loaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                  NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, TFTSR_RESOURCE_PATH
                                               "/ui/tftsr-attachments-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TftsrAttachmentsWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, TftsrAttachmentsWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, TftsrAttachmentsWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, TftsrAttachmentsWindow, empty_page);
  gtk_widget_class_bind_template_child (widget_class, TftsrAttachmentsWindow, column_view);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_activate);
  gtk_widget_class_install_action (widget_class, "attachments.show-incident", "x",
                                   show_incident_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close",
                                       NULL);
}

static void
tftsr_attachments_window_init (TftsrAttachmentsWindow *self)
{
  GtkSingleSelection *selection;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->rows = g_list_store_new (TFTSR_TYPE_ATTACHMENT);
  selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->rows)));
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (selection));
  g_object_unref (selection);
  add_column (self, _ ("Name"), name_text, CELL_ICON_TEXT, TRUE);
  add_column (self, _ ("Incident"), issue_text, CELL_INCIDENT, TRUE);
  add_column (self, _ ("Size"), size_text, CELL_TEXT, FALSE);
  add_column (self, _ ("Added"), added_text, CELL_TEXT, FALSE);
  add_column (self, _ ("Redaction"), state_text, CELL_TEXT, FALSE);
}
