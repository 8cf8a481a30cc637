-- 0003: images (screenshots) attached to incidents, stored whole with their SHA-256.
-- An image is never redacted, so it may leave the machine only once the engineer has
-- acknowledged that it may show personal data or secrets: pii_acknowledged_at, NULL until
-- then (the acknowledgement is in the audit log too).

CREATE TABLE image_attachments (
  id                  INTEGER PRIMARY KEY,
  issue_id            INTEGER NOT NULL REFERENCES issues (id) ON DELETE CASCADE,
  name                TEXT NOT NULL,
  -- Sniffed from the bytes, never taken from the file name.
  mime                TEXT NOT NULL
                      CHECK (mime IN ('image/png', 'image/jpeg', 'image/gif', 'image/webp')),
  size                INTEGER NOT NULL,
  sha256              TEXT NOT NULL,
  width               INTEGER,  -- pixels, from the header; NULL when it does not say
  height              INTEGER,
  pii_acknowledged_at TEXT,
  created_at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  -- Last: the bytes fill overflow pages, which listing the images never has to read.
  data                BLOB NOT NULL
);
-- An incident's images, newest first.
CREATE INDEX image_attachments_by_issue ON image_attachments (issue_id, created_at);
