-- A snapshot's timeline (every event time of each profile, for "within one session" rules and whole-profile scopes)
-- for one page of 500 profiles on the migrated 1 M / 20 M database (m1b): through the log, as the store read it,
-- and from the assignments' own times (index only), three times each, alternating.
-- psql -f explain-timeline-page.sql > explain-timeline-page.txt
\timing on
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE page AS SELECT id AS profile_id FROM profiles ORDER BY id OFFSET 300000 LIMIT 500;
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) SELECT p.profile_id, l.ts FROM event_profiles p CROSS JOIN event_log l
WHERE p.profile_id IN (SELECT unnest((SELECT array_agg(profile_id) FROM page))) AND l.seq = p.seq ORDER BY l.ts;
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) SELECT p.profile_id, p.ts FROM event_profiles p
WHERE p.profile_id IN (SELECT unnest((SELECT array_agg(profile_id) FROM page))) AND p.ts IS NOT NULL ORDER BY p.ts;
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) SELECT p.profile_id, l.ts FROM event_profiles p CROSS JOIN event_log l
WHERE p.profile_id IN (SELECT unnest((SELECT array_agg(profile_id) FROM page))) AND l.seq = p.seq ORDER BY l.ts;
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) SELECT p.profile_id, p.ts FROM event_profiles p
WHERE p.profile_id IN (SELECT unnest((SELECT array_agg(profile_id) FROM page))) AND p.ts IS NOT NULL ORDER BY p.ts;
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) SELECT p.profile_id, l.ts FROM event_profiles p CROSS JOIN event_log l
WHERE p.profile_id IN (SELECT unnest((SELECT array_agg(profile_id) FROM page))) AND l.seq = p.seq ORDER BY l.ts;
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) SELECT p.profile_id, p.ts FROM event_profiles p
WHERE p.profile_id IN (SELECT unnest((SELECT array_agg(profile_id) FROM page))) AND p.ts IS NOT NULL ORDER BY p.ts;
