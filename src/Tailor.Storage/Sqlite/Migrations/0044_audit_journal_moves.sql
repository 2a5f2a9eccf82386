-- The audit trail's journal (SqliteAuditJournal, tailor.audit.db): per journal file (by name), the last entry moved
-- into audit_log, written in the commit that moves entries, so that none is inserted twice.
CREATE TABLE audit_journal_moves (journal TEXT PRIMARY KEY, moved_up_to INTEGER NOT NULL);
