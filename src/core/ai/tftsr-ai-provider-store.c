/* tftsr-ai-provider-store.c: providers in the database, their keys in the vault
 *
 * A provider row and its key are saved in one transaction, so a provider never exists
 * half-configured. The key is handed to the vault and never read back by anything but the
 * code that builds a request.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>
#include <json-c/json.h>

#include "tftsr-ai-private.h"

#define NAME_MAX_CHARS 64

#define PROVIDER_COLUMNS                                                                           \
  "p.id, p.name, p.format, p.base_url, p.model, p.tools, p.insecure, p.options, p.active, "        \
  "EXISTS (SELECT 1 FROM credentials c WHERE c.owner = 'ai_provider:' || p.id)"

static char *
key_owner (gint64 id)
{
  return g_strdup_printf ("ai_provider:%" G_GINT64_FORMAT, id);
}

static gboolean
invalid (GError **error, const char *message)
{
  g_set_error_literal (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_INVALID, message);
  return FALSE;
}

static gboolean
url_valid (const char *url)
{
  g_autoptr (GUri) uri = url != NULL ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;
  const char *scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;

  return scheme != NULL &&
         (g_ascii_strcasecmp (scheme, "https") == 0 || g_ascii_strcasecmp (scheme, "http") == 0) &&
         g_uri_get_host (uri) != NULL && *g_uri_get_host (uri) != '\0';
}

static gboolean
options_valid (const char *options)
{
  json_object *parsed = json_tokener_parse (options);
  gboolean ok = parsed != NULL && json_object_is_type (parsed, json_type_object);

  json_object_put (parsed);
  return ok;
}

/* A Custom REST template that does not parse would silently send {}. */
static gboolean
template_valid (const TftsrAiProvider *p)
{
  g_autofree char *template = tftsr_ai_provider_dup_option (p, "request_template");
  return template == NULL || options_valid (template);
}

static gboolean
validate (const TftsrAiProvider *p, GError **error)
{
  if (p->name == NULL || *p->name == '\0' || !g_utf8_validate (p->name, -1, NULL) ||
      g_utf8_strlen (p->name, -1) > NAME_MAX_CHARS)
    return invalid (error, _ ("A provider needs a name of at most 64 characters"));
  if (p->format >= TFTSR_AI_N_FORMATS)
    return invalid (error, _ ("Unknown provider format"));
  if (!url_valid (p->base_url))
    return invalid (error, _ ("The base URL must be an http:// or https:// address with a host "
                              "name, such as https://api.openai.com/v1"));
  if ((p->model == NULL || *p->model == '\0') && p->format != TFTSR_AI_FORMAT_CUSTOM)
    return invalid (error, _ ("A provider needs a model"));
  if (p->options != NULL && !options_valid (p->options))
    return invalid (error, _ ("The provider options must be a JSON object"));
  if (!template_valid (p))
    return invalid (error, _ ("The request template must be a JSON object, such as "
                              "{\"model\":\"{{model}}\",\"messages\":\"{{messages}}\"}"));
  return TRUE;
}

static TftsrAiProvider *
provider_from_row (sqlite3_stmt *stmt)
{
  TftsrAiProvider *p = g_new0 (TftsrAiProvider, 1);

  p->id = sqlite3_column_int64 (stmt, 0);
  p->name = g_strdup (tftsr_db_text (stmt, 1));
  tftsr_ai_format_from_string (tftsr_db_text (stmt, 2), &p->format);
  p->base_url = g_strdup (tftsr_db_text (stmt, 3));
  p->model = g_strdup (tftsr_db_text (stmt, 4));
  tftsr_ai_tools_from_string (tftsr_db_text (stmt, 5), &p->tools);
  p->insecure = sqlite3_column_int (stmt, 6) != 0;
  p->options = g_strdup (tftsr_db_text (stmt, 7));
  p->active = sqlite3_column_int (stmt, 8) != 0;
  p->has_key = sqlite3_column_int (stmt, 9) != 0;
  return p;
}

/* Binds the settings columns ?2..?8 of @p. */
static void
bind_settings (sqlite3_stmt *stmt, const TftsrAiProvider *p)
{
  tftsr_db_bind_text (stmt, 2, p->name);
  sqlite3_bind_text (stmt, 3, tftsr_ai_format_to_string (p->format), -1, SQLITE_STATIC);
  tftsr_db_bind_text (stmt, 4, p->base_url);
  tftsr_db_bind_text (stmt, 5, p->model != NULL ? p->model : "");
  sqlite3_bind_text (stmt, 6, tftsr_ai_tools_to_string (p->tools), -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 7, p->insecure);
  tftsr_db_bind_text (stmt, 8, p->options != NULL ? p->options : "{}");
}

/* A name taken by another provider is the engineer's mistake, not a database failure. */
static gboolean
save_error (GError **error, sqlite3 *db, int rc, const char *name)
{
  if (sqlite3_extended_errcode (db) == SQLITE_CONSTRAINT_UNIQUE)
    {
      g_set_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_INVALID,
                   _ ("There is already a provider called “%s”"), name);
      return FALSE;
    }
  return tftsr_db_set_error (error, db, rc, _ ("Could not save the provider"));
}

static gboolean
audit (sqlite3 *db, const char *action, gint64 id, const TftsrAiProvider *p, GError **error)
{
  g_autofree char *target = key_owner (id);
  json_object *detail = json_object_new_object ();
  gboolean ok;

  if (p != NULL)
    {
      json_object_object_add (detail, "name", json_object_new_string (p->name));
      json_object_object_add (detail, "format",
                              json_object_new_string (tftsr_ai_format_to_string (p->format)));
      json_object_object_add (detail, "url", json_object_new_string (p->base_url));
    }
  ok = tftsr_audit_append_in_transaction (db, action, target,
                                          json_object_to_json_string_ext (detail, 0), error);
  json_object_put (detail);
  return ok;
}

static gint64
insert_row (sqlite3 *db, const TftsrAiProvider *p, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = tftsr_db_prepare (db,
                           "INSERT INTO ai_providers (name, format, base_url, model, tools, "
                           "insecure, options, active) "
                           "VALUES (?2, ?3, ?4, ?5, ?6, ?7, ?8, "
                           " NOT EXISTS (SELECT 1 FROM ai_providers WHERE active = 1))",
                           error);
  if (stmt == NULL)
    return 0;
  bind_settings (stmt, p);
  if ((rc = sqlite3_step (stmt)) != SQLITE_DONE)
    return save_error (error, db, rc, p->name);
  return sqlite3_last_insert_rowid (db);
}

gint64
tftsr_store_add_ai_provider (TftsrStore *store, const TftsrAiProvider *provider,
                             const char *api_key, GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;
  g_autofree char *owner = NULL;
  gint64 id;

  g_return_val_if_fail (TFTSR_IS_STORE (store), 0);
  g_return_val_if_fail (provider != NULL, 0);

  if (!validate (provider, error) || (conn = tftsr_conn_acquire (store, error)) == NULL ||
      !tftsr_db_begin (conn->db, error))
    return 0;
  if ((id = insert_row (conn->db, provider, error)) == 0)
    goto fail;
  owner = key_owner (id);
  if ((api_key != NULL && *api_key != '\0' &&
       !tftsr_credential_put (store, conn->db, owner, api_key, error)) ||
      !audit (conn->db, "ai.provider_add", id, provider, error) ||
      !tftsr_db_commit (conn->db, error))
    goto fail;
  return id;
fail:
  tftsr_db_rollback (conn->db);
  return 0;
}

static gboolean
update_row (sqlite3 *db, const TftsrAiProvider *p, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = tftsr_db_prepare (db,
                           "UPDATE ai_providers SET name = ?2, format = ?3, base_url = ?4, "
                           "model = ?5, tools = ?6, insecure = ?7, options = ?8, "
                           "updated_at = " TFTSR_SQL_NOW " WHERE id = ?1",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, p->id);
  bind_settings (stmt, p);
  if ((rc = sqlite3_step (stmt)) != SQLITE_DONE)
    return save_error (error, db, rc, p->name);
  if (sqlite3_changes (db) == 0)
    {
      g_set_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_NOT_FOUND,
                   _ ("There is no provider %" G_GINT64_FORMAT), p->id);
      return FALSE;
    }
  return TRUE;
}

static gboolean
update_key (TftsrStore *store, sqlite3 *db, gint64 id, const char *api_key, GError **error)
{
  g_autofree char *owner = key_owner (id);

  if (api_key == NULL)
    return TRUE;
  if (*api_key == '\0')
    return tftsr_credential_delete (store, db, owner, error);
  return tftsr_credential_put (store, db, owner, api_key, error);
}

gboolean
tftsr_store_update_ai_provider (TftsrStore *store, const TftsrAiProvider *provider,
                                const char *api_key, GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;

  g_return_val_if_fail (TFTSR_IS_STORE (store), FALSE);
  g_return_val_if_fail (provider != NULL, FALSE);

  if (!validate (provider, error) || (conn = tftsr_conn_acquire (store, error)) == NULL ||
      !tftsr_db_begin (conn->db, error))
    return FALSE;
  if (!update_row (conn->db, provider, error) ||
      !update_key (store, conn->db, provider->id, api_key, error) ||
      !audit (conn->db, "ai.provider_update", provider->id, provider, error) ||
      !tftsr_db_commit (conn->db, error))
    {
      tftsr_db_rollback (conn->db);
      return FALSE;
    }
  return TRUE;
}

/* Runs @sql with ?1 = @id in a transaction with an audit entry; no row is "not found". */
static gboolean
change_one (TftsrStore *store, gint64 id, const char *sql, const char *action, gboolean with_key,
            GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autofree char *owner = key_owner (id);

  if ((conn = tftsr_conn_acquire (store, error)) == NULL || !tftsr_db_begin (conn->db, error))
    return FALSE;
  if ((stmt = tftsr_db_prepare (conn->db, sql, error)) == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, id);
  if (!tftsr_db_step_done (stmt, _ ("Could not save the provider"), error))
    goto fail;
  if (sqlite3_changes (conn->db) == 0)
    {
      g_set_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_NOT_FOUND,
                   _ ("There is no provider %" G_GINT64_FORMAT), id);
      goto fail;
    }
  if ((with_key && !tftsr_credential_delete (store, conn->db, owner, error)) ||
      !audit (conn->db, action, id, NULL, error) || !tftsr_db_commit (conn->db, error))
    goto fail;
  return TRUE;
fail:
  tftsr_db_rollback (conn->db);
  return FALSE;
}

gboolean
tftsr_store_remove_ai_provider (TftsrStore *store, gint64 id, GError **error)
{
  g_return_val_if_fail (TFTSR_IS_STORE (store), FALSE);
  return change_one (store, id, "DELETE FROM ai_providers WHERE id = ?1", "ai.provider_remove",
                     TRUE, error);
}

gboolean
tftsr_store_set_active_ai_provider (TftsrStore *store, gint64 id, GError **error)
{
  g_return_val_if_fail (TFTSR_IS_STORE (store), FALSE);
  /* One statement, so the unique index on the active flag never sees two. */
  return change_one (store, id,
                     "UPDATE ai_providers SET active = (id = ?1) "
                     "WHERE EXISTS (SELECT 1 FROM ai_providers WHERE id = ?1)",
                     "ai.provider_use", FALSE, error);
}

GPtrArray *
tftsr_store_list_ai_providers (TftsrStore *store, GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GPtrArray) providers =
      g_ptr_array_new_with_free_func ((GDestroyNotify) tftsr_ai_provider_free);
  int rc;

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);

  if ((conn = tftsr_conn_acquire (store, error)) == NULL ||
      (stmt = tftsr_db_prepare (conn->db,
                                "SELECT " PROVIDER_COLUMNS " FROM ai_providers p "
                                "ORDER BY p.name COLLATE NOCASE",
                                error)) == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (providers, provider_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      tftsr_db_set_error (error, conn->db, rc, _ ("Could not list the providers"));
      return NULL;
    }
  return g_steal_pointer (&providers);
}

TftsrAiProvider *
tftsr_store_get_ai_provider (TftsrStore *store, const char *name, GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);

  if ((conn = tftsr_conn_acquire (store, error)) == NULL ||
      (stmt = tftsr_db_prepare (conn->db,
                                "SELECT " PROVIDER_COLUMNS " FROM ai_providers p "
                                "WHERE (?1 IS NULL AND p.active = 1) OR p.name = ?1",
                                error)) == NULL)
    return NULL;
  if (name != NULL)
    tftsr_db_bind_text (stmt, 1, name);
  if ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    return provider_from_row (stmt);
  if (rc != SQLITE_DONE)
    tftsr_db_set_error (error, conn->db, rc, _ ("Could not read the provider"));
  else if (name != NULL)
    g_set_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_NOT_FOUND,
                 _ ("There is no AI provider called “%s”"), name);
  else
    g_set_error (error, TFTSR_STORE_ERROR, TFTSR_STORE_ERROR_NOT_FOUND,
                 _ ("No AI provider is set up: add one in Preferences or with “tftsr-cli ai "
                    "add”"));
  return NULL;
}

TftsrSecret *
tftsr_store_dup_ai_key (TftsrStore *store, gint64 provider_id, GError **error)
{
  g_autoptr (TftsrConn) conn = tftsr_conn_acquire (store, error);
  g_autofree char *owner = key_owner (provider_id);

  return conn != NULL ? tftsr_credential_get (store, conn->db, owner, error) : NULL;
}
