"""Reference values for the recommendation checks (Tailor.Analytics.Tests/Recommendations).

Computes, independently of Tailor's code:
  * matrix.csv         a small made-up user x item matrix of summed weights (12 users x 8 items, seeded numpy)
  * cosine.json        item-item cosine similarities of its columns (sklearn.metrics.pairwise.cosine_similarity on X^T)
  * ease.json          EASE weights on the same matrix, numpy closed form (Steck 2019):
                       P = inv(X^T X + lambda I), B = I - P diagMat(1/diag(P)), diag(B) = 0, lambda = 5
  * ranking.json       precision@10, recall@10 (numpy) and NDCG@10 (sklearn.metrics.ndcg_score, binary relevance,
                       log2 discount) on fixed ranked lists
Versions: Debian python3 3.11, numpy 1.24.2, scipy 1.10.1, scikit-learn 1.2.1.
Re-run from this folder: /usr/bin/python3 make_reference.py
"""
import json

import numpy as np
from sklearn.metrics import ndcg_score
from sklearn.metrics.pairwise import cosine_similarity

rng = np.random.default_rng(19)
users, items = 12, 8
X = rng.integers(0, 6, size=(users, items)).astype(float)
X[rng.random((users, items)) < 0.55] = 0.0   # sparse
X[0, :] = 0.0
X[0, 1] = 3.0                                  # a user with a single item
X[:, 7] = 0.0
X[3, 7] = 2.0                                  # an item with a single user

with open("matrix.csv", "w") as f:
    f.write("user,item,weight\n")
    for u in range(users):
        for i in range(items):
            if X[u, i] > 0:
                f.write(f"u{u},i{i},{X[u, i]:g}\n")

cos = cosine_similarity(X.T)
json.dump({"items": [f"i{i}" for i in range(items)], "cosine": cos.tolist()}, open("cosine.json", "w"), indent=1)

lam = 5.0
G = X.T @ X + lam * np.eye(items)
P = np.linalg.inv(G)
B = np.eye(items) - P @ np.diag(1.0 / np.diag(P))
np.fill_diagonal(B, 0.0)
json.dump({"items": [f"i{i}" for i in range(items)], "lambda": lam, "B": B.tolist()}, open("ease.json", "w"), indent=1)

# Ranked lists of 10 items out of a catalogue of 30 ("a0".."a29"), with their relevant sets.
catalogue = [f"a{i}" for i in range(30)]
cases = []
lists_rng = np.random.default_rng(7)
for c in range(8):
    ranked = list(lists_rng.choice(catalogue, size=10, replace=False))
    n_rel = int(lists_rng.integers(1, 14))
    relevant = set(lists_rng.choice(catalogue, size=n_rel, replace=False))
    if c == 0:
        relevant = set(ranked[:3])            # perfect head
    if c == 1:
        relevant = {x for x in catalogue if x not in ranked[:10]}  # no hit
    hits = sum(1 for x in ranked[:10] if x in relevant)
    y_true = np.array([[1.0 if x in relevant else 0.0 for x in catalogue]])
    # Strictly decreasing scores for the ranked items, 0 for the rest (no ties inside the top 10).
    y_score = np.array([[(10 - ranked.index(x)) if x in ranked else 0.0 for x in catalogue]])
    cases.append({
        "ranked": ranked,
        "relevant": sorted(relevant),
        "precision": hits / 10,
        "recall": hits / len(relevant),
        "ndcg": float(ndcg_score(y_true, y_score, k=10)),
    })
json.dump(cases, open("ranking.json", "w"), indent=1)
print("written matrix.csv, cosine.json, ease.json, ranking.json")
