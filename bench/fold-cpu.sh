#!/usr/bin/env bash
# CPU per event of the profile fold and of the append, and bytes per event, for two builds side by side (issue 17).
#
#   bench/fold-cpu.sh BEFORE_TAILOR_DLL AFTER_TAILOR_DLL [ROUNDS=3] [EVENTS=100000]
#   BEFORE_ENV="TAILOR__PRIVACY__ENCRYPTATREST=false" bench/fold-cpu.sh DLL DLL   # one build, two settings (issue 13)
#
# BEFORE_ENV / AFTER_ENV: environment settings (NAME=value, space-separated) for that side's `tailor import` only.
# Each round runs the two builds AT THE SAME TIME (so both see the same load on a shared machine) and prints CPU time
# (user + sys, from /usr/bin/time), which survives a busy machine better than wall time:
#   import  `tailor import` of the loadgen mix into a new data directory: append + fold; then the database size
#           after the clean close divided by the events (bytes per event on disk) and the per-table bytes (dbstat);
#   fold    the fold alone: a copy of that database with the profile state removed (profiles, identities, trait
#           history, assignments, merges, refusals, consent history, the pipeline's position), folded again by
#           `tailor import` of an empty file. Append ≈ import − fold.
# Needs sqlite3 and the loadgen built in Release. Work files go to a temporary directory, removed at the end.
set -euo pipefail
before=$(realpath "${1:?before tailor.dll}"); after=$(realpath "${2:?after tailor.dll}"); rounds=${3:-3}; events=${4:-100000}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cd "$work"
dotnet "$root/bench/Tailor.LoadGen/bin/Release/net10.0/tailor-loadgen.dll" --write-ndjson mix.ndjson --events "$events" >/dev/null
: > empty.ndjson

reset_profiles() { # a data directory -> the same log, no profile state
  sqlite3 "$1/tailor.db" "DELETE FROM profiles; DELETE FROM identities; DELETE FROM trait_history; DELETE FROM event_profiles;
    DELETE FROM merges; DELETE FROM merge_absorbed; DELETE FROM merge_events; DELETE FROM merge_identities; DELETE FROM profile_refusals;
    DELETE FROM consent_history; DELETE FROM pipeline_positions WHERE name = 'profiles'; VACUUM;"
}

one() { # dll label mode round
  local dir="$2-$3-$4" input=mix.ndjson
  rm -rf "$dir"
  local settings=${AFTER_ENV:-}; [ "$2" = before ] && settings=${BEFORE_ENV:-}
  if [ "$3" = fold ]; then cp -r "template-$2" "$dir"; input=empty.ndjson; fi
  # shellcheck disable=SC2086 # the settings are words on purpose
  env $settings /usr/bin/time -o "$dir.time" -f "%U %S" dotnet "$1" import "$input" --data "$dir" >/dev/null 2>&1
  local cpu; cpu=$(tail -1 "$dir.time")
  awk -v l="$2" -v m="$3" -v r="$4" -v c="$cpu" -v n="$events" 'BEGIN { split(c, t, " "); printf "%-6s %-6s round %s  cpu %6.2f s (user %s, sys %s)  %5.0f us/event\n", l, m, r, t[1] + t[2], t[1], t[2], (t[1] + t[2]) * 1e6 / n }'
  if [ "$3" = import ]; then
    echo "$2 round $4: $(( $(stat -c %s "$dir/tailor.db") / events )) bytes per event on disk"
    if [ "$4" = 1 ]; then
      sqlite3 "$dir/tailor.db" "SELECT '  ' || name || ': ' || (SUM(pgsize) / $events) || ' B/event' FROM dbstat GROUP BY name HAVING SUM(pgsize) > 100000 ORDER BY SUM(pgsize) DESC"
      cp -r "$dir" "template-$2"; reset_profiles "template-$2"
    fi
  fi
}

for r in $(seq 1 "$rounds"); do
  one "$before" before import "$r" > "before-import-$r.txt" & one "$after" after import "$r" > "after-import-$r.txt" & wait
  cat "before-import-$r.txt" "after-import-$r.txt"
done
for r in $(seq 1 "$rounds"); do
  one "$before" before fold "$r" & one "$after" after fold "$r" & wait
done
