-- 0001: incidents, their full-text index, timeline, resolution steps, audit log, settings.
-- Timestamps are ISO 8601 UTC with milliseconds everywhere: 2026-11-22T02:07:04.123Z.

CREATE TABLE issues (
  id            INTEGER PRIMARY KEY,
  title         TEXT NOT NULL CHECK (length(trim(title)) > 0),
  severity      TEXT NOT NULL DEFAULT 'medium'
                CHECK (severity IN ('critical', 'high', 'medium', 'low')),
  status        TEXT NOT NULL DEFAULT 'open'
                CHECK (status IN ('open', 'investigating', 'resolved', 'closed')),
  category      TEXT NOT NULL DEFAULT 'general'
                CHECK (category IN ('general', 'linux', 'windows', 'network', 'kubernetes',
                                    'databases', 'virtualization', 'hardware', 'observability',
                                    'telephony', 'security', 'public_safety', 'application',
                                    'automation', 'hpe_infra', 'dell_hardware', 'identity')),
  owner         TEXT NOT NULL DEFAULT '',
  source        TEXT NOT NULL DEFAULT 'manual',
  created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  resolved_at   TEXT,
  deleted_at    TEXT,
  severity_rank INTEGER GENERATED ALWAYS AS
                (CASE severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1
                               WHEN 'medium' THEN 2 ELSE 3 END) VIRTUAL,
  -- The tags of issue_tags joined by spaces, for the full-text index; written by the
  -- store together with issue_tags.
  tags_text     TEXT NOT NULL DEFAULT '',
  -- Last: a long description spills into overflow pages, and columns stored after it
  -- would have to be read through them on every list and search.
  description   TEXT NOT NULL DEFAULT ''
);

-- Live incidents are listed by one of these orders; the trash by deletion time.
CREATE INDEX issues_live_updated ON issues (updated_at DESC, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX issues_live_created ON issues (created_at DESC, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX issues_live_severity ON issues (severity_rank, updated_at DESC, id DESC)
  WHERE deleted_at IS NULL;
CREATE INDEX issues_live_title ON issues (title COLLATE NOCASE, id) WHERE deleted_at IS NULL;
CREATE INDEX issues_live_status ON issues (status, updated_at DESC) WHERE deleted_at IS NULL;
CREATE INDEX issues_trash ON issues (deleted_at) WHERE deleted_at IS NOT NULL;

CREATE TABLE issue_tags (
  issue_id INTEGER NOT NULL REFERENCES issues (id) ON DELETE CASCADE,
  tag      TEXT NOT NULL CHECK (length(tag) > 0),
  PRIMARY KEY (issue_id, tag)
) WITHOUT ROWID;
CREATE INDEX issue_tags_by_tag ON issue_tags (tag, issue_id);

-- The full-text index reads its text from issues (external content) and is kept in sync
-- by the triggers below, its only writers. Prefix indexes for 2 to 6 characters make
-- as-you-type prefix queries ("db" finds "database") single doclist reads instead of
-- merges over every matching word.
CREATE VIRTUAL TABLE issues_fts USING fts5 (
  title, description, tags_text,
  content = 'issues', content_rowid = 'id',
  tokenize = 'unicode61 remove_diacritics 2',
  prefix = '2 3 4 5 6'
);
-- Title matches weigh most, then tags, then the description.
INSERT INTO issues_fts (issues_fts, rank) VALUES ('rank', 'bm25(10.0, 1.0, 4.0)');

CREATE TRIGGER issues_fts_insert AFTER INSERT ON issues BEGIN
  INSERT INTO issues_fts (rowid, title, description, tags_text)
  VALUES (new.id, new.title, new.description, new.tags_text);
END;
-- Only a change of indexed text re-indexes a row: a status change must not re-read a
-- megabyte of description.
CREATE TRIGGER issues_fts_update AFTER UPDATE OF title, description, tags_text ON issues
WHEN old.title IS NOT new.title OR old.description IS NOT new.description
     OR old.tags_text IS NOT new.tags_text
BEGIN
  INSERT INTO issues_fts (issues_fts, rowid, title, description, tags_text)
  VALUES ('delete', old.id, old.title, old.description, old.tags_text);
  INSERT INTO issues_fts (rowid, title, description, tags_text)
  VALUES (new.id, new.title, new.description, new.tags_text);
END;
CREATE TRIGGER issues_fts_delete AFTER DELETE ON issues BEGIN
  INSERT INTO issues_fts (issues_fts, rowid, title, description, tags_text)
  VALUES ('delete', old.id, old.title, old.description, old.tags_text);
END;

CREATE TABLE timeline_events (
  id         INTEGER PRIMARY KEY,
  issue_id   INTEGER NOT NULL REFERENCES issues (id) ON DELETE CASCADE,
  kind       TEXT NOT NULL,
  old_value  TEXT,
  new_value  TEXT,
  note       TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX timeline_events_by_issue ON timeline_events (issue_id, created_at, id);

-- The 5 Whys and other resolution steps (filled in by triage).
CREATE TABLE resolution_steps (
  id           INTEGER PRIMARY KEY,
  issue_id     INTEGER NOT NULL REFERENCES issues (id) ON DELETE CASCADE,
  step_order   INTEGER NOT NULL,
  why_question TEXT NOT NULL DEFAULT '',
  answer       TEXT NOT NULL DEFAULT '',
  evidence     TEXT NOT NULL DEFAULT '',
  created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  UNIQUE (issue_id, step_order)
);

-- Append-only: every entry carries the SHA-256 of itself chained to its predecessor.
-- It refers to incidents by value, never by foreign key, so it outlives them.
CREATE TABLE audit_log (
  id         INTEGER PRIMARY KEY,
  created_at TEXT NOT NULL,
  action     TEXT NOT NULL,
  target     TEXT NOT NULL DEFAULT '',
  detail     TEXT NOT NULL DEFAULT '{}',
  prev_hash  TEXT NOT NULL,
  hash       TEXT NOT NULL
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN
  SELECT RAISE (ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN
  SELECT RAISE (ABORT, 'the audit log is append-only');
END;

CREATE TABLE settings (
  key        TEXT PRIMARY KEY,
  value      TEXT NOT NULL,
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
