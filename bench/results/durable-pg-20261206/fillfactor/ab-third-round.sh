#!/bin/bash
cd REPO
DPG=$(bench/durable-postgres.sh start 2>/dev/null)
LG=bench/Tailor.LoadGen/bin/Release/net10.0/tailor-loadgen.dll
OUT=OUT
for V in ff base; do
  echo "=== $V 3 $(date +%T)"
  if [ $V = ff ]; then S=EXPERIMENT/tailor.dll; else S=src/Tailor.Cli/bin/Release/net10.0/tailor.dll; fi
  LOADGEN_KEEP_DATA=1 dotnet $LG --server-dll $S --postgres "$DPG" --mode throughput --connections 16 --duration 60 > $OUT/$V-3.log 2>&1
  DB=$(psql -X -h /tmp/tailor-durable-pg -p 55439 -U postgres -d postgres -At -c "select datname from pg_database where datname like 'tailor_loadgen%' order by datname desc limit 1")
  psql -X -h /tmp/tailor-durable-pg -p 55439 -U postgres -d $DB -c "select relname, n_tup_ins, n_tup_upd, n_tup_hot_upd, pg_size_pretty(pg_total_relation_size(relid)) from pg_stat_user_tables where relname in ('profiles','identities','event_profiles','trait_history','event_log')" > $OUT/$V-3.stats 2>&1
  psql -X -q -h /tmp/tailor-durable-pg -p 55439 -U postgres -d postgres -c "DROP DATABASE $DB"
done
echo done
