-- As 0046 for the segment engine's bulk inserts: members, history and timers check erased_profiles themselves, once
-- per statement (PostgresDatabase.MembershipWrites), and the guard stands aside only while tailor.fenced is on. Its
-- check per row was about a third of a full recompute's writes (issue 17). Every other write still meets the guard
-- (a merge's history rows among them).
DROP TRIGGER erased_guard ON segment_members;
CREATE TRIGGER erased_guard BEFORE INSERT OR UPDATE OF profile_id ON segment_members FOR EACH ROW
    WHEN (current_setting('tailor.fenced', true) IS DISTINCT FROM 'on') EXECUTE FUNCTION erased_guard();
DROP TRIGGER erased_guard ON segment_history;
CREATE TRIGGER erased_guard BEFORE INSERT OR UPDATE OF profile_id ON segment_history FOR EACH ROW
    WHEN (current_setting('tailor.fenced', true) IS DISTINCT FROM 'on') EXECUTE FUNCTION erased_guard();
DROP TRIGGER erased_guard ON segment_timers;
CREATE TRIGGER erased_guard BEFORE INSERT OR UPDATE OF profile_id ON segment_timers FOR EACH ROW
    WHEN (current_setting('tailor.fenced', true) IS DISTINCT FROM 'on') EXECUTE FUNCTION erased_guard();
