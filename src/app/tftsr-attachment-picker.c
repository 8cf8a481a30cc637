/* tftsr-attachment-picker.c
 *
 * The menu is a GMenu of two sections, Logs and Screenshots, filled from the store each
 * time the button opens it (a log added on Details since shows up). Its items activate
 * the picker's own actions ("attach.log", "attach.image"), inserted on the button. A
 * screenshot is chosen only once it may leave: its acknowledgement is recorded first,
 * with the same warning the image viewer shows, and egress checks it again when sending.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>

#include "tftsr-app-format.h"
#include "tftsr-attachment-chip.h"
#include "tftsr-attachment-picker.h"
#include "tftsr-image-warning.h"

struct _TftsrAttachmentPicker
{
  GObject parent_instance;

  TftsrStore *store;
  gint64 issue_id;
  GHashTable *chosen; /* issue id → GPtrArray of TftsrTriageAttachment */
  GPtrArray *logs;    /* TftsrLogFile, as the menu lists them */
  GPtrArray *images;  /* TftsrImage */
  GCancellable *cancellable;
  guint loads; /* menu loads started: only the newest fills the menu */

  GtkMenuButton *button;
  GtkFlowBox *chips;
  GMenu *menu;
};

G_DEFINE_FINAL_TYPE (TftsrAttachmentPicker, tftsr_attachment_picker, G_TYPE_OBJECT)

enum
{
  CHANGED,
  FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static GPtrArray *
chosen_for (TftsrAttachmentPicker *self, gint64 issue_id)
{
  GPtrArray *chosen = g_hash_table_lookup (self->chosen, &issue_id);

  if (chosen == NULL)
    {
      chosen = tftsr_triage_attachments_new ();
      g_hash_table_insert (self->chosen, g_memdup2 (&issue_id, sizeof issue_id), chosen);
    }
  return chosen;
}

/* --- the chips ------------------------------------------------------------------------------- */

static void show_chosen (TftsrAttachmentPicker *self);

static void
on_chip_remove (TftsrAttachmentChip *chip, TftsrAttachmentPicker *self)
{
  GPtrArray *chosen = chosen_for (self, self->issue_id);
  const TftsrTriageAttachment *gone = tftsr_attachment_chip_get_attachment (chip);

  for (guint i = 0; i < chosen->len; i++)
    if (tftsr_triage_attachment_equal (chosen->pdata[i], gone))
      {
        g_ptr_array_remove_index (chosen, i);
        break;
      }
  show_chosen (self);
}

static void
show_chosen (TftsrAttachmentPicker *self)
{
  GPtrArray *chosen = chosen_for (self, self->issue_id);

  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self->chips))) != NULL;)
    gtk_flow_box_remove (self->chips, child);
  for (guint i = 0; i < chosen->len; i++)
    {
      GtkWidget *chip = tftsr_attachment_chip_new (chosen->pdata[i], TRUE);

      g_signal_connect_object (chip, "remove", G_CALLBACK (on_chip_remove), self, 0);
      gtk_flow_box_append (self->chips, chip);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->chips), chosen->len > 0);
  g_signal_emit (self, signals[CHANGED], 0);
}

void
tftsr_attachment_picker_add (TftsrAttachmentPicker *self, gint64 issue_id,
                             const TftsrTriageAttachment *attachment)
{
  GPtrArray *chosen;

  g_return_if_fail (TFTSR_IS_ATTACHMENT_PICKER (self));
  g_return_if_fail (attachment != NULL);

  chosen = chosen_for (self, issue_id);
  for (guint i = 0; i < chosen->len; i++)
    if (tftsr_triage_attachment_equal (chosen->pdata[i], attachment))
      return;
  g_ptr_array_add (chosen, tftsr_triage_attachment_copy (attachment));
  if (issue_id == self->issue_id)
    show_chosen (self);
}

/* --- the menu ---------------------------------------------------------------------------------- */

/* A name as a menu label: an underscore would mark a mnemonic. */
static char *
menu_label (const char *name)
{
  g_autofree char *shown = tftsr_display_text (name);
  g_auto (GStrv) parts = g_strsplit (shown, "_", -1);

  return g_strjoinv ("__", parts);
}

static GMenu *
logs_section (GPtrArray *logs)
{
  GMenu *section = g_menu_new ();

  for (guint i = 0; i < logs->len; i++)
    {
      g_autofree char *label = menu_label (tftsr_log_file_get_name (logs->pdata[i]));
      g_autoptr (GMenuItem) item = g_menu_item_new (label, NULL);

      g_menu_item_set_action_and_target (item, "attach.log", "x",
                                         tftsr_log_file_get_id (logs->pdata[i]));
      g_menu_append_item (section, item);
    }
  return section;
}

static GMenu *
images_section (GPtrArray *images)
{
  GMenu *section = g_menu_new ();

  for (guint i = 0; i < images->len; i++)
    {
      TftsrImage *image = images->pdata[i];
      g_autofree char *name = menu_label (tftsr_image_get_name (image));
      /* Translators: a screenshot in the attach menu that asks for the PII warning first */
      g_autofree char *label = tftsr_image_get_pii_acknowledged_at (image) != NULL
                                   ? g_strdup (name)
                                   : g_strdup_printf (_ ("%s (confirm first)"), name);
      g_autoptr (GMenuItem) item = g_menu_item_new (label, NULL);

      g_menu_item_set_action_and_target (item, "attach.image", "x", tftsr_image_get_id (image));
      g_menu_append_item (section, item);
    }
  return section;
}

static void
fill_menu (TftsrAttachmentPicker *self)
{
  g_autoptr (GMenu) logs = logs_section (self->logs);
  g_autoptr (GMenu) images = images_section (self->images);

  g_menu_remove_all (self->menu);
  if (self->logs->len > 0)
    g_menu_append_section (self->menu, _ ("Logs"), G_MENU_MODEL (logs));
  if (self->images->len > 0)
    g_menu_append_section (self->menu, _ ("Screenshots"), G_MENU_MODEL (images));
  /* An item without an action is shown as a line of text. */
  if (self->logs->len == 0 && self->images->len == 0)
    g_menu_append (self->menu, _ ("No logs or screenshots: add them under Details"), NULL);
}

typedef struct
{
  TftsrAttachmentPicker *self;
  guint load;
  GPtrArray *logs;
} MenuLoad;

static void
menu_load_free (MenuLoad *job)
{
  g_object_unref (job->self);
  g_clear_pointer (&job->logs, g_ptr_array_unref);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MenuLoad, menu_load_free)

static void
images_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (MenuLoad) job = user_data;
  TftsrAttachmentPicker *self = job->self;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) images =
      tftsr_store_list_images_finish (TFTSR_STORE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || job->load != self->loads)
    return;
  if (images == NULL)
    {
      g_signal_emit (self, signals[FAILED], 0, error);
      return;
    }
  g_ptr_array_unref (self->logs);
  self->logs = g_steal_pointer (&job->logs);
  g_ptr_array_unref (self->images);
  self->images = g_steal_pointer (&images);
  fill_menu (self);
}

static void
logs_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (MenuLoad) job = user_data;
  TftsrAttachmentPicker *self = job->self;
  g_autoptr (GError) error = NULL;

  job->logs = tftsr_store_list_logs_finish (TFTSR_STORE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || job->load != self->loads)
    return;
  if (job->logs == NULL)
    {
      g_signal_emit (self, signals[FAILED], 0, error);
      return;
    }
  tftsr_store_list_images_async (self->store, self->issue_id, self->cancellable, images_loaded,
                                 g_steal_pointer (&job));
}

/* The incident's logs and screenshots as they are now. */
static void
reload_menu (TftsrAttachmentPicker *self)
{
  MenuLoad *job;

  if (self->store == NULL || self->issue_id == 0)
    return;
  job = g_new0 (MenuLoad, 1);
  job->self = g_object_ref (self);
  job->load = ++self->loads;
  tftsr_store_list_logs_async (self->store, self->issue_id, self->cancellable, logs_loaded, job);
}

static void
on_popup (GtkMenuButton *button, gpointer user_data)
{
  reload_menu (TFTSR_ATTACHMENT_PICKER (user_data));
}

/* --- choosing ---------------------------------------------------------------------------------- */

static void
attach_log (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  TftsrAttachmentPicker *self = user_data;

  for (guint i = 0; i < self->logs->len; i++)
    {
      TftsrLogFile *log = self->logs->pdata[i];
      g_autoptr (TftsrTriageAttachment) a = NULL;

      if (tftsr_log_file_get_id (log) != g_variant_get_int64 (param))
        continue;
      a = tftsr_triage_attachment_new_log (tftsr_log_file_get_id (log),
                                           tftsr_log_file_get_name (log));
      tftsr_attachment_picker_add (self, self->issue_id, a);
    }
}

/* A screenshot on its way to being chosen, for the incident it was picked for. */
typedef struct
{
  TftsrAttachmentPicker *self;
  gint64 issue_id;
  TftsrTriageAttachment *attachment;
} Clearance;

static Clearance *
clearance_new (TftsrAttachmentPicker *self, gint64 issue_id, const TftsrTriageAttachment *a)
{
  Clearance *job = g_new0 (Clearance, 1);

  job->self = g_object_ref (self);
  job->issue_id = issue_id;
  job->attachment = tftsr_triage_attachment_copy (a);
  return job;
}

static void
clearance_free (Clearance *job)
{
  g_object_unref (job->self);
  tftsr_triage_attachment_free (job->attachment);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Clearance, clearance_free)

static void
clearance_notify (gpointer data, GClosure *closure)
{
  clearance_free (data);
}

static void
acknowledged (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (Clearance) job = user_data;
  g_autoptr (GError) error = NULL;

  if (!tftsr_store_change_finish (TFTSR_STORE (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_signal_emit (job->self, signals[FAILED], 0, error);
      return;
    }
  tftsr_attachment_picker_add (job->self, job->issue_id, job->attachment);
}

/* The engineer answered the PII warning: accepted, the acknowledgement is recorded and
 * then the screenshot chosen. */
static void
warning_answered (AdwMessageDialog *dialog, const char *response, Clearance *job)
{
  if (!g_str_equal (response, TFTSR_IMAGE_WARNING_ACCEPT) || job->self->store == NULL)
    return;
  tftsr_store_acknowledge_image_pii_async (
      job->self->store, job->attachment->target_id, job->self->cancellable, acknowledged,
      clearance_new (job->self, job->issue_id, job->attachment));
}

/* A screenshot the engineer cleared before is chosen at once; else the warning asks. */
static void
choose_image (TftsrAttachmentPicker *self, TftsrImage *image)
{
  g_autoptr (TftsrTriageAttachment) a =
      tftsr_triage_attachment_new_image (tftsr_image_get_id (image), tftsr_image_get_name (image));
  GtkWidget *dialog;

  if (tftsr_image_get_pii_acknowledged_at (image) != NULL)
    {
      tftsr_attachment_picker_add (self, self->issue_id, a);
      return;
    }
  dialog = tftsr_image_warning_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self->button))));
  g_signal_connect_data (dialog, "response", G_CALLBACK (warning_answered),
                         clearance_new (self, self->issue_id, a), clearance_notify, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
attach_image (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  TftsrAttachmentPicker *self = user_data;

  for (guint i = 0; i < self->images->len; i++)
    if (tftsr_image_get_id (self->images->pdata[i]) == g_variant_get_int64 (param))
      choose_image (self, self->images->pdata[i]);
}

/* --- public ---------------------------------------------------------------------------------- */

void
tftsr_attachment_picker_load (TftsrAttachmentPicker *self, gint64 issue_id)
{
  g_return_if_fail (TFTSR_IS_ATTACHMENT_PICKER (self));

  self->issue_id = issue_id;
  self->loads++;
  g_ptr_array_set_size (self->logs, 0);
  g_ptr_array_set_size (self->images, 0);
  g_menu_remove_all (self->menu);
  reload_menu (self);
  show_chosen (self);
}

void
tftsr_attachment_picker_set_store (TftsrAttachmentPicker *self, TftsrStore *store)
{
  g_return_if_fail (TFTSR_IS_ATTACHMENT_PICKER (self));

  g_hash_table_remove_all (self->chosen);
  g_set_object (&self->store, store);
  tftsr_attachment_picker_load (self, 0);
}

GPtrArray *
tftsr_attachment_picker_get_chosen (TftsrAttachmentPicker *self)
{
  g_return_val_if_fail (TFTSR_IS_ATTACHMENT_PICKER (self), NULL);
  return chosen_for (self, self->issue_id);
}

GPtrArray *
tftsr_attachment_picker_take (TftsrAttachmentPicker *self)
{
  GPtrArray *taken;

  g_return_val_if_fail (TFTSR_IS_ATTACHMENT_PICKER (self), NULL);

  taken = g_ptr_array_ref (chosen_for (self, self->issue_id));
  g_hash_table_remove (self->chosen, &self->issue_id);
  show_chosen (self);
  return taken;
}

void
tftsr_attachment_picker_restore (TftsrAttachmentPicker *self, GPtrArray *attachments)
{
  g_autoptr (GPtrArray) since = NULL;

  g_return_if_fail (TFTSR_IS_ATTACHMENT_PICKER (self));

  since = tftsr_attachment_picker_take (self);
  for (guint i = 0; i < attachments->len; i++)
    tftsr_attachment_picker_add (self, self->issue_id, attachments->pdata[i]);
  for (guint i = 0; i < since->len; i++)
    tftsr_attachment_picker_add (self, self->issue_id, since->pdata[i]);
}

TftsrAttachmentPicker *
tftsr_attachment_picker_new (GtkMenuButton *button, GtkFlowBox *chips)
{
  static const GActionEntry actions[] = {
    { "log", attach_log, "x", NULL, NULL, { 0 } },
    { "image", attach_image, "x", NULL, NULL, { 0 } },
  };
  TftsrAttachmentPicker *self;
  g_autoptr (GSimpleActionGroup) group = g_simple_action_group_new ();

  g_return_val_if_fail (GTK_IS_MENU_BUTTON (button) && GTK_IS_FLOW_BOX (chips), NULL);

  self = g_object_new (TFTSR_TYPE_ATTACHMENT_PICKER, NULL);
  self->button = button;
  self->chips = chips;
  g_action_map_add_action_entries (G_ACTION_MAP (group), actions, G_N_ELEMENTS (actions), self);
  gtk_widget_insert_action_group (GTK_WIDGET (button), "attach", G_ACTION_GROUP (group));
  gtk_menu_button_set_menu_model (button, G_MENU_MODEL (self->menu));
  gtk_menu_button_set_create_popup_func (button, on_popup, self, NULL);
  return self;
}

/* --- class ------------------------------------------------------------------------------------- */

static void
tftsr_attachment_picker_dispose (GObject *object)
{
  TftsrAttachmentPicker *self = TFTSR_ATTACHMENT_PICKER (object);

  g_cancellable_cancel (self->cancellable);
  if (self->button != NULL)
    {
      gtk_menu_button_set_create_popup_func (self->button, NULL, NULL, NULL);
      gtk_widget_insert_action_group (GTK_WIDGET (self->button), "attach", NULL);
      self->button = NULL;
    }
  self->chips = NULL;
  G_OBJECT_CLASS (tftsr_attachment_picker_parent_class)->dispose (object);
}

static void
tftsr_attachment_picker_finalize (GObject *object)
{
  TftsrAttachmentPicker *self = TFTSR_ATTACHMENT_PICKER (object);

  g_clear_object (&self->store);
  g_hash_table_unref (self->chosen);
  g_ptr_array_unref (self->logs);
  g_ptr_array_unref (self->images);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->menu);
  G_OBJECT_CLASS (tftsr_attachment_picker_parent_class)->finalize (object);
}

static void
tftsr_attachment_picker_class_init (TftsrAttachmentPickerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tftsr_attachment_picker_dispose;
  object_class->finalize = tftsr_attachment_picker_finalize;

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                   NULL, NULL, G_TYPE_NONE, 0);
  signals[FAILED] = g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                  NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
tftsr_attachment_picker_init (TftsrAttachmentPicker *self)
{
  self->chosen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                        (GDestroyNotify) g_ptr_array_unref);
  self->logs = g_ptr_array_new_with_free_func (g_object_unref);
  self->images = g_ptr_array_new_with_free_func (g_object_unref);
  self->cancellable = g_cancellable_new ();
  self->menu = g_menu_new ();
}
