-- The triggers of 0015 ran once per span inserted, so an ingest paid a trigger run for
-- every detection (300,000 for 100 MiB of Loghub text: ~0.5 s on the writing thread) to
-- drop an insight that cannot exist yet. Every change to a ready log's spans (a re-scan,
-- a value marked by hand) ends by recounting log_files.pii_count in the same transaction,
-- so the insight is dropped there instead, once per log. The ingest sets pii_count on the
-- row that becomes ready (OLD.state is 'ingesting'), and saves its insight after that.
DROP TRIGGER pii_spans_insert_drops_insight;
DROP TRIGGER pii_spans_delete_drops_insight;

CREATE TRIGGER log_spans_recounted_drops_insight AFTER UPDATE OF pii_count ON log_files
WHEN OLD.state = 'ready'
BEGIN
  DELETE FROM log_insights WHERE log_id = NEW.id;
END;
