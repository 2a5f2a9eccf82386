#!/bin/bash
# One after-build run at 20,000/s on durable PostgreSQL with per-process CPU sampled by top every 5 s.
cd REPO
LG=bench/Tailor.LoadGen/bin/Release/net10.0/tailor-loadgen.dll
(sleep 20; top -b -d 5 -n 12 -w 200 | grep -E "^ *[0-9]+ " | awk '$9 > 5 {print $1, $9, $12, $13, $14, $15}' ) > OUT/pgtop-top.txt 2>&1 &
dotnet $LG --server-dll src/Tailor.Cli/bin/Release/net10.0/tailor.dll --postgres "Host=127.0.0.1;Port=55439;Database=postgres;Username=postgres" --label after-top \
  --mode fixed-rate --rate 20000 --read-rate 0 --warmup 10 --duration 60 --drain 10 > OUT/pgtop-lg.txt 2>&1
wait
