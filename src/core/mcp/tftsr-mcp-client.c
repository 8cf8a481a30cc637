/* tftsr-mcp-client.c: an MCP session: requests and their answers, the lifecycle, the
 * calls
 *
 * Requests block the calling thread on a condition until their answer arrives, the
 * request's deadline passes or its cancellable fires; answers are matched by id whichever
 * thread delivers them (the stdio reader thread, or the HTTP POST's own thread). A request
 * given up on is cancelled at the server (notifications/cancelled), so the session stays
 * usable; a late answer to it is dropped.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>
#include <string.h>

#include "tftsr-mcp-client-private.h"

enum
{
  SIGNAL_TOOLS_CHANGED,
  SIGNAL_CLOSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (TftsrMcpClient, tftsr_mcp_client, G_TYPE_OBJECT)

/* ------------------------------------------------------------------------------------------
 * Signals, always from the creating thread's main context (never inline in a reader).
 */

typedef struct
{
  TftsrMcpClient *client;
  guint signal;
  char *reason;
} Emission;

static gboolean
emit_in_context (gpointer data)
{
  Emission *emission = data;

  if (emission->signal == SIGNAL_CLOSED)
    g_signal_emit (emission->client, signals[SIGNAL_CLOSED], 0, emission->reason);
  else
    g_signal_emit (emission->client, signals[emission->signal], 0);
  return G_SOURCE_REMOVE;
}

static void
emission_free (gpointer data)
{
  Emission *emission = data;

  g_object_unref (emission->client);
  g_free (emission->reason);
  g_free (emission);
}

static void
emit_later (TftsrMcpClient *self, guint signal, const char *reason)
{
  Emission *emission = g_new0 (Emission, 1);
  g_autoptr (GSource) source = g_idle_source_new ();

  emission->client = g_object_ref (self);
  emission->signal = signal;
  emission->reason = g_strdup (reason);
  g_source_set_callback (source, emit_in_context, emission, emission_free);
  g_source_attach (source, self->context);
}

/* ------------------------------------------------------------------------------------------
 * Object
 */

static void close_session (TftsrMcpClient *self, gboolean emit);

static void
tftsr_mcp_client_dispose (GObject *object)
{
  TftsrMcpClient *self = TFTSR_MCP_CLIENT (object);

  /* No "closed" now: an emission would hold a reference to an object going away. */
  close_session (self, FALSE);
  tftsr_mcp_clients_unregister (self, self->server->name);
  G_OBJECT_CLASS (tftsr_mcp_client_parent_class)->dispose (object);
}

static void
tftsr_mcp_client_finalize (GObject *object)
{
  TftsrMcpClient *self = TFTSR_MCP_CLIENT (object);

  g_clear_pointer (&self->stdio, tftsr_mcp_stdio_free);
  g_clear_pointer (&self->http, tftsr_mcp_http_free);
  g_clear_object (&self->store);
  tftsr_mcp_server_free (self->server);
  g_main_context_unref (self->context);
  g_clear_pointer (&self->log, tftsr_mcp_log_unref);
  g_hash_table_unref (self->pending);
  g_free (self->closed_reason);
  g_free (self->protocol_version);
  g_free (self->server_name);
  g_free (self->server_version);
  g_free (self->instructions);
  g_clear_pointer (&self->tools, g_ptr_array_unref);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  G_OBJECT_CLASS (tftsr_mcp_client_parent_class)->finalize (object);
}

static void
tftsr_mcp_client_class_init (TftsrMcpClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tftsr_mcp_client_dispose;
  object_class->finalize = tftsr_mcp_client_finalize;
  signals[SIGNAL_TOOLS_CHANGED] =
      g_signal_new ("tools-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                    NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_CLOSED] = g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                         NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
tftsr_mcp_client_init (TftsrMcpClient *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->next_id = 1;
  self->pending = g_hash_table_new (g_int64_hash, g_int64_equal);
}

TftsrMcpClient *
tftsr_mcp_client_new (TftsrStore *store, const TftsrMcpServer *server)
{
  TftsrMcpClient *self = NULL;

  g_return_val_if_fail (store == NULL || TFTSR_IS_STORE (store), NULL);
  g_return_val_if_fail (server != NULL && server->name != NULL, NULL);

  self = g_object_new (TFTSR_TYPE_MCP_CLIENT, NULL);
  self->store = store != NULL ? g_object_ref (store) : NULL;
  self->server = tftsr_mcp_server_copy (server);
  self->context = g_main_context_ref_thread_default ();
  return self;
}

const TftsrMcpServer *
tftsr_mcp_client_get_server (TftsrMcpClient *self)
{
  g_return_val_if_fail (TFTSR_IS_MCP_CLIENT (self), NULL);
  return self->server;
}

static guint
default_timeout (TftsrMcpClient *self)
{
  return self->server->timeout_ms != 0 ? self->server->timeout_ms : TFTSR_MCP_DEFAULT_TIMEOUT_MS;
}

/* ------------------------------------------------------------------------------------------
 * Answers arriving
 */

static void
resolve (TftsrMcpClient *self, gint64 id, json_object *result, json_object *error_object)
{
  TftsrMcpPending *pending = NULL;

  g_mutex_lock (&self->lock);
  pending = g_hash_table_lookup (self->pending, &id);
  if (pending != NULL && !pending->done)
    {
      const char *message = tftsr_mcp_json_string (error_object, "message");
      pending->done = TRUE;
      pending->result = result != NULL ? json_object_get (result) : NULL;
      if (error_object != NULL)
        {
          g_autofree char *shown = tftsr_mcp_excerpt (message != NULL ? message : "",
                                                      message != NULL ? strlen (message) : 0, 300);
          pending->error_object = json_object_get (error_object);
          pending->error = g_error_new (TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_SERVER,
                                        _ ("The MCP server answered with an error: %s"), shown);
        }
      g_cond_broadcast (&self->cond);
    }
  else
    g_debug ("MCP server %s: an answer to request %" G_GINT64_FORMAT " nobody waits for",
             self->server->name, id);
  g_mutex_unlock (&self->lock);
}

void
tftsr_mcp_client_resolve_error (TftsrMcpClient *self, gint64 id, json_object *error_object)
{
  resolve (self, id, NULL, error_object);
}

void
tftsr_mcp_client_send_reply (TftsrMcpClient *self, const char *text)
{
  g_autoptr (GError) error = NULL;
  gboolean ok =
      self->stdio != NULL
          ? tftsr_mcp_stdio_send (self->stdio, text, g_get_monotonic_time () + 5 * G_USEC_PER_SEC,
                                  NULL, &error)
          : tftsr_mcp_http_send (self->http, text, -1, 5000, NULL, &error);

  if (!ok)
    g_debug ("MCP server %s: could not answer its request: %s", self->server->name, error->message);
}

/* The server asks something of us. We declare no client capabilities, so only ping is
 * answered; anything else is "method not found", as JSON-RPC says. */
static void
answer_request (TftsrMcpClient *self, const TftsrJsonRpcMessage *message)
{
  g_autofree char *text = NULL;

  if (g_strcmp0 (message->method, "ping") == 0)
    {
      g_autoptr (json_object) empty = json_object_new_object ();
      text = tftsr_jsonrpc_result (message->raw_id, empty);
    }
  else
    text =
        tftsr_jsonrpc_error (message->raw_id, TFTSR_JSONRPC_METHOD_NOT_FOUND, "Method not found");
  tftsr_mcp_client_send_reply (self, text);
}

static void
log_notification (TftsrMcpClient *self, json_object *params)
{
  const char *level = tftsr_mcp_json_string (params, "level");
  json_object *data = NULL;
  g_autofree char *line = NULL;

  json_object_object_get_ex (params, "data", &data);
  line = g_strdup_printf (
      "[%s] %s", level != NULL ? level : "log",
      data != NULL ? json_object_to_json_string_ext (data, JSON_C_TO_STRING_PLAIN) : "");
  if (self->log != NULL)
    tftsr_mcp_log_append_line (self->log, line);
}

static void
handle_notification (TftsrMcpClient *self, const TftsrJsonRpcMessage *message)
{
  if (g_strcmp0 (message->method, "notifications/tools/list_changed") == 0)
    {
      g_mutex_lock (&self->lock);
      self->tools_stale = TRUE;
      g_mutex_unlock (&self->lock);
      emit_later (self, SIGNAL_TOOLS_CHANGED, NULL);
    }
  else if (g_strcmp0 (message->method, "notifications/message") == 0)
    log_notification (self, message->params);
}

gboolean
tftsr_mcp_client_dispatch (TftsrMcpClient *self, const char *text, gsize len, gint64 answering,
                           GError **error)
{
  TftsrJsonRpcMessage message;

  if (!tftsr_jsonrpc_parse (text, len, &message, error))
    return FALSE;
  switch (message.kind)
    {
    case TFTSR_JSONRPC_RESULT:
      resolve (self, message.id, message.result, NULL);
      break;
    case TFTSR_JSONRPC_ERROR:
      {
        json_object *err = NULL;
        json_object_object_get_ex (message.root, "error", &err);
        /* An error with a null id is about a message the server could not read: in the
         * answer to a POST, that request's; elsewhere nothing we wait for (never guessed:
         * on the HTTP server's own stream it would fail an unrelated call), but worth
         * keeping. */
        if (message.id >= 0 || answering >= 0)
          resolve (self, message.id >= 0 ? message.id : answering, NULL, err);
        else if (self->log != NULL)
          tftsr_mcp_log_append_line (self->log, message.error_message);
        break;
      }
    case TFTSR_JSONRPC_REQUEST:
      answer_request (self, &message);
      break;
    case TFTSR_JSONRPC_NOTIFICATION:
      handle_notification (self, &message);
      break;
    }
  tftsr_jsonrpc_message_clear (&message);
  return TRUE;
}

static void
fail_pending (TftsrMcpClient *self, const GError *error)
{
  GHashTableIter iter;
  TftsrMcpPending *pending = NULL;

  g_hash_table_iter_init (&iter, self->pending);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &pending))
    if (!pending->done)
      {
        pending->done = TRUE;
        pending->error = g_error_copy (error);
      }
  g_cond_broadcast (&self->cond);
}

void
tftsr_mcp_client_fail_all (TftsrMcpClient *self, const GError *error)
{
  gboolean first = FALSE;

  g_mutex_lock (&self->lock);
  if (!self->closed && self->closed_reason == NULL)
    {
      first = TRUE;
      self->closed_reason = g_strdup (error->message);
      self->connected = FALSE;
      fail_pending (self, error);
    }
  g_mutex_unlock (&self->lock);
  if (first)
    emit_later (self, SIGNAL_CLOSED, error->message);
}

/* ------------------------------------------------------------------------------------------
 * Requests going out
 */

static gboolean
transport_send (TftsrMcpClient *self, const char *text, gint64 id, gint64 deadline,
                GCancellable *cancellable, GError **error)
{
  gint64 left_ms = (deadline - g_get_monotonic_time ()) / 1000;

  if (left_ms <= 0)
    {
      g_set_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_TIMEOUT,
                   _ ("The MCP server did not answer in time."));
      return FALSE;
    }
  if (self->stdio != NULL)
    return tftsr_mcp_stdio_send (self->stdio, text, deadline, cancellable, error);
  return tftsr_mcp_http_send (self->http, text, id, (guint) left_ms, cancellable, error);
}

static void
wake (GCancellable *cancellable, gpointer data)
{
  TftsrMcpClient *self = data;

  g_mutex_lock (&self->lock);
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

/* Waits for @pending; the lock is held by the caller. */
static gboolean
wait_answer (TftsrMcpClient *self, TftsrMcpPending *pending, gint64 deadline, guint timeout_ms,
             GCancellable *cancellable, GError **error)
{
  while (!pending->done)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (self->http != NULL)
        {
          /* The POST is over: its answer held no reply to this request. */
          g_set_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_PROTOCOL,
                       _ ("The MCP server's answer did not hold a reply to the request."));
          return FALSE;
        }
      if (!g_cond_wait_until (&self->cond, &self->lock, deadline) && !pending->done)
        {
          g_set_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_TIMEOUT,
                       _ ("The MCP server did not answer within %.1f seconds."),
                       timeout_ms / 1000.0);
          return FALSE;
        }
    }
  return TRUE;
}

static void
send_cancelled (TftsrMcpClient *self, gint64 id, const char *reason)
{
  g_autoptr (json_object) params = json_object_new_object ();
  g_autofree char *text = NULL;

  json_object_object_add (params, "requestId", json_object_new_int64 (id));
  json_object_object_add (params, "reason", json_object_new_string (reason));
  text = tftsr_jsonrpc_notification ("notifications/cancelled", params);
  tftsr_mcp_client_send_reply (self, text);
}

static gboolean
usable (TftsrMcpClient *self, GError **error)
{
  if (self->closed_reason != NULL)
    g_set_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_CLOSED, "%s", self->closed_reason);
  else if (self->closed || (self->stdio == NULL && self->http == NULL))
    g_set_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_NOT_CONNECTED,
                 _ ("The MCP server “%s” is not connected."), self->server->name);
  else
    return TRUE;
  return FALSE;
}

/* Sends request @method and waits for its result (a new reference). On a JSON-RPC error,
 * *@error_object (when asked for) gets the error member. */
static json_object *
request_full (TftsrMcpClient *self, const char *method, json_object *params, guint timeout_ms,
              GCancellable *cancellable, json_object **error_object, GError **error)
{
  TftsrMcpPending pending = { 0 };
  g_autofree char *text = NULL;
  guint timeout = timeout_ms != 0 ? timeout_ms : default_timeout (self);
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout * 1000;
  gulong handler = 0;
  gboolean ok = FALSE;
  GError *local = NULL;

  g_mutex_lock (&self->lock);
  if (!usable (self, error))
    {
      g_mutex_unlock (&self->lock);
      return NULL;
    }
  pending.id = self->next_id++;
  g_hash_table_insert (self->pending, &pending.id, &pending);
  g_mutex_unlock (&self->lock);

  text = tftsr_jsonrpc_request (pending.id, method, params);
  if (cancellable != NULL)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (wake), self, NULL);
  ok = transport_send (self, text, pending.id, deadline, cancellable, &local);
  g_mutex_lock (&self->lock);
  if (ok || pending.done)
    ok = wait_answer (self, &pending, deadline, timeout, cancellable, &local);
  g_hash_table_remove (self->pending, &pending.id);
  g_mutex_unlock (&self->lock);
  g_cancellable_disconnect (cancellable, handler);

  if (!ok && pending.error == NULL &&
      (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
       g_error_matches (local, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_TIMEOUT)))
    send_cancelled (self, pending.id,
                    local->domain == G_IO_ERROR ? "Cancelled by the user" : "Timed out");
  if (ok && pending.error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&pending.error));
      g_clear_error (&local);
    }
  else if (!ok)
    {
      g_propagate_error (error, local);
      g_clear_error (&pending.error);
    }
  if (error_object != NULL)
    *error_object = g_steal_pointer (&pending.error_object);
  g_clear_pointer (&pending.error_object, json_object_put);
  if (!ok || (error != NULL && *error != NULL))
    g_clear_pointer (&pending.result, json_object_put);
  return ok ? pending.result : NULL;
}

static json_object *
request (TftsrMcpClient *self, const char *method, json_object *params, guint timeout_ms,
         GCancellable *cancellable, GError **error)
{
  return request_full (self, method, params, timeout_ms, cancellable, NULL, error);
}

/* ------------------------------------------------------------------------------------------
 * The lifecycle
 */

static json_object *
initialize_params (void)
{
  json_object *params = json_object_new_object ();
  json_object *info = json_object_new_object ();

  json_object_object_add (params, "protocolVersion",
                          json_object_new_string (TFTSR_MCP_PROTOCOL_VERSION));
  json_object_object_add (params, "capabilities", json_object_new_object ());
  json_object_object_add (info, "name", json_object_new_string ("tftsr"));
  json_object_object_add (info, "version", json_object_new_string (TFTSR_VERSION));
  json_object_object_add (params, "clientInfo", info);
  return params;
}

static void
keep_server_info (TftsrMcpClient *self, json_object *result, const char *version)
{
  json_object *info = NULL, *capabilities = NULL, *member = NULL;

  json_object_object_get_ex (result, "serverInfo", &info);
  json_object_object_get_ex (result, "capabilities", &capabilities);
  g_mutex_lock (&self->lock);
  self->protocol_version = g_strdup (version);
  self->server_name = g_strdup (tftsr_mcp_json_string (info, "name"));
  self->server_version = g_strdup (tftsr_mcp_json_string (info, "version"));
  self->instructions = g_strdup (tftsr_mcp_json_string (result, "instructions"));
  self->has_tools = json_object_object_get_ex (capabilities, "tools", &member);
  self->has_resources = json_object_object_get_ex (capabilities, "resources", &member);
  g_mutex_unlock (&self->lock);
}

static gboolean
initialize (TftsrMcpClient *self, GCancellable *cancellable, GError **error)
{
  g_autoptr (json_object) params = initialize_params ();
  g_autoptr (json_object) error_object = NULL;
  g_autoptr (json_object) result = NULL;
  g_autofree char *initialized = NULL;
  g_autoptr (GError) local = NULL;
  const char *version = NULL;

  result = request_full (self, "initialize", params, 0, cancellable, &error_object, &local);
  if (result == NULL && error_object != NULL)
    {
      json_object *code = NULL, *data = NULL;
      const char *message = tftsr_mcp_json_string (error_object, "message");
      json_object_object_get_ex (error_object, "code", &code);
      json_object_object_get_ex (error_object, "data", &data);
      tftsr_mcp_set_initialize_error (json_object_get_int64 (code), message != NULL ? message : "",
                                      data, error);
      return FALSE;
    }
  if (result == NULL)
    return g_propagate_error (error, g_steal_pointer (&local)), FALSE;
  if (!tftsr_mcp_check_initialize_result (result, &version, error))
    return FALSE;
  keep_server_info (self, result, version);
  initialized = tftsr_jsonrpc_notification ("notifications/initialized", NULL);
  return transport_send (self, initialized, -1,
                         g_get_monotonic_time () + (gint64) default_timeout (self) * 1000,
                         cancellable, error);
}

static gboolean
start_transport (TftsrMcpClient *self, GCancellable *cancellable, GError **error)
{
  g_autoptr (TftsrMcpResolved) secrets =
      tftsr_mcp_store_resolve_secrets (self->store, self->server, cancellable, error);

  if (secrets == NULL)
    return FALSE;
  self->log = tftsr_mcp_log_begin (self->server->name);
  if (self->server->transport == TFTSR_MCP_TRANSPORT_STDIO)
    return (self->stdio = tftsr_mcp_stdio_start (self, self->server, secrets, error)) != NULL;
  self->http = tftsr_mcp_http_new (self, self->server, g_steal_pointer (&secrets));
  return TRUE;
}

gboolean
tftsr_mcp_client_connect (TftsrMcpClient *self, GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (TFTSR_IS_MCP_CLIENT (self), FALSE);

  g_mutex_lock (&self->lock);
  if (self->connected)
    return g_mutex_unlock (&self->lock), TRUE;
  if (self->closed || self->stdio != NULL || self->http != NULL)
    {
      g_mutex_unlock (&self->lock);
      g_set_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_NOT_CONNECTED,
                   _ ("This connection to the MCP server was used already; make a new one."));
      return FALSE;
    }
  g_mutex_unlock (&self->lock);
  if (!self->server->enabled)
    {
      g_set_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_DISABLED,
                   _ ("The MCP server “%s” is disabled."), self->server->name);
      return FALSE;
    }
  if (!tftsr_mcp_server_validate (self->server, error))
    return FALSE;
  tftsr_mcp_clients_register (self, self->server->name);
  if (!start_transport (self, cancellable, error) || !initialize (self, cancellable, error))
    {
      tftsr_mcp_client_close (self);
      return FALSE;
    }
  g_mutex_lock (&self->lock);
  self->connected = !self->closed && self->closed_reason == NULL;
  g_mutex_unlock (&self->lock);
  if (self->http != NULL)
    tftsr_mcp_http_listen (self->http);
  return TRUE;
}

gboolean
tftsr_mcp_client_is_connected (TftsrMcpClient *self)
{
  gboolean connected = FALSE;

  g_return_val_if_fail (TFTSR_IS_MCP_CLIENT (self), FALSE);
  g_mutex_lock (&self->lock);
  connected = self->connected;
  g_mutex_unlock (&self->lock);
  return connected;
}

const char *
tftsr_mcp_client_get_protocol_version (TftsrMcpClient *self)
{
  g_return_val_if_fail (TFTSR_IS_MCP_CLIENT (self), NULL);
  return self->protocol_version;
}

const char *
tftsr_mcp_client_get_server_name (TftsrMcpClient *self)
{
  g_return_val_if_fail (TFTSR_IS_MCP_CLIENT (self), NULL);
  return self->server_name;
}

const char *
tftsr_mcp_client_get_server_version (TftsrMcpClient *self)
{
  g_return_val_if_fail (TFTSR_IS_MCP_CLIENT (self), NULL);
  return self->server_version;
}

const char *
tftsr_mcp_client_get_instructions (TftsrMcpClient *self)
{
  g_return_val_if_fail (TFTSR_IS_MCP_CLIENT (self), NULL);
  return self->instructions;
}

gboolean
tftsr_mcp_client_has_tools (TftsrMcpClient *self)
{
  g_return_val_if_fail (TFTSR_IS_MCP_CLIENT (self), FALSE);
  return self->has_tools;
}

gboolean
tftsr_mcp_client_has_resources (TftsrMcpClient *self)
{
  g_return_val_if_fail (TFTSR_IS_MCP_CLIENT (self), FALSE);
  return self->has_resources;
}

GPid
tftsr_mcp_client_get_pid (TftsrMcpClient *self)
{
  g_return_val_if_fail (TFTSR_IS_MCP_CLIENT (self), 0);
  return self->stdio != NULL ? tftsr_mcp_stdio_get_pid (self->stdio) : 0;
}

char *
tftsr_mcp_client_dup_log (TftsrMcpClient *self)
{
  g_return_val_if_fail (TFTSR_IS_MCP_CLIENT (self), NULL);
  return self->log != NULL ? tftsr_mcp_log_dup (self->log) : g_strdup ("");
}

static void
close_session (TftsrMcpClient *self, gboolean emit)
{
  g_autoptr (GError) error = NULL;
  gboolean was_open = FALSE;

  g_mutex_lock (&self->lock);
  was_open = !self->closed && (self->stdio != NULL || self->http != NULL);
  self->closed = TRUE;
  self->connected = FALSE;
  error = g_error_new (TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_CLOSED,
                       _ ("The connection to the MCP server “%s” was closed."), self->server->name);
  fail_pending (self, error);
  g_mutex_unlock (&self->lock);
  /* The transports are stopped outside the lock: their threads take it to deliver. */
  if (self->stdio != NULL)
    tftsr_mcp_stdio_stop (self->stdio);
  if (self->http != NULL)
    tftsr_mcp_http_stop (self->http);
  if (was_open && emit && self->closed_reason == NULL)
    emit_later (self, SIGNAL_CLOSED, NULL);
}

void
tftsr_mcp_client_close (TftsrMcpClient *self)
{
  g_return_if_fail (TFTSR_IS_MCP_CLIENT (self));
  close_session (self, TRUE);
}

/* ------------------------------------------------------------------------------------------
 * Lists, with nextCursor
 */

typedef gpointer (*ItemFunc) (json_object *object, GError **error);

static GPtrArray *
list_all (TftsrMcpClient *self, const char *method, const char *member, ItemFunc item,
          GDestroyNotify item_free, GCancellable *cancellable, GError **error)
{
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (item_free);
  g_autofree char *cursor = NULL;

  for (guint page = 0; page < TFTSR_MCP_MAX_PAGES; page++)
    {
      g_autoptr (json_object) params = json_object_new_object ();
      g_autoptr (json_object) result = NULL;
      json_object *array = NULL;
      const char *next = NULL;

      if (cursor != NULL)
        json_object_object_add (params, "cursor", json_object_new_string (cursor));
      if ((result = request (self, method, params, 0, cancellable, error)) == NULL)
        return NULL;
      if (!json_object_object_get_ex (result, member, &array) ||
          !json_object_is_type (array, json_type_array))
        {
          g_set_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_PROTOCOL,
                       _ ("The server's answer to %s has no list of %s."), method, member);
          return NULL;
        }
      for (size_t i = 0; i < json_object_array_length (array); i++)
        {
          gpointer one = item (json_object_array_get_idx (array, i), error);
          if (one == NULL)
            return NULL;
          g_ptr_array_add (items, one);
        }
      next = tftsr_mcp_json_string (result, "nextCursor");
      if (next == NULL)
        return g_steal_pointer (&items);
      if (g_strcmp0 (next, cursor) == 0)
        break; /* the same page again: it would never end */
      g_free (cursor);
      cursor = g_strdup (next);
    }
  g_set_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_PROTOCOL,
               _ ("The server's answer to %s goes on for more than %u pages; tftsr stopped "
                  "reading it."),
               method, TFTSR_MCP_MAX_PAGES);
  return NULL;
}

TftsrMcpTool *
tftsr_mcp_tool_copy (const TftsrMcpTool *tool)
{
  TftsrMcpTool *copy = g_new0 (TftsrMcpTool, 1);

  copy->name = g_strdup (tool->name);
  copy->title = g_strdup (tool->title);
  copy->description = g_strdup (tool->description);
  copy->input_schema = g_strdup (tool->input_schema);
  copy->output_schema = g_strdup (tool->output_schema);
  copy->annotations = g_strdup (tool->annotations);
  copy->json = g_strdup (tool->json);
  return copy;
}

static GPtrArray *
tools_copy (GPtrArray *tools)
{
  return g_ptr_array_copy (tools, (GCopyFunc) (void (*) (void)) tftsr_mcp_tool_copy, NULL);
}

GPtrArray *
tftsr_mcp_client_list_tools (TftsrMcpClient *self, GCancellable *cancellable, GError **error)
{
  g_autoptr (GPtrArray) tools = NULL;
  GPtrArray *copy = NULL;

  g_return_val_if_fail (TFTSR_IS_MCP_CLIENT (self), NULL);

  g_mutex_lock (&self->lock);
  if (self->tools != NULL && !self->tools_stale)
    {
      copy = tools_copy (self->tools);
      g_ptr_array_set_free_func (copy, (GDestroyNotify) tftsr_mcp_tool_free);
    }
  /* Stale from here: a list_changed arriving while listing marks it stale again. */
  self->tools_stale = FALSE;
  g_mutex_unlock (&self->lock);
  if (copy != NULL)
    return copy;
  if (!self->has_tools)
    return g_ptr_array_new_with_free_func ((GDestroyNotify) tftsr_mcp_tool_free);
  tools = list_all (self, "tools/list", "tools", (ItemFunc) tftsr_mcp_tool_from_json,
                    (GDestroyNotify) tftsr_mcp_tool_free, cancellable, error);
  if (tools == NULL)
    return NULL;
  copy = tools_copy (tools);
  g_ptr_array_set_free_func (copy, (GDestroyNotify) tftsr_mcp_tool_free);
  g_mutex_lock (&self->lock);
  g_clear_pointer (&self->tools, g_ptr_array_unref);
  self->tools = g_steal_pointer (&tools);
  g_mutex_unlock (&self->lock);
  return copy;
}

GPtrArray *
tftsr_mcp_client_list_resources (TftsrMcpClient *self, GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (TFTSR_IS_MCP_CLIENT (self), NULL);

  if (!self->has_resources)
    return g_ptr_array_new_with_free_func ((GDestroyNotify) tftsr_mcp_resource_free);
  return list_all (self, "resources/list", "resources", (ItemFunc) tftsr_mcp_resource_from_json,
                   (GDestroyNotify) tftsr_mcp_resource_free, cancellable, error);
}

GPtrArray *
tftsr_mcp_client_read_resource (TftsrMcpClient *self, const char *uri, GCancellable *cancellable,
                                GError **error)
{
  g_autoptr (json_object) params = json_object_new_object ();
  g_autoptr (json_object) result = NULL;
  g_autoptr (GPtrArray) contents =
      g_ptr_array_new_with_free_func ((GDestroyNotify) tftsr_mcp_content_free);
  json_object *array = NULL;

  g_return_val_if_fail (TFTSR_IS_MCP_CLIENT (self), NULL);
  g_return_val_if_fail (uri != NULL, NULL);

  json_object_object_add (params, "uri", json_object_new_string (uri));
  if ((result = request (self, "resources/read", params, 0, cancellable, error)) == NULL)
    return NULL;
  if (!json_object_object_get_ex (result, "contents", &array) ||
      !json_object_is_type (array, json_type_array))
    {
      g_set_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_PROTOCOL,
                   _ ("The server's answer to resources/read has no contents."));
      return NULL;
    }
  for (size_t i = 0; i < json_object_array_length (array); i++)
    {
      TftsrMcpContent *content =
          tftsr_mcp_content_from_json (json_object_array_get_idx (array, i), TRUE, error);
      if (content == NULL)
        return NULL;
      g_ptr_array_add (contents, content);
    }
  return g_steal_pointer (&contents);
}

static json_object *
parse_arguments (const char *arguments_json, GError **error)
{
  g_autoptr (json_tokener) tokener = json_tokener_new ();
  json_object *arguments = NULL;

  if (arguments_json == NULL)
    return json_object_new_object ();
  json_tokener_set_flags (tokener, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
  arguments = json_tokener_parse_ex (tokener, arguments_json, (int) strlen (arguments_json));
  if (arguments == NULL || !json_object_is_type (arguments, json_type_object) ||
      json_tokener_get_parse_end (tokener) != strlen (arguments_json))
    {
      json_object_put (arguments);
      g_set_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_INVALID,
                   _ ("The tool's arguments must be a JSON object."));
      return NULL;
    }
  return arguments;
}

TftsrMcpToolResult *
tftsr_mcp_client_call_tool (TftsrMcpClient *self, const char *tool, const char *arguments_json,
                            guint timeout_ms, GCancellable *cancellable, GError **error)
{
  g_autoptr (json_object) params = json_object_new_object ();
  g_autoptr (json_object) arguments = NULL;
  g_autoptr (json_object) result = NULL;

  g_return_val_if_fail (TFTSR_IS_MCP_CLIENT (self), NULL);
  g_return_val_if_fail (tool != NULL, NULL);

  if ((arguments = parse_arguments (arguments_json, error)) == NULL)
    return NULL;
  json_object_object_add (params, "name", json_object_new_string (tool));
  json_object_object_add (params, "arguments", g_steal_pointer (&arguments));
  if ((result = request (self, "tools/call", params, timeout_ms, cancellable, error)) == NULL)
    return NULL;
  return tftsr_mcp_tool_result_from_json (result, error);
}
