#!/bin/bash
(sleep 35; pid=$(pgrep -f "tailor.dll serve" | head -1); perf record -F 499 -g -p $pid -o $OUT/perf5.data -- sleep 25 > /dev/null 2>&1) &
dotnet $LG --server-dll $SERVER --server-env DOTNET_PerfMapEnabled=1 --server-env DOTNET_EnableWriteXorExecute=0 --mode throughput --connections 16 --duration 60 > $OUT/lg5.txt 2>&1
wait
echo done >> $OUT/lg5.txt
