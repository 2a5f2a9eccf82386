-- Dashboard users (docs/dashboard.md): a unique lower-case name, a role that stands for a set of admin-key scopes, and
-- only a salted PBKDF2 hash of the password. session_stamp changes when the password changes or the user is disabled,
-- which ends every session signed in before.
CREATE TABLE dashboard_users (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    password_changed_at INTEGER NOT NULL,
    session_stamp TEXT NOT NULL,
    disabled_at INTEGER
);
