#!/bin/bash
# Target 5 at the scale (1 M profiles / 20 M events), before (6a550c3) and after (0dad7f0) side by side:
# each build generates its own data with its own tailor-segbench, then 3 rounds of recompute --repeat 3,
# the first build of each round alternating. SQLite first, its data removed, then PostgreSQL (disk).
# WORK: a scratch directory holding the builds (sb-6a, sb-head) and the data. As run, the PostgreSQL part had no
# CREATE DATABASE (tailor-segbench gen does not create it) and failed at once; it was run again as below, for pg only.
CS="Host=127.0.0.1;Port=55432;Username=app;Password=app_pw;Database"
OUT=WORK/t5-1m-out
mkdir -p $OUT
cd WORK
stamp() { echo "== $* $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)"; }
for store in sqlite pg; do
  if [ $store = pg ]; then while [ -e WORK/hold ]; do sleep 10; done; fi  # the test run stops the services' PostgreSQL
  for b in before after; do
    if [ $b = before ]; then dll=sb-6a; else dll=sb-head; fi
    rm -rf m1-$store-$b
    stamp "gen $store $b"
    if [ $store = sqlite ]; then
      ( time dotnet $dll/tailor-segbench.dll gen --data m1-$store-$b --profiles 1000000 --events 20 ) > $OUT/gen-$store-$b.log 2>&1
    else
      PGPASSWORD=app_pw psql -q -h 127.0.0.1 -p 55432 -U app -d appdb -c "DROP DATABASE IF EXISTS m1$b" -c "CREATE DATABASE m1$b"
      ( time dotnet $dll/tailor-segbench.dll gen --data m1-$store-$b --postgres "$CS=m1$b" --profiles 1000000 --events 20 ) > $OUT/gen-$store-$b.log 2>&1
    fi
    tail -4 $OUT/gen-$store-$b.log
    du -sh m1-$store-$b
  done
  # Recompute only on a quiet machine: wait while WORK/hold exists (a test run beside the generation).
  while [ -e WORK/hold ]; do sleep 10; done
  stamp "quiet: recompute $store"
  for r in 1 2 3; do
    if [ $((r % 2)) -eq 1 ]; then order="before after"; else order="after before"; fi
    for b in $order; do
      if [ $b = before ]; then dll=sb-6a; else dll=sb-head; fi
      stamp "recompute $store $b round $r"
      if [ $store = sqlite ]; then
        dotnet $dll/tailor-segbench.dll recompute --data m1-$store-$b --repeat 3 --markdown $OUT/$store-$b-$r.md > $OUT/$store-$b-$r.log 2>&1
      else
        dotnet $dll/tailor-segbench.dll recompute --data m1-$store-$b --postgres "$CS=m1$b" --repeat 3 --markdown $OUT/$store-$b-$r.md > $OUT/$store-$b-$r.log 2>&1
      fi
      grep -E "engine|SQL " $OUT/$store-$b-$r.log
    done
  done
  if [ $store = sqlite ]; then rm -rf m1-sqlite-before m1-sqlite-after; fi
done
stamp done
