"""Mentor matching: maximum number of matches, then maximum total score, with a proof."""

from __future__ import annotations

import contextlib
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial

import numpy as np
from ortools.graph.python import min_cost_flow

from .lqf import ELEMENTS
from .model import Mentee, Mentor, Weights
from .score import (
    PairArrays,
    Workspace,
    encode_pairs,
    pair_parts,
    pair_parts_many,
    score_block,
    score_pairs,
)

__all__ = ["Pair", "Unmatched", "MatchResult", "Suggestion", "PairError",
           "match_mentors", "suggest_mentors", "rematch", "explain_pair", "eligible_scores"]

MAX_SCORE = 10000  # a pair score is an integer number of hundredths in [0, MAX_SCORE]
GROUP = 32  # rows per group for the per-mentor maxima that let the proof skip whole groups


@dataclass(frozen=True, slots=True)
class Pair:
    """A matched mentee and mentor; ``score`` is in [0, 100] with two decimals."""

    mentee_id: str
    mentor_id: str
    score: float
    explanation: str
    locked: bool = False


@dataclass(frozen=True, slots=True)
class Unmatched:
    """A mentee left without a mentor and the reason."""

    mentee_id: str
    reason: str


@dataclass(frozen=True)
class MatchResult:
    """Outcome of :func:`match_mentors`.

    Attributes
    ----------
    pairs, unmatched : tuple
        One entry per mentee, in input order within each tuple.
    total_score : float
        Sum of the pair scores (exactly, in hundredths).
    max_matches : int
        Proven maximum number of matched mentees (equal to ``len(pairs)`` when ``optimal``).
    bound : float
        Proven upper bound on the total score of any matching with ``len(pairs)`` pairs.
    optimal : bool
        True when the duals certify both the cardinality and the total score as optimal.
    stats : dict
        Sizes and timings.
    """

    pairs: tuple[Pair, ...]
    unmatched: tuple[Unmatched, ...]
    total_score: float
    max_matches: int
    bound: float
    optimal: bool
    stats: dict = field(default_factory=dict)

    @property
    def gap(self) -> float:
        """Relative gap ``(bound - total) / bound`` (0 when proven optimal)."""
        return 0.0 if self.bound <= 0 else max(0.0, (self.bound - self.total_score) / self.bound)


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A mentor suggested to one mentee."""

    mentor_id: str
    score: float
    explanation: str


class PairError(ValueError):
    """A declined or locked pair that cannot be used; ``index`` is its position in the input."""

    def __init__(self, kind, index, column, message):
        self.kind, self.index, self.column = kind, index, column
        super().__init__(message)


def _check_ids(people, what):
    seen = set()
    for p in people:
        if p.id in seen:
            raise ValueError(f"duplicate {what} id {p.id!r}")
        seen.add(p.id)


def _pair_index(pairs, mentee_pos, mentor_pos, what):
    out_i, out_j = [], []
    for k, pair in enumerate(pairs):
        try:
            a, b = pair
        except (TypeError, ValueError):
            raise PairError(what, k, "-", f"{what} pair must be (mentee_id, mentor_id), "
                                          f"got {pair!r}") from None
        if a not in mentee_pos:
            raise PairError(what, k, "mentee_id", f"{what} pair names unknown mentee id {a!r}")
        if b not in mentor_pos:
            raise PairError(what, k, "mentor_id", f"{what} pair names unknown mentor id {b!r}")
        out_i.append(mentee_pos[a])
        out_j.append(mentor_pos[b])
    return np.asarray(out_i, np.int64), np.asarray(out_j, np.int64)


def _fmt_list(items, limit=3):
    items = list(items)
    if len(items) > limit:
        return ", ".join(items[:limit]) + "…"
    return ", ".join(items)


def _sentence(parts):
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."


def explain_pair(arr: PairArrays, i: int, j: int, score: int) -> str:
    """One or two plain-English sentences naming the biggest reasons behind a pair's score."""
    return _explain(pair_parts(arr, i, j), score)


def _explain(p, score):
    reasons = []
    if p["n_needs"]:
        k, n = len(p["covered"]), p["n_needs"]
        if k:
            head = ("covers your need: " if n == 1 else
                    f"covers all {n} needs: " if k == n else f"covers {k} of {n} needs: ")
            reasons.append((p["needs"], head + _fmt_list(p["covered"])))
        else:
            reasons.append((-1.0, "covers none of your needs"))
    if p["grow"]:
        reasons.append((p["lqf"], "strong where you want to grow: "
                                  + _fmt_list(ELEMENTS[c] for c in p["grow"][:2])))
    if p["level"] > 0:
        text = ("a more senior leader" if p["level_diff"] > 0 else "a leader at your level")
        reasons.append((p["level"], text))
    if p["service_type"] > 0:
        reasons.append((p["service_type"],
                        f"experience in the same type of service ({p['service_name']})"))
    if p["local_authority"] > 0:
        reasons.append((p["local_authority"], f"same local authority ({p['la_name']}) "
                                              "for meeting in person"))
    reasons.sort(key=lambda r: -r[0])
    top = [text for pts, text in reasons[:2] if pts > 0] or [text for _, text in reasons[:1]]
    if not top:
        return f"Score {score / 100:.2f}: eligible, but no strong reason stands out."
    return _sentence(top)


def _solve_flow(nf, ma, ei, ej, s, cap):
    """Max-cardinality, then max-score b-matching on a candidate graph (OR-tools min-cost flow)."""
    smcf = min_cost_flow.SimpleMinCostFlow()
    src, snk = nf + ma, nf + ma + 1
    has = np.zeros(nf, bool)
    has[ei] = True
    fi = np.flatnonzero(has)
    used_j = np.unique(ej)
    tails = np.concatenate([np.full(fi.size, src), ei, nf + used_j])
    heads = np.concatenate([fi, nf + ej, np.full(used_j.size, snk)])
    caps = np.concatenate([np.ones(fi.size, np.int64), np.ones(ei.size, np.int64), cap[used_j]])
    costs = np.concatenate([np.zeros(fi.size, np.int64), MAX_SCORE - s.astype(np.int64),
                            np.zeros(used_j.size, np.int64)])
    arcs = smcf.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int32), heads.astype(np.int32), caps, costs)
    smcf.set_node_supply(src, int(fi.size))
    smcf.set_node_supply(snk, -int(fi.size))
    status = smcf.solve_max_flow_with_min_cost()
    if status != smcf.OPTIMAL:
        raise RuntimeError(f"min-cost flow solver failed with status {status}")
    flows = smcf.flows(arcs[fi.size: fi.size + ei.size])
    return flows > 0


def _potentials(nf, ma, ei, ej, w, x, cap):
    """Dual prices u (mentees) and v (mentors) certifying a max-weight b-matching.

    Shortest distances from a virtual source in the residual graph of the circulation
    r -> mentee -> mentor -> r with cost -w_ij (found by Bellman-Ford sweeps over the bipartite
    structure) give u, v >= 0 with u_i + v_j >= w_ij on every candidate edge, equality on
    matched edges, u_i = 0 for unmatched mentees and v_j = 0 for mentors with a free place.
    """
    mate = np.full(nf, -1, np.int64)
    wmate = np.zeros(nf, np.int64)
    mate[ei[x]] = ej[x]
    wmate[ei[x]] = w[x]
    load = np.bincount(ej[x], minlength=ma)
    matched = mate >= 0
    mi = np.flatnonzero(matched)
    has_flow = load > 0
    spare = load < cap
    # Mentee->mentor arcs are uncapacitated in this model (a mentee's inflow is at most 1 anyway),
    # so every edge, matched or not, gives d_j <= d_i - w_ij.
    order = np.argsort(ej, kind="stable")
    ui, uj, uw = ei[order], ej[order], w[order]
    if uj.size:
        heads, starts = np.unique(uj, return_index=True)
    di = np.zeros(nf, np.int64)
    dj = np.zeros(ma, np.int64)
    dr = 0
    for _ in range(nf + ma + 2):
        changed = False
        if uj.size:
            m = np.minimum.reduceat(di[ui] - uw, starts)
            better = m < dj[heads]
            if better.any():
                dj[heads[better]] = m[better]
                changed = True
        if has_flow.any():
            better = has_flow & (dj > dr)
            if better.any():
                dj[better] = dr
                changed = True
        cand = [dr]
        if mi.size:
            cand.append(di[mi].min())
        if spare.any():
            cand.append(dj[spare].min())
        new_dr = min(int(c) for c in cand)
        if new_dr < dr:
            dr = new_dr
            changed = True
        if mi.size:
            val = dj[mate[mi]] + wmate[mi]
            better = val < di[mi]
            if better.any():
                di[mi[better]] = val[better]
                changed = True
        better = ~matched & (di > dr)
        if better.any():
            di[better] = dr
            changed = True
        if not changed:
            break
    else:  # pragma: no cover - only if the solver returned a non-optimal flow
        raise RuntimeError("dual prices did not converge: the matching is not optimal")
    u = np.maximum(di - dr, 0)
    v = np.maximum(dr - dj, 0)
    return u, v



def _one_blas_thread(threads):
    """Limit BLAS to one thread while our own worker threads score blocks (no oversubscription)."""
    if threads > 1:
        try:
            from threadpoolctl import threadpool_limits
        except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
            return contextlib.nullcontext()
        return threadpool_limits(1, user_api="blas")
    return contextlib.nullcontext()


def _group_max_rows(S, g):
    """Maximum of each column over consecutive groups of `g` rows: shape (ceil(R / g), C)."""
    R, C = S.shape
    full = R // g
    out = np.empty((-(-R // g), C), S.dtype)
    if full:
        np.max(S[: full * g].reshape(full, g, C), axis=1, out=out[:full])
    if full * g < R:
        np.max(S[full * g:], axis=0, out=out[full])
    return out


def _row_threshold(S, k):
    """A per-row value at most the row's k-th largest score (0 if the row has <= k columns).

    The columns are split into groups; the k-th largest of the group maxima is the largest
    score of k different columns, so at most the k-th largest score: every score at or above
    it includes the row's k best (ties aside). Costs one pass, unlike a partition of every row.
    """
    R, C = S.shape
    if k >= C or R == 0:
        return np.zeros(R, np.int16)
    n_grp = max(k + 1, C // 16) if 32 * k <= C else C
    g = C // n_grp
    M = np.max(S[:, : g * n_grp].reshape(R, g, n_grp), axis=1)
    tail = S[:, g * n_grp:]
    if tail.shape[1]:
        np.maximum(M[:, : tail.shape[1]], tail, out=M[:, : tail.shape[1]])
    t = np.partition(M, n_grp - k, axis=1)[:, n_grp - k]
    return np.maximum(t, 0)


def _capped(mask, S, k, axis):
    """`mask` (scores at or above a threshold), with rows (axis=1) or columns (axis=0) holding
    more than a few times `k` entries (large ties) cut to an exact top `k`."""
    cnt = np.count_nonzero(mask, axis=axis)
    limit = max(4 * k, 64)
    bad = np.flatnonzero(cnt > limit)
    if bad.size:
        if axis == 1:
            sub = S[bad]
            top = np.argpartition(sub, sub.shape[1] - k, axis=1)[:, sub.shape[1] - k:]
            mask[bad] = False
            rr = np.broadcast_to(bad[:, None], top.shape)
            keep = S[rr, top] >= 0
            mask[rr[keep], top[keep]] = True
        else:
            sub = S[:, bad].T
            top = np.argpartition(sub, sub.shape[1] - k, axis=1)[:, sub.shape[1] - k:]
            mask[:, bad] = False
            cc = np.broadcast_to(bad[:, None], top.shape)
            keep = S[top, cc] >= 0
            mask[top[keep], cc[keep]] = True
    return mask


def _trim_candidates(ei, ej, es, nf, ma, per_mentee, per_mentor):
    """Unique candidate pairs; if ties made far too many, keep each side's exact best."""
    if ei.size:
        _, first = np.unique(ei * max(ma, 1) + ej, return_index=True)
        ei, ej, es = ei[first], ej[first], es[first]
    if ei.size <= 8 * (nf * per_mentee + ma * per_mentor) + 10000:
        return ei, ej, es
    keep = np.zeros(ei.size, bool)
    for a, lim in ((ei, per_mentee), (ej, per_mentor)):
        order = np.lexsort((-es, a))
        pos = np.arange(a.size) - np.searchsorted(a[order], a[order], side="left")
        keep[order[pos < lim]] = True
    return ei[keep], ej[keep], es[keep]


def _declined_lookup(di, dj, row_pos, col_pos):
    """Declined pairs in (free-row, active-col) coordinates, sorted by row."""
    r = row_pos[di]
    c = col_pos[dj]
    keep = (r >= 0) & (c >= 0)
    r, c = r[keep], c[keep]
    order = np.argsort(r, kind="stable")
    return r[order], c[order]


def _apply_declined(S, lo, hi, dec_r, dec_c):
    a, b = np.searchsorted(dec_r, [lo, hi])
    if b > a:
        S[dec_r[a:b] - lo, dec_c[a:b]] = -1


def match_mentors(mentees, mentors, *, declined=(), locked=(), weights: Weights | None = None,
                  per_mentee: int = 4, per_mentor: int = 24, chunk: int = 256,
                  max_rounds: int = 20, threads: int | None = None,
                  cache_bytes: int = 512 * 2**20, near: float = 1.0) -> MatchResult:
    """Match mentees to mentors: the most matches possible, then the highest total score.

    Hard rules: never two people of the same organisation; never a declined pair; when either
    person meets only in person (``online=False``) both are in the same region; a mentor takes
    at most ``capacity`` mentees; locked pairs are kept.

    Each mentee's ``per_mentee`` best mentors and each mentor's ``per_mentor`` best mentees form
    a candidate graph solved exactly by min-cost flow. Dual prices of that solution are then
    checked against *every* eligible pair; pairs that could improve the answer are added and the
    graph re-solved until none remains, so the answer is optimal on the full eligible graph.

    Parameters
    ----------
    mentees : sequence of Mentee
    mentors : sequence of Mentor
    declined : iterable of (mentee_id, mentor_id)
        Pairs that must not be matched.
    locked : iterable of (mentee_id, mentor_id)
        Pairs that must be kept; they use their mentor's capacity.
    weights : Weights, optional
        Score weights; defaults to ``Weights()``.
    per_mentee, per_mentor : int
        Candidate list lengths for the first round (they change speed, not the answer).
    chunk : int
        Mentees scored per block (memory use grows with ``chunk * len(mentors)``).
    max_rounds : int
        Rounds of check-and-add before stopping with a proven bound instead of a proof.
    threads : int, optional
        Worker threads for scoring (default: up to 2, the CPU count).
    cache_bytes : int
        Keep all scores in memory (2 bytes a pair) when they fit, instead of rescoring.
    near : float
        Each check also adds pairs within `near` points of violating the prices (fewer rounds;
        changes speed, not the answer).

    Returns
    -------
    MatchResult

    Raises
    ------
    ValueError
        On duplicate ids, unknown ids in pairs, or locked pairs that break a hard rule,
        repeat a mentee, or exceed a mentor's capacity.
    """
    t0 = time.perf_counter()
    mentees, mentors = list(mentees), list(mentors)
    for p in mentees:
        if not isinstance(p, Mentee):
            raise ValueError(f"mentees must be Mentee objects, got {type(p).__name__}")
    for p in mentors:
        if not isinstance(p, Mentor):
            raise ValueError(f"mentors must be Mentor objects, got {type(p).__name__}")
    for x, name in ((per_mentee, "per_mentee"), (per_mentor, "per_mentor"), (chunk, "chunk"),
                    (max_rounds, "max_rounds")):
        if not isinstance(x, int) or x < 1:
            raise ValueError(f"{name} must be a positive integer, got {x!r}")
    if (isinstance(near, bool) or not isinstance(near, (int, float)) or not 0 <= near <= 100):
        raise ValueError(f"near must be a number of points in [0, 100], got {near!r}")
    _check_ids(mentees, "mentee")
    _check_ids(mentors, "mentor")
    threads = threads or max(1, min(2, os.cpu_count() or 1))
    mentee_pos = {p.id: k for k, p in enumerate(mentees)}
    mentor_pos = {p.id: k for k, p in enumerate(mentors)}
    dec_i, dec_j = _pair_index(declined, mentee_pos, mentor_pos, "declined")
    lock_i, lock_j = _pair_index(locked, mentee_pos, mentor_pos, "locked")
    arr = encode_pairs(mentees, mentors, weights)
    n, m = len(mentees), len(mentors)

    # Locked pairs: check and fix them, then solve for everyone else.
    dec_keys = set(zip(dec_i.tolist(), dec_j.tolist(), strict=True))
    lock_scores = score_pairs(arr, lock_i, lock_j) if lock_i.size else np.zeros(0, np.int16)
    seen = set()
    lock_load = np.zeros(m, np.int64)
    locks = zip(lock_i.tolist(), lock_j.tolist(), lock_scores.tolist(), strict=True)
    for k, (a, b, s) in enumerate(locks):
        pair = (mentees[a].id, mentors[b].id)
        if a in seen:
            raise PairError("locked", k, "mentee_id",
                            f"mentee {pair[0]!r} has more than one locked pair")
        seen.add(a)
        if (a, b) in dec_keys:
            raise PairError("locked", k, "mentor_id", f"locked pair {pair} is also declined")
        if s < 0:
            raise PairError("locked", k, "mentor_id",
                            f"locked pair {pair} breaks a hard rule (same organisation, or "
                            "different regions while one of them meets only in person)")
        lock_load[b] += 1
        if lock_load[b] > arr.capacity[b]:
            raise PairError("locked", k, "mentor_id", f"locked pairs exceed the capacity "
                                                      f"({arr.capacity[b]}) of mentor {pair[1]!r}")
    cap_left = arr.capacity - lock_load
    is_locked = np.zeros(n, bool)
    is_locked[lock_i] = True
    free = np.flatnonzero(~is_locked)
    # In-person mentees can only meet mentors of their own region: group them by region so
    # their blocks score just those mentors; online mentees come last and see every mentor.
    on_e = arr.mentees.online[free]
    free = free[np.lexsort((free, np.where(on_e, 99, arr.mentees.region[free])))]
    act = np.flatnonzero(cap_left > 0)
    nf, ma = free.size, act.size
    row_pos = np.full(n, -1, np.int64)
    row_pos[free] = np.arange(nf)
    col_pos = np.full(m, -1, np.int64)
    col_pos[act] = np.arange(ma)
    dec_r, dec_c = _declined_lookup(dec_i, dec_j, row_pos, col_pos)
    cap = cap_left[act]
    t_setup = time.perf_counter() - t0

    # Pass 1: score every eligible pair once (kept in memory when it fits), with cheap
    # summaries: per-row thresholds for each mentee's best mentors, and the maximum score in
    # each group of GROUP rows for every mentor (for the mentors' best mentees and for
    # skipping whole groups in the proof).
    t1 = time.perf_counter()
    K, L = min(per_mentee, ma), per_mentor
    spans = []
    if ma and nf:
        reg_e = np.where(arr.mentees.online[free], -1, arr.mentees.region[free])
        bounds = np.flatnonzero(np.diff(reg_e)) + 1
        all_cols = np.arange(ma)
        for g_lo, g_hi in zip(np.r_[0, bounds], np.r_[bounds, nf], strict=True):
            r = reg_e[g_lo]
            cols = all_cols if r < 0 else np.flatnonzero(arr.mentors.region[act] == r)
            if cols.size:
                spans += [(lo, min(lo + chunk, g_hi), cols) for lo in range(g_lo, g_hi, chunk)]
    use_cache = sum((hi - lo) * c.size for lo, hi, c in spans) * 2 <= cache_bytes
    cache = {}
    # Row groups: GROUP consecutive rows inside one span; g_start[g] is the first row of g.
    span_g0 = np.zeros(len(spans) + 1, np.int64)
    for k, (lo, hi, _) in enumerate(spans):
        span_g0[k + 1] = span_g0[k] + -(-(hi - lo) // GROUP)
    n_groups = int(span_g0[-1])
    g_start = np.zeros(n_groups, np.int64)
    g_end = np.zeros(n_groups, np.int64)
    for k, (lo, hi, _) in enumerate(spans):
        starts = np.arange(lo, hi, GROUP)
        g_start[span_g0[k]:span_g0[k + 1]] = starts
        g_end[span_g0[k]:span_g0[k + 1]] = np.minimum(starts + GROUP, hi)
    gmax = np.full((n_groups, ma), -1, np.int16)   # best score per (row group, mentor)
    local = threading.local()

    def block(k):
        lo, hi, cols = spans[k]
        if use_cache and k in cache:
            return cache[k]
        work = getattr(local, "work", None)
        if work is None:
            work = local.work = Workspace()
        S = score_block(arr, free[lo:hi], act[cols], work=work)
        a, b = np.searchsorted(dec_r, [lo, hi])
        if b > a:
            colmap = np.full(ma, -1, np.int64)
            colmap[cols] = np.arange(cols.size)
            c = colmap[dec_c[a:b]]
            keep = c >= 0
            S[dec_r[a:b][keep] - lo, c[keep]] = -1
        if use_cache:
            cache[k] = S
        return S

    def first(k):
        lo, hi, cols = spans[k]
        S = block(k)
        gmax[span_g0[k]:span_g0[k + 1], cols] = _group_max_rows(S, GROUP)
        return np.count_nonzero(S >= 0, axis=1), _row_threshold(S, K)

    n_eligible = np.zeros(nf, np.int64)
    t_row = np.zeros(nf, np.int16)
    with _one_blas_thread(threads), ThreadPoolExecutor(threads) as pool:
        firsts = pool.map(first, range(len(spans)))
        for (lo, hi, _), res in zip(spans, firsts, strict=True):
            n_eligible[lo:hi], t_row[lo:hi] = res
    t_score = time.perf_counter() - t1
    # Each mentor's L-th best group maximum is at most its L-th best score: every pair at or
    # above it is kept, a superset of the mentor's L best mentees (ties aside).
    t_col = np.zeros(ma, np.int16)
    if n_groups > L:
        t_col = np.maximum(np.partition(gmax, n_groups - L, axis=0)[n_groups - L], 0)

    def select(k):
        lo, hi, cols = spans[k]
        S = block(k)
        A = _capped(t_row[lo:hi, None] <= S, S, K, 1)
        A |= _capped(t_col[cols][None, :] <= S, S, L, 0)
        r, c = np.nonzero(A)
        return r + lo, cols[c], S[r, c]

    cand_i, cand_j, cand_s = [], [], []
    with ThreadPoolExecutor(threads) as pool:
        for res in pool.map(select, range(len(spans))):
            cand_i.append(res[0])
            cand_j.append(res[1])
            cand_s.append(res[2])
    if cand_i:
        ei = np.concatenate(cand_i).astype(np.int64)
        ej = np.concatenate(cand_j).astype(np.int64)
        es = np.concatenate(cand_s).astype(np.int64)
    else:
        ei = ej = es = np.zeros(0, np.int64)
    ei, ej, es = _trim_candidates(ei, ej, es, nf, ma, K, L)
    t_prune = time.perf_counter() - t1

    # Solve, price, check every eligible pair, add violators, repeat.
    big = MAX_SCORE * (min(nf, int(cap.sum())) + 1) if nf else 1
    rounds, t_solve, t_check = 0, 0.0, 0.0
    slack = int(round(near * MAX_SCORE / 100))
    cells_read = []
    optimal = False
    bound_w = 0

    # Per-block work of one round of the loop below; that round's prices are passed in.
    def check(k, u, q, umin):
        lo, hi, cols = spans[k]
        g0, g1 = span_g0[k], span_g0[k + 1]
        gm = gmax[g0:g1, cols]
        flag = gm.astype(np.int64)
        flag -= q[cols][None, :]
        flag = (flag > (umin[g0:g1] - slack)[:, None]) & (gm >= 0)
        fg, c = np.nonzero(flag)
        if not fg.size:
            return 0, None
        S = block(k)
        rows = (g_start[g0 + fg] - lo)[:, None] + np.arange(GROUP)[None, :]
        ok = rows < (g_end[g0 + fg] - lo)[:, None]
        rows = np.minimum(rows, hi - lo - 1)
        j = cols[c]
        vals = S[rows, c[:, None]].astype(np.int64)
        red = vals - q[j][:, None] - u[lo + rows]    # > 0: violates the prices
        hit = ok & (vals >= 0) & (red > -slack)
        p, o = np.nonzero(hit)
        return fg.size, (lo + rows[p, o], j[p], vals[p, o], red[p, o] > 0)

    def lift(k, u, q):
        lo, hi, cols = spans[k]
        T = block(k).astype(np.int64)
        T[T < 0] = np.iinfo(np.int64).min // 2
        T -= q[cols][None, :]
        return np.maximum(T.max(axis=1) - u[lo:hi], 0)

    while True:
        rounds += 1
        t2 = time.perf_counter()
        x = _solve_flow(nf, ma, ei, ej, es, cap) if ei.size else np.zeros(0, bool)
        u, v = _potentials(nf, ma, ei, ej, big + es, x, cap)
        t_solve += time.perf_counter() - t2
        t3 = time.perf_counter()
        # A pair (i, j) could improve the answer iff s_ij > u_i + q_j with q_j = v_j - big.
        # No pair of row group g and mentor j can if gmax[g, j] <= min(u over g) + q_j, so
        # only the flagged (group, mentor) cells are read (every eligible pair is covered).
        q = v - big
        umin = np.minimum.reduceat(u, g_start) if n_groups else np.zeros(0, np.int64)

        add_i, add_j, add_s, add_v = [], [], [], []
        n_read = 0
        with ThreadPoolExecutor(threads) as pool:
            round_check = partial(check, u=u, q=q, umin=umin)
            for n_cells, res in pool.map(round_check, range(len(spans))):
                n_read += n_cells
                if res is not None and res[0].size:
                    add_i.append(res[0])
                    add_j.append(res[1])
                    add_s.append(res[2])
                    add_v.append(res[3])
        cells_read.append(n_read)
        n_viol = sum(int(np.count_nonzero(x)) for x in add_v)
        if not n_viol:
            optimal = True
            bound_w = int(u.sum() + (cap * v).sum())
            t_check += time.perf_counter() - t3
            break
        if rounds >= max_rounds:
            # Raise each mentee's price just enough to cover all its pairs: a proven bound.
            excess = np.zeros(nf, np.int64)

            with ThreadPoolExecutor(threads) as pool:
                excesses = pool.map(partial(lift, u=u, q=q), range(len(spans)))
                for (lo, hi, _), ex in zip(spans, excesses, strict=True):
                    excess[lo:hi] = ex
            bound_w = int(u.sum() + (cap * v).sum() + excess.sum())
            t_check += time.perf_counter() - t3
            break
        t_check += time.perf_counter() - t3
        # Add the violating pairs, and the nearly tight ones (within `slack`) not yet in the
        # graph: they are the likely violators of the next round.
        ni, nj, ns = np.concatenate(add_i), np.concatenate(add_j), np.concatenate(add_s)
        new = ~np.isin(ni * ma + nj, ei * ma + ej)
        if np.count_nonzero(new) > n_viol + max(ei.size // 4, 10000):  # e.g. many equal scores
            new &= np.concatenate(add_v)                                # violators only
        ei = np.concatenate([ei, ni[new]])
        ej = np.concatenate([ej, nj[new]])
        es = np.concatenate([es, ns[new]])
    cache.clear()

    # Assemble the result.
    mi, mj, ms = ei[x], ej[x], es[x]
    k_free = int(mi.size)
    free_total = int(ms.sum())
    max_free = min(bound_w // big, nf) if nf else 0
    score_bound = bound_w - big * k_free if max_free == k_free else None
    g_i = np.concatenate([lock_i, free[mi]])
    g_j = np.concatenate([lock_j, act[mj]])
    g_s = np.concatenate([lock_scores.astype(np.int64), ms])
    locked_set = set(lock_i.tolist())
    mentor_of = {}
    parts = pair_parts_many(arr, g_i, g_j)
    for a, b, s, p in zip(g_i.tolist(), g_j.tolist(), g_s.tolist(), parts, strict=True):
        mentor_of[a] = (b, s, p)
    pairs, unmatched = [], []
    for a in range(n):
        if a in mentor_of:
            b, s, p = mentor_of[a]
            pairs.append(Pair(mentees[a].id, mentors[b].id, s / 100, _explain(p, s),
                              a in locked_set))
        else:
            unmatched.append(Unmatched(mentees[a].id, _reason(n_eligible[row_pos[a]], ma)))
    lock_total = int(lock_scores.astype(np.int64).sum())
    total = lock_total + free_total
    bound = (lock_total + score_bound) if score_bound is not None else float("inf")
    stats = {
        "mentees": n, "mentors": m, "candidate_pairs": int(ei.size),
        "eligible_pairs": int(n_eligible.sum()), "rounds": rounds,
        "proof_cells": int(n_groups) * int(ma), "proof_cells_read": cells_read,
        "seconds_setup": t_setup, "seconds_score": t_score, "seconds_prune": t_prune,
        "seconds_solve": t_solve,
        "seconds_check": t_check, "seconds_total": time.perf_counter() - t0,
    }
    return MatchResult(
        pairs=tuple(pairs), unmatched=tuple(unmatched), total_score=total / 100,
        max_matches=int(lock_i.size + max_free), bound=bound / 100, optimal=optimal, stats=stats,
    )


def _reason(n_eligible, n_open):
    if n_open == 0:
        return "No mentor has a free place."
    if n_eligible == 1:
        return ("The only eligible mentor is taken: the most mentees possible are already "
                "matched, and no one could be added without unmatching someone else.")
    if n_eligible == 0:
        return ("No eligible mentor with a free place: every one is in the same organisation, "
                "was declined, or is in another region while one of you meets only in person.")
    return (f"All {n_eligible} eligible mentors are taken: the most mentees possible are "
            "already matched, and no one could be added without unmatching someone else.")


def suggest_mentors(mentee: Mentee, mentors, k: int = 5, *, declined=(), loads=None,
                    weights: Weights | None = None) -> tuple[Suggestion, ...]:
    """Suggest the `k` best eligible mentors with a free place for one mentee (self-service).

    Parameters
    ----------
    mentee : Mentee
    mentors : sequence of Mentor
    k : int
        How many suggestions at most.
    declined : iterable of str
        Mentor ids this mentee has declined or been declined by.
    loads : mapping of str to int, optional
        Current number of mentees per mentor id; mentors at capacity are skipped.
    weights : Weights, optional

    Returns
    -------
    tuple of Suggestion
        Best first; ties broken by input order.
    """
    if not isinstance(mentee, Mentee):
        raise ValueError(f"mentee must be a Mentee, got {type(mentee).__name__}")
    if not isinstance(k, int) or k < 1:
        raise ValueError(f"k must be a positive integer, got {k!r}")
    mentors = list(mentors)
    _check_ids(mentors, "mentor")
    if not mentors:
        return ()
    arr = encode_pairs([mentee], mentors, weights)
    s = score_block(arr, np.array([0]))[0].astype(np.int64)
    loads = loads or {}
    declined = set(declined)
    for j, mt in enumerate(mentors):
        if mt.id in declined or loads.get(mt.id, 0) >= mt.capacity:
            s[j] = -1
    order = np.argsort(-s, kind="stable")[:k]
    return tuple(Suggestion(mentors[j].id, int(s[j]) / 100, explain_pair(arr, 0, j, int(s[j])))
                 for j in order if s[j] >= 0)


def rematch(mentees, mentors, previous: MatchResult, *, declined=(), accepted=(), locked=(),
            weights: Weights | None = None, **options) -> MatchResult:
    """Re-solve after some proposals were declined, keeping locked and accepted pairs in place.

    Parameters
    ----------
    mentees, mentors : sequences of Mentee and Mentor
    previous : MatchResult
        The earlier result; its locked pairs stay locked.
    declined : iterable of (mentee_id, mentor_id)
        Every declined pair so far (including newly declined proposals).
    accepted : iterable of (mentee_id, mentor_id)
        Proposals that were accepted; they are kept exactly as they are.
    locked : iterable of (mentee_id, mentor_id)
        Further pairs to keep.
    weights : Weights, optional
    **options
        Passed on to :func:`match_mentors`.

    Returns
    -------
    MatchResult
    """
    keep = dict.fromkeys((p.mentee_id, p.mentor_id) for p in previous.pairs if p.locked)
    for pair in list(accepted) + list(locked):
        keep[tuple(pair)] = None
    return match_mentors(mentees, mentors, declined=declined, locked=list(keep),
                         weights=weights, **options)


def eligible_scores(mentees, mentors, *, declined=(), weights: Weights | None = None,
                    chunk: int = 1000):
    """Yield ``(mentee_ids, mentor_ids, scores)`` arrays for every eligible pair, in blocks.

    Eligible means allowed by the hard rules (organisation, declined, region for in-person) with
    a mentor whose capacity is above zero. Scores are in hundredths.
    """
    mentees, mentors = list(mentees), list(mentors)
    mentee_pos = {p.id: k for k, p in enumerate(mentees)}
    mentor_pos = {p.id: k for k, p in enumerate(mentors)}
    dec_i, dec_j = _pair_index(declined, mentee_pos, mentor_pos, "declined")
    arr = encode_pairs(mentees, mentors, weights)
    act = np.flatnonzero(arr.capacity > 0)
    col_pos = np.full(len(mentors), -1, np.int64)
    col_pos[act] = np.arange(act.size)
    dec_r, dec_c = _declined_lookup(dec_i, dec_j, np.arange(len(mentees)), col_pos)
    ids_a = np.array([p.id for p in mentees], dtype=object)
    ids_b = np.array([p.id for p in mentors], dtype=object)[act]
    work = Workspace()
    for lo in range(0, len(mentees), chunk) if act.size else ():
        hi = min(lo + chunk, len(mentees))
        S = score_block(arr, np.arange(lo, hi), act, work=work)
        _apply_declined(S, lo, hi, dec_r, dec_c)
        r, c = np.nonzero(S >= 0)
        yield ids_a[r + lo], ids_b[c], S[r, c]
