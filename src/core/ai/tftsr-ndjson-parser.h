/* tftsr-ndjson-parser.h: newline-delimited JSON, as Ollama streams its replies
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tftsr-ai-error.h"

G_BEGIN_DECLS

/* One line without its line end ("\n" or "\r\n"), never blank; not NUL-terminated, and
 * valid only during the call. Returning FALSE with @error stops the stream. */
typedef gboolean (*TftsrNdjsonLineFunc) (const char *line, gsize len, gpointer user_data,
                                         GError **error);

typedef struct _TftsrNdjsonParser TftsrNdjsonParser;

TftsrNdjsonParser *tftsr_ndjson_parser_new (TftsrNdjsonLineFunc func, gpointer user_data);
void tftsr_ndjson_parser_free (TftsrNdjsonParser *parser);
/* Calls the function once per complete line that is not blank; a piece may end anywhere.
 * FALSE with @error when the function failed, or with TFTSR_AI_ERROR_MALFORMED when a line
 * exceeds 16 MiB; after a failure the parser may only be freed. */
gboolean tftsr_ndjson_parser_feed (TftsrNdjsonParser *parser, const guint8 *bytes, gsize len,
                                   GError **error);
/* At the end of the stream: a last line without "\n" is delivered too. The parser may
 * only be freed then. */
gboolean tftsr_ndjson_parser_finish (TftsrNdjsonParser *parser, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrNdjsonParser, tftsr_ndjson_parser_free)

G_END_DECLS
