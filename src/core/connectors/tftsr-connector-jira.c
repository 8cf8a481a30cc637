/* tftsr-connector-jira.c: Jira Cloud (REST v3) and Jira Data Center (REST v2) issues
 *
 * The two differ in three places: rich text (Cloud takes ADF, Data Center wiki markup),
 * search (Cloud removed /search for /search/jql) and the project list (paginated on Cloud
 * only). The option "deployment" says which; Cloud is the default.
 *
 * An issue carries the correlation marker as a label, which JQL finds exactly (a text
 * search would match words of it). Every text a person wrote reaches JQL as the content of
 * one string literal, escaped for the text search inside it as well, so it never becomes
 * syntax of either.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "tftsr-adf-private.h"
#include "tftsr-connector-private.h"

/* Jira refuses a longer summary. */
#define SUMMARY_MAX_CHARS 255
/* Search results per request; the API's own maximum is larger, our lists are short. */
#define SEARCH_DEFAULT_LIMIT 20
#define SEARCH_MAX_LIMIT 100
/* Projects per page, and pages read at most (a site with more is searched instead). */
#define PROJECTS_PAGE 50
#define PROJECTS_MAX_PAGES 20

static const TftsrConnectorField jira_fields[] = {
  { "priority", N_ ("Priority"), { "Highest", "High", "Medium", "Low" } },
};

static gboolean
is_datacenter (TftsrConnectorCtx *ctx)
{
  g_autofree char *deployment = tftsr_connector_config_dup_option (ctx->config, "deployment");

  return g_strcmp0 (deployment, "datacenter") == 0;
}

/* The URL of REST resource @resource ("myself", "issue/KEY"), already escaped. */
static char *
api_url (TftsrConnectorCtx *ctx, const char *resource)
{
  g_autofree char *path =
      g_strdup_printf ("/rest/api/%s/%s", is_datacenter (ctx) ? "2" : "3", resource);

  return tftsr_connector_url (ctx->config, path);
}

/* The URL of issue @key_or_id's resource, with @tail ("", "/comment") after it. */
static char *
issue_url (TftsrConnectorCtx *ctx, const char *key_or_id, const char *tail)
{
  g_autofree char *escaped = tftsr_connector_escape (key_or_id);
  g_autofree char *resource = g_strdup_printf ("issue/%s%s", escaped, tail);

  return api_url (ctx, resource);
}

static char *
browse_url (TftsrConnectorCtx *ctx, const char *key)
{
  g_autofree char *escaped = tftsr_connector_escape (key);
  g_autofree char *path = g_strconcat ("/browse/", escaped, NULL);

  return tftsr_connector_url (ctx->config, path);
}

/* --- texts --------------------------------------------------------------------------------- */

/* Data Center's rich text is wiki markup, in which Markdown reads wrongly (a "#" line is a
 * numbered item, "*" bold): the text goes as it is, in a {noformat} block that shows it
 * verbatim. A "{noformat}" inside would end the block, so it loses its brace. */
static char *
wiki_text (const char *markdown)
{
  g_autofree char *valid = g_utf8_make_valid (markdown != NULL ? markdown : "", -1);
  g_auto (GStrv) parts = g_strsplit (valid, "{noformat}", -1);
  g_autofree char *joined = g_strjoinv ("noformat}", parts);
  g_autofree char *stripped = g_strstrip (g_strdup (joined));

  if (*stripped == '\0')
    return g_strdup ("");
  return g_strdup_printf ("{noformat}\n%s\n{noformat}", joined);
}

/* The rich-text value of @markdown for this deployment (a new reference). */
static json_object *
rich_text (TftsrConnectorCtx *ctx, const char *markdown)
{
  g_autofree char *wiki = NULL;

  if (!is_datacenter (ctx))
    return tftsr_adf_from_markdown (markdown);
  wiki = wiki_text (markdown);
  return json_object_new_string (wiki);
}

/* @text as the content of a JQL string literal, to be put between double quotes. With
 * @search the text is also escaped for Jira's text search (a Lucene query inside the
 * literal), so that "+", "(", "*"… are searched for rather than obeyed. */
static char *
jql_literal (const char *text, gboolean search)
{
  static const char lucene[] = "+-&|!(){}[]^\"~*?\\:/";
  GString *out = g_string_new (NULL);

  for (const char *p = text != NULL ? text : ""; *p != '\0'; p++)
    {
      char c = *p;

      if ((guchar) c < 0x20 || c == 0x7f)
        {
          g_string_append_c (out, ' ');
          continue;
        }
      /* Lucene's escape is a backslash, which the literal escapes in turn. */
      if (search && strchr (lucene, c) != NULL)
        g_string_append (out, "\\\\");
      if (c == '"' || c == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, c);
    }
  return g_string_free (out, FALSE);
}

/* @condition, restricted to the connector's project when it names one. */
static char *
in_project (TftsrConnectorCtx *ctx, const char *condition)
{
  g_autofree char *project = tftsr_connector_config_dup_option (ctx->config, "project");
  g_autofree char *literal = NULL;

  if (project == NULL || *project == '\0')
    return g_strdup (condition);
  literal = jql_literal (project, FALSE);
  if (*condition == '\0')
    return g_strdup_printf ("project = \"%s\"", literal);
  return g_strdup_printf ("project = \"%s\" AND %s", literal, condition);
}

/* --- replies ------------------------------------------------------------------------------- */

/* An item from an issue of a reply ({id, key, fields: {summary, status: {name}}}). */
static TftsrExternalItem *
item_from_issue (TftsrConnectorCtx *ctx, json_object *issue, GError **error)
{
  const char *id = tftsr_json_path_string (issue, "id");
  const char *key = tftsr_json_path_string (issue, "key");
  g_autofree char *url = NULL;

  if (id == NULL || key == NULL)
    return tftsr_connector_bad_reply (ctx, id == NULL ? "id" : "key", error);
  url = browse_url (ctx, key);
  return tftsr_external_item_new (id, key, tftsr_json_path_string (issue, "fields.summary"),
                                  tftsr_json_path_string (issue, "fields.status.name"), url);
}

/* Runs @jql and returns up to @limit issues. */
static GPtrArray *
run_jql (TftsrConnectorCtx *ctx, const char *jql, guint limit, GError **error)
{
  g_autoptr (json_object) body = json_object_new_object ();
  g_autoptr (json_object) reply = NULL;
  g_autoptr (GPtrArray) items =
      g_ptr_array_new_with_free_func ((GDestroyNotify) tftsr_external_item_free);
  g_autofree char *url = api_url (ctx, is_datacenter (ctx) ? "search" : "search/jql");
  const char *text;
  json_object *fields = json_object_new_array ();

  json_object_array_add (fields, json_object_new_string ("summary"));
  json_object_array_add (fields, json_object_new_string ("status"));
  json_object_object_add (body, "jql", json_object_new_string (jql));
  json_object_object_add (body, "maxResults", json_object_new_int ((int) limit));
  json_object_object_add (body, "fields", fields);
  text = tftsr_connector_json_text (body);
  if (!tftsr_connector_call (ctx, "POST", url, NULL, text, NULL, TFTSR_CALL_DEFAULT, &reply, error))
    return NULL;
  if (!tftsr_connector_add_items (ctx, json_object_object_get (reply, "issues"), "issues",
                                  item_from_issue, limit, items, error))
    return NULL;
  return g_steal_pointer (&items);
}

/* --- operations ---------------------------------------------------------------------------- */

static char *
jira_test (TftsrConnectorCtx *ctx, GError **error)
{
  g_autofree char *url = api_url (ctx, "myself");
  g_autoptr (json_object) reply = NULL;
  const char *name;

  if (!tftsr_connector_call (ctx, "GET", url, NULL, NULL, NULL, TFTSR_CALL_DEFAULT, &reply, error))
    return NULL;
  name = tftsr_json_path_string (reply, "displayName");
  if (name == NULL)
    return tftsr_connector_bad_reply (ctx, "displayName", error);
  return g_strdup_printf (_ ("Signed in as %s"), name);
}

/* The "fields" of a create or an edit: summary, description, priority. */
static json_object *
issue_fields (TftsrConnectorCtx *ctx, const TftsrTicketDraft *draft)
{
  json_object *fields = json_object_new_object ();
  g_autofree char *summary = tftsr_connector_one_line (draft->title, SUMMARY_MAX_CHARS);
  g_autofree char *priority = tftsr_connector_map (ctx, "priority", draft->severity);

  json_object_object_add (fields, "summary", json_object_new_string (summary));
  json_object_object_add (fields, "description", rich_text (ctx, draft->description));
  if (priority != NULL && *priority != '\0')
    {
      json_object *named = json_object_new_object ();

      json_object_object_add (named, "name", json_object_new_string (priority));
      json_object_object_add (fields, "priority", named);
    }
  return fields;
}

/* The project key option, or NULL with @error. */
static char *
dup_project (TftsrConnectorCtx *ctx, GError **error)
{
  char *project = tftsr_connector_config_dup_option (ctx->config, "project");

  if (project == NULL || *project == '\0')
    {
      g_free (project);
      g_set_error (error, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_INVALID,
                   _ ("The Jira connector “%s” names no project to create issues in: set its "
                      "project key."),
                   ctx->config->id);
      return NULL;
    }
  return project;
}

static TftsrExternalItem *
jira_create_ticket (TftsrConnectorCtx *ctx, const TftsrTicketDraft *draft, GError **error)
{
  g_autofree char *project = dup_project (ctx, error);
  g_autofree char *issue_type = NULL;
  g_autofree char *url = NULL;
  const char *text;
  g_autofree char *browse = NULL;
  g_autoptr (json_object) body = NULL;
  g_autoptr (json_object) reply = NULL;
  json_object *fields, *named, *labels;
  const char *id, *key;

  if (project == NULL)
    return NULL;
  issue_type = tftsr_connector_config_dup_option (ctx->config, "issue_type");
  fields = issue_fields (ctx, draft);
  named = json_object_new_object ();
  json_object_object_add (named, "key", json_object_new_string (project));
  json_object_object_add (fields, "project", named);
  named = json_object_new_object ();
  json_object_object_add (
      named, "name",
      json_object_new_string (issue_type != NULL && *issue_type != '\0' ? issue_type : "Bug"));
  json_object_object_add (fields, "issuetype", named);
  labels = json_object_new_array ();
  json_object_array_add (labels, json_object_new_string (draft->marker));
  json_object_object_add (fields, "labels", labels);
  body = json_object_new_object ();
  json_object_object_add (body, "fields", fields);
  text = tftsr_connector_json_text (body);
  url = api_url (ctx, "issue");
  if (!tftsr_connector_call (ctx, "POST", url, NULL, text, NULL, TFTSR_CALL_NOT_REPEATABLE, &reply,
                             error))
    return NULL;
  id = tftsr_json_path_string (reply, "id");
  key = tftsr_json_path_string (reply, "key");
  if (id == NULL || key == NULL)
    return tftsr_connector_bad_reply (ctx, id == NULL ? "id" : "key", error);
  browse = browse_url (ctx, key);
  return tftsr_external_item_new (
      id, key, json_object_get_string (json_object_object_get (fields, "summary")), NULL, browse);
}

static TftsrExternalItem *
jira_find_marker (TftsrConnectorCtx *ctx, const TftsrTicketDraft *draft, GError **error)
{
  g_autofree char *literal = jql_literal (draft->marker, FALSE);
  g_autofree char *condition = g_strdup_printf ("labels = \"%s\"", literal);
  g_autofree char *jql = in_project (ctx, condition);
  g_autoptr (GPtrArray) found = run_jql (ctx, jql, 1, error);

  if (found == NULL || found->len == 0)
    return NULL;
  return g_steal_pointer (&found->pdata[0]);
}

static TftsrExternalItem *
jira_get_ticket (TftsrConnectorCtx *ctx, const char *id_or_key, GError **error)
{
  g_autofree char *base = issue_url (ctx, id_or_key, "");
  g_autofree char *url = g_strconcat (base, "?fields=summary,status", NULL);
  g_autoptr (json_object) reply = NULL;

  if (!tftsr_connector_call (ctx, "GET", url, NULL, NULL, NULL, TFTSR_CALL_DEFAULT, &reply, error))
    return NULL;
  return item_from_issue (ctx, reply, error);
}

static TftsrExternalItem *
jira_update_ticket (TftsrConnectorCtx *ctx, const char *id, const TftsrTicketDraft *draft,
                    GError **error)
{
  g_autofree char *url = issue_url (ctx, id, "");
  g_autoptr (json_object) body = json_object_new_object ();
  g_autoptr (json_object) reply = NULL;
  const char *text;

  json_object_object_add (body, "fields", issue_fields (ctx, draft));
  text = tftsr_connector_json_text (body);
  /* An edit answers 204 without the issue: it is read back for its status. */
  if (!tftsr_connector_call (ctx, "PUT", url, NULL, text, NULL, TFTSR_CALL_DEFAULT, &reply, error))
    return NULL;
  return jira_get_ticket (ctx, id, error);
}

static gboolean
jira_comment (TftsrConnectorCtx *ctx, const char *id, const char *text, GError **error)
{
  g_autofree char *url = issue_url (ctx, id, "/comment");
  g_autoptr (json_object) body = json_object_new_object ();
  g_autoptr (json_object) reply = NULL;
  const char *payload;

  json_object_object_add (body, "body", rich_text (ctx, text));
  payload = tftsr_connector_json_text (body);
  return tftsr_connector_call (ctx, "POST", url, NULL, payload, NULL, TFTSR_CALL_NOT_REPEATABLE,
                               &reply, error);
}

static GPtrArray *
jira_search (TftsrConnectorCtx *ctx, const char *query, guint limit, GError **error)
{
  g_autofree char *stripped = g_strstrip (g_strdup (query != NULL ? query : ""));
  g_autofree char *literal = jql_literal (stripped, TRUE);
  /* Without text: the newest issues (of the project). */
  g_autofree char *condition =
      *stripped != '\0' ? g_strdup_printf ("text ~ \"%s\"", literal) : g_strdup ("");
  g_autofree char *restricted = in_project (ctx, condition);
  g_autofree char *jql = g_strstrip (g_strconcat (restricted, " ORDER BY updated DESC", NULL));

  if (limit == 0)
    limit = SEARCH_DEFAULT_LIMIT;
  return run_jql (ctx, jql, MIN (limit, SEARCH_MAX_LIMIT), error);
}

static TftsrExternalItem *
item_from_project (TftsrConnectorCtx *ctx, json_object *project, GError **error)
{
  const char *id = tftsr_json_path_string (project, "id");
  const char *key = tftsr_json_path_string (project, "key");
  g_autofree char *url = NULL;

  if (id == NULL || key == NULL)
    return tftsr_connector_bad_reply (ctx, id == NULL ? "id" : "key", error);
  url = browse_url (ctx, key);
  return tftsr_external_item_new (id, key, tftsr_json_path_string (project, "name"), NULL, url);
}

static GPtrArray *
jira_list_containers (TftsrConnectorCtx *ctx, GError **error)
{
  g_autoptr (GPtrArray) items =
      g_ptr_array_new_with_free_func ((GDestroyNotify) tftsr_external_item_free);

  /* Data Center lists every project at once. */
  if (is_datacenter (ctx))
    {
      g_autofree char *url = api_url (ctx, "project");
      g_autoptr (json_object) reply = NULL;

      if (!tftsr_connector_call (ctx, "GET", url, NULL, NULL, NULL, TFTSR_CALL_DEFAULT, &reply,
                                 error) ||
          !tftsr_connector_add_items (ctx, reply, "values", item_from_project, G_MAXUINT, items,
                                      error))
        return NULL;
      return g_steal_pointer (&items);
    }
  for (guint page = 0; page < PROJECTS_MAX_PAGES; page++)
    {
      g_autofree char *resource =
          g_strdup_printf ("project/search?startAt=%u&maxResults=%u&orderBy=key",
                           page * PROJECTS_PAGE, PROJECTS_PAGE);
      g_autofree char *url = api_url (ctx, resource);
      g_autoptr (json_object) reply = NULL;
      json_object *values;
      json_object *last = NULL;

      if (!tftsr_connector_call (ctx, "GET", url, NULL, NULL, NULL, TFTSR_CALL_DEFAULT, &reply,
                                 error))
        return NULL;
      values = json_object_object_get (reply, "values");
      if (!tftsr_connector_add_items (ctx, values, "values", item_from_project, G_MAXUINT, items,
                                      error))
        return NULL;
      /* isLast is missing on some sites: an empty or short page ends the list too. */
      if ((json_object_object_get_ex (reply, "isLast", &last) && json_object_get_boolean (last)) ||
          json_object_array_length (values) < PROJECTS_PAGE)
        break;
    }
  return g_steal_pointer (&items);
}

const TftsrConnectorOps tftsr_connector_jira_ops = {
  .kind = TFTSR_CONNECTOR_JIRA,
  .name = "jira",
  .label = "Jira",
  .caps = TFTSR_CONNECTOR_CAN_TICKETS | TFTSR_CONNECTOR_CAN_CONTAINERS,
  .fields = jira_fields,
  .n_fields = G_N_ELEMENTS (jira_fields),
  .auths = 1 << TFTSR_CONNECTOR_AUTH_BASIC | 1 << TFTSR_CONNECTOR_AUTH_BEARER |
           1 << TFTSR_CONNECTOR_AUTH_OAUTH,
  .test = jira_test,
  .create_ticket = jira_create_ticket,
  .find_marker = jira_find_marker,
  .marker_search_lags = TRUE,
  .update_ticket = jira_update_ticket,
  .get_ticket = jira_get_ticket,
  .comment = jira_comment,
  .search = jira_search,
  .list_containers = jira_list_containers,
};
