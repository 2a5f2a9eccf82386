-- Triggers: definitions, journey runs (state, step, timer), the execution log, and the outbox of deliveries.
CREATE TABLE triggers (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    definition TEXT NOT NULL,
    enabled INTEGER NOT NULL,
    secret TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE TABLE trigger_runs (
    id TEXT PRIMARY KEY,
    trigger_id TEXT NOT NULL,
    profile_id TEXT NOT NULL,
    step INTEGER NOT NULL,
    status TEXT NOT NULL,
    entered_at INTEGER NOT NULL,
    due_at INTEGER,
    waiting_for TEXT,
    outcome TEXT,
    ended_at INTEGER,
    version INTEGER NOT NULL,
    start_event TEXT NOT NULL
);
-- One waiting run per trigger and profile: a second entry while one waits is refused by the database itself.
CREATE UNIQUE INDEX trigger_runs_one_waiting ON trigger_runs (trigger_id, profile_id) WHERE status = 'waiting';
CREATE INDEX trigger_runs_by_due ON trigger_runs (due_at) WHERE status = 'waiting' AND due_at IS NOT NULL;
CREATE INDEX trigger_runs_by_profile ON trigger_runs (profile_id, status);
CREATE INDEX trigger_runs_by_trigger ON trigger_runs (trigger_id, entered_at);
CREATE TABLE trigger_log (
    id INTEGER PRIMARY KEY,
    run_id TEXT NOT NULL,
    trigger_id TEXT NOT NULL,
    profile_id TEXT NOT NULL,
    at INTEGER NOT NULL,
    step TEXT,
    kind TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX trigger_log_by_run ON trigger_log (run_id, id);
CREATE TABLE trigger_deliveries (
    id TEXT PRIMARY KEY,
    run_id TEXT NOT NULL,
    trigger_id TEXT NOT NULL,
    profile_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    max_attempts INTEGER NOT NULL,
    due_at INTEGER NOT NULL,
    last_error TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX trigger_deliveries_by_due ON trigger_deliveries (due_at) WHERE status = 'pending';
CREATE INDEX trigger_deliveries_by_status ON trigger_deliveries (status, trigger_id);
