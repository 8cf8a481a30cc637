/* tftsr-triage-item.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>
#include <string.h>

#include "tftsr-app-format.h"
#include "tftsr-triage-item.h"

struct _TftsrTriageItem
{
  GObject parent_instance;

  gboolean reply;
  gboolean guide;
  char *author;
  char *text;
  TftsrTriageMessageState state;
  char *error;
  gboolean streaming;
  gboolean regenerable;
  GPtrArray *attachments;    /* TftsrTriageAttachment */
  TftsrTriageToolCall *tool; /* a tool call's card, else NULL */
  TftsrToolAsk *ask;         /* the call waits for the engineer */
};

G_DEFINE_FINAL_TYPE (TftsrTriageItem, tftsr_triage_item, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_TEXT,
  PROP_STATE,
  PROP_ERROR,
  PROP_STREAMING,
  PROP_REGENERABLE,
  PROP_ATTACHMENTS,
  PROP_TOOL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static char *
author_of (const char *provider, const char *model)
{
  g_autofree char *name = NULL;

  if (g_strcmp0 (provider, TFTSR_TRIAGE_GUIDE_PROVIDER) == 0)
    return g_strdup (_ ("Built-in guide"));
  if (provider == NULL)
    return g_strdup (_ ("Reply"));
  name = tftsr_display_text (provider);
  if (model == NULL || *model == '\0')
    return g_steal_pointer (&name);
  /* Translators: who wrote a reply: "provider name · model" */
  return g_strdup_printf (_ ("%s · %s"), name, model);
}

static void
set_string (TftsrTriageItem *self, char **field, const char *value, guint prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_state (TftsrTriageItem *self, TftsrTriageMessageState state, const char *error)
{
  if (self->state != state)
    {
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
  set_string (self, &self->error, error, PROP_ERROR);
}

static gboolean
same_attachments (GPtrArray *a, GPtrArray *b)
{
  if (a->len != b->len)
    return FALSE;
  for (guint i = 0; i < a->len; i++)
    {
      TftsrTriageAttachment *x = a->pdata[i], *y = b->pdata[i];

      if (!tftsr_triage_attachment_equal (x, y) ||
          tftsr_triage_attachment_is_gone (x) != tftsr_triage_attachment_is_gone (y) ||
          g_strcmp0 (x->name, y->name) != 0)
        return FALSE;
    }
  return TRUE;
}

/* The chips are built again only when what is attached changed (a log deleted since). */
static void
set_attachments (TftsrTriageItem *self, GPtrArray *attachments)
{
  if (attachments == NULL || same_attachments (self->attachments, attachments))
    return;
  g_ptr_array_unref (self->attachments);
  self->attachments = tftsr_triage_attachments_copy (attachments);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ATTACHMENTS]);
}

/* A reply stops streaming when it is stored or fails. */
static void
stop_streaming (TftsrTriageItem *self)
{
  if (!self->streaming)
    return;
  self->streaming = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STREAMING]);
}

/* A stored tool result as the card shows it. The tool's own name is the offered one
 * without its server's prefix, when it has that prefix. */
static TftsrTriageToolCall *
call_of (const TftsrTriageMessage *message)
{
  TftsrTriageToolCall *call = g_new0 (TftsrTriageToolCall, 1);
  const char *name = message->message->tool_name != NULL ? message->message->tool_name : "";
  g_autofree char *prefix =
      message->tool_server != NULL ? tftsr_mcp_tool_offered_name (message->tool_server, "") : NULL;

  call->call_id = g_strdup (message->message->tool_call_id);
  call->name = g_strdup (name);
  call->server = g_strdup (message->tool_server);
  call->tool =
      g_strdup (prefix != NULL && g_str_has_prefix (name, prefix) ? name + strlen (prefix) : name);
  call->sent = g_strdup (message->tool_arguments);
  call->left = message->tool_arguments != NULL;
  call->result = g_strdup (message->message->content);
  call->status = message->tool_status;
  return call;
}

TftsrTriageItem *
tftsr_triage_item_new_tool (const TftsrTriageToolCall *call)
{
  TftsrTriageItem *self = g_object_new (TFTSR_TYPE_TRIAGE_ITEM, NULL);

  self->tool = tftsr_triage_tool_call_copy (call);
  return self;
}

gboolean
tftsr_triage_item_is_tool (TftsrTriageItem *self)
{
  g_return_val_if_fail (TFTSR_IS_TRIAGE_ITEM (self), FALSE);
  return self->tool != NULL;
}

const TftsrTriageToolCall *
tftsr_triage_item_get_tool (TftsrTriageItem *self)
{
  g_return_val_if_fail (TFTSR_IS_TRIAGE_ITEM (self), NULL);
  return self->tool;
}

void
tftsr_triage_item_set_tool (TftsrTriageItem *self, const TftsrTriageToolCall *call)
{
  g_return_if_fail (TFTSR_IS_TRIAGE_ITEM (self));
  g_return_if_fail (call != NULL);

  tftsr_triage_tool_call_free (self->tool);
  self->tool = tftsr_triage_tool_call_copy (call);
  if (call->status != TFTSR_TRIAGE_TOOL_WAITING)
    g_clear_pointer (&self->ask, tftsr_tool_ask_unref);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOOL]);
}

TftsrToolAsk *
tftsr_triage_item_get_tool_ask (TftsrTriageItem *self)
{
  g_return_val_if_fail (TFTSR_IS_TRIAGE_ITEM (self), NULL);
  return self->ask;
}

void
tftsr_triage_item_set_tool_ask (TftsrTriageItem *self, TftsrToolAsk *ask)
{
  g_return_if_fail (TFTSR_IS_TRIAGE_ITEM (self));

  g_clear_pointer (&self->ask, tftsr_tool_ask_unref);
  self->ask = ask != NULL ? tftsr_tool_ask_ref (ask) : NULL;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOOL]);
}

void
tftsr_triage_item_answer_tool (TftsrTriageItem *self, TftsrToolApproval approval)
{
  g_return_if_fail (TFTSR_IS_TRIAGE_ITEM (self));

  if (self->ask == NULL)
    return;
  tftsr_tool_ask_answer (self->ask, approval);
  /* The buttons go at once; the worker's news of the call follows. */
  tftsr_triage_item_set_tool_ask (self, NULL);
}

TftsrTriageItem *
tftsr_triage_item_new (const TftsrTriageMessage *message)
{
  TftsrTriageItem *self = g_object_new (TFTSR_TYPE_TRIAGE_ITEM, NULL);

  if (message->message->role == TFTSR_AI_ROLE_TOOL)
    {
      self->tool = call_of (message);
      return self;
    }

  self->reply = message->message->role == TFTSR_AI_ROLE_ASSISTANT;
  tftsr_triage_item_update (self, message);
  return self;
}

TftsrTriageItem *
tftsr_triage_item_new_typed (const char *text, GPtrArray *attachments)
{
  TftsrTriageItem *self = g_object_new (TFTSR_TYPE_TRIAGE_ITEM, NULL);

  self->text = tftsr_display_text (text);
  set_attachments (self, attachments);
  return self;
}

TftsrTriageItem *
tftsr_triage_item_new_reply (const TftsrAiProvider *provider)
{
  TftsrTriageItem *self = g_object_new (TFTSR_TYPE_TRIAGE_ITEM, NULL);

  self->reply = TRUE;
  self->author = author_of (provider->name, provider->model);
  self->text = g_strdup ("");
  self->streaming = TRUE;
  return self;
}

gboolean
tftsr_triage_item_matches (TftsrTriageItem *self, const TftsrTriageMessage *message)
{
  g_return_val_if_fail (TFTSR_IS_TRIAGE_ITEM (self), FALSE);
  if (self->tool != NULL || message->message->role == TFTSR_AI_ROLE_TOOL)
    return self->tool != NULL && message->message->role == TFTSR_AI_ROLE_TOOL &&
           g_strcmp0 (self->tool->call_id, message->message->tool_call_id) == 0;
  return self->reply == (message->message->role == TFTSR_AI_ROLE_ASSISTANT);
}

void
tftsr_triage_item_update (TftsrTriageItem *self, const TftsrTriageMessage *message)
{
  g_autofree char *text = NULL;

  g_return_if_fail (TFTSR_IS_TRIAGE_ITEM (self));
  g_return_if_fail (message->display_text != NULL);

  if (self->tool != NULL)
    {
      g_autoptr (TftsrTriageToolCall) call = call_of (message);
      tftsr_triage_item_set_tool (self, call);
      return;
    }
  g_free (self->author);
  self->guide = g_strcmp0 (message->provider, TFTSR_TRIAGE_GUIDE_PROVIDER) == 0;
  self->author = self->reply ? author_of (message->provider, message->model) : NULL;
  text = tftsr_display_text (message->display_text);
  set_string (self, &self->text, text, PROP_TEXT);
  set_state (self, message->state, message->error);
  set_attachments (self, message->attachments);
  stop_streaming (self);
}

gboolean
tftsr_triage_item_is_reply (TftsrTriageItem *self)
{
  g_return_val_if_fail (TFTSR_IS_TRIAGE_ITEM (self), FALSE);
  return self->reply;
}

gboolean
tftsr_triage_item_is_guide (TftsrTriageItem *self)
{
  g_return_val_if_fail (TFTSR_IS_TRIAGE_ITEM (self), FALSE);
  return self->guide;
}

const char *
tftsr_triage_item_get_author (TftsrTriageItem *self)
{
  g_return_val_if_fail (TFTSR_IS_TRIAGE_ITEM (self), NULL);
  return self->author;
}

GPtrArray *
tftsr_triage_item_get_attachments (TftsrTriageItem *self)
{
  g_return_val_if_fail (TFTSR_IS_TRIAGE_ITEM (self), NULL);
  return self->attachments;
}

const char *
tftsr_triage_item_get_text (TftsrTriageItem *self)
{
  g_return_val_if_fail (TFTSR_IS_TRIAGE_ITEM (self), NULL);
  return self->text;
}

void
tftsr_triage_item_set_text (TftsrTriageItem *self, const char *text)
{
  g_return_if_fail (TFTSR_IS_TRIAGE_ITEM (self));
  set_string (self, &self->text, text, PROP_TEXT);
}

TftsrTriageMessageState
tftsr_triage_item_get_state (TftsrTriageItem *self)
{
  g_return_val_if_fail (TFTSR_IS_TRIAGE_ITEM (self), TFTSR_TRIAGE_MESSAGE_COMPLETE);
  return self->state;
}

const char *
tftsr_triage_item_get_error (TftsrTriageItem *self)
{
  g_return_val_if_fail (TFTSR_IS_TRIAGE_ITEM (self), NULL);
  return self->error;
}

void
tftsr_triage_item_set_failed (TftsrTriageItem *self, const GError *error)
{
  g_return_if_fail (TFTSR_IS_TRIAGE_ITEM (self));
  g_return_if_fail (error != NULL);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    set_state (self, TFTSR_TRIAGE_MESSAGE_CANCELLED, NULL);
  else
    set_state (self, TFTSR_TRIAGE_MESSAGE_ERROR, error->message);
  stop_streaming (self);
}

gboolean
tftsr_triage_item_get_streaming (TftsrTriageItem *self)
{
  g_return_val_if_fail (TFTSR_IS_TRIAGE_ITEM (self), FALSE);
  return self->streaming;
}

gboolean
tftsr_triage_item_get_regenerable (TftsrTriageItem *self)
{
  g_return_val_if_fail (TFTSR_IS_TRIAGE_ITEM (self), FALSE);
  return self->regenerable;
}

void
tftsr_triage_item_set_regenerable (TftsrTriageItem *self, gboolean regenerable)
{
  g_return_if_fail (TFTSR_IS_TRIAGE_ITEM (self));
  if (self->regenerable == !!regenerable)
    return;
  self->regenerable = !!regenerable;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REGENERABLE]);
}

static void
tftsr_triage_item_finalize (GObject *object)
{
  TftsrTriageItem *self = TFTSR_TRIAGE_ITEM (object);

  g_free (self->author);
  g_free (self->text);
  g_free (self->error);
  g_ptr_array_unref (self->attachments);
  tftsr_triage_tool_call_free (self->tool);
  g_clear_pointer (&self->ask, tftsr_tool_ask_unref);
  G_OBJECT_CLASS (tftsr_triage_item_parent_class)->finalize (object);
}

static void
tftsr_triage_item_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  TftsrTriageItem *self = TFTSR_TRIAGE_ITEM (object);

  switch (prop_id)
    {
    case PROP_TEXT:
      g_value_set_string (value, self->text);
      break;
    case PROP_STATE:
      g_value_set_uint (value, self->state);
      break;
    case PROP_ERROR:
      g_value_set_string (value, self->error);
      break;
    case PROP_STREAMING:
      g_value_set_boolean (value, self->streaming);
      break;
    case PROP_REGENERABLE:
      g_value_set_boolean (value, self->regenerable);
      break;
    case PROP_ATTACHMENTS:
      g_value_set_boxed (value, self->attachments);
      break;
    case PROP_TOOL:
      g_value_set_pointer (value, self->tool);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tftsr_triage_item_class_init (TftsrTriageItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tftsr_triage_item_finalize;
  object_class->get_property = tftsr_triage_item_get_property;

  properties[PROP_TEXT] =
      g_param_spec_string ("text", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /* A TftsrTriageMessageState. */
  properties[PROP_STATE] =
      g_param_spec_uint ("state", NULL, NULL, 0, TFTSR_TRIAGE_MESSAGE_CANCELLED, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ERROR] =
      g_param_spec_string ("error", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_STREAMING] = g_param_spec_boolean ("streaming", NULL, NULL, FALSE,
                                                     G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_REGENERABLE] = g_param_spec_boolean ("regenerable", NULL, NULL, FALSE,
                                                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /* A GPtrArray of TftsrTriageAttachment. */
  properties[PROP_ATTACHMENTS] = g_param_spec_boxed ("attachments", NULL, NULL, G_TYPE_PTR_ARRAY,
                                                     G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /* The TftsrTriageToolCall of a card (or NULL); notified when it or its waiting changes. */
  properties[PROP_TOOL] =
      g_param_spec_pointer ("tool", NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tftsr_triage_item_init (TftsrTriageItem *self)
{
  self->state = TFTSR_TRIAGE_MESSAGE_COMPLETE;
  self->attachments = tftsr_triage_attachments_new ();
}
