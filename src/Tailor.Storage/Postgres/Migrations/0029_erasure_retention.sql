-- Erasure (docs/privacy.md): one entry per identifier of an erased person, as a keyed hash (HMAC-SHA256 of the
-- normalised "type:value" under a key from configuration, never stored here), so late events carrying it are dropped
-- by the profile pipeline instead of recreating the person. The values themselves are never kept.
CREATE TABLE suppressions (
    hash TEXT PRIMARY KEY,
    identity_type TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
-- Counters the privacy features keep (events dropped for a suppressed identifier, people erased, events retention deleted).
CREATE TABLE privacy_counters (
    name TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);
-- The last run of event retention: when, how many events it deleted, and its error if it failed.
CREATE TABLE retention_runs (
    name TEXT PRIMARY KEY,
    at BIGINT NOT NULL,
    deleted BIGINT NOT NULL,
    error TEXT
);
