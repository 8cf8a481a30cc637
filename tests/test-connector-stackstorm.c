/* test-connector-stackstorm.c: StackStorm actions listed and run to their end
 *
 * The contract: Prism serves StackStorm's own spec and checks the connection test, the
 * list of actions and an execution started and polled (a violation is a 4xx, which fails
 * the call, and shows in Prism's log, which fails the test). The behaviour, with a loopback fake: an execution walked from requested to
 * running to succeeded, with the progress reported; one that fails (an answer, not an
 * error); the wait cancelled while the execution runs on (the execution is still the
 * answer, linked on the incident as no longer watched); the API key in its header.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "tftsr-connector-private.h"
#include "tftsr-connector-test-util.h"
#include "tftsr-prism.h"

#define API_KEY "ZjZlNDY3NjE2YjE3MjFkZTEzYTI5ZGE0NjM1YzUx"
#define EXECUTION "5f1c2f7e9d1b4a0012ab34cd"
#define EXECUTION_PATH "/api/v1/executions/" EXECUTION
#define STARTUP_SECONDS 120

typedef struct
{
  TftsrStore *store;
  TftsrFakeServer *server;
  GPtrArray *statuses; /* reported by progress */
  GCancellable *cancel_on;
  const char *cancel_status;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autofree char *base = NULL;

  (void) data;
  f->store = tftsr_test_new_store ();
  f->server = tftsr_fake_server_new ();
  f->statuses = g_ptr_array_new_with_free_func (g_free);
  base = tftsr_fake_server_url (f->server, "");
  tftsr_test_save_connector (f->store, "st2", TFTSR_CONNECTOR_STACKSTORM, base,
                             TFTSR_CONNECTOR_AUTH_TOKEN, NULL, API_KEY, NULL);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  (void) data;
  g_ptr_array_unref (f->statuses);
  tftsr_fake_server_free (f->server);
  g_object_unref (f->store);
}

static TftsrFakeReply *
json_reply (guint status, const char *body)
{
  TftsrFakeReply *reply = tftsr_fake_reply_new (status, "application/json");

  tftsr_fake_reply_add_piece (reply, body, -1);
  return reply;
}

static TftsrFakeReply *
execution (guint status, const char *state)
{
  g_autofree char *body =
      g_strdup_printf ("{\"id\":\"%s\",\"status\":\"%s\",\"action\":{\"ref\":\"core.local\"},"
                       "\"web_url\":\"https://st2.example.com/#/history/%s/general\"}",
                       EXECUTION, state, EXECUTION);

  return json_reply (status, body);
}

static void
on_progress (const char *status, double fraction, gpointer user_data)
{
  Fixture *f = user_data;

  g_assert_cmpfloat (fraction, <, 0);
  g_ptr_array_add (f->statuses, g_strdup (status));
  if (f->cancel_status != NULL && g_str_equal (status, f->cancel_status))
    g_cancellable_cancel (f->cancel_on);
}

static TftsrExternalItem *
run (Fixture *f, GCancellable *cancellable, GError **error)
{
  return tftsr_connector_run_action (f->store, "st2", 0, "core.local", "{\"cmd\":\"uptime\"}",
                                     on_progress, f, cancellable, error);
}

static void
assert_statuses (Fixture *f, const char *const *expected)
{
  g_ptr_array_add (f->statuses, NULL);
  g_assert_cmpstrv ((const char *const *) f->statuses->pdata, expected);
}

static void
test_run_succeeds (Fixture *f, gconstpointer data)
{
  g_autoptr (TftsrFakeReply) created = execution (201, "requested");
  g_autoptr (TftsrFakeReply) still = execution (200, "requested");
  g_autoptr (TftsrFakeReply) running = execution (200, "running");
  g_autoptr (TftsrFakeReply) done = execution (200, "succeeded");
  g_autoptr (TftsrExternalItem) item = NULL;
  g_autoptr (GPtrArray) requests = NULL;
  g_autoptr (json_object) body = NULL;
  g_autoptr (GError) error = NULL;
  const char *expected[] = { "requested", "running", "succeeded", NULL };
  TftsrFakeRequest *post;

  (void) data;
  tftsr_fake_server_add_replies (f->server, "/api/v1/executions", created, NULL);
  tftsr_fake_server_add_replies (f->server, EXECUTION_PATH, still, running, running, done, NULL);
  item = run (f, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (item->id, ==, EXECUTION);
  g_assert_cmpstr (item->status, ==, "succeeded");
  g_assert_cmpstr (item->title, ==, "core.local");
  g_assert_cmpstr (item->url, ==, "https://st2.example.com/#/history/" EXECUTION "/general");
  assert_statuses (f, expected);
  g_assert_cmpuint (tftsr_fake_server_count_requests (f->server, EXECUTION_PATH), ==, 4);

  requests = tftsr_fake_server_dup_requests (f->server);
  post = requests->pdata[0];
  g_assert_cmpstr (post->method, ==, "POST");
  g_assert_cmpstr (post->path, ==, "/api/v1/executions");
  body = json_tokener_parse (g_bytes_get_data (post->body, NULL));
  g_assert_cmpstr (tftsr_json_path_string (body, "action"), ==, "core.local");
  g_assert_cmpstr (tftsr_json_path_string (body, "parameters.cmd"), ==, "uptime");
  for (guint i = 0; i < requests->len; i++)
    {
      TftsrFakeRequest *request = requests->pdata[i];

      g_assert_cmpstr (soup_message_headers_get_one (request->fields, "St2-Api-Key"), ==, API_KEY);
      g_assert_null (soup_message_headers_get_one (request->fields, "Authorization"));
    }
}

/* A failed execution is StackStorm's answer: the item says so, no error. */
static void
test_run_fails (Fixture *f, gconstpointer data)
{
  g_autoptr (TftsrFakeReply) created = execution (201, "scheduled");
  g_autoptr (TftsrFakeReply) running = execution (200, "running");
  g_autoptr (TftsrFakeReply) failed = execution (200, "failed");
  g_autoptr (TftsrExternalItem) item = NULL;
  g_autoptr (GError) error = NULL;
  const char *expected[] = { "scheduled", "running", "failed", NULL };

  (void) data;
  tftsr_fake_server_add_replies (f->server, "/api/v1/executions", created, NULL);
  tftsr_fake_server_add_replies (f->server, EXECUTION_PATH, running, failed, NULL);
  item = run (f, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (item->status, ==, "failed");
  assert_statuses (f, expected);
}

/* Already over when created: no poll. */
static void
test_run_immediate (Fixture *f, gconstpointer data)
{
  g_autoptr (TftsrFakeReply) created = execution (201, "timeout");
  g_autoptr (TftsrExternalItem) item = NULL;
  g_autoptr (GError) error = NULL;

  (void) data;
  tftsr_fake_server_add_replies (f->server, "/api/v1/executions", created, NULL);
  item = run (f, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (item->status, ==, "timeout");
  g_assert_cmpuint (tftsr_fake_server_count_requests (f->server, EXECUTION_PATH), ==, 0);
}

static gpointer
cancel_later (gpointer data)
{
  g_usleep (1500 * G_TIME_SPAN_MILLISECOND);
  g_cancellable_cancel (data);
  return NULL;
}

/* The execution is created, then runs until the wait for it ends; @cancel_on (may be NULL)
 * is cancelled once the progress says it runs. */
static void
serve_running (Fixture *f, GCancellable *cancel_on)
{
  g_autoptr (TftsrFakeReply) created = execution (201, "requested");
  g_autoptr (TftsrFakeReply) running = execution (200, "running");

  f->cancel_on = cancel_on;
  f->cancel_status = cancel_on != NULL ? "running" : NULL;
  tftsr_fake_server_add_replies (f->server, "/api/v1/executions", created, NULL);
  tftsr_fake_server_add_replies (f->server, EXECUTION_PATH, running, NULL);
}

/* Cancelling ends the wait at once (not at the next poll); the execution that goes on is
 * the answer, no longer watched; nothing is sent to stop it. */
static void
test_run_cancelled (Fixture *f, gconstpointer data)
{
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) requests = NULL;
  g_autoptr (TftsrExternalItem) item = NULL;
  GThread *canceller;
  gint64 start;
  double late;

  (void) data;
  serve_running (f, NULL);
  canceller = g_thread_new ("cancel", cancel_later, cancellable);
  start = g_get_monotonic_time ();
  item = run (f, cancellable, &error);
  late = (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC - 1.5;
  g_thread_join (canceller);
  g_test_message ("%.3f s after the cancel", late);
  g_assert_no_error (error);
  g_assert_cmpstr (item->id, ==, EXECUTION);
  g_assert_cmpstr (item->status, ==, TFTSR_EXECUTION_UNWATCHED);
  g_assert_cmpstr (item->url, ==, "https://st2.example.com/#/history/" EXECUTION "/general");
  g_assert_cmpfloat (late, <, 0.5);
  requests = tftsr_fake_server_dup_requests (f->server);
  for (guint i = 0; i < requests->len; i++)
    g_assert_cmpstr (((TftsrFakeRequest *) requests->pdata[i])->method, !=, "DELETE");
  g_assert_cmpstr (f->statuses->pdata[f->statuses->len - 2], ==, "running");
  g_assert_cmpstr (f->statuses->pdata[f->statuses->len - 1], ==, TFTSR_EXECUTION_UNWATCHED);

  /* Cancelled before it starts: nothing is run. */
  g_clear_error (&error);
  g_assert_null (run (f, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (tftsr_fake_server_count_requests (f->server, "/api/v1/executions"), ==, 1);
}

/* Cancelled from the progress callback itself, as a UI's Stop button in the worker would. */
static void
test_run_cancelled_in_progress (Fixture *f, gconstpointer data)
{
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrExternalItem) item = NULL;

  (void) data;
  serve_running (f, cancellable);
  item = run (f, cancellable, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (item->status, ==, TFTSR_EXECUTION_UNWATCHED);
  g_assert_cmpuint (tftsr_fake_server_count_requests (f->server, EXECUTION_PATH), ==, 1);
}

static void
on_ran (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (GError) error = NULL;
  TftsrExternalItem **item = data;

  *item = tftsr_connector_item_finish (TFTSR_STORE (source), result, &error);
  g_assert_no_error (error);
}

/* Through the _async pair, as the app runs it: the cancel does not hide the execution. */
static void
test_run_cancelled_async (Fixture *f, gconstpointer data)
{
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (TftsrExternalItem) item = NULL;

  (void) data;
  serve_running (f, cancellable);
  tftsr_connector_run_action_async (f->store, "st2", 0, "core.local", "{}", on_progress, f,
                                    cancellable, on_ran, &item);
  while (item == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (item->id, ==, EXECUTION);
  g_assert_cmpstr (item->status, ==, TFTSR_EXECUTION_UNWATCHED);
}

/* For an incident, the execution no longer watched is linked with its id and URL, and the
 * timeline says it was started and is no longer watched. */
static void
test_run_cancelled_linked (Fixture *f, gconstpointer data)
{
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrExternalItem) item = NULL;
  g_autoptr (GPtrArray) links = NULL;
  g_autoptr (GPtrArray) timeline = NULL;
  gint64 issue = tftsr_test_new_incident (f->store, "Disk full", "", TFTSR_SEVERITY_HIGH);
  TftsrExternalLink *link;
  gboolean told = FALSE;

  (void) data;
  serve_running (f, cancellable);
  item = tftsr_connector_run_action (f->store, "st2", issue, "core.local", "{}", on_progress, f,
                                     cancellable, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (item->status, ==, TFTSR_EXECUTION_UNWATCHED);
  links = tftsr_store_list_external_links (f->store, issue, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (links->len, ==, 1);
  link = links->pdata[0];
  g_assert_cmpstr (link->object, ==, "execution");
  g_assert_cmpstr (link->item.id, ==, EXECUTION);
  g_assert_cmpstr (link->item.status, ==, TFTSR_EXECUTION_UNWATCHED);
  g_assert_cmpstr (link->item.url, ==, "https://st2.example.com/#/history/" EXECUTION "/general");
  timeline = tftsr_store_list_timeline (f->store, issue, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < timeline->len; i++)
    if (tftsr_timeline_event_get_kind (timeline->pdata[i]) == TFTSR_TIMELINE_EXTERNAL_LINKED)
      {
        g_autofree char *text = tftsr_timeline_event_describe (timeline->pdata[i]);
        g_assert_cmpstr (text, ==,
                         "Automation " EXECUTION " started in StackStorm, no longer watched");
        told = TRUE;
      }
  g_assert_true (told);
}

static void
test_list_actions (Fixture *f, gconstpointer data)
{
  g_autoptr (TftsrFakeReply) actions =
      json_reply (200, "[{\"ref\":\"core.local\",\"description\":\"Run a command on this host\"},"
                       "{\"ref\":\"linux.restart_service\",\"description\":\"Restart a service\"},"
                       "{\"description\":\"no ref: skipped\"}]");
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (GPtrArray) requests = NULL;
  g_autoptr (GError) error = NULL;
  TftsrExternalItem *item;

  (void) data;
  tftsr_fake_server_add_replies (f->server, "/api/v1/actions", actions, NULL);
  items = tftsr_connector_list_containers (f->store, "st2", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 2);
  item = items->pdata[1];
  g_assert_cmpstr (item->id, ==, "linux.restart_service");
  g_assert_cmpstr (item->key, ==, "linux.restart_service");
  g_assert_cmpstr (item->title, ==, "Restart a service");
  requests = tftsr_fake_server_dup_requests (f->server);
  g_assert_cmpuint (requests->len, ==, 1);
  g_assert_nonnull (strstr (((TftsrFakeRequest *) requests->pdata[0])->path, "offset=0"));
}

static void
test_connection (Fixture *f, gconstpointer data)
{
  g_autoptr (TftsrFakeReply) user =
      json_reply (200, "{\"username\":\"st2admin\",\"authentication\":{\"method\":\"api_key\"}}");
  g_autoptr (TftsrFakeReply) refused =
      json_reply (401, "{\"faultstring\":\"Unauthorized - ApiKey with key_hash=x not found.\"}");
  g_autoptr (TftsrConnectorConfig) config = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *said = NULL;

  (void) data;
  config = tftsr_store_get_connector (f->store, "st2", &error);
  g_assert_no_error (error);
  tftsr_fake_server_add_replies (f->server, "/api/v1/user", user, refused, NULL);
  said = tftsr_connector_test (f->store, config, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (said, ==, "Signed in as st2admin");
  g_assert_null (tftsr_connector_test (f->store, config, "wrong-key", NULL, &error));
  g_assert_error (error, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_AUTH);
}

/* --- the contract --------------------------------------------------------------------- */

/* The operations a run and a listing use, in one spec Prism can serve: StackStorm's names
 * no media type ("produces"), and Prism, asked for application/json, then answers 406 after
 * checking the request; the media type st2api serves is added. */
static char *
prepare_spec (void)
{
  const char *paths[] = { "/api/v1/user", "/api/v1/actions", "/api/v1/executions",
                          "/api/v1/executions/{id}" };
  g_autoptr (json_object) spec = NULL;
  json_object *all_paths = json_object_new_object ();
  json_object *types = json_object_new_array ();
  g_autofree char *out = g_build_filename (tftsr_test_dir (), "stackstorm.json", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (json_object) one = NULL;

      g_assert_true (tftsr_prism_prepare_spec ("stackstorm/openapi.yaml", paths[i], out, &error));
      g_assert_no_error (error);
      one = json_object_from_file (out);
      g_assert_nonnull (one);
      json_object_object_add (all_paths, paths[i],
                              json_object_get (json_object_object_get (
                                  json_object_object_get (one, "paths"), paths[i])));
      if (spec == NULL)
        spec = g_steal_pointer (&one);
    }
  json_object_object_add (spec, "paths", all_paths);
  json_object_array_add (types, json_object_new_string ("application/json"));
  json_object_object_add (spec, "produces", json_object_get (types));
  json_object_object_add (spec, "consumes", types);
  g_assert_cmpint (json_object_to_file (out, spec), ==, 0);
  return g_steal_pointer (&out);
}

static gpointer
cancel_soon (gpointer data)
{
  g_usleep (3 * G_USEC_PER_SEC);
  g_cancellable_cancel (data);
  return NULL;
}

static void
test_contract (void)
{
  g_autofree char *missing = tftsr_prism_missing ();
  g_autofree char *spec = NULL;
  g_autoptr (TftsrStore) store = NULL;
  g_autoptr (TftsrPrism) prism = NULL;
  g_autoptr (TftsrConnectorConfig) config = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GPtrArray) actions = NULL;
  g_autoptr (TftsrExternalItem) item = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *base = NULL;
  g_autofree char *said = NULL;
  GThread *canceller;

  if (missing != NULL)
    {
      g_test_skip (missing);
      return;
    }
  spec = prepare_spec ();
  prism = tftsr_prism_start (spec, &error);
  g_assert_no_error (error);
  g_assert_true (tftsr_prism_wait (prism, STARTUP_SECONDS, &error));
  g_assert_no_error (error);

  store = tftsr_test_new_store ();
  base = tftsr_prism_url (prism, "");
  config = tftsr_connector_config_new ("st2", TFTSR_CONNECTOR_STACKSTORM, base);
  config->auth = TFTSR_CONNECTOR_AUTH_TOKEN;
  g_assert_true (tftsr_store_save_connector_untested (store, config, API_KEY, &error));
  g_assert_no_error (error);

  g_free (tftsr_prism_take_log (prism, &error));
  g_assert_no_error (error);
  said = tftsr_connector_test (store, config, NULL, NULL, &error);
  g_assert_no_error (error);
  tftsr_test_prism_check (prism, "test", NULL);
  actions = tftsr_connector_list_containers (store, "st2", NULL, &error);
  g_assert_no_error (error);
  tftsr_test_prism_check (prism, "list-actions", NULL);

  /* Prism makes the statuses up: the run ends when one is final, or is cancelled after a
   * few polls; either way each request passed Prism's checks. */
  canceller = g_thread_new ("cancel", cancel_soon, cancellable);
  item = tftsr_connector_run_action (store, "st2", 0, "core.local", "{\"cmd\":\"uptime\"}", NULL,
                                     NULL, cancellable, &error);
  g_thread_join (canceller);
  g_assert_no_error (error);
  g_assert_nonnull (item);
  /* The execution was started and polled (Prism's statuses are seldom final). */
  tftsr_test_prism_check (prism, "run-action", NULL);
}

int
main (int argc, char **argv)
{
  tftsr_test_init (&argc, &argv);
#define ADD(path, func)                                                                            \
  g_test_add ("/connector-stackstorm/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("run/succeeds", test_run_succeeds);
  ADD ("run/fails", test_run_fails);
  ADD ("run/immediate", test_run_immediate);
  ADD ("run/cancelled", test_run_cancelled);
  ADD ("run/cancelled-in-progress", test_run_cancelled_in_progress);
  ADD ("run/cancelled-linked", test_run_cancelled_linked);
  ADD ("run/cancelled-async", test_run_cancelled_async);
  ADD ("list-actions", test_list_actions);
  ADD ("connection", test_connection);
#undef ADD
  g_test_add_func ("/connector-stackstorm/contract", test_contract);
  return g_test_run ();
}
