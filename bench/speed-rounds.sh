#!/usr/bin/env bash
# Issue 17's loads ("Event path at full speed" in BENCHMARKS.md) in rounds, for medians: every load of
# `bench/run-all.sh speed` against one build, ROUNDS times, the long loads for LONG seconds (the targets ask for 5
# minutes) and the overload runs for SHORT; then bench/speed_medians.py prints the median of each figure.
#
#   [ROUNDS=3] [LONG=300] [SHORT=60] [DRAIN=60] [DURABLE_PG=conn] [BEFORE=dll] bench/speed-rounds.sh SERVER_DLL OUT_DIR
#
# Each round runs every load once, in the same order, so a noisy minute spreads over all of them instead of spoiling
# one. The loadgen starts a fresh server with an empty data directory per run. DURABLE_PG (bench/durable-postgres.sh
# start) adds target 6 on PostgreSQL with durable commits. DRAIN is the most each run waits after the load for the fold
# to catch up: a build that cannot (the code before issue 17) spends all of it in every run. BEFORE (an older build's
# tailor.dll) runs every load twice, side by side: on BEFORE and on SERVER_DLL ("after"), the first of the pair
# alternating by round so a slow drift of the machine does not favour either build.
set -euo pipefail
cd "$(dirname "$0")/.."
SRV=${1:?server dll}
OUT=${2:?output directory}
ROUNDS=${ROUNDS:-3} LONG=${LONG:-300} SHORT=${SHORT:-60} DRAIN=${DRAIN:-60}
LG=bench/Tailor.LoadGen/bin/Release/net10.0/tailor-loadgen.dll
SEGS=bench/Tailor.SegmentBench/segments20.txt
mkdir -p "$OUT"

# load NAME SECONDS LOADGEN-ARGS...: one run per build, its output kept, its markdown block labelled with the load,
# the build (when BEFORE is set) and the round
load() {
  local name=$1 duration=$2; shift 2
  local build
  for build in "${order[@]}"; do
    local server=$SRV shown=SERVER label="$name, round $round" log="$OUT/$name-$round.log"
    if [[ -n ${BEFORE:-} ]]; then
      [[ $build == before ]] && server=$BEFORE
      shown=${build^^} label="$name, $build, round $round" log="$OUT/$name-$build-$round.log"
    fi
    echo "== $(date -u +%H:%M:%S) $label (load average $(cut -d' ' -f1 /proc/loadavg))" | tee -a "$OUT/commands.txt"
    echo "dotnet $LG --server-dll $shown --label '$label' $* --warmup 10 --duration $duration --drain $DRAIN" >> "$OUT/commands.txt"
    timeout $((duration + DRAIN + 900)) dotnet "$LG" --server-dll "$server" --markdown "$OUT/results.md" --label "$label" "$@" \
      --warmup 10 --duration "$duration" --drain "$DRAIN" > "$log" 2>&1 || echo "   exit $? (see $log)" | tee -a "$OUT/commands.txt"
  done
}

for round in $(seq 1 "$ROUNDS"); do
  order=(after)
  if [[ -n ${BEFORE:-} ]]; then
    if (( round % 2 )); then order=(before after); else order=(after before); fi
  fi
  load throughput "$LONG" --mode throughput --connections 16                                        # target 1, closed loop
  load 10k-reads "$LONG" --mode fixed-rate --rate 10000 --read-rate 500                              # target 3
  load 10k-reads-segments "$LONG" --mode fixed-rate --rate 10000 --read-rate 500 --segments "$SEGS"  # target 3, 20 segments
  load sustained-30k "$SHORT" --mode fixed-rate --rate 30000 --read-rate 0                           # target 1, open loop
  load 15k-segments-sse "$SHORT" --mode fixed-rate --rate 15000 --read-rate 0 --segments "$SEGS" --probe  # target 2
  if [[ -n ${DURABLE_PG:-} ]]; then
    load durable-postgres-20k "$SHORT" --postgres "$DURABLE_PG" --mode fixed-rate --rate 20000 --read-rate 0  # target 6
  fi
done
python3 bench/speed_medians.py "$OUT/results.md" | tee "$OUT/medians.md"
