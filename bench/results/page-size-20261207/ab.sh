#!/bin/bash
# SQLite page size, closed loop (16 connections, 60 s), one experiment build (experiment.patch: the page size of a new
# database from TAILOR_EXP_PAGE_SIZE), 4096 (SQLite's default, Tailor's today) / 1024 / 2048 alternating, 3 rounds.
# LG: the Release tailor-loadgen.dll; SRV: the experiment build's tailor.dll; OUT: where the logs go.
set -u
mkdir -p "$OUT"
for round in 1 2 3; do
  for ps in 4096 1024 2048; do
    echo "=== $ps-$round $(date -u +%T)"
    (sleep 40; top -b -d 5 -n 4 > "$OUT/closed-$ps-$round.top") &
    dotnet "$LG" --server-dll "$SRV" --server-env TAILOR_EXP_PAGE_SIZE=$ps --mode throughput --connections 16 --duration 60 > "$OUT/closed-$ps-$round.log" 2>&1
    wait
  done
done
