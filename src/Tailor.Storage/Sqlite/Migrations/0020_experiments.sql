-- Experiments (docs/experiments.md): one JSON definition each, and the first exposure of each profile to each.
CREATE TABLE experiments (
    key TEXT PRIMARY KEY,
    definition TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    started_at INTEGER,
    stopped_at INTEGER
);
-- Kept by the profile served; merges are resolved on read through profiles.merged_into (the earliest exposure wins).
CREATE TABLE experiment_exposures (
    experiment_key TEXT NOT NULL,
    profile_id TEXT NOT NULL,
    arm TEXT NOT NULL,
    first_at INTEGER NOT NULL,
    PRIMARY KEY (experiment_key, profile_id)
) WITHOUT ROWID;
-- Metrics read a unit's events by (profile, name, time): events_by_profile_name serves them.
