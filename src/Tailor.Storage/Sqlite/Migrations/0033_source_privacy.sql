-- Per-source privacy (docs/privacy.md): what becomes of events without analytics consent and which traits and
-- properties are kept, for every kind of source (write-key sources included), applied at ingestion before storage.
CREATE TABLE source_privacy (
    source_id TEXT PRIMARY KEY,
    settings TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);
