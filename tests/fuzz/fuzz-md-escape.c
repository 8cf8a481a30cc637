/* fuzz-md-escape.c: any text, escaped for a table cell, a heading or a task item, reads
 * back as exactly its plain line; escaped as paragraphs, as exactly its plain paragraphs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdlib.h>

#include "tftsr-md-check.h"
#include "tftsr-md-escape.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  /* Incident text comes from the database as C strings: it stops at a NUL. */
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr (GString) line = g_string_new (NULL);
  g_autoptr (GString) paragraphs = g_string_new (NULL);
  g_autofree char *plain_line = tftsr_md_plain_line (text);
  g_autofree char *plain_text = tftsr_md_plain_text (text);

  tftsr_md_append_line (line, text);
  tftsr_md_append_text (paragraphs, text);
  if (!tftsr_md_check_line (line->str, plain_line) ||
      !tftsr_md_check_text (paragraphs->str, plain_text))
    abort ();
  return 0;
}
