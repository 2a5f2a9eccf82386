-- A snapshot page of 500 Recent Buyers members on the 1 M / 20 M PostgreSQL database after migration 0048 (m1b), the
-- store's query as it is now (SqlSegmentStore.ReadSnapshotEventsAsync on PostgreSQL: the names and window matched on
-- event_profiles' own columns), beside the query before it on the same data (matched on event_log's).
-- psql -f explain-snapshot-page.sql > explain-snapshot-page.txt
\timing on
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE page AS SELECT profile_id FROM segment_members WHERE segment_id LIKE 'seg_bench_recent%' ORDER BY profile_id OFFSET 100000 LIMIT 500;
-- now
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) SELECT p.profile_id, l.seq, l.ts
FROM event_profiles p CROSS JOIN event_log l
WHERE p.profile_id IN (SELECT unnest((SELECT array_agg(profile_id) FROM page))) AND l.seq = p.seq AND ((p.name = 'Order Completed' AND p.type = 'track' AND p.ts >= 1790000000000))
ORDER BY p.ts, p.seq;
-- before
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) SELECT p.profile_id, l.seq, l.ts
FROM event_profiles p CROSS JOIN event_log l
WHERE p.profile_id IN (SELECT unnest((SELECT array_agg(profile_id) FROM page))) AND l.seq = p.seq AND ((l.name = 'Order Completed' AND l.type = 'track' AND l.ts >= 1790000000000))
ORDER BY l.ts, l.seq;
