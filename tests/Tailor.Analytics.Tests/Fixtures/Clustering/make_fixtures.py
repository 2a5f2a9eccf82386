"""Reference values for Tailor.Analytics.Clustering, computed with scikit-learn and scipy.

Computes, for three data sets (blobs.csv: make_blobs, well separated; iris.csv: Fisher's iris, public domain, from
sklearn.datasets; online_retail_rfm.csv: see make_online_retail_rfm.py):
  StandardScaler and MinMaxScaler outputs, PCA explained variance / ratios / components (compare up to sign),
  KMeans inertia and labels (n_init=10, random_state=0, algorithm="lloyd"; compare labels up to permutation),
  silhouette_score of those labels, AgglomerativeClustering(linkage="ward") labels, scipy.cluster.hierarchy.ward
  linkage matrix (merge heights), and for the RFM slice the k-means inertia and silhouette per k after log1p + z-score, and the best
  inertia known for k = 2 … 5 (200 inits, tol=0, two random states agreeing), the
  cluster means (raw) and standardised means (log1p space, population sd) of its k = 3 clustering.
Versions: scikit-learn 1.2.1, scipy 1.10.1, numpy 1.24.2 (Debian's /usr/bin/python3).
Re-run from this folder: /usr/bin/python3 make_fixtures.py
"""
import csv, json
import numpy as np
import scipy, sklearn
from scipy.cluster.hierarchy import ward
from sklearn.cluster import AgglomerativeClustering, KMeans
from sklearn.datasets import load_iris, make_blobs
from sklearn.decomposition import PCA
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import MinMaxScaler, StandardScaler


def write_csv(path, ids, names, X):
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id"] + names)
        for i, row in zip(ids, X):
            w.writerow([i] + [repr(float(v)) for v in row])


def read_csv(path):
    with open(path) as f:
        rows = list(csv.reader(f))
    return rows[0][1:], [r[0] for r in rows[1:]], np.array([[float(v) for v in r[1:]] for r in rows[1:]])


def kmeans(X, k):
    return KMeans(n_clusters=k, n_init=10, random_state=0, algorithm="lloyd").fit(X)


def reference(X, k):
    std = StandardScaler().fit_transform(X)
    pca = PCA(n_components=2).fit(std)
    km = kmeans(X, k)
    return {
        "k": k,
        "standard_scaled": std.tolist(),
        "minmax_scaled": MinMaxScaler().fit_transform(X).tolist(),
        "pca_on_standard_scaled": {
            "explained_variance": pca.explained_variance_.tolist(),
            "explained_variance_ratio": pca.explained_variance_ratio_.tolist(),
            "components": pca.components_.tolist(),
        },
        "kmeans": {"inertia": float(km.inertia_), "labels": km.labels_.tolist(), "centers": km.cluster_centers_.tolist()},
        "silhouette_of_kmeans_labels": float(silhouette_score(X, km.labels_)),
        "ward_labels": AgglomerativeClustering(n_clusters=k, linkage="ward").fit(X).labels_.tolist(),
        "scipy_ward_linkage": ward(X).tolist(),
    }


versions = {"scikit-learn": sklearn.__version__, "scipy": scipy.__version__, "numpy": np.__version__}

X, _ = make_blobs(n_samples=240, centers=4, n_features=3, cluster_std=0.7, random_state=7)
write_csv("blobs.csv", [f"b{i}" for i in range(len(X))], ["f1", "f2", "f3"], X)
names, ids, X = read_csv("blobs.csv")
json.dump({"versions": versions, **reference(X, 4)}, open("blobs.expected.json", "w"), indent=1)

iris = load_iris()
write_csv("iris.csv", [f"i{i}" for i in range(150)], ["sepal_length", "sepal_width", "petal_length", "petal_width"], iris.data)
names, ids, X = read_csv("iris.csv")
json.dump({"versions": versions, **reference(X, 3)}, open("iris.expected.json", "w"), indent=1)

names, ids, X = read_csv("online_retail_rfm.csv")
Z = StandardScaler().fit_transform(np.log1p(X))
per_k = []
for k in range(2, 7):
    km = kmeans(Z, k)
    per_k.append({"k": k, "inertia": float(km.inertia_), "silhouette": float(silhouette_score(Z, km.labels_)), "labels": km.labels_.tolist()})
pca = PCA(n_components=3).fit(Z)
# The best inertia known for k = 2 … 5: 200 inits run to a fixed point (tol=0), the same under two random states.
best = {}
for k in range(2, 6):
    runs = [KMeans(n_clusters=k, n_init=200, tol=0, random_state=s, algorithm="lloyd").fit(Z).inertia_ for s in (0, 1)]
    assert abs(runs[0] - runs[1]) < 1e-9 * runs[0], (k, runs)
    best[str(k)] = float(min(runs))
# Profile of the k = 3 clustering: raw means per cluster and standardised means in log1p space (population sd).
L = np.log1p(X)
labels3 = per_k[1]["labels"]
profile3 = [{"label": c, "size": int(np.sum(np.array(labels3) == c)),
             "means": X[np.array(labels3) == c].mean(axis=0).tolist(),
             "standardized_means": ((L[np.array(labels3) == c].mean(axis=0) - L.mean(axis=0)) / L.std(axis=0)).tolist()}
            for c in range(3)]
json.dump({"profile_k3": profile3, "best_inertia_n_init_200_tol_0": best, "versions": versions, "prepared": "log1p then StandardScaler", "log1p_standard_scaled": Z.tolist(),
           "pca3_explained_variance_ratio": pca.explained_variance_ratio_.tolist(), "kmeans_per_k": per_k},
          open("online_retail_rfm.expected.json", "w"), indent=1)
