/* tftsr-doc-postmortem.c: the blameless post-mortem of an incident
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>

#include "tftsr-doc-private.h"

static void
section (GString *md, const char *heading, const char *prompt)
{
  tftsr_doc_heading (md, 2, heading);
  tftsr_doc_placeholder (md, prompt);
}

const char *
tftsr_doc_section_heading (TftsrDocSection section)
{
  switch (section)
    {
    case TFTSR_DOC_SECTION_SUMMARY:
      return _ ("Executive Summary");
    case TFTSR_DOC_SECTION_FACTORS:
      return _ ("Contributing Factors");
    case TFTSR_DOC_SECTION_ACTIONS:
    default:
      return _ ("Action Items");
    }
}

void
tftsr_doc_action_table_start (GString *md)
{
  const char *labels[] = {
    _ ("Priority"), _ ("Action"), _ ("Owner"), _ ("Due"), _ ("Status"), NULL
  };

  tftsr_doc_table_start (md, labels);
}

const char *
tftsr_doc_action_open_status (void)
{
  return _ ("Open");
}

/* The table with one row of prompts, for the author to copy per action. */
static void
action_items (GString *md)
{
  const char *prompts[] = { _ ("P1–P4"), _ ("Describe the action."), _ ("Who"), _ ("YYYY-MM-DD"),
                            tftsr_doc_action_open_status () };
  g_autoptr (GPtrArray) cells = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < G_N_ELEMENTS (prompts); i++)
    {
      GString *cell = g_string_new (NULL);

      tftsr_doc_append_placeholder (cell, prompts[i]);
      g_ptr_array_add (cells, g_string_free (cell, FALSE));
    }
  tftsr_doc_action_table_start (md);
  tftsr_doc_table_row_md (md, (const char *const *) cells->pdata, cells->len);
  g_string_append_c (md, '\n');
}

char *
tftsr_doc_build_postmortem (const TftsrDocSource *source)
{
  GString *md = g_string_new (NULL);
  g_autofree char *title = tftsr_doc_build_title (TFTSR_DOC_POSTMORTEM, source->issue);

  tftsr_doc_heading (md, 1, title);
  tftsr_doc_paragraph (md, _ ("This review is blameless: it looks for the conditions and "
                              "decisions that let the incident happen, not for someone to "
                              "blame."));
  tftsr_doc_heading (md, 2, _ ("Metadata"));
  tftsr_doc_write_summary (md, source);
  section (md, tftsr_doc_section_heading (TFTSR_DOC_SECTION_SUMMARY),
           _ ("Summarise in a few sentences what happened, its impact, and how it was "
              "resolved."));
  tftsr_doc_heading (md, 2, _ ("Impact"));
  tftsr_doc_write_metrics (md, source);
  tftsr_doc_placeholder (md, _ ("Describe the customer impact: who was affected, how, and for "
                                "how long."));
  tftsr_doc_heading (md, 2, _ ("Timeline"));
  tftsr_doc_write_timeline (md, source);
  tftsr_doc_heading (md, 2, _ ("Root Cause Analysis"));
  tftsr_doc_heading (md, 3, _ ("5 Whys"));
  tftsr_doc_write_whys (md, source, 4);
  tftsr_doc_heading (md, 3, _ ("Root Cause"));
  tftsr_doc_write_root_cause (md, source);
  tftsr_doc_write_findings (md, source, 3);
  section (md, tftsr_doc_section_heading (TFTSR_DOC_SECTION_FACTORS),
           _ ("List the conditions that made the incident possible or worse: load, "
              "configuration, missing alerts, gaps in process."));
  section (md, _ ("What Went Well"), _ ("What helped detect, understand or fix the incident?"));
  section (md, _ ("What Could Be Improved"),
           _ ("What slowed the response down, or made it harder?"));
  tftsr_doc_heading (md, 2, tftsr_doc_section_heading (TFTSR_DOC_SECTION_ACTIONS));
  action_items (md);
  tftsr_doc_heading (md, 2, _ ("Appendix: Logs"));
  tftsr_doc_write_logs (md, source);
  return g_string_free (md, FALSE);
}
