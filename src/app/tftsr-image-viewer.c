/* tftsr-image-viewer.c
 *
 * An image cannot be redacted, so saving a copy asks first: the warning's acceptance is
 * stored (with an audit entry) before the file chooser opens, and the egress module
 * refuses an image that was never acknowledged whatever the UI does.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>

#include "tftsr-app-format.h"
#include "tftsr-export.h"
#include "tftsr-image-texture.h"
#include "tftsr-image-viewer.h"
#include "tftsr-image-warning.h"

struct _TftsrImageViewer
{
  AdwWindow parent_instance;

  TftsrStore *store;
  TftsrImage *image;
  gboolean acknowledged;
  gboolean save_after_acknowledge;
  GCancellable *cancellable;

  AdwToastOverlay *toast_overlay;
  AdwWindowTitle *window_title;
  GtkStack *stack;
  AdwStatusPage *error_page;
  GtkPicture *picture;
  GtkLabel *status_label;
};

G_DEFINE_FINAL_TYPE (TftsrImageViewer, tftsr_image_viewer, ADW_TYPE_WINDOW)

enum
{
  READY,
  CHANGED,
  EXPORTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
toast (TftsrImageViewer *self, const char *message)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}

static void
show_status (TftsrImageViewer *self)
{
  gtk_label_set_text (self->status_label,
                      self->acknowledged
                          ? _ ("You confirmed this image may leave this machine; saving a copy "
                               "is recorded in the audit log.")
                          : _ ("Not cleared to leave this machine: before a copy is saved you "
                               "are asked to confirm it shows nothing that must stay here."));
}

static void
texture_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TftsrImageViewer) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GdkTexture) texture = tftsr_image_texture_load_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (texture == NULL)
    {
      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "error");
    }
  else
    {
      gtk_picture_set_paintable (self->picture, GDK_PAINTABLE (texture));
      gtk_stack_set_visible_child_name (self->stack, "picture");
    }
  g_signal_emit (self, signals[READY], 0);
}

/* --- saving a copy ----------------------------------------------------------------------- */

typedef struct
{
  TftsrStore *store;
  gint64 image_id;
} ExportData;

static void
export_data_free (ExportData *data)
{
  g_object_unref (data->store);
  g_free (data);
}

static TftsrEgressReceipt *
export_image (gpointer user_data, GOutputStream *output, const char *destination,
              GCancellable *cancellable, GError **error)
{
  ExportData *data = user_data;
  return tftsr_egress_export_image (data->store, data->image_id, output, destination, cancellable,
                                    error);
}

static void
exported (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TftsrImageViewer) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrEgressReceipt) receipt = tftsr_export_to_file_finish (result, &error);

  g_signal_emit (self, signals[EXPORTED], 0, receipt != NULL);
  if (receipt == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast (self, error->message);
      return;
    }
  toast (self, _ ("Copy saved"));
}

void
tftsr_image_viewer_export (TftsrImageViewer *self, GFile *file)
{
  ExportData *data;

  g_return_if_fail (TFTSR_IS_IMAGE_VIEWER (self));
  g_return_if_fail (G_IS_FILE (file));

  data = g_new0 (ExportData, 1);
  data->store = g_object_ref (self->store);
  data->image_id = tftsr_image_get_id (self->image);
  tftsr_export_to_file_async (file, export_image, data, (GDestroyNotify) export_data_free,
                              self->cancellable, exported, g_object_ref (self));
}

static void
file_chosen (GtkNativeDialog *chooser, int response, gpointer user_data)
{
  g_autoptr (TftsrImageViewer) self = user_data;
  g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

  if (response == GTK_RESPONSE_ACCEPT && file != NULL)
    tftsr_image_viewer_export (self, file);
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

static void
choose_file (TftsrImageViewer *self)
{
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (
      _ ("Save a Copy"), GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SAVE, _ ("_Save"), NULL);

  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser),
                                     tftsr_image_get_name (self->image));
  g_signal_connect (chooser, "response", G_CALLBACK (file_chosen), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
acknowledged (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TftsrImageViewer) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!tftsr_store_change_finish (TFTSR_STORE (source), result, &error))
    {
      toast (self, error->message);
      return;
    }
  self->acknowledged = TRUE;
  show_status (self);
  g_signal_emit (self, signals[CHANGED], 0);
  if (self->save_after_acknowledge)
    choose_file (self);
  self->save_after_acknowledge = FALSE;
}

void
tftsr_image_viewer_acknowledge (TftsrImageViewer *self)
{
  g_return_if_fail (TFTSR_IS_IMAGE_VIEWER (self));
  tftsr_store_acknowledge_image_pii_async (self->store, tftsr_image_get_id (self->image),
                                           self->cancellable, acknowledged, g_object_ref (self));
}

gboolean
tftsr_image_viewer_get_acknowledged (TftsrImageViewer *self)
{
  g_return_val_if_fail (TFTSR_IS_IMAGE_VIEWER (self), FALSE);
  return self->acknowledged;
}

static void
warning_answered (AdwMessageDialog *dialog, const char *response, TftsrImageViewer *self)
{
  if (!g_str_equal (response, TFTSR_IMAGE_WARNING_ACCEPT))
    return;
  self->save_after_acknowledge = TRUE;
  tftsr_image_viewer_acknowledge (self);
}

static void
export_action (GtkWidget *widget, const char *name, GVariant *param)
{
  TftsrImageViewer *self = TFTSR_IMAGE_VIEWER (widget);
  GtkWidget *dialog;

  if (self->acknowledged)
    {
      choose_file (self);
      return;
    }
  dialog = tftsr_image_warning_new (GTK_WINDOW (self));
  g_signal_connect_object (dialog, "response", G_CALLBACK (warning_answered), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* --- deleting ------------------------------------------------------------------------- */

static void
deleted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TftsrImageViewer) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!tftsr_store_change_finish (TFTSR_STORE (source), result, &error))
    {
      toast (self, error->message);
      return;
    }
  g_signal_emit (self, signals[CHANGED], 0);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
delete_answered (AdwMessageDialog *dialog, const char *response, TftsrImageViewer *self)
{
  if (g_str_equal (response, "delete"))
    tftsr_store_delete_image_async (self->store, tftsr_image_get_id (self->image), NULL, deleted,
                                    g_object_ref (self));
}

static void
delete_action (GtkWidget *widget, const char *name, GVariant *param)
{
  TftsrImageViewer *self = TFTSR_IMAGE_VIEWER (widget);
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), _ ("Delete Screenshot?"),
                                              _ ("The image is erased from this incident. This "
                                                 "cannot be undone."));

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _ ("_Cancel"), "delete",
                                    _ ("_Delete"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (delete_answered), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* --- public --------------------------------------------------------------------------- */

TftsrImageViewer *
tftsr_image_viewer_new (TftsrStore *store, TftsrImage *image)
{
  TftsrImageViewer *self;
  g_autofree char *name = NULL;
  g_autofree char *size = NULL;
  g_autofree char *subtitle = NULL;
  const char *mime;

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);
  g_return_val_if_fail (TFTSR_IS_IMAGE (image), NULL);

  self = g_object_new (TFTSR_TYPE_IMAGE_VIEWER, NULL);
  self->store = g_object_ref (store);
  self->image = g_object_ref (image);
  self->acknowledged = tftsr_image_get_pii_acknowledged_at (image) != NULL;
  name = tftsr_display_text (tftsr_image_get_name (image));
  size = g_format_size (tftsr_image_get_size (image));
  mime = tftsr_image_get_mime (image);
  subtitle = g_strdup_printf ("%s · %u×%u · %s", strchr (mime, '/') + 1,
                              tftsr_image_get_width (image), tftsr_image_get_height (image), size);
  adw_window_title_set_title (self->window_title, name);
  adw_window_title_set_subtitle (self->window_title, subtitle);
  gtk_window_set_title (GTK_WINDOW (self), name);
  show_status (self);
  tftsr_image_texture_load_async (store, tftsr_image_get_id (image), 0, self->cancellable,
                                  texture_loaded, g_object_ref (self));
  return self;
}

/* --- class ------------------------------------------------------------------------------ */

static void
tftsr_image_viewer_dispose (GObject *object)
{
  TftsrImageViewer *self = TFTSR_IMAGE_VIEWER (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), TFTSR_TYPE_IMAGE_VIEWER);
  G_OBJECT_CLASS (tftsr_image_viewer_parent_class)->dispose (object);
}

static void
tftsr_image_viewer_finalize (GObject *object)
{
  TftsrImageViewer *self = TFTSR_IMAGE_VIEWER (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->image);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (tftsr_image_viewer_parent_class)->finalize (object);
}

static void
tftsr_image_viewer_class_init (TftsrImageViewerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tftsr_image_viewer_dispose;
  object_class->finalize = tftsr_image_viewer_finalize;

  signals[READY] = g_signal_new ("ready", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                 NULL, NULL, G_TYPE_NONE, 0);
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                   NULL, NULL, G_TYPE_NONE, 0);
  signals[EXPORTED] = g_signal_new ("exported", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                    NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               TFTSR_RESOURCE_PATH "/ui/tftsr-image-viewer.ui");
  gtk_widget_class_bind_template_child (widget_class, TftsrImageViewer, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, TftsrImageViewer, window_title);
  gtk_widget_class_bind_template_child (widget_class, TftsrImageViewer, stack);
  gtk_widget_class_bind_template_child (widget_class, TftsrImageViewer, error_page);
  gtk_widget_class_bind_template_child (widget_class, TftsrImageViewer, picture);
  gtk_widget_class_bind_template_child (widget_class, TftsrImageViewer, status_label);
  gtk_widget_class_install_action (widget_class, "image.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "image.delete", NULL, delete_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "image.export", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close",
                                       NULL);
}

static void
tftsr_image_viewer_init (TftsrImageViewer *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}
