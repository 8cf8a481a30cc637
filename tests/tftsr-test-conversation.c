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
