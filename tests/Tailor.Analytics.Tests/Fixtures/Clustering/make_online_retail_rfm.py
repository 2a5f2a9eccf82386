"""Aggregates a small slice of the UCI Online Retail data set into recency / frequency / monetary per customer.

Output: online_retail_rfm.csv (customer_id,recency,frequency,monetary) for the first 400 customers by id.
Definitions: lines with a CustomerID, Quantity > 0 and UnitPrice > 0, invoices not starting with "C";
recency = whole days from the customer's last invoice to 2011-12-10 00:00; frequency = distinct invoices;
monetary = sum of Quantity * UnitPrice, rounded to cents.
Data: CC BY 4.0, see ../ATTRIBUTION.md. Written with python 3.11 and the standard library only.
Re-run: /usr/bin/python3 make_online_retail_rfm.py PATH/TO/online-retail.csv.gz
"""
import csv, gzip, sys
from datetime import datetime

AS_OF = datetime(2011, 12, 10)
last, invoices, money = {}, {}, {}
with gzip.open(sys.argv[1], "rt", encoding="utf-8", newline="") as f:
    for row in csv.DictReader(f):
        cid = row["CustomerID"].strip()
        if not cid or row["InvoiceNo"].startswith("C"):
            continue
        q, p = int(row["Quantity"]), float(row["UnitPrice"])
        if q <= 0 or p <= 0:
            continue
        cid = str(int(float(cid)))
        t = datetime.strptime(row["InvoiceDate"], "%Y-%m-%d %H:%M:%S")
        last[cid] = max(last.get(cid, t), t)
        invoices.setdefault(cid, set()).add(row["InvoiceNo"])
        money[cid] = money.get(cid, 0.0) + q * p
with open("online_retail_rfm.csv", "w", newline="") as out:
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["customer_id", "recency", "frequency", "monetary"])
    for cid in sorted(last, key=int)[:400]:
        w.writerow([cid, (AS_OF - last[cid]).days, len(invoices[cid]), f"{money[cid]:.2f}"])
