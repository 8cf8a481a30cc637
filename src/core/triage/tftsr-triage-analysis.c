/* tftsr-triage-analysis.c: "Analyze Logs"
 *
 * Each log goes whole when the logs fit the model's context budget together, else as a
 * digest of its share (tftsr-log-digest.c: the log's templates: new after the marked
 * change, errors by frequency, the most frequent, the rare), so a 1 GB log costs its
 * mining once (at ingest) and a request of a known size. Every text is redacted
 * with the incident's pseudonyms on its way into the request; the model is asked for one
 * JSON object, whose fields are read back with the pseudonyms mapped to the real values.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>
#include <string.h>

#include "tftsr-ai-wire.h"
#include "tftsr-egress.h"
#include "tftsr-log-analysis.h"
#include "tftsr-log-digest.h"
#include "tftsr-pii-review.h"
#include "tftsr-pii-settings.h"
#include "tftsr-json-private.h"
#include "tftsr-triage-private.h"

#define ANSWER_TOKENS 1500

static const char instructions[] =
    "You analyse the logs of an incident for an on-call engineer. Values such as <EMAIL_1> "
    "or <IPV4_2> are pseudonyms for redacted data: keep them as they are. A log too large "
    "to send whole is given as a digest of its templates (messages with their parameters "
    "shown as <*>), each with its count, line numbers, times and first line: those new or "
    "more frequent after a marked change, the errors and warnings, the most frequent and "
    "the rare ones.\n"
    "Answer with one JSON object and nothing else:\n"
    "{\"summary\": \"what the logs show, 2-4 sentences\",\n"
    " \"key_findings\": [\"a finding with the line numbers or counts that show it\", ...],\n"
    " \"first_why\": \"the most likely answer to 'why did this incident happen?', as one "
    "sentence\",\n"
    " \"severity\": \"critical|high|medium|low\",\n"
    " \"severity_reason\": \"one sentence\"}\n"
    "Base every finding on the logs; say so when they do not show enough.";

void
tftsr_log_analysis_free (TftsrLogAnalysis *analysis)
{
  if (analysis == NULL)
    return;
  g_free (analysis->provider);
  g_free (analysis->model);
  g_free (analysis->logs);
  g_free (analysis->summary);
  g_ptr_array_unref (analysis->findings);
  g_free (analysis->first_why);
  g_free (analysis->severity_reason);
  g_free (analysis->reply);
  g_free (analysis->created_at);
  g_free (analysis);
}

static TftsrLogAnalysis *
analysis_new (void)
{
  TftsrLogAnalysis *a = g_new0 (TftsrLogAnalysis, 1);

  a->findings = g_ptr_array_new_with_free_func (g_free);
  return a;
}

static char *
member (json_object *obj, const char *key)
{
  json_object *value = NULL;

  if (!json_object_object_get_ex (obj, key, &value) ||
      !json_object_is_type (value, json_type_string))
    return g_strdup ("");
  return g_strstrip (g_strdup (json_object_get_string (value)));
}

void
tftsr_log_analysis_read_reply (TftsrLogAnalysis *analysis, const char *reply)
{
  g_autoptr (json_object) obj = tftsr_ai_object_in_reply (reply);
  json_object *findings = NULL;
  g_autofree char *severity = NULL, *lower = NULL;

  g_return_if_fail (analysis != NULL);

  g_free (analysis->summary);
  g_free (analysis->first_why);
  g_free (analysis->severity_reason);
  g_ptr_array_set_size (analysis->findings, 0);
  analysis->parsed = obj != NULL;
  if (obj == NULL)
    {
      analysis->summary = g_strstrip (g_strdup (reply != NULL ? reply : ""));
      analysis->first_why = g_strdup ("");
      analysis->severity_reason = g_strdup ("");
      analysis->has_severity = FALSE;
      return;
    }
  analysis->summary = member (obj, "summary");
  analysis->first_why = member (obj, "first_why");
  analysis->severity_reason = member (obj, "severity_reason");
  severity = member (obj, "severity");
  lower = g_ascii_strdown (severity, -1);
  analysis->has_severity = tftsr_severity_from_string (lower, &analysis->severity);
  if (json_object_object_get_ex (obj, "key_findings", &findings) &&
      json_object_is_type (findings, json_type_array))
    for (size_t i = 0; i < json_object_array_length (findings); i++)
      {
        json_object *f = json_object_array_get_idx (findings, i);
        if (json_object_is_type (f, json_type_string) && *json_object_get_string (f) != '\0')
          g_ptr_array_add (analysis->findings, g_strdup (json_object_get_string (f)));
      }
}

char *
tftsr_log_analysis_describe_logs (const TftsrLogAnalysis *analysis)
{
  g_autoptr (json_object) logs = NULL;
  g_autoptr (GString) text = g_string_new (NULL);

  g_return_val_if_fail (analysis != NULL, NULL);

  logs = json_tokener_parse (analysis->logs != NULL ? analysis->logs : "[]");
  for (size_t i = 0;
       json_object_is_type (logs, json_type_array) && i < json_object_array_length (logs); i++)
    {
      json_object *log = json_object_array_get_idx (logs, i), *name = NULL, *whole = NULL;

      if (!json_object_object_get_ex (log, "name", &name) ||
          !json_object_object_get_ex (log, "whole", &whole))
        continue;
      if (text->len > 0)
        g_string_append (text, ", ");
      /* Translators: a log sent to the model in full, or cut down to a digest */
      g_string_append_printf (
          text, json_object_get_boolean (whole) ? _ ("%s (whole)") : _ ("%s (digest)"),
          json_object_get_string (name));
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* --- the request -------------------------------------------------------------------------- */

typedef struct
{
  TftsrTriageRedactor r;
  TftsrLogAnalysisProgressFunc progress;
  gpointer progress_data;
  TftsrLogAnalysisProgress now;
  guint64 read_before; /* bytes of the logs read before the one being read */
  guint64 read_total;  /* bytes of all the logs sent */
} Sender;

static void
report (Sender *s, TftsrLogAnalysisPhase phase)
{
  s->now.phase = phase;
  if (s->progress != NULL)
    s->progress (&s->now, s->progress_data);
}

/* The digest reports the bytes of one log; the fraction is of all of them. */
static void
log_read (guint64 done, guint64 total, gpointer user_data)
{
  Sender *s = user_data;

  s->now.fraction = s->read_total > 0
                        ? MIN (1.0, (double) (s->read_before + done) / (double) s->read_total)
                        : 1.0;
  report (s, TFTSR_LOG_ANALYSIS_READING);
}

static void
answer_heard (const char *text, gsize len, gpointer user_data)
{
  Sender *s = user_data;

  s->now.received += len;
  report (s, TFTSR_LOG_ANALYSIS_RECEIVING);
}

static void
provider_busy (guint attempt, guint seconds, gpointer user_data)
{
  Sender *s = user_data;

  s->now.retry_seconds = seconds;
  s->now.received = 0;
  report (s, TFTSR_LOG_ANALYSIS_WAITING);
}

/* The incident's logs among @ids (all of them when @n is 0). */
static GPtrArray *
chosen_logs (Sender *s, const gint64 *ids, guint n, GError **error)
{
  g_autoptr (GPtrArray) all = tftsr_store_list_logs (s->r.store, s->r.issue_id, error);
  g_autoptr (GPtrArray) chosen = g_ptr_array_new_with_free_func (g_object_unref);

  if (all == NULL)
    return NULL;
  for (guint i = 0; i < all->len; i++)
    for (guint j = 0; j < MAX (n, 1); j++)
      if (n == 0 || tftsr_log_file_get_id (all->pdata[i]) == ids[j])
        {
          g_ptr_array_add (chosen, g_object_ref (all->pdata[i]));
          break;
        }
  if (chosen->len == 0 || (n > 0 && chosen->len != n))
    {
      g_set_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_NOT_FOUND,
                   n == 0 ? _ ("The incident has no logs to analyse")
                          : _ ("Some of those logs are not logs of this incident"));
      return NULL;
    }
  return g_steal_pointer (&chosen);
}

/* One log's section of the message, redacted; notes in @described how it went. */
static gboolean
add_log (Sender *s, TftsrLogFile *log, gsize share, GString *message, json_object *described,
         GError **error)
{
  g_autoptr (TftsrLogDigest) digest = NULL;
  g_autofree char *name = NULL, *text = NULL;
  json_object *entry;

  s->now.log_id = tftsr_log_file_get_id (log);
  log_read (0, 0, s);
  digest = tftsr_store_digest_log (s->r.store, tftsr_log_file_get_id (log), share, log_read, s,
                                   s->r.cancellable, error);
  s->read_before += tftsr_log_file_get_size (log);
  if (digest == NULL ||
      (name = tftsr_triage_redact (&s->r, tftsr_log_file_get_name (log), error)) == NULL ||
      (text = tftsr_triage_redact (&s->r, tftsr_log_digest_get_text (digest), error)) == NULL)
    return FALSE;
  g_string_append_printf (message, "### Log %s (%s)\n```\n%s\n```\n\n", name,
                          tftsr_log_digest_is_whole (digest) ? "whole" : "digest", text);
  entry = json_object_new_object ();
  json_object_object_add (entry, "id", json_object_new_int64 (tftsr_log_file_get_id (log)));
  json_object_object_add (entry, "name", json_object_new_string (tftsr_log_file_get_name (log)));
  json_object_object_add (entry, "whole",
                          json_object_new_boolean (tftsr_log_digest_is_whole (digest)));
  json_object_array_add (described, entry);
  return TRUE;
}

static TftsrAiRequest *
build_request (Sender *s, const TftsrAiProvider *provider, GPtrArray *logs, json_object *described,
               GError **error)
{
  g_autoptr (TftsrIssue) issue = tftsr_store_get_issue (s->r.store, s->r.issue_id, error);
  g_autoptr (GString) message = g_string_new (NULL);
  g_autofree char *title = NULL;
  gsize share = tftsr_triage_log_share (provider, sizeof instructions, logs->len, 0);
  TftsrAiRequest *request;

  if (issue == NULL ||
      (title = tftsr_triage_redact (&s->r, tftsr_issue_get_title (issue), error)) == NULL)
    return NULL;
  g_string_append_printf (message, "Incident: %s (category: %s)\n\n", title,
                          tftsr_category_to_string (tftsr_issue_get_category (issue)));
  for (guint i = 0; i < logs->len; i++)
    s->read_total += tftsr_log_file_get_size (logs->pdata[i]);
  for (guint i = 0; i < logs->len; i++)
    if (!add_log (s, logs->pdata[i], share, message, described, error))
      return NULL;
  request = tftsr_ai_request_new (instructions);
  request->max_tokens = ANSWER_TOKENS;
  tftsr_ai_request_add_message (request, tftsr_ai_message_new (TFTSR_AI_ROLE_USER, message->str));
  return request;
}

/* --- storing ------------------------------------------------------------------------------ */

static json_object *
findings_json (GPtrArray *findings)
{
  json_object *array = json_object_new_array ();

  for (guint i = 0; i < findings->len; i++)
    json_object_array_add (array, json_object_new_string (findings->pdata[i]));
  return array;
}

static gboolean
save (TftsrStore *store, TftsrLogAnalysis *a, GError **error)
{
  g_autoptr (TftsrConn) conn = tftsr_conn_acquire (store, error);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (json_object) findings = findings_json (a->findings);
  int rc;

  if (conn == NULL ||
      (stmt = tftsr_db_prepare (conn->db,
                                "INSERT INTO log_analyses (issue_id, provider, model, logs, "
                                "summary, findings, first_why, severity, severity_reason, "
                                "parsed, reply) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
                                "?10, ?11) RETURNING id, created_at",
                                error)) == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, a->issue_id);
  tftsr_db_bind_text (stmt, 2, a->provider);
  tftsr_db_bind_text (stmt, 3, a->model);
  tftsr_db_bind_text (stmt, 4, a->logs);
  tftsr_db_bind_text (stmt, 5, a->summary);
  tftsr_db_bind_text (stmt, 6, json_object_to_json_string_ext (findings, JSON_C_TO_STRING_PLAIN));
  tftsr_db_bind_text (stmt, 7, a->first_why);
  if (a->has_severity)
    tftsr_db_bind_text (stmt, 8, tftsr_severity_to_string (a->severity));
  tftsr_db_bind_text (stmt, 9, a->severity_reason);
  sqlite3_bind_int (stmt, 10, a->parsed);
  tftsr_db_bind_text (stmt, 11, a->reply);
  if ((rc = sqlite3_step (stmt)) != SQLITE_ROW)
    return tftsr_db_set_error (error, conn->db, rc, _ ("Could not save the analysis"));
  a->id = sqlite3_column_int64 (stmt, 0);
  a->created_at = g_strdup (tftsr_db_text (stmt, 1));
  return TRUE;
}

TftsrLogAnalysis *
tftsr_triage_analyze_logs (TftsrStore *store, gint64 issue_id, const gint64 *log_ids, guint n_logs,
                           const char *provider_name, TftsrLogAnalysisProgressFunc progress,
                           gpointer progress_data, GCancellable *cancellable, GError **error)
{
  g_autoptr (TftsrAiProvider) provider = NULL;
  g_autoptr (TftsrPiiScanner) scanner = NULL;
  g_autoptr (GHashTable) counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GPtrArray) logs = NULL;
  g_autoptr (json_object) described = json_object_new_array ();
  g_autoptr (TftsrAiRequest) request = NULL;
  g_autoptr (TftsrAiReply) reply = NULL;
  g_autoptr (TftsrLogAnalysis) analysis = NULL;
  g_autofree char *shown = NULL;
  Sender s = { { store, issue_id, NULL, counts, cancellable }, progress, progress_data };
  TftsrAiListener listener = { answer_heard, provider_busy, &s };

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);
  g_return_val_if_fail (n_logs == 0 || log_ids != NULL, NULL);

  if ((provider = tftsr_store_get_ai_provider (store, provider_name, error)) == NULL ||
      (scanner = tftsr_store_load_pii_scanner (store, error)) == NULL ||
      (logs = chosen_logs (&s, log_ids, n_logs, error)) == NULL)
    return NULL;
  s.r.scanner = scanner;
  if ((request = build_request (&s, provider, logs, described, error)) == NULL)
    return NULL;
  s.now.fraction = 1.0;
  report (&s, TFTSR_LOG_ANALYSIS_WAITING);
  if ((reply = tftsr_ai_complete (store, provider, issue_id, request, counts, &listener,
                                  cancellable, error)) == NULL ||
      (shown = tftsr_store_reveal_pseudonyms (store, issue_id, reply->text, error)) == NULL)
    return NULL;
  analysis = analysis_new ();
  analysis->issue_id = issue_id;
  analysis->provider = g_strdup (provider->name);
  analysis->model = g_strdup (provider->model);
  analysis->logs = g_strdup (json_object_to_json_string_ext (described, JSON_C_TO_STRING_PLAIN));
  analysis->reply = g_strdup (reply->text);
  tftsr_log_analysis_read_reply (analysis, shown);
  if (!save (store, analysis, error))
    return NULL;
  return g_steal_pointer (&analysis);
}

GPtrArray *
tftsr_store_list_log_analyses (TftsrStore *store, gint64 issue_id, GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GPtrArray) list =
      g_ptr_array_new_with_free_func ((GDestroyNotify) tftsr_log_analysis_free);
  int rc;

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);

  if ((conn = tftsr_conn_acquire (store, error)) == NULL ||
      (stmt = tftsr_db_prepare (conn->db,
                                "SELECT id, provider, model, logs, reply, created_at "
                                "FROM log_analyses WHERE issue_id = ?1 "
                                "ORDER BY created_at DESC, id DESC",
                                error)) == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, issue_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      TftsrLogAnalysis *a = analysis_new ();

      a->id = sqlite3_column_int64 (stmt, 0);
      a->issue_id = issue_id;
      a->provider = g_strdup (tftsr_db_text (stmt, 1));
      a->model = g_strdup (tftsr_db_text (stmt, 2));
      a->logs = g_strdup (tftsr_db_text (stmt, 3));
      a->reply = g_strdup (tftsr_db_text (stmt, 4));
      a->created_at = g_strdup (tftsr_db_text (stmt, 5));
      g_ptr_array_add (list, a);
    }
  if (rc != SQLITE_DONE)
    {
      tftsr_db_set_error (error, conn->db, rc, _ ("Could not list the analyses"));
      return NULL;
    }
  /* The fields are read again from the reply, with today's pseudonym map. */
  g_clear_pointer (&conn, tftsr_conn_release);
  for (guint i = 0; i < list->len; i++)
    {
      TftsrLogAnalysis *a = list->pdata[i];
      g_autofree char *shown = tftsr_store_reveal_pseudonyms (store, issue_id, a->reply, error);

      if (shown == NULL)
        return NULL;
      tftsr_log_analysis_read_reply (a, shown);
    }
  return g_steal_pointer (&list);
}

/* --- in a worker ---------------------------------------------------------------------------- */

/* Progress for the caller's main context is a mailbox: the worker replaces the report
 * waiting there and posts a delivery only when none is on its way, so a busy main context
 * gets the newest report once instead of a backlog. Each delivery holds the task, and all
 * are posted before the task returns, so none comes after the callback. */
typedef struct
{
  TftsrLogAnalysisProgressFunc func;
  gpointer data;
  GMainContext *context;
  GMutex lock;
  TftsrLogAnalysisProgress waiting;
  gboolean posted;
} Relay;

typedef struct
{
  gint64 issue_id;
  GArray *log_ids;
  char *provider;
  Relay relay;
  GTask *task; /* while the worker runs, for its deliveries */
} AnalyzeData;

static void
analyze_data_free (AnalyzeData *data)
{
  g_array_unref (data->log_ids);
  g_free (data->provider);
  g_main_context_unref (data->relay.context);
  g_mutex_clear (&data->relay.lock);
  g_free (data);
}

static gboolean
deliver (gpointer user_data)
{
  Relay *relay = &((AnalyzeData *) g_task_get_task_data (user_data))->relay;
  TftsrLogAnalysisProgress progress;

  g_mutex_lock (&relay->lock);
  progress = relay->waiting;
  relay->posted = FALSE;
  g_mutex_unlock (&relay->lock);
  relay->func (&progress, relay->data);
  return G_SOURCE_REMOVE;
}

/* In the worker. Always through a source of the caller's context: g_main_context_invoke()
 * would run the report here whenever no thread owns that context at the moment. */
static void
relay_progress (const TftsrLogAnalysisProgress *progress, gpointer user_data)
{
  AnalyzeData *data = user_data;
  Relay *relay = &data->relay;
  gboolean post;
  GSource *source;

  g_mutex_lock (&relay->lock);
  relay->waiting = *progress;
  post = !relay->posted;
  relay->posted = TRUE;
  g_mutex_unlock (&relay->lock);
  if (!post)
    return;
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, deliver, g_object_ref (data->task), g_object_unref);
  g_source_set_static_name (source, "[tftsr] analysis progress");
  g_source_attach (source, relay->context);
  g_source_unref (source);
}

static void
analyze_in_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  AnalyzeData *data = task_data;
  GError *error = NULL;
  TftsrLogAnalysis *analysis;

  data->task = task;
  analysis = tftsr_triage_analyze_logs (
      TFTSR_STORE (source), data->issue_id, (const gint64 *) data->log_ids->data,
      data->log_ids->len, data->provider, data->relay.func != NULL ? relay_progress : NULL, data,
      cancellable, &error);
  data->task = NULL;
  if (analysis != NULL)
    g_task_return_pointer (task, analysis, (GDestroyNotify) tftsr_log_analysis_free);
  else
    g_task_return_error (task, error);
}

void
tftsr_triage_analyze_logs_async (TftsrStore *store, gint64 issue_id, const gint64 *log_ids,
                                 guint n_logs, const char *provider_name,
                                 TftsrLogAnalysisProgressFunc progress, gpointer progress_data,
                                 GCancellable *cancellable, GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  AnalyzeData *data;

  g_return_if_fail (TFTSR_IS_STORE (store));
  g_return_if_fail (n_logs == 0 || log_ids != NULL);

  task = g_task_new (store, cancellable, callback, user_data);
  data = g_new0 (AnalyzeData, 1);
  data->issue_id = issue_id;
  data->log_ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n_logs);
  g_array_append_vals (data->log_ids, log_ids, n_logs);
  data->provider = g_strdup (provider_name);
  data->relay.func = progress;
  data->relay.data = progress_data;
  data->relay.context = g_main_context_ref_thread_default ();
  g_mutex_init (&data->relay.lock);
  g_task_set_source_tag (task, tftsr_triage_analyze_logs_async);
  g_task_set_task_data (task, data, (GDestroyNotify) analyze_data_free);
  g_task_run_in_thread (task, analyze_in_thread);
}

TftsrLogAnalysis *
tftsr_triage_analyze_logs_finish (TftsrStore *store, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static gpointer
list_call (TftsrStore *store, gpointer data, GError **error)
{
  return tftsr_store_list_log_analyses (store, *(gint64 *) data, error);
}

void
tftsr_store_list_log_analyses_async (TftsrStore *store, gint64 issue_id, GCancellable *cancellable,
                                     GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (TFTSR_IS_STORE (store));
  tftsr_store_run_async (store, tftsr_store_list_log_analyses_async, list_call,
                         tftsr_store_id_new (issue_id), g_free, (GDestroyNotify) g_ptr_array_unref,
                         cancellable, callback, user_data);
}

GPtrArray *
tftsr_store_list_log_analyses_finish (TftsrStore *store, GAsyncResult *result, GError **error)
{
  return tftsr_store_run_finish (store, result, tftsr_store_list_log_analyses_async, error);
}
