"""Solve on candidate pairs and prove the answer on every eligible pair, or bound it.

Prices from the candidate graph's solution are checked against every eligible pair (read in
blocks, skipping whole groups of rows through their group maxima); pairs that break them are
added and the graph solved again, until the prices hold everywhere (a proof of optimality)
or the round limit is reached (then a certified maximum number of matches and a certified
upper bound on the total score).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from .blocks import GROUP, ScoreBlocks, map_blocks
from .flow import (
    MAX_SCORE,
    dual_prices,
    max_matching_cover,
    price_check_failures,
    solve_min_cost_flow,
)

__all__ = ["Solution", "solve_with_proof", "pairs_above_prices", "lifted_row_prices"]


@dataclass
class Solution:
    """The chosen candidate pairs and what is proven about them (weights are ``big + s``)."""

    ei: np.ndarray
    ej: np.ndarray
    es: np.ndarray
    chosen: np.ndarray
    optimal: bool
    max_matches: int          # proven maximum number of pairs among the matrix rows
    score_bound: int          # proven bound on the total score of any max-cardinality matching
    rounds: int
    cells_read: list = field(default_factory=list)
    check_failures: list = field(default_factory=list)
    cover_rounds: int = 0
    seconds_solve: float = 0.0
    seconds_check: float = 0.0


def pairs_above_prices(blocks: ScoreBlocks, u, q, slack: int, threads: int):
    """Every eligible pair with ``s_ij > u_i + q_j - slack``, read from the blocks.

    No pair of row group `g` and column `j` can qualify if
    ``group_max[g, j] <= min(u over g) + q_j - slack``, so only the other (group, column)
    cells are read pair by pair; every eligible pair is covered.

    Returns
    -------
    rows, cols, scores : int64 arrays
    above : bool array
        True where ``s_ij > u_i + q_j`` (the pair breaks the prices, not just nearly).
    cells_read : int
    """
    u_min = np.minimum.reduceat(u, blocks.group_start) if blocks.n_groups else u[:0]

    def scan(k):
        lo, hi, cols = blocks.spans[k]
        g0, g1 = blocks.first_group[k], blocks.first_group[k + 1]
        gmax = blocks.group_max[g0:g1, cols]
        flag = gmax.astype(np.int64)
        flag -= q[cols][None, :]
        flag = (flag > (u_min[g0:g1] - slack)[:, None]) & (gmax >= 0)
        fg, c = np.nonzero(flag)
        if not fg.size:
            return 0, None
        S = blocks.block(k)
        rows = (blocks.group_start[g0 + fg] - lo)[:, None] + np.arange(GROUP)[None, :]
        inside = rows < (blocks.group_end[g0 + fg] - lo)[:, None]
        rows = np.minimum(rows, hi - lo - 1)
        j = cols[c]
        vals = S[rows, c[:, None]].astype(np.int64)
        excess = vals - q[j][:, None] - u[lo + rows]
        hit = inside & (vals >= 0) & (excess > -slack)
        p, o = np.nonzero(hit)
        return fg.size, (lo + rows[p, o], j[p], vals[p, o], excess[p, o] > 0)

    parts, cells = [], 0
    for n_cells, found in map_blocks(scan, len(blocks), threads):
        cells += n_cells
        if found is not None and found[0].size:
            parts.append(found)
    if not parts:
        empty = np.zeros(0, np.int64)
        return empty, empty, empty, np.zeros(0, bool), cells
    rows, cols, scores, above = (np.concatenate(x) for x in zip(*parts, strict=True))
    return rows, cols, scores, above, cells


def lifted_row_prices(blocks: ScoreBlocks, u, q, threads: int) -> np.ndarray:
    """`u` raised just enough that ``s_ij <= u_i + q_j`` holds on every eligible pair."""
    def lift(k):
        lo, hi, cols = blocks.spans[k]
        T = blocks.block(k).astype(np.int64)
        T[T < 0] = np.iinfo(np.int64).min // 2
        T -= q[cols][None, :]
        return np.maximum(T.max(axis=1) - u[lo:hi], 0)

    lifted = u.copy()
    for (lo, hi, _), extra in zip(blocks.spans, map_blocks(lift, len(blocks), threads),
                                  strict=True):
        lifted[lo:hi] += extra
    return lifted


def _new_pairs(ei, ej, es, rows, cols, scores, n_cols):
    new = ~np.isin(rows * n_cols + cols, ei * n_cols + ej)
    return (np.concatenate([ei, rows[new]]), np.concatenate([ej, cols[new]]),
            np.concatenate([es, scores[new]]))


def solve_with_proof(blocks: ScoreBlocks, ei, ej, es, cap, *, max_rounds: int, near: float,
                     threads: int) -> Solution:
    """Solve on the candidate pairs, check the prices on every eligible pair, add the pairs
    that break them, and repeat; see the module docstring.

    Every pair's weight is ``big + score`` with ``big`` above any total score, so the most
    pairs come first and the highest total second.
    """
    n_rows, n_cols = blocks.n_rows, blocks.n_cols
    big = MAX_SCORE * (min(n_rows, int(cap.sum())) + 1)
    slack = int(round(near * MAX_SCORE / 100))
    out = Solution(ei, ej, es, np.zeros(ei.size, bool), optimal=False, max_matches=0,
                   score_bound=0, rounds=0)
    while True:
        out.rounds += 1
        t0 = time.perf_counter()
        chosen = solve_min_cost_flow(n_rows, ei, ej, es, cap)
        u, v = dual_prices(n_rows, ei, ej, big + es, chosen, cap)
        failures = price_check_failures(n_rows, ei, ej, big + es, chosen, cap, u, v)
        t1 = time.perf_counter()
        out.seconds_solve += t1 - t0
        # A pair (i, j) could improve the answer iff s_ij > u_i + q_j with q_j = v_j - big.
        q = v - big
        rows, cols, scores, above, cells = pairs_above_prices(blocks, u, q, slack, threads)
        out.cells_read.append(cells)
        n_above = int(np.count_nonzero(above))
        out.seconds_check += time.perf_counter() - t1
        if failures:
            out.check_failures = failures
            break
        if not n_above:
            k = int(np.count_nonzero(chosen))
            out.ei, out.ej, out.es, out.chosen = ei, ej, es, chosen
            out.optimal, out.max_matches = True, k
            out.score_bound = int(es[chosen].sum())
            return out
        if out.rounds >= max_rounds:
            break
        # Add the pairs that break the prices and the nearly tight ones (within `slack`) not
        # yet in the graph: they are the likely breakers of the next round. With very many
        # (e.g. many equal scores), only the breakers.
        if rows.size > n_above + max(ei.size // 4, 10000):
            rows, cols, scores = rows[above], cols[above], scores[above]
        ei, ej, es = _new_pairs(ei, ej, es, rows, cols, scores, n_cols)

    # Not proven. Certify the most pairs possible with a plain max-flow, make sure the answer
    # has that many, and bound the total score with prices made feasible on every pair.
    t0 = time.perf_counter()
    k_max, ei, ej, es, out.cover_rounds = _certified_max_matches(blocks, ei, ej, es, cap,
                                                                 threads)
    chosen = solve_min_cost_flow(n_rows, ei, ej, es, cap)
    u, v = dual_prices(n_rows, ei, ej, big + es, chosen, cap)
    lifted = lifted_row_prices(blocks, u, v - big, threads)
    bound_all = int(lifted.sum() + (cap * v).sum())  # bounds big * pairs + score, any matching
    out.ei, out.ej, out.es, out.chosen = ei, ej, es, chosen
    out.max_matches = k_max
    out.score_bound = min(bound_all - big * k_max, MAX_SCORE * k_max)
    out.seconds_check += time.perf_counter() - t0
    if int(np.count_nonzero(chosen)) != k_max:  # pragma: no cover - the graph holds k_max
        raise RuntimeError("the candidate graph lost a maximum matching")
    return out


def _certified_max_matches(blocks, ei, ej, es, cap, threads):
    """The most pairs of any matching on all eligible pairs, and candidate pairs holding one.

    A max-flow on the candidate pairs gives a cover (see :func:`max_matching_cover`); every
    eligible pair outside the cover is added and the max-flow repeated until the cover holds
    on every eligible pair, which proves the count. Each repeat adds at least one pair, so it
    ends.
    """
    # Cover prices: 3 * MAX_SCORE for a covered row, and q_j = 3 * MAX_SCORE - 2 * MAX_SCORE
    # for a covered column, -2 * MAX_SCORE otherwise: a pair with a score in [0, MAX_SCORE]
    # lies above u_i + q_j exactly when neither its row nor its column is covered.
    rounds = 0
    while True:
        rounds += 1
        size, row_cov, col_cov = max_matching_cover(blocks.n_rows, ei, ej, cap)
        u = np.where(row_cov, 3 * MAX_SCORE, 0).astype(np.int64)
        q = np.where(col_cov, MAX_SCORE, -2 * MAX_SCORE).astype(np.int64)
        rows, cols, scores, above, _ = pairs_above_prices(blocks, u, q, 0, threads)
        if not rows.size:
            return size, ei, ej, es, rounds
        ei, ej, es = _new_pairs(ei, ej, es, rows, cols, scores, blocks.n_cols)
