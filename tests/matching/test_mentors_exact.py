"""Mentor matching against the independent reference of `mentor_reference` on random instances
(blank and differently spelt organisations, people in both lists, declined and locked pairs)."""

import numpy as np
import pytest

from matching import match_mentors
from matching.mentors import eligible_scores
from matching.score import encode_pairs, score_block, score_pairs
from matching_instances import mentor_case
from mentor_reference import (
    best_matching,
    best_matching_by_trying_all,
    broken_rules,
    pair_score,
    score_matrix,
)


def awkward_case(seed, n, m, **options):
    """A random instance with every awkward kind of input switched on."""
    rng = np.random.default_rng(10_000 + seed)
    defaults = dict(n_orgs=int(rng.integers(2, 6)), p_online=float(rng.random()),
                    p_blank_org=float(rng.choice([0.0, 0.3, 1.0])),
                    p_same_person=float(rng.choice([0.0, 0.3])), org_spellings=True)
    return mentor_case(seed, n, m, **{**defaults, **options})


def declined_share(rng, mentees, mentors, share):
    pairs = [(e.id, r.id) for e in mentees for r in mentors]
    return [pairs[k] for k in rng.choice(len(pairs), int(len(pairs) * share), replace=False)]


def assert_pairs_follow_reference(res, mentees, mentors, declined=()):
    e = {p.id: p for p in mentees}
    r = {p.id: p for p in mentors}
    for p in res.pairs:
        if not p.locked:
            assert broken_rules(e[p.mentee_id], r[p.mentor_id], frozenset(declined)) == []
        assert round(p.score * 100) == pair_score(e[p.mentee_id], r[p.mentor_id])


@pytest.mark.parametrize("seed", range(80))
def test_matches_independent_reference(seed):
    rng = np.random.default_rng(1000 + seed)
    n, m = int(rng.integers(1, 14)), int(rng.integers(1, 6))
    mentees, mentors = awkward_case(seed, n, m)
    declined = declined_share(rng, mentees, mentors, 0.2)
    # tiny candidate lists force the check-and-add rounds to do the work
    small = int(rng.integers(1, 3))
    res = match_mentors(mentees, mentors, declined=declined, per_mentee=small, per_mentor=small)
    k, total = best_matching(mentees, mentors, declined)
    assert res.optimal and res.status == "proven optimal"
    assert len(res.pairs) == k == res.max_matches
    assert round(res.total_score * 100) == total
    assert res.bound == pytest.approx(res.total_score) and res.gap == 0
    assert_pairs_follow_reference(res, mentees, mentors, declined)


@pytest.mark.parametrize("seed", range(40))
def test_the_two_references_agree(seed):
    rng = np.random.default_rng(3000 + seed)
    mentees, mentors = awkward_case(seed, int(rng.integers(0, 6)), int(rng.integers(0, 4)),
                                    max_cap=2)
    declined = declined_share(rng, mentees, mentors, 0.2) if mentees and mentors else []
    assert best_matching(mentees, mentors, declined) == best_matching_by_trying_all(
        mentees, mentors, declined)


@pytest.mark.parametrize("seed", range(30))
def test_eligible_pairs_and_scores_equal_the_reference(seed):
    rng = np.random.default_rng(4000 + seed)
    mentees, mentors = awkward_case(seed, int(rng.integers(1, 30)), int(rng.integers(1, 12)))
    declined = declined_share(rng, mentees, mentors, 0.1)
    S = score_matrix(mentees, mentors, declined)
    expected = {(mentees[i].id, mentors[j].id): int(S[i, j])
                for i, j in zip(*np.nonzero(S >= 0), strict=True) if mentors[j].capacity > 0}
    listed = {}
    for a, b, s in eligible_scores(mentees, mentors, declined=declined, chunk=7):
        listed.update(zip(zip(a.tolist(), b.tolist(), strict=True), s.tolist(), strict=True))
    assert listed == expected


@pytest.mark.parametrize("seed", range(30))
def test_matches_reference_with_locked_pairs(seed):
    rng = np.random.default_rng(5000 + seed)
    mentees, mentors = awkward_case(seed + 77, int(rng.integers(2, 12)), int(rng.integers(1, 5)))
    S = score_matrix(mentees, mentors)
    load = np.zeros(len(mentors), int)
    locked = []
    for i in rng.permutation(len(mentees))[: len(mentees) // 3]:
        for j in rng.permutation(len(mentors)):
            if S[i, j] >= 0 and load[j] < mentors[j].capacity:
                locked.append((mentees[i].id, mentors[j].id))
                load[j] += 1
                break
    res = match_mentors(mentees, mentors, locked=locked, per_mentee=1, per_mentor=1)
    k, total = best_matching(mentees, mentors, locked=locked)
    assert len(res.pairs) == k == res.max_matches
    assert round(res.total_score * 100) == total
    got = {(p.mentee_id, p.mentor_id) for p in res.pairs}
    assert set(locked) <= got
    assert all(p.locked == ((p.mentee_id, p.mentor_id) in set(locked)) for p in res.pairs)
    assert_pairs_follow_reference(res, mentees, mentors)


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
    mentees, mentors = awkward_case(seed, 60, 25)
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
    assert all(u.reason == "No mentor has a free place." for u in res.unmatched)
