#!/bin/bash
# EXPERIMENT: main (no GIN, migration 0045) against the same with fillfactor 70 on profiles; alternating, 3 rounds.
# At 62 s into each run: the HOT share of profiles' updates in the run's database (the newest).
set -u
cd REPO
DPG=$(bench/durable-postgres.sh start 2>/dev/null)
LG=bench/Tailor.LoadGen/bin/Release/net10.0/tailor-loadgen.dll
OUT=OUT
PSQL="psql -X -q -t -A -h /tmp/tailor-durable-pg -p 55439 -U postgres"
run() {
  local name=$1 dll=$2; shift 2
  echo "=== $name $(date -u +%T)"
  (sleep 40; top -b -d 5 -n 4 > "$OUT/$name.top") &
  (sleep 62; DB=$($PSQL -d postgres -c "SELECT datname FROM pg_database ORDER BY oid DESC LIMIT 1"); $PSQL -d "$DB" -c "SELECT relname, n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables WHERE relname IN ('profiles','identities')" > "$OUT/$name.stats") &
  dotnet $LG --server-dll "$dll" --postgres "$DPG" "$@" > "$OUT/$name.log" 2>&1
  wait
}
for round in 6 7 8; do
  run closed-main-$round REPO/src/Tailor.Cli/bin/Release/net10.0/tailor.dll --mode throughput --connections 16 --duration 60
  run closed-ff-$round EXPERIMENT_FF/src/Tailor.Cli/bin/Release/net10.0/tailor.dll --mode throughput --connections 16 --duration 60
done
echo done
