/* tftsr-test-conversation.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "tftsr-test-conversation.h"

TftsrAiRequest *
tftsr_test_conversation_new (void)
{
  TftsrAiRequest *request = tftsr_ai_request_new (SYSTEM_PROMPT);
  TftsrAiMessage *assistant = tftsr_ai_message_new (TFTSR_AI_ROLE_ASSISTANT, ASSISTANT_TEXT);

  tftsr_ai_message_add_tool_call (assistant,
                                  tftsr_ai_tool_call_new (CALL_ID, "search_logs", CALL_ARGS));
  tftsr_ai_request_add_message (request, tftsr_ai_message_new (TFTSR_AI_ROLE_USER, FIRST_QUESTION));
  tftsr_ai_request_add_message (request, assistant);
  tftsr_ai_request_add_message (
      request, tftsr_ai_message_new_tool_result (CALL_ID, "search_logs", TOOL_RESULT));
  tftsr_ai_request_add_message (request, tftsr_ai_message_new (TFTSR_AI_ROLE_USER, FOLLOW_UP));
  tftsr_ai_request_add_tool (request,
                             tftsr_ai_tool_new ("search_logs", TOOL_DESCRIPTION, TOOL_SCHEMA));
  return request;
}

static const guint8 png_bytes[] = { 0x89, 'P',  'N',  'G',  '\r', '\n', 0x1a, '\n',
                                    0x00, 0xfb, 0xef, 0xbe, 0xff, 0xff, 0xff };
static const guint8 jpeg_bytes[] = { 0xff, 0xd8, 0xff, 0xe0, 0x3e, 0x3f };

TftsrAiRequest *
tftsr_test_image_conversation_new (char **png, char **jpeg)
{
  TftsrAiRequest *request = tftsr_ai_request_new (SYSTEM_PROMPT);
  TftsrAiMessage *shown = tftsr_ai_message_new (TFTSR_AI_ROLE_USER, IMAGE_QUESTION);
  TftsrAiMessage *alone = tftsr_ai_message_new (TFTSR_AI_ROLE_USER, "");
  g_autoptr (GBytes) png_data = g_bytes_new_static (png_bytes, sizeof png_bytes);
  g_autoptr (GBytes) jpeg_data = g_bytes_new_static (jpeg_bytes, sizeof jpeg_bytes);

  tftsr_ai_message_add_image (shown, tftsr_ai_image_new ("image/png", png_data));
  tftsr_ai_message_add_image (shown, tftsr_ai_image_new ("image/jpeg", jpeg_data));
  tftsr_ai_message_add_image (alone, tftsr_ai_image_new ("image/png", png_data));
  tftsr_ai_request_add_message (request, shown);
  tftsr_ai_request_add_message (request,
                                tftsr_ai_message_new (TFTSR_AI_ROLE_ASSISTANT, ASSISTANT_TEXT));
  tftsr_ai_request_add_message (request, alone);
  if (png != NULL)
    *png = g_base64_encode (png_bytes, sizeof png_bytes);
  if (jpeg != NULL)
    *jpeg = g_base64_encode (jpeg_bytes, sizeof jpeg_bytes);
  return request;
}
