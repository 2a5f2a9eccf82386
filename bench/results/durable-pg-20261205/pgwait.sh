#!/bin/bash
# One after-build run at 20,000/s on durable PostgreSQL; every second, what each active backend is doing or waiting on.
cd REPO
LG=bench/Tailor.LoadGen/bin/Release/net10.0/tailor-loadgen.dll
(sleep 20; for i in $(seq 1 50); do psql -X -q -t -A -F ' ' -h /tmp/tailor-durable-pg -p 55439 -U postgres -d postgres -c "SELECT COALESCE(wait_event_type, 'CPU'), COALESCE(wait_event, '-'), left(regexp_replace(query, '\s+', ' ', 'g'), 40) FROM pg_stat_activity WHERE state = 'active' AND pid <> pg_backend_pid() AND backend_type = 'client backend'"; sleep 1; done) > OUT/pgwait-samples.txt 2>&1 &
dotnet $LG --server-dll "${1:-src/Tailor.Cli/bin/Release/net10.0/tailor.dll}" --postgres "Host=127.0.0.1;Port=55439;Database=postgres;Username=postgres" --label wait \
  --mode fixed-rate --rate 20000 --read-rate 0 --warmup 10 --duration 60 --drain 10 > OUT/pgwait-lg.txt 2>&1
wait
sort OUT/pgwait-samples.txt | uniq -c | sort -rn > OUT/pgwait-summary.txt
