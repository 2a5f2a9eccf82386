-- A counter per kind of definition, raised in the transaction that creates, changes or deletes one. The node that
-- runs a stage reads it (one row) before each batch and reloads its definitions when it moved, so an event accepted
-- after a segment or trigger was saved, through any node or the CLI, is always evaluated with it (docs/scale.md).
CREATE TABLE definition_versions (
    kind TEXT PRIMARY KEY,
    version BIGINT NOT NULL
);
INSERT INTO definition_versions (kind, version) VALUES ('segments', 0), ('triggers', 0);
