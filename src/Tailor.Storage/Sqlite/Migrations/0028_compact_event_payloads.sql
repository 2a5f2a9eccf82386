-- Payloads are stored compactly (issue 17): new rows of event_log hold the message as a zstd BLOB against a fixed
-- dictionary (Tailor.Storage/Events/PayloadCodec.cs); rows written before keep their TEXT. The view decodes both with
-- tailor_payload(), a function the store registers on each connection it opens, so readers still see the JSON text.
DROP VIEW events;
CREATE VIEW events AS
    SELECT l.seq AS seq, l.message_id AS message_id, l.source_id AS source_id, l.type AS type, l.name AS name,
        l.user_id AS user_id, l.anonymous_id AS anonymous_id, l.ts AS ts, l.received_at AS received_at,
        tailor_payload(l.payload) AS payload, p.profile_id AS profile_id
    FROM event_log l LEFT JOIN event_profiles p ON p.seq = l.seq;
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
