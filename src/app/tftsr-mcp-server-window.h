/* tftsr-mcp-server-window.h: what an MCP server offers (its tools and resources), which of
 * its tools are always allowed, and what it wrote to its error output
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include <tftsr.h>

G_BEGIN_DECLS

#define TFTSR_TYPE_MCP_SERVER_WINDOW (tftsr_mcp_server_window_get_type ())
G_DECLARE_FINAL_TYPE (TftsrMcpServerWindow, tftsr_mcp_server_window, TFTSR, MCP_SERVER_WINDOW,
                      AdwWindow)

/* Shows @server (copied): its tools (name, title, description, the input schema as indented
 * JSON), its resources (URI, name, MIME type) and its log. With @discovery (taken, may be
 * NULL) that is shown; without, the server is discovered in a worker at once. Signals:
 * ::discovered (gboolean ok) after each discovery's outcome is shown (the registry holds it
 * too); ::allowed-shown after the tools always allowed were read and marked ("Always
 * allowed" and a Revoke button). Actions: server.discover (again; stops one running),
 * server.refresh-log, server.revoke (the tool's name: ask before its calls again; a toast
 * says so). */
TftsrMcpServerWindow *tftsr_mcp_server_window_new (GtkWindow *parent, TftsrStore *store,
                                                   const TftsrMcpServer *server,
                                                   TftsrMcpDiscovery *discovery);

G_END_DECLS
