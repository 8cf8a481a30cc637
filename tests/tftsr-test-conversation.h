/* tftsr-test-conversation.h: the conversation the AI tests send in every wire format
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <tftsr.h>

#define SYSTEM_PROMPT "You help an on-call engineer find the cause of an incident."
#define FIRST_QUESTION "The checkout API times out since 10:00."
#define ASSISTANT_TEXT "I will search the logs first."
#define CALL_ID "call_7Xq2Lm"
#define CALL_ARGS "{\"query\":\"timeout\"}"
#define TOOL_RESULT "3 matches: upstream timeout after 30 s"
#define FOLLOW_UP "What should I check next?"
#define TOOL_SCHEMA                                                                                \
  "{\"type\":\"object\",\"properties\":{\"query\":{\"type\":\"string\",\"description\":"           \
  "\"What to look for\"}},\"required\":[\"query\"],\"additionalProperties\":false}"
#define TOOL_DESCRIPTION "Searches the incident's logs for a text"
#define API_KEY "sk-test-5f3a9c"

/* A system prompt, a question, an assistant turn with text and a call of search_logs, the
 * call's result and a follow-up question, with search_logs on offer. */
TftsrAiRequest *tftsr_test_conversation_new (void);

#define IMAGE_QUESTION "What does this error dialog say?"

/* A user message showing a PNG and a JPEG after its text (IMAGE_QUESTION), an assistant
 * turn, and a user message showing the PNG alone. @png and @jpeg (may be NULL) get the
 * images' bytes in base64; the PNG's holds "+" and "/", which JSON must carry as they
 * are. */
TftsrAiRequest *tftsr_test_image_conversation_new (char **png, char **jpeg);
