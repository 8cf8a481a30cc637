/* test-ollama.c: the ollama module against loopback servers speaking Ollama's API (status,
 * models, pulls streamed in awkward pieces, errors mid-pull, cancellation, delete, a base URL
 * with a path), the hardware probe on fixture trees, and the recommendations for each
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <json.h>
#include <string.h>

#include "tftsr-fake-server.h"
#include "tftsr-ollama-private.h"
#include "tftsr-test-util.h"

#define GIB (G_GUINT64_CONSTANT (1) << 30)
#define MIB (G_GUINT64_CONSTANT (1) << 20)

static TftsrFakeReply *
json_reply (guint status, const char *body)
{
  TftsrFakeReply *reply = tftsr_fake_reply_new (status, "application/json");

  tftsr_fake_reply_add_piece (reply, body, -1);
  return reply;
}

/* @server answering @path with @reply, and its base URL (with @prefix, may be ""). */
static char *
serve (TftsrFakeServer *server, const char *path, TftsrFakeReply *reply)
{
  tftsr_fake_server_add_replies (server, path, reply, NULL);
  return tftsr_fake_server_url (server, "");
}

static char *
refused_url (GSocket **socket)
{
  guint port = 0;

  *socket = tftsr_test_refusing_socket (&port);
  return g_strdup_printf ("http://127.0.0.1:%u", port);
}

static TftsrFakeRequest *
only_request (TftsrFakeServer *server)
{
  g_autoptr (GPtrArray) requests = tftsr_fake_server_dup_requests (server);

  g_assert_cmpuint (requests->len, ==, 1);
  return tftsr_fake_request_ref (requests->pdata[0]);
}

static json_object *
body_json (TftsrFakeRequest *request)
{
  g_autofree char *text =
      g_strndup (g_bytes_get_data (request->body, NULL), g_bytes_get_size (request->body));
  return json_tokener_parse (text);
}

static const char *
member (json_object *obj, const char *key)
{
  json_object *value = NULL;

  return json_object_object_get_ex (obj, key, &value) ? json_object_get_string (value) : NULL;
}

/* --- status ------------------------------------------------------------------------- */

static void
test_version (void)
{
  g_autoptr (TftsrFakeServer) server = tftsr_fake_server_new ();
  g_autoptr (TftsrFakeReply) reply = json_reply (200, "{\"version\":\"0.5.1\"}");
  g_autofree char *url = serve (server, "/api/version", reply);
  g_autoptr (TftsrFakeRequest) request = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *version = tftsr_ollama_get_version (url, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (version, ==, "0.5.1");
  request = only_request (server);
  g_assert_cmpstr (request->method, ==, "GET");
  g_assert_cmpstr (request->path, ==, "/api/version");
}

/* Nothing listens: the engineer is told to start Ollama, for every call. */
static void
test_not_running (void)
{
  g_autoptr (GSocket) socket = NULL;
  g_autofree char *url = refused_url (&socket);
  g_autofree char *expected =
      g_strdup_printf ("Ollama is not running at %s: start it with “ollama serve”", url);
  g_autoptr (GError) version_error = NULL, list_error = NULL, pull_error = NULL;
  g_autoptr (GError) delete_error = NULL;
  g_autofree char *version = tftsr_ollama_get_version (url, NULL, &version_error);
  g_autoptr (GPtrArray) models = tftsr_ollama_list_models (url, NULL, &list_error);

  g_assert_null (version);
  g_assert_error (version_error, TFTSR_OLLAMA_ERROR, TFTSR_OLLAMA_ERROR_NOT_RUNNING);
  g_assert_cmpstr (version_error->message, ==, expected);
  g_assert_null (models);
  g_assert_error (list_error, TFTSR_OLLAMA_ERROR, TFTSR_OLLAMA_ERROR_NOT_RUNNING);
  g_assert_false (tftsr_ollama_pull (url, "llama3.2", NULL, NULL, NULL, &pull_error));
  g_assert_error (pull_error, TFTSR_OLLAMA_ERROR, TFTSR_OLLAMA_ERROR_NOT_RUNNING);
  g_assert_false (tftsr_ollama_delete (url, "llama3.2", NULL, &delete_error));
  g_assert_error (delete_error, TFTSR_OLLAMA_ERROR, TFTSR_OLLAMA_ERROR_NOT_RUNNING);
}

/* A web server that is not Ollama: 404 for the API, or JSON without a version. */
static void
test_not_ollama (void)
{
  g_autoptr (TftsrFakeServer) server = tftsr_fake_server_new ();
  g_autoptr (TftsrFakeReply) other = json_reply (200, "{\"status\":\"ok\"}");
  g_autofree char *url = serve (server, "/api/tags", other);
  g_autofree char *expected = g_strdup_printf (
      "%s does not answer as Ollama does (its reply names no version): check the address", url);
  g_autoptr (GError) missing = NULL, wrong = NULL, list = NULL;
  g_autofree char *version = tftsr_ollama_get_version (url, NULL, &missing);
  g_autoptr (GPtrArray) models = tftsr_ollama_list_models (url, NULL, &list);

  g_assert_error (missing, TFTSR_OLLAMA_ERROR, TFTSR_OLLAMA_ERROR_NOT_OLLAMA);
  g_assert_nonnull (strstr (missing->message, "HTTP 404"));
  g_assert_error (list, TFTSR_OLLAMA_ERROR, TFTSR_OLLAMA_ERROR_MALFORMED);
  g_assert_null (models);

  tftsr_fake_server_add_replies (server, "/api/version", other, NULL);
  version = tftsr_ollama_get_version (url, NULL, &wrong);
  g_assert_null (version);
  g_assert_error (wrong, TFTSR_OLLAMA_ERROR, TFTSR_OLLAMA_ERROR_NOT_OLLAMA);
  g_assert_cmpstr (wrong->message, ==, expected);
}

/* --- models ------------------------------------------------------------------------- */

/* The example of the API reference, a third entry with no name, in reverse order. */
static const char tags_body[] =
    "{\"models\":[{\"name\":\"llama3.2:latest\",\"model\":\"llama3.2:latest\","
    "\"modified_at\":\"2025-05-04T17:37:44.706015396-07:00\",\"size\":2019393189,"
    "\"digest\":\"a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72\","
    "\"details\":{\"parent_model\":\"\",\"format\":\"gguf\",\"family\":\"llama\","
    "\"families\":[\"llama\"],\"parameter_size\":\"3.2B\",\"quantization_level\":\"Q4_K_M\"}},"
    "{\"model\":\"nameless\"},"
    "{\"name\":\"deepseek-r1:latest\",\"model\":\"deepseek-r1:latest\","
    "\"modified_at\":\"2025-05-10T08:06:48.639712648-07:00\",\"size\":4683075271,"
    "\"digest\":\"0a8c266910232fd3291e71e5ba1e058cc5af9d411192cf88b6d30e92b6e73163\","
    "\"details\":{\"parent_model\":\"\",\"format\":\"gguf\",\"family\":\"qwen2\","
    "\"families\":[\"qwen2\"],\"parameter_size\":\"7.6B\",\"quantization_level\":\"Q4_K_M\"}}]}";

static void
check_models (GPtrArray *models)
{
  TftsrOllamaModel *first, *second;

  g_assert_cmpuint (models->len, ==, 2);
  first = models->pdata[0];
  second = models->pdata[1];
  g_assert_cmpstr (first->name, ==, "deepseek-r1:latest");
  g_assert_cmpuint (first->size, ==, 4683075271);
  g_assert_cmpstr (first->family, ==, "qwen2");
  g_assert_cmpstr (first->parameter_size, ==, "7.6B");
  g_assert_cmpstr (first->quantization, ==, "Q4_K_M");
  g_assert_cmpstr (first->digest, ==,
                   "0a8c266910232fd3291e71e5ba1e058cc5af9d411192cf88b6d30e92b6e73163");
  g_assert_nonnull (first->modified);
  g_assert_cmpint (g_date_time_to_unix (first->modified), ==, 1746889608);
  g_assert_cmpstr (second->name, ==, "llama3.2:latest");
  g_assert_cmpstr (second->parameter_size, ==, "3.2B");
}

static void
on_models (GObject *source, GAsyncResult *result, gpointer data)
{
  GPtrArray **models = data;
  g_autoptr (GError) error = NULL;

  *models = tftsr_ollama_list_models_finish (result, &error);
  g_assert_no_error (error);
}

static gboolean
is_set (gpointer pointer)
{
  return *(gpointer *) pointer != NULL;
}

static void
test_models (void)
{
  g_autoptr (TftsrFakeServer) server = tftsr_fake_server_new ();
  g_autoptr (TftsrFakeReply) reply = tftsr_fake_reply_new (200, "application/json");
  g_autofree char *url = NULL;
  g_autoptr (GPtrArray) models = NULL, async_models = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrOllamaModel) copy = NULL;

  tftsr_fake_reply_add_pieces (reply, tags_body, -1, 13);
  url = serve (server, "/api/tags", reply);
  models = tftsr_ollama_list_models (url, NULL, &error);
  g_assert_no_error (error);
  check_models (models);
  copy = tftsr_ollama_model_copy (models->pdata[0]);
  g_assert_cmpstr (copy->quantization, ==, "Q4_K_M");

  tftsr_ollama_list_models_async (url, NULL, on_models, &async_models);
  tftsr_test_iterate_until (is_set, &async_models);
  check_models (async_models);
}

static void
test_models_parse (void)
{
  static const char odd_body[] = "{\"models\":[{\"name\":\"a\",\"size\":\"big\","
                                 "\"modified_at\":\"yesterday\",\"details\":[]},{\"name\":7}]}";
  static const char *const broken[] = { "", "[]", "{\"models\":{}}", "{\"models\":[1]} x",
                                        "{\"error\":\"boom\"}" };
  g_autoptr (GPtrArray) empty = tftsr_ollama_parse_models ("{\"models\":[]}", 13, NULL);
  g_autoptr (GPtrArray) odd = NULL;

  g_assert_cmpuint (empty->len, ==, 0);
  /* Members of the wrong type are left out, a bad date leaves modified unknown. */
  odd = tftsr_ollama_parse_models (odd_body, sizeof odd_body - 1, NULL);
  g_assert_cmpuint (odd->len, ==, 1);
  g_assert_cmpuint (((TftsrOllamaModel *) odd->pdata[0])->size, ==, 0);
  g_assert_null (((TftsrOllamaModel *) odd->pdata[0])->modified);
  g_assert_null (((TftsrOllamaModel *) odd->pdata[0])->family);
  for (guint i = 0; i < G_N_ELEMENTS (broken); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GPtrArray) models =
          tftsr_ollama_parse_models (broken[i], strlen (broken[i]), &error);
      g_assert_null (models);
      g_assert_error (error, TFTSR_OLLAMA_ERROR, TFTSR_OLLAMA_ERROR_MALFORMED);
    }
}

/* --- pull --------------------------------------------------------------------------- */

static const char pull_stream[] =
    "{\"status\":\"pulling manifest\"}\n"
    "{\"status\":\"pulling dde5aa3fc5ff\",\"digest\":\"sha256:dde5aa3fc5ff\","
    "\"total\":2019377376}\n"
    "{\"status\":\"pulling dde5aa3fc5ff\",\"digest\":\"sha256:dde5aa3fc5ff\","
    "\"total\":2019377376,\"completed\":524288000}\n"
    "\n"
    "{\"status\":\"pulling dde5aa3fc5ff\",\"digest\":\"sha256:dde5aa3fc5ff\","
    "\"total\":2019377376,\"completed\":2019377376}\r\n"
    "{\"status\":\"pulling 966de95ca8a6\",\"digest\":\"sha256:966de95ca8a6\",\"total\":1429}\n"
    "{\"status\":\"pulling 966de95ca8a6\",\"digest\":\"sha256:966de95ca8a6\",\"total\":1429,"
    "\"completed\":1429}\n"
    "{\"status\":\"pulling fcc5a6bec9da\",\"digest\":\"sha256:fcc5a6bec9da\",\"total\":7711,"
    "\"completed\":7711}\n"
    "{\"status\":\"verifying sha256 digest\"}\n"
    "{\"status\":\"writing manifest\"}\n"
    "{\"status\":\"success\"}\n";

static const char *const pull_statuses[] = {
  "pulling manifest",
  "pulling dde5aa3fc5ff",
  "pulling 966de95ca8a6",
  "pulling fcc5a6bec9da",
  "verifying sha256 digest",
  "writing manifest",
  "success",
  NULL,
};

#define PULL_BYTES (2019377376 + 1429 + 7711)

/* Everything a pull reported. */
typedef struct
{
  GPtrArray *statuses; /* each new status once */
  guint reports;
  double fraction;
  gboolean monotonic;
  guint64 completed;
  guint64 total;
  GThread *thread;    /* where the reports must arrive */
  gboolean elsewhere; /* one arrived in another thread */
  GCancellable *stop; /* cancelled at the first report with bytes */
  gboolean finished;  /* the async pull finished */
  char *final_status; /* the status seen when it finished */
  GError *error;
} Seen;

static void
seen_init (Seen *seen)
{
  *seen = (Seen){ g_ptr_array_new_with_free_func (g_free), 0, 0, TRUE, 0, 0, g_thread_self () };
}

static void
seen_clear (Seen *seen)
{
  g_ptr_array_unref (seen->statuses);
  g_free (seen->final_status);
  g_clear_error (&seen->error);
}

static void
on_progress (const TftsrOllamaPullProgress *progress, gpointer data)
{
  Seen *seen = data;
  const char *last =
      seen->statuses->len > 0 ? seen->statuses->pdata[seen->statuses->len - 1] : NULL;

  seen->reports++;
  seen->elsewhere = seen->elsewhere || g_thread_self () != seen->thread;
  seen->monotonic = seen->monotonic && progress->fraction >= seen->fraction &&
                    progress->fraction >= 0 && progress->fraction <= 1;
  g_assert_true (progress->fraction < 1 || g_str_equal (progress->status, "success"));
  seen->fraction = progress->fraction;
  seen->completed = progress->completed;
  seen->total = progress->total;
  if (g_strcmp0 (last, progress->status) != 0)
    g_ptr_array_add (seen->statuses, g_strdup (progress->status));
  if (seen->stop != NULL && progress->total > 0)
    g_cancellable_cancel (seen->stop);
}

static void
assert_statuses (Seen *seen, const char *const *expected)
{
  for (guint i = 0; expected[i] != NULL; i++)
    {
      g_assert_cmpuint (i, <, seen->statuses->len);
      g_assert_cmpstr (seen->statuses->pdata[i], ==, expected[i]);
    }
  g_assert_cmpuint (seen->statuses->len, ==, g_strv_length ((char **) expected));
}

/* Whole, one byte at a time, and cut every 7 bytes: the same reports. */
static void
test_pull_progress (void)
{
  static const gsize pieces[] = { sizeof pull_stream, 1, 7 };

  for (guint i = 0; i < G_N_ELEMENTS (pieces); i++)
    {
      g_autoptr (TftsrFakeServer) server = tftsr_fake_server_new ();
      g_autoptr (TftsrFakeReply) reply = tftsr_fake_reply_new (200, "application/x-ndjson");
      g_autofree char *url = NULL;
      g_autoptr (TftsrFakeRequest) request = NULL;
      g_autoptr (GError) error = NULL;
      json_object *body;
      Seen seen;

      tftsr_fake_reply_add_pieces (reply, pull_stream, -1, pieces[i]);
      url = serve (server, "/api/pull", reply);
      seen_init (&seen);
      g_assert_true (tftsr_ollama_pull (url, "llama3.2:3b", on_progress, &seen, NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (seen.reports, ==, 10);
      g_assert_true (seen.monotonic);
      g_assert_cmpfloat (seen.fraction, ==, 1.0);
      g_assert_cmpuint (seen.completed, ==, PULL_BYTES);
      g_assert_cmpuint (seen.total, ==, PULL_BYTES);
      assert_statuses (&seen, pull_statuses);

      request = only_request (server);
      g_assert_cmpstr (request->method, ==, "POST");
      g_assert_cmpstr (request->path, ==, "/api/pull");
      body = body_json (request);
      g_assert_cmpstr (member (body, "model"), ==, "llama3.2:3b");
      g_assert_cmpstr (member (body, "stream"), ==, "true");
      json_object_put (body);
      seen_clear (&seen);
    }
}

/* A layer announced after another finished: the fraction waits rather than falling back. */
static void
test_pull_fraction (void)
{
  static const char *const lines[] = {
    "{\"status\":\"pulling a\",\"digest\":\"a\",\"total\":100,\"completed\":50}",
    "{\"status\":\"pulling a\",\"digest\":\"a\",\"total\":100,\"completed\":100}",
    "{\"status\":\"pulling b\",\"digest\":\"b\",\"total\":100}",
    "{\"status\":\"pulling b\",\"digest\":\"b\",\"total\":100,\"completed\":90}",
    "{\"status\":\"pulling b\",\"digest\":\"b\",\"total\":100,\"completed\":100}",
    "{\"status\":\"success\"}",
  };
  static const double expected[] = { 0.5, 0.99, 0.99, 0.99, 0.99, 1.0 };
  Seen seen;
  g_autoptr (TftsrPullTracker) tracker = NULL;

  seen_init (&seen);
  tracker = tftsr_pull_tracker_new (on_progress, &seen);
  for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
    {
      g_autoptr (GError) error = NULL;

      g_assert_true (tftsr_pull_tracker_take_line (tracker, lines[i], strlen (lines[i]), &error));
      g_assert_no_error (error);
      g_assert_cmpfloat_with_epsilon (seen.fraction, expected[i], 1e-9);
    }
  g_assert_true (tftsr_pull_tracker_succeeded (tracker));
  g_assert_cmpuint (seen.completed, ==, 200);
  seen_clear (&seen);
}

static void
test_pull_malformed_lines (void)
{
  g_autoptr (TftsrPullTracker) tracker = tftsr_pull_tracker_new (NULL, NULL);
  g_autoptr (TftsrPullTracker) many = tftsr_pull_tracker_new (NULL, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) layers = NULL;
  guint i;

  g_assert_false (tftsr_pull_tracker_take_line (tracker, "pulling", 7, &error));
  g_assert_error (error, TFTSR_OLLAMA_ERROR, TFTSR_OLLAMA_ERROR_MALFORMED);
  for (i = 0; i < 2000; i++)
    {
      g_autofree char *line = g_strdup_printf ("{\"digest\":\"d%u\",\"total\":1}", i);
      if (!tftsr_pull_tracker_take_line (many, line, strlen (line), &layers))
        break;
    }
  g_assert_cmpuint (i, ==, 1024);
  g_assert_error (layers, TFTSR_OLLAMA_ERROR, TFTSR_OLLAMA_ERROR_MALFORMED);
}

/* {"error": …} in the middle of the stream, with status 200. */
static void
test_pull_error_line (void)
{
  g_autoptr (TftsrFakeServer) server = tftsr_fake_server_new ();
  g_autoptr (TftsrFakeReply) reply = tftsr_fake_reply_new (200, "application/x-ndjson");
  g_autofree char *url = NULL;
  g_autoptr (GError) error = NULL;
  Seen seen;

  tftsr_fake_reply_add_pieces (reply,
                               "{\"status\":\"pulling manifest\"}\n"
                               "{\"status\":\"pulling dde5aa3fc5ff\",\"digest\":\"sha256:dde5\","
                               "\"total\":2019377376,\"completed\":1048576}\n"
                               "{\"error\":\"max retries exceeded: unexpected EOF\"}\n"
                               "{\"status\":\"success\"}\n",
                               -1, 5);
  url = serve (server, "/api/pull", reply);
  seen_init (&seen);
  g_assert_false (tftsr_ollama_pull (url, "llama3.2:3b", on_progress, &seen, NULL, &error));
  g_assert_error (error, TFTSR_OLLAMA_ERROR, TFTSR_OLLAMA_ERROR_FAILED);
  g_assert_cmpstr (error->message, ==,
                   "Ollama could not pull “llama3.2:3b”: max retries exceeded: unexpected EOF");
  g_assert_cmpuint (seen.reports, ==, 2);
  seen_clear (&seen);
}

/* Refused before the stream (invalid name), a stream without "success", a dropped
 * connection, a line that is not JSON. */
static void
test_pull_failures (void)
{
  g_autoptr (TftsrFakeServer) server = tftsr_fake_server_new ();
  g_autoptr (TftsrFakeReply) refused = json_reply (400, "{\"error\":\"invalid model name\"}");
  g_autoptr (TftsrFakeReply) short_stream = json_reply (200, "{\"status\":\"pulling manifest\"}\n");
  g_autoptr (TftsrFakeReply) dropped = json_reply (200, "{\"status\":\"pulling manifest\"}\n");
  g_autoptr (TftsrFakeReply) garbage = json_reply (200, "<html>proxy error</html>\n");
  g_autofree char *url = tftsr_fake_server_url (server, "");
  g_autoptr (GError) e1 = NULL, e2 = NULL, e3 = NULL, e4 = NULL;
  g_autofree char *lost = NULL;

  tftsr_fake_reply_set_end (dropped, TFTSR_FAKE_END_DROP);
  tftsr_fake_server_add_replies (server, "/api/pull", refused, short_stream, dropped, garbage,
                                 NULL);
  g_assert_false (tftsr_ollama_pull (url, "Bad Name", NULL, NULL, NULL, &e1));
  g_assert_error (e1, TFTSR_OLLAMA_ERROR, TFTSR_OLLAMA_ERROR_FAILED);
  g_assert_cmpstr (e1->message, ==, "Ollama could not pull “Bad Name”: invalid model name");
  g_assert_false (tftsr_ollama_pull (url, "qwen2.5:7b", NULL, NULL, NULL, &e2));
  g_assert_error (e2, TFTSR_OLLAMA_ERROR, TFTSR_OLLAMA_ERROR_FAILED);
  g_assert_cmpstr (e2->message, ==,
                   "Ollama could not pull “qwen2.5:7b”: the download ended before Ollama "
                   "reported success");
  g_assert_false (tftsr_ollama_pull (url, "qwen2.5:7b", NULL, NULL, NULL, &e3));
  g_assert_error (e3, TFTSR_OLLAMA_ERROR, TFTSR_OLLAMA_ERROR_UNREACHABLE);
  lost = g_strdup_printf ("The connection to Ollama at %s failed: The connection closed before "
                          "the reply was complete",
                          url);
  g_assert_cmpstr (e3->message, ==, lost);
  g_assert_false (tftsr_ollama_pull (url, "qwen2.5:7b", NULL, NULL, NULL, &e4));
  g_assert_error (e4, TFTSR_OLLAMA_ERROR, TFTSR_OLLAMA_ERROR_MALFORMED);
}

static void
on_pulled (GObject *source, GAsyncResult *result, gpointer data)
{
  Seen *seen = data;
  const char *last = seen->statuses->len > 0 ? seen->statuses->pdata[seen->statuses->len - 1] : "";

  g_assert_null (source);
  if (!tftsr_ollama_pull_finish (result, &seen->error))
    g_assert_nonnull (seen->error);
  seen->final_status = g_strdup (last);
  seen->finished = TRUE;
}

static gboolean
finished (gpointer data)
{
  return ((Seen *) data)->finished;
}

/* In a worker: every step reaches this thread in order, the last ("success") before the
 * end. */
static void
test_pull_async (void)
{
  g_autoptr (TftsrFakeServer) server = tftsr_fake_server_new ();
  g_autoptr (TftsrFakeReply) reply = tftsr_fake_reply_new (200, "application/x-ndjson");
  g_autofree char *url = NULL;
  Seen seen;

  tftsr_fake_reply_add_pieces (reply, pull_stream, -1, 40);
  tftsr_fake_reply_set_delay (reply, 1);
  url = serve (server, "/api/pull", reply);
  seen_init (&seen);
  tftsr_ollama_pull_async (url, "llama3.2:3b", on_progress, &seen, NULL, on_pulled, &seen);
  tftsr_test_iterate_until (finished, &seen);
  g_assert_no_error (seen.error);
  g_assert_false (seen.elsewhere);
  g_assert_true (seen.monotonic);
  g_assert_cmpuint (seen.reports, >=, 1);
  g_assert_cmpstr (seen.final_status, ==, "success");
  g_assert_cmpfloat (seen.fraction, ==, 1.0);
  assert_statuses (&seen, pull_statuses);
  seen_clear (&seen);
}

/* The server stalls after the first layer line; cancelling ends the pull at once and says
 * so, not as a failure. */
static void
test_pull_cancel (void)
{
  g_autoptr (TftsrFakeServer) server = tftsr_fake_server_new ();
  g_autoptr (TftsrFakeReply) reply = tftsr_fake_reply_new (200, "application/x-ndjson");
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *url = NULL;
  gint64 start;
  Seen seen;

  tftsr_fake_reply_add_piece (reply,
                              "{\"status\":\"pulling manifest\"}\n"
                              "{\"status\":\"pulling dde5aa3fc5ff\",\"digest\":\"sha256:dde5\","
                              "\"total\":2019377376,\"completed\":1048576}\n",
                              -1);
  tftsr_fake_reply_set_end (reply, TFTSR_FAKE_END_STALL);
  url = serve (server, "/api/pull", reply);
  seen_init (&seen);
  seen.stop = cancellable;
  start = g_get_monotonic_time ();
  tftsr_ollama_pull_async (url, "llama3.2:3b", on_progress, &seen, cancellable, on_pulled, &seen);
  tftsr_test_iterate_until (finished, &seen);
  g_assert_error (seen.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  g_assert_false (seen.elsewhere);
  seen_clear (&seen);
}

/* --- delete ------------------------------------------------------------------------- */

static void
on_deleted (GObject *source, GAsyncResult *result, gpointer data)
{
  Seen *seen = data;

  g_assert_true (tftsr_ollama_delete_finish (result, &seen->error));
  seen->finished = TRUE;
}

static void
test_delete (void)
{
  g_autoptr (TftsrFakeServer) server = tftsr_fake_server_new ();
  g_autoptr (TftsrFakeReply) ok = tftsr_fake_reply_new (200, NULL);
  g_autoptr (TftsrFakeReply) missing = json_reply (404, "{\"error\":\"model 'x' not found\"}");
  g_autofree char *url = NULL;
  g_autofree char *expected = NULL;
  g_autoptr (GPtrArray) requests = NULL;
  g_autoptr (GError) error = NULL;
  TftsrFakeRequest *request;
  json_object *body;
  Seen seen;

  tftsr_fake_server_add_replies (server, "/api/delete", ok, ok, missing, NULL);
  url = tftsr_fake_server_url (server, "");
  g_assert_true (tftsr_ollama_delete (url, "llama3.2:3b", NULL, &error));
  g_assert_no_error (error);
  seen_init (&seen);
  tftsr_ollama_delete_async (url, "phi3.5:3.8b", NULL, on_deleted, &seen);
  tftsr_test_iterate_until (finished, &seen);
  seen_clear (&seen);
  g_assert_false (tftsr_ollama_delete (url, "x", NULL, &error));
  g_assert_error (error, TFTSR_OLLAMA_ERROR, TFTSR_OLLAMA_ERROR_NOT_FOUND);
  expected = g_strdup_printf ("Ollama at %s has no model “x”", url);
  g_assert_cmpstr (error->message, ==, expected);

  requests = tftsr_fake_server_dup_requests (server);
  g_assert_cmpuint (requests->len, ==, 3);
  request = requests->pdata[0];
  g_assert_cmpstr (request->method, ==, "DELETE");
  g_assert_cmpstr (request->path, ==, "/api/delete");
  body = body_json (request);
  g_assert_cmpstr (member (body, "model"), ==, "llama3.2:3b");
  json_object_put (body);
}

/* --- the base URL ------------------------------------------------------------------- */

static void
on_version (GObject *source, GAsyncResult *result, gpointer data)
{
  char **version = data;
  g_autoptr (GError) error = NULL;

  *version = tftsr_ollama_get_version_finish (result, &error);
  g_assert_no_error (error);
}

/* Ollama behind a proxy under /ollama/: every call goes below that path. */
static void
test_base_url_path (void)
{
  g_autoptr (TftsrFakeServer) server = tftsr_fake_server_new ();
  g_autoptr (TftsrFakeReply) version = json_reply (200, "{\"version\":\"0.12.6\"}");
  g_autoptr (TftsrFakeReply) tags = json_reply (200, tags_body);
  g_autofree char *url = tftsr_fake_server_url (server, "/ollama/");
  g_autofree char *got = NULL;
  g_autoptr (GPtrArray) models = NULL;
  g_autoptr (GPtrArray) requests = NULL;

  tftsr_fake_server_add_replies (server, "/ollama/api/version", version, NULL);
  tftsr_fake_server_add_replies (server, "/ollama/api/tags", tags, NULL);
  tftsr_ollama_get_version_async (url, NULL, on_version, &got);
  tftsr_test_iterate_until (is_set, &got);
  g_assert_cmpstr (got, ==, "0.12.6");
  models = tftsr_ollama_list_models (url, NULL, NULL);
  g_assert_cmpuint (models->len, ==, 2);
  requests = tftsr_fake_server_dup_requests (server);
  g_assert_cmpuint (requests->len, ==, 2);
  g_assert_cmpstr (((TftsrFakeRequest *) requests->pdata[0])->path, ==, "/ollama/api/version");
  g_assert_cmpstr (((TftsrFakeRequest *) requests->pdata[1])->path, ==, "/ollama/api/tags");
}

static void
test_url_choice (void)
{
  g_autoptr (TftsrAiProvider) local =
      tftsr_ai_provider_new ("gpu box", TFTSR_AI_FORMAT_OLLAMA, "http://gpu-box:11434", "m");
  g_autoptr (TftsrAiProvider) cloud =
      tftsr_ai_provider_new ("work", TFTSR_AI_FORMAT_OPENAI, "https://api.example.com/v1", "m");
  g_autoptr (TftsrAiProvider) blank =
      tftsr_ai_provider_new ("blank", TFTSR_AI_FORMAT_OLLAMA, "", "m");

  g_assert_cmpstr (tftsr_ollama_url_or_default (NULL), ==, "http://localhost:11434");
  g_assert_cmpstr (tftsr_ollama_url_or_default (""), ==, "http://localhost:11434");
  g_assert_cmpstr (tftsr_ollama_url_for_provider (local), ==, "http://gpu-box:11434");
  g_assert_cmpstr (tftsr_ollama_url_for_provider (cloud), ==, "http://localhost:11434");
  g_assert_cmpstr (tftsr_ollama_url_for_provider (blank), ==, "http://localhost:11434");
  g_assert_cmpstr (tftsr_ollama_url_for_provider (NULL), ==, "http://localhost:11434");
}

/* --- hardware ----------------------------------------------------------------------- */

static char *
fixture (const char *name)
{
  return g_build_filename (TFTSR_TEST_DATA_DIR, "hardware", name, NULL);
}

static TftsrHardware *
probe (const char *name, const char *nvidia_smi)
{
  g_autofree char *root = fixture (name);
  g_autoptr (GError) error = NULL;
  TftsrHardware *hardware = tftsr_hardware_probe_at (root, nvidia_smi, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (hardware);
  return hardware;
}

static void
assert_gpu (TftsrHardware *hardware, guint i, const char *name, TftsrGpuVendor vendor, guint64 vram)
{
  TftsrGpu *gpu;

  g_assert_cmpuint (i, <, hardware->gpus->len);
  gpu = hardware->gpus->pdata[i];
  g_assert_cmpstr (gpu->name, ==, name);
  g_assert_cmpint (gpu->vendor, ==, vendor);
  g_assert_cmpuint (gpu->vram, ==, vram);
}

/* Intel graphics and connectors are no GPU for Ollama. */
static void
test_hardware_laptop (void)
{
  g_autoptr (TftsrHardware) hardware = probe ("laptop", NULL);
  g_autoptr (TftsrHardware) copy = tftsr_hardware_copy (hardware);

  g_assert_cmpstr (hardware->cpu_model, ==, "11th Gen Intel(R) Core(TM) i7-1165G7 @ 2.80GHz");
  g_assert_cmpuint (hardware->cores, ==, 4);
  g_assert_cmpuint (hardware->threads, ==, 8);
  g_assert_cmpuint (hardware->ram_total, ==, G_GUINT64_CONSTANT (7989604) * 1024);
  g_assert_cmpuint (hardware->ram_available, ==, G_GUINT64_CONSTANT (5123456) * 1024);
  g_assert_cmpuint (hardware->gpus->len, ==, 0);
  g_assert_cmpuint (hardware->warnings->len, ==, 0);
  g_assert_cmpstr (copy->cpu_model, ==, hardware->cpu_model);
}

/* Two cards from nvidia-smi (which refuses any other arguments), largest first. */
static void
test_hardware_nvidia (void)
{
  g_autofree char *root = fixture ("nvidia-workstation");
  g_autofree char *smi = g_build_filename (root, "nvidia-smi", NULL);
  g_autoptr (TftsrHardware) hardware = probe ("nvidia-workstation", smi);

  g_assert_cmpstr (hardware->cpu_model, ==, "Intel(R) Xeon(R) W-2245 CPU @ 3.90GHz");
  g_assert_cmpuint (hardware->cores, ==, 8);
  g_assert_cmpuint (hardware->threads, ==, 16);
  g_assert_cmpuint (hardware->warnings->len, ==, 0);
  g_assert_cmpuint (hardware->gpus->len, ==, 2);
  assert_gpu (hardware, 0, "NVIDIA RTX A4000", TFTSR_GPU_NVIDIA, 16376 * MIB);
  assert_gpu (hardware, 1, "NVIDIA GeForce GT 1030", TFTSR_GPU_NVIDIA, 2048 * MIB);
}

/* amdgpu's sysfs: the card, not its connector or render node. */
static void
test_hardware_amd (void)
{
  g_autoptr (TftsrHardware) hardware = probe ("amd-desktop", NULL);

  g_assert_cmpstr (hardware->cpu_model, ==, "AMD Ryzen 5 5600X 6-Core Processor");
  g_assert_cmpuint (hardware->cores, ==, 6);
  g_assert_cmpuint (hardware->threads, ==, 12);
  g_assert_cmpuint (hardware->gpus->len, ==, 1);
  assert_gpu (hardware, 0, "AMD GPU 1002:73ff", TFTSR_GPU_AMD, G_GUINT64_CONSTANT (8573157376));
}

/* No MemAvailable and no cpuinfo: what can be known is, the rest is unknown and said so. */
static void
test_hardware_partial (void)
{
  g_autoptr (TftsrHardware) hardware = probe ("old-kernel", NULL);

  g_assert_cmpuint (hardware->ram_total, ==, G_GUINT64_CONSTANT (16331712) * 1024);
  g_assert_cmpuint (hardware->ram_available, ==,
                    (G_GUINT64_CONSTANT (4000000) + 326634 + 4082928) * 1024);
  g_assert_null (hardware->cpu_model);
  g_assert_cmpuint (hardware->threads, ==, 0);
  g_assert_cmpuint (hardware->warnings->len, ==, 1);
  g_assert_true (
      g_str_has_prefix (hardware->warnings->pdata[0], "The processor could not be identified: "));
}

/* Without a memory size there is nothing to recommend from: a clear error. */
static void
test_hardware_no_memory (void)
{
  static const char *const roots[] = { "broken-meminfo", "no-meminfo", "nowhere" };

  for (guint i = 0; i < G_N_ELEMENTS (roots); i++)
    {
      g_autofree char *root = fixture (roots[i]);
      g_autoptr (GError) error = NULL;
      g_autoptr (TftsrHardware) hardware = tftsr_hardware_probe_at (root, NULL, NULL, &error);

      g_assert_null (hardware);
      g_assert_error (error, TFTSR_OLLAMA_ERROR, TFTSR_OLLAMA_ERROR_HARDWARE);
      g_assert_true (g_str_has_prefix (error->message, "The memory size could not be read: "));
    }
}

/* nvidia-smi without its driver, or missing: a warning, the rest of the probe stands. */
static void
test_hardware_nvidia_smi_fails (void)
{
  g_autofree char *smi = fixture ("bin/nvidia-smi-no-driver");
  g_autoptr (TftsrHardware) no_driver = probe ("laptop", smi);
  g_autoptr (TftsrHardware) missing = probe ("laptop", "/nonexistent/nvidia-smi");

  g_assert_cmpuint (no_driver->gpus->len, ==, 0);
  g_assert_cmpuint (no_driver->warnings->len, ==, 1);
  g_assert_cmpstr (no_driver->warnings->pdata[0], ==,
                   "NVIDIA GPUs could not be listed: nvidia-smi said “NVIDIA-SMI has failed "
                   "because it couldn't communicate with the NVIDIA driver. Make sure that the "
                   "latest NVIDIA driver is installed and running.”");
  g_assert_cmpuint (missing->warnings->len, ==, 1);
  g_assert_true (g_str_has_prefix (missing->warnings->pdata[0],
                                   "NVIDIA GPUs could not be listed: nvidia-smi failed: "));
  g_assert_cmpuint (missing->threads, ==, 8);
}

typedef struct
{
  GCancellable *cancellable;
  GError *error;
  TftsrHardware *hardware;
} Hung;

static gpointer
probe_hung (gpointer data)
{
  Hung *hung = data;
  g_autofree char *root = fixture ("laptop");
  g_autofree char *smi = fixture ("bin/nvidia-smi-hangs");

  hung->hardware = tftsr_hardware_probe_at (root, smi, hung->cancellable, &hung->error);
  return NULL;
}

/* A hanging nvidia-smi is killed when the probe is cancelled. */
static void
test_hardware_cancel (void)
{
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  Hung hung = { cancellable, NULL, NULL };
  gint64 start = g_get_monotonic_time ();
  GThread *thread = g_thread_new ("probe", probe_hung, &hung);

  g_usleep (G_USEC_PER_SEC / 5);
  g_cancellable_cancel (cancellable);
  g_thread_join (thread);
  g_assert_null (hung.hardware);
  g_assert_error (hung.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  g_clear_error (&hung.error);
}

static void
on_probed (GObject *source, GAsyncResult *result, gpointer data)
{
  TftsrHardware **hardware = data;
  g_autoptr (GError) error = NULL;

  *hardware = tftsr_hardware_probe_finish (result, &error);
  g_assert_no_error (error);
}

/* TFTSR_HARDWARE_ROOT: the tree and its nvidia-smi instead of this machine. */
static void
test_hardware_root_variable (void)
{
  g_autofree char *root = fixture ("nvidia-workstation");
  g_autoptr (TftsrHardware) hardware = NULL;

  g_setenv ("TFTSR_HARDWARE_ROOT", root, TRUE);
  tftsr_hardware_probe_async (NULL, on_probed, &hardware);
  tftsr_test_iterate_until (is_set, &hardware);
  g_unsetenv ("TFTSR_HARDWARE_ROOT");
  g_assert_cmpuint (hardware->gpus->len, ==, 2);
  g_assert_cmpuint (hardware->threads, ==, 16);
}

static void
test_hardware_parsers (void)
{
  static const char arm[] = "processor\t: 0\nBogoMIPS\t: 108.00\nCPU part\t: 0xd08\n\n"
                            "processor\t: 1\n\nprocessor\t: 2\n\nprocessor\t: 3\n\n"
                            "Hardware\t: BCM2835\nModel\t\t: Raspberry Pi 4 Model B Rev 1.4\n";
  static const char meminfo[] = "MemTotal: 1024 kB\r\nMemAvailable:\t512 kB";
  static const char smi[] = "Tesla T4, [N/A]\n\ngarbage\n, 100\n  Quadro   P400 ,  2000  \n";
  g_autoptr (GPtrArray) gpus = g_ptr_array_new_with_free_func ((GDestroyNotify) tftsr_gpu_free);
  g_autofree char *model = NULL;
  guint64 total = 0, available = 0, number = 0;
  guint cores = 0, threads = 0;

  tftsr_cpuinfo_parse (arm, sizeof arm - 1, &model, &cores, &threads);
  g_assert_cmpstr (model, ==, "Raspberry Pi 4 Model B Rev 1.4");
  g_assert_cmpuint (cores, ==, 4);
  g_assert_cmpuint (threads, ==, 4);

  g_assert_true (tftsr_meminfo_parse (meminfo, strlen (meminfo), &total, &available));
  g_assert_cmpuint (total, ==, 1024 * 1024);
  g_assert_cmpuint (available, ==, 512 * 1024);
  g_assert_false (
      tftsr_meminfo_parse ("MemTotal: 99999999999999999999 kB\n", 35, &total, &available));
  g_assert_false (tftsr_meminfo_parse ("MemTotal: 1024\n", 15, &total, &available));
  g_assert_false (tftsr_meminfo_parse ("MemTotal: 0 kB\n", 15, &total, &available));

  tftsr_nvidia_smi_parse (smi, strlen (smi), gpus);
  g_assert_cmpuint (gpus->len, ==, 2);
  g_assert_cmpstr (((TftsrGpu *) gpus->pdata[0])->name, ==, "Tesla T4");
  g_assert_cmpuint (((TftsrGpu *) gpus->pdata[0])->vram, ==, 0);
  g_assert_cmpstr (((TftsrGpu *) gpus->pdata[1])->name, ==, "Quadro P400");
  g_assert_cmpuint (((TftsrGpu *) gpus->pdata[1])->vram, ==, 2000 * MIB);

  g_assert_true (tftsr_sysfs_parse_number ("0x1002\n", &number));
  g_assert_cmpuint (number, ==, 0x1002);
  g_assert_true (tftsr_sysfs_parse_number ("17163091968\n", &number));
  g_assert_cmpuint (number, ==, G_GUINT64_CONSTANT (17163091968));
  g_assert_false (tftsr_sysfs_parse_number ("n/a", &number));
}

/* --- recommendations ---------------------------------------------------------------- */

static TftsrOllamaModel *
installed_model (const char *name)
{
  TftsrOllamaModel *model = g_new0 (TftsrOllamaModel, 1);

  model->name = g_strdup (name);
  return model;
}

static GPtrArray *
installed (const char *first, ...)
{
  GPtrArray *models = g_ptr_array_new_with_free_func ((GDestroyNotify) tftsr_ollama_model_free);
  va_list args;

  va_start (args, first);
  for (const char *name = first; name != NULL; name = va_arg (args, const char *))
    g_ptr_array_add (models, installed_model (name));
  va_end (args);
  return models;
}

/* The models recommended, in order, as "name" or "name*" when installed; and none needs
 * more than the memory it is placed in. */
static char *
recommend (TftsrHardware *hardware, GPtrArray *models, GPtrArray **out)
{
  g_autoptr (GPtrArray) list = tftsr_ollama_recommend (hardware, models);
  g_autoptr (GString) names = g_string_new (NULL);
  guint64 reserve = MAX (hardware->ram_total / 4, 2 * GIB);

  for (guint i = 0; i < list->len; i++)
    {
      TftsrOllamaRecommendation *r = list->pdata[i];

      if (r->placement == TFTSR_OLLAMA_ON_GPU)
        g_assert_cmpuint (r->memory, <=, ((TftsrGpu *) hardware->gpus->pdata[0])->vram);
      else
        g_assert_cmpuint (r->memory, <=, hardware->ram_total - reserve);
      g_assert_cmpuint (r->download, <, r->memory + GIB);
      g_assert_nonnull (r->reason);
      g_string_append_printf (names, "%s%s%s", i > 0 ? " " : "", r->model, r->installed ? "*" : "");
    }
  if (out != NULL)
    *out = g_steal_pointer (&list);
  return g_string_free (g_steal_pointer (&names), FALSE);
}

static const char *
reason (GPtrArray *list, guint i)
{
  return ((TftsrOllamaRecommendation *) list->pdata[i])->reason;
}

static void
test_recommend_laptop (void)
{
  g_autoptr (TftsrHardware) hardware = probe ("laptop", NULL);
  g_autoptr (GPtrArray) models = installed ("llama3.2:latest", "mistral:7b", NULL);
  g_autoptr (GPtrArray) list = NULL;
  g_autofree char *names = recommend (hardware, models, &list);

  g_assert_cmpstr (names, ==, "llama3.2:3b* phi3.5:3.8b llama3.2:1b qwen2.5:7b");
  g_assert_cmpstr (reason (list, 0), ==,
                   "CPU only: 3B runs at usable speed on 8 threads (needs about 3.5 GB of RAM)");
  g_assert_cmpstr (reason (list, 1), ==,
                   "CPU only: 3.8B runs at usable speed on 8 threads (needs about 5.5 GB of "
                   "RAM); it cannot call tools");
  g_assert_cmpstr (reason (list, 3), ==,
                   "CPU only: 7B answers slowly on 8 threads, a few words a second (needs about "
                   "5.5 GB of RAM)");
  g_assert_cmpint (((TftsrOllamaRecommendation *) list->pdata[0])->placement, ==,
                   TFTSR_OLLAMA_ON_CPU);
}

static void
test_recommend_nvidia (void)
{
  g_autofree char *root = fixture ("nvidia-workstation");
  g_autofree char *smi = g_build_filename (root, "nvidia-smi", NULL);
  g_autoptr (TftsrHardware) hardware = probe ("nvidia-workstation", smi);
  g_autoptr (GPtrArray) models = installed ("qwen2.5:14b", "qwen2.5:latest", NULL);
  g_autoptr (GPtrArray) list = NULL;
  g_autofree char *names = recommend (hardware, models, &list);

  g_assert_cmpstr (names, ==, "qwen2.5:14b* mistral-nemo:12b llama3.1:8b qwen2.5:7b* llama3.2:3b");
  g_assert_cmpstr (reason (list, 0), ==,
                   "Fits in 16 GB of VRAM (NVIDIA RTX A4000) with room for context: needs about "
                   "11 GB");
  for (guint i = 0; i < list->len; i++)
    g_assert_cmpint (((TftsrOllamaRecommendation *) list->pdata[i])->placement, ==,
                     TFTSR_OLLAMA_ON_GPU);
}

static void
test_recommend_amd (void)
{
  g_autoptr (TftsrHardware) hardware = probe ("amd-desktop", NULL);
  g_autoptr (GPtrArray) list = NULL;
  g_autofree char *names = recommend (hardware, NULL, &list);

  g_assert_cmpstr (names, ==, "llama3.1:8b qwen2.5:7b llama3.2:3b phi3.5:3.8b llama3.2:1b");
  g_assert_cmpstr (reason (list, 0), ==,
                   "Fits in 8 GB of VRAM (AMD GPU 1002:73ff) with room for context: needs about "
                   "6.5 GB");
}

/* Threads unknown: only what is fast anywhere. */
static void
test_recommend_unknown_cpu (void)
{
  g_autoptr (TftsrHardware) hardware = probe ("old-kernel", NULL);
  g_autoptr (GPtrArray) list = NULL;
  g_autofree char *names = recommend (hardware, NULL, &list);

  g_assert_cmpstr (names, ==, "llama3.2:3b phi3.5:3.8b llama3.2:1b");
  g_assert_cmpstr (reason (list, 0), ==,
                   "CPU only: 3B runs at usable speed on most processors (needs about 3.5 GB of "
                   "RAM)");
}

/* A card too small for any model, and a machine too small for all. */
static void
test_recommend_small (void)
{
  g_autoptr (TftsrHardware) hardware = probe ("laptop", NULL);
  g_autoptr (GPtrArray) list = NULL;
  g_autofree char *names = NULL;
  g_autofree char *none = NULL;

  g_ptr_array_add (hardware->gpus,
                   tftsr_gpu_new ("NVIDIA GeForce GT 1030", TFTSR_GPU_NVIDIA, 2048 * MIB));
  names = recommend (hardware, NULL, &list);
  g_assert_cmpstr (names, ==, "llama3.2:3b phi3.5:3.8b llama3.2:1b qwen2.5:7b");
  g_assert_cmpstr (reason (list, 0), ==,
                   "Too big for 2 GB of VRAM; on the CPU 3B runs at usable speed on 8 threads "
                   "(needs about 3.5 GB of RAM)");
  hardware->ram_total = 3 * GIB;
  none = recommend (hardware, NULL, NULL);
  g_assert_cmpstr (none, ==, "");
}

/* As the reasons say memory, and the app shows it. */
static void
test_format_memory (void)
{
  static const struct
  {
    guint64 bytes;
    const char *text;
  } cases[] = {
    { 0, "0 GB" },
    { 8 * GIB - 20 * MIB, "8 GB" }, /* a card's 7.98 GiB */
    { 7 * GIB + 600 * MIB, "7.6 GB" },
    { 12 * GIB + 700 * MIB, "13 GB" },
    { 64 * GIB, "64 GB" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = tftsr_hardware_format_memory (cases[i].bytes);
      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

int
main (int argc, char **argv)
{
  tftsr_test_init (&argc, &argv);
  g_test_add_func ("/ollama/version", test_version);
  g_test_add_func ("/ollama/not-running", test_not_running);
  g_test_add_func ("/ollama/not-ollama", test_not_ollama);
  g_test_add_func ("/ollama/models", test_models);
  g_test_add_func ("/ollama/models-parse", test_models_parse);
  g_test_add_func ("/ollama/pull/progress", test_pull_progress);
  g_test_add_func ("/ollama/pull/fraction", test_pull_fraction);
  g_test_add_func ("/ollama/pull/malformed-lines", test_pull_malformed_lines);
  g_test_add_func ("/ollama/pull/error-line", test_pull_error_line);
  g_test_add_func ("/ollama/pull/failures", test_pull_failures);
  g_test_add_func ("/ollama/pull/async", test_pull_async);
  g_test_add_func ("/ollama/pull/cancel", test_pull_cancel);
  g_test_add_func ("/ollama/delete", test_delete);
  g_test_add_func ("/ollama/base-url-path", test_base_url_path);
  g_test_add_func ("/ollama/url-choice", test_url_choice);
  g_test_add_func ("/hardware/laptop", test_hardware_laptop);
  g_test_add_func ("/hardware/nvidia", test_hardware_nvidia);
  g_test_add_func ("/hardware/amd", test_hardware_amd);
  g_test_add_func ("/hardware/partial", test_hardware_partial);
  g_test_add_func ("/hardware/no-memory", test_hardware_no_memory);
  g_test_add_func ("/hardware/nvidia-smi-fails", test_hardware_nvidia_smi_fails);
  g_test_add_func ("/hardware/cancel", test_hardware_cancel);
  g_test_add_func ("/hardware/root-variable", test_hardware_root_variable);
  g_test_add_func ("/hardware/parsers", test_hardware_parsers);
  g_test_add_func ("/hardware/format-memory", test_format_memory);
  g_test_add_func ("/recommend/laptop", test_recommend_laptop);
  g_test_add_func ("/recommend/nvidia", test_recommend_nvidia);
  g_test_add_func ("/recommend/amd", test_recommend_amd);
  g_test_add_func ("/recommend/unknown-cpu", test_recommend_unknown_cpu);
  g_test_add_func ("/recommend/small", test_recommend_small);
  return g_test_run ();
}
