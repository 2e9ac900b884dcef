"""The score matrix of free mentees x open mentors, computed in blocks and read many times."""

from __future__ import annotations

import contextlib
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from threadpoolctl import threadpool_limits

from ..score import PairArrays, Workspace, score_block
from .inputs import mark_declined

__all__ = ["ScoreBlocks", "GROUP", "map_blocks", "region_order"]

GROUP = 32  # rows per group for the per-mentor maxima that let the proof skip whole groups


def map_blocks(fn, n_blocks: int, threads: int) -> list:
    """``[fn(k) for k in range(n_blocks)]`` on `threads` worker threads.

    BLAS is held to one thread meanwhile: two scoring threads each running two BLAS threads
    would compete for the same cores.
    """
    limit = threadpool_limits(1, user_api="blas") if threads > 1 else contextlib.nullcontext()
    with limit, ThreadPoolExecutor(threads) as pool:
        return list(pool.map(fn, range(n_blocks)))


class ScoreBlocks:
    """Scores of the matrix rows (free mentees) x columns (mentors with a free place).

    Rows are the mentees `rows` in that order; they must come grouped by region for those who
    meet only in person, with online mentees last (see :func:`region_order`). Each block holds
    up to `chunk` rows of one region group against the columns they may meet: a mentee who
    meets only in person is scored only against mentors of their region. Blocks are kept in
    memory when all of them fit in `cache_bytes` (2 bytes a pair), otherwise scored again
    when read. Declined pairs read as -1, like pairs a hard rule forbids.

    Rows are also cut into groups of :data:`GROUP` consecutive rows inside one block;
    ``group_max[g, c]``, filled by :meth:`first_pass`, is the best score of group `g` with
    column `c` (-1 if none is eligible).
    """

    def __init__(self, arr: PairArrays, rows, cols, declined_rows, declined_cols, *,
                 chunk: int, cache_bytes: int):
        self.arr, self.rows, self.cols = arr, rows, cols
        self.n_rows, self.n_cols = rows.size, cols.size
        self._dec_r, self._dec_c = declined_rows, declined_cols
        self.spans = self._spans(chunk)  # (first row, end row, columns) per block
        self.cached = sum((hi - lo) * c.size for lo, hi, c in self.spans) * 2 <= cache_bytes
        self._cache = {}
        self._local = threading.local()
        self._col_of = {}
        for _, _, c in self.spans:
            if id(c) not in self._col_of:
                col_of = np.full(self.n_cols, -1, np.int64)
                col_of[c] = np.arange(c.size)
                self._col_of[id(c)] = col_of
        first_group = np.zeros(len(self.spans) + 1, np.int64)
        for k, (lo, hi, _) in enumerate(self.spans):
            first_group[k + 1] = first_group[k] + -(-(hi - lo) // GROUP)
        self.first_group = first_group  # groups of block k: first_group[k]:first_group[k + 1]
        self.n_groups = int(first_group[-1])
        self.group_start = np.zeros(self.n_groups, np.int64)
        self.group_end = np.zeros(self.n_groups, np.int64)
        for k, (lo, hi, _) in enumerate(self.spans):
            starts = np.arange(lo, hi, GROUP)
            self.group_start[first_group[k]:first_group[k + 1]] = starts
            self.group_end[first_group[k]:first_group[k + 1]] = np.minimum(starts + GROUP, hi)
        self.group_max = np.full((self.n_groups, self.n_cols), -1, np.int16)

    def __len__(self) -> int:
        return len(self.spans)

    def _spans(self, chunk):
        arr, rows = self.arr, self.rows
        if not (self.n_rows and self.n_cols):
            return []
        region = np.where(arr.mentees.online[rows], -1, arr.mentees.region[rows])
        cuts = np.flatnonzero(np.diff(region)) + 1
        all_cols = np.arange(self.n_cols)
        spans = []
        for g_lo, g_hi in zip(np.r_[0, cuts], np.r_[cuts, self.n_rows], strict=True):
            r = region[g_lo]
            cols = all_cols if r < 0 else np.flatnonzero(arr.mentors.region[self.cols] == r)
            if cols.size:
                spans += [(lo, min(lo + chunk, g_hi), cols) for lo in range(g_lo, g_hi, chunk)]
        return spans

    def block(self, k: int) -> np.ndarray:
        """Scores (int16 hundredths, -1 if not eligible) of block `k`: its rows x its columns."""
        if self.cached and k in self._cache:
            return self._cache[k]
        lo, hi, cols = self.spans[k]
        work = getattr(self._local, "work", None)
        if work is None:
            work = self._local.work = Workspace()
        S = score_block(self.arr, self.rows[lo:hi], self.cols[cols], work=work)
        mark_declined(S, lo, hi, self._dec_r, self._dec_c, self._col_of[id(cols)])
        if self.cached:
            self._cache[k] = S
        return S

    def clear_cache(self) -> None:
        self._cache.clear()


def region_order(arr: PairArrays, rows: np.ndarray) -> np.ndarray:
    """`rows` reordered for :class:`ScoreBlocks`: in-person mentees by region, online last."""
    online = arr.mentees.online[rows]
    return rows[np.lexsort((rows, np.where(online, 99, arr.mentees.region[rows])))]
