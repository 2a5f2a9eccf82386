-- Items a background stage could not process, set aside so processing moves on (docs/operations.md).
-- payload is text, not JSON: what failed may not even parse.
CREATE TABLE dead_letters (
    id INTEGER PRIMARY KEY,
    stage TEXT NOT NULL,
    item_key TEXT NOT NULL,
    source_id TEXT,
    payload TEXT NOT NULL,
    reason TEXT NOT NULL,
    error_type TEXT,
    attempts INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    replayed_at INTEGER,
    replay_note TEXT
);
CREATE INDEX dead_letters_by_stage ON dead_letters (stage, id);
