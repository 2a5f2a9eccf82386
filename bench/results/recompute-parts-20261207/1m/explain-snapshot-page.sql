-- A snapshot page of 500 Recent Buyers members, on the after build's 1 M / 20 M PostgreSQL database (m1after), 2026-12-07 10:35 UTC:
-- the store's query (SqlSegmentStore.ReadSnapshotEventsAsync), and a form that names the event in a LATERAL probe, tried to
-- see whether PostgreSQL would take the (name, seq) index instead: it did not (the same probes of events_pkey).
-- psql -f explain-snapshot-page.sql > explain-snapshot-page.txt
\timing on
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE page AS SELECT profile_id FROM segment_members WHERE segment_id LIKE 'seg_bench_recent%' ORDER BY profile_id OFFSET 100000 LIMIT 500;
CREATE TEMP TABLE page2 AS SELECT profile_id FROM segment_members WHERE segment_id LIKE 'seg_bench_recent%' ORDER BY profile_id OFFSET 150000 LIMIT 500;
-- as the store does it
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) SELECT p.profile_id, l.seq, l.ts
FROM event_profiles p CROSS JOIN event_log l
WHERE p.profile_id IN (SELECT unnest((SELECT array_agg(profile_id) FROM page))) AND l.seq = p.seq AND ((l.name = 'Order Completed' AND l.type = 'track' AND l.ts >= 1790000000000))
ORDER BY l.ts, l.seq;
-- probing the name index (name, seq) per assigned event
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) SELECT p.profile_id, l.seq, l.ts
FROM event_profiles p JOIN LATERAL (SELECT * FROM event_log x WHERE x.name = 'Order Completed' AND x.seq = p.seq OFFSET 0) l ON true
WHERE p.profile_id IN (SELECT unnest((SELECT array_agg(profile_id) FROM page2))) AND l.type = 'track' AND l.ts >= 1790000000000
ORDER BY l.ts, l.seq;
