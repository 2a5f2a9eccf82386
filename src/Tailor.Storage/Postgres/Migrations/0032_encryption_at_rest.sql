-- Personal data at rest (issue 13): an identity of a protected type (email, phone) keeps its keyed hash in value (the
-- lookup key) and its AES-GCM ciphertext here (what is shown and exported); other identities leave it NULL.
ALTER TABLE identities ADD COLUMN value_enc TEXT;
ALTER TABLE merge_identities ADD COLUMN value_enc TEXT;
-- One probe per data key version (a ciphertext of a fixed text) and of the lookup key: a start with a key file that
-- does not match the data is refused, instead of writing under a second, unrelated key.
CREATE TABLE privacy_keys (
    version INTEGER PRIMARY KEY,
    probe TEXT NOT NULL,
    lookup_probe TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
-- The background re-encryption pass after a rotation: per table, the last row key rewritten (resumable) and counts.
CREATE TABLE privacy_rotation (
    target_version INTEGER NOT NULL,
    table_name TEXT NOT NULL,
    last_key TEXT,
    rewritten BIGINT NOT NULL DEFAULT 0,
    done INTEGER NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (target_version, table_name)
);
