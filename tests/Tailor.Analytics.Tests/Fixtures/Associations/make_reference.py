"""Reference association rules for the FP-Growth checks (Tailor.Analytics.Tests/Associations).

Brute force, independent of Tailor's FP-Growth: the baskets of ../online-retail-slice.csv (one per invoice: the
distinct StockCodes of lines with a positive Quantity whose InvoiceNo does not start with "C"), every combination of
frequent single items of length 1..3 counted by set inclusion over all baskets (by the Apriori property every
frequent itemset is made of frequent items), then every split of each frequent itemset of length 2..3 into X => Y with
support = count(X u Y)/N, confidence = supp(X u Y)/supp(X), lift = confidence/supp(Y);
kept when support >= 0.05, confidence >= 0.5, lift >= 1.
(mlxtend is not installed here, hence the plain enumeration.)
Versions: Debian python3 3.11 (standard library only).
Re-run from this folder: /usr/bin/python3 make_reference.py
"""
import csv
import itertools
import json

MIN_SUPPORT, MIN_CONFIDENCE, MIN_LIFT, MAX_LEN = 0.05, 0.5, 1.0, 3

baskets = {}
with open("../online-retail-slice.csv", newline="") as f:
    for row in csv.DictReader(f):
        if row["InvoiceNo"].startswith("C") or int(row["Quantity"]) <= 0 or not row["StockCode"]:
            continue
        baskets.setdefault(row["InvoiceNo"], set()).add(row["StockCode"])
baskets = list(baskets.values())
n = len(baskets)


def count(itemset):
    s = set(itemset)
    return sum(1 for b in baskets if s <= b)


singles = sorted({i for b in baskets for i in b})
frequent_singles = [i for i in singles if count([i]) / n >= MIN_SUPPORT]
support = {}
for length in range(1, MAX_LEN + 1):
    for combo in itertools.combinations(frequent_singles, length):
        c = count(combo)
        if c / n >= MIN_SUPPORT:
            support[combo] = c / n

rules = []
for itemset, s in support.items():
    if len(itemset) < 2:
        continue
    for r in range(1, len(itemset)):
        for x in itertools.combinations(itemset, r):
            y = tuple(i for i in itemset if i not in x)
            confidence = s / support[x]
            lift = confidence / support[y]
            if confidence >= MIN_CONFIDENCE and lift >= MIN_LIFT:
                rules.append({"antecedent": list(x), "consequent": list(y), "support": s, "confidence": confidence, "lift": lift})

json.dump({"baskets": n, "minSupport": MIN_SUPPORT, "minConfidence": MIN_CONFIDENCE, "minLift": MIN_LIFT, "maxLength": MAX_LEN,
           "itemsets": [{"items": list(k), "support": v} for k, v in sorted(support.items())],
           "rules": rules}, open("rules.json", "w"), indent=1)
print(n, "baskets,", len(support), "frequent itemsets,", len(rules), "rules")
