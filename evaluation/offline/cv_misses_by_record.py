#!/usr/bin/env python3
"""Where the cross-validated AF misses and false episodes come from, record by record (docs/VALIDATION.md, "Where the
remaining misses come from").

Reads held-out results written by `CrossValidation ... --cv-only --seed S --held-out-json FILE` (one file per fold
assignment; the whole procedure, or `--fixed-thresholds ...` for the shipped thresholds held fixed) and prints, per
file: each database's AF beat Se, AF runs >= 30 s found and false AF episodes; every normal-rhythm (nsr2db) false AF
episode with its record and clock time; and, when two files or more are given, every labelled record whose AF beats
found, AF runs found or false episodes differ between the files (the records that decide the difference). json only,
no third-party module.

Usage: python3 cv_misses_by_record.py FILE.json [FILE.json ...]
"""
import json
import sys

KEYS = ("tp", "fn", "fp", "af_runs_detected", "false_episodes")


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def summary(path, d):
    print(f"== {path}")
    for name, db in d["databases"].items():
        if db.get("records", 0) == 0 or name == "afdb":
            continue
        se = db.get("beat_sensitivity")
        runs = f"{db['af_runs_30s_detected']}/{db['af_runs_30s']}" if db.get("af_runs_30s") else "-"
        print(f"  {name}: AF beat Se {se if se is None else round(se, 4)}, runs >= 30 s found {runs}, "
              f"false AF episodes {db['false_episodes']}")
    for r in d["records"]:
        if r["kind"] == "nsr" and r["false_episodes"] > 0:
            times = ", ".join(e["start"][11:19] + "-" + e["end"][11:19] for e in r["af_episodes"])
            print(f"  normal rhythm false AF: {r['record']} x{r['false_episodes']} ({times})")


def differences(paths, runs):
    names = [r["record"] + "/" + r["kind"] for r in runs[0]["records"]]
    by = [{r["record"] + "/" + r["kind"]: r for r in d["records"]} for d in runs]
    print("== records that differ (tp, fn, fp, AF runs found of runs, false episodes) in " + ", ".join(paths))
    for n in names:
        rows = [b.get(n) for b in by]
        if any(r is None for r in rows):
            continue
        if len({tuple(r[k] for k in KEYS) for r in rows}) > 1:
            cells = ["{} {} {} {}/{} {}".format(*(r[k] for k in KEYS[:4]), r["af_runs_30s"], r["false_episodes"])
                     for r in rows]
            print(f"  {n}: " + " | ".join(cells))


def main(paths):
    runs = [load(p) for p in paths]
    for p, d in zip(paths, runs):
        summary(p, d)
    if len(runs) > 1:
        differences(paths, runs)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    main(sys.argv[1:])
