#!/usr/bin/env python3
"""Two checks against the normal-rhythm false AF episodes (docs/VALIDATION.md, "What was tried against them").

Reads what `CrossValidation --dump-segments DIR` writes (meta.csv, features.f64, rings.i32) and the shipped model
(af-model-v5.json); numpy only. Exploratory: the probabilities are the shipped model's (fitted on these records), so
this asks whether a candidate separates the false episodes from AF at all, not how well it would do held out.

1. A per-person baseline: an exponentially weighted mean (span 450 segments, about an hour) of the person's
   irregularity (feature irregularity_ectopy_removed) over the segments the model scores below the segment threshold
   (confidently regular), starting from the normal-rhythm population's median.
2. Low-frequency structure over the 64-interval ring: log of b x var(means of b-beat blocks) / var(RR) for b = 4, 8,
   16 (0 for uncorrelated intervals, above 0 for slow trends).
3. Candidate 17th features: a ridge logistic regression (numpy, the features standardised) fitted with and without
   each in record-grouped 5-fold cross-validation (folds by a seed-13 permutation of the records), scored on held-out
   segments at the bar that keeps held-out Long-Term AF AF-segment sensitivity at 0.95 and 0.97. Segments, not
   episodes. The candidates: the baseline of 1 (its gate uses the shipped model: a leak in its favour), and the
   skewness of the successive differences (newer minus older) over the ring's clean neighbours (heart rate asymmetry;
   branch experiment-13-drr-skewness has it in Java, where the full cross-validation scored it on episodes).

Usage: python3 nsr_false_episode_checks.py DUMP_DIR MODEL_JSON
"""
import json
import sys

import numpy as np


def load(dump, model):
    dbs, recs, num = [], [], []
    with open(f"{dump}/meta.csv") as fh:
        next(fh)
        for line in fh:
            p = line.rstrip("\n").split(",")
            dbs.append(p[0])
            recs.append(p[1])
            num.append([int(v) for v in p[2:]])  # seg, start_ms, end_ms, end_beat, label, reset, insufficient
    num = np.array(num, dtype=np.int64)
    # the dump holds every feature the analyser computes (17 since lorenz_occupancy); the model's are the first ones
    feats = np.fromfile(f"{dump}/features.f64", dtype="<f8").reshape(len(num), -1)[:, :len(model["features"])]
    rings = np.fromfile(f"{dump}/rings.i32", dtype="<i4").reshape(len(num), -1)
    return np.array(dbs), np.array(recs), num, feats, rings


def probability(model, feats):
    z = (np.nan_to_num(feats) - np.array(model["mean"])) / np.array(model["scale"])
    return 1 / (1 + np.exp(-(z @ np.array(model["coef"]) + model["intercept"])))


def auc(pos, neg):
    """P(a random pos scores above a random neg), ties half."""
    x = np.r_[pos, neg]
    order = np.argsort(x, kind="stable")
    ranks = np.empty(len(x))
    ranks[order] = np.arange(1, len(x) + 1)
    xs = x[order]
    for v in np.unique(xs[np.r_[False, np.diff(xs) == 0]]):  # average ranks of ties
        ranks[x == v] = ranks[x == v].mean()
    n1, n0 = len(pos), len(neg)
    return (ranks[:n1].sum() - n1 * (n1 + 1) / 2) / (n1 * n0)


def centiles(x):
    return " ".join(f"{v:.2f}" for v in np.percentile(x, [5, 25, 50, 75, 95]))


def main():
    dump, model_path = sys.argv[1], sys.argv[2]
    model = json.load(open(model_path))
    dbs, recs, num, feats, rings = load(dump, model)
    label, insufficient = num[:, 4], num[:, 6] == 1
    p = probability(model, feats)
    p[insufficient] = np.nan
    seg_threshold = model["threshold"]
    fi = model["features"].index("irregularity_ectopy_removed")

    # 1. the per-person baseline, per record in segment order
    prior = np.nanmedian(feats[dbs == "nsr2db", fi])
    alpha = 2 / (450 + 1)
    base = np.empty(len(p))
    seen = np.zeros(len(p), dtype=np.int64)
    bounds = np.r_[0, np.nonzero(recs[1:] != recs[:-1])[0] + 1, len(recs)]
    for a, b in zip(bounds[:-1], bounds[1:]):
        v, c = prior, 0
        for k in range(a, b):
            base[k], seen[k] = v, c
            if p[k] < seg_threshold:  # NaN compares false
                v += alpha * (feats[k, fi] - v)
                c += 1
    af = (label == 1) & (p > 0.3)
    nsr_fp = (dbs == "nsr2db") & (p > 0.3)
    informed = seen >= 200
    print(f"1. per-person baseline of {model['features'][fi]} (5/25/50/75/95th centiles; prior {prior:.2f})")
    print(f"   normal-rhythm segments, all                 {centiles(base[dbs == 'nsr2db'])}")
    for rec in ("nsr014", "nsr024"):
        m = nsr_fp & (recs == rec)
        print(f"   {rec} segments scoring > 0.3 ({m.sum():5d})      {centiles(base[m])}")
    m = af & informed
    print(f"   AF segments > 0.3, baseline of >= 200 regular segments ({m.sum()}): {centiles(base[m])}")
    for rec in np.unique(recs[m]):
        r = m & (recs == rec)
        if r.sum() >= 2000:
            print(f"     ltafdb {rec:4s} ({r.sum():5d})                   {centiles(base[r])}")
    print(f"   AUC, a higher baseline at the false-episode segments than at AF: all AF {1 - auc(base[af], base[nsr_fp]):.3f}, "
          f"AF with an informed baseline {1 - auc(base[af & informed], base[nsr_fp]):.3f}")

    # 2. low-frequency structure over the ring
    rng = np.random.default_rng(13)
    af_idx = rng.choice(np.nonzero(af)[0], 20000, replace=False)
    r_af, r_fp = rings[af_idx].astype(float), rings[nsr_fp].astype(float)
    print("2. low-frequency structure over the 64-interval ring: median AF / false-episode segments, AUC (AF higher)")
    for b in (4, 8, 16):
        def vr(r):
            return np.log(b * r.reshape(len(r), -1, b).mean(axis=2).var(axis=1) / r.var(axis=1))
        x, y = vr(r_af), vr(r_fp)
        print(f"   block {b:2d}: {np.median(x):+.3f} / {np.median(y):+.3f}, AUC {auc(x, y):.3f}")

    # 3. the baseline as a feature, record-grouped cross-validation at the segment level
    use = (label >= 0) & ~insufficient
    x0, y, r, d = np.nan_to_num(feats[use]), label[use].astype(float), recs[use], dbs[use]
    perm = np.random.default_rng(13).permutation(np.unique(r))
    fold = dict(zip(perm, np.arange(len(perm)) % 5))
    folds = np.array([fold[v] for v in r])
    print("3. held-out segments at the bar giving Long-Term AF AF-segment Se 0.95 / 0.97")
    variants = (("af-model-v5's 16 features", x0), ("+ the baseline", np.c_[x0, base[use]]),
                ("+ the difference skewness", np.c_[x0, difference_skewness(rings[use])]))
    for name, x in variants:
        held = np.empty(len(y))
        for k in range(5):
            tr = folds != k
            held[~tr] = predict(fit_logistic(x[tr], y[tr]), x[~tr])
        for se in (0.95, 0.97):
            bar = np.quantile(held[(y == 1) & (d == "ltafdb")], 1 - se)
            nsr = (d == "nsr2db") & (held >= bar)
            lt_sp = 1 - (held[(y == 0) & (d == "ltafdb")] >= bar).mean()
            print(f"   {name:27s} Se {se}: normal-rhythm segments read as AF {nsr.sum():5d} "
                  f"(nsr014 {(nsr & (r == 'nsr014')).sum()}, nsr024 {(nsr & (r == 'nsr024')).sum()}), "
                  f"Long-Term AF non-AF Sp {lt_sp:.4f}, MIT-BIH AF Se {(held[(y == 1) & (d == 'mitdb')] >= bar).mean():.3f}")


def difference_skewness(rings):
    """Per ring (newest first, 0 = hole): the skewness of newer minus older over clean neighbours; 0 with fewer than 3."""
    r = rings.astype(float)
    ok = (r[:, :-1] > 0) & (r[:, 1:] > 0)
    d = np.where(ok, r[:, :-1] - r[:, 1:], 0.0)
    n = ok.sum(1)
    safe = np.maximum(n, 1)
    dev = np.where(ok, d - (d.sum(1) / safe)[:, None], 0.0)
    m2, m3 = (dev ** 2).sum(1) / safe, (dev ** 3).sum(1) / safe
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where((n >= 3) & (m2 > 0), m3 / m2 ** 1.5, 0.0)


def fit_logistic(x, y, ridge=1e-3, iterations=25):
    """Ridge logistic regression by Newton's method on standardised features (intercept not penalised)."""
    mu, sd = x.mean(0), x.std(0) + 1e-12
    z = np.c_[np.ones(len(x)), (x - mu) / sd]
    w = np.zeros(z.shape[1])
    penalty = ridge * len(x) * np.eye(len(w))
    penalty[0, 0] = 0
    for _ in range(iterations):
        q = 1 / (1 + np.exp(-z @ w))
        hessian = z.T @ (z * (q * (1 - q) + 1e-9)[:, None]) + penalty
        w -= np.linalg.solve(hessian, z.T @ (q - y) + penalty @ w)
    return mu, sd, w


def predict(m, x):
    mu, sd, w = m
    return 1 / (1 + np.exp(-(np.c_[np.ones(len(x)), (x - mu) / sd] @ w)))


if __name__ == "__main__":
    main()
