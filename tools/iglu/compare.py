#!/usr/bin/env python3
"""Compare diapath's metrics with iglu-python (and with R iglu's golden values).

For every subject of each `id,time,gl` CSV given, computes the metric set with
iglu-python (PyPI `iglu-python`, a port of R iglu) and reads diapath's values and timing
from the `metrics_timing` example's JSON lines. Prints, per metric, the largest absolute
difference diapath − iglu-python and diapath − R iglu (tools/iglu/golden.json), and the
time per subject of both, with the speed ratio.

Times are read as UTC by both sides.

Usage: compare.py --diapath PATH_TO_metrics_timing [--repeat N] [--golden golden.json] CSV...
"""

import argparse
import json
import math
import os
import subprocess
import sys
import time

import iglu_python as ig
import pandas as pd

# (diapath key, R golden key or None, how to compute it with iglu-python)
METRICS = [
    ("active_percent", "active_percent", lambda d: ig.active_percent(d)["active_percent"]),
    ("mean", "mean", lambda d: ig.mean_glu(d)["mean"]),
    ("sd", "sd", lambda d: ig.sd_glu(d)["SD"]),
    ("cv", "cv", lambda d: ig.cv_glu(d)["CV"]),
    ("gmi", "gmi", lambda d: ig.gmi(d)["GMI"]),
    ("below_54", "below_54", lambda d: ig.below_percent(d, targets_below=[54])["below_54"]),
    ("below_70", "below_70", lambda d: ig.below_percent(d, targets_below=[70])["below_70"]),
    (
        "in_range_70_180",
        "in_range_70_180",
        lambda d: ig.in_range_percent(d, target_ranges=[[70, 180]])["in_range_70_180"],
    ),
    ("above_180", "above_180", lambda d: ig.above_percent(d, targets_above=[180])["above_180"]),
    ("above_250", "above_250", lambda d: ig.above_percent(d, targets_above=[250])["above_250"]),
    ("quantiles", "quantiles", lambda d: ig.quantile_glu(d, quantiles=[5, 25, 50, 75, 95])),
    ("j_index", "j_index", lambda d: ig.j_index(d)["J_index"]),
    ("conga_1h", "conga_1h", lambda d: ig.conga(d, n=1)["CONGA"]),
    ("modd", "modd", lambda d: ig.modd(d)["MODD"]),
    ("mage", "mage", lambda d: ig.mage(d)["MAGE"]),
    ("gri", "gri", lambda d: ig.gri(d)["GRI"]),
    ("lbgi", "lbgi", lambda d: ig.lbgi(d)["LBGI"]),
    ("hbgi", "hbgi", lambda d: ig.hbgi(d)["HBGI"]),
    ("adrr", "adrr", lambda d: ig.adrr(d)["ADRR"]),
]


def scalar(result):
    """First value of an iglu-python result (Series, DataFrame row or number)."""
    if isinstance(result, pd.DataFrame):
        cols = [c for c in result.columns if c != "id"]
        return [float(result[c].iloc[0]) for c in cols]
    if isinstance(result, pd.Series):
        return float(result.iloc[0])
    return float(result)


def as_list(v):
    if v is None:
        return [math.nan]
    return [float(x) if x is not None else math.nan for x in v] if isinstance(v, list) else [float(v)]


def diff(a, b):
    a, b = as_list(a), as_list(b)
    if len(a) != len(b):
        return math.inf
    out = 0.0
    for x, y in zip(a, b):
        if math.isnan(x) and math.isnan(y):
            continue
        out = max(out, abs(x - y)) if not (math.isnan(x) or math.isnan(y)) else math.inf
    return out


def iglu_python(subject, repeat):
    """iglu-python values for one subject and the wall time of one full metric set."""
    values = {}
    started = time.perf_counter()
    for _ in range(repeat):
        for key, _, fn in METRICS:
            try:
                values[key] = scalar(fn(subject))
            except Exception as e:  # a port failure is a finding, not a crash
                values[key] = None
                values.setdefault("_errors", {})[key] = repr(e)[:120]
    return values, (time.perf_counter() - started) / repeat


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--diapath", required=True, help="path of the built metrics_timing example")
    p.add_argument("--repeat", type=int, default=1, help="iglu-python repetitions per subject")
    p.add_argument("--diapath-repeat", type=int, default=200, help="diapath repetitions per subject")
    p.add_argument("--golden", default=os.path.join(os.path.dirname(__file__), "golden.json"))
    p.add_argument("csv", nargs="+")
    args = p.parse_args()

    golden = {}
    if os.path.exists(args.golden):
        with open(args.golden) as f:
            golden = json.load(f)["files"]

    worst_py = {k: 0.0 for k, _, _ in METRICS}
    worst_r = {k: 0.0 for k, _, _ in METRICS}
    where_py = {k: "" for k, _, _ in METRICS}
    t_py = t_rs = 0.0
    subjects = 0
    for path in args.csv:
        out = subprocess.run(
            [args.diapath, path, str(args.diapath_repeat)], check=True, capture_output=True, text=True
        )
        ours = {d["id"]: d for d in map(json.loads, out.stdout.splitlines())}
        frame = pd.read_csv(path)
        frame["time"] = pd.to_datetime(frame["time"]).dt.tz_localize("UTC")
        gold = golden.get(os.path.basename(path), {})
        for sid, sub in frame.groupby("id", sort=False):
            sub = sub.sort_values("time").reset_index(drop=True)
            py, seconds = iglu_python(sub, args.repeat)
            rs = ours[str(sid)]
            subjects += 1
            t_py += seconds
            t_rs += rs["seconds_per_compute"]
            for key, gkey, _ in METRICS:
                d = diff(rs[key], py.get(key))
                if d > worst_py[key]:
                    worst_py[key], where_py[key] = d, str(sid)
                if gkey and str(sid) in gold:
                    worst_r[key] = max(worst_r[key], diff(rs[key], gold[str(sid)][gkey]))
            for key, err in py.get("_errors", {}).items():
                print(f"iglu-python failed on {sid} {key}: {err}", file=sys.stderr)

    print(f"{subjects} subjects in {len(args.csv)} file(s)\n")
    print("inf = one side has a value, the other NA")
    print(f"{'metric':<18}{'max |diapath - R iglu|':>24}{'max |diapath - iglu-python|':>30}  (subject)")
    for key, _, _ in METRICS:
        print(f"{key:<18}{worst_r[key]:>24.3g}{worst_py[key]:>30.3g}  {where_py[key]}")
    print()
    print(f"iglu-python: {t_py / subjects * 1e3:10.2f} ms per subject (full metric set)")
    print(f"diapath:     {t_rs / subjects * 1e6:10.2f} µs per subject (metrics::compute, release)")
    print(f"speed ratio: {t_py / t_rs:10.0f}× (iglu-python time / diapath time)")


if __name__ == "__main__":
    main()
