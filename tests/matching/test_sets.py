"""Action learning sets: hard rules on every instance, full placement when a solution exists."""

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching import form_groups
from matching.lqf import ELEMENT_CODES
from matching.model import REGIONS, SetMember
from matching_instances import assert_valid_sets, member_case

check = assert_valid_sets


@settings(max_examples=80, deadline=None)
@given(st.integers(0, 10**6), st.integers(0, 60), st.integers(2, 5), st.integers(0, 3),
       st.integers(1, 12), st.integers(1, 4), st.floats(0, 1), st.floats(0, 0.6))
def test_hard_rules_hold(seed, n, lo, extra, n_orgs, n_regions, p_online, p_tag):
    members = member_case(seed, n, n_orgs=n_orgs, n_regions=n_regions, p_online=p_online,
                          p_tag=p_tag)
    res = form_groups(members, lo, lo + extra, seed=seed, time_limit=0.2)
    check(res, members, lo, lo + extra)


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
    res = form_groups(members, lo, hi, seed=seed, time_limit=1.0)
    check(res, members, lo, hi)
    assert res.unplaced == ()


def test_impossible_members_get_reasons():
    members = member_case(1, 4, n_regions=1)  # fewer people than the minimum size
    res = form_groups(members, 6, 8, time_limit=0.2)
    assert not res.sets and len(res.unplaced) == 4
    assert all(u.reason for u in res.unplaced)


def test_lone_affinity_member_is_never_isolated():
    members = member_case(2, 30, n_regions=1, p_tag=0.0)
    tagged = SetMember(**{**{f: getattr(members[0], f) for f in members[0].__slots__},
                          "id": "solo", "affinity": ("bame",)})
    res = form_groups(members[1:] + [tagged], 5, 6, time_limit=0.3)
    for s in res.sets:
        assert "solo" not in s.member_ids  # the only bame member cannot be in any set
    assert any(u.member_id == "solo" for u in res.unplaced)


def test_bad_sizes_are_rejected():
    with pytest.raises(ValueError, match="min_size"):
        form_groups([], 1, 4)
    with pytest.raises(ValueError, match="max_size"):
        form_groups([], 5, 4)


def test_improvement_never_lowers_the_worst_set():
    members = member_case(4, 80, n_orgs=30)
    quick = form_groups(members, 4, 6, seed=3, time_limit=0.001)
    longer = form_groups(members, 4, 6, seed=3, time_limit=1.0)
    check(longer, members, 4, 6)
    assert len(quick.unplaced) == len(longer.unplaced)
    assert longer.worst_quality >= quick.worst_quality
    assert longer.worst_quality + longer.mean_quality >= quick.worst_quality + quick.mean_quality
