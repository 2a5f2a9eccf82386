-- The erasure fence (docs/privacy.md, "Followers after an erasure"): the ids of erased profiles, with when, and a guard
-- on every table that holds rows by profile id. A follower step that read the person before the erasure and commits
-- after it would otherwise write a row back for the erased profile (a segment entry, a journey run, the profile
-- itself); the guard drops that row inside the follower's own transaction. Erasure inserts here in its transaction.
-- A new table with a profile_id column needs a guard too: StoreContractTests checks every one has it.
CREATE TABLE erased_profiles (
    id TEXT PRIMARY KEY,
    erased_at INTEGER NOT NULL
);
CREATE TRIGGER erased_guard_identities BEFORE INSERT ON identities WHEN EXISTS (SELECT 1 FROM erased_profiles WHERE id = NEW.profile_id)
BEGIN SELECT RAISE(IGNORE); END;
CREATE TRIGGER erased_guard_identities_update BEFORE UPDATE OF profile_id ON identities WHEN EXISTS (SELECT 1 FROM erased_profiles WHERE id = NEW.profile_id)
BEGIN SELECT RAISE(IGNORE); END;
CREATE TRIGGER erased_guard_trait_history BEFORE INSERT ON trait_history WHEN EXISTS (SELECT 1 FROM erased_profiles WHERE id = NEW.profile_id)
BEGIN SELECT RAISE(IGNORE); END;
CREATE TRIGGER erased_guard_trait_history_update BEFORE UPDATE OF profile_id ON trait_history WHEN EXISTS (SELECT 1 FROM erased_profiles WHERE id = NEW.profile_id)
BEGIN SELECT RAISE(IGNORE); END;
CREATE TRIGGER erased_guard_consent_history BEFORE INSERT ON consent_history WHEN EXISTS (SELECT 1 FROM erased_profiles WHERE id = NEW.profile_id)
BEGIN SELECT RAISE(IGNORE); END;
CREATE TRIGGER erased_guard_consent_history_update BEFORE UPDATE OF profile_id ON consent_history WHEN EXISTS (SELECT 1 FROM erased_profiles WHERE id = NEW.profile_id)
BEGIN SELECT RAISE(IGNORE); END;
CREATE TRIGGER erased_guard_segment_members BEFORE INSERT ON segment_members WHEN EXISTS (SELECT 1 FROM erased_profiles WHERE id = NEW.profile_id)
BEGIN SELECT RAISE(IGNORE); END;
CREATE TRIGGER erased_guard_segment_members_update BEFORE UPDATE OF profile_id ON segment_members WHEN EXISTS (SELECT 1 FROM erased_profiles WHERE id = NEW.profile_id)
BEGIN SELECT RAISE(IGNORE); END;
CREATE TRIGGER erased_guard_segment_history BEFORE INSERT ON segment_history WHEN EXISTS (SELECT 1 FROM erased_profiles WHERE id = NEW.profile_id)
BEGIN SELECT RAISE(IGNORE); END;
CREATE TRIGGER erased_guard_segment_history_update BEFORE UPDATE OF profile_id ON segment_history WHEN EXISTS (SELECT 1 FROM erased_profiles WHERE id = NEW.profile_id)
BEGIN SELECT RAISE(IGNORE); END;
CREATE TRIGGER erased_guard_segment_timers BEFORE INSERT ON segment_timers WHEN EXISTS (SELECT 1 FROM erased_profiles WHERE id = NEW.profile_id)
BEGIN SELECT RAISE(IGNORE); END;
CREATE TRIGGER erased_guard_segment_timers_update BEFORE UPDATE OF profile_id ON segment_timers WHEN EXISTS (SELECT 1 FROM erased_profiles WHERE id = NEW.profile_id)
BEGIN SELECT RAISE(IGNORE); END;
CREATE TRIGGER erased_guard_trigger_runs BEFORE INSERT ON trigger_runs WHEN EXISTS (SELECT 1 FROM erased_profiles WHERE id = NEW.profile_id)
BEGIN SELECT RAISE(IGNORE); END;
CREATE TRIGGER erased_guard_trigger_runs_update BEFORE UPDATE OF profile_id ON trigger_runs WHEN EXISTS (SELECT 1 FROM erased_profiles WHERE id = NEW.profile_id)
BEGIN SELECT RAISE(IGNORE); END;
CREATE TRIGGER erased_guard_trigger_log BEFORE INSERT ON trigger_log WHEN EXISTS (SELECT 1 FROM erased_profiles WHERE id = NEW.profile_id)
BEGIN SELECT RAISE(IGNORE); END;
CREATE TRIGGER erased_guard_trigger_log_update BEFORE UPDATE OF profile_id ON trigger_log WHEN EXISTS (SELECT 1 FROM erased_profiles WHERE id = NEW.profile_id)
BEGIN SELECT RAISE(IGNORE); END;
CREATE TRIGGER erased_guard_trigger_deliveries BEFORE INSERT ON trigger_deliveries WHEN EXISTS (SELECT 1 FROM erased_profiles WHERE id = NEW.profile_id)
BEGIN SELECT RAISE(IGNORE); END;
CREATE TRIGGER erased_guard_trigger_deliveries_update BEFORE UPDATE OF profile_id ON trigger_deliveries WHEN EXISTS (SELECT 1 FROM erased_profiles WHERE id = NEW.profile_id)
BEGIN SELECT RAISE(IGNORE); END;
CREATE TRIGGER erased_guard_contacts BEFORE INSERT ON contacts WHEN EXISTS (SELECT 1 FROM erased_profiles WHERE id = NEW.profile_id)
BEGIN SELECT RAISE(IGNORE); END;
CREATE TRIGGER erased_guard_contacts_update BEFORE UPDATE OF profile_id ON contacts WHEN EXISTS (SELECT 1 FROM erased_profiles WHERE id = NEW.profile_id)
BEGIN SELECT RAISE(IGNORE); END;
CREATE TRIGGER erased_guard_campaign_recipients BEFORE INSERT ON campaign_recipients WHEN EXISTS (SELECT 1 FROM erased_profiles WHERE id = NEW.profile_id)
BEGIN SELECT RAISE(IGNORE); END;
CREATE TRIGGER erased_guard_campaign_recipients_update BEFORE UPDATE OF profile_id ON campaign_recipients WHEN EXISTS (SELECT 1 FROM erased_profiles WHERE id = NEW.profile_id)
BEGIN SELECT RAISE(IGNORE); END;
CREATE TRIGGER erased_guard_experiment_exposures BEFORE INSERT ON experiment_exposures WHEN EXISTS (SELECT 1 FROM erased_profiles WHERE id = NEW.profile_id)
BEGIN SELECT RAISE(IGNORE); END;
CREATE TRIGGER erased_guard_experiment_exposures_update BEFORE UPDATE OF profile_id ON experiment_exposures WHEN EXISTS (SELECT 1 FROM erased_profiles WHERE id = NEW.profile_id)
BEGIN SELECT RAISE(IGNORE); END;
CREATE TRIGGER erased_guard_experiment_units BEFORE INSERT ON experiment_units WHEN EXISTS (SELECT 1 FROM erased_profiles WHERE id = NEW.profile_id)
BEGIN SELECT RAISE(IGNORE); END;
CREATE TRIGGER erased_guard_experiment_units_update BEFORE UPDATE OF profile_id ON experiment_units WHEN EXISTS (SELECT 1 FROM erased_profiles WHERE id = NEW.profile_id)
BEGIN SELECT RAISE(IGNORE); END;
CREATE TRIGGER erased_guard_experiment_unit_values BEFORE INSERT ON experiment_unit_values WHEN EXISTS (SELECT 1 FROM erased_profiles WHERE id = NEW.profile_id)
BEGIN SELECT RAISE(IGNORE); END;
CREATE TRIGGER erased_guard_experiment_unit_values_update BEFORE UPDATE OF profile_id ON experiment_unit_values WHEN EXISTS (SELECT 1 FROM erased_profiles WHERE id = NEW.profile_id)
BEGIN SELECT RAISE(IGNORE); END;
CREATE TRIGGER erased_guard_profile_recommendations BEFORE INSERT ON profile_recommendations WHEN EXISTS (SELECT 1 FROM erased_profiles WHERE id = NEW.profile_id)
BEGIN SELECT RAISE(IGNORE); END;
CREATE TRIGGER erased_guard_profile_recommendations_update BEFORE UPDATE OF profile_id ON profile_recommendations WHEN EXISTS (SELECT 1 FROM erased_profiles WHERE id = NEW.profile_id)
BEGIN SELECT RAISE(IGNORE); END;
CREATE TRIGGER erased_guard_profile_refusals BEFORE INSERT ON profile_refusals WHEN EXISTS (SELECT 1 FROM erased_profiles WHERE id = NEW.profile_id)
BEGIN SELECT RAISE(IGNORE); END;
CREATE TRIGGER erased_guard_profile_refusals_update BEFORE UPDATE OF profile_id ON profile_refusals WHEN EXISTS (SELECT 1 FROM erased_profiles WHERE id = NEW.profile_id)
BEGIN SELECT RAISE(IGNORE); END;
CREATE TRIGGER erased_guard_merge_absorbed BEFORE INSERT ON merge_absorbed WHEN EXISTS (SELECT 1 FROM erased_profiles WHERE id = NEW.profile_id)
BEGIN SELECT RAISE(IGNORE); END;
CREATE TRIGGER erased_guard_merge_absorbed_update BEFORE UPDATE OF profile_id ON merge_absorbed WHEN EXISTS (SELECT 1 FROM erased_profiles WHERE id = NEW.profile_id)
BEGIN SELECT RAISE(IGNORE); END;
CREATE TRIGGER erased_guard_event_profiles BEFORE INSERT ON event_profiles WHEN EXISTS (SELECT 1 FROM erased_profiles WHERE id = NEW.profile_id)
BEGIN SELECT RAISE(IGNORE); END;
CREATE TRIGGER erased_guard_event_profiles_update BEFORE UPDATE OF profile_id ON event_profiles WHEN EXISTS (SELECT 1 FROM erased_profiles WHERE id = NEW.profile_id)
BEGIN SELECT RAISE(IGNORE); END;
CREATE TRIGGER erased_guard_profiles BEFORE INSERT ON profiles WHEN EXISTS (SELECT 1 FROM erased_profiles WHERE id = NEW.id)
BEGIN SELECT RAISE(IGNORE); END;
