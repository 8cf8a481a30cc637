/* tftsr-connector-stackstorm.c: runs StackStorm actions (st2api v1) and waits for them
 *
 * The API key (auth TOKEN) travels in the St2-Api-Key header. An action runs as an
 * execution: POST /api/v1/executions starts it, and GET /api/v1/executions/{id} is polled,
 * with growing pauses, until its status is final. An execution that failed or timed out is
 * the answer, not an error of ours: the item carries its status. Cancelling stops the
 * waiting, not the execution, which StackStorm carries on with (stopping an action halfway
 * may leave more to repair than letting it finish): the item is still the answer, its
 * status TFTSR_EXECUTION_UNWATCHED, so that the execution is linked where it can be found.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "tftsr-connector-private.h"

#define API_KEY_HEADER "St2-Api-Key"
#define ACTIONS_PAGE 100
#define ACTIONS_MAX 2000
/* The first pause is short (most actions are quick), the longest one bounded (a long run
 * should still be seen to end soon after it does). */
#define POLL_FIRST_MS 250
#define POLL_MAX_MS 10000

/* The statuses after which an execution changes no more (st2's completed states). */
static const char *const final_statuses[] = {
  "succeeded", "failed", "timeout", "abandoned", "canceled", NULL,
};

/* Calls @path of the API with the key in its header. A preview stops at the first request
 * with a body and shows no headers: that one is built without reading the key, so the
 * request can be reviewed before a key is stored. */
static gboolean
st2_call (TftsrConnectorCtx *ctx, const char *method, const char *path, const char *body,
          TftsrCallFlags flags, json_object **reply, GError **error)
{
  g_autofree char *url = tftsr_connector_url (ctx->config, path);
  g_autoptr (TftsrSecret) key = NULL;
  const char *headers[] = { API_KEY_HEADER, NULL, NULL };

  if (!ctx->preview || body == NULL)
    {
      key = tftsr_connector_dup_secret (ctx, error);
      if (key == NULL)
        return FALSE;
      headers[1] = key;
    }
  return tftsr_connector_call (ctx, method, url, NULL, body, key != NULL ? headers : NULL,
                               flags | TFTSR_CALL_NO_AUTH, reply, error);
}

static char *
stackstorm_test (TftsrConnectorCtx *ctx, GError **error)
{
  g_autoptr (json_object) reply = NULL;
  const char *user;

  /* The user endpoint needs a valid key, where the API root answers anyone. */
  if (!st2_call (ctx, "GET", "/api/v1/user", NULL, TFTSR_CALL_DEFAULT, &reply, error))
    return NULL;
  user = tftsr_json_path_string (reply, "username");
  if (user != NULL)
    return g_strdup_printf (_ ("Signed in as %s"), user);
  return g_strdup (_ ("Connected to StackStorm"));
}

static TftsrExternalItem *
action_item (json_object *action)
{
  const char *ref = tftsr_json_path_string (action, "ref");

  if (ref == NULL)
    return NULL;
  return tftsr_external_item_new (ref, ref, tftsr_json_path_string (action, "description"), NULL,
                                  NULL);
}

/* Adds the actions of @reply to @items; the number it held. */
static guint
add_actions (GPtrArray *items, json_object *reply)
{
  guint n = json_object_is_type (reply, json_type_array) ? json_object_array_length (reply) : 0;

  for (guint i = 0; i < n; i++)
    {
      TftsrExternalItem *item = action_item (json_object_array_get_idx (reply, i));

      if (item != NULL)
        g_ptr_array_add (items, item);
    }
  return n;
}

static GPtrArray *
stackstorm_list_containers (TftsrConnectorCtx *ctx, GError **error)
{
  g_autoptr (GPtrArray) items =
      g_ptr_array_new_with_free_func ((GDestroyNotify) tftsr_external_item_free);

  /* Page by page: an action's record holds its whole parameter schema, hence only the two
   * attributes shown are asked for. */
  for (guint offset = 0; offset < ACTIONS_MAX; offset += ACTIONS_PAGE)
    {
      g_autoptr (json_object) reply = NULL;
      g_autofree char *path =
          g_strdup_printf ("/api/v1/actions?include_attributes=ref,description&limit=%d&offset=%u",
                           ACTIONS_PAGE, offset);

      if (!st2_call (ctx, "GET", path, NULL, TFTSR_CALL_DEFAULT, &reply, error))
        return NULL;
      if (!json_object_is_type (reply, json_type_array))
        return tftsr_connector_bad_reply (ctx, "a list of actions", error);
      if (add_actions (items, reply) < ACTIONS_PAGE)
        break;
    }
  return g_steal_pointer (&items);
}

static void
report (TftsrConnectorCtx *ctx, const char *status)
{
  if (ctx->progress != NULL)
    ctx->progress (status, -1, ctx->progress_data);
}

/* The execution's status now, or NULL with @error. */
static char *
poll_status (TftsrConnectorCtx *ctx, const char *id, char **web_url, GError **error)
{
  g_autofree char *escaped = tftsr_connector_escape (id);
  g_autofree char *path =
      g_strdup_printf ("/api/v1/executions/%s?include_attributes=id,status,web_url", escaped);
  g_autoptr (json_object) reply = NULL;
  char *status;

  if (!st2_call (ctx, "GET", path, NULL, TFTSR_CALL_DEFAULT, &reply, error))
    return NULL;
  status = tftsr_json_path_dup (reply, "status");
  if (status == NULL)
    return tftsr_connector_bad_reply (ctx, "status", error);
  if (tftsr_json_path_string (reply, "web_url") != NULL)
    {
      g_free (*web_url);
      *web_url = tftsr_json_path_dup (reply, "web_url");
    }
  return status;
}

/* The wait was cancelled, in a pause or a poll: the execution is no longer watched. */
static char *
unwatched (TftsrConnectorCtx *ctx)
{
  report (ctx, TFTSR_EXECUTION_UNWATCHED);
  return g_strdup (TFTSR_EXECUTION_UNWATCHED);
}

/* Polls execution @id from @status on until its status is final; that status, or
 * TFTSR_EXECUTION_UNWATCHED when the wait is cancelled. */
static char *
wait_for_end (TftsrConnectorCtx *ctx, const char *id, const char *status, char **web_url,
              GError **error)
{
  g_autofree char *now = g_strdup (status);
  guint pause = POLL_FIRST_MS;

  report (ctx, now);
  while (!g_strv_contains (final_statuses, now))
    {
      g_autofree char *next = NULL;
      g_autoptr (GError) local = NULL;

      if (!tftsr_connector_pause (ctx->cancellable, pause))
        return unwatched (ctx);
      pause = MIN (pause * 2, POLL_MAX_MS);
      next = poll_status (ctx, id, web_url, &local);
      if (next == NULL && g_cancellable_is_cancelled (ctx->cancellable))
        return unwatched (ctx);
      if (next == NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local));
          g_prefix_error (error,
                          _ ("StackStorm execution %s was started, but its status could "
                             "not be read: "),
                          id);
          return NULL;
        }
      if (!g_str_equal (next, now))
        report (ctx, next);
      g_free (now);
      now = g_steal_pointer (&next);
    }
  return g_steal_pointer (&now);
}

static TftsrExternalItem *
stackstorm_run_action (TftsrConnectorCtx *ctx, const char *action_ref, json_object *parameters,
                       GError **error)
{
  g_autoptr (json_object) request = json_object_new_object ();
  g_autoptr (json_object) reply = NULL;
  g_autofree char *id = NULL;
  g_autofree char *web_url = NULL;
  g_autofree char *status = NULL;
  const char *started;

  json_object_object_add (request, "action", json_object_new_string (action_ref));
  json_object_object_add (request, "parameters",
                          parameters != NULL ? json_object_get (parameters)
                                             : json_object_new_object ());
  /* Starting an action twice would run it twice. */
  if (!st2_call (ctx, "POST", "/api/v1/executions", tftsr_connector_json_text (request),
                 TFTSR_CALL_NOT_REPEATABLE, &reply, error))
    return NULL;
  id = tftsr_json_path_dup (reply, "id");
  started = tftsr_json_path_string (reply, "status");
  if (id == NULL)
    return tftsr_connector_bad_reply (ctx, "id", error);
  web_url = tftsr_json_path_dup (reply, "web_url");
  status = wait_for_end (ctx, id, started != NULL ? started : "requested", &web_url, error);
  if (status == NULL)
    return NULL;
  return tftsr_external_item_new (id, id, action_ref, status, web_url);
}

const TftsrConnectorOps tftsr_connector_stackstorm_ops = {
  .kind = TFTSR_CONNECTOR_STACKSTORM,
  .name = "stackstorm",
  .label = "StackStorm",
  .caps = TFTSR_CONNECTOR_CAN_AUTOMATION | TFTSR_CONNECTOR_CAN_CONTAINERS,
  .auths = 1 << TFTSR_CONNECTOR_AUTH_TOKEN,
  .test = stackstorm_test,
  .list_containers = stackstorm_list_containers,
  .run_action = stackstorm_run_action,
};
