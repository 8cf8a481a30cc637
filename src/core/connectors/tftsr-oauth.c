/* tftsr-oauth.c: a connector's OAuth 2.0 sign-in, token refresh and sign-out
 *
 * The token endpoint gets OAuth parameters only, no incident content, so these requests
 * go to net directly, not through egress. Every buffer of ours that held a code, verifier,
 * token or client secret is zeroed before it is freed (request bodies, reply bodies, the
 * values json-c parsed); libcurl's and json-c's transient copies are outside our reach.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>
#include <openssl/crypto.h>
#include <string.h>

#include "tftsr-json-private.h"
#include "tftsr-net.h"
#include "tftsr-oauth-private.h"

#define STATE_BYTES 32
#define DESCRIPTION_MAX 200

/* One refresh at a time: with refresh-token rotation, two concurrent refreshes would spend
 * the same refresh token and the loser would sign the user out. */
static GMutex refresh_lock;

/* What the calls keep of a TftsrOAuthConfig. */
typedef struct
{
  char *authorize_url;
  char *token_url;
  char *revoke_url;
  char *client_id;
  TftsrSecret *client_secret;
  char *scope;
  guint16 redirect_port;
} Client;

static void
client_free (Client *client)
{
  g_free (client->authorize_url);
  g_free (client->token_url);
  g_free (client->revoke_url);
  g_free (client->client_id);
  tftsr_secret_free (client->client_secret);
  g_free (client->scope);
  g_free (client);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Client, client_free)

/* https anywhere, http only to this machine: a code or token must not cross a network in
 * the clear. */
static gboolean
valid_endpoint (const char *url, const char *what, GError **error)
{
  g_autoptr (GUri) uri = url != NULL ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;
  const char *scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  const char *host = uri != NULL ? g_uri_get_host (uri) : NULL;

  if (scheme != NULL && host != NULL &&
      (g_str_equal (scheme, "https") ||
       (g_str_equal (scheme, "http") &&
        (g_str_equal (host, "127.0.0.1") || g_str_equal (host, "localhost") ||
         g_str_equal (host, "::1")))))
    return TRUE;
  g_set_error (error, TFTSR_OAUTH_ERROR, TFTSR_OAUTH_ERROR_INVALID_CONFIG,
               _ ("The OAuth %s “%s” is not an https address"), what, url != NULL ? url : "");
  return FALSE;
}

static Client *
client_new (const TftsrOAuthConfig *config, GError **error)
{
  Client *client;

  if (config->client_id == NULL || *config->client_id == '\0')
    {
      g_set_error (error, TFTSR_OAUTH_ERROR, TFTSR_OAUTH_ERROR_INVALID_CONFIG,
                   _ ("The OAuth client id is missing"));
      return NULL;
    }
  if (!valid_endpoint (config->authorize_url, _ ("authorization URL"), error) ||
      !valid_endpoint (config->token_url, _ ("token URL"), error) ||
      (config->revoke_url != NULL &&
       !valid_endpoint (config->revoke_url, _ ("revocation URL"), error)))
    return NULL;
  client = g_new0 (Client, 1);
  client->authorize_url = g_strdup (config->authorize_url);
  client->token_url = g_strdup (config->token_url);
  client->revoke_url = g_strdup (config->revoke_url);
  client->client_id = g_strdup (config->client_id);
  client->client_secret = g_strdup (config->client_secret);
  client->scope = g_strdup (config->scope);
  client->redirect_port = config->redirect_port;
  return client;
}

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* ---- the token endpoint ---- */

typedef struct
{
  const char *name;
  const char *value; /* NULL: left out */
} Param;

static gboolean
unreserved (char c)
{
  return g_ascii_isalnum (c) || c == '-' || c == '.' || c == '_' || c == '~';
}

/* @params as application/x-www-form-urlencoded, in one buffer sized before it is written
 * (no reallocation leaves a copy of a secret behind) and zeroed when the request lets go. */
static GBytes *
form_body (const Param *params, guint n_params)
{
  gsize size = 0, n = 0;
  char *body;

  for (guint i = 0; i < n_params; i++)
    if (params[i].value != NULL)
      {
        size += strlen (params[i].name) + 2;
        for (const char *p = params[i].value; *p != '\0'; p++)
          size += unreserved (*p) ? 1 : 3;
      }
  body = g_malloc (size + 1);
  for (guint i = 0; i < n_params; i++)
    if (params[i].value != NULL)
      {
        n += g_snprintf (body + n, size + 1 - n, "%s%s=", n > 0 ? "&" : "", params[i].name);
        for (const char *p = params[i].value; *p != '\0'; p++)
          n += unreserved (*p) ? (body[n] = *p, 1)
                               : g_snprintf (body + n, size + 1 - n, "%%%02X", (guchar) *p);
      }
  body[n] = '\0';
  return g_bytes_new_with_free_func (body, n, (GDestroyNotify) tftsr_secret_free, body);
}

static void
wipe_bytes (GBytes *bytes)
{
  gsize len = 0;
  guint8 *data = g_bytes_unref_to_data (bytes, &len);

  explicit_bzero (data, len);
  g_free (data);
}

/* A copy of string member @key of @object (NULL if absent or not a string), the parsed value
 * zeroed: json-c would free it as it is. */
static char *
take_string (json_object *object, const char *key)
{
  json_object *value = NULL;
  char *copy;

  if (!json_object_object_get_ex (object, key, &value) ||
      !json_object_is_type (value, json_type_string))
    return NULL;
  copy = g_strdup (json_object_get_string (value));
  explicit_bzero ((char *) json_object_get_string (value), json_object_get_string_len (value));
  return copy;
}

static json_object *
parse_reply (TftsrHttpResponse *response)
{
  GBytes *body = g_steal_pointer (&response->body);
  gsize len = 0;
  const char *data = g_bytes_get_data (body, &len);
  json_tokener *tokener = json_tokener_new ();
  json_object *object = json_tokener_parse_ex (tokener, data, (int) MIN (len, G_MAXINT));

  json_tokener_free (tokener);
  wipe_bytes (body);
  response->body = g_bytes_new_static ("", 0);
  if (object != NULL && !json_object_is_type (object, json_type_object))
    g_clear_pointer (&object, json_object_put);
  return object;
}

static TftsrOAuthTokens *
tokens_from_reply (json_object *reply, GError **error)
{
  g_autoptr (TftsrOAuthTokens) tokens = g_new0 (TftsrOAuthTokens, 1);
  json_object *expires = NULL;

  tokens->access_token = take_string (reply, "access_token");
  tokens->refresh_token = take_string (reply, "refresh_token");
  tokens->token_type = take_string (reply, "token_type");
  tokens->scope = take_string (reply, "scope");
  if (json_object_object_get_ex (reply, "expires_in", &expires) &&
      json_object_is_type (expires, json_type_int) && json_object_get_int64 (expires) > 0)
    tokens->expires_at = now_seconds () + MIN (json_object_get_int64 (expires), G_MAXINT32);
  if (tokens->access_token == NULL || *tokens->access_token == '\0')
    {
      g_set_error (error, TFTSR_OAUTH_ERROR, TFTSR_OAUTH_ERROR_TOKEN,
                   _ ("The sign-in service answered without an access token"));
      return NULL;
    }
  /* RFC 6749 requires token_type; the few services that leave it out mean Bearer. */
  if (tokens->token_type == NULL)
    tokens->token_type = g_strdup ("Bearer");
  return g_steal_pointer (&tokens);
}

/* The error of a refused token request, with the OAuth error code in @oauth_error. */
static void
set_refused (json_object *reply, guint status, char **oauth_error, GError **error)
{
  g_autofree char *code = reply != NULL ? take_string (reply, "error") : NULL;
  g_autofree char *description = reply != NULL ? take_string (reply, "error_description") : NULL;

  if (description != NULL && strlen (description) > DESCRIPTION_MAX)
    description[DESCRIPTION_MAX] = '\0';
  g_set_error (error, TFTSR_OAUTH_ERROR, TFTSR_OAUTH_ERROR_TOKEN,
               _ ("The sign-in service refused the token request (HTTP %u%s%s%s%s)"), status,
               code != NULL ? ", " : "", code != NULL ? code : "", description != NULL ? ": " : "",
               description != NULL ? description : "");
  *oauth_error = g_steal_pointer (&code);
}

static TftsrHttpResponse *
post_form (const char *url, const Param *params, guint n_params, GCancellable *cancellable,
           GError **error)
{
  g_autoptr (TftsrHttpRequest) request = tftsr_http_request_new ("POST", url);
  g_autoptr (GBytes) body = form_body (params, n_params);

  tftsr_http_request_add_header (request, "Accept", "application/json");
  tftsr_http_request_set_body (request, "application/x-www-form-urlencoded", body);
  tftsr_http_request_set_timeouts (request, 10, 30);
  tftsr_http_request_set_retries (request, 2, 10);
  return tftsr_http_perform (request, NULL, NULL, cancellable, error);
}

/* POSTs @params to the token endpoint: the tokens granted, or NULL with @error (and the
 * OAuth error code in @oauth_error when the service gave one). */
static TftsrOAuthTokens *
token_request (Client *client, const Param *params, guint n_params, GCancellable *cancellable,
               char **oauth_error, GError **error)
{
  g_autoptr (TftsrHttpResponse) response = NULL;
  g_autoptr (json_object) reply = NULL;

  *oauth_error = NULL;
  if ((response = post_form (client->token_url, params, n_params, cancellable, error)) == NULL)
    return NULL;
  reply = parse_reply (response);
  if (response->status < 200 || response->status > 299)
    {
      set_refused (reply, response->status, oauth_error, error);
      return NULL;
    }
  if (reply == NULL)
    {
      g_set_error (error, TFTSR_OAUTH_ERROR, TFTSR_OAUTH_ERROR_TOKEN,
                   _ ("The sign-in service answered with something other than a JSON object"));
      return NULL;
    }
  return tokens_from_reply (reply, error);
}

/* ---- signing in ---- */

struct _TftsrOAuthFlow
{
  GObject parent_instance;

  TftsrStore *store;
  char *connector;
  Client *client;
  TftsrOAuthListener *listener;
  TftsrSecret *verifier;
  char *state;
  char *redirect_uri;
  char *authorization_url;

  GTask *task; /* while waiting for the redirect */
  GSource *timeout;
  GSource *cancelled;
  gboolean ran;
};

G_DEFINE_FINAL_TYPE (TftsrOAuthFlow, tftsr_oauth_flow, G_TYPE_OBJECT)

static void
tftsr_oauth_flow_finalize (GObject *object)
{
  TftsrOAuthFlow *flow = TFTSR_OAUTH_FLOW (object);

  g_assert (flow->task == NULL);
  g_clear_object (&flow->store);
  g_free (flow->connector);
  g_clear_pointer (&flow->client, client_free);
  g_clear_pointer (&flow->listener, tftsr_oauth_listener_free);
  g_clear_pointer (&flow->verifier, tftsr_secret_free);
  g_free (flow->state);
  g_free (flow->redirect_uri);
  g_free (flow->authorization_url);
  G_OBJECT_CLASS (tftsr_oauth_flow_parent_class)->finalize (object);
}

static void
tftsr_oauth_flow_class_init (TftsrOAuthFlowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tftsr_oauth_flow_finalize;
}

static void
tftsr_oauth_flow_init (TftsrOAuthFlow *flow)
{
}

static void
append_param (GString *url, const char *name, const char *value)
{
  g_autofree char *escaped = g_uri_escape_string (value, NULL, FALSE);

  g_string_append_printf (url, "&%s=%s", name, escaped);
}

static char *
authorization_url (TftsrOAuthFlow *flow)
{
  g_autofree char *challenge = tftsr_oauth_challenge (flow->verifier);
  g_autofree char *client_id = g_uri_escape_string (flow->client->client_id, NULL, FALSE);
  GString *url = g_string_new (flow->client->authorize_url);

  /* The endpoint may carry a query of its own (RFC 6749 3.1): add to it. */
  g_string_append_printf (url, "%cresponse_type=code&client_id=%s",
                          strchr (url->str, '?') != NULL ? '&' : '?', client_id);
  append_param (url, "redirect_uri", flow->redirect_uri);
  append_param (url, "code_challenge", challenge);
  append_param (url, "code_challenge_method", "S256");
  append_param (url, "state", flow->state);
  if (flow->client->scope != NULL)
    append_param (url, "scope", flow->client->scope);
  return g_string_free (url, FALSE);
}

TftsrOAuthFlow *
tftsr_oauth_flow_new (TftsrStore *store, const char *connector, const TftsrOAuthConfig *config,
                      GError **error)
{
  g_autoptr (TftsrOAuthFlow) flow = NULL;

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);
  g_return_val_if_fail (connector != NULL && config != NULL, NULL);

  flow = g_object_new (TFTSR_TYPE_OAUTH_FLOW, NULL);
  flow->store = g_object_ref (store);
  flow->connector = g_strdup (connector);
  if (!tftsr_vault_check_connector (connector, error) ||
      (flow->client = client_new (config, error)) == NULL ||
      (flow->verifier = tftsr_oauth_new_verifier (error)) == NULL ||
      (flow->state = tftsr_oauth_random_base64url (STATE_BYTES, error)) == NULL ||
      (flow->listener = tftsr_oauth_listener_new (config->redirect_port, error)) == NULL)
    return NULL;
  flow->redirect_uri = g_strdup_printf ("http://127.0.0.1:%u" TFTSR_OAUTH_CALLBACK_PATH,
                                        tftsr_oauth_listener_get_port (flow->listener));
  flow->authorization_url = authorization_url (flow);
  return g_steal_pointer (&flow);
}

const char *
tftsr_oauth_flow_get_authorization_url (TftsrOAuthFlow *flow)
{
  g_return_val_if_fail (TFTSR_IS_OAUTH_FLOW (flow), NULL);
  return flow->authorization_url;
}

const char *
tftsr_oauth_flow_get_redirect_uri (TftsrOAuthFlow *flow)
{
  g_return_val_if_fail (TFTSR_IS_OAUTH_FLOW (flow), NULL);
  return flow->redirect_uri;
}

static void
destroy_source (GSource **source)
{
  if (*source != NULL)
    g_source_destroy (*source);
  g_clear_pointer (source, g_source_unref);
}

/* Ends the wait: no more timeout or cancellation watch, the port closed. The task. */
static GTask *
stop_waiting (TftsrOAuthFlow *flow)
{
  destroy_source (&flow->timeout);
  destroy_source (&flow->cancelled);
  g_clear_pointer (&flow->listener, tftsr_oauth_listener_free);
  return g_steal_pointer (&flow->task);
}

static void
fail_waiting (TftsrOAuthFlow *flow, GError *error)
{
  g_autoptr (GTask) task = stop_waiting (flow);

  g_task_return_error (task, error);
}

static gboolean
on_timeout (gpointer data)
{
  fail_waiting (data, g_error_new (TFTSR_OAUTH_ERROR, TFTSR_OAUTH_ERROR_TIMEOUT,
                                   _ ("The browser did not come back from the sign-in in "
                                      "time: sign in again")));
  return G_SOURCE_REMOVE;
}

static gboolean
on_cancelled (GCancellable *cancellable, gpointer data)
{
  fail_waiting (data,
                g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, _ ("The sign-in was cancelled")));
  return G_SOURCE_REMOVE;
}

static gboolean
same_state (const char *expected, const char *received)
{
  gsize len = strlen (expected);

  /* Constant time: the state is a secret of this sign-in. */
  return received != NULL && strlen (received) == len &&
         CRYPTO_memcmp (expected, received, len) == 0;
}

static GError *
redirect_error (TftsrOAuthFlow *flow, TftsrOAuthRedirect *redirect)
{
  if (!same_state (flow->state, redirect->state))
    return g_error_new (TFTSR_OAUTH_ERROR, TFTSR_OAUTH_ERROR_STATE_MISMATCH,
                        _ ("The browser came back with a reply that does not belong to this "
                           "sign-in (wrong state), so it was not used: sign in again"));
  if (redirect->error == NULL)
    return NULL;
  if (g_str_equal (redirect->error, "access_denied"))
    return g_error_new (TFTSR_OAUTH_ERROR, TFTSR_OAUTH_ERROR_DENIED,
                        _ ("You declined access, so %s is not connected. Sign in again to "
                           "connect it."),
                        flow->connector);
  if (redirect->error_description != NULL && strlen (redirect->error_description) > DESCRIPTION_MAX)
    redirect->error_description[DESCRIPTION_MAX] = '\0';
  return g_error_new (TFTSR_OAUTH_ERROR, TFTSR_OAUTH_ERROR_PROVIDER,
                      _ ("The sign-in service refused: %s%s%s"), redirect->error,
                      redirect->error_description != NULL ? ": " : "",
                      redirect->error_description != NULL ? redirect->error_description : "");
}

static void
exchange_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  TftsrOAuthFlow *flow = source;
  const Param params[] = {
    { "grant_type", "authorization_code" },   { "code", data },
    { "redirect_uri", flow->redirect_uri },   { "code_verifier", flow->verifier },
    { "client_id", flow->client->client_id }, { "client_secret", flow->client->client_secret },
  };
  g_autoptr (TftsrOAuthTokens) tokens = NULL;
  g_autofree char *oauth_error = NULL;
  GError *error = NULL;

  if ((tokens = token_request (flow->client, params, G_N_ELEMENTS (params), cancellable,
                               &oauth_error, &error)) == NULL ||
      !tftsr_vault_put_oauth_tokens (flow->store, flow->connector, tokens, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static gboolean
on_redirect (TftsrOAuthRedirect *redirect, gpointer data)
{
  TftsrOAuthFlow *flow = data;
  GError *error = redirect_error (flow, redirect);
  g_autoptr (TftsrOAuthRedirect) owned = redirect;
  g_autoptr (GTask) task = NULL;

  if (error != NULL)
    {
      fail_waiting (flow, error);
      return FALSE;
    }
  task = stop_waiting (flow);
  g_task_set_task_data (task, g_steal_pointer (&redirect->code),
                        (GDestroyNotify) tftsr_secret_free);
  g_task_run_in_thread (task, exchange_thread);
  return TRUE;
}

void
tftsr_oauth_flow_run_async (TftsrOAuthFlow *flow, guint timeout_seconds, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (TFTSR_IS_OAUTH_FLOW (flow));
  g_return_if_fail (timeout_seconds > 0);

  task = g_task_new (flow, cancellable, callback, user_data);
  g_task_set_source_tag (task, tftsr_oauth_flow_run_async);
  if (flow->ran)
    {
      g_task_return_new_error (task, TFTSR_OAUTH_ERROR, TFTSR_OAUTH_ERROR_INVALID_CONFIG,
                               _ ("This sign-in already ran: start a new one"));
      return;
    }
  flow->ran = TRUE;
  flow->task = g_object_ref (task);
  flow->timeout = g_timeout_source_new_seconds (timeout_seconds);
  g_source_set_callback (flow->timeout, on_timeout, flow, NULL);
  g_source_attach (flow->timeout, g_task_get_context (task));
  if (cancellable != NULL)
    {
      flow->cancelled = g_cancellable_source_new (cancellable);
      g_source_set_callback (flow->cancelled, G_SOURCE_FUNC (on_cancelled), flow, NULL);
      g_source_attach (flow->cancelled, g_task_get_context (task));
    }
  tftsr_oauth_listener_start (flow->listener, on_redirect, flow);
}

gboolean
tftsr_oauth_flow_run_finish (TftsrOAuthFlow *flow, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, flow), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- using and ending a sign-in ---- */

static gboolean
needs_refresh (const TftsrOAuthTokens *tokens)
{
  return tokens->expires_at != 0 &&
         tokens->expires_at - now_seconds () < TFTSR_OAUTH_REFRESH_MARGIN;
}

/* @tokens renewed with their refresh token, and stored. A refused refresh token
 * (invalid_grant) removes them: they can never work again. */
static TftsrOAuthTokens *
refresh (TftsrStore *store, const char *connector, Client *client, TftsrOAuthTokens *tokens,
         GCancellable *cancellable, GError **error)
{
  const Param params[] = {
    { "grant_type", "refresh_token" },
    { "refresh_token", tokens->refresh_token },
    { "client_id", client->client_id },
    { "client_secret", client->client_secret },
  };
  g_autoptr (TftsrOAuthTokens) fresh = NULL;
  g_autofree char *oauth_error = NULL;
  g_autoptr (GError) local_error = NULL;

  fresh = token_request (client, params, G_N_ELEMENTS (params), cancellable, &oauth_error,
                         &local_error);
  if (fresh == NULL && g_strcmp0 (oauth_error, "invalid_grant") == 0)
    {
      tftsr_vault_delete_secret (store, connector, TFTSR_SECRET_OAUTH, NULL);
      g_set_error (error, TFTSR_OAUTH_ERROR, TFTSR_OAUTH_ERROR_SIGN_IN_AGAIN,
                   _ ("The sign-in of %s expired or was revoked: sign in again"), connector);
      return NULL;
    }
  if (fresh == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  /* Without rotation the old refresh token (and scope) stay valid. */
  if (fresh->refresh_token == NULL)
    fresh->refresh_token = g_steal_pointer (&tokens->refresh_token);
  if (fresh->scope == NULL)
    fresh->scope = g_steal_pointer (&tokens->scope);
  if (!tftsr_vault_put_oauth_tokens (store, connector, fresh, error))
    return NULL;
  return g_steal_pointer (&fresh);
}

/* The stored tokens, valid for TFTSR_OAUTH_REFRESH_MARGIN seconds at least if they can be;
 * called with refresh_lock held. */
static TftsrOAuthTokens *
usable_tokens (TftsrStore *store, const char *connector, Client *client, GCancellable *cancellable,
               GError **error)
{
  g_autoptr (TftsrOAuthTokens) tokens = NULL;
  g_autoptr (GError) local_error = NULL;
  TftsrOAuthTokens *fresh;

  if ((tokens = tftsr_vault_dup_oauth_tokens (store, connector, error)) == NULL)
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, TFTSR_OAUTH_ERROR, TFTSR_OAUTH_ERROR_SIGN_IN_AGAIN,
                     _ ("%s is not signed in: sign in"), connector);
      return NULL;
    }
  if (!needs_refresh (tokens))
    return g_steal_pointer (&tokens);
  if (tokens->refresh_token != NULL &&
      (fresh = refresh (store, connector, client, tokens, cancellable, &local_error)) != NULL)
    return fresh;
  /* A refresh that failed for now (a timeout, a 503) leaves a token that still works. */
  if (tokens->expires_at > now_seconds () &&
      !g_error_matches (local_error, TFTSR_OAUTH_ERROR, TFTSR_OAUTH_ERROR_SIGN_IN_AGAIN))
    return g_steal_pointer (&tokens);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  tftsr_vault_delete_secret (store, connector, TFTSR_SECRET_OAUTH, NULL);
  g_set_error (error, TFTSR_OAUTH_ERROR, TFTSR_OAUTH_ERROR_SIGN_IN_AGAIN,
               _ ("The sign-in of %s expired: sign in again"), connector);
  return NULL;
}

TftsrSecret *
tftsr_oauth_dup_access_token (TftsrStore *store, const char *connector,
                              const TftsrOAuthConfig *config, GCancellable *cancellable,
                              GError **error)
{
  g_autoptr (Client) client = NULL;
  g_autoptr (TftsrOAuthTokens) tokens = NULL;

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);
  g_return_val_if_fail (connector != NULL && config != NULL, NULL);

  if ((client = client_new (config, error)) == NULL)
    return NULL;
  g_mutex_lock (&refresh_lock);
  tokens = usable_tokens (store, connector, client, cancellable, error);
  g_mutex_unlock (&refresh_lock);
  return tokens != NULL ? g_steal_pointer (&tokens->access_token) : NULL;
}

/* Asks the RFC 7009 endpoint to revoke @token; the reason it did not, or NULL. */
static char *
revoke_token (Client *client, const char *token, const char *hint, GCancellable *cancellable)
{
  const Param params[] = {
    { "token", token },
    { "token_type_hint", hint },
    { "client_id", client->client_id },
    { "client_secret", client->client_secret },
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrHttpResponse) response =
      post_form (client->revoke_url, params, G_N_ELEMENTS (params), cancellable, &error);

  if (response == NULL)
    return g_strdup (error->message);
  /* RFC 7009 2.2: 200 also for a token that was already invalid. */
  if (response->status != 200)
    return g_strdup_printf (_ ("HTTP %u"), response->status);
  return NULL;
}

gboolean
tftsr_oauth_disconnect (TftsrStore *store, const char *connector, const TftsrOAuthConfig *config,
                        GCancellable *cancellable, GError **error)
{
  g_autoptr (Client) client = NULL;
  g_autoptr (TftsrOAuthTokens) tokens = NULL;
  g_autofree char *failure = NULL;

  g_return_val_if_fail (TFTSR_IS_STORE (store), FALSE);
  g_return_val_if_fail (connector != NULL && config != NULL, FALSE);

  if ((client = client_new (config, error)) == NULL)
    return FALSE;
  g_mutex_lock (&refresh_lock);
  /* Damaged tokens cannot be revoked but are removed all the same. */
  tokens = tftsr_vault_dup_oauth_tokens (store, connector, NULL);
  if (!tftsr_vault_delete_secret (store, connector, TFTSR_SECRET_OAUTH, error))
    {
      g_mutex_unlock (&refresh_lock);
      return FALSE;
    }
  g_mutex_unlock (&refresh_lock);
  if (tokens == NULL || client->revoke_url == NULL)
    return TRUE;
  /* The refresh token first: revoking it ends the grant on most services. */
  if (tokens->refresh_token != NULL)
    failure = revoke_token (client, tokens->refresh_token, "refresh_token", cancellable);
  if (failure == NULL)
    failure = revoke_token (client, tokens->access_token, "access_token", cancellable);
  if (failure == NULL)
    return TRUE;
  g_set_error (error, TFTSR_OAUTH_ERROR, TFTSR_OAUTH_ERROR_REVOKE,
               _ ("%s is signed out here, but the service did not confirm revoking its tokens "
                  "(%s): revoke tftsr’s access in the service’s settings"),
               connector, failure);
  return FALSE;
}
