-- The erasure fence (docs/privacy.md, "Followers after an erasure"): the ids of erased profiles, with when, and a guard
-- on every table that holds rows by profile id. A follower step that read the person before the erasure and commits
-- after it would otherwise write a row back for the erased profile (a segment entry, a journey run, the profile
-- itself); the guard drops that row inside the follower's own transaction. Erasure inserts here in its transaction.
-- A new table with a profile_id column needs a guard too: StoreContractTests checks every one has it.
-- On PostgreSQL erasure also locks these tables against writers first (SqlPrivacyStore), so a follower transaction
-- already under way commits before the erasure deletes, and one that starts later finds the id here.
CREATE TABLE erased_profiles (
    id TEXT PRIMARY KEY,
    erased_at BIGINT NOT NULL
);
CREATE FUNCTION erased_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM erased_profiles WHERE id = NEW.profile_id) THEN
        RETURN NULL; -- the row is not written; the rest of the statement goes on
    END IF;
    RETURN NEW;
END $$;
CREATE FUNCTION erased_guard_profile() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM erased_profiles WHERE id = NEW.id) THEN
        RETURN NULL;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER erased_guard BEFORE INSERT OR UPDATE OF profile_id ON identities FOR EACH ROW EXECUTE FUNCTION erased_guard();
CREATE TRIGGER erased_guard BEFORE INSERT OR UPDATE OF profile_id ON trait_history FOR EACH ROW EXECUTE FUNCTION erased_guard();
CREATE TRIGGER erased_guard BEFORE INSERT OR UPDATE OF profile_id ON consent_history FOR EACH ROW EXECUTE FUNCTION erased_guard();
CREATE TRIGGER erased_guard BEFORE INSERT OR UPDATE OF profile_id ON segment_members FOR EACH ROW EXECUTE FUNCTION erased_guard();
CREATE TRIGGER erased_guard BEFORE INSERT OR UPDATE OF profile_id ON segment_history FOR EACH ROW EXECUTE FUNCTION erased_guard();
CREATE TRIGGER erased_guard BEFORE INSERT OR UPDATE OF profile_id ON segment_timers FOR EACH ROW EXECUTE FUNCTION erased_guard();
CREATE TRIGGER erased_guard BEFORE INSERT OR UPDATE OF profile_id ON trigger_runs FOR EACH ROW EXECUTE FUNCTION erased_guard();
CREATE TRIGGER erased_guard BEFORE INSERT OR UPDATE OF profile_id ON trigger_log FOR EACH ROW EXECUTE FUNCTION erased_guard();
CREATE TRIGGER erased_guard BEFORE INSERT OR UPDATE OF profile_id ON trigger_deliveries FOR EACH ROW EXECUTE FUNCTION erased_guard();
CREATE TRIGGER erased_guard BEFORE INSERT OR UPDATE OF profile_id ON contacts FOR EACH ROW EXECUTE FUNCTION erased_guard();
CREATE TRIGGER erased_guard BEFORE INSERT OR UPDATE OF profile_id ON campaign_recipients FOR EACH ROW EXECUTE FUNCTION erased_guard();
CREATE TRIGGER erased_guard BEFORE INSERT OR UPDATE OF profile_id ON experiment_exposures FOR EACH ROW EXECUTE FUNCTION erased_guard();
CREATE TRIGGER erased_guard BEFORE INSERT OR UPDATE OF profile_id ON experiment_units FOR EACH ROW EXECUTE FUNCTION erased_guard();
CREATE TRIGGER erased_guard BEFORE INSERT OR UPDATE OF profile_id ON experiment_unit_values FOR EACH ROW EXECUTE FUNCTION erased_guard();
CREATE TRIGGER erased_guard BEFORE INSERT OR UPDATE OF profile_id ON profile_recommendations FOR EACH ROW EXECUTE FUNCTION erased_guard();
CREATE TRIGGER erased_guard BEFORE INSERT OR UPDATE OF profile_id ON profile_refusals FOR EACH ROW EXECUTE FUNCTION erased_guard();
CREATE TRIGGER erased_guard BEFORE INSERT OR UPDATE OF profile_id ON merge_absorbed FOR EACH ROW EXECUTE FUNCTION erased_guard();
CREATE TRIGGER erased_guard BEFORE INSERT OR UPDATE OF profile_id ON event_profiles FOR EACH ROW EXECUTE FUNCTION erased_guard();
CREATE TRIGGER erased_guard BEFORE INSERT ON profiles FOR EACH ROW EXECUTE FUNCTION erased_guard_profile();
