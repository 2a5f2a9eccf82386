-- Analytics runs repeated on a schedule: the same kind and parameters every_ms, the next one queued at next_at.
CREATE TABLE analytics_schedules (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    parameters TEXT NOT NULL,
    every_ms INTEGER NOT NULL,
    next_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    last_run_id TEXT
);
