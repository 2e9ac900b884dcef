"""Benchmark ``python -m matching sets`` against a round-robin baseline in the same run.

Usage: ``python bench/bench_sets.py [--members 20000] [--seed 0] [--time-limit SECONDS]``
(without ``--time-limit`` the CLI runs with its default budget of moves, as a coordinator would,
and the output files are the same on every run).
The baseline deals each region's members round-robin into sets of the same sizes (the usual
spreadsheet method); both results are checked rule by rule with the same checker.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import resource
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from generate import set_instance, write_people  # noqa: E402

from matching.io import read_members_csv  # noqa: E402
from matching.model import GroupWeights  # noqa: E402
from matching.sets import _isolated, _n_sets, _People, _Scorer, set_violations  # noqa: E402


def round_robin(members, lo, hi):
    """Baseline: per region, deal members in file order into k sets of near-equal size."""
    by_region = defaultdict(list)
    for k, p in enumerate(members):
        by_region[p.region].append(k)
    sets, unplaced = [], []
    for idx in by_region.values():
        if len(idx) < lo:
            unplaced += idx
            continue
        k = _n_sets(len(idx), lo, hi)
        groups = [idx[s::k] for s in range(k)]
        sets += groups
    return sets, unplaced


def evaluate(members, sets, lo, hi):
    P = _People(members)
    scorer = _Scorer(P, GroupWeights())
    bad = sum(1 for S in sets if set_violations([members[i] for i in S], (lo, hi)))
    q = [scorer.quality(S) for S in sets]
    return {"sets": len(sets), "sets_breaking_rules": bad,
            "isolated_members": sum(len(_isolated(P, S)) for S in sets),
            "worst_quality": min(q) if q else 0.0, "mean_quality": sum(q) / len(q) if q else 0.0}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--members", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--time-limit", type=float, default=None,
                    help="wall-clock limit passed to the CLI (default: none, a budget of moves)")
    ap.add_argument("--min-size", type=int, default=6)
    ap.add_argument("--max-size", type=int, default=8)
    args = ap.parse_args()
    lo, hi = args.min_size, args.max_size
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    tag = f"{args.members}s{args.seed}"
    fm, fo = out / f"members_{tag}.csv", out / f"sets_{tag}.csv"
    if not fm.exists():
        write_people(fm, set_instance(args.members, args.seed))
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    t0 = time.perf_counter()
    limit = [] if args.time_limit is None else ["--time-limit", str(args.time_limit)]
    load_before = os.getloadavg()
    p = subprocess.run([sys.executable, "-m", "matching", "sets", "--members", str(fm), "--out",
                        str(fo), "--min-size", str(lo), "--max-size", str(hi), *limit,
                        "--summary-out", str(out / f"sets_summary_{tag}.json")],
                       cwd=ROOT, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    rss = usage.ru_maxrss / 1024
    cpu = usage.ru_utime + usage.ru_stime  # the CLI's CPU time: less load-dependent than wall
    if p.returncode:
        raise SystemExit(p.stderr)
    members = read_members_csv(fm)
    pos = {m.id: k for k, m in enumerate(members)}
    groups, unplaced = defaultdict(list), 0
    with open(fo, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["set_id"]:
                groups[row["set_id"]].append(pos[row["member_id"]])
            else:
                unplaced += 1
    ours = evaluate(members, list(groups.values()), lo, hi)
    ours.update(unplaced=unplaced, seconds=wall, cpu_seconds=round(cpu, 1), rss_mib=rss,
                summary=p.stderr.strip(),
                time_limit=args.time_limit or "none (CLI default)",
                output_sha256=hashlib.sha256(fo.read_bytes()).hexdigest()[:16],
                load_average_before=[round(x, 2) for x in load_before],
                load_average_after=[round(x, 2) for x in os.getloadavg()])
    t1 = time.perf_counter()
    b_sets, b_unplaced = round_robin(members, lo, hi)
    base = evaluate(members, b_sets, lo, hi)
    base.update(unplaced=len(b_unplaced), seconds=time.perf_counter() - t1)
    print(f"engine:      {ours}")
    print(f"round-robin: {base}")
    (out / f"bench_sets_{tag}.json").write_text(json.dumps({"engine": ours, "baseline": base},
                                                           indent=2))


if __name__ == "__main__":
    main()
