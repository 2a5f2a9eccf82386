#!/usr/bin/env python3
"""The live profile count before and after (BENCHMARKS.md, "The live profile count read every row").

    python3 measure.py sqlite DIR/tailor.db
    python3 measure.py postgres 'psql connection arguments'   # e.g. "-h 127.0.0.1 -p 55432 -U app -d t5c" (PGPASSWORD set)

Prints each query's plan, then two alternating sets of 7 calls each (SQLite: wall time of the call; PostgreSQL: the
"Execution Time" of EXPLAIN (ANALYZE, TIMING OFF)), with their medians.
"""
import shlex
import statistics
import subprocess
import sys
import time

BEFORE = "SELECT COUNT(*) FROM profiles WHERE merged_into IS NULL"
AFTER = "SELECT (SELECT COUNT(*) FROM profiles) - (SELECT COUNT(*) FROM profiles WHERE merged_into IS NOT NULL)"

def sqlite(path):
    import sqlite3
    c = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    plan = lambda q: [row[3] for row in c.execute("EXPLAIN QUERY PLAN " + q)]
    def call(q):
        t = time.perf_counter()
        value = c.execute(q).fetchone()[0]
        return value, (time.perf_counter() - t) * 1000
    return plan, call

def postgres(args):
    def psql(sql):
        return subprocess.run(["psql", *shlex.split(args), "-At", "-c", sql], check=True, capture_output=True, text=True).stdout
    plan = lambda q: psql("EXPLAIN " + q).splitlines()
    def call(q):
        out = psql("EXPLAIN (ANALYZE, TIMING OFF) " + q)
        ms = float(next(l for l in out.splitlines() if l.startswith("Execution Time")).split()[2])
        return int(psql(q).strip()), ms
    return plan, call

plan, call = (sqlite if sys.argv[1] == "sqlite" else postgres)(sys.argv[2])
for name, q in (("before", BEFORE), ("after", AFTER)):
    print(f"{name}: {q}")
    for line in plan(q):
        print("   ", line)
for _ in range(2):
    for name, q in (("before", BEFORE), ("after", AFTER)):
        runs = [call(q) for _ in range(7)]
        times = [ms for _, ms in runs]
        print(f"{name}: count {runs[0][0]}, ms {' · '.join(f'{t:.2f}' for t in times)}, median {statistics.median(times):.2f}")
