/* tftsr-triage-message-row.c
 *
 * The engineer's messages are plain text in an accented bubble on the right, with a chip
 * under the text for each log, excerpt or screenshot attached (never the log itself);
 * replies are Markdown under the name of who wrote them (a provider and model, or the
 * built-in guide). A reply that failed or was stopped keeps what had arrived and says why
 * below it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <adwaita.h>
#include <glib/gi18n.h>

#include "tftsr-attachment-chip.h"
#include "tftsr-markdown-view.h"
#include "tftsr-tool-call-card.h"
#include "tftsr-triage-message-row.h"

struct _TftsrTriageMessageRow
{
  GtkWidget parent_instance;

  TftsrTriageItem *item;
  gulong notify_id;
  gulong attachments_id;

  GtkWidget *author_box; /* who wrote a reply */
  GtkLabel *author_label;
  GtkWidget *bubble;
  GtkLabel *user_label;
  GtkBox *attachment_box; /* a chip a line: a flow box measures its height for a width the
                           * bubble, aligned to one side, does not get */
  TftsrMarkdownView *markdown;
  GtkWidget *typing_box;
  GtkSpinner *typing_spinner;
  GtkWidget *status_box;
  GtkImage *status_icon;
  GtkLabel *status_label;
  GtkWidget *regenerate_button;
  TftsrToolCallCard *tool_card; /* a tool call instead of a message */
};

G_DEFINE_FINAL_TYPE (TftsrTriageMessageRow, tftsr_triage_message_row, GTK_TYPE_WIDGET)

static void
show_status (TftsrTriageMessageRow *self, TftsrTriageItem *item)
{
  TftsrTriageMessageState state = tftsr_triage_item_get_state (item);
  g_autofree char *text = NULL;

  gtk_widget_set_visible (self->status_box, state != TFTSR_TRIAGE_MESSAGE_COMPLETE);
  gtk_widget_remove_css_class (GTK_WIDGET (self), "failed");
  gtk_widget_remove_css_class (GTK_WIDGET (self), "cancelled");
  if (state == TFTSR_TRIAGE_MESSAGE_ERROR)
    {
      const char *error = tftsr_triage_item_get_error (item);

      text = error != NULL ? g_strdup_printf (_ ("The reply failed: %s"), error)
                           : g_strdup (_ ("The reply failed"));
      gtk_image_set_from_icon_name (self->status_icon, "dialog-warning-symbolic");
      gtk_widget_add_css_class (GTK_WIDGET (self), "failed");
    }
  else if (state == TFTSR_TRIAGE_MESSAGE_CANCELLED)
    {
      text = g_strdup (_ ("Stopped: the reply ends here"));
      gtk_image_set_from_icon_name (self->status_icon, "media-playback-stop-symbolic");
      gtk_widget_add_css_class (GTK_WIDGET (self), "cancelled");
    }
  gtk_label_set_label (self->status_label, text != NULL ? text : "");
}

static void
show_item (TftsrTriageMessageRow *self)
{
  TftsrTriageItem *item = self->item;
  gboolean reply, streaming, empty;
  const char *text;

  if (item == NULL)
    return;
  /* A tool call is a card of its own, which follows the item itself. */
  gtk_widget_set_visible (GTK_WIDGET (self->tool_card), tftsr_triage_item_is_tool (item));
  gtk_widget_set_visible (self->bubble, !tftsr_triage_item_is_tool (item));
  if (tftsr_triage_item_is_tool (item))
    {
      gtk_widget_set_css_classes (GTK_WIDGET (self), (const char *[]){ "tool", NULL });
      gtk_widget_set_visible (self->author_box, FALSE);
      gtk_widget_set_visible (self->regenerate_button, FALSE);
      return;
    }
  reply = tftsr_triage_item_is_reply (item);
  streaming = tftsr_triage_item_get_streaming (item);
  text = tftsr_triage_item_get_text (item);
  empty = text == NULL || *text == '\0';

  gtk_widget_set_css_classes (GTK_WIDGET (self),
                              (const char *[]){ reply ? "reply" : "typed", NULL });
  gtk_widget_set_visible (self->author_box, reply);
  gtk_widget_set_halign (self->bubble, reply ? GTK_ALIGN_FILL : GTK_ALIGN_END);
  if (reply)
    gtk_label_set_label (self->author_label, tftsr_triage_item_get_author (item));
  if (tftsr_triage_item_is_guide (item))
    gtk_widget_add_css_class (GTK_WIDGET (self), "guide");
  gtk_widget_set_visible (GTK_WIDGET (self->user_label), !reply && !empty);
  if (!reply)
    gtk_label_set_label (self->user_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->markdown), reply && !empty);
  if (reply)
    tftsr_markdown_view_set_text (self->markdown, text);
  gtk_widget_set_visible (self->typing_box, streaming && empty);
  gtk_spinner_set_spinning (self->typing_spinner, streaming && empty);
  show_status (self, item);
  gtk_widget_set_visible (self->regenerate_button, tftsr_triage_item_get_regenerable (item));
  /* A reply that did not complete is asked for again; a complete one is written anew. */
  adw_button_content_set_label (
      ADW_BUTTON_CONTENT (gtk_button_get_child (GTK_BUTTON (self->regenerate_button))),
      tftsr_triage_item_get_state (item) == TFTSR_TRIAGE_MESSAGE_COMPLETE ? _ ("_Regenerate")
                                                                          : _ ("_Try Again"));
}

/* Built when the row gets its item and when what is attached changes, not for every
 * piece of a streaming reply. */
static void
show_attachments (TftsrTriageMessageRow *self)
{
  GPtrArray *attachments = tftsr_triage_item_get_attachments (self->item);

  for (GtkWidget *child;
       (child = gtk_widget_get_first_child (GTK_WIDGET (self->attachment_box))) != NULL;)
    gtk_box_remove (self->attachment_box, child);
  for (guint i = 0; i < attachments->len; i++)
    gtk_box_append (self->attachment_box, tftsr_attachment_chip_new (attachments->pdata[i], FALSE));
  gtk_widget_set_visible (GTK_WIDGET (self->attachment_box), attachments->len > 0);
}

void
tftsr_triage_message_row_set_item (TftsrTriageMessageRow *self, TftsrTriageItem *item)
{
  g_return_if_fail (TFTSR_IS_TRIAGE_MESSAGE_ROW (self));

  if (self->item != NULL)
    {
      g_clear_signal_handler (&self->notify_id, self->item);
      g_clear_signal_handler (&self->attachments_id, self->item);
    }
  if (!g_set_object (&self->item, item))
    return;
  tftsr_tool_call_card_set_item (self->tool_card,
                                 item != NULL && tftsr_triage_item_is_tool (item) ? item : NULL);
  if (item == NULL)
    return;
  self->notify_id = g_signal_connect_swapped (item, "notify", G_CALLBACK (show_item), self);
  self->attachments_id =
      g_signal_connect_swapped (item, "notify::attachments", G_CALLBACK (show_attachments), self);
  show_item (self);
  show_attachments (self);
}

GtkWidget *
tftsr_triage_message_row_new (void)
{
  return g_object_new (TFTSR_TYPE_TRIAGE_MESSAGE_ROW, NULL);
}

static void
tftsr_triage_message_row_dispose (GObject *object)
{
  TftsrTriageMessageRow *self = TFTSR_TRIAGE_MESSAGE_ROW (object);

  tftsr_triage_message_row_set_item (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), TFTSR_TYPE_TRIAGE_MESSAGE_ROW);
  G_OBJECT_CLASS (tftsr_triage_message_row_parent_class)->dispose (object);
}

static void
tftsr_triage_message_row_class_init (TftsrTriageMessageRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tftsr_triage_message_row_dispose;

  g_type_ensure (TFTSR_TYPE_MARKDOWN_VIEW);
  g_type_ensure (TFTSR_TYPE_TOOL_CALL_CARD);
  gtk_widget_class_set_template_from_resource (widget_class, TFTSR_RESOURCE_PATH
                                               "/ui/tftsr-triage-message-row.ui");
  gtk_widget_class_bind_template_child (widget_class, TftsrTriageMessageRow, author_box);
  gtk_widget_class_bind_template_child (widget_class, TftsrTriageMessageRow, author_label);
  gtk_widget_class_bind_template_child (widget_class, TftsrTriageMessageRow, bubble);
  gtk_widget_class_bind_template_child (widget_class, TftsrTriageMessageRow, user_label);
  gtk_widget_class_bind_template_child (widget_class, TftsrTriageMessageRow, attachment_box);
  gtk_widget_class_bind_template_child (widget_class, TftsrTriageMessageRow, markdown);
  gtk_widget_class_bind_template_child (widget_class, TftsrTriageMessageRow, typing_box);
  gtk_widget_class_bind_template_child (widget_class, TftsrTriageMessageRow, typing_spinner);
  gtk_widget_class_bind_template_child (widget_class, TftsrTriageMessageRow, status_box);
  gtk_widget_class_bind_template_child (widget_class, TftsrTriageMessageRow, status_icon);
  gtk_widget_class_bind_template_child (widget_class, TftsrTriageMessageRow, status_label);
  gtk_widget_class_bind_template_child (widget_class, TftsrTriageMessageRow, regenerate_button);
  gtk_widget_class_bind_template_child (widget_class, TftsrTriageMessageRow, tool_card);
  gtk_widget_class_set_css_name (widget_class, "triagemessage");
}

static void
tftsr_triage_message_row_init (TftsrTriageMessageRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
