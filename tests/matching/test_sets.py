"""Action learning sets: hard rules on every instance, full placement when a solution exists,
affinity members placed and not isolated, blank organisations, the same answer for one seed."""

import random
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import matching.sets as sets_module
from matching import form_groups
from matching.lqf import ELEMENT_CODES
from matching.model import REGIONS, SetMember
from matching.sets import isolated_members, set_violations
from matching_instances import assert_valid_sets, member_case

check = assert_valid_sets


@settings(max_examples=80, deadline=None)
@given(st.integers(0, 10**6), st.integers(0, 60), st.integers(2, 5), st.integers(0, 3),
       st.integers(1, 12), st.integers(1, 4), st.floats(0, 1), st.floats(0, 0.6),
       st.sampled_from([0.0, 0.3, 0.7, 1.0]))
def test_hard_rules_hold(seed, n, lo, extra, n_orgs, n_regions, p_online, p_tag,
                         p_online_only):
    members = member_case(seed, n, n_orgs=n_orgs, n_regions=n_regions, p_online=p_online,
                          p_tag=p_tag, p_online_only=p_online_only)
    res = form_groups(members, lo, lo + extra, seed=seed)
    check(res, members, lo, lo + extra)
    assert all(u.cause not in ("", "other") for u in res.unplaced)  # each reason has a kind


def planted(seed, n_sets, lo, hi):
    """Members built from a hidden valid partition, then shuffled: a solution surely exists."""
    rng = random.Random(seed)
    out, k = [], 0
    for s in range(n_sets):
        size = rng.randint(lo, hi)
        region = REGIONS[rng.randrange(3)]
        online = rng.random() < 0.5
        tags = [t for t in ("bame", "women", "entrepreneurs") if rng.random() < 0.5]
        for m in range(size):
            # tagged members come in at least pairs inside the hidden set
            mine = tuple(t for t in tags if m < 2 or rng.random() < 0.3)
            out.append(SetMember(
                id=f"p{k}", organisation=f"org{s}-{m}" if rng.random() < 0.7 else f"big{m}",
                region=region, local_authority=f"LA{rng.randrange(4)}",
                service_type=rng.choice(["care_home", "home_care"]), level=rng.randint(1, 4),
                online=online or m > 0, lqf=tuple(rng.randint(1, 4) for _ in ELEMENT_CODES),
                needs=tuple(rng.sample(["finance", "digital", "wellbeing"], rng.randint(0, 2))),
                affinity=mine))
            k += 1
    rng.shuffle(out)
    return out


@pytest.mark.parametrize("seed", range(25))
def test_everyone_placed_when_a_solution_exists(seed):
    lo, hi = random.Random(seed).choice([(3, 4), (4, 6), (6, 8), (5, 5)])
    members = planted(seed, 2 + seed % 9, lo, hi)
    res = form_groups(members, lo, hi, seed=seed)
    check(res, members, lo, hi)
    assert res.unplaced == ()


def test_impossible_members_get_reasons():
    members = member_case(1, 4, n_regions=1)  # fewer people than the minimum size
    res = form_groups(members, 6, 8)
    assert not res.sets and len(res.unplaced) == 4
    assert all(u.reason for u in res.unplaced)


def person(k, *, org=None, region="London", online=False, tags=(), online_only=False):
    return SetMember(id=f"p{k}", organisation=f"org{k}" if org is None else org, region=region,
                     local_authority=f"LA{k % 3}", service_type="care_home", level=2,
                     online=online or online_only,
                     lqf=tuple(1 + (k + e) % 4 for e in range(len(ELEMENT_CODES))),
                     affinity=tags, online_only=online_only)


@pytest.mark.parametrize("exact_limit", [0, 200])
def test_members_who_meet_only_online_never_land_in_a_set_that_meets_in_person(exact_limit):
    """London has eight who meet only in person and four who asked for online only: with sets
    of 4-6 the arithmetic alone would put the four in with the others; the rule keeps them
    online (with four from elsewhere), and the in-person members in person in London."""
    members = [person(k) for k in range(8)]
    members += [person(k, online_only=True) for k in range(8, 12)]
    members += [person(k, region="North East", online=True) for k in range(12, 16)]
    res = form_groups(members, 4, 6, exact_limit=exact_limit)
    check(res, members, 4, 6)
    assert res.unplaced == ()
    for s in res.sets:
        ids = set(s.member_ids)
        if ids & {"p8", "p9", "p10", "p11"}:
            assert not s.in_person
        if ids & {f"p{k}" for k in range(8)}:
            assert s.in_person and s.region == "London"


def test_an_online_only_member_with_no_online_company_is_left_out_not_put_in_person():
    members = [person(k) for k in range(5)] + [person(5, online_only=True)]
    res = form_groups(members, 3, 6)
    check(res, members, 3, 6)
    assert [u.member_id for u in res.unplaced] == ["p5"]
    assert res.unplaced[0].reason.startswith("meets online")
    assert res.proven_min_unplaced
    # the same member, able to meet either way, joins the in-person set
    either = members[:5] + [person(5, online=True)]
    assert form_groups(either, 3, 6).unplaced == ()


def test_the_rule_check_names_an_online_only_member_in_an_in_person_set():
    group = [person(0), person(1, online_only=True), person(2, online=True)]
    assert set_violations(group) == ["1 online-only member in a set that meets in person"]
    assert set_violations(group[1:]) == []
    with pytest.raises(ValueError, match="only online"):
        SetMember(**{**_fields(person(3)), "online_only": True})


def _fields(p):
    return {f: getattr(p, f) for f in p.__slots__}


@pytest.mark.parametrize("exact_limit", [0, 200])
def test_the_only_in_person_bame_manager_in_london_is_placed_and_the_set_flagged(exact_limit):
    members = [person(k) for k in range(11)] + [person(11, tags=("bame",))]
    res = form_groups(members, 4, 6, exact_limit=exact_limit)
    check(res, members, 4, 6)
    assert res.unplaced == ()
    flagged = [s for s in res.sets if s.has_isolated_member]
    assert len(flagged) == 1 and "p11" in flagged[0].member_ids
    assert res.isolated_members == 1
    if exact_limit:
        assert res.proven_min_isolated and res.isolation_status == "proven minimal"


def test_two_members_with_a_tag_are_never_isolated_when_they_can_share_a_set():
    members = [person(k, online=k % 2 == 0) for k in range(40)]
    members[3] = person(3, tags=("women",))
    members[30] = person(30, tags=("women",))
    res = form_groups(members, 5, 7, exact_limit=0)
    check(res, members, 5, 7)
    assert res.unplaced == () and res.isolated_members == 0
    assert not any(s.has_isolated_member for s in res.sets)


def test_lone_members_who_meet_online_are_kept_company_in_the_online_pool():
    """One bame member in each of two regions, both online: together online, nobody alone."""
    members = [person(k, region=REGIONS[k % 2], online=k % 3 == 0) for k in range(30)]
    members[0] = person(0, region=REGIONS[0], online=True, tags=("bame",))
    members[1] = person(1, region=REGIONS[1], online=True, tags=("bame",))
    res = form_groups(members, 4, 6, exact_limit=0)
    check(res, members, 4, 6)
    assert res.unplaced == () and res.isolated_members == 0
    together = [s for s in res.sets if "p0" in s.member_ids]
    assert "p1" in together[0].member_ids and not together[0].in_person


@pytest.mark.parametrize("exact_limit", [0, 200])
def test_blank_organisations_are_unknown_not_shared(exact_limit):
    members = [replace(p, organisation="") for p in member_case(8, 32, n_regions=1)]
    res = form_groups(members, 6, 8, exact_limit=exact_limit)
    check(res, members, 6, 8)
    assert res.unplaced == ()
    assert not any("organisation" in u.reason for u in res.unplaced)


def test_organisations_differing_only_in_case_and_spaces_are_one():
    members = [person(k, org="Acme Care" if k < 3 else None, online=True) for k in range(12)]
    members[1] = replace(members[1], organisation="  acme care ")
    members[2] = replace(members[2], organisation="ACME  CARE")
    res = form_groups(members, 3, 4)
    check(res, members, 3, 4)
    for s in res.sets:
        assert len({"p0", "p1", "p2"} & set(s.member_ids)) <= 1


def test_reasons_describe_the_member_and_never_contradict_each_other():
    # five in-person members of one region cannot make a set of six; a tag among them
    members = [person(k, region="North East", tags=("bame",) if k < 2 else ())
               for k in range(5)]
    members += [person(k, online=True) for k in range(5, 17)]
    res = form_groups(members, 6, 8)
    check(res, members, 6, 8)
    assert {u.member_id for u in res.unplaced} == {f"p{k}" for k in range(5)}
    for u in res.unplaced:
        assert u.reason.startswith("meets only in person, and fewer than 6 members")
        assert u.cause == "in person only, in a region with too few members"
        assert "in time" not in u.reason
    assert res.proven_min_unplaced


def _fake_slow_clock(monkeypatch):
    """A clock that runs fast: any wall-clock budget would run out early."""
    ticks = iter(range(10**9))
    monkeypatch.setattr(sets_module.time, "perf_counter", lambda: next(ticks) * 0.05)


def _answer(res):
    return res.sets, res.unplaced, res.unplaced_status, res.isolation_status


@pytest.mark.parametrize("n,lo,hi", [(40, 4, 6), (600, 6, 8)])
def test_same_seed_same_answer_whatever_the_clock(monkeypatch, n, lo, hi):
    members = member_case(9, n, n_orgs=n // 5, n_regions=4, p_tag=0.2)
    first = form_groups(members, lo, hi, seed=5)
    _fake_slow_clock(monkeypatch)
    second = form_groups(members, lo, hi, seed=5)
    assert _answer(first) == _answer(second)
    assert not second.stopped_by_time_limit


def test_same_seed_same_answer_when_the_exact_stage_runs(monkeypatch):
    members = member_case(30, 60, n_orgs=5, n_regions=3, p_online=0.4, p_tag=0.3)
    first = form_groups(members, 3, 4, seed=1)
    assert first.stats["exact_ran"]
    _fake_slow_clock(monkeypatch)
    assert _answer(form_groups(members, 3, 4, seed=1)) == _answer(first)


def test_a_time_limit_that_stops_the_search_says_so():
    members = member_case(10, 3000, n_orgs=600, n_regions=9)
    res = form_groups(members, 6, 8, time_limit=0.01)
    assert res.stopped_by_time_limit
    full = form_groups(members[:60], 6, 8)
    assert not full.stopped_by_time_limit


def test_bad_sizes_are_rejected():
    with pytest.raises(ValueError, match="min_size"):
        form_groups([], 1, 4)
    with pytest.raises(ValueError, match="max_size"):
        form_groups([], 5, 4)


def test_improvement_never_lowers_the_worst_set():
    members = member_case(4, 80, n_orgs=30)
    quick = form_groups(members, 4, 6, seed=3, moves=0)
    longer = form_groups(members, 4, 6, seed=3)
    check(longer, members, 4, 6)
    assert len(quick.unplaced) == len(longer.unplaced)
    assert longer.worst_quality >= quick.worst_quality
    assert longer.worst_quality + longer.mean_quality >= quick.worst_quality + quick.mean_quality


@pytest.mark.parametrize("org", ["", None])
def test_in_person_members_who_do_not_fit_are_not_told_about_colleagues(org):
    """Six in-person members and one online member of one region, sets of exactly 4: four
    in-person members make a set; nobody is told a colleague is in the way."""
    members = [person(k, org=org) for k in range(6)] + [person(6, org=org, online=True)]
    res = form_groups(members, 4, 4, exact_limit=0)
    check(res, members, 4, 4)
    assert len(res.unplaced) == 3
    assert not any("organisation" in u.reason for u in res.unplaced)


def test_isolated_members_are_those_alone_with_a_tag_in_their_set():
    group = [person(0, tags=("bame",)), person(1, tags=("bame", "women")), person(2),
             person(3, tags=("entrepreneurs",))]
    assert isolated_members(group) == ["p1", "p3"]
    assert isolated_members(group[:1]) == ["p0"]
    assert isolated_members([person(4), person(5)]) == []
