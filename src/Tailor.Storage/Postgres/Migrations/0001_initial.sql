-- Event log: append-only. profile_id is the pipeline's link to the owning profile (moved on merge).
CREATE TABLE sources (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    write_key TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);
CREATE TABLE admin_keys (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);
CREATE TABLE events (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    message_id TEXT NOT NULL UNIQUE,
    source_id TEXT NOT NULL,
    type TEXT NOT NULL,
    name TEXT,
    user_id TEXT,
    anonymous_id TEXT,
    ts BIGINT NOT NULL,
    received_at BIGINT NOT NULL,
    payload JSONB NOT NULL,
    profile_id TEXT
);
CREATE INDEX events_by_profile ON events (profile_id, ts);
CREATE INDEX events_by_profile_name ON events (profile_id, name, ts);
CREATE TABLE profiles (
    id TEXT PRIMARY KEY,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    merged_into TEXT,
    traits JSONB NOT NULL,
    trait_times JSONB NOT NULL,
    computed JSONB NOT NULL,
    consent JSONB NOT NULL,
    tags JSONB NOT NULL
);
CREATE TABLE identities (
    type TEXT NOT NULL,
    value TEXT NOT NULL,
    profile_id TEXT NOT NULL,
    first_seen BIGINT NOT NULL,
    PRIMARY KEY (type, value)
);
CREATE INDEX identities_by_profile ON identities (profile_id);
CREATE TABLE trait_history (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    profile_id TEXT NOT NULL,
    name TEXT NOT NULL,
    value JSONB NOT NULL,
    ts BIGINT NOT NULL,
    source TEXT NOT NULL,
    message_id TEXT NOT NULL
);
CREATE INDEX trait_history_by_profile ON trait_history (profile_id, name, ts);
CREATE TABLE merges (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    winner_id TEXT NOT NULL,
    loser_id TEXT NOT NULL,
    merged_at BIGINT NOT NULL,
    message_id TEXT NOT NULL,
    reason TEXT NOT NULL
);
CREATE INDEX merges_by_winner ON merges (winner_id);
CREATE TABLE pipeline_positions (
    name TEXT PRIMARY KEY,
    position BIGINT NOT NULL
);
CREATE TABLE imports (
    file_key TEXT PRIMARY KEY,
    path TEXT NOT NULL,
    lines_done BIGINT NOT NULL,
    accepted BIGINT NOT NULL,
    rejected BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
-- Trait search (`traits @> '{"plan":"pro"}'`) and, later, segment rules over traits use this index.
CREATE INDEX profiles_traits ON profiles USING GIN (traits jsonb_path_ops);
CREATE INDEX profiles_tags ON profiles USING GIN (tags);
