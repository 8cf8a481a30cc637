/* test-log-insight.c: stored logs mined into templates, what changed after a moment, the
 * lines of a template or a time range, and similar incidents
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "tftsr-insight-private.h"
#include "tftsr-test-util.h"

#define DATA TFTSR_TEST_DATA_DIR "/insight/"

static TftsrStore *store;
static TftsrPiiScanner *scanner;

static gint64
add_log_to (TftsrStore *to, gint64 issue_id, const char *text, gsize len, const char *name)
{
  g_autoptr (GInputStream) in = g_memory_input_stream_new_from_data (text, len, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrLogFile) log =
      tftsr_store_add_log (to, issue_id, in, name, len, scanner, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  return tftsr_log_file_get_id (log);
}

static gint64
add_log (const char *text, gsize len)
{
  g_autoptr (TftsrIssue) issue = tftsr_test_create (store, "Insight", NULL);
  return add_log_to (store, tftsr_issue_get_id (issue), text, len, "app.log");
}

static gint64
add_fixture (TftsrStore *to, gint64 issue_id, const char *name)
{
  g_autofree char *path = g_strconcat (DATA, name, NULL);
  g_autoptr (GBytes) bytes = tftsr_test_read_file (path);

  return add_log_to (to, issue_id, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), name);
}

static TftsrLogInsight *
stored (gint64 log_id)
{
  g_autoptr (GError) error = NULL;
  TftsrLogInsight *insight = tftsr_store_get_log_insight (store, log_id, &error);

  g_assert_no_error (error);
  return insight;
}

/* The template whose text is @text, or starts with it when @prefix (asserting there is
 * one). */
static const TftsrLogTemplate *
find_template (TftsrLogInsight *insight, const char *text, gboolean prefix)
{
  GPtrArray *templates = tftsr_log_insight_get_templates (insight);

  for (guint i = 0; i < templates->len; i++)
    {
      const char *t = ((TftsrLogTemplate *) templates->pdata[i])->text;

      if (prefix ? g_str_has_prefix (t, text) : g_str_equal (t, text))
        return templates->pdata[i];
    }
  for (guint i = 0; i < templates->len; i++)
    g_test_message ("template: %.80s", ((TftsrLogTemplate *) templates->pdata[i])->text);
  g_error ("no template “%s”", text);
}

static const TftsrLogTemplate *
template_of (TftsrLogInsight *insight, const char *text)
{
  return find_template (insight, text, FALSE);
}

static gint64
utc (int hour, int minute, int second)
{
  g_autoptr (GDateTime) dt = g_date_time_new_utc (2024, 5, 1, hour, minute, second);
  return g_date_time_to_unix (dt) * G_USEC_PER_SEC;
}

static void
assert_same (TftsrLogInsight *a, TftsrLogInsight *b)
{
  GPtrArray *ta = tftsr_log_insight_get_templates (a), *tb = tftsr_log_insight_get_templates (b);
  gint64 start[2], width[2];
  guint n[2];
  const guint32 *totals[2], *errors[2];

  g_assert_cmpint (tftsr_log_insight_get_log_id (a), ==, tftsr_log_insight_get_log_id (b));
  g_assert_cmpuint (tftsr_log_insight_get_lines (a), ==, tftsr_log_insight_get_lines (b));
  g_assert_cmpuint (ta->len, ==, tb->len);
  for (guint i = 0; i < ta->len; i++)
    {
      const TftsrLogTemplate *x = ta->pdata[i], *y = tb->pdata[i];
      const GArray *sx = tftsr_log_insight_get_series (a, x->id);
      const GArray *sy = tftsr_log_insight_get_series (b, y->id);

      g_assert_cmpuint (x->id, ==, y->id);
      g_assert_cmpstr (x->text, ==, y->text);
      g_assert_cmpuint (x->count, ==, y->count);
      g_assert_cmpint (x->level, ==, y->level);
      g_assert_cmpuint (x->first_line, ==, y->first_line);
      g_assert_cmpuint (x->last_line, ==, y->last_line);
      g_assert_cmpuint (x->first_offset, ==, y->first_offset);
      g_assert_cmpuint (x->last_offset, ==, y->last_offset);
      g_assert_cmpint (x->first_time, ==, y->first_time);
      g_assert_cmpint (x->last_time, ==, y->last_time);
      g_assert_cmpuint (x->n_samples, ==, y->n_samples);
      for (guint j = 0; j < x->n_samples; j++)
        g_assert_cmpstr (x->samples[j], ==, y->samples[j]);
      g_assert_cmpmem (sx->data, sx->len * sizeof (TftsrSeriesPoint), sy->data,
                       sy->len * sizeof (TftsrSeriesPoint));
    }
  g_assert_cmpint (
      tftsr_log_insight_get_histogram (a, &start[0], &width[0], &n[0], &totals[0], &errors[0]), ==,
      tftsr_log_insight_get_histogram (b, &start[1], &width[1], &n[1], &totals[1], &errors[1]));
  g_assert_cmpint (start[0], ==, start[1]);
  g_assert_cmpint (width[0], ==, width[1]);
  g_assert_cmpmem (totals[0], n[0] * sizeof (guint32), totals[1], n[1] * sizeof (guint32));
  g_assert_cmpmem (errors[0], n[0] * sizeof (guint32), errors[1], n[1] * sizeof (guint32));
}

/* Mined at ingest, with the detected values masked even where they never vary (a
 * template would otherwise keep them as constant words). */
static void
test_pii_masked (void)
{
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (TftsrLogInsight) insight = NULL;
  GPtrArray *templates;

  for (guint i = 0; i < 20; i++)
    g_string_append_printf (text,
                            "2024-05-01T09:00:%02uZ INFO auth: login ok for bob@mail.internal "
                            "from 10.9.8.7 via db-primary.corp.internal in %u ms\n",
                            i, i * 3);
  insight = stored (add_log (text->str, text->len));
  g_assert_nonnull (insight);
  templates = tftsr_log_insight_get_templates (insight);
  g_assert_cmpuint (templates->len, ==, 1);
  for (guint i = 0; i < templates->len; i++)
    {
      const char *t = ((TftsrLogTemplate *) templates->pdata[i])->text;

      g_assert_null (strstr (t, "bob"));
      g_assert_null (strstr (t, "mail.internal"));
      g_assert_null (strstr (t, "10.9.8.7"));
      g_assert_null (strstr (t, "db-primary"));
    }
  g_assert_cmpuint (((TftsrLogTemplate *) templates->pdata[0])->count, ==, 20);
  g_assert_cmpuint (tftsr_log_insight_get_lines (insight), ==, 20);
}

/* What mining returns is what is stored and read back. */
static void
test_persisted (void)
{
  g_autoptr (TftsrIssue) issue = tftsr_test_create (store, "Persisted", NULL);
  gint64 log_id = add_fixture (store, tftsr_issue_get_id (issue), "deploy.log");
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrLogInsight) mined =
      tftsr_store_mine_log (store, log_id, NULL, NULL, NULL, &error);
  g_autoptr (TftsrLogInsight) loaded = stored (log_id);
  gint64 start, width;
  guint n;
  const guint32 *totals, *errors;
  guint64 sum = 0, error_sum = 0;

  g_assert_no_error (error);
  assert_same (mined, loaded);
  g_assert_cmpuint (tftsr_log_insight_get_lines (loaded), ==, 167);
  g_assert_true (tftsr_log_insight_get_histogram (loaded, &start, &width, &n, &totals, &errors));
  /* Two hours at one-second buckets would be 7200: the width doubled to 4 s. */
  g_assert_cmpint (width, ==, 4 * G_USEC_PER_SEC);
  g_assert_cmpuint (n, <=, TFTSR_INSIGHT_MAX_BUCKETS);
  g_assert_cmpint (start, <=, utc (9, 0, 0));
  for (guint i = 0; i < n; i++)
    {
      sum += totals[i];
      error_sum += errors[i];
    }
  g_assert_cmpuint (sum, ==, 167);
  g_assert_cmpuint (error_sum, ==, 5);
  g_assert_cmpuint (template_of (loaded, "gateway timeout after <*> s")->level, ==,
                    TFTSR_LOG_LEVEL_ERROR);
}

static void
record_progress (guint64 done, guint64 total, gpointer user_data)
{
  GArray *reports = user_data;

  g_array_append_val (reports, done);
  g_assert_cmpuint (total, ==, g_array_index (reports, guint64, 0));
}

/* The ingest mines as it stores, with the spans the PII stream reports after the chunk
 * they start in: its insight is the one a stored log's chunks and spans give, and its
 * progress is complete only once that is stored. */
static void
test_ingest_as_stored (void)
{
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (TftsrIssue) issue = tftsr_test_create (store, "Ingest", NULL);
  g_autoptr (GInputStream) in = NULL;
  g_autoptr (GArray) reports = g_array_new (FALSE, FALSE, sizeof (guint64));
  g_autoptr (TftsrLogFile) log = NULL;
  g_autoptr (TftsrLogInsight) ingested = NULL;
  g_autoptr (TftsrLogInsight) mined = NULL;
  g_autoptr (GError) error = NULL;
  gint64 log_id;

  for (guint i = 0; text->len < 2 * 1024 * 1024; i++)
    g_string_append_printf (text,
                            "2024-05-01T09:%02u:%02uZ INFO auth: login %u for u%u@mail.internal "
                            "from 10.9.%u.%u\n",
                            i / 60 % 60, i % 60, i, i % 7, i % 250, i % 200);
  /* A line over a chunk: some address on it is cut between two chunks. */
  g_string_append (text, "2024-05-01T10:00:00Z ERROR auth: dump");
  while (text->len < 3 * 1024 * 1024 + 512 * 1024)
    g_string_append (text, " ops@mail.internal");
  g_string_append (text, "\n2024-05-01T10:00:01Z INFO auth: login 1 for a@mail.internal "
                         "from 10.9.1.1\n");
  g_array_append_val (reports, text->len);
  in = g_memory_input_stream_new_from_data (text->str, text->len, NULL);
  log = tftsr_store_add_log (store, tftsr_issue_get_id (issue), in, "auth.log", text->len, scanner,
                             record_progress, reports, NULL, &error);
  g_assert_no_error (error);
  log_id = tftsr_log_file_get_id (log);
  ingested = stored (log_id);
  g_assert_nonnull (ingested);
  mined = tftsr_store_mine_log (store, log_id, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  assert_same (ingested, mined);
  g_assert_null (strstr (find_template (ingested, "dump ", TRUE)->text, "ops"));

  /* Reports after the first (the total) lag behind the reading until the last. */
  g_assert_cmpuint (reports->len, >, 2);
  for (guint i = 1; i + 1 < reports->len; i++)
    g_assert_cmpuint (g_array_index (reports, guint64, i), <, text->len);
  g_assert_cmpuint (g_array_index (reports, guint64, reports->len - 1), ==, text->len);
}

static void
cancel_at_first_report (guint64 done, guint64 total, gpointer user_data)
{
  g_cancellable_cancel (user_data);
}

/* A cancelled or failed run leaves the earlier result as it was. */
static void
test_cancelled_keeps_previous (void)
{
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrLogInsight) before = NULL;
  g_autoptr (TftsrLogInsight) after = NULL;
  g_autoptr (TftsrLogInsight) none = NULL;
  gint64 log_id;

  /* Three chunks, so the run is cancelled with more left to read. */
  for (guint i = 0; text->len < 3 * 1024 * 1024; i++)
    g_string_append_printf (text, "2024-05-01T09:%02u:%02uZ INFO worker-%u: job %u done\n",
                            i / 60 % 60, i % 60, i % 5, i);
  log_id = add_log (text->str, text->len);
  before = stored (log_id);
  g_assert_nonnull (before);
  none = tftsr_store_mine_log (store, log_id, cancel_at_first_report, cancellable, cancellable,
                               &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (none);
  after = stored (log_id);
  assert_same (before, after);
}

static gboolean
line_loaded (gpointer line)
{
  return tftsr_log_line_get_text (line) != NULL;
}

static gboolean
async_done (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

static void
keep_result (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
test_changed (void)
{
  g_autoptr (TftsrIssue) issue = tftsr_test_create (store, "Deploy", NULL);
  gint64 log_id = add_fixture (store, tftsr_issue_get_id (issue), "deploy.log");
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrLogInsight) insight = NULL;
  g_autoptr (GArray) changes = NULL;
  const TftsrLogChange *c;
  guint32 timeout, slow, flag, warmed;

  g_assert_true (tftsr_store_set_log_change_time (store, log_id, utc (10, 0, 0), &error));
  g_assert_no_error (error);
  insight = stored (log_id);
  g_assert_cmpint (tftsr_log_insight_get_change_time (insight), ==, utc (10, 0, 0));
  timeout = template_of (insight, "gateway timeout after <*> s")->id;
  slow = template_of (insight, "slow query took <*> ms")->id;
  flag = template_of (insight, "feature flag checkout enabled")->id;
  warmed = template_of (insight, "cache warmed for tenant <*>")->id;

  changes = tftsr_log_insight_changed_after (insight, utc (10, 0, 0), &error);
  g_assert_no_error (error);
  /* The steady "request served" line did not change. */
  g_assert_cmpuint (changes->len, ==, 4);
  c = &g_array_index (changes, TftsrLogChange, 0);
  g_assert_cmpuint (c->template_id, ==, timeout);
  g_assert_cmpint (c->kind, ==, TFTSR_LOG_CHANGE_NEW);
  g_assert_cmpuint (c->count_before, ==, 0);
  g_assert_cmpuint (c->count_after, ==, 5);
  c = &g_array_index (changes, TftsrLogChange, 1);
  g_assert_cmpuint (c->template_id, ==, slow);
  g_assert_cmpint (c->kind, ==, TFTSR_LOG_CHANGE_RATE);
  g_assert_cmpuint (c->count_before, ==, 3);
  g_assert_cmpuint (c->count_after, ==, 30);
  g_assert_cmpfloat (c->rate_after / c->rate_before, >, 9);
  c = &g_array_index (changes, TftsrLogChange, 2);
  g_assert_cmpuint (c->template_id, ==, flag);
  g_assert_cmpint (c->kind, ==, TFTSR_LOG_CHANGE_NEW);
  c = &g_array_index (changes, TftsrLogChange, 3);
  g_assert_cmpuint (c->template_id, ==, warmed);
  g_assert_cmpint (c->kind, ==, TFTSR_LOG_CHANGE_GONE);
  g_assert_cmpuint (c->count_before, ==, 6);

  /* A moment outside the log's times compares nothing. */
  g_clear_pointer (&changes, g_array_unref);
  changes = tftsr_log_insight_changed_after (insight, utc (12, 0, 0), &error);
  g_assert_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_INVALID);
  g_assert_null (changes);
}

static GArray *
find (gint64 log_id, guint32 template_id, gint64 from, gint64 to)
{
  TftsrLogLineFilter filter = { template_id, from, to };
  g_autoptr (GError) error = NULL;
  GArray *lines = tftsr_store_find_log_lines (store, log_id, &filter, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  return lines;
}

static void
assert_lines (GArray *lines, const guint32 *expected, guint n)
{
  g_assert_cmpmem (lines->data, lines->len * sizeof (guint32), expected, n * sizeof (guint32));
}

/* The viewer's text of line @number (1-based) of @lines. */
static char *
viewer_line (TftsrLogLines *lines, guint number)
{
  g_autoptr (TftsrLogLine) line = g_list_model_get_item (G_LIST_MODEL (lines), number - 1);

  tftsr_test_iterate_until (line_loaded, line);
  return g_strdup (tftsr_log_line_get_text (line));
}

/* A line over a chunk is two rows, as in the viewer; the second has no time of its own
 * and takes the first's. */
static void
test_find_lines (void)
{
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (TftsrLogInsight) insight = NULL;
  g_autoptr (GArray) served = NULL;
  g_autoptr (GArray) payload = NULL;
  g_autoptr (GArray) second = NULL;
  g_autoptr (GArray) both = NULL;
  g_autoptr (GArray) all = NULL;
  static const guint32 served_lines[] = { 1, 2, 5, 6 };
  static const guint32 payload_lines[] = { 3 };
  static const guint32 second_lines[] = { 3, 4 };
  static const guint32 both_lines[] = { 5 };
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (TftsrLogLines) viewer = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *third = NULL, *fourth = NULL, *fifth = NULL;
  gint64 log_id;
  gsize cut;

  g_string_append (text, "2024-05-01T09:00:00Z INFO web: request 11 served\n"
                         "2024-05-01T09:00:00Z INFO web: request 12 served\n");
  g_string_append (text, "2024-05-01T09:00:01Z ERROR web: huge payload ");
  cut = text->len;
  g_string_set_size (text, cut + 1536 * 1024);
  memset (text->str + cut, 'x', 1536 * 1024);
  g_string_append (text, "\n2024-05-01T09:00:02Z INFO web: request 13 served\n"
                         "2024-05-01T09:00:03Z INFO web: request 14 served\n");
  log_id = add_log (text->str, text->len);
  insight = stored (log_id);
  g_assert_cmpuint (tftsr_log_insight_get_lines (insight), ==, 6);

  served = find (log_id, template_of (insight, "request <*> served")->id, 0, 0);
  assert_lines (served, served_lines, G_N_ELEMENTS (served_lines));
  payload = find (log_id, find_template (insight, "huge payload x", TRUE)->id, 0, 0);
  assert_lines (payload, payload_lines, G_N_ELEMENTS (payload_lines));
  second = find (log_id, 0, utc (9, 0, 1), utc (9, 0, 2));
  assert_lines (second, second_lines, G_N_ELEMENTS (second_lines));
  both =
      find (log_id, template_of (insight, "request <*> served")->id, utc (9, 0, 1), utc (9, 0, 3));
  assert_lines (both, both_lines, G_N_ELEMENTS (both_lines));
  all = find (log_id, 0, 0, 0);
  g_assert_cmpuint (all->len, ==, 6);

  /* The viewer shows those lines under the same numbers. */
  tftsr_log_lines_new_async (store, log_id, NULL, keep_result, &result);
  tftsr_test_iterate_until (async_done, &result);
  viewer = tftsr_log_lines_new_finish (result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (viewer)), ==, 6);
  third = viewer_line (viewer, 3);
  fourth = viewer_line (viewer, 4);
  fifth = viewer_line (viewer, 5);
  g_assert_true (g_str_has_prefix (third, "2024-05-01T09:00:01Z ERROR web: huge payload xxx"));
  g_assert_true (g_str_has_prefix (fourth, "xxx"));
  g_assert_cmpstr (fifth, ==, "2024-05-01T09:00:02Z INFO web: request 13 served");
}

/* Templates that merge while the log is mined (a word turns out to take many values)
 * keep every line: in the count, the series and each line's template. */
static void
test_merged_templates (void)
{
  static const char *const names[] = { "alice", "bob", "carol", "dave", "erin", "frank", "grace" };
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (TftsrLogInsight) insight = NULL;
  g_autoptr (TftsrLogMiner) miner = NULL;
  g_autoptr (GArray) ids = NULL;
  g_autoptr (GArray) lines = NULL;
  g_autoptr (GError) error = NULL;
  const TftsrLogTemplate *t;
  const GArray *series;
  guint64 sum = 0;
  gint64 log_id;

  for (guint i = 0; i < 21; i++)
    g_string_append_printf (text, "2024-05-01T09:00:%02uZ INFO auth: session opened for user %s\n",
                            i, names[i % G_N_ELEMENTS (names)]);
  log_id = add_log (text->str, text->len);
  insight = stored (log_id);
  g_assert_cmpuint (tftsr_log_insight_get_templates (insight)->len, ==, 1);
  t = template_of (insight, "session opened for user <*>");
  g_assert_cmpuint (t->count, ==, 21);
  series = tftsr_log_insight_get_series (insight, t->id);
  for (guint i = 0; i < series->len; i++)
    sum += g_array_index (series, TftsrSeriesPoint, i).count;
  g_assert_cmpuint (sum, ==, 21);
  lines = find (log_id, t->id, 0, 0);
  g_assert_cmpuint (lines->len, ==, 21);

  miner = tftsr_store_mine_log_lines (store, log_id, NULL, &ids, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ids->len, ==, 21);
  for (guint i = 0; i < ids->len; i++)
    g_assert_cmpuint (g_array_index (ids, guint32, i), ==, t->id);
}

static gint64
incident_with (TftsrStore *to, const char *title, const char *fixture)
{
  g_autoptr (TftsrIssue) issue = tftsr_test_create (to, title, NULL);

  add_fixture (to, tftsr_issue_get_id (issue), fixture);
  return tftsr_issue_get_id (issue);
}

/* A shared rare error outweighs shared info lines; lines every incident has count
 * nothing; the incident itself is not listed. */
static void
test_similar (void)
{
  g_autoptr (TftsrStore) own = tftsr_test_new_store ();
  gint64 query = incident_with (own, "Orders stuck", "similar-query.log");
  gint64 rare = incident_with (own, "Kafka rebalance", "similar-rare-error.log");
  gint64 common = incident_with (own, "Cache", "similar-common-info.log");
  g_autoptr (GPtrArray) similar = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  TftsrSimilarIssue *first, *second;

  incident_with (own, "Disk", "similar-other-1.log");
  incident_with (own, "Scheduler", "similar-other-2.log");
  tftsr_store_similar_issues_async (own, query, 10, NULL, keep_result, &result);
  tftsr_test_iterate_until (async_done, &result);
  similar = tftsr_store_similar_issues_finish (own, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (similar->len, ==, 2);
  first = similar->pdata[0];
  second = similar->pdata[1];
  g_assert_cmpint (first->issue_id, ==, rare);
  g_assert_cmpstr (first->title, ==, "Kafka rebalance");
  g_assert_cmpstr (first->status, ==, "open");
  g_assert_cmpuint (first->shared->len, ==, 1);
  g_assert_cmpstr (first->shared->pdata[0], ==,
                   "consumer group orders rebalance failed after <*> attempts");
  g_assert_cmpint (second->issue_id, ==, common);
  g_assert_cmpstr (second->shared->pdata[0], ==, "warmed <*> entries");
  g_assert_cmpfloat (first->score, >, second->score);

  g_clear_pointer (&similar, g_ptr_array_unref);
  similar = tftsr_store_similar_issues (own, query, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (similar->len, ==, 1);
}

static guint64
rows_of (const char *table, gint64 log_id)
{
  g_autofree char *sql =
      g_strdup_printf ("SELECT count(*) FROM %s WHERE log_id = %" G_GINT64_FORMAT, table, log_id);
  g_autofree char *count = tftsr_test_query (store, sql);

  return g_ascii_strtoull (count, NULL, 10);
}

/* A re-scan or a value marked by hand drops the insight (the spans masked in it changed)
 * and asking for it mines it again; deleting a log deletes its insight and its
 * fingerprints. */
static void
test_rescan_and_delete (void)
{
  static const char text[] = "2024-05-01T09:00:00Z INFO mail: sent to bob@mail.internal\n"
                             "2024-05-01T09:00:01Z INFO mail: sent to eve@mail.internal\n"
                             "2024-05-01T09:00:02Z WARN mail: queue 3 deep\n";
  gint64 log_id = add_log (text, sizeof text - 1);
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrLogInsight) insight = NULL;
  g_autoptr (TftsrLogInsight) none = NULL;

  g_assert_cmpuint (rows_of ("log_insights", log_id), ==, 1);
  g_assert_cmpuint (rows_of ("log_templates", log_id), ==, 2);
  g_assert_true (tftsr_store_rescan_log (store, log_id, NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  none = stored (log_id);
  g_assert_null (none);
  insight = tftsr_store_ensure_log_insight (store, log_id, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tftsr_log_insight_get_templates (insight)->len, ==, 2);
  g_assert_cmpuint (rows_of ("log_templates", log_id), ==, 2);
  /* A value marked by hand ("mail" of the last line's component) changes the masking too. */
  g_assert_cmpuint (tftsr_store_mark_pii_value (store, log_id,
                                                strstr (text, "WARN mail") - text + 5,
                                                strstr (text, "WARN mail") - text + 9, "TEAM",
                                                FALSE, NULL, NULL, NULL, &error),
                    ==, 1);
  g_assert_no_error (error);
  g_assert_cmpuint (rows_of ("log_insights", log_id), ==, 0);
  g_clear_object (&insight);
  insight = tftsr_store_ensure_log_insight (store, log_id, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows_of ("log_insights", log_id), ==, 1);
  g_assert_true (tftsr_store_delete_log (store, log_id, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (rows_of ("log_insights", log_id), ==, 0);
  g_assert_cmpuint (rows_of ("log_templates", log_id), ==, 0);
}

typedef struct
{
  gint64 log_id;
  guint64 start;
  guint marked;
} MarkWhileMining;

/* Progress of the mining: the first time, a value is marked by hand from another
 * connection, as the review window can while the insight window mines. */
static void
mark_while_mining (guint64 done, guint64 total, gpointer user_data)
{
  MarkWhileMining *m = user_data;
  g_autoptr (GError) error = NULL;

  if (m->marked > 0)
    return;
  m->marked = tftsr_store_mark_pii_value (store, m->log_id, m->start, m->start + 5, "NAME", TRUE,
                                          NULL, NULL, NULL, &error);
  g_assert_no_error (error);
}

/* A value marked while the log is being mined makes that run stale: it is mined again,
 * and what is stored masks the value. */
static void
test_marked_while_mining (void)
{
  static const char text[] = "2024-05-01T09:00:00Z INFO auth: login by alice ok\n"
                             "2024-05-01T09:00:01Z INFO auth: login by alice ok\n";
  gint64 log_id = add_log (text, sizeof text - 1);
  MarkWhileMining m = { log_id, strstr (text, "alice") - text, 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrLogInsight) mined = NULL;
  g_autoptr (TftsrLogInsight) kept = NULL;

  template_of (kept = stored (log_id), "login by alice ok");
  mined = tftsr_store_mine_log (store, log_id, mark_while_mining, &m, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (m.marked, ==, 2);
  template_of (mined, "login by <*> ok");
  g_clear_object (&kept);
  template_of (kept = stored (log_id), "login by <*> ok");
}

/* The stored series survives a round trip; damaged ones are refused. */
static void
test_series_blob (void)
{
  static const TftsrSeriesPoint points[] = { { 0, 1 }, { 5, 300 }, { 2047, 70000 } };
  static const guint8 *const bad[] = {
    (const guint8 *) "\x80",             /* a varint cut short */
    (const guint8 *) "\x01\x00",         /* a count of 0 */
    (const guint8 *) "\x01\x01\x00\x01", /* a bucket twice */
    (const guint8 *) "\x80\x10\x01",     /* bucket 2048 */
  };
  static const gsize bad_len[] = { 1, 2, 4, 3 };
  g_autoptr (GArray) series = g_array_new (FALSE, FALSE, sizeof (TftsrSeriesPoint));
  g_autoptr (GBytes) blob = NULL;
  g_autoptr (GArray) back = NULL;

  g_array_append_vals (series, points, G_N_ELEMENTS (points));
  blob = tftsr_insight_series_encode (series);
  back = tftsr_insight_series_decode (g_bytes_get_data (blob, NULL), g_bytes_get_size (blob), 2048,
                                      NULL);
  g_assert_nonnull (back);
  g_assert_cmpmem (back->data, back->len * sizeof *points, points, sizeof points);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GArray) none = tftsr_insight_series_decode (bad[i], bad_len[i], 2048, &error);

      g_assert_null (none);
      g_assert_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_CORRUPT);
    }
}

static guint32
same_id (guint32 id, gpointer data)
{
  return id;
}

/* Buckets merge pairwise as the span grows, in whatever order times come; no line is
 * lost. */
static void
test_timeline_merges (void)
{
  g_autoptr (TftsrInsightTimeline) timeline = tftsr_insight_timeline_new ();
  TftsrInsightParts parts = { 0 };
  TftsrLogTemplate t = { .id = 1 };
  guint64 sum = 0, series_sum = 0;
  const GArray *series;
  gint64 base = utc (9, 0, 0);

  /* A day, every 10 s, backwards from noon, then forwards. */
  for (gint64 s = 0; s < 12 * 3600; s += 10)
    tftsr_insight_timeline_add (timeline, 1, base + (12 * 3600 - s) * G_USEC_PER_SEC, FALSE);
  for (gint64 s = 0; s < 12 * 3600; s += 10)
    tftsr_insight_timeline_add (timeline, 1, base + (12 * 3600 + s) * G_USEC_PER_SEC, s % 20 == 0);
  parts.templates = g_ptr_array_new ();
  g_ptr_array_add (parts.templates, &t);
  tftsr_insight_timeline_finish (timeline, same_id, NULL, &parts);
  g_assert_cmpuint (parts.n_buckets, <=, TFTSR_INSIGHT_MAX_BUCKETS);
  g_assert_cmpuint (parts.n_buckets, >, TFTSR_INSIGHT_MAX_BUCKETS / 2);
  g_assert_cmpint (parts.bucket_width, ==, 64 * G_USEC_PER_SEC);
  g_assert_cmpint (parts.hist_start % parts.bucket_width, ==, 0);
  g_assert_cmpint (parts.hist_start, <=, base + 10 * G_USEC_PER_SEC);
  for (guint i = 0; i < parts.n_buckets; i++)
    sum += parts.totals[i];
  g_assert_cmpuint (sum, ==, 2 * 12 * 360);
  series = parts.series->pdata[0];
  for (guint i = 0; i < series->len; i++)
    {
      const TftsrSeriesPoint *p = &g_array_index (series, TftsrSeriesPoint, i);

      g_assert_cmpuint (p->count, ==, parts.totals[p->bucket]);
      g_assert_true (i == 0 || p->bucket > g_array_index (series, TftsrSeriesPoint, i - 1).bucket);
      series_sum += p->count;
    }
  g_assert_cmpuint (series_sum, ==, sum);
  g_ptr_array_unref (parts.templates);
  g_ptr_array_unref (parts.series);
  g_free (parts.totals);
  g_free (parts.errors);
}

int
main (int argc, char **argv)
{
  int rc;

  tftsr_test_init (&argc, &argv);
  store = tftsr_test_new_store ();
  scanner = tftsr_pii_scanner_new ();
  g_test_add_func ("/log-insight/pii-masked", test_pii_masked);
  g_test_add_func ("/log-insight/persisted", test_persisted);
  g_test_add_func ("/log-insight/ingest-as-stored", test_ingest_as_stored);
  g_test_add_func ("/log-insight/cancelled-keeps-previous", test_cancelled_keeps_previous);
  g_test_add_func ("/log-insight/changed", test_changed);
  g_test_add_func ("/log-insight/find-lines", test_find_lines);
  g_test_add_func ("/log-insight/merged-templates", test_merged_templates);
  g_test_add_func ("/log-insight/similar", test_similar);
  g_test_add_func ("/log-insight/rescan-and-delete", test_rescan_and_delete);
  g_test_add_func ("/log-insight/marked-while-mining", test_marked_while_mining);
  g_test_add_func ("/log-insight/series-blob", test_series_blob);
  g_test_add_func ("/log-insight/timeline-merges", test_timeline_merges);
  rc = g_test_run ();
  g_object_unref (scanner);
  g_object_unref (store);
  return rc;
}
