#!/bin/bash
cd REPO
DPG=$(bench/durable-postgres.sh start)
LG=bench/Tailor.LoadGen/bin/Release/net10.0/tailor-loadgen.dll
OUT=OUT
(for i in $(seq 1 120); do PID=$(pgrep -f "tailor.dll serve" | head -1); [ -n "$PID" ] && break; sleep 1; done
 sleep 35; perf record -F 499 -g -p $PID -o $OUT/perf.data -- sleep 25 > $OUT/perf-record.log 2>&1) &
(sleep 30; for i in $(seq 1 40); do psql -X -q -t -A -F ' ' -h /tmp/tailor-durable-pg -p 55439 -U postgres -d postgres -c "SELECT COALESCE(wait_event_type, 'CPU'), COALESCE(wait_event, '-'), left(regexp_replace(query, '\s+', ' ', 'g'), 60) FROM pg_stat_activity WHERE state = 'active' AND pid <> pg_backend_pid() AND backend_type = 'client backend'"; sleep 1; done) > $OUT/waits.txt 2>&1 &
(sleep 32; top -b -d 5 -n 8 > $OUT/top.txt) &
dotnet $LG --server-dll src/Tailor.Cli/bin/Release/net10.0/tailor.dll --server-env DOTNET_PerfMapEnabled=1 --server-env DOTNET_EnableWriteXorExecute=0 --postgres "$DPG" --mode throughput --connections 16 --duration 60 > $OUT/lg.txt 2>&1
wait
sort $OUT/waits.txt | uniq -c | sort -rn > $OUT/waits-summary.txt
echo done
