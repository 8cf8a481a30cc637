/* tftsr-triage-display.c: a reply's display text while it streams in
 *
 * A model's pieces cut text anywhere, also inside "<HOSTNAME_1>" or "[[WHY 1: …]]". Lines
 * that are complete are stripped of markers and revealed once, as the whole reply will be;
 * of the line still arriving only what can no longer turn into a token or a marker is
 * shown, its complete tokens revealed. The pseudonyms are read from the store only when
 * the text holds a "<".
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "tftsr-pii-review.h"
#include "tftsr-triage-private.h"

struct _TftsrTriageDisplay
{
  TftsrStore *store;
  gint64 issue_id;
  GString *line;      /* the line still arriving, as it came */
  GString *text;      /* what is shown: the complete lines, then the part of the line */
  gsize complete_len; /* bytes of text that are complete lines */
};

TftsrTriageDisplay *
tftsr_triage_display_new (TftsrStore *store, gint64 issue_id)
{
  TftsrTriageDisplay *display;

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);

  display = g_new0 (TftsrTriageDisplay, 1);
  display->store = g_object_ref (store);
  display->issue_id = issue_id;
  display->line = g_string_new (NULL);
  display->text = g_string_new (NULL);
  return display;
}

void
tftsr_triage_display_free (TftsrTriageDisplay *display)
{
  if (display == NULL)
    return;
  g_object_unref (display->store);
  g_string_free (display->line, TRUE);
  g_string_free (display->text, TRUE);
  g_free (display);
}

/* Appends @text with its pseudonyms revealed, or as it is when they cannot be read (the
 * first such failure in @error). */
static gboolean
append_revealed (TftsrTriageDisplay *display, const char *text, GError **error)
{
  GError *failure = NULL;
  g_autofree char *revealed =
      tftsr_store_reveal_pseudonyms (display->store, display->issue_id, text, &failure);

  g_string_append (display->text, revealed != NULL ? revealed : text);
  if (failure == NULL)
    return TRUE;
  g_propagate_error (error, failure);
  return FALSE;
}

/* Appends a complete line, unless it held nothing but markers. */
static gboolean
complete_line (TftsrTriageDisplay *display, const char *line, gsize len, gboolean last,
               GError **error)
{
  g_autoptr (GString) stripped = g_string_new (NULL);
  gboolean ok = TRUE;

  g_string_truncate (display->text, display->complete_len);
  if (tftsr_triage_strip_line (stripped, line, len))
    {
      ok = append_revealed (display, stripped->str, error);
      if (!last)
        g_string_append_c (display->text, '\n');
    }
  display->complete_len = display->text->len;
  return ok;
}

/* How much of the line still arriving is free of a pseudonym token that may not be
 * complete yet: "<" followed by nothing but what a token's name and number are made of. */
static gsize
token_free_prefix (const char *line, gsize len)
{
  const char *open = g_strrstr_len (line, (gssize) len, "<");
  const char *end = line + len;

  if (open == NULL)
    return len;
  if (open + 1 < end && !g_ascii_isupper (open[1]))
    return len;
  for (const char *p = open + 1; p < end; p++)
    if (!g_ascii_isupper (*p) && !g_ascii_isdigit (*p) && *p != '_')
      return len;
  return open - line;
}

gboolean
tftsr_triage_display_add (TftsrTriageDisplay *display, const char *text, gsize len, GError **error)
{
  g_autofree char *part = NULL;
  gboolean ok = TRUE;
  const char *nl;
  gsize shown;

  g_return_val_if_fail (display != NULL, FALSE);
  g_return_val_if_fail (text != NULL || len == 0, FALSE);

  g_string_append_len (display->line, text, (gssize) len);
  while ((nl = memchr (display->line->str, '\n', display->line->len)) != NULL)
    {
      gsize n = nl - display->line->str;

      ok = complete_line (display, display->line->str, n, FALSE, ok ? error : NULL) && ok;
      g_string_erase (display->line, 0, (gssize) n + 1);
    }
  shown = tftsr_triage_marker_free_prefix (display->line->str, display->line->len);
  shown = token_free_prefix (display->line->str, shown);
  g_string_truncate (display->text, display->complete_len);
  part = g_strndup (display->line->str, shown);
  return append_revealed (display, part, ok ? error : NULL) && ok;
}

gboolean
tftsr_triage_display_finish (TftsrTriageDisplay *display, GError **error)
{
  gboolean ok;
  gsize end;

  g_return_val_if_fail (display != NULL, FALSE);

  ok = complete_line (display, display->line->str, display->line->len, TRUE, error);
  g_string_truncate (display->line, 0);
  for (end = display->text->len; end > 0 && g_ascii_isspace (display->text->str[end - 1]); end--)
    ;
  g_string_truncate (display->text, end);
  display->complete_len = end;
  return ok;
}

const char *
tftsr_triage_display_get_text (TftsrTriageDisplay *display)
{
  g_return_val_if_fail (display != NULL, NULL);
  return display->text->str;
}
