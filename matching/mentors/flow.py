"""Exact solves on a candidate graph: min-cost flow, its dual prices, and a plain max-flow.

The graph is bipartite: matrix rows (mentees, at most one mentor each) and columns (mentors,
at most ``cap[c]`` mentees each), with candidate pairs ``(ei[k], ej[k])``.
"""

from __future__ import annotations

import numpy as np
from ortools.graph.python import max_flow, min_cost_flow

__all__ = ["MAX_SCORE", "solve_min_cost_flow", "dual_prices", "price_check_failures",
           "max_matching_cover"]

MAX_SCORE = 10000  # a pair score is an integer number of hundredths in [0, MAX_SCORE]


def _flow_arcs(n_rows, ei, ej, cap):
    src, snk = n_rows + cap.size, n_rows + cap.size + 1
    used_rows = np.flatnonzero(np.bincount(ei, minlength=n_rows))
    used_cols = np.unique(ej)
    tails = np.concatenate([np.full(used_rows.size, src), ei, n_rows + used_cols])
    heads = np.concatenate([used_rows, n_rows + ej, np.full(used_cols.size, snk)])
    caps = np.concatenate([np.ones(used_rows.size, np.int64), np.ones(ei.size, np.int64),
                           cap[used_cols]])
    return src, snk, used_rows, used_cols, tails.astype(np.int32), heads.astype(np.int32), caps


def solve_min_cost_flow(n_rows, ei, ej, scores, cap) -> np.ndarray:
    """The most pairs possible, then the highest total score, on the candidate graph.

    OR-tools min-cost flow (``solve_max_flow_with_min_cost``, cost ``MAX_SCORE - score``)
    on source -> row -> column (capacity) -> sink. Returns a bool mask of the chosen pairs.
    """
    if not ei.size:
        return np.zeros(0, bool)
    src, snk, used_rows, used_cols, tails, heads, caps = _flow_arcs(n_rows, ei, ej, cap)
    costs = np.concatenate([np.zeros(used_rows.size, np.int64),
                            MAX_SCORE - scores.astype(np.int64),
                            np.zeros(used_cols.size, np.int64)])
    solver = min_cost_flow.SimpleMinCostFlow()
    arcs = solver.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    solver.set_node_supply(src, int(used_rows.size))
    solver.set_node_supply(snk, -int(used_rows.size))
    status = solver.solve_max_flow_with_min_cost()
    if status != solver.OPTIMAL:
        raise RuntimeError(f"min-cost flow solver failed with status {status}")
    return solver.flows(arcs[used_rows.size: used_rows.size + ei.size]) > 0


def dual_prices(n_rows, ei, ej, weights, chosen, cap):
    """Dual prices u (rows) and v (columns) certifying a max-weight b-matching.

    Shortest distances from a virtual source in the residual graph of the circulation
    r -> row -> column -> r with cost -w (found by Bellman-Ford sweeps over the bipartite
    structure) give u, v >= 0 with u_i + v_j >= w_ij on every candidate pair, equality on
    chosen pairs, u_i = 0 for unmatched rows and v_j = 0 for columns with a free place, if
    `chosen` is optimal on the candidate graph. :func:`price_check_failures` checks that.

    Raises
    ------
    RuntimeError
        If the sweeps do not settle (a negative cycle: `chosen` is not optimal).
    """
    n_cols = cap.size
    mate = np.full(n_rows, -1, np.int64)
    mate_weight = np.zeros(n_rows, np.int64)
    mate[ei[chosen]] = ej[chosen]
    mate_weight[ei[chosen]] = weights[chosen]
    load = np.bincount(ej[chosen], minlength=n_cols)
    matched = mate >= 0
    matched_rows = np.flatnonzero(matched)
    has_flow = load > 0
    has_room = load < cap
    # Row -> column arcs are uncapacitated in this model (a row's inflow is at most 1 anyway),
    # so every pair, chosen or not, gives d_col <= d_row - w.
    order = np.argsort(ej, kind="stable")
    by_col_i, by_col_j, by_col_w = ei[order], ej[order], weights[order]
    if by_col_j.size:
        heads, starts = np.unique(by_col_j, return_index=True)
    d_row = np.zeros(n_rows, np.int64)
    d_col = np.zeros(n_cols, np.int64)
    d_root = 0
    for _ in range(n_rows + n_cols + 2):
        changed = False
        if by_col_j.size:
            best = np.minimum.reduceat(d_row[by_col_i] - by_col_w, starts)
            better = best < d_col[heads]
            if better.any():
                d_col[heads[better]] = best[better]
                changed = True
        better = has_flow & (d_col > d_root)
        if better.any():
            d_col[better] = d_root
            changed = True
        options = [d_root]
        if matched_rows.size:
            options.append(d_row[matched_rows].min())
        if has_room.any():
            options.append(d_col[has_room].min())
        new_root = min(int(c) for c in options)
        if new_root < d_root:
            d_root = new_root
            changed = True
        if matched_rows.size:
            via_mate = d_col[mate[matched_rows]] + mate_weight[matched_rows]
            better = via_mate < d_row[matched_rows]
            if better.any():
                d_row[matched_rows[better]] = via_mate[better]
                changed = True
        better = ~matched & (d_row > d_root)
        if better.any():
            d_row[better] = d_root
            changed = True
        if not changed:
            break
    else:  # pragma: no cover - only if the solver returned a non-optimal flow
        raise RuntimeError("dual prices did not converge: the matching is not optimal")
    return np.maximum(d_row - d_root, 0), np.maximum(d_root - d_col, 0)


def price_check_failures(n_rows, ei, ej, weights, chosen, cap, u, v) -> list[str]:
    """Everything that keeps prices `u`, `v` from proving `chosen` optimal on the candidate
    graph, in words (empty when they prove it).

    Checked: the choice is a b-matching (one column per row, at most ``cap`` per column);
    prices are non-negative; ``u_i + v_j >= w_ij`` on every candidate pair (reduced costs);
    and complementary slackness: equality on chosen pairs, ``u_i = 0`` for unmatched rows,
    ``v_j = 0`` for columns with a free place. Together these make the total of `chosen`
    equal ``sum(u) + sum(cap * v)``, which bounds every b-matching of the graph.
    """
    failures = []
    rows_used = np.bincount(ei[chosen], minlength=n_rows)
    load = np.bincount(ej[chosen], minlength=cap.size)
    if (rows_used > 1).any():
        failures.append("a mentee is matched twice")
    if (load > cap).any():
        failures.append("a mentor has more mentees than places")
    if (u < 0).any() or (v < 0).any():
        failures.append("a price is negative")
    slack = u[ei] + v[ej] - weights
    if (slack < 0).any():
        failures.append(f"{int(np.count_nonzero(slack < 0))} candidate pairs are below their "
                        "prices")
    if (slack[chosen] != 0).any():
        failures.append("a matched pair is not tight")
    if (u[rows_used == 0] != 0).any():
        failures.append("an unmatched mentee has a non-zero price")
    if (v[load < cap] != 0).any():
        failures.append("a mentor with a free place has a non-zero price")
    primal = int(weights[chosen].sum())
    dual = int(u.sum() + (cap * v).sum())
    if not failures and primal != dual:  # pragma: no cover - implied by the checks above
        failures.append(f"matched weight {primal} differs from the price total {dual}")
    return failures


def max_matching_cover(n_rows, ei, ej, cap):
    """The most pairs any b-matching of the candidate graph has, with a certificate.

    A plain max-flow (OR-tools) on source -> row -> column -> sink with uncapacitated pair
    arcs. The minimum cut gives a cover: rows on the sink side and columns on the source
    side. Every candidate pair has its row or its column in the cover, and the size equals
    ``(rows in cover) + sum(cap of columns in cover)``; any b-matching whose pairs are all
    covered has at most that many pairs (each pair uses one unit of a covered row or column).

    Returns
    -------
    size : int
    row_covered, col_covered : bool arrays
    """
    row_covered = np.zeros(n_rows, bool)
    col_covered = np.zeros(cap.size, bool)
    if not ei.size:
        return 0, row_covered, col_covered
    src, snk, used_rows, used_cols, tails, heads, caps = _flow_arcs(n_rows, ei, ej, cap)
    caps[used_rows.size: used_rows.size + ei.size] = n_rows + 1  # never in a minimum cut
    solver = max_flow.SimpleMaxFlow()
    solver.add_arcs_with_capacity(tails, heads, caps)
    status = solver.solve(src, snk)
    if status != solver.OPTIMAL:
        raise RuntimeError(f"max-flow solver failed with status {status}")
    source_side = np.zeros(n_rows + cap.size + 2, bool)
    source_side[np.asarray(solver.get_source_side_min_cut(), np.int64)] = True
    row_covered[used_rows] = ~source_side[used_rows]
    col_covered[used_cols] = source_side[n_rows + used_cols]
    return int(solver.optimal_flow()), row_covered, col_covered
