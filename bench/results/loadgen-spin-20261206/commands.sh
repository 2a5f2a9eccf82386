#!/usr/bin/env bash
# The load generator before (spinning the last 2 ms before each send) and after e5e4278 (sleeping), alternating,
# against the same server build (Release of main at e5e4278), 10,000 events/s + 500 reads/s, 60 s after 10 s warm-up.
# OLD = tailor-loadgen.dll built from e5e4278~1; NEW = from e5e4278; SRV = tailor.dll of the server build.
set -u
OUT=$(dirname "$0")
for round in 1 2; do
  for side in old new; do
    if [ $side = old ]; then LG=$OLD; else LG=$NEW; fi
    dotnet "$LG" --server-dll "$SRV" --mode fixed-rate --rate 10000 --read-rate 500 --warmup 10 --duration 60 --drain 30 \
      > "$OUT/10k-reads-$side-$round.log" 2>&1
  done
done
