-- Analytics runs: what each run was asked, the moment its data was taken as of, what it produced; and the files kept
-- with it (charts, trained models).
CREATE TABLE analytics_runs (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    parameters TEXT NOT NULL,
    as_of INTEGER NOT NULL,
    started_at INTEGER NOT NULL,
    finished_at INTEGER,
    result TEXT,
    error TEXT,
    profiles_written INTEGER NOT NULL DEFAULT 0,
    promoted INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX analytics_runs_by_kind ON analytics_runs (kind, started_at);
CREATE TABLE analytics_artifacts (
    run_id TEXT NOT NULL REFERENCES analytics_runs (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    content BLOB NOT NULL,
    PRIMARY KEY (run_id, name)
);
