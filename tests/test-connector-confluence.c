/* test-connector-confluence.c: the Confluence connector
 *
 * Behaviour, against a fake Confluence on loopback that keeps pages and their versions as
 * Confluence does (an update must carry the current version + 1, else 409; titles unique):
 * the connection test and a refused token, spaces over two cursor pages, CQL built from
 * hostile text, a page created then updated, an edit made in Confluence meanwhile (seen
 * before the update, or racing it), overwrite, a page deleted there, a title taken, a
 * reply that is not JSON, and Data Center's v1 under a context path.
 *
 * Contract: Prism serves Confluence Cloud's published v1 and v2 descriptions and checks every
 * request the connector sends (Cloud: v1 for the user and search, v2 for spaces and pages;
 * Data Center: v1, whose paths Cloud's v1 description shares after /wiki). The test copies
 * of the specs keep the vendor's request schemas with one defect fixed, and pin the answers:
 * - v2's page body is oneOf a body and a nested body whose members are all optional, so
 *   every object matches both and no body can pass; the nested one is made to admit its
 *   three formats only, as its description says ("only one body format ... as the property");
 * - v1's answers recurse (Content → history → User → personalSpace → Space → homepage →
 *   Content) deeper than Prism's faker can follow, which answers 500 at random, and
 *   made-up answers would have the space's key or the page's version differ between calls:
 *   each operation answers from a flat schema with the members the connector reads.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "tftsr-connector-test-util.h"
#include "tftsr-connector.h"
#include "tftsr-json-private.h"
#include "tftsr-prism.h"

#define USER "ana@example.com"
#define TOKEN "atl-token-1"
#define SPACE_ID "98305"
#define FIRST_PAGE 1001
#define MAX_PAGES 4
#define PRISM_STARTUP_SECONDS 120

/* ---- the fake Confluence ---- */

typedef struct
{
  char *title;
  char *body;
  gint64 version;
  gboolean deleted;
} Page;

typedef struct
{
  TftsrFakeServer *server;
  gboolean datacenter; /* v1 under /confluence, else Cloud's v2 under /wiki/api/v2 */
  GMutex lock;
  Page pages[MAX_PAGES]; /* page id FIRST_PAGE + index */
  guint n_pages;
  gboolean title_taken;        /* a create is refused: a page has that title */
  gboolean edit_during_update; /* a page is edited between the GET and the PUT */
  gboolean malformed;          /* the spaces come back as broken JSON */
  char *last_cql;
} Fake;

static void
reply_object (SoupServerMessage *msg, guint status, json_object *object)
{
  tftsr_test_json_reply (msg, status,
                         json_object_to_json_string_ext (object, JSON_C_TO_STRING_PLAIN));
}

static gboolean
authorized (SoupServerMessage *msg)
{
  const char *got =
      soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Authorization");
  g_autofree char *encoded =
      g_base64_encode ((const guchar *) USER ":" TOKEN, strlen (USER ":" TOKEN));
  g_autofree char *expected = g_strconcat ("Basic ", encoded, NULL);

  if (g_strcmp0 (got, expected) == 0)
    return TRUE;
  tftsr_test_json_reply (msg, 401,
                         "{\"statusCode\":401,\"message\":\"Client must be authenticated\"}");
  return FALSE;
}

/* Base URL of the site's pages for a browser. */
static char *
site_base (Fake *fake)
{
  return tftsr_fake_server_url (fake->server, fake->datacenter ? "/confluence" : "/wiki");
}

static json_object *
page_json (Fake *fake, guint index)
{
  json_object *page = json_object_new_object ();
  json_object *version = json_object_new_object ();
  json_object *links = json_object_new_object ();
  g_autofree char *base = site_base (fake);
  g_autofree char *id = g_strdup_printf ("%u", FIRST_PAGE + index);
  g_autofree char *webui = g_strdup_printf ("/spaces/OPS/pages/%s", id);

  json_object_object_add (page, "id", json_object_new_string (id));
  json_object_object_add (page, "status", json_object_new_string ("current"));
  json_object_object_add (page, "title", json_object_new_string (fake->pages[index].title));
  json_object_object_add (version, "number", json_object_new_int64 (fake->pages[index].version));
  json_object_object_add (page, "version", version);
  json_object_object_add (links, "webui", json_object_new_string (webui));
  json_object_object_add (links, "base", json_object_new_string (base));
  json_object_object_add (page, "_links", links);
  return page;
}

static const char *
string_at (json_object *object, const char *a, const char *b)
{
  json_object *node = NULL;

  if (!json_object_object_get_ex (object, a, &node))
    return NULL;
  if (b != NULL && !json_object_object_get_ex (node, b, &node))
    return NULL;
  return json_object_get_string (node);
}

/* The storage body of a create or update: v2 body.value, v1 body.storage.value. */
static const char *
storage_of (Fake *fake, json_object *request)
{
  json_object *body = NULL;

  if (!json_object_object_get_ex (request, "body", &body))
    return NULL;
  return fake->datacenter ? string_at (body, "storage", "value") : string_at (body, "value", NULL);
}

static void
create_page (SoupServerMessage *msg, GBytes *bytes, gpointer data)
{
  Fake *fake = data;
  g_autoptr (json_object) request = json_tokener_parse (g_bytes_get_data (bytes, NULL));
  const char *space =
      fake->datacenter ? string_at (request, "space", "key") : string_at (request, "spaceId", NULL);
  const char *title = string_at (request, "title", NULL);
  g_autoptr (json_object) page = NULL;
  guint index;

  if (!authorized (msg))
    return;
  g_assert_cmpstr (soup_server_message_get_method (msg), ==, "POST");
  g_assert_cmpstr (space, ==, fake->datacenter ? "OPS" : SPACE_ID);
  g_assert_nonnull (title);
  g_assert_nonnull (storage_of (fake, request));
  if (fake->title_taken)
    {
      tftsr_test_json_reply (
          msg, 400,
          "{\"errors\":[{\"status\":400,\"code\":\"BAD_REQUEST\",\"title\":\"A page with "
          "this title already exists: A page already exists with the same TITLE in "
          "this space\"}]}");
      return;
    }
  g_mutex_lock (&fake->lock);
  g_assert_cmpuint (fake->n_pages, <, MAX_PAGES);
  index = fake->n_pages++;
  fake->pages[index].title = g_strdup (title);
  fake->pages[index].body = g_strdup (storage_of (fake, request));
  fake->pages[index].version = 1;
  page = page_json (fake, index);
  g_mutex_unlock (&fake->lock);
  reply_object (msg, 200, page);
}

static void
not_found (SoupServerMessage *msg)
{
  tftsr_test_json_reply (msg, 404,
                         "{\"errors\":[{\"status\":404,\"code\":\"NOT_FOUND\",\"title\":\"Not "
                         "Found\"}]}");
}

/* GET and PUT of /pages/ID (v2) or /content/ID (v1). */
static void
page (SoupServerMessage *msg, GBytes *bytes, gpointer data)
{
  Fake *fake = data;
  const char *path = g_uri_get_path (soup_server_message_get_uri (msg));
  guint index = (guint) g_ascii_strtoull (strrchr (path, '/') + 1, NULL, 10) - FIRST_PAGE;
  const char *method = soup_server_message_get_method (msg);
  g_autoptr (json_object) request = NULL;
  g_autoptr (json_object) answer = NULL;
  json_object *version = NULL;
  Page *p;

  if (!authorized (msg))
    return;
  g_mutex_lock (&fake->lock);
  if (index >= fake->n_pages || fake->pages[index].deleted)
    {
      g_mutex_unlock (&fake->lock);
      not_found (msg);
      return;
    }
  p = &fake->pages[index];
  if (g_str_equal (method, "GET"))
    {
      answer = page_json (fake, index);
      if (fake->edit_during_update)
        p->version++;
      g_mutex_unlock (&fake->lock);
      reply_object (msg, 200, answer);
      return;
    }
  g_assert_cmpstr (method, ==, "PUT");
  request = json_tokener_parse (g_bytes_get_data (bytes, NULL));
  g_assert_nonnull (request);
  g_assert_true (json_object_object_get_ex (request, "version", &version));
  g_assert_true (json_object_object_get_ex (version, "number", &version));
  if (json_object_get_int64 (version) != p->version + 1)
    {
      g_autofree char *text = g_strdup_printf (
          "{\"errors\":[{\"status\":409,\"code\":\"CONFLICT\",\"title\":\"Version must be "
          "incremented on update. Current version is: %" G_GINT64_FORMAT "\"}]}",
          p->version);

      g_mutex_unlock (&fake->lock);
      tftsr_test_json_reply (msg, 409, text);
      return;
    }
  p->version++;
  g_free (p->title);
  p->title = g_strdup (string_at (request, "title", NULL));
  g_free (p->body);
  p->body = g_strdup (storage_of (fake, request));
  answer = page_json (fake, index);
  g_mutex_unlock (&fake->lock);
  reply_object (msg, 200, answer);
}

static const char *
query_param (SoupServerMessage *msg, const char *name, char **value)
{
  const char *query = g_uri_get_query (soup_server_message_get_uri (msg));
  g_autoptr (GHashTable) params =
      query != NULL ? g_uri_parse_params (query, -1, "&", G_URI_PARAMS_NONE, NULL) : NULL;

  *value = params != NULL ? g_strdup (g_hash_table_lookup (params, name)) : NULL;
  return *value;
}

static void
spaces (SoupServerMessage *msg, GBytes *bytes, gpointer data)
{
  Fake *fake = data;
  g_autofree char *keys = NULL;
  g_autofree char *cursor = NULL;
  g_autofree char *base = site_base (fake);
  g_autofree char *text = NULL;

  (void) bytes;
  if (!authorized (msg))
    return;
  if (fake->malformed)
    {
      tftsr_test_json_reply (msg, 200, "{\"results\": [{\"id\": \"98305\", \"key\": ");
      return;
    }
  query_param (msg, "keys", &keys);
  query_param (msg, fake->datacenter ? "start" : "cursor", &cursor);
  if (keys != NULL || cursor == NULL || g_str_equal (cursor, "0"))
    /* The first page points at the next with a cursor that needs escaping. */
    text = g_strdup_printf (
        "{\"results\":[{\"id\":\"%s\",\"key\":\"OPS\",\"name\":\"Operations\",\"status\":"
        "\"current\",\"_links\":{\"webui\":\"/spaces/OPS\"}}],\"_links\":{\"base\":\"%s\"%s}}",
        SPACE_ID, base,
        keys != NULL ? "" : ",\"next\":\"/wiki/api/v2/spaces?limit=250&cursor=a%2Bb%3D%3D\"");
  else
    {
      g_assert_cmpstr (cursor, ==, fake->datacenter ? "1" : "a+b==");
      text = g_strdup_printf ("{\"results\":[{\"id\":\"98306\",\"key\":\"DEV\",\"name\":"
                              "\"Development\",\"status\":\"current\",\"_links\":{\"webui\":"
                              "\"/spaces/DEV\"}}],\"_links\":{\"base\":\"%s\"}}",
                              base);
    }
  tftsr_test_json_reply (msg, 200, text);
}

static void
current_user (SoupServerMessage *msg, GBytes *bytes, gpointer data)
{
  (void) bytes;
  (void) data;
  if (authorized (msg))
    tftsr_test_json_reply (
        msg, 200, "{\"type\":\"known\",\"accountId\":\"5b10a2\",\"displayName\":\"Ana Lima\"}");
}

static void
search (SoupServerMessage *msg, GBytes *bytes, gpointer data)
{
  Fake *fake = data;
  g_autofree char *cql = NULL;
  g_autofree char *base = site_base (fake);
  g_autofree char *text = NULL;

  (void) bytes;
  if (!authorized (msg))
    return;
  g_mutex_lock (&fake->lock);
  g_free (fake->last_cql);
  fake->last_cql = g_strdup (query_param (msg, "cql", &cql));
  g_mutex_unlock (&fake->lock);
  text = g_strdup_printf (
      "{\"results\":[{\"id\":\"1001\",\"type\":\"page\",\"status\":\"current\",\"title\":"
      "\"RCA: checkout 502s\",\"version\":{\"number\":3},\"_links\":{\"webui\":"
      "\"/spaces/OPS/pages/1001\"}}],\"start\":0,\"limit\":25,\"size\":1,\"_links\":{\"base\":"
      "\"%s\"}}",
      base);
  tftsr_test_json_reply (msg, 200, text);
}

static Fake *
fake_new (gboolean datacenter)
{
  Fake *fake = g_new0 (Fake, 1);
  const char *v1 = datacenter ? "/confluence/rest/api" : "/wiki/rest/api";
  g_autofree char *user_path = g_strconcat (v1, "/user/current", NULL);
  g_autofree char *search_path = g_strconcat (v1, "/content/search", NULL);

  g_mutex_init (&fake->lock);
  fake->datacenter = datacenter;
  fake->server = tftsr_fake_server_new ();
  tftsr_fake_server_add_handler (fake->server, user_path, current_user, fake);
  tftsr_fake_server_add_handler (fake->server, search_path, search, fake);
  tftsr_fake_server_add_handler (fake->server,
                                 datacenter ? "/confluence/rest/api/space" : "/wiki/api/v2/spaces",
                                 spaces, fake);
  tftsr_fake_server_add_handler (fake->server,
                                 datacenter ? "/confluence/rest/api/content" : "/wiki/api/v2/pages",
                                 create_page, fake);
  for (guint i = 0; i < MAX_PAGES; i++)
    {
      g_autofree char *path = g_strdup_printf (
          "%s/%u", datacenter ? "/confluence/rest/api/content" : "/wiki/api/v2/pages",
          FIRST_PAGE + i);

      tftsr_fake_server_add_handler (fake->server, path, page, fake);
    }
  return fake;
}

static void
fake_free (Fake *fake)
{
  tftsr_fake_server_free (fake->server);
  for (guint i = 0; i < MAX_PAGES; i++)
    {
      g_free (fake->pages[i].title);
      g_free (fake->pages[i].body);
    }
  g_free (fake->last_cql);
  g_mutex_clear (&fake->lock);
  g_free (fake);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Fake, fake_free)

/* The requests the fake received with @method to @path (without the query). */
static GPtrArray *
requests_to (Fake *fake, const char *method, const char *path)
{
  g_autoptr (GPtrArray) all = tftsr_fake_server_dup_requests (fake->server);
  GPtrArray *found = g_ptr_array_new_with_free_func ((GDestroyNotify) tftsr_fake_request_unref);

  for (guint i = 0; i < all->len; i++)
    {
      TftsrFakeRequest *request = all->pdata[i];
      gsize len = strcspn (request->path, "?");

      if (g_str_equal (request->method, method) && strlen (path) == len &&
          strncmp (request->path, path, len) == 0)
        g_ptr_array_add (found, tftsr_fake_request_ref (request));
    }
  return found;
}

/* ---- the connector, a document ---- */

/* A store with connector "wiki" to @base_url. */
static TftsrStore *
store_with_connector (const char *base_url, const char *deployment, const char *token)
{
  TftsrStore *store = tftsr_test_new_store ();
  g_autofree char *options =
      g_strdup_printf ("{\"deployment\":\"%s\",\"space\":\"OPS\"}", deployment);

  tftsr_test_save_connector (store, "wiki", TFTSR_CONNECTOR_CONFLUENCE, base_url,
                             TFTSR_CONNECTOR_AUTH_BASIC, USER, token, options);
  return store;
}

static TftsrStore *
store_for (Fake *fake, const char *token)
{
  g_autofree char *base =
      tftsr_fake_server_url (fake->server, fake->datacenter ? "/confluence" : "");

  return store_with_connector (base, fake->datacenter ? "datacenter" : "cloud", token);
}

/* The RCA of a new incident. */
static gint64
new_document (TftsrStore *store, TftsrDocKind kind)
{
  g_autoptr (TftsrIssue) issue =
      tftsr_test_create (store, "Checkout answers 502", "The payment gateway timed out.");
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrDocument) document =
      tftsr_store_generate_document (store, tftsr_issue_get_id (issue), kind, &error);

  g_assert_no_error (error);
  return document->id;
}

static void
edit_document (TftsrStore *store, gint64 document_id, const char *markdown)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrDocument) document =
      tftsr_store_save_document (store, document_id, markdown, TFTSR_DOC_SAVE_REVISION, &error);

  g_assert_no_error (error);
}

static TftsrExternalItem *
publish (TftsrStore *store, gint64 document_id, gboolean overwrite, GError **error)
{
  return tftsr_connector_publish (store, "wiki", document_id, NULL, NULL, overwrite, NULL, error);
}

/* ---- behaviour ---- */

static void
test_connection (void)
{
  g_autoptr (Fake) fake = fake_new (FALSE);
  g_autoptr (TftsrStore) store = store_for (fake, TOKEN);
  g_autoptr (TftsrConnectorConfig) config = tftsr_store_get_connector (store, "wiki", NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *said = tftsr_connector_test (store, config, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (said, ==, "Signed in as Ana Lima");
}

static void
test_refused_token (void)
{
  g_autoptr (Fake) fake = fake_new (FALSE);
  g_autoptr (TftsrStore) store = store_for (fake, "wrong");
  g_autoptr (TftsrConnectorConfig) config = tftsr_store_get_connector (store, "wiki", NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *said = tftsr_connector_test (store, config, NULL, NULL, &error);

  g_assert_null (said);
  g_assert_error (error, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_AUTH);
  g_test_message ("401: %s", error->message);
  g_assert_cmpstr (error->message, !=, "");
}

static void
test_spaces (gconstpointer data)
{
  gboolean datacenter = GPOINTER_TO_INT (data);
  g_autoptr (Fake) fake = fake_new (datacenter);
  g_autoptr (TftsrStore) store = store_for (fake, TOKEN);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) spaces = tftsr_connector_list_containers (store, "wiki", NULL, &error);
  g_autofree char *base = site_base (fake);
  g_autofree char *ops_url = g_strconcat (base, "/spaces/OPS", NULL);
  TftsrExternalItem *ops;

  g_assert_no_error (error);
  g_assert_cmpuint (spaces->len, ==, 2);
  ops = spaces->pdata[0];
  g_assert_cmpstr (ops->id, ==, datacenter ? "OPS" : SPACE_ID);
  g_assert_cmpstr (ops->key, ==, "OPS");
  g_assert_cmpstr (ops->title, ==, "Operations");
  g_assert_cmpstr (ops->url, ==, ops_url);
  g_assert_cmpstr (((TftsrExternalItem *) spaces->pdata[1])->key, ==, "DEV");
}

/* Where each CQL string literal of @cql is, replaced by "…": what is left is CQL syntax. */
static char *
cql_outside_literals (const char *cql)
{
  GString *outside = g_string_new (NULL);

  for (const char *p = cql; *p != '\0'; p++)
    {
      if (*p != '"')
        {
          g_string_append_c (outside, *p);
          continue;
        }
      for (p++; *p != '"'; p++)
        {
          g_assert_cmpint (*p, !=, '\0');
          g_assert_cmpint (*p, !=, '\n');
          if (*p == '\\')
            p++;
        }
      g_string_append (outside, "…");
    }
  return g_string_free (outside, FALSE);
}

static void
test_search_escaping (void)
{
  g_autoptr (Fake) fake = fake_new (FALSE);
  g_autoptr (TftsrStore) store = store_for (fake, TOKEN);
  g_autoptr (GError) error = NULL;
  const char *hostile = "  502 \" OR space = \"HR\" OR title ~ \"\\\"\nAND type = blogpost \\";
  g_autoptr (GPtrArray) pages = tftsr_connector_search (store, "wiki", hostile, 10, NULL, &error);
  g_autofree char *outside = NULL;
  TftsrExternalItem *page;

  g_assert_no_error (error);
  g_assert_cmpuint (pages->len, ==, 1);
  page = pages->pdata[0];
  g_assert_cmpstr (page->id, ==, "1001");
  g_assert_cmpint (page->version, ==, 3);
  g_assert_true (g_str_has_suffix (page->url, "/wiki/spaces/OPS/pages/1001"));
  g_assert_cmpstr (fake->last_cql, ==,
                   "type = page AND space = \"OPS\" AND text ~ \"502 \\\" OR space = \\\"HR\\\" "
                   "OR title ~ \\\"\\\\\\\" AND type = blogpost \\\\\" ORDER BY lastmodified "
                   "DESC");
  outside = cql_outside_literals (fake->last_cql);
  g_assert_cmpstr (outside, ==,
                   "type = page AND space = … AND text ~ … ORDER BY lastmodified DESC");
}

static void
test_create_then_update (gconstpointer data)
{
  gboolean datacenter = GPOINTER_TO_INT (data);
  const char *pages = datacenter ? "/confluence/rest/api/content" : "/wiki/api/v2/pages";
  g_autofree char *page_path = g_strdup_printf ("%s/%u", pages, FIRST_PAGE);
  g_autoptr (Fake) fake = fake_new (datacenter);
  g_autoptr (TftsrStore) store = store_for (fake, TOKEN);
  gint64 document_id = new_document (store, TFTSR_DOC_RCA);
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrExternalItem) created = publish (store, document_id, FALSE, &error);
  g_autoptr (TftsrExternalItem) updated = NULL;
  g_autoptr (GPtrArray) posts = NULL;
  g_autoptr (GPtrArray) puts = NULL;
  g_autoptr (json_object) put = NULL;
  json_object *version = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (created->id, ==, "1001");
  g_assert_cmpint (created->version, ==, 1);
  g_assert_true (g_str_has_suffix (created->url, "/spaces/OPS/pages/1001"));

  edit_document (store, document_id, "# Checkout answers 502\n\nEdited after review.\n");
  updated = publish (store, document_id, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (updated->id, ==, "1001");
  g_assert_cmpint (updated->version, ==, 2);

  posts = requests_to (fake, "POST", pages);
  g_assert_cmpuint (posts->len, ==, 1);
  puts = requests_to (fake, "PUT", page_path);
  g_assert_cmpuint (puts->len, ==, 1);
  put = tftsr_test_request_json (puts->pdata[0]);
  g_assert_true (json_object_object_get_ex (put, "version", &version));
  g_assert_true (json_object_object_get_ex (version, "number", &version));
  g_assert_cmpint (json_object_get_int64 (version), ==, 2);
  g_assert_nonnull (strstr (fake->pages[0].body, "Edited after review."));
}

static void
test_edited_in_confluence (void)
{
  g_autoptr (Fake) fake = fake_new (FALSE);
  g_autoptr (TftsrStore) store = store_for (fake, TOKEN);
  gint64 document_id = new_document (store, TFTSR_DOC_RCA);
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrExternalItem) created = publish (store, document_id, FALSE, &error);
  g_autoptr (TftsrExternalItem) refused = NULL;
  g_autoptr (TftsrExternalItem) overwritten = NULL;
  g_autoptr (GPtrArray) puts = NULL;
  g_autofree char *page_path = g_strdup_printf ("/wiki/api/v2/pages/%u", FIRST_PAGE);

  g_assert_no_error (error);
  /* Someone edits the page in Confluence. */
  g_mutex_lock (&fake->lock);
  fake->pages[0].version = 2;
  g_mutex_unlock (&fake->lock);

  refused = publish (store, document_id, FALSE, &error);
  g_assert_null (refused);
  g_assert_error (error, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_CONFLICT);
  g_assert_nonnull (strstr (error->message, "edited in Confluence since"));
  puts = requests_to (fake, "PUT", page_path);
  g_assert_cmpuint (puts->len, ==, 0);
  g_clear_error (&error);

  overwritten = publish (store, document_id, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (overwritten->version, ==, 3);
}

static void
test_edit_races_update (void)
{
  g_autoptr (Fake) fake = fake_new (FALSE);
  g_autoptr (TftsrStore) store = store_for (fake, TOKEN);
  gint64 document_id = new_document (store, TFTSR_DOC_RCA);
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrExternalItem) created = publish (store, document_id, FALSE, &error);
  g_autoptr (TftsrExternalItem) refused = NULL;

  g_assert_no_error (error);
  fake->edit_during_update = TRUE;
  refused = publish (store, document_id, FALSE, &error);
  g_assert_null (refused);
  g_assert_error (error, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_CONFLICT);
  g_assert_nonnull (strstr (error->message, "while it was being updated"));
}

static void
test_page_deleted (void)
{
  g_autoptr (Fake) fake = fake_new (FALSE);
  g_autoptr (TftsrStore) store = store_for (fake, TOKEN);
  gint64 document_id = new_document (store, TFTSR_DOC_RCA);
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrExternalItem) created = publish (store, document_id, FALSE, &error);
  g_autoptr (TftsrExternalItem) refused = NULL;

  g_assert_no_error (error);
  fake->pages[0].deleted = TRUE;
  refused = publish (store, document_id, FALSE, &error);
  g_assert_null (refused);
  g_assert_error (error, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "no longer exists"));
}

static void
test_title_taken (void)
{
  g_autoptr (Fake) fake = fake_new (FALSE);
  g_autoptr (TftsrStore) store = store_for (fake, TOKEN);
  gint64 document_id = new_document (store, TFTSR_DOC_RCA);
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrExternalItem) refused = NULL;

  fake->title_taken = TRUE;
  refused = publish (store, document_id, FALSE, &error);
  g_assert_null (refused);
  g_assert_error (error, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_CONFLICT);
  g_assert_nonnull (strstr (error->message, "already exists in the Confluence space OPS"));
}

static void
test_malformed_reply (void)
{
  g_autoptr (Fake) fake = fake_new (FALSE);
  g_autoptr (TftsrStore) store = store_for (fake, TOKEN);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) spaces = NULL;

  fake->malformed = TRUE;
  spaces = tftsr_connector_list_containers (store, "wiki", NULL, &error);
  g_assert_null (spaces);
  g_assert_error (error, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_BAD_REPLY);
}

static void
test_unknown_deployment (void)
{
  g_autoptr (Fake) fake = fake_new (FALSE);
  g_autofree char *base = tftsr_fake_server_url (fake->server, "");
  g_autoptr (TftsrStore) store = store_with_connector (base, "server", TOKEN);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) spaces = tftsr_connector_list_containers (store, "wiki", NULL, &error);

  g_assert_null (spaces);
  g_assert_error (error, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_INVALID);
  g_assert_cmpuint (tftsr_fake_server_count_requests (fake->server, "/wiki/api/v2/spaces"), ==, 0);
}

/* ---- contract ---- */

/* The members of @node at @keys (NULL-terminated). */
static json_object *
node_at (json_object *node, ...)
{
  va_list keys;
  const char *key;

  va_start (keys, node);
  while (node != NULL && (key = va_arg (keys, const char *)) != NULL)
    if (!json_object_object_get_ex (node, key, &node))
      node = NULL;
  va_end (keys);
  return node;
}

/* @spec (in the contracts folder) with only @paths, as Prism checks it: each path
 * prepared by tftsr_prism_prepare_spec, then put together. */
static json_object *
prepare (const char *spec, const char *const *paths)
{
  json_object *merged = NULL;

  for (guint i = 0; paths[i] != NULL; i++)
    {
      g_autofree char *name = g_strdup_printf ("confluence-%u.json", i);
      g_autofree char *out = g_build_filename (tftsr_test_dir (), name, NULL);
      g_autoptr (GError) error = NULL;
      json_object *one;

      g_assert_true (tftsr_prism_prepare_spec (spec, paths[i], out, &error));
      g_assert_no_error (error);
      one = json_object_from_file (out);
      g_assert_nonnull (one);
      if (merged == NULL)
        {
          merged = one;
          continue;
        }
      /* The same spec: a component both kept is the same component. */
      json_object_object_foreach (node_at (one, "paths", NULL), path, item)
          json_object_object_add (node_at (merged, "paths", NULL), path, json_object_get (item));
      json_object_object_foreach (node_at (one, "components", NULL), type, members)
      {
        json_object *into = node_at (merged, "components", type, NULL);

        if (into == NULL)
          {
            json_object_object_add (node_at (merged, "components", NULL), type,
                                    json_object_get (members));
            continue;
          }
        json_object_object_foreach (members, member, value)
            json_object_object_add (into, member, json_object_get (value));
      }
      json_object_put (one);
    }
  return merged;
}

/* The answer of @method @path is a made-up instance of @schema. */
static void
pin_answer (json_object *spec, const char *path, const char *method, const char *schema)
{
  json_object *media = node_at (spec, "paths", path, method, "responses", "200", "content", NULL);

  g_assert_nonnull (media);
  json_object_object_add (media, "application/json", json_object_new_object ());
  json_object_object_add (node_at (media, "application/json", NULL), "schema",
                          json_tokener_parse (schema));
  g_assert_nonnull (node_at (media, "application/json", "schema", NULL));
}

#define PINNED_PAGE                                                                                \
  "{\"type\":\"object\",\"required\":[\"id\",\"title\",\"status\",\"version\",\"_links\"],"        \
  "\"properties\":{\"id\":{\"type\":\"string\",\"enum\":[\"65601\"]},\"title\":{\"type\":"         \
  "\"string\"},\"status\":{\"type\":\"string\",\"enum\":[\"current\"]},\"version\":{\"type\":"     \
  "\"object\",\"required\":[\"number\"],\"properties\":{\"number\":{\"type\":\"integer\","         \
  "\"enum\":[1]}}},\"_links\":{\"type\":\"object\",\"required\":[\"webui\",\"base\"],"             \
  "\"properties\":{\"webui\":{\"type\":\"string\",\"enum\":[\"/spaces/OPS/pages/65601\"]},"        \
  "\"base\":{\"type\":\"string\",\"enum\":[\"https://acme.atlassian.net/wiki\"]}}}}}"
#define PINNED_SPACE                                                                               \
  "{\"type\":\"object\",\"required\":[\"id\",\"key\",\"name\",\"_links\"],\"properties\":{"        \
  "\"id\":{\"type\":\"integer\",\"enum\":[98305]},\"key\":{\"type\":\"string\",\"enum\":"          \
  "[\"OPS\"]},\"name\":{\"type\":\"string\"},\"_links\":{\"type\":\"object\",\"required\":"        \
  "[\"webui\"],\"properties\":{\"webui\":{\"type\":\"string\",\"enum\":[\"/spaces/OPS\"]}}}}}"
#define PINNED_LIST(item)                                                                          \
  "{\"type\":\"object\",\"required\":[\"results\",\"_links\"],\"properties\":{\"results\":{"       \
  "\"type\":\"array\",\"minItems\":1,\"maxItems\":1,\"items\":" item "},\"_links\":{\"type\":"     \
  "\"object\",\"required\":[\"base\"],\"additionalProperties\":false,\"properties\":{\"base\":"    \
  "{\"type\":\"string\",\"enum\":[\"https://acme.atlassian.net/wiki\"]}}}}}"
#define PINNED_USER                                                                                \
  "{\"type\":\"object\",\"required\":[\"type\",\"displayName\"],\"properties\":{\"type\":{"        \
  "\"type\":\"string\",\"enum\":[\"known\"]},\"displayName\":{\"type\":\"string\",\"enum\":"       \
  "[\"Ana Lima\"]}}}"

static const char *const v1_paths[] = {
  "/wiki/rest/api/user/current", "/wiki/rest/api/content/search", "/wiki/rest/api/space",
  "/wiki/rest/api/content",      "/wiki/rest/api/content/{id}",   NULL
};
static const char *const v2_paths[] = { "/spaces", "/pages", "/pages/{id}", NULL };

static char *
write_spec (json_object *spec, const char *name)
{
  char *out = g_build_filename (tftsr_test_dir (), name, NULL);

  g_assert_cmpint (json_object_to_file_ext (out, spec, JSON_C_TO_STRING_PLAIN), ==, 0);
  return out;
}

static char *
v1_spec (void)
{
  g_autoptr (json_object) spec = prepare ("confluence/v1/swagger.v3.json", v1_paths);

  pin_answer (spec, "/wiki/rest/api/user/current", "get", PINNED_USER);
  pin_answer (spec, "/wiki/rest/api/content/search", "get", PINNED_LIST (PINNED_PAGE));
  pin_answer (spec, "/wiki/rest/api/space", "get", PINNED_LIST (PINNED_SPACE));
  pin_answer (spec, "/wiki/rest/api/content", "post", PINNED_PAGE);
  pin_answer (spec, "/wiki/rest/api/content/{id}", "get", PINNED_PAGE);
  pin_answer (spec, "/wiki/rest/api/content/{id}", "put", PINNED_PAGE);
  return write_spec (spec, "confluence-v1.json");
}

/* v2 as served under the site: /wiki/api/v2/pages… */
static char *
v2_spec (void)
{
  g_autoptr (json_object) spec = prepare ("confluence/v2/openapi-v2.v3.json", v2_paths);
  json_object *paths = json_object_new_object ();
  json_object *nested = node_at (spec, "components", "schemas", "PageNestedBodyWrite", NULL);

  json_object_object_foreach (node_at (spec, "paths", NULL), path, item)
  {
    g_autofree char *full = g_strconcat ("/wiki/api/v2", path, NULL);

    json_object_object_add (paths, full, json_object_get (item));
  }
  json_object_object_add (spec, "paths", paths);
  g_assert_nonnull (nested);
  json_object_object_add (nested, "additionalProperties", json_object_new_boolean (FALSE));
  pin_answer (spec, "/wiki/api/v2/spaces", "get", PINNED_LIST (PINNED_SPACE));
  pin_answer (spec, "/wiki/api/v2/pages", "post", PINNED_PAGE);
  pin_answer (spec, "/wiki/api/v2/pages/{id}", "get", PINNED_PAGE);
  pin_answer (spec, "/wiki/api/v2/pages/{id}", "put", PINNED_PAGE);
  return write_spec (spec, "confluence-v2.json");
}

static TftsrPrism *
start_prism (const char *spec)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrPrism) prism = tftsr_prism_start (spec, &error);

  g_assert_no_error (error);
  tftsr_prism_wait (prism, PRISM_STARTUP_SECONDS, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&prism);
}

/* Prism checked the @n requests sent since the last call and found nothing wrong. */
static void
assert_checked (TftsrPrism *prism, const char *what, guint n)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *log = tftsr_prism_take_log (prism, &error);
  g_autofree char *violations = NULL;
  guint passed = 0;

  g_assert_no_error (error);
  g_test_message ("%s:\n%s", what, log);
  violations = tftsr_prism_violations (log);
  g_assert_cmpstr (violations, ==, "");
  for (const char *p = log; (p = strstr (p, "The request passed the validation rules")); p++)
    passed++;
  g_assert_cmpuint (passed, ==, n);
}

/* Each operation through Prism: @v1 and @v2 (NULL on Data Center) serve the specs. */
static void
run_contract (TftsrPrism *v1, TftsrPrism *v2)
{
  gboolean cloud = v2 != NULL;
  g_autofree char *v1_base = tftsr_prism_url (v1, cloud ? "" : "/wiki");
  g_autofree char *v2_base = cloud ? tftsr_prism_url (v2, "") : NULL;
  g_autoptr (TftsrStore) v1_store =
      store_with_connector (v1_base, cloud ? "cloud" : "datacenter", TOKEN);
  g_autoptr (TftsrStore) v2_store =
      cloud ? store_with_connector (v2_base, "cloud", TOKEN) : g_object_ref (v1_store);
  TftsrPrism *pages_prism = cloud ? v2 : v1;
  g_autoptr (TftsrConnectorConfig) config = tftsr_store_get_connector (v1_store, "wiki", NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *said = tftsr_connector_test (v1_store, config, NULL, NULL, &error);
  g_autoptr (GPtrArray) found = NULL;
  g_autoptr (GPtrArray) spaces = NULL;
  g_autoptr (TftsrExternalItem) created = NULL;
  g_autoptr (TftsrExternalItem) updated = NULL;
  gint64 document_id;

  g_assert_no_error (error);
  g_assert_cmpstr (said, ==, "Signed in as Ana Lima");
  assert_checked (v1, "test", 1);

  found = tftsr_connector_search (v1_store, "wiki", "checkout \"502\" \\ OR", 10, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  assert_checked (v1, "search", 1);

  spaces = tftsr_connector_list_containers (v2_store, "wiki", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (spaces->len, ==, 1);
  g_assert_cmpstr (((TftsrExternalItem *) spaces->pdata[0])->key, ==, "OPS");
  assert_checked (pages_prism, "spaces", 1);

  document_id = new_document (v2_store, TFTSR_DOC_RCA);
  created = publish (v2_store, document_id, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (created->id, ==, "65601");
  g_assert_cmpstr (created->url, ==, "https://acme.atlassian.net/wiki/spaces/OPS/pages/65601");
  /* Cloud looks the space's id up first. */
  assert_checked (pages_prism, "create", cloud ? 2 : 1);

  edit_document (v2_store, document_id, "# Checkout answers 502\n\nEdited.\n");
  updated = publish (v2_store, document_id, FALSE, &error);
  g_assert_no_error (error);
  assert_checked (pages_prism, "update", 2);
}

static void
test_contract (gconstpointer data)
{
  gboolean cloud = GPOINTER_TO_INT (data);
  g_autofree char *missing = tftsr_prism_missing ();
  g_autofree char *v1_file = NULL;
  g_autofree char *v2_file = NULL;
  g_autoptr (TftsrPrism) v1 = NULL;
  g_autoptr (TftsrPrism) v2 = NULL;

  if (missing != NULL)
    {
      g_test_skip (missing);
      return;
    }
  v1_file = v1_spec ();
  v1 = start_prism (v1_file);
  if (cloud)
    {
      v2_file = v2_spec ();
      v2 = start_prism (v2_file);
    }
  run_contract (v1, v2);
}

int
main (int argc, char **argv)
{
  tftsr_test_init (&argc, &argv);
  g_test_add_func ("/connector-confluence/test", test_connection);
  g_test_add_func ("/connector-confluence/refused-token", test_refused_token);
  g_test_add_data_func ("/connector-confluence/spaces-cloud", GINT_TO_POINTER (FALSE), test_spaces);
  g_test_add_data_func ("/connector-confluence/spaces-datacenter", GINT_TO_POINTER (TRUE),
                        test_spaces);
  g_test_add_func ("/connector-confluence/search-escaping", test_search_escaping);
  g_test_add_data_func ("/connector-confluence/create-update-cloud", GINT_TO_POINTER (FALSE),
                        test_create_then_update);
  g_test_add_data_func ("/connector-confluence/create-update-datacenter", GINT_TO_POINTER (TRUE),
                        test_create_then_update);
  g_test_add_func ("/connector-confluence/edited-in-confluence", test_edited_in_confluence);
  g_test_add_func ("/connector-confluence/edit-races-update", test_edit_races_update);
  g_test_add_func ("/connector-confluence/page-deleted", test_page_deleted);
  g_test_add_func ("/connector-confluence/title-taken", test_title_taken);
  g_test_add_func ("/connector-confluence/malformed-reply", test_malformed_reply);
  g_test_add_func ("/connector-confluence/unknown-deployment", test_unknown_deployment);
  g_test_add_data_func ("/connector-confluence/contract-cloud", GINT_TO_POINTER (TRUE),
                        test_contract);
  g_test_add_data_func ("/connector-confluence/contract-datacenter", GINT_TO_POINTER (FALSE),
                        test_contract);
  return g_test_run ();
}
