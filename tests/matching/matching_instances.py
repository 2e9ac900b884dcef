"""Small random people for the matching tests (seeded, so failures reproduce)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from matching.lqf import ELEMENT_CODES
from matching.model import AFFINITY_TAGS, REGIONS, Mentee, Mentor, SetMember
from matching.sets import set_violations

TOPICS = ("finance", "leadership", "safeguarding", "digital", "wellbeing")
SERVICES = ("care_home", "home_care", "day_service")


def _person(rng, n_orgs, n_regions, p_online):
    return dict(
        organisation=f"org{rng.integers(n_orgs)}",
        region=REGIONS[rng.integers(n_regions)],
        local_authority=f"LA{rng.integers(3)}",
        service_type=SERVICES[rng.integers(len(SERVICES))],
        level=int(rng.integers(1, 5)),
        online=bool(rng.random() < p_online),
        lqf=tuple(int(x) for x in rng.integers(1, 5, len(ELEMENT_CODES))),
    )


def _topics(rng, hi):
    k = int(rng.integers(0, hi + 1))
    return tuple(TOPICS[t] for t in sorted(rng.choice(len(TOPICS), k, replace=False)))


def mentor_case(seed, n_mentees, n_mentors, *, n_orgs=4, n_regions=2, p_online=0.5, max_cap=3,
                p_blank_org=0.0, p_same_person=0.0, org_spellings=False):
    """Random mentees and mentors (capacity 0..max_cap).

    With the keyword options: a share of blank (unknown) organisations, a share of mentors who
    are also in the mentee list (same id), and organisations spelt with random case and
    spacing. Without them the people are the same as before these options existed.
    """
    rng = np.random.default_rng(seed)
    mentees = [Mentee(id=f"e{k}", needs=_topics(rng, 3), **_person(rng, n_orgs, n_regions,
                                                                   p_online))
               for k in range(n_mentees)]
    mentors = [Mentor(id=f"r{k}", offers=_topics(rng, 4),
                      capacity=int(rng.integers(0, max_cap + 1)),
                      **_person(rng, n_orgs, n_regions, p_online))
               for k in range(n_mentors)]
    if p_blank_org or p_same_person or org_spellings:
        extra = np.random.default_rng([seed, 1])
        mentees = [_respell(extra, p, p_blank_org, org_spellings) for p in mentees]
        mentors = [_respell(extra, p, p_blank_org, org_spellings) for p in mentors]
        n_same = min(int(round(p_same_person * n_mentors)), n_mentees)
        who = extra.choice(n_mentees, n_same, replace=False) if n_same else []
        where = extra.choice(n_mentors, n_same, replace=False) if n_same else []
        for i, j in zip(who, where, strict=True):
            mentors[j] = replace(mentors[j], id=mentees[i].id)
    return mentees, mentors


def _respell(rng, person, p_blank, spellings):
    org = person.organisation
    if rng.random() < p_blank:
        org = ("", " ", "  ")[rng.integers(3)]
    elif spellings:
        org = (org, org.upper(), f" {org.title()}  ", org.capitalize())[rng.integers(4)]
    return replace(person, organisation=org)


def member_case(seed, n, *, n_orgs=10, n_regions=2, p_online=0.7, p_tag=0.3,
                p_online_only=0.0):
    """Random set members with affinity tags; with ``p_online_only``, that share of the
    members who can meet online meet only online (the others are as before)."""
    rng = np.random.default_rng(seed)
    out = []
    for k in range(n):
        tags = tuple(t for t in AFFINITY_TAGS if rng.random() < p_tag)
        out.append(SetMember(id=f"m{k}", needs=_topics(rng, 3), affinity=tags,
                             **_person(rng, n_orgs, n_regions, p_online)))
    if p_online_only:
        extra = np.random.default_rng([seed, 2])
        out = [replace(p, online_only=bool(p.online and extra.random() < p_online_only))
               for p in out]
    return out


def assert_private(res):
    """No text in a result names an affinity tag: a coordinator must not learn who is in which
    affinity network."""
    texts = [u.reason for u in res.unplaced] + [s.summary for s in res.sets]
    texts += [res.unplaced_status, res.isolation_status]
    for text in texts:
        assert not any(tag in text.lower() for tag in AFFINITY_TAGS), text
        assert "affinity" not in text.lower(), text


def assert_valid_sets(res, members, lo, hi):
    """Every member placed once or unplaced with a reason; every set obeys every hard rule;
    no text names an affinity tag."""
    by_id = {p.id: p for p in members}
    placed = [i for s in res.sets for i in s.member_ids]
    assert len(placed) == len(set(placed))
    assert sorted(placed + [u.member_id for u in res.unplaced]) == sorted(by_id)
    for s in res.sets:
        group = [by_id[i] for i in s.member_ids]
        assert set_violations(group, (lo, hi)) == []
        assert 0 <= s.quality <= 100
        # written again from the spec: a set meets in person when anyone in it meets only in
        # person; then nobody in it meets only online, and everyone is from one region
        meets_in_person = any(not p.online for p in group)
        assert s.in_person == meets_in_person
        if meets_in_person:
            assert not any(p.online_only for p in group)
            assert len({p.region for p in group}) == 1
    assert all(u.reason for u in res.unplaced)
    assert_private(res)
