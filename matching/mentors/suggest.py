"""One mentee's best mentors (self-service), and every eligible pair's score (audit file)."""

from __future__ import annotations

import numpy as np

from ..model import Mentee, Weights
from ..score import Workspace, encode_pairs, score_block
from .explain import explain_pair
from .inputs import check_unique_ids, declined_by_row, mark_declined, pair_positions
from .results import Suggestion

__all__ = ["suggest_mentors", "eligible_scores"]


def suggest_mentors(mentee: Mentee, mentors, k: int = 5, *, declined=(), loads=None,
                    weights: Weights | None = None,
                    topic_names=None) -> tuple[Suggestion, ...]:
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
    topic_names : mapping of str to str, optional
        Names of a coordinator's own topic codes, for the explanations.

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
    check_unique_ids(mentors, "mentor")
    if not mentors:
        return ()
    arr = encode_pairs([mentee], mentors, weights)
    scores = score_block(arr, np.array([0]))[0].astype(np.int64)
    loads = loads or {}
    declined = set(declined)
    for j, mentor in enumerate(mentors):
        if mentor.id in declined or loads.get(mentor.id, 0) >= mentor.capacity:
            scores[j] = -1
    order = np.argsort(-scores, kind="stable")[:k]
    return tuple(Suggestion(mentors[j].id, int(scores[j]) / 100,
                            explain_pair(arr, 0, j, int(scores[j]), topic_names))
                 for j in order if scores[j] >= 0)


def eligible_scores(mentees, mentors, *, declined=(), weights: Weights | None = None,
                    chunk: int = 1000):
    """Yield ``(mentee_ids, mentor_ids, scores)`` arrays for every eligible pair, in blocks.

    Eligible means allowed by the hard rules (the same person, organisation, declined, region
    for in-person) with a mentor whose capacity is above zero. Scores are in hundredths.
    """
    mentees, mentors = list(mentees), list(mentors)
    mentee_pos = {p.id: k for k, p in enumerate(mentees)}
    mentor_pos = {p.id: k for k, p in enumerate(mentors)}
    dec_i, dec_j = pair_positions(declined, mentee_pos, mentor_pos, "declined")
    arr = encode_pairs(mentees, mentors, weights)
    open_cols = np.flatnonzero(arr.capacity > 0)
    col_pos = np.full(len(mentors), -1, np.int64)
    col_pos[open_cols] = np.arange(open_cols.size)
    dec_r, dec_c = declined_by_row(dec_i, dec_j, np.arange(len(mentees)), col_pos)
    mentee_ids = np.array([p.id for p in mentees], dtype=object)
    mentor_ids = np.array([p.id for p in mentors], dtype=object)[open_cols]
    work = Workspace()
    for lo in range(0, len(mentees), chunk) if open_cols.size else ():
        hi = min(lo + chunk, len(mentees))
        S = score_block(arr, np.arange(lo, hi), open_cols, work=work)
        mark_declined(S, lo, hi, dec_r, dec_c)
        r, c = np.nonzero(S >= 0)
        yield mentee_ids[r + lo], mentor_ids[c], S[r, c]
