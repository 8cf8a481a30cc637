/* tftsr-tool-call-card.c
 *
 * The card says which tool of which MCP server the model asked for and how the call
 * stands; its details (folded away) are the arguments exactly as they were, or would be,
 * sent, and the result as the model got it. While the call waits for the engineer, three
 * buttons answer it; they are the card's actions (tool.allow-once, tool.allow-always,
 * tool.deny), which answer the item's waiting call on this thread, so the worker that asked
 * goes on without the UI ever blocking.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <adwaita.h>
#include <glib/gi18n.h>

#include "tftsr-app-format.h"
#include "tftsr-tool-call-card.h"

struct _TftsrToolCallCard
{
  GtkWidget parent_instance;

  TftsrTriageItem *item;
  gulong notify_id;

  GtkLabel *title_label;
  GtkLabel *server_label;
  GtkLabel *status_label;
  GtkSpinner *spinner;
  GtkLabel *arguments_label;
  GtkWidget *result_title;
  GtkLabel *result_label;
  GtkWidget *buttons;
};

G_DEFINE_FINAL_TYPE (TftsrToolCallCard, tftsr_tool_call_card, GTK_TYPE_WIDGET)

static const char *const status_classes[] = { "done",      "denied",  "failed",
                                              "cancelled", "waiting", "running" };

static void
show_status (TftsrToolCallCard *self, const TftsrTriageToolCall *call)
{
  gboolean waiting = call->status == TFTSR_TRIAGE_TOOL_WAITING;
  gboolean running = call->status == TFTSR_TRIAGE_TOOL_RUNNING;

  for (guint i = 0; i < G_N_ELEMENTS (status_classes); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), status_classes[i]);
  gtk_widget_add_css_class (GTK_WIDGET (self->status_label), status_classes[call->status]);
  gtk_label_set_label (self->status_label, tftsr_triage_tool_status_to_label (call->status));
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), running);
  gtk_spinner_set_spinning (self->spinner, running);
  /* Buttons only while someone is waiting for them. */
  gtk_widget_set_visible (self->buttons,
                          waiting && tftsr_triage_item_get_tool_ask (self->item) != NULL);
}

static void
show_call (TftsrToolCallCard *self)
{
  const TftsrTriageToolCall *call = self->item ? tftsr_triage_item_get_tool (self->item) : NULL;
  g_autofree char *sent = NULL, *result = NULL, *server = NULL;

  if (call == NULL)
    return;
  gtk_label_set_label (self->title_label, call->tool != NULL ? call->tool : call->name);
  server = call->server != NULL ? g_strdup_printf (_ ("MCP server “%s”"), call->server)
                                : g_strdup (_ ("No server offers this tool"));
  gtk_label_set_label (self->server_label, server);
  sent = tftsr_display_text (call->sent != NULL ? call->sent : call->arguments);
  gtk_label_set_label (self->arguments_label, sent);
  result = call->result != NULL ? tftsr_display_text (call->result) : NULL;
  gtk_widget_set_visible (self->result_title, result != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->result_label), result != NULL);
  gtk_label_set_label (self->result_label, result != NULL ? result : "");
  show_status (self, call);
}

void
tftsr_tool_call_card_set_item (TftsrToolCallCard *self, TftsrTriageItem *item)
{
  g_return_if_fail (TFTSR_IS_TOOL_CALL_CARD (self));

  if (self->item != NULL)
    g_clear_signal_handler (&self->notify_id, self->item);
  if (!g_set_object (&self->item, item) || item == NULL)
    return;
  self->notify_id = g_signal_connect_swapped (item, "notify", G_CALLBACK (show_call), self);
  show_call (self);
}

static void
answer (GtkWidget *widget, const char *name, GVariant *param)
{
  TftsrToolCallCard *self = TFTSR_TOOL_CALL_CARD (widget);
  TftsrToolApproval approval = TFTSR_TOOL_DENY;

  if (self->item == NULL)
    return;
  if (g_str_equal (name, "tool.allow-once"))
    approval = TFTSR_TOOL_ALLOW_ONCE;
  else if (g_str_equal (name, "tool.allow-always"))
    approval = TFTSR_TOOL_ALLOW_ALWAYS;
  tftsr_triage_item_answer_tool (self->item, approval);
}

GtkWidget *
tftsr_tool_call_card_new (void)
{
  return g_object_new (TFTSR_TYPE_TOOL_CALL_CARD, NULL);
}

static void
tftsr_tool_call_card_dispose (GObject *object)
{
  TftsrToolCallCard *self = TFTSR_TOOL_CALL_CARD (object);

  tftsr_tool_call_card_set_item (self, NULL);
  g_clear_object (&self->item);
  gtk_widget_dispose_template (GTK_WIDGET (self), TFTSR_TYPE_TOOL_CALL_CARD);
  /* The template's unnamed boxes are children too. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL;)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (tftsr_tool_call_card_parent_class)->dispose (object);
}

static void
tftsr_tool_call_card_class_init (TftsrToolCallCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tftsr_tool_call_card_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               TFTSR_RESOURCE_PATH "/ui/tftsr-tool-call-card.ui");
  gtk_widget_class_bind_template_child (widget_class, TftsrToolCallCard, title_label);
  gtk_widget_class_bind_template_child (widget_class, TftsrToolCallCard, server_label);
  gtk_widget_class_bind_template_child (widget_class, TftsrToolCallCard, status_label);
  gtk_widget_class_bind_template_child (widget_class, TftsrToolCallCard, spinner);
  gtk_widget_class_bind_template_child (widget_class, TftsrToolCallCard, arguments_label);
  gtk_widget_class_bind_template_child (widget_class, TftsrToolCallCard, result_title);
  gtk_widget_class_bind_template_child (widget_class, TftsrToolCallCard, result_label);
  gtk_widget_class_bind_template_child (widget_class, TftsrToolCallCard, buttons);
  gtk_widget_class_install_action (widget_class, "tool.allow-once", NULL, answer);
  gtk_widget_class_install_action (widget_class, "tool.allow-always", NULL, answer);
  gtk_widget_class_install_action (widget_class, "tool.deny", NULL, answer);
  gtk_widget_class_set_css_name (widget_class, "toolcall");
}

static void
tftsr_tool_call_card_init (TftsrToolCallCard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
