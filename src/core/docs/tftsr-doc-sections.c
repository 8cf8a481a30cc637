/* tftsr-doc-sections.c: the Markdown both documents are made of: headings, tables,
 * prompts for the author, and the sections filled from the incident's data
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>

#include "tftsr-doc-private.h"
#include "tftsr-log-analysis.h"
#include "tftsr-md-escape.h"
#include "tftsr-timeline-event.h"

/* Of a log's SHA-256, this many hex digits tell logs apart in a table. */
#define SHA256_PREFIX 16

/* --- building blocks --------------------------------------------------------------------- */

void
tftsr_doc_heading (GString *md, guint level, const char *text)
{
  for (guint i = 0; i < level; i++)
    g_string_append_c (md, '#');
  g_string_append_c (md, ' ');
  tftsr_md_append_line (md, text);
  g_string_append (md, "\n\n");
}

void
tftsr_doc_append_placeholder (GString *md, const char *prompt)
{
  g_string_append_c (md, '_');
  tftsr_md_append_line (md, prompt);
  g_string_append_c (md, '_');
}

void
tftsr_doc_placeholder (GString *md, const char *prompt)
{
  tftsr_doc_append_placeholder (md, prompt);
  g_string_append (md, "\n\n");
}

void
tftsr_doc_table_row_md (GString *md, const char *const *cells, guint n)
{
  g_string_append_c (md, '|');
  for (guint i = 0; i < n; i++)
    g_string_append_printf (md, " %s |", cells[i]);
  g_string_append_c (md, '\n');
}

void
tftsr_doc_table_row (GString *md, const char *const *cells, guint n)
{
  g_autoptr (GPtrArray) escaped = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < n; i++)
    {
      GString *cell = g_string_new (NULL);

      tftsr_md_append_line (cell, cells[i]);
      g_ptr_array_add (escaped, g_string_free (cell, FALSE));
    }
  tftsr_doc_table_row_md (md, (const char *const *) escaped->pdata, n);
}

void
tftsr_doc_table_start (GString *md, const char *const *labels)
{
  guint n = g_strv_length ((char **) labels);

  tftsr_doc_table_row (md, labels, n);
  g_string_append_c (md, '|');
  for (guint i = 0; i < n; i++)
    g_string_append (md, " --- |");
  g_string_append_c (md, '\n');
}

/* "**@label:** " starting a paragraph. */
static void
label_start (GString *md, const char *text)
{
  g_string_append (md, "**");
  tftsr_md_append_line (md, text);
  g_string_append (md, ":** ");
}

void
tftsr_doc_paragraph (GString *md, const char *text)
{
  tftsr_md_append_text (md, text);
  g_string_append (md, "\n\n");
}

void
tftsr_doc_text_or_placeholder (GString *md, const char *text, const char *prompt)
{
  gsize before = md->len;

  tftsr_md_append_text (md, text);
  if (md->len == before)
    tftsr_doc_append_placeholder (md, prompt);
  g_string_append (md, "\n\n");
}

/* A paragraph "**@name:** @text", or "**@name:** _@prompt_" when @text is blank; nothing
 * for a blank @text without a prompt. */
static void
labelled_text (GString *md, const char *name, const char *text, const char *prompt)
{
  g_autofree char *plain = prompt == NULL ? tftsr_md_plain_text (text) : NULL;

  if (plain != NULL && *plain == '\0')
    return;
  label_start (md, name);
  tftsr_doc_text_or_placeholder (md, text, prompt);
}

/* --- sections ------------------------------------------------------------------------------ */

static void
fact (GString *md, const char *label, const char *value)
{
  const char *cells[] = { label, value != NULL && *value != '\0' ? value : "—" };

  tftsr_doc_table_row (md, cells, G_N_ELEMENTS (cells));
}

static void
time_fact (GString *md, const char *label, const char *iso8601)
{
  g_autofree char *shown = tftsr_doc_format_time (iso8601, TRUE);

  fact (md, label, shown);
}

void
tftsr_doc_write_summary (GString *md, const TftsrDocSource *source)
{
  const char *labels[] = { _ ("Field"), _ ("Value"), NULL };
  TftsrIssue *issue = source->issue;
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, tftsr_issue_get_id (issue));

  tftsr_doc_table_start (md, labels);
  fact (md, _ ("Incident"), id);
  fact (md, _ ("Category"), tftsr_category_get_label (tftsr_issue_get_category (issue)));
  fact (md, _ ("Status"), tftsr_status_get_label (tftsr_issue_get_status (issue)));
  fact (md, _ ("Severity"), tftsr_severity_get_label (tftsr_issue_get_severity (issue)));
  fact (md, _ ("Source"), tftsr_issue_get_source (issue));
  fact (md, _ ("Owner"), tftsr_issue_get_owner (issue));
  time_fact (md, _ ("Created"), tftsr_issue_get_created_at (issue));
  time_fact (md, _ ("Updated"), tftsr_issue_get_updated_at (issue));
  time_fact (md, _ ("Resolved"), tftsr_issue_get_resolved_at (issue));
  g_string_append_c (md, '\n');
}

/* A document's own events would only record that documents were written. */
static gboolean
about_documents (TftsrTimelineEvent *event)
{
  TftsrTimelineKind kind = tftsr_timeline_event_get_kind (event);

  return kind == TFTSR_TIMELINE_DOCUMENT_GENERATED || kind == TFTSR_TIMELINE_DOCUMENT_EXPORTED;
}

void
tftsr_doc_write_timeline (GString *md, const TftsrDocSource *source)
{
  const char *labels[] = { _ ("Time (UTC)"), _ ("Event"), NULL };

  tftsr_doc_table_start (md, labels);
  for (guint i = 0; i < source->timeline->len; i++)
    {
      TftsrTimelineEvent *event = source->timeline->pdata[i];
      g_autofree char *time = NULL;
      g_autofree char *text = NULL;

      if (about_documents (event))
        continue;
      time = tftsr_doc_format_time (tftsr_timeline_event_get_created_at (event), FALSE);
      text = tftsr_timeline_event_describe (event);
      tftsr_doc_table_row (md, (const char *const[]){ time, text }, 2);
    }
  g_string_append_c (md, '\n');
}

static void
metric (GString *md, const char *label, gint64 seconds)
{
  g_autofree char *value = tftsr_doc_format_duration (seconds);

  fact (md, label, value);
}

void
tftsr_doc_write_metrics (GString *md, const TftsrDocSource *source)
{
  const char *labels[] = { _ ("Metric"), _ ("Value"), NULL };
  TftsrDocMetrics m;

  tftsr_doc_compute_metrics (source->issue, source->timeline, &m);
  tftsr_doc_table_start (md, labels);
  metric (md, _ ("Time to detect"), m.to_detect);
  metric (md, _ ("Time to root cause"), m.to_root_cause);
  metric (md, _ ("Time to resolve"), m.to_resolve);
  metric (md, _ ("Total duration"), m.duration);
  g_string_append_c (md, '\n');
  tftsr_doc_paragraph (md, _ ("Measured from the incident's creation: detection is the first "
                              "status change from Open, the root cause is when the 5 Whys "
                              "identified it, resolution is when the incident was last resolved "
                              "or closed, and the duration runs until it was closed (or else "
                              "resolved). A dash means the timeline does not tell yet."));
}

static void
write_why (GString *md, const TftsrTriageWhy *why, guint level)
{
  g_autofree char *heading = g_strdup_printf (_ ("Why %u"), why->n);

  tftsr_doc_heading (md, level, heading);
  labelled_text (md, _ ("Question"), why->question, NULL);
  labelled_text (md, _ ("Answer"), why->answer, _ ("Answer this why."));
  labelled_text (md, _ ("Evidence"), why->evidence,
                 _ ("Add the evidence: log lines, graphs, commands and what they showed."));
}

void
tftsr_doc_write_whys (GString *md, const TftsrDocSource *source, guint level)
{
  GPtrArray *whys = source->triage->whys;

  if (whys->len == 0)
    tftsr_doc_placeholder (md, _ ("Work through the 5 Whys in the incident's Triage view, or "
                                  "write each why here with its answer and evidence."));
  for (guint i = 0; i < whys->len; i++)
    write_why (md, whys->pdata[i], level);
}

void
tftsr_doc_write_root_cause (GString *md, const TftsrDocSource *source)
{
  tftsr_doc_text_or_placeholder (md, source->triage->root_cause,
                                 _ ("State the root cause: the underlying condition that, once "
                                    "removed, keeps this from happening again."));
}

static char *
redaction_state (const TftsrDocLog *log)
{
  if (log->detections == 0)
    return g_strdup (_ ("Nothing detected"));
  if (log->released == 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u detection, all redacted",
                                         "%u detections, all redacted", log->detections),
                            log->detections);
  /* Translators: "12 detections; 2 values released" (shown as they are) */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u detections; %u value released",
                                       "%u detections; %u values released", log->released),
                          log->detections, log->released);
}

void
tftsr_doc_write_logs (GString *md, const TftsrDocSource *source)
{
  const char *labels[] = { _ ("Log"), _ ("Size"), _ ("SHA-256"), _ ("Redaction"), NULL };

  if (source->logs->len == 0)
    {
      tftsr_doc_paragraph (md, _ ("No logs were attached to this incident."));
      return;
    }
  tftsr_doc_table_start (md, labels);
  for (guint i = 0; i < source->logs->len; i++)
    {
      const TftsrDocLog *log = source->logs->pdata[i];
      g_autofree char *size = g_format_size (log->size);
      g_autofree char *sha = g_strdup_printf ("%.*s…", SHA256_PREFIX, log->sha256);
      g_autofree char *state = redaction_state (log);

      tftsr_doc_table_row (md, (const char *const[]){ log->name, size, sha, state }, 4);
    }
  g_string_append_c (md, '\n');
}

static void
write_analysis (GString *md, const TftsrLogAnalysis *analysis)
{
  g_autofree char *when = tftsr_doc_format_time (analysis->created_at, TRUE);
  /* Translators: who analysed the logs and when: "ollama (llama3.1:8b), 2026-11-22 02:07 UTC" */
  g_autofree char *by =
      g_strdup_printf (_ ("%s (%s), %s"), analysis->provider, analysis->model, when);

  label_start (md, by);
  tftsr_doc_paragraph (md, analysis->summary);
  for (guint i = 0; i < analysis->findings->len; i++)
    {
      g_string_append (md, "- ");
      tftsr_md_append_line (md, analysis->findings->pdata[i]);
      g_string_append_c (md, '\n');
    }
  if (analysis->findings->len > 0)
    g_string_append_c (md, '\n');
}

void
tftsr_doc_write_findings (GString *md, const TftsrDocSource *source, guint level)
{
  if (source->analyses->len == 0)
    return;
  tftsr_doc_heading (md, level, _ ("Findings from Log Analysis"));
  tftsr_doc_paragraph (md, _ ("What AI log analyses reported; check it against the logs."));
  for (guint i = 0; i < source->analyses->len; i++)
    write_analysis (md, source->analyses->pdata[i]);
}
