"""Benchmark ``python -m matching mentors`` against OR-tools min-cost flow on the full graph.

Usage: ``python bench/bench_mentors.py [--mentees 25000] [--mentors 5000] [--seed 0]
[--repeat 1] [--skip-baseline]``. Both programs run as separate processes on the same CSV
files; wall time, peak RSS (the child's ``ru_maxrss``) and the load average are recorded for
each run, and the engine's total is compared with the baseline's exact optimum.
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


def blas_info():
    """The BLAS library, kernel and default thread count NumPy uses here (threadpoolctl)."""
    try:
        import numpy  # noqa: F401
        from threadpoolctl import threadpool_info
    except ImportError:
        return []
    return [{k: d.get(k) for k in ("internal_api", "version", "architecture", "num_threads")}
            for d in threadpool_info() if d.get("user_api") == "blas"]


def median(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2] if len(xs) % 2 else (xs[len(xs) // 2 - 1] + xs[len(xs) // 2]) / 2


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mentees", type=int, default=25000)
    ap.add_argument("--mentors", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=1,
                    help="run engine and baseline this many times each (alternating); medians")
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
    blas = blas_info()
    print(f"BLAS: {blas} (OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', 'unset')}); "
          f"the engine limits BLAS to 1 thread inside its 2 worker threads")
    runs, base_runs = [], []
    for rep in range(args.repeat):
        load = os.getloadavg()
        wall, rss, _, err = measured([sys.executable, "-m", "matching", "mentors", "--mentees",
                                      str(fa), "--mentors", str(fb), "--out", str(fo)])
        with open(fo, newline="", encoding="utf-8") as f:
            rows = [r for r in csv.DictReader(f) if r["mentor_id"]]
        ours = {"matches": len(rows),
                "total_hundredths": sum(round(float(r["score"]) * 100) for r in rows),
                "seconds": wall, "rss_mib": rss, "summary": err.strip(),
                "load_average_before": [round(x, 2) for x in load],
                "load_average_after": [round(x, 2) for x in os.getloadavg()]}
        runs.append(ours)
        print(f"[{rep + 1}/{args.repeat}] engine:   {ours['matches']} matches, total "
              f"{ours['total_hundredths'] / 100:.2f}, {wall:.2f} s, peak RSS {rss:.0f} MiB, "
              f"load {ours['load_average_before'][0]:.2f}->{ours['load_average_after'][0]:.2f}"
              f"\n  {err.strip()}", flush=True)
        if args.skip_baseline:
            continue
        load = os.getloadavg()
        wall_b, rss_b, out_b, _ = measured([sys.executable, "bench/baseline_ortools.py",
                                            "--mentees", str(fa), "--mentors", str(fb)])
        base = json.loads(out_b.strip().splitlines()[-1])
        base.update(wall=wall_b, rss_mib=rss_b, load_average_before=[round(x, 2) for x in load],
                    load_average_after=[round(x, 2) for x in os.getloadavg()])
        base_runs.append(base)
        print(f"[{rep + 1}/{args.repeat}] baseline: {base['matches']} matches, total "
              f"{base['total_hundredths'] / 100:.2f}, {wall_b:.2f} s ({base['arcs']} arcs; "
              f"solve {base['seconds_solve']:.1f} s), peak RSS {rss_b:.0f} MiB, load "
              f"{base['load_average_before'][0]:.2f}->{base['load_average_after'][0]:.2f}",
              flush=True)
    result = {"mentees": args.mentees, "mentors": args.mentors, "seed": args.seed,
              "blas": blas, "engine_runs": runs, "baseline_runs": base_runs,
              "engine": {"median_seconds": median([r["seconds"] for r in runs]),
                         "median_rss_mib": median([r["rss_mib"] for r in runs]),
                         "matches": runs[-1]["matches"],
                         "total_hundredths": runs[-1]["total_hundredths"]}}
    if base_runs:
        base = base_runs[-1]
        ours = result["engine"]
        bw = median([b["wall"] for b in base_runs])
        br = median([b["rss_mib"] for b in base_runs])
        gap = ((base["total_hundredths"] - ours["total_hundredths"])
               / max(base["total_hundredths"], 1))
        same = all(r["total_hundredths"] == runs[0]["total_hundredths"] for r in runs)
        solve = median([b["seconds_solve"] for b in base_runs])
        result["baseline"] = {"median_seconds": bw, "median_rss_mib": br,
                              "median_solve_seconds": solve,
                              "matches": base["matches"],
                              "total_hundredths": base["total_hundredths"], "arcs": base["arcs"]}
        result["speedup_median"] = bw / ours["median_seconds"]
        result["gap"] = gap
        print(f"medians over {args.repeat} run(s): engine {ours['median_seconds']:.2f} s, "
              f"{ours['median_rss_mib']:.0f} MiB; baseline {bw:.2f} s, {br:.0f} MiB; "
              f"speed-up {bw / ours['median_seconds']:.1f}x, memory ratio "
              f"{br / ours['median_rss_mib']:.1f}x; same cardinality: "
              f"{base['matches'] == ours['matches']}; gap to optimum {gap:.2e}; "
              f"engine totals identical across runs: {same}")
    (out / f"bench_mentors_{tag}.json").write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
