/* tftsr-adf-private.h: Markdown as Atlassian Document Format, the rich text of Jira Cloud's
 * REST v3 (descriptions, comments)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tftsr-json-private.h"

G_BEGIN_DECLS

/* @markdown (GitHub-flavoured; any text, NULL as "") as an ADF document:
 * {"type": "doc", "version": 1, "content": [...]}. Paragraphs, headings, bullet and ordered
 * lists (nested up to TFTSR_ADF_MAX_LIST_DEPTH; deeper items join their parent's item),
 * code blocks with their language, block quotes, tables, rules, hard breaks and the marks
 * strong, em, strike, code and link (http, https and mailto only). What ADF does not allow
 * where it stands (a heading in a list item, a table in a quote…) is written as paragraphs,
 * and anything else as its text: the document is always one Jira accepts (no empty text
 * node, code combined with no mark but link, a list item opening with a paragraph). */
json_object *tftsr_adf_from_markdown (const char *markdown);

/* The same as a compact JSON string. */
char *tftsr_adf_to_string (const char *markdown);

#define TFTSR_ADF_MAX_LIST_DEPTH 6

G_END_DECLS
