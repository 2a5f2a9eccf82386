-- Every change of a profile's consent (docs/privacy.md, "Consent"): purpose, granted or withdrawn, the source it came
-- through, when, where (page URL, app or IP as sent) and the version of the text agreed to. Written by the profile
-- pipeline with the profile, re-pointed by merges, erased with the person.
CREATE TABLE consent_history (
    id INTEGER PRIMARY KEY,
    profile_id TEXT NOT NULL,
    purpose TEXT NOT NULL,
    granted INTEGER NOT NULL,
    at INTEGER NOT NULL,
    source TEXT NOT NULL,
    location TEXT,
    version TEXT,
    message_id TEXT NOT NULL
);
CREATE INDEX consent_history_by_profile ON consent_history (profile_id, id);
