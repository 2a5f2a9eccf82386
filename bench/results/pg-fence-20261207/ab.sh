#!/bin/bash
# Durable PostgreSQL (bench/durable-postgres.sh, default settings), before against after, alternating.
# BEFORE, AFTER: the Release tailor.dll of each build; OUT: where the logs go. Each run: a database of its own.
# Closed loop (16 connections, 60 s) for 3 rounds, then 20,000 events/s offered (target 6's load) for 2 rounds;
# `top` every 5 s from 40 s into each run (4 samples): the CPU of PostgreSQL's processes and of dotnet (server + load generator).
set -u
cd "$(dirname "$0")/../../.."
DPG=$(bench/durable-postgres.sh start 2>/dev/null)
LG=${LG:-bench/Tailor.LoadGen/bin/Release/net10.0/tailor-loadgen.dll}
mkdir -p "$OUT"
run() { # name dll loadgen-args...
  local name=$1 dll=$2; shift 2
  echo "=== $name $(date -u +%T)"
  (sleep 40; top -b -d 5 -n 4 > "$OUT/$name.top") &
  dotnet $LG --server-dll "$dll" --postgres "$DPG" "$@" > "$OUT/$name.log" 2>&1
  wait
}
for round in 1 2 3; do
  run closed-before-$round "$BEFORE" --mode throughput --connections 16 --duration 60
  run closed-after-$round "$AFTER" --mode throughput --connections 16 --duration 60
done
for round in 1 2; do
  run fixed-before-$round "$BEFORE" --mode fixed-rate --rate 20000 --read-rate 0 --warmup 10 --duration 60 --drain 10
  run fixed-after-$round "$AFTER" --mode fixed-rate --rate 20000 --read-rate 0 --warmup 10 --duration 60 --drain 10
done
echo done
