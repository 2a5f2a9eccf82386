-- Connector sources (shopify, webhook, postgres; docs/connectors.md): settings as JSON, the secret (a signing secret or
-- a connection string, never returned by the API), the pull's cursor (committed with the events it brought) and status.
CREATE TABLE connector_sources (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    settings TEXT NOT NULL,
    secret TEXT NOT NULL,
    paused INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    pull_cursor TEXT,
    next_pull_at INTEGER,
    last_run_at INTEGER,
    last_run_rows INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    last_error_at INTEGER
);
