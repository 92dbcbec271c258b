#!/usr/bin/env python3
"""Summary table of Google Benchmark JSON files written by bench/run.

Medians only. For each gate row (gate/<name>/<pos>/<precision>/n:<n>/threads:<t>)
it prints GB/s and the fraction of the rmw/<precision>/n:<n>/threads:<t> row of
the same run; other rows print their median time.
"""
import json
import re
import sys


def medians(paths):
    rows = {}
    for path in paths:
        try:
            with open(path) as f:
                data = json.load(f)
        except FileNotFoundError:
            continue
        for b in data.get("benchmarks", []):
            agg = b.get("aggregate_name")
            if agg not in (None, "median"):
                continue
            name = b.get("run_name", b["name"])
            rows[name] = b
    return rows


def main(paths):
    rows = medians(paths)
    shape = re.compile(r"^gate/(?P<gate>[^/]+)/(?P<pos>[^/]+)/(?P<rest>.*)$")
    print(f"{'row (medians)':58} {'real time':>14} {'CPU time':>14} {'GB/s':>8} {'of RMW':>7}")
    for name, b in rows.items():
        t = f"{b['real_time']:.3f} {b['time_unit']}"
        c = f"{b['cpu_time']:.3f} {b['time_unit']}"
        gbs = b.get("bytes_per_second", 0) / 1e9
        frac = ""
        m = shape.match(name)
        if m and ("rmw/" + m.group("rest")) in rows:
            limit = rows["rmw/" + m.group("rest")].get("bytes_per_second", 0)
            if limit:
                frac = f"{b['bytes_per_second'] / limit:.2f}"
        if name.startswith(("circuit/", "sample/")):
            gbs_s = ""
        else:
            gbs_s = f"{gbs:.1f}"
        print(f"{name:58} {t:>14} {c:>14} {gbs_s:>8} {frac:>7}")


if __name__ == "__main__":
    main(sys.argv[1:])
