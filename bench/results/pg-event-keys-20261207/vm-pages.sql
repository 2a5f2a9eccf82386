-- How often an index-only scan of one snapshot page (the 500 profiles of explain-snapshot-page.sql) moves to another
-- visibility-map page: one map page covers 32,672 heap pages of 8 kB. Run on m1a (generated) and m1b (migrated).
WITH page AS (SELECT profile_id FROM segment_members WHERE segment_id LIKE 'seg_bench_recent%' ORDER BY profile_id OFFSET 100000 LIMIT 500),
rows AS (SELECT p.profile_id, p.seq, ((p.ctid::text::point)[0]::bigint / 32672) AS vm_page
         FROM event_profiles p WHERE p.profile_id IN (SELECT profile_id FROM page))
SELECT count(*) AS rows, count(*) FILTER (WHERE vm_page IS DISTINCT FROM prev) - 1 AS vm_page_changes
FROM (SELECT vm_page, lag(vm_page) OVER (ORDER BY profile_id, seq) AS prev FROM rows) x;
