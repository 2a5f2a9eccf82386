-- The erasure fence's row guard (0039) runs a PL/pgSQL function and a query for every row written: on the four tables
-- the profile fold writes in bulk, about a tenth of PostgreSQL's CPU under load (issue 17). The fold's statements on
-- them check erased_profiles themselves, once per statement (an anti-join, PostgresDatabase.Fenced), and say so with the
-- transaction-local setting tailor.fenced for the length of that statement; only then does the guard stand aside.
-- Every other write to these tables still meets it, and every other table keeps it as it was.
DROP TRIGGER erased_guard ON profiles;
CREATE TRIGGER erased_guard BEFORE INSERT ON profiles FOR EACH ROW
    WHEN (current_setting('tailor.fenced', true) IS DISTINCT FROM 'on') EXECUTE FUNCTION erased_guard_profile();
DROP TRIGGER erased_guard ON identities;
CREATE TRIGGER erased_guard BEFORE INSERT OR UPDATE OF profile_id ON identities FOR EACH ROW
    WHEN (current_setting('tailor.fenced', true) IS DISTINCT FROM 'on') EXECUTE FUNCTION erased_guard();
DROP TRIGGER erased_guard ON trait_history;
CREATE TRIGGER erased_guard BEFORE INSERT OR UPDATE OF profile_id ON trait_history FOR EACH ROW
    WHEN (current_setting('tailor.fenced', true) IS DISTINCT FROM 'on') EXECUTE FUNCTION erased_guard();
DROP TRIGGER erased_guard ON event_profiles;
CREATE TRIGGER erased_guard BEFORE INSERT OR UPDATE OF profile_id ON event_profiles FOR EACH ROW
    WHEN (current_setting('tailor.fenced', true) IS DISTINCT FROM 'on') EXECUTE FUNCTION erased_guard();
