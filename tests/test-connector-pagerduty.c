/* test-connector-pagerduty.c: paging through PagerDuty's Events API v2
 *
 * The contract: Prism serves PagerDuty's own spec and checks the trigger, acknowledge and
 * resolve events the connector sends (each sent for real, and its previewed bytes replayed
 * to read Prism's verdict); a violation fails the test. The behaviour, with a loopback
 * fake: one dedup_key for an incident across retries and later sends, 429 with Retry-After
 * waited out, severities mapped by default and by the connector's options, the routing key
 * checked by its shape and kept out of previews.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "tftsr-connector-private.h"
#include "tftsr-connector-test-util.h"
#include "tftsr-prism.h"

#define ROUTING_KEY "e93facc04764012d7bfb002500d5d1a6"
#define ACCEPTED "{\"status\":\"success\",\"message\":\"Event processed\",\"dedup_key\":\"%s\"}"
#define STARTUP_SECONDS 120

static gint64
create_issue (TftsrStore *store, const char *title, TftsrSeverity severity)
{
  g_autoptr (TftsrIssue) draft = tftsr_issue_new (title);
  g_autoptr (TftsrIssue) issue = NULL;
  g_autoptr (GError) error = NULL;

  tftsr_issue_set_severity (draft, severity);
  tftsr_issue_set_category (draft, TFTSR_CATEGORY_DATABASES);
  issue = tftsr_store_create_issue (store, draft, &error);
  g_assert_no_error (error);
  return tftsr_issue_get_id (issue);
}

static void
save (TftsrStore *store, const char *base_url, const char *options)
{
  tftsr_test_save_connector (store, "pd", TFTSR_CONNECTOR_PAGERDUTY, base_url,
                             TFTSR_CONNECTOR_AUTH_TOKEN, NULL, ROUTING_KEY, options);
}

static TftsrExternalItem *
page (TftsrStore *store, gint64 issue_id, TftsrPageAction action)
{
  g_autoptr (GError) error = NULL;
  TftsrExternalItem *item = tftsr_connector_page (store, "pd", issue_id, action, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (item);
  return item;
}

/* The dedup_key is the incident's correlation marker: this database's id (fixed here) and
 * the incident's, so incidents of two databases never share an alert. */
static char *
expected_dedup (TftsrStore *store, gint64 issue_id)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (tftsr_store_set_setting (store, "connectors.instance_id", "0badc0de", &error));
  g_assert_no_error (error);
  return g_strdup_printf ("tftsr-0badc0de-%" G_GINT64_FORMAT, issue_id);
}

static void
json_free (gpointer object)
{
  json_object_put (object);
}

/* The events the fake received, parsed. */
static GPtrArray *
received_events (TftsrFakeServer *server)
{
  g_autoptr (GPtrArray) requests = tftsr_fake_server_dup_requests (server);
  GPtrArray *events = g_ptr_array_new_with_free_func (json_free);

  for (guint i = 0; i < requests->len; i++)
    {
      TftsrFakeRequest *request = requests->pdata[i];

      g_assert_cmpstr (request->method, ==, "POST");
      g_assert_cmpstr (request->path, ==, "/v2/enqueue");
      /* The routing key travels in the body only. */
      g_assert_null (soup_message_headers_get_one (request->fields, "Authorization"));
      g_ptr_array_add (events, tftsr_test_request_json (request));
    }
  return events;
}

static TftsrFakeReply *
accepted (const char *dedup)
{
  TftsrFakeReply *reply = tftsr_fake_reply_new (202, "application/json");
  g_autofree char *body = g_strdup_printf (ACCEPTED, dedup);

  tftsr_fake_reply_add_piece (reply, body, -1);
  return reply;
}

static TftsrFakeReply *
status_reply (guint status, const char *retry_after)
{
  TftsrFakeReply *reply = tftsr_fake_reply_new (status, "application/json");

  if (retry_after != NULL)
    tftsr_fake_reply_add_header (reply, "Retry-After", retry_after);
  tftsr_fake_reply_add_piece (reply, "{\"status\":\"throttled\",\"message\":\"slow down\"}", -1);
  return reply;
}

/* --- behaviour against a fake ------------------------------------------------------- */

static void
test_trigger_body (void)
{
  g_autoptr (TftsrStore) store = tftsr_test_new_store ();
  g_autoptr (TftsrFakeServer) server = tftsr_fake_server_new ();
  g_autofree char *base = tftsr_fake_server_url (server, "");
  gint64 issue_id =
      create_issue (store, "Primary database refuses connections", TFTSR_SEVERITY_CRITICAL);
  g_autofree char *dedup = expected_dedup (store, issue_id);
  g_autoptr (TftsrFakeReply) reply = accepted (dedup);
  g_autoptr (TftsrExternalItem) triggered = NULL;
  g_autoptr (TftsrExternalItem) resolved = NULL;
  g_autoptr (GPtrArray) events = NULL;
  json_object *trigger, *resolve;

  save (store, base, NULL);
  tftsr_fake_server_add_replies (server, "/v2/enqueue", reply, NULL);
  triggered = page (store, issue_id, TFTSR_PAGE_TRIGGER);
  resolved = page (store, issue_id, TFTSR_PAGE_RESOLVE);
  g_assert_cmpstr (triggered->id, ==, dedup);
  g_assert_cmpstr (triggered->status, ==, "triggered");
  g_assert_cmpstr (resolved->status, ==, "resolved");

  events = received_events (server);
  g_assert_cmpuint (events->len, ==, 2);
  trigger = events->pdata[0];
  g_assert_cmpstr (tftsr_json_path_string (trigger, "routing_key"), ==, ROUTING_KEY);
  g_assert_cmpstr (tftsr_json_path_string (trigger, "event_action"), ==, "trigger");
  g_assert_cmpstr (tftsr_json_path_string (trigger, "dedup_key"), ==, dedup);
  g_assert_cmpstr (tftsr_json_path_string (trigger, "payload.summary"), ==,
                   "Primary database refuses connections");
  g_assert_cmpstr (tftsr_json_path_string (trigger, "payload.source"), ==, "tftsr");
  g_assert_cmpstr (tftsr_json_path_string (trigger, "payload.severity"), ==, "critical");
  g_assert_cmpint (
      json_object_get_int64 (json_object_object_get (
          json_object_object_get (json_object_object_get (trigger, "payload"), "custom_details"),
          "incident_id")),
      ==, issue_id);
  g_assert_cmpstr (tftsr_json_path_string (trigger, "payload.custom_details.status"), ==, "open");
  g_assert_cmpstr (tftsr_json_path_string (trigger, "payload.custom_details.category"), ==,
                   "databases");
  g_assert_cmpstr (tftsr_json_path_string (trigger, "payload.custom_details.severity"), ==,
                   "critical");
  g_assert_nonnull (tftsr_json_path_string (trigger, "payload.custom_details.created_at"));
  resolve = events->pdata[1];
  g_assert_cmpstr (tftsr_json_path_string (resolve, "event_action"), ==, "resolve");
  g_assert_cmpstr (tftsr_json_path_string (resolve, "dedup_key"), ==, dedup);
  g_assert_false (json_object_object_get_ex (resolve, "payload", NULL));
}

/* A trigger whose first answer was a gateway's 502 is sent again with the same dedup_key,
 * and so is a later trigger: one alert, never two. */
static void
test_same_dedup_key (void)
{
  g_autoptr (TftsrStore) store = tftsr_test_new_store ();
  g_autoptr (TftsrFakeServer) server = tftsr_fake_server_new ();
  g_autofree char *base = tftsr_fake_server_url (server, "");
  gint64 issue_id = create_issue (store, "Queue backlog", TFTSR_SEVERITY_HIGH);
  g_autofree char *dedup = expected_dedup (store, issue_id);
  g_autoptr (TftsrFakeReply) gateway = tftsr_fake_reply_new (502, "text/html");
  g_autoptr (TftsrFakeReply) ok = accepted (dedup);
  g_autoptr (TftsrExternalItem) first = NULL;
  g_autoptr (TftsrExternalItem) again = NULL;
  g_autoptr (GPtrArray) events = NULL;

  tftsr_fake_reply_add_piece (gateway, "<html>Bad gateway</html>", -1);
  save (store, base, NULL);
  tftsr_fake_server_add_replies (server, "/v2/enqueue", gateway, ok, NULL);
  first = page (store, issue_id, TFTSR_PAGE_TRIGGER);
  again = page (store, issue_id, TFTSR_PAGE_TRIGGER);
  events = received_events (server);
  g_assert_cmpuint (events->len, ==, 3);
  for (guint i = 0; i < events->len; i++)
    g_assert_cmpstr (tftsr_json_path_string (events->pdata[i], "dedup_key"), ==, dedup);
  g_assert_cmpstr (first->id, ==, again->id);
}

static void
test_retry_after (void)
{
  g_autoptr (TftsrStore) store = tftsr_test_new_store ();
  g_autoptr (TftsrFakeServer) server = tftsr_fake_server_new ();
  g_autofree char *base = tftsr_fake_server_url (server, "");
  gint64 issue_id = create_issue (store, "Disk full", TFTSR_SEVERITY_MEDIUM);
  g_autofree char *dedup = expected_dedup (store, issue_id);
  g_autoptr (TftsrFakeReply) throttled = status_reply (429, "2");
  g_autoptr (TftsrFakeReply) ok = accepted (dedup);
  g_autoptr (TftsrExternalItem) item = NULL;
  gint64 start = g_get_monotonic_time ();
  double waited;

  save (store, base, NULL);
  tftsr_fake_server_add_replies (server, "/v2/enqueue", throttled, ok, NULL);
  item = page (store, issue_id, TFTSR_PAGE_TRIGGER);
  waited = (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;
  g_test_message ("waited %.2f s", waited);
  g_assert_cmpfloat (waited, >=, 1.9);
  g_assert_cmpuint (tftsr_fake_server_count_requests (server, "/v2/enqueue"), ==, 2);
  g_assert_cmpstr (item->id, ==, dedup);
}

/* The severity a trigger of an incident of @severity carries. */
static char *
sent_severity (TftsrStore *store, TftsrFakeServer *server, TftsrSeverity severity)
{
  gint64 issue_id = create_issue (store, "Mapped", severity);
  g_autoptr (TftsrExternalItem) item = page (store, issue_id, TFTSR_PAGE_TRIGGER);
  g_autoptr (GPtrArray) events = received_events (server);

  return g_strdup (tftsr_json_path_string (events->pdata[events->len - 1], "payload.severity"));
}

static void
test_severity_mapping (void)
{
  g_autoptr (TftsrStore) store = tftsr_test_new_store ();
  g_autoptr (TftsrFakeServer) server = tftsr_fake_server_new ();
  g_autofree char *base = tftsr_fake_server_url (server, "");
  g_autoptr (TftsrFakeReply) ok = accepted ("any");
  const char *defaults[] = { "critical", "error", "warning", "info" };
  const char *custom[] = { "critical", "critical", "error", "info" };
  g_autoptr (GError) error = NULL;
  gint64 issue_id;

  tftsr_fake_server_add_replies (server, "/v2/enqueue", ok, NULL);
  save (store, base, NULL);
  for (guint s = 0; s < G_N_ELEMENTS (defaults); s++)
    {
      g_autofree char *sent = sent_severity (store, server, (TftsrSeverity) s);

      g_assert_cmpstr (sent, ==, defaults[s]);
    }
  save (store, base, "{\"mapping\":{\"severity\":{\"high\":\"critical\",\"medium\":\"error\"}}}");
  for (guint s = 0; s < G_N_ELEMENTS (custom); s++)
    {
      g_autofree char *sent = sent_severity (store, server, (TftsrSeverity) s);

      g_assert_cmpstr (sent, ==, custom[s]);
    }

  /* A value PagerDuty would refuse is refused here, before anything is sent. */
  save (store, base, "{\"mapping\":{\"severity\":{\"low\":\"sev4\"}}}");
  issue_id = create_issue (store, "Unmappable", TFTSR_SEVERITY_LOW);
  g_assert_null (tftsr_connector_page (store, "pd", issue_id, TFTSR_PAGE_TRIGGER, NULL, &error));
  g_assert_error (error, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_INVALID);
  g_assert_cmpuint (tftsr_fake_server_count_requests (server, "/v2/enqueue"), ==, 8);
}

static void
test_summary_cut (void)
{
  g_autoptr (TftsrStore) store = tftsr_test_new_store ();
  g_autoptr (TftsrFakeServer) server = tftsr_fake_server_new ();
  g_autofree char *base = tftsr_fake_server_url (server, "");
  g_autoptr (TftsrFakeReply) ok = accepted ("any");
  g_autoptr (GString) title = g_string_new (NULL);
  g_autoptr (TftsrExternalItem) item = NULL;
  g_autoptr (GPtrArray) events = NULL;
  const char *summary;

  for (guint i = 0; i < 600; i++)
    g_string_append (title, "é ");
  tftsr_fake_server_add_replies (server, "/v2/enqueue", ok, NULL);
  save (store, base, NULL);
  item = page (store, create_issue (store, title->str, TFTSR_SEVERITY_LOW), TFTSR_PAGE_TRIGGER);
  events = received_events (server);
  summary = tftsr_json_path_string (events->pdata[0], "payload.summary");
  g_assert_cmpint (g_utf8_strlen (summary, -1), ==, 1024);
  g_assert_true (g_str_has_suffix (summary, "…"));
}

static void
test_connection_test (void)
{
  g_autoptr (TftsrStore) store = tftsr_test_new_store ();
  g_autoptr (TftsrConnectorConfig) config =
      tftsr_connector_config_new ("pd", TFTSR_CONNECTOR_PAGERDUTY, "https://events.pagerduty.com");
  g_autoptr (GError) error = NULL;
  g_autofree char *said = NULL;

  config->auth = TFTSR_CONNECTOR_AUTH_TOKEN;
  said = tftsr_connector_test (store, config, ROUTING_KEY, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (said, ==,
                   "Routing key accepted by format; PagerDuty checks it on the first event");
  g_assert_null (tftsr_connector_test (store, config, "too-short", NULL, &error));
  g_assert_error (error, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (
      tftsr_connector_test (store, config, "e93facc04764012d7bfb002500d5d1a\"", NULL, &error));
  g_assert_error (error, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_INVALID);
}

/* A preview shows the body to a person: never the routing key. */
static void
test_preview_hides_key (void)
{
  g_autoptr (TftsrStore) store = tftsr_test_new_store ();
  gint64 issue_id = create_issue (store, "Preview me", TFTSR_SEVERITY_HIGH);
  g_autoptr (GError) error = NULL;
  g_autofree char *preview = NULL;

  save (store, "https://events.pagerduty.com", NULL);
  preview = tftsr_connector_preview (store, "pd", "page-trigger", issue_id, NULL, &error);
  g_assert_no_error (error);
  g_test_message ("%s", preview);
  g_assert_true (g_str_has_prefix (preview, "POST https://events.pagerduty.com/v2/enqueue\n"));
  g_assert_null (strstr (preview, ROUTING_KEY));
  g_assert_nonnull (strstr (preview, "\"summary\":\"Preview me\""));
}

/* --- the contract --------------------------------------------------------------------- */

/* Prism serves the spec's paths without its server's "/v2": the operation is moved under
 * /v2 so that the connector's base URL is the host, as it is with PagerDuty. */
static char *
prepare_spec (GError **error)
{
  g_autofree char *out = g_build_filename (tftsr_test_dir (), "pagerduty-enqueue.json", NULL);
  g_autoptr (json_object) spec = NULL;
  json_object *paths, *operation;

  if (!tftsr_prism_prepare_spec ("pagerduty/events-v2/openapiv3.json", "/enqueue", out, error))
    return NULL;
  spec = json_object_from_file (out);
  g_assert_nonnull (spec);
  paths = json_object_object_get (spec, "paths");
  operation = json_object_get (json_object_object_get (paths, "/enqueue"));
  json_object_object_del (paths, "/enqueue");
  json_object_object_add (paths, "/v2/enqueue", operation);
  g_assert_cmpint (json_object_to_file (out, spec), ==, 0);
  return g_steal_pointer (&out);
}

/* Sends @method @url with @body to Prism; its status, and Prism's violations in *@violations. */
static guint
replay (TftsrPrism *prism, const char *method, const char *url, const char *body, char **violations)
{
  g_autoptr (TftsrHttpRequest) request = tftsr_http_request_new (method, url);
  g_autoptr (GBytes) bytes = g_bytes_new (body, strlen (body));
  g_autoptr (TftsrHttpResponse) response = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *log = NULL;

  tftsr_http_request_set_body (request, "application/json", bytes);
  tftsr_http_request_set_retries (request, 0, 1);
  response = tftsr_prism_perform (prism, request, &log, &error);
  g_assert_no_error (error);
  g_test_message ("%s", log);
  *violations = tftsr_prism_violations (log);
  return response->status;
}

/* The previewed request of @operation, sent to Prism as it is: no violation. */
static void
assert_preview_accepted (TftsrPrism *prism, TftsrStore *store, const char *operation,
                         gint64 issue_id)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *preview =
      tftsr_connector_preview (store, "pd", operation, issue_id, NULL, &error);
  g_auto (GStrv) parts = NULL;
  g_auto (GStrv) lines = NULL;
  g_auto (GStrv) request_line = NULL;
  g_autofree char *violations = NULL;
  guint status;

  /* "METHOD URL\nContent-Type: …\n\nBODY" */
  g_assert_no_error (error);
  parts = g_strsplit (preview, "\n\n", 2);
  lines = g_strsplit (parts[0], "\n", -1);
  request_line = g_strsplit (lines[0], " ", 2);
  status = replay (prism, request_line[0], request_line[1], parts[1], &violations);
  g_assert_cmpstr (violations, ==, "");
  g_assert_cmpuint (status, ==, 202);
}

static void
test_contract (void)
{
  g_autofree char *missing = tftsr_prism_missing ();
  g_autoptr (TftsrStore) store = NULL;
  g_autoptr (TftsrPrism) prism = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *spec = NULL;
  g_autofree char *base = NULL;
  g_autofree char *url = NULL;
  g_autofree char *violations = NULL;
  const TftsrPageAction actions[] = { TFTSR_PAGE_TRIGGER, TFTSR_PAGE_ACKNOWLEDGE,
                                      TFTSR_PAGE_RESOLVE };
  const char *operations[] = { "page-trigger", "page-acknowledge", "page-resolve" };
  gint64 issue_id;

  if (missing != NULL)
    {
      g_test_skip (missing);
      return;
    }
  spec = prepare_spec (&error);
  g_assert_no_error (error);
  prism = tftsr_prism_start (spec, &error);
  g_assert_no_error (error);
  g_assert_true (tftsr_prism_wait (prism, STARTUP_SECONDS, &error));
  g_assert_no_error (error);

  store = tftsr_test_new_store ();
  base = tftsr_prism_url (prism, "");
  save (store, base, NULL);
  issue_id = create_issue (store, "Payment gateway times out", TFTSR_SEVERITY_CRITICAL);
  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    {
      /* Sent for real: Prism answers a violation with 4xx, which fails the page. */
      g_autoptr (TftsrExternalItem) item = page (store, issue_id, actions[i]);

      /* Prism's verdict on the same bytes. */
      assert_preview_accepted (prism, store, operations[i], issue_id);
    }

  /* The check can fail: an action the API does not know. */
  url = tftsr_prism_url (prism, "/v2/enqueue");
  g_assert_cmpuint (replay (prism, "POST", url,
                            "{\"routing_key\":\"" ROUTING_KEY "\",\"event_action\":\"page\"}",
                            &violations),
                    >=, 400);
  g_assert_nonnull (strstr (violations, "event_action"));
}

int
main (int argc, char **argv)
{
  tftsr_test_init (&argc, &argv);
  g_test_add_func ("/connector-pagerduty/trigger-body", test_trigger_body);
  g_test_add_func ("/connector-pagerduty/same-dedup-key", test_same_dedup_key);
  g_test_add_func ("/connector-pagerduty/retry-after", test_retry_after);
  g_test_add_func ("/connector-pagerduty/severity-mapping", test_severity_mapping);
  g_test_add_func ("/connector-pagerduty/summary-cut", test_summary_cut);
  g_test_add_func ("/connector-pagerduty/connection-test", test_connection_test);
  g_test_add_func ("/connector-pagerduty/preview-hides-key", test_preview_hides_key);
  g_test_add_func ("/connector-pagerduty/contract", test_contract);
  return g_test_run ();
}
