-- 0015: what mining a log found (src/core/insight): its templates, its volume over time,
-- and an index of template fingerprints across incidents for "similar incidents".

-- The moment the engineer marked (a deploy, a restart…), in µs since the epoch, 0: none.
-- It lives with the log, not with its insight: it can be set before the log is mined and
-- survives the log being mined again.
ALTER TABLE log_files ADD COLUMN change_time INTEGER NOT NULL DEFAULT 0;

-- One row per mined log; mining again replaces it (and its templates) in one transaction.
-- The histogram covers lines with a time: n_buckets buckets of bucket_width µs from
-- hist_start (bucket_width 0: no line had a time); totals and errors are n_buckets
-- little-endian uint32 each. year is what year-less timestamps were read in, so finding
-- lines later reads them alike.
CREATE TABLE log_insights (
  log_id        INTEGER PRIMARY KEY REFERENCES log_files (id) ON DELETE CASCADE,
  lines         INTEGER NOT NULL,
  evicted_lines INTEGER NOT NULL DEFAULT 0,
  year          INTEGER NOT NULL,
  hist_start    INTEGER NOT NULL DEFAULT 0,
  bucket_width  INTEGER NOT NULL DEFAULT 0,
  n_buckets     INTEGER NOT NULL DEFAULT 0,
  totals        BLOB NOT NULL DEFAULT x'',
  errors        BLOB NOT NULL DEFAULT x'',
  mined_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- A log's templates. fingerprint is the first 8 bytes of the SHA-256 of text, so the same
-- template in another incident's log has the same one. samples are whole lines (not
-- masked) as a JSON array of strings, kept encrypted like the log they come from. series
-- is the template's lines per histogram bucket: pairs of varints (bucket index delta from
-- the previous pair, count), tftsr-insight-series.c.
CREATE TABLE log_templates (
  log_id       INTEGER NOT NULL REFERENCES log_insights (log_id) ON DELETE CASCADE,
  id           INTEGER NOT NULL,
  text         TEXT NOT NULL,
  fingerprint  INTEGER NOT NULL,
  count        INTEGER NOT NULL,
  level        TEXT NOT NULL,
  first_line   INTEGER NOT NULL,
  last_line    INTEGER NOT NULL,
  first_offset INTEGER NOT NULL,
  last_offset  INTEGER NOT NULL,
  first_time   INTEGER NOT NULL,
  last_time    INTEGER NOT NULL,
  samples      TEXT NOT NULL DEFAULT '[]' CHECK (json_valid (samples)),
  series       BLOB NOT NULL DEFAULT x'',
  PRIMARY KEY (log_id, id)
);
-- Similar incidents: which logs have a fingerprint, with its level, without reading rows.
CREATE INDEX log_templates_by_fingerprint ON log_templates (fingerprint, log_id, level);

-- Templates mask the log's PII spans: when they change (a re-scan, a value marked by
-- hand) the insight is out of date and is dropped, to be mined again on demand.
CREATE TRIGGER pii_spans_insert_drops_insight AFTER INSERT ON pii_spans
BEGIN
  DELETE FROM log_insights WHERE log_id = NEW.log_id;
END;
CREATE TRIGGER pii_spans_delete_drops_insight AFTER DELETE ON pii_spans
BEGIN
  DELETE FROM log_insights WHERE log_id = OLD.log_id;
END;
