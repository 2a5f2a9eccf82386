-- Failed dashboard sign-ins (docs/dashboard.md), counted in the store so that nodes sharing it count the same
-- failures: a subject (user:NAME or address:IP) and when; nothing that was tried. Rows older than the throttle's
-- window are deleted at every new failure.
CREATE TABLE sign_in_failures (
    subject TEXT NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX sign_in_failures_subject_at ON sign_in_failures (subject, at);
CREATE INDEX sign_in_failures_at ON sign_in_failures (at);
