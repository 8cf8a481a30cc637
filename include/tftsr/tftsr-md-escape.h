/* tftsr-md-escape.h: incident text written into GitHub-flavoured Markdown so that it reads
 * exactly as typed
 *
 * A title, a description or an answer may hold anything: "|", "#", "1.", "<script>",
 * backticks, "&amp;", brackets. Written into a document unescaped, such text would end a
 * table cell, open a heading, a list, a code span, a link or raw HTML. These functions
 * write it so that a GFM parser (tables, task lists, strikethrough) reads back the text
 * itself and nothing else. Escapes are kept to what is needed, so the Markdown stays
 * readable for the author who edits it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What a reader sees of @text on one line: invalid UTF-8 and control characters (other
 * than tab) as U+FFFD, each line break (CR LF, CR or LF) as one space, no spaces or tabs
 * at either end. */
char *tftsr_md_plain_line (const char *text);

/* Appends @text as inline Markdown that reads as tftsr_md_plain_line (@text) wherever a
 * line of text goes: a table cell, a heading, a list item, after a label. Nothing in it
 * opens a block, emphasis, code, a link, HTML or an entity, and no "|" in it ends a table
 * cell. */
void tftsr_md_append_line (GString *out, const char *text);

/* What a reader sees of @text as paragraphs: each line as tftsr_md_plain_line() shows
 * it, lines within a paragraph joined by "\n", paragraphs by "\n\n" (runs of blank lines
 * are one paragraph break); blank lines at either end dropped. */
char *tftsr_md_plain_text (const char *text);

/* Appends @text as paragraphs that read as tftsr_md_plain_text (@text): each line of a
 * paragraph but the last ends in a hard line break, and paragraphs are separated by a
 * blank line; the caller ends the last one. Appends nothing when @text is blank. */
void tftsr_md_append_text (GString *out, const char *text);

G_END_DECLS
