/* test-connector-jira.c: the Jira connector against a loopback fake (what it sends: Basic
 * credentials, the issue's fields, priorities mapped by default and by the options, search
 * text that stays inside its JQL literal, Data Center's v2 paths and wiki text; what it
 * makes of malformed replies and refusals) and against Jira Cloud's published API
 * description served by Prism (every request of every operation must pass its checks).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "tftsr-connector-private.h"
#include "tftsr-connector-test-util.h"
#include "tftsr-prism.h"

#define USER "ana@example.com"
#define TOKEN "s3cret-token"
#define DESCRIPTION "**Payments** failed."

typedef struct
{
  TftsrStore *store;
  TftsrFakeServer *server;
} Fixture;

#define ISSUE_JSON                                                                                 \
  "{\"id\":\"10007\",\"key\":\"OPS-7\",\"fields\":{\"summary\":\"Checkout down\","                 \
  "\"status\":{\"name\":\"In Progress\"}}}"

/* GET answers the issue, PUT (an edit) 204 as Jira does. */
static void
on_issue (SoupServerMessage *msg, GBytes *body, gpointer user_data)
{
  if (g_str_equal (soup_server_message_get_method (msg), "PUT"))
    tftsr_test_json_reply (msg, 204, NULL);
  else
    tftsr_test_json_reply (msg, 200, ISSUE_JSON);
}

static void
on_create (SoupServerMessage *msg, GBytes *body, gpointer user_data)
{
  tftsr_test_json_reply (
      msg, 201,
      "{\"id\":\"10007\",\"key\":\"OPS-7\",\"self\":\"https://x/rest/api/3/issue/10007\"}");
}

static void
on_search (SoupServerMessage *msg, GBytes *body, gpointer user_data)
{
  tftsr_test_json_reply (msg, 200, "{\"isLast\":true,\"issues\":[" ISSUE_JSON "]}");
}

/* Two pages: 50 projects, then one. */
static void
on_projects (SoupServerMessage *msg, GBytes *body, gpointer user_data)
{
  const char *query = g_uri_get_query (soup_server_message_get_uri (msg));
  gboolean first = query == NULL || strstr (query, "startAt=0") != NULL;
  GString *out = g_string_new ("{\"values\":[");

  for (guint i = 0; i < (first ? 50u : 1u); i++)
    g_string_append_printf (out, "%s{\"id\":\"%u\",\"key\":\"P%u\",\"name\":\"Project %u\"}",
                            i > 0 ? "," : "", i + (first ? 0 : 50), i + (first ? 0 : 50),
                            i + (first ? 0 : 50));
  g_string_append_printf (out, "],\"isLast\":%s}", first ? "false" : "true");
  tftsr_test_json_reply (msg, 200, out->str);
  g_string_free (out, TRUE);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->store = tftsr_test_new_store ();
  f->server = tftsr_fake_server_new ();
  tftsr_fake_server_add_handler (f->server, "/rest/api/3/issue", on_create, NULL);
  tftsr_fake_server_add_handler (f->server, "/rest/api/2/issue", on_create, NULL);
  tftsr_fake_server_add_handler (f->server, "/rest/api/3/issue/10007", on_issue, NULL);
  tftsr_fake_server_add_handler (f->server, "/rest/api/3/issue/OPS-7", on_issue, NULL);
  tftsr_fake_server_add_handler (f->server, "/rest/api/3/issue/10007/comment", on_create, NULL);
  tftsr_fake_server_add_handler (f->server, "/rest/api/3/search/jql", on_search, NULL);
  tftsr_fake_server_add_handler (f->server, "/rest/api/2/search", on_search, NULL);
  tftsr_fake_server_add_handler (f->server, "/rest/api/3/project/search", on_projects, NULL);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_pointer (&f->server, tftsr_fake_server_free);
  g_clear_object (&f->store);
}

/* Saves connector @id for the fake with @options (JSON) and @auth. */
static void
save_connector (Fixture *f, const char *id, const char *options, TftsrConnectorAuth auth)
{
  g_autofree char *url = tftsr_fake_server_url (f->server, "");

  tftsr_test_save_connector (f->store, id, TFTSR_CONNECTOR_JIRA, url, auth,
                             auth == TFTSR_CONNECTOR_AUTH_BASIC ? USER : NULL, TOKEN, options);
}

static const char *
at (json_object *object, const char *path)
{
  return tftsr_json_path_string (object, path);
}

static void
test_connection (Fixture *f, gconstpointer data)
{
  g_autofree char *basic =
      g_base64_encode ((const guchar *) USER ":" TOKEN, strlen (USER ":" TOKEN));
  g_autofree char *expected = g_strconcat ("Basic ", basic, NULL);
  g_autoptr (TftsrFakeReply) reply = tftsr_fake_reply_new (200, "application/json");
  g_autoptr (TftsrConnectorConfig) config = NULL;
  g_autoptr (TftsrFakeRequest) request = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *said = NULL;

  tftsr_fake_reply_add_piece (reply, "{\"displayName\":\"Ana Ops\",\"accountId\":\"a1\"}", -1);
  tftsr_fake_server_add_replies (f->server, "/rest/api/3/myself", reply, NULL);
  save_connector (f, "jira", "{\"project\":\"OPS\"}", TFTSR_CONNECTOR_AUTH_BASIC);
  config = tftsr_store_get_connector (f->store, "jira", &error);
  g_assert_no_error (error);
  said = tftsr_connector_test (f->store, config, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (said, ==, "Signed in as Ana Ops");
  request = tftsr_test_last_request (f->server, "GET", "/rest/api/3/myself");
  g_assert_cmpstr (soup_message_headers_get_one (request->fields, "Authorization"), ==, expected);
}

/* The created issue: project, type, summary, ADF description, priority, marker label. */
static void
test_create (Fixture *f, gconstpointer data)
{
  gint64 id =
      tftsr_test_new_incident (f->store, "Checkout down", DESCRIPTION, TFTSR_SEVERITY_CRITICAL);
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrExternalItem) item = NULL;
  g_autoptr (TftsrFakeRequest) request = NULL;
  g_autoptr (json_object) body = NULL;
  g_autofree char *browse = tftsr_fake_server_url (f->server, "/browse/OPS-7");
  json_object *labels;

  save_connector (f, "jira", "{\"project\":\"OPS\"}", TFTSR_CONNECTOR_AUTH_BASIC);
  item = tftsr_connector_create_ticket (f->store, "jira", id, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (item->id, ==, "10007");
  g_assert_cmpstr (item->key, ==, "OPS-7");
  g_assert_cmpstr (item->url, ==, browse);
  request = tftsr_test_last_request (f->server, "POST", "/rest/api/3/issue");
  body = tftsr_test_request_json (request);
  g_assert_cmpstr (at (body, "fields.project.key"), ==, "OPS");
  g_assert_cmpstr (at (body, "fields.issuetype.name"), ==, "Bug");
  g_assert_cmpstr (at (body, "fields.summary"), ==, "Checkout down");
  g_assert_cmpstr (at (body, "fields.priority.name"), ==, "Highest");
  g_assert_cmpstr (at (body, "fields.description.type"), ==, "doc");
  labels = json_object_object_get (json_object_object_get (body, "fields"), "labels");
  g_assert_cmpuint (json_object_array_length (labels), ==, 1);
  g_assert_true (
      g_str_has_prefix (json_object_get_string (json_object_array_get_idx (labels, 0)), "tftsr-"));
  /* A label holds no space. */
  g_assert_null (strchr (json_object_get_string (json_object_array_get_idx (labels, 0)), ' '));
}

/* Each severity's default priority name, the options' own mapping (an empty value keeps
 * the default) and the options' issue type. */
static void
test_priority_mapping (Fixture *f, gconstpointer data)
{
  static const struct
  {
    TftsrSeverity severity;
    const char *standard;
    const char *custom;
  } cases[] = {
    { TFTSR_SEVERITY_CRITICAL, "Highest", "Blocker" },
    { TFTSR_SEVERITY_HIGH, "High", "High" },
    { TFTSR_SEVERITY_MEDIUM, "Medium", "Medium" },
    { TFTSR_SEVERITY_LOW, "Low", "Low" },
  };

  save_connector (f, "jira", "{\"project\":\"OPS\"}", TFTSR_CONNECTOR_AUTH_BASIC);
  save_connector (f, "jira.custom",
                  "{\"project\":\"OPS\",\"issue_type\":\"Incident\",\"mapping\":{\"priority\":"
                  "{\"critical\":\"Blocker\",\"low\":\"\"}}}",
                  TFTSR_CONNECTOR_AUTH_BASIC);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    for (guint custom = 0; custom < 2; custom++)
      {
        gint64 id = tftsr_test_new_incident (f->store, "Mapped", DESCRIPTION, cases[i].severity);
        g_autoptr (GError) error = NULL;
        g_autoptr (TftsrExternalItem) item = tftsr_connector_create_ticket (
            f->store, custom ? "jira.custom" : "jira", id, NULL, &error);
        g_autoptr (TftsrFakeRequest) request = NULL;
        g_autoptr (json_object) body = NULL;

        g_assert_no_error (error);
        request = tftsr_test_last_request (f->server, "POST", "/rest/api/3/issue");
        body = tftsr_test_request_json (request);
        g_assert_cmpstr (at (body, "fields.priority.name"), ==,
                         custom ? cases[i].custom : cases[i].standard);
        g_assert_cmpstr (at (body, "fields.issuetype.name"), ==, custom ? "Incident" : "Bug");
      }
}

/* Hostile text stays inside one JQL string literal, escaped for the text search too. */
static void
test_search_escaping (Fixture *f, gconstpointer data)
{
  static const struct
  {
    const char *query;
    const char *jql;
  } cases[] = {
    { "disk full", "project = \"OPS\" AND text ~ \"disk full\" ORDER BY updated DESC" },
    { "x\" OR project = SECRET OR text ~ \"y",
      "project = \"OPS\" AND text ~ \"x\\\\\\\" OR project = SECRET OR text \\\\~ \\\\\\\"y\" "
      "ORDER BY updated DESC" },
    { "C:\\temp (a*b)?",
      "project = \"OPS\" AND text ~ \"C\\\\:\\\\\\\\temp \\\\(a\\\\*b\\\\)\\\\?\" "
      "ORDER BY updated DESC" },
    { "line\nbreak", "project = \"OPS\" AND text ~ \"line break\" ORDER BY updated DESC" },
    { "   ", "project = \"OPS\" ORDER BY updated DESC" },
  };

  save_connector (f, "jira", "{\"project\":\"OPS\"}", TFTSR_CONNECTOR_AUTH_BASIC);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GPtrArray) found =
          tftsr_connector_search (f->store, "jira", cases[i].query, 10, NULL, &error);
      g_autoptr (TftsrFakeRequest) request = NULL;
      g_autoptr (json_object) body = NULL;
      TftsrExternalItem *item;

      g_assert_no_error (error);
      g_assert_cmpuint (found->len, ==, 1);
      item = found->pdata[0];
      g_assert_cmpstr (item->key, ==, "OPS-7");
      g_assert_cmpstr (item->title, ==, "Checkout down");
      g_assert_cmpstr (item->status, ==, "In Progress");
      request = tftsr_test_last_request (f->server, "POST", "/rest/api/3/search/jql");
      body = tftsr_test_request_json (request);
      g_assert_cmpstr (at (body, "jql"), ==, cases[i].jql);
      g_assert_cmpint (json_object_get_int (json_object_object_get (body, "maxResults")), ==, 10);
    }
}

/* An edit, a comment in ADF and a ticket read back. */
/* The first create is made but its answer cut short; the retry looks for its marker. */
static gint64
create_with_lost_answer (Fixture *f, const char *empty_searches)
{
  gint64 id = tftsr_test_new_incident (f->store, "Checkout down", DESCRIPTION, TFTSR_SEVERITY_HIGH);
  g_autoptr (TftsrFakeReply) cut = tftsr_fake_reply_new (201, "application/json");
  g_autoptr (TftsrFakeReply) made = tftsr_fake_reply_new (201, "application/json");
  g_autoptr (GError) error = NULL;

  tftsr_fake_reply_add_piece (cut, "{\"id\":\"100", -1);
  tftsr_fake_reply_set_end (cut, TFTSR_FAKE_END_DROP);
  tftsr_fake_reply_add_piece (made, "{\"id\":\"10008\",\"key\":\"OPS-8\"}", -1);
  tftsr_fake_server_add_replies (f->server, "/rest/api/3/issue", cut, made, NULL);
  save_connector (f, "jira", "{\"project\":\"OPS\"}", TFTSR_CONNECTOR_AUTH_BASIC);
  g_assert_null (tftsr_connector_create_ticket (f->store, "jira", id, NULL, &error));
  g_assert_error (error, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_UNKNOWN_OUTCOME);
  /* Jira's search index has not caught up with the create yet for @empty_searches. */
  if (empty_searches != NULL)
    {
      g_autoptr (TftsrFakeReply) none = tftsr_fake_reply_new (200, "application/json");
      g_autoptr (TftsrFakeReply) found = tftsr_fake_reply_new (200, "application/json");

      tftsr_fake_reply_add_piece (none, "{\"isLast\":true,\"issues\":[]}", -1);
      tftsr_fake_reply_add_piece (found, "{\"isLast\":true,\"issues\":[" ISSUE_JSON "]}", -1);
      tftsr_fake_server_add_replies (f->server, "/rest/api/3/search/jql", none,
                                     g_str_equal (empty_searches, "one") ? found : none, NULL);
    }
  return id;
}

/* The search finds the issue only from its second query on: the lookup asks again after a
 * pause instead of creating a duplicate. */
static void
test_lagging_search (Fixture *f, gconstpointer data)
{
  gint64 id = create_with_lost_answer (f, "one");
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrExternalItem) item = NULL;
  g_autoptr (GPtrArray) links = NULL;
  TftsrExternalLink *link;

  item = tftsr_connector_create_ticket (f->store, "jira", id, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (item->key, ==, "OPS-7");
  g_assert_cmpuint (tftsr_fake_server_count_requests (f->server, "/rest/api/3/issue"), ==, 1);
  g_assert_cmpuint (tftsr_fake_server_count_requests (f->server, "/rest/api/3/search/jql"), ==, 2);
  links = tftsr_store_list_external_links (f->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (links->len, ==, 1);
  link = g_ptr_array_index (links, 0);
  g_assert_false (link->pending);
  g_assert_cmpstr (link->item.key, ==, "OPS-7");
}

static gpointer
cancel_soon (gpointer cancellable)
{
  g_usleep (300 * 1000);
  g_cancellable_cancel (cancellable);
  return NULL;
}

/* Cancelled while it waits to ask the search again: nothing is created, no link shown (the
 * pending one makes the next attempt look again). */
static void
test_lagging_search_cancelled (Fixture *f, gconstpointer data)
{
  gint64 id = create_with_lost_answer (f, "never");
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) links = NULL;
  GThread *thread = g_thread_new ("cancel", cancel_soon, cancellable);
  gint64 start = g_get_monotonic_time ();

  g_assert_null (tftsr_connector_create_ticket (f->store, "jira", id, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);
  g_thread_join (thread);
  g_assert_cmpuint (tftsr_fake_server_count_requests (f->server, "/rest/api/3/issue"), ==, 1);
  g_assert_cmpuint (tftsr_fake_server_count_requests (f->server, "/rest/api/3/search/jql"), ==, 1);
  g_clear_error (&error);
  links = tftsr_store_list_external_links (f->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (links->len, ==, 0);
}

/* The create never reached Jira: after the bounded lookups it is sent again, once. */
static void
test_lagging_search_bounded (Fixture *f, gconstpointer data)
{
  gint64 id = create_with_lost_answer (f, "never");
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrExternalItem) item = NULL;

  item = tftsr_connector_create_ticket (f->store, "jira", id, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (item->key, ==, "OPS-8");
  g_assert_cmpuint (tftsr_fake_server_count_requests (f->server, "/rest/api/3/issue"), ==, 2);
  g_assert_cmpuint (tftsr_fake_server_count_requests (f->server, "/rest/api/3/search/jql"), ==, 4);
}

static void
test_update_comment_get (Fixture *f, gconstpointer data)
{
  gint64 id = tftsr_test_new_incident (f->store, "Checkout down", DESCRIPTION, TFTSR_SEVERITY_HIGH);
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrExternalItem) created = NULL;
  g_autoptr (TftsrExternalItem) updated = NULL;
  g_autoptr (TftsrExternalItem) got = NULL;
  g_autoptr (TftsrFakeRequest) put = NULL;
  g_autoptr (TftsrFakeRequest) comment = NULL;
  g_autoptr (json_object) put_body = NULL;
  g_autoptr (json_object) comment_body = NULL;

  save_connector (f, "jira", "{\"project\":\"OPS\"}", TFTSR_CONNECTOR_AUTH_BASIC);
  created = tftsr_connector_create_ticket (f->store, "jira", id, NULL, &error);
  g_assert_no_error (error);
  updated = tftsr_connector_update_ticket (f->store, "jira", id, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (updated->status, ==, "In Progress");
  put = tftsr_test_last_request (f->server, "PUT", "/rest/api/3/issue/10007");
  put_body = tftsr_test_request_json (put);
  g_assert_cmpstr (at (put_body, "fields.priority.name"), ==, "High");
  g_assert_cmpstr (at (put_body, "fields.description.type"), ==, "doc");
  g_assert_null (json_object_object_get (json_object_object_get (put_body, "fields"), "labels"));
  g_assert_true (
      tftsr_connector_comment (f->store, "jira", id, "Rolled back *api*.", NULL, &error));
  g_assert_no_error (error);
  comment = tftsr_test_last_request (f->server, "POST", "/rest/api/3/issue/10007/comment");
  comment_body = tftsr_test_request_json (comment);
  g_assert_cmpstr (at (comment_body, "body.type"), ==, "doc");
  got = tftsr_connector_get_ticket (f->store, "jira", "OPS-7", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (got->id, ==, "10007");
}

static void
test_projects (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) projects = NULL;
  TftsrExternalItem *last;

  save_connector (f, "jira", "{}", TFTSR_CONNECTOR_AUTH_BASIC);
  projects = tftsr_connector_list_containers (f->store, "jira", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (projects->len, ==, 51);
  last = projects->pdata[50];
  g_assert_cmpstr (last->key, ==, "P50");
  g_assert_cmpstr (last->title, ==, "Project 50");
  g_assert_cmpuint (tftsr_fake_server_count_requests (f->server, "/rest/api/3/project/search"), ==,
                    2);
}

/* Data Center: REST v2, the description as wiki text shown verbatim, search on /search. */
static void
test_datacenter (Fixture *f, gconstpointer data)
{
  gint64 id =
      tftsr_test_new_incident (f->store, "Checkout down", DESCRIPTION, TFTSR_SEVERITY_MEDIUM);
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrExternalItem) item = NULL;
  g_autoptr (GPtrArray) found = NULL;
  g_autoptr (TftsrFakeRequest) request = NULL;
  g_autoptr (json_object) body = NULL;

  save_connector (f, "jira.dc", "{\"project\":\"OPS\",\"deployment\":\"datacenter\"}",
                  TFTSR_CONNECTOR_AUTH_BEARER);
  item = tftsr_connector_create_ticket (f->store, "jira.dc", id, NULL, &error);
  g_assert_no_error (error);
  request = tftsr_test_last_request (f->server, "POST", "/rest/api/2/issue");
  g_assert_cmpstr (soup_message_headers_get_one (request->fields, "Authorization"), ==,
                   "Bearer " TOKEN);
  body = tftsr_test_request_json (request);
  g_assert_true (g_str_has_prefix (at (body, "fields.description"), "{noformat}\n"));
  g_assert_nonnull (strstr (at (body, "fields.description"), "**Payments** failed."));
  g_assert_cmpstr (at (body, "fields.priority.name"), ==, "Medium");
  found = tftsr_connector_search (f->store, "jira.dc", "disk", 5, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tftsr_fake_server_count_requests (f->server, "/rest/api/2/search"), ==, 1);
}

/* A reply that is not JSON, and refusals: each a connector error quoting Jira's words. */
static void
test_bad_replies (Fixture *f, gconstpointer data)
{
  static const struct
  {
    guint status;
    const char *body;
    TftsrConnectorError code;
    const char *quoted; /* in the message, or NULL */
  } cases[] = {
    { 200, "{\"displayName\": ", TFTSR_CONNECTOR_ERROR_BAD_REPLY, NULL },
    { 200, "[]", TFTSR_CONNECTOR_ERROR_BAD_REPLY, NULL },
    { 401, "{\"errorMessages\":[\"Client must be authenticated to access this resource.\"]}",
      TFTSR_CONNECTOR_ERROR_AUTH, "Client must be authenticated" },
    { 403, "{\"errorMessages\":[\"You do not have permission to browse OPS.\"],\"errors\":{}}",
      TFTSR_CONNECTOR_ERROR_FORBIDDEN, "permission to browse OPS" },
  };

  save_connector (f, "jira", "{\"project\":\"OPS\"}", TFTSR_CONNECTOR_AUTH_BASIC);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (TftsrFakeReply) reply = tftsr_fake_reply_new (cases[i].status, "application/json");
      g_autoptr (TftsrConnectorConfig) config = tftsr_store_get_connector (f->store, "jira", NULL);
      g_autoptr (GError) error = NULL;
      g_autofree char *said = NULL;

      tftsr_fake_reply_add_piece (reply, cases[i].body, -1);
      tftsr_fake_server_add_replies (f->server, "/rest/api/3/myself", reply, NULL);
      said = tftsr_connector_test (f->store, config, NULL, NULL, &error);
      g_assert_null (said);
      g_assert_error (error, TFTSR_CONNECTOR_ERROR, (gint) cases[i].code);
      if (cases[i].quoted != NULL)
        g_assert_nonnull (strstr (error->message, cases[i].quoted));
    }
}

/* --- against the published API description ----------------------------------------------- */

static TftsrPrism *prism;
static char *prism_missing;

static void
assert_sent (const char *operation, gboolean ok, GError *error)
{
  tftsr_test_prism_assert_sent (prism, operation, ok, error, NULL);
}

/* Every operation: myself, create, search (/search/jql), get, projects, update (an edit)
 * and comment. */
static void
test_contract (void)
{
  g_autoptr (TftsrStore) store = NULL;
  g_autoptr (TftsrConnectorConfig) config = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *said = NULL;
  g_autoptr (TftsrExternalItem) created = NULL;
  g_autoptr (TftsrExternalItem) got = NULL;
  g_autoptr (TftsrExternalItem) updated = NULL;
  g_autoptr (GPtrArray) found = NULL;
  g_autoptr (GPtrArray) projects = NULL;
  gint64 issue, linked;
  gboolean commented;

  if (!tftsr_test_prism_ready (prism, prism_missing))
    return;
  store = tftsr_test_new_store ();
  url = tftsr_prism_url (prism, "");
  tftsr_test_save_connector (store, "jira", TFTSR_CONNECTOR_JIRA, url, TFTSR_CONNECTOR_AUTH_BASIC,
                             USER, TOKEN, "{\"project\":\"OPS\"}");
  config = tftsr_store_get_connector (store, "jira", &error);
  g_assert_no_error (error);

  said = tftsr_connector_test (store, config, NULL, NULL, &error);
  assert_sent ("test", said != NULL, error);
  g_clear_error (&error);

  issue = tftsr_test_new_incident (store, "Checkout down", "# Impact\n\n- **payments** `502`\n",
                                   TFTSR_SEVERITY_CRITICAL);
  created = tftsr_connector_create_ticket (store, "jira", issue, NULL, &error);
  assert_sent ("create-ticket", created != NULL, error);
  g_clear_error (&error);

  found = tftsr_connector_search (store, "jira", "x\" OR 1=1 (a*)", 10, NULL, &error);
  assert_sent ("search", found != NULL, error);
  g_clear_error (&error);

  got = tftsr_connector_get_ticket (store, "jira", "OPS-7", NULL, &error);
  assert_sent ("get-ticket", got != NULL, error);
  g_clear_error (&error);

  projects = tftsr_connector_list_containers (store, "jira", NULL, &error);
  assert_sent ("list-containers", projects != NULL, error);
  g_clear_error (&error);

  /* Update and comment run whatever Prism made up for the create. */
  linked =
      tftsr_test_new_incident (store, "Queue stuck", "Retried **twice**.", TFTSR_SEVERITY_HIGH);
  tftsr_test_link_ticket (store, linked, "jira", "10007", "OPS-7");
  updated = tftsr_connector_update_ticket (store, "jira", linked, NULL, &error);
  assert_sent ("update-ticket", updated != NULL, error);
  g_clear_error (&error);
  commented = tftsr_connector_comment (store, "jira", linked, "Rolled **back**.", NULL, &error);
  assert_sent ("comment", commented, error);
}

int
main (int argc, char **argv)
{
  int status;

  tftsr_test_init (&argc, &argv);
  {
    g_autofree char *spec =
        g_build_filename (TFTSR_CONTRACTS_DIR, "jira", "swagger-v3.v3.json", NULL);
    prism = tftsr_test_prism_start (spec, &prism_missing);
  }
#define ADD(name, func)                                                                            \
  g_test_add ("/connector-jira/" name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("connection", test_connection);
  ADD ("create", test_create);
  ADD ("priority-mapping", test_priority_mapping);
  ADD ("search-escaping", test_search_escaping);
  ADD ("lagging-search", test_lagging_search);
  ADD ("lagging-search-cancelled", test_lagging_search_cancelled);
  ADD ("lagging-search-bounded", test_lagging_search_bounded);
  ADD ("update-comment-get", test_update_comment_get);
  ADD ("projects", test_projects);
  ADD ("datacenter", test_datacenter);
  ADD ("bad-replies", test_bad_replies);
#undef ADD
  g_test_add_func ("/connector-jira/contract", test_contract);
  status = g_test_run ();
  g_clear_pointer (&prism, tftsr_prism_stop);
  g_free (prism_missing);
  return status;
}
