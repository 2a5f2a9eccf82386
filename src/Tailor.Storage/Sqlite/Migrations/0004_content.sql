-- Content: templates, blocks, placements and segment values as JSON documents; campaigns and their send ledger.
CREATE TABLE content (
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    document TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (kind, name)
);
CREATE TABLE campaigns (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    template TEXT NOT NULL,
    segment TEXT NOT NULL,
    subject TEXT,
    sender TEXT,
    status TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    started_at INTEGER,
    completed_at INTEGER,
    caps TEXT NOT NULL,
    send_at INTEGER,
    audience_size INTEGER NOT NULL
);
CREATE TABLE campaign_recipients (
    campaign_id TEXT NOT NULL,
    profile_id TEXT NOT NULL,
    status TEXT NOT NULL,
    detail TEXT,
    at INTEGER NOT NULL,
    PRIMARY KEY (campaign_id, profile_id)
);
CREATE INDEX campaign_recipients_by_status ON campaign_recipients (campaign_id, status, profile_id);
CREATE INDEX events_by_name_seq ON events (name, seq);
