/* tftsr-ai-message.h: what a conversation with an AI provider is made of, whatever the
 * wire format
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum
{
  TFTSR_AI_ROLE_USER,
  TFTSR_AI_ROLE_ASSISTANT,
  TFTSR_AI_ROLE_TOOL, /* the result of a tool call */
} TftsrAiRole;

const char *tftsr_ai_role_to_string (TftsrAiRole role);
gboolean tftsr_ai_role_from_string (const char *name, TftsrAiRole *role);

/* A call of a tool the model asked for. */
typedef struct
{
  char *id; /* the provider's id ("call_…", "toolu_…"), made up where it has none */
  char *name;
  char *arguments; /* a JSON object, as text */
  char *signature; /* opaque, or NULL: what the provider wants back with the call in later
                    * requests (Gemini's thoughtSignature, without which a thinking model
                    * refuses a conversation that holds the call) */
} TftsrAiToolCall;

TftsrAiToolCall *tftsr_ai_tool_call_new (const char *id, const char *name, const char *arguments);
TftsrAiToolCall *tftsr_ai_tool_call_copy (const TftsrAiToolCall *call);
void tftsr_ai_tool_call_free (TftsrAiToolCall *call);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrAiToolCall, tftsr_ai_tool_call_free)

/* An image sent with a user message: the bytes as stored, and their type. */
typedef struct
{
  char *mime; /* "image/png", "image/jpeg", "image/gif" or "image/webp" */
  GBytes *data;
} TftsrAiImage;

TftsrAiImage *tftsr_ai_image_new (const char *mime, GBytes *data);
void tftsr_ai_image_free (TftsrAiImage *image);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrAiImage, tftsr_ai_image_free)

typedef struct
{
  TftsrAiRole role;
  char *content;         /* text; for a tool result, the result */
  GPtrArray *tool_calls; /* TftsrAiToolCall: what an assistant message asked for */
  char *tool_call_id;    /* tool result: the call it answers */
  char *tool_name;       /* tool result: the tool's name */
  gboolean tool_failed;  /* tool result: the call failed, was denied or stopped, and
                          * @content says why (Anthropic's is_error, Gemini's error) */
  GPtrArray *images;     /* TftsrAiImage: what a user message shows, after its text */
} TftsrAiMessage;

TftsrAiMessage *tftsr_ai_message_new (TftsrAiRole role, const char *content);
TftsrAiMessage *tftsr_ai_message_new_tool_result (const char *call_id, const char *tool_name,
                                                  const char *result);
TftsrAiMessage *tftsr_ai_message_copy (const TftsrAiMessage *message);
void tftsr_ai_message_free (TftsrAiMessage *message);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrAiMessage, tftsr_ai_message_free)
/* Takes @call. */
void tftsr_ai_message_add_tool_call (TftsrAiMessage *message, TftsrAiToolCall *call);
/* Takes @image. */
void tftsr_ai_message_add_image (TftsrAiMessage *message, TftsrAiImage *image);

/* A tool offered to the model. */
typedef struct
{
  char *name;
  char *description;
  char *parameters; /* JSON Schema of the arguments, as text */
} TftsrAiTool;

TftsrAiTool *tftsr_ai_tool_new (const char *name, const char *description, const char *parameters);
void tftsr_ai_tool_free (TftsrAiTool *tool);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrAiTool, tftsr_ai_tool_free)

/* One request: the system prompt, the conversation so far and the tools on offer. Every
 * text in it must already have been through egress (redacted). */
typedef struct
{
  char *system;
  GPtrArray *messages; /* TftsrAiMessage */
  GPtrArray *tools;    /* TftsrAiTool */
  guint max_tokens;    /* 0: the default (4096) */
  GPtrArray *parts;    /* TftsrEgressPart (tftsr-egress.h): the logs and images the
                        * messages carry, for the request's audit entry */
} TftsrAiRequest;

TftsrAiRequest *tftsr_ai_request_new (const char *system);
void tftsr_ai_request_free (TftsrAiRequest *request);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrAiRequest, tftsr_ai_request_free)
/* Takes @message / @tool. */
void tftsr_ai_request_add_message (TftsrAiRequest *request, TftsrAiMessage *message);
void tftsr_ai_request_add_tool (TftsrAiRequest *request, TftsrAiTool *tool);
/* Whether any message of @request shows an image. */
gboolean tftsr_ai_request_has_images (const TftsrAiRequest *request);

/* Why the model stopped. */
typedef enum
{
  TFTSR_AI_FINISH_STOP,       /* it finished its answer */
  TFTSR_AI_FINISH_LENGTH,     /* it ran out of tokens */
  TFTSR_AI_FINISH_TOOL_CALLS, /* it wants tool results before it goes on */
  TFTSR_AI_FINISH_FILTERED,   /* the provider's content filter stopped it */
} TftsrAiFinish;

/* A complete reply. */
typedef struct
{
  char *text;
  GPtrArray *tool_calls; /* TftsrAiToolCall */
  TftsrAiFinish finish;
  guint input_tokens; /* as the provider counted them; 0 if it did not say */
  guint output_tokens;
} TftsrAiReply;

void tftsr_ai_reply_free (TftsrAiReply *reply);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrAiReply, tftsr_ai_reply_free)
/* The reply as an assistant message of the conversation (text and tool calls). */
TftsrAiMessage *tftsr_ai_reply_to_message (const TftsrAiReply *reply);

G_END_DECLS
