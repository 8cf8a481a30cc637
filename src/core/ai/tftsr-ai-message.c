/* tftsr-ai-message.c: the format-neutral conversation types
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "tftsr-ai-message.h"
#include "tftsr-egress.h"

#define DEFAULT_MAX_TOKENS 4096

static const char *const role_names[] = { "user", "assistant", "tool" };

const char *
tftsr_ai_role_to_string (TftsrAiRole role)
{
  g_return_val_if_fail (role < G_N_ELEMENTS (role_names), NULL);
  return role_names[role];
}

gboolean
tftsr_ai_role_from_string (const char *name, TftsrAiRole *role)
{
  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (role_names); i++)
    if (g_str_equal (name, role_names[i]))
      {
        *role = i;
        return TRUE;
      }
  return FALSE;
}

TftsrAiToolCall *
tftsr_ai_tool_call_new (const char *id, const char *name, const char *arguments)
{
  TftsrAiToolCall *call = g_new0 (TftsrAiToolCall, 1);

  call->id = g_strdup (id);
  call->name = g_strdup (name);
  call->arguments = g_strdup (arguments != NULL && *arguments != '\0' ? arguments : "{}");
  return call;
}

TftsrAiToolCall *
tftsr_ai_tool_call_copy (const TftsrAiToolCall *call)
{
  TftsrAiToolCall *copy = tftsr_ai_tool_call_new (call->id, call->name, call->arguments);

  copy->signature = g_strdup (call->signature);
  return copy;
}

void
tftsr_ai_tool_call_free (TftsrAiToolCall *call)
{
  if (call == NULL)
    return;
  g_free (call->id);
  g_free (call->name);
  g_free (call->arguments);
  g_free (call->signature);
  g_free (call);
}

static GPtrArray *
tool_calls_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) tftsr_ai_tool_call_free);
}

TftsrAiImage *
tftsr_ai_image_new (const char *mime, GBytes *data)
{
  TftsrAiImage *image = g_new0 (TftsrAiImage, 1);

  g_return_val_if_fail (mime != NULL && data != NULL, NULL);

  image->mime = g_strdup (mime);
  image->data = g_bytes_ref (data);
  return image;
}

void
tftsr_ai_image_free (TftsrAiImage *image)
{
  if (image == NULL)
    return;
  g_free (image->mime);
  g_bytes_unref (image->data);
  g_free (image);
}

TftsrAiMessage *
tftsr_ai_message_new (TftsrAiRole role, const char *content)
{
  TftsrAiMessage *message = g_new0 (TftsrAiMessage, 1);

  message->role = role;
  message->content = g_strdup (content != NULL ? content : "");
  message->tool_calls = tool_calls_new ();
  message->images = g_ptr_array_new_with_free_func ((GDestroyNotify) tftsr_ai_image_free);
  return message;
}

TftsrAiMessage *
tftsr_ai_message_new_tool_result (const char *call_id, const char *tool_name, const char *result)
{
  TftsrAiMessage *message = tftsr_ai_message_new (TFTSR_AI_ROLE_TOOL, result);

  message->tool_call_id = g_strdup (call_id);
  message->tool_name = g_strdup (tool_name);
  return message;
}

TftsrAiMessage *
tftsr_ai_message_copy (const TftsrAiMessage *message)
{
  TftsrAiMessage *copy = tftsr_ai_message_new (message->role, message->content);

  copy->tool_call_id = g_strdup (message->tool_call_id);
  copy->tool_name = g_strdup (message->tool_name);
  copy->tool_failed = message->tool_failed;
  for (guint i = 0; i < message->tool_calls->len; i++)
    g_ptr_array_add (copy->tool_calls, tftsr_ai_tool_call_copy (message->tool_calls->pdata[i]));
  for (guint i = 0; i < message->images->len; i++)
    {
      TftsrAiImage *image = message->images->pdata[i];
      g_ptr_array_add (copy->images, tftsr_ai_image_new (image->mime, image->data));
    }
  return copy;
}

void
tftsr_ai_message_free (TftsrAiMessage *message)
{
  if (message == NULL)
    return;
  g_free (message->content);
  g_ptr_array_unref (message->tool_calls);
  g_ptr_array_unref (message->images);
  g_free (message->tool_call_id);
  g_free (message->tool_name);
  g_free (message);
}

void
tftsr_ai_message_add_tool_call (TftsrAiMessage *message, TftsrAiToolCall *call)
{
  g_ptr_array_add (message->tool_calls, call);
}

void
tftsr_ai_message_add_image (TftsrAiMessage *message, TftsrAiImage *image)
{
  g_ptr_array_add (message->images, image);
}

TftsrAiTool *
tftsr_ai_tool_new (const char *name, const char *description, const char *parameters)
{
  TftsrAiTool *tool = g_new0 (TftsrAiTool, 1);

  tool->name = g_strdup (name);
  tool->description = g_strdup (description != NULL ? description : "");
  tool->parameters =
      g_strdup (parameters != NULL ? parameters : "{\"type\":\"object\",\"properties\":{}}");
  return tool;
}

void
tftsr_ai_tool_free (TftsrAiTool *tool)
{
  if (tool == NULL)
    return;
  g_free (tool->name);
  g_free (tool->description);
  g_free (tool->parameters);
  g_free (tool);
}

TftsrAiRequest *
tftsr_ai_request_new (const char *system)
{
  TftsrAiRequest *request = g_new0 (TftsrAiRequest, 1);

  request->system = g_strdup (system != NULL ? system : "");
  request->messages = g_ptr_array_new_with_free_func ((GDestroyNotify) tftsr_ai_message_free);
  request->tools = g_ptr_array_new_with_free_func ((GDestroyNotify) tftsr_ai_tool_free);
  request->parts = g_ptr_array_new_with_free_func ((GDestroyNotify) tftsr_egress_part_free);
  request->max_tokens = DEFAULT_MAX_TOKENS;
  return request;
}

void
tftsr_ai_request_free (TftsrAiRequest *request)
{
  if (request == NULL)
    return;
  g_free (request->system);
  g_ptr_array_unref (request->messages);
  g_ptr_array_unref (request->tools);
  g_ptr_array_unref (request->parts);
  g_free (request);
}

void
tftsr_ai_request_add_message (TftsrAiRequest *request, TftsrAiMessage *message)
{
  g_ptr_array_add (request->messages, message);
}

void
tftsr_ai_request_add_tool (TftsrAiRequest *request, TftsrAiTool *tool)
{
  g_ptr_array_add (request->tools, tool);
}

gboolean
tftsr_ai_request_has_images (const TftsrAiRequest *request)
{
  for (guint i = 0; i < request->messages->len; i++)
    if (((TftsrAiMessage *) request->messages->pdata[i])->images->len > 0)
      return TRUE;
  return FALSE;
}

void
tftsr_ai_reply_free (TftsrAiReply *reply)
{
  if (reply == NULL)
    return;
  g_free (reply->text);
  g_ptr_array_unref (reply->tool_calls);
  g_free (reply);
}

TftsrAiMessage *
tftsr_ai_reply_to_message (const TftsrAiReply *reply)
{
  TftsrAiMessage *message = tftsr_ai_message_new (TFTSR_AI_ROLE_ASSISTANT, reply->text);

  for (guint i = 0; i < reply->tool_calls->len; i++)
    tftsr_ai_message_add_tool_call (message, tftsr_ai_tool_call_copy (reply->tool_calls->pdata[i]));
  return message;
}
