-- A messageId is unique per source, as Segment scopes it: the same id from two sources is two events.
ALTER TABLE events DROP CONSTRAINT events_message_id_key;
CREATE UNIQUE INDEX events_source_message ON events (source_id, message_id);
-- Lookups by messageId alone (merges name the event that caused them) stay indexed.
CREATE INDEX events_by_message ON events (message_id);
