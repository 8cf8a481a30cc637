/* tftsr-connector-confluence.c: Confluence Cloud and Data Center
 *
 * Cloud (option "deployment": "cloud", the default) is addressed by its site,
 * https://acme.atlassian.net: spaces and pages go through REST v2 under /wiki/api/v2, the
 * signed-in user and CQL search through v1 under /wiki/rest/api (v2 has neither). A base URL
 * that already ends in /wiki is taken as the site too. With OAuth the base URL is the
 * gateway's, https://api.atlassian.com/ex/confluence/CLOUD_ID, under which the same /wiki
 * paths hold. Data Center ("datacenter") speaks v1 only, under /rest/api after the base URL,
 * which may carry a context path (https://wiki.example.com/confluence).
 *
 * Publishing creates a page, or updates the page the document was published as. The page's
 * current version is read first, so that an edit made in Confluence since the document was
 * published is never overwritten unless the person asked for it; the update then sends that
 * version + 1, and Confluence refuses (409) one that another edit overtook meanwhile.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "tftsr-connector-private.h"

/* v2 gives up to 250 spaces per request, v1 on Data Center 100 by default; a few thousand
 * spaces are more than anyone picks from, and the cap bounds a server that never ends. */
#define SPACES_PER_REQUEST_V2 250
#define SPACES_PER_REQUEST_V1 100
#define MAX_SPACE_REQUESTS 8
#define SEARCH_DEFAULT_LIMIT 25
#define SEARCH_MAX_LIMIT 100

/* Where a connector's APIs are. */
typedef struct
{
  TftsrConnectorCtx *ctx;
  gboolean cloud;
  const char *wiki; /* "/wiki" on Cloud unless the base URL holds it already; else "" */
} Site;

static gboolean
site_init (TftsrConnectorCtx *ctx, Site *site, GError **error)
{
  g_autofree char *deployment = tftsr_connector_config_dup_option (ctx->config, "deployment");
  g_autofree char *base = g_strdup (ctx->config->base_url != NULL ? ctx->config->base_url : "");
  gsize len = strlen (base);

  while (len > 0 && base[len - 1] == '/')
    base[--len] = '\0';
  site->ctx = ctx;
  if (deployment == NULL || *deployment == '\0' || g_str_equal (deployment, "cloud"))
    site->cloud = TRUE;
  else if (g_str_equal (deployment, "datacenter"))
    site->cloud = FALSE;
  else
    {
      g_set_error (error, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_INVALID,
                   _ ("The Confluence deployment “%s” is unknown: it is “cloud” or “datacenter”"),
                   deployment);
      return FALSE;
    }
  site->wiki = site->cloud && !g_str_has_suffix (base, "/wiki") ? "/wiki" : "";
  return TRUE;
}

/* @path (escaped by the caller) under the v1 REST API. */
static char *
v1_url (const Site *site, const char *path)
{
  g_autofree char *full = g_strconcat (site->wiki, "/rest/api", path, NULL);

  return tftsr_connector_url (site->ctx->config, full);
}

/* @path (escaped by the caller) under the v2 REST API (Cloud only). */
static char *
v2_url (const Site *site, const char *path)
{
  g_autofree char *full = g_strconcat (site->wiki, "/api/v2", path, NULL);

  return tftsr_connector_url (site->ctx->config, full);
}

/* A page or space link for a browser: the site's base (@holder's _links.base, else the
 * configured site) followed by @item's _links.webui. */
static char *
web_url (const Site *site, json_object *holder, json_object *item)
{
  const char *base = tftsr_json_path_string (holder, "_links.base");
  const char *webui = tftsr_json_path_string (item, "_links.webui");
  g_autofree char *site_base = NULL;

  if (webui == NULL || *webui == '\0')
    return NULL;
  if (g_str_has_prefix (webui, "https://") || g_str_has_prefix (webui, "http://"))
    return g_strdup (webui);
  if (base != NULL && *base != '\0')
    return g_strconcat (base, webui, NULL);
  site_base = tftsr_connector_url (site->ctx->config, site->wiki);
  return g_strconcat (site_base, webui, NULL);
}

/* The integer at @path ("version.number"). */
static gboolean
path_int (json_object *object, const char *path, gint64 *value)
{
  const char *text = tftsr_json_path_string (object, path);

  return text != NULL && g_ascii_string_to_signed (text, 10, 0, G_MAXINT64, value, NULL);
}

/* Whether @text is a content id (Confluence's ids are decimal). */
static gboolean
is_id (const char *text)
{
  if (text == NULL || *text == '\0')
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  return TRUE;
}

/* Sends @body (NULL: none) and returns the JSON object Confluence answered. */
static json_object *
call (TftsrConnectorCtx *ctx, const char *method, const char *url, json_object *body,
      TftsrCallFlags flags, GError **error)
{
  const char *text = NULL;
  json_object *reply = NULL;

  if (body != NULL)
    text = tftsr_connector_json_text (body);
  if (!tftsr_connector_call (ctx, method, url, NULL, text, NULL, flags, &reply, error))
    return NULL;
  if (!json_object_is_type (reply, json_type_object))
    {
      json_object_put (reply);
      g_set_error (error, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_BAD_REPLY,
                   _ ("Confluence answered with something other than a JSON object"));
      return NULL;
    }
  return reply;
}

/* The members of @object under @member, an array; NULL when it is not one. */
static json_object *
array_member (json_object *object, const char *member)
{
  json_object *array = NULL;

  if (!json_object_object_get_ex (object, member, &array) ||
      !json_object_is_type (array, json_type_array))
    return NULL;
  return array;
}

/* Sets @error to @code and @message, in place of what it held. */
static void
reword (GError **error, TftsrConnectorError code, const char *message)
{
  g_clear_error (error);
  g_set_error_literal (error, TFTSR_CONNECTOR_ERROR, code, message);
}

static GPtrArray *
item_array_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) tftsr_external_item_free);
}

/* ---- test ---- */

static char *
confluence_test (TftsrConnectorCtx *ctx, GError **error)
{
  static const char *const names[] = { "displayName", "publicName", "username", "email" };
  g_autoptr (json_object) reply = NULL;
  g_autofree char *url = NULL;
  Site site;

  if (!site_init (ctx, &site, error))
    return NULL;
  url = v1_url (&site, "/user/current");
  if ((reply = call (ctx, "GET", url, NULL, TFTSR_CALL_DEFAULT, error)) == NULL)
    return NULL;
  /* Confluence answers a request whose credentials it did not take as the anonymous user
   * rather than with 401 in some set-ups (public sites). */
  if (g_strcmp0 (tftsr_json_path_string (reply, "type"), "anonymous") == 0)
    {
      g_set_error (error, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_AUTH,
                   _ ("Confluence took the request as an anonymous visitor's: check the user "
                      "and the API token or access token"));
      return NULL;
    }
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      const char *name = tftsr_json_path_string (reply, names[i]);

      if (name != NULL && *name != '\0')
        return g_strdup_printf (_ ("Signed in as %s"), name);
    }
  return tftsr_connector_bad_reply (ctx, "displayName", error);
}

/* ---- spaces ---- */

/* A space of a list (v2 SpaceBulk or v1 Space) as an item; NULL when it has no key. */
static TftsrExternalItem *
space_item (const Site *site, json_object *list, json_object *space)
{
  const char *key = tftsr_json_path_string (space, "key");
  const char *id = site->cloud ? tftsr_json_path_string (space, "id") : key;
  g_autofree char *url = NULL;

  if (key == NULL || *key == '\0' || id == NULL || *id == '\0')
    return NULL;
  url = web_url (site, list, space);
  return tftsr_external_item_new (id, key, tftsr_json_path_string (space, "name"),
                                  tftsr_json_path_string (space, "status"), url);
}

/* Appends the spaces of one answer to @items; FALSE (with @error) when it has no list. */
static gboolean
add_spaces (const Site *site, json_object *reply, GPtrArray *items, guint *n, GError **error)
{
  json_object *results = array_member (reply, "results");

  if (results == NULL)
    {
      tftsr_connector_bad_reply (site->ctx, "results", error);
      return FALSE;
    }
  *n = json_object_array_length (results);
  for (guint i = 0; i < *n; i++)
    {
      TftsrExternalItem *item = space_item (site, reply, json_object_array_get_idx (results, i));

      if (item != NULL)
        g_ptr_array_add (items, item);
    }
  return TRUE;
}

/* The cursor of v2's next page, from the _links.next it gives (a relative URL whose query
 * holds it); NULL at the end. Only the cursor is taken: the request stays ours. */
static char *
next_cursor (json_object *reply)
{
  const char *next = tftsr_json_path_string (reply, "_links.next");
  const char *query = next != NULL ? strchr (next, '?') : NULL;
  g_autoptr (GHashTable) params = NULL;
  const char *cursor;

  if (query == NULL)
    return NULL;
  params = g_uri_parse_params (query + 1, -1, "&", G_URI_PARAMS_NONE, NULL);
  cursor = params != NULL ? g_hash_table_lookup (params, "cursor") : NULL;
  return cursor != NULL && *cursor != '\0' ? g_strdup (cursor) : NULL;
}

static GPtrArray *
spaces_v2 (const Site *site, GError **error)
{
  g_autoptr (GPtrArray) items = item_array_new ();
  g_autofree char *cursor = NULL;

  for (guint i = 0; i < MAX_SPACE_REQUESTS; i++)
    {
      g_autofree char *escaped = cursor != NULL ? tftsr_connector_escape (cursor) : NULL;
      g_autofree char *path =
          g_strdup_printf ("/spaces?status=current&limit=%u%s%s", SPACES_PER_REQUEST_V2,
                           escaped != NULL ? "&cursor=" : "", escaped != NULL ? escaped : "");
      g_autofree char *url = v2_url (site, path);
      g_autoptr (json_object) reply = call (site->ctx, "GET", url, NULL, 0, error);
      guint n;

      if (reply == NULL || !add_spaces (site, reply, items, &n, error))
        return NULL;
      g_free (cursor);
      if ((cursor = next_cursor (reply)) == NULL || n == 0)
        break;
    }
  return g_steal_pointer (&items);
}

static GPtrArray *
spaces_v1 (const Site *site, GError **error)
{
  g_autoptr (GPtrArray) items = item_array_new ();
  guint start = 0;

  for (guint i = 0; i < MAX_SPACE_REQUESTS; i++)
    {
      g_autofree char *path =
          g_strdup_printf ("/space?status=current&start=%u&limit=%u", start, SPACES_PER_REQUEST_V1);
      g_autofree char *url = v1_url (site, path);
      g_autoptr (json_object) reply = call (site->ctx, "GET", url, NULL, 0, error);
      guint n;

      if (reply == NULL || !add_spaces (site, reply, items, &n, error))
        return NULL;
      start += n;
      if (n == 0 || tftsr_json_path_string (reply, "_links.next") == NULL)
        break;
    }
  return g_steal_pointer (&items);
}

static GPtrArray *
confluence_list_containers (TftsrConnectorCtx *ctx, GError **error)
{
  Site site;

  if (!site_init (ctx, &site, error))
    return NULL;
  return site.cloud ? spaces_v2 (&site, error) : spaces_v1 (&site, error);
}

/* ---- search ---- */

/* Appends @text as a CQL string literal: in double quotes, with backslashes and quotes
 * escaped, so that no text ends the literal and becomes CQL. CQL has no escape for control
 * characters: they (newlines) become spaces. */
static void
append_cql_string (GString *cql, const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);

  g_string_append_c (cql, '"');
  for (const char *p = valid; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_c (cql, '\\');
      g_string_append_c (cql, (guchar) *p < 0x20 || *p == 0x7f ? ' ' : *p);
    }
  g_string_append_c (cql, '"');
}

/* Pages matching @query, in @space (a key; NULL: all), newest first. */
static char *
build_cql (const char *query, const char *space)
{
  GString *cql = g_string_new ("type = page");
  g_autofree char *trimmed = g_strstrip (g_strdup (query != NULL ? query : ""));

  if (space != NULL && *space != '\0')
    {
      g_string_append (cql, " AND space = ");
      append_cql_string (cql, space);
    }
  /* "text ~" with nothing to match is a CQL error: an empty query lists the pages. */
  if (*trimmed != '\0')
    {
      g_string_append (cql, " AND text ~ ");
      append_cql_string (cql, trimmed);
    }
  g_string_append (cql, " ORDER BY lastmodified DESC");
  return g_string_free (cql, FALSE);
}

/* A page (v2 Page, v1 Content) as an item; NULL when it has no id. */
static TftsrExternalItem *
page_item (const Site *site, json_object *holder, json_object *page)
{
  const char *id = tftsr_json_path_string (page, "id");
  g_autofree char *url = NULL;
  TftsrExternalItem *item;

  if (id == NULL || *id == '\0')
    return NULL;
  url = web_url (site, holder, page);
  item = tftsr_external_item_new (id, id, tftsr_json_path_string (page, "title"),
                                  tftsr_json_path_string (page, "status"), url);
  if (!path_int (page, "version.number", &item->version))
    item->version = 0;
  return item;
}

static GPtrArray *
confluence_search (TftsrConnectorCtx *ctx, const char *query, guint limit, GError **error)
{
  g_autofree char *space = tftsr_connector_config_dup_option (ctx->config, "space");
  g_autofree char *cql = build_cql (query, space);
  g_autofree char *escaped = tftsr_connector_escape (cql);
  g_autofree char *path = NULL;
  g_autofree char *url = NULL;
  g_autoptr (json_object) reply = NULL;
  g_autoptr (GPtrArray) items = item_array_new ();
  json_object *results;
  Site site;

  if (!site_init (ctx, &site, error))
    return NULL;
  limit = limit == 0 ? SEARCH_DEFAULT_LIMIT : MIN (limit, SEARCH_MAX_LIMIT);
  path = g_strdup_printf ("/content/search?cql=%s&limit=%u&expand=version", escaped, limit);
  url = v1_url (&site, path);
  if ((reply = call (ctx, "GET", url, NULL, TFTSR_CALL_TEXT_QUERY, error)) == NULL)
    return NULL;
  if ((results = array_member (reply, "results")) == NULL)
    return tftsr_connector_bad_reply (ctx, "results", error);
  for (gsize i = 0; i < json_object_array_length (results); i++)
    {
      TftsrExternalItem *item = page_item (&site, reply, json_object_array_get_idx (results, i));

      if (item != NULL)
        g_ptr_array_add (items, item);
    }
  return g_steal_pointer (&items);
}

/* ---- publish ---- */

/* The page @reply describes, which must have an id. */
static TftsrExternalItem *
published_item (const Site *site, json_object *reply, GError **error)
{
  TftsrExternalItem *item = page_item (site, reply, reply);

  if (item == NULL)
    return tftsr_connector_bad_reply (site->ctx, "id", error);
  return item;
}

/* The id of the space whose key is @key (v2 pages name their space by id). */
static char *
space_id (const Site *site, const char *key, GError **error)
{
  g_autofree char *escaped = tftsr_connector_escape (key);
  g_autofree char *path = g_strdup_printf ("/spaces?keys=%s", escaped);
  g_autofree char *url = v2_url (site, path);
  g_autoptr (json_object) reply = call (site->ctx, "GET", url, NULL, 0, error);
  json_object *results;

  if (reply == NULL)
    return NULL;
  if ((results = array_member (reply, "results")) == NULL)
    return tftsr_connector_bad_reply (site->ctx, "results", error);
  for (gsize i = 0; i < json_object_array_length (results); i++)
    {
      json_object *space = json_object_array_get_idx (results, i);
      const char *id = tftsr_json_path_string (space, "id");

      /* Keys are upper case in Confluence, whatever case the person typed. */
      const char *found = tftsr_json_path_string (space, "key");

      if (found != NULL && g_ascii_strcasecmp (found, key) == 0 && id != NULL && *id != '\0')
        return g_strdup (id);
    }
  g_set_error (error, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_NOT_FOUND,
               _ ("Confluence has no space with the key “%s”, or this account cannot see it"), key);
  return NULL;
}

/* {"representation": "storage", "value": …}, v2's body and v1's body.storage. */
static json_object *
storage_body (const TftsrPageDraft *draft)
{
  json_object *body = json_object_new_object ();

  json_object_object_add (body, "representation", json_object_new_string ("storage"));
  json_object_object_add (body, "value",
                          json_object_new_string (draft->storage != NULL ? draft->storage : ""));
  return body;
}

/* v1's body: {"storage": {…}}. */
static json_object *
storage_body_v1 (const TftsrPageDraft *draft)
{
  json_object *body = json_object_new_object ();

  json_object_object_add (body, "storage", storage_body (draft));
  return body;
}

/* Confluence wants titles unique in a space; it refuses a second page of a title with 400
 * (Cloud and Data Center, "A page with this title already exists") or 409. */
static gboolean
is_title_taken (const GError *error, gboolean creating)
{
  g_autofree char *lower = NULL;

  if (creating && g_error_matches (error, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_CONFLICT))
    return TRUE;
  if (!g_error_matches (error, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_REJECTED) &&
      !g_error_matches (error, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_CONFLICT))
    return FALSE;
  lower = g_ascii_strdown (error->message, -1);
  return strstr (lower, "already exists") != NULL;
}

static void
reword_title_taken (GError **error, const TftsrPageDraft *draft, const char *space)
{
  g_autofree char *message = NULL;

  if (space != NULL && *space != '\0')
    message = g_strdup_printf (
        _ ("A page titled “%s” already exists in the Confluence space %s, and Confluence wants "
           "titles unique in a space: rename the document, or move or rename that page (%s)"),
        draft->title, space, (*error)->message);
  else
    message = g_strdup_printf (
        _ ("A page titled “%s” already exists in the page's Confluence space, and Confluence "
           "wants titles unique in a space: rename the document, or move or rename that page "
           "(%s)"),
        draft->title, (*error)->message);
  reword (error, TFTSR_CONNECTOR_ERROR_CONFLICT, message);
}

static void
reword_page_gone (GError **error, const TftsrPageDraft *draft)
{
  g_autofree char *message = g_strdup_printf (
      _ ("The Confluence page this document was published as (id %s) no longer exists: it "
         "was deleted, or this account can no longer see it. Publish the document as a new "
         "page instead"),
      draft->page_id);

  reword (error, TFTSR_CONNECTOR_ERROR_NOT_FOUND, message);
}

/* Creates the page: POSTs @body to @url, once (a create is never sent twice). */
static TftsrExternalItem *
post_page (const Site *site, const TftsrPageDraft *draft, const char *space, const char *url,
           json_object *body, GError **error)
{
  g_autoptr (GError) local = NULL;
  g_autoptr (json_object) reply =
      call (site->ctx, "POST", url, body, TFTSR_CALL_NOT_REPEATABLE, &local);

  if (reply != NULL)
    return published_item (site, reply, error);
  if (is_title_taken (local, TRUE))
    reword_title_taken (&local, draft, space);
  g_propagate_error (error, g_steal_pointer (&local));
  return NULL;
}

static TftsrExternalItem *
create_v2 (const Site *site, const TftsrPageDraft *draft, const char *space, const char *parent,
           GError **error)
{
  g_autofree char *id = space_id (site, space, error);
  g_autoptr (json_object) body = NULL;
  g_autofree char *url = NULL;

  if (id == NULL)
    return NULL;
  body = json_object_new_object ();
  json_object_object_add (body, "spaceId", json_object_new_string (id));
  json_object_object_add (body, "status", json_object_new_string ("current"));
  json_object_object_add (body, "title", json_object_new_string (draft->title));
  if (parent != NULL)
    json_object_object_add (body, "parentId", json_object_new_string (parent));
  json_object_object_add (body, "body", storage_body (draft));
  url = v2_url (site, "/pages");
  return post_page (site, draft, space, url, body, error);
}

static TftsrExternalItem *
create_v1 (const Site *site, const TftsrPageDraft *draft, const char *space, const char *parent,
           GError **error)
{
  g_autoptr (json_object) body = json_object_new_object ();
  g_autofree char *url = v1_url (site, "/content");
  json_object *space_object = json_object_new_object ();

  json_object_object_add (body, "type", json_object_new_string ("page"));
  json_object_object_add (body, "title", json_object_new_string (draft->title));
  json_object_object_add (space_object, "key", json_object_new_string (space));
  json_object_object_add (body, "space", space_object);
  if (parent != NULL)
    {
      json_object *ancestors = json_object_new_array ();
      json_object *ancestor = json_object_new_object ();

      json_object_object_add (ancestor, "id", json_object_new_string (parent));
      json_object_array_add (ancestors, ancestor);
      json_object_object_add (body, "ancestors", ancestors);
    }
  json_object_object_add (body, "body", storage_body_v1 (draft));
  return post_page (site, draft, space, url, body, error);
}

/* "/pages/ID" (v2) or "/content/ID" (v1), @query appended. */
static char *
page_url (const Site *site, const char *page_id, const char *query)
{
  g_autofree char *escaped = tftsr_connector_escape (page_id);
  g_autofree char *path =
      g_strdup_printf ("%s/%s%s", site->cloud ? "/pages" : "/content", escaped, query);

  return site->cloud ? v2_url (site, path) : v1_url (site, path);
}

/* The page's version in Confluence now; 0 with @error when it cannot be updated. */
static gint64
current_version (const Site *site, const TftsrPageDraft *draft, GError **error)
{
  g_autofree char *url = page_url (site, draft->page_id, site->cloud ? "" : "?expand=version");
  g_autoptr (GError) local = NULL;
  g_autoptr (json_object) page = call (site->ctx, "GET", url, NULL, 0, &local);
  const char *status;
  gint64 version;

  if (page == NULL)
    {
      if (g_error_matches (local, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_NOT_FOUND))
        reword_page_gone (&local, draft);
      g_propagate_error (error, g_steal_pointer (&local));
      return 0;
    }
  /* A page in the trash still answers; an update would bring it back unasked. */
  status = tftsr_json_path_string (page, "status");
  if (g_strcmp0 (status, "trashed") == 0 || g_strcmp0 (status, "deleted") == 0)
    {
      reword_page_gone (error, draft);
      return 0;
    }
  if (!path_int (page, "version.number", &version) || version < 1)
    {
      tftsr_connector_bad_reply (site->ctx, "version.number", error);
      return 0;
    }
  return version;
}

/* The body of the update to version @version. */
static json_object *
update_body (const Site *site, const TftsrPageDraft *draft, gint64 version)
{
  json_object *body = json_object_new_object ();
  json_object *next = json_object_new_object ();

  json_object_object_add (body, "id", json_object_new_string (draft->page_id));
  if (!site->cloud)
    json_object_object_add (body, "type", json_object_new_string ("page"));
  json_object_object_add (body, "status", json_object_new_string ("current"));
  json_object_object_add (body, "title", json_object_new_string (draft->title));
  json_object_object_add (body, "body",
                          site->cloud ? storage_body (draft) : storage_body_v1 (draft));
  json_object_object_add (next, "number", json_object_new_int64 (version));
  json_object_object_add (body, "version", next);
  return body;
}

static TftsrExternalItem *
update_page (const Site *site, const TftsrPageDraft *draft, const char *space, GError **error)
{
  g_autoptr (json_object) body = NULL;
  g_autoptr (json_object) reply = NULL;
  g_autoptr (GError) local = NULL;
  g_autofree char *url = NULL;
  gint64 version;

  if ((version = current_version (site, draft, error)) == 0)
    return NULL;
  if (version > draft->version && !draft->overwrite)
    {
      g_set_error (error, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_CONFLICT,
                   _ ("The page “%s” was edited in Confluence since this document was published "
                      "(it is at version %" G_GINT64_FORMAT " there, it was %" G_GINT64_FORMAT
                      "): publish with overwrite to replace those edits, or bring them into the "
                      "document first"),
                   draft->title, version, draft->version);
      return NULL;
    }
  body = update_body (site, draft, version + 1);
  url = page_url (site, draft->page_id, "");
  if ((reply = call (site->ctx, "PUT", url, body, 0, &local)) != NULL)
    return published_item (site, reply, error);
  if (g_error_matches (local, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_NOT_FOUND))
    reword_page_gone (&local, draft);
  else if (is_title_taken (local, FALSE))
    reword_title_taken (&local, draft, space);
  else if (g_error_matches (local, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_CONFLICT))
    {
      g_autofree char *message = g_strdup_printf (
          _ ("The page “%s” was edited in Confluence while it was being updated: publish again "
             "to see that edit, or with overwrite to replace it"),
          draft->title);

      reword (&local, TFTSR_CONNECTOR_ERROR_CONFLICT, message);
    }
  g_propagate_error (error, g_steal_pointer (&local));
  return NULL;
}

/* @value, else the connector's option @key; NULL when neither is set. */
static char *
draft_or_option (TftsrConnectorCtx *ctx, const char *value, const char *key)
{
  g_autofree char *option = NULL;

  if (value != NULL && *value != '\0')
    return g_strdup (value);
  option = tftsr_connector_config_dup_option (ctx->config, key);
  return option != NULL && *option != '\0' ? g_steal_pointer (&option) : NULL;
}

static TftsrExternalItem *
confluence_publish (TftsrConnectorCtx *ctx, const TftsrPageDraft *draft, GError **error)
{
  g_autofree char *space = draft_or_option (ctx, draft->space, "space");
  g_autofree char *parent = draft_or_option (ctx, draft->parent, "parent");
  Site site;

  if (!site_init (ctx, &site, error))
    return NULL;
  if (draft->title == NULL || *draft->title == '\0')
    {
      g_set_error (error, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_INVALID,
                   _ ("A Confluence page needs a title: the document has none"));
      return NULL;
    }
  if (draft->page_id != NULL && *draft->page_id != '\0')
    return update_page (&site, draft, space, error);
  if (space == NULL)
    {
      g_set_error (error, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_INVALID,
                   _ ("Choose the Confluence space to publish to (its key, such as OPS)"));
      return NULL;
    }
  if (parent != NULL && !is_id (parent))
    {
      g_set_error (error, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_INVALID,
                   _ ("The parent page “%s” is not a Confluence page id (the digits in the "
                      "page's address)"),
                   parent);
      return NULL;
    }
  return site.cloud ? create_v2 (&site, draft, space, parent, error)
                    : create_v1 (&site, draft, space, parent, error);
}

const TftsrConnectorOps tftsr_connector_confluence_ops = {
  .kind = TFTSR_CONNECTOR_CONFLUENCE,
  .name = "confluence",
  .label = "Confluence",
  .caps = TFTSR_CONNECTOR_CAN_PUBLISH | TFTSR_CONNECTOR_CAN_CONTAINERS,
  /* Confluence pages carry no severity. */
  .fields = NULL,
  .n_fields = 0,
  .auths = (1 << TFTSR_CONNECTOR_AUTH_BASIC) | (1 << TFTSR_CONNECTOR_AUTH_BEARER) |
           (1 << TFTSR_CONNECTOR_AUTH_OAUTH),
  .test = confluence_test,
  .search = confluence_search,
  .list_containers = confluence_list_containers,
  .publish = confluence_publish,
};
