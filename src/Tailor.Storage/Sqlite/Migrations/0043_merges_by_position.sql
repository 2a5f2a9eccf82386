-- A split fold's partitions find the merges of a range of the log by its position (docs/scale.md).
CREATE INDEX merges_by_seq ON merges (seq);
