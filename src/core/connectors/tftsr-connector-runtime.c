/* tftsr-connector-runtime.c: how a connector talks to its service
 *
 * One function sends: it adds the credentials and the connector's TLS, proxy and circuit
 * settings, records what leaves with egress and the call as an event of the run, and
 * turns an unhappy answer into a sentence that quotes the service.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "tftsr-connector-private.h"
#include "tftsr-egress.h"
#include "tftsr-oauth.h"

/* After this many failed calls in a row a connector rests for the cooldown. */
#define CIRCUIT_THRESHOLD 5
#define CIRCUIT_COOLDOWN 60
/* How much of a service's own error message an error quotes. */
#define QUOTE_MAX_CHARS 300
#define DEFAULT_TIMEOUT 60

/* --- circuits ------------------------------------------------------------------------- */

G_LOCK_DEFINE_STATIC (circuits);
static GHashTable *circuits;

TftsrCircuit *
tftsr_connector_circuit (const char *id)
{
  TftsrCircuit *circuit;

  G_LOCK (circuits);
  if (circuits == NULL)
    circuits = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                      (GDestroyNotify) tftsr_circuit_unref);
  circuit = g_hash_table_lookup (circuits, id);
  if (circuit == NULL)
    {
      circuit = tftsr_circuit_new (id, CIRCUIT_THRESHOLD, CIRCUIT_COOLDOWN);
      g_hash_table_insert (circuits, g_strdup (id), circuit);
    }
  G_UNLOCK (circuits);
  return circuit;
}

/* --- URLs ------------------------------------------------------------------------------ */

char *
tftsr_connector_url (const TftsrConnectorConfig *config, const char *path)
{
  gsize len = strlen (config->base_url);

  while (len > 0 && config->base_url[len - 1] == '/')
    len--;
  return g_strdup_printf ("%.*s%s%s", (int) len, config->base_url, *path == '/' ? "" : "/", path);
}

char *
tftsr_connector_escape (const char *segment)
{
  return g_uri_escape_string (segment != NULL ? segment : "", NULL, FALSE);
}

/* "https://host/path" without user, query or fragment; "https://host" for a secret URL. */
static char *
destination_of (const char *url, gboolean secret, char **path)
{
  g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  const char *p = uri != NULL ? g_uri_get_path (uri) : "";

  *path = g_strdup (secret || *p == '\0' ? "/" : p);
  if (uri == NULL)
    return g_strdup ("?");
  if (g_uri_get_port (uri) > 0)
    return g_strdup_printf ("%s://%s:%d%s", g_uri_get_scheme (uri), g_uri_get_host (uri),
                            g_uri_get_port (uri), secret ? "" : p);
  return g_strdup_printf ("%s://%s%s", g_uri_get_scheme (uri), g_uri_get_host (uri),
                          secret ? "" : p);
}

/* --- secrets --------------------------------------------------------------------------- */

static TftsrSecretKind
secret_kind (TftsrConnectorAuth auth)
{
  return auth == TFTSR_CONNECTOR_AUTH_BEARER ? TFTSR_SECRET_PAT : TFTSR_SECRET_API_TOKEN;
}

TftsrSecret *
tftsr_connector_dup_secret (TftsrConnectorCtx *ctx, GError **error)
{
  TftsrSecret *secret;

  if (ctx->candidate_secret != NULL)
    return g_strdup (ctx->candidate_secret);
  secret =
      tftsr_vault_dup_secret (ctx->store, ctx->config->id, secret_kind (ctx->config->auth), error);
  if (secret == NULL && (error == NULL || *error == NULL))
    g_set_error (error, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_AUTH,
                 _ ("“%s” has no stored credentials: enter them in its settings"), ctx->config->id);
  return secret;
}

gboolean
tftsr_connector_oauth_config (const TftsrConnectorConfig *config, json_object **holder,
                              TftsrOAuthConfig *out)
{
  json_object *options = json_tokener_parse (config->options), *oauth, *value;

  *holder = options;
  memset (out, 0, sizeof *out);
  if (options == NULL || !json_object_object_get_ex (options, "oauth", &oauth))
    return FALSE;
#define GET(member)                                                                                \
  (json_object_object_get_ex (oauth, #member, &value) ? json_object_get_string (value) : NULL)
  out->authorize_url = GET (authorize_url);
  out->token_url = GET (token_url);
  out->revoke_url = GET (revoke_url);
  out->client_id = GET (client_id);
  out->scope = GET (scope);
#undef GET
  out->redirect_port = json_object_object_get_ex (oauth, "redirect_port", &value)
                           ? (guint16) CLAMP (json_object_get_int (value), 0, 65535)
                           : 0;
  return TRUE;
}

TftsrOAuthFlow *
tftsr_connector_sign_in_new (TftsrStore *store, const TftsrConnectorConfig *config, GError **error)
{
  g_autoptr (json_object) holder = NULL;
  TftsrOAuthConfig oauth;

  if (config->auth != TFTSR_CONNECTOR_AUTH_OAUTH ||
      !tftsr_connector_oauth_config (config, &holder, &oauth))
    {
      g_set_error (error, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_INVALID,
                   _ ("“%s” does not sign in with OAuth: choose OAuth and enter its client id "
                      "and endpoints first"),
                   config->id);
      return NULL;
    }
  return tftsr_oauth_flow_new (store, config->id, &oauth, error);
}

static TftsrSecret *
authorization (TftsrConnectorCtx *ctx, GError **error)
{
  const TftsrConnectorConfig *config = ctx->config;
  g_autoptr (TftsrSecret) secret = NULL;

  switch (config->auth)
    {
    case TFTSR_CONNECTOR_AUTH_BASIC:
      {
        g_autoptr (TftsrSecret) pair = NULL;
        if ((secret = tftsr_connector_dup_secret (ctx, error)) == NULL)
          return NULL;
        pair = g_strdup_printf ("%s:%s", config->user != NULL ? config->user : "", secret);
        g_autoptr (TftsrSecret) encoded = g_base64_encode ((const guchar *) pair, strlen (pair));
        return g_strdup_printf ("Basic %s", encoded);
      }
    case TFTSR_CONNECTOR_AUTH_BEARER:
      if ((secret = tftsr_connector_dup_secret (ctx, error)) == NULL)
        return NULL;
      return g_strdup_printf ("Bearer %s", secret);
    case TFTSR_CONNECTOR_AUTH_OAUTH:
      {
        g_autoptr (json_object) holder = NULL;
        TftsrOAuthConfig oauth;
        if (!tftsr_connector_oauth_config (config, &holder, &oauth))
          {
            g_set_error_literal (error, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_INVALID,
                                 _ ("OAuth sign-in is chosen but not configured"));
            return NULL;
          }
        if ((secret = tftsr_oauth_dup_access_token (ctx->store, config->id, &oauth,
                                                    ctx->cancellable, error)) == NULL)
          return NULL;
        return g_strdup_printf ("Bearer %s", secret);
      }
    case TFTSR_CONNECTOR_AUTH_NONE:
    case TFTSR_CONNECTOR_AUTH_TOKEN:
    default:
      return g_strdup ("");
    }
}

/* --- errors ---------------------------------------------------------------------------- */

const char *
tftsr_json_path_string (json_object *object, const char *path)
{
  g_auto (GStrv) parts = g_strsplit (path, ".", -1);
  json_object *at = object;

  for (guint i = 0; parts[i] != NULL && at != NULL; i++)
    {
      json_object *next = NULL;
      if (json_object_is_type (at, json_type_array))
        {
          guint64 index;
          if (!g_ascii_string_to_unsigned (parts[i], 10, 0, G_MAXINT, &index, NULL))
            return NULL;
          next = json_object_array_get_idx (at, (size_t) index);
        }
      else if (!json_object_is_type (at, json_type_object) ||
               !json_object_object_get_ex (at, parts[i], &next))
        return NULL;
      at = next;
    }
  if (at == NULL ||
      !(json_object_is_type (at, json_type_string) || json_object_is_type (at, json_type_int)))
    return NULL;
  return json_object_get_string (at);
}

char *
tftsr_json_path_dup (json_object *object, const char *path)
{
  return g_strdup (tftsr_json_path_string (object, path));
}

/* The first error message the common error shapes hold (ServiceNow error.message, Jira
 * errorMessages, Atlassian/Azure/PagerDuty message, StackStorm faultstring…). */
static char *
service_message (GBytes *body)
{
  static const char *const paths[] = {
    "error.message", "error.detail", "errorMessages.0",   "errors.0.title", "errors.0",
    "message",       "faultstring",  "error_description", "error",
  };
  gsize len;
  const char *data = g_bytes_get_data (body, &len);
  g_autoptr (json_tokener) tok = json_tokener_new ();
  g_autoptr (json_object) reply =
      len > 0 ? json_tokener_parse_ex (tok, data, (int) MIN (len, G_MAXINT)) : NULL;
  json_object *errors;

  for (guint i = 0; reply != NULL && i < G_N_ELEMENTS (paths); i++)
    {
      const char *text = tftsr_json_path_string (reply, paths[i]);
      if (text != NULL && *text != '\0' && g_utf8_validate (text, -1, NULL))
        return g_utf8_substring (text, 0, MIN (g_utf8_strlen (text, -1), QUOTE_MAX_CHARS));
    }
  /* Jira's field errors: {"errors": {"priority": "…"}} */
  if (reply != NULL && json_object_object_get_ex (reply, "errors", &errors) &&
      json_object_is_type (errors, json_type_object))
    {
      json_object_object_foreach (errors, field, value) if (
          json_object_is_type (
              value, json_type_string)) return g_strdup_printf ("%s: %s", field,
                                                                json_object_get_string (value));
    }
  return NULL;
}

static void
set_status_error (TftsrConnectorCtx *ctx, const TftsrHttpResponse *response, GError **error)
{
  const char *service = tftsr_connector_kind_get_label (ctx->config->kind);
  g_autofree char *quoted = service_message (response->body);
  g_autofree char *said = quoted != NULL ? g_strdup_printf (" “%s”", quoted) : g_strdup ("");
  guint s = response->status;

  if (s == 401)
    g_set_error (error, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_AUTH,
                 _ ("%s refused the credentials (401)%s: check the user name and token"), service,
                 said);
  else if (s == 403)
    g_set_error (error, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_FORBIDDEN,
                 _ ("%s denied access (403)%s: the account lacks the permission"), service, said);
  else if (s == 404)
    g_set_error (error, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_NOT_FOUND,
                 _ ("%s has no such item (404)%s"), service, said);
  else if (s == 409)
    g_set_error (error, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_CONFLICT,
                 _ ("%s reported a conflict (409)%s: it was changed there meanwhile"), service,
                 said);
  else if (s == 429)
    g_set_error (error, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_RATE_LIMITED,
                 _ ("%s is limiting requests (429); try again in %u s"), service,
                 MAX (response->retry_after, 1u));
  else if (s >= 500)
    g_set_error (error, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_SERVER,
                 _ ("%s failed (%u)%s; try again later"), service, s, said);
  else
    g_set_error (error, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_REJECTED,
                 _ ("%s refused the request (%u)%s"), service, s, said);
}

/* A transport failure after the request left may hide a service that acted on it. */
static void
set_transport_error (TftsrConnectorCtx *ctx, TftsrCallFlags flags, GError *net, GError **error)
{
  const char *service = tftsr_connector_kind_get_label (ctx->config->kind);

  if ((flags & TFTSR_CALL_NOT_REPEATABLE) != 0 &&
      (g_error_matches (net, TFTSR_NET_ERROR, TFTSR_NET_ERROR_TIMEOUT) ||
       g_error_matches (net, TFTSR_NET_ERROR, TFTSR_NET_ERROR_FAILED)))
    {
      g_set_error (error, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_UNKNOWN_OUTCOME,
                   _ ("No answer from %s after sending (%s); it may have acted on the request"),
                   service, net->message);
      g_error_free (net);
      return;
    }
  if (g_error_matches (net, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_propagate_error (error, net);
  else
    g_propagate_prefixed_error (error, net, _ ("Could not reach %s: "), service);
}

/* --- waiting ---------------------------------------------------------------------------- */

typedef struct
{
  GMutex lock;
  GCond cond;
  gboolean cancelled;
} Waiter;

static void
on_cancelled (GCancellable *cancellable, gpointer data)
{
  Waiter *waiter = data;

  g_mutex_lock (&waiter->lock);
  waiter->cancelled = TRUE;
  g_cond_signal (&waiter->cond);
  g_mutex_unlock (&waiter->lock);
}

gboolean
tftsr_connector_pause (GCancellable *cancellable, guint ms)
{
  Waiter waiter = { 0 };
  gint64 end = g_get_monotonic_time () + (gint64) ms * G_TIME_SPAN_MILLISECOND;
  gulong handler;
  gboolean cancelled;

  if (cancellable == NULL)
    {
      g_usleep ((gulong) ms * 1000);
      return TRUE;
    }
  g_mutex_init (&waiter.lock);
  g_cond_init (&waiter.cond);
  /* Connecting to a cancellable already cancelled calls on_cancelled at once. */
  handler = g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled), &waiter, NULL);
  g_mutex_lock (&waiter.lock);
  while (!waiter.cancelled && g_cond_wait_until (&waiter.cond, &waiter.lock, end))
    ;
  cancelled = waiter.cancelled;
  g_mutex_unlock (&waiter.lock);
  g_cancellable_disconnect (cancellable, handler);
  g_cond_clear (&waiter.cond);
  g_mutex_clear (&waiter.lock);
  return !cancelled;
}

gpointer
tftsr_connector_bad_reply (const TftsrConnectorCtx *ctx, const char *member, GError **error)
{
  g_set_error (error, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_BAD_REPLY,
               _ ("%s answered without “%s”: is the URL that of the service’s API?"),
               tftsr_connector_kind_get_label (ctx->config->kind), member);
  return NULL;
}

gboolean
tftsr_connector_add_items (TftsrConnectorCtx *ctx, json_object *array, const char *member,
                           TftsrItemFromJson item_from, guint limit, GPtrArray *items,
                           GError **error)
{
  if (!json_object_is_type (array, json_type_array))
    {
      tftsr_connector_bad_reply (ctx, member, error);
      return FALSE;
    }
  for (gsize i = 0; i < json_object_array_length (array) && items->len < limit; i++)
    {
      TftsrExternalItem *item = item_from (ctx, json_object_array_get_idx (array, i), error);

      if (item == NULL)
        return FALSE;
      g_ptr_array_add (items, item);
    }
  return TRUE;
}

const char *
tftsr_connector_json_text (json_object *object)
{
  return json_object_to_json_string_ext (object,
                                         JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
}

char *
tftsr_connector_one_line (const char *text, guint max_chars)
{
  g_autofree char *valid = g_utf8_make_valid (text != NULL ? text : "", -1);
  GString *line = g_string_new (NULL);
  guint n = 0;

  for (const char *p = valid; *p != '\0' && n < max_chars; p = g_utf8_next_char (p), n++)
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c))
        g_string_append_c (line, ' ');
      else
        g_string_append_unichar (line, c);
    }
  g_strstrip (line->str);
  g_string_set_size (line, strlen (line->str));
  return g_string_free (line, FALSE);
}

/* --- the call -------------------------------------------------------------------------- */

void
tftsr_connector_event_free (TftsrConnectorEvent *event)
{
  g_free (event->method);
  g_free (event->path);
  g_free (event->error);
  g_free (event->payload_sha256);
  g_free (event);
}

/* Seconds one attempt may take: the option "timeout" (1–600), else 60. */
static guint
call_timeout (const TftsrConnectorConfig *config)
{
  g_autofree char *option = tftsr_connector_config_dup_option (config, "timeout");
  guint64 seconds = DEFAULT_TIMEOUT;

  if (option != NULL && !g_ascii_string_to_unsigned (option, 10, 1, 600, &seconds, NULL))
    seconds = DEFAULT_TIMEOUT;
  return (guint) seconds;
}

static TftsrHttpRequest *
request_new (TftsrConnectorCtx *ctx, const char *method, const char *url, const char *content_type,
             GBytes *body, const char *const *headers, TftsrCallFlags flags, GError **error)
{
  const TftsrConnectorConfig *config = ctx->config;
  g_autoptr (TftsrHttpRequest) request = tftsr_http_request_new (method, url);
  g_autoptr (TftsrSecret) auth = NULL;
  guint timeout;

  if ((flags & TFTSR_CALL_NO_AUTH) == 0)
    {
      if ((auth = authorization (ctx, error)) == NULL)
        return NULL;
      if (*auth != '\0')
        tftsr_http_request_add_secret_header (request, "Authorization", auth);
    }
  tftsr_http_request_add_header (request, "Accept", "application/json");
  for (guint i = 0; headers != NULL && headers[i] != NULL && headers[i + 1] != NULL; i += 2)
    tftsr_http_request_add_secret_header (request, headers[i], headers[i + 1]);
  if (body != NULL)
    tftsr_http_request_set_body (request, content_type != NULL ? content_type : "application/json",
                                 body);
  tftsr_http_request_set_insecure (request, config->insecure);
  if (config->ca_file != NULL && *config->ca_file != '\0')
    tftsr_http_request_set_ca_file (request, config->ca_file);
  if (config->proxy != NULL)
    tftsr_http_request_set_proxy (request, config->proxy);
  timeout = call_timeout (config);
  tftsr_http_request_set_timeouts (request, MIN (timeout, 10u), MIN (timeout, 30u));
  tftsr_http_request_set_total_timeout (request, timeout);
  tftsr_http_request_set_not_repeatable (request, (flags & TFTSR_CALL_NOT_REPEATABLE) != 0);
  tftsr_http_request_set_secret_url (request, (flags & TFTSR_CALL_SECRET_URL) != 0);
  tftsr_http_request_set_circuit (request, tftsr_connector_circuit (config->id));
  return g_steal_pointer (&request);
}

/* One call: @sha256 is of what it carried out (NULL: nothing recorded). */
typedef struct
{
  const char *method;
  const char *path;
  gint64 started;
  char *sha256;
} Call;

static void
call_clear (Call *call)
{
  g_clear_pointer (&call->sha256, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Call, call_clear)

static void
add_event (TftsrConnectorCtx *ctx, const Call *call, guint status, guint attempts,
           const GError *error)
{
  TftsrConnectorEvent *event = g_new0 (TftsrConnectorEvent, 1);

  event->method = g_strdup (call->method);
  event->path = g_strdup (call->path);
  event->status = status;
  event->attempts = MAX (attempts, 1u);
  event->latency_ms = (guint) ((g_get_monotonic_time () - call->started) / 1000);
  event->error = error != NULL ? g_strdup (error->message) : NULL;
  event->payload_sha256 = g_strdup (call->sha256);
  if (ctx->events == NULL)
    ctx->events = g_ptr_array_new_with_free_func ((GDestroyNotify) tftsr_connector_event_free);
  g_ptr_array_add (ctx->events, event);
  ctx->last_status = status;
}

/* The departure: a body, or the query string of a call that carries the user's text there
 * (a search). Nothing is recorded when nothing will leave: the circuit is open. The run
 * keeps the SHA-256 of its last body (or, without one, of its last query). */
static gboolean
record_departure (TftsrConnectorCtx *ctx, Call *call, const char *destination, const char *url,
                  GBytes *body, TftsrCallFlags flags, GError **error)
{
  g_autoptr (GBytes) query = NULL;
  g_autoptr (TftsrEgressReceipt) receipt = NULL;
  const char *q = strchr (url, '?');

  if (tftsr_circuit_get_state (tftsr_connector_circuit (ctx->config->id)) == TFTSR_CIRCUIT_OPEN ||
      (body == NULL && (q == NULL || (flags & TFTSR_CALL_TEXT_QUERY) == 0)))
    return TRUE;
  if (body == NULL)
    query = g_bytes_new (q + 1, strlen (q + 1));
  receipt = tftsr_egress_record (ctx->store, ctx->issue_id, destination,
                                 body != NULL ? body : query, ctx->counts, error);
  if (receipt == NULL)
    return FALSE;
  call->sha256 = g_strdup (tftsr_egress_receipt_get_sha256 (receipt));
  if (body != NULL || ctx->payload_sha256 == NULL)
    {
      g_free (ctx->payload_sha256);
      ctx->payload_sha256 = g_strdup (call->sha256);
    }
  return TRUE;
}

static gboolean
keep_preview (TftsrConnectorCtx *ctx, const char *method, const char *destination,
              const char *content_type, const char *body, GError **error)
{
  ctx->preview_text =
      g_strdup_printf ("%s %s\nContent-Type: %s\n\n%s", method, destination,
                       content_type != NULL ? content_type : "application/json", body);
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "preview");
  return FALSE;
}

static gboolean
parse_reply (TftsrConnectorCtx *ctx, GBytes *body, json_object **reply, GError **error)
{
  gsize len;
  const char *data = g_bytes_get_data (body, &len);
  g_autoptr (json_tokener) tok = json_tokener_new ();
  json_object *parsed;

  if (len == 0)
    {
      *reply = NULL;
      return TRUE;
    }
  parsed = json_tokener_parse_ex (tok, data, (int) MIN (len, (gsize) G_MAXINT));
  if (parsed == NULL || json_tokener_get_error (tok) != json_tokener_success ||
      (gsize) json_tokener_get_parse_end (tok) < len)
    {
      json_object_put (parsed);
      g_set_error (error, TFTSR_CONNECTOR_ERROR, TFTSR_CONNECTOR_ERROR_BAD_REPLY,
                   _ ("%s answered with something that is not JSON: is the URL that of the "
                      "service’s API?"),
                   tftsr_connector_kind_get_label (ctx->config->kind));
      return FALSE;
    }
  *reply = parsed;
  return TRUE;
}

/* The part of a call after the answer came: statuses become errors, bodies JSON. */
static gboolean
take_answer (TftsrConnectorCtx *ctx, const Call *call, const TftsrHttpResponse *response,
             TftsrCallFlags flags, json_object **reply, GError **error)
{
  GError *local = NULL;

  if (response->status < 200 || response->status >= 300)
    {
      set_status_error (ctx, response, &local);
      add_event (ctx, call, response->status, response->attempts, local);
      g_propagate_error (error, local);
      return FALSE;
    }
  add_event (ctx, call, response->status, response->attempts, NULL);
  if ((flags & TFTSR_CALL_NO_JSON) != 0 || reply == NULL)
    return TRUE;
  return parse_reply (ctx, response->body, reply, error);
}

static gboolean
replay (TftsrConnectorCtx *ctx, const Call *call, TftsrCallFlags flags, json_object **reply,
        GError **error)
{
  g_autoptr (GBytes) body = g_steal_pointer (&ctx->replay_body);
  TftsrHttpResponse response = { ctx->replay_status, NULL, body, 0, 1 };

  if (body == NULL)
    {
      g_set_error_literal (error, TFTSR_NET_ERROR, TFTSR_NET_ERROR_FAILED,
                           "The connection closed before the reply was complete");
      return FALSE;
    }
  return take_answer (ctx, call, &response, flags, reply, error);
}

/* A body that holds a secret (PagerDuty's routing key) is zeroed when freed. */
static void
wipe_body (gpointer data)
{
  explicit_bzero (data, strlen (data));
  g_free (data);
}

gboolean
tftsr_connector_call (TftsrConnectorCtx *ctx, const char *method, const char *url,
                      const char *content_type, const char *body, const char *const *headers,
                      TftsrCallFlags flags, json_object **reply, GError **error)
{
  gboolean secret_url = (flags & TFTSR_CALL_SECRET_URL) != 0;
  g_autofree char *path = NULL;
  g_autofree char *destination = destination_of (url, secret_url, &path);
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (TftsrHttpRequest) request = NULL;
  g_autoptr (TftsrHttpResponse) response = NULL;
  g_auto (Call) call = { method, path, g_get_monotonic_time (), NULL };
  GError *local = NULL;

  if (reply != NULL)
    *reply = NULL;
  if (ctx->preview && body != NULL)
    return keep_preview (ctx, method, secret_url ? destination : url, content_type, body, error);
  if (ctx->replay)
    return replay (ctx, &call, flags, reply, error);
  if (body != NULL && (flags & TFTSR_CALL_SECRET_BODY) != 0)
    {
      char *copy = g_strdup (body);
      bytes = g_bytes_new_with_free_func (copy, strlen (copy), wipe_body, copy);
    }
  else if (body != NULL)
    bytes = g_bytes_new (body, strlen (body));
  if ((request = request_new (ctx, method, url, content_type, bytes, headers, flags, error)) ==
          NULL ||
      !record_departure (ctx, &call, destination, url, bytes, flags, error))
    return FALSE;
  response = tftsr_http_perform (request, NULL, NULL, ctx->cancellable, &local);
  if (response == NULL)
    {
      add_event (ctx, &call, 0, 1, local);
      set_transport_error (ctx, flags, local, error);
      return FALSE;
    }
  return take_answer (ctx, &call, response, flags, reply, error);
}

/* --- helpers for connectors ------------------------------------------------------------- */

char *
tftsr_connector_map (TftsrConnectorCtx *ctx, const char *field, const char *severity)
{
  return tftsr_connector_config_dup_mapping (ctx->config, field, severity);
}

TftsrExternalItem *
tftsr_external_item_new (const char *id, const char *key, const char *title, const char *status,
                         const char *url)
{
  TftsrExternalItem *item = g_new0 (TftsrExternalItem, 1);

  item->id = g_strdup (id);
  item->key = g_strdup (key != NULL ? key : id);
  item->title = g_strdup (title);
  item->status = g_strdup (status);
  item->url = g_strdup (url);
  return item;
}

void
tftsr_external_item_free (TftsrExternalItem *item)
{
  if (item == NULL)
    return;
  g_free (item->id);
  g_free (item->key);
  g_free (item->title);
  g_free (item->status);
  g_free (item->url);
  g_free (item);
}
