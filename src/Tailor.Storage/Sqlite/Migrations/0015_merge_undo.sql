-- Merges keep what the merged-away profile held (identities, events, profiles it had absorbed) so they can be undone.
ALTER TABLE merges ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE merges ADD COLUMN undone_at INTEGER;
ALTER TABLE merges ADD COLUMN undo TEXT;
CREATE INDEX merges_by_loser ON merges (loser_id);
CREATE TABLE merge_identities (
    merge_id INTEGER NOT NULL,
    type TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (merge_id, type, value)
) WITHOUT ROWID;
CREATE TABLE merge_events (
    merge_id INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (merge_id, seq)
) WITHOUT ROWID;
CREATE TABLE merge_absorbed (
    merge_id INTEGER NOT NULL,
    profile_id TEXT NOT NULL,
    PRIMARY KEY (merge_id, profile_id)
) WITHOUT ROWID;
