"""Action learning sets: the most members placed, then the fewest isolated, then the best sets."""

from __future__ import annotations

import random
import time
from collections import Counter
from dataclasses import dataclass, field

from .model import AFFINITY_TAGS, GroupWeights, SetMember, organisation_key

__all__ = ["LearningSet", "Unplaced", "GroupResult", "form_groups", "set_violations",
           "isolated_members"]

ONLINE_POOL = "Online (all regions)"
#: While repairing, one broken hard rule (size, organisation) costs as much as this many
#: isolated members: placing people comes first.
_HARD = 4
_ALL_TAGS = (1 << len(AFFINITY_TAGS)) - 1


@dataclass(frozen=True, slots=True)
class LearningSet:
    """One action learning set: its members, where it meets and its quality (0-100).

    ``has_isolated_member`` is True when someone in the set is the only member of one of their
    affinity networks there; it says nothing about who, or which network.
    """

    set_id: str
    member_ids: tuple[str, ...]
    region: str
    in_person: bool
    quality: float
    summary: str
    has_isolated_member: bool = False


@dataclass(frozen=True, slots=True)
class Unplaced:
    """A member left out of every set, with the reason (about the member, in plain words) and
    its kind in a few words (``cause``), for counting in a summary."""

    member_id: str
    reason: str
    cause: str = ""


#: Start of a reason -> its kind, in words that fit "N could not be placed (2 <kind>; ...)".
_CAUSES = (
    ("meets only in person, and fewer than", "in person only, in a region with too few members"),
    ("meets only in person, and too many colleagues",
     "in person only, with too many colleagues from their organisation in the region"),
    ("meets only in person, and the members who can meet",
     "in person only, where the region's numbers do not split into sets"),
    ("meets online, and too many colleagues",
     "online, with too many colleagues from their organisation left to meet online"),
    ("meets online, and the members left", "online, where the numbers left do not split"),
    ("no set of", "with no set free of a colleague from their organisation"),
    ("left out so that", "left out so that more could be placed overall"),
)


def _cause(reason: str) -> str:
    return next((kind for start, kind in _CAUSES if reason.startswith(start)), "other")


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
    #: Members who are the only one of one of their affinity networks in their set.
    isolated_members: int = 0
    #: True when no arrangement placing as many members isolates fewer.
    proven_min_isolated: bool = False
    #: Plain words on how the number of isolated members was established.
    isolation_status: str = ""
    #: True when the user's time limit stopped the search before its budget of moves.
    stopped_by_time_limit: bool = False


class _People:
    """Members as small integers and bitsets, for fast set evaluation in pure Python."""

    def __init__(self, members):
        org_v, la_v, svc_v, top_v = {}, {}, {}, {}

        def code(v, x):
            return v.setdefault(x, len(v))

        self.ids = [p.id for p in members]
        # a blank organisation is unknown: a code of its own, shared with nobody
        self.org = [code(org_v, organisation_key(p.organisation) or ("", k))
                    for k, p in enumerate(members)]
        self.la = [code(la_v, p.local_authority) for p in members]
        self.svc = [code(svc_v, p.service_type) for p in members]
        self.region = [p.region for p in members]
        self.online = [p.online for p in members]
        self.online_only = [p.online_only for p in members]
        self.tags = [sum(1 << AFFINITY_TAGS.index(t) for t in p.affinity) for p in members]
        self.needs = [sum(1 << code(top_v, t) for t in p.needs) for p in members]
        self.weak = [sum(1 << e for e, s in enumerate(p.lqf) if s <= 2) for p in members]
        self.strong = [sum(1 << e for e, s in enumerate(p.lqf) if s >= 3) for p in members]
        self.n_weak = [w.bit_count() for w in self.weak]
        self.n_services = max(1, len(svc_v))
        self.topics = list(top_v)


def set_violations(members, size_range=None) -> list[str]:
    """Hard-rule problems of one set of SetMember (empty list when the set is valid).

    The hard rules are the size, one member per organisation (a blank organisation is unknown
    and clashes with nobody), one region when anyone meets only in person, and nobody who meets
    only online in a set that meets in person (a set meets in person when anyone in it meets
    only in person). Isolating an affinity member is not a hard rule: see :func:`form_groups`.
    """
    out = []
    orgs = Counter(organisation_key(p.organisation) for p in members)
    for org, k in orgs.items():
        if org and k > 1:
            out.append(f"{k} members from one organisation")
    in_person = not all(p.online for p in members)
    if in_person and len({p.region for p in members}) > 1:
        out.append("in-person set spans several regions")
    if in_person:
        k = sum(p.online_only for p in members)
        if k:
            out.append(f"{k} online-only {'member' if k == 1 else 'members'} in a set that "
                       "meets in person")
    if size_range and not size_range[0] <= len(members) <= size_range[1]:
        out.append(f"size {len(members)} outside {size_range[0]}-{size_range[1]}")
    return out


def isolated_members(members) -> list[str]:
    """Ids of the members of one set who are the only one of one of their affinity tags in it.

    For telling those members privately (never a coordinator): see docs/sets.md.
    """
    members = list(members)
    return [members[i].id for i in _isolated(_People(members), range(len(members)))]


class _Scorer:
    def __init__(self, P: _People, w: GroupWeights):
        self.P, self.w = P, w

    def parts(self, S):
        P = self.P
        size = len(S)
        svc, la = set(), {}
        strong = n_weak = seen = dup = 0
        online = True
        for i in S:
            svc.add(P.svc[i])
            strong |= P.strong[i]
            n_weak += P.n_weak[i]
            m = P.needs[i]
            dup |= seen & m
            seen |= m
            if not P.online[i]:
                online = False
            la[P.la[i]] = la.get(P.la[i], 0) + 1
        mix = len(svc) / min(size, P.n_services)
        cover = 1.0 if n_weak == 0 else sum((P.weak[i] & strong).bit_count()
                                            for i in S) / n_weak
        with_needs = shared = 0
        for i in S:
            if P.needs[i]:
                with_needs += 1
                shared += bool(P.needs[i] & dup)
        shared = shared / with_needs if with_needs else 1.0
        local = None if online else (max(la.values()) - 1) / max(size - 1, 1)
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


def _shared_needs(P, S):
    """Bitset of the needs at least two members of S have."""
    seen = dup = 0
    for i in S:
        m = P.needs[i]
        dup |= seen & m
        seen |= m
    return dup


def _hard_ok(P, S, lo, hi):
    if not lo <= len(S) <= hi:
        return False
    orgs = [P.org[i] for i in S]
    return len(set(orgs)) == len(orgs)


def _may_exchange(P, A, B, x, y):
    """Whether x (from A) may go to B and y (from B, or None for a move) to A without two
    members of one organisation in a set (sizes are checked by the caller)."""
    ox = P.org[x]
    if y is None:
        return all(P.org[j] != ox for j in B)
    oy = P.org[y]
    return (ox == oy or (all(P.org[j] != oy for j in A if j != x)
                         and all(P.org[j] != ox for j in B if j != y)))


def _isolated(P, S):
    """Members of S who are the only one in S with one of their tags."""
    once = twice = 0
    for i in S:
        t = P.tags[i]
        twice |= once & t
        once |= t
    lone = once & ~twice
    return [i for i in S if P.tags[i] & lone] if lone else []


def _representable(t, lo, hi):
    if t == 0:
        return True
    return t // lo >= -(-t // hi)


def _n_sets(t, lo, hi):
    kmin, kmax = -(-t // hi), t // lo
    k = round(t / ((lo + hi) / 2))
    return min(max(k, kmin), kmax)


# ---------------------------------------------------------------------------------------------
# 1. Pools


def _lone_online(P, pools):
    """Online members who are the only one of a tag in their region's pool and could keep each
    other company online: at least two such members share the tag, or a region with three or
    more members of the tag can spare an online one."""
    moving = set()
    for b in range(len(AFFINITY_TAGS)):
        holders = {r: [i for i in g if P.tags[i] >> b & 1] for r, g in pools.items()}
        lone = [h[0] for h in holders.values() if len(h) == 1 and P.online[h[0]]]
        if len(lone) == 1:
            donor = next((i for h in holders.values() if len(h) >= 3
                          for i in h if P.online[i] and i not in moving), None)
            if donor is not None:
                lone.append(donor)
        if len(lone) >= 2:
            moving.update(lone)
    return sorted(moving)


def _fits(P, group, lo, hi):
    """The group can be split into sets of lo..hi with one member of an organisation per set."""
    t = len(group)
    if t == 0:
        return True
    if t < lo or not _representable(t, lo, hi):
        return False
    k = _n_sets(t, lo, hi)
    return max(Counter(P.org[i] for i in group).values()) <= k


def _online_company(P, pools, online_pool, lo, hi):
    """Move lone online tag holders from their regions to the online pool, with untagged
    online members for company if the online pool needs more people, but only when every pool
    still splits into sets: placing people comes first."""
    movers = _lone_online(P, pools)
    if not movers:
        return online_pool
    trial = {r: [i for i in g if i not in set(movers)] for r, g in pools.items()}
    if not all(_fits(P, g, lo, hi) for g in trial.values()):
        return online_pool
    online = online_pool + movers
    spare = [(r, i) for r, g in trial.items() for i in g if P.online[i] and not P.tags[i]]
    for r, i in spare:
        if _fits(P, online, lo, hi):
            break
        rest = [j for j in trial[r] if j != i]
        if _fits(P, rest, lo, hi):
            trial[r] = rest
            online.append(i)
    if not _fits(P, online, lo, hi):
        return online_pool
    pools.clear()
    pools.update((r, g) for r, g in trial.items() if g)
    return online


def _pools(P, lo, hi, rng):
    """Region pools and one online pool, and the members none of them can hold (with reasons).

    Each region is one pool (people who meet only in person can only be there). People who
    meet only online start in the online pool: a region's sets may meet in person. If a
    region's count cannot be split into sizes ``lo..hi``, or an organisation has more members
    there than there are sets, online members move to the online pool.
    """
    unplaced: dict[int, str] = {}
    by_region: dict[str, list[int]] = {}
    pools: dict[str, list[int]] = {}
    online_pool = []
    for i in range(len(P.ids)):
        if P.online_only[i]:
            online_pool.append(i)
        else:
            by_region.setdefault(P.region[i], []).append(i)
    for region, members in by_region.items():
        group = members[:]
        rng.shuffle(group)
        while True:
            t = len(group)
            k = _n_sets(t, lo, hi) if t >= lo else 0
            out, crowded = [], set()
            if k:
                per_org = Counter(P.org[i] for i in group)
                for org, c in per_org.items():
                    if c > k:  # at most one member of an organisation per set
                        extra = [i for i in group if P.org[i] == org]
                        extra.sort(key=lambda i: not P.online[i])
                        out.extend(extra[: c - k])
                crowded.update(out)
            if not out and _representable(t, lo, hi) and (k or t == 0):
                break
            if not out:
                # drop members until the count splits into sets: online ones first
                target = next((x for x in range(t, -1, -1) if _representable(x, lo, hi) and
                               (x == 0 or x >= lo)), 0)
                onl = [i for i in group if P.online[i]]
                inp = [i for i in group if not P.online[i]]
                out = (onl + inp)[: t - target]
            keep = set(out)
            group = [i for i in group if i not in keep]
            for i in out:
                if P.online[i]:
                    online_pool.append(i)
                elif len(members) < lo:
                    unplaced[i] = (f"meets only in person, and fewer than {lo} members are in "
                                   f"{region}")
                elif i in crowded:
                    unplaced[i] = (f"meets only in person, and too many colleagues from the same "
                                   f"organisation meet in person in {region} to give each a set "
                                   "without a colleague")
                else:
                    unplaced[i] = (f"meets only in person, and the members who can meet in "
                                   f"{region} cannot all be split into sets of {lo}-{hi}")
            if not group:
                break
        if group:
            pools[region] = group
    online_pool = _online_company(P, pools, online_pool, lo, hi)
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
            why = ("meets online, and too many colleagues from the same organisation were among "
                   "the members left to meet online to give each a set without a colleague")
            if not extra:
                break
        else:
            target = next((x for x in range(t - 1, -1, -1)
                           if x == 0 or (x >= lo and _representable(x, lo, hi))), 0)
            extra = online_pool[target:]
            why = (f"meets online, and the members left to meet online could not all be split "
                   f"into sets of {lo}-{hi}")
        for i in extra:
            unplaced[i] = why
        drop = set(extra)
        online_pool = [i for i in online_pool if i not in drop]
    if online_pool:
        pools[ONLINE_POOL] = online_pool
    return pools, unplaced


# ---------------------------------------------------------------------------------------------
# 2. Deal and repair


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
    """Swap and move members between sets of one pool until no rule is broken and nobody is
    isolated who need not be. Returns the number of broken hard rules of each set.

    Steepest descent on ``_HARD * broken hard rules + isolated tags`` with O(1) incremental
    counts: for a set with a problem, every swap and move with a sample of other sets is scored
    and the best taken (ties at random, so plateaus are crossed); a random swap is made when
    nothing helps. A tag only one member of the pool has cannot be helped and is not counted.
    The budget is a number of steps, so the same seed gives the same sets.
    """
    k = len(sets)
    pool_tags = Counter(b for S in sets for i in S for b in range(3) if P.tags[i] >> b & 1)
    mask = sum(1 << b for b, c in pool_tags.items() if c >= 2)
    tags = {i: P.tags[i] & mask for S in sets for i in S}
    orgc = [Counter(P.org[i] for i in S) for S in sets]
    tagc = [[sum(tags[i] >> b & 1 for i in S) for b in range(3)] for S in sets]

    def size_v(n):
        return 2 * (max(lo - n, 0) + max(n - hi, 0))

    def hard(s):
        return size_v(len(sets[s])) + sum(c - 1 for c in orgc[s].values() if c > 1)

    def total(s):
        return _HARD * hard(s) + sum(1 for c in tagc[s] if c == 1)

    def delta(s, x, y):
        """Change in set s's cost when x leaves and y joins (either may be None)."""
        oc, tc = orgc[s], tagc[s]
        d = 0
        ox = P.org[x] if x is not None else None
        if x is not None and oc[ox] >= 2:
            d -= _HARD
        if y is not None and oc[P.org[y]] - (ox == P.org[y]) >= 1:
            d += _HARD
        tx = tags[x] if x is not None else 0
        ty = tags[y] if y is not None else 0
        if tx != ty:
            for b in range(3):
                c0 = tc[b]
                c1 = c0 - (tx >> b & 1) + (ty >> b & 1)
                d += (c1 == 1) - (c0 == 1)
        n0 = len(sets[s])
        n1 = n0 - (x is not None) + (y is not None)
        return d + _HARD * (size_v(n1) - size_v(n0))

    def apply(s, x, y):
        S = sets[s]
        if x is not None:
            S.remove(x)
            orgc[s][P.org[x]] -= 1
            for b in range(3):
                tagc[s][b] -= tags[x] >> b & 1
        if y is not None:
            S.append(y)
            orgc[s][P.org[y]] += 1
            for b in range(3):
                tagc[s][b] += tags[y] >> b & 1

    cost = [total(s) for s in range(k)]
    if k >= 2:
        bad = {s for s in range(k) if cost[s]}
        best_total, since_best, steps = sum(cost), 0, 0
        max_steps, patience = 400 + 20 * len(bad), 100 + 5 * len(bad)
        while bad and steps < max_steps and since_best < patience:
            if deadline is not None and steps % 16 == 0 and time.perf_counter() >= deadline:
                break
            steps += 1
            a = rng.choice(sorted(bad))
            A = sets[a]
            others = [b for b in rng.sample(range(k), min(k, 60)) if b != a]
            best, best_d = [], 1
            for b in others:
                B = sets[b]
                room_b, room_a = len(B) < hi, len(A) > lo
                for x in A:
                    if room_a and room_b:
                        d = delta(a, x, None) + delta(b, None, x)
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
                cost[s] = total(s)
                (bad.add if cost[s] else bad.discard)(s)
            now = sum(cost)
            if now < best_total:
                best_total, since_best = now, 0
            else:
                since_best += 1
    return [hard(s) for s in range(k)]


# ---------------------------------------------------------------------------------------------
# 3. Exact stage


def _pool_label(P, S):
    regions = {P.region[i] for i in S if not P.online[i]}
    return next(iter(regions)) if regions else ONLINE_POOL


def _exact_scope(P, sets, pool_of, unplaced, limit, rng):
    """The sets the exact stage re-solves (with the unplaced members), or None if too many."""
    if len(P.ids) <= limit:
        return list(range(len(sets)))
    trouble = [s for s in range(len(sets)) if _isolated(P, sets[s])]
    concerned = {P.region[i] for i in unplaced} | {pool_of[s] for s in trouble}
    if any(P.online[i] for i in unplaced) or any(P.online[i] for s in trouble
                                                 for i in sets[s]):
        concerned.add(ONLINE_POOL)
    others = [s for s in range(len(sets)) if pool_of[s] in concerned and s not in trouble]
    rng.shuffle(others)
    chosen, room = [], limit - len(unplaced)
    if room < 0:
        return None
    for s in trouble + others:
        if len(sets[s]) <= room:
            chosen.append(s)
            room -= len(sets[s])
    return chosen


def _exact_stage(P, sets, pool_of, unplaced, lo, hi, rng, limit, work, deadline, seed):
    """Re-solve exactly with CP-SAT when the heuristic left members unplaced or isolated.

    Objective: the most members placed, then the fewest isolated. Works on the whole instance
    when it has at most ``limit`` members (the result is then a proof), otherwise on the
    unplaced members and the sets with someone isolated, plus whole sets of the pools concerned
    up to ``limit`` members, the other sets staying as they are. ``sets``, ``pool_of`` and
    ``unplaced`` are updated in place when the answer improves.
    """
    from .sets_exact import solve_sets

    n = len(P.ids)
    iso_before = sum(len(_isolated(P, S)) for S in sets)
    info = {"ran": False, "placed_before": n - len(unplaced), "isolated_before": iso_before}
    if not unplaced and not iso_before:
        return {**info, "proven_placed": True, "proven_isolated": True}
    if limit == 0:
        return {**info, "proven_placed": False, "proven_isolated": False,
                "cause": "the exact stage was turned off"}
    chosen = _exact_scope(P, sets, pool_of, unplaced, limit, rng)
    if chosen is None:
        return {**info, "proven_placed": False, "proven_isolated": False,
                "cause": f"more members are left out than the exact stage's limit of {limit}"}
    whole = n <= limit
    scope = sorted(unplaced) + [i for s in chosen for i in sets[s]]
    seconds = None if deadline is None else max(deadline - time.perf_counter(), 0.01)
    out = solve_sets(P, scope, lo, hi, hint=[sets[s] for s in chosen], work=work,
                     seconds=seconds, seed=seed)
    info.update(ran=True, scope=len(scope), whole=whole, solver_status=out.status,
                bound_placed=out.bound_placed, solver_stopped_by_time=out.stopped_by_time)
    placed_in = sum(len(sets[s]) for s in chosen)
    iso_in = sum(len(_isolated(P, sets[s])) for s in chosen)
    if out.sets is not None and (out.placed, -out.isolated) > (placed_in, -iso_in):
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
                unplaced[i] = old.get(i, "left out so that more members could be placed overall")
        for i, why in old.items():
            if i not in scope:
                unplaced[i] = why
    info["placed_after"] = n - len(unplaced)
    info["isolated_after"] = sum(len(_isolated(P, S)) for S in sets)
    proven = whole and out.optimal
    return {**info,
            "proven_placed": not unplaced or (whole and out.placed_optimal) or (
                whole and out.bound_placed is not None
                and info["placed_after"] >= out.bound_placed),
            "proven_isolated": not info["isolated_after"] or proven,
            "cause": (None if proven else
                      "the exact solve stopped at the time limit" if out.stopped_by_time else
                      "the exact solve used up its work budget" if whole else
                      f"the exact solve covered {len(scope)} of the {n} members")}


# ---------------------------------------------------------------------------------------------
# 4. Improve


def _improve(P, sets, pool_of, scorer, lo, hi, rng, moves, deadline):
    """Hill-climb on (worst set quality + mean set quality) with swaps and moves inside pools,
    never breaking a hard rule and never isolating more members. Returns (accepted, stopped
    by the time limit)."""
    import numpy as np

    n = len(sets)
    if n < 2:
        return 0, False
    q = np.array([scorer.quality(S) for S in sets])
    members_of_pool = {}
    for s, p in enumerate(pool_of):
        members_of_pool.setdefault(p, []).append(s)
    movable = [s for s in range(n) if len(members_of_pool[pool_of[s]]) > 1]
    if not movable:
        return 0, False
    accepted = it = last_gain = 0
    while it < moves and it - last_gain <= 50 * n + 5000:
        it += 1
        if deadline is not None and it % 256 == 0 and time.perf_counter() >= deadline:
            return accepted, True
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
        x = A[ia]
        move = rng.random() < 0.2 and len(A) > lo and len(B) < hi
        if move:
            y, ib = None, None
        else:
            ib = rng.randrange(len(B))
            y = B[ib]
        if not _may_exchange(P, A, B, x, y):
            continue
        if P.tags[x] != (P.tags[y] if y is not None else 0):
            lone_before = len(_isolated(P, A)) + len(_isolated(P, B))
        else:
            lone_before = None  # same tags in and out: nobody's isolation changes
        if move:
            A.pop(ia)
            B.append(x)
        else:
            A[ia], B[ib] = y, x
        ok = lone_before is None or len(_isolated(P, A)) + len(_isolated(P, B)) <= lone_before
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
    return accepted, False


# ---------------------------------------------------------------------------------------------
# 5. Describe


def _summary(P, S, scorer, in_person, region, topic_names):
    """A set in plain words, for a coordinator."""
    from .topics import topic_name

    _, cover, _, _ = scorer.parts(S)
    where = f"meets in person in {region}" if in_person else "meets online"
    services = len({P.svc[i] for i in S})
    kinds = "1 kind of service" if services == 1 else f"{services} kinds of service"
    shared = _shared_needs(P, S)
    names = [topic_names.get(t) or topic_name(t) for b, t in enumerate(P.topics)
             if shared >> b & 1]
    needs = f"needs in common: {', '.join(names)}" if names else "no needs in common"
    text = (f"{where}; {kinds}; {needs}; {100 * cover:.0f}% of the areas members rate low are "
            "a strength of someone else in the set")
    if in_person:
        same = max(Counter(P.la[i] for i in S).values())
        text += f"; {same} of {len(S)} work in the same local authority"
    return text


def _status(proven, count, nothing, cause, stopped):
    if not count:
        return nothing
    if proven:
        return "proven minimal"
    if stopped:
        return "best found (stopped at the time limit)"
    return f"best found ({cause or 'not proven'})"


def _check_args(members, min_size, max_size, moves, time_limit, exact_limit, exact_work):
    for x, name in ((min_size, "min_size"), (max_size, "max_size")):
        if not isinstance(x, int) or isinstance(x, bool):
            raise ValueError(f"{name} must be an integer, got {x!r}")
    if not 2 <= min_size <= max_size:
        raise ValueError(f"need 2 <= min_size <= max_size, got {min_size} and {max_size}")
    if moves is not None and (not isinstance(moves, int) or isinstance(moves, bool) or moves < 0):
        raise ValueError(f"moves must be a non-negative integer, got {moves!r}")
    if time_limit is not None and not (isinstance(time_limit, (int, float)) and time_limit > 0):
        raise ValueError(f"time_limit must be a positive number, got {time_limit!r}")
    if not isinstance(exact_limit, int) or isinstance(exact_limit, bool) or exact_limit < 0:
        raise ValueError(f"exact_limit must be a non-negative integer, got {exact_limit!r}")
    if not (isinstance(exact_work, (int, float)) and exact_work > 0):
        raise ValueError(f"exact_work must be a positive number, got {exact_work!r}")
    seen = set()
    for p in members:
        if not isinstance(p, SetMember):
            raise ValueError(f"members must be SetMember objects, got {type(p).__name__}")
        if p.id in seen:
            raise ValueError(f"duplicate member id {p.id!r}")
        seen.add(p.id)


def form_groups(members, min_size: int = 6, max_size: int = 8, *,
                weights: GroupWeights | None = None, seed: int = 0, moves: int | None = None,
                time_limit: float | None = None, exact_limit: int = 200,
                exact_work: float = 2.0, topic_names=None) -> GroupResult:
    """Split members into action learning sets.

    Hard rules for every set: size within [`min_size`, `max_size`]; no two members of the same
    organisation (a blank organisation is unknown and clashes with nobody); if any member meets
    only in person, all members are from one region.

    Priorities, in order: (1) place as many members as possible; (2) then isolate as few
    affinity members as possible (a member is isolated when nobody else in the set shares one
    of their affinity tags); a set where isolation could not be avoided is flagged
    (``has_isolated_member``) without naming anyone or any tag; (3) then the best worst set
    quality plus mean set quality.

    Method: members are pooled by region; online members who do not fit their region's
    arithmetic or organisation limits, or who would be the only one of a tag there, go to one
    national online pool. Each pool is dealt into sets (tagged members in pairs, big
    organisations first) and repaired by swaps and moves; when someone is left out or isolated,
    CP-SAT re-solves the whole instance (up to ``exact_limit`` members; a proof) or the part
    around them; then a seeded hill-climb improves quality without breaking a rule or isolating
    anyone more.

    Parameters
    ----------
    members : sequence of SetMember
    min_size, max_size : int
        Allowed set sizes, ``2 <= min_size <= max_size``.
    weights : GroupWeights, optional
        Weights of the quality parts; defaults to ``GroupWeights()``.
    seed : int
        Seed for every random choice. With ``time_limit=None`` the same members and seed give
        the same result on any machine and under any load.
    moves : int, optional
        Budget of the quality hill-climb, in moves tried; default ``8 * len(members) + 2000``.
    time_limit : float, optional
        Wall-clock seconds for everything; None (default) for no limit. When it stops the
        search early, ``stopped_by_time_limit`` is True and the result may differ between runs.
    exact_limit : int
        Largest number of members the exact stage (CP-SAT) works on; 0 turns it off.
    exact_work : float
        Work budget of the exact stage, in CP-SAT's deterministic time units (roughly seconds
        on a typical machine), so the budget, and the result, do not depend on machine load.
    topic_names : mapping of str to str, optional
        Names of a coordinator's own topic codes, for the set summaries (built-in codes are
        named by :func:`matching.topics.topic_name`).

    Returns
    -------
    GroupResult

    Raises
    ------
    ValueError
        If sizes or budgets are invalid, ids repeat, or a member is not a SetMember.
    """
    t0 = time.perf_counter()
    members = list(members)
    _check_args(members, min_size, max_size, moves, time_limit, exact_limit, exact_work)
    deadline = None if time_limit is None else t0 + time_limit
    if moves is None:
        moves = 8 * len(members) + 2000
    w = weights or GroupWeights()
    rng = random.Random(seed)
    P = _People(members)
    lo, hi = min_size, max_size

    pools, unplaced = _pools(P, lo, hi, rng)
    sets, pool_of = [], []
    for name, pool in pools.items():
        dealt = _deal(P, pool, _n_sets(len(pool), lo, hi), lo, hi, rng)
        for S, broken in zip(dealt, _repair(P, dealt, lo, hi, rng, deadline), strict=True):
            if broken:
                for i in S:
                    unplaced[i] = (f"no set of {lo}-{hi} could be completed for them without two "
                                   "colleagues from one organisation")
            else:
                sets.append(S)
                pool_of.append(name)
    t_build = time.perf_counter() - t0

    exact = _exact_stage(P, sets, pool_of, unplaced, lo, hi, rng, exact_limit, exact_work,
                         deadline, seed)
    scorer = _Scorer(P, w)
    accepted, stopped = _improve(P, sets, pool_of, scorer, lo, hi, rng, moves, deadline)
    stopped = stopped or bool(exact.get("solver_stopped_by_time")) or (
        deadline is not None and time.perf_counter() >= deadline)

    n = len(members)
    if exact["proven_placed"] and unplaced:
        note = (f"; no arrangement that keeps to the rules places more than "
                f"{n - len(unplaced)} of the {n} members")
        for i in unplaced:
            unplaced[i] += note
    out_sets = []
    by_pool = sorted(zip(sets, pool_of, strict=True), key=lambda x: (x[1], min(x[0])))
    for k, (S, pool) in enumerate(by_pool):
        S = sorted(S)
        in_person = not all(P.online[i] for i in S)
        out_sets.append(LearningSet(
            f"S{k + 1:04d}", tuple(P.ids[i] for i in S), pool, in_person,
            round(scorer.quality(S), 2),
            _summary(P, S, scorer, in_person, pool, topic_names or {}),
            bool(_isolated(P, S))))
    qs = [s.quality for s in out_sets]
    isolated = sum(len(_isolated(P, S)) for S in sets)
    cause = exact.get("cause")
    return GroupResult(
        sets=tuple(out_sets),
        unplaced=tuple(Unplaced(P.ids[i], unplaced[i], _cause(unplaced[i]))
                       for i in sorted(unplaced)),
        worst_quality=min(qs) if qs else 0.0,
        mean_quality=sum(qs) / len(qs) if qs else 0.0,
        stats={"members": n, "pools": len(pools), "seconds_build": t_build,
               "moves": moves, "improving_moves": accepted,
               "seconds_total": time.perf_counter() - t0,
               **{f"exact_{k}": v for k, v in exact.items()
                  if k not in ("proven_placed", "proven_isolated", "cause")}},
        proven_min_unplaced=exact["proven_placed"],
        unplaced_status=_status(exact["proven_placed"], len(unplaced), "everyone placed", cause,
                                stopped),
        isolated_members=isolated,
        proven_min_isolated=exact["proven_isolated"],
        isolation_status=_status(exact["proven_isolated"], isolated, "nobody isolated", cause,
                                 stopped),
        stopped_by_time_limit=stopped,
    )
