/* test-oauth.c: connector secrets in the vault, and the OAuth sign-in end to end: PKCE, the
 * loopback listener, state, consent, token exchange, refresh, revocation, cancellation
 *
 * The test plays the browser: it reads the authorization URL and sends the redirect to the
 * loopback listener itself. The token and revocation endpoints are a loopback fake server.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "tftsr-fake-server.h"
#include "tftsr-oauth-private.h"
#include "tftsr-test-util.h"

#define CONNECTOR "jira"
#define AUTHORIZE_URL "https://auth.example.com/authorize?tenant=t1"
#define TOKENS_REPLY                                                                               \
  "{\"access_token\":\"at-1\",\"token_type\":\"Bearer\",\"expires_in\":3600,"                      \
  "\"refresh_token\":\"rt-1\",\"scope\":\"read:jira-work offline_access\"}"

/* ---- PKCE and the parser ---- */

static void
test_pkce_vector (void)
{
  /* RFC 7636 appendix B. */
  g_autofree char *challenge =
      tftsr_oauth_challenge ("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");

  g_assert_cmpstr (challenge, ==, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

static void
test_verifier_draws (void)
{
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < 1000; i++)
    {
      g_autoptr (GError) error = NULL;
      TftsrSecret *verifier = tftsr_oauth_new_verifier (&error);
      gsize len;

      g_assert_no_error (error);
      len = strlen (verifier);
      g_assert_cmpuint (len, >=, 43);
      g_assert_cmpuint (len, <=, 128);
      g_assert_cmpuint (strspn (verifier, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                          "0123456789-._~"),
                        ==, len);
      g_assert_true (g_hash_table_add (seen, verifier));
    }
}

static TftsrOAuthRequestKind
parse (const char *request, TftsrOAuthRedirect **redirect)
{
  return tftsr_oauth_parse_request (request, strlen (request), redirect);
}

static void
test_parse_request (void)
{
  static const struct
  {
    const char *request;
    TftsrOAuthRequestKind kind;
  } cases[] = {
    { "GET /callback?code=c&state=s HTTP/1.1\r\nHost: x\r\n\r\n", TFTSR_OAUTH_REQUEST_REDIRECT },
    { "GET /callback?error=access_denied&state=s HTTP/1.0\r\n\r\n", TFTSR_OAUTH_REQUEST_REDIRECT },
    { "GET /callback?code=c&iss=https%3A%2F%2Fa&state=s HTTP/1.1\r\n\r\n",
      TFTSR_OAUTH_REQUEST_REDIRECT },
    { "GET /callback?code=c&state=s HTTP/1.1\r\nHost: x\r\n", TFTSR_OAUTH_REQUEST_INCOMPLETE },
    { "GET /favicon.ico HTTP/1.1\r\n\r\n", TFTSR_OAUTH_REQUEST_NOT_FOUND },
    { "GET /callbackx?code=c HTTP/1.1\r\n\r\n", TFTSR_OAUTH_REQUEST_NOT_FOUND },
    { "POST /callback?code=c&state=s HTTP/1.1\r\n\r\n", TFTSR_OAUTH_REQUEST_BAD },
    { "GET /callback HTTP/1.1\r\n\r\n", TFTSR_OAUTH_REQUEST_BAD },
    { "GET /callback? HTTP/1.1\r\n\r\n", TFTSR_OAUTH_REQUEST_BAD },
    { "GET /callback?code=a&code=b&state=s HTTP/1.1\r\n\r\n", TFTSR_OAUTH_REQUEST_BAD },
    { "GET /callback?code=c&state=s&state=t HTTP/1.1\r\n\r\n", TFTSR_OAUTH_REQUEST_BAD },
    { "GET /callback?code=c&error=x HTTP/1.1\r\n\r\n", TFTSR_OAUTH_REQUEST_BAD },
    { "GET /callback?code=&state=s HTTP/1.1\r\n\r\n", TFTSR_OAUTH_REQUEST_BAD },
    { "GET /callback?code=%0a&state=s HTTP/1.1\r\n\r\n", TFTSR_OAUTH_REQUEST_BAD },
    { "GET /callback?code=%zz&state=s HTTP/1.1\r\n\r\n", TFTSR_OAUTH_REQUEST_BAD },
    { "GET /callback?code=c&&state=s HTTP/1.1\r\n\r\n", TFTSR_OAUTH_REQUEST_BAD },
    { "GET /callback?code HTTP/1.1\r\n\r\n", TFTSR_OAUTH_REQUEST_BAD },
    { "GET /callback?code=c HTTP/2\r\n\r\n", TFTSR_OAUTH_REQUEST_BAD },
    { "GET  /callback?code=c HTTP/1.1\r\n\r\n", TFTSR_OAUTH_REQUEST_BAD },
    { "GET http://x/callback?code=c HTTP/1.1\r\n\r\n", TFTSR_OAUTH_REQUEST_BAD },
    { "\x16\x03\x01\x02\xfc\x03\x03\r\n\r\n", TFTSR_OAUTH_REQUEST_BAD },
    { "GET /callback?code=c\xff HTTP/1.1\r\n\r\n", TFTSR_OAUTH_REQUEST_BAD },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (TftsrOAuthRedirect) redirect = NULL;

      g_test_message ("case %u", i);
      g_assert_cmpint (parse (cases[i].request, &redirect), ==, cases[i].kind);
      g_assert_true ((redirect != NULL) == (cases[i].kind == TFTSR_OAUTH_REQUEST_REDIRECT));
    }
}

static void
test_parse_values (void)
{
  g_autoptr (TftsrOAuthRedirect) redirect = NULL;
  g_autoptr (TftsrOAuthRedirect) denied = NULL;
  g_autofree char *big = g_strnfill (TFTSR_OAUTH_REQUEST_MAX, 'a');
  g_autoptr (TftsrOAuthRedirect) none = NULL;

  g_assert_cmpint (parse ("GET /callback?code=a%2Fb+c&state=x~y HTTP/1.1\r\n\r\n", &redirect), ==,
                   TFTSR_OAUTH_REQUEST_REDIRECT);
  g_assert_cmpstr (redirect->code, ==, "a/b c");
  g_assert_cmpstr (redirect->state, ==, "x~y");
  g_assert_null (redirect->error);
  g_assert_cmpint (parse ("GET /callback?state=s&error=access_denied&error_description=No+way "
                          "HTTP/1.1\r\n\r\n",
                          &denied),
                   ==, TFTSR_OAUTH_REQUEST_REDIRECT);
  g_assert_null (denied->code);
  g_assert_cmpstr (denied->error, ==, "access_denied");
  g_assert_cmpstr (denied->error_description, ==, "No way");
  /* A head that never ends within the cap is refused, not read on. */
  g_assert_cmpint (tftsr_oauth_parse_request (big, TFTSR_OAUTH_REQUEST_MAX, &none), ==,
                   TFTSR_OAUTH_REQUEST_BAD);
}

/* ---- the vault ---- */

static void
test_vault_secrets (void)
{
  g_autoptr (TftsrStore) store = tftsr_test_new_store ();
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrSecret) pat = NULL;
  g_autoptr (TftsrSecret) none = NULL;
  g_autofree char *found = NULL;

  g_assert_false (tftsr_vault_has_secret (store, "ado", TFTSR_SECRET_PAT));
  g_assert_true (tftsr_vault_put_secret (store, "ado", TFTSR_SECRET_PAT, "pat-canary-7", &error));
  g_assert_no_error (error);
  g_assert_true (tftsr_vault_put_secret (store, "ado", TFTSR_SECRET_PASSWORD, "pw", &error));
  g_assert_true (tftsr_vault_has_secret (store, "ado", TFTSR_SECRET_PAT));
  pat = tftsr_vault_dup_secret (store, "ado", TFTSR_SECRET_PAT, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (pat, ==, "pat-canary-7");
  none = tftsr_vault_dup_secret (store, "ado", TFTSR_SECRET_API_TOKEN, &error);
  g_assert_no_error (error);
  g_assert_null (none);
  /* Sealed: the plain text is nowhere in the table. */
  found =
      tftsr_test_query (store, "SELECT count(*) FROM credentials "
                               "WHERE instr(ciphertext, 'pat-canary-7') OR instr(owner, 'canary')");
  g_assert_cmpstr (found, ==, "0");
  g_assert_true (tftsr_vault_forget_connector (store, "ado", &error));
  g_assert_false (tftsr_vault_has_secret (store, "ado", TFTSR_SECRET_PAT));
  g_assert_false (tftsr_vault_has_secret (store, "ado", TFTSR_SECRET_PASSWORD));
  g_assert_false (tftsr_vault_put_secret (store, "Bad Id", TFTSR_SECRET_PAT, "x", &error));
  g_assert_error (error, TFTSR_VAULT_ERROR, TFTSR_VAULT_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "not a connector id"));
}

static void
put_tokens (TftsrStore *store, const char *access, const char *refresh, gint64 expires_in)
{
  TftsrOAuthTokens tokens = {
    .access_token = (char *) access,
    .refresh_token = (char *) refresh,
    .token_type = (char *) "Bearer",
    .scope = (char *) "read",
    .expires_at = g_get_real_time () / G_USEC_PER_SEC + expires_in,
  };
  g_autoptr (GError) error = NULL;

  g_assert_true (tftsr_vault_put_oauth_tokens (store, CONNECTOR, &tokens, &error));
  g_assert_no_error (error);
}

static TftsrOAuthTokens *
get_tokens (TftsrStore *store)
{
  g_autoptr (GError) error = NULL;
  TftsrOAuthTokens *tokens = tftsr_vault_dup_oauth_tokens (store, CONNECTOR, &error);

  g_assert_no_error (error);
  return tokens;
}

static void
test_vault_tokens (void)
{
  g_autoptr (TftsrStore) store = tftsr_test_new_store ();
  g_autoptr (TftsrOAuthTokens) tokens = NULL;
  TftsrOAuthTokens bad = { .access_token = (char *) "a\nb", .token_type = (char *) "Bearer" };
  g_autoptr (GError) error = NULL;

  g_assert_null (get_tokens (store));
  put_tokens (store, "at", NULL, 100);
  tokens = get_tokens (store);
  g_assert_cmpstr (tokens->access_token, ==, "at");
  g_assert_null (tokens->refresh_token);
  g_assert_cmpstr (tokens->token_type, ==, "Bearer");
  g_assert_cmpstr (tokens->scope, ==, "read");
  g_assert_cmpint (tokens->expires_at, >, g_get_real_time () / G_USEC_PER_SEC);
  g_assert_false (tftsr_vault_put_oauth_tokens (store, CONNECTOR, &bad, &error));
  g_assert_error (error, TFTSR_VAULT_ERROR, TFTSR_VAULT_ERROR_FAILED);
}

/* With the database key in the Secret Service, connector secrets go there too. */
static void
test_vault_keyring (void)
{
  g_autofree char *path = tftsr_test_db_path ("keyring");
  g_autoptr (TftsrDbKey) key = tftsr_db_key_new (TFTSR_TEST_KEY, TFTSR_DB_KEY_SOURCE_KEYRING);
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrStore) store = tftsr_store_open (path, key, &error);
  g_autoptr (TftsrSecret) pat = NULL;
  g_autoptr (TftsrOAuthTokens) tokens = NULL;
  g_autofree char *where = NULL;

  g_assert_no_error (error);
  g_assert_true (tftsr_vault_put_secret (store, "ado", TFTSR_SECRET_PAT, "pat-1", &error));
  g_assert_no_error (error);
  put_tokens (store, "at-1", "rt-1", 3600);
  where = tftsr_test_query (store, "SELECT group_concat(location) FROM credentials "
                                   "WHERE ciphertext IS NULL");
  g_assert_cmpstr (where, ==, "keyring,keyring");
  pat = tftsr_vault_dup_secret (store, "ado", TFTSR_SECRET_PAT, &error);
  g_assert_cmpstr (pat, ==, "pat-1");
  tokens = get_tokens (store);
  g_assert_cmpstr (tokens->refresh_token, ==, "rt-1");
  g_assert_true (tftsr_vault_forget_connector (store, CONNECTOR, &error));
  g_assert_null (get_tokens (store));
}

/* ---- sign-in end to end ---- */

typedef struct
{
  TftsrStore *store;
  TftsrFakeServer *server;
  char *token_url;
  char *revoke_url;
  TftsrOAuthConfig config;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->store = tftsr_test_new_store ();
  f->server = tftsr_fake_server_new ();
  f->token_url = tftsr_fake_server_url (f->server, "/token");
  f->revoke_url = tftsr_fake_server_url (f->server, "/revoke");
  f->config = (TftsrOAuthConfig){
    .authorize_url = AUTHORIZE_URL,
    .token_url = f->token_url,
    .revoke_url = f->revoke_url,
    .client_id = "client 1",
    .scope = "read:jira-work offline_access",
  };
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_object_unref (f->store);
  tftsr_fake_server_free (f->server);
  g_free (f->token_url);
  g_free (f->revoke_url);
}

static void
reply_json (TftsrFakeServer *server, const char *path, guint status, const char *json)
{
  g_autoptr (TftsrFakeReply) reply = tftsr_fake_reply_new (status, "application/json");

  tftsr_fake_reply_add_piece (reply, json, -1);
  tftsr_fake_server_add_replies (server, path, reply, NULL);
}

/* The form body of the @index-th request to the server. */
static GHashTable *
form_of (TftsrFakeServer *server, guint index)
{
  g_autoptr (GPtrArray) requests = tftsr_fake_server_dup_requests (server);
  TftsrFakeRequest *request;
  gsize len = 0;
  const char *body;

  g_assert_cmpuint (index, <, requests->len);
  request = requests->pdata[index];
  g_assert_cmpstr (soup_message_headers_get_content_type (request->fields, NULL), ==,
                   "application/x-www-form-urlencoded");
  body = g_bytes_get_data (request->body, &len);
  return g_uri_parse_params (body, len, "&", G_URI_PARAMS_WWW_FORM, NULL);
}

typedef struct
{
  guint16 port;
  char *request;
  GString *reply;
  gint done;
} Browser;

static gpointer
browser_thread (gpointer data)
{
  Browser *b = data;
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GSocketConnection) conn = NULL;
  char buffer[4096];
  gssize n;

  conn = g_socket_client_connect_to_host (client, "127.0.0.1", b->port, NULL, NULL);
  if (conn != NULL && g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (conn)),
                                                 b->request, strlen (b->request), NULL, NULL, NULL))
    while ((n = g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (conn)), buffer,
                                     sizeof buffer, NULL, NULL)) > 0)
      g_string_append_len (b->reply, buffer, n);
  g_atomic_int_set (&b->done, 1);
  g_main_context_wakeup (NULL);
  return NULL;
}

static gboolean
browser_done (gpointer data)
{
  return g_atomic_int_get (&((Browser *) data)->done);
}

/* Sends @request to the listener as a browser would, while the main context runs; the
 * reply ("" if the connection failed or was reset). */
static char *
browse (guint16 port, const char *request)
{
  Browser b = { .port = port, .request = (char *) request, .reply = g_string_new ("") };
  GThread *thread = g_thread_new ("browser", browser_thread, &b);

  tftsr_test_iterate_until (browser_done, &b);
  g_thread_join (thread);
  return g_string_free (b.reply, FALSE);
}

static guint16
port_of (TftsrOAuthFlow *flow)
{
  g_autoptr (GUri) uri =
      g_uri_parse (tftsr_oauth_flow_get_redirect_uri (flow), G_URI_FLAGS_NONE, NULL);

  g_assert_cmpstr (g_uri_get_host (uri), ==, "127.0.0.1");
  g_assert_cmpstr (g_uri_get_path (uri), ==, "/callback");
  return g_uri_get_port (uri);
}

static GHashTable *
authorization_query (TftsrOAuthFlow *flow)
{
  const char *url = tftsr_oauth_flow_get_authorization_url (flow);
  g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_ENCODED_QUERY, NULL);

  g_assert_true (g_str_has_prefix (url, "https://auth.example.com/authorize?tenant=t1&"));
  return g_uri_parse_params (g_uri_get_query (uri), -1, "&", G_URI_PARAMS_NONE, NULL);
}

typedef struct
{
  GAsyncResult *result;
} Wait;

static void
on_run (GObject *source, GAsyncResult *result, gpointer data)
{
  ((Wait *) data)->result = g_object_ref (result);
}

static gboolean
wait_done (gpointer data)
{
  return ((Wait *) data)->result != NULL;
}

static gboolean
finish (TftsrOAuthFlow *flow, Wait *wait, GError **error)
{
  gboolean ok;

  tftsr_test_iterate_until (wait_done, wait);
  ok = tftsr_oauth_flow_run_finish (flow, wait->result, error);
  g_clear_object (&wait->result);
  return ok;
}

static TftsrOAuthFlow *
new_flow (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  TftsrOAuthFlow *flow = tftsr_oauth_flow_new (f->store, CONNECTOR, &f->config, &error);

  g_assert_no_error (error);
  return flow;
}

static char *
redirect_request (const char *query)
{
  return g_strdup_printf ("GET /callback?%s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          "User-Agent: test\r\n\r\n",
                          query);
}

static void
test_sign_in (Fixture *f, gconstpointer data)
{
  g_autoptr (TftsrOAuthFlow) flow = new_flow (f);
  g_autoptr (GHashTable) query = authorization_query (flow);
  g_autoptr (GHashTable) form = NULL;
  g_autoptr (TftsrOAuthTokens) tokens = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *challenge = NULL, *escaped_state = NULL, *request = NULL, *reply = NULL;
  guint16 port = port_of (flow);
  Wait wait = { NULL };

  g_assert_cmpstr (g_hash_table_lookup (query, "response_type"), ==, "code");
  g_assert_cmpstr (g_hash_table_lookup (query, "client_id"), ==, "client 1");
  g_assert_cmpstr (g_hash_table_lookup (query, "redirect_uri"), ==,
                   tftsr_oauth_flow_get_redirect_uri (flow));
  g_assert_cmpstr (g_hash_table_lookup (query, "code_challenge_method"), ==, "S256");
  g_assert_cmpstr (g_hash_table_lookup (query, "scope"), ==, "read:jira-work offline_access");
  g_assert_cmpuint (strlen (g_hash_table_lookup (query, "state")), >=, 43);
  g_assert_cmpuint (strlen (g_hash_table_lookup (query, "code_challenge")), ==, 43);

  reply_json (f->server, "/token", 200, TOKENS_REPLY);
  tftsr_oauth_flow_run_async (flow, 10, NULL, on_run, &wait);
  escaped_state = g_uri_escape_string (g_hash_table_lookup (query, "state"), NULL, FALSE);
  request =
      g_strdup_printf ("GET /callback?code=the%%2Fcode&state=%s HTTP/1.1\r\n\r\n", escaped_state);
  reply = browse (port, request);
  g_assert_true (g_str_has_prefix (reply, "HTTP/1.1 200 OK\r\n"));
  g_assert_nonnull (strstr (reply, "You can close this tab"));
  g_assert_true (finish (flow, &wait, &error));
  g_assert_no_error (error);

  /* The token request proves possession of the verifier behind the challenge. */
  form = form_of (f->server, 0);
  g_assert_cmpstr (g_hash_table_lookup (form, "grant_type"), ==, "authorization_code");
  g_assert_cmpstr (g_hash_table_lookup (form, "code"), ==, "the/code");
  g_assert_cmpstr (g_hash_table_lookup (form, "redirect_uri"), ==,
                   tftsr_oauth_flow_get_redirect_uri (flow));
  g_assert_cmpstr (g_hash_table_lookup (form, "client_id"), ==, "client 1");
  g_assert_false (g_hash_table_contains (form, "client_secret"));
  challenge = tftsr_oauth_challenge (g_hash_table_lookup (form, "code_verifier"));
  g_assert_cmpstr (challenge, ==, g_hash_table_lookup (query, "code_challenge"));

  tokens = get_tokens (f->store);
  g_assert_cmpstr (tokens->access_token, ==, "at-1");
  g_assert_cmpstr (tokens->refresh_token, ==, "rt-1");
  g_assert_cmpstr (tokens->scope, ==, "read:jira-work offline_access");
  g_assert_cmpint (tokens->expires_at - g_get_real_time () / G_USEC_PER_SEC, >, 3500);
  /* The listener closed with the sign-in. */
  g_free (reply);
  reply = browse (port, request);
  g_assert_cmpstr (reply, ==, "");
}

/* Runs a flow to a redirect with the query @params_before_state + the state (@state, or the
 * flow's) and returns its error. */
static GError *
sign_in_with (Fixture *f, const char *params_before_state, const char *state, char **reply)
{
  g_autoptr (TftsrOAuthFlow) flow = new_flow (f);
  g_autoptr (GHashTable) query = authorization_query (flow);
  g_autofree char *params =
      g_strconcat (params_before_state,
                   state != NULL ? state : (char *) g_hash_table_lookup (query, "state"), NULL);
  g_autofree char *request = redirect_request (params);
  GError *error = NULL;
  Wait wait = { NULL };

  reply_json (f->server, "/token", 200, TOKENS_REPLY);
  tftsr_oauth_flow_run_async (flow, 10, NULL, on_run, &wait);
  *reply = browse (port_of (flow), request);
  g_assert_false (finish (flow, &wait, &error));
  return error;
}

static void
test_wrong_state (Fixture *f, gconstpointer data)
{
  g_autofree char *reply = NULL;
  g_autoptr (GError) error = sign_in_with (f, "code=c&state=", "forged", &reply);

  g_assert_error (error, TFTSR_OAUTH_ERROR, TFTSR_OAUTH_ERROR_STATE_MISMATCH);
  g_assert_nonnull (strstr (error->message, "wrong state"));
  g_assert_true (g_str_has_prefix (reply, "HTTP/1.1 400"));
  g_assert_cmpuint (tftsr_fake_server_count_requests (f->server, "/token"), ==, 0);
  g_assert_null (get_tokens (f->store));
}

static void
test_denied (Fixture *f, gconstpointer data)
{
  g_autofree char *reply = NULL;
  g_autoptr (GError) error =
      sign_in_with (f, "error=access_denied&error_description=User+said+no&state=", NULL, &reply);

  g_assert_error (error, TFTSR_OAUTH_ERROR, TFTSR_OAUTH_ERROR_DENIED);
  g_assert_true (g_str_has_prefix (error->message, "You declined access"));
  g_assert_cmpuint (tftsr_fake_server_count_requests (f->server, "/token"), ==, 0);
}

static void
test_exchange_refused (Fixture *f, gconstpointer data)
{
  g_autoptr (TftsrOAuthFlow) flow = new_flow (f);
  g_autoptr (GHashTable) query = authorization_query (flow);
  g_autofree char *params =
      g_strdup_printf ("code=c&state=%s", (char *) g_hash_table_lookup (query, "state"));
  g_autofree char *request = redirect_request (params);
  g_autofree char *reply = NULL;
  g_autoptr (GError) error = NULL;
  Wait wait = { NULL };

  reply_json (f->server, "/token", 400,
              "{\"error\":\"invalid_client\",\"error_description\":\"Unknown client\"}");
  tftsr_oauth_flow_run_async (flow, 10, NULL, on_run, &wait);
  reply = browse (port_of (flow), request);
  g_assert_false (finish (flow, &wait, &error));
  g_assert_error (error, TFTSR_OAUTH_ERROR, TFTSR_OAUTH_ERROR_TOKEN);
  g_assert_nonnull (strstr (error->message, "invalid_client: Unknown client"));
  g_assert_null (get_tokens (f->store));
}

/* Garbage, oversized, other methods and paths are refused and the sign-in still works. */
static void
test_listener_refuses (Fixture *f, gconstpointer data)
{
  g_autoptr (TftsrOAuthFlow) flow = new_flow (f);
  g_autoptr (GHashTable) query = authorization_query (flow);
  g_autofree char *params =
      g_strdup_printf ("code=c&state=%s", (char *) g_hash_table_lookup (query, "state"));
  g_autofree char *good = redirect_request (params);
  g_autofree char *huge = g_strnfill (3 * TFTSR_OAUTH_REQUEST_MAX, 'A');
  static const char *const refused[] = {
    "\x16\x03\x01garbage\r\n\r\n",
    "POST /callback?code=c HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
    "GET /callback?code=a&code=b HTTP/1.1\r\n\r\n",
    "GET /callback HTTP/1.1\r\n\r\n",
  };
  guint16 port = port_of (flow);
  g_autoptr (GError) error = NULL;
  Wait wait = { NULL };
  char *reply;

  reply_json (f->server, "/token", 200, TOKENS_REPLY);
  tftsr_oauth_flow_run_async (flow, 10, NULL, on_run, &wait);
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      reply = browse (port, refused[i]);
      g_assert_true (g_str_has_prefix (reply, "HTTP/1.1 400 Bad Request\r\n"));
      g_free (reply);
    }
  reply = browse (port, "GET /favicon.ico HTTP/1.1\r\n\r\n");
  g_assert_true (g_str_has_prefix (reply, "HTTP/1.1 404 Not Found\r\n"));
  g_free (reply);
  /* Refused after the cap (the peer may see a reset, as it sent more than was read). */
  g_free (browse (port, huge));
  g_assert_null (wait.result);
  reply = browse (port, good);
  g_assert_true (g_str_has_prefix (reply, "HTTP/1.1 200 OK\r\n"));
  g_free (reply);
  g_assert_true (finish (flow, &wait, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (tftsr_fake_server_count_requests (f->server, "/token"), ==, 1);
}

static gboolean
cancel_soon (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

static void
test_cancel (Fixture *f, gconstpointer data)
{
  g_autoptr (TftsrOAuthFlow) flow = new_flow (f);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *reply = NULL;
  guint16 port = port_of (flow);
  gint64 start = g_get_monotonic_time ();
  Wait wait = { NULL };

  tftsr_oauth_flow_run_async (flow, 30, cancellable, on_run, &wait);
  g_timeout_add (100, cancel_soon, cancellable);
  g_assert_false (finish (flow, &wait, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);
  reply = browse (port, "GET /callback?code=c&state=s HTTP/1.1\r\n\r\n");
  g_assert_cmpstr (reply, ==, "");
  /* A flow runs once. */
  tftsr_oauth_flow_run_async (flow, 30, NULL, on_run, &wait);
  g_clear_error (&error);
  g_assert_false (finish (flow, &wait, &error));
  g_assert_error (error, TFTSR_OAUTH_ERROR, TFTSR_OAUTH_ERROR_INVALID_CONFIG);
}

static void
test_timeout (Fixture *f, gconstpointer data)
{
  g_autoptr (TftsrOAuthFlow) flow = new_flow (f);
  g_autoptr (GError) error = NULL;
  Wait wait = { NULL };

  tftsr_oauth_flow_run_async (flow, 1, NULL, on_run, &wait);
  g_assert_false (finish (flow, &wait, &error));
  g_assert_error (error, TFTSR_OAUTH_ERROR, TFTSR_OAUTH_ERROR_TIMEOUT);
}

static void
test_bad_config (Fixture *f, gconstpointer data)
{
  TftsrOAuthConfig config = f->config;
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrOAuthFlow) flow = NULL;
  g_autoptr (TftsrOAuthFlow) second = NULL;

  config.token_url = "http://auth.example.com/token";
  g_assert_null (tftsr_oauth_flow_new (f->store, CONNECTOR, &config, &error));
  g_assert_error (error, TFTSR_OAUTH_ERROR, TFTSR_OAUTH_ERROR_INVALID_CONFIG);
  g_clear_error (&error);
  config = f->config;
  config.client_id = "";
  g_assert_null (tftsr_oauth_flow_new (f->store, CONNECTOR, &config, &error));
  g_assert_error (error, TFTSR_OAUTH_ERROR, TFTSR_OAUTH_ERROR_INVALID_CONFIG);
  g_clear_error (&error);
  /* A configured port that is taken is a clear error. */
  flow = new_flow (f);
  config = f->config;
  config.redirect_port = port_of (flow);
  second = tftsr_oauth_flow_new (f->store, CONNECTOR, &config, &error);
  g_assert_null (second);
  g_assert_error (error, TFTSR_OAUTH_ERROR, TFTSR_OAUTH_ERROR_LISTEN);
}

/* ---- refresh and revocation ---- */

static TftsrSecret *
access_token (Fixture *f, GError **error)
{
  return tftsr_oauth_dup_access_token (f->store, CONNECTOR, &f->config, NULL, error);
}

static void
test_refresh (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrSecret) fresh = NULL;
  g_autoptr (TftsrSecret) cached = NULL;
  g_autoptr (TftsrSecret) again = NULL;
  g_autoptr (TftsrOAuthTokens) tokens = NULL;
  g_autoptr (GHashTable) form = NULL;
  g_autoptr (TftsrFakeReply) rotated = tftsr_fake_reply_new (200, "application/json");
  g_autoptr (TftsrFakeReply) kept = tftsr_fake_reply_new (200, "application/json");

  tftsr_fake_reply_add_piece (rotated,
                              "{\"access_token\":\"at-2\",\"token_type\":\"Bearer\","
                              "\"expires_in\":30,\"refresh_token\":\"rt-2\"}",
                              -1);
  tftsr_fake_reply_add_piece (kept, "{\"access_token\":\"at-3\",\"expires_in\":3600}", -1);
  tftsr_fake_server_add_replies (f->server, "/token", rotated, kept, NULL);

  /* 30 s left: under the margin, so refreshed first; the rotated refresh token is kept. */
  put_tokens (f->store, "at-1", "rt-1", 30);
  fresh = access_token (f, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fresh, ==, "at-2");
  form = form_of (f->server, 0);
  g_assert_cmpstr (g_hash_table_lookup (form, "grant_type"), ==, "refresh_token");
  g_assert_cmpstr (g_hash_table_lookup (form, "refresh_token"), ==, "rt-1");
  g_assert_cmpstr (g_hash_table_lookup (form, "client_id"), ==, "client 1");
  tokens = get_tokens (f->store);
  g_assert_cmpstr (tokens->refresh_token, ==, "rt-2");
  g_assert_cmpstr (tokens->scope, ==, "read");
  g_clear_pointer (&tokens, tftsr_oauth_tokens_free);

  /* Without rotation the refresh token stays; a fresh token is not refreshed again. */
  again = access_token (f, &error);
  g_assert_cmpstr (again, ==, "at-3");
  g_clear_pointer (&form, g_hash_table_unref);
  form = form_of (f->server, 1);
  g_assert_cmpstr (g_hash_table_lookup (form, "refresh_token"), ==, "rt-2");
  tokens = get_tokens (f->store);
  g_assert_cmpstr (tokens->refresh_token, ==, "rt-2");
  cached = access_token (f, &error);
  g_assert_cmpstr (cached, ==, "at-3");
  g_assert_cmpuint (tftsr_fake_server_count_requests (f->server, "/token"), ==, 2);
}

static void
test_refresh_refused (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrSecret) token = NULL;

  reply_json (f->server, "/token", 400,
              "{\"error\":\"invalid_grant\",\"error_description\":\"Token expired\"}");
  put_tokens (f->store, "at-1", "rt-old", -10);
  token = access_token (f, &error);
  g_assert_null (token);
  g_assert_error (error, TFTSR_OAUTH_ERROR, TFTSR_OAUTH_ERROR_SIGN_IN_AGAIN);
  g_assert_nonnull (strstr (error->message, "sign in again"));
  g_assert_false (tftsr_vault_has_secret (f->store, CONNECTOR, TFTSR_SECRET_OAUTH));
  /* And with nothing stored, the same advice. */
  g_clear_error (&error);
  g_assert_null (access_token (f, &error));
  g_assert_error (error, TFTSR_OAUTH_ERROR, TFTSR_OAUTH_ERROR_SIGN_IN_AGAIN);
}

static void
test_refresh_unavailable (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrSecret) token = NULL;

  /* A service error (not retried: 500) leaves a token with seconds left usable. */
  reply_json (f->server, "/token", 500, "{}");
  put_tokens (f->store, "at-1", "rt-1", 30);
  token = access_token (f, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (token, ==, "at-1");
  g_assert_true (tftsr_vault_has_secret (f->store, CONNECTOR, TFTSR_SECRET_OAUTH));
}

static void
test_revoke (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) first = NULL;
  g_autoptr (GHashTable) second = NULL;
  g_autoptr (TftsrFakeReply) ok = tftsr_fake_reply_new (200, NULL);

  tftsr_fake_server_add_replies (f->server, "/revoke", ok, NULL);
  put_tokens (f->store, "at-1", "rt-1", 3600);
  g_assert_true (tftsr_oauth_disconnect (f->store, CONNECTOR, &f->config, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (tftsr_vault_has_secret (f->store, CONNECTOR, TFTSR_SECRET_OAUTH));
  first = form_of (f->server, 0);
  second = form_of (f->server, 1);
  g_assert_cmpstr (g_hash_table_lookup (first, "token"), ==, "rt-1");
  g_assert_cmpstr (g_hash_table_lookup (first, "token_type_hint"), ==, "refresh_token");
  g_assert_cmpstr (g_hash_table_lookup (second, "token"), ==, "at-1");
  g_assert_cmpstr (g_hash_table_lookup (second, "token_type_hint"), ==, "access_token");
}

static void
test_revoke_fails (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  reply_json (f->server, "/revoke", 500, "{}");
  put_tokens (f->store, "at-1", "rt-1", 3600);
  g_assert_false (tftsr_oauth_disconnect (f->store, CONNECTOR, &f->config, NULL, &error));
  g_assert_error (error, TFTSR_OAUTH_ERROR, TFTSR_OAUTH_ERROR_REVOKE);
  g_assert_nonnull (strstr (error->message, "signed out here"));
  g_assert_false (tftsr_vault_has_secret (f->store, CONNECTOR, TFTSR_SECRET_OAUTH));
}

#define add_fixture_test(path, func)                                                               \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

int
main (int argc, char **argv)
{
  tftsr_test_init (&argc, &argv);
  g_test_add_func ("/oauth/pkce-vector", test_pkce_vector);
  g_test_add_func ("/oauth/verifier-draws", test_verifier_draws);
  g_test_add_func ("/oauth/parse-request", test_parse_request);
  g_test_add_func ("/oauth/parse-values", test_parse_values);
  g_test_add_func ("/oauth/vault-secrets", test_vault_secrets);
  g_test_add_func ("/oauth/vault-tokens", test_vault_tokens);
  g_test_add_func ("/oauth/keyring", test_vault_keyring);
  add_fixture_test ("/oauth/sign-in", test_sign_in);
  add_fixture_test ("/oauth/wrong-state", test_wrong_state);
  add_fixture_test ("/oauth/denied", test_denied);
  add_fixture_test ("/oauth/exchange-refused", test_exchange_refused);
  add_fixture_test ("/oauth/listener-refuses", test_listener_refuses);
  add_fixture_test ("/oauth/cancel", test_cancel);
  add_fixture_test ("/oauth/timeout", test_timeout);
  add_fixture_test ("/oauth/bad-config", test_bad_config);
  add_fixture_test ("/oauth/refresh", test_refresh);
  add_fixture_test ("/oauth/refresh-refused", test_refresh_refused);
  add_fixture_test ("/oauth/refresh-unavailable", test_refresh_unavailable);
  add_fixture_test ("/oauth/revoke", test_revoke);
  add_fixture_test ("/oauth/revoke-fails", test_revoke_fails);
  return g_test_run ();
}
