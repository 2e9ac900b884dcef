"""Action learning sets: the number placed equals an independent exact reference.

Two references written here, independent of ``matching.sets_exact``: an exhaustive search over
all partitions (up to 10 members) and a plain CP-SAT model without symmetry breaking, with the
rules written pair by pair (11-22 members).
"""

import random
from dataclasses import replace
from functools import cache
from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from matching import form_groups
from matching.lqf import ELEMENT_CODES
from matching.model import AFFINITY_TAGS, REGIONS, SetMember
from matching_instances import assert_valid_sets, member_case


def valid(group, lo, hi):
    """The rules, written again from the spec."""
    if not lo <= len(group) <= hi:
        return False
    if len({p.organisation for p in group}) < len(group):
        return False
    if any(not p.online for p in group) and len({p.region for p in group}) > 1:
        return False
    return all(sum(t in p.affinity for p in group) != 1 for t in AFFINITY_TAGS)


def brute_force_placed(members, lo, hi):
    """Most members placed, by trying every partition (members may stay out)."""
    n = len(members)

    @cache
    def best(mask):
        if not mask:
            return 0
        i = (mask & -mask).bit_length() - 1
        rest = mask & ~(1 << i)
        top = best(rest)  # member i stays out
        others = [j for j in range(n) if rest >> j & 1]
        for k in range(lo - 1, hi):
            for combo in combinations(others, k):
                group = [members[i]] + [members[j] for j in combo]
                if valid(group, lo, hi):
                    used = sum(1 << j for j in combo)
                    top = max(top, k + 1 + best(rest & ~used))
        return top

    return best((1 << n) - 1)


def cpsat_placed(members, lo, hi):
    """Most members placed, by a plain CP-SAT model (no symmetry breaking, pairwise rules)."""
    n, K = len(members), len(members) // lo
    m = cp_model.CpModel()
    x = [[m.new_bool_var("") for _ in range(K)] for _ in range(n)]
    for i in range(n):
        m.add(sum(x[i]) <= 1)
    for s in range(K):
        used = m.new_bool_var("")
        col = [x[i][s] for i in range(n)]
        m.add(sum(col) >= lo).only_enforce_if(used)
        m.add(sum(col) <= hi).only_enforce_if(used)
        m.add(sum(col) == 0).only_enforce_if(~used)
        for i, j in combinations(range(n), 2):
            a, b = members[i], members[j]
            clash = a.organisation == b.organisation or (
                a.region != b.region and not (a.online and b.online))
            if clash:
                m.add(x[i][s] + x[j][s] <= 1)
        # an in-person member and two members of different regions never share a set
        for i, a in enumerate(members):
            if a.online:
                continue
            for j, k in combinations(range(n), 2):
                if members[j].region != members[k].region:
                    m.add(x[i][s] + x[j][s] + x[k][s] <= 2)
        for t in AFFINITY_TAGS:
            holders = [x[i][s] for i in range(n) if t in members[i].affinity]
            if holders:
                m.add_linear_expression_in_domain(
                    sum(holders), cp_model.Domain.from_intervals([[0, 0], [2, hi]]))
    m.maximize(sum(v for row in x for v in row))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 30
    solver.parameters.num_workers = 8
    assert solver.solve(m) == cp_model.OPTIMAL
    return round(solver.objective_value)


def check_rules(res, members, lo, hi):
    assert_valid_sets(res, members, lo, hi)
    by_id = {p.id: p for p in members}
    for s in res.sets:
        group = [by_id[i] for i in s.member_ids]
        assert valid(group, lo, hi)
        assert s.in_person == (not all(p.online for p in group))


def tricky(seed, n):
    """Few organisations, several regions, many in-person members, scarce tags."""
    rng = random.Random(seed)
    members = member_case(seed, n, n_orgs=rng.randint(2, 8), n_regions=rng.randint(1, 3),
                          p_online=rng.choice([0.1, 0.4, 0.7]), p_tag=rng.choice([0.1, 0.3]))
    lo = rng.randint(2, 4)
    return members, lo, lo + rng.randint(0, 2)


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 10**6), st.integers(0, 10))
def test_fewest_unplaced_equals_brute_force(seed, n):
    members, lo, hi = tricky(seed, n)
    res = form_groups(members, lo, hi, seed=seed, time_limit=0.05)
    check_rules(res, members, lo, hi)
    best = brute_force_placed(members, lo, hi)
    assert n - len(res.unplaced) == best
    assert res.proven_min_unplaced
    assert res.unplaced_status


@pytest.mark.parametrize("seed", range(30))
def test_fewest_unplaced_equals_reference_model(seed):
    members, lo, hi = tricky(1000 + seed, 11 + seed % 12)
    res = form_groups(members, lo, hi, seed=seed, time_limit=0.05)
    check_rules(res, members, lo, hi)
    assert len(members) - len(res.unplaced) == cpsat_placed(members, lo, hi)
    assert res.proven_min_unplaced


def test_references_agree():
    """The two references give the same number on instances both can solve."""
    for seed in range(12):
        members, lo, hi = tricky(5000 + seed, 9)
        assert brute_force_placed(members, lo, hi) == cpsat_placed(members, lo, hi)


def test_exact_stage_places_everyone_where_the_heuristic_did_not():
    rng = random.Random(195)
    n, lo = rng.randint(8, 24), rng.randint(3, 5)
    hi = lo + rng.randint(0, 2)
    members = member_case(195, n, n_orgs=rng.randint(4, 12), n_regions=rng.randint(1, 3),
                          p_online=rng.random(), p_tag=rng.random() * 0.5)
    heuristic = form_groups(members, lo, hi, seed=0, time_limit=0.2, exact_limit=0)
    assert heuristic.unplaced  # the heuristic alone leaves members out
    assert not heuristic.proven_min_unplaced
    res = form_groups(members, lo, hi, seed=0, time_limit=0.2)
    check_rules(res, members, lo, hi)
    assert res.unplaced == ()
    assert res.proven_min_unplaced
    assert res.stats["exact_placed_before"] < res.stats["exact_placed_after"]


def test_in_person_members_of_two_regions_never_share_a_set():
    """Two regions, three in-person members each, one organisation-free online member each.

    Sets of 4 are only possible per region with its own online member; a mixed set would break
    the region rule.
    """
    def person(k, region, online, org):
        return SetMember(id=f"p{k}", organisation=org, region=region, local_authority="LA",
                         service_type="care_home", level=2, online=online,
                         lqf=(2,) * len(ELEMENT_CODES))

    members = [person(k, REGIONS[k // 4], k % 4 == 3, f"o{k}") for k in range(8)]
    res = form_groups(members, 4, 4, time_limit=0.2)
    check_rules(res, members, 4, 4)
    assert res.unplaced == () and res.proven_min_unplaced
    # move one online member to the other region: now one in-person set cannot be completed
    members[3] = person(3, REGIONS[1], True, "o3")
    res = form_groups(members, 4, 4, time_limit=0.2)
    check_rules(res, members, 4, 4)
    assert len(res.unplaced) == 4 and res.proven_min_unplaced
    assert all("proven" in u.reason for u in res.unplaced)


def test_lone_tag_reason_and_proof():
    members = [replace(p, organisation=f"own{k}")
               for k, p in enumerate(member_case(2, 12, n_regions=1, p_tag=0.0))]
    solo = SetMember(**{**{f: getattr(members[0], f) for f in members[0].__slots__},
                        "id": "solo", "organisation": "solo-org", "affinity": ("bame",)})
    res = form_groups(members + [solo], 4, 6, time_limit=0.2)
    check_rules(res, members + [solo], 4, 6)
    assert [u.member_id for u in res.unplaced] == ["solo"]
    assert "only member with affinity 'bame'" in res.unplaced[0].reason
    assert res.proven_min_unplaced


def test_large_instance_is_solved_around_the_unplaced_and_not_claimed_proven():
    members, lo, hi = tricky(25, 60)  # the heuristic leaves members out here
    res = form_groups(members, lo, hi, time_limit=0.2, exact_limit=30, exact_time_limit=1.0)
    check_rules(res, members, lo, hi)
    assert res.stats["exact_ran"] and not res.stats["exact_whole"]
    assert res.stats["exact_placed_after"] >= res.stats["exact_placed_before"]
    full = form_groups(members, lo, hi, time_limit=0.2)
    check_rules(full, members, lo, hi)
    assert full.proven_min_unplaced and full.stats["exact_whole"]
    assert len(res.unplaced) >= len(full.unplaced)
    if res.unplaced:
        assert not res.proven_min_unplaced and res.unplaced_status.startswith("best found")
        assert res.stats["exact_scope"] <= 30


def test_everyone_placed_without_the_exact_stage_is_proven():
    members = [replace(p, organisation=f"own{k}", affinity=())
               for k, p in enumerate(member_case(3, 40, n_regions=1))]
    res = form_groups(members, 4, 6, time_limit=0.2)
    check_rules(res, members, 4, 6)
    assert res.unplaced == () and res.proven_min_unplaced
    assert res.stats["exact_ran"] is False


def test_exact_limit_is_checked():
    with pytest.raises(ValueError, match="exact_limit"):
        form_groups([], 2, 3, exact_limit=-1)
    with pytest.raises(ValueError, match="exact_time_limit"):
        form_groups([], 2, 3, exact_time_limit=0)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10**6), st.integers(12, 50), st.integers(0, 40))
def test_rules_hold_when_only_part_of_the_instance_is_solved_exactly(seed, n, limit):
    members, lo, hi = tricky(seed, n)
    res = form_groups(members, lo, hi, seed=seed, time_limit=0.05, exact_limit=limit,
                      exact_time_limit=0.3)
    check_rules(res, members, lo, hi)
    if res.stats.get("exact_ran"):  # never fewer placed than the heuristic's sets
        assert res.stats["exact_placed_after"] >= res.stats["exact_placed_before"]
        assert res.stats["exact_scope"] <= max(limit, len(members))
        if not res.stats["exact_whole"]:
            assert res.stats["exact_scope"] <= limit
    if res.proven_min_unplaced and res.unplaced:
        assert res.stats["exact_whole"] and res.stats["exact_solver_status"] == "OPTIMAL"
