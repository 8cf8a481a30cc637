/* tftsr-line-splitter.h: cuts a byte stream that arrives in pieces of any size into lines,
 * for the SSE and NDJSON parsers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The longest line, and the largest SSE event, a reply may contain. A peer that sends more
 * is refused, so a broken or hostile one cannot make us buffer without end. */
#define TFTSR_AI_MAX_MESSAGE ((gsize) 16 * 1024 * 1024)

/* @line is not NUL-terminated and may point into the fed bytes; it holds no line end. */
typedef gboolean (*TftsrLineFunc) (const char *line, gsize len, gpointer user_data, GError **error);

typedef enum
{
  TFTSR_LINE_ENDS_LF,  /* "\n", a "\r" just before it dropped (NDJSON) */
  TFTSR_LINE_ENDS_ANY, /* "\r\n", "\n" or a lone "\r" (SSE) */
} TftsrLineEnds;

/* Embedded in the parsers; the fields are private to tftsr-line-splitter.c. */
typedef struct
{
  TftsrLineEnds ends;
  TftsrLineFunc func;
  gpointer user_data;
  GByteArray *partial; /* the start of a line whose end has not arrived yet */
  gboolean after_cr;   /* the last piece ended in "\r": a "\n" opening the next is its pair */
  gboolean closed;     /* finished, or failed: nothing more may be fed */
} TftsrLineSplitter;

void tftsr_line_splitter_init (TftsrLineSplitter *splitter, TftsrLineEnds ends, TftsrLineFunc func,
                               gpointer user_data);
void tftsr_line_splitter_clear (TftsrLineSplitter *splitter);
/* Calls the function for each line completed by @bytes. FALSE (with @error) when a line
 * exceeds TFTSR_AI_MAX_MESSAGE or the function failed; the splitter is closed then. */
gboolean tftsr_line_splitter_feed (TftsrLineSplitter *splitter, const guint8 *bytes, gsize len,
                                   GError **error);
/* At the end of the stream: delivers a last line that has no line end, if any, and closes
 * the splitter. */
gboolean tftsr_line_splitter_finish (TftsrLineSplitter *splitter, GError **error);

/* Sets TFTSR_AI_ERROR_MALFORMED for a message over TFTSR_AI_MAX_MESSAGE; returns FALSE. */
gboolean tftsr_ai_message_too_large (GError **error);

G_END_DECLS
