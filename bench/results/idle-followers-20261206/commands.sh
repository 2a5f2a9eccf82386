#!/usr/bin/env bash
# Before = Release build of e5e4278 (copied aside as BEFORE), after = Release build of df8d50a (followers with nothing
# defined move past events unread), alternating, the load generator of e5e4278 (no spinning) for both.
# Closed loop (16 connections) twice, then 10,000 events/s + 500 reads/s once; 60 s each after 10 s of warm-up.
set -u
OUT=$(dirname "$0")
LG=bench/Tailor.LoadGen/bin/Release/net10.0/tailor-loadgen.dll
for round in 1 2; do
  for side in before after; do
    if [ $side = before ]; then SRV=$BEFORE; else SRV=$AFTER; fi
    dotnet $LG --server-dll "$SRV" --mode throughput --connections 16 --warmup 10 --duration 60 --drain 30 > "$OUT/throughput-$side-$round.log" 2>&1
  done
done
for side in before after; do
  if [ $side = before ]; then SRV=$BEFORE; else SRV=$AFTER; fi
  dotnet $LG --server-dll "$SRV" --mode fixed-rate --rate 10000 --read-rate 500 --warmup 10 --duration 60 --drain 30 > "$OUT/10k-reads-$side.log" 2>&1
done
