-- 0014: the tool calls of the triage chat. A tool result (role 'tool') keeps the MCP server
-- that answered it, the arguments exactly as they were sent there (what the engineer reads
-- on the call's card and what the audit entry's hash is of), and how the call ended. The
-- engineer's "always allow" decisions are kept per server and tool, and go with the server.

ALTER TABLE ai_messages ADD COLUMN tool_server TEXT;
-- NULL: nothing was sent (denied, unknown tool, the round limit reached).
ALTER TABLE ai_messages ADD COLUMN tool_arguments TEXT;
ALTER TABLE ai_messages ADD COLUMN tool_status TEXT
  CHECK (tool_status IS NULL OR tool_status IN ('done', 'denied', 'failed', 'cancelled'));

CREATE TABLE mcp_tool_approvals (
  server_id  INTEGER NOT NULL REFERENCES mcp_servers (id) ON DELETE CASCADE,
  tool       TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  PRIMARY KEY (server_id, tool)
) WITHOUT ROWID;
