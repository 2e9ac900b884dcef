"""Exact placement for action learning sets: the most members placed, by CP-SAT.

Used by :func:`matching.sets.form_groups` when its heuristic leaves someone unplaced and the
members concerned are few enough to solve exactly.
"""

from __future__ import annotations

from collections import Counter, defaultdict

__all__ = ["ExactOutcome", "solve_max_placed"]

WORKERS = 8


class ExactOutcome:
    """Result of :func:`solve_max_placed`.

    ``sets`` lists the sets found (each a list of the given member indices); ``optimal`` is True
    when CP-SAT proved that no arrangement obeying the rules places more of these members;
    ``status`` is CP-SAT's status name; ``bound`` is a proven upper bound on members placed.
    """

    __slots__ = ("sets", "optimal", "status", "bound", "seconds")

    def __init__(self, sets, optimal, status, bound, seconds):
        self.sets, self.optimal, self.status = sets, optimal, status
        self.bound, self.seconds = bound, seconds

    @property
    def placed(self) -> int:
        return sum(len(S) for S in self.sets)


def solve_max_placed(P, members, lo, hi, *, hint=(), time_limit=5.0, workers=WORKERS, seed=0):
    """Split ``members`` (indices into ``P``) into sets obeying every rule, placing the most.

    Model: ``x[i, s]`` puts member ``i`` in candidate set ``s`` (``len(members) // lo`` of
    them); ``used[s]`` and ``lo*used <= size <= hi*used``; at most one member of an organisation
    per set; ``room[s, R]`` marks a set meeting in person in region ``R``: an in-person member of
    ``R`` needs it, and it excludes every member from another region; for each affinity tag the
    count in a set is 0 or at least 2. Symmetry: member ``i`` (in model order) may only use
    sets ``0..i``, and used sets come first. ``hint`` (lists of member indices, valid sets) is
    given to the solver as a starting solution and as a lower bound on the objective.
    """
    import time

    from ortools.sat.python import cp_model

    t0 = time.perf_counter()
    members = list(members)
    n = len(members)
    # members of the rarest kinds first: the symmetry rule s <= i then bites where it matters
    tag_count = defaultdict(int)
    org_count = defaultdict(int)
    for i in members:
        org_count[P.org[i]] += 1
        for b in range(3):
            if P.tags[i] >> b & 1:
                tag_count[b] += 1
    lone = {i for i in members
            if any(P.tags[i] >> b & 1 and tag_count[b] == 1 for b in range(3))}
    # candidate sets: each used set holds lo members of lo different organisations, and an
    # organisation has at most one member per set; the only member with a tag is never placed
    per_org = Counter(P.org[i] for i in members if i not in lone)
    K = (n - len(lone)) // lo
    while K and lo * K > sum(min(c, K) for c in per_org.values()):
        K -= 1
    hi = min(hi, len(per_org))
    if K == 0:
        return ExactOutcome([], True, "OPTIMAL", 0, time.perf_counter() - t0)
    order = sorted(members, key=lambda i: (P.online[i], -org_count[P.org[i]], P.tags[i] == 0, i))
    pos = {i: k for k, i in enumerate(order)}
    m = cp_model.CpModel()
    x = {}
    for k, i in enumerate(order):
        if i in lone:
            continue
        for s in range(min(k + 1, K)):
            x[k, s] = m.new_bool_var(f"x{k}_{s}")
    by_member = defaultdict(list)
    by_set = defaultdict(list)
    for (k, s), v in x.items():
        by_member[k].append(v)
        by_set[s].append((k, v))
    for vs in by_member.values():
        m.add_at_most_one(vs)
    used = [m.new_bool_var(f"u{s}") for s in range(K)]
    for s in range(K):
        size = sum(v for _, v in by_set[s])
        m.add(size >= lo * used[s])
        m.add(size <= hi * used[s])
        if s:
            m.add_implication(used[s], used[s - 1])
        for _, v in by_set[s]:
            m.add_implication(v, used[s])
        # organisations
        per_org = defaultdict(list)
        for k, v in by_set[s]:
            per_org[P.org[order[k]]].append(v)
        for vs in per_org.values():
            if len(vs) > 1:
                m.add(sum(vs) <= used[s])
        # affinity: 0 or >= 2 of each tag
        for b in range(3):
            vs = [v for k, v in by_set[s] if P.tags[order[k]] >> b & 1]
            if not vs:
                continue
            if len(vs) == 1:
                m.add(vs[0] == 0)
                continue
            a = m.new_bool_var(f"a{s}_{b}")
            m.add(sum(vs) >= 2 * a)
            for v in vs:  # (tighter than sum <= len * a)
                m.add_implication(v, a)
        # region: an in-person member fixes the set's region for everyone
        in_person_regions = {P.region[order[k]] for k, _ in by_set[s] if not P.online[order[k]]}
        room = {R: m.new_bool_var(f"r{s}_{R}") for R in sorted(in_person_regions)}
        if len(room) > 1:
            m.add_at_most_one(room.values())
        for k, v in by_set[s]:
            i = order[k]
            if not P.online[i]:
                m.add_implication(v, room[P.region[i]])
            others = [r for reg, r in room.items() if reg != P.region[i]]
            for r in others:
                m.add_bool_or([v.Not(), r.Not()])
    # symmetry: sets are ordered by their first member (in model order): a member may join set s
    # only if set s-1 already holds an earlier member
    for s in range(1, K):
        seen = None
        for k in range(len(order)):
            v = x.get((k, s))
            if v is not None and seen is not None:
                m.add_implication(v, seen)
            prev = x.get((k, s - 1))
            if prev is None:
                continue
            if seen is None:
                seen = prev
            else:
                c = m.new_bool_var(f"c{k}_{s - 1}")
                m.add_bool_or([seen, prev]).only_enforce_if(c)
                m.add_implication(seen, c)
                m.add_implication(prev, c)
                seen = c
    # redundant, for a tighter bound: an organisation has at most one member per used set
    per_org_all = defaultdict(list)
    for (k, _), v in x.items():
        per_org_all[P.org[order[k]]].append(v)
    for vs in per_org_all.values():
        if len(vs) > K:
            m.add(sum(vs) <= sum(used))
    total = sum(x.values())
    m.maximize(total)
    # hint: the heuristic's sets, renumbered to obey the symmetry rule
    hint_sets = sorted(([pos[i] for i in S] for S in hint), key=min)
    if hint_sets and all(min(S) >= s for s, S in enumerate(hint_sets)) and len(hint_sets) <= K:
        where = {k: s for s, S in enumerate(hint_sets) for k in S}
        if all((k, s) in x for k, s in where.items()):
            for (k, s), v in x.items():
                m.add_hint(v, where.get(k) == s)
            for s in range(K):
                m.add_hint(used[s], s < len(hint_sets))
            m.add(total >= len(where))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = float(time_limit)
    solver.parameters.num_workers = int(workers)
    solver.parameters.random_seed = int(seed)
    status = solver.solve(m)
    name = solver.status_name(status)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return ExactOutcome(None, False, name, n, time.perf_counter() - t0)
    sets = defaultdict(list)
    for (k, s), v in x.items():
        if solver.boolean_value(v):
            sets[s].append(order[k])
    bound = int(solver.best_objective_bound + 1e-6)
    return ExactOutcome([sorted(S) for _, S in sorted(sets.items())], status == cp_model.OPTIMAL,
                        name, bound, time.perf_counter() - t0)
