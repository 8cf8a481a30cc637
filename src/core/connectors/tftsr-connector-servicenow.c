/* tftsr-connector-servicenow.c: ServiceNow incidents through the Table API
 *
 * /api/now/table/incident: search with an encoded query, create, get by sys_id or number,
 * update with PATCH, work notes. Severity maps to urgency and impact (1 high … 3 low). The
 * correlation marker travels in the incident's correlation_id field, which is what it is
 * for, so a create whose answer was lost is found again by it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "tftsr-connector-private.h"

#define TABLE_PATH "/api/now/table/incident"
#define FIELDS "sys_id,number,short_description,state"
/* ServiceNow truncates short_description at 160 characters. */
#define SHORT_DESCRIPTION_MAX 160

static const TftsrConnectorField fields[] = {
  { "urgency", N_ ("Urgency"), { "1", "1", "2", "3" } },
  { "impact", N_ ("Impact"), { "1", "2", "2", "3" } },
};

/* A value in an encoded query: '^' separates conditions, so a literal one is doubled; a
 * value holding "javascript:" could run on the server, so that colon is dropped wherever
 * it stands; line breaks end nothing and become spaces. */
static char *
query_value (const char *text)
{
  GString *out = g_string_new (NULL);
  static const char script[] = "javascript:";

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '^')
        g_string_append (out, "^^");
      else if (*p == '\r' || *p == '\n')
        g_string_append_c (out, ' ');
      else if (*p == ':' && out->len >= strlen (script) - 1 &&
               g_ascii_strncasecmp (out->str + out->len - (strlen (script) - 1), script,
                                    strlen (script) - 1) == 0)
        continue;
      else
        g_string_append_c (out, *p);
    }
  g_strstrip (out->str);
  return g_string_free (out, FALSE);
}

/* GET of the incident table with @query (an encoded query, escaped values). */
static char *
list_url (TftsrConnectorCtx *ctx, const char *query, guint limit)
{
  g_autofree char *escaped = tftsr_connector_escape (query);
  g_autofree char *path =
      g_strdup_printf (TABLE_PATH "?sysparm_query=%s&sysparm_limit=%u&sysparm_fields=" FIELDS
                                  "&sysparm_display_value=true",
                       escaped, limit);
  return tftsr_connector_url (ctx->config, path);
}

static char *
record_url (TftsrConnectorCtx *ctx, const char *sys_id)
{
  g_autofree char *escaped = tftsr_connector_escape (sys_id);
  g_autofree char *path = g_strdup_printf (TABLE_PATH "/%s", escaped);
  return tftsr_connector_url (ctx->config, path);
}

static TftsrExternalItem *
item_from (TftsrConnectorCtx *ctx, json_object *record)
{
  const char *sys_id = tftsr_json_path_string (record, "sys_id");
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;
  g_autofree char *url = NULL;

  if (sys_id == NULL || *sys_id == '\0')
    return NULL;
  escaped = tftsr_connector_escape (sys_id);
  path = g_strdup_printf ("/incident.do?sys_id=%s", escaped);
  url = tftsr_connector_url (ctx->config, path);
  return tftsr_external_item_new (sys_id, tftsr_json_path_string (record, "number"),
                                  tftsr_json_path_string (record, "short_description"),
                                  tftsr_json_path_string (record, "state"), url);
}

/* The record of a {"result": {…}} answer. */
static TftsrExternalItem *
single_result (TftsrConnectorCtx *ctx, json_object *reply, GError **error)
{
  json_object *result = NULL;
  TftsrExternalItem *item;

  if (reply == NULL || !json_object_object_get_ex (reply, "result", &result) ||
      (item = item_from (ctx, result)) == NULL)
    return tftsr_connector_bad_reply (ctx, "result.sys_id", error);
  return item;
}

/* The records of a {"result": […]} answer. */
static GPtrArray *
list_result (TftsrConnectorCtx *ctx, json_object *reply, GError **error)
{
  g_autoptr (GPtrArray) items =
      g_ptr_array_new_with_free_func ((GDestroyNotify) tftsr_external_item_free);
  json_object *result = NULL;

  if (reply == NULL || !json_object_object_get_ex (reply, "result", &result) ||
      !json_object_is_type (result, json_type_array))
    return tftsr_connector_bad_reply (ctx, "result", error);
  for (size_t i = 0; i < json_object_array_length (result); i++)
    {
      TftsrExternalItem *item = item_from (ctx, json_object_array_get_idx (result, i));
      if (item != NULL)
        g_ptr_array_add (items, item);
    }
  return g_steal_pointer (&items);
}

/* @flags: TFTSR_CALL_TEXT_QUERY when @encoded holds the user's text. */
static GPtrArray *
query (TftsrConnectorCtx *ctx, const char *encoded, guint limit, TftsrCallFlags flags,
       GError **error)
{
  g_autofree char *url = list_url (ctx, encoded, limit);
  g_autoptr (json_object) reply = NULL;

  if (!tftsr_connector_call (ctx, "GET", url, NULL, NULL, NULL, flags, &reply, error))
    return NULL;
  return list_result (ctx, reply, error);
}

static char *
servicenow_test (TftsrConnectorCtx *ctx, GError **error)
{
  g_autoptr (json_object) reply = NULL;
  g_autofree char *url = NULL;
  const char *name;

  if (ctx->config->auth != TFTSR_CONNECTOR_AUTH_BASIC)
    {
      g_autoptr (GPtrArray) items =
          query (ctx, "ORDERBYDESCsys_created_on", 1, TFTSR_CALL_DEFAULT, error);
      return items != NULL ? g_strdup (_ ("Signed in; incidents can be read")) : NULL;
    }
  {
    g_autofree char *value = query_value (ctx->config->user);
    g_autofree char *q = g_strdup_printf ("user_name=%s", value);
    g_autofree char *escaped = tftsr_connector_escape (q);
    g_autofree char *path = g_strdup_printf (
        "/api/now/table/sys_user?sysparm_query=%s&sysparm_limit=1&sysparm_fields=name,user_name",
        escaped);
    url = tftsr_connector_url (ctx->config, path);
  }
  if (!tftsr_connector_call (ctx, "GET", url, NULL, NULL, NULL, TFTSR_CALL_DEFAULT, &reply, error))
    return NULL;
  if (reply == NULL || !json_object_is_type (reply, json_type_object) ||
      !json_object_object_get_ex (reply, "result", NULL))
    return tftsr_connector_bad_reply (ctx, "result", error);
  name = tftsr_json_path_string (reply, "result.0.name");
  return g_strdup_printf (_ ("Signed in as %s"),
                          name != NULL && *name != '\0' ? name : ctx->config->user);
}

/* The incident's fields as ServiceNow names them. */
static char *
incident_body (TftsrConnectorCtx *ctx, const TftsrTicketDraft *draft, gboolean with_marker)
{
  g_autoptr (json_object) body = json_object_new_object ();
  g_autofree char *urgency = tftsr_connector_map (ctx, "urgency", draft->severity);
  g_autofree char *impact = tftsr_connector_map (ctx, "impact", draft->severity);
  g_autofree char *short_description = g_utf8_substring (
      draft->title, 0, MIN (g_utf8_strlen (draft->title, -1), SHORT_DESCRIPTION_MAX));

  json_object_object_add (body, "short_description", json_object_new_string (short_description));
  json_object_object_add (body, "description", json_object_new_string (draft->description));
  json_object_object_add (body, "urgency", json_object_new_string (urgency));
  json_object_object_add (body, "impact", json_object_new_string (impact));
  if (with_marker)
    json_object_object_add (body, "correlation_id", json_object_new_string (draft->marker));
  return g_strdup (json_object_to_json_string_ext (body, JSON_C_TO_STRING_PLAIN));
}

static TftsrExternalItem *
servicenow_create (TftsrConnectorCtx *ctx, const TftsrTicketDraft *draft, GError **error)
{
  g_autofree char *url = tftsr_connector_url (
      ctx->config, TABLE_PATH "?sysparm_fields=" FIELDS "&sysparm_display_value=true");
  g_autofree char *body = incident_body (ctx, draft, TRUE);
  g_autoptr (json_object) reply = NULL;

  if (!tftsr_connector_call (ctx, "POST", url, NULL, body, NULL, TFTSR_CALL_NOT_REPEATABLE, &reply,
                             error))
    return NULL;
  return single_result (ctx, reply, error);
}

static TftsrExternalItem *
servicenow_find_marker (TftsrConnectorCtx *ctx, const TftsrTicketDraft *draft, GError **error)
{
  g_autofree char *value = query_value (draft->marker);
  g_autofree char *q = g_strdup_printf ("correlation_id=%s", value);
  g_autoptr (GPtrArray) items = query (ctx, q, 1, TFTSR_CALL_DEFAULT, error);

  if (items == NULL || items->len == 0)
    return NULL;
  return g_ptr_array_steal_index (items, 0);
}

/* @flags: TFTSR_CALL_NOT_REPEATABLE for a work note, which a second PATCH would add twice. */
static TftsrExternalItem *
patch (TftsrConnectorCtx *ctx, const char *sys_id, const char *body, TftsrCallFlags flags,
       GError **error)
{
  g_autofree char *record = record_url (ctx, sys_id);
  g_autofree char *url =
      g_strdup_printf ("%s?sysparm_fields=" FIELDS "&sysparm_display_value=true", record);
  g_autoptr (json_object) reply = NULL;

  if (!tftsr_connector_call (ctx, "PATCH", url, NULL, body, NULL, flags, &reply, error))
    return NULL;
  return single_result (ctx, reply, error);
}

static TftsrExternalItem *
servicenow_update (TftsrConnectorCtx *ctx, const char *sys_id, const TftsrTicketDraft *draft,
                   GError **error)
{
  g_autofree char *body = incident_body (ctx, draft, FALSE);
  return patch (ctx, sys_id, body, TFTSR_CALL_DEFAULT, error);
}

static gboolean
servicenow_comment (TftsrConnectorCtx *ctx, const char *sys_id, const char *text, GError **error)
{
  g_autoptr (json_object) body = json_object_new_object ();
  g_autoptr (TftsrExternalItem) item = NULL;

  json_object_object_add (body, "work_notes", json_object_new_string (text));
  item = patch (ctx, sys_id, json_object_to_json_string_ext (body, JSON_C_TO_STRING_PLAIN),
                TFTSR_CALL_NOT_REPEATABLE, error);
  return item != NULL;
}

/* A sys_id is 32 hexadecimal digits; anything else is taken for a number (INC0010023). */
static gboolean
is_sys_id (const char *text)
{
  gsize len = strlen (text);
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isxdigit (text[i]))
      return FALSE;
  return len == 32;
}

static TftsrExternalItem *
servicenow_get (TftsrConnectorCtx *ctx, const char *id_or_key, GError **error)
{
  g_autoptr (json_object) reply = NULL;
  g_autoptr (GPtrArray) items = NULL;
  g_autofree char *value = NULL;
  g_autofree char *q = NULL;

  if (is_sys_id (id_or_key))
    {
      g_autofree char *record = record_url (ctx, id_or_key);
      g_autofree char *url =
          g_strdup_printf ("%s?sysparm_fields=" FIELDS "&sysparm_display_value=true", record);
      if (!tftsr_connector_call (ctx, "GET", url, NULL, NULL, NULL, TFTSR_CALL_DEFAULT, &reply,
                                 error))
        return NULL;
      return single_result (ctx, reply, error);
    }
  value = query_value (id_or_key);
  q = g_strdup_printf ("number=%s", value);
  if ((items = query (ctx, q, 1, TFTSR_CALL_TEXT_QUERY, error)) == NULL)
    return NULL;
  if (items->len == 0)
    {
      g_set_error (error, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_NOT_FOUND,
                   _ ("ServiceNow has no incident %s"), id_or_key);
      return NULL;
    }
  return g_ptr_array_steal_index (items, 0);
}

static GPtrArray *
servicenow_search (TftsrConnectorCtx *ctx, const char *text, guint limit, GError **error)
{
  g_autofree char *value = query_value (text);
  g_autofree char *q = g_strdup_printf (
      "short_descriptionLIKE%s^ORnumber=%s^ORDERBYDESCsys_updated_on", value, value);
  return query (ctx, q, limit, TFTSR_CALL_TEXT_QUERY, error);
}

const TftsrConnectorOps tftsr_connector_servicenow_ops = {
  .kind = TFTSR_CONNECTOR_SERVICENOW,
  .name = "servicenow",
  .label = "ServiceNow",
  .caps = TFTSR_CONNECTOR_CAN_TICKETS,
  .fields = fields,
  .n_fields = G_N_ELEMENTS (fields),
  .auths = 1u << TFTSR_CONNECTOR_AUTH_BASIC | 1u << TFTSR_CONNECTOR_AUTH_OAUTH,
  .test = servicenow_test,
  .create_ticket = servicenow_create,
  .find_marker = servicenow_find_marker,
  .update_ticket = servicenow_update,
  .get_ticket = servicenow_get,
  .comment = servicenow_comment,
  .search = servicenow_search,
};
