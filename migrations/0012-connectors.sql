-- 0012: connectors (the systems of record an incident is sent to), the objects created
-- there for each incident, and a record of every call made to them. Secrets are in the
-- vault (credentials, or the Secret Service), never here.

CREATE TABLE integration_config (
  id         TEXT PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),
  kind       TEXT NOT NULL
             CHECK (kind IN ('confluence', 'servicenow', 'azure-devops', 'jira', 'pagerduty',
                             'stackstorm', 'webhook', 'slack', 'teams')),
  base_url   TEXT NOT NULL,
  user_name  TEXT,
  auth       TEXT NOT NULL CHECK (auth IN ('none', 'basic', 'bearer', 'token', 'oauth')),
  insecure   INTEGER NOT NULL DEFAULT 0 CHECK (insecure IN (0, 1)),
  ca_file    TEXT,
  proxy      TEXT,
  options    TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(options)),
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- What was created for an incident. A create writes its row as 'pending' with the
-- correlation marker it sends, before sending: a retry after a lost answer finds the row
-- and looks the marker up on the service instead of creating a second ticket.
CREATE TABLE external_links (
  id           INTEGER PRIMARY KEY,
  issue_id     INTEGER NOT NULL REFERENCES issues (id) ON DELETE CASCADE,
  connector    TEXT NOT NULL,
  kind         TEXT NOT NULL,
  object       TEXT NOT NULL CHECK (object IN ('ticket', 'page', 'alert', 'execution')),
  state        TEXT NOT NULL CHECK (state IN ('pending', 'created')),
  correlation  TEXT NOT NULL,
  external_id  TEXT,
  external_key TEXT,
  title        TEXT,
  status       TEXT,
  url          TEXT,
  version      INTEGER NOT NULL DEFAULT 0,
  created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  CHECK ((state = 'created') = (external_id IS NOT NULL))
);
CREATE INDEX external_links_by_issue ON external_links (issue_id, connector, object);

-- One user-level operation (create a ticket, publish a page…) and its outcome.
CREATE TABLE integration_runs (
  id             INTEGER PRIMARY KEY,
  connector      TEXT NOT NULL,
  kind           TEXT NOT NULL,
  operation      TEXT NOT NULL,
  issue_id       INTEGER REFERENCES issues (id) ON DELETE SET NULL,
  ok             INTEGER NOT NULL CHECK (ok IN (0, 1)),
  http_status    INTEGER NOT NULL DEFAULT 0,
  latency_ms     INTEGER NOT NULL DEFAULT 0,
  error          TEXT,
  payload_sha256 TEXT,
  started_at     TEXT NOT NULL,
  finished_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX integration_runs_by_connector ON integration_runs (connector, id);

-- Each HTTP call of a run: method and path (never the query, headers or body), the status,
-- the attempts, the time taken, the SHA-256 of the body sent.
CREATE TABLE integration_events (
  id             INTEGER PRIMARY KEY,
  run_id         INTEGER NOT NULL REFERENCES integration_runs (id) ON DELETE CASCADE,
  method         TEXT NOT NULL,
  path           TEXT NOT NULL,
  http_status    INTEGER NOT NULL DEFAULT 0,
  attempts       INTEGER NOT NULL DEFAULT 1,
  latency_ms     INTEGER NOT NULL DEFAULT 0,
  error          TEXT,
  payload_sha256 TEXT,
  at             TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX integration_events_by_run ON integration_events (run_id, id);
