/* fuzz-html.c (the page is read lower-cased): any text becomes a page of valid UTF-8 whose body holds only the tags
 * cmark-gfm writes for Markdown, with no event handler and no script link: the document's
 * own text never becomes markup
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdlib.h>
#include <string.h>

#include "tftsr-doc-html.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static gboolean
allowed_tag (const char *tag, gsize len)
{
  static const char *const names[] = { "p",      "h1",    "h2",    "h3",         "h4",   "h5",
                                       "h6",     "ul",    "ol",    "li",         "a",    "em",
                                       "strong", "code",  "pre",   "blockquote", "hr",   "br",
                                       "table",  "thead", "tbody", "tr",         "th",   "td",
                                       "del",    "input", "img",   "main",       "body", "html" };
  g_autofree char *name = NULL;

  if (g_str_has_prefix (tag, "!-- raw html omitted --"))
    return TRUE;
  if (*tag == '/')
    tag++, len--;
  name = g_strndup (tag, strcspn (tag, " />"));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_str_equal (name, names[i]))
      return len > 0;
  return FALSE;
}

static gboolean
safe_tag (const char *tag, gsize len)
{
  g_autofree char *copy = g_strndup (tag, len);
  static GRegex *handler;

  if (handler == NULL)
    handler =
        g_regex_new ("\\son[a-z]+\\s*=|(href|src)=\"\\s*(javascript|vbscript|data):", 0, 0, NULL);
  return allowed_tag (copy, len) && !g_regex_match (handler, copy, 0, NULL);
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autofree char *markdown = g_strndup ((const char *) data, size);
  g_autofree char *html = tftsr_doc_render_html (markdown, markdown);
  g_autofree char *lower = g_ascii_strdown (html, -1);
  const char *at = strstr (lower, "<body");

  if (!g_utf8_validate (html, -1, NULL) || at == NULL)
    abort ();
  while ((at = strchr (at, '<')) != NULL)
    {
      const char *end = strchr (at, '>');

      if (end == NULL || !safe_tag (at + 1, (gsize) (end - at - 1)))
        abort ();
      at = end;
    }
  return 0;
}
