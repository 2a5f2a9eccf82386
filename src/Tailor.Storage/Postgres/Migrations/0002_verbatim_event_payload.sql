-- The event log keeps each message exactly as the client sent it (TailorEvent.Payload). JSONB normalises the text
-- (key order, spacing, duplicate keys), so the payload is stored as json, which is validated but kept verbatim.
ALTER TABLE events ALTER COLUMN payload TYPE json USING payload::json;
