/* fuzz-sse.c: any bytes parse as Server-Sent Events without a crash, and report the same
 * events and the same end whether fed whole or in pieces of any size, as the
 * specification's algorithm run byte by byte over the whole input does
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "fuzz-stream.h"
#include "tftsr-sse-parser.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static gboolean
on_event (const char *event, const char *data, gsize len, gpointer user_data, GError **error)
{
  if (event[0] == '\0' || data[len] != '\0')
    abort ();
  return fuzz_record_item (user_data, event, data, len, error);
}

static gboolean
feed (gpointer parser, const guint8 *bytes, gsize len, GError **error)
{
  return tftsr_sse_parser_feed (parser, bytes, len, error);
}

static void
parse (const guint8 *data, size_t size, gboolean whole, FuzzRecord *record)
{
  g_autoptr (TftsrSseParser) parser = tftsr_sse_parser_new (on_event, record);
  g_autoptr (GError) error = NULL;
  gboolean ok = whole ? feed (parser, data, size, &error)
                      : fuzz_feed_pieces (feed, parser, data, size, &error);

  if (ok)
    tftsr_sse_parser_finish (parser, &error);
  fuzz_record_outcome (record, error);
}

/* Section "Parsing an event stream" of the EventSource specification, written as plainly
 * as it reads, is the oracle. Like the parser, it names an event whose type starts with a
 * NUL "message" (a C string cannot say more), and calls the stream cut off when a field
 * line came after the last blank line. */
typedef struct
{
  GString *type;
  GString *buffer; /* each data value followed by "\n", as the specification keeps it */
  gboolean begun;
} Reference;

static void
reference_field (Reference *ref, const char *line, size_t len)
{
  size_t colon = 0;
  const char *value;
  size_t value_len;

  while (colon < len && line[colon] != ':')
    colon++;
  value = line + MIN (colon + 1, len);
  value_len = line + len - value;
  if (value_len > 0 && value[0] == ' ')
    {
      value++;
      value_len--;
    }
  if (colon == 4 && memcmp (line, "data", 4) == 0)
    {
      g_string_append_len (ref->buffer, value, value_len);
      g_string_append_c (ref->buffer, '\n');
    }
  else if (colon == 5 && memcmp (line, "event", 5) == 0)
    {
      g_string_truncate (ref->type, 0);
      g_string_append_len (ref->type, value, value_len);
    }
  ref->begun = TRUE;
}

static gboolean
reference_dispatch (Reference *ref, FuzzRecord *record, GError **error)
{
  gboolean ok = TRUE;

  if (ref->buffer->len > 0)
    {
      g_string_truncate (ref->buffer, ref->buffer->len - 1);
      ok = fuzz_record_item (record, ref->type->str[0] != '\0' ? ref->type->str : "message",
                             ref->buffer->str, ref->buffer->len, error);
    }
  g_string_truncate (ref->type, 0);
  g_string_truncate (ref->buffer, 0);
  ref->begun = FALSE;
  return ok;
}

static void
reference (const guint8 *data, size_t size, FuzzRecord *record)
{
  Reference ref = { g_string_new (NULL), g_string_new (NULL), FALSE };
  g_autoptr (GError) error = NULL;
  size_t pos = size >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;

  while (pos < size && error == NULL)
    {
      const char *line = (const char *) data + pos;
      size_t len = 0;

      while (pos < size && data[pos] != '\r' && data[pos] != '\n')
        pos++, len++;
      if (pos == size)
        {
          /* A last line without a line end is never dispatched. */
          ref.begun = ref.begun || line[0] != ':';
          break;
        }
      pos += data[pos] == '\r' && pos + 1 < size && data[pos + 1] == '\n' ? 2 : 1;
      if (len == 0)
        reference_dispatch (&ref, record, &error);
      else if (line[0] != ':')
        reference_field (&ref, line, len);
    }
  if (error == NULL && ref.begun)
    g_set_error_literal (&error, TFTSR_AI_ERROR, TFTSR_AI_ERROR_TRUNCATED, "cut off");
  fuzz_record_outcome (record, error);
  g_string_free (ref.type, TRUE);
  g_string_free (ref.buffer, TRUE);
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
