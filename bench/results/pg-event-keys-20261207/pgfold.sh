#!/bin/bash
# CPU of `tailor import` (append + fold) of the loadgen mix into a new PostgreSQL database, before/after, alternating:
# the import process's CPU (user+sys) and PostgreSQL's (the postmaster's reaped children, cutime+cstime, so every
# backend that ended during the import), one import at a time. Usage: pgfold.sh ROUNDS EVENTS
cd WORK
P="host=127.0.0.1 port=55432 user=app password=app_pw"
CS="Host=127.0.0.1;Port=55432;Username=app;Password=app_pw;Database"
rounds=${1:-3}; events=${2:-100000}
pm=$(head -1 SVC/postgres/data/postmaster.pid 2>/dev/null || pgrep -o -f "postgres -D")
tck=$(getconf CLK_TCK)
[ -f mix$events.ndjson ] || dotnet REPO/bench/Tailor.LoadGen/bin/Release/net10.0/tailor-loadgen.dll --write-ndjson mix$events.ndjson --events $events > /dev/null
pgcpu() { awk -v t=$tck '{ print ($16 + $17) / t }' /proc/$pm/stat; }
for r in $(seq 1 $rounds); do
  if [ $((r % 2)) -eq 1 ]; then order="before after"; else order="after before"; fi
  for b in $order; do
    db=fold_${b}_$r
    psql "$P dbname=appdb" -qc "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
    p0=$(pgcpu)
    /usr/bin/time -o imp.time -f "%U %S %e" dotnet cli-$b/tailor.dll import mix$events.ndjson --postgres "$CS=$db" --rejects /dev/null > /dev/null 2>&1
    p1=$(pgcpu)
    read u s e < imp.time
    size=$(psql "$P dbname=$db" -Atc "SELECT pg_database_size('$db')")
    echo "$b round $r: import cpu $(echo "$u + $s" | bc) s, postgres cpu $(echo "$p1 - $p0" | bc) s, wall $e s, $(( size / events )) B/event (database)"
    psql "$P dbname=appdb" -qc "DROP DATABASE $db"
  done
done
