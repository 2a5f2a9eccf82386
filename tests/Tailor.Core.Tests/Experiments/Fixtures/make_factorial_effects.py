"""Reference values for Tailor's multivariate effects (docs/experiments.md, "Multivariate"), from statsmodels.

Simulates per-unit values for a 2 x 3 full factorial (headline: a, b; image: x, y, z) with numpy (seed 12), records
each cell's sufficient statistics (units, sum, sum of squares), then fits the cell-means model y ~ C(cell) - 1 by OLS
with HC2 standard errors (for a saturated cell-means model HC2 is each cell's own variance s^2/n) and evaluates with
res.t_test the contrasts Tailor reports: main effects (average over the other factor of level minus baseline) and the
two-way interactions m(a,b) - m(a,0) - m(0,b) + m(0,0).

Versions: numpy 1.24.2, statsmodels 0.13.5, pandas from Debian. Re-run: /usr/bin/python3 make_factorial_effects.py
"""
import json

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf

rng = np.random.default_rng(12)
headline, image = ["a", "b"], ["x", "y", "z"]
cells = [f"{h}.{i}" for h in headline for i in image]
effect = {"a.x": 1.0, "a.y": 1.2, "a.z": 0.9, "b.x": 1.5, "b.y": 1.4, "b.z": 1.6}
rows = []
for c in cells:
    n = int(rng.integers(150, 260))
    for v in rng.gamma(2.0, effect[c] / 2.0, size=n):
        rows.append((c, float(v)))
df = pd.DataFrame(rows, columns=["cell", "y"])
res = smf.ols("y ~ C(cell, levels=cells) - 1", data=df).fit(cov_type="HC2")


def contrast(weights):
    t = res.t_test(np.array([[weights.get(c, 0.0) for c in cells]]))
    return float(np.squeeze(t.effect)), float(np.squeeze(t.sd))


effects = []
for lvl in ["y", "z"]:  # image main effects (3 levels): average over headline
    effects.append(("image=" + lvl, {**{f"{h}.{lvl}": 0.5 for h in headline}, **{f"{h}.x": -0.5 for h in headline}}))
effects.insert(0, ("headline=b", {**{f"b.{i}": 1 / 3 for i in image}, **{f"a.{i}": -1 / 3 for i in image}}))
for lvl in ["y", "z"]:
    effects.append((f"headline=b×image={lvl}", {f"b.{lvl}": 1.0, "b.x": -1.0, f"a.{lvl}": -1.0, "a.x": 1.0}))

out = {
    "factors": [{"name": "headline", "levels": headline}, {"name": "image", "levels": image}],
    "cells": [{"arm": c, "units": int((df.cell == c).sum()), "sum": repr(float(df.y[df.cell == c].sum())),
               "sumSquares": repr(float((df.y[df.cell == c] ** 2).sum()))} for c in cells],
    "effects": [{"name": n, "estimate": repr(contrast(w)[0]), "standardError": repr(contrast(w)[1])} for n, w in effects],
}
with open("factorial_effects.json", "w", encoding="utf-8") as f:
    json.dump(out, f, ensure_ascii=False, indent=1)
print(json.dumps(out["effects"], ensure_ascii=False))
