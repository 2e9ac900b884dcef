"""Property tests: every hard rule of mentor matching holds on every generated instance, with
the rules taken from the independent reference, not from the engine."""

from collections import Counter
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching import Mentee, Mentor, match_mentors, rematch, suggest_mentors
from matching.mentors import PairError, eligible_scores
from matching_instances import mentor_case
from mentor_reference import best_matching, broken_rules


@st.composite
def instances(draw):
    seed = draw(st.integers(0, 10**6))
    n = draw(st.integers(0, 25))
    m = draw(st.integers(0, 8))
    mentees, mentors = mentor_case(seed, n, m, n_orgs=draw(st.integers(1, 6)),
                                   n_regions=draw(st.integers(1, 4)),
                                   p_online=draw(st.floats(0, 1)),
                                   p_blank_org=draw(st.sampled_from([0.0, 0.3, 1.0])),
                                   p_same_person=draw(st.sampled_from([0.0, 0.5])),
                                   org_spellings=draw(st.booleans()))
    rng = np.random.default_rng(seed)
    pairs = [(e.id, r.id) for e in mentees for r in mentors]
    k = draw(st.integers(0, len(pairs)))
    declined = [pairs[x] for x in rng.choice(len(pairs), k, replace=False)] if pairs else []
    return mentees, mentors, declined


def check_rules(res, mentees, mentors, declined, locked=()):
    e = {p.id: p for p in mentees}
    r = {p.id: p for p in mentors}
    seen = [p.mentee_id for p in res.pairs] + [u.mentee_id for u in res.unmatched]
    assert sorted(seen) == sorted(e)
    load = Counter(p.mentor_id for p in res.pairs)
    for mid, k in load.items():
        assert k <= r[mid].capacity
    dec = frozenset(declined)
    for p in res.pairs:
        a, b = e[p.mentee_id], r[p.mentor_id]
        assert broken_rules(a, b, dec) == [] or p.locked
        assert 0 <= p.score <= 100
        assert p.explanation.endswith(".")
    got = {(p.mentee_id, p.mentor_id) for p in res.pairs}
    assert set(locked) <= got
    assert all(u.reason for u in res.unmatched)
    assert res.bound >= res.total_score - 1e-9


@settings(max_examples=150, deadline=None)
@given(instances(), st.sampled_from([1, 2, 20]))
def test_hard_rules_hold(case, max_rounds):
    mentees, mentors, declined = case
    res = match_mentors(mentees, mentors, declined=declined, per_mentee=1, per_mentor=1,
                        max_rounds=max_rounds)
    check_rules(res, mentees, mentors, declined)
    k, total = best_matching(mentees, mentors, declined)
    assert len(res.pairs) == res.max_matches == k
    assert round(res.bound * 100) >= total >= round(res.total_score * 100)
    assert res.optimal == (res.status == "proven optimal")
    if res.optimal:
        assert round(res.total_score * 100) == total


@settings(max_examples=60, deadline=None)
@given(instances(), st.data())
def test_rematch_keeps_accepted_and_avoids_declined(case, data):
    mentees, mentors, declined = case
    first = match_mentors(mentees, mentors, declined=declined)
    flags = data.draw(st.lists(st.sampled_from("adk"), min_size=len(first.pairs),
                               max_size=len(first.pairs)))
    decided = list(zip(first.pairs, flags, strict=True))
    accepted = [(p.mentee_id, p.mentor_id) for p, f in decided if f == "a"]
    newly = [(p.mentee_id, p.mentor_id) for p, f in decided if f == "d"]
    again = rematch(mentees, mentors, first, declined=declined + newly, accepted=accepted)
    check_rules(again, mentees, mentors, declined + newly, locked=accepted)


@settings(max_examples=60, deadline=None)
@given(instances(), st.integers(1, 6))
def test_suggestions_are_eligible_and_sorted(case, k):
    mentees, mentors, declined = case
    if not mentees:
        return
    me = mentees[0]
    gone = {b for a, b in declined if a == me.id}
    loads = {m.id: 1 for m in mentors[::2]}
    sug = suggest_mentors(me, mentors, k, declined=gone, loads=loads)
    assert len(sug) <= k
    assert [s.score for s in sug] == sorted((s.score for s in sug), reverse=True)
    r = {p.id: p for p in mentors}
    for s in sug:
        b = r[s.mentor_id]
        assert broken_rules(me, b) == [] and s.mentor_id not in gone
        assert loads.get(b.id, 0) < b.capacity


def test_person_in_both_lists_is_never_matched_with_themselves():
    # The case: the same id in both files, the organisation written differently.
    lqf = (2,) * 28
    me = Mentee("MR005", "Care Co", "London", "Camden", "care_home", 2, True, lqf, ("finance",))
    same = Mentor("MR005", "Care Co Ltd", "London", "Camden", "care_home", 4, True, (4,) * 28,
                  ("finance",), 2)
    res = match_mentors([me], [same])
    assert not res.pairs and res.max_matches == 0
    assert "same id" in res.unmatched[0].reason
    assert suggest_mentors(me, [same]) == ()
    assert [a.size for a, _, _ in eligible_scores([me], [same])] == [0]
    with pytest.raises(PairError, match="with themselves"):
        match_mentors([me], [same], locked=[("MR005", "MR005")])
    other = Mentor("MR006", "Elsewhere", "London", "Camden", "care_home", 4, True, (4,) * 28,
                   ("finance",), 1)
    res = match_mentors([me], [same, other])
    assert [(p.mentee_id, p.mentor_id) for p in res.pairs] == [("MR005", "MR006")]


def test_blank_organisations_do_not_block_pairs():
    # The case: the organisation column empty for everyone.
    mentees, mentors = mentor_case(4, 12, 5, p_online=1.0, max_cap=3)
    mentees = [replace(p, organisation="") for p in mentees]
    mentors = [replace(p, organisation="") for p in mentors]
    res = match_mentors(mentees, mentors)
    assert len(res.pairs) == min(12, sum(m.capacity for m in mentors)) > 0
    assert res.optimal
    for text in [p.explanation for p in res.pairs] + [u.reason for u in res.unmatched]:
        assert "same organisation" not in text


def test_organisations_differing_in_case_and_spacing_are_one():
    lqf = (2,) * 28
    me = Mentee("e1", "Care Co", "London", "Camden", "care_home", 2, True, lqf)
    mentors = [Mentor(f"r{k}", org, "London", "Camden", "care_home", 3, True, lqf, (), 1)
               for k, org in enumerate(["care co", " CARE  Co ", "Care\tCo"])]
    res = match_mentors([me], mentors)
    assert not res.pairs
    assert "3 work in the same organisation" in res.unmatched[0].reason
