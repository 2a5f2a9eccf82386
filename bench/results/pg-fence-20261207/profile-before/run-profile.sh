#!/bin/bash
# As run for the profile of the before build (main at 15efa77) on durable PostgreSQL started with
# DURABLE_PG_OPTIONS="-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all -c track_io_timing=on -c track_functions=pl" bench/durable-postgres.sh start
# LG, SERVER: the Release load generator and tailor.dll; OUT: where the files go.
PG="Host=127.0.0.1;Port=55439;Database=postgres;Username=postgres"
psql -X -q -h 127.0.0.1 -p 55439 -U postgres -d postgres -c "select pg_stat_statements_reset()" > /dev/null
(sleep 40; top -b -d 2 -n 8 > $OUT/top2.txt) &
(sleep 30; perf record -F 499 -a -g -o $OUT/perf1.data -- sleep 25 > /dev/null 2>&1) &
(sleep 66; db=$(psql -X -At -h 127.0.0.1 -p 55439 -U postgres -d postgres -c "select datname from pg_database where datname like 'tailor_loadgen%'"); psql -X -h 127.0.0.1 -p 55439 -U postgres -d "$db" -c "select funcname, calls, round(total_time::numeric/1000,2) total_s, round(self_time::numeric/1000,2) self_s from pg_stat_user_functions" -c "select relname, n_tup_ins, n_tup_upd, n_tup_hot_upd from pg_stat_user_tables order by n_tup_ins+n_tup_upd desc limit 12" > $OUT/funcs2.txt 2>&1) &
dotnet $LG --server-dll $SERVER --postgres "$PG" --mode throughput --connections 16 --duration 60 > $OUT/lg2.txt 2>&1
psql -X -h 127.0.0.1 -p 55439 -U postgres -d postgres -c "select round(total_exec_time::numeric/1000,1) exec_s, round(total_plan_time::numeric/1000,1) plan_s, calls, rows, round((blk_write_time+blk_read_time)::numeric/1000,1) io_s, round(wal_bytes/1e6) wal_mb, left(regexp_replace(query,'\s+',' ','g'),150) q from pg_stat_statements order by total_exec_time desc limit 30" > $OUT/pgss2.txt
echo done >> $OUT/lg2.txt
