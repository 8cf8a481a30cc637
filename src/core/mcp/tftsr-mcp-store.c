/* tftsr-mcp-store.c: the registry of MCP servers (mcp_servers, migration 0013) and their
 * secrets
 *
 * A server's row and its secrets are written in one transaction, so a server never exists
 * with half its secrets. Secret values are credentials of their own (tftsr-credentials.c):
 * the token under the vault connector "mcp.<name>" (so tftsr-vault.h and tftsr-oauth.h see
 * it), each secret variable and header under "mcp:<name>:env:<NAME>" and
 * "mcp:<name>:header:<name>". The table keeps only the names.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>
#include <string.h>

#include "tftsr-credentials.h"
#include "tftsr-mcp-private.h"
#include "tftsr-store-private.h"

#define COLUMNS                                                                                    \
  "id, name, transport, command, arguments, environment, secret_env, url, headers,"                \
  " secret_headers, auth, api_key_header, oauth, enabled, timeout_ms, created_at, updated_at,"     \
  " status, status_reason, status_at, n_tools, n_resources"

/* ------------------------------------------------------------------------------------------
 * JSON columns
 */

static char *
strv_to_json (GStrv strv)
{
  g_autoptr (json_object) array = json_object_new_array ();

  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    json_object_array_add (array, json_object_new_string (strv[i]));
  return tftsr_mcp_json_text (array);
}

static GStrv
strv_from_json (const char *text)
{
  g_autoptr (json_object) array = json_tokener_parse (text);
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

  if (array == NULL || !json_object_is_type (array, json_type_array) ||
      json_object_array_length (array) == 0)
    return NULL;
  for (size_t i = 0; i < json_object_array_length (array); i++)
    g_strv_builder_add (builder, json_object_get_string (json_object_array_get_idx (array, i)));
  return g_strv_builder_end (builder);
}

/* "NAME=value" or "Name: value" pairs as one JSON object, in order. */
static char *
pairs_to_json (GStrv pairs, char sep)
{
  g_autoptr (json_object) object = json_object_new_object ();

  for (guint i = 0; pairs != NULL && pairs[i] != NULL; i++)
    {
      g_autofree char *name = NULL;
      const char *value = NULL;
      if (tftsr_mcp_split_pair (pairs[i], sep, &name, &value))
        json_object_object_add (object, name, json_object_new_string (value));
    }
  return tftsr_mcp_json_text (object);
}

static GStrv
pairs_from_json (const char *text, const char *sep)
{
  g_autoptr (json_object) object = json_tokener_parse (text);
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

  if (object == NULL || !json_object_is_type (object, json_type_object) ||
      json_object_object_length (object) == 0)
    return NULL;
  json_object_object_foreach (object, key, value)
  {
    g_autofree char *pair = g_strconcat (key, sep, json_object_get_string (value), NULL);
    g_strv_builder_add (builder, pair);
  }
  return g_strv_builder_end (builder);
}

static void
add_optional (json_object *object, const char *member, const char *value)
{
  if (value != NULL)
    json_object_object_add (object, member, json_object_new_string (value));
}

static char *
oauth_to_json (const TftsrMcpServer *server)
{
  g_autoptr (json_object) object = json_object_new_object ();

  add_optional (object, "authorize_url", server->oauth_authorize_url);
  add_optional (object, "token_url", server->oauth_token_url);
  add_optional (object, "revoke_url", server->oauth_revoke_url);
  add_optional (object, "client_id", server->oauth_client_id);
  add_optional (object, "scope", server->oauth_scope);
  return tftsr_mcp_json_text (object);
}

static void
oauth_from_json (TftsrMcpServer *server, const char *text)
{
  g_autoptr (json_object) object = json_tokener_parse (text);

  server->oauth_authorize_url = g_strdup (tftsr_mcp_json_string (object, "authorize_url"));
  server->oauth_token_url = g_strdup (tftsr_mcp_json_string (object, "token_url"));
  server->oauth_revoke_url = g_strdup (tftsr_mcp_json_string (object, "revoke_url"));
  server->oauth_client_id = g_strdup (tftsr_mcp_json_string (object, "client_id"));
  server->oauth_scope = g_strdup (tftsr_mcp_json_string (object, "scope"));
}

/* ------------------------------------------------------------------------------------------
 * Rows
 */

static char *
column_dup (sqlite3_stmt *stmt, int column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

static TftsrMcpServer *
server_from_row (sqlite3_stmt *stmt)
{
  TftsrMcpServer *server = tftsr_mcp_server_new ();
  TftsrMcpStatus status = TFTSR_MCP_STATUS_PENDING;
  int i = 0;

  server->id = sqlite3_column_int64 (stmt, 0);
  server->name = column_dup (stmt, 1);
  tftsr_mcp_transport_from_string (tftsr_db_text (stmt, 2), &server->transport);
  server->command = column_dup (stmt, 3);
  server->args = strv_from_json (tftsr_db_text (stmt, 4));
  server->env = pairs_from_json (tftsr_db_text (stmt, 5), "=");
  server->secret_env = strv_from_json (tftsr_db_text (stmt, 6));
  server->url = column_dup (stmt, 7);
  server->headers = pairs_from_json (tftsr_db_text (stmt, 8), ": ");
  server->secret_headers = strv_from_json (tftsr_db_text (stmt, 9));
  tftsr_mcp_auth_from_string (tftsr_db_text (stmt, 10), &server->auth);
  server->api_key_header = column_dup (stmt, 11);
  oauth_from_json (server, tftsr_db_text (stmt, 12));
  server->enabled = sqlite3_column_int (stmt, 13) != 0;
  server->timeout_ms = (guint) sqlite3_column_int64 (stmt, 14);
  server->created_at = column_dup (stmt, 15);
  server->updated_at = column_dup (stmt, 16);
  for (i = 0; i <= TFTSR_MCP_STATUS_ERROR; i++)
    if (strcmp (tftsr_mcp_status_to_string ((TftsrMcpStatus) i), tftsr_db_text (stmt, 17)) == 0)
      status = (TftsrMcpStatus) i;
  server->status = status;
  server->status_reason = column_dup (stmt, 18);
  server->status_at = column_dup (stmt, 19);
  server->n_tools = sqlite3_column_int (stmt, 20);
  server->n_resources = sqlite3_column_int (stmt, 21);
  return server;
}

static TftsrMcpServer *
get_server (sqlite3 *db, const char *name, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt =
      tftsr_db_prepare (db, "SELECT " COLUMNS " FROM mcp_servers WHERE name = ?", error);
  int rc = 0;

  if (stmt == NULL)
    return NULL;
  tftsr_db_bind_text (stmt, 1, name);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return server_from_row (stmt);
  if (rc == SQLITE_DONE)
    g_set_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_NOT_FOUND,
                 _ ("There is no MCP server named “%s”."), name);
  else
    tftsr_db_set_error (error, db, rc, _ ("Could not read the MCP server"));
  return NULL;
}

/* Binds the configuration columns 1..14 (name … timeout_ms) of @server. */
static void
bind_config (sqlite3_stmt *stmt, const TftsrMcpServer *server)
{
  g_autofree char *args = strv_to_json (server->args);
  g_autofree char *env = pairs_to_json (server->env, '=');
  g_autofree char *secret_env = strv_to_json (server->secret_env);
  g_autofree char *headers = pairs_to_json (server->headers, ':');
  g_autofree char *secret_headers = strv_to_json (server->secret_headers);
  g_autofree char *oauth = oauth_to_json (server);

  tftsr_db_bind_text (stmt, 1, server->name);
  tftsr_db_bind_text (stmt, 2, tftsr_mcp_transport_to_string (server->transport));
  tftsr_db_bind_text (stmt, 3, server->command);
  tftsr_db_bind_text (stmt, 4, args);
  tftsr_db_bind_text (stmt, 5, env);
  tftsr_db_bind_text (stmt, 6, secret_env);
  tftsr_db_bind_text (stmt, 7, server->url);
  tftsr_db_bind_text (stmt, 8, headers);
  tftsr_db_bind_text (stmt, 9, secret_headers);
  tftsr_db_bind_text (stmt, 10, tftsr_mcp_auth_to_string (server->auth));
  tftsr_db_bind_text (stmt, 11, server->api_key_header);
  tftsr_db_bind_text (stmt, 12, oauth);
  sqlite3_bind_int (stmt, 13, server->enabled ? 1 : 0);
  sqlite3_bind_int64 (stmt, 14, server->timeout_ms);
}

/* ------------------------------------------------------------------------------------------
 * Secrets
 */

static char *
token_owner (const char *name)
{
  g_autofree char *id = tftsr_mcp_vault_id (name);
  return tftsr_vault_owner (id, TFTSR_SECRET_API_TOKEN);
}

static char *
secret_owner (const char *name, char sep, const char *key)
{
  g_autofree char *lower = sep == ':' ? g_ascii_strdown (key, -1) : g_strdup (key);
  return g_strconcat ("mcp:", name, sep == '=' ? ":env:" : ":header:", lower, NULL);
}

/* The value @secrets gives for @key, or NULL. */
static const char *
given_value (const char *const *pairs, char sep, const char *key)
{
  for (guint i = 0; pairs != NULL && pairs[i] != NULL; i++)
    {
      g_autofree char *name = NULL;
      const char *value = NULL;
      if (tftsr_mcp_split_pair (pairs[i], sep, &name, &value) &&
          (sep == '=' ? strcmp (name, key) == 0 : g_ascii_strcasecmp (name, key) == 0))
        return value;
    }
  return NULL;
}

/* Every given pair must be for a listed name. */
static gboolean
check_given (const char *const *pairs, GStrv names, char sep, GError **error)
{
  for (guint i = 0; pairs != NULL && pairs[i] != NULL; i++)
    {
      g_autofree char *name = NULL;
      const char *value = NULL;
      gboolean found = FALSE;

      if (!tftsr_mcp_split_pair (pairs[i], sep, &name, &value) || *value == '\0' ||
          strpbrk (value, "\r\n") != NULL)
        {
          g_set_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_INVALID,
                       _ ("A secret value must be one non-empty line."));
          return FALSE;
        }
      for (guint j = 0; names != NULL && names[j] != NULL && !found; j++)
        found =
            sep == '=' ? strcmp (names[j], name) == 0 : g_ascii_strcasecmp (names[j], name) == 0;
      if (!found)
        {
          g_set_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_INVALID,
                       _ ("A secret value is given for %s, which is not listed as secret."), name);
          return FALSE;
        }
    }
  return TRUE;
}

/* Writes the named secrets: given values replace, a listed name without a stored or given
 * value is refused. */
static gboolean
put_named (TftsrStore *store, sqlite3 *db, const char *server, GStrv names,
           const char *const *given, char sep, GError **error)
{
  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    {
      g_autofree char *owner = secret_owner (server, sep, names[i]);
      const char *value = given_value (given, sep, names[i]);

      if (value != NULL && !tftsr_credential_put (store, db, owner, value, error))
        return FALSE;
      if (value == NULL && !tftsr_credential_exists (db, owner))
        {
          g_set_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_INVALID,
                       _ ("The secret %s has no value."), names[i]);
          return FALSE;
        }
    }
  return TRUE;
}

/* Removes the secrets of names in @old that @names no longer lists. */
static gboolean
drop_unlisted (TftsrStore *store, sqlite3 *db, const char *server, GStrv old, GStrv names, char sep,
               GError **error)
{
  for (guint i = 0; old != NULL && old[i] != NULL; i++)
    {
      gboolean kept = FALSE;
      for (guint j = 0; names != NULL && names[j] != NULL && !kept; j++)
        kept = sep == '=' ? strcmp (names[j], old[i]) == 0
                          : g_ascii_strcasecmp (names[j], old[i]) == 0;
      if (!kept)
        {
          g_autofree char *owner = secret_owner (server, sep, old[i]);
          if (!tftsr_credential_delete (store, db, owner, error))
            return FALSE;
        }
    }
  return TRUE;
}

static gboolean
token_needed (const TftsrMcpServer *server)
{
  return server->transport == TFTSR_MCP_TRANSPORT_HTTP &&
         (server->auth == TFTSR_MCP_AUTH_API_KEY || server->auth == TFTSR_MCP_AUTH_BEARER);
}

static gboolean
put_secrets (TftsrStore *store, sqlite3 *db, const TftsrMcpServer *server,
             const TftsrMcpSecrets *secrets, GError **error)
{
  static const TftsrMcpSecrets none = { 0 };
  g_autofree char *owner = token_owner (server->name);

  if (secrets == NULL)
    secrets = &none;
  if (!check_given (secrets->env, server->secret_env, '=', error) ||
      !check_given (secrets->headers, server->secret_headers, ':', error))
    return FALSE;
  if (!put_named (store, db, server->name, server->secret_env, secrets->env, '=', error) ||
      !put_named (store, db, server->name, server->secret_headers, secrets->headers, ':', error))
    return FALSE;
  if (!token_needed (server))
    return tftsr_credential_delete (store, db, owner, error);
  if (secrets->token != NULL)
    {
      if (*secrets->token == '\0' || strpbrk (secrets->token, "\r\n") != NULL)
        {
          g_set_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_INVALID,
                       _ ("The key or token must be one non-empty line."));
          return FALSE;
        }
      return tftsr_credential_put (store, db, owner, secrets->token, error);
    }
  if (!tftsr_credential_exists (db, owner))
    {
      g_set_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_INVALID,
                   _ ("The server signs in with a key or token, and none was given."));
      return FALSE;
    }
  return TRUE;
}

static gboolean
forget_secrets (TftsrStore *store, sqlite3 *db, const TftsrMcpServer *server, GError **error)
{
  g_autofree char *id = tftsr_mcp_vault_id (server->name);

  for (int kind = TFTSR_SECRET_API_TOKEN; kind <= TFTSR_SECRET_OAUTH; kind++)
    {
      g_autofree char *owner = tftsr_vault_owner (id, (TftsrSecretKind) kind);
      if (!tftsr_credential_delete (store, db, owner, error))
        return FALSE;
    }
  return drop_unlisted (store, db, server->name, server->secret_env, NULL, '=', error) &&
         drop_unlisted (store, db, server->name, server->secret_headers, NULL, ':', error);
}

/* ------------------------------------------------------------------------------------------
 * Audit: what changed, never a value (values of plain variables and headers may still be
 * personal, and secrets are secret); names only.
 */

static char *
audit_detail (const TftsrMcpServer *server)
{
  g_autoptr (json_object) object = json_object_new_object ();
  g_autofree char *secret_env = strv_to_json (server->secret_env);
  g_autofree char *secret_headers = strv_to_json (server->secret_headers);

  json_object_object_add (
      object, "transport",
      json_object_new_string (tftsr_mcp_transport_to_string (server->transport)));
  add_optional (object, "command", server->command);
  if (server->url != NULL)
    {
      g_autoptr (GUri) uri = g_uri_parse (server->url, G_URI_FLAGS_NONE, NULL);
      if (uri != NULL)
        json_object_object_add (object, "host", json_object_new_string (g_uri_get_host (uri)));
    }
  json_object_object_add (object, "auth",
                          json_object_new_string (tftsr_mcp_auth_to_string (server->auth)));
  json_object_object_add (object, "secret_env", json_tokener_parse (secret_env));
  json_object_object_add (object, "secret_headers", json_tokener_parse (secret_headers));
  json_object_object_add (object, "enabled", json_object_new_boolean (server->enabled));
  return tftsr_mcp_json_text (object);
}

static gboolean
audit (sqlite3 *db, const char *action, const TftsrMcpServer *server, GError **error)
{
  g_autofree char *detail = server != NULL ? audit_detail (server) : NULL;
  g_autofree char *target = g_strconcat ("mcp:", server->name, NULL);

  return tftsr_audit_append_in_transaction (db, action, target, detail, error);
}

/* ------------------------------------------------------------------------------------------
 * The calls
 */

static gboolean
insert_row (sqlite3 *db, const TftsrMcpServer *server, gint64 *id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = tftsr_db_prepare (
      db,
      "INSERT INTO mcp_servers (name, transport, command, arguments, environment, secret_env, url,"
      " headers, secret_headers, auth, api_key_header, oauth, enabled, timeout_ms)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      error);
  int rc = 0;

  if (stmt == NULL)
    return FALSE;
  bind_config (stmt, server);
  rc = sqlite3_step (stmt);
  if ((rc & 0xff) == SQLITE_CONSTRAINT && sqlite3_extended_errcode (db) == SQLITE_CONSTRAINT_UNIQUE)
    {
      g_set_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_EXISTS,
                   _ ("An MCP server named “%s” exists already."), server->name);
      return FALSE;
    }
  if (rc != SQLITE_DONE)
    return tftsr_db_set_error (error, db, rc, _ ("Could not save the MCP server"));
  *id = sqlite3_last_insert_rowid (db);
  return TRUE;
}

gint64
tftsr_mcp_store_add_server (TftsrStore *store, const TftsrMcpServer *server,
                            const TftsrMcpSecrets *secrets, GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;
  gint64 id = 0;

  g_return_val_if_fail (TFTSR_IS_STORE (store), 0);
  g_return_val_if_fail (server != NULL, 0);

  if (!tftsr_mcp_server_validate (server, error) ||
      (conn = tftsr_conn_acquire (store, error)) == NULL || !tftsr_db_begin (conn->db, error))
    return 0;
  if (insert_row (conn->db, server, &id, error) &&
      put_secrets (store, conn->db, server, secrets, error) &&
      audit (conn->db, "mcp.add", server, error) && tftsr_db_commit (conn->db, error))
    return id;
  tftsr_db_rollback (conn->db);
  return 0;
}

static gboolean
update_row (sqlite3 *db, const TftsrMcpServer *server, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = tftsr_db_prepare (
      db,
      "UPDATE mcp_servers SET transport = ?2, command = ?3, arguments = ?4, environment = ?5,"
      " secret_env = ?6, url = ?7, headers = ?8, secret_headers = ?9, auth = ?10,"
      " api_key_header = ?11, oauth = ?12, enabled = ?13, timeout_ms = ?14,"
      " updated_at = " TFTSR_SQL_NOW ", status = 'pending', status_reason = NULL,"
      " n_tools = -1, n_resources = -1 WHERE name = ?1",
      error);

  if (stmt == NULL)
    return FALSE;
  bind_config (stmt, server);
  return tftsr_db_step_done (stmt, _ ("Could not save the MCP server"), error);
}

gboolean
tftsr_mcp_store_update_server (TftsrStore *store, const TftsrMcpServer *server,
                               const TftsrMcpSecrets *secrets, GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;
  g_autoptr (TftsrMcpServer) old = NULL;

  g_return_val_if_fail (TFTSR_IS_STORE (store), FALSE);
  g_return_val_if_fail (server != NULL, FALSE);

  if (!tftsr_mcp_server_validate (server, error) ||
      (conn = tftsr_conn_acquire (store, error)) == NULL || !tftsr_db_begin (conn->db, error))
    return FALSE;
  if ((old = get_server (conn->db, server->name, error)) != NULL &&
      update_row (conn->db, server, error) &&
      drop_unlisted (store, conn->db, server->name, old->secret_env, server->secret_env, '=',
                     error) &&
      drop_unlisted (store, conn->db, server->name, old->secret_headers, server->secret_headers,
                     ':', error) &&
      put_secrets (store, conn->db, server, secrets, error) &&
      audit (conn->db, "mcp.change", server, error) && tftsr_db_commit (conn->db, error))
    {
      tftsr_mcp_clients_close (server->name);
      return TRUE;
    }
  tftsr_db_rollback (conn->db);
  return FALSE;
}

gboolean
tftsr_mcp_store_remove_server (TftsrStore *store, const char *name, GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;
  g_autoptr (TftsrMcpServer) old = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (TFTSR_IS_STORE (store), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  if ((conn = tftsr_conn_acquire (store, error)) == NULL || !tftsr_db_begin (conn->db, error))
    return FALSE;
  if ((old = get_server (conn->db, name, error)) != NULL &&
      (stmt = tftsr_db_prepare (conn->db, "DELETE FROM mcp_servers WHERE name = ?", error)) !=
          NULL &&
      (tftsr_db_bind_text (stmt, 1, name),
       tftsr_db_step_done (stmt, _ ("Could not remove the MCP server"), error)) &&
      forget_secrets (store, conn->db, old, error) && audit (conn->db, "mcp.remove", old, error) &&
      tftsr_db_commit (conn->db, error))
    {
      tftsr_mcp_clients_close (name);
      return TRUE;
    }
  tftsr_db_rollback (conn->db);
  return FALSE;
}

gboolean
tftsr_mcp_store_set_enabled (TftsrStore *store, const char *name, gboolean enabled, GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;
  g_autoptr (TftsrMcpServer) server = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (TFTSR_IS_STORE (store), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  if ((conn = tftsr_conn_acquire (store, error)) == NULL || !tftsr_db_begin (conn->db, error))
    return FALSE;
  if ((server = get_server (conn->db, name, error)) == NULL ||
      (stmt = tftsr_db_prepare (conn->db,
                                "UPDATE mcp_servers SET enabled = ?, updated_at = " TFTSR_SQL_NOW
                                " WHERE name = ?",
                                error)) == NULL)
    goto failed;
  sqlite3_bind_int (stmt, 1, enabled ? 1 : 0);
  tftsr_db_bind_text (stmt, 2, name);
  server->enabled = enabled;
  if (!tftsr_db_step_done (stmt, _ ("Could not save the MCP server"), error) ||
      !audit (conn->db, enabled ? "mcp.enable" : "mcp.disable", server, error) ||
      !tftsr_db_commit (conn->db, error))
    goto failed;
  if (!enabled)
    tftsr_mcp_clients_close (name);
  return TRUE;

failed:
  tftsr_db_rollback (conn->db);
  return FALSE;
}

TftsrMcpServer *
tftsr_mcp_store_get_server (TftsrStore *store, const char *name, GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  if ((conn = tftsr_conn_acquire (store, error)) == NULL)
    return NULL;
  return get_server (conn->db, name, error);
}

GPtrArray *
tftsr_mcp_store_list_servers (TftsrStore *store, GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GPtrArray) servers =
      g_ptr_array_new_with_free_func ((GDestroyNotify) tftsr_mcp_server_free);
  int rc = 0;

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);

  if ((conn = tftsr_conn_acquire (store, error)) == NULL ||
      (stmt = tftsr_db_prepare (conn->db, "SELECT " COLUMNS " FROM mcp_servers ORDER BY name",
                                error)) == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (servers, server_from_row (stmt));
  if (rc != SQLITE_DONE)
    return tftsr_db_set_error (error, conn->db, rc, _ ("Could not read the MCP servers")), NULL;
  return g_steal_pointer (&servers);
}

gboolean
tftsr_mcp_store_set_status (TftsrStore *store, const char *name, TftsrMcpStatus status,
                            const char *reason, int n_tools, int n_resources, GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (TFTSR_IS_STORE (store), FALSE);

  if ((conn = tftsr_conn_acquire (store, error)) == NULL ||
      (stmt = tftsr_db_prepare (conn->db,
                                "UPDATE mcp_servers SET status = ?, status_reason = ?,"
                                " status_at = " TFTSR_SQL_NOW ", n_tools = ?, n_resources = ?"
                                " WHERE name = ?",
                                error)) == NULL)
    return FALSE;
  tftsr_db_bind_text (stmt, 1, tftsr_mcp_status_to_string (status));
  tftsr_db_bind_text (stmt, 2, reason);
  sqlite3_bind_int (stmt, 3, MAX (n_tools, -1));
  sqlite3_bind_int (stmt, 4, MAX (n_resources, -1));
  tftsr_db_bind_text (stmt, 5, name);
  if (!tftsr_db_step_done (stmt, _ ("Could not save the MCP server's status"), error))
    return FALSE;
  if (sqlite3_changes (conn->db) == 0)
    {
      g_set_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_NOT_FOUND,
                   _ ("There is no MCP server named “%s”."), name);
      return FALSE;
    }
  return TRUE;
}

gboolean
tftsr_mcp_store_has_token (TftsrStore *store, const char *name)
{
  g_autofree char *id = NULL;

  g_return_val_if_fail (TFTSR_IS_STORE (store), FALSE);
  if (!tftsr_mcp_check_name (name, NULL))
    return FALSE;
  id = tftsr_mcp_vault_id (name);
  return tftsr_vault_has_secret (store, id, TFTSR_SECRET_API_TOKEN);
}

/* ------------------------------------------------------------------------------------------
 * Secrets for a connection
 */

void
tftsr_mcp_resolved_free (TftsrMcpResolved *resolved)
{
  if (resolved == NULL)
    return;
  g_clear_pointer (&resolved->env, g_ptr_array_unref);
  g_clear_pointer (&resolved->headers, g_ptr_array_unref);
  g_free (resolved);
}

static gboolean
resolve_named (TftsrStore *store, sqlite3 *db, const char *server, GStrv names, char sep,
               GPtrArray *out, GError **error)
{
  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    {
      g_autofree char *owner = secret_owner (server, sep, names[i]);
      g_autoptr (TftsrSecret) value = tftsr_credential_get (store, db, owner, error);

      if (value == NULL)
        {
          if (error == NULL || *error == NULL)
            g_set_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_AUTH,
                         _ ("The secret %s of the MCP server is missing; set it again."), names[i]);
          return FALSE;
        }
      g_ptr_array_add (out, g_strconcat (names[i], sep == '=' ? "=" : ": ", value, NULL));
    }
  return TRUE;
}

static gboolean
resolve_auth (TftsrStore *store, sqlite3 *db, const TftsrMcpServer *server,
              GCancellable *cancellable, GPtrArray *headers, GError **error)
{
  g_autofree char *id = tftsr_mcp_vault_id (server->name);
  g_autofree char *owner = token_owner (server->name);
  g_autoptr (TftsrSecret) token = NULL;
  TftsrOAuthConfig config;

  if (server->auth == TFTSR_MCP_AUTH_NONE)
    return TRUE;
  if (server->auth == TFTSR_MCP_AUTH_OAUTH)
    {
      tftsr_mcp_server_get_oauth_config (server, &config);
      token = tftsr_oauth_dup_access_token (store, id, &config, cancellable, error);
    }
  else
    token = tftsr_credential_get (store, db, owner, error);
  if (token == NULL)
    {
      if (error == NULL || *error == NULL)
        g_set_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_AUTH,
                     _ ("The MCP server's key or token is missing; set it again."));
      return FALSE;
    }
  if (server->auth == TFTSR_MCP_AUTH_API_KEY)
    g_ptr_array_add (headers,
                     g_strconcat (server->api_key_header != NULL ? server->api_key_header
                                                                 : TFTSR_MCP_DEFAULT_API_KEY_HEADER,
                                  ": ", token, NULL));
  else
    g_ptr_array_add (headers, g_strconcat ("Authorization: Bearer ", token, NULL));
  return TRUE;
}

TftsrMcpResolved *
tftsr_mcp_store_resolve_secrets (TftsrStore *store, const TftsrMcpServer *server,
                                 GCancellable *cancellable, GError **error)
{
  g_autoptr (TftsrMcpResolved) resolved = g_new0 (TftsrMcpResolved, 1);
  g_autoptr (TftsrConn) conn = NULL;
  gboolean any = server->secret_env != NULL || server->secret_headers != NULL ||
                 server->auth != TFTSR_MCP_AUTH_NONE;

  resolved->env = g_ptr_array_new_with_free_func (tftsr_mcp_wipe_free);
  resolved->headers = g_ptr_array_new_with_free_func (tftsr_mcp_wipe_free);
  if (!any)
    return g_steal_pointer (&resolved);
  if (store == NULL)
    {
      g_set_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_AUTH,
                   _ ("The MCP server needs secrets, and no database holds them."));
      return NULL;
    }
  if ((conn = tftsr_conn_acquire (store, error)) == NULL ||
      !resolve_named (store, conn->db, server->name, server->secret_env, '=', resolved->env,
                      error) ||
      !resolve_named (store, conn->db, server->name, server->secret_headers, ':', resolved->headers,
                      error))
    return NULL;
  /* OAuth may refresh through the vault's own connection: give this one back first. */
  g_clear_pointer (&conn, tftsr_conn_release);
  if (server->auth != TFTSR_MCP_AUTH_NONE)
    {
      g_autoptr (TftsrConn) again = tftsr_conn_acquire (store, error);
      if (again == NULL ||
          !resolve_auth (store, server->auth == TFTSR_MCP_AUTH_OAUTH ? NULL : again->db, server,
                         cancellable, resolved->headers, error))
        return NULL;
    }
  return g_steal_pointer (&resolved);
}
