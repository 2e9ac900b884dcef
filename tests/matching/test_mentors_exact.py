"""Mentor matching against a dense Hungarian reference on many small random instances."""

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment

from matching import match_mentors
from matching.score import encode_pairs, score_block, score_pairs
from matching_instances import mentor_case


def reference(mentees, mentors, declined=(), locked=()):
    """Exact (cardinality, total) by Hungarian on a capacity-expanded dense matrix with big-M."""
    arr = encode_pairs(mentees, mentors)
    S = score_block(arr, np.arange(len(mentees))).astype(np.int64)
    ids_e = {p.id: k for k, p in enumerate(mentees)}
    ids_r = {p.id: k for k, p in enumerate(mentors)}
    for a, b in declined:
        S[ids_e[a], ids_r[b]] = -1
    cap = np.array([m.capacity for m in mentors])
    fixed_total = 0
    free = np.ones(len(mentees), bool)
    for a, b in locked:
        i, j = ids_e[a], ids_r[b]
        fixed_total += S[i, j]
        cap[j] -= 1
        free[i] = False
    slots = np.repeat(np.arange(len(mentors)), cap)
    rows = np.flatnonzero(free)
    if rows.size == 0 or slots.size == 0:
        return len(locked), fixed_total
    W = S[np.ix_(rows, slots)]
    big = 10000 * (len(rows) + 1)
    gain = np.where(W >= 0, big + W, 0)
    r, c = linear_sum_assignment(gain, maximize=True)
    ok = W[r, c] >= 0
    return len(locked) + int(ok.sum()), fixed_total + int(W[r, c][ok].sum())


@pytest.mark.parametrize("seed", range(60))
def test_matches_dense_hungarian(seed):
    rng = np.random.default_rng(1000 + seed)
    n, m = int(rng.integers(1, 14)), int(rng.integers(1, 6))
    mentees, mentors = mentor_case(seed, n, m, n_orgs=int(rng.integers(2, 6)),
                                   p_online=float(rng.random()))
    pairs = [(e.id, r.id) for e in mentees for r in mentors]
    declined = [pairs[k] for k in rng.choice(len(pairs), len(pairs) // 5, replace=False)]
    # tiny candidate lists force the check-and-add rounds to do the work
    small = int(rng.integers(1, 3))
    res = match_mentors(mentees, mentors, declined=declined, per_mentee=small, per_mentor=small)
    k, total = reference(mentees, mentors, declined)
    assert len(res.pairs) == k == res.max_matches
    assert res.optimal
    assert round(res.total_score * 100) == total
    assert res.bound == pytest.approx(res.total_score)


@pytest.mark.parametrize("seed", range(30))
def test_matches_reference_with_locked_pairs(seed):
    rng = np.random.default_rng(5000 + seed)
    mentees, mentors = mentor_case(seed + 77, int(rng.integers(2, 12)), int(rng.integers(1, 5)))
    arr = encode_pairs(mentees, mentors)
    S = score_block(arr, np.arange(len(mentees)))
    load = np.zeros(len(mentors), int)
    locked = []
    for i in rng.permutation(len(mentees))[: len(mentees) // 3]:
        for j in rng.permutation(len(mentors)):
            if S[i, j] >= 0 and load[j] < mentors[j].capacity:
                locked.append((mentees[i].id, mentors[j].id))
                load[j] += 1
                break
    res = match_mentors(mentees, mentors, locked=locked, per_mentee=1, per_mentor=1)
    k, total = reference(mentees, mentors, locked=locked)
    assert len(res.pairs) == k
    assert round(res.total_score * 100) == total
    got = {(p.mentee_id, p.mentor_id) for p in res.pairs}
    assert set(locked) <= got
    assert all(p.locked == ((p.mentee_id, p.mentor_id) in set(locked)) for p in res.pairs)


def test_reported_scores_are_the_engine_scores():
    mentees, mentors = mentor_case(3, 40, 12, n_orgs=8)
    res = match_mentors(mentees, mentors)
    arr = encode_pairs(mentees, mentors)
    pos_e = {p.id: k for k, p in enumerate(mentees)}
    pos_r = {p.id: k for k, p in enumerate(mentors)}
    i = [pos_e[p.mentee_id] for p in res.pairs]
    j = [pos_r[p.mentor_id] for p in res.pairs]
    s = score_pairs(arr, i, j)
    assert [p.score for p in res.pairs] == [int(x) / 100 for x in s]
    assert round(res.total_score * 100) == int(s.astype(np.int64).sum())


@pytest.mark.parametrize("seed", range(5))
def test_block_and_pair_scores_are_identical(seed):
    mentees, mentors = mentor_case(seed, 60, 25)
    arr = encode_pairs(mentees, mentors)
    rng = np.random.default_rng(seed)
    rows = rng.permutation(60)[:37]
    cols = rng.permutation(25)[:19]
    block = score_block(arr, rows, cols)
    ii, jj = np.meshgrid(rows, cols, indexing="ij")
    assert np.array_equal(block, score_pairs(arr, ii.ravel(), jj.ravel()).reshape(block.shape))
    assert block.max() <= 10000 and block.min() >= -1


def test_empty_pools():
    mentees, mentors = mentor_case(1, 5, 3)
    res = match_mentors(mentees, [])
    assert not res.pairs and len(res.unmatched) == 5 and res.optimal
    res = match_mentors([], mentors)
    assert not res.pairs and not res.unmatched and res.total_score == 0


def test_zero_capacity_mentor_gets_nobody():
    mentees, mentors = mentor_case(2, 6, 3, max_cap=0)
    res = match_mentors(mentees, mentors)
    assert not res.pairs
    assert all("free place" in u.reason for u in res.unmatched)
