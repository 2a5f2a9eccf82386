"""RFM reference for Tailor's RfmAnalysis, computed with pandas: rfm_reference.csv and qcut_reference.json.

rfm_reference.csv: from online_retail_orders.csv (see make_online_retail_slice.py) as of 2011-12-10T00:00:00Z, per
customer (sorted by id as text): recency = whole days from the last order to the as-of moment (floor), frequency =
distinct order_id, monetary = sum of amount; scores by the usual pandas recipe
    R = qcut(recency.rank(method="first"), 5, labels=[5, 4, 3, 2, 1])
    F = qcut(frequency.rank(method="first"), 5, labels=[1, 2, 3, 4, 5])
    M = qcut(monetary.rank(method="first"), 5, labels=[1, 2, 3, 4, 5])
and the group from the regex segmentation map over "RF" (the widely used table, with "11" split off as Lost).
qcut_reference.json: the bin pandas gives each rank for n = 2 … 60 values (qcut(range(n), 5) on rank "first").

Packages: Debian's python3 with pandas 1.5.3, numpy 1.24.2.
Re-run (from this folder):  /usr/bin/python3 make_rfm_reference.py
"""
import json
import re

import pandas as pd

SEGMENTS = [  # first match wins
    (r"11", "Lost"),
    (r"[1-2][1-2]", "Hibernating"),
    (r"[1-2][3-4]", "At Risk"),
    (r"[1-2]5", "Can't Lose Them"),
    (r"3[1-2]", "About to Sleep"),
    (r"33", "Need Attention"),
    (r"[3-4][4-5]", "Loyal"),
    (r"41", "Promising"),
    (r"51", "New"),
    (r"[4-5][2-3]", "Potential Loyalists"),
    (r"5[4-5]", "Champions"),
]


def segment(rf):
    return next(name for pattern, name in SEGMENTS if re.fullmatch(pattern, rf))


def main():
    df = pd.read_csv("online_retail_orders.csv", dtype={"customer_id": str, "order_id": str})
    df["time"] = pd.to_datetime(df.time, utc=True)
    as_of = pd.Timestamp("2011-12-10T00:00:00Z")
    g = df.groupby("customer_id", sort=True)
    rfm = pd.DataFrame({
        "recency_days": ((as_of - g.time.max()).dt.total_seconds() // 86400).astype(int),
        "frequency": g.order_id.nunique(),
        "monetary": g.amount.sum(),
    })
    rfm["r"] = pd.qcut(rfm.recency_days.rank(method="first"), 5, labels=[5, 4, 3, 2, 1]).astype(int)
    rfm["f"] = pd.qcut(rfm.frequency.rank(method="first"), 5, labels=[1, 2, 3, 4, 5]).astype(int)
    rfm["m"] = pd.qcut(rfm.monetary.rank(method="first"), 5, labels=[1, 2, 3, 4, 5]).astype(int)
    rfm["group"] = [segment(f"{r}{f}") for r, f in zip(rfm.r, rfm.f)]
    rfm.to_csv("rfm_reference.csv", float_format="%.6f")
    bins = {}
    for n in range(2, 61):
        ranks = pd.Series(range(n), dtype=float).rank(method="first")
        bins[n] = [int(b) + 1 for b in pd.qcut(ranks, 5, labels=False)]
    with open("qcut_reference.json", "w") as f:
        json.dump(bins, f)


if __name__ == "__main__":
    main()
