-- 0011: the RCA and the post-mortem of each incident, with every revision kept. A
-- document is generated once (revision 1); each edit, regeneration or revert adds a
-- revision, and the document's row points at the newest, which is the current one. An
-- autosave may go into the edit it continues (see tftsr-document.h), so revisions are
-- checkpoints, not keystrokes.

CREATE TABLE documents (
  id           INTEGER PRIMARY KEY,
  issue_id     INTEGER NOT NULL REFERENCES issues (id) ON DELETE CASCADE,
  kind         TEXT NOT NULL CHECK (kind IN ('rca', 'postmortem')),
  title        TEXT NOT NULL,
  revision     INTEGER NOT NULL CHECK (revision > 0),
  -- Where the document was published (a Confluence page), once it is.
  external_url TEXT,
  created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  UNIQUE (issue_id, kind)
);

CREATE TABLE document_revisions (
  id            INTEGER PRIMARY KEY,
  document_id   INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
  n             INTEGER NOT NULL CHECK (n > 0),
  reason        TEXT NOT NULL
                CHECK (reason IN ('generated', 'edited', 'regenerated', 'reverted')),
  -- A revert names the revision whose text it made current again.
  reverted_from INTEGER CHECK ((reason = 'reverted') = (reverted_from IS NOT NULL)),
  created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  -- The last autosave that went into the revision.
  updated_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  -- Last: a long document spills into overflow pages, which listing revisions never reads.
  markdown      TEXT NOT NULL,
  UNIQUE (document_id, n)
);
