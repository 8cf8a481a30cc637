/* tftsr-fts-query.h: turns what a person types into a safe FTS5 MATCH expression
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

/* Words match as prefixes ("db" finds "database"), "quoted phrases" match as phrases
 * when the quote is closed, -word excludes, OR between two terms makes alternatives.
 * Every term is emitted as a quoted FTS5 string, so no input can reach FTS5's own
 * syntax: column filters, NEAR, ^, parentheses and stray quotes are searched as text.
 * Returns NULL when nothing searchable remains (only punctuation, only exclusions). */
char *tftsr_fts_query_build (const char *text);

/* At most this many terms are used; the rest of a longer query is ignored. */
#define TFTSR_FTS_MAX_TERMS 32
