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

/* The logs @analysis was made from, for display: "api.log (whole), worker.log (digest)". */
char *tftsr_log_analysis_describe_logs (const TftsrLogAnalysis *analysis);

/* Reads a reply into @analysis's summary, findings, first why and severity: the JSON object
 * asked for (bare, fenced or with text around it; fields missing or of the wrong type are
 * left empty), or else the whole reply as the summary with parsed FALSE. */
void tftsr_log_analysis_read_reply (TftsrLogAnalysis *analysis, const char *reply);

/* How far an analysis has got. */
typedef enum
{
  TFTSR_LOG_ANALYSIS_READING,   /* the logs are read, each whole or into a digest */
  TFTSR_LOG_ANALYSIS_WAITING,   /* the request is sent; nothing answered yet */
  TFTSR_LOG_ANALYSIS_RECEIVING, /* the answer streams in */
} TftsrLogAnalysisPhase;

typedef struct
{
  TftsrLogAnalysisPhase phase;
  double fraction;     /* READING: of the bytes of all the logs sent, 0..1; then 1 */
  gint64 log_id;       /* READING: the log being read */
  guint64 received;    /* RECEIVING: bytes of the answer so far */
  guint retry_seconds; /* WAITING: the provider was busy and is asked again after this
                        * many seconds; 0 on the first try */
} TftsrLogAnalysisProgress;

typedef void (*TftsrLogAnalysisProgressFunc) (const TftsrLogAnalysisProgress *progress,
                                              gpointer user_data);

/* Sends logs @log_ids (all of the incident's when @n_logs is 0) to the provider called
 * @provider_name (NULL: the one in use), each whole when they fit its context budget
 * (option "context_tokens", default 8192) and as a digest (tftsr-log-digest.h) otherwise,
 * every text through egress, and stores what it answers. Nothing is stored when it fails
 * or is cancelled (@cancellable reaches the reading of the logs and the HTTP request).
 * @progress (may be NULL) hears each step, in this thread. Blocks; for a worker. */
TftsrLogAnalysis *
tftsr_triage_analyze_logs (TftsrStore *store, gint64 issue_id, const gint64 *log_ids, guint n_logs,
                           const char *provider_name, TftsrLogAnalysisProgressFunc progress,
                           gpointer progress_data, GCancellable *cancellable, GError **error);
/* The same in a worker. @progress is called on the caller's thread-default main context;
 * when reports come faster than that context takes them, the newest stands for those
 * before it. The last report arrives before @callback. */
void tftsr_triage_analyze_logs_async (TftsrStore *store, gint64 issue_id, const gint64 *log_ids,
                                      guint n_logs, const char *provider_name,
                                      TftsrLogAnalysisProgressFunc progress, gpointer progress_data,
                                      GCancellable *cancellable, GAsyncReadyCallback callback,
                                      gpointer user_data);
TftsrLogAnalysis *tftsr_triage_analyze_logs_finish (TftsrStore *store, GAsyncResult *result,
                                                    GError **error);

/* The incident's analyses (TftsrLogAnalysis), newest first. */
GPtrArray *tftsr_store_list_log_analyses (TftsrStore *store, gint64 issue_id, GError **error);
void tftsr_store_list_log_analyses_async (TftsrStore *store, gint64 issue_id,
                                          GCancellable *cancellable, GAsyncReadyCallback callback,
                                          gpointer user_data);
GPtrArray *tftsr_store_list_log_analyses_finish (TftsrStore *store, GAsyncResult *result,
                                                 GError **error);

G_END_DECLS
