"""Checks of the people and pairs given to mentor matching, and pairs turned into positions."""

from __future__ import annotations

import numpy as np

from ..model import Mentee, Mentor
from ..score import PairArrays, hard_rule_breaks, score_pairs
from .results import PairError

__all__ = ["check_people", "check_options", "pair_positions", "check_locked_pairs",
           "declined_by_row", "mark_declined"]


def check_people(mentees, mentors) -> None:
    """Raise ValueError unless both lists hold the right kind of person with unique ids."""
    for p in mentees:
        if not isinstance(p, Mentee):
            raise ValueError(f"mentees must be Mentee objects, got {type(p).__name__}")
    for p in mentors:
        if not isinstance(p, Mentor):
            raise ValueError(f"mentors must be Mentor objects, got {type(p).__name__}")
    check_unique_ids(mentees, "mentee")
    check_unique_ids(mentors, "mentor")


def check_unique_ids(people, what) -> None:
    """Raise ValueError naming the first id that appears twice."""
    seen = set()
    for p in people:
        if p.id in seen:
            raise ValueError(f"duplicate {what} id {p.id!r}")
        seen.add(p.id)


def check_options(*, near, **counts) -> None:
    """Raise ValueError unless every count is a positive integer and `near` is in [0, 100]."""
    for name, value in counts.items():
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    if isinstance(near, bool) or not isinstance(near, (int, float)) or not 0 <= near <= 100:
        raise ValueError(f"near must be a number of points in [0, 100], got {near!r}")


def pair_positions(pairs, mentee_pos, mentor_pos, what):
    """Turn ``(mentee_id, mentor_id)`` pairs into two arrays of list positions.

    Raises
    ------
    PairError
        For a pair that is not two ids, or that names an unknown mentee or mentor.
    """
    mentee_at, mentor_at = [], []
    for k, pair in enumerate(pairs):
        try:
            mentee_id, mentor_id = pair
        except (TypeError, ValueError):
            raise PairError(what, k, "-", f"{what} pair must be (mentee_id, mentor_id), "
                                          f"got {pair!r}") from None
        if mentee_id not in mentee_pos:
            raise PairError(what, k, "mentee_id",
                            f"{what} pair names unknown mentee id {mentee_id!r}")
        if mentor_id not in mentor_pos:
            raise PairError(what, k, "mentor_id",
                            f"{what} pair names unknown mentor id {mentor_id!r}")
        mentee_at.append(mentee_pos[mentee_id])
        mentor_at.append(mentor_pos[mentor_id])
    return np.asarray(mentee_at, np.int64), np.asarray(mentor_at, np.int64)


def check_locked_pairs(arr: PairArrays, mentee_ids, mentor_ids, lock_i, lock_j,
                       declined_keys) -> tuple[np.ndarray, np.ndarray]:
    """Check locked pairs against the hard rules; return their scores and the mentor loads.

    Raises
    ------
    PairError
        Naming the first locked pair that repeats a mentee, is also declined, breaks a hard
        rule, or overfills its mentor.
    """
    scores = score_pairs(arr, lock_i, lock_j) if lock_i.size else np.zeros(0, np.int16)
    breaks = hard_rule_breaks(arr, lock_i, lock_j)
    load = np.zeros(len(mentor_ids), np.int64)
    seen = set()
    for k, (i, j) in enumerate(zip(lock_i.tolist(), lock_j.tolist(), strict=True)):
        pair = (mentee_ids[i], mentor_ids[j])
        if i in seen:
            raise PairError("locked", k, "mentee_id",
                            f"mentee {pair[0]!r} has more than one locked pair")
        seen.add(i)
        if (i, j) in declined_keys:
            raise PairError("locked", k, "mentor_id", f"locked pair {pair} is also declined")
        if breaks["same_person"][k]:
            raise PairError("locked", k, "mentor_id",
                            f"locked pair {pair} would match {pair[0]!r} with themselves")
        if scores[k] < 0:
            raise PairError("locked", k, "mentor_id",
                            f"locked pair {pair} breaks a hard rule (same organisation, or "
                            "different regions while one of them meets only in person)")
        load[j] += 1
        if load[j] > arr.capacity[j]:
            raise PairError("locked", k, "mentor_id", f"locked pairs exceed the capacity "
                                                      f"({arr.capacity[j]}) of mentor {pair[1]!r}")
    return scores, load


def declined_by_row(dec_i, dec_j, row_pos, col_pos):
    """Declined pairs in (row, column) positions of a score matrix, sorted by row.

    `row_pos` and `col_pos` map list positions to matrix positions (-1: not in the matrix).
    """
    r = row_pos[dec_i]
    c = col_pos[dec_j]
    keep = (r >= 0) & (c >= 0)
    r, c = r[keep], c[keep]
    order = np.argsort(r, kind="stable")
    return r[order], c[order]


def mark_declined(S, lo, hi, dec_r, dec_c, col_of=None) -> None:
    """Set declined pairs of matrix rows ``lo:hi`` to -1 in the block `S` of those rows.

    `col_of` maps matrix columns to block columns (-1: not in the block); without it the block
    has every column.
    """
    a, b = np.searchsorted(dec_r, [lo, hi])
    if b <= a:
        return
    rows, cols = dec_r[a:b] - lo, dec_c[a:b]
    if col_of is not None:
        cols = col_of[cols]
        keep = cols >= 0
        rows, cols = rows[keep], cols[keep]
    S[rows, cols] = -1
