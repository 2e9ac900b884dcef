"""Action learning sets: the number placed, then the number isolated, equal an independent
exact reference.

Two references written here, independent of ``matching.sets_exact``: an exhaustive search over
all partitions (up to 10 members) and a plain CP-SAT model without symmetry breaking, with the
rules written pair by pair (11-22 members). The priorities, from docs/matching.md: first the
most members placed (sizes, organisation, region for in-person sets), then the fewest isolated
affinity members (the only one of one of their tags in their set).
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
from matching.model import REGIONS, SetMember
from matching_instances import assert_valid_sets, member_case


def same_org(a, b):
    """Blank is unknown; otherwise case and surrounding spaces do not matter."""
    x, y = a.organisation.strip().lower(), b.organisation.strip().lower()
    return bool(x) and x == y


def valid(group, lo, hi):
    """The hard rules, written again from the spec."""
    if not lo <= len(group) <= hi:
        return False
    if any(same_org(a, b) for a, b in combinations(group, 2)):
        return False
    if all(p.online for p in group):
        return True  # meets online, from anywhere
    # meets in person: one region, and nobody who meets only online
    return len({p.region for p in group}) == 1 and not any(p.online_only for p in group)


def isolated(group):
    """Members who are the only one of one of their tags in the group."""
    return sum(1 for p in group
               if any(sum(t in q.affinity for q in group) == 1 for t in p.affinity))


def brute_force(members, lo, hi):
    """(most members placed, fewest isolated among those), trying every partition."""
    n = len(members)

    @cache
    def best(mask):
        if not mask:
            return 0, 0
        i = (mask & -mask).bit_length() - 1
        rest = mask & ~(1 << i)
        top = best(rest)  # member i stays out
        others = [j for j in range(n) if rest >> j & 1]
        for k in range(lo - 1, hi):
            for combo in combinations(others, k):
                group = [members[i]] + [members[j] for j in combo]
                if valid(group, lo, hi):
                    used = sum(1 << j for j in combo)
                    placed, lone = best(rest & ~used)
                    cand = (placed + k + 1, lone + isolated(group))
                    if (cand[0], -cand[1]) > (top[0], -top[1]):
                        top = cand
        return top

    return best((1 << n) - 1)


def cpsat_reference(members, lo, hi):
    """(most placed, fewest isolated), by a plain CP-SAT model: no symmetry breaking, pairwise
    rules, isolation written per member as "in the set while no other holder of a tag is"."""
    n, K = len(members), len(members) // lo
    m = cp_model.CpModel()
    x = [[m.new_bool_var("") for _ in range(K)] for _ in range(n)]
    for i in range(n):
        m.add(sum(x[i]) <= 1)
    iso = [m.new_bool_var("") for _ in range(n)]
    for s in range(K):
        used = m.new_bool_var("")
        col = [x[i][s] for i in range(n)]
        m.add(sum(col) >= lo).only_enforce_if(used)
        m.add(sum(col) <= hi).only_enforce_if(used)
        m.add(sum(col) == 0).only_enforce_if(~used)
        for i, j in combinations(range(n), 2):
            a, b = members[i], members[j]
            clash = (same_org(a, b) or (a.region != b.region and not (a.online and b.online))
                     or (a.online_only and not b.online) or (b.online_only and not a.online))
            if clash:
                m.add(x[i][s] + x[j][s] <= 1)
        # an in-person member and two members of different regions never share a set
        for i, a in enumerate(members):
            if a.online:
                continue
            for j, k in combinations(range(n), 2):
                if members[j].region != members[k].region:
                    m.add(x[i][s] + x[j][s] + x[k][s] <= 2)
        for i, a in enumerate(members):
            for t in a.affinity:
                mates = [x[j][s] for j in range(n) if j != i and t in members[j].affinity]
                m.add(iso[i] >= x[i][s] - sum(mates))
    placed = sum(v for row in x for v in row)
    m.maximize((n + 1) * placed - sum(iso))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 60
    solver.parameters.num_workers = 8
    assert solver.solve(m) == cp_model.OPTIMAL
    best = round(solver.objective_value)
    placed = -(-best // (n + 1))
    return placed, placed * (n + 1) - best


def check_rules(res, members, lo, hi):
    assert_valid_sets(res, members, lo, hi)
    by_id = {p.id: p for p in members}
    for s in res.sets:
        group = [by_id[i] for i in s.member_ids]
        assert valid(group, lo, hi)
        assert s.in_person == (not all(p.online for p in group))
        assert s.has_isolated_member == bool(isolated(group))


def tricky(seed, n):
    """Few organisations, several regions, many in-person members, scarce tags; some
    organisations blank (unknown) or written with other case and spaces."""
    rng = random.Random(seed)
    members = member_case(seed, n, n_orgs=rng.randint(2, 8), n_regions=rng.randint(1, 3),
                          p_online=rng.choice([0.1, 0.4, 0.7]), p_tag=rng.choice([0.1, 0.3]),
                          p_online_only=random.Random(-seed).choice([0.0, 0.0, 0.4, 0.8]))
    spell = rng.choice([None, "blank", "case"])
    if spell:
        members = [replace(p, organisation="" if spell == "blank" and rng.random() < 0.5
                           else f" {p.organisation.upper()} " if rng.random() < 0.5
                           else p.organisation) for p in members]
    lo = rng.randint(2, 4)
    return members, lo, lo + rng.randint(0, 2)


def outcome(res, members):
    by_id = {p.id: p for p in members}
    lone = sum(isolated([by_id[i] for i in s.member_ids]) for s in res.sets)
    return len(members) - len(res.unplaced), lone


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 10**6), st.integers(0, 10))
def test_most_placed_then_fewest_isolated_equals_brute_force(seed, n):
    members, lo, hi = tricky(seed, n)
    res = form_groups(members, lo, hi, seed=seed)
    check_rules(res, members, lo, hi)
    assert outcome(res, members) == brute_force(members, lo, hi)
    assert res.isolated_members == outcome(res, members)[1]
    assert res.proven_min_unplaced and res.proven_min_isolated
    assert res.unplaced_status and res.isolation_status


@pytest.mark.parametrize("seed", range(30))
def test_most_placed_then_fewest_isolated_equals_reference_model(seed):
    members, lo, hi = tricky(1000 + seed, 11 + seed % 12)
    res = form_groups(members, lo, hi, seed=seed)
    check_rules(res, members, lo, hi)
    assert outcome(res, members) == cpsat_reference(members, lo, hi)
    assert res.proven_min_unplaced and res.proven_min_isolated


def test_references_agree():
    """The two references give the same numbers on instances both can solve."""
    for seed in range(12):
        members, lo, hi = tricky(5000 + seed, 9)
        assert brute_force(members, lo, hi) == cpsat_reference(members, lo, hi)


def test_references_see_isolation_and_blank_organisations():
    """Control: the references are not blind to the second objective or to blank names."""
    base = [replace(p, organisation=f"o{k}", affinity=(), online=True)
            for k, p in enumerate(member_case(7, 6, n_regions=1))]
    one = [replace(base[0], affinity=("bame",))] + base[1:]
    for ref in (brute_force, cpsat_reference):
        assert ref(base, 3, 3) == (6, 0)
        assert ref(one, 3, 3) == (6, 1)  # placed anyway, isolated
        two = [one[0], replace(one[1], affinity=("bame",))] + one[2:]
        assert ref(two, 3, 3) == (6, 0)
        blank = [replace(p, organisation="") for p in base]
        assert ref(blank, 3, 3) == (6, 0)
        same = [replace(p, organisation=" Acme " if k % 2 else "acme")
                for k, p in enumerate(base)]
        assert ref(same, 3, 3) == (0, 0)


def test_exact_stage_places_everyone_where_the_heuristic_did_not():
    rng = random.Random(161)
    n, lo = rng.randint(8, 24), rng.randint(3, 5)
    hi = lo + rng.randint(0, 2)
    members = member_case(161, n, n_orgs=rng.randint(4, 12), n_regions=rng.randint(1, 3),
                          p_online=rng.random(), p_tag=rng.random() * 0.5)
    heuristic = form_groups(members, lo, hi, seed=0, exact_limit=0)
    assert heuristic.unplaced  # the heuristic alone leaves members out
    assert not heuristic.proven_min_unplaced
    res = form_groups(members, lo, hi, seed=0)
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
    res = form_groups(members, 4, 4)
    check_rules(res, members, 4, 4)
    assert res.unplaced == () and res.proven_min_unplaced
    # move one online member to the other region: now one in-person set cannot be completed
    members[3] = person(3, REGIONS[1], True, "o3")
    res = form_groups(members, 4, 4)
    check_rules(res, members, 4, 4)
    assert len(res.unplaced) == 4 and res.proven_min_unplaced
    assert all("no arrangement" in u.reason for u in res.unplaced)


def test_online_only_members_are_placed_online_or_not_at_all():
    """Three who meet only in person and three who meet only online, one region, sets of 3-6:
    one set of six would break the online-only rule, so two sets of three; with sets of 4-6
    nobody can be placed, and the exact stage proves it."""
    def person(k, online, online_only):
        return SetMember(id=f"p{k}", organisation=f"o{k}", region=REGIONS[0],
                         local_authority="LA", service_type="care_home", level=2,
                         online=online, online_only=online_only, lqf=(2,) * len(ELEMENT_CODES))

    members = [person(k, k >= 3, k >= 3) for k in range(6)]
    res = form_groups(members, 3, 6)
    check_rules(res, members, 3, 6)
    assert res.unplaced == () and len(res.sets) == 2
    assert outcome(res, members) == brute_force(members, 3, 6) == cpsat_reference(members, 3, 6)
    res = form_groups(members, 4, 6)
    check_rules(res, members, 4, 6)
    assert len(res.unplaced) == 6 and res.proven_min_unplaced
    assert brute_force(members, 4, 6) == (0, 0)


def test_a_lone_tag_is_placed_anyway_and_its_set_flagged():
    members = [replace(p, organisation=f"own{k}")
               for k, p in enumerate(member_case(2, 12, n_regions=1, p_tag=0.0))]
    solo = replace(members[0], id="solo", organisation="solo-org", affinity=("bame",))
    res = form_groups(members + [solo], 4, 6)
    check_rules(res, members + [solo], 4, 6)
    assert res.unplaced == ()
    assert res.isolated_members == 1 and res.proven_min_isolated
    flagged = [s for s in res.sets if s.has_isolated_member]
    assert len(flagged) == 1 and "solo" in flagged[0].member_ids


def test_large_instance_is_solved_around_the_unplaced_and_not_claimed_proven():
    members, lo, hi = tricky(30, 60)  # the heuristic leaves members out here
    res = form_groups(members, lo, hi, exact_limit=30, exact_work=1.0)
    check_rules(res, members, lo, hi)
    assert res.stats["exact_ran"] and not res.stats["exact_whole"]
    assert res.stats["exact_placed_after"] >= res.stats["exact_placed_before"]
    full = form_groups(members, lo, hi)
    check_rules(full, members, lo, hi)
    assert full.proven_min_unplaced and full.stats["exact_whole"]
    assert len(res.unplaced) >= len(full.unplaced)
    if res.unplaced:
        assert not res.proven_min_unplaced and res.unplaced_status.startswith("best found")
        assert res.stats["exact_scope"] <= 30


def test_everyone_placed_without_the_exact_stage_is_proven():
    members = [replace(p, organisation=f"own{k}", affinity=())
               for k, p in enumerate(member_case(3, 40, n_regions=1))]
    res = form_groups(members, 4, 6)
    check_rules(res, members, 4, 6)
    assert res.unplaced == () and res.proven_min_unplaced
    assert res.stats["exact_ran"] is False


def test_budgets_are_checked():
    with pytest.raises(ValueError, match="exact_limit"):
        form_groups([], 2, 3, exact_limit=-1)
    with pytest.raises(ValueError, match="exact_work"):
        form_groups([], 2, 3, exact_work=0)
    with pytest.raises(ValueError, match="moves"):
        form_groups([], 2, 3, moves=-1)
    with pytest.raises(ValueError, match="time_limit"):
        form_groups([], 2, 3, time_limit=0)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10**6), st.integers(12, 50), st.integers(0, 40))
def test_rules_hold_when_only_part_of_the_instance_is_solved_exactly(seed, n, limit):
    members, lo, hi = tricky(seed, n)
    res = form_groups(members, lo, hi, seed=seed, exact_limit=limit, exact_work=0.3)
    check_rules(res, members, lo, hi)
    if res.stats.get("exact_ran"):  # never worse than the heuristic's sets
        before = (res.stats["exact_placed_before"], -res.stats["exact_isolated_before"])
        after = (res.stats["exact_placed_after"], -res.stats["exact_isolated_after"])
        assert after >= before
        assert res.stats["exact_scope"] <= max(limit, len(members))
        if not res.stats["exact_whole"]:
            assert res.stats["exact_scope"] <= limit
    if res.proven_min_isolated and res.isolated_members:
        assert res.stats["exact_whole"] and res.stats["exact_solver_status"] == "OPTIMAL"
