/* tftsr-connector-azure-devops.c: Azure DevOps Services work items (REST 7.1)
 *
 * The base URL is the organisation's (https://dev.azure.com/ORG); the option "project"
 * names the project work items live in, "team" a team whose WIQL context to use, and
 * "work_item_type" the type a ticket is created as (Bug by default).
 *
 * Work items are created and changed with JSON Patch documents. Every call carries
 * api-version=7.1: the service refuses a call without one. The comments API of 7.1 is only
 * a preview version, so a comment is written to the item's discussion as System.History.
 *
 * The correlation marker is a tag; WIQL finds it with CONTAINS on System.Tags. Text a
 * person wrote reaches WIQL only inside a string literal, its quotes doubled.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <cmark-gfm-core-extensions.h>
#include <string.h>

#include "tftsr-connector-private.h"
#include "tftsr-doc-private.h"

#define API_VERSION "api-version=7.1"
/* System.Title's limit. */
#define TITLE_MAX_CHARS 255
#define SEARCH_DEFAULT_LIMIT 20
/* workitemsbatch takes up to 200 ids; our lists are shorter. */
#define SEARCH_MAX_LIMIT 100
#define PROJECTS_PAGE 100
#define PROJECTS_MAX_PAGES 20

static const TftsrConnectorField azure_devops_fields[] = {
  { "severity", N_ ("Severity"), { "1 - Critical", "2 - High", "3 - Medium", "4 - Low" } },
  { "priority", N_ ("Priority"), { "1", "2", "3", "4" } },
};

/* @path (escaped, may hold a query) after the organisation URL, with the API version. */
static char *
org_url (TftsrConnectorCtx *ctx, const char *path)
{
  g_autofree char *versioned =
      g_strconcat (path, strchr (path, '?') != NULL ? "&" : "?", API_VERSION, NULL);

  return tftsr_connector_url (ctx->config, versioned);
}

/* The project option, escaped as a path segment, or NULL with @error. */
static char *
dup_project_segment (TftsrConnectorCtx *ctx, GError **error)
{
  g_autofree char *project = tftsr_connector_config_dup_option (ctx->config, "project");

  if (project == NULL || *project == '\0')
    {
      g_set_error (error, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_INVALID,
                   _ ("The Azure DevOps connector “%s” names no project: set the project its "
                      "work items belong to."),
                   ctx->config->id);
      return NULL;
    }
  return tftsr_connector_escape (project);
}

/* "/PROJECT/_apis/wit/@tail" with the API version, or NULL with @error. With @team and a
 * team option, the team's segment follows the project's (WIQL runs in its context). */
static char *
wit_url_in (TftsrConnectorCtx *ctx, gboolean team, const char *tail, GError **error)
{
  g_autofree char *project = dup_project_segment (ctx, error);
  g_autofree char *name = team ? tftsr_connector_config_dup_option (ctx->config, "team") : NULL;
  g_autofree char *path = NULL;

  if (project == NULL)
    return NULL;
  if (name != NULL && *name != '\0')
    {
      g_autofree char *segment = tftsr_connector_escape (name);

      path = g_strdup_printf ("/%s/%s/_apis/wit/%s", project, segment, tail);
    }
  else
    path = g_strdup_printf ("/%s/_apis/wit/%s", project, tail);
  return org_url (ctx, path);
}

static char *
wit_url (TftsrConnectorCtx *ctx, const char *tail, GError **error)
{
  return wit_url_in (ctx, FALSE, tail, error);
}

/* A work item's id from what people may type: "42" or "#42"; NULL when it is neither. */
static char *
work_item_id (const char *id_or_key, GError **error)
{
  const char *digits = id_or_key != NULL && *id_or_key == '#' ? id_or_key + 1 : id_or_key;

  if (digits == NULL || *digits == '\0' || strspn (digits, "0123456789") != strlen (digits) ||
      strlen (digits) > 10)
    {
      g_set_error (error, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_INVALID,
                   _ ("“%s” is no Azure DevOps work item number."),
                   id_or_key != NULL ? id_or_key : "");
      return NULL;
    }
  return g_strdup (digits);
}

/* --- texts --------------------------------------------------------------------------------- */

/* @markdown as the HTML of a work item's rich-text field: the body only (the documents'
 * renderer makes whole pages), in cmark-gfm's safe mode (no raw HTML, no script links). */
static char *
html_of (const char *markdown)
{
  cmark_parser *parser = tftsr_doc_parser_new ();
  g_autofree char *valid = g_utf8_make_valid (markdown != NULL ? markdown : "", -1);
  cmark_node *document;
  char *html;
  char *copy;

  cmark_parser_feed (parser, valid, strlen (valid));
  document = cmark_parser_finish (parser);
  html = cmark_render_html (document, CMARK_OPT_SAFE | CMARK_OPT_HARDBREAKS,
                            cmark_parser_get_syntax_extensions (parser));
  copy = g_strdup (html);
  cmark_get_default_mem_allocator ()->free (html);
  cmark_node_free (document);
  cmark_parser_free (parser);
  return copy;
}

/* @text as the content of a WIQL string literal: quotes doubled, no control characters. */
static char *
wiql_literal (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text != NULL ? text : ""; *p != '\0'; p++)
    {
      if ((guchar) *p < 0x20 || *p == 0x7f)
        g_string_append_c (out, ' ');
      else if (*p == '\'')
        g_string_append (out, "''");
      else
        g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

/* --- JSON Patch ---------------------------------------------------------------------------- */

static void
patch_add (json_object *patch, const char *field, json_object *value)
{
  json_object *op = json_object_new_object ();
  g_autofree char *path = g_strconcat ("/fields/", field, NULL);

  json_object_object_add (op, "op", json_object_new_string ("add"));
  json_object_object_add (op, "path", json_object_new_string (path));
  json_object_object_add (op, "value", value);
  json_object_array_add (patch, op);
}

/* Only these types have a Severity field in the stock processes; Task has none and the
 * service refuses a field the type lacks. */
static gboolean
type_has_severity (const char *type)
{
  return g_ascii_strcasecmp (type, "Bug") == 0 || g_ascii_strcasecmp (type, "Incident") == 0 ||
         g_ascii_strcasecmp (type, "Issue") == 0;
}

static char *
dup_type (TftsrConnectorCtx *ctx)
{
  char *type = tftsr_connector_config_dup_option (ctx->config, "work_item_type");

  if (type == NULL || *type == '\0')
    {
      g_free (type);
      return g_strdup ("Bug");
    }
  return type;
}

/* The fields a create and an update send: title, description, severity, priority. */
static json_object *
ticket_patch (TftsrConnectorCtx *ctx, const TftsrTicketDraft *draft)
{
  json_object *patch = json_object_new_array ();
  g_autofree char *title = tftsr_connector_one_line (draft->title, TITLE_MAX_CHARS);
  g_autofree char *html = html_of (draft->description);
  g_autofree char *type = dup_type (ctx);
  g_autofree char *severity = tftsr_connector_map (ctx, "severity", draft->severity);
  g_autofree char *priority = tftsr_connector_map (ctx, "priority", draft->severity);

  patch_add (patch, "System.Title", json_object_new_string (title));
  patch_add (patch, "System.Description", json_object_new_string (html));
  if (severity != NULL && *severity != '\0' && type_has_severity (type))
    patch_add (patch, "Microsoft.VSTS.Common.Severity", json_object_new_string (severity));
  if (priority != NULL && *priority != '\0')
    {
      char *end = NULL;
      gint64 number = g_ascii_strtoll (priority, &end, 10);

      /* Priority is an integer field; a custom process may name its values instead. */
      patch_add (patch, "Microsoft.VSTS.Common.Priority",
                 end != priority && *end == '\0' ? json_object_new_int64 (number)
                                                 : json_object_new_string (priority));
    }
  return patch;
}

/* --- replies ------------------------------------------------------------------------------- */

static TftsrExternalItem *
item_from_work_item (TftsrConnectorCtx *ctx, json_object *work_item, GError **error)
{
  const char *id = tftsr_json_path_string (work_item, "id");
  const char *html = tftsr_json_path_string (work_item, "_links.html.href");
  g_autofree char *key = NULL;
  g_autofree char *url = NULL;
  json_object *fields = json_object_object_get (work_item, "fields");

  if (id == NULL)
    return tftsr_connector_bad_reply (ctx, "id", error);
  key = g_strconcat ("#", id, NULL);
  if (html != NULL)
    url = g_strdup (html);
  else
    {
      g_autofree char *project = tftsr_connector_config_dup_option (ctx->config, "project");
      g_autofree char *segment = tftsr_connector_escape (project != NULL ? project : "");
      g_autofree char *path = g_strdup_printf ("/%s/_workitems/edit/%s", segment, id);

      url = tftsr_connector_url (ctx->config, path);
    }
  return tftsr_external_item_new (
      id, key, json_object_get_string (json_object_object_get (fields, "System.Title")),
      json_object_get_string (json_object_object_get (fields, "System.State")), url);
}

/* Sends @patch with @method to @url and returns the work item the service answers with. */
static TftsrExternalItem *
send_patch (TftsrConnectorCtx *ctx, const char *method, const char *url, json_object *patch,
            TftsrCallFlags flags, GError **error)
{
  const char *text = tftsr_connector_json_text (patch);
  g_autoptr (json_object) reply = NULL;

  if (!tftsr_connector_call (ctx, method, url, "application/json-patch+json", text, NULL, flags,
                             &reply, error))
    return NULL;
  return item_from_work_item (ctx, reply, error);
}

/* Runs the WIQL @where (after "WHERE") and returns up to @limit work item ids. */
static GArray *
run_wiql (TftsrConnectorCtx *ctx, const char *where, guint limit, GError **error)
{
  g_autofree char *tail = g_strdup_printf ("wiql?$top=%u", limit);
  g_autofree char *url = wit_url_in (ctx, TRUE, tail, error);
  g_autofree char *query = NULL;
  const char *text;
  g_autoptr (json_object) body = json_object_new_object ();
  g_autoptr (json_object) reply = NULL;
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  json_object *items;

  if (url == NULL)
    return NULL;
  query = g_strdup_printf ("SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = "
                           "@project AND %s ORDER BY [System.ChangedDate] DESC",
                           where);
  json_object_object_add (body, "query", json_object_new_string (query));
  text = tftsr_connector_json_text (body);
  if (!tftsr_connector_call (ctx, "POST", url, NULL, text, NULL, TFTSR_CALL_DEFAULT, &reply, error))
    return NULL;
  items = json_object_object_get (reply, "workItems");
  if (!json_object_is_type (items, json_type_array))
    return tftsr_connector_bad_reply (ctx, "workItems", error);
  for (gsize i = 0; i < json_object_array_length (items) && ids->len < limit; i++)
    {
      json_object *id = json_object_object_get (json_object_array_get_idx (items, i), "id");
      gint64 value;

      if (!json_object_is_type (id, json_type_int))
        return tftsr_connector_bad_reply (ctx, "workItems.id", error);
      value = json_object_get_int64 (id);
      g_array_append_val (ids, value);
    }
  return g_steal_pointer (&ids);
}

/* The work items @ids, with their title and state, in the order of @ids. */
static GPtrArray *
fetch_work_items (TftsrConnectorCtx *ctx, GArray *ids, GError **error)
{
  g_autoptr (GPtrArray) items =
      g_ptr_array_new_with_free_func ((GDestroyNotify) tftsr_external_item_free);
  g_autoptr (json_object) body = NULL;
  g_autoptr (json_object) reply = NULL;
  g_autofree char *url = NULL;
  const char *text;
  json_object *id_array, *fields, *values;

  if (ids->len == 0)
    return g_steal_pointer (&items);
  url = wit_url (ctx, "workitemsbatch", error);
  if (url == NULL)
    return NULL;
  body = json_object_new_object ();
  id_array = json_object_new_array ();
  for (guint i = 0; i < ids->len; i++)
    json_object_array_add (id_array, json_object_new_int64 (g_array_index (ids, gint64, i)));
  fields = json_object_new_array ();
  json_object_array_add (fields, json_object_new_string ("System.Id"));
  json_object_array_add (fields, json_object_new_string ("System.Title"));
  json_object_array_add (fields, json_object_new_string ("System.State"));
  json_object_object_add (body, "ids", id_array);
  json_object_object_add (body, "fields", fields);
  json_object_object_add (body, "errorPolicy", json_object_new_string ("omit"));
  text = tftsr_connector_json_text (body);
  if (!tftsr_connector_call (ctx, "POST", url, NULL, text, NULL, TFTSR_CALL_DEFAULT, &reply, error))
    return NULL;
  values = json_object_object_get (reply, "value");
  if (!json_object_is_type (values, json_type_array))
    return tftsr_connector_bad_reply (ctx, "value", error);
  for (gsize i = 0; i < json_object_array_length (values); i++)
    {
      json_object *value = json_object_array_get_idx (values, i);
      TftsrExternalItem *item;

      /* errorPolicy "omit" leaves null where an item was deleted meanwhile. */
      if (value == NULL)
        continue;
      item = item_from_work_item (ctx, value, error);
      if (item == NULL)
        return NULL;
      g_ptr_array_add (items, item);
    }
  return g_steal_pointer (&items);
}

/* --- operations ---------------------------------------------------------------------------- */

static char *
azure_devops_test (TftsrConnectorCtx *ctx, GError **error)
{
  g_autofree char *url = org_url (ctx, "/_apis/projects");
  g_autoptr (json_object) reply = NULL;
  json_object *values;
  guint n;

  if (!tftsr_connector_call (ctx, "GET", url, NULL, NULL, NULL, TFTSR_CALL_DEFAULT, &reply, error))
    return NULL;
  values = json_object_object_get (reply, "value");
  if (!json_object_is_type (values, json_type_array))
    return tftsr_connector_bad_reply (ctx, "value", error);
  n = (guint) json_object_array_length (values);
  return g_strdup_printf (
      g_dngettext (GETTEXT_PACKAGE, "%u project visible", "%u projects visible", n), n);
}

static TftsrExternalItem *
azure_devops_create_ticket (TftsrConnectorCtx *ctx, const TftsrTicketDraft *draft, GError **error)
{
  g_autofree char *type = dup_type (ctx);
  g_autofree char *type_segment = tftsr_connector_escape (type);
  g_autofree char *tail = g_strconcat ("workitems/$", type_segment, NULL);
  g_autofree char *url = wit_url (ctx, tail, error);
  g_autoptr (json_object) patch = NULL;

  if (url == NULL)
    return NULL;
  patch = ticket_patch (ctx, draft);
  patch_add (patch, "System.Tags", json_object_new_string (draft->marker));
  return send_patch (ctx, "POST", url, patch, TFTSR_CALL_NOT_REPEATABLE, error);
}

static TftsrExternalItem *
azure_devops_get_ticket (TftsrConnectorCtx *ctx, const char *id_or_key, GError **error)
{
  g_autofree char *id = work_item_id (id_or_key, error);
  g_autofree char *tail = NULL;
  g_autofree char *url = NULL;
  g_autoptr (json_object) reply = NULL;

  if (id == NULL)
    return NULL;
  tail = g_strdup_printf ("workitems/%s?$expand=links", id);
  url = wit_url (ctx, tail, error);
  if (url == NULL ||
      !tftsr_connector_call (ctx, "GET", url, NULL, NULL, NULL, TFTSR_CALL_DEFAULT, &reply, error))
    return NULL;
  return item_from_work_item (ctx, reply, error);
}

static TftsrExternalItem *
azure_devops_find_marker (TftsrConnectorCtx *ctx, const TftsrTicketDraft *draft, GError **error)
{
  g_autofree char *literal = wiql_literal (draft->marker);
  g_autofree char *where = g_strdup_printf ("[System.Tags] CONTAINS '%s'", literal);
  g_autoptr (GArray) ids = run_wiql (ctx, where, 1, error);
  g_autofree char *id = NULL;

  if (ids == NULL || ids->len == 0)
    return NULL;
  id = g_strdup_printf ("%" G_GINT64_FORMAT, g_array_index (ids, gint64, 0));
  return azure_devops_get_ticket (ctx, id, error);
}

static TftsrExternalItem *
azure_devops_update_ticket (TftsrConnectorCtx *ctx, const char *id_or_key,
                            const TftsrTicketDraft *draft, GError **error)
{
  g_autofree char *id = work_item_id (id_or_key, error);
  g_autofree char *tail = NULL;
  g_autofree char *url = NULL;
  g_autoptr (json_object) patch = NULL;

  if (id == NULL)
    return NULL;
  tail = g_strconcat ("workitems/", id, NULL);
  url = wit_url (ctx, tail, error);
  if (url == NULL)
    return NULL;
  patch = ticket_patch (ctx, draft);
  return send_patch (ctx, "PATCH", url, patch, TFTSR_CALL_DEFAULT, error);
}

static gboolean
azure_devops_comment (TftsrConnectorCtx *ctx, const char *id_or_key, const char *text,
                      GError **error)
{
  g_autofree char *id = work_item_id (id_or_key, error);
  g_autofree char *tail = NULL;
  g_autofree char *url = NULL;
  g_autofree char *html = NULL;
  g_autoptr (json_object) patch = NULL;
  g_autoptr (TftsrExternalItem) item = NULL;

  if (id == NULL)
    return FALSE;
  tail = g_strconcat ("workitems/", id, NULL);
  url = wit_url (ctx, tail, error);
  if (url == NULL)
    return FALSE;
  html = html_of (text);
  patch = json_object_new_array ();
  patch_add (patch, "System.History", json_object_new_string (html));
  /* Each PATCH adds one more entry to the discussion. */
  item = send_patch (ctx, "PATCH", url, patch, TFTSR_CALL_NOT_REPEATABLE, error);
  return item != NULL;
}

static GPtrArray *
azure_devops_search (TftsrConnectorCtx *ctx, const char *query, guint limit, GError **error)
{
  g_autofree char *stripped = g_strstrip (g_strdup (query != NULL ? query : ""));
  g_autofree char *literal = wiql_literal (stripped);
  g_autofree char *where = NULL;
  g_autoptr (GArray) ids = NULL;
  g_autofree char *number = work_item_id (stripped, NULL);

  if (limit == 0)
    limit = SEARCH_DEFAULT_LIMIT;
  limit = MIN (limit, SEARCH_MAX_LIMIT);
  /* "42" or "#42" also finds that work item. */
  if (number != NULL)
    where = g_strdup_printf ("([System.Title] CONTAINS '%s' OR [System.Id] = %s)", literal, number);
  else if (*stripped != '\0')
    where = g_strdup_printf ("[System.Title] CONTAINS '%s'", literal);
  else
    where = g_strdup ("[System.Id] > 0");
  ids = run_wiql (ctx, where, limit, error);
  if (ids == NULL)
    return NULL;
  return fetch_work_items (ctx, ids, error);
}

static TftsrExternalItem *
item_from_project (TftsrConnectorCtx *ctx, json_object *project, GError **error)
{
  const char *id = tftsr_json_path_string (project, "id");
  const char *name = tftsr_json_path_string (project, "name");
  g_autofree char *segment = NULL;
  g_autofree char *path = NULL;
  g_autofree char *url = NULL;

  if (id == NULL || name == NULL)
    return tftsr_connector_bad_reply (ctx, id == NULL ? "id" : "name", error);
  segment = tftsr_connector_escape (name);
  path = g_strconcat ("/", segment, NULL);
  url = tftsr_connector_url (ctx->config, path);
  return tftsr_external_item_new (id, name, name, tftsr_json_path_string (project, "state"), url);
}

static GPtrArray *
azure_devops_list_containers (TftsrConnectorCtx *ctx, GError **error)
{
  g_autoptr (GPtrArray) items =
      g_ptr_array_new_with_free_func ((GDestroyNotify) tftsr_external_item_free);

  for (guint page = 0; page < PROJECTS_MAX_PAGES; page++)
    {
      g_autofree char *path =
          g_strdup_printf ("/_apis/projects?$top=%u&$skip=%u", PROJECTS_PAGE, page * PROJECTS_PAGE);
      g_autofree char *url = org_url (ctx, path);
      g_autoptr (json_object) reply = NULL;
      json_object *values;

      if (!tftsr_connector_call (ctx, "GET", url, NULL, NULL, NULL, TFTSR_CALL_DEFAULT, &reply,
                                 error))
        return NULL;
      values = json_object_object_get (reply, "value");
      if (!tftsr_connector_add_items (ctx, values, "value", item_from_project, G_MAXUINT, items,
                                      error))
        return NULL;
      if (json_object_array_length (values) < PROJECTS_PAGE)
        break;
    }
  return g_steal_pointer (&items);
}

const TftsrConnectorOps tftsr_connector_azure_devops_ops = {
  .kind = TFTSR_CONNECTOR_AZURE_DEVOPS,
  .name = "azure-devops",
  .label = "Azure DevOps",
  .caps = TFTSR_CONNECTOR_CAN_TICKETS | TFTSR_CONNECTOR_CAN_CONTAINERS,
  .fields = azure_devops_fields,
  .n_fields = G_N_ELEMENTS (azure_devops_fields),
  .auths = 1 << TFTSR_CONNECTOR_AUTH_BASIC | 1 << TFTSR_CONNECTOR_AUTH_OAUTH,
  .test = azure_devops_test,
  .create_ticket = azure_devops_create_ticket,
  .find_marker = azure_devops_find_marker,
  .marker_search_lags = TRUE,
  .update_ticket = azure_devops_update_ticket,
  .get_ticket = azure_devops_get_ticket,
  .comment = azure_devops_comment,
  .search = azure_devops_search,
  .list_containers = azure_devops_list_containers,
};
