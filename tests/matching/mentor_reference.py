"""Mentor matching's hard rules, score and optimum written again from docs/matching.md.

Nothing here calls the engine (`matching.score`, `matching.mentors`): a reference that used
the engine's own scorer would agree with it even if a rule were broken. Scores are exact
fractions rounded once to hundredths; the optimum comes from a dense assignment solver on a
capacity-expanded matrix, and, for tiny instances, from trying every assignment.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from scipy.optimize import linear_sum_assignment

DEFAULT_WEIGHTS = {"needs": 35, "lqf": 30, "level": 15, "service_type": 10,
                   "local_authority": 10}


def organisation_key(name):
    """Case and spacing ignored; None for a blank (unknown) organisation."""
    key = " ".join(name.split()).lower()
    return key or None


def broken_rules(mentee, mentor, declined=frozenset()):
    """The hard rules that forbid this pair, by name (empty: the pair is allowed)."""
    broken = []
    if mentee.id == mentor.id:
        broken.append("same person")
    key = organisation_key(mentee.organisation)
    if key is not None and key == organisation_key(mentor.organisation):
        broken.append("same organisation")
    if (mentee.id, mentor.id) in declined:
        broken.append("declined")
    if not (mentee.online and mentor.online) and mentee.region != mentor.region:
        broken.append("different regions, in person")
    return broken


def score_parts(mentee, mentor):
    """Each part of the score as an exact fraction in [0, 1]."""
    needs = set(mentee.needs)
    need_part = Fraction(len(needs & set(mentor.offers)), len(needs)) if needs else Fraction(0)
    growth = [(4 - s) ** 2 for s in mentee.lqf]
    if sum(growth) == 0:  # every element rated 4: all count the same
        growth = [1] * len(growth)
    lqf_part = Fraction(sum(g * (s - 1) for g, s in zip(growth, mentor.lqf, strict=True)),
                        3 * sum(growth))
    if mentor.level > mentee.level:
        level_part = Fraction(1)
    elif mentor.level == mentee.level:
        level_part = Fraction(7, 10)
    else:
        level_part = Fraction(0)
    in_person = not (mentee.online and mentor.online)
    return {
        "needs": need_part,
        "lqf": lqf_part,
        "level": level_part,
        "service_type": Fraction(int(mentee.service_type == mentor.service_type)),
        "local_authority": Fraction(int(in_person
                                        and mentee.local_authority == mentor.local_authority)),
    }


def pair_score(mentee, mentor, weights=None):
    """The score in hundredths (0-10000): the weighted mean of the parts, rounded once."""
    weights = weights or DEFAULT_WEIGHTS
    parts = score_parts(mentee, mentor)
    total = sum(Fraction(w) for w in weights.values())
    mean = sum(Fraction(weights[k]) * parts[k] for k in weights) / total
    return round(10000 * mean)


def score_matrix(mentees, mentors, declined=()):
    """Scores of every pair, -1 where a hard rule forbids it."""
    declined = frozenset(declined)
    S = np.full((len(mentees), len(mentors)), -1, np.int64)
    for i, a in enumerate(mentees):
        for j, b in enumerate(mentors):
            if not broken_rules(a, b, declined):
                S[i, j] = pair_score(a, b)
    return S


def best_matching(mentees, mentors, declined=(), locked=()):
    """(most matches, highest total score among them) by a dense assignment solver.

    Each mentor is one column per place left after the locked pairs; a matched pair is worth
    ``big + score`` with ``big`` above any total, so one more match outweighs any score.
    """
    S = score_matrix(mentees, mentors, declined)
    where_e = {p.id: k for k, p in enumerate(mentees)}
    where_r = {p.id: k for k, p in enumerate(mentors)}
    places = np.array([m.capacity for m in mentors], np.int64)
    free = np.ones(len(mentees), bool)
    fixed = 0
    for a, b in locked:
        i, j = where_e[a], where_r[b]
        fixed += S[i, j]
        places[j] -= 1
        free[i] = False
    slots = np.repeat(np.arange(len(mentors)), places)
    rows = np.flatnonzero(free)
    if rows.size == 0 or slots.size == 0:
        return len(locked), int(fixed)
    W = S[np.ix_(rows, slots)]
    big = 10000 * (rows.size + 1)
    r, c = linear_sum_assignment(np.where(W >= 0, big + W, 0), maximize=True)
    ok = W[r, c] >= 0
    return len(locked) + int(ok.sum()), int(fixed + W[r, c][ok].sum())


def best_matching_by_trying_all(mentees, mentors, declined=()):
    """The same answer as :func:`best_matching` by trying every assignment (tiny cases)."""
    S = score_matrix(mentees, mentors, declined)
    places = [m.capacity for m in mentors]
    best = (0, 0)

    def visit(i, count, total):
        nonlocal best
        if i == len(mentees):
            best = max(best, (count, total))
            return
        visit(i + 1, count, total)
        for j in range(len(mentors)):
            if S[i, j] >= 0 and places[j] > 0:
                places[j] -= 1
                visit(i + 1, count + 1, total + int(S[i, j]))
                places[j] += 1

    visit(0, 0, 0)
    return best
