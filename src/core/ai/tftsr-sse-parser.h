/* tftsr-sse-parser.h: Server-Sent Events, as OpenAI, Anthropic, Gemini and Mistral stream
 * their replies
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tftsr-ai-error.h"

G_BEGIN_DECLS

/* One event: @event is its type ("message" when the stream named none); @data holds its
 * data lines joined with "\n", as bytes that may not be valid UTF-8, followed by a NUL that
 * @data_len does not count. Returning FALSE with @error stops the stream. */
typedef gboolean (*TftsrSseEventFunc) (const char *event, const char *data, gsize data_len,
                                       gpointer user_data, GError **error);

typedef struct _TftsrSseParser TftsrSseParser;

TftsrSseParser *tftsr_sse_parser_new (TftsrSseEventFunc func, gpointer user_data);
void tftsr_sse_parser_free (TftsrSseParser *parser);
/* Parses the next piece of the stream; a piece may end anywhere. FALSE with @error when
 * the function failed, or with TFTSR_AI_ERROR_MALFORMED when a line or an event exceeds
 * 16 MiB; after a failure the parser may only be freed. */
gboolean tftsr_sse_parser_feed (TftsrSseParser *parser, const guint8 *bytes, gsize len,
                                GError **error);
/* At the end of the stream: FALSE with TFTSR_AI_ERROR_TRUNCATED if an event was begun and
 * not finished by a blank line (the peer cut it off). The parser may only be freed then. */
gboolean tftsr_sse_parser_finish (TftsrSseParser *parser, GError **error);

/* The ID of the last event dispatched (from its "id" field or an earlier event's), for a
 * Last-Event-ID header when resuming; NULL when none or empty. Valid until the next feed. */
const char *tftsr_sse_parser_get_last_event_id (TftsrSseParser *parser);
/* The reconnection time in milliseconds the stream last asked for ("retry"); 0 when none. */
guint tftsr_sse_parser_get_retry (TftsrSseParser *parser);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrSseParser, tftsr_sse_parser_free)

G_END_DECLS
