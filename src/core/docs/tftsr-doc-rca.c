/* tftsr-doc-rca.c: the root cause analysis of an incident
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>

#include "tftsr-doc-private.h"

/* A task list of one open item: the prompt for the author's first action. */
static void
actions (GString *md, const char *heading, const char *prompt)
{
  tftsr_doc_heading (md, 3, heading);
  g_string_append (md, "- [ ] ");
  tftsr_doc_append_placeholder (md, prompt);
  g_string_append (md, "\n\n");
}

char *
tftsr_doc_build_rca (const TftsrDocSource *source)
{
  GString *md = g_string_new (NULL);
  g_autofree char *title = tftsr_doc_build_title (TFTSR_DOC_RCA, source->issue);

  tftsr_doc_heading (md, 1, title);
  tftsr_doc_heading (md, 2, _ ("Summary"));
  tftsr_doc_write_summary (md, source);
  tftsr_doc_heading (md, 2, _ ("Description"));
  tftsr_doc_text_or_placeholder (md, tftsr_issue_get_description (source->issue),
                                 _ ("Describe what happened, what users saw, and how it was "
                                    "noticed."));
  tftsr_doc_heading (md, 2, _ ("Timeline"));
  tftsr_doc_write_timeline (md, source);
  tftsr_doc_heading (md, 2, _ ("Metrics"));
  tftsr_doc_write_metrics (md, source);
  tftsr_doc_heading (md, 2, _ ("5 Whys"));
  tftsr_doc_write_whys (md, source, 3);
  tftsr_doc_heading (md, 2, _ ("Root Cause"));
  tftsr_doc_write_root_cause (md, source);
  tftsr_doc_heading (md, 2, _ ("Logs Analysed"));
  tftsr_doc_write_logs (md, source);
  tftsr_doc_write_findings (md, source, 3);
  tftsr_doc_heading (md, 2, _ ("Corrective Actions"));
  actions (md, _ ("Immediate"),
           _ ("What was done to restore service? Name the owner and the date."));
  actions (md, _ ("Long-term"),
           _ ("What will keep this from happening again? Name the owner and a due date."));
  tftsr_doc_heading (md, 2, _ ("Lessons Learned"));
  tftsr_doc_placeholder (md, _ ("What did the team learn? What would help next time?"));
  return g_string_free (md, FALSE);
}
