"""Cuts the small Online Retail slice the RFM tests use: online_retail_orders.csv.

Online Retail (UCI Machine Learning Repository, CC BY 4.0, donor Daqing Chen; see ../ATTRIBUTION.md). The slice keeps
every invoice line of 80 customers drawn at random (seed 19) among those with a CustomerID, without cancellations
(InvoiceNo starting with C) or lines with a quantity or price of zero or below; amount = Quantity × UnitPrice; the
InvoiceDate (UK local time in the source) is written as if it were UTC.

Columns: customer_id,time,amount,order_id (order_id = InvoiceNo; an order has several lines).
Packages: Debian's python3 with pandas 1.5.3, numpy 1.24.2.
Re-run (from this folder):  /usr/bin/python3 make_online_retail_slice.py PATH/TO/online-retail.csv.gz
"""
import sys

import numpy as np
import pandas as pd


def main(path):
    df = pd.read_csv(path, dtype={"InvoiceNo": str, "StockCode": str, "CustomerID": "Int64"})
    df = df[df.CustomerID.notna() & ~df.InvoiceNo.str.startswith("C") & (df.Quantity > 0) & (df.UnitPrice > 0)]
    ids = np.sort(df.CustomerID.unique())
    chosen = set(np.random.default_rng(19).choice(ids, size=80, replace=False))
    s = df[df.CustomerID.isin(chosen)]
    out = pd.DataFrame({
        "customer_id": s.CustomerID.astype(str),
        "time": pd.to_datetime(s.InvoiceDate).dt.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "amount": (s.Quantity * s.UnitPrice).round(2),
        "order_id": s.InvoiceNo,
    })
    out.to_csv("online_retail_orders.csv", index=False)
    print(len(out), "lines,", out.customer_id.nunique(), "customers,", out.order_id.nunique(), "orders")


if __name__ == "__main__":
    main(sys.argv[1])
