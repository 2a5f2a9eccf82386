-- Scale-out (docs/scale.md): the nodes of a cluster and who owns each unit of background work.
-- SQLite is one node: the tables exist so both stores have the same schema; nothing writes them.
-- Times are milliseconds since the epoch on the database's clock, so nodes with skewed clocks agree on expiry.
CREATE TABLE cluster_nodes (
    node_id TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    heartbeat_at BIGINT NOT NULL,
    broker TEXT NOT NULL
);
-- One row per partition of work; epoch grows by one each time the partition changes hands (the fencing token).
CREATE TABLE cluster_leases (
    partition_key TEXT PRIMARY KEY,
    owner TEXT,
    epoch BIGINT NOT NULL DEFAULT 0,
    acquired_at BIGINT NOT NULL DEFAULT 0,
    expires_at BIGINT NOT NULL DEFAULT 0
);
