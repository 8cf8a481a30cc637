-- 0004: re-scans of stored logs with changed detection settings. A re-scan stages the
-- spans it finds here, chunk by chunk in short transactions, and swaps them into pii_spans
-- in one transaction at the end, so a log's span set is never half old and half new.
-- Rows left by a process that died are swept by the next re-scan (untouched for ten
-- minutes).
CREATE TABLE pii_rescans (
  id         INTEGER PRIMARY KEY,
  log_id     INTEGER NOT NULL REFERENCES log_files (id) ON DELETE CASCADE,
  touched_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- value_id does not cascade: a value a staged span needs cannot be removed under it
-- (a failed ingest removing the values it created skips those).
CREATE TABLE pii_rescan_spans (
  rescan_id INTEGER NOT NULL REFERENCES pii_rescans (id) ON DELETE CASCADE,
  start     INTEGER NOT NULL,
  "end"     INTEGER NOT NULL,
  value_id  INTEGER NOT NULL REFERENCES pii_values (id),
  PRIMARY KEY (rescan_id, start)
) WITHOUT ROWID;
CREATE INDEX pii_rescan_spans_by_value ON pii_rescan_spans (value_id);
