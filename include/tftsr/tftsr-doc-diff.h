/* tftsr-doc-diff.h: what changed between two revisions of a document, line by line
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  TFTSR_DIFF_SAME,
  TFTSR_DIFF_REMOVED, /* only in the old text */
  TFTSR_DIFF_ADDED,   /* only in the new text */
} TftsrDiffOp;

typedef struct
{
  TftsrDiffOp op;
  guint old_line; /* 1-based; 0 for an added line */
  guint new_line; /* 1-based; 0 for a removed line */
  char *text;     /* without its newline */
} TftsrDiffLine;

void tftsr_diff_line_free (TftsrDiffLine *line);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrDiffLine, tftsr_diff_line_free)

/* Every line of @old_text and @new_text in order, each marked same, removed or added: a
 * longest common subsequence of lines, removals before additions where they meet. Lines
 * end at "\n"; a missing newline at the end is not a difference. Past
 * TFTSR_DIFF_MAX_CELLS (the lines that differ in the old text times those in the new,
 * after the common beginning and end) the part between is shown as all removed, then all
 * added: still correct, but not minimal. */
#define TFTSR_DIFF_MAX_CELLS (G_GUINT64_CONSTANT (1) << 22)
GPtrArray *tftsr_diff_lines (const char *old_text, const char *new_text);

/* The differences in unified format: "--- @old_label", "+++ @new_label", then hunks
 * ("@@ -3,7 +3,8 @@") with @context lines of context around changes. "" when the texts
 * have the same lines. */
char *tftsr_diff_unified (const char *old_text, const char *new_text, const char *old_label,
                          const char *new_label, guint context);

G_END_DECLS
