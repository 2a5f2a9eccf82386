#!/bin/bash
# Workstation (default) against server GC on the same build, alternating, 60 s each (issue 17, BENCHMARKS.md).
cd "$(dirname "$0")/../../../.." # the repository; the server was the Release build of 02456ce
LG=bench/Tailor.LoadGen/bin/Release/net10.0/tailor-loadgen.dll; SRV=src/Tailor.Cli/bin/Release/net10.0/tailor.dll
O=bench/results/audit-journal-20261206/server-gc; mkdir -p $O
for r in 1 2; do
for v in ws server; do
  E=""; [ $v = server ] && E="--server-env DOTNET_gcServer=1"
  timeout 600 dotnet $LG --server-dll $SRV $E --markdown $O/results.md --label "throughput $v r$r" --mode throughput --connections 16 --warmup 10 --duration 60 --drain 30 > $O/tp-$v-$r.log 2>&1
  timeout 600 dotnet $LG --server-dll $SRV $E --markdown $O/results.md --label "10k-reads $v r$r" --mode fixed-rate --rate 10000 --read-rate 500 --warmup 10 --duration 60 --drain 30 > $O/rd-$v-$r.log 2>&1
done; done

