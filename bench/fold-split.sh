#!/usr/bin/env bash
# How fast the profile fold catches up, whole against split by profile key (docs/scale.md), on one SQLite node.
#
#   bench/fold-split.sh TAILOR_DLL [ROUNDS=3] [EVENTS=200000] [PARTITIONS="1 2 4"]
#
# The loadgen's mix is imported once (`tailor import`); then the profile state is removed, leaving the log alone. Each
# round starts `tailor serve` on a copy of that log once per partition count (TAILOR__FOLDPARTITIONS), one after the
# other, and times from its launch until /api/pipeline shows every event folded (the fold starts before the API answers;
# the launch, about a second, is included): the fold's rate with nothing else
# running (no requests), in wall time, which is what splitting over cores buys. Server CPU (user + sys) is printed
# beside it. Needs sqlite3, curl and the loadgen built in Release. Work files go to a temporary directory.
set -euo pipefail
dll=$(realpath "${1:?tailor.dll}"); rounds=${2:-3}; events=${3:-200000}; partitions=${4:-"1 2 4"}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cd "$work"
dotnet "$root/bench/Tailor.LoadGen/bin/Release/net10.0/tailor-loadgen.dll" --write-ndjson mix.ndjson --events "$events" >/dev/null
dotnet "$dll" import mix.ndjson --data template >/dev/null 2>&1
sqlite3 template/tailor.db "DELETE FROM profiles; DELETE FROM identities; DELETE FROM trait_history; DELETE FROM event_profiles;
  DELETE FROM merges; DELETE FROM merge_absorbed; DELETE FROM merge_events; DELETE FROM merge_identities; DELETE FROM profile_refusals;
  DELETE FROM consent_history; DELETE FROM pipeline_positions WHERE name IN ('profiles', 'identities') OR name LIKE 'profiles/%'; VACUUM;"
key=tk_admin_foldsplit_bench

one() { # partitions round
  local dir="p$1-r$2" port=$((5300 + $1 * 10 + $2)) pipeline
  rm -rf "$dir"; cp -r template "$dir"
  local start; start=$(date +%s.%N)
  TAILOR__FOLDPARTITIONS="$1" TAILOR__ADMINKEY="$key" dotnet "$dll" serve --data "$dir" --urls "http://127.0.0.1:$port" > "$dir.log" 2>&1 &
  local pid=$!
  while :; do
    pipeline=$(curl -sf -H "Authorization: Bearer $key" "http://127.0.0.1:$port/api/pipeline" || true)
    # Every logged event folded: the fold's position (the lowest partition's, split) has reached the log's.
    [[ "$pipeline" =~ ^\{\"logPosition\":([0-9]+),\"pipelinePosition\":([0-9]+), ]] && [ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ] && [ "${BASH_REMATCH[1]}" -gt 0 ] && break
    sleep 0.02
  done
  local end; end=$(date +%s.%N)
  local ticks; ticks=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
  kill "$pid"; wait "$pid" 2>/dev/null || true
  awk -v p="$1" -v r="$2" -v s="$start" -v e="$end" -v n="$events" -v t="$ticks" -v hz="$(getconf CLK_TCK)" \
    'BEGIN { printf "partitions %d  round %d  caught up in %6.2f s  %7.0f events/s  server cpu %6.2f s\n", p, r, e - s, n / (e - s), t / hz }'
}

for r in $(seq 1 "$rounds"); do
  for p in $partitions; do one "$p" "$r"; done
done
