/* tftsr-md-escape.c: incident text into GitHub-flavoured Markdown, read back as typed
 *
 * Text is first made plain (valid UTF-8, control characters replaced, lines trimmed),
 * because a parser drops whitespace at the ends of lines and cells, and then only the
 * characters that could mean something there are backslash-escaped:
 *  - anywhere: \ ` * ~ [ ] < & |  (escapes, code, emphasis, strikethrough, links, raw
 *    HTML and autolinks, entities, table cells);
 *  - _ unless a letter or digit stands on both sides (such a _ never delimits emphasis,
 *    so snake_case identifiers stay readable);
 *  - # at the start of a line (heading) or ending one (a heading's closing sequence);
 *  - at the start of a line: - + = > : (lists, setext underlines, quotes, a table's
 *    delimiter row) and the . or ) after leading digits (ordered lists).
 * Leading indentation is gone with the trimming, so no line becomes indented code.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "tftsr-md-escape.h"

#define REPLACEMENT "\xef\xbf\xbd"

/* @text as valid UTF-8, split into lines at CR LF, CR and LF; control characters other
 * than tab become U+FFFD. */
static GStrv
split_lines (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text != NULL ? text : "", -1);
  g_autoptr (GStrvBuilder) lines = g_strv_builder_new ();
  g_autoptr (GString) line = g_string_new (NULL);

  for (const char *p = valid; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if (c == '\r' || c == '\n')
        {
          if (c == '\r' && p[1] == '\n')
            p++;
          g_strv_builder_add (lines, line->str);
          g_string_truncate (line, 0);
        }
      else if ((c < 0x20 && c != '\t') || c == 0x7f)
        g_string_append (line, REPLACEMENT);
      else
        g_string_append_c (line, (char) c);
    }
  g_strv_builder_add (lines, line->str);
  return g_strv_builder_end (lines);
}

/* Spaces and tabs removed from both ends of @line, in place. */
static char *
trim (char *line)
{
  gsize len = strlen (line);
  gsize lead = strspn (line, " \t");

  while (len > lead && (line[len - 1] == ' ' || line[len - 1] == '\t'))
    len--;
  memmove (line, line + lead, len - lead);
  line[len - lead] = '\0';
  return line;
}

char *
tftsr_md_plain_line (const char *text)
{
  g_auto (GStrv) lines = split_lines (text);
  char *joined = g_strjoinv (" ", lines);

  return trim (joined);
}

/* Whether the _ at @p has a letter or digit on both sides. */
static gboolean
intraword (const char *line, const char *p)
{
  const char *before = g_utf8_find_prev_char (line, p);

  return before != NULL && g_unichar_isalnum (g_utf8_get_char (before)) &&
         g_unichar_isalnum (g_utf8_get_char (p + 1));
}

/* Whether the ASCII character at @p of @line (plain, one line) needs a backslash. */
static gboolean
needs_escape (const char *line, const char *p)
{
  switch (*p)
    {
    case '\\':
    case '`':
    case '*':
    case '~':
    case '[':
    case ']':
    case '<':
    case '&':
    case '|':
      return TRUE;
    case '_':
      return !intraword (line, p);
    case '#':
      return p == line || p[strspn (p, "#")] == '\0';
    case '-':
    case '+':
    case '=':
    case '>':
    case ':':
      return p == line;
    case '.':
    case ')':
      return p > line && strspn (line, "0123456789") == (gsize) (p - line);
    default:
      return FALSE;
    }
}

/* Appends @line (plain: one line, trimmed, valid UTF-8) escaped. */
static void
escape_plain_line (GString *out, const char *line)
{
  for (const char *p = line; *p != '\0'; p++)
    {
      if (needs_escape (line, p))
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }
}

void
tftsr_md_append_line (GString *out, const char *text)
{
  g_autofree char *line = tftsr_md_plain_line (text);

  g_return_if_fail (out != NULL);
  escape_plain_line (out, line);
}

/* Calls @emit for each paragraph's lines of @text, trimmed and not blank. */
typedef void (*ParagraphFunc) (GString *out, GPtrArray *lines);

static void
each_paragraph (const char *text, ParagraphFunc emit, GString *out)
{
  g_auto (GStrv) lines = split_lines (text);
  g_autoptr (GPtrArray) paragraph = g_ptr_array_new ();

  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = trim (lines[i]);

      if (*line != '\0')
        g_ptr_array_add (paragraph, line);
      if ((*line == '\0' || lines[i + 1] == NULL) && paragraph->len > 0)
        {
          emit (out, paragraph);
          g_ptr_array_set_size (paragraph, 0);
        }
    }
}

static void
plain_paragraph (GString *out, GPtrArray *lines)
{
  if (out->len > 0)
    g_string_append (out, "\n\n");
  for (guint i = 0; i < lines->len; i++)
    {
      if (i > 0)
        g_string_append_c (out, '\n');
      g_string_append (out, lines->pdata[i]);
    }
}

char *
tftsr_md_plain_text (const char *text)
{
  GString *out = g_string_new (NULL);

  each_paragraph (text, plain_paragraph, out);
  return g_string_free (out, FALSE);
}

/* Lines end in a backslash, a hard line break; the paragraph in a blank line, which
 * separates it from the next one. */
static void
escaped_paragraph (GString *out, GPtrArray *lines)
{
  for (guint i = 0; i < lines->len; i++)
    {
      escape_plain_line (out, lines->pdata[i]);
      g_string_append (out, i + 1 < lines->len ? "\\\n" : "\n");
    }
  g_string_append_c (out, '\n');
}

void
tftsr_md_append_text (GString *out, const char *text)
{
  gsize start;

  g_return_if_fail (out != NULL);
  start = out->len;
  each_paragraph (text, escaped_paragraph, out);
  /* What follows the last paragraph is the caller's to write. */
  if (out->len > start)
    g_string_truncate (out, out->len - 2);
}
