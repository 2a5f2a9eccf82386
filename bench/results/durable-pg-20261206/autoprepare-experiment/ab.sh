#!/bin/bash
cd REPO
DPG=$(bench/durable-postgres.sh start 2>/dev/null)
LG=bench/Tailor.LoadGen/bin/Release/net10.0/tailor-loadgen.dll
SRV=EXPERIMENT/tailor.dll
OUT=OUT; mkdir -p $OUT
for round in 1 2; do
for V in base prep; do
  echo "=== $V $round $(date +%T)"
  if [ $V = prep ]; then E="--server-env X_AUTOPREP=64"; else E=""; fi
  (sleep 40; top -b -d 5 -n 4 > $OUT/$V-$round.top) &
  dotnet $LG --server-dll $SRV $E --postgres "$DPG" --mode throughput --connections 16 --duration 60 > $OUT/$V-$round.log 2>&1
  wait
done; done
echo done
