/* tftsr-log-analysis.h: "Analyze Logs": what a model makes of an incident's logs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tftsr-ai-client.h"
#include "tftsr-issue.h"
#include "tftsr-store.h"

G_BEGIN_DECLS

typedef struct
{
  gint64 id;
  gint64 issue_id;
  char *provider;
  char *model;
  char *logs;            /* JSON [{"id","name","whole"}]: what was sent, whole or as a digest */
  char *summary;         /* pseudonyms mapped back to the real values, as all fields */
  GPtrArray *findings;   /* char * */
  char *first_why;       /* a suggested answer to why 1 */
  gboolean has_severity; /* whether the model suggested one */
  TftsrSeverity severity;
  char *severity_reason;
  gboolean parsed; /* the reply was the JSON asked for; else the summary is the reply */
  char *reply;     /* as received */
  char *created_at;
} TftsrLogAnalysis;

void tftsr_log_analysis_free (TftsrLogAnalysis *analysis);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TftsrLogAnalysis, tftsr_log_analysis_free)

/* Reads a reply into @analysis's summary, findings, first why and severity: the JSON object
 * asked for (bare, fenced or with text around it; fields missing or of the wrong type are
 * left empty), or else the whole reply as the summary with parsed FALSE. */
void tftsr_log_analysis_read_reply (TftsrLogAnalysis *analysis, const char *reply);

/* Sends logs @log_ids (all of the incident's when @n_logs is 0) to the provider called
 * @provider_name (NULL: the one in use), each whole when they fit its context budget
 * (option "context_tokens", default 8192) and as a digest (tftsr-log-digest.h) otherwise,
 * every text through egress, and stores what it answers. Blocks; for a worker. */
TftsrLogAnalysis *tftsr_triage_analyze_logs (TftsrStore *store, gint64 issue_id,
                                             const gint64 *log_ids, guint n_logs,
                                             const char *provider_name,
                                             const TftsrAiListener *listener,
                                             GCancellable *cancellable, GError **error);
void tftsr_triage_analyze_logs_async (TftsrStore *store, gint64 issue_id, const gint64 *log_ids,
                                      guint n_logs, const char *provider_name,
                                      GCancellable *cancellable, GAsyncReadyCallback callback,
                                      gpointer user_data);
TftsrLogAnalysis *tftsr_triage_analyze_logs_finish (TftsrStore *store, GAsyncResult *result,
                                                    GError **error);

/* The incident's analyses, newest first. */
GPtrArray *tftsr_store_list_log_analyses (TftsrStore *store, gint64 issue_id, GError **error);

G_END_DECLS
