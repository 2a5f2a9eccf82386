#!/usr/bin/env bash
# Runs the LoadGen scenarios of BENCHMARKS.md one after another (each with a fresh server and store).
# Usage: bench/run-all.sh [sqlite|postgres|memory|all]   (PostgreSQL: needs POSTGRES_CONNECTION_STRING)
set -euo pipefail
cd "$(dirname "$0")/.."
LG=bench/Tailor.LoadGen/bin/Release/net10.0/tailor-loadgen.dll
SRV=src/Tailor.Cli/bin/Release/net10.0/tailor.dll
OUT=${OUT:-bench/results/raw.md}
what=${1:-all}
run() { timeout 1500 dotnet "$LG" --server-dll "$SRV" --markdown "$OUT" "$@"; }
if [[ $what == sqlite || $what == all ]]; then
  run --mode throughput --connections 16 --warmup 10 --duration 60
  run --mode fixed-rate --rate 5000 --read-rate 200 --warmup 10 --duration 60
fi
if [[ $what == postgres || $what == all ]]; then
  : "${POSTGRES_CONNECTION_STRING:?source services.sh and start_postgres first}"
  run --postgres "$POSTGRES_CONNECTION_STRING" --mode throughput --connections 16 --warmup 10 --duration 60
  run --postgres "$POSTGRES_CONNECTION_STRING" --mode fixed-rate --rate 5000 --read-rate 200 --warmup 10 --duration 60
fi
if [[ $what == memory ]]; then
  run --mode memory --rate 5000 --read-rate 200 --warmup 10 --duration 600
fi
