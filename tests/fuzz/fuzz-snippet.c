/* fuzz-snippet.c: snippets with match markers become consistent ranges and markup
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdlib.h>
#include <string.h>

#include "tftsr-issue-private.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static void
check_markup (const char *markup)
{
  g_autoptr (GMarkupParseContext) context = NULL;
  static const GMarkupParser parser = { 0 };
  g_autofree char *wrapped = g_strconcat ("<m>", markup, "</m>", NULL);

  if (!g_utf8_validate (markup, -1, NULL))
    abort ();
  context = g_markup_parse_context_new (&parser, 0, NULL, NULL);
  if (!g_markup_parse_context_parse (context, wrapped, -1, NULL) ||
      !g_markup_parse_context_end_parse (context, NULL))
    abort ();
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autofree char *marked = g_strndup ((const char *) data, size);
  g_autoptr (TftsrIssue) issue = tftsr_issue_new_stored (1);
  g_autofree char *markup = NULL;
  const TftsrRange *ranges;
  guint n = 0, previous_end = 0;
  gsize len;

  tftsr_issue_set_marked_snippet (issue, marked);
  len = strlen (tftsr_issue_get_snippet (issue));
  ranges = tftsr_issue_get_snippet_highlights (issue, &n);
  for (guint i = 0; i < n; i++)
    {
      if (ranges[i].start < previous_end || ranges[i].end <= ranges[i].start || ranges[i].end > len)
        abort ();
      previous_end = ranges[i].end;
    }
  markup = tftsr_issue_dup_snippet_markup (issue);
  check_markup (markup);
  return 0;
}
