"""Exact action learning sets by CP-SAT: the most members placed, then the fewest isolated.

Used by :func:`matching.sets.form_groups` when its heuristic leaves someone unplaced or
isolated and the members concerned are few enough to solve exactly.
"""

from __future__ import annotations

from collections import Counter, defaultdict

__all__ = ["ExactOutcome", "solve_sets"]

#: One CP-SAT worker: a single search thread with a deterministic work limit gives the same
#: answer for the same model and seed whatever the machine's load (parallel workers race).
WORKERS = 1


class ExactOutcome:
    """Result of :func:`solve_sets`.

    ``sets`` lists the sets found (each a list of the given member indices; None if CP-SAT found
    no solution); ``optimal`` is True when CP-SAT proved that no arrangement obeying the rules
    places more of these members, nor isolates fewer among those placing as many, and
    ``placed_optimal`` when it proved the first of these; ``status`` is
    CP-SAT's status name; ``bound_placed`` a proven upper bound on the members placed;
    ``isolated`` the members isolated in ``sets``; ``stopped_by_time`` is True when the wall-
    clock limit (not the work budget) ended the search.
    """

    __slots__ = ("sets", "optimal", "placed_optimal", "status", "bound_placed", "isolated",
                 "stopped_by_time", "seconds")

    def __init__(self, sets, optimal, status, bound_placed, isolated, stopped_by_time, seconds,
                 placed_optimal=None):
        self.sets, self.optimal, self.status = sets, optimal, status
        self.placed_optimal = optimal if placed_optimal is None else placed_optimal
        self.bound_placed, self.isolated = bound_placed, isolated
        self.stopped_by_time, self.seconds = stopped_by_time, seconds

    @property
    def placed(self) -> int:
        return sum(len(S) for S in self.sets) if self.sets is not None else 0


def _kinds(P, order, lo):
    """Candidate-set kinds: "in person in region R" (members of R only, none who meet only
    online) for each region with in-person members, and "online" (online members only), with
    the member positions each kind may take. Every valid set is of one of these kinds."""
    kinds = {}
    for i in order:
        if not P.online[i]:
            kinds.setdefault(P.region[i], [])
    for k, i in enumerate(order):
        if P.region[i] in kinds and not P.online_only[i]:
            kinds[P.region[i]].append(k)
    kinds[None] = [k for k, i in enumerate(order) if P.online[i]]
    return kinds


def _candidate_sets(m, P, order, kinds, lo, hi):
    """Variables ``x[k, s]`` (member at position k in set s) with symmetry breaking: within a
    kind, sets are ordered by their first member. Returns x, the kind and largest size of each
    set."""
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
    return x, set_kind, set_hi


def _isolation(m, P, order, by_set, K):
    """Per member a flag ``iso`` that is 1 when they are the only one of one of their tags in
    their set (minimised, so it is 1 only when it must be)."""
    iso = {}
    for s in range(K):
        for b in range(3):
            held = [(k, v) for k, v in by_set[s] if P.tags[order[k]] >> b & 1]
            if not held:
                continue
            vs = [v for _, v in held]
            if len(vs) == 1:
                lone = vs[0]
            else:
                pair = m.new_bool_var(f"a{s}_{b}")  # two or more of the tag here
                lone = m.new_bool_var(f"l{s}_{b}")
                m.add(sum(vs) >= 2 * pair)
                m.add(sum(vs) <= lone + len(vs) * pair)
            for k, v in held:
                if k not in iso:
                    iso[k] = m.new_bool_var(f"i{k}")
                m.add_bool_or([v.Not(), lone.Not(), iso[k]])
    return iso


def _add_hint(m, P, order, pos, x, used, set_kind, hint, placed):
    """The heuristic's sets as the starting solution and a lower bound on the objective."""
    slots = defaultdict(list)
    for s, kind in enumerate(set_kind):
        slots[kind].append(s)
    where = {}
    by_kind = defaultdict(list)
    for S in hint:
        inp = {P.region[i] for i in S if not P.online[i]}
        by_kind[next(iter(inp)) if inp else None].append(sorted(pos[i] for i in S))
    for kind, sets_ in by_kind.items():
        sets_.sort()
        if len(sets_) > len(slots.get(kind, ())):
            return
        for t, S in enumerate(sets_):
            for k in S:
                where[k] = slots[kind][t]
    if not hint or not all((k, s) in x for k, s in where.items()):
        return
    for (k, s), v in x.items():
        m.add_hint(v, where.get(k) == s)
    busy = set(where.values())
    for s in range(len(used)):
        m.add_hint(used[s], s in busy)
    m.add(placed >= sum(len(S) for S in hint))


def solve_sets(P, members, lo, hi, *, hint=(), work=2.0, seconds=None, workers=WORKERS,
               seed=0):
    """Split ``members`` (indices into ``P``) into sets obeying every rule: the most members
    placed, then the fewest isolated.

    Model: ``x[i, s]`` puts member ``i`` in candidate set ``s`` (typed by kind, see
    :func:`_kinds`); ``used[s]`` and ``lo*used <= size <= hi*used``; at most one member of an
    organisation per set; per member a flag ``iso`` forced to 1 when they are the only one of
    one of their affinity tags in their set. Objective: maximise ``(N + 1) * placed - isolated``
    (N members), so one more member placed outweighs any number of isolations. ``hint`` (lists
    of member indices, valid sets) is the starting solution and a lower bound.

    ``work`` bounds the search in CP-SAT's deterministic time, so the answer does not depend on
    machine load; ``seconds``, if given, is a wall-clock limit on top.
    """
    import time

    from ortools.sat.python import cp_model

    from .sets import _isolated

    t0 = time.perf_counter()
    members = list(members)
    n = len(members)
    org_count = Counter(P.org[i] for i in members)
    # members of the rarest kinds first: the symmetry rules then bite where it matters
    order = sorted(members, key=lambda i: (P.online[i], -org_count[P.org[i]], P.tags[i] == 0, i))
    pos = {i: k for k, i in enumerate(order)}
    m = cp_model.CpModel()
    x, set_kind, set_hi = _candidate_sets(m, P, order, _kinds(P, order, lo), lo, hi)
    K = len(set_kind)
    if K == 0:
        return ExactOutcome([], True, "OPTIMAL", 0, 0, False, time.perf_counter() - t0)
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
        per_org = defaultdict(list)
        for k, v in by_set[s]:
            m.add_implication(v, used[s])
            per_org[P.org[order[k]]].append(v)
        for vs in per_org.values():
            if len(vs) > 1:
                m.add(sum(vs) <= used[s])
    # redundant, for a tighter bound: an organisation has at most one member per used set
    per_org_all = defaultdict(list)
    for (k, _), v in x.items():
        per_org_all[P.org[order[k]]].append(v)
    for vs in per_org_all.values():
        m.add(sum(vs) <= sum(used))
    weight = n + 1
    placed = sum(x.values())
    _add_hint(m, P, order, pos, x, used, set_kind, hint, placed)
    # Two solves: the most placed first (a smaller model, proven far more often), then, with
    # at least that many placed, the fewest isolated, starting from the first answer.
    m.maximize(placed)
    first = _solve(m, work / 2, seconds, workers, seed)
    status, solver = first
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return ExactOutcome(None, False, solver.status_name(status), n, None,
                            _by_time(first, seconds), time.perf_counter() - t0)
    best_placed = round(solver.objective_value)
    bound = min(n, int(solver.best_objective_bound + 1e-6))
    placed_proven = status == cp_model.OPTIMAL
    found = _sets_of(solver, x, order)
    lone = sum(len(_isolated(P, S)) for S in found)
    name, by_time, iso_proven = solver.status_name(status), _by_time(first, seconds), not lone
    if lone:
        m.clear_hints()
        for v in x.values():
            m.add_hint(v, solver.boolean_value(v))
        for v in used:
            m.add_hint(v, solver.boolean_value(v))
        m.add(placed >= best_placed)
        iso = _isolation(m, P, order, by_set, K)
        m.maximize(weight * placed - sum(iso.values()))
        left = None if seconds is None else max(seconds - solver.wall_time, 0.01)
        status2, solver2 = second = _solve(m, max(work - solver.deterministic_time, work / 4),
                                           left, workers, seed)
        if status2 in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            again = _sets_of(solver2, x, order)
            again_lone = sum(len(_isolated(P, S)) for S in again)
            got = sum(map(len, again))
            if (got, -again_lone) > (best_placed, -lone):
                found, lone, best_placed = again, again_lone, got
            # optimal over every arrangement placing at least the first count, so over all
            iso_proven = status2 == cp_model.OPTIMAL
            if iso_proven:
                bound = best_placed
                placed_proven = True
            name, by_time = solver2.status_name(status2), _by_time(second, left)
    return ExactOutcome(found, placed_proven and iso_proven, name,
                        best_placed if placed_proven else bound, lone, by_time,
                        time.perf_counter() - t0, placed_optimal=placed_proven)


def _solve(m, work, seconds, workers, seed):
    from ortools.sat.python import cp_model

    solver = cp_model.CpSolver()
    solver.parameters.max_deterministic_time = float(work)
    if seconds is not None:
        solver.parameters.max_time_in_seconds = float(seconds)
    solver.parameters.num_workers = int(workers)
    solver.parameters.random_seed = int(seed)
    return solver.solve(m), solver


def _by_time(outcome, seconds):
    """True when the wall-clock limit, not the work budget, ended the search."""
    from ortools.sat.python import cp_model

    status, solver = outcome
    return (status != cp_model.OPTIMAL and seconds is not None
            and solver.wall_time >= 0.95 * seconds)


def _sets_of(solver, x, order):
    sets = defaultdict(list)
    for (k, s), v in x.items():
        if solver.boolean_value(v):
            sets[s].append(order[k])
    return [sorted(S) for _, S in sorted(sets.items())]
