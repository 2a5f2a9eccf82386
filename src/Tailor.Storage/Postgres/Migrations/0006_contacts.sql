-- Contacts with people (emails, SMS, webhooks with their data), counted by frequency caps.
CREATE TABLE contacts (
    id BIGSERIAL PRIMARY KEY,
    profile_id TEXT NOT NULL,
    channel TEXT NOT NULL,
    origin TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX contacts_by_profile ON contacts (profile_id, channel, at);
