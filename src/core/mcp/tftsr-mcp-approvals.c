/* tftsr-mcp-approvals.c: the engineer's standing decisions about tool calls: how many
 * rounds a turn may make, and the tools always allowed (mcp_tool_approvals, migration 0014)
 *
 * An approval belongs to a server row (ON DELETE CASCADE), so removing the server drops
 * its approvals with it. Allowing and revoking each write their audit entry in the same
 * transaction as the change, so the log never disagrees with the table.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>

#include "tftsr-mcp-bridge.h"
#include "tftsr-mcp-private.h"
#include "tftsr-settings.h"
#include "tftsr-store-private.h"

/* ------------------------------------------------------------------------------------------
 * Tool rounds
 */

guint
tftsr_mcp_get_tool_rounds (TftsrStore *store)
{
  g_autofree char *value = tftsr_store_get_setting (store, TFTSR_MCP_TOOL_ROUNDS_KEY, NULL);
  guint64 rounds = 0;

  if (value == NULL ||
      !g_ascii_string_to_unsigned (value, 10, 1, TFTSR_MCP_MAX_TOOL_ROUNDS, &rounds, NULL))
    return TFTSR_MCP_DEFAULT_TOOL_ROUNDS;
  return (guint) rounds;
}

gboolean
tftsr_mcp_set_tool_rounds (TftsrStore *store, guint rounds, GError **error)
{
  g_autofree char *value = NULL;

  g_return_val_if_fail (TFTSR_IS_STORE (store), FALSE);

  if (rounds > TFTSR_MCP_MAX_TOOL_ROUNDS)
    {
      g_set_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_INVALID,
                   _ ("A turn may make at most %u rounds of tool calls."),
                   TFTSR_MCP_MAX_TOOL_ROUNDS);
      return FALSE;
    }
  value = rounds > 0 ? g_strdup_printf ("%u", rounds) : NULL;
  return tftsr_store_set_setting (store, TFTSR_MCP_TOOL_ROUNDS_KEY, value, error);
}

/* ------------------------------------------------------------------------------------------
 * Tools always allowed
 */

void
tftsr_mcp_allowed_tool_free (TftsrMcpAllowedTool *allowed)
{
  if (allowed == NULL)
    return;
  g_free (allowed->tool);
  g_free (allowed->allowed_at);
  g_free (allowed);
}

/* The id of server @name, or 0 with TFTSR_MCP_ERROR_NOT_FOUND. */
static gint64
server_id (sqlite3 *db, const char *name, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt =
      tftsr_db_prepare (db, "SELECT id FROM mcp_servers WHERE name = ?", error);
  int rc;

  if (stmt == NULL)
    return 0;
  tftsr_db_bind_text (stmt, 1, name);
  if ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    return sqlite3_column_int64 (stmt, 0);
  if (rc == SQLITE_DONE)
    g_set_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_NOT_FOUND,
                 _ ("There is no MCP server named “%s”."), name);
  else
    tftsr_db_set_error (error, db, rc, _ ("Could not read the MCP server"));
  return 0;
}

/* The audit entry of an allow or a revoke: the server as target, the tool as detail. */
static gboolean
audit (sqlite3 *db, const char *action, const char *server, const char *tool, GError **error)
{
  g_autoptr (json_object) detail = json_object_new_object ();
  g_autofree char *target = g_strconcat ("mcp:", server, NULL);

  json_object_object_add (detail, "tool", json_object_new_string (tool));
  return tftsr_audit_append_in_transaction (db, action, target, json_object_to_json_string (detail),
                                            error);
}

gboolean
tftsr_mcp_store_is_tool_allowed (TftsrStore *store, const char *server, const char *tool,
                                 GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (TFTSR_IS_STORE (store), FALSE);
  g_return_val_if_fail (server != NULL && tool != NULL, FALSE);

  if ((conn = tftsr_conn_acquire (store, error)) == NULL ||
      (stmt = tftsr_db_prepare (conn->db,
                                "SELECT 1 FROM mcp_tool_approvals a JOIN mcp_servers s "
                                "ON s.id = a.server_id WHERE s.name = ?1 AND a.tool = ?2",
                                error)) == NULL)
    return FALSE;
  tftsr_db_bind_text (stmt, 1, server);
  tftsr_db_bind_text (stmt, 2, tool);
  if ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    return TRUE;
  if (rc != SQLITE_DONE)
    tftsr_db_set_error (error, conn->db, rc, _ ("Could not read the tools always allowed"));
  return FALSE;
}

static gboolean
insert_approval (sqlite3 *db, const char *server, const char *tool, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  if ((stmt = tftsr_db_prepare (db,
                                "INSERT OR IGNORE INTO mcp_tool_approvals (server_id, tool) "
                                "SELECT id, ?2 FROM mcp_servers WHERE name = ?1",
                                error)) == NULL)
    return FALSE;
  tftsr_db_bind_text (stmt, 1, server);
  tftsr_db_bind_text (stmt, 2, tool);
  if (!tftsr_db_step_done (stmt, _ ("Could not save the tool as always allowed"), error))
    return FALSE;
  if (sqlite3_changes (db) == 0)
    {
      g_set_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_NOT_FOUND,
                   _ ("There is no MCP server named “%s”, or its tool is allowed already."),
                   server);
      return FALSE;
    }
  return audit (db, "mcp.allow", server, tool, error);
}

gboolean
tftsr_mcp_store_allow_tool (TftsrStore *store, const char *server, const char *tool, GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;

  g_return_val_if_fail (TFTSR_IS_STORE (store), FALSE);
  g_return_val_if_fail (server != NULL && tool != NULL, FALSE);

  if (tftsr_mcp_store_is_tool_allowed (store, server, tool, NULL))
    return TRUE;
  if ((conn = tftsr_conn_acquire (store, error)) == NULL || !tftsr_db_begin (conn->db, error))
    return FALSE;
  if (!insert_approval (conn->db, server, tool, error) || !tftsr_db_commit (conn->db, error))
    {
      tftsr_db_rollback (conn->db);
      return FALSE;
    }
  return TRUE;
}

GPtrArray *
tftsr_mcp_store_list_allowed_tools (TftsrStore *store, const char *server, GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GPtrArray) tools =
      g_ptr_array_new_with_free_func ((GDestroyNotify) tftsr_mcp_allowed_tool_free);
  gint64 id;
  int rc;

  g_return_val_if_fail (TFTSR_IS_STORE (store), NULL);
  g_return_val_if_fail (server != NULL, NULL);

  if ((conn = tftsr_conn_acquire (store, error)) == NULL ||
      (id = server_id (conn->db, server, error)) == 0 ||
      (stmt = tftsr_db_prepare (conn->db,
                                "SELECT tool, created_at FROM mcp_tool_approvals "
                                "WHERE server_id = ? ORDER BY tool",
                                error)) == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      TftsrMcpAllowedTool *allowed = g_new0 (TftsrMcpAllowedTool, 1);

      allowed->tool = g_strdup (tftsr_db_text (stmt, 0));
      allowed->allowed_at = g_strdup (tftsr_db_text (stmt, 1));
      g_ptr_array_add (tools, allowed);
    }
  if (rc != SQLITE_DONE)
    {
      tftsr_db_set_error (error, conn->db, rc, _ ("Could not read the tools always allowed"));
      return NULL;
    }
  return g_steal_pointer (&tools);
}

static gboolean
delete_approval (sqlite3 *db, const char *server, const char *tool, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  gint64 id;

  if ((id = server_id (db, server, error)) == 0 ||
      (stmt = tftsr_db_prepare (
           db, "DELETE FROM mcp_tool_approvals WHERE server_id = ?1 AND tool = ?2", error)) == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  tftsr_db_bind_text (stmt, 2, tool);
  if (!tftsr_db_step_done (stmt, _ ("Could not revoke the tool"), error))
    return FALSE;
  if (sqlite3_changes (db) == 0)
    {
      g_set_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_NOT_FOUND,
                   _ ("The tool “%s” of “%s” is not always allowed, so there is nothing to "
                      "revoke."),
                   tool, server);
      return FALSE;
    }
  return audit (db, "mcp.revoke", server, tool, error);
}

gboolean
tftsr_mcp_store_revoke_tool (TftsrStore *store, const char *server, const char *tool,
                             GError **error)
{
  g_autoptr (TftsrConn) conn = NULL;

  g_return_val_if_fail (TFTSR_IS_STORE (store), FALSE);
  g_return_val_if_fail (server != NULL && tool != NULL, FALSE);

  if ((conn = tftsr_conn_acquire (store, error)) == NULL || !tftsr_db_begin (conn->db, error))
    return FALSE;
  if (!delete_approval (conn->db, server, tool, error) || !tftsr_db_commit (conn->db, error))
    {
      tftsr_db_rollback (conn->db);
      return FALSE;
    }
  return TRUE;
}
