/* tftsr-ai-wire.h: one wire format of an AI provider, and the reply being assembled from
 * its stream
 *
 * A wire format only translates: the conversation into a request (URL, headers, JSON
 * body) and the stream's events into text, tool calls and a finish reason. Sending,
 * retries and turning statuses into sentences are the client's (tftsr-ai-client.c), so
 * every format behaves the same on the network.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tftsr-json-private.h"

#include "tftsr-ai-error.h"
#include "tftsr-ai-message.h"
#include "tftsr-ai-provider.h"

G_BEGIN_DECLS

/* Told of each piece of text as it arrives (in the thread reading the stream). */
typedef void (*TftsrAiTextFunc) (const char *text, gsize len, gpointer user_data);

/* A tool call whose arguments are still arriving. */
typedef struct
{
  char *id;
  char *name;
  GString *arguments;
  char *signature; /* see TftsrAiToolCall */
} TftsrAiPartialCall;

/* The reply so far. */
typedef struct
{
  GString *text;
  GPtrArray *calls; /* TftsrAiPartialCall, in the order the model began them */
  TftsrAiFinish finish;
  gboolean finished; /* the format's last event was seen: the reply is complete */
  guint input_tokens;
  guint output_tokens;
  TftsrAiTextFunc on_text;
  gpointer user_data;
} TftsrAiStream;

void tftsr_ai_stream_init (TftsrAiStream *stream, TftsrAiTextFunc on_text, gpointer user_data);
void tftsr_ai_stream_clear (TftsrAiStream *stream);
void tftsr_ai_stream_add_text (TftsrAiStream *stream, const char *text, gsize len);
/* The call at @index (in the order begun), made (with @id, or one made up) when new. */
TftsrAiPartialCall *tftsr_ai_stream_call (TftsrAiStream *stream, guint index, const char *id);
/* The complete reply; TFTSR_AI_ERROR_MALFORMED when a tool call's arguments are not a JSON
 * object. */
TftsrAiReply *tftsr_ai_stream_finish (TftsrAiStream *stream, GError **error);
/* Whether @id is one tftsr_ai_stream_finish() made up for a call the provider gave none
 * ("call_" and the call's number), so a format whose ids are optional sends it nowhere. */
gboolean tftsr_ai_call_id_is_made_up (const char *id);

/* A header of a request; a secret one is never logged. */
typedef struct
{
  char *name;
  char *value;
  gboolean secret;
} TftsrAiHeader;

/* Frees @header, wiping a secret value first. */
void tftsr_ai_header_free (TftsrAiHeader *header);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrAiHeader, tftsr_ai_header_free)

/* How a reply's body is cut into what parse() takes. */
typedef enum
{
  TFTSR_AI_FRAMING_SSE,    /* Server-Sent Events */
  TFTSR_AI_FRAMING_NDJSON, /* one JSON object per line */
  TFTSR_AI_FRAMING_WHOLE,  /* not streamed: the whole body at once */
} TftsrAiFraming;

typedef struct
{
  /* Whether a request can carry the messages' images. */
  gboolean images;
  TftsrAiFraming (*framing) (const TftsrAiProvider *provider);
  /* Where a streamed chat request goes. */
  char *(*chat_url) (const TftsrAiProvider *provider);
  /* Where the list of models is, NULL if the format has none. */
  char *(*models_url) (const TftsrAiProvider *provider);
  /* Adds the headers (authentication with @key, which may be NULL) to @headers. */
  void (*headers) (const TftsrAiProvider *provider, const char *key, GPtrArray *headers);
  /* The body of a streamed chat request; tools only with @tools. */
  json_object *(*chat_body) (const TftsrAiProvider *provider, const TftsrAiRequest *request,
                             gboolean tools);
  /* Takes one SSE event (@event its type) or NDJSON line (@event NULL) into @stream. */
  gboolean (*parse) (TftsrAiStream *stream, const TftsrAiProvider *provider, const char *event,
                     const char *data, gsize len, GError **error);
  /* The model names in a reply from models_url, NULL if it is not one. */
  GPtrArray *(*parse_models) (json_object *reply);
  /* The vendor's explanation in an error reply's body, or NULL. */
  char *(*error_message) (json_object *body);
} TftsrAiWire;

const TftsrAiWire *tftsr_ai_wire_for (TftsrAiFormat format);

extern const TftsrAiWire tftsr_ai_wire_openai;
extern const TftsrAiWire tftsr_ai_wire_anthropic;
extern const TftsrAiWire tftsr_ai_wire_gemini;
extern const TftsrAiWire tftsr_ai_wire_ollama;
extern const TftsrAiWire tftsr_ai_wire_custom;

/* --- helpers shared by the formats (tftsr-ai-wire.c) ------------------------------------- */

TftsrAiFraming tftsr_ai_framing_sse (const TftsrAiProvider *provider);
TftsrAiFraming tftsr_ai_framing_ndjson (const TftsrAiProvider *provider);

/* @headers frees its items with tftsr_ai_header_free. */
void tftsr_ai_add_header (GPtrArray *headers, const char *name, const char *value, gboolean secret);
/* @base with @path appended, one slash between them. */
char *tftsr_ai_join_url (const char *base, const char *path);
/* Parses one event's JSON object; TFTSR_AI_ERROR_MALFORMED otherwise. */
json_object *tftsr_ai_parse_object (const char *data, gsize len, GError **error);
/* @obj[@key] if it is a string, else NULL. */
const char *tftsr_ai_json_string (json_object *obj, const char *key);
/* The JSON object in @text, or an empty object when it is not one (a model's broken
 * arguments are passed on as {} rather than failing the request). */
json_object *tftsr_ai_json_object_or_empty (const char *text);
/* The JSON object a model was asked to answer with: from the first "{" of @reply to its
 * last "}", so code fences and words around it do not matter; NULL when there is none. */
json_object *tftsr_ai_object_in_reply (const char *reply);
/* An error from a message a provider put in its stream ("overloaded", a content policy);
 * @code is the TftsrAiError that fits it. */
gboolean tftsr_ai_stream_error (GError **error, TftsrAiError code, const char *message);
/* The tools as [{"type":"function","function":{name, description, parameters}}]:
 * OpenAI's and Ollama's shape. */
json_object *tftsr_ai_function_tools_json (const TftsrAiRequest *request);
/* The @member strings of the objects in @reply[@array], without @prefix (may be NULL). */
GPtrArray *tftsr_ai_parse_names (json_object *reply, const char *array, const char *member,
                                 const char *prefix);
/* Appends {"role":"system","content":@system} to @messages unless @system is empty. */
void tftsr_ai_add_system_message (json_object *messages, const char *system);
/* @image's bytes in base64, as every format that takes images inline wants them. */
json_object *tftsr_ai_image_base64 (const TftsrAiImage *image);
/* Text and images of a user message as [{"type":"text",…}, image…], the text left out
 * when empty: OpenAI's (and Mistral's) and Anthropic's shape, each format giving the
 * image part. */
json_object *tftsr_ai_content_parts (const TftsrAiMessage *message,
                                     json_object *(*image_part) (const TftsrAiImage *image));
/* The "data"[].id names of an OpenAI-style model list ({"data":[{"id":…}]}). */
GPtrArray *tftsr_ai_parse_data_ids (json_object *reply);
/* The text of {"error":{"message":…}} or {"error":"…"}, or NULL. */
char *tftsr_ai_error_member_message (json_object *body);

G_END_DECLS
