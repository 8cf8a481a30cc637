/* tftsr-adf.c: Markdown into Atlassian Document Format
 *
 * Written from cmark-gfm's tree, as the Confluence renderer is. ADF is stricter than HTML
 * about what may stand where, and Jira refuses the whole request for one wrong node, so each
 * block is written for its context: the document takes every kind, a list item and a quote
 * only paragraphs, lists and code, a table cell one paragraph. What does not fit is written
 * as paragraphs of its text rather than left out.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <cmark-gfm-core-extensions.h>
#include <string.h>

#include "tftsr-adf-private.h"
#include "tftsr-doc-private.h"

#define REPLACEMENT "\xef\xbf\xbd"

typedef enum
{
  IN_DOC,
  IN_ITEM,
  IN_QUOTE,
} Context;

typedef struct
{
  guint lists; /* lists open around the block being written */
} Writer;

/* The marks around an inline node. */
typedef struct
{
  gboolean em;
  gboolean strong;
  gboolean strike;
  const char *href; /* inside a link */
} Marks;

static gboolean
is_type (cmark_node *node, const char *name)
{
  return g_str_equal (cmark_node_get_type_string (node), name);
}

static json_object *
node_new (const char *type)
{
  json_object *node = json_object_new_object ();

  json_object_object_add (node, "type", json_object_new_string (type));
  return node;
}

/* A node with an empty "content" array, returned in *@content. */
static json_object *
parent_new (const char *type, json_object **content)
{
  json_object *node = node_new (type);

  *content = json_object_new_array ();
  json_object_object_add (node, "content", *content);
  return node;
}

/* @text with the control characters ADF has no use for replaced: a line break becomes a
 * space in running text (@keep_newlines for code), the others U+FFFD. */
static char *
clean_text (const char *text, gboolean keep_newlines)
{
  GString *out = g_string_sized_new (strlen (text));

  for (const char *p = text; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if (c == '\n' && keep_newlines)
        g_string_append_c (out, '\n');
      else if (c == '\n' || c == '\r')
        g_string_append_c (out, ' ');
      else if ((c < 0x20 && c != '\t') || c == 0x7f)
        g_string_append (out, REPLACEMENT);
      else
        g_string_append_c (out, (char) c);
    }
  return g_string_free (out, FALSE);
}

static json_object *
mark_new (const char *type)
{
  return node_new (type);
}

/* The marks of a text node, NULL for none. Code combines with a link only. */
static json_object *
marks_new (const Marks *marks, gboolean code)
{
  json_object *array = json_object_new_array ();

  if (!code && marks->em)
    json_object_array_add (array, mark_new ("em"));
  if (!code && marks->strong)
    json_object_array_add (array, mark_new ("strong"));
  if (!code && marks->strike)
    json_object_array_add (array, mark_new ("strike"));
  if (code)
    json_object_array_add (array, mark_new ("code"));
  if (marks->href != NULL)
    {
      json_object *link = mark_new ("link");
      json_object *attrs = json_object_new_object ();

      json_object_object_add (attrs, "href", json_object_new_string (marks->href));
      json_object_object_add (link, "attrs", attrs);
      json_object_array_add (array, link);
    }
  if (json_object_array_length (array) == 0)
    {
      json_object_put (array);
      return NULL;
    }
  return array;
}

/* Appends a text node, or grows the previous one when it has the same marks: cmark splits
 * text at every character that might have been syntax. Empty text is no node at all. */
static void
add_text (json_object *content, const char *text, const Marks *marks, gboolean code)
{
  g_autofree char *clean = clean_text (text != NULL ? text : "", FALSE);
  json_object *node_marks;
  json_object *last;
  gsize n = json_object_array_length (content);

  if (*clean == '\0')
    return;
  node_marks = marks_new (marks, code);
  last = n > 0 ? json_object_array_get_idx (content, n - 1) : NULL;
  if (last != NULL &&
      g_str_equal (json_object_get_string (json_object_object_get (last, "type")), "text") &&
      json_object_equal (json_object_object_get (last, "marks"), node_marks))
    {
      g_autofree char *joined =
          g_strconcat (json_object_get_string (json_object_object_get (last, "text")), clean, NULL);

      json_object_object_add (last, "text", json_object_new_string (joined));
      json_object_put (node_marks);
      return;
    }
  last = node_new ("text");
  json_object_object_add (last, "text", json_object_new_string (clean));
  if (node_marks != NULL)
    json_object_object_add (last, "marks", node_marks);
  json_object_array_add (content, last);
}

/* Lines of @text with hard breaks between them (raw HTML shown as text). */
static void
add_lines (json_object *content, const char *text)
{
  g_auto (GStrv) lines = g_strsplit (text != NULL ? text : "", "\n", -1);
  static const Marks none = { 0 };

  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (i > 0)
        json_object_array_add (content, node_new ("hardBreak"));
      add_text (content, lines[i], &none, FALSE);
    }
}

static gboolean
safe_link (const char *url)
{
  if (url == NULL || !(g_str_has_prefix (url, "https://") || g_str_has_prefix (url, "http://") ||
                       g_str_has_prefix (url, "mailto:")))
    return FALSE;
  for (const char *p = url; *p != '\0'; p++)
    if ((guchar) *p <= 0x20 || *p == 0x7f)
      return FALSE;
  return g_utf8_validate (url, -1, NULL);
}

/* --- inline content ----------------------------------------------------------------------- */

static void inlines (json_object *content, cmark_node *parent, Marks marks);

static void
inline_node (json_object *content, cmark_node *node, Marks marks)
{
  switch (cmark_node_get_type (node))
    {
    case CMARK_NODE_TEXT:
    case CMARK_NODE_HTML_INLINE:
      add_text (content, cmark_node_get_literal (node), &marks, FALSE);
      break;
    case CMARK_NODE_SOFTBREAK:
    case CMARK_NODE_LINEBREAK:
      /* An incident's text breaks its lines where its author did; Jira shows a soft break
       * as nothing at all, so both are hard breaks. */
      json_object_array_add (content, node_new ("hardBreak"));
      break;
    case CMARK_NODE_CODE:
      add_text (content, cmark_node_get_literal (node), &marks, TRUE);
      break;
    case CMARK_NODE_EMPH:
      marks.em = TRUE;
      inlines (content, node, marks);
      break;
    case CMARK_NODE_STRONG:
      marks.strong = TRUE;
      inlines (content, node, marks);
      break;
    case CMARK_NODE_LINK:
      if (safe_link (cmark_node_get_url (node)))
        marks.href = cmark_node_get_url (node);
      inlines (content, node, marks);
      break;
    default:
      if (is_type (node, "strikethrough"))
        marks.strike = TRUE;
      inlines (content, node, marks); /* an image: its alt text */
      break;
    }
}

static void
inlines (json_object *content, cmark_node *parent, Marks marks)
{
  for (cmark_node *child = cmark_node_first_child (parent); child != NULL;
       child = cmark_node_next (child))
    inline_node (content, child, marks);
}

/* --- blocks -------------------------------------------------------------------------------- */

static void blocks (Writer *w, json_object *content, cmark_node *parent, Context context);

/* A paragraph of @node's inlines (strong for a heading that cannot be one). */
static void
paragraph (json_object *content, cmark_node *node, gboolean strong)
{
  json_object *inner;
  Marks marks = { .strong = strong };

  json_object_array_add (content, parent_new ("paragraph", &inner));
  if (node != NULL)
    inlines (inner, node, marks);
}

static void
heading (json_object *content, cmark_node *node)
{
  json_object *inner;
  json_object *attrs = json_object_new_object ();
  json_object *block = parent_new ("heading", &inner);
  int level = CLAMP (cmark_node_get_heading_level (node), 1, 6);
  Marks marks = { 0 };

  json_object_object_add (attrs, "level", json_object_new_int (level));
  json_object_object_add (block, "attrs", attrs);
  inlines (inner, node, marks);
  json_object_array_add (content, block);
}

static void
code_block (json_object *content, cmark_node *node)
{
  g_autofree char *language = tftsr_doc_code_language (node, "+#-_.");
  g_autofree char *code = tftsr_doc_code_text (node);
  g_autofree char *clean = clean_text (code, TRUE);
  json_object *inner;
  json_object *block = parent_new ("codeBlock", &inner);

  if (language != NULL)
    {
      json_object *attrs = json_object_new_object ();

      json_object_object_add (attrs, "language", json_object_new_string (language));
      json_object_object_add (block, "attrs", attrs);
    }
  if (*clean != '\0')
    {
      json_object *text = node_new ("text");

      json_object_object_add (text, "text", json_object_new_string (clean));
      json_object_array_add (inner, text);
    }
  json_object_array_add (content, block);
}

static void
table (json_object *content, cmark_node *node)
{
  json_object *rows;

  json_object_array_add (content, parent_new ("table", &rows));
  for (cmark_node *row = cmark_node_first_child (node); row != NULL; row = cmark_node_next (row))
    {
      const char *type =
          cmark_gfm_extensions_get_table_row_is_header (row) ? "tableHeader" : "tableCell";
      json_object *cells;

      json_object_array_add (rows, parent_new ("tableRow", &cells));
      for (cmark_node *cell = cmark_node_first_child (row); cell != NULL;
           cell = cmark_node_next (cell))
        {
          json_object *blocks_of_cell;

          json_object_array_add (cells, parent_new (type, &blocks_of_cell));
          paragraph (blocks_of_cell, cell, FALSE);
        }
      /* A row needs a cell; GFM gives every row the header's count, but not zero. */
      if (json_object_array_length (cells) == 0)
        {
          json_object *blocks_of_cell;

          json_object_array_add (cells, parent_new (type, &blocks_of_cell));
          paragraph (blocks_of_cell, NULL, FALSE);
        }
    }
}

/* A table where ADF allows none: a paragraph per row, its cells between " | ". */
static void
table_as_text (json_object *content, cmark_node *node)
{
  static const Marks none = { 0 };

  for (cmark_node *row = cmark_node_first_child (node); row != NULL; row = cmark_node_next (row))
    {
      json_object *inner;
      Marks marks = { .strong = cmark_gfm_extensions_get_table_row_is_header (row) != 0 };

      json_object_array_add (content, parent_new ("paragraph", &inner));
      for (cmark_node *cell = cmark_node_first_child (row); cell != NULL;
           cell = cmark_node_next (cell))
        {
          if (cell != cmark_node_first_child (row))
            add_text (inner, " | ", &none, FALSE);
          inlines (inner, cell, marks);
        }
    }
}

static gboolean
is_task (cmark_node *item)
{
  return is_type (item, "tasklist");
}

/* Puts @node first in @array (json-c 0.16 has no insert). */
static void
prepend (json_object *array, json_object *node)
{
  for (gsize i = json_object_array_length (array); i > 0; i--)
    json_object_array_put_idx (array, i,
                               json_object_get (json_object_array_get_idx (array, i - 1)));
  json_object_array_put_idx (array, 0, node);
}

static const char *
type_of (json_object *node)
{
  return json_object_get_string (json_object_object_get (node, "type"));
}

/* A task's box before the text of @paragraph. */
static void
prepend_box (json_object *paragraph, const char *box)
{
  json_object *inner = json_object_object_get (paragraph, "content");
  json_object *first = json_object_array_get_idx (inner, 0);
  json_object *text;

  if (first != NULL && g_str_equal (type_of (first), "text") &&
      json_object_object_get (first, "marks") == NULL)
    {
      g_autofree char *joined =
          g_strconcat (box, json_object_get_string (json_object_object_get (first, "text")), NULL);

      json_object_object_add (first, "text", json_object_new_string (joined));
      return;
    }
  text = node_new ("text");
  json_object_object_add (text, "text", json_object_new_string (box));
  prepend (inner, text);
}

static void
list_item (Writer *w, json_object *items, cmark_node *item)
{
  json_object *content;
  json_object *first;
  const char *box = NULL;

  json_object_array_add (items, parent_new ("listItem", &content));
  if (item != NULL)
    blocks (w, content, item, IN_ITEM);
  if (item != NULL && is_task (item))
    box = cmark_gfm_extensions_get_tasklist_item_checked (item) ? "☑ " : "☐ ";
  /* ADF opens an item with a paragraph or code: an empty item, or one opening with a list,
   * gets an empty paragraph first; a task's box goes in front of the first paragraph. */
  first = json_object_array_get_idx (content, 0);
  if (first == NULL || (!g_str_equal (type_of (first), "paragraph") &&
                        (box != NULL || !g_str_equal (type_of (first), "codeBlock"))))
    {
      json_object *inner;

      first = parent_new ("paragraph", &inner);
      prepend (content, first);
    }
  if (box != NULL)
    prepend_box (first, box);
}

static void
list (Writer *w, json_object *content, cmark_node *node, Context context)
{
  gboolean ordered = cmark_node_get_list_type (node) == CMARK_ORDERED_LIST;
  int start = cmark_node_get_list_start (node);
  json_object *items;
  json_object *block;

  if (w->lists >= TFTSR_ADF_MAX_LIST_DEPTH)
    {
      /* Deeper than Jira's editor shows: the items' blocks join the enclosing item. */
      for (cmark_node *item = cmark_node_first_child (node); item != NULL;
           item = cmark_node_next (item))
        blocks (w, content, item, context);
      return;
    }
  block = parent_new (ordered ? "orderedList" : "bulletList", &items);
  if (ordered && start != 1)
    {
      json_object *attrs = json_object_new_object ();

      json_object_object_add (attrs, "order", json_object_new_int (MAX (start, 1)));
      json_object_object_add (block, "attrs", attrs);
    }
  w->lists++;
  for (cmark_node *item = cmark_node_first_child (node); item != NULL;
       item = cmark_node_next (item))
    list_item (w, items, item);
  w->lists--;
  if (json_object_array_length (items) == 0)
    list_item (w, items, NULL);
  json_object_array_add (content, block);
}

static void
quote (Writer *w, json_object *content, cmark_node *node, Context context)
{
  json_object *inner;

  if (context != IN_DOC)
    {
      /* ADF nests no quote, and holds none in a list item: its blocks stand for it. */
      blocks (w, content, node, context);
      return;
    }
  json_object_array_add (content, parent_new ("blockquote", &inner));
  blocks (w, inner, node, IN_QUOTE);
  if (json_object_array_length (inner) == 0)
    paragraph (inner, NULL, FALSE);
}

static void
block (Writer *w, json_object *content, cmark_node *node, Context context)
{
  g_autofree char *html = NULL;
  json_object *inner;

  switch (cmark_node_get_type (node))
    {
    case CMARK_NODE_PARAGRAPH:
      paragraph (content, node, FALSE);
      break;
    case CMARK_NODE_HEADING:
      if (context == IN_DOC)
        heading (content, node);
      else
        paragraph (content, node, TRUE);
      break;
    case CMARK_NODE_CODE_BLOCK:
      code_block (content, node);
      break;
    case CMARK_NODE_HTML_BLOCK:
      html = g_strchomp (g_strdup (cmark_node_get_literal (node)));
      json_object_array_add (content, parent_new ("paragraph", &inner));
      add_lines (inner, html);
      break;
    case CMARK_NODE_THEMATIC_BREAK:
      /* A rule stands only between the document's blocks. */
      if (context == IN_DOC)
        json_object_array_add (content, node_new ("rule"));
      break;
    case CMARK_NODE_BLOCK_QUOTE:
      quote (w, content, node, context);
      break;
    case CMARK_NODE_LIST:
      list (w, content, node, context);
      break;
    default:
      if (is_type (node, "table") && context == IN_DOC)
        table (content, node);
      else if (is_type (node, "table"))
        table_as_text (content, node);
      else
        blocks (w, content, node, context);
      break;
    }
}

static void
blocks (Writer *w, json_object *content, cmark_node *parent, Context context)
{
  for (cmark_node *child = cmark_node_first_child (parent); child != NULL;
       child = cmark_node_next (child))
    block (w, content, child, context);
}

json_object *
tftsr_adf_from_markdown (const char *markdown)
{
  cmark_parser *parser = tftsr_doc_parser_new ();
  g_autofree char *valid = g_utf8_make_valid (markdown != NULL ? markdown : "", -1);
  json_object *doc = node_new ("doc");
  json_object *content = json_object_new_array ();
  Writer w = { 0 };
  cmark_node *document;

  json_object_object_add (doc, "version", json_object_new_int (1));
  json_object_object_add (doc, "content", content);
  cmark_parser_feed (parser, valid, strlen (valid));
  document = cmark_parser_finish (parser);
  blocks (&w, content, document, IN_DOC);
  cmark_node_free (document);
  cmark_parser_free (parser);
  return doc;
}

char *
tftsr_adf_to_string (const char *markdown)
{
  g_autoptr (json_object) doc = tftsr_adf_from_markdown (markdown);

  return g_strdup (json_object_to_json_string_ext (doc, JSON_C_TO_STRING_PLAIN |
                                                            JSON_C_TO_STRING_NOSLASHESCAPE));
}
