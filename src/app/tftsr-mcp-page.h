/* tftsr-mcp-page.h: the MCP Servers page of Preferences
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include <tftsr.h>

G_BEGIN_DECLS

#define TFTSR_TYPE_MCP_PAGE (tftsr_mcp_page_get_type ())
G_DECLARE_FINAL_TYPE (TftsrMcpPage, tftsr_mcp_page, TFTSR, MCP_PAGE, AdwPreferencesPage)

/* Lists the MCP servers of @store with their status (pending, connected with the counts of
 * tools and resources, unreachable or failing with the reason), an enabled switch,
 * discovery (a spinner; a second click stops it), details, edit and remove. Signals:
 * ::loaded after each (re)load of the list is shown; ::discovered (const char *name,
 * gboolean ok) after a discovery's outcome is shown. Actions (parameter: the server's
 * name): mcp.discover, mcp.details, mcp.edit, mcp.remove; mcp.add (no parameter). Below
 * the list, the tool rounds per reply of the triage chat (rounds_spin), saved as changed. */
TftsrMcpPage *tftsr_mcp_page_new (TftsrStore *store);

G_END_DECLS
