"""A small slice of UCI Online Retail (CC BY 4.0, see ../ATTRIBUTION.md) for the propensity tests, one row per invoice.

Reads the full gzip CSV (columns InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country),
keeps rows with a CustomerID, sums Quantity*UnitPrice per invoice, and writes the invoices of 800 customers drawn
with a fixed seed (numpy 1.24.2 RandomState(19)) as
    customer_id,invoice,time,amount,cancelled
time in ISO 8601 (the data's UK local time, taken as UTC), amount rounded to cents, cancelled 1 for invoices whose
number starts with C. Python standard library and numpy only.
Re-run from this folder:
    /usr/bin/python3 make_online_retail_slice.py PATH/TO/online-retail.csv.gz > online-retail-invoices.csv
"""
import csv
import gzip
import sys
from collections import OrderedDict

import numpy as np

invoices = OrderedDict()
with gzip.open(sys.argv[1], "rt", encoding="utf-8", newline="") as f:
    for row in csv.DictReader(f):
        customer = row["CustomerID"].strip()
        if not customer:
            continue
        customer = customer.split(".")[0]
        key = (customer, row["InvoiceNo"])
        if key not in invoices:
            invoices[key] = [row["InvoiceDate"], 0.0]
        invoices[key][1] += float(row["Quantity"]) * float(row["UnitPrice"])

customers = sorted({c for c, _ in invoices})
chosen = set(np.random.RandomState(19).choice(customers, size=800, replace=False).tolist())
out = csv.writer(sys.stdout, lineterminator="\n")
out.writerow(["customer_id", "invoice", "time", "amount", "cancelled"])
for (customer, invoice), (time, amount) in sorted(invoices.items(), key=lambda kv: (kv[0][0], kv[1][0], kv[0][1])):
    if customer in chosen:
        out.writerow([customer, invoice, time.replace(" ", "T") + "Z", f"{amount:.2f}", 1 if invoice.startswith("C") else 0])
