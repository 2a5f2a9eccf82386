#!/bin/bash
# EXPERIMENT: the fold on durable PostgreSQL without the GIN indexes of profiles (traits, tags), against main; alternating.
set -u
cd REPO
DPG=$(bench/durable-postgres.sh start 2>/dev/null)
LG=bench/Tailor.LoadGen/bin/Release/net10.0/tailor-loadgen.dll
OUT=OUT
run() {
  local name=$1 dll=$2; shift 2
  echo "=== $name $(date -u +%T)"
  (sleep 40; top -b -d 5 -n 4 > "$OUT/$name.top") &
  dotnet $LG --server-dll "$dll" --postgres "$DPG" "$@" > "$OUT/$name.log" 2>&1
  wait
}
for round in 1 2 3; do
  run closed-base-$round REPO/src/Tailor.Cli/bin/Release/net10.0/tailor.dll --mode throughput --connections 16 --duration 60
  run closed-nogin-$round EXPERIMENT/src/Tailor.Cli/bin/Release/net10.0/tailor.dll --mode throughput --connections 16 --duration 60
done
echo done
