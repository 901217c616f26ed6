#!/usr/bin/env python3
"""Writes tools/iglu/synthetic_cgm.csv: made-up `id,time,gl` traces (no patient data)
that exercise what iglu's example data do not: 15-minute Libre-like cadence with jitter,
1-minute cadence, gaps just under and over the 45-minute interpolation limit and the
180-minute MAGE segment limit, flat plateaus, values beyond 54/250 mg/dL, and traces too
short for MAGE. Deterministic (fixed seed); golden.R computes R iglu's values for it.
"""
import datetime as dt
import math
import os
import random

rng = random.Random(20261123)
rows = []


def wave(minutes, base=140.0, amp=60.0, period=480.0, noise=8.0):
    g = base + amp * math.sin(2 * math.pi * minutes / period) + rng.uniform(-noise, noise)
    return int(round(min(max(g, 40), 400)))


def add(subject, start, offsets_s, value):
    for s in offsets_s:
        t = start + dt.timedelta(seconds=s)
        rows.append((subject, t.strftime("%Y-%m-%d %H:%M:%S"), value(s / 60.0)))


# 15-minute cadence, ±60 s jitter, 10 days, gaps of 2 h and 9 h.
offs, s = [], 0
for i in range(960):
    s = i * 900 + rng.randint(-60, 60)
    if 300 <= i < 308 or 600 <= i < 636:
        continue
    offs.append(max(s, 0))
add("libre15", dt.datetime(2024, 3, 1, 7, 3, 10), offs, lambda m: wave(m, amp=110, period=360))

# 5-minute cadence with gaps of 40, 50, 170, 200 and 600 minutes and a 4-hour plateau.
offs, t = [], 0
gaps = {300: 40, 600: 50, 900: 170, 1200: 200, 1500: 600}
for i in range(2200):
    t += gaps.get(i, 5) * 60
    offs.append(t)
plateau = lambda m: 117 if 3000 <= m < 3240 else wave(m, amp=70, period=300)
add("g6_gaps", dt.datetime(2024, 5, 10, 23, 41, 5), offs, plateau)

# 1-minute cadence for a day, then 5-minute for two days (median decides dt0).
offs = [i * 60 for i in range(1440)] + [86400 + i * 300 for i in range(576)]
add("mixed", dt.datetime(2024, 6, 2, 0, 0, 0), offs, lambda m: wave(m, base=100, amp=50, period=200))

# Mostly hypo and hyper: GRI capped at 100, LBGI/HBGI large.
offs = [i * 300 for i in range(1000)]
add("extremes", dt.datetime(2024, 7, 1, 12, 30, 0), offs,
    lambda m: 45 + rng.randint(0, 10) if (m // 120) % 2 == 0 else 330 + rng.randint(0, 60))

# Too short for MAGE's long moving average (25 points).
add("short", dt.datetime(2024, 8, 1, 8, 0, 0), [i * 300 for i in range(25)], lambda m: wave(m))

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "synthetic_cgm.csv")
with open(out, "w") as f:
    f.write("id,time,gl\n")
    for r in rows:
        f.write(f"{r[0]},{r[1]},{r[2]}\n")
print("wrote", out, len(rows), "rows")
