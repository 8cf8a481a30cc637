/* tftsr-attachment-chip.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>

#include "tftsr-app-format.h"
#include "tftsr-attachment-chip.h"

struct _TftsrAttachmentChip
{
  GtkWidget parent_instance;

  TftsrTriageAttachment *attachment;

  GtkImage *icon;
  GtkLabel *label;
  GtkWidget *remove_button;
};

G_DEFINE_FINAL_TYPE (TftsrAttachmentChip, tftsr_attachment_chip, GTK_TYPE_WIDGET)

enum
{
  REMOVE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
on_remove_clicked (TftsrAttachmentChip *self)
{
  g_signal_emit (self, signals[REMOVE], 0);
}

/* The tooltip says what the chip stands for, and what happens to it. */
static char *
describe (const TftsrTriageAttachment *a, const char *label)
{
  if (tftsr_triage_attachment_is_gone (a))
    return g_strdup_printf (_ ("%s was deleted since: it is no longer sent"), label);
  if (a->kind == TFTSR_TRIAGE_ATTACHMENT_IMAGE)
    return g_strdup_printf (_ ("Screenshot %s, sent as it is"), label);
  return g_strdup_printf (_ ("Log %s, sent redacted"), label);
}

GtkWidget *
tftsr_attachment_chip_new (const TftsrTriageAttachment *attachment, gboolean removable)
{
  TftsrAttachmentChip *self;
  g_autofree char *label = NULL, *shown = NULL, *tooltip = NULL;

  g_return_val_if_fail (attachment != NULL, NULL);

  self = g_object_new (TFTSR_TYPE_ATTACHMENT_CHIP, NULL);
  self->attachment = tftsr_triage_attachment_copy (attachment);
  label = tftsr_triage_attachment_dup_label (attachment);
  shown = tftsr_display_text (label);
  tooltip = describe (attachment, shown);
  gtk_image_set_from_icon_name (self->icon, attachment->kind == TFTSR_TRIAGE_ATTACHMENT_IMAGE
                                                ? "image-x-generic-symbolic"
                                                : "text-x-generic-symbolic");
  gtk_label_set_label (self->label, shown);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), tooltip);
  gtk_widget_set_visible (self->remove_button, removable);
  if (tftsr_triage_attachment_is_gone (attachment))
    gtk_widget_add_css_class (GTK_WIDGET (self), "gone");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip,
                                  -1);
  return GTK_WIDGET (self);
}

const TftsrTriageAttachment *
tftsr_attachment_chip_get_attachment (TftsrAttachmentChip *self)
{
  g_return_val_if_fail (TFTSR_IS_ATTACHMENT_CHIP (self), NULL);
  return self->attachment;
}

static void
tftsr_attachment_chip_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), TFTSR_TYPE_ATTACHMENT_CHIP);
  G_OBJECT_CLASS (tftsr_attachment_chip_parent_class)->dispose (object);
}

static void
tftsr_attachment_chip_finalize (GObject *object)
{
  tftsr_triage_attachment_free (TFTSR_ATTACHMENT_CHIP (object)->attachment);
  G_OBJECT_CLASS (tftsr_attachment_chip_parent_class)->finalize (object);
}

static void
tftsr_attachment_chip_class_init (TftsrAttachmentChipClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tftsr_attachment_chip_dispose;
  object_class->finalize = tftsr_attachment_chip_finalize;

  signals[REMOVE] = g_signal_new ("remove", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                  NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               TFTSR_RESOURCE_PATH "/ui/tftsr-attachment-chip.ui");
  gtk_widget_class_bind_template_child (widget_class, TftsrAttachmentChip, icon);
  gtk_widget_class_bind_template_child (widget_class, TftsrAttachmentChip, label);
  gtk_widget_class_bind_template_child (widget_class, TftsrAttachmentChip, remove_button);
  gtk_widget_class_bind_template_callback (widget_class, on_remove_clicked);
  gtk_widget_class_set_css_name (widget_class, "attachmentchip");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
tftsr_attachment_chip_init (TftsrAttachmentChip *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
