-- A messageId is unique per source, as Segment scopes it: the same id from two sources is two events.
ALTER TABLE events DROP CONSTRAINT events_message_id_key;
CREATE UNIQUE INDEX events_source_message ON events (source_id, message_id);
-- No index on messageId alone: nothing looks events up by it, and a second random-key index on every append cost
-- ingestion on SQLite about 40% of its throughput (BENCHMARKS.md, "Hardening").
