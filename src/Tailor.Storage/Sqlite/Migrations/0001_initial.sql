-- Event log: append-only. profile_id is the pipeline's link to the owning profile (moved on merge).
CREATE TABLE sources (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    write_key TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);
CREATE TABLE admin_keys (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);
CREATE TABLE events (
    seq INTEGER PRIMARY KEY,
    message_id TEXT NOT NULL UNIQUE,
    source_id TEXT NOT NULL,
    type TEXT NOT NULL,
    name TEXT,
    user_id TEXT,
    anonymous_id TEXT,
    ts INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    payload TEXT NOT NULL,
    profile_id TEXT
);
CREATE INDEX events_by_profile ON events (profile_id, ts);
CREATE INDEX events_by_profile_name ON events (profile_id, name, ts);
CREATE TABLE profiles (
    id TEXT PRIMARY KEY,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    merged_into TEXT,
    traits TEXT NOT NULL,
    trait_times TEXT NOT NULL,
    computed TEXT NOT NULL,
    consent TEXT NOT NULL,
    tags TEXT NOT NULL
);
CREATE TABLE identities (
    type TEXT NOT NULL,
    value TEXT NOT NULL,
    profile_id TEXT NOT NULL,
    first_seen INTEGER NOT NULL,
    PRIMARY KEY (type, value)
) WITHOUT ROWID;
CREATE INDEX identities_by_profile ON identities (profile_id);
CREATE TABLE trait_history (
    id INTEGER PRIMARY KEY,
    profile_id TEXT NOT NULL,
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    ts INTEGER NOT NULL,
    source TEXT NOT NULL,
    message_id TEXT NOT NULL
);
CREATE INDEX trait_history_by_profile ON trait_history (profile_id, name, ts);
CREATE TABLE merges (
    id INTEGER PRIMARY KEY,
    winner_id TEXT NOT NULL,
    loser_id TEXT NOT NULL,
    merged_at INTEGER NOT NULL,
    message_id TEXT NOT NULL,
    reason TEXT NOT NULL
);
CREATE INDEX merges_by_winner ON merges (winner_id);
CREATE TABLE pipeline_positions (
    name TEXT PRIMARY KEY,
    position INTEGER NOT NULL
);
CREATE TABLE imports (
    file_key TEXT PRIMARY KEY,
    path TEXT NOT NULL,
    lines_done INTEGER NOT NULL,
    accepted INTEGER NOT NULL,
    rejected INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
