/* tftsr-doc-html.c: documents as standalone HTML pages
 *
 * cmark-gfm renders the body; its safe mode leaves raw HTML out and takes the target from
 * dangerous links. Incident text never reaches that point as HTML anyway (it is escaped
 * when the document is built), but an author's edits may hold any Markdown. The style
 * sheet is a resource of the core (data/documents/document.css).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <cmark-gfm-core-extensions.h>
#include <string.h>

#include "tftsr-core-resources.h"
#include "tftsr-doc-html.h"
#include "tftsr-doc-private.h"
#include "tftsr-md-escape.h"

#define STYLE_PATH TFTSR_RESOURCE_PATH "/documents/document.css"

/* Appends the body's HTML to @out. */
static void
render_body (GString *out, const char *markdown)
{
  cmark_parser *parser = tftsr_doc_parser_new ();
  g_autofree char *valid = g_utf8_make_valid (markdown, -1);
  cmark_node *document;
  char *html;

  cmark_parser_feed (parser, valid, strlen (valid));
  document = cmark_parser_finish (parser);
  html = cmark_render_html (document, CMARK_OPT_SAFE, cmark_parser_get_syntax_extensions (parser));
  g_string_append (out, html);
  cmark_get_default_mem_allocator ()->free (html);
  cmark_node_free (document);
  cmark_parser_free (parser);
}

char *
tftsr_doc_render_html (const char *markdown, const char *title)
{
  g_autoptr (GBytes) style = NULL;
  g_autofree char *plain_title = NULL;
  g_autofree char *escaped_title = NULL;
  GString *out;
  gsize style_len = 0;
  const char *style_text;

  g_return_val_if_fail (markdown != NULL && title != NULL, NULL);

  style = g_resource_lookup_data (tftsr_core_get_resource (), STYLE_PATH, 0, NULL);
  g_assert (style != NULL);
  style_text = g_bytes_get_data (style, &style_len);
  plain_title = tftsr_md_plain_line (title);
  escaped_title = g_markup_escape_text (plain_title, -1);
  out = g_string_sized_new (style_len + 2 * strlen (markdown) + 512);
  g_string_append_printf (out,
                          "<!DOCTYPE html>\n"
                          "<html>\n<head>\n"
                          "<meta charset=\"utf-8\">\n"
                          "<meta name=\"viewport\" content=\"width=device-width, "
                          "initial-scale=1\">\n"
                          "<meta name=\"color-scheme\" content=\"light dark\">\n"
                          "<title>%s</title>\n<style>\n",
                          escaped_title);
  g_string_append_len (out, style_text, (gssize) style_len);
  g_string_append (out, "</style>\n</head>\n<body>\n<main>\n");
  render_body (out, markdown);
  g_string_append (out, "</main>\n</body>\n</html>\n");
  return g_string_free (out, FALSE);
}
