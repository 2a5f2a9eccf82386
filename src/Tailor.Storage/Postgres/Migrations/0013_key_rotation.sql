-- Keys can be revoked (refused at once) and rotated (the old key keeps working until its grace period ends).
ALTER TABLE sources ADD COLUMN revoked_at BIGINT;
ALTER TABLE admin_keys ADD COLUMN expires_at BIGINT;
ALTER TABLE admin_keys ADD COLUMN revoked_at BIGINT;
CREATE TABLE retired_write_keys (
    write_key TEXT PRIMARY KEY,
    source_id TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX retired_write_keys_by_source ON retired_write_keys (source_id);
