"""k-means benchmark, scikit-learn side, and the data generator both sides read.

  generate FILE [--rows 1000000] [--cols 8] [--clusters 8]
      writes overlapping Gaussian clusters (numpy seed 42: centres ~ N(0, 3²) per coordinate, unit-variance noise × 1.5)
      as int32 rows, int32 columns, then float64 values row-major (little-endian).
  run FILE [--k 8] [--restarts 3] [--repeat 3]
      times sklearn.cluster.KMeans(n_clusters=k, n_init=restarts, random_state=0, algorithm="lloyd", tol=1e-4).fit.
Versions: scikit-learn 1.2.1, numpy 1.24.2 (Debian's /usr/bin/python3).
Re-run: /usr/bin/python3 kmeans_sklearn.py generate /tmp/kmeans.bin && /usr/bin/python3 kmeans_sklearn.py run /tmp/kmeans.bin
"""
import argparse, statistics, time
import numpy as np

parser = argparse.ArgumentParser()
parser.add_argument("command", choices=["generate", "run"])
parser.add_argument("file")
parser.add_argument("--rows", type=int, default=1_000_000)
parser.add_argument("--cols", type=int, default=8)
parser.add_argument("--clusters", type=int, default=8)
parser.add_argument("--k", type=int, default=8)
parser.add_argument("--restarts", type=int, default=3)
parser.add_argument("--repeat", type=int, default=3)
a = parser.parse_args()

if a.command == "generate":
    rng = np.random.default_rng(42)
    centres = rng.normal(0, 3, size=(a.clusters, a.cols))
    labels = rng.integers(0, a.clusters, size=a.rows)
    X = centres[labels] + rng.normal(0, 1.5, size=(a.rows, a.cols))
    with open(a.file, "wb") as f:
        f.write(np.array([a.rows, a.cols], dtype="<i4").tobytes())
        f.write(X.astype("<f8").tobytes())
else:
    from sklearn import __version__
    from sklearn.cluster import KMeans
    with open(a.file, "rb") as f:
        rows, cols = np.frombuffer(f.read(8), dtype="<i4")
        X = np.frombuffer(f.read(), dtype="<f8").reshape(rows, cols).copy()
    times = []
    for r in range(a.repeat):
        start = time.perf_counter()
        km = KMeans(n_clusters=a.k, n_init=a.restarts, random_state=0, algorithm="lloyd", tol=1e-4).fit(X)
        times.append(time.perf_counter() - start)
        print(f"sklearn run {r + 1}: {times[-1]:.3f} s  inertia {km.inertia_:.1f}  iterations {km.n_iter_}")
    print(f"sklearn {__version__} kmeans rows={rows} cols={cols} k={a.k} restarts={a.restarts}: median {statistics.median(times):.3f} s, inertia {km.inertia_:.1f}")
