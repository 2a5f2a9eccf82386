-- What the merge guards and profile caps refused: a merge, an identity, a new trait, or an event with no usable identity.
CREATE TABLE profile_refusals (
    id BIGSERIAL PRIMARY KEY,
    profile_id TEXT,
    kind TEXT NOT NULL,
    detail TEXT NOT NULL,
    seq BIGINT NOT NULL,
    message_id TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX profile_refusals_by_profile ON profile_refusals (profile_id, id);
