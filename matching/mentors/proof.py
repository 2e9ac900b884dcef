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

# A block where more than this share of the (group, column) cells fail the group-maximum test
# is read whole, which is several times faster than reading those cells pair by pair.
DENSE_SHARE = 0.25


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
    pairs_breaking: list = field(default_factory=list)  # eligible pairs above each round's prices
    check_failures: list = field(default_factory=list)
    cover_rounds: int = 0
    seconds_solve: float = 0.0
    seconds_check: float = 0.0


def pairs_above_prices(blocks: ScoreBlocks, u, q, slack: int, threads: int,
                       per_row: int | None = None):
    """Eligible pairs with ``s_ij > u_i + q_j - slack``, read from the blocks.

    No pair of row group `g` and column `j` can qualify if
    ``group_max[g, j] <= min(u over g) + q_j - slack``, so only the other (group, column)
    cells are read, pair by pair or, when most of a block's cells fail that test, the whole
    block at once; every eligible pair is covered.

    With `per_row`, a block with more than `per_row` qualifying pairs a row on average keeps
    only each row's `per_row` pairs of largest excess ``s_ij - u_i - q_j``; otherwise every
    qualifying pair is returned.

    Returns
    -------
    rows, cols, scores : int64 arrays
    above : bool array
        True where ``s_ij > u_i + q_j`` (the pair breaks the prices, not just nearly).
    cells_read : int
    n_above : int
        Eligible pairs breaking the prices, returned or not (0 proves the prices feasible).
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
        if fg.size > DENSE_SHARE * flag.size:
            r, c, vals, excess, n_above = _dense_hits(S, u[lo:hi], q[cols], slack, per_row)
        else:
            starts, ends = blocks.group_start[g0 + fg] - lo, blocks.group_end[g0 + fg] - lo
            r, c, vals, excess, n_above = _sparse_hits(S, starts, ends, c, u[lo:hi], q[cols],
                                                       slack, per_row)
        return fg.size, (lo + r, cols[c], vals, excess > 0, n_above)

    parts, cells, n_above = [], 0, 0
    for n_cells, found in map_blocks(scan, len(blocks), threads):
        cells += n_cells
        if found is not None and found[0].size:
            parts.append(found[:4])
            n_above += found[4]
    if not parts:
        empty = np.zeros(0, np.int64)
        return empty, empty, empty, np.zeros(0, bool), cells, 0
    rows, cols, scores, above = (np.concatenate(x) for x in zip(*parts, strict=True))
    return rows, cols, scores, above, cells, n_above


def _dense_hits(S, u, q, slack, per_row):
    """Pairs of block `S` with ``s > u + q - slack``, every cell read; at most `per_row` a row.

    Returns rows, columns, scores and excesses ``s - u - q`` of the pairs kept, and how many
    pairs of the block break the prices (excess above 0), kept or not.
    """
    excess = S.astype(np.int64)
    excess -= q[None, :]
    excess -= u[:, None]
    eligible = S >= 0
    hit = eligible & (excess > -slack)
    n_above = int(np.count_nonzero(hit & (excess > 0)))
    n_rows, n_cols = S.shape
    if per_row is None or np.count_nonzero(hit) <= per_row * n_rows:
        r, c = np.nonzero(hit)
        return r, c, S[r, c].astype(np.int64), excess[r, c], n_above
    count = np.count_nonzero(hit, axis=1)
    few = count <= per_row
    r, c = np.nonzero(hit & few[:, None])
    many = np.flatnonzero(~few)
    if many.size:
        # Each crowded row's `per_row` largest excesses. Ineligible cells get distinct values
        # below every eligible one: a partition over many equal values is very slow.
        ranked = np.where(eligible[many], excess[many],
                          np.iinfo(np.int64).min // 2 - np.arange(n_cols)[None, :])
        top = np.argpartition(ranked, n_cols - per_row, axis=1)[:, n_cols - per_row:]
        lines = np.broadcast_to(many[:, None], top.shape).ravel()
        r, c = np.concatenate([r, lines]), np.concatenate([c, top.ravel()])
    return r, c, S[r, c].astype(np.int64), excess[r, c], n_above


def _sparse_hits(S, starts, ends, c, u, q, slack, per_row):
    """Like :func:`_dense_hits`, reading only rows ``starts[n]:ends[n]`` of column ``c[n]``."""
    rows = starts[:, None] + np.arange(GROUP)[None, :]
    inside = rows < ends[:, None]
    rows = np.minimum(rows, S.shape[0] - 1)
    vals = S[rows, c[:, None]].astype(np.int64)
    excess = vals - q[c][:, None] - u[rows]
    p, o = np.nonzero(inside & (vals >= 0) & (excess > -slack))
    r, c, vals, excess = rows[p, o], c[p], vals[p, o], excess[p, o]
    n_above = int(np.count_nonzero(excess > 0))
    if per_row is not None and r.size > per_row * S.shape[0]:
        pick = _top_per_line(r, excess, per_row)
        r, c, vals, excess = r[pick], c[pick], vals[pick], excess[pick]
    return r, c, vals, excess, n_above


def _top_per_line(line, value, k):
    """Indices of the `k` largest `value` of each distinct `line` (ties broken by position)."""
    order = np.lexsort((-value, line))
    sorted_line = line[order]
    rank = np.arange(line.size) - np.searchsorted(sorted_line, sorted_line, side="left")
    return order[rank < k]


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
                     add_per_row: int, threads: int) -> Solution:
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
        quota = min(add_per_row << max(0, out.rounds - 3), n_cols)
        rows, cols, scores, _, cells, n_above = pairs_above_prices(blocks, u, q, slack,
                                                                   threads, per_row=quota)
        out.cells_read.append(cells)
        out.pairs_breaking.append(n_above)
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
        # Add the pairs that break the prices, and the nearly tight ones (within `slack`, the
        # likely breakers of the next round), but where there are many only each row's
        # `quota` worst: when places are about as many as mentees, millions of pairs break
        # the first prices, a graph that large is slow to solve, and the next prices already
        # rule most of them out (column generation). A row's worst breaker is never in the
        # graph yet, so every round adds a pair; the quota doubles from the fourth round on,
        # so rows that need long lists get them in a few rounds.
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
        rows, cols, scores, above, _, _ = pairs_above_prices(blocks, u, q, 0, threads)
        if not rows.size:
            return size, ei, ej, es, rounds
        ei, ej, es = _new_pairs(ei, ej, es, rows, cols, scores, blocks.n_cols)
