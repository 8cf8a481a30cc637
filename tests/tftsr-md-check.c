/* tftsr-md-check.c: escaped Markdown parsed back and compared with its text
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "tftsr-doc-private.h"
#include "tftsr-md-check.h"

gboolean
tftsr_md_check_inline_text (cmark_node *node, GString *text)
{
  for (cmark_node *child = cmark_node_first_child (node); child != NULL;
       child = cmark_node_next (child))
    {
      if (cmark_node_get_type (child) == CMARK_NODE_TEXT)
        g_string_append (text, cmark_node_get_literal (child));
      else if (cmark_node_get_type (child) == CMARK_NODE_LINEBREAK)
        g_string_append_c (text, '\n');
      else
        return FALSE;
    }
  return TRUE;
}

cmark_node *
tftsr_md_check_parse (const char *markdown)
{
  cmark_parser *parser = tftsr_doc_parser_new ();
  cmark_node *document;

  cmark_parser_feed (parser, markdown, strlen (markdown));
  document = cmark_parser_finish (parser);
  cmark_parser_free (parser);
  return document;
}

/* The only child of @node when it has exactly one, of type @type. */
static cmark_node *
only_child (cmark_node *node, const char *type)
{
  cmark_node *child = node != NULL ? cmark_node_first_child (node) : NULL;

  if (child == NULL || cmark_node_next (child) != NULL ||
      !g_str_equal (cmark_node_get_type_string (child), type))
    return NULL;
  return child;
}

/* Whether the first block of @markdown, reached by descending through @path (node types,
 * each an only child), reads as @expected. */
static gboolean
reads_as (const char *markdown, const char *const *path, const char *expected)
{
  cmark_node *document = tftsr_md_check_parse (markdown);
  cmark_node *node = document;
  g_autoptr (GString) text = g_string_new (NULL);
  gboolean ok;

  for (guint i = 0; path[i] != NULL && node != NULL; i++)
    node = only_child (node, path[i]);
  ok = node != NULL && tftsr_md_check_inline_text (node, text) && g_str_equal (text->str, expected);
  cmark_node_free (document);
  return ok;
}

/* The body row of a one-column table: the table's second and last row. */
static gboolean
cell_reads_as (const char *escaped, const char *expected)
{
  g_autofree char *markdown = g_strdup_printf ("| h |\n| --- |\n| %s |\n", escaped);
  cmark_node *document = tftsr_md_check_parse (markdown);
  cmark_node *table = only_child (document, "table");
  cmark_node *row = table != NULL ? cmark_node_last_child (table) : NULL;
  cmark_node *cell = row != NULL && cmark_node_previous (row) == cmark_node_first_child (table)
                         ? only_child (row, "table_cell")
                         : NULL;
  g_autoptr (GString) text = g_string_new (NULL);
  gboolean ok;

  ok = cell != NULL && tftsr_md_check_inline_text (cell, text) && g_str_equal (text->str, expected);
  cmark_node_free (document);
  return ok;
}

gboolean
tftsr_md_check_line (const char *escaped, const char *expected)
{
  static const char *const heading[] = { "heading", NULL };
  static const char *const task[] = { "list", "tasklist", "paragraph", NULL };
  g_autofree char *as_heading = g_strconcat ("## ", escaped, "\n", NULL);
  g_autofree char *as_task = g_strconcat ("- [ ] ", escaped, "\n", NULL);

  if (strchr (escaped, '\n') != NULL || !cell_reads_as (escaped, expected) ||
      !reads_as (as_heading, heading, expected))
    return FALSE;
  /* An item with nothing after its box is no task. */
  return *expected == '\0' || reads_as (as_task, task, expected);
}

gboolean
tftsr_md_check_text (const char *escaped, const char *expected)
{
  cmark_node *document = tftsr_md_check_parse (escaped);
  g_autoptr (GString) text = g_string_new (NULL);
  gboolean ok = TRUE;

  for (cmark_node *p = cmark_node_first_child (document); p != NULL && ok; p = cmark_node_next (p))
    {
      if (p != cmark_node_first_child (document))
        g_string_append (text, "\n\n");
      ok = cmark_node_get_type (p) == CMARK_NODE_PARAGRAPH && tftsr_md_check_inline_text (p, text);
    }
  ok = ok && g_str_equal (text->str, expected);
  cmark_node_free (document);
  return ok;
}
