/* tftsr-md-check.h: whether escaped Markdown parses back to the text it was made from, for
 * the escaping tests and their fuzz target
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <cmark-gfm.h>
#include <glib.h>

/* Appends the text of @node's inline content to @text: text literals, hard line breaks
 * as "\n". FALSE when anything else is inside (emphasis, code, links, HTML, soft breaks). */
gboolean tftsr_md_check_inline_text (cmark_node *node, GString *text);
/* The document parsed as documents are (tables, task lists, strikethrough). */
cmark_node *tftsr_md_check_parse (const char *markdown);

/* Whether @escaped (tftsr_md_append_line()) reads as exactly @expected, and nothing else,
 * as a table cell, a heading and a task list item. */
gboolean tftsr_md_check_line (const char *escaped, const char *expected);
/* Whether @escaped (tftsr_md_append_text()) reads as paragraphs whose text is @expected
 * (tftsr_md_plain_text()), and nothing else. */
gboolean tftsr_md_check_text (const char *escaped, const char *expected);
