-- Admin keys carry scopes (an OAuth-style space-separated list; 'admin' may do everything). key_hash now holds a
-- salted credential ('s1$<salt>$<sha256(salt || key)>') for new keys; keys made before keep their plain SHA-256.
ALTER TABLE admin_keys ADD COLUMN scopes TEXT NOT NULL DEFAULT 'admin';
-- The audit trail: append-only (rows are only ever deleted by retention), newest last.
CREATE TABLE audit_log (
    seq BIGSERIAL PRIMARY KEY,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    actor_name TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT,
    outcome INTEGER NOT NULL,
    origin TEXT
);
CREATE INDEX audit_log_by_time ON audit_log (at);
