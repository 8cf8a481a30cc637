/* test-connectors.c: what every connector gets from the runtime, through ServiceNow
 *
 * A loopback fake of ServiceNow's Table API (/api/now/table/incident and sys_user, the
 * shapes of the reference in ../shared/contracts/servicenow) keeps the incidents it was
 * sent. The tests cover saving (a refused secret is never stored), creating with the
 * severity mapping, the correlation marker that prevents a second ticket after a lost
 * answer, error statuses quoted, retries, the circuit breaker, TLS, escaping of search
 * text, runs and links, and that no canary value reaches the service.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "tftsr-connector.h"
#include "tftsr-fake-server.h"
#include "tftsr-json-private.h"
#include "tftsr-test-util.h"
#include "tftsr-timeline-event.h"

#define USER "ana.lima"
#define TOKEN "s3cret-token"
#define TABLE "/api/now/table/incident"
#define CANARY_EMAIL "canary.person@example-corp.com"
#define CANARY_IP "10.66.77.88"

typedef enum
{
  CREATE_OK,
  CREATE_DROP_AFTER_ACTING, /* the incident is made, the answer is cut short */
  CREATE_DROP_BEFORE_ACTING,
  CREATE_502,
} CreateMode;

/* The fake instance: the incidents it holds and how it answers. */
typedef struct
{
  TftsrFakeServer *server;
  GMutex lock;
  GPtrArray *records; /* json_object */
  CreateMode create_mode;
  guint posts;
} Instance;

static void
reply_json (SoupServerMessage *msg, guint status, const char *json)
{
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, json, strlen (json));
  soup_server_message_set_status (msg, status, NULL);
}

static gboolean
authorized (SoupServerMessage *msg)
{
  const char *auth =
      soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Authorization");
  g_autofree char *pair = g_strdup (USER ":" TOKEN);
  g_autofree char *encoded = g_base64_encode ((const guchar *) pair, strlen (pair));
  g_autofree char *expected = g_strdup_printf ("Basic %s", encoded);

  if (g_strcmp0 (auth, expected) == 0)
    return TRUE;
  reply_json (msg, 401,
              "{\"error\":{\"message\":\"User Not Authenticated\",\"detail\":\"Required to "
              "provide Auth information\"},\"status\":\"failure\"}");
  return FALSE;
}

static void
handle_user (SoupServerMessage *msg, GBytes *body, gpointer data)
{
  if (authorized (msg))
    reply_json (msg, 200, "{\"result\":[{\"name\":\"Ana Lima\",\"user_name\":\"ana.lima\"}]}");
}

static char *
result_of (json_object *record)
{
  return g_strdup_printf ("{\"result\":%s}", json_object_to_json_string (record));
}

static void handle_record (SoupServerMessage *msg, GBytes *body, gpointer data);

static void
create (Instance *instance, SoupServerMessage *msg, GBytes *body)
{
  json_object *record = json_tokener_parse (g_bytes_get_data (body, NULL));
  g_autofree char *sys_id = NULL;
  g_autofree char *number = NULL;
  g_autofree char *reply = NULL;

  instance->posts++;
  if (instance->create_mode == CREATE_502)
    {
      json_object_put (record);
      reply_json (msg, 502, "<html>Bad Gateway</html>");
      return;
    }
  if (instance->create_mode == CREATE_DROP_BEFORE_ACTING)
    {
      g_autoptr (TftsrFakeReply) cut = tftsr_fake_reply_new (201, "application/json");
      json_object_put (record);
      instance->create_mode = CREATE_OK;
      tftsr_fake_reply_add_piece (cut, "{\"result\":{", -1);
      tftsr_fake_reply_set_end (cut, TFTSR_FAKE_END_DROP);
      tftsr_fake_reply_send (cut, msg);
      return;
    }
  sys_id = g_strdup_printf ("%032x", instance->records->len + 0xa1);
  number = g_strdup_printf ("INC%07u", 10001 + instance->records->len);
  json_object_object_add (record, "sys_id", json_object_new_string (sys_id));
  json_object_object_add (record, "number", json_object_new_string (number));
  json_object_object_add (record, "state", json_object_new_string ("New"));
  g_ptr_array_add (instance->records, record);
  {
    g_autofree char *path = g_strdup_printf (TABLE "/%s", sys_id);
    tftsr_fake_server_add_handler (instance->server, path, handle_record, instance);
  }
  reply = result_of (record);
  if (instance->create_mode == CREATE_DROP_AFTER_ACTING)
    {
      g_autoptr (TftsrFakeReply) cut = tftsr_fake_reply_new (201, "application/json");
      instance->create_mode = CREATE_OK;
      tftsr_fake_reply_add_piece (cut, reply, 20);
      tftsr_fake_reply_set_end (cut, TFTSR_FAKE_END_DROP);
      tftsr_fake_reply_send (cut, msg);
      return;
    }
  reply_json (msg, 201, reply);
}

/* GET with sysparm_query: correlation_id=… or number=… match exactly; anything else lists
 * everything (the search tests look at the query received, not at the answer). */
static void
list (Instance *instance, SoupServerMessage *msg)
{
  GHashTable *query = g_uri_get_query (soup_server_message_get_uri (msg)) != NULL
                          ? g_uri_parse_params (g_uri_get_query (soup_server_message_get_uri (msg)),
                                                -1, "&", G_URI_PARAMS_NONE, NULL)
                          : NULL;
  const char *q = query != NULL ? g_hash_table_lookup (query, "sysparm_query") : NULL;
  g_autoptr (json_object) result = json_object_new_array ();
  g_autoptr (json_object) reply = json_object_new_object ();

  for (guint i = 0; i < instance->records->len; i++)
    {
      json_object *record = g_ptr_array_index (instance->records, i);
      const char *marker =
          json_object_get_string (json_object_object_get (record, "correlation_id"));
      const char *number = json_object_get_string (json_object_object_get (record, "number"));
      if (q != NULL && g_str_has_prefix (q, "correlation_id=") &&
          g_strcmp0 (q + strlen ("correlation_id="), marker) != 0)
        continue;
      if (q != NULL && g_str_has_prefix (q, "number=") &&
          g_strcmp0 (q + strlen ("number="), number) != 0)
        continue;
      json_object_array_add (result, json_object_get (record));
    }
  json_object_object_add (reply, "result", json_object_get (result));
  reply_json (msg, 200, json_object_to_json_string (reply));
  g_clear_pointer (&query, g_hash_table_unref);
}

static void
handle_table (SoupServerMessage *msg, GBytes *body, gpointer data)
{
  Instance *instance = data;

  if (!authorized (msg))
    return;
  g_mutex_lock (&instance->lock);
  if (strcmp (soup_server_message_get_method (msg), "POST") == 0)
    create (instance, msg, body);
  else
    list (instance, msg);
  g_mutex_unlock (&instance->lock);
}

/* PATCH of one record: its fields take the values sent. */
static void
handle_record (SoupServerMessage *msg, GBytes *body, gpointer data)
{
  Instance *instance = data;
  const char *path = g_uri_get_path (soup_server_message_get_uri (msg));
  const char *sys_id = strrchr (path, '/') + 1;
  g_autoptr (json_object) patch = json_tokener_parse (g_bytes_get_data (body, NULL));

  if (!authorized (msg))
    return;
  g_mutex_lock (&instance->lock);
  for (guint i = 0; i < instance->records->len; i++)
    {
      json_object *record = g_ptr_array_index (instance->records, i);
      g_autofree char *reply = NULL;
      if (g_strcmp0 (json_object_get_string (json_object_object_get (record, "sys_id")), sys_id) !=
          0)
        continue;
      if (patch != NULL && strcmp (soup_server_message_get_method (msg), "PATCH") == 0)
        {
          json_object_object_foreach (patch, key, value)
              json_object_object_add (record, key, json_object_get (value));
        }
      reply = result_of (record);
      reply_json (msg, 200, reply);
    }
  g_mutex_unlock (&instance->lock);
}

static void
free_record (gpointer record)
{
  json_object_put (record);
}

static Instance *
instance_new (TftsrFakeServer *server)
{
  Instance *instance = g_new0 (Instance, 1);

  g_mutex_init (&instance->lock);
  instance->records = g_ptr_array_new_with_free_func (free_record);
  instance->server = server != NULL ? server : tftsr_fake_server_new ();
  tftsr_fake_server_add_handler (instance->server, TABLE, handle_table, instance);
  tftsr_fake_server_add_handler (instance->server, "/api/now/table/sys_user", handle_user,
                                 instance);
  return instance;
}

static void
instance_free (Instance *instance)
{
  tftsr_fake_server_free (instance->server);
  g_ptr_array_unref (instance->records);
  g_mutex_clear (&instance->lock);
  g_free (instance);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Instance, instance_free)

static TftsrConnectorConfig *
config_for (TftsrFakeServer *server, const char *id)
{
  g_autofree char *url = tftsr_fake_server_url (server, "");
  TftsrConnectorConfig *config = tftsr_connector_config_new (id, TFTSR_CONNECTOR_SERVICENOW, url);

  config->user = g_strdup (USER);
  config->auth = TFTSR_CONNECTOR_AUTH_BASIC;
  return config;
}

static void
save (TftsrStore *store, TftsrFakeServer *server, const char *id)
{
  g_autoptr (TftsrConnectorConfig) config = config_for (server, id);
  g_autoptr (GError) error = NULL;

  g_assert_true (tftsr_store_save_connector (store, config, TOKEN, NULL, &error));
  g_assert_no_error (error);
}

static gint64
new_issue (TftsrStore *store, const char *title, const char *description, TftsrSeverity severity)
{
  g_autoptr (TftsrIssue) draft = tftsr_issue_new (title);
  g_autoptr (TftsrIssue) issue = NULL;
  g_autoptr (GError) error = NULL;

  tftsr_issue_set_description (draft, description);
  tftsr_issue_set_severity (draft, severity);
  issue = tftsr_store_create_issue (store, draft, &error);
  g_assert_no_error (error);
  return tftsr_issue_get_id (issue);
}

/* ---- saving ---- */

static void
test_save_refused_secret (void)
{
  g_autoptr (TftsrStore) store = tftsr_test_new_store ();
  g_autoptr (Instance) sn = instance_new (NULL);
  g_autoptr (TftsrConnectorConfig) config = config_for (sn->server, "servicenow");
  g_autoptr (TftsrConnectorConfig) stored = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *detail = NULL;

  g_assert_false (tftsr_store_save_connector (store, config, "wrong-token", NULL, &error));
  g_assert_error (error, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_AUTH);
  g_assert_nonnull (strstr (error->message, "User Not Authenticated"));
  g_clear_error (&error);
  stored = tftsr_store_get_connector (store, "servicenow", &error);
  g_assert_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_NOT_FOUND);
  g_assert_null (stored);
  g_clear_error (&error);
  g_assert_false (tftsr_vault_has_secret (store, "servicenow", TFTSR_SECRET_API_TOKEN));

  detail = tftsr_connector_test (store, config, TOKEN, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (detail, ==, "Signed in as Ana Lima");
  save (store, sn->server, "servicenow");
  stored = tftsr_store_get_connector (store, "servicenow", &error);
  g_assert_no_error (error);
  g_assert_true (stored->has_secret);
  g_assert_cmpstr (stored->user, ==, USER);
}

static void
test_validation (void)
{
  g_autoptr (TftsrConnectorConfig) config =
      tftsr_connector_config_new ("sn", TFTSR_CONNECTOR_SERVICENOW, "http://acme.service-now.com");
  g_autoptr (GError) error = NULL;

  config->user = g_strdup (USER);
  g_assert_false (tftsr_connector_config_validate (config, &error));
  g_assert_error (error, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "https://"));
  g_clear_error (&error);
  g_free (config->base_url);
  config->base_url = g_strdup ("https://acme.service-now.com");
  config->auth = TFTSR_CONNECTOR_AUTH_TOKEN;
  g_assert_false (tftsr_connector_config_validate (config, &error));
  g_clear_error (&error);
  config->auth = TFTSR_CONNECTOR_AUTH_BASIC;
  g_free (config->id);
  config->id = g_strdup ("Bad Id!");
  g_assert_false (tftsr_connector_config_validate (config, &error));
  g_clear_error (&error);
  g_free (config->id);
  config->id = g_strdup ("servicenow.prod");
  g_assert_true (tftsr_connector_config_validate (config, &error));
  g_assert_no_error (error);
}

/* ---- creating ---- */

static json_object *
received_body (TftsrFakeServer *server, const char *method, guint nth)
{
  g_autoptr (GPtrArray) requests = tftsr_fake_server_dup_requests (server);

  for (guint i = 0; i < requests->len; i++)
    {
      TftsrFakeRequest *r = g_ptr_array_index (requests, i);
      if (strcmp (r->method, method) == 0 && nth-- == 0)
        return json_tokener_parse (g_bytes_get_data (r->body, NULL));
    }
  return NULL;
}

static void
test_create_ticket (void)
{
  g_autoptr (TftsrStore) store = tftsr_test_new_store ();
  g_autoptr (Instance) sn = instance_new (NULL);
  g_autoptr (TftsrExternalItem) item = NULL;
  g_autoptr (TftsrExternalItem) again = NULL;
  g_autoptr (json_object) body = NULL;
  g_autoptr (GPtrArray) links = NULL;
  g_autoptr (GPtrArray) runs = NULL;
  g_autoptr (GPtrArray) timeline = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *audit = NULL;
  gint64 issue;
  TftsrConnectorRun *run;
  gboolean linked = FALSE;

  save (store, sn->server, "servicenow");
  issue = new_issue (store, "Checkout API returns 502", "Since 09:12 UTC.", TFTSR_SEVERITY_HIGH);
  item = tftsr_connector_create_ticket (store, "servicenow", issue, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (item->key, ==, "INC0010001");
  g_assert_nonnull (strstr (item->url, "/incident.do?sys_id="));

  body = received_body (sn->server, "POST", 0);
  g_assert_cmpstr (json_object_get_string (json_object_object_get (body, "short_description")), ==,
                   "Checkout API returns 502");
  /* high: urgency 1, impact 2 by default */
  g_assert_cmpstr (json_object_get_string (json_object_object_get (body, "urgency")), ==, "1");
  g_assert_cmpstr (json_object_get_string (json_object_object_get (body, "impact")), ==, "2");
  g_assert_true (g_str_has_prefix (
      json_object_get_string (json_object_object_get (body, "correlation_id")), "tftsr-"));

  /* Asking again gives the same ticket, without a request. */
  again = tftsr_connector_create_ticket (store, "servicenow", issue, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again->id, ==, item->id);
  g_assert_cmpuint (sn->posts, ==, 1);

  links = tftsr_store_list_external_links (store, issue, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (links->len, ==, 1);
  g_assert_cmpstr (((TftsrExternalLink *) g_ptr_array_index (links, 0))->item.key, ==,
                   "INC0010001");
  timeline = tftsr_store_list_timeline (store, issue, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < timeline->len; i++)
    if (tftsr_timeline_event_get_kind (g_ptr_array_index (timeline, i)) ==
        TFTSR_TIMELINE_EXTERNAL_LINKED)
      {
        g_autofree char *text = tftsr_timeline_event_describe (g_ptr_array_index (timeline, i));
        g_assert_cmpstr (text, ==, "Ticket INC0010001 created in ServiceNow");
        linked = TRUE;
      }
  g_assert_true (linked);

  runs = tftsr_store_list_connector_runs (store, "servicenow", 10, &error);
  g_assert_no_error (error);
  run = g_ptr_array_index (runs, 0);
  g_assert_cmpstr (run->operation, ==, "create-ticket");
  g_assert_true (run->ok);
  g_assert_cmpuint (run->http_status, ==, 201);
  g_assert_cmpuint (strlen (run->payload_sha256), ==, 64);
  /* The departure is in the audit log with the same SHA-256. */
  audit = tftsr_test_query (store, "SELECT count (*) FROM audit_log WHERE detail LIKE '%' || "
                                   "(SELECT payload_sha256 FROM integration_runs ORDER BY id "
                                   "DESC LIMIT 1) || '%'");
  g_assert_cmpstr (audit, ==, "1");
}

static void
test_custom_mapping (void)
{
  g_autoptr (TftsrStore) store = tftsr_test_new_store ();
  g_autoptr (Instance) sn = instance_new (NULL);
  g_autoptr (TftsrConnectorConfig) config = config_for (sn->server, "servicenow");
  g_autoptr (TftsrExternalItem) item = NULL;
  g_autoptr (json_object) body = NULL;
  g_autoptr (GError) error = NULL;
  gint64 issue;

  g_free (config->options);
  config->options = g_strdup ("{\"mapping\":{\"urgency\":{\"low\":\"2\"},\"impact\":{}}}");
  g_assert_true (tftsr_store_save_connector (store, config, TOKEN, NULL, &error));
  issue = new_issue (store, "Disk 80% full", "", TFTSR_SEVERITY_LOW);
  item = tftsr_connector_create_ticket (store, "servicenow", issue, NULL, &error);
  g_assert_no_error (error);
  body = received_body (sn->server, "POST", 0);
  g_assert_cmpstr (json_object_get_string (json_object_object_get (body, "urgency")), ==, "2");
  g_assert_cmpstr (json_object_get_string (json_object_object_get (body, "impact")), ==, "3");
}

/* The service made the incident but the answer was lost: the retry finds it by its
 * marker and does not post again. */
static void
test_no_duplicate_after_lost_answer (void)
{
  g_autoptr (TftsrStore) store = tftsr_test_new_store ();
  g_autoptr (Instance) sn = instance_new (NULL);
  g_autoptr (TftsrExternalItem) item = NULL;
  g_autoptr (GPtrArray) links = NULL;
  g_autoptr (GError) error = NULL;
  gint64 issue;

  save (store, sn->server, "servicenow");
  issue = new_issue (store, "Payments down", "", TFTSR_SEVERITY_CRITICAL);
  sn->create_mode = CREATE_DROP_AFTER_ACTING;
  item = tftsr_connector_create_ticket (store, "servicenow", issue, NULL, &error);
  g_assert_error (error, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_UNKNOWN_OUTCOME);
  g_assert_null (item);
  g_clear_error (&error);
  links = tftsr_store_list_external_links (store, issue, &error);
  g_assert_cmpuint (links->len, ==, 0);

  item = tftsr_connector_create_ticket (store, "servicenow", issue, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (item->key, ==, "INC0010001");
  g_assert_cmpuint (sn->posts, ==, 1);
  g_assert_cmpuint (sn->records->len, ==, 1);
}

/* The answer was lost before the service acted: the retry finds nothing and creates,
 * with the same marker. */
static void
test_retry_after_lost_request (void)
{
  g_autoptr (TftsrStore) store = tftsr_test_new_store ();
  g_autoptr (Instance) sn = instance_new (NULL);
  g_autoptr (TftsrExternalItem) item = NULL;
  g_autoptr (json_object) first = NULL;
  g_autoptr (json_object) second = NULL;
  g_autoptr (GError) error = NULL;
  gint64 issue;

  save (store, sn->server, "servicenow");
  issue = new_issue (store, "VPN flapping", "", TFTSR_SEVERITY_MEDIUM);
  sn->create_mode = CREATE_DROP_BEFORE_ACTING;
  g_assert_null (tftsr_connector_create_ticket (store, "servicenow", issue, NULL, &error));
  g_assert_error (error, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_UNKNOWN_OUTCOME);
  g_clear_error (&error);
  item = tftsr_connector_create_ticket (store, "servicenow", issue, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sn->posts, ==, 2);
  g_assert_cmpuint (sn->records->len, ==, 1);
  first = received_body (sn->server, "POST", 0);
  second = received_body (sn->server, "POST", 1);
  g_assert_cmpstr (json_object_get_string (json_object_object_get (first, "correlation_id")), ==,
                   json_object_get_string (json_object_object_get (second, "correlation_id")));
}

/* A gateway's 502 may come after the service acted: a create is not repeated on it. */
static void
test_create_not_repeated_on_502 (void)
{
  g_autoptr (TftsrStore) store = tftsr_test_new_store ();
  g_autoptr (Instance) sn = instance_new (NULL);
  g_autoptr (GError) error = NULL;
  gint64 issue;

  save (store, sn->server, "servicenow");
  issue = new_issue (store, "DNS errors", "", TFTSR_SEVERITY_MEDIUM);
  sn->create_mode = CREATE_502;
  g_assert_null (tftsr_connector_create_ticket (store, "servicenow", issue, NULL, &error));
  g_assert_error (error, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_SERVER);
  g_assert_cmpuint (sn->posts, ==, 1);
}

/* ---- statuses ---- */

static void
add_config (TftsrStore *store, TftsrFakeServer *server, const char *id, const char *options)
{
  g_autoptr (TftsrConnectorConfig) config = config_for (server, id);
  g_autoptr (GError) error = NULL;

  g_free (config->options);
  config->options = g_strdup (options);
  g_assert_true (tftsr_store_save_connector_untested (store, config, TOKEN, &error));
  g_assert_no_error (error);
}

typedef struct
{
  guint status;
  const char *body;
  const char *header; /* "Name: value" or NULL */
  TftsrConnectorError code;
  const char *says;
} StatusCase;

static void
test_statuses (void)
{
  static const StatusCase cases[] = {
    { 403, "{\"error\":{\"message\":\"Insufficient rights\"},\"status\":\"failure\"}", NULL,
      TFTSR_CONNECTOR_ERROR_FORBIDDEN, "Insufficient rights" },
    { 404, "{\"error\":{\"message\":\"No Record found\"},\"status\":\"failure\"}", NULL,
      TFTSR_CONNECTOR_ERROR_NOT_FOUND, "No Record found" },
    { 409, "{\"error\":{\"message\":\"Conflict\"}}", NULL, TFTSR_CONNECTOR_ERROR_CONFLICT,
      "conflict" },
    { 429, "{\"error\":{\"message\":\"Rate limit exceeded\"},\"status\":\"failure\"}",
      "Retry-After: 3600", TFTSR_CONNECTOR_ERROR_RATE_LIMITED, "3600 s" },
    { 400, "{\"error\":{\"message\":\"Invalid table\"}}", NULL, TFTSR_CONNECTOR_ERROR_REJECTED,
      "Invalid table" },
    { 200, "<html>login</html>", NULL, TFTSR_CONNECTOR_ERROR_BAD_REPLY, "not JSON" },
    { 200, "{\"result\":{\"no_sys_id\":1}}", NULL, TFTSR_CONNECTOR_ERROR_BAD_REPLY,
      "result.sys_id" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (TftsrStore) store = tftsr_test_new_store ();
      g_autoptr (TftsrFakeServer) server = tftsr_fake_server_new ();
      g_autoptr (TftsrFakeReply) reply = tftsr_fake_reply_new (cases[i].status, "application/json");
      g_autoptr (TftsrExternalItem) item = NULL;
      g_autoptr (GError) error = NULL;

      tftsr_fake_reply_add_piece (reply, cases[i].body, -1);
      if (cases[i].header != NULL)
        {
          g_auto (GStrv) kv = g_strsplit (cases[i].header, ": ", 2);
          tftsr_fake_reply_add_header (reply, kv[0], kv[1]);
        }
      tftsr_fake_server_add_replies (server, TABLE "/0123456789abcdef0123456789abcdef", reply,
                                     NULL);
      add_config (store, server, "sn", "{}");
      item = tftsr_connector_get_ticket (store, "sn", "0123456789abcdef0123456789abcdef", NULL,
                                         &error);
      g_assert_null (item);
      g_assert_error (error, TFTSR_CONNECTOR_ERROR, (gint) cases[i].code);
      if (strstr (error->message, cases[i].says) == NULL)
        g_error ("%u: “%s” does not say “%s”", cases[i].status, error->message, cases[i].says);
    }
}

static void
test_retry_after_then_success (void)
{
  g_autoptr (TftsrStore) store = tftsr_test_new_store ();
  g_autoptr (TftsrFakeServer) server = tftsr_fake_server_new ();
  g_autoptr (TftsrFakeReply) limited = tftsr_fake_reply_new (429, "application/json");
  g_autoptr (TftsrFakeReply) ok = tftsr_fake_reply_new (200, "application/json");
  g_autoptr (TftsrExternalItem) item = NULL;
  g_autoptr (GError) error = NULL;
  gint64 started = g_get_monotonic_time ();

  tftsr_fake_reply_add_header (limited, "Retry-After", "1");
  tftsr_fake_reply_add_piece (limited, "{\"error\":{\"message\":\"Rate limit exceeded\"}}", -1);
  tftsr_fake_reply_add_piece (ok,
                              "{\"result\":{\"sys_id\":\"0123456789abcdef0123456789abcdef\","
                              "\"number\":\"INC0000042\",\"state\":\"In Progress\"}}",
                              -1);
  tftsr_fake_server_add_replies (server, TABLE "/0123456789abcdef0123456789abcdef", limited, ok,
                                 NULL);
  add_config (store, server, "sn", "{}");
  item = tftsr_connector_get_ticket (store, "sn", "0123456789abcdef0123456789abcdef", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (item->key, ==, "INC0000042");
  g_assert_cmpstr (item->status, ==, "In Progress");
  g_assert_cmpint (g_get_monotonic_time () - started, >=, 900 * 1000);
}

/* Five failed calls in a row open the connector's circuit: the next fails at once. */
static void
test_circuit_opens (void)
{
  g_autoptr (TftsrStore) store = tftsr_test_new_store ();
  g_autoptr (TftsrFakeServer) server = tftsr_fake_server_new ();
  g_autoptr (TftsrFakeReply) down = tftsr_fake_reply_new (500, "application/json");
  g_autoptr (GPtrArray) health = NULL;
  g_autoptr (GError) error = NULL;
  TftsrConnectorHealth *h;

  tftsr_fake_reply_add_piece (down, "{\"error\":{\"message\":\"Internal\"}}", -1);
  tftsr_fake_server_add_replies (server, TABLE, down, NULL);
  add_config (store, server, "sn.circuit", "{}");
  for (guint i = 0; i < 5; i++)
    {
      g_assert_null (tftsr_connector_search (store, "sn.circuit", "disk", 5, NULL, &error));
      g_assert_error (error, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_SERVER);
      g_clear_error (&error);
    }
  g_assert_null (tftsr_connector_search (store, "sn.circuit", "disk", 5, NULL, &error));
  g_assert_error (error, TFTSR_NET_ERROR, TFTSR_NET_ERROR_CIRCUIT_OPEN);
  g_clear_error (&error);
  g_assert_cmpuint (tftsr_fake_server_count_requests (server, TABLE), ==, 5);

  health = tftsr_store_list_connector_health (store, &error);
  g_assert_no_error (error);
  h = g_ptr_array_index (health, 0);
  g_assert_cmpint (h->circuit, ==, TFTSR_CIRCUIT_OPEN);
  g_assert_cmpuint (h->recent_failures, ==, 6);
  g_assert_true (h->configured);
  g_assert_null (h->last_success_at);
}

static void
test_timeout (void)
{
  g_autoptr (TftsrStore) store = tftsr_test_new_store ();
  g_autoptr (TftsrFakeServer) server = tftsr_fake_server_new ();
  g_autoptr (TftsrFakeReply) stall = tftsr_fake_reply_new (200, "application/json");
  g_autoptr (GError) error = NULL;
  gint64 started = g_get_monotonic_time ();

  tftsr_fake_reply_add_piece (stall, "{\"result\":[", -1);
  tftsr_fake_reply_set_end (stall, TFTSR_FAKE_END_STALL);
  tftsr_fake_server_add_replies (server, TABLE, stall, NULL);
  add_config (store, server, "sn", "{\"timeout\":\"2\"}");
  g_assert_null (tftsr_connector_search (store, "sn", "disk", 5, NULL, &error));
  g_assert_error (error, TFTSR_NET_ERROR, TFTSR_NET_ERROR_TIMEOUT);
  g_assert_nonnull (strstr (error->message, "ServiceNow"));
  g_assert_cmpint (g_get_monotonic_time () - started, <, 10 * G_USEC_PER_SEC);
}

static void
test_connection_refused (void)
{
  g_autoptr (TftsrStore) store = tftsr_test_new_store ();
  g_autoptr (TftsrConnectorConfig) config = NULL;
  g_autoptr (GError) error = NULL;
  guint port;
  g_autoptr (GSocket) socket = tftsr_test_refusing_socket (&port);
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u", port);
  g_autofree char *detail = NULL;

  config = tftsr_connector_config_new ("sn", TFTSR_CONNECTOR_SERVICENOW, url);
  config->user = g_strdup (USER);
  detail = tftsr_connector_test (store, config, TOKEN, NULL, &error);
  g_assert_null (detail);
  g_assert_error (error, TFTSR_NET_ERROR, TFTSR_NET_ERROR_CONNECT);
  g_assert_true (g_str_has_prefix (error->message, "Could not reach ServiceNow"));
}

/* A self-signed certificate is refused, unless its CA is the connector's bundle. */
static void
test_tls_ca_bundle (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GTlsCertificate) certificate =
      g_tls_certificate_new_from_file (TFTSR_TEST_DATA_DIR "/tls/self-signed.pem", &error);
  g_autoptr (TftsrFakeServer) server = tftsr_fake_server_new_tls (certificate);
  g_autoptr (TftsrStore) store = tftsr_test_new_store ();
  g_autoptr (Instance) sn = instance_new (server);
  g_autoptr (TftsrConnectorConfig) config = NULL;
  g_autofree char *detail = NULL;

  g_steal_pointer (&server); /* the instance owns it */
  config = config_for (sn->server, "sn");
  detail = tftsr_connector_test (store, config, TOKEN, NULL, &error);
  g_assert_error (error, TFTSR_NET_ERROR, TFTSR_NET_ERROR_TLS);
  g_clear_error (&error);
  config->ca_file = g_strdup (TFTSR_TEST_DATA_DIR "/tls/self-signed.pem");
  detail = tftsr_connector_test (store, config, TOKEN, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (detail, ==, "Signed in as Ana Lima");
}

/* ---- search and privacy ---- */

static char *
last_query (TftsrFakeServer *server)
{
  g_autoptr (GPtrArray) requests = tftsr_fake_server_dup_requests (server);
  TftsrFakeRequest *r = g_ptr_array_index (requests, requests->len - 1);
  g_autofree char *url = g_strconcat ("http://x", r->path, NULL);
  g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_ENCODED_QUERY, NULL);
  g_autoptr (GHashTable) params =
      g_uri_parse_params (g_uri_get_query (uri), -1, "&", G_URI_PARAMS_NONE, NULL);

  return g_strdup (g_hash_table_lookup (params, "sysparm_query"));
}

static void
test_search_escaping (void)
{
  g_autoptr (TftsrStore) store = tftsr_test_new_store ();
  g_autoptr (Instance) sn = instance_new (NULL);
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *query = NULL;

  save (store, sn->server, "servicenow");
  items = tftsr_connector_search (store, "servicenow", "disk^ORactive=true\nx&y", 5, NULL, &error);
  g_assert_no_error (error);
  query = last_query (sn->server);
  g_assert_cmpstr (query, ==,
                   "short_descriptionLIKEdisk^^ORactive=true x&y^ORnumber=disk^^ORactive=true "
                   "x&y^ORDERBYDESCsys_updated_on");
  g_clear_pointer (&items, g_ptr_array_unref);
  g_clear_pointer (&query, g_free);
  items = tftsr_connector_search (store, "servicenow",
                                  "JavaScript:gs.getUserID() or a@javascript:x", 5, NULL, &error);
  g_assert_no_error (error);
  query = last_query (sn->server);
  {
    g_autofree char *lower = g_ascii_strdown (query, -1);
    g_assert_null (strstr (lower, "javascript:"));
    g_assert_nonnull (strstr (lower, "javascriptgs.getuserid()"));
  }
}

/* Nothing the scanner finds in the incident reaches the service; the preview shows the
 * exact body that is sent, redacted. */
static void
test_canaries_and_preview (void)
{
  g_autoptr (TftsrStore) store = tftsr_test_new_store ();
  g_autoptr (Instance) sn = instance_new (NULL);
  g_autoptr (TftsrExternalItem) item = NULL;
  g_autoptr (GPtrArray) requests = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *preview = NULL;
  gint64 issue;

  save (store, sn->server, "servicenow");
  issue = new_issue (store, "Login fails for " CANARY_EMAIL,
                     "db at " CANARY_IP " refuses; contact " CANARY_EMAIL, TFTSR_SEVERITY_HIGH);
  preview = tftsr_connector_preview (store, "servicenow", "create-ticket", issue, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (preview, "POST http://127.0.0.1:"));
  g_assert_null (strstr (preview, CANARY_EMAIL));
  g_assert_null (strstr (preview, CANARY_IP));
  g_assert_nonnull (strstr (preview, "<EMAIL_1>"));
  g_assert_cmpuint (sn->posts, ==, 0);

  item = tftsr_connector_create_ticket (store, "servicenow", issue, NULL, &error);
  g_assert_no_error (error);
  item = (tftsr_external_item_free (item), NULL);
  g_assert_true (tftsr_connector_comment (
      store, "servicenow", issue, "Called " CANARY_EMAIL " about " CANARY_IP, NULL, &error));
  g_assert_no_error (error);
  requests = tftsr_fake_server_dup_requests (sn->server);
  g_assert_cmpuint (requests->len, >=, 3);
  for (guint i = 0; i < requests->len; i++)
    {
      TftsrFakeRequest *r = g_ptr_array_index (requests, i);
      g_autofree char *body =
          g_strndup (g_bytes_get_data (r->body, NULL), g_bytes_get_size (r->body));
      g_assert_null (strstr (body, CANARY_EMAIL));
      g_assert_null (strstr (body, CANARY_IP));
      g_assert_null (strstr (r->path, "canary"));
      g_assert_null (strstr (r->headers, TOKEN));
    }
  /* The preview is exactly what the create sent. */
  {
    g_autoptr (GPtrArray) again = tftsr_fake_server_dup_requests (sn->server);
    TftsrFakeRequest *post = NULL;
    for (guint i = 0; i < again->len && post == NULL; i++)
      if (strcmp (((TftsrFakeRequest *) g_ptr_array_index (again, i))->method, "POST") == 0)
        post = g_ptr_array_index (again, i);
    g_assert_nonnull (post);
    g_assert_true (g_str_has_suffix (preview, g_bytes_get_data (post->body, NULL)));
  }
}

/* ---- every service ---- */

/* Confluence Cloud resolves a space key to its id before it creates a page. */
static void
handle_spaces (SoupServerMessage *msg, GBytes *body, gpointer data)
{
  reply_json (msg, 200, "{\"results\":[{\"id\":\"98\",\"key\":\"ENG\",\"name\":\"Eng\"}]}");
}

/* A connector of @kind against @server with what its service needs to build requests. */
static void
save_any (TftsrStore *store, TftsrFakeServer *server, TftsrConnectorKind kind)
{
  g_autofree char *base = tftsr_fake_server_url (server, "");
  g_autofree char *hook = tftsr_fake_server_url (server, "/hooks/T0/B0/secretpart");
  const char *id = tftsr_connector_kind_to_string (kind);
  g_autoptr (TftsrConnectorConfig) config = tftsr_connector_config_new (id, kind, base);
  g_autoptr (GError) error = NULL;
  const char *secret = TOKEN;

  config->auth = tftsr_connector_kind_get_default_auth (kind);
  if (config->auth == TFTSR_CONNECTOR_AUTH_BASIC && kind != TFTSR_CONNECTOR_AZURE_DEVOPS)
    config->user = g_strdup (USER);
  g_free (config->options);
  config->options = g_strdup ("{\"project\":\"OPS\",\"space\":\"ENG\"}");
  if (kind == TFTSR_CONNECTOR_PAGERDUTY)
    secret = "0123456789abcdef0123456789abcdef";
  else if (kind == TFTSR_CONNECTOR_SLACK || kind == TFTSR_CONNECTOR_TEAMS)
    secret = hook;
  g_assert_true (tftsr_store_save_connector_untested (store, config, secret, &error));
  g_assert_no_error (error);
}

/* The operations @kind can do that send the incident's texts, as preview names. */
static GPtrArray *
operations_of (TftsrConnectorKind kind)
{
  GPtrArray *ops = g_ptr_array_new ();
  TftsrConnectorCaps caps = tftsr_connector_kind_get_caps (kind);

  if (caps & TFTSR_CONNECTOR_CAN_TICKETS)
    g_ptr_array_add (ops, "create-ticket");
  if (caps & TFTSR_CONNECTOR_CAN_PUBLISH)
    g_ptr_array_add (ops, "publish");
  if (caps & TFTSR_CONNECTOR_CAN_PAGE)
    g_ptr_array_add (ops, "page-trigger");
  if (caps & TFTSR_CONNECTOR_CAN_AUTOMATION)
    g_ptr_array_add (ops, "run-action");
  if (caps & TFTSR_CONNECTOR_CAN_NOTIFY)
    g_ptr_array_add (ops, "notify-opened");
  return ops;
}

/* Sends @operation for real; the answer (the fake's 404 or 200) does not matter here. */
static void
send_any (TftsrStore *store, const char *id, const char *operation, gint64 issue, gint64 doc)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrExternalItem) item = NULL;

  if (g_str_equal (operation, "create-ticket"))
    item = tftsr_connector_create_ticket (store, id, issue, NULL, &error);
  else if (g_str_equal (operation, "publish"))
    item = tftsr_connector_publish (store, id, doc, NULL, NULL, FALSE, NULL, &error);
  else if (g_str_equal (operation, "page-trigger"))
    item = tftsr_connector_page (store, id, issue, TFTSR_PAGE_TRIGGER, NULL, &error);
  else if (g_str_equal (operation, "run-action"))
    item = tftsr_connector_run_action (store, id, issue, "core.local",
                                       "{\"cmd\":\"ping " CANARY_IP " for " CANARY_EMAIL "\"}",
                                       NULL, NULL, NULL, &error);
  else
    tftsr_connector_notify (store, id, issue, TFTSR_NOTIFY_OPENED, NULL, NULL, &error);
}

/* Whatever service an incident goes to, no value the scanner finds in it leaves: not in a
 * preview, not in any byte a service received. */
static void
test_canaries_every_service (void)
{
  g_autoptr (TftsrStore) store = tftsr_test_new_store ();
  g_autoptr (TftsrFakeServer) server = tftsr_fake_server_new ();
  g_autoptr (TftsrDocument) rca = NULL;
  g_autoptr (GPtrArray) requests = NULL;
  g_autoptr (GError) error = NULL;
  guint previews = 0;
  gint64 issue;

  tftsr_fake_server_add_handler (server, "/wiki/api/v2/spaces", handle_spaces, NULL);
  issue = new_issue (store, "Login fails for " CANARY_EMAIL,
                     "db at " CANARY_IP " refuses; contact " CANARY_EMAIL, TFTSR_SEVERITY_HIGH);
  rca = tftsr_store_generate_document (store, issue, TFTSR_DOC_RCA, &error);
  g_assert_no_error (error);
  for (guint k = 0; k < TFTSR_N_CONNECTOR_KINDS; k++)
    {
      g_autoptr (GPtrArray) ops = operations_of ((TftsrConnectorKind) k);
      const char *id = tftsr_connector_kind_to_string ((TftsrConnectorKind) k);

      g_assert_cmpuint (ops->len, >, 0);
      save_any (store, server, (TftsrConnectorKind) k);
      for (guint o = 0; o < ops->len; o++)
        {
          const char *op = g_ptr_array_index (ops, o);
          g_autofree char *arg = g_str_equal (op, "publish")
                                     ? g_strdup_printf ("%" G_GINT64_FORMAT, rca->id)
                                 : g_str_equal (op, "run-action") ? g_strdup ("core.local")
                                                                  : NULL;
          g_autofree char *preview = tftsr_connector_preview (store, id, op, issue, arg, &error);
          g_assert_no_error (error);
          g_assert_null (strstr (preview, CANARY_EMAIL));
          g_assert_null (strstr (preview, CANARY_IP));
          g_assert_null (strstr (preview, TOKEN));
          g_assert_null (strstr (preview, "secretpart"));
          previews++;
          send_any (store, id, op, issue, rca->id);
        }
    }
  g_assert_cmpuint (previews, >=, TFTSR_N_CONNECTOR_KINDS);
  requests = tftsr_fake_server_dup_requests (server);
  g_assert_cmpuint (requests->len, >=, TFTSR_N_CONNECTOR_KINDS);
  for (guint i = 0; i < requests->len; i++)
    {
      TftsrFakeRequest *r = g_ptr_array_index (requests, i);
      g_autofree char *body =
          g_strndup (g_bytes_get_data (r->body, NULL), g_bytes_get_size (r->body));
      g_autofree char *path = g_uri_unescape_string (r->path, NULL);
      g_assert_null (strstr (body, CANARY_EMAIL));
      g_assert_null (strstr (body, CANARY_IP));
      g_assert_null (strstr (path != NULL ? path : r->path, CANARY_EMAIL));
    }
}

int
main (int argc, char **argv)
{
  tftsr_test_init (&argc, &argv);
  g_test_add_func ("/connectors/validation", test_validation);
  g_test_add_func ("/connectors/save-refused-secret", test_save_refused_secret);
  g_test_add_func ("/connectors/create-ticket", test_create_ticket);
  g_test_add_func ("/connectors/custom-mapping", test_custom_mapping);
  g_test_add_func ("/connectors/no-duplicate-after-lost-answer",
                   test_no_duplicate_after_lost_answer);
  g_test_add_func ("/connectors/retry-after-lost-request", test_retry_after_lost_request);
  g_test_add_func ("/connectors/create-not-repeated-on-502", test_create_not_repeated_on_502);
  g_test_add_func ("/connectors/statuses", test_statuses);
  g_test_add_func ("/connectors/retry-after-then-success", test_retry_after_then_success);
  g_test_add_func ("/connectors/circuit-opens", test_circuit_opens);
  g_test_add_func ("/connectors/timeout", test_timeout);
  g_test_add_func ("/connectors/connection-refused", test_connection_refused);
  g_test_add_func ("/connectors/tls-ca-bundle", test_tls_ca_bundle);
  g_test_add_func ("/connectors/search-escaping", test_search_escaping);
  g_test_add_func ("/connectors/canaries-and-preview", test_canaries_and_preview);
  g_test_add_func ("/connectors/canaries-every-service", test_canaries_every_service);
  return g_test_run ();
}
