-- A messageId is unique per source, as Segment scopes it: the same id from two sources is two events.
-- SQLite cannot drop a column's UNIQUE constraint, so the table is rebuilt (seq values, and so log positions, are kept).
CREATE TABLE events_by_source (
    seq INTEGER PRIMARY KEY,
    message_id TEXT NOT NULL,
    source_id TEXT NOT NULL,
    type TEXT NOT NULL,
    name TEXT,
    user_id TEXT,
    anonymous_id TEXT,
    ts INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    payload TEXT NOT NULL,
    profile_id TEXT,
    UNIQUE (source_id, message_id)
);
INSERT INTO events_by_source (seq, message_id, source_id, type, name, user_id, anonymous_id, ts, received_at, payload, profile_id)
    SELECT seq, message_id, source_id, type, name, user_id, anonymous_id, ts, received_at, payload, profile_id FROM events ORDER BY seq;
DROP TABLE events;
ALTER TABLE events_by_source RENAME TO events;
CREATE INDEX events_by_profile ON events (profile_id, ts);
CREATE INDEX events_by_profile_name ON events (profile_id, name, ts);
CREATE INDEX events_by_profile_type ON events (profile_id, type, ts);
CREATE INDEX events_by_name_seq ON events (name, seq);
-- No index on messageId alone: nothing looks events up by it, and a second random-key index on every append cost
-- ingestion on SQLite about 40% of its throughput (BENCHMARKS.md, "Hardening").
