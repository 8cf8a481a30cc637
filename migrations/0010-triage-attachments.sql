-- 0010: what the engineer attached to a message of the triage conversation: a whole log,
-- a range of a log's lines (an excerpt) or a screenshot. A reference, not a copy: each
-- time the conversation is sent the log is read again through egress, redacted, and the
-- screenshot sent as stored. The name is kept as it was when attached, so a message whose
-- log or screenshot was deleted since still says what it carried (the reference then
-- becomes NULL and nothing is sent for it).

CREATE TABLE triage_attachments (
  id         INTEGER PRIMARY KEY,
  message_id INTEGER NOT NULL REFERENCES ai_messages (id) ON DELETE CASCADE,
  position   INTEGER NOT NULL CHECK (position >= 0),
  kind       TEXT NOT NULL CHECK (kind IN ('log', 'excerpt', 'image')),
  log_id     INTEGER REFERENCES log_files (id) ON DELETE SET NULL,
  -- An excerpt's lines as the log viewer numbers them, 1-based, both included.
  first_line INTEGER,
  last_line  INTEGER,
  image_id   INTEGER REFERENCES image_attachments (id) ON DELETE SET NULL,
  name       TEXT NOT NULL,
  UNIQUE (message_id, position),
  CHECK ((kind = 'excerpt') = (first_line IS NOT NULL AND last_line IS NOT NULL)),
  CHECK (first_line IS NULL OR (first_line >= 1 AND last_line >= first_line)),
  CHECK (kind <> 'image' OR log_id IS NULL),
  CHECK (kind = 'image' OR image_id IS NULL)
);
-- Deleting a log or an image looks its references up here.
CREATE INDEX triage_attachments_by_log ON triage_attachments (log_id) WHERE log_id IS NOT NULL;
CREATE INDEX triage_attachments_by_image ON triage_attachments (image_id)
  WHERE image_id IS NOT NULL;
