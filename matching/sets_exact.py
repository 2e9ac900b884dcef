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

    Model: ``x[i, s]`` puts member ``i`` in candidate set ``s``; ``used[s]`` and
    ``lo*used <= size <= hi*used``; at most one member of an organisation per set; for each
    affinity tag the count in a set is 0 or at least 2. Each candidate set has a kind fixed in
    advance: "in person in region R" (members of R only) for each region with in-person
    members, or "online" (online members only); every valid set is of one of these kinds, and
    each kind has as many candidate sets as its members and organisations allow. Symmetry:
    within a kind, sets are ordered by their first member (in model order) and used sets come
    first. ``hint`` (lists of member indices, valid sets) is
    given to the solver as a starting solution and as a lower bound on the objective.
    """
    import time

    from ortools.sat.python import cp_model

    t0 = time.perf_counter()
    members = list(members)
    n = len(members)
    tag_count = Counter(b for i in members for b in range(3) if P.tags[i] >> b & 1)
    org_count = Counter(P.org[i] for i in members)
    lone = {i for i in members
            if any(P.tags[i] >> b & 1 and tag_count[b] == 1 for b in range(3))}
    # members of the rarest kinds first: the symmetry rules then bite where it matters
    order = sorted((i for i in members if i not in lone),
                   key=lambda i: (P.online[i], -org_count[P.org[i]], P.tags[i] == 0, i))
    pos = {i: k for k, i in enumerate(order)}
    # typed candidate sets: a set with an in-person member of region R holds only members of R;
    # any other set holds only online members. Per type: each used set holds lo members of lo
    # different organisations, an organisation at most one per set.
    kinds = {}
    for i in order:
        if not P.online[i]:
            kinds.setdefault(P.region[i], [])
    for k, i in enumerate(order):
        if P.region[i] in kinds:
            kinds[P.region[i]].append(k)
    kinds[None] = [k for k, i in enumerate(order) if P.online[i]]
    m = cp_model.CpModel()
    x = {}
    set_kind, set_hi = [], []
    for kind, elig in kinds.items():
        per_org = Counter(P.org[order[k]] for k in elig)
        cap = len(elig) // lo
        while cap and lo * cap > sum(min(c, cap) for c in per_org.values()):
            cap -= 1
        first = len(set_kind)
        for t in range(cap):
            s = first + t
            set_kind.append(kind)
            set_hi.append(min(hi, len(per_org)))
            # symmetry: sets of a kind are ordered by their first member
            for p, k in enumerate(elig):
                if p >= t:
                    x[k, s] = m.new_bool_var(f"x{k}_{s}")
            if t:
                seen = None
                for k in elig:
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
    K = len(set_kind)
    if K == 0:
        return ExactOutcome([], True, "OPTIMAL", 0, time.perf_counter() - t0)
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
        m.add(size <= set_hi[s] * used[s])
        if s and set_kind[s] == set_kind[s - 1]:
            m.add_implication(used[s], used[s - 1])
        for _, v in by_set[s]:
            m.add_implication(v, used[s])
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
    # redundant, for a tighter bound: an organisation has at most one member per used set
    per_org_all = defaultdict(list)
    for (k, _), v in x.items():
        per_org_all[P.org[order[k]]].append(v)
    for vs in per_org_all.values():
        m.add(sum(vs) <= sum(used))
    total = sum(x.values())
    m.maximize(total)
    # hint: the heuristic's sets, each given its kind and renumbered to obey the symmetry rules
    slots = defaultdict(list)
    for s, kind in enumerate(set_kind):
        slots[kind].append(s)
    where, ok = {}, True
    by_kind = defaultdict(list)
    for S in hint:
        inp = {P.region[i] for i in S if not P.online[i]}
        by_kind[next(iter(inp)) if inp else None].append(sorted(pos.get(i, -1) for i in S))
    for kind, sets_ in by_kind.items():
        sets_.sort()
        if len(sets_) > len(slots.get(kind, ())):
            ok = False
            break
        for t, S in enumerate(sets_):
            for k in S:
                where[k] = slots[kind][t]
    if hint and ok and all((k, s) in x for k, s in where.items()):
        for (k, s), v in x.items():
            m.add_hint(v, where.get(k) == s)
        busy = set(where.values())
        for s in range(K):
            m.add_hint(used[s], s in busy)
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
