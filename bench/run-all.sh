#!/usr/bin/env bash
# Reproduces the figures of BENCHMARKS.md with the repository's own scripts and prints them as one table per scenario.
#
#   bench/run-all.sh [MODE ...]      MODE: quick (default) | sqlite | postgres | memory | micro | segments | content |
#                                          triggers | analytics | experiments | speed | speed-postgres | all
#
# Builds in Release once, starts PostgreSQL and the exim SMTP sink with scripts/services.sh when a scenario needs them
# (on free ports, data in a temporary directory, stopped on exit), runs each scenario with a time limit, keeps its
# whole output in $OUT/<scenario>.log and its markdown blocks in $OUT/results.md, and at the end prints a summary table
# and the result tables each scenario printed. Data sets that may not be in the repository come from variables:
# TAILOR_BENCH_CDNOW (CDNOW master file, the BG/NBD figures) and TAILOR_BENCH_ONLINE_RETAIL (UCI Online Retail, the
# recommendation figures); a scenario whose data is not given is listed as skipped. See bench/README.md.
# speed / speed-postgres: the targets of issue 17 ("Event path at full speed" in BENCHMARKS.md); BEFORE_SRV=path/to/older/tailor.dll
# runs each of them against that build too, back to back, so before and after come from one session; DURABLE_PG is a
# PostgreSQL started with fsync=on and synchronous_commit=on (bench/durable-postgres.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
OUT=${OUT:-bench/results/run-all-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$OUT"
LG=bench/Tailor.LoadGen/bin/Release/net10.0/tailor-loadgen.dll
SRV=src/Tailor.Cli/bin/Release/net10.0/tailor.dll
modes=("${@:-quick}")
wants() { local m; for m in "${modes[@]}"; do [[ $m == "$1" || $m == all ]] && return 0; done; return 1; }

# ---------------------------------------------------------------- services (scripts/services.sh, free ports, temporary data)
services_started=
services() {
  [[ -n $services_started ]] && return 0
  SVC_ROOT=$(mktemp -d "${TMPDIR:-/tmp}/tailor-bench-services.XXXXXX"); chmod 755 "$SVC_ROOT"; export SVC_ROOT
  . scripts/services.sh
  while _svc_port_open "$PG_PORT"; do PG_PORT=$((PG_PORT + 1)); done
  SMTP_PORT=$((PG_PORT - 55432 + 52525)); while _svc_port_open "$SMTP_PORT"; do SMTP_PORT=$((SMTP_PORT + 1)); done
  start_postgres && start_smtp_sink
  services_started=1
  trap 'stop_services; rm -rf "$SVC_ROOT"' EXIT
}

# ---------------------------------------------------------------- scenarios
summary=()
# run NAME SECONDS COMMAND...: one scenario, its output kept, its exit code and duration recorded
run() {
  local name=$1 limit=$2; shift 2
  echo "== $name: $*" | tee -a "$OUT/commands.txt"
  local t0=$SECONDS rc=0
  timeout "$limit" "$@" > >(tee "$OUT/$name.log") 2>&1 || rc=$?
  summary+=("| $name | $([[ $rc == 0 ]] && echo ok || echo "exit $rc") | $((SECONDS - t0)) s | \`$*\` |")
}
skip() { summary+=("| $1 | skipped: $2 | | |"); }
loadgen() { local name=$1; shift; run "$name" 1500 dotnet "$LG" --server-dll "$SRV" --markdown "$OUT/results.md" --label "$name" "$@"; }

dotnet build Tailor.slnx -c Release -v q -nologo | grep -E " error |rror\(s\)" || true

if wants quick; then
  loadgen quick-throughput --mode throughput --connections 16 --warmup 5 --duration 15
  loadgen quick-fixed-rate --mode fixed-rate --rate 2000 --read-rate 100 --warmup 5 --duration 15
fi
if wants sqlite; then
  loadgen sqlite-throughput --mode throughput --connections 16 --warmup 10 --duration 60
  loadgen sqlite-fixed-rate --mode fixed-rate --rate 5000 --read-rate 200 --warmup 10 --duration 60
fi
if wants postgres; then
  services
  loadgen postgres-throughput --postgres "$POSTGRES_CONNECTION_STRING" --mode throughput --connections 16 --warmup 10 --duration 60
  loadgen postgres-fixed-rate --postgres "$POSTGRES_CONNECTION_STRING" --mode fixed-rate --rate 5000 --read-rate 200 --warmup 10 --duration 60
fi
if wants memory; then
  loadgen memory --mode memory --rate 5000 --read-rate 200 --warmup 10 --duration 600
fi
if wants micro; then
  run micro 3600 dotnet run -c Release --project bench/Tailor.Benchmarks -- --filter '*'
fi
if wants segments; then
  run segments 14400 bench/Tailor.SegmentBench/run.sh 1000000 20
fi
if wants content; then
  services
  CB=bench/Tailor.ContentBench/bin/Release/net10.0/tailor-contentbench.dll
  run content-render 1800 dotnet run -c Release --project bench/Tailor.Benchmarks -- --filter '*ContentBenchmarks*'
  run content-delivery-null 1800 dotnet "$CB" delivery "$SRV" null 100000
  run content-delivery-exim 1800 dotnet "$CB" delivery "$SRV" "127.0.0.1:$SMTP_PORT" 5000
  run content-placement 600 dotnet "$CB" placement "$SRV" 2000 30 10000
fi
if wants triggers; then
  services
  TB=bench/Tailor.TriggerBench/bin/Release/net10.0/tailor-triggerbench.dll
  run triggers-webhooks 1800 dotnet "$TB" --journeys 100000 --rate 2000 --lead 150 --tail 60 --email-every 0 --markdown "$OUT/results.md"
  run triggers-email 900 dotnet "$TB" --journeys 10000 --rate 2000 --lead 30 --tail 60 --email-every 10 --smtp "127.0.0.1:$SMTP_PORT" --markdown "$OUT/results.md"
fi
if wants analytics; then
  AB=bench/Tailor.AnalyticsBench/bin/Release/net10.0/tailor-analyticsbench.dll
  RB=bench/Tailor.RecommendBench/bin/Release/net10.0/tailor-recommendbench.dll
  run analytics-kmeans 3600 bench/Tailor.AnalyticsBench/kmeans.sh 1000000
  run analytics-churn 3600 dotnet "$AB" propensity --customers 100000 --repeat 3
  run analytics-next-purchase 3600 dotnet "$AB" propensity --customers 100000 --repeat 3 --next-purchase
  if [[ -n ${TAILOR_BENCH_CDNOW:-} ]]; then run analytics-clv 3600 dotnet "$AB" bgnbd --cdnow "$TAILOR_BENCH_CDNOW" --runs 3 --models bgnbd,paretonbd,gammagamma
  else skip analytics-clv "set TAILOR_BENCH_CDNOW to the CDNOW master file"; fi
  if [[ -n ${TAILOR_BENCH_ONLINE_RETAIL:-} ]]; then
    run recommend-knn 3600 dotnet "$RB" evaluate "$TAILOR_BENCH_ONLINE_RETAIL" item-knn
    run recommend-ease-als 7200 dotnet "$RB" evaluate "$TAILOR_BENCH_ONLINE_RETAIL" ease,als
    run recommend-serve 1800 dotnet "$RB" serve "$TAILOR_BENCH_ONLINE_RETAIL" 20000
  else skip recommend "set TAILOR_BENCH_ONLINE_RETAIL to the UCI Online Retail file"; fi
fi
if wants experiments; then
  services
  run experiments-sqlite 3600 dotnet run -c Release --project bench/Tailor.ExperimentBench -- --units 1000000 --exposures 10
  run experiments-postgres 3600 dotnet run -c Release --project bench/Tailor.ExperimentBench -- --units 1000000 --exposures 10 --postgres "$POSTGRES_CONNECTION_STRING"
fi

if wants speed; then
  SEGS=bench/Tailor.SegmentBench/segments20.txt
  D=${SPEED_DURATION:-60}
  for srv in ${BEFORE_SRV:+"$BEFORE_SRV"} "$SRV"; do
    label=$([[ $srv == "$SRV" ]] && echo after || echo before)
    sl() { local name=$1 tag=$2; shift 2; run "speed-$label-$name" 1500 dotnet "$LG" --server-dll "$srv" --markdown "$OUT/results.md" --label "$label$tag" "$@" --warmup 10 --duration "$D" --drain 60; }
    sl sustained-30k "" --mode fixed-rate --rate 30000 --read-rate 0                       # target 1 (and bytes per event, target 4)
    sl throughput "" --mode throughput --connections 16
    sl 10k-reads "" --mode fixed-rate --rate 10000 --read-rate 500                           # target 3
    sl 10k-reads-segments ", 20 segments" --mode fixed-rate --rate 10000 --read-rate 500 --segments "$SEGS"
    sl 15k-segments-sse ", 20 segments" --mode fixed-rate --rate 15000 --read-rate 0 --segments "$SEGS" --probe   # target 2
  done
fi
if wants speed-postgres; then
  if [[ -z ${DURABLE_PG:-} ]]; then skip speed-postgres "start bench/durable-postgres.sh and set DURABLE_PG"
  else
    for srv in ${BEFORE_SRV:+"$BEFORE_SRV"} "$SRV"; do
      label=$([[ $srv == "$SRV" ]] && echo "after, durable" || echo "before, durable")
      run "speed-postgres-${label%%,*}" 1500 dotnet "$LG" --server-dll "$srv" --postgres "$DURABLE_PG" --markdown "$OUT/results.md" --label "$label" \
        --mode fixed-rate --rate 20000 --read-rate 0 --warmup 10 --duration "${SPEED_DURATION:-60}" --drain 60   # target 6
    done
  fi
fi

# ---------------------------------------------------------------- the table
{
  echo
  echo "# bench/run-all.sh ${modes[*]} — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "| scenario | outcome | time | command |"
  echo "| --- | --- | --- | --- |"
  printf '%s\n' "${summary[@]}"
  # LoadGen and TriggerBench write their figures as markdown blocks (command line included).
  [[ -s $OUT/results.md ]] && { echo; cat "$OUT/results.md"; }
  for log in "$OUT"/*.log; do
    [[ -e $log ]] || continue
    # The other benches print their figures as markdown table rows (BenchmarkDotNet, the analytics benches).
    if grep -q '^|' "$log"; then echo; echo "## $(basename "$log" .log)"; echo; grep '^|' "$log"; fi
  done
} | tee "$OUT/summary.md"
