#!/bin/bash
# Migration 0048 at 100 k / 2 M, two orders, on copies of t5f (schema 47): the index dropped after the UPDATE (as first
# written, measured at 1 M / 20 M) and before it (as committed). Alternating, two rounds.
cd WORK
P="host=127.0.0.1 port=55432 user=app password=app_pw"
git -C REPO show HEAD:src/Tailor.Storage/Postgres/Migrations/0048_event_profiles_carry_event_keys.sql > /dev/null 2>&1
new=REPO/src/Tailor.Storage/Postgres/Migrations/0048_event_profiles_carry_event_keys.sql
python3 - "$new" > m48-old.sql <<'PY'
import sys
s=open(sys.argv[1]).read()
s=s.replace("DROP INDEX event_profiles_by_profile;\nUPDATE event_profiles p SET type = l.type, name = l.name, ts = l.ts FROM event_log l WHERE l.seq = p.seq;\n",
            "UPDATE event_profiles p SET type = l.type, name = l.name, ts = l.ts FROM event_log l WHERE l.seq = p.seq;\nDROP INDEX event_profiles_by_profile;\n")
print(s)
PY
cp $new m48-new.sql
for r in 1 2; do
  for o in old new; do
    psql "$P dbname=appdb" -qc "DROP DATABASE IF EXISTS m48_$o" -c "CREATE DATABASE m48_$o TEMPLATE t5f"
    s=$(date +%s.%N)
    (echo 'BEGIN;'; cat m48-$o.sql; echo 'COMMIT;') | psql -q "$P dbname=m48_$o" > /dev/null
    echo "round $r, index dropped $( [ $o = old ] && echo after || echo before ) the UPDATE: $(echo "$(date +%s.%N) - $s" | bc | cut -c1-6) s"
    psql "$P dbname=appdb" -qc "DROP DATABASE m48_$o"
  done
done
