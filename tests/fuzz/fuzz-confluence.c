/* fuzz-confluence.c: any text becomes storage format that is valid UTF-8 and well-formed
 * XML (Confluence refuses a page body that is not)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdlib.h>

#include "tftsr-doc-confluence.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  static const GMarkupParser parser = { 0 };
  g_autofree char *markdown = g_strndup ((const char *) data, size);
  g_autofree char *xml = tftsr_doc_render_confluence (markdown);
  g_autofree char *wrapped = g_strconcat ("<body>", xml, "</body>", NULL);
  g_autoptr (GMarkupParseContext) context = g_markup_parse_context_new (&parser, 0, NULL, NULL);

  if (!g_utf8_validate (xml, -1, NULL) ||
      !g_markup_parse_context_parse (context, wrapped, -1, NULL) ||
      !g_markup_parse_context_end_parse (context, NULL))
    abort ();
  return 0;
}
