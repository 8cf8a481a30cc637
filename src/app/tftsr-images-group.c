/* tftsr-images-group.c
 *
 * Adds run in workers (a pasted image is encoded to PNG in one too); thumbnails decode in
 * workers, scaled down, as their tiles are made.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <adwaita.h>
#include <glib/gi18n.h>

#include "tftsr-app-format.h"
#include "tftsr-image-texture.h"
#include "tftsr-image-viewer.h"
#include "tftsr-images-group.h"

#define THUMBNAIL_SIZE 320

struct _TftsrImagesGroup
{
  GtkWidget parent_instance;

  TftsrStore *store;
  gint64 issue_id;
  GListStore *images; /* TftsrImage */
  guint running;
  GCancellable *cancellable; /* list and thumbnails of the incident shown */

  GtkWidget *adding_box;
  GtkWidget *empty_label;
  GtkFlowBox *flow;
};

G_DEFINE_FINAL_TYPE (TftsrImagesGroup, tftsr_images_group, GTK_TYPE_WIDGET)

enum
{
  CHANGED,
  FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
fail (TftsrImagesGroup *self, const GError *error)
{
  g_signal_emit (self, signals[FAILED], 0, error);
}

static void
update_state (TftsrImagesGroup *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->images));

  gtk_widget_set_visible (self->adding_box, self->running > 0);
  gtk_widget_set_visible (self->empty_label, n == 0 && self->running == 0);
  gtk_widget_set_visible (GTK_WIDGET (self->flow), n > 0);
}

/* --- tiles ------------------------------------------------------------------------------ */

static void
thumbnail_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GtkPicture) picture = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GdkTexture) texture = tftsr_image_texture_load_finish (result, &error);

  if (texture != NULL)
    gtk_picture_set_paintable (picture, GDK_PAINTABLE (texture));
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    gtk_widget_set_tooltip_text (GTK_WIDGET (picture), error->message);
}

static char *
describe_image (TftsrImage *image)
{
  g_autofree char *size = g_format_size (tftsr_image_get_size (image));

  if (tftsr_image_get_width (image) == 0)
    return g_steal_pointer (&size);
  return g_strdup_printf ("%u×%u · %s", tftsr_image_get_width (image),
                          tftsr_image_get_height (image), size);
}

static GtkWidget *
create_tile (gpointer item, gpointer user_data)
{
  TftsrImagesGroup *self = user_data;
  TftsrImage *image = item;
  g_autofree char *name = tftsr_display_text (tftsr_image_get_name (image));
  g_autofree char *caption = describe_image (image);
  GtkWidget *button = gtk_button_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *picture = gtk_picture_new ();
  GtkWidget *title = gtk_label_new (name);
  GtkWidget *info = gtk_label_new (caption);

  gtk_picture_set_content_fit (GTK_PICTURE (picture), GTK_CONTENT_FIT_COVER);
  gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
  gtk_widget_set_size_request (picture, 160, 110);
  gtk_widget_add_css_class (picture, "thumbnail");
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_MIDDLE);
  gtk_label_set_max_width_chars (GTK_LABEL (title), 20);
  gtk_widget_add_css_class (info, "caption");
  gtk_widget_add_css_class (info, "dim-label");
  gtk_box_append (GTK_BOX (box), picture);
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), info);
  gtk_button_set_child (GTK_BUTTON (button), box);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, tftsr_image_get_pii_acknowledged_at (image) != NULL
                                           ? _ ("Cleared to leave this machine")
                                           : _ ("Not cleared to leave this machine"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "images.open");
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button),
                                          g_variant_new_int64 (tftsr_image_get_id (image)));
  tftsr_image_texture_load_async (self->store, tftsr_image_get_id (image), THUMBNAIL_SIZE,
                                  self->cancellable, thumbnail_loaded, g_object_ref (picture));
  return button;
}

/* --- the list --------------------------------------------------------------------------- */

static void
images_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TftsrImagesGroup) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) images =
      tftsr_store_list_images_finish (TFTSR_STORE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (images == NULL)
    fail (self, error);
  else
    g_list_store_splice (self->images, 0, g_list_model_get_n_items (G_LIST_MODEL (self->images)),
                         images->pdata, images->len);
  update_state (self);
}

static void
reload (TftsrImagesGroup *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_list_store_remove_all (self->images);
  update_state (self);
  if (self->store == NULL || self->issue_id <= 0)
    return;
  self->cancellable = g_cancellable_new ();
  tftsr_store_list_images_async (self->store, self->issue_id, self->cancellable, images_loaded,
                                 g_object_ref (self));
}

/* --- adding ----------------------------------------------------------------------------- */

static void
added (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TftsrImagesGroup) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrImage) image =
      tftsr_store_add_image_finish (TFTSR_STORE (source), result, &error);

  self->running--;
  if (image == NULL)
    fail (self, error);
  else
    {
      if (tftsr_image_get_issue_id (image) == self->issue_id)
        g_list_store_insert (self->images, 0, image);
      g_signal_emit (self, signals[CHANGED], 0);
    }
  update_state (self);
}

void
tftsr_images_group_add_file (TftsrImagesGroup *self, GFile *file)
{
  g_return_if_fail (TFTSR_IS_IMAGES_GROUP (self));
  g_return_if_fail (self->store != NULL && self->issue_id > 0);

  self->running++;
  update_state (self);
  tftsr_store_add_image_file_async (self->store, self->issue_id, file, NULL, added,
                                    g_object_ref (self));
}

static void
encode_in_thread (GTask *task, gpointer source, gpointer texture, GCancellable *cancellable)
{
  g_task_return_pointer (task, gdk_texture_save_to_png_bytes (texture),
                         (GDestroyNotify) g_bytes_unref);
}

static void
encoded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  TftsrImagesGroup *self = TFTSR_IMAGES_GROUP (source);
  g_autoptr (GBytes) png = g_task_propagate_pointer (G_TASK (result), NULL);
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *time = g_date_time_format (now, "%H:%M:%S");
  /* Translators: the name of an image pasted from the clipboard; %s is the time */
  g_autofree char *name = g_strdup_printf (_ ("Pasted image %s.png"), time);
  gint64 issue_id = GPOINTER_TO_SIZE (user_data);

  if (png == NULL)
    {
      g_autoptr (GError) error =
          g_error_new_literal (TFTSR_IMAGE_ERROR, TFTSR_IMAGE_ERROR_UNSUPPORTED,
                               _ ("The pasted image could not be read"));
      self->running--;
      update_state (self);
      fail (self, error);
      return;
    }
  tftsr_store_add_image_async (self->store, issue_id, name, png, NULL, added, g_object_ref (self));
}

void
tftsr_images_group_add_texture (TftsrImagesGroup *self, GdkTexture *texture)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (TFTSR_IS_IMAGES_GROUP (self));
  g_return_if_fail (self->store != NULL && self->issue_id > 0);

  self->running++;
  update_state (self);
  task = g_task_new (self, NULL, encoded, GSIZE_TO_POINTER ((gsize) self->issue_id));
  g_task_set_task_data (task, g_object_ref (texture), g_object_unref);
  g_task_run_in_thread (task, encode_in_thread);
}

gboolean
tftsr_images_group_accepts (GFile *file)
{
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *lower = name != NULL ? g_ascii_strdown (name, -1) : NULL;
  static const char *const suffixes[] = { ".png", ".jpg", ".jpeg", ".gif", ".webp" };

  for (guint i = 0; lower != NULL && i < G_N_ELEMENTS (suffixes); i++)
    if (g_str_has_suffix (lower, suffixes[i]))
      return TRUE;
  return FALSE;
}

static void
files_chosen (GtkNativeDialog *chooser, int response, gpointer user_data)
{
  TftsrImagesGroup *self = user_data;

  if (response == GTK_RESPONSE_ACCEPT && self->issue_id > 0)
    {
      g_autoptr (GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (chooser));
      for (guint i = 0; i < g_list_model_get_n_items (files); i++)
        {
          g_autoptr (GFile) file = g_list_model_get_item (files, i);
          tftsr_images_group_add_file (self, file);
        }
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
  g_object_unref (self);
}

static void
add_action (GtkWidget *widget, const char *name, GVariant *param)
{
  GtkFileChooserNative *chooser =
      gtk_file_chooser_native_new (_ ("Add Screenshots"), GTK_WINDOW (gtk_widget_get_root (widget)),
                                   GTK_FILE_CHOOSER_ACTION_OPEN, _ ("_Add"), NULL);
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _ ("Images"));
  gtk_file_filter_add_mime_type (filter, "image/png");
  gtk_file_filter_add_mime_type (filter, "image/jpeg");
  gtk_file_filter_add_mime_type (filter, "image/gif");
  gtk_file_filter_add_mime_type (filter, "image/webp");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_object_unref (filter);
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (files_chosen), g_object_ref (widget));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* --- opening ------------------------------------------------------------------------------ */

static void
open_action (GtkWidget *widget, const char *name, GVariant *param)
{
  TftsrImagesGroup *self = TFTSR_IMAGES_GROUP (widget);
  gint64 id = g_variant_get_int64 (param);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->images));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (TftsrImage) image = g_list_model_get_item (G_LIST_MODEL (self->images), i);
      if (tftsr_image_get_id (image) == id)
        {
          TftsrImageViewer *viewer = tftsr_image_viewer_new (self->store, image);
          gtk_window_set_transient_for (GTK_WINDOW (viewer),
                                        GTK_WINDOW (gtk_widget_get_root (widget)));
          g_signal_connect_object (viewer, "changed", G_CALLBACK (reload), self, G_CONNECT_SWAPPED);
          gtk_window_present (GTK_WINDOW (viewer));
          return;
        }
    }
}

/* --- public ----------------------------------------------------------------------------- */

void
tftsr_images_group_set_store (TftsrImagesGroup *self, TftsrStore *store)
{
  g_return_if_fail (TFTSR_IS_IMAGES_GROUP (self));
  g_set_object (&self->store, store);
  self->issue_id = 0;
  reload (self);
}

void
tftsr_images_group_load (TftsrImagesGroup *self, gint64 issue_id)
{
  g_return_if_fail (TFTSR_IS_IMAGES_GROUP (self));
  self->issue_id = issue_id;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "images.add", issue_id > 0);
  reload (self);
}

GListModel *
tftsr_images_group_get_images (TftsrImagesGroup *self)
{
  g_return_val_if_fail (TFTSR_IS_IMAGES_GROUP (self), NULL);
  return G_LIST_MODEL (self->images);
}

guint
tftsr_images_group_get_n_running (TftsrImagesGroup *self)
{
  g_return_val_if_fail (TFTSR_IS_IMAGES_GROUP (self), 0);
  return self->running;
}

/* --- class ------------------------------------------------------------------------------ */

static void
tftsr_images_group_dispose (GObject *object)
{
  TftsrImagesGroup *self = TFTSR_IMAGES_GROUP (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), TFTSR_TYPE_IMAGES_GROUP);
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL;)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (tftsr_images_group_parent_class)->dispose (object);
}

static void
tftsr_images_group_finalize (GObject *object)
{
  TftsrImagesGroup *self = TFTSR_IMAGES_GROUP (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->images);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (tftsr_images_group_parent_class)->finalize (object);
}

static void
tftsr_images_group_class_init (TftsrImagesGroupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tftsr_images_group_dispose;
  object_class->finalize = tftsr_images_group_finalize;

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                   NULL, NULL, G_TYPE_NONE, 0);
  signals[FAILED] = g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                  NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               TFTSR_RESOURCE_PATH "/ui/tftsr-images-group.ui");
  gtk_widget_class_bind_template_child (widget_class, TftsrImagesGroup, adding_box);
  gtk_widget_class_bind_template_child (widget_class, TftsrImagesGroup, empty_label);
  gtk_widget_class_bind_template_child (widget_class, TftsrImagesGroup, flow);
  gtk_widget_class_install_action (widget_class, "images.add", NULL, add_action);
  gtk_widget_class_install_action (widget_class, "images.open", "x", open_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
tftsr_images_group_init (TftsrImagesGroup *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->images = g_list_store_new (TFTSR_TYPE_IMAGE);
  gtk_flow_box_bind_model (self->flow, G_LIST_MODEL (self->images), create_tile, self, NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "images.add", FALSE);
  update_state (self);
}
