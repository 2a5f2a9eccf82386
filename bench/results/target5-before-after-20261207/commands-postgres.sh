set -x
B=BEFORE-TREE/bench/Tailor.SegmentBench/bin/Release/net10.0/tailor-segbench.dll
A=bench/Tailor.SegmentBench/bin/Release/net10.0/tailor-segbench.dll
CS="Host=127.0.0.1;Port=55432;Username=app;Password=app_pw;Database"
cd REPO
rm -rf DATA/t5pb DATA/t5pa
time dotnet $B gen --data DATA/t5pb --postgres "$CS=t5b" --profiles 100000 --events 20
time dotnet $A gen --data DATA/t5pa --postgres "$CS=t5a" --profiles 100000 --events 20
dotnet $B recompute --data DATA/t5pb --postgres "$CS=t5b" --repeat 3 --markdown bench/results/target5-before-after-20261207/pg-before.md
dotnet $A recompute --data DATA/t5pa --postgres "$CS=t5a" --repeat 3 --markdown bench/results/target5-before-after-20261207/pg-after.md
echo done
