#!/usr/bin/env bash
# Starts (or stops) a PostgreSQL for benchmarks with DURABLE commits: fsync=on, synchronous_commit=on,
# full_page_writes=on (PostgreSQL's defaults). scripts/services.sh starts the shared test instance with all three
# off, which is right for fast tests and wrong for "acknowledged = durable" figures (issue 17, target 6).
# Usage: bench/durable-postgres.sh start|stop     (DURABLE_PG_DIR, default /tmp/tailor-durable-pg; DURABLE_PG_PORT, default 55439)
# DURABLE_PG_OPTIONS: more server settings, e.g. "-c shared_buffers=2GB -c max_wal_size=16GB -c checkpoint_timeout=15min"
# (a server sized like a production one: PostgreSQL's defaults checkpoint every ~1 GB of WAL, and the first change of
# every page after a checkpoint writes the whole page to the WAL). Durability does not depend on them.
# Prints the connection string to use as DURABLE_PG for bench/run-all.sh speed-postgres.
set -euo pipefail
dir=${DURABLE_PG_DIR:-/tmp/tailor-durable-pg}
port=${DURABLE_PG_PORT:-55439}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
[[ -n $bin ]] || { echo "PostgreSQL is not installed (scripts/services.sh start_postgres installs it)" >&2; exit 1; }
as_pg() { if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
case ${1:-start} in
  start)
    mkdir -p "$dir"; [[ $(id -u) == 0 ]] && chown postgres:postgres "$dir"
    [[ -s $dir/data/PG_VERSION ]] || as_pg "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 > "$dir/initdb.log"
    if ! "$bin/pg_isready" -q -h 127.0.0.1 -p "$port"; then
      as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=on -c synchronous_commit=on -c full_page_writes=on -c max_connections=200 ${DURABLE_PG_OPTIONS:-}" start > /dev/null
    fi
    psql -X -q -h "$dir" -p "$port" -U postgres -d postgres -c "SHOW fsync" -c "SHOW synchronous_commit" -t | tr -s ' \n' ' ' >&2; echo >&2
    echo "Host=127.0.0.1;Port=$port;Database=postgres;Username=postgres"
    ;;
  stop)
    as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop > /dev/null 2>&1 || true
    ;;
esac
