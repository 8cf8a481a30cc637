/* tftsr-ndjson-parser.c: newline-delimited JSON (one value per line, "\n" or "\r\n")
 *
 * Only "\n" ends a line: JSON never holds a raw "\r" inside a value, and a lone "\r" is not
 * a line end in NDJSON. Lines of nothing but JSON white space are skipped, so a peer that
 * pads its stream with empty lines is not taken for a broken one.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "tftsr-line-splitter.h"
#include "tftsr-ndjson-parser.h"

struct _TftsrNdjsonParser
{
  TftsrLineSplitter lines;
  TftsrNdjsonLineFunc func;
  gpointer user_data;
};

static gboolean
is_blank (const char *line, gsize len)
{
  for (gsize i = 0; i < len; i++)
    if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
      return FALSE;
  return TRUE;
}

static gboolean
on_line (const char *line, gsize len, gpointer user_data, GError **error)
{
  TftsrNdjsonParser *parser = user_data;

  if (is_blank (line, len))
    return TRUE;
  return parser->func (line, len, parser->user_data, error);
}

TftsrNdjsonParser *
tftsr_ndjson_parser_new (TftsrNdjsonLineFunc func, gpointer user_data)
{
  TftsrNdjsonParser *parser;

  g_return_val_if_fail (func != NULL, NULL);

  parser = g_new0 (TftsrNdjsonParser, 1);
  tftsr_line_splitter_init (&parser->lines, TFTSR_LINE_ENDS_LF, on_line, parser);
  parser->func = func;
  parser->user_data = user_data;
  return parser;
}

void
tftsr_ndjson_parser_free (TftsrNdjsonParser *parser)
{
  if (parser == NULL)
    return;
  tftsr_line_splitter_clear (&parser->lines);
  g_free (parser);
}

gboolean
tftsr_ndjson_parser_feed (TftsrNdjsonParser *parser, const guint8 *bytes, gsize len, GError **error)
{
  g_return_val_if_fail (parser != NULL, FALSE);
  g_return_val_if_fail (bytes != NULL || len == 0, FALSE);
  g_return_val_if_fail (!parser->lines.closed, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return tftsr_line_splitter_feed (&parser->lines, bytes, len, error);
}

gboolean
tftsr_ndjson_parser_finish (TftsrNdjsonParser *parser, GError **error)
{
  g_return_val_if_fail (parser != NULL, FALSE);
  g_return_val_if_fail (!parser->lines.closed, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return tftsr_line_splitter_finish (&parser->lines, error);
}
