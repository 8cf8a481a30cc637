/* tftsr-triage-marker.c: the marker lines a model ends its replies with
 *
 * Models follow the protocol loosely: they change case, number the why as "#2" or "2/5",
 * wrap the marker in markdown bold, drop the closing brackets, or add a sentence after it.
 * All of that is read; anything less than a keyword, a number in 1..5 (for a why) and a
 * text is not a marker, and a reply without one leaves the state alone. Only the last
 * lines count, so a model quoting the protocol in its answer does not move the chain.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "tftsr-triage-private.h"

TftsrTriageMarker *
tftsr_triage_marker_new (TftsrTriageMarkerKind kind, guint why, const char *text,
                         const char *evidence)
{
  TftsrTriageMarker *marker = g_new0 (TftsrTriageMarker, 1);

  marker->kind = kind;
  marker->why = why;
  marker->text = g_strdup (text);
  marker->evidence = evidence != NULL && *evidence != '\0' ? g_strdup (evidence) : NULL;
  return marker;
}

void
tftsr_triage_marker_free (TftsrTriageMarker *marker)
{
  if (marker == NULL)
    return;
  g_free (marker->text);
  g_free (marker->evidence);
  g_free (marker);
}

/* --- scanning one line ------------------------------------------------------------------- */

/* A line of the reply: [start, end), without its line break. */
typedef struct
{
  const char *start;
  const char *end;
} Line;

/* A marker found in a line and the bytes it covers, emphasis around it included. */
typedef struct
{
  const char *start;
  const char *end;
  TftsrTriageMarker *marker;
} Found;

static gboolean
is_space (char c)
{
  return c == ' ' || c == '\t';
}

static const char *
skip_spaces (const char *p, const char *end)
{
  while (p < end && is_space (*p))
    p++;
  return p;
}

/* Spaces and markdown emphasis: "**", "__". */
static const char *
skip_emphasis (const char *p, const char *end)
{
  while (p < end && (is_space (*p) || *p == '*' || *p == '_'))
    p++;
  return p;
}

static gboolean
match_word (const char **p, const char *end, const char *word)
{
  gsize len = strlen (word);

  if ((gsize) (end - *p) < len || g_ascii_strncasecmp (*p, word, len) != 0)
    return FALSE;
  *p += len;
  return TRUE;
}

static gboolean
match_number (const char **p, const char *end, guint *value)
{
  const char *q = *p;
  guint v = 0;

  while (q < end && g_ascii_isdigit (*q) && q - *p < 3)
    v = v * 10 + (guint) (*q++ - '0');
  if (q == *p || (q < end && g_ascii_isdigit (*q)))
    return FALSE;
  *p = q;
  *value = v;
  return TRUE;
}

/* "2", "#2", "2/5", "2 of 5". */
static gboolean
match_why_number (const char **p, const char *end, guint *n)
{
  const char *q = skip_spaces (*p, end);
  const char *r;
  guint total;

  if (q < end && *q == '#')
    q = skip_spaces (q + 1, end);
  if (!match_number (&q, end, n))
    return FALSE;
  r = skip_spaces (q, end);
  if (r < end && *r == '/')
    r++;
  else if (!match_word (&r, end, "of"))
    r = NULL;
  if (r != NULL)
    {
      r = skip_spaces (r, end);
      if (match_number (&r, end, &total))
        q = r;
    }
  *p = q;
  return TRUE;
}

/* "WHY 2" or "ROOT CAUSE" (also ROOT_CAUSE, ROOT-CAUSE, ROOTCAUSE). */
static gboolean
match_keyword (const char **p, const char *end, TftsrTriageMarkerKind *kind, guint *n)
{
  const char *q = *p;

  if (match_word (&q, end, "why"))
    {
      *kind = TFTSR_TRIAGE_MARKER_WHY;
      if (!match_why_number (&q, end, n))
        return FALSE;
    }
  else if (match_word (&q, end, "root"))
    {
      *kind = TFTSR_TRIAGE_MARKER_ROOT_CAUSE;
      *n = 0;
      if (q < end && (is_space (*q) || *q == '_' || *q == '-'))
        q = skip_spaces (q + 1, end);
      if (!match_word (&q, end, "cause"))
        return FALSE;
    }
  else
    return FALSE;
  *p = q;
  return TRUE;
}

/* ":" or a dash (and the like) between a keyword and its text, emphasis around it. */
static gboolean
match_separator (const char **p, const char *end)
{
  static const char *const separators[] = { ":", "–", "—", "-", ".", ")", "=" };
  const char *q = skip_emphasis (*p, end);

  for (guint i = 0; i < G_N_ELEMENTS (separators); i++)
    if (match_word (&q, end, separators[i]))
      {
        *p = skip_emphasis (q, end);
        return TRUE;
      }
  return FALSE;
}

/* Past an optional separator. */
static const char *
skip_separator (const char *p, const char *end)
{
  if (!match_separator (&p, end))
    p = skip_emphasis (p, end);
  return p;
}

/* Where the marker's text ends: at the bracket that closes the marker (brackets inside
 * the text may nest), or at the end of the line when it was left open. @after is past
 * the closing bracket(s). */
static const char *
text_end (const char *p, const char *end, const char **after)
{
  int depth = 0;

  for (; p < end; p++)
    if (*p == '[')
      depth++;
    else if (*p == ']' && depth > 0)
      depth--;
    else if (*p == ']')
      {
        *after = p + 1 < end && p[1] == ']' ? p + 2 : p + 1;
        return p;
      }
  *after = end;
  return end;
}

/* A copy of [start, end) without surrounding spaces and emphasis, or NULL if empty. */
static char *
trimmed (const char *start, const char *end)
{
  while (start < end && (g_ascii_isspace (*start) || *start == '*'))
    start++;
  while (end > start && (g_ascii_isspace (end[-1]) || end[-1] == '*'))
    end--;
  return end > start ? g_strndup (start, end - start) : NULL;
}

/* Splits "answer | evidence: what shows it". */
static void
split_evidence (const char *start, const char *end, char **text, char **evidence)
{
  for (const char *bar = start; (bar = memchr (bar, '|', end - bar)) != NULL; bar++)
    {
      const char *q = skip_emphasis (bar + 1, end);

      if (!match_word (&q, end, "evidence"))
        continue;
      *text = trimmed (start, bar);
      *evidence = trimmed (skip_separator (q, end), end);
      return;
    }
  *text = trimmed (start, end);
  *evidence = NULL;
}

/* A marker opening at the bracket @open, or FALSE. @found->start comes in as how far back
 * emphasis before the bracket may be taken into the marker's bytes. */
static gboolean
scan_marker (const char *open, const char *end, Found *found)
{
  const char *p = open + 1;
  const char *after;
  const char *stop;
  TftsrTriageMarkerKind kind;
  g_autofree char *text = NULL;
  g_autofree char *evidence = NULL;
  guint n = 0;

  if (p < end && *p == '[')
    p++;
  p = skip_emphasis (p, end);
  if (!match_keyword (&p, end, &kind, &n) || (kind == TFTSR_TRIAGE_MARKER_WHY && (n < 1 || n > 5)))
    return FALSE;
  p = skip_separator (p, end);
  stop = text_end (p, end, &after);
  split_evidence (p, stop, &text, &evidence);
  /* "[[WHY 2]]: the answer", but not "[[WHY 2:]] and more words" */
  if (text == NULL && stop < end && match_separator (&after, end))
    {
      split_evidence (after, end, &text, &evidence);
      after = end;
    }
  if (text == NULL)
    return FALSE;
  while (open > found->start && (open[-1] == '*' || open[-1] == '_'))
    open--;
  while (after < end && (*after == '*' || *after == '_'))
    after++;
  found->start = open;
  found->end = after;
  found->marker = tftsr_triage_marker_new (kind, n, text, evidence);
  return TRUE;
}

/* The markers of @line in order (Found). */
static GArray *
scan_line (Line line)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (Found));
  const char *p = line.start;

  while ((p = memchr (p, '[', line.end - p)) != NULL)
    {
      Found found = { out->len > 0 ? g_array_index (out, Found, out->len - 1).end : line.start,
                      NULL, NULL };

      if (scan_marker (p, line.end, &found))
        {
          g_array_append_val (out, found);
          p = found.end;
        }
      else
        p++;
    }
  return out;
}

/* The lines of @text; a trailing "\r" is not part of a line. */
static GArray *
split_lines (const char *text)
{
  GArray *lines = g_array_new (FALSE, FALSE, sizeof (Line));
  const char *p = text;

  for (;;)
    {
      const char *nl = strchr (p, '\n');
      Line line = { p, nl != NULL ? nl : p + strlen (p) };

      if (line.end > line.start && line.end[-1] == '\r')
        line.end--;
      g_array_append_val (lines, line);
      if (nl == NULL)
        return lines;
      p = nl + 1;
    }
}

static gboolean
is_blank (Line line)
{
  for (const char *p = line.start; p < line.end; p++)
    if (!g_ascii_isspace (*p))
      return FALSE;
  return TRUE;
}

GPtrArray *
tftsr_triage_parse_markers (const char *reply)
{
  g_autoptr (GArray) lines = NULL;
  GPtrArray *markers = g_ptr_array_new_with_free_func ((GDestroyNotify) tftsr_triage_marker_free);
  guint first, seen = 0;

  g_return_val_if_fail (reply != NULL, NULL);

  lines = split_lines (reply);
  for (first = lines->len; first > 0 && seen < TFTSR_TRIAGE_MARKER_LINES; first--)
    if (!is_blank (g_array_index (lines, Line, first - 1)))
      seen++;
  for (guint i = first; i < lines->len; i++)
    {
      g_autoptr (GArray) found = scan_line (g_array_index (lines, Line, i));

      for (guint j = 0; j < found->len; j++)
        g_ptr_array_add (markers, g_array_index (found, Found, j).marker);
    }
  return markers;
}

/* Appends @line without its markers; FALSE (nothing appended) when only markers and
 * emphasis were on it. */
static gboolean
append_stripped (GString *out, Line line)
{
  g_autoptr (GArray) found = scan_line (line);
  gsize mark = out->len;
  const char *p = line.start;

  if (found->len == 0)
    {
      g_string_append_len (out, line.start, line.end - line.start);
      return TRUE;
    }
  for (guint i = 0; i < found->len; i++)
    {
      Found *f = &g_array_index (found, Found, i);

      g_string_append_len (out, p, f->start - p);
      p = f->end;
      tftsr_triage_marker_free (f->marker);
    }
  g_string_append_len (out, p, line.end - p);
  for (gsize i = mark; i < out->len; i++)
    if (!g_ascii_isspace (out->str[i]) && out->str[i] != '*')
      return TRUE;
  g_string_truncate (out, mark);
  return FALSE;
}

gboolean
tftsr_triage_strip_line (GString *out, const char *line, gsize len)
{
  Line l = { line, line + len };

  if (l.end > l.start && l.end[-1] == '\r')
    l.end--;
  return append_stripped (out, l);
}

/* Whether @p, what follows a "[" in a line still arriving, may yet become a marker's
 * opening: another bracket, emphasis, then the start of "why" or "root". */
static gboolean
may_open_marker (const char *p, const char *end)
{
  static const char *const keywords[] = { "why", "root" };

  if (p < end && *p == '[')
    p++;
  p = skip_emphasis (p, end);
  for (guint i = 0; i < G_N_ELEMENTS (keywords); i++)
    {
      gsize n = MIN ((gsize) (end - p), strlen (keywords[i]));

      if (g_ascii_strncasecmp (p, keywords[i], n) == 0)
        return TRUE;
    }
  return FALSE;
}

gsize
tftsr_triage_marker_free_prefix (const char *line, gsize len)
{
  const char *end = line + len;

  for (const char *p = line; (p = memchr (p, '[', end - p)) != NULL; p++)
    if (may_open_marker (p + 1, end))
      {
        while (p > line && (p[-1] == '*' || p[-1] == '_'))
          p--;
        return p - line;
      }
  return len;
}

char *
tftsr_triage_strip_markers (const char *reply)
{
  g_autoptr (GArray) lines = NULL;
  GString *out;

  g_return_val_if_fail (reply != NULL, NULL);

  lines = split_lines (reply);
  out = g_string_sized_new (strlen (reply));
  for (guint i = 0; i < lines->len; i++)
    if (append_stripped (out, g_array_index (lines, Line, i)) && i + 1 < lines->len)
      g_string_append_c (out, '\n');
  return g_strchomp (g_string_free (out, FALSE));
}
