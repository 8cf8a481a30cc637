/* tftsr-mcp-server-dialog.h: adding and editing an MCP server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include <tftsr.h>

G_BEGIN_DECLS

#define TFTSR_TYPE_MCP_SERVER_DIALOG (tftsr_mcp_server_dialog_get_type ())
G_DECLARE_FINAL_TYPE (TftsrMcpServerDialog, tftsr_mcp_server_dialog, TFTSR, MCP_SERVER_DIALOG,
                      AdwWindow)

/* A dialog that adds a server (@server NULL) or edits @server (copied; its name cannot
 * change). Arguments, environment variables and headers are edited as lists, one row per
 * item, so nothing is ever quoted or split; secret values are password rows that start
 * empty and keep what is stored unless typed. Signals: ::saved (const char *name) once the
 * registry kept it (the dialog then closes); ::failed (GError *) when a save is refused (the
 * reason is shown above the fields and the dialog stays); ::signed-in (gboolean ok) after
 * an OAuth sign-in. Actions: server.save, server.cancel, server.choose-command,
 * server.add-argument, server.add-env, server.add-secret-env, server.add-header,
 * server.add-secret-header, server.sign-in. */
TftsrMcpServerDialog *tftsr_mcp_server_dialog_new (GtkWindow *parent, TftsrStore *store,
                                                   const TftsrMcpServer *server);

G_END_DECLS
