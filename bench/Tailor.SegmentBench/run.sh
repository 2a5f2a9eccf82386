#!/usr/bin/env bash
# Segment benchmarks of bench/results/segments.md, in one session. Usage: bench/Tailor.SegmentBench/run.sh PROFILES EVENTS_PER_PROFILE
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-100000}; M=${2:-20}
OUT=bench/results/segments-raw.md
SB=bench/Tailor.SegmentBench/bin/Release/net10.0/tailor-segbench.dll
LG=bench/Tailor.LoadGen/bin/Release/net10.0/tailor-loadgen.dll
SRV=src/Tailor.Cli/bin/Release/net10.0/tailor.dll
SEGS=bench/Tailor.SegmentBench/segments20.txt
DATA=${SEGBENCH_DATA:-${TMPDIR:-/tmp}/tailor-segbench-$N-$M}   # scratch data (≈ 13 GB at 1 M × 20); SEGBENCH_DATA to choose
dotnet build Tailor.slnx -c Release -v q
[ -f $DATA/tailor.db ] || { mkdir -p $DATA; dotnet $SB gen --data $DATA --profiles $N --events $M; }
dotnet $SB recompute --data $DATA --repeat 3 --markdown $OUT
dotnet $SB latency --server-dll $SRV --samples 300 --bg-rate 200 --markdown $OUT
for s in none 20; do
  extra=(); [ $s = 20 ] && extra=(--segments $SEGS)
  dotnet $LG --server-dll $SRV --mode fixed-rate --rate 5000 --read-rate 200 --warmup 10 --duration 45 --label "segments: $s" --markdown $OUT "${extra[@]}"
  dotnet $LG --server-dll $SRV --mode throughput --connections 16 --warmup 10 --duration 45 --label "segments: $s" --markdown $OUT "${extra[@]}"
done
