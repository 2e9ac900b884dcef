"""Benchmark ``python -m matching mentors`` against OR-tools min-cost flow on the full graph.

Usage: ``python bench/bench_mentors.py [--mentees 25000] [--mentors 5000] [--seed 0]
[--skip-baseline]``. Both programs run as separate processes on the same CSV files; wall time
and peak RSS (from ``os.wait4``) are measured for each, and the engine's total is compared with
the baseline's exact optimum.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from generate import mentor_instance, write_people  # noqa: E402


def run(cmd):
    """Run a command; return (wall seconds, peak RSS MiB, stdout, stderr)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    out, err = p.communicate()
    wall = time.perf_counter() - t0
    # communicate() has reaped the child; its rusage is the max over reaped children so far,
    # so each measured command runs in its own fresh `python -c` wrapper below.
    if p.returncode != 0:
        raise SystemExit(f"{cmd[:4]} failed:\n{err}")
    return wall, out, err


def measured(cmd):
    """Run `cmd` under a wrapper that reports the child's own peak RSS."""
    wrapper = ("import os,subprocess,sys,json,resource;"
               "p=subprocess.run(sys.argv[1:]);"
               "r=resource.getrusage(resource.RUSAGE_CHILDREN);"
               "print(json.dumps({'rss_mib': r.ru_maxrss/1024, 'rc': p.returncode}),"
               "file=sys.stderr)")
    wall, out, err = run([sys.executable, "-c", wrapper, *cmd])
    last = err.strip().splitlines()[-1]
    info = json.loads(last)
    return wall, info["rss_mib"], out, "\n".join(err.strip().splitlines()[:-1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mentees", type=int, default=25000)
    ap.add_argument("--mentors", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--skip-baseline", action="store_true")
    args = ap.parse_args()
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    tag = f"{args.mentees}x{args.mentors}s{args.seed}"
    fa, fb, fo = out / f"mentees_{tag}.csv", out / f"mentors_{tag}.csv", out / f"match_{tag}.csv"
    if not fa.exists() or not fb.exists():
        mentees, mentors = mentor_instance(args.mentees, args.mentors, args.seed)
        write_people(fa, mentees)
        write_people(fb, mentors)
    wall, rss, _, err = measured([sys.executable, "-m", "matching", "mentors", "--mentees",
                                  str(fa), "--mentors", str(fb), "--out", str(fo)])
    with open(fo, newline="", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["mentor_id"]]
    ours = {"matches": len(rows),
            "total_hundredths": sum(round(float(r["score"]) * 100) for r in rows),
            "seconds": wall, "rss_mib": rss, "summary": err.strip()}
    print(f"engine:   {ours['matches']} matches, total {ours['total_hundredths'] / 100:.2f}, "
          f"{wall:.2f} s, peak RSS {rss:.0f} MiB\n  {err.strip()}")
    result = {"mentees": args.mentees, "mentors": args.mentors, "seed": args.seed,
              "engine": ours}
    if not args.skip_baseline:
        wall_b, rss_b, out_b, _ = measured([sys.executable, "bench/baseline_ortools.py",
                                            "--mentees", str(fa), "--mentors", str(fb)])
        base = json.loads(out_b.strip().splitlines()[-1])
        base.update(wall=wall_b, rss_mib=rss_b)
        result["baseline"] = base
        gap = (base["total_hundredths"] - ours["total_hundredths"]) / max(base["total_hundredths"], 1)
        result["speedup"] = wall_b / wall
        result["gap"] = gap
        print(f"baseline: {base['matches']} matches, total {base['total_hundredths'] / 100:.2f}, "
              f"{wall_b:.2f} s ({base['arcs']} arcs; solve {base['seconds_solve']:.1f} s), "
              f"peak RSS {rss_b:.0f} MiB")
        print(f"speed-up {wall_b / wall:.1f}x, memory ratio {rss_b / rss:.1f}x, "
              f"same cardinality: {base['matches'] == ours['matches']}, gap to optimum {gap:.2e}")
    (out / f"bench_mentors_{tag}.json").write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
