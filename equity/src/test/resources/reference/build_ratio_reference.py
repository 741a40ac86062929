#!/usr/bin/env python3
"""Reference values for the ratio intervals, computed independently of the Java code (scipy 1.17, statsmodels 0.15).

* ratio_proportions_mover.csv: MOVER-R Wilson interval for p1/p2 (Donner & Zou 2012): the Wilson limits come from
  statsmodels.stats.proportion.proportion_confint(method="wilson"); each ratio limit is found numerically
  (scipy.optimize.brentq) as the root of its defining equation, not from the closed form the Java code uses:
    lower t: (p1 - t p2)^2 = (p1 - l1)^2 + t^2 (u2 - p2)^2, t < p1/p2
    upper t: (t p2 - p1)^2 = (u1 - p1)^2 + t^2 (p2 - l2)^2, t > p1/p2
* ratio_rates_exact.csv: exact conditional interval of a rate ratio (Breslow & Day): given N = o1 + o2 events,
  o1 ~ Binomial(N, pi), pi = t n1 / (t n1 + n2). The Clopper-Pearson limits of pi are found numerically as roots of
  the binomial tail equations with scipy.stats.binom (P(X >= o1 | pL) = alpha/2, P(X <= o1 | pU) = alpha/2), not
  from Beta quantiles as the Java code does, then t = pi n2 / ((1 - pi) n1).
Run: python3 build_ratio_reference.py  (writes both files here)
"""
import csv
import math
from scipy.optimize import brentq
from statsmodels.stats.proportion import proportion_confint
from scipy.stats import binom

PROPS = [(10, 10, 600, 1000), (15, 15, 700, 1000), (0, 20, 30, 100), (7, 34, 1, 34), (35, 45, 25, 35),
         (120, 400, 90, 410), (1, 12, 40, 50), (244480, 288000, 39800, 47520)]
RATES = [(24, 80000, 30, 300000), (0, 100, 5, 200), (10, 1000, 10, 1000), (3, 50, 40, 400), (15, 45, 2, 35),
         (1, 10, 1, 10)]


def mover(x1, n1, x2, n2, conf):
    p1, p2 = x1 / n1, x2 / n2
    l1, u1 = proportion_confint(x1, n1, alpha=1 - conf, method="wilson")
    l2, u2 = proportion_confint(x2, n2, alpha=1 - conf, method="wilson")
    r = p1 / p2
    f_lo = lambda t: (p1 - t * p2) ** 2 - (p1 - l1) ** 2 - t * t * (u2 - p2) ** 2
    f_hi = lambda t: (t * p2 - p1) ** 2 - (u1 - p1) ** 2 - t * t * (p2 - l2) ** 2
    lo = 0.0 if x1 == 0 or f_lo(0.0) < 0 else brentq(f_lo, 0.0, r, xtol=1e-15, rtol=1e-15)
    hi_b = max(r, 1e-9) * 2
    while f_hi(hi_b) < 0:
        hi_b *= 2
    hi = brentq(f_hi, max(r, 1e-300), hi_b, xtol=1e-15, rtol=1e-15)
    return r, lo, hi


with open("ratio_proportions_mover.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["x1", "n1", "x2", "n2", "confidence", "ratio", "lower", "upper"])
    for x1, n1, x2, n2 in PROPS:
        for conf in (0.95, 0.998):
            r, lo, hi = mover(x1, n1, x2, n2, conf)
            w.writerow([x1, n1, x2, n2, conf, repr(r), repr(lo), repr(hi)])

with open("ratio_rates_exact.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["o1", "n1", "o2", "n2", "confidence", "ratio", "lower", "upper"])
    for o1, n1, o2, n2 in RATES:
        for conf in (0.95, 0.998):
            a = 1 - conf
            big = o1 + o2
            pl = 0.0 if o1 == 0 else brentq(lambda p: binom.sf(o1 - 1, big, p) - a / 2, 1e-300, 1 - 1e-16,
                                            xtol=1e-16, rtol=1e-15)
            pu = brentq(lambda p: binom.cdf(o1, big, p) - a / 2, 1e-300, 1 - 1e-16, xtol=1e-16, rtol=1e-15)
            lo, hi = pl * n2 / ((1 - pl) * n1), pu * n2 / ((1 - pu) * n1)
            w.writerow([o1, n1, o2, n2, conf, repr((o1 / n1) / (o2 / n2)), repr(float(lo)), repr(float(hi))])
