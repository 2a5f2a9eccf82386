-- The log dedupes by a 64-bit key (issue 17, bytes per event): event_log.dedupe holds tailor_dedupe_key(source_id,
-- message_id) (Tailor.Storage/Events/DedupeKey.cs) under a plain index, and the append confirms a key found against
-- the stored source and messageId, so two messages sharing a key are both kept. The unique index on (source_id,
-- message_id) it replaces took 88 bytes per event (random 32-character messageIds); this one takes about 20.
-- SQLite cannot drop a UNIQUE constraint, so the table is rebuilt (seq values, and so log positions, are kept) and the
-- view and its triggers are made again as 0028 made them, the insert trigger now also writing the key. The column is
-- nullable for tools that write event_log rows by hand: such a row is simply never found as a duplicate.
DROP VIEW events;
CREATE TABLE event_log_keyed (
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
    dedupe INTEGER
);
INSERT INTO event_log_keyed (seq, message_id, source_id, type, name, user_id, anonymous_id, ts, received_at, payload, dedupe)
    SELECT seq, message_id, source_id, type, name, user_id, anonymous_id, ts, received_at, payload, tailor_dedupe_key(source_id, message_id)
    FROM event_log ORDER BY seq;
DROP TABLE event_log;
ALTER TABLE event_log_keyed RENAME TO event_log;
CREATE INDEX events_by_name_seq ON event_log (name, seq);
CREATE INDEX event_log_by_dedupe ON event_log (dedupe);
CREATE VIEW events AS
    SELECT l.seq AS seq, l.message_id AS message_id, l.source_id AS source_id, l.type AS type, l.name AS name,
        l.user_id AS user_id, l.anonymous_id AS anonymous_id, l.ts AS ts, l.received_at AS received_at,
        tailor_payload(l.payload) AS payload, p.profile_id AS profile_id
    FROM event_log l LEFT JOIN event_profiles p ON p.seq = l.seq;
CREATE TRIGGER events_insert INSTEAD OF INSERT ON events
BEGIN
    INSERT INTO event_log (seq, message_id, source_id, type, name, user_id, anonymous_id, ts, received_at, payload, dedupe)
    VALUES (NEW.seq, NEW.message_id, NEW.source_id, NEW.type, NEW.name, NEW.user_id, NEW.anonymous_id, NEW.ts, NEW.received_at, NEW.payload,
        tailor_dedupe_key(NEW.source_id, NEW.message_id));
    INSERT INTO event_profiles (seq, profile_id) SELECT last_insert_rowid(), NEW.profile_id WHERE NEW.profile_id IS NOT NULL;
END;
CREATE TRIGGER events_assign INSTEAD OF UPDATE OF profile_id ON events
BEGIN
    DELETE FROM event_profiles WHERE seq = OLD.seq;
    INSERT INTO event_profiles (seq, profile_id) SELECT OLD.seq, NEW.profile_id WHERE NEW.profile_id IS NOT NULL;
END;
