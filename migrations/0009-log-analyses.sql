-- 0009: what a model made of an incident's logs ("Analyze Logs"), kept with the incident.
-- The logs are described as they were sent: name, and whether whole or as a digest; the
-- reply is kept raw too, so a reply that could not be read as the asked-for JSON still
-- shows.

CREATE TABLE log_analyses (
  id              INTEGER PRIMARY KEY,
  issue_id        INTEGER NOT NULL REFERENCES issues (id) ON DELETE CASCADE,
  provider        TEXT NOT NULL,
  model           TEXT NOT NULL,
  logs            TEXT NOT NULL CHECK (json_valid(logs)), -- [{"id","name","whole"}]
  summary         TEXT NOT NULL DEFAULT '',
  findings        TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(findings)),
  first_why       TEXT NOT NULL DEFAULT '',
  severity        TEXT CHECK (severity IN ('critical', 'high', 'medium', 'low')),
  severity_reason TEXT NOT NULL DEFAULT '',
  parsed          INTEGER NOT NULL CHECK (parsed IN (0, 1)),
  reply           TEXT NOT NULL,
  created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX log_analyses_by_issue ON log_analyses (issue_id, created_at);
