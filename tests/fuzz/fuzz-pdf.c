/* fuzz-pdf.c: any text lays out into a PDF of at least one page, whatever its tables,
 * lists and lines do to the page breaks (a loop that cannot place a line would hang)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdlib.h>
#include <string.h>

#include "tftsr-pdf.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autofree char *markdown = g_strndup ((const char *) data, size);
  g_autoptr (GOutputStream) out = g_memory_output_stream_new_resizable ();
  TftsrPdfInfo info = { 0 };

  if (!tftsr_pdf_render (markdown, "fuzz", size % 2 ? TFTSR_PAPER_LETTER : TFTSR_PAPER_A4, out,
                         &info, NULL, NULL, NULL, NULL) ||
      info.pages == 0 || g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (out)) < 5 ||
      memcmp (g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (out)), "%PDF-", 5) != 0)
    abort ();
  return 0;
}
