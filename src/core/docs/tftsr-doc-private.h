/* tftsr-doc-private.h: what the documents' builders, renderers and tests share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <cmark-gfm.h>

#include "tftsr-doc-builder.h"

/* A parser with the extensions documents are written in: tables, task lists and
 * strikethrough. Not autolink: it matches the raw text, where it would take an escape's
 * backslash into the link. */
cmark_parser *tftsr_doc_parser_new (void);
/* The code of the code block @node, without the newline before its closing fence. */
char *tftsr_doc_code_text (cmark_node *node);
/* The language of the fenced code block @node when it is a plain name ("sh", "c++"): at
 * most 20 letters, digits and characters of @punctuation, lowered; else NULL. */
char *tftsr_doc_code_language (cmark_node *node, const char *punctuation);

/* --- writing Markdown (tftsr-doc-sections.c) -------------------------------------------- */

/* "## @text", escaped, and a blank line. */
void tftsr_doc_heading (GString *md, guint level, const char *text);
/* The prompt for the author where the data has nothing: "_@prompt_", escaped. */
void tftsr_doc_append_placeholder (GString *md, const char *prompt);
/* A paragraph: the placeholder and a blank line. */
void tftsr_doc_placeholder (GString *md, const char *prompt);
/* @text's paragraphs (plain text, escaped) and a blank line. */
void tftsr_doc_paragraph (GString *md, const char *text);
/* @text's paragraphs, or the placeholder when it is blank; then a blank line. */
void tftsr_doc_text_or_placeholder (GString *md, const char *text, const char *prompt);
/* A table's header row (the NULL-terminated @labels) and its delimiter row. */
void tftsr_doc_table_start (GString *md, const char *const *labels);
/* A row of @n cells, each already Markdown. */
void tftsr_doc_table_row_md (GString *md, const char *const *cells, guint n);
/* A row of @n cells of plain text, escaped. */
void tftsr_doc_table_row (GString *md, const char *const *cells, guint n);
/* "2026-11-22 02:07 UTC" (with @zone) or "2026-11-22 02:07"; "—" for NULL; a value that
 * is no timestamp as it is. */
char *tftsr_doc_format_time (const char *iso8601, gboolean zone);

/* --- sections both documents have ------------------------------------------------------- */

/* The incident's facts: id, category, status, severity, source, owner, created, updated,
 * resolved. */
void tftsr_doc_write_summary (GString *md, const TftsrDocSource *source);
/* The timeline as a table of times and events (document events left out). */
void tftsr_doc_write_timeline (GString *md, const TftsrDocSource *source);
/* The metrics table and how they are measured. */
void tftsr_doc_write_metrics (GString *md, const TftsrDocSource *source);
/* The 5 Whys, one heading of @level per why. */
void tftsr_doc_write_whys (GString *md, const TftsrDocSource *source, guint level);
/* The root cause statement. */
void tftsr_doc_write_root_cause (GString *md, const TftsrDocSource *source);
/* The logs as a table: name, size, SHA-256 prefix, redaction state. */
void tftsr_doc_write_logs (GString *md, const TftsrDocSource *source);
/* What log analyses found, under a heading of @level; nothing without analyses. */
void tftsr_doc_write_findings (GString *md, const TftsrDocSource *source, guint level);

/* --- the post-mortem's sections an AI draft fills (tftsr-doc-postmortem.c) ------------- */

typedef enum
{
  TFTSR_DOC_SECTION_SUMMARY, /* Executive Summary */
  TFTSR_DOC_SECTION_FACTORS, /* Contributing Factors */
  TFTSR_DOC_SECTION_ACTIONS, /* Action Items */
} TftsrDocSection;

#define TFTSR_DOC_N_DRAFT_SECTIONS 3

/* The section's heading (level 2), as the post-mortem writes it. */
const char *tftsr_doc_section_heading (TftsrDocSection section);
/* The action items table's header: priority, action, owner, due, status. */
void tftsr_doc_action_table_start (GString *md);
/* "Open": the status of a new action item. */
const char *tftsr_doc_action_open_status (void);

/* The two documents (tftsr-doc-rca.c, tftsr-doc-postmortem.c). */
char *tftsr_doc_build_rca (const TftsrDocSource *source);
char *tftsr_doc_build_postmortem (const TftsrDocSource *source);
