#!/usr/bin/env python3
"""Differential check for a refactor: alerts (ids and contents, order-insensitive), equity aggregates and `validate`
numbers of two sets of runs. Each directory holds seed*/ (the output dirs of
`./wardstream demo --patients 200 --days 2 --seed S --out DIR/seedS`) and validate-*.json
(`./wardstream validate --data ... --json ...`), or is itself one demo output dir (it holds alerts.ndjson).
usage: differential-compare.py [--mask-delivery-timing] [--list] BEFORE_DIR AFTER_DIR
--mask-delivery-timing drops what depends on when the pipeline saw the data (raise/record times, delayed-by).
--list prints every differing alert message (id, episode type, status, priority, effective period, differing paths).
alerts.ndjson holds no wall-clock field (every time in it is device or receipt time); summary.json's elapsed_seconds
is wall clock and is reported, never counted as a difference. docs/DEVELOPING.md, "Differential check", says how."""
import json, sys, collections, os

def paths(a, b, p=""):
    """JSON paths where a and b differ."""
    if type(a) != type(b):
        return [p]
    if isinstance(a, dict):
        out = []
        for k in sorted(set(a) | set(b)):
            out += paths(a.get(k), b.get(k), p + "." + k) if k in a and k in b else [p + "." + k]
        return out
    if isinstance(a, list):
        if len(a) != len(b):
            return [p + "[len]"]
        out = []
        for i, (x, y) in enumerate(zip(a, b)):
            out += paths(x, y, p + "[]")
        return out
    return [] if a == b else [p]

import re
MASK = "--mask-delivery-timing" in sys.argv
if MASK:
    sys.argv.remove("--mask-delivery-timing")
LIST = "--list" in sys.argv
if LIST:
    sys.argv.remove("--list")
DELAY_SENTENCE = re.compile(r" ?Raised from delayed data: uploaded [^.]* after it was recorded\.")
TIMING_KEYS = {"timestamp", "issued", "recorded", "authoredOn", "lastModified"}

def mask(x):
    """Drops what depends on when the pipeline saw the data (watermark progress, i.e. run-to-run timing): the
    raise/record times, the delayed-by extension and the delay sentence of the texts."""
    if isinstance(x, dict):
        out = {}
        for k, v in x.items():
            if k in TIMING_KEYS:
                continue
            if k == "extension":
                v = [e for e in v if "delayed-by" not in e.get("url", "")]
            if k == "note":
                v = [n for n in v if not n.get("text", "").startswith("Raised from delayed data")]
            if v == [] and k in ("extension", "note"):
                continue
            out[k] = mask(v)
        return out
    if isinstance(x, list):
        return [mask(v) for v in x]
    if isinstance(x, str):
        return DELAY_SENTENCE.sub("", x)
    return x

def alerts(path):
    by_id = collections.defaultdict(list)
    with open(path) as f:
        for line in f:
            if line.strip():
                b = json.loads(line)
                if MASK:
                    b = mask(b)
                by_id[b["id"]].append(b)
    return by_id

def describe(b):
    """One line for a message: its episode type, status, priority and period (what a reader needs to find it)."""
    res = {e["resource"]["resourceType"]: e["resource"] for e in b.get("entry", [])}
    obs, task = res.get("Observation", {}), res.get("Task", {})
    code = next((c["code"] for c in obs.get("code", {}).get("coding", []) if "episode-type" in c.get("system", "")), "?")
    period = obs.get("effectivePeriod", {})
    return f"{code} {obs.get('status')} {task.get('priority')} {period.get('start')}..{period.get('end', '')}"

if len(sys.argv) != 3 or sys.argv[1] in ("-h", "--help"):
    print(next(l for l in __doc__.split("\n") if l.startswith("usage:")))
    sys.exit(0 if len(sys.argv) > 1 and sys.argv[1] in ("-h", "--help") else 2)
before, after = sys.argv[1], sys.argv[2]
if os.path.exists(os.path.join(before, "alerts.ndjson")):  # two demo output dirs: compare them as one seed
    before, after = os.path.dirname(os.path.abspath(before)), os.path.dirname(os.path.abspath(after))
    pairs = [(os.path.basename(os.path.abspath(sys.argv[1])), os.path.basename(os.path.abspath(sys.argv[2])))]
else:
    pairs = [(d, d) for d in sorted(os.listdir(before)) if d.startswith("seed") and os.path.isdir(os.path.join(before, d))]
ok = True
for seed, seed_after in pairs:
    fa, fb = os.path.join(before, seed, "alerts.ndjson"), os.path.join(after, seed_after, "alerts.ndjson")
    if not os.path.exists(fb):
        print(f"{seed}: no alerts.ndjson after"); ok = False; continue
    a, b = alerts(fa), alerts(fb)
    na, nb = sum(map(len, a.values())), sum(map(len, b.values()))
    only_a, only_b = set(a) - set(b), set(b) - set(a)
    differing = collections.Counter()
    n_diff = 0
    for i in sorted(set(a) & set(b)):
        xa = sorted(json.dumps(x, sort_keys=True) for x in a[i])
        xb = sorted(json.dumps(x, sort_keys=True) for x in b[i])
        if xa != xb:
            n_diff += 1
            if len(xa) == len(xb):
                for x, y in zip(xa, xb):
                    where = set(paths(json.loads(x), json.loads(y)))
                    differing.update(where)
                    if LIST:
                        print(f"    ~ {i} {describe(json.loads(x))}: {', '.join(sorted(where)[:6])}")
            else:
                differing["[copies of the same id]"] += 1
    if LIST:
        for i in sorted(only_a):
            print(f"    - {i} {describe(a[i][0])} (only before)")
        for i in sorted(only_b):
            print(f"    + {i} {describe(b[i][0])} (only after)")
    same = not only_a and not only_b and n_diff == 0
    ok &= same
    print(f"{seed}: {na} alert messages before, {nb} after; ids only before {len(only_a)}, only after {len(only_b)}; "
          f"same id, different content {n_diff} -> {'SAME' if same else 'DIFFERENT'}")
    for p, n in differing.most_common(10):
        print(f"    differs at {p} ({n} messages)")
    sa, sb = os.path.join(before, seed, "summary.json"), os.path.join(after, seed_after, "summary.json")
    if os.path.exists(sa) and os.path.exists(sb):
        def no_wall_clock(x):  # elapsed_seconds: how long the run took
            if isinstance(x, dict):
                return {k: no_wall_clock(v) for k, v in x.items() if k != "elapsed_seconds"}
            return x
        ja, jb = no_wall_clock(json.load(open(sa))), no_wall_clock(json.load(open(sb)))
        d = paths(ja, jb)
        print(f"    summary.json: {'same' if not d else 'differs at ' + ', '.join(d[:12])}")
    # equity aggregates: every published row, except the alert-delay measures (they measure pipeline timing) and the
    # revision column (whether a window is revised by late data depends on watermark timing); a file without the
    # generation column (before session 21) is generation 0
    import csv
    def agg(p):
        out = set()
        for r in csv.DictReader(open(p)):
            if "delay" not in r["measure"]:
                r.pop("revision", None)
                r.setdefault("generation", "0")  # a CSV from before session 21 has no generation: the live job's, 0
                out.add(tuple(sorted(r.items())))
        return out
    ga, gb = os.path.join(before, seed, "aggregates.csv"), os.path.join(after, seed_after, "aggregates.csv")
    if os.path.exists(ga) and os.path.exists(gb):
        xa, xb = agg(ga), agg(gb)
        ok &= xa == xb
        print(f"    aggregates.csv without delay measures: {len(xa)} rows before, {len(xb)} after, "
              f"{'same' if xa == xb else 'DIFFERENT'}")
for name in ("validate-rr_csv.json", "validate-ltafdb.json"):
    fa, fb = os.path.join(before, name), os.path.join(after, name)
    if os.path.exists(fa) and os.path.exists(fb):
        d = paths(json.load(open(fa)), json.load(open(fb)))
        ok &= not d
        print(f"{name}: {'SAME' if not d else 'DIFFERENT at ' + ', '.join(d[:12])}")
print("RESULT:", "behaviour unchanged" if ok else "DIFFERENCES (see above)")
sys.exit(0 if ok else 1)
