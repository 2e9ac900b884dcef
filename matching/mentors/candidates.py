"""Candidate pairs: each mentee's best mentors and each mentor's best mentees, found cheaply."""

from __future__ import annotations

import numpy as np

from .blocks import GROUP, ScoreBlocks, map_blocks

__all__ = ["first_pass", "select_candidates", "group_max_rows", "row_threshold",
           "cap_ties", "unique_candidates"]


def group_max_rows(S, g):
    """Maximum of each column over consecutive groups of `g` rows: shape (ceil(R / g), C)."""
    R, C = S.shape
    full = R // g
    out = np.empty((-(-R // g), C), S.dtype)
    if full:
        np.max(S[: full * g].reshape(full, g, C), axis=1, out=out[:full])
    if full * g < R:
        np.max(S[full * g:], axis=0, out=out[full])
    return out


def row_threshold(S, k):
    """A per-row value at most the row's k-th largest score (0 if the row has <= k columns).

    The columns are split into groups; the k-th largest of the group maxima is the largest
    score of k different columns, so at most the k-th largest score: every score at or above
    it includes the row's k best (ties aside). Costs one pass, unlike a partition of every row.
    """
    R, C = S.shape
    if k >= C or R == 0:
        return np.zeros(R, np.int16)
    n_groups = max(k + 1, C // 16) if 32 * k <= C else C
    width = C // n_groups
    M = np.max(S[:, : width * n_groups].reshape(R, width, n_groups), axis=1)
    tail = S[:, width * n_groups:]
    if tail.shape[1]:
        np.maximum(M[:, : tail.shape[1]], tail, out=M[:, : tail.shape[1]])
    t = np.partition(M, n_groups - k, axis=1)[:, n_groups - k]
    return np.maximum(t, 0)


def cap_ties(mask, S, k, axis):
    """`mask` (scores at or above a threshold), with rows (axis=1) or columns (axis=0) holding
    more than a few times `k` entries (large ties) cut to an exact top `k`."""
    count = np.count_nonzero(mask, axis=axis)
    too_many = np.flatnonzero(count > max(4 * k, 64))
    if not too_many.size:
        return mask
    sub = S[too_many] if axis == 1 else S[:, too_many].T
    top = np.argpartition(sub, sub.shape[1] - k, axis=1)[:, sub.shape[1] - k:]
    lines = np.broadcast_to(too_many[:, None], top.shape)
    if axis == 1:
        mask[too_many] = False
        keep = S[lines, top] >= 0
        mask[lines[keep], top[keep]] = True
    else:
        mask[:, too_many] = False
        keep = S[top, lines] >= 0
        mask[top[keep], lines[keep]] = True
    return mask


def first_pass(blocks: ScoreBlocks, per_mentee: int, threads: int):
    """Score every block once; fill ``blocks.group_max``.

    Returns
    -------
    n_eligible : int64 array
        Eligible mentors per matrix row.
    row_thresholds : int16 array
        Per row, a score at most its `per_mentee`-th best (see :func:`row_threshold`).
    """
    k_best = min(per_mentee, blocks.n_cols)

    def summarise(k):
        _, _, cols = blocks.spans[k]
        S = blocks.block(k)
        g0, g1 = blocks.first_group[k], blocks.first_group[k + 1]
        blocks.group_max[g0:g1, cols] = group_max_rows(S, GROUP)
        return np.count_nonzero(S >= 0, axis=1), row_threshold(S, k_best)

    n_eligible = np.zeros(blocks.n_rows, np.int64)
    thresholds = np.zeros(blocks.n_rows, np.int16)
    for (lo, hi, _), (count, t) in zip(blocks.spans, map_blocks(summarise, len(blocks), threads),
                                       strict=True):
        n_eligible[lo:hi], thresholds[lo:hi] = count, t
    return n_eligible, thresholds


def select_candidates(blocks: ScoreBlocks, row_thresholds, per_mentee: int, per_mentor: int,
                      threads: int):
    """Candidate pairs ``(rows, cols, scores)``: at least each row's `per_mentee` best and
    each column's `per_mentor` best (ties aside), from the thresholds of :func:`first_pass`.
    """
    k_best = min(per_mentee, blocks.n_cols)
    # Each mentor's L-th best group maximum is at most its L-th best score: every pair at or
    # above it is kept, a superset of the mentor's L best mentees (ties aside).
    col_thresholds = np.zeros(blocks.n_cols, np.int16)
    if blocks.n_groups > per_mentor:
        kth = np.partition(blocks.group_max, blocks.n_groups - per_mentor, axis=0)
        col_thresholds = np.maximum(kth[blocks.n_groups - per_mentor], 0)

    def select(k):
        lo, hi, cols = blocks.spans[k]
        S = blocks.block(k)
        keep = cap_ties(row_thresholds[lo:hi, None] <= S, S, k_best, 1)
        keep |= cap_ties(col_thresholds[cols][None, :] <= S, S, per_mentor, 0)
        r, c = np.nonzero(keep)
        return r + lo, cols[c], S[r, c]

    found = map_blocks(select, len(blocks), threads)
    if not found:
        empty = np.zeros(0, np.int64)
        return empty, empty, empty
    rows, cols, scores = (np.concatenate(part).astype(np.int64) for part in zip(*found,
                                                                                  strict=True))
    return unique_candidates(rows, cols, scores, blocks.n_rows, blocks.n_cols, k_best,
                             per_mentor)


def unique_candidates(ei, ej, es, n_rows, n_cols, per_mentee, per_mentor):
    """Unique candidate pairs; if ties made far too many, keep each side's exact best."""
    if ei.size:
        _, first = np.unique(ei * max(n_cols, 1) + ej, return_index=True)
        ei, ej, es = ei[first], ej[first], es[first]
    if ei.size <= 8 * (n_rows * per_mentee + n_cols * per_mentor) + 10000:
        return ei, ej, es
    keep = np.zeros(ei.size, bool)
    for side, limit in ((ei, per_mentee), (ej, per_mentor)):
        order = np.lexsort((-es, side))
        rank = np.arange(side.size) - np.searchsorted(side[order], side[order], side="left")
        keep[order[rank < limit]] = True
    return ei[keep], ej[keep], es[keep]
