"""Property tests: every hard rule of mentor matching holds on every generated instance."""

from collections import Counter

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from matching import match_mentors, rematch, suggest_mentors
from matching_instances import mentor_case


@st.composite
def instances(draw):
    seed = draw(st.integers(0, 10**6))
    n = draw(st.integers(0, 25))
    m = draw(st.integers(0, 8))
    mentees, mentors = mentor_case(seed, n, m, n_orgs=draw(st.integers(1, 6)),
                                   n_regions=draw(st.integers(1, 4)),
                                   p_online=draw(st.floats(0, 1)))
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
    dec = set(declined)
    for p in res.pairs:
        a, b = e[p.mentee_id], r[p.mentor_id]
        assert a.organisation != b.organisation
        assert (p.mentee_id, p.mentor_id) not in dec
        if not (a.online and b.online):
            assert a.region == b.region
        assert 0 <= p.score <= 100
        assert p.explanation.endswith(".")
    got = {(p.mentee_id, p.mentor_id) for p in res.pairs}
    assert set(locked) <= got
    assert all(u.reason for u in res.unmatched)
    assert res.bound >= res.total_score - 1e-9


@settings(max_examples=150, deadline=None)
@given(instances())
def test_hard_rules_hold(case):
    mentees, mentors, declined = case
    res = match_mentors(mentees, mentors, declined=declined, per_mentee=2, per_mentor=2)
    check_rules(res, mentees, mentors, declined)
    assert res.optimal and len(res.pairs) == res.max_matches


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
        assert b.organisation != me.organisation and s.mentor_id not in gone
        assert loads.get(b.id, 0) < b.capacity
        assert b.region == me.region or (b.online and me.online)
