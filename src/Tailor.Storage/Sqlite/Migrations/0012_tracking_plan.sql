-- Tracking plan: the JSON Schema (draft 2020-12) of each track event's properties, and the mode each source is checked in.
CREATE TABLE event_schemas (
    event_name TEXT PRIMARY KEY,
    schema TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE TABLE source_tracking_modes (
    source_id TEXT PRIMARY KEY,
    mode TEXT NOT NULL
);
