#!/bin/bash
cd WORK
P="host=127.0.0.1 port=55432 user=app password=app_pw"
{
echo "== 100k rounds $(date -u +%H:%M:%S)"
./keys-rounds.sh 100k t5f t5g
echo "== migrate m1b (0048 at 1 M / 20 M) $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)"
(echo '\timing on'; echo 'BEGIN;'; cat REPO/src/Tailor.Storage/Postgres/Migrations/0048_event_profiles_carry_event_keys.sql; echo "INSERT INTO schema_migrations (version, name, applied_at) VALUES (48, '0048_event_profiles_carry_event_keys', 0);"; echo 'COMMIT;') > m48.sql
s=$(date +%s); psql "$P dbname=m1b" -f m48.sql 2>&1 | grep -E "Time|ERROR|UPDATE"; echo "migration 0048 at 1 M / 20 M: $(( $(date +%s) - s )) s; schema $(psql "$P dbname=m1b" -Atc 'SELECT max(version) FROM schema_migrations')"
for db in m1a m1b; do s=$(date +%s); psql "$P dbname=$db" -qc "VACUUM ANALYZE" 2>/dev/null; echo "vacuum $db $(( $(date +%s) - s )) s"; done
psql "$P dbname=m1a" -Atc "SELECT 'm1a event_profiles ' || pg_size_pretty(pg_total_relation_size('event_profiles'))"
psql "$P dbname=m1b" -Atc "SELECT 'm1b event_profiles ' || pg_size_pretty(pg_total_relation_size('event_profiles'))"
echo "== 1m rounds $(date -u +%H:%M:%S)"
./keys-rounds.sh 1m m1a m1b
} > keys-all.log 2>&1
