#!/bin/bash
# Recompute on PostgreSQL, before (38b0c19: event_profiles (seq, profile_id)) and after (migration 0048: assignments carry
# their event's type, name and time), alternating by round. Usage: keys-rounds.sh SCALE BEFORE_DB AFTER_DB
# WORK holds the Release builds sb-b (before) and sb-k (after).
CS="Host=127.0.0.1;Port=55432;Username=app;Password=app_pw;Database"
scale=$1; before_db=$2; after_db=$3
cd WORK
for r in 1 2 3; do
  if [ $((r % 2)) -eq 1 ]; then order="before after"; else order="after before"; fi
  for b in $order; do
    if [ $b = before ]; then dll=sb-b; db=$before_db; else dll=sb-k; db=$after_db; fi
    echo "== pg $scale $b round $r $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)"
    dotnet $dll/tailor-segbench.dll recompute --data keys-data-$b --postgres "$CS=$db" --repeat 3 --markdown keys-out/pg-$scale-$b-$r.md 2>&1 | grep -E "engine|SQL |breakdown"
  done
done
echo "done $(date -u +%H:%M:%S)"
