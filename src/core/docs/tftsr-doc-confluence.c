/* tftsr-doc-confluence.c: Markdown into Confluence's storage format (XHTML with the ac:
 * elements of its macros and task lists)
 *
 * Written from cmark-gfm's tree rather than from its HTML, because storage format differs
 * where it matters: a code block is the `code` macro with its text in CDATA, a task list is
 * ac:task-list, strikethrough is a styled span, and every character must be one XML 1.0
 * can carry (Confluence refuses the page otherwise).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <cmark-gfm-core-extensions.h>
#include <string.h>

#include "tftsr-doc-confluence.h"
#include "tftsr-doc-private.h"

#define REPLACEMENT "\xef\xbf\xbd"

typedef struct
{
  GString *out;
  guint tasks; /* ac:task-id is numbered through the page */
} Writer;

static gboolean
is_type (cmark_node *node, const char *name)
{
  return g_str_equal (cmark_node_get_type_string (node), name);
}

/* XML 1.0's Char production. */
static gboolean
is_xml_char (gunichar c)
{
  return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) ||
         (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
}

/* @text escaped for XML text and attribute values; @text is valid UTF-8. */
static void
put_text (Writer *w, const char *text)
{
  for (const char *p = text != NULL ? text : ""; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '&')
        g_string_append (w->out, "&amp;");
      else if (c == '<')
        g_string_append (w->out, "&lt;");
      else if (c == '>')
        g_string_append (w->out, "&gt;");
      else if (c == '"')
        g_string_append (w->out, "&quot;");
      else if (!is_xml_char (c))
        g_string_append (w->out, REPLACEMENT);
      else
        g_string_append_len (w->out, p, g_utf8_next_char (p) - p);
    }
}

/* @text as CDATA: a "]]>" inside is split across two sections. */
static void
put_cdata (Writer *w, const char *text)
{
  g_string_append (w->out, "<![CDATA[");
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_str_has_prefix (p, "]]>"))
        {
          g_string_append (w->out, "]]]]><![CDATA[>");
          p += 2;
        }
      else if (!is_xml_char (c))
        g_string_append (w->out, REPLACEMENT);
      else
        g_string_append_len (w->out, p, g_utf8_next_char (p) - p);
    }
  g_string_append (w->out, "]]>");
}

static gboolean
safe_link (const char *url)
{
  return url != NULL && (g_str_has_prefix (url, "https://") || g_str_has_prefix (url, "http://") ||
                         g_str_has_prefix (url, "mailto:"));
}

/* --- inline content ----------------------------------------------------------------------- */

static void inlines (Writer *w, cmark_node *parent);

static void
wrapped (Writer *w, cmark_node *node, const char *open, const char *close)
{
  g_string_append (w->out, open);
  inlines (w, node);
  g_string_append (w->out, close);
}

static void
inline_node (Writer *w, cmark_node *node)
{
  switch (cmark_node_get_type (node))
    {
    case CMARK_NODE_TEXT:
    case CMARK_NODE_HTML_INLINE:
      put_text (w, cmark_node_get_literal (node));
      break;
    case CMARK_NODE_SOFTBREAK:
      g_string_append_c (w->out, '\n');
      break;
    case CMARK_NODE_LINEBREAK:
      g_string_append (w->out, "<br />");
      break;
    case CMARK_NODE_CODE:
      g_string_append (w->out, "<code>");
      put_text (w, cmark_node_get_literal (node));
      g_string_append (w->out, "</code>");
      break;
    case CMARK_NODE_EMPH:
      wrapped (w, node, "<em>", "</em>");
      break;
    case CMARK_NODE_STRONG:
      wrapped (w, node, "<strong>", "</strong>");
      break;
    case CMARK_NODE_LINK:
      if (!safe_link (cmark_node_get_url (node)))
        {
          inlines (w, node);
          break;
        }
      g_string_append (w->out, "<a href=\"");
      put_text (w, cmark_node_get_url (node));
      wrapped (w, node, "\">", "</a>");
      break;
    default:
      if (is_type (node, "strikethrough"))
        wrapped (w, node, "<span style=\"text-decoration: line-through;\">", "</span>");
      else
        inlines (w, node); /* an image: its alt text */
      break;
    }
}

static void
inlines (Writer *w, cmark_node *parent)
{
  for (cmark_node *child = cmark_node_first_child (parent); child != NULL;
       child = cmark_node_next (child))
    inline_node (w, child);
}

/* --- blocks ---------------------------------------------------------------------------------- */

static void blocks (Writer *w, cmark_node *parent, gboolean tight);

static void
code_macro (Writer *w, cmark_node *node)
{
  /* A plain name the macro may know ("sh", "c++", "c#"). */
  g_autofree char *language = tftsr_doc_code_language (node, "+#-_");
  g_autofree char *code = tftsr_doc_code_text (node);

  g_string_append (w->out, "<ac:structured-macro ac:name=\"code\">");
  if (language != NULL)
    g_string_append_printf (w->out, "<ac:parameter ac:name=\"language\">%s</ac:parameter>",
                            language);
  g_string_append (w->out, "<ac:plain-text-body>");
  put_cdata (w, code);
  g_string_append (w->out, "</ac:plain-text-body></ac:structured-macro>\n");
}

static void
table (Writer *w, cmark_node *node)
{
  g_string_append (w->out, "<table><tbody>\n");
  for (cmark_node *row = cmark_node_first_child (node); row != NULL; row = cmark_node_next (row))
    {
      const char *cell_tag = cmark_gfm_extensions_get_table_row_is_header (row) ? "th" : "td";

      g_string_append (w->out, "<tr>");
      for (cmark_node *cell = cmark_node_first_child (row); cell != NULL;
           cell = cmark_node_next (cell))
        {
          g_string_append_printf (w->out, "<%s>", cell_tag);
          inlines (w, cell);
          g_string_append_printf (w->out, "</%s>", cell_tag);
        }
      g_string_append (w->out, "</tr>\n");
    }
  g_string_append (w->out, "</tbody></table>\n");
}

static gboolean
is_task (cmark_node *item)
{
  return is_type (item, "tasklist");
}

static gboolean
all_tasks (cmark_node *list)
{
  cmark_node *item = cmark_node_first_child (list);

  for (; item != NULL; item = cmark_node_next (item))
    if (!is_task (item))
      return FALSE;
  return cmark_node_first_child (list) != NULL;
}

static void
task_list (Writer *w, cmark_node *list)
{
  g_string_append (w->out, "<ac:task-list>\n");
  for (cmark_node *item = cmark_node_first_child (list); item != NULL;
       item = cmark_node_next (item))
    {
      g_string_append_printf (w->out,
                              "<ac:task><ac:task-id>%u</ac:task-id><ac:task-status>%s"
                              "</ac:task-status><ac:task-body>",
                              ++w->tasks,
                              cmark_gfm_extensions_get_tasklist_item_checked (item) ? "complete"
                                                                                    : "incomplete");
      blocks (w, item, TRUE);
      g_string_append (w->out, "</ac:task-body></ac:task>\n");
    }
  g_string_append (w->out, "</ac:task-list>\n");
}

/* A list; one mixing tasks and plain items keeps the tasks' boxes as characters. */
static void
list (Writer *w, cmark_node *node)
{
  gboolean ordered = cmark_node_get_list_type (node) == CMARK_ORDERED_LIST;
  gboolean tight = cmark_node_get_list_tight (node) != 0;
  int start = cmark_node_get_list_start (node);

  if (all_tasks (node))
    {
      task_list (w, node);
      return;
    }
  if (ordered && start != 1)
    g_string_append_printf (w->out, "<ol start=\"%d\">\n", MAX (start, 0));
  else
    g_string_append (w->out, ordered ? "<ol>\n" : "<ul>\n");
  for (cmark_node *item = cmark_node_first_child (node); item != NULL;
       item = cmark_node_next (item))
    {
      g_string_append (w->out, "<li>");
      if (is_task (item))
        g_string_append (w->out,
                         cmark_gfm_extensions_get_tasklist_item_checked (item) ? "☑ " : "☐ ");
      blocks (w, item, tight);
      g_string_append (w->out, "</li>\n");
    }
  g_string_append (w->out, ordered ? "</ol>\n" : "</ul>\n");
}

/* @tight: paragraphs of a tight list's item go without <p>. */
static void
block (Writer *w, cmark_node *node, gboolean tight)
{
  g_autofree char *html = NULL;

  switch (cmark_node_get_type (node))
    {
    case CMARK_NODE_PARAGRAPH:
      if (tight)
        inlines (w, node);
      else
        wrapped (w, node, "<p>", "</p>\n");
      break;
    case CMARK_NODE_HEADING:
      g_string_append_printf (w->out, "<h%d>", cmark_node_get_heading_level (node));
      inlines (w, node);
      g_string_append_printf (w->out, "</h%d>\n", cmark_node_get_heading_level (node));
      break;
    case CMARK_NODE_CODE_BLOCK:
      code_macro (w, node);
      break;
    case CMARK_NODE_HTML_BLOCK:
      html = g_strchomp (g_strdup (cmark_node_get_literal (node)));
      g_string_append (w->out, "<p>");
      put_text (w, html);
      g_string_append (w->out, "</p>\n");
      break;
    case CMARK_NODE_THEMATIC_BREAK:
      g_string_append (w->out, "<hr />\n");
      break;
    case CMARK_NODE_BLOCK_QUOTE:
      g_string_append (w->out, "<blockquote>\n");
      blocks (w, node, FALSE);
      g_string_append (w->out, "</blockquote>\n");
      break;
    case CMARK_NODE_LIST:
      list (w, node);
      break;
    default:
      if (is_type (node, "table"))
        table (w, node);
      else
        blocks (w, node, tight);
      break;
    }
}

static void
blocks (Writer *w, cmark_node *parent, gboolean tight)
{
  for (cmark_node *child = cmark_node_first_child (parent); child != NULL;
       child = cmark_node_next (child))
    block (w, child, tight);
}

char *
tftsr_doc_render_confluence (const char *markdown)
{
  cmark_parser *parser = tftsr_doc_parser_new ();
  g_autofree char *valid = g_utf8_make_valid (markdown != NULL ? markdown : "", -1);
  Writer w = { g_string_new (NULL), 0 };
  cmark_node *document;

  cmark_parser_feed (parser, valid, strlen (valid));
  document = cmark_parser_finish (parser);
  blocks (&w, document, FALSE);
  cmark_node_free (document);
  cmark_parser_free (parser);
  return g_string_free (w.out, FALSE);
}
