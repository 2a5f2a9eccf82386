-- Issue 17, target 5: a segment snapshot reads a page of profiles' events of a few names inside a window. With only
-- (seq, profile_id) here, PostgreSQL fetched every event of each profile from event_log (about 20 look-ups a profile)
-- to keep the few that match. The assignment now carries its event's type, name and time, and the profile index
-- includes them: the match is made in the index, and event_log is read only for the events kept. Written by the
-- fold's assignment statement (PostgresDatabase.AssignmentWrites, from event_log in the same statement); any other
-- insert (the events view's trigger, a plain test row) gets them filled in by the trigger below.
-- SQLite keeps (seq, profile_id): there the bytes per event are a target of their own, and its plan differs.
-- The index goes first: the UPDATE then maintains only the primary key (about 9 minutes at 20 M events otherwise).
ALTER TABLE event_profiles ADD COLUMN type TEXT, ADD COLUMN name TEXT, ADD COLUMN ts BIGINT;
DROP INDEX event_profiles_by_profile;
UPDATE event_profiles p SET type = l.type, name = l.name, ts = l.ts FROM event_log l WHERE l.seq = p.seq;
CREATE INDEX event_profiles_by_profile ON event_profiles (profile_id, seq) INCLUDE (type, name, ts);
CREATE FUNCTION event_profiles_event_keys() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT l.type, l.name, l.ts INTO NEW.type, NEW.name, NEW.ts FROM event_log l WHERE l.seq = NEW.seq;
    RETURN NEW;
END $$;
CREATE TRIGGER event_profiles_event_keys BEFORE INSERT ON event_profiles FOR EACH ROW
    WHEN (NEW.ts IS NULL) EXECUTE FUNCTION event_profiles_event_keys();
