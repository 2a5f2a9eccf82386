#!/usr/bin/env bash
# k-means side by side: one generated matrix, scikit-learn then Tailor, medians of 3 each.
# Usage: bench/Tailor.AnalyticsBench/kmeans.sh [rows] (default 1000000); PYTHON overrides the interpreter with scikit-learn.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
python="${PYTHON:-/usr/bin/python3}"
rows="${1:-1000000}"
data="$(mktemp --suffix=.kmeans.bin)"
trap 'rm -f "$data"' EXIT
"$python" "$here/kmeans_sklearn.py" generate "$data" --rows "$rows"
dotnet build -c Release "$here" -v q -nologo | grep -E " error |rror\(s\)" || true
"$python" "$here/kmeans_sklearn.py" run "$data" --k 8 --restarts 3 --repeat 3
dotnet "$here/bin/Release/net10.0/tailor-analyticsbench.dll" kmeans --data "$data" --k 8 --restarts 3 --repeat 3
