"""Reference values for Tailor's experiment assignment (docs/experiments.md, "Assignment"), computed independently
of the C# code with Python's hashlib and scipy.

  bucket(key, unit) = int.from_bytes(sha256(f"{key}:{unit}".encode("utf-8")).digest()[:8], "big") / 2**64
  arm = the first arm (holdout first, then the variants in order) whose cumulative weight exceeds the bucket

Writes assignment_vectors.json: buckets and arms for fixed (key, unit) pairs and arm lists, and the chi-square test of
independence (scipy.stats.chi2_contingency, no continuity correction) of two experiments' assignments over the ids
user-0 .. user-19999.

Versions: Python 3.11 hashlib, scipy 1.10.1. Re-run: /usr/bin/python3 make_assignment_vectors.py
"""
import hashlib
import json

from scipy.stats import chi2_contingency


def bucket(key, unit):
    return int.from_bytes(hashlib.sha256(f"{key}:{unit}".encode("utf-8")).digest()[:8], "big") / 2**64


def arm(arms, b):
    cumulative = 0.0
    for name, weight in arms[:-1]:
        cumulative += weight
        if b < cumulative:
            return name
    return arms[-1][0]


def arms_of(variants, holdout):
    weights = [w for _, w in variants]
    total = sum(weights)
    out = [("holdout", holdout)] if holdout > 0 else []
    return out + [(name, (1 - holdout) * w / total) for name, w in variants]


cases = []
for key, variants, holdout in [
    ("checkout-button", [("a", 1), ("b", 1)], 0.0),
    ("hero-banner", [("control", 0.5), ("bold", 0.3), ("calm", 0.2)], 0.1),
    ("ünïcode-key", [("x", 1), ("y", 1), ("z", 1)], 0.0),
]:
    arms = arms_of(variants, holdout)
    for unit in ["prof-0001", "prof-0002", "user@example.com", "Zoë", "", "prof-123456789"]:
        b = bucket(key, unit)
        cases.append({"key": key, "unit": unit, "variants": [{"key": n, "weight": w} for n, w in variants], "holdout": holdout,
                      "bucket": repr(b), "arm": arm(arms, b)})

ids = [f"user-{i}" for i in range(20000)]
a_arms = arms_of([("a", 1), ("b", 1), ("c", 1)], 0.0)
b_arms = arms_of([("x", 0.5), ("y", 0.3), ("z", 0.2)], 0.0)
table = [[0] * 3 for _ in range(3)]
for u in ids:
    i = [n for n, _ in a_arms].index(arm(a_arms, bucket("exp-one", u)))
    j = [n for n, _ in b_arms].index(arm(b_arms, bucket("exp-two", u)))
    table[i][j] += 1
chi2, p, dof, _ = chi2_contingency(table, correction=False)

with open("assignment_vectors.json", "w", encoding="utf-8") as f:
    json.dump({"cases": cases, "independence": {"ids": "user-0..user-19999", "first": "exp-one", "second": "exp-two",
               "table": table, "chi2": repr(chi2), "p": repr(p), "dof": int(dof)}}, f, ensure_ascii=False, indent=1)
print(chi2, p, dof, table)
