/* fuzz-pii-scan.c: any bytes scan without a crash, spans are sorted, non-overlapping and
 * inside the input, and a stream fed in odd pieces reports exactly what a whole scan does
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdlib.h>

#include "tftsr-pii-private.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static void
collect (const TftsrPiiSpan *span, const guint8 *value, gpointer user_data)
{
  g_array_append_val ((GArray *) user_data, *span);
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  static TftsrPiiScanner *scanner;
  g_autoptr (GArray) whole = NULL;
  g_autoptr (GArray) streamed = g_array_new (FALSE, FALSE, sizeof (TftsrPiiSpan));
  TftsrPiiStream *stream;
  gsize piece = size > 0 ? 1 + data[0] % 97 : 1;
  gsize batch = size > 1 ? 1 + data[1] : 1;

  if (scanner == NULL)
    scanner = tftsr_pii_scanner_new ();
  whole = tftsr_pii_scanner_scan (scanner, data, size);
  for (guint i = 0; i < whole->len; i++)
    {
      const TftsrPiiSpan *s = &g_array_index (whole, TftsrPiiSpan, i);
      if (s->end <= s->start || s->end > size ||
          (i > 0 && g_array_index (whole, TftsrPiiSpan, i - 1).end > s->start))
        abort ();
    }

  /* Inputs are at most a few kB (libFuzzer's -max_len): a look-ahead that covers all of
   * one and tiny batches cut it everywhere. */
  stream = tftsr_pii_stream_new_full (scanner, batch, 8192, collect, streamed);
  for (gsize pos = 0; pos < size; pos += piece)
    tftsr_pii_stream_feed (stream, data + pos, MIN (piece, size - pos));
  tftsr_pii_stream_finish (stream);
  if (streamed->len != whole->len ||
      (whole->len > 0 &&
       memcmp (streamed->data, whole->data, whole->len * sizeof (TftsrPiiSpan)) != 0))
    abort ();
  return 0;
}
