#!/usr/bin/env python3
"""Medians of the loadgen's markdown blocks written by bench/speed-rounds.sh (labels "LOAD, round N", or
"LOAD, BUILD, round N" when it compares two builds: each load and build gets its own medians).

    python3 bench/speed_medians.py OUT/results.md

For each load and each figure below, prints every round's value and the median of the number the target reads.
"""
import re
import statistics
import sys

# metric row of the loadgen's table -> (short name, index of the number to take from its value)
FIGURES = [
    ("events acknowledged/s (mean)", "acknowledged/s", 0),
    ("ack latency p50/p90/p99/max (from scheduled send)", "ack p99 ms", 2),
    ("profile read p50/p90/p99/max", "profile read p99 ms", 2),
    ("profile pipeline events/s (during run)", "profiles folded/s", 0),
    ("profiles kept up with (folded / logged in the window)", "kept up %", 2),
    ("pipeline lag at end / max", "lag at end, s of events", 2),
    ("membership visible (2xx → SSE entered) p50/p90/p99/max", "membership visible p99 ms", 2),
    ("bytes per event on disk", "bytes per event", 0),
    ("server RSS start / median / end / max", "RSS end MB", 2),
    ("server RSS slope (whole run / second half)", "RSS slope, second half MB/min", 1),
    ("server CPU", "server CPU % of a core", 0),
    ("server CPU per acknowledged event", "CPU µs per event", 0),
]


def numbers(value):
    return [float(n.replace(",", "")) for n in re.findall(r"[-+]?\d[\d,]*(?:\.\d+)?", value)]


def main(path):
    runs = {}  # load -> round -> {metric: value}
    load = None
    for line in open(path, encoding="utf-8"):
        header = re.match(r"^#### .*\((.+), round (\d+)\)", line)
        if header:
            load, rnd = header.group(1), int(header.group(2))
            runs.setdefault(load, {})[rnd] = {}
            continue
        row = re.match(r"^\| (.+?) \| (.*) \|$", line.rstrip("\n"))
        if load and row:
            runs[load][rnd][row.group(1)] = row.group(2)
    print("| load | figure | rounds | median |")
    print("| --- | --- | --- | ---: |")
    for load, rounds in runs.items():
        for metric, short, index in FIGURES:
            values = [rounds[r].get(metric) for r in sorted(rounds)]
            if all(v is None or v.strip() in ("", "-") for v in values):
                continue
            picked = []
            for v in values:
                n = numbers(v or "")
                if len(n) > index and not (v or "-").startswith("- ") and v != "-":
                    picked.append(n[index])
            median = f"{statistics.median(picked):,.1f}" if picked else "-"
            shown = " · ".join((v or "-") for v in values)
            print(f"| {load} | {short} | {shown} | {median} |")


if __name__ == "__main__":
    main(sys.argv[1])
