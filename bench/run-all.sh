#!/usr/bin/env bash
# Runs the LoadGen scenarios of BENCHMARKS.md one after another (each with a fresh server and store).
# Usage: bench/run-all.sh [sqlite|postgres|memory|all|speed]   (PostgreSQL: needs POSTGRES_CONNECTION_STRING)
# speed: the targets of issue 17 ("Event path at full speed" in BENCHMARKS.md); BEFORE_SRV=path/to/older/tailor.dll
# runs each scenario against that build too, back to back, so before and after come from one session.
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
if [[ $what == speed ]]; then
  SEGS=bench/Tailor.SegmentBench/segments20.txt
  D=${SPEED_DURATION:-60}
  for srv in ${BEFORE_SRV:+"$BEFORE_SRV"} "$SRV"; do
    label=$([[ $srv == "$SRV" ]] && echo after || echo before)
    # target 1: sustained at 30,000/s offered, profiles keeping up (lag at the end, drain time), bytes per event
    timeout 1500 dotnet "$LG" --server-dll "$srv" --markdown "$OUT" --label "$label" --mode fixed-rate --rate 30000 --read-rate 0 --warmup 10 --duration "$D" --drain 60
    # max throughput, closed loop
    timeout 1500 dotnet "$LG" --server-dll "$srv" --markdown "$OUT" --label "$label" --mode throughput --connections 16 --warmup 10 --duration "$D" --drain 60
    # target 3: 10,000/s + 500 reads/s, without and with the 20 segments; target 2: 15,000/s with segments and the SSE probe
    timeout 1500 dotnet "$LG" --server-dll "$srv" --markdown "$OUT" --label "$label" --mode fixed-rate --rate 10000 --read-rate 500 --warmup 10 --duration "$D" --drain 60
    timeout 1500 dotnet "$LG" --server-dll "$srv" --markdown "$OUT" --label "$label, 20 segments" --mode fixed-rate --rate 10000 --read-rate 500 --warmup 10 --duration "$D" --drain 60 --segments "$SEGS"
    timeout 1500 dotnet "$LG" --server-dll "$srv" --markdown "$OUT" --label "$label, 20 segments" --mode fixed-rate --rate 15000 --read-rate 0 --warmup 10 --duration "$D" --drain 60 --segments "$SEGS" --probe
  done
fi
if [[ $what == speed-postgres ]]; then
  # target 6: a durable PostgreSQL (fsync=on, synchronous_commit=on); DURABLE_PG is its connection string
  : "${DURABLE_PG:?start a PostgreSQL with fsync=on and synchronous_commit=on and set DURABLE_PG}"
  for srv in ${BEFORE_SRV:+"$BEFORE_SRV"} "$SRV"; do
    label=$([[ $srv == "$SRV" ]] && echo "after, durable" || echo "before, durable")
    timeout 1500 dotnet "$LG" --server-dll "$srv" --postgres "$DURABLE_PG" --markdown "$OUT" --label "$label" --mode fixed-rate --rate 20000 --read-rate 0 --warmup 10 --duration "${SPEED_DURATION:-60}" --drain 60
  done
fi
