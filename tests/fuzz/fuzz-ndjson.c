/* fuzz-ndjson.c: any bytes parse as newline-delimited JSON without a crash, and report the
 * same lines and the same end whether fed whole or in pieces of any size, as a plain split
 * at each "\n" does
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "fuzz-stream.h"
#include "tftsr-ndjson-parser.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static gboolean
on_line (const char *line, gsize len, gpointer user_data, GError **error)
{
  if (len == 0 || memchr (line, '\n', len) != NULL)
    abort ();
  return fuzz_record_item (user_data, NULL, line, len, error);
}

static gboolean
feed (gpointer parser, const guint8 *bytes, gsize len, GError **error)
{
  return tftsr_ndjson_parser_feed (parser, bytes, len, error);
}

static void
parse (const guint8 *data, size_t size, gboolean whole, FuzzRecord *record)
{
  g_autoptr (TftsrNdjsonParser) parser = tftsr_ndjson_parser_new (on_line, record);
  g_autoptr (GError) error = NULL;
  gboolean ok = whole ? feed (parser, data, size, &error)
                      : fuzz_feed_pieces (feed, parser, data, size, &error);

  if (ok)
    tftsr_ndjson_parser_finish (parser, &error);
  fuzz_record_outcome (record, error);
}

/* The oracle: split at every "\n", drop one "\r" before it (or at the very end, where
 * the stream was cut inside a CRLF), skip lines of white space. */
static void
reference (const guint8 *data, size_t size, FuzzRecord *record)
{
  g_autoptr (GError) error = NULL;

  for (size_t start = 0; start < size && error == NULL;)
    {
      const char *line = (const char *) data + start;
      size_t end = start;
      size_t len;
      gboolean blank = TRUE;

      while (end < size && data[end] != '\n')
        end++;
      len = end - start;
      if (len > 0 && line[len - 1] == '\r')
        len--;
      for (size_t i = 0; i < len; i++)
        blank = blank && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r');
      if (!blank)
        fuzz_record_item (record, NULL, line, len, &error);
      start = end + 1;
    }
  fuzz_record_outcome (record, error);
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  FuzzRecord whole, pieces, expected;

  fuzz_record_init (&whole, data, size);
  fuzz_record_init (&pieces, data, size);
  fuzz_record_init (&expected, data, size);
  parse (data, size, TRUE, &whole);
  parse (data, size, FALSE, &pieces);
  reference (data, size, &expected);
  fuzz_record_compare (&whole, &expected);
  fuzz_record_compare (&pieces, &expected);
  g_byte_array_unref (whole.bytes);
  g_byte_array_unref (pieces.bytes);
  g_byte_array_unref (expected.bytes);
  return 0;
}
