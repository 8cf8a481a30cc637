/* tftsr-mcp-test-util.c: fixtures shared by the MCP tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "tftsr-mcp-test-util.h"

#define EVERYTHING "/node_modules/@modelcontextprotocol/server-everything/dist/index.js"

char *
tftsr_test_mcp_everything_script (void)
{
  g_autofree char *script = g_strconcat (TFTSR_MCP_SERVER_DIR, EVERYTHING, NULL);
  g_autofree char *node = g_find_program_in_path ("node");

  if (node == NULL || !g_file_test (script, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("The reference MCP server is not installed (scripts/install-deps.sh runs "
                   "npm ci in tests/mcp-server); skipped.");
      return NULL;
    }
  return g_steal_pointer (&script);
}
