/* fuzz-markdown.c: any text becomes blocks whose markup is well-formed, valid UTF-8, and
 * whose links are only of the schemes a click may open
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdlib.h>
#include <string.h>

#include "tftsr-markdown.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static void
check_markup (const char *markup)
{
  static const GMarkupParser parser = { 0 };
  g_autoptr (GMarkupParseContext) context = NULL;
  g_autofree char *wrapped = g_strconcat ("<m>", markup, "</m>", NULL);
  const char *link = markup;

  if (!g_utf8_validate (markup, -1, NULL))
    abort ();
  context = g_markup_parse_context_new (&parser, 0, NULL, NULL);
  if (!g_markup_parse_context_parse (context, wrapped, -1, NULL) ||
      !g_markup_parse_context_end_parse (context, NULL))
    abort ();
  while ((link = strstr (link, "<a href=\"")) != NULL)
    {
      link += 9;
      if (!g_str_has_prefix (link, "https://") && !g_str_has_prefix (link, "http://") &&
          !g_str_has_prefix (link, "mailto:"))
        abort ();
    }
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autoptr (GPtrArray) blocks = tftsr_markdown_to_blocks ((const char *) data, size);

  for (guint i = 0; i < blocks->len; i++)
    {
      TftsrMdBlock *block = blocks->pdata[i];

      if (block->markup != NULL)
        check_markup (block->markup);
      if (block->code != NULL && !g_utf8_validate (block->code, -1, NULL))
        abort ();
      for (guint c = 0; block->cells != NULL && c < block->cells->len; c++)
        check_markup (block->cells->pdata[c]);
    }
  return 0;
}
