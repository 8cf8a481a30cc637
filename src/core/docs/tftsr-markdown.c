/* tftsr-markdown.c: GitHub-flavoured Markdown into blocks with Pango markup
 *
 * cmark-gfm parses (the table, task list and strikethrough extensions; autolink too for a
 * chat reply); this walks its tree and writes each block's inline content as markup: text
 * escaped, emphasis, code, strikethrough, and links only where the scheme is one a click
 * may open.
 * A reply that stops mid-stream is still Markdown, so there is no failure path.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <string.h>

#include "tftsr-doc-private.h"
#include "tftsr-markdown.h"

void
tftsr_md_block_free (TftsrMdBlock *block)
{
  if (block == NULL)
    return;
  g_free (block->markup);
  g_free (block->code);
  g_free (block->language);
  if (block->cells != NULL)
    g_ptr_array_unref (block->cells);
  g_free (block);
}

static gboolean
is_type (cmark_node *node, const char *name)
{
  return g_str_equal (cmark_node_get_type_string (node), name);
}

static void
append_escaped (GString *out, const char *text)
{
  g_autofree char *escaped = g_markup_escape_text (text != NULL ? text : "", -1);
  g_string_append (out, escaped);
}

static gboolean
safe_link (const char *url)
{
  return url != NULL && (g_str_has_prefix (url, "https://") || g_str_has_prefix (url, "http://") ||
                         g_str_has_prefix (url, "mailto:"));
}

static void inlines (GString *out, cmark_node *parent);

/* @node's children between @open and @close. */
static void
wrapped (GString *out, cmark_node *node, const char *open, const char *close)
{
  g_string_append (out, open);
  inlines (out, node);
  g_string_append (out, close);
}

static void
inline_node (GString *out, cmark_node *node)
{
  const char *url;

  switch (cmark_node_get_type (node))
    {
    case CMARK_NODE_TEXT:
    case CMARK_NODE_HTML_INLINE:
      append_escaped (out, cmark_node_get_literal (node));
      break;
    case CMARK_NODE_SOFTBREAK:
      g_string_append_c (out, ' ');
      break;
    case CMARK_NODE_LINEBREAK:
      g_string_append_c (out, '\n');
      break;
    case CMARK_NODE_CODE:
      g_string_append (out, "<tt>");
      append_escaped (out, cmark_node_get_literal (node));
      g_string_append (out, "</tt>");
      break;
    case CMARK_NODE_EMPH:
      wrapped (out, node, "<i>", "</i>");
      break;
    case CMARK_NODE_STRONG:
      wrapped (out, node, "<b>", "</b>");
      break;
    case CMARK_NODE_LINK:
      url = cmark_node_get_url (node);
      if (!safe_link (url))
        {
          inlines (out, node);
          break;
        }
      g_string_append (out, "<a href=\"");
      append_escaped (out, url);
      wrapped (out, node, "\">", "</a>");
      break;
    default:
      if (is_type (node, "strikethrough"))
        wrapped (out, node, "<s>", "</s>");
      else
        inlines (out, node); /* images: their alt text */
      break;
    }
}

static void
inlines (GString *out, cmark_node *parent)
{
  for (cmark_node *child = cmark_node_first_child (parent); child != NULL;
       child = cmark_node_next (child))
    inline_node (out, child);
}

static char *
markup_of (cmark_node *node)
{
  GString *out = g_string_new (NULL);

  inlines (out, node);
  return g_string_free (out, FALSE);
}

typedef struct
{
  GPtrArray *blocks;
  guint depth; /* of lists */
  guint quote; /* of block quotes */
} Walk;

static TftsrMdBlock *
add (Walk *w, TftsrMdKind kind)
{
  TftsrMdBlock *block = g_new0 (TftsrMdBlock, 1);

  block->kind = kind;
  block->level = w->depth;
  block->checked = -1;
  g_ptr_array_add (w->blocks, block);
  return block;
}

static void walk_from (Walk *w, cmark_node *first);

static void
add_code (Walk *w, cmark_node *node)
{
  TftsrMdBlock *block = add (w, TFTSR_MD_CODE);
  const char *info = cmark_node_get_fence_info (node);

  block->code = tftsr_doc_code_text (node);
  if (info != NULL && *info != '\0')
    block->language = g_strndup (info, strcspn (info, " \t"));
}

static void
add_table (Walk *w, cmark_node *table)
{
  for (cmark_node *row = cmark_node_first_child (table); row != NULL; row = cmark_node_next (row))
    {
      TftsrMdBlock *block = add (w, TFTSR_MD_TABLE_ROW);

      block->header = cmark_gfm_extensions_get_table_row_is_header (row) != 0;
      block->cells = g_ptr_array_new_with_free_func (g_free);
      for (cmark_node *cell = cmark_node_first_child (row); cell != NULL;
           cell = cmark_node_next (cell))
        g_ptr_array_add (block->cells, markup_of (cell));
    }
}

/* An item: its first paragraph is the item's own line, the rest follows indented. */
static void
add_item (Walk *w, cmark_node *item, guint number)
{
  cmark_node *first = cmark_node_first_child (item);
  TftsrMdBlock *block;

  w->depth++;
  block = add (w, TFTSR_MD_ITEM);
  block->level = w->depth;
  block->number = number;
  if (is_type (item, "tasklist"))
    block->checked = cmark_gfm_extensions_get_tasklist_item_checked (item) ? 1 : 0;
  if (first != NULL && cmark_node_get_type (first) == CMARK_NODE_PARAGRAPH)
    {
      block->markup = markup_of (first);
      first = cmark_node_next (first);
    }
  else
    block->markup = g_strdup ("");
  walk_from (w, first);
  w->depth--;
}

static void
add_list (Walk *w, cmark_node *list)
{
  gboolean ordered = cmark_node_get_list_type (list) == CMARK_ORDERED_LIST;
  guint number = ordered ? (guint) MAX (cmark_node_get_list_start (list), 0) : 0;

  for (cmark_node *item = cmark_node_first_child (list); item != NULL;
       item = cmark_node_next (item))
    add_item (w, item, ordered ? number++ : 0);
}

static void
block_node (Walk *w, cmark_node *node)
{
  TftsrMdBlock *block;

  switch (cmark_node_get_type (node))
    {
    case CMARK_NODE_PARAGRAPH:
      block = add (w, w->quote > 0 ? TFTSR_MD_QUOTE : TFTSR_MD_PARAGRAPH);
      block->markup = markup_of (node);
      break;
    case CMARK_NODE_HEADING:
      block = add (w, TFTSR_MD_HEADING);
      block->level = (guint) cmark_node_get_heading_level (node);
      block->markup = markup_of (node);
      break;
    case CMARK_NODE_CODE_BLOCK:
      add_code (w, node);
      break;
    case CMARK_NODE_HTML_BLOCK:
      block = add (w, w->quote > 0 ? TFTSR_MD_QUOTE : TFTSR_MD_PARAGRAPH);
      block->markup = g_markup_escape_text (cmark_node_get_literal (node), -1);
      break;
    case CMARK_NODE_THEMATIC_BREAK:
      add (w, TFTSR_MD_RULE);
      break;
    case CMARK_NODE_BLOCK_QUOTE:
      w->quote++;
      walk_from (w, cmark_node_first_child (node));
      w->quote--;
      break;
    case CMARK_NODE_LIST:
      add_list (w, node);
      break;
    default:
      if (is_type (node, "table"))
        add_table (w, node);
      else
        walk_from (w, cmark_node_first_child (node));
      break;
    }
}

/* @first and the siblings after it. */
static void
walk_from (Walk *w, cmark_node *first)
{
  for (cmark_node *node = first; node != NULL; node = cmark_node_next (node))
    block_node (w, node);
}

/* The documents' parser is this one without autolink (tftsr-doc-private.h). */
static cmark_parser *
new_parser (TftsrMdFlavour flavour)
{
  static const char *const names[] = { "table", "tasklist", "strikethrough", "autolink" };
  guint n = flavour == TFTSR_MD_CHAT ? G_N_ELEMENTS (names) : G_N_ELEMENTS (names) - 1;
  cmark_parser *parser;

  cmark_gfm_core_extensions_ensure_registered ();
  parser = cmark_parser_new (CMARK_OPT_DEFAULT);
  for (guint i = 0; i < n; i++)
    cmark_parser_attach_syntax_extension (parser, cmark_find_syntax_extension (names[i]));
  return parser;
}

cmark_parser *
tftsr_doc_parser_new (void)
{
  return new_parser (TFTSR_MD_DOCUMENT);
}

char *
tftsr_doc_code_text (cmark_node *node)
{
  const char *literal = cmark_node_get_literal (node);
  gsize len = literal != NULL ? strlen (literal) : 0;

  /* The newline before the closing fence is not part of the code. */
  return g_strndup (literal != NULL ? literal : "",
                    len > 0 && literal[len - 1] == '\n' ? len - 1 : len);
}

char *
tftsr_doc_code_language (cmark_node *node, const char *punctuation)
{
  const char *info = cmark_node_get_fence_info (node);
  gsize len = info != NULL ? strcspn (info, " \t") : 0;

  if (len == 0 || len > 20)
    return NULL;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (info[i]) && strchr (punctuation, info[i]) == NULL)
      return NULL;
  return g_ascii_strdown (info, (gssize) len);
}

GPtrArray *
tftsr_markdown_parse (const char *markdown, gssize len, TftsrMdFlavour flavour)
{
  cmark_parser *parser;
  Walk w = { g_ptr_array_new_with_free_func ((GDestroyNotify) tftsr_md_block_free), 0, 0 };
  g_autofree char *valid = NULL;
  cmark_node *document;

  g_return_val_if_fail (markdown != NULL, w.blocks);

  parser = new_parser (flavour);
  valid = g_utf8_make_valid (markdown, len);
  cmark_parser_feed (parser, valid, strlen (valid));
  document = cmark_parser_finish (parser);
  walk_from (&w, cmark_node_first_child (document));
  cmark_node_free (document);
  cmark_parser_free (parser);
  return w.blocks;
}

GPtrArray *
tftsr_markdown_to_blocks (const char *markdown, gssize len)
{
  return tftsr_markdown_parse (markdown, len, TFTSR_MD_CHAT);
}
