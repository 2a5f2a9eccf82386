#!/usr/bin/env bash
# Sustained throughput with 1, 2 and 3 Tailor nodes on one durable PostgreSQL with RabbitMQ between them (issue 15;
# docs/scale.md, "Capacity"). For each node count: a fresh database, N `tailor serve --postgres --rabbitmq` nodes on
# loopback, and N tailor-loadgen processes in throughput mode, one per node (the load balancer's share), run together;
# each loadgen's output (acknowledged events/s, the profile pipeline's rate and lag, which are the cluster's) is kept in
# $OUT/nodes-N-loadgen-I.log.
#
#   DURABLE_PG=$(bench/durable-postgres.sh start) bench/scale-out.sh            # NODES="1 2 3" DURATION=30 CONNECTIONS=16
#
# RabbitMQ is started with scripts/services.sh (private directory and ports) unless RABBITMQ is given.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
: "${DURABLE_PG:?start bench/durable-postgres.sh and set DURABLE_PG}"
OUT=${OUT:-bench/results/scale-out-$(date -u +%Y%m%dT%H%M%SZ)}
NODES=${NODES:-1 2 3}; DURATION=${DURATION:-30}; CONNECTIONS=${CONNECTIONS:-16}
LG=bench/Tailor.LoadGen/bin/Release/net10.0/tailor-loadgen.dll
SRV=src/Tailor.Cli/bin/Release/net10.0/tailor.dll
mkdir -p "$OUT"
[[ -n ${SKIP_BUILD:-} ]] || { dotnet build -c Release src/Tailor.Cli -v q > "$OUT/build.log" && dotnet build -c Release bench/Tailor.LoadGen -v q >> "$OUT/build.log"; }

work=$(mktemp -d "${TMPDIR:-/tmp}/tailor-scale-out.XXXXXX"); chmod 755 "$work"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; [[ -n ${own_rabbit:-} ]] && stop_rabbitmq; rm -rf "$work"; }
trap cleanup EXIT
if [[ -z ${RABBITMQ:-} ]]; then
  export SVC_ROOT="$work/services"; . scripts/services.sh
  RMQ_PORT=55872; while _svc_port_open "$RMQ_PORT"; do RMQ_PORT=$((RMQ_PORT + 1)); done
  RMQ_STREAM_PORT=$((RMQ_PORT - 120)); RMQ_DIST_PORT=$((RMQ_PORT + 10)); RMQ_EPMD_PORT=$((RMQ_PORT - 1303))
  start_rabbitmq; own_rabbit=1; RABBITMQ=$RABBITMQ_URL
fi

# Every node needs the same privacy key ring (docs/scale.md): one key file for the run, given to each node. Without it
# each node would create its own in its data directory and the second would refuse the shared database.
dotnet "$SRV" encryption generate-key --out "$work/privacy-keys.json" > /dev/null
export TAILOR__PRIVACY__KEYFILE="$work/privacy-keys.json"

free_port() { local p=$1; while timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$p" 2>/dev/null; do p=$((p + 1)); done; echo "$p"; }
for n in $NODES; do
  db="tailor_scale_${n}_$(date +%s)"
  pg_port=$(grep -o 'Port=[0-9]*' <<< "$DURABLE_PG" | cut -d= -f2)
  psql -X -q -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -c "CREATE DATABASE $db"
  cs="Host=127.0.0.1;Port=$pg_port;Database=$db;Username=postgres"
  urls=(); pids=()
  for i in $(seq 1 "$n"); do
    port=$(free_port $((5180 + i * 7))); url="http://127.0.0.1:$port"; urls+=("$url")
    TAILOR_WRITE_KEY=wk_scale TAILOR_ADMIN_KEY=tk_admin_scale NO_COLOR=1 dotnet "$SRV" serve --urls "$url" --data "$work/node-$n-$i" \
      --postgres "$cs" --rabbitmq "$RABBITMQ" > "$OUT/nodes-$n-server-$i.log" 2>&1 &
    pids+=($!)
    for _ in $(seq 1 120); do curl -fsS "$url/health/live" > /dev/null 2>&1 && break; sleep 0.5; done
  done
  sleep 3   # leases settle (one heartbeat after the last node joined)
  curl -fsS -H "Authorization: Bearer tk_admin_scale" "${urls[0]}/api/cluster" > "$OUT/nodes-$n-cluster.json" || true
  lgs=()
  for i in $(seq 1 "$n"); do
    dotnet "$LG" --url "${urls[$((i - 1))]}" --write-key wk_scale --admin-key tk_admin_scale --mode throughput \
      --connections $((CONNECTIONS / n)) --warmup 5 --duration "$DURATION" --drain 60 --seed $((42 + i)) --label "$n nodes, loadgen $i" \
      > "$OUT/nodes-$n-loadgen-$i.log" 2>&1 &
    lgs+=($!)
  done
  for p in "${lgs[@]}"; do wait "$p" || true; done
  curl -fsS -H "Authorization: Bearer tk_admin_scale" "${urls[0]}/api/cluster" > "$OUT/nodes-$n-cluster-after.json" || true
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  pids=()
  echo "$n node(s): logs in $OUT/nodes-$n-*.log"
done
