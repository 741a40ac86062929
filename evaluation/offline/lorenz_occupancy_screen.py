#!/usr/bin/env python3
"""Issue 13 screen (detect25, 2026-12-07): candidate RR features against nsr014's evening irregular sinus rhythm.

Reads what `CrossValidation --dump-segments DIR` writes (meta.csv, features.f64, rings.i32); numpy only; reuses
nsr_false_episode_checks.py's loader and ridge logistic fit. Segment level only (no episode logic, no threshold
selection): each candidate, computed from the 64-interval ring, is added as a 17th feature to af-model-v5's 16 in a
record-grouped 5-fold cross-validation (folds by a seed-13 permutation of the records) and the held-out segments are
read at the bar that keeps Long-Term AF AF-segment Se at 0.95 and 0.97. Candidates: Sarkar et al. 2008's Lorenz-plot
measures on successive differences (occupied cells, cells 6 % of the ring's mean interval, over points; origin count),
heart-rate fragmentation PAS (Costa et al. 2017) and the lag-1 correlation of absolute differences.
Results and their use: docs/VALIDATION.md, "What was tried against them" (lorenz_occupancy).

Usage: python3 lorenz_occupancy_screen.py DUMP_DIR MODEL_JSON
"""
import json
import sys

import numpy as np

from nsr_false_episode_checks import fit_logistic, load, predict


def main():
    dump, model_path = sys.argv[1], sys.argv[2]
    model = json.load(open(model_path))
    dbs, recs, num, feats, rings = load(dump, model)
    label, ins = num[:,4], num[:,6]==1
    use = (label >= 0) & ~ins
    R = rings[use][:, ::-1].astype(float)  # oldest first
    hole = (R <= 0)
    print('segments used', use.sum(), 'rings with holes', hole.any(1).sum())
    R = np.where(hole, np.nan, R)
    m = np.nanmean(R, 1)
    d = np.diff(R, axis=1)  # nan where a hole touches
    def occ(key, valid):
        key = np.where(valid, key, np.nan)
        s = np.sort(key, axis=1)
        cnt = (np.diff(s, axis=1) != 0) & ~np.isnan(s[:, 1:])
        n = valid.sum(1)
        return (cnt.sum(1) + (n > 0)) / np.maximum(n, 1)
    b = 0.06 * m[:, None]
    va = ~np.isnan(d[:, 1:]) & ~np.isnan(d[:, :-1])
    key = np.floor(np.nan_to_num(d[:, 1:]) / b) * 1000 + np.floor(np.nan_to_num(d[:, :-1]) / b)
    cand = {}
    cand['irrev_bins'] = occ(key, va)
    cand['origin'] = np.nansum((np.abs(d[:, 1:]) < b) & (np.abs(d[:, :-1]) < b) & va, 1) / np.maximum(va.sum(1), 1)
    s = np.sign(np.nan_to_num(d))
    infl = (s[:, 1:] * s[:, :-1] < 0)
    # PAS: inflections in runs of >= 4 consecutive
    run = np.zeros_like(infl, dtype=int); 
    for j in range(infl.shape[1]):
        run[:, j] = np.where(infl[:, j], (run[:, j-1] if j else 0) + 1, 0)
    # mark run ends with length >= 4: count positions belonging to runs >=4
    inrun = np.zeros_like(infl)
    L = infl.shape[1]
    # backward pass: propagate final run length
    fin = np.zeros_like(run)
    for j in range(L - 1, -1, -1):
        nxt = fin[:, j+1] if j < L - 1 else np.zeros(len(run), int)
        fin[:, j] = np.where(infl[:, j], np.where((j < L - 1) & (infl[:, min(j+1, L-1)]) , nxt, run[:, j]), 0)
    cand['pas'] = (fin >= 4).mean(1)
    a1, a2 = np.abs(d[:, :-1]), np.abs(d[:, 1:])
    a1c = a1 - np.nanmean(a1, 1, keepdims=True); a2c = a2 - np.nanmean(a2, 1, keepdims=True)
    cand['absdcorr'] = np.nan_to_num(np.nanmean(a1c * a2c, 1) / np.maximum(np.nanstd(a1, 1) * np.nanstd(a2, 1), 1e-9))

    x0, y, r, dd = np.nan_to_num(feats[use]), label[use].astype(float), recs[use], dbs[use]
    perm = np.random.default_rng(13).permutation(np.unique(r))
    fold = dict(zip(perm, np.arange(len(perm)) % 5))
    folds = np.array([fold[v] for v in r])
    variants = [('v5 16 features', x0)] + [(f'+ {k}', np.c_[x0, v]) for k, v in cand.items()] + [('+ irrev_bins+origin', np.c_[x0, cand['irrev_bins'], cand['origin']])]
    for name, x in variants:
        held = np.empty(len(y))
        for k in range(5):
            tr = folds != k
            held[~tr] = predict(fit_logistic(x[tr], y[tr], iterations=15), x[~tr])
        for se in (0.95, 0.97):
            bar = np.quantile(held[(y == 1) & (dd == "ltafdb")], 1 - se)
            nsr = (dd == "nsr2db") & (held >= bar)
            lt_sp = 1 - (held[(y == 0) & (dd == "ltafdb")] >= bar).mean()
            mit_sp = 1 - (held[(y == 0) & (dd == "mitdb")] >= bar).mean()
            print(f"{name:22s} Se {se}: NSR segs as AF {nsr.sum():5d} (nsr014 {(nsr & (r == 'nsr014')).sum()}), "
                  f"LTAF nonAF Sp {lt_sp:.4f}, MIT Sp {mit_sp:.4f}, MIT AF Se {(held[(y == 1) & (dd == 'mitdb')] >= bar).mean():.3f}, LTAF26 Se {(held[(y==1)&(r=='26')&(dd=='ltafdb')] >= bar).mean():.3f}", flush=True)


if __name__ == "__main__":
    main()
