/* tftsr-line-splitter.c: cuts a byte stream that arrives in pieces of any size into lines
 *
 * Lines that lie whole inside a piece are handed out where they are, without a copy; only
 * the unfinished line at the end of a piece is kept, up to TFTSR_AI_MAX_MESSAGE bytes. Line
 * ends are found with memchr, and each search result is kept until it is passed, so every
 * byte is searched at most once per kind of line end.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>
#include <string.h>

#include "tftsr-ai-error.h"
#include "tftsr-line-splitter.h"

gboolean
tftsr_ai_message_too_large (GError **error)
{
  g_set_error_literal (error, TFTSR_AI_ERROR, TFTSR_AI_ERROR_MALFORMED,
                       _ ("The reply contained a message larger than 16 MiB"));
  return FALSE;
}

void
tftsr_line_splitter_init (TftsrLineSplitter *splitter, TftsrLineEnds ends, TftsrLineFunc func,
                          gpointer user_data)
{
  g_assert (func != NULL);

  *splitter = (TftsrLineSplitter){ .ends = ends, .func = func, .user_data = user_data };
  splitter->partial = g_byte_array_new ();
}

void
tftsr_line_splitter_clear (TftsrLineSplitter *splitter)
{
  g_clear_pointer (&splitter->partial, g_byte_array_unref);
}

/* Holds the start of a line until its end arrives, refusing to hold more than the cap. */
static gboolean
keep (TftsrLineSplitter *splitter, const guint8 *bytes, gsize len, GError **error)
{
  if (len > TFTSR_AI_MAX_MESSAGE - splitter->partial->len)
    return tftsr_ai_message_too_large (error);
  g_byte_array_append (splitter->partial, bytes, len);
  return TRUE;
}

/* Delivers a line whose end was found; its start may be held from earlier pieces. */
static gboolean
emit (TftsrLineSplitter *splitter, const guint8 *bytes, gsize len, GError **error)
{
  const guint8 *line = bytes;
  gboolean ok;

  if (splitter->partial->len > 0)
    {
      if (!keep (splitter, bytes, len, error))
        return FALSE;
      line = splitter->partial->data;
      len = splitter->partial->len;
    }
  else if (len > TFTSR_AI_MAX_MESSAGE)
    return tftsr_ai_message_too_large (error);

  if (splitter->ends == TFTSR_LINE_ENDS_LF && len > 0 && line[len - 1] == '\r')
    len--;
  ok = splitter->func ((const char *) line, len, splitter->user_data, error);
  g_byte_array_set_size (splitter->partial, 0);
  return ok;
}

/* The first @c at or after @p, or @end if there is none. @cached is the previous answer
 * (NULL for none yet), still right unless @p has moved past it. */
static const guint8 *
find (const guint8 *cached, const guint8 *p, const guint8 *end, int c)
{
  const guint8 *hit;

  if (cached != NULL && cached >= p)
    return cached;
  hit = memchr (p, c, end - p);
  return hit != NULL ? hit : end;
}

static gboolean
split (TftsrLineSplitter *splitter, const guint8 *p, const guint8 *end, GError **error)
{
  const guint8 *lf = NULL;
  const guint8 *cr = NULL;

  while (p < end)
    {
      const guint8 *eol;

      lf = find (lf, p, end, '\n');
      eol = lf;
      if (splitter->ends == TFTSR_LINE_ENDS_ANY)
        {
          cr = find (cr, p, end, '\r');
          eol = MIN (lf, cr);
        }
      if (eol == end)
        return keep (splitter, p, end - p, error);
      if (!emit (splitter, p, eol - p, error))
        return FALSE;
      p = eol + 1;
      /* A CRLF is one line end, even when the piece ends between the two. */
      if (*eol == '\r')
        {
          if (p == end)
            splitter->after_cr = TRUE;
          else if (*p == '\n')
            p++;
        }
    }
  return TRUE;
}

gboolean
tftsr_line_splitter_feed (TftsrLineSplitter *splitter, const guint8 *bytes, gsize len,
                          GError **error)
{
  if (len == 0)
    return TRUE;
  if (splitter->after_cr && bytes[0] == '\n')
    {
      bytes++;
      len--;
    }
  splitter->after_cr = FALSE;
  if (!split (splitter, bytes, bytes + len, error))
    {
      splitter->closed = TRUE;
      return FALSE;
    }
  return TRUE;
}

gboolean
tftsr_line_splitter_finish (TftsrLineSplitter *splitter, GError **error)
{
  splitter->closed = TRUE;
  return splitter->partial->len == 0 || emit (splitter, NULL, 0, error);
}
