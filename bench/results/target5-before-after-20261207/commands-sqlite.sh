# SQLite, 2026-12-07 08:24–08:25 UTC, right after the speed run; the same commands with the before build's segbench
# (a worktree of 6a550c3, BEFORE-TREE) and this tree's
dotnet BEFORE-TREE/bench/Tailor.SegmentBench/bin/Release/net10.0/tailor-segbench.dll gen --data DATA/t5b --profiles 100000 --events 20   # 23 s
dotnet bench/Tailor.SegmentBench/bin/Release/net10.0/tailor-segbench.dll gen --data DATA/t5a --profiles 100000 --events 20                # 41 s
dotnet BEFORE-TREE/bench/Tailor.SegmentBench/bin/Release/net10.0/tailor-segbench.dll recompute --data DATA/t5b --repeat 3 --markdown bench/results/target5-before-after-20261207/before.md
dotnet bench/Tailor.SegmentBench/bin/Release/net10.0/tailor-segbench.dll recompute --data DATA/t5a --repeat 3 --markdown bench/results/target5-before-after-20261207/after.md
