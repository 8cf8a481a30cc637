/* tftsr-doc-confluence.h: a document in Confluence's storage format
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* @markdown (GitHub-flavoured, read as documents are: tables, task lists, strikethrough) as
 * the XHTML of Confluence's storage format, for a page's body: headings, paragraphs, lists,
 * task lists (ac:task-list), tables, code blocks as the `code` macro (the text in CDATA),
 * block quotes, rules, emphasis, inline code and http, https and mailto links. Raw HTML is
 * kept as text, never as markup; characters XML cannot carry become U+FFFD. Always
 * well-formed: any text is safe to pass. */
char *tftsr_doc_render_confluence (const char *markdown);

G_END_DECLS
