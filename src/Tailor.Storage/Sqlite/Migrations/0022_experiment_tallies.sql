-- The experiments follower's state (docs/experiments.md, "How results are kept current"), committed with its position.
-- One row per unit (a live profile in an experiment): its arm, first exposure, and whether merged exposures differed.
CREATE TABLE experiment_units (
    experiment_key TEXT NOT NULL,
    profile_id TEXT NOT NULL,
    arm TEXT NOT NULL,
    first_at INTEGER NOT NULL,
    changed INTEGER NOT NULL,
    PRIMARY KEY (experiment_key, profile_id)
) WITHOUT ROWID;
CREATE INDEX experiment_units_by_profile ON experiment_units (profile_id);
-- A unit's values of each metric: y after exposure, x before (covariate), d and xd the ratio denominators.
CREATE TABLE experiment_unit_values (
    experiment_key TEXT NOT NULL,
    metric TEXT NOT NULL,
    profile_id TEXT NOT NULL,
    arm TEXT NOT NULL,
    y REAL NOT NULL,
    x REAL NOT NULL,
    d REAL NOT NULL,
    xd REAL NOT NULL,
    PRIMARY KEY (experiment_key, metric, profile_id)
) WITHOUT ROWID;
-- Per arm: units, and units whose merged exposures had been to more than one arm.
CREATE TABLE experiment_arm_units (
    experiment_key TEXT NOT NULL,
    arm TEXT NOT NULL,
    units INTEGER NOT NULL,
    changed INTEGER NOT NULL,
    PRIMARY KEY (experiment_key, arm)
) WITHOUT ROWID;
-- Per metric and arm, the sums of each unit's contribution: s0 units, s1 Σy, s2 Σy², s3 Σx, s4 Σx², s5 Σxy, s6 Σd,
-- s7 Σd², s8 Σyd, s9 Σxd, s10 Σxd², s11 Σx·xd, s12 Σy·xd, s13 Σd·x, s14 Σd·xd.
CREATE TABLE experiment_arm_sums (
    experiment_key TEXT NOT NULL,
    metric TEXT NOT NULL,
    arm TEXT NOT NULL,
    s0 REAL NOT NULL,
    s1 REAL NOT NULL,
    s2 REAL NOT NULL,
    s3 REAL NOT NULL,
    s4 REAL NOT NULL,
    s5 REAL NOT NULL,
    s6 REAL NOT NULL,
    s7 REAL NOT NULL,
    s8 REAL NOT NULL,
    s9 REAL NOT NULL,
    s10 REAL NOT NULL,
    s11 REAL NOT NULL,
    s12 REAL NOT NULL,
    s13 REAL NOT NULL,
    s14 REAL NOT NULL,
    PRIMARY KEY (experiment_key, metric, arm)
) WITHOUT ROWID;
-- An exposure's owner after merges is found through profiles.merged_into (serving reads it on every visit).
CREATE INDEX profiles_by_merged_into ON profiles (merged_into) WHERE merged_into IS NOT NULL;
