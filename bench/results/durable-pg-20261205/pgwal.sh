#!/bin/bash
# Target 6 profile: what one acknowledged event costs durable PostgreSQL (WAL bytes, records, full-page images,
# commits, WAL syncs), per build, 60 s at 20,000 events/s offered. Usage: pgwal.sh LABEL=DLL ...
set -u
cd REPO
LG=bench/Tailor.LoadGen/bin/Release/net10.0/tailor-loadgen.dll
PGDIR=/tmp/tailor-durable-pg; PORT=55439
q() { psql -X -q -t -A -h $PGDIR -p $PORT -U postgres -d postgres -c "$1"; }
for pair in "$@"; do
  label=${pair%%=*}; dll=${pair#*=}
  q "SELECT pg_stat_reset_shared('wal')" > /dev/null
  c0=$(q "SELECT SUM(xact_commit) FROM pg_stat_database")
  dotnet $LG --server-dll "$dll" --postgres "Host=127.0.0.1;Port=$PORT;Database=postgres;Username=postgres" --label "$label" \
    --mode fixed-rate --rate 20000 --read-rate 0 --warmup 10 --duration 60 --drain 30 > OUT/pgwal-$label$PGWAL_SUFFIX.txt 2>&1
  c1=$(q "SELECT SUM(xact_commit) FROM pg_stat_database")
  echo "== $label: commits $((c1 - c0))" >> OUT/pgwal-$label$PGWAL_SUFFIX.txt
  q "SELECT 'wal', wal_records, wal_fpi, wal_bytes, wal_buffers_full, wal_write, wal_sync FROM pg_stat_wal" >> OUT/pgwal-$label$PGWAL_SUFFIX.txt
done
