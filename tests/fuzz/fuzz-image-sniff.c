/* fuzz-image-sniff.c: any bytes sniff without reading past them; the answer is one of the
 * four formats or none, a size only comes with a format and is never half known, and a
 * longer input never changes the format its prefix was sniffed as
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdlib.h>

#include "tftsr-image.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static gboolean
known (const char *mime)
{
  static const char *const formats[] = { "image/png", "image/jpeg", "image/gif", "image/webp" };

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    if (g_strcmp0 (mime, formats[i]) == 0)
      return TRUE;
  return FALSE;
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  guint width = 1, height = 1;
  const char *mime = tftsr_image_sniff (data, size, &width, &height);
  /* The format is decided by the magic bytes, all within the first 12. */
  const char *prefix = tftsr_image_sniff (data, MIN (size, 12), NULL, NULL);

  if (mime != NULL && !known (mime))
    abort ();
  if (mime == NULL && (width != 0 || height != 0))
    abort ();
  if ((width == 0) != (height == 0))
    abort ();
  if (g_strcmp0 (mime, prefix) != 0)
    abort ();
  if (mime != tftsr_image_sniff (data, size, NULL, NULL))
    abort ();
  return 0;
}
