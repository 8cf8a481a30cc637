/* tftsr-doc-html.h: a document as a standalone HTML page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* @markdown (GitHub-flavoured: tables, task lists, strikethrough) as one HTML file with
 * its style sheet embedded: UTF-8, @title as the page's title, light and dark colours
 * following the reader's preference, print-friendly (light, tables and code kept whole
 * on a page where they fit). Raw HTML in @markdown is left out and javascript:,
 * vbscript:, file: and data: links lose their target (cmark-gfm's safe mode). */
char *tftsr_doc_render_html (const char *markdown, const char *title);

G_END_DECLS
