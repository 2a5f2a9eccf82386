-- Experiments (docs/experiments.md): one JSON definition each, and the first exposure of each profile to each.
CREATE TABLE experiments (
    key TEXT PRIMARY KEY,
    definition JSONB NOT NULL,
    status TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    started_at BIGINT,
    stopped_at BIGINT
);
-- Kept by the profile served; merges are resolved on read through profiles.merged_into (the earliest exposure wins).
CREATE TABLE experiment_exposures (
    experiment_key TEXT NOT NULL,
    profile_id TEXT NOT NULL,
    arm TEXT NOT NULL,
    first_at BIGINT NOT NULL,
    PRIMARY KEY (experiment_key, profile_id)
);
-- Metrics read a unit's events by (profile, name, time): events_by_profile_name serves them.
