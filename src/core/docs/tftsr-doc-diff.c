/* tftsr-doc-diff.c: line differences between two texts, as lines or in unified format
 *
 * The common beginning and end are taken off first (an edit usually touches a few lines
 * of a long document); a longest common subsequence of what remains comes from the
 * classic dynamic programme, with 16-bit lengths: the table is at most
 * TFTSR_DIFF_MAX_CELLS cells, so the shorter side has at most 2048 lines there.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "tftsr-doc-diff.h"

void
tftsr_diff_line_free (TftsrDiffLine *line)
{
  if (line == NULL)
    return;
  g_free (line->text);
  g_free (line);
}

/* The lines of @text, without their newlines; a last newline ends the last line rather
 * than starting an empty one. */
static GStrv
split (const char *text)
{
  gsize len = strlen (text);
  g_autofree char *body = g_strndup (text, len > 0 && text[len - 1] == '\n' ? len - 1 : len);

  return len == 0 ? g_new0 (char *, 1) : g_strsplit (body, "\n", -1);
}

typedef struct
{
  GStrv old_lines, new_lines;
  guint n_old, n_new;
  GPtrArray *out; /* TftsrDiffLine */
} Diff;

static void
emit (Diff *d, TftsrDiffOp op, guint old_index, guint new_index)
{
  TftsrDiffLine *line = g_new0 (TftsrDiffLine, 1);

  line->op = op;
  line->old_line = op == TFTSR_DIFF_ADDED ? 0 : old_index + 1;
  line->new_line = op == TFTSR_DIFF_REMOVED ? 0 : new_index + 1;
  line->text =
      g_strdup (op == TFTSR_DIFF_ADDED ? d->new_lines[new_index] : d->old_lines[old_index]);
  g_ptr_array_add (d->out, line);
}

/* Old lines [@i, @i_end) against new lines [@j, @j_end), which differ at both ends. */
static void
diff_middle (Diff *d, guint i, guint i_end, guint j, guint j_end)
{
  guint rows = i_end - i, cols = j_end - j;
  g_autofree guint16 *table = NULL;

  if ((guint64) (rows + 1) * (cols + 1) > TFTSR_DIFF_MAX_CELLS)
    {
      for (guint k = i; k < i_end; k++)
        emit (d, TFTSR_DIFF_REMOVED, k, j);
      for (guint k = j; k < j_end; k++)
        emit (d, TFTSR_DIFF_ADDED, i_end, k);
      return;
    }
  /* table[r][c]: the longest common subsequence of old lines i + r.. and new lines j + c.. */
  table = g_new0 (guint16, (gsize) (rows + 1) * (cols + 1));
#define AT(r, c) table[(gsize) (r) * (cols + 1) + (c)]
  for (guint r = rows; r-- > 0;)
    for (guint c = cols; c-- > 0;)
      AT (r, c) = g_str_equal (d->old_lines[i + r], d->new_lines[j + c])
                      ? AT (r + 1, c + 1) + 1
                      : MAX (AT (r + 1, c), AT (r, c + 1));
  for (guint r = 0, c = 0; r < rows || c < cols;)
    {
      if (r < rows && c < cols && g_str_equal (d->old_lines[i + r], d->new_lines[j + c]))
        emit (d, TFTSR_DIFF_SAME, i + r++, j + c++);
      else if (c == cols || (r < rows && AT (r + 1, c) >= AT (r, c + 1)))
        emit (d, TFTSR_DIFF_REMOVED, i + r++, j + c);
      else
        emit (d, TFTSR_DIFF_ADDED, i + r, j + c++);
    }
#undef AT
}

GPtrArray *
tftsr_diff_lines (const char *old_text, const char *new_text)
{
  g_auto (GStrv) old_lines = split (old_text != NULL ? old_text : "");
  g_auto (GStrv) new_lines = split (new_text != NULL ? new_text : "");
  Diff d = { old_lines, new_lines, g_strv_length (old_lines), g_strv_length (new_lines),
             g_ptr_array_new_with_free_func ((GDestroyNotify) tftsr_diff_line_free) };
  guint head = 0, tail = 0;

  while (head < d.n_old && head < d.n_new && g_str_equal (old_lines[head], new_lines[head]))
    head++;
  while (tail < d.n_old - head && tail < d.n_new - head &&
         g_str_equal (old_lines[d.n_old - 1 - tail], new_lines[d.n_new - 1 - tail]))
    tail++;
  for (guint k = 0; k < head; k++)
    emit (&d, TFTSR_DIFF_SAME, k, k);
  diff_middle (&d, head, d.n_old - tail, head, d.n_new - tail);
  for (guint k = tail; k > 0; k--)
    emit (&d, TFTSR_DIFF_SAME, d.n_old - k, d.n_new - k);
  return d.out;
}

/* "3,7", or "3" for a range of one line; an empty range names the line before it. */
static char *
range (guint first, guint count)
{
  if (count == 1)
    return g_strdup_printf ("%u", first);
  return g_strdup_printf ("%u,%u", count == 0 ? first - 1 : first, count);
}

/* Writes the hunk of lines [@start, @end) of @lines. */
static void
write_hunk (GString *out, GPtrArray *lines, guint start, guint end)
{
  static const char marks[] = { ' ', '-', '+' };
  guint old_before = 0, new_before = 0, old_count = 0, new_count = 0;
  g_autofree char *old_range = NULL;
  g_autofree char *new_range = NULL;

  for (guint k = 0; k < end; k++)
    {
      TftsrDiffOp op = ((TftsrDiffLine *) lines->pdata[k])->op;
      guint *old_side = k < start ? &old_before : &old_count;
      guint *new_side = k < start ? &new_before : &new_count;

      *old_side += op != TFTSR_DIFF_ADDED;
      *new_side += op != TFTSR_DIFF_REMOVED;
    }
  old_range = range (old_before + 1, old_count);
  new_range = range (new_before + 1, new_count);
  g_string_append_printf (out, "@@ -%s +%s @@\n", old_range, new_range);
  for (guint k = start; k < end; k++)
    {
      TftsrDiffLine *line = lines->pdata[k];

      g_string_append_printf (out, "%c%s\n", marks[line->op], line->text);
    }
}

char *
tftsr_diff_unified (const char *old_text, const char *new_text, const char *old_label,
                    const char *new_label, guint context)
{
  g_autoptr (GPtrArray) lines = tftsr_diff_lines (old_text, new_text);
  GString *out = g_string_new (NULL);
  guint k = 0;

  while (k < lines->len)
    {
      guint start, end, last_change;

      while (k < lines->len && ((TftsrDiffLine *) lines->pdata[k])->op == TFTSR_DIFF_SAME)
        k++;
      if (k == lines->len)
        break;
      if (out->len == 0)
        g_string_append_printf (out, "--- %s\n+++ %s\n", old_label, new_label);
      start = k > context ? k - context : 0;
      /* The hunk runs on while the next change is close enough for the context to join. */
      last_change = k;
      for (end = k; end < lines->len && end <= last_change + 2 * context + 1; end++)
        if (((TftsrDiffLine *) lines->pdata[end])->op != TFTSR_DIFF_SAME)
          last_change = end;
      end = MIN (last_change + context + 1, lines->len);
      write_hunk (out, lines, start, end);
      k = end;
    }
  return g_string_free (out, FALSE);
}
