-- The log gets its own write path (issue 17): events are appended once to event_log and never rewritten; which
-- profile an event belongs to lives in the narrow event_profiles table that the profile pipeline writes (and a merge
-- or an undo re-points). Before, every event was written twice (the append, then UPDATE events SET profile_id), and
-- the hot table carried three indexes that led with profile_id.
CREATE TABLE event_profiles (
    seq BIGINT PRIMARY KEY,
    profile_id TEXT NOT NULL
);
INSERT INTO event_profiles (seq, profile_id) SELECT seq, profile_id FROM events WHERE profile_id IS NOT NULL ORDER BY seq;
CREATE INDEX event_profiles_by_profile ON event_profiles (profile_id, seq);
ALTER TABLE events DROP COLUMN profile_id; -- drops events_by_profile, events_by_profile_name, events_by_profile_type
ALTER TABLE events RENAME TO event_log;
-- Readers keep reading "events" (with profile_id): a view, so every reader works unchanged on both stores.
CREATE VIEW events AS
    SELECT l.seq, l.message_id, l.source_id, l.type, l.name, l.user_id, l.anonymous_id, l.ts, l.received_at, l.payload, p.profile_id
    FROM event_log l LEFT JOIN event_profiles p ON p.seq = l.seq;
-- Writers that still address "events" (bench generators' COPY, tests that plant a row) land in the two tables.
CREATE FUNCTION events_write() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    s BIGINT;
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO event_log (message_id, source_id, type, name, user_id, anonymous_id, ts, received_at, payload)
        VALUES (NEW.message_id, NEW.source_id, NEW.type, NEW.name, NEW.user_id, NEW.anonymous_id, NEW.ts, NEW.received_at, NEW.payload)
        RETURNING seq INTO s;
        IF NEW.profile_id IS NOT NULL THEN
            INSERT INTO event_profiles (seq, profile_id) VALUES (s, NEW.profile_id);
        END IF;
        NEW.seq := s;
        RETURN NEW;
    END IF;
    DELETE FROM event_profiles WHERE seq = OLD.seq;
    IF NEW.profile_id IS NOT NULL THEN
        INSERT INTO event_profiles (seq, profile_id) VALUES (OLD.seq, NEW.profile_id);
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER events_write INSTEAD OF INSERT OR UPDATE ON events FOR EACH ROW EXECUTE FUNCTION events_write();
