-- 0008: a reply the engineer asked to have written again. It stays in the conversation
-- (the record of what was said) but is no longer part of what is sent or shown; the 5-Whys
-- state it moved stays, as every change of the chain is forward-only.

ALTER TABLE ai_messages ADD COLUMN superseded_at TEXT;
