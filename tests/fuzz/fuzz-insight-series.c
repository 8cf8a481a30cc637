/* fuzz-insight-series.c: a stored template series, whatever its bytes, is refused or read
 * into points in strictly increasing buckets below the bucket count with counts above 0;
 * what is read encodes back to the same bytes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdlib.h>
#include <string.h>

#include "tftsr-insight-private.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  /* The first byte picks the bucket count (up to the most a log has). */
  guint n_buckets = size > 0 ? data[0] * TFTSR_INSIGHT_MAX_BUCKETS / 255 : 0;
  g_autoptr (GArray) series = NULL;
  g_autoptr (GBytes) again = NULL;

  if (size == 0)
    return 0;
  series = tftsr_insight_series_decode (data + 1, size - 1, n_buckets, NULL);
  if (series == NULL)
    return 0;
  for (guint i = 0; i < series->len; i++)
    {
      const TftsrSeriesPoint *p = &g_array_index (series, TftsrSeriesPoint, i);

      if (p->bucket >= n_buckets || p->count == 0 ||
          (i > 0 && p->bucket <= g_array_index (series, TftsrSeriesPoint, i - 1).bucket))
        abort ();
    }
  /* The written form is the shortest: varints padded with zero groups read too. */
  again = tftsr_insight_series_encode (series);
  if (g_bytes_get_size (again) > size - 1)
    abort ();
  return 0;
}
