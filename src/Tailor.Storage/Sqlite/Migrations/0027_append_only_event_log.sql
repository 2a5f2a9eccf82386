-- The log gets its own write path (issue 17): events are appended once to event_log and never rewritten; which
-- profile an event belongs to lives in the narrow event_profiles table that the profile pipeline writes (and a merge
-- or an undo re-points). Before, every event was written twice (the append, then UPDATE events SET profile_id), and
-- the hot table carried four indexes that led with profile_id.
CREATE TABLE event_profiles (
    seq INTEGER PRIMARY KEY,
    profile_id TEXT NOT NULL
);
INSERT INTO event_profiles (seq, profile_id) SELECT seq, profile_id FROM events WHERE profile_id IS NOT NULL ORDER BY seq;
CREATE INDEX event_profiles_by_profile ON event_profiles (profile_id, seq);
DROP INDEX IF EXISTS events_by_profile;
DROP INDEX IF EXISTS events_by_profile_name;
DROP INDEX IF EXISTS events_by_profile_type;
ALTER TABLE events DROP COLUMN profile_id;
ALTER TABLE events RENAME TO event_log;
-- Readers keep reading "events" (with profile_id): a view, so every reader works unchanged on both stores.
CREATE VIEW events AS
    SELECT l.seq AS seq, l.message_id AS message_id, l.source_id AS source_id, l.type AS type, l.name AS name,
        l.user_id AS user_id, l.anonymous_id AS anonymous_id, l.ts AS ts, l.received_at AS received_at,
        l.payload AS payload, p.profile_id AS profile_id
    FROM event_log l LEFT JOIN event_profiles p ON p.seq = l.seq;
-- Writers that still address "events" (bench generators, tests that plant a row) land in the two tables.
CREATE TRIGGER events_insert INSTEAD OF INSERT ON events
BEGIN
    INSERT INTO event_log (seq, message_id, source_id, type, name, user_id, anonymous_id, ts, received_at, payload)
    VALUES (NEW.seq, NEW.message_id, NEW.source_id, NEW.type, NEW.name, NEW.user_id, NEW.anonymous_id, NEW.ts, NEW.received_at, NEW.payload);
    INSERT INTO event_profiles (seq, profile_id) SELECT last_insert_rowid(), NEW.profile_id WHERE NEW.profile_id IS NOT NULL;
END;
CREATE TRIGGER events_assign INSTEAD OF UPDATE OF profile_id ON events
BEGIN
    DELETE FROM event_profiles WHERE seq = OLD.seq;
    INSERT INTO event_profiles (seq, profile_id) SELECT OLD.seq, NEW.profile_id WHERE NEW.profile_id IS NOT NULL;
END;
