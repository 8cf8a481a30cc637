/* tftsr-mcp-test-util.h: fixtures shared by the MCP tests (the reference server,
 * @modelcontextprotocol/server-everything, pinned in tests/mcp-server)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

/* The reference server's script, or NULL with the test skipped when it or node is
 * missing. */
char *tftsr_test_mcp_everything_script (void);
