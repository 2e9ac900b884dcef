"""Action learning sets: hard rules always, then the best worst set and the best mean set."""

from __future__ import annotations

import random
import time
from collections import Counter
from dataclasses import dataclass, field

from .model import AFFINITY_TAGS, GroupWeights, SetMember

__all__ = ["LearningSet", "Unplaced", "GroupResult", "form_groups", "set_violations"]

ONLINE_POOL = "Online (all regions)"


@dataclass(frozen=True, slots=True)
class LearningSet:
    """One action learning set: its members, where it meets and its quality (0-100)."""

    set_id: str
    member_ids: tuple[str, ...]
    region: str
    in_person: bool
    quality: float
    summary: str


@dataclass(frozen=True, slots=True)
class Unplaced:
    """A member left out of every set, with the reason."""

    member_id: str
    reason: str


@dataclass(frozen=True)
class GroupResult:
    """Outcome of :func:`form_groups`."""

    sets: tuple[LearningSet, ...]
    unplaced: tuple[Unplaced, ...]
    worst_quality: float
    mean_quality: float
    stats: dict = field(default_factory=dict)
    #: True when no arrangement obeying the rules leaves fewer members unplaced: everyone was
    #: placed, or the exact stage (CP-SAT) proved the count minimal.
    proven_min_unplaced: bool = False
    #: Plain words on how the number of unplaced members was established.
    unplaced_status: str = ""


class _People:
    """Members as small integers and bitsets, for fast set evaluation in pure Python."""

    def __init__(self, members):
        org_v, la_v, svc_v, top_v = {}, {}, {}, {}

        def code(v, x):
            return v.setdefault(x, len(v))

        self.ids = [p.id for p in members]
        self.org = [code(org_v, p.organisation) for p in members]
        self.la = [code(la_v, p.local_authority) for p in members]
        self.svc = [code(svc_v, p.service_type) for p in members]
        self.region = [p.region for p in members]
        self.online = [p.online for p in members]
        self.tags = [sum(1 << AFFINITY_TAGS.index(t) for t in p.affinity) for p in members]
        self.needs = [sum(1 << code(top_v, t) for t in p.needs) for p in members]
        self.weak = [sum(1 << e for e, s in enumerate(p.lqf) if s <= 2) for p in members]
        self.strong = [sum(1 << e for e, s in enumerate(p.lqf) if s >= 3) for p in members]
        self.n_weak = [w.bit_count() for w in self.weak]
        self.n_services = max(1, len(svc_v))
        self.org_names = list(org_v)


def set_violations(members, size_range=None) -> list[str]:
    """Hard-rule problems of one set of SetMember (empty list when the set is valid)."""
    out = []
    orgs = Counter(p.organisation for p in members)
    for org, k in orgs.items():
        if k > 1:
            out.append(f"{k} members from organisation {org!r}")
    if not all(p.online for p in members) and len({p.region for p in members}) > 1:
        out.append("in-person set spans several regions")
    for tag in AFFINITY_TAGS:
        if sum(tag in p.affinity for p in members) == 1:
            out.append(f"only one member with affinity {tag!r}")
    if size_range and not size_range[0] <= len(members) <= size_range[1]:
        out.append(f"size {len(members)} outside {size_range[0]}-{size_range[1]}")
    return out


class _Scorer:
    def __init__(self, P: _People, w: GroupWeights):
        self.P, self.w = P, w

    def parts(self, S):
        P = self.P
        size = len(S)
        mix = len({P.svc[i] for i in S}) / min(size, P.n_services)
        strong = 0
        for i in S:
            strong |= P.strong[i]
        weak = sum(P.n_weak[i] for i in S)
        cover = 1.0 if weak == 0 else sum((P.weak[i] & strong).bit_count() for i in S) / weak
        seen = dup = 0
        for i in S:
            m = P.needs[i]
            dup |= seen & m
            seen |= m
        with_needs = [i for i in S if P.needs[i]]
        shared = (sum(1 for i in with_needs if P.needs[i] & dup) / len(with_needs)
                  if with_needs else 1.0)
        in_person = not all(P.online[i] for i in S)
        local = None
        if in_person:
            local = (max(Counter(P.la[i] for i in S).values()) - 1) / max(size - 1, 1)
        return mix, cover, shared, local

    def quality(self, S):
        if not S:
            return 0.0
        mix, cover, shared, local = self.parts(S)
        w = self.w
        num = w.service_mix * mix + w.lqf * cover + w.shared_needs * shared
        den = w.service_mix + w.lqf + w.shared_needs
        if local is not None:
            num += w.local_authority * local
            den += w.local_authority
        return 100.0 * num / den if den else 0.0


def _violations(P, S, lo, hi):
    v = 0
    if len(S) < lo:
        v += 2 * (lo - len(S))
    if len(S) > hi:
        v += 2 * (len(S) - hi)
    orgs = Counter(P.org[i] for i in S)
    v += sum(k - 1 for k in orgs.values() if k > 1)
    for b in (1, 2, 4):
        if sum(1 for i in S if P.tags[i] & b) == 1:
            v += 1
    return v


def _representable(t, lo, hi):
    if t == 0:
        return True
    return t // lo >= -(-t // hi)


def _n_sets(t, lo, hi):
    kmin, kmax = -(-t // hi), t // lo
    k = round(t / ((lo + hi) / 2))
    return min(max(k, kmin), kmax)


def _deal(P, pool, k, lo, hi, rng):
    """Greedy start: tagged members in same-tag pairs, big organisations first, balanced sizes."""
    sizes = [len(pool) // k + (1 if s < len(pool) % k else 0) for s in range(k)]
    sets = [[] for _ in range(k)]
    orgs = [set() for _ in range(k)]
    tagc = [[0, 0, 0] for _ in range(k)]
    by_mask = {}
    for i in pool:
        by_mask.setdefault(P.tags[i], []).append(i)
    freq = Counter(P.org[i] for i in pool)
    units = []
    for mask, group in by_mask.items():
        rng.shuffle(group)
        group.sort(key=lambda i: -freq[P.org[i]])
        if mask:
            # pair members of different organisations where possible
            rest = group[:]
            while len(rest) >= 2:
                a = rest.pop(0)
                j = next((x for x in range(len(rest)) if P.org[rest[x]] != P.org[a]), 0)
                units.append([a, rest.pop(j)])
            units.extend([[i] for i in rest])
        else:
            units.extend([[i] for i in group])
    units.sort(key=lambda u: (-len(u), -max(freq[P.org[i]] for i in u)))
    ptr = 0
    for u in units:
        single_tags = P.tags[u[0]] if len(u) == 1 else 0
        chosen, fallback = None, None
        for step in range(k):
            s = (ptr + step) % k
            if sizes[s] - len(sets[s]) < len(u):
                continue
            if any(P.org[i] in orgs[s] for i in u):
                if fallback is None:
                    fallback = s
                continue
            if single_tags and not all(tagc[s][b] for b in range(3) if single_tags >> b & 1):
                if fallback is None or any(P.org[i] in orgs[fallback] for i in u):
                    fallback = s
                continue
            chosen = s
            break
        if chosen is None:
            chosen = fallback if fallback is not None else \
                max(range(k), key=lambda s: sizes[s] - len(sets[s]))
        ptr = (chosen + 1) % k
        for i in u:
            sets[chosen].append(i)
            orgs[chosen].add(P.org[i])
            for b in range(3):
                tagc[chosen][b] += P.tags[i] >> b & 1
    return sets


def _repair(P, sets, lo, hi, rng, deadline):
    """Swap and move members between sets of one pool until no hard rule is broken.

    Steepest descent on the number of broken rules, with O(1) incremental counts: for a broken
    set, every swap and move with a sample of other sets is scored and the best taken (ties at
    random, so plateaus are crossed); a random swap is made when nothing helps.
    """
    k = len(sets)
    orgc = [Counter(P.org[i] for i in S) for S in sets]
    tagc = [[sum(P.tags[i] >> b & 1 for i in S) for b in range(3)] for S in sets]

    def size_v(n):
        return 2 * (max(lo - n, 0) + max(n - hi, 0))

    def total(s):
        return (size_v(len(sets[s])) + sum(c - 1 for c in orgc[s].values() if c > 1)
                + sum(1 for c in tagc[s] if c == 1))

    def delta(s, x, y):
        """Change in set s's broken rules when x leaves and y joins (either may be None)."""
        oc, tc = orgc[s], tagc[s]
        d = 0
        ox = P.org[x] if x is not None else None
        if x is not None and oc[ox] >= 2:
            d -= 1
        if y is not None and oc[P.org[y]] - (ox == P.org[y]) >= 1:
            d += 1
        tx = P.tags[x] if x is not None else 0
        ty = P.tags[y] if y is not None else 0
        if tx != ty:
            for b in range(3):
                c0 = tc[b]
                c1 = c0 - (tx >> b & 1) + (ty >> b & 1)
                d += (c1 == 1) - (c0 == 1)
        n0 = len(sets[s])
        n1 = n0 - (x is not None) + (y is not None)
        return d + size_v(n1) - size_v(n0)

    def apply(s, x, y):
        S = sets[s]
        if x is not None:
            S.remove(x)
            orgc[s][P.org[x]] -= 1
            for b in range(3):
                tagc[s][b] -= P.tags[x] >> b & 1
        if y is not None:
            S.append(y)
            orgc[s][P.org[y]] += 1
            for b in range(3):
                tagc[s][b] += P.tags[y] >> b & 1

    viol = [total(s) for s in range(k)]
    if k < 2:
        return viol
    bad = {s for s in range(k) if viol[s]}
    steps = 0
    while bad and time.perf_counter() < deadline and steps < 50000:
        steps += 1
        a = rng.choice(sorted(bad))
        A = sets[a]
        others = [b for b in rng.sample(range(k), min(k, 60)) if b != a]
        best, best_d = [], 1
        for b in others:
            B = sets[b]
            room_b, room_a = len(B) < hi, len(A) > lo
            for x in A:
                dxa = delta(a, x, None) if room_a and room_b else None
                if dxa is not None:
                    d = dxa + delta(b, None, x)
                    if d < best_d:
                        best, best_d = [(b, x, None)], d
                    elif d == best_d:
                        best.append((b, x, None))
                for y in B:
                    d = delta(a, x, y) + delta(b, y, x)
                    if d < best_d:
                        best, best_d = [(b, x, y)], d
                    elif d == best_d:
                        best.append((b, x, y))
        if best:
            b, x, y = rng.choice(best)
        else:
            b = rng.choice(others)
            x, y = rng.choice(A), rng.choice(sets[b])
        apply(a, x, y)
        apply(b, y, x)
        for s in (a, b):
            viol[s] = total(s)
            (bad.add if viol[s] else bad.discard)(s)
    return viol


def _can_hold(P, S, lo, hi):
    return _violations(P, S, lo, hi) == 0


def _improve(P, sets, pool_of, scorer, lo, hi, rng, deadline):
    """Hill-climb on (worst set quality + mean set quality) with swaps and moves inside pools."""
    import numpy as np

    n = len(sets)
    if n < 2:
        return 0
    q = np.array([scorer.quality(S) for S in sets])
    members_of_pool = {}
    for s, p in enumerate(pool_of):
        members_of_pool.setdefault(p, []).append(s)
    movable = [s for s in range(n) if len(members_of_pool[pool_of[s]]) > 1]
    if not movable:
        return 0
    accepted = 0
    it = last_gain = 0
    while True:
        it += 1
        if it % 256 == 0 and (time.perf_counter() >= deadline or it - last_gain > 50 * n + 5000):
            break
        a = int(np.argmin(q)) if rng.random() < 0.4 else rng.choice(movable)
        peers = members_of_pool[pool_of[a]]
        if len(peers) < 2:
            a = rng.choice(movable)
            peers = members_of_pool[pool_of[a]]
        b = rng.choice(peers)
        if a == b:
            continue
        A, B = sets[a], sets[b]
        ia = rng.randrange(len(A))
        move = rng.random() < 0.2 and len(A) > lo and len(B) < hi
        if move:
            x = A.pop(ia)
            B.append(x)
        else:
            ib = rng.randrange(len(B))
            A[ia], B[ib] = B[ib], A[ia]
        ok = _can_hold(P, A, lo, hi) and _can_hold(P, B, lo, hi)
        if ok:
            qa, qb = scorer.quality(A), scorer.quality(B)
            old_a, old_b = q[a], q[b]
            old_min = q.min()
            q[a], q[b] = qa, qb
            new_min = q.min()
            delta = (qa + qb - old_a - old_b) / n + (new_min - old_min)
            if delta > 1e-12 or (delta > -1e-12 and rng.random() < 0.1):
                accepted += 1
                if delta > 1e-12:
                    last_gain = it
                continue
            q[a], q[b] = old_a, old_b
        if move:
            B.pop()
            A.insert(ia, x)
        else:
            A[ia], B[ib] = B[ib], A[ia]
    return accepted


def _pool_label(P, S):
    regions = {P.region[i] for i in S}
    return next(iter(regions)) if len(regions) == 1 else ONLINE_POOL


def _exact_stage(P, sets, pool_of, unplaced, lo, hi, rng, limit, time_limit, seed):
    """Re-solve exactly with CP-SAT when the heuristic left members unplaced.

    Works on the whole instance when it has at most ``limit`` members (the result is then a
    proof), otherwise on the unplaced members plus whole sets of the pools concerned (their
    regions and the online pool) up to ``limit`` members, the other sets staying as they are.
    ``sets``, ``pool_of`` and ``unplaced`` are updated in place when more members are placed.
    """
    from .sets_exact import solve_max_placed

    n = len(P.ids)
    if not unplaced:
        return {"proven": True, "status": "everyone placed", "ran": False}
    if limit == 0:
        return {"proven": False, "status": "best found (exact stage turned off)", "ran": False}
    whole = n <= limit
    if whole:
        chosen = list(range(len(sets)))
    else:
        concerned = {P.region[i] for i in unplaced}
        if any(P.online[i] for i in unplaced):
            concerned.add(ONLINE_POOL)
        cand = [s for s in range(len(sets)) if pool_of[s] in concerned]
        rng.shuffle(cand)
        chosen, room = [], limit - len(unplaced)
        for s in cand:
            if len(sets[s]) <= room:
                chosen.append(s)
                room -= len(sets[s])
        if room < 0:
            return {"proven": False, "ran": False,
                    "status": f"best found ({len(unplaced)} unplaced members are more than the "
                              f"exact stage's limit of {limit})"}
    scope = sorted(unplaced) + [i for s in chosen for i in sets[s]]
    before = sum(len(sets[s]) for s in chosen)
    out = solve_max_placed(P, scope, lo, hi, hint=[sets[s] for s in chosen],
                           time_limit=time_limit, seed=seed)
    info = {"ran": True, "scope": len(scope), "whole": whole, "solver_status": out.status,
            "bound": out.bound,
            "seconds": out.seconds, "placed_before": before,
            "placed_after": before if out.sets is None else max(before, out.placed)}
    if out.sets is not None and out.placed > before:
        old = dict(unplaced)
        drop = set(chosen)
        keep = [(S, p) for s, (S, p) in enumerate(zip(sets, pool_of, strict=True))
                if s not in drop]
        sets[:] = [S for S, _ in keep] + [list(S) for S in out.sets]
        pool_of[:] = [p for _, p in keep] + [_pool_label(P, S) for S in out.sets]
        placed = {i for S in out.sets for i in S}
        unplaced.clear()
        for i in scope:
            if i not in placed:
                unplaced[i] = old.get(i, "left out so that more members can be placed in total")
        for i, why in old.items():
            if i not in scope:
                unplaced[i] = why
    tag_count = Counter(b for i in range(n) for b in range(3) if P.tags[i] >> b & 1)
    for i in unplaced:
        lone = [AFFINITY_TAGS[b] for b in range(3) if P.tags[i] >> b & 1 and tag_count[b] == 1]
        if lone:
            unplaced[i] = (f"the only member with affinity {lone[0]!r}, and nobody may be the "
                           "only one with a tag in a set")
    if not unplaced:
        return {**info, "proven": True, "status": "everyone placed (after the exact stage)"}
    proven = whole and out.optimal
    if proven:
        note = (f"; proven: no arrangement obeying the rules places more than "
                f"{n - len(unplaced)} of the {n} members")
        for i in unplaced:
            unplaced[i] += note
        status = "proven minimal (exact CP-SAT solve of the whole instance)"
    elif whole:
        status = f"best found (exact solve stopped at its time limit: {out.status})"
    else:
        status = (f"best found (exact solve of {len(scope)} of {n} members around the "
                  "unplaced ones; the instance is larger than the exact stage's limit)")
    return {**info, "proven": proven, "status": status}


def form_groups(members, min_size: int = 6, max_size: int = 8, *,
                weights: GroupWeights | None = None, seed: int = 0,
                time_limit: float = 15.0, exact_limit: int = 200,
                exact_time_limit: float = 5.0) -> GroupResult:
    """Split members into action learning sets.

    Hard rules for every set: size within [`min_size`, `max_size`]; no two members of the same
    organisation; if any member meets only in person, all members are from one region; for each
    affinity tag, either no member or at least two members carry it.

    Method: members are pooled by region (people who meet only in person can only go there);
    online members who do not fit their region's arithmetic or organisation limits move to one
    national online pool. Each pool is dealt into sets (tagged members in pairs, big
    organisations first), repaired by swaps and moves until no rule is broken, then improved by
    a seeded hill-climb on (worst set quality + mean set quality) that only accepts rule-abiding
    changes.

    Parameters
    ----------
    members : sequence of SetMember
    min_size, max_size : int
        Allowed set sizes, ``2 <= min_size <= max_size``.
    weights : GroupWeights, optional
        Weights of the quality parts; defaults to ``GroupWeights()``.
    seed : int
        Seed for every random choice (same seed, same answer given the same time budget).
    time_limit : float
        Seconds to spend in total (construction and improvement).
    exact_limit : int
        Largest number of members the exact stage (CP-SAT) works on; 0 turns it off. It runs
        only when the heuristic leaves someone unplaced: on the whole instance if it has at most
        ``exact_limit`` members (then a proof covers everything), otherwise on the unplaced
        members plus as many sets of the pools concerned as fit (an improvement, not a proof).
    exact_time_limit : float
        Seconds for the exact stage, on top of ``time_limit``.

    Returns
    -------
    GroupResult

    Raises
    ------
    ValueError
        If sizes are invalid, ids repeat, or a member is not a SetMember.
    """
    t0 = time.perf_counter()
    deadline = t0 + time_limit
    members = list(members)
    for x, name in ((min_size, "min_size"), (max_size, "max_size")):
        if not isinstance(x, int) or isinstance(x, bool):
            raise ValueError(f"{name} must be an integer, got {x!r}")
    if not 2 <= min_size <= max_size:
        raise ValueError(f"need 2 <= min_size <= max_size, got {min_size} and {max_size}")
    if not (isinstance(time_limit, (int, float)) and time_limit > 0):
        raise ValueError(f"time_limit must be a positive number, got {time_limit!r}")
    if not isinstance(exact_limit, int) or isinstance(exact_limit, bool) or exact_limit < 0:
        raise ValueError(f"exact_limit must be a non-negative integer, got {exact_limit!r}")
    if not (isinstance(exact_time_limit, (int, float)) and exact_time_limit > 0):
        raise ValueError(f"exact_time_limit must be a positive number, got {exact_time_limit!r}")
    seen = set()
    for p in members:
        if not isinstance(p, SetMember):
            raise ValueError(f"members must be SetMember objects, got {type(p).__name__}")
        if p.id in seen:
            raise ValueError(f"duplicate member id {p.id!r}")
        seen.add(p.id)
    w = weights or GroupWeights()
    rng = random.Random(seed)
    P = _People(members)
    lo, hi = min_size, max_size
    unplaced: dict[int, str] = {}

    # 1. Region pools, then one online pool for members who do not fit their region.
    by_region: dict[str, list[int]] = {}
    for i in range(len(members)):
        by_region.setdefault(P.region[i], []).append(i)
    pools: dict[str, list[int]] = {}
    online_pool: list[int] = []
    for region, group in by_region.items():
        group = group[:]
        rng.shuffle(group)
        while True:
            t = len(group)
            k = _n_sets(t, lo, hi) if t >= lo else 0
            out = []
            if k:
                per_org = Counter(P.org[i] for i in group)
                for org, c in per_org.items():
                    if c > k:  # at most one member of an organisation per set
                        extra = [i for i in group if P.org[i] == org]
                        extra.sort(key=lambda i: not P.online[i])
                        out.extend(extra[: c - k])
            if not out and _representable(t, lo, hi) and (k or t == 0):
                break
            if not out:
                # drop members until the count splits into sets: online ones first
                target = max([x for x in range(t, -1, -1) if _representable(x, lo, hi) and
                              (x == 0 or x >= lo)][:1] or [0])
                onl = [i for i in group if P.online[i]]
                inp = [i for i in group if not P.online[i]]
                drop = t - target
                out = (onl + inp)[:drop] if drop <= len(onl) else group[:]
                if target == 0:
                    out = group[:]
            keep = set(out)
            group = [i for i in group if i not in keep]
            for i in out:
                if P.online[i]:
                    online_pool.append(i)
                elif len(by_region[region]) < lo:
                    unplaced[i] = (f"fewer than {lo} members in {region}, and this member "
                                   "meets only in person")
                elif Counter(P.org[j] for j in by_region[region])[P.org[i]] > len(group) // lo:
                    unplaced[i] = (f"too many members of organisation "
                                   f"{P.org_names[P.org[i]]!r} meet in person in {region} to "
                                   "give each a set without a colleague")
                else:
                    unplaced[i] = (f"the in-person members of {region} cannot be split into "
                                   f"sets of {lo}-{hi}")
            if not group:
                break
        if group:
            pools[region] = group
    # the online pool: its count must split into sets, and each organisation fits
    online_pool.sort()
    rng.shuffle(online_pool)
    while online_pool:
        t = len(online_pool)
        k = _n_sets(t, lo, hi) if t >= lo else 0
        if k and _representable(t, lo, hi):
            per_org = Counter(P.org[i] for i in online_pool)
            extra = []
            for org, c in per_org.items():
                if c > k:
                    extra.extend([i for i in online_pool if P.org[i] == org][: c - k])
            if not extra:
                break
        else:
            target = next((x for x in range(t - 1, -1, -1)
                           if x == 0 or (x >= lo and _representable(x, lo, hi))), 0)
            extra = online_pool[target:]
        for i in extra:
            unplaced[i] = ("left over: after regional sets, the remaining online members could "
                           f"not be split into sets of {lo}-{hi} without two colleagues from one "
                           "organisation")
        drop = set(extra)
        online_pool = [i for i in online_pool if i not in drop]
    if online_pool:
        pools[ONLINE_POOL] = online_pool

    # 2. Deal and repair each pool.
    sets, pool_of = [], []
    n_pools = max(len(pools), 1)
    for name, pool in pools.items():
        k = _n_sets(len(pool), lo, hi)
        dealt = _deal(P, pool, k, lo, hi, rng)
        budget = t0 + time_limit * 0.3 * (len(sets) + k) / max(len(members) / ((lo + hi) / 2), 1)
        viol = _repair(P, dealt, lo, hi, rng, max(budget, time.perf_counter() + 0.05 / n_pools))
        for S, v in zip(dealt, viol, strict=True):
            if v:
                # give up on this set: its members are left out with the reason
                problems = set_violations([members[i] for i in S], (lo, hi))
                for i in S:
                    unplaced[i] = "no valid set found in time: " + "; ".join(problems)
            else:
                sets.append(S)
                pool_of.append(name)
    t_build = time.perf_counter() - t0

    # 3. Exact stage: when someone is unplaced, CP-SAT finds the most members that can be placed.
    exact = _exact_stage(P, sets, pool_of, unplaced, lo, hi, rng, exact_limit,
                         exact_time_limit, seed)
    deadline += exact.get("seconds", 0.0)

    # 4. Improve worst and mean quality without breaking any rule.
    scorer = _Scorer(P, w)
    accepted = _improve(P, sets, pool_of, scorer, lo, hi, rng, deadline)
    out_sets = []
    by_pool = sorted(zip(sets, pool_of, strict=True), key=lambda x: (x[1], min(x[0])))
    for k, (S, pool) in enumerate(by_pool):
        S = sorted(S)
        mix, cover, shared, local = scorer.parts(S)
        in_person = pool != ONLINE_POOL and not all(P.online[i] for i in S)
        summary = (f"{'in person' if in_person else 'online'}; "
                   f"{len({P.svc[i] for i in S})} service types; weak LQF elements covered "
                   f"{100 * cover:.0f}%; members sharing a need {100 * shared:.0f}%")
        if local is not None:
            summary += f"; same local authority {100 * local:.0f}%"
        out_sets.append(LearningSet(f"S{k + 1:04d}", tuple(P.ids[i] for i in S), pool,
                                    in_person, round(scorer.quality(S), 2), summary))
    qs = [s.quality for s in out_sets]
    return GroupResult(
        sets=tuple(out_sets),
        unplaced=tuple(Unplaced(P.ids[i], unplaced[i]) for i in sorted(unplaced)),
        worst_quality=min(qs) if qs else 0.0,
        mean_quality=sum(qs) / len(qs) if qs else 0.0,
        stats={"members": len(members), "pools": len(pools), "seconds_build": t_build,
               "improving_moves": accepted, "seconds_total": time.perf_counter() - t0,
               **{f"exact_{k}": v for k, v in exact.items() if k not in ("proven", "status")}},
        proven_min_unplaced=exact["proven"],
        unplaced_status=exact["status"],
    )
