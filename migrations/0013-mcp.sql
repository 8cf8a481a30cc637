-- 0013: the MCP servers the AI may call tools of. Secret values (an API key or bearer
-- token, secret header and environment values, OAuth tokens) are in the vault; this table
-- keeps only their names.

CREATE TABLE mcp_servers (
  id               INTEGER PRIMARY KEY,
  name             TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 60),
  transport        TEXT NOT NULL CHECK (transport IN ('stdio', 'http')),
  command          TEXT CHECK (command IS NULL OR substr(command, 1, 1) = '/'),
  arguments        TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(arguments) AND json_type(arguments) = 'array'),
  environment      TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(environment) AND json_type(environment) = 'object'),
  secret_env       TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(secret_env) AND json_type(secret_env) = 'array'),
  url              TEXT,
  headers          TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(headers) AND json_type(headers) = 'object'),
  secret_headers   TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(secret_headers) AND json_type(secret_headers) = 'array'),
  auth             TEXT NOT NULL DEFAULT 'none' CHECK (auth IN ('none', 'api_key', 'bearer', 'oauth')),
  api_key_header   TEXT,
  oauth            TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(oauth) AND json_type(oauth) = 'object'),
  enabled          INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  timeout_ms       INTEGER NOT NULL DEFAULT 0 CHECK (timeout_ms >= 0),
  created_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  status           TEXT NOT NULL DEFAULT 'pending'
                   CHECK (status IN ('pending', 'connected', 'unreachable', 'error')),
  status_reason    TEXT,
  status_at        TEXT,
  n_tools          INTEGER NOT NULL DEFAULT -1,
  n_resources      INTEGER NOT NULL DEFAULT -1,
  CHECK ((transport = 'stdio') = (command IS NOT NULL)),
  CHECK ((transport = 'http') = (url IS NOT NULL))
);
