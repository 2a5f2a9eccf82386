#!/bin/bash
# The append lock taken by the INSERT itself (new) against by a statement of its own (old), durable PostgreSQL, 20,000/s offered, 60 s, alternated.
cd REPO
LG=bench/Tailor.LoadGen/bin/Release/net10.0/tailor-loadgen.dll
for round in ${ROUNDS:-1 2}; do
  for side in old new; do
    dll=OLD/tailor.dll; [ $side = new ] && dll=src/Tailor.Cli/bin/Release/net10.0/tailor.dll
    dotnet $LG --server-dll $dll --postgres "Host=127.0.0.1;Port=55439;Database=postgres;Username=postgres" --label "$side $round" \
      --mode fixed-rate --rate 20000 --read-rate 0 --warmup 10 --duration 60 --drain 10 > OUT/lockab-$side-$round.txt 2>&1
    echo "$side $round: $(grep -E 'acknowledged/s \(mean\)|pipeline events/s|kept up|server CPU  ' OUT/lockab-$side-$round.txt | tr -s ' ' | tr '\n' ';')" >> OUT/lockab.txt
  done
done
