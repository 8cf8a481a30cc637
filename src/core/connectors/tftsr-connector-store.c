/* tftsr-connector-store.c: connectors, their links and their runs in the database
 *
 * A connector's row and its secret are written in one transaction, after the secret passed
 * the connection test: a connector never exists half-configured, and a refused secret is
 * never stored.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "tftsr-connector-private.h"
#include "tftsr-credentials.h"
#include "tftsr-store-private.h"

#define CONFIG_COLUMNS "id, kind, base_url, user_name, auth, insecure, ca_file, proxy, options"
/* Failed runs among how many of the newest count as recent failures. */
#define RECENT_RUNS 20

static const char *
nullable (sqlite3_stmt *stmt, int column)
{
  return (const char *) sqlite3_column_text (stmt, column);
}

static TftsrConnectorConfig *
config_from_row (sqlite3_stmt *stmt)
{
  TftsrConnectorKind kind = TFTSR_CONNECTOR_WEBHOOK;
  TftsrConnectorAuth auth = TFTSR_CONNECTOR_AUTH_NONE;
  TftsrConnectorConfig *config;

  tftsr_connector_kind_from_string (tftsr_db_text (stmt, 1), &kind);
  tftsr_connector_auth_from_string (tftsr_db_text (stmt, 4), &auth);
  config = tftsr_connector_config_new (tftsr_db_text (stmt, 0), kind, tftsr_db_text (stmt, 2));
  config->user = g_strdup (nullable (stmt, 3));
  config->auth = auth;
  config->insecure = sqlite3_column_int (stmt, 5) != 0;
  config->ca_file = g_strdup (nullable (stmt, 6));
  config->proxy = g_strdup (nullable (stmt, 7));
  g_free (config->options);
  config->options = g_strdup (tftsr_db_text (stmt, 8));
  return config;
}

static TftsrSecretKind
secret_kind (TftsrConnectorAuth auth)
{
  return auth == TFTSR_CONNECTOR_AUTH_BEARER ? TFTSR_SECRET_PAT : TFTSR_SECRET_API_TOKEN;
}

static gboolean
has_secret (TftsrStore *store, const TftsrConnectorConfig *config)
{
  switch (config->auth)
    {
    case TFTSR_CONNECTOR_AUTH_NONE:
      return TRUE;
    case TFTSR_CONNECTOR_AUTH_OAUTH:
      return tftsr_vault_has_secret (store, config->id, TFTSR_SECRET_OAUTH);
    default:
      return tftsr_vault_has_secret (store, config->id, secret_kind (config->auth));
    }
}

/* --- configuration -------------------------------------------------------------------- */

static gboolean
write_row (sqlite3 *db, const TftsrConnectorConfig *c, GError **error)
{
  static const char sql[] =
      "INSERT INTO integration_config (" CONFIG_COLUMNS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
      "ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, base_url = excluded.base_url, "
      "user_name = excluded.user_name, auth = excluded.auth, insecure = excluded.insecure, "
      "ca_file = excluded.ca_file, proxy = excluded.proxy, options = excluded.options, "
      "updated_at = " TFTSR_SQL_NOW;
  g_autoptr (sqlite3_stmt) stmt = tftsr_db_prepare (db, sql, error);

  if (stmt == NULL)
    return FALSE;
  tftsr_db_bind_text (stmt, 1, c->id);
  tftsr_db_bind_text (stmt, 2, tftsr_connector_kind_to_string (c->kind));
  tftsr_db_bind_text (stmt, 3, c->base_url);
  tftsr_db_bind_text (stmt, 4, c->user != NULL && *c->user != '\0' ? c->user : NULL);
  tftsr_db_bind_text (stmt, 5, tftsr_connector_auth_to_string (c->auth));
  sqlite3_bind_int (stmt, 6, c->insecure ? 1 : 0);
  tftsr_db_bind_text (stmt, 7, c->ca_file != NULL && *c->ca_file != '\0' ? c->ca_file : NULL);
  tftsr_db_bind_text (stmt, 8, c->proxy);
  tftsr_db_bind_text (stmt, 9, c->options != NULL ? c->options : "{}");
  return tftsr_db_step_done (stmt, _ ("Could not save the connector"), error);
}

/* The audit entry names what changed, never a secret. */
static char *
audit_detail (const TftsrConnectorConfig *c, gboolean new_secret)
{
  g_autoptr (json_object) detail = json_object_new_object ();

  json_object_object_add (detail, "kind",
                          json_object_new_string (tftsr_connector_kind_to_string (c->kind)));
  json_object_object_add (detail, "base_url", json_object_new_string (c->base_url));
  json_object_object_add (detail, "auth",
                          json_object_new_string (tftsr_connector_auth_to_string (c->auth)));
  json_object_object_add (detail, "insecure", json_object_new_boolean (c->insecure));
  json_object_object_add (detail, "new_secret", json_object_new_boolean (new_secret));
  return g_strdup (json_object_to_json_string_ext (detail, JSON_C_TO_STRING_PLAIN));
}

/* Removes the secrets @config's way of signing in does not use (a token left from before a
 * switch to OAuth), inside the caller's transaction. */
static gboolean
drop_unused_secrets (TftsrStore *store, sqlite3 *db, const TftsrConnectorConfig *config,
                     GError **error)
{
  static const TftsrSecretKind kinds[] = { TFTSR_SECRET_API_TOKEN, TFTSR_SECRET_PAT,
                                           TFTSR_SECRET_OAUTH };
  TftsrSecretKind used =
      config->auth == TFTSR_CONNECTOR_AUTH_OAUTH ? TFTSR_SECRET_OAUTH : secret_kind (config->auth);

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autofree char *owner = tftsr_vault_owner (config->id, kinds[i]);
      if ((kinds[i] != used || config->auth == TFTSR_CONNECTOR_AUTH_NONE) &&
          tftsr_credential_exists (db, owner) && !tftsr_credential_delete (store, db, owner, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
tftsr_store_save_connector_untested (TftsrStore *store, const TftsrConnectorConfig *config,
                                     const char *secret, GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;
  g_autofree char *owner = NULL;
  g_autofree char *detail = NULL;
  gboolean with_secret = secret != NULL && *secret != '\0';

  g_return_val_if_fail (TFTSR_IS_STORE (store) && config != NULL, FALSE);

  if (!tftsr_connector_config_validate (config, error) ||
      (conn = tftsr_conn_acquire (store, error)) == NULL || !tftsr_db_begin (conn->db, error))
    return FALSE;
  owner = tftsr_vault_owner (config->id, secret_kind (config->auth));
  detail = audit_detail (config, with_secret);
  if (write_row (conn->db, config, error) &&
      (!with_secret || tftsr_credential_put (store, conn->db, owner, secret, error)) &&
      drop_unused_secrets (store, conn->db, config, error) &&
      tftsr_audit_append_in_transaction (conn->db, "connector.save", config->id, detail, error) &&
      tftsr_db_commit (conn->db, error))
    return TRUE;
  tftsr_db_rollback (conn->db);
  return FALSE;
}

gboolean
tftsr_store_save_connector (TftsrStore *store, const TftsrConnectorConfig *config,
                            const char *secret, GCancellable *cancellable, GError **error)
{
  g_autofree char *detail = NULL;

  g_return_val_if_fail (TFTSR_IS_STORE (store) && config != NULL, FALSE);

  if (!tftsr_connector_config_validate (config, error))
    return FALSE;
  if (secret != NULL && *secret != '\0' &&
      (detail = tftsr_connector_test (store, config, secret, cancellable, error)) == NULL)
    return FALSE;
  return tftsr_store_save_connector_untested (store, config, secret, error);
}

static TftsrConnectorConfig *
get_in (sqlite3 *db, const char *id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = tftsr_db_prepare (
      db, "SELECT " CONFIG_COLUMNS " FROM integration_config WHERE id = ?", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  tftsr_db_bind_text (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return config_from_row (stmt);
  if (rc == SQLITE_DONE)
    g_set_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_NOT_FOUND,
                 _ ("There is no connector “%s”"), id);
  else
    tftsr_db_set_error (error, db, rc, _ ("Could not read the connector"));
  return NULL;
}

TftsrConnectorConfig *
tftsr_store_get_connector (TftsrStore *store, const char *id, GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;
  TftsrConnectorConfig *config;

  g_return_val_if_fail (TFTSR_IS_STORE (store) && id != NULL, NULL);

  if ((conn = tftsr_conn_acquire (store, error)) == NULL ||
      (config = get_in (conn->db, id, error)) == NULL)
    return NULL;
  g_clear_pointer (&conn, tftsr_conn_release);
  config->has_secret = has_secret (store, config);
  return config;
}

GPtrArray *
tftsr_store_list_connectors (TftsrStore *store, GError **error)
{
  g_autoptr (GPtrArray) list =
      g_ptr_array_new_with_free_func ((GDestroyNotify) tftsr_connector_config_free);
  g_autoptr (TftsrConn) conn = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);

  if ((conn = tftsr_conn_acquire (store, error)) == NULL ||
      (stmt = tftsr_db_prepare (conn->db,
                                "SELECT " CONFIG_COLUMNS " FROM integration_config ORDER BY id",
                                error)) == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, config_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      tftsr_db_set_error (error, conn->db, rc, _ ("Could not read the connectors"));
      return NULL;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);
  g_clear_pointer (&conn, tftsr_conn_release);
  for (guint i = 0; i < list->len; i++)
    {
      TftsrConnectorConfig *config = g_ptr_array_index (list, i);
      config->has_secret = has_secret (store, config);
    }
  return g_steal_pointer (&list);
}

/* Revoking is best effort: the tokens are forgotten locally either way. */
static void
sign_out (TftsrStore *store, const TftsrConnectorConfig *config, GCancellable *cancellable)
{
  g_autoptr (json_object) holder = NULL;
  g_autoptr (GError) error = NULL;
  TftsrOAuthConfig oauth;

  if (config->auth == TFTSR_CONNECTOR_AUTH_OAUTH &&
      tftsr_connector_oauth_config (config, &holder, &oauth) &&
      !tftsr_oauth_disconnect (store, config->id, &oauth, cancellable, &error))
    g_debug ("Signing “%s” out: %s", config->id, error->message);
}

gboolean
tftsr_store_remove_connector (TftsrStore *store, const char *id, GCancellable *cancellable,
                              GError **error)
{
  g_autoptr (TftsrConnectorConfig) config = tftsr_store_get_connector (store, id, error);
  g_autoptr (TftsrConn) conn = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;

  if (config == NULL)
    return FALSE;
  sign_out (store, config, cancellable);
  if (!tftsr_vault_forget_connector (store, id, error) ||
      (conn = tftsr_conn_acquire (store, error)) == NULL || !tftsr_db_begin (conn->db, error))
    return FALSE;
  if ((stmt = tftsr_db_prepare (conn->db, "DELETE FROM integration_config WHERE id = ?", error)) !=
          NULL &&
      (tftsr_db_bind_text (stmt, 1, id), tftsr_db_step_done (stmt,
                                                             _ ("Could not remove the "
                                                                "connector"),
                                                             error)) &&
      tftsr_audit_append_in_transaction (conn->db, "connector.remove", id, NULL, error) &&
      tftsr_db_commit (conn->db, error))
    return TRUE;
  tftsr_db_rollback (conn->db);
  return FALSE;
}

/* --- links ------------------------------------------------------------------------------ */

#define LINK_COLUMNS                                                                               \
  "id, issue_id, connector, kind, object, external_id, external_key, title, status, url, "         \
  "version, created_at, updated_at, correlation, state = 'pending'"

void
tftsr_external_link_free (TftsrExternalLink *link)
{
  if (link == NULL)
    return;
  g_free (link->connector);
  g_free (link->object);
  g_free (link->item.id);
  g_free (link->item.key);
  g_free (link->item.title);
  g_free (link->item.status);
  g_free (link->item.url);
  g_free (link->correlation);
  g_free (link->created_at);
  g_free (link->updated_at);
  g_free (link);
}

static TftsrExternalLink *
link_from_row (sqlite3_stmt *stmt)
{
  TftsrExternalLink *link = g_new0 (TftsrExternalLink, 1);

  link->id = sqlite3_column_int64 (stmt, 0);
  link->issue_id = sqlite3_column_int64 (stmt, 1);
  link->connector = g_strdup (tftsr_db_text (stmt, 2));
  tftsr_connector_kind_from_string (tftsr_db_text (stmt, 3), &link->kind);
  link->object = g_strdup (tftsr_db_text (stmt, 4));
  link->item.id = g_strdup (nullable (stmt, 5));
  link->item.key = g_strdup (nullable (stmt, 6));
  link->item.title = g_strdup (nullable (stmt, 7));
  link->item.status = g_strdup (nullable (stmt, 8));
  link->item.url = g_strdup (nullable (stmt, 9));
  link->item.version = sqlite3_column_int64 (stmt, 10);
  link->created_at = g_strdup (tftsr_db_text (stmt, 11));
  link->updated_at = g_strdup (tftsr_db_text (stmt, 12));
  link->correlation = g_strdup (tftsr_db_text (stmt, 13));
  link->pending = sqlite3_column_int (stmt, 14) != 0;
  return link;
}

TftsrExternalLink *
tftsr_connector_find_link (TftsrStore *store, gint64 issue_id, const char *connector,
                           const char *object, const char *correlation, GError **error)
{
  g_autoptr (TftsrConn) conn = tftsr_conn_acquire (store, error);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  if (conn == NULL ||
      (stmt = tftsr_db_prepare (conn->db,
                                "SELECT " LINK_COLUMNS " FROM external_links "
                                "WHERE issue_id = ? AND connector = ? AND object = ? "
                                "AND (?4 IS NULL OR correlation = ?4) ORDER BY id DESC LIMIT 1",
                                error)) == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, issue_id);
  tftsr_db_bind_text (stmt, 2, connector);
  tftsr_db_bind_text (stmt, 3, object);
  tftsr_db_bind_text (stmt, 4, correlation);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return link_from_row (stmt);
  if (rc != SQLITE_DONE)
    tftsr_db_set_error (error, conn->db, rc, _ ("Could not read the incident’s links"));
  return NULL;
}

gint64
tftsr_connector_add_pending_link (TftsrStore *store, gint64 issue_id,
                                  const TftsrConnectorConfig *config, const char *object,
                                  const char *marker, GError **error)
{
  g_autoptr (TftsrConn) conn = tftsr_conn_acquire (store, error);
  g_autoptr (sqlite3_stmt) stmt = NULL;

  if (conn == NULL ||
      (stmt = tftsr_db_prepare (conn->db,
                                "INSERT INTO external_links (issue_id, connector, kind, object, "
                                "state, correlation) VALUES (?, ?, ?, ?, 'pending', ?)",
                                error)) == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, issue_id);
  tftsr_db_bind_text (stmt, 2, config->id);
  tftsr_db_bind_text (stmt, 3, tftsr_connector_kind_to_string (config->kind));
  tftsr_db_bind_text (stmt, 4, object);
  tftsr_db_bind_text (stmt, 5, marker);
  if (!tftsr_db_step_done (stmt, _ ("Could not record the ticket being created"), error))
    return 0;
  return sqlite3_last_insert_rowid (conn->db);
}

gboolean
tftsr_connector_complete_link (TftsrStore *store, gint64 link_id,
                               const TftsrConnectorConfig *config, const char *object,
                               const TftsrExternalItem *item, GError **error)
{
  g_autoptr (TftsrConn) conn = tftsr_conn_acquire (store, error);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autofree char *note = NULL;
  gint64 issue_id = 0;
  gboolean was_pending = FALSE;

  if (conn == NULL || !tftsr_db_begin (conn->db, error))
    return FALSE;
  if ((stmt = tftsr_db_prepare (
           conn->db, "SELECT issue_id, state = 'pending' FROM external_links WHERE id = ?",
           error)) == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, link_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      issue_id = sqlite3_column_int64 (stmt, 0);
      was_pending = sqlite3_column_int (stmt, 1) != 0;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);
  if ((stmt = tftsr_db_prepare (conn->db,
                                "UPDATE external_links SET state = 'created', external_id = ?, "
                                "external_key = ?, title = ?, status = ?, url = ?, version = ?, "
                                "updated_at = " TFTSR_SQL_NOW " WHERE id = ?",
                                error)) == NULL)
    goto fail;
  tftsr_db_bind_text (stmt, 1, item->id);
  tftsr_db_bind_text (stmt, 2, item->key);
  tftsr_db_bind_text (stmt, 3, item->title);
  tftsr_db_bind_text (stmt, 4, item->status);
  tftsr_db_bind_text (stmt, 5, item->url);
  sqlite3_bind_int64 (stmt, 6, item->version);
  sqlite3_bind_int64 (stmt, 7, link_id);
  /* "KEY URL", and the state of an execution no longer watched (the timeline says so). */
  note = g_strdup_printf (
      "%s %s %s", item->key != NULL ? item->key : item->id, item->url != NULL ? item->url : "",
      g_strcmp0 (item->status, TFTSR_EXECUTION_UNWATCHED) == 0 ? TFTSR_EXECUTION_UNWATCHED : "");
  g_strchomp (note);
  if (!tftsr_db_step_done (stmt, _ ("Could not record the created item"), error) ||
      (was_pending &&
       !tftsr_store_add_timeline (conn->db, issue_id, TFTSR_TIMELINE_EXTERNAL_LINKED, object,
                                  tftsr_connector_kind_to_string (config->kind), note, error)) ||
      !tftsr_db_commit (conn->db, error))
    goto fail;
  return TRUE;
fail:
  tftsr_db_rollback (conn->db);
  return FALSE;
}

GPtrArray *
tftsr_store_list_external_links (TftsrStore *store, gint64 issue_id, GError **error)
{
  g_autoptr (GPtrArray) links =
      g_ptr_array_new_with_free_func ((GDestroyNotify) tftsr_external_link_free);
  g_autoptr (TftsrConn) conn = tftsr_conn_acquire (store, error);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  if (conn == NULL ||
      (stmt = tftsr_db_prepare (conn->db,
                                "SELECT " LINK_COLUMNS " FROM external_links WHERE issue_id = ? "
                                "AND state = 'created' ORDER BY id",
                                error)) == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, issue_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (links, link_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      tftsr_db_set_error (error, conn->db, rc, _ ("Could not read the incident’s links"));
      return NULL;
    }
  return g_steal_pointer (&links);
}

/* --- runs -------------------------------------------------------------------------------- */

static gboolean
insert_event (sqlite3 *db, gint64 run_id, const TftsrConnectorEvent *e, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = tftsr_db_prepare (
      db,
      "INSERT INTO integration_events (run_id, method, path, http_status, attempts, latency_ms, "
      "error, payload_sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, run_id);
  tftsr_db_bind_text (stmt, 2, e->method);
  tftsr_db_bind_text (stmt, 3, e->path);
  sqlite3_bind_int (stmt, 4, (int) e->status);
  sqlite3_bind_int (stmt, 5, (int) e->attempts);
  sqlite3_bind_int (stmt, 6, (int) e->latency_ms);
  tftsr_db_bind_text (stmt, 7, e->error);
  tftsr_db_bind_text (stmt, 8, e->payload_sha256);
  return tftsr_db_step_done (stmt, _ ("Could not record the call"), error);
}

static gboolean
insert_run (sqlite3 *db, TftsrConnectorCtx *ctx, const char *operation, gint64 started_us,
            const char *started_at, const GError *failure, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = tftsr_db_prepare (
      db,
      "INSERT INTO integration_runs (connector, kind, operation, issue_id, ok, http_status, "
      "latency_ms, error, payload_sha256, started_at) VALUES (?, ?, ?, "
      "(SELECT id FROM issues WHERE id = ?), ?, ?, ?, ?, ?, ?)",
      error);
  gint64 run_id;

  if (stmt == NULL)
    return FALSE;
  tftsr_db_bind_text (stmt, 1, ctx->config->id);
  tftsr_db_bind_text (stmt, 2, tftsr_connector_kind_to_string (ctx->config->kind));
  tftsr_db_bind_text (stmt, 3, operation);
  sqlite3_bind_int64 (stmt, 4, ctx->issue_id);
  sqlite3_bind_int (stmt, 5, failure == NULL);
  sqlite3_bind_int (stmt, 6, (int) ctx->last_status);
  sqlite3_bind_int64 (stmt, 7, (g_get_monotonic_time () - started_us) / 1000);
  tftsr_db_bind_text (stmt, 8, failure != NULL ? failure->message : NULL);
  tftsr_db_bind_text (stmt, 9, ctx->payload_sha256);
  tftsr_db_bind_text (stmt, 10, started_at);
  if (!tftsr_db_step_done (stmt, _ ("Could not record the run"), error))
    return FALSE;
  run_id = sqlite3_last_insert_rowid (db);
  for (guint i = 0; ctx->events != NULL && i < ctx->events->len; i++)
    if (!insert_event (db, run_id, g_ptr_array_index (ctx->events, i), error))
      return FALSE;
  return TRUE;
}

void
tftsr_connector_record_run (TftsrConnectorCtx *ctx, const char *operation, gint64 started_us,
                            const char *started_at, const GError *failure)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TftsrConn) conn = tftsr_conn_acquire (ctx->store, &error);

  if (conn != NULL && tftsr_db_begin (conn->db, &error))
    {
      if (insert_run (conn->db, ctx, operation, started_us, started_at, failure, &error) &&
          tftsr_db_commit (conn->db, &error))
        return;
      tftsr_db_rollback (conn->db);
    }
  /* The operation's own outcome stands; only its record is lost. */
  g_warning ("Could not record a run of connector “%s”: %s", ctx->config->id, error->message);
}

void
tftsr_connector_run_free (TftsrConnectorRun *run)
{
  if (run == NULL)
    return;
  g_free (run->connector);
  g_free (run->operation);
  g_free (run->error);
  g_free (run->payload_sha256);
  g_free (run->started_at);
  g_free (run);
}

GPtrArray *
tftsr_store_list_connector_runs (TftsrStore *store, const char *connector, guint limit,
                                 GError **error)
{
  g_autoptr (GPtrArray) runs =
      g_ptr_array_new_with_free_func ((GDestroyNotify) tftsr_connector_run_free);
  g_autoptr (TftsrConn) conn = tftsr_conn_acquire (store, error);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  if (conn == NULL ||
      (stmt = tftsr_db_prepare (conn->db,
                                "SELECT id, connector, operation, coalesce (issue_id, 0), ok, "
                                "http_status, latency_ms, error, payload_sha256, started_at "
                                "FROM integration_runs WHERE ?1 IS NULL OR connector = ?1 "
                                "ORDER BY id DESC LIMIT ?2",
                                error)) == NULL)
    return NULL;
  tftsr_db_bind_text (stmt, 1, connector);
  sqlite3_bind_int (stmt, 2, (int) MIN (limit, (guint) G_MAXINT));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      TftsrConnectorRun *run = g_new0 (TftsrConnectorRun, 1);
      run->id = sqlite3_column_int64 (stmt, 0);
      run->connector = g_strdup (tftsr_db_text (stmt, 1));
      run->operation = g_strdup (tftsr_db_text (stmt, 2));
      run->issue_id = sqlite3_column_int64 (stmt, 3);
      run->ok = sqlite3_column_int (stmt, 4) != 0;
      run->http_status = (guint) sqlite3_column_int (stmt, 5);
      run->latency_ms = (guint) sqlite3_column_int (stmt, 6);
      run->error = g_strdup (nullable (stmt, 7));
      run->payload_sha256 = g_strdup (nullable (stmt, 8));
      run->started_at = g_strdup (tftsr_db_text (stmt, 9));
      g_ptr_array_add (runs, run);
    }
  if (rc != SQLITE_DONE)
    {
      tftsr_db_set_error (error, conn->db, rc, _ ("Could not read the connector runs"));
      return NULL;
    }
  return g_steal_pointer (&runs);
}

/* --- health ------------------------------------------------------------------------------ */

void
tftsr_connector_health_free (TftsrConnectorHealth *health)
{
  if (health == NULL)
    return;
  g_free (health->connector);
  g_free (health->last_success_at);
  g_free (health->last_error);
  g_free (health);
}

static gboolean
fill_health (sqlite3 *db, TftsrConnectorHealth *h, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = tftsr_db_prepare (
      db,
      "SELECT (SELECT max (finished_at) FROM integration_runs WHERE connector = ?1 AND ok), "
      "(SELECT count (*) FROM (SELECT ok FROM integration_runs WHERE connector = ?1 "
      "  ORDER BY id DESC LIMIT ?2) WHERE NOT ok), "
      "(SELECT error FROM integration_runs WHERE connector = ?1 AND NOT ok ORDER BY id DESC "
      "  LIMIT 1)",
      error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  tftsr_db_bind_text (stmt, 1, h->connector);
  sqlite3_bind_int (stmt, 2, RECENT_RUNS);
  if ((rc = sqlite3_step (stmt)) != SQLITE_ROW)
    return tftsr_db_set_error (error, db, rc, _ ("Could not read the connector runs"));
  h->last_success_at = g_strdup (nullable (stmt, 0));
  h->recent_failures = (guint) sqlite3_column_int (stmt, 1);
  h->last_error = g_strdup (nullable (stmt, 2));
  return TRUE;
}

GPtrArray *
tftsr_store_list_connector_health (TftsrStore *store, GError **error)
{
  g_autoptr (GPtrArray) configs = tftsr_store_list_connectors (store, error);
  g_autoptr (GPtrArray) list =
      g_ptr_array_new_with_free_func ((GDestroyNotify) tftsr_connector_health_free);
  g_autoptr (TftsrConn) conn = NULL;

  if (configs == NULL || (conn = tftsr_conn_acquire (store, error)) == NULL)
    return NULL;
  for (guint i = 0; i < configs->len; i++)
    {
      const TftsrConnectorConfig *config = g_ptr_array_index (configs, i);
      TftsrConnectorHealth *h = g_new0 (TftsrConnectorHealth, 1);

      h->connector = g_strdup (config->id);
      h->kind = config->kind;
      h->configured = config->has_secret;
      h->circuit = tftsr_circuit_get_state (tftsr_connector_circuit (config->id));
      g_ptr_array_add (list, h);
      if (!fill_health (conn->db, h, error))
        return NULL;
    }
  return g_steal_pointer (&list);
}

gboolean
tftsr_connector_set_document_url (TftsrStore *store, gint64 document_id, const char *url,
                                  GError **error)
{
  g_autoptr (TftsrConn) conn = tftsr_conn_acquire (store, error);
  g_autoptr (sqlite3_stmt) stmt = NULL;

  if (conn == NULL ||
      (stmt = tftsr_db_prepare (conn->db, "UPDATE documents SET external_url = ? WHERE id = ?",
                                error)) == NULL)
    return FALSE;
  tftsr_db_bind_text (stmt, 1, url);
  sqlite3_bind_int64 (stmt, 2, document_id);
  return tftsr_db_step_done (stmt, _ ("Could not record where the document was published"), error);
}
