#!/usr/bin/env python3
"""Does AF open with a rise in heart rate, and would a higher onset bar for runs without one cut false AF episodes?
(docs/VALIDATION.md, "An onset bar that depends on a rise in rate").

Reads the held-out results of `CrossValidation --fixed-thresholds 0.05,<bar>,5,8 --seed <s> --cv-only
--held-out-json DIR/s<s>-b<bar>.json` (the shipped segment threshold and persistences held fixed, the weights fitted
without the scored records, for bars 0.83, 0.87, 0.91, 0.95 and seeds 13-17) and the beats of every record
(`rr_csv/`, `rr_csv_ltafdb/`: time, RR, rhythm label). numpy only.

1. For every held-out AF episode at the shipped bar (0.83): the rise in rate at its onset, the median RR over the 5 min
   before the episode's start against the median RR from its start to when it was detected (what the analyser knows
   when it opens it), split into episodes that are AF (half or more of their beats labelled AF) starting from non-AF,
   AF episodes with AF in the 5 min before (re-opened after a break), and false episodes.
2. A post-hoc gate: an episode at 0.83 is kept if its rate rose by at least J, else only if the same fold assignment at
   the higher bar H has an episode overlapping it (the run would open later, at H; the run is found all the same, so
   runs found and false episodes are approximated, not the detection delay). Means over the five assignments.

Not nested: J and H are compared on the held-out records they are scored on, and the segment threshold and
persistences were chosen on all the records. An estimate of what the gate could do, to decide whether to build it
into the analyser and its cross-validated threshold choice; not a figure to quote as accuracy.

Usage: python3 onset_rate_rise_gate.py HELD_OUT_DIR RR_CSV_DIR RR_CSV_LTAFDB_DIR
"""
import gzip
import json
import os
import sys
from datetime import datetime

import numpy as np

BASE_MS = 1_699_952_400_000  # RhythmValidation.BASE_EPOCH_MS: beat times are this plus time_s
SEEDS = [13, 14, 15, 16, 17]
PRE_MS = 300_000


def epoch_ms(iso):
    return int(datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp() * 1000)


class Beats:
    def __init__(self, dirs):
        self.dirs = dirs
        self.cache = {}

    def of(self, record):
        if record not in self.cache:
            for d, ext in [(d, ext) for d in self.dirs for ext in (".csv.gz", ".csv")]:
                path = os.path.join(d, record + ext)
                if os.path.exists(path):
                    t, rr, rh = [], [], []
                    with (gzip.open(path, "rt") if ext == ".csv.gz" else open(path)) as fh:
                        next(fh)
                        for line in fh:
                            a = line.rstrip("\n").split(",")
                            t.append(float(a[2]))
                            rr.append(float(a[3]) if a[3] else np.nan)
                            rh.append(a[5])
                    self.cache[record] = (np.array(t) * 1000 + BASE_MS, np.array(rr), np.array(rh), d)
                    break
            else:
                self.cache[record] = None
        return self.cache[record]


def rise(t, rr, start, detected):
    """Median RR before the start over median RR from the start to detection; inf without enough of either."""
    pre = (t >= start - PRE_MS) & (t < start) & ~np.isnan(rr)
    on = (t >= start) & (t <= detected) & ~np.isnan(rr)
    if pre.sum() < 50 or on.sum() < 8:
        return np.inf
    return np.median(rr[pre]) / np.median(rr[on])


def episodes(record):
    return [(epoch_ms(e["start"]), epoch_ms(e["end"]), epoch_ms(e["detected_at"])) for e in record.get("af_episodes") or []]


def af_runs(t, rh):
    af = rh == "(AFIB"
    out, i, n = [], 0, len(t)
    while i < n:
        if af[i]:
            j = i
            while j + 1 < n and af[j + 1]:
                j += 1
            end = t[j + 1] if j + 1 < n else t[j]
            if end - t[i] >= 30_000:
                out.append((t[i], end))
            i = j + 1
        else:
            i += 1
    return out


def pct(x):
    x = np.array(x)
    return " ".join(f"{v:.2f}" for v in np.percentile(x, [5, 10, 25, 50, 75, 90])) if len(x) else "-"


def onset_rises(held_out, beats):
    groups = {"AF from non-AF": [], "AF with AF before": [], "false": []}
    for seed in SEEDS:
        for r in json.load(open(f"{held_out}/s{seed}-b0.83.json"))["records"]:
            b = beats.of(r["record"])
            if b is None:
                continue
            t, rr, rh, _ = b
            for s, e, d in episodes(r):
                inside = (t >= s) & (t < e)
                pre = (t >= s - PRE_MS) & (t < s)
                x = rise(t, rr, s, d)
                if not np.isfinite(x):
                    continue
                af_inside = inside.any() and np.mean(rh[inside] == "(AFIB") >= 0.5
                af_before = pre.any() and np.mean(rh[pre] == "(AFIB") >= 0.5
                groups["false" if not af_inside else "AF with AF before" if af_before else "AF from non-AF"].append(x)
    print("1. Rise in rate at the onset (median RR before / median RR to detection), held-out episodes at 0.83,")
    print("   seeds 13-17; centiles 5 10 25 50 75 90:")
    for k, v in groups.items():
        print(f"   {k:18s} n={len(v):4d}  {pct(v)}  below 1.05: {np.mean(np.array(v) < 1.05):.2f}")


def gate(held_out, beats, high, j):
    tot = dict(nsr_false=0, nsr014=0, nsr024=0, nsr_other=0, nsr_h=0.0, lt_false=0, lt_h=0.0, lt_runs=0, lt_found=0,
               mit_false=0, mit_runs=0, mit_found=0)
    per_seed = []
    for seed in SEEDS:
        low = json.load(open(f"{held_out}/s{seed}-b0.83.json"))["records"]
        hi = {r["record"]: r for r in json.load(open(f"{held_out}/s{seed}-b{high}.json"))["records"]}
        s_tot = dict(nsr_false=0, nsr_h=0.0, lt_runs=0, lt_found=0)
        for r in low:
            b = beats.of(r["record"])
            if b is None or r["kind"] == "unlabelled":
                continue
            t, rr, rh, d = b
            db = "nsr" if r["record"].startswith("nsr") else "lt" if "ltaf" in d else "mit"
            hi_eps = episodes(hi[r["record"]])
            kept = [(s, e) for s, e, det in episodes(r)
                    if j is None or rise(t, rr, s, det) >= j or any(hs < e and he > s for hs, he, _ in hi_eps)]
            false = 0
            for s, e in kept:
                inside = (t >= s) & (t < e)
                if not inside.any() or np.mean(rh[inside] == "(AFIB") < 0.5:
                    false += 1
            tot[db + "_false"] += false
            if db == "nsr":
                tot["nsr_h"] += r["duration_s"] / 3600
                s_tot["nsr_h"] += r["duration_s"] / 3600
                s_tot["nsr_false"] += false
                key = r["record"] if r["record"] in ("nsr014", "nsr024") else "nsr_other"
                tot[key] += false
            else:
                runs = af_runs(t, rh)
                found = sum(any(s < re and e > rs for s, e in kept) for rs, re in runs)
                tot[db + "_runs"] += len(runs)
                tot[db + "_found"] += found
                if db == "lt":
                    tot["lt_h"] += r["duration_s"] / 3600
                    s_tot["lt_runs"] += len(runs)
                    s_tot["lt_found"] += found
        per_seed.append((s_tot["nsr_false"] * 24 / s_tot["nsr_h"], s_tot["lt_found"] / s_tot["lt_runs"]))
    a = np.array(per_seed)
    label = "none (the shipped rule)" if j is None else f"rise >= {j:.2f}, else bar {high}"
    print(f"   {label:28s} NSR false AF episodes per 24 h {a[:, 0].mean():.2f} ({a[:, 0].min():.2f}-{a[:, 0].max():.2f})"
          f" [nsr014 {tot['nsr014']}, nsr024 {tot['nsr024']}, other 25 {tot['nsr_other']}]; LTAF runs >= 30 s found"
          f" {a[:, 1].mean():.3f} ({a[:, 1].min():.3f}-{a[:, 1].max():.3f}); LTAF false episodes per 24 h"
          f" {tot['lt_false'] * 24 / tot['lt_h']:.2f}; MIT-BIH runs found {tot['mit_found']}/{tot['mit_runs']},"
          f" false episodes {tot['mit_false']} (five assignments together)")


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    held_out, rr_dir, ltaf_dir = sys.argv[1:]
    beats = Beats([rr_dir, ltaf_dir])
    onset_rises(held_out, beats)
    print("2. Post-hoc gate, means (lowest-highest) over seeds 13-17; false episodes = kept episodes with under half"
          " of their beats labelled AF:")
    gate(held_out, beats, "0.95", None)
    for high in ("0.87", "0.91", "0.95"):
        for j in (1.0, 1.05, 1.10):
            gate(held_out, beats, high, j)


if __name__ == "__main__":
    main()
