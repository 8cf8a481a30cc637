-- 0002: logs stored as compressed chunks, the personal data found in them, pseudonyms
-- and the engineer's review decisions.

-- A log is visible once state is 'ready'; an ingest writes it as 'ingesting' in batches,
-- touching touched_at with each, and removes it when it fails or is cancelled. Opening a
-- store sweeps 'ingesting' logs untouched for ten minutes (their process died).
CREATE TABLE log_files (
  id            INTEGER PRIMARY KEY,
  issue_id      INTEGER NOT NULL REFERENCES issues (id) ON DELETE CASCADE,
  name          TEXT NOT NULL,
  state         TEXT NOT NULL DEFAULT 'ingesting' CHECK (state IN ('ingesting', 'ready')),
  compression   TEXT NOT NULL DEFAULT 'none',  -- of the original: 'none' or 'gzip'
  original_size INTEGER NOT NULL DEFAULT 0,    -- bytes read from the source
  sha256        TEXT NOT NULL DEFAULT '',      -- of those bytes
  size          INTEGER NOT NULL DEFAULT 0,    -- bytes of text stored
  line_count    INTEGER NOT NULL DEFAULT 0,
  binary        INTEGER NOT NULL DEFAULT 0,    -- NUL bytes or invalid UTF-8 were seen
  pii_count     INTEGER NOT NULL DEFAULT 0,    -- rows in pii_spans
  created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  touched_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX log_files_by_issue ON log_files (issue_id, created_at);

-- About 1 MiB of text each, cut after a newline where there is one, zlib-compressed.
CREATE TABLE log_chunks (
  log_id     INTEGER NOT NULL REFERENCES log_files (id) ON DELETE CASCADE,
  seq        INTEGER NOT NULL,
  offset     INTEGER NOT NULL,  -- of the chunk's first byte in the text
  length     INTEGER NOT NULL,  -- uncompressed
  first_line INTEGER NOT NULL,  -- 0-based number of the line the chunk starts in
  newlines   INTEGER NOT NULL,
  rows       INTEGER NOT NULL,  -- lines shown: newlines, plus one for a trailing partial line
  data       BLOB NOT NULL,
  PRIMARY KEY (log_id, seq)
) WITHOUT ROWID;

-- Each distinct value of a type in an incident, with its stable pseudonym number:
-- the third distinct e-mail address of incident 7 is <EMAIL_3> wherever it appears.
CREATE TABLE pii_values (
  id          INTEGER PRIMARY KEY,
  issue_id    INTEGER NOT NULL REFERENCES issues (id) ON DELETE CASCADE,
  type        TEXT NOT NULL,
  value       BLOB NOT NULL,
  token_index INTEGER NOT NULL,
  released    INTEGER NOT NULL DEFAULT 0,  -- the engineer marked it a false positive
  UNIQUE (issue_id, type, value),
  UNIQUE (issue_id, type, token_index)
);

-- Where values occur in logs; 'user' spans are ones the engineer added in review.
CREATE TABLE pii_spans (
  log_id   INTEGER NOT NULL REFERENCES log_files (id) ON DELETE CASCADE,
  start    INTEGER NOT NULL,
  "end"    INTEGER NOT NULL,
  value_id INTEGER NOT NULL REFERENCES pii_values (id) ON DELETE CASCADE,
  origin   TEXT NOT NULL DEFAULT 'scan' CHECK (origin IN ('scan', 'user')),
  PRIMARY KEY (log_id, start)
) WITHOUT ROWID;
CREATE INDEX pii_spans_by_value ON pii_spans (value_id);

-- A whole type released for an incident ("these host names are fine to share").
CREATE TABLE pii_type_decisions (
  issue_id INTEGER NOT NULL REFERENCES issues (id) ON DELETE CASCADE,
  type     TEXT NOT NULL,
  released INTEGER NOT NULL DEFAULT 1,
  PRIMARY KEY (issue_id, type)
) WITHOUT ROWID;
