-- Segments: definitions, current members, entry/exit history, size over time, and time-window timers.
CREATE TABLE segments (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    rule TEXT NOT NULL,
    parent_id TEXT,
    min_size INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE TABLE segment_members (
    segment_id TEXT NOT NULL,
    profile_id TEXT NOT NULL,
    since INTEGER NOT NULL,
    PRIMARY KEY (segment_id, profile_id)
) WITHOUT ROWID;
CREATE INDEX segment_members_by_profile ON segment_members (profile_id);
CREATE TABLE segment_history (
    id INTEGER PRIMARY KEY,
    segment_id TEXT NOT NULL,
    profile_id TEXT NOT NULL,
    entered INTEGER NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX segment_history_by_profile ON segment_history (profile_id, id);
CREATE INDEX segment_history_by_segment ON segment_history (segment_id, id);
CREATE TABLE segment_sizes (
    id INTEGER PRIMARY KEY,
    segment_id TEXT NOT NULL,
    at INTEGER NOT NULL,
    size INTEGER NOT NULL
);
CREATE INDEX segment_sizes_by_segment ON segment_sizes (segment_id, id);
CREATE TABLE segment_timers (
    segment_id TEXT NOT NULL,
    profile_id TEXT NOT NULL,
    due_at INTEGER NOT NULL,
    PRIMARY KEY (segment_id, profile_id)
) WITHOUT ROWID;
CREATE INDEX segment_timers_by_due ON segment_timers (due_at);
-- Rules that read events look them up by profile and name.
CREATE INDEX events_by_profile_type ON events (profile_id, type, ts);
-- The segment engine asks whether an event caused a merge.
CREATE INDEX merges_by_message ON merges (message_id);
