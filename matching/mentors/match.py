"""Whole-pool mentor matching: the most matches possible, then the highest total score."""

from __future__ import annotations

import os
import time

import numpy as np

from ..model import Weights
from ..score import PairArrays, encode_pairs, hard_rule_breaks, pair_parts_many
from .blocks import ScoreBlocks, region_order
from .candidates import first_pass, select_candidates
from .explain import explain_parts, unmatched_reason
from .inputs import (
    check_locked_pairs,
    check_options,
    check_people,
    declined_by_row,
    pair_positions,
)
from .proof import Solution, solve_with_proof
from .results import (
    MENTORS_TAKEN,
    NO_ELIGIBLE_MENTOR,
    NO_OPEN_MENTOR,
    MatchResult,
    Pair,
    Unmatched,
)

__all__ = ["match_mentors", "rematch"]


def match_mentors(mentees, mentors, *, declined=(), locked=(), weights: Weights | None = None,
                  per_mentee: int = 4, per_mentor: int = 24, chunk: int = 256,
                  max_rounds: int = 20, threads: int | None = None,
                  cache_bytes: int = 512 * 2**20, near: float = 1.0,
                  add_per_mentee: int = 8, topic_names=None) -> MatchResult:
    """Match mentees to mentors: the most matches possible, then the highest total score.

    Hard rules: never a person with themselves (the same id on both sides); never two people
    of the same organisation (compared ignoring case and spacing; a blank organisation is
    unknown and never the same as another); never a declined pair; when either person meets
    only in person (``online=False``) both are in the same region; a mentor takes at most
    ``capacity`` mentees; locked pairs are kept.

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
        Rounds of check-and-add before stopping without a proof of the total score. The
        number of matches is then still proven the maximum (by a plain max-flow checked on
        every eligible pair) and ``bound`` is a certified upper bound on the total.
    threads : int, optional
        Worker threads for scoring (default: up to 2, the CPU count).
    cache_bytes : int
        Keep all scores in memory (2 bytes a pair) when they fit, instead of rescoring.
    near : float
        Each check also adds pairs within `near` points of violating the prices (fewer rounds;
        changes speed, not the answer).
    add_per_mentee : int
        Each check adds at most this many pairs per mentee, those that break the prices most
        (doubled each round from the fourth); changes speed, not the answer.
    topic_names : mapping of str to str, optional
        Names of a coordinator's own topic codes, for the explanations (the standard codes
        are named by :data:`matching.topics.TOPIC_NAMES`).

    Returns
    -------
    MatchResult

    Raises
    ------
    ValueError
        On duplicate ids, unknown ids in pairs, or locked pairs that break a hard rule,
        repeat a mentee, or exceed a mentor's capacity.
    """
    t_start = time.perf_counter()
    mentees, mentors = list(mentees), list(mentors)
    check_people(mentees, mentors)
    check_options(per_mentee=per_mentee, per_mentor=per_mentor, chunk=chunk,
                  max_rounds=max_rounds, add_per_mentee=add_per_mentee, near=near)
    threads = threads or max(1, min(2, os.cpu_count() or 1))
    mentee_pos = {p.id: k for k, p in enumerate(mentees)}
    mentor_pos = {p.id: k for k, p in enumerate(mentors)}
    dec_i, dec_j = pair_positions(declined, mentee_pos, mentor_pos, "declined")
    lock_i, lock_j = pair_positions(locked, mentee_pos, mentor_pos, "locked")
    arr = encode_pairs(mentees, mentors, weights)
    declined_keys = set(zip(dec_i.tolist(), dec_j.tolist(), strict=True))
    lock_scores, lock_load = check_locked_pairs(arr, list(mentee_pos), list(mentor_pos),
                                                lock_i, lock_j, declined_keys)

    # The matrix: mentees not locked (rows) x mentors with a place left (columns).
    places_left = arr.capacity - lock_load
    is_locked = np.zeros(len(mentees), bool)
    is_locked[lock_i] = True
    rows = region_order(arr, np.flatnonzero(~is_locked))
    cols = np.flatnonzero(places_left > 0)
    row_pos = np.full(len(mentees), -1, np.int64)
    row_pos[rows] = np.arange(rows.size)
    col_pos = np.full(len(mentors), -1, np.int64)
    col_pos[cols] = np.arange(cols.size)
    dec_r, dec_c = declined_by_row(dec_i, dec_j, row_pos, col_pos)
    blocks = ScoreBlocks(arr, rows, cols, dec_r, dec_c, chunk=chunk, cache_bytes=cache_bytes)
    t_setup = time.perf_counter() - t_start

    t0 = time.perf_counter()
    n_eligible, row_thresholds = first_pass(blocks, per_mentee, threads)
    t_score = time.perf_counter() - t0
    ei, ej, es = select_candidates(blocks, row_thresholds, per_mentee, per_mentor, threads)
    t_select = time.perf_counter() - t0
    solution = solve_with_proof(blocks, ei, ej, es, places_left[cols], max_rounds=max_rounds,
                                near=near, add_per_row=add_per_mentee, threads=threads)
    blocks.clear_cache()

    t0 = time.perf_counter()
    result = _assemble(arr, mentees, mentors, rows, cols, lock_i, lock_j, lock_scores,
                       solution, n_eligible, declined_keys, topic_names)
    result.stats.update({
        "mentees": len(mentees), "mentors": len(mentors),
        "candidate_pairs": int(solution.ei.size), "eligible_pairs": int(n_eligible.sum()),
        "rounds": solution.rounds, "cover_rounds": solution.cover_rounds,
        "proof_cells": int(blocks.n_groups) * int(blocks.n_cols),
        "proof_cells_read": solution.cells_read, "pairs_breaking": solution.pairs_breaking,
        "check_failures": list(solution.check_failures),
        "seconds_setup": t_setup, "seconds_score": t_score, "seconds_prune": t_select,
        "seconds_solve": solution.seconds_solve, "seconds_check": solution.seconds_check,
        "seconds_result": time.perf_counter() - t0,
        "seconds_total": time.perf_counter() - t_start,
    })
    return result


def _status(solution: Solution) -> str:
    if solution.optimal:
        return "proven optimal"
    if solution.check_failures:
        cause = "the proof's own check failed (" + "; ".join(solution.check_failures) + ")"
    else:
        cause = f"the round limit ({solution.rounds}) was reached"
    return ("not proven optimal: the number of matches is the proven maximum, but the total "
            f"score is not proven the highest, because {cause}")


def _assemble(arr: PairArrays, mentees, mentors, rows, cols, lock_i, lock_j, lock_scores,
              solution: Solution, n_eligible, declined_keys, topic_names) -> MatchResult:
    chosen = solution.chosen
    pair_i = np.concatenate([lock_i, rows[solution.ei[chosen]]])
    pair_j = np.concatenate([lock_j, cols[solution.ej[chosen]]])
    pair_s = np.concatenate([lock_scores.astype(np.int64), solution.es[chosen]])
    locked = set(lock_i.tolist())
    mentor_of = {}
    for i, j, s, parts in zip(pair_i.tolist(), pair_j.tolist(), pair_s.tolist(),
                              pair_parts_many(arr, pair_i, pair_j), strict=True):
        mentor_of[i] = (j, s, parts)
    eligible_of = np.zeros(len(mentees), np.int64)  # eligible mentors with a place, per mentee
    eligible_of[rows] = n_eligible
    is_matched = np.zeros(len(mentees), bool)
    is_matched[pair_i] = True
    blockers = _blockers(arr, np.flatnonzero(~is_matched & (eligible_of == 0)), cols,
                         declined_keys)
    pairs, unmatched = [], []
    for i, person in enumerate(mentees):
        if i in mentor_of:
            j, s, parts = mentor_of[i]
            pairs.append(Pair(person.id, mentors[j].id, s / 100,
                              explain_parts(parts, s, topic_names), i in locked))
            continue
        count = int(eligible_of[i])
        cause = (NO_OPEN_MENTOR if not cols.size else
                 NO_ELIGIBLE_MENTOR if count == 0 else MENTORS_TAKEN)
        unmatched.append(Unmatched(person.id, unmatched_reason(cause, count, blockers.get(i)),
                                   cause))
    lock_total = int(lock_scores.astype(np.int64).sum())
    total = lock_total + int(solution.es[chosen].sum())
    bound = lock_total + solution.score_bound
    max_matches = int(lock_i.size) + solution.max_matches
    status = _status(solution)
    stats = {"status": status, "optimal": solution.optimal, "matched": len(pairs),
             "max_matches": max_matches, "total_score": total / 100,
             "score_bound": bound / 100}
    result = MatchResult(pairs=tuple(pairs), unmatched=tuple(unmatched), total_score=total / 100,
                         max_matches=max_matches, bound=bound / 100, optimal=solution.optimal,
                         stats=stats, status=status)
    stats["gap"] = result.gap
    return result


def _blockers(arr: PairArrays, mentee_at, cols, declined_keys, chunk: int = 256) -> dict:
    """For mentees with no eligible mentor: how many mentors with a free place each hard
    rule rules out, each mentor counted under the first rule that applies."""
    if not (mentee_at.size and cols.size):
        return {}
    col_at = np.full(arr.capacity.size, -1, np.int64)
    col_at[cols] = np.arange(cols.size)
    declined_by_mentee = {}
    for i, j in declined_keys:
        if col_at[j] >= 0:
            declined_by_mentee.setdefault(i, []).append(int(col_at[j]))
    out = {}
    for lo in range(0, mentee_at.size, chunk):
        block = mentee_at[lo: lo + chunk]
        breaks = hard_rule_breaks(arr, block[:, None], cols[None, :])
        declined = np.zeros((block.size, cols.size), bool)
        for r, i in enumerate(block.tolist()):
            declined[r, declined_by_mentee.get(i, [])] = True
        ruled_out = np.zeros_like(declined)
        counts = {}
        for name, mask in (("same_person", breaks["same_person"]), ("declined", declined),
                           ("same_organisation", breaks["same_organisation"]),
                           ("apart", breaks["apart"])):
            mask = mask & ~ruled_out
            counts[name] = mask.sum(axis=1)
            ruled_out |= mask
        for r, i in enumerate(block.tolist()):
            out[i] = {name: int(c[r]) for name, c in counts.items()}
    return out


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
