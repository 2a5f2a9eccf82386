#!/bin/bash
# SQLite (the embedded default), before against after, alternating: the closed loop (16 connections, 60 s) for 3
# rounds. BEFORE, AFTER: the Release tailor.dll of each build; OUT: where the logs go.
set -u
cd "$(dirname "$0")/../../.."
LG=bench/Tailor.LoadGen/bin/Release/net10.0/tailor-loadgen.dll
mkdir -p "$OUT"
for round in 1 2 3; do
  for side in before after; do
    dll=$BEFORE; [[ $side == after ]] && dll=$AFTER
    echo "=== closed-$side-$round $(date -u +%T)"
    dotnet $LG --server-dll "$dll" --mode throughput --connections 16 --duration 60 > "$OUT/closed-$side-$round.log" 2>&1
  done
done
echo done
