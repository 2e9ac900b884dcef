"""Baseline for the mentor benchmark: OR-tools min-cost flow on the full eligible graph.

Reads the same CSV files as ``python -m matching mentors``, scores every pair with the engine's
own scorer (so both solve the same problem), adds every eligible pair as an arc and solves
max-flow-with-min-cost in one go. Prints one JSON line: matches, total (hundredths), seconds.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from ortools.graph.python import min_cost_flow

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from matching.io import read_mentees_csv, read_mentors_csv  # noqa: E402
from matching.score import Workspace, encode_pairs, score_block  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mentees", required=True)
    ap.add_argument("--mentors", required=True)
    args = ap.parse_args()
    t0 = time.perf_counter()
    mentees = read_mentees_csv(args.mentees)
    mentors = read_mentors_csv(args.mentors)
    arr = encode_pairs(mentees, mentors)
    n, m = len(mentees), len(mentors)
    cap = arr.capacity
    smcf = min_cost_flow.SimpleMinCostFlow()
    src, snk = n + m, n + m + 1
    smcf.add_arcs_with_capacity_and_unit_cost(
        np.full(n, src, np.int32), np.arange(n, dtype=np.int32), np.ones(n, np.int64),
        np.zeros(n, np.int64))
    smcf.add_arcs_with_capacity_and_unit_cost(
        np.arange(n, n + m, dtype=np.int32), np.full(m, snk, np.int32), cap.astype(np.int64),
        np.zeros(m, np.int64))
    work = Workspace()
    first_pair_arc = None
    n_arcs = 0
    for lo in range(0, n, 1000):
        hi = min(lo + 1000, n)
        S = score_block(arr, np.arange(lo, hi), work=work)
        S[:, cap == 0] = -1
        r, c = np.nonzero(S >= 0)
        arcs = smcf.add_arcs_with_capacity_and_unit_cost(
            (r + lo).astype(np.int32), (c + n).astype(np.int32), np.ones(r.size, np.int64),
            10000 - S[r, c].astype(np.int64))
        if first_pair_arc is None and arcs.size:
            first_pair_arc = int(arcs[0])
        n_arcs += r.size
    smcf.set_node_supply(src, n)
    smcf.set_node_supply(snk, -n)
    t1 = time.perf_counter()
    status = smcf.solve_max_flow_with_min_cost()
    t2 = time.perf_counter()
    assert status == smcf.OPTIMAL, status
    flow = int(smcf.maximum_flow())
    total = 10000 * flow - int(smcf.optimal_cost())
    print(json.dumps({"matches": flow, "total_hundredths": total, "arcs": n_arcs,
                      "seconds_build": t1 - t0, "seconds_solve": t2 - t1,
                      "seconds": time.perf_counter() - t0}))


if __name__ == "__main__":
    main()
