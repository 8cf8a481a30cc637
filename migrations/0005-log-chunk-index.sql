-- 0005: where each chunk of a log starts, without reading the chunks. A log_chunks row
-- holds about a megabyte of compressed text, so each one fills leaf and overflow pages of
-- its own; listing the chunks of a 1 GiB log through the table read and decrypted a page
-- per chunk, scattered over the file, and took half a second. This index holds the same
-- columns in a few pages.
CREATE INDEX log_chunks_layout ON log_chunks (log_id, seq, offset, length, rows);
