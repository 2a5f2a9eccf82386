-- EXPERIMENT ONLY (not for main): the fold's four hot tables without the erasure guard, to measure what the guard costs.
DROP TRIGGER erased_guard ON profiles;
DROP TRIGGER erased_guard ON event_profiles;
DROP TRIGGER erased_guard ON identities;
DROP TRIGGER erased_guard ON trait_history;
