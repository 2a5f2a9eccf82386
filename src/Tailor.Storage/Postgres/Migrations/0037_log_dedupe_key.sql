-- SQLite's log dedupes by a 64-bit key from 0037 on (issue 17, bytes per event). PostgreSQL keeps its unique index on
-- (source_id, message_id): its appends take a table lock and rely on ON CONFLICT across nodes. Nothing to change here;
-- the number is kept so both dialects list the same versions.
SELECT 1;
