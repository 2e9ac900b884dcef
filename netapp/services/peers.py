"""Peer suggestions: a few members of your local and affinity networks worth meeting, why, and
saying hello or "not for me".

The search is scikit-learn's ``NearestNeighbors`` over one vector per member, fitted per network
(docs/networks.md, "Peer suggestions", gives the vector exactly). What a peer keeps to themselves
never enters their vector, so neither the order of suggestions nor their reasons can reveal it.
Indexes are built in bulk, a network at a time, and kept in a per-process cache for a few
minutes; who may be suggested (still active, still listed, not dismissed) is checked live.
"""
from __future__ import annotations

import json
import time
from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache

import numpy as np
import sqlalchemy as sa
from flask import current_app, render_template, url_for
from markupsafe import Markup, escape
from sklearn.neighbors import NearestNeighbors
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased
from threadpoolctl import ThreadpoolController

from netapp import reads
from netapp.data.lqf import LQF_CODE
from netapp.extensions import db
from netapp.models import (
    AssessmentScore,
    Dimension,
    Element,
    Framework,
    Network,
    NetworkKind,
    NetworkMembership,
    Organisation,
    PeerDismissal,
    PeerHello,
    Profile,
    SelfAssessment,
    ServiceType,
    User,
    member_needs,
)
from netapp.models.base import utcnow
from netapp.services import audit, notifications, profiles, reference
from netapp.services.audiences import AUDIENCES, EVERYONE, NETWORKS
from netapp.services.driver_text import driver_text

__all__ = [
    "Person", "PeerIndex", "Space", "Suggestion", "profile_vectors", "query_vectors", "fit",
    "nearest", "me_statement", "visible_statement", "expected", "suggestions_for", "can_greet",
    "greetable", "has_said_hello", "say_hello", "dismiss", "hellos_for", "forget_cache",
    "suggestions_html", "keep_latest", "PeersPage", "peers_page",
]

# Weights of the three blocks of the vector (docs/networks.md, "Peer suggestions").
W_LQF, W_SERVICE, W_NEEDS = 1.0, 1.0, 0.7
STRONG = 3.0  # a dimension average at or above this is a strength worth naming
GROWING = 2.5  # at or below this, the member wants to grow there
SHOWN = 5  # suggestions on the peers page; the home page shows the first three
HOME_SHOWN = 3
MESSAGE_MAX = 500
# Neighbours asked for beyond the ones wanted, so a few people left out (yourself, dismissed)
# rarely force the exact fallback in ``nearest``.
MARGIN = 4
# Up to this many queries are answered from every peer's distance at once: one small matrix
# product costs less than asking the index and checking its answer.
FEW = 8
DECIMALS = 9  # distances are compared rounded, so the same tie breaks the same way everywhere
BLOCK = 512  # queries per block when distances to every peer are needed
FELLOWS = frozenset({EVERYONE, NETWORKS})  # what a fellow member of a network may see

SERVICE_PHRASES = {
    ServiceType.CARE_HOME: "also runs a care home",
    ServiceType.NURSING_HOME: "also runs a care home with nursing",
    ServiceType.HOME_CARE: "also runs a home care service",
    ServiceType.SUPPORTED_LIVING: "also runs a supported living service",
    ServiceType.EXTRA_CARE_HOUSING: "also runs extra care housing",
    ServiceType.SHARED_LIVES: "also runs a Shared Lives scheme",
    ServiceType.DAY_SERVICE: "also runs a day service",
}


# ---------------------------------------------------------------- the vector and the search


@dataclass(frozen=True)
class Person:
    """What the search knows of one member: dimension averages (1-4, None if unknown or not
    shown), service type code, and the ids of the topics they want help with."""

    user_id: int
    strengths: tuple[float | None, ...]
    service: str | None = None
    needs: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Space:
    """The order of the vector's columns: framework dimensions, service types, topics."""

    dimensions: tuple[str, ...]
    services: tuple[str, ...]
    topics: tuple[int, ...]

    @property
    def width(self) -> int:
        return len(self.dimensions) + len(self.services) + len(self.topics)


def _vectors(people: Sequence[Person], space: Space, mirror: bool) -> np.ndarray:
    d, s = len(space.dimensions), len(space.services)
    service_col = {code: d + i for i, code in enumerate(space.services)}
    topic_col = {tid: d + s + i for i, tid in enumerate(space.topics)}
    out = np.zeros((len(people), space.width))
    for person in people:
        if len(person.strengths) != d:
            raise ValueError(f"person {person.user_id} has {len(person.strengths)} "
                             f"dimension scores, expected {d}")
    if not people:
        return out
    # A dimension average on 1-4 as 0-1; unknown (None, NaN here) is the middle, so it pulls
    # no way.
    averages = np.array([p.strengths for p in people], dtype=float).reshape(len(people), d)
    lqf = np.where(np.isnan(averages), 0.5, (averages - 1.0) / 3.0)
    out[:, :d] = W_LQF * ((1.0 - lqf) if mirror else lqf)
    rows, cols = [], []
    for row, person in enumerate(people):
        if person.service in service_col:
            rows.append(row)
            cols.append(service_col[person.service])
    out[rows, cols] = W_SERVICE
    rows, cols = [], []
    for row, person in enumerate(people):
        for tid in person.needs:
            if tid in topic_col:
                rows.append(row)
                cols.append(topic_col[tid])
    out[rows, cols] = W_NEEDS
    return out


def profile_vectors(people: Sequence[Person], space: Space) -> np.ndarray:
    """Each peer as they are: strengths, service type (one-hot), needs (multi-hot)."""
    return _vectors(people, space, mirror=False)


def query_vectors(people: Sequence[Person], space: Space) -> np.ndarray:
    """What each member looks for: strength where they are weakest (the mirror of their own
    scores), their own service type and their own needs."""
    return _vectors(people, space, mirror=True)


@cache
def _threads() -> ThreadpoolController:
    # Finding the native thread pools reads the process's libraries: once is enough.
    return ThreadpoolController()


@dataclass(frozen=True)
class PeerIndex:
    """A fitted scikit-learn index with the peers' vectors (and their squared lengths), which
    the exact tie-break reads."""

    model: NearestNeighbors
    vectors: np.ndarray
    norms: np.ndarray


def fit(vectors: np.ndarray) -> PeerIndex | None:
    """A fitted index over the peers' vectors (None for an empty network)."""
    if len(vectors) == 0:
        return None
    # Exact search over all peers: with a few dozen columns a tree prunes little, and one
    # matrix product per block of queries is fastest at every network size measured
    # (docs/benchmarks.md, "Peer suggestions").
    return PeerIndex(NearestNeighbors(algorithm="brute").fit(vectors), vectors,
                     (vectors ** 2).sum(axis=1))


def _keys(squared: np.ndarray) -> np.ndarray:
    """Squared distances rounded, so equal ones compare equal however they were computed.

    Squared, not square-rooted: near 0 a square root turns rounding noise of 1e-16 into 1e-8.
    """
    return np.round(np.maximum(squared, 0.0), DECIMALS)


def nearest(index: PeerIndex | None, ids: np.ndarray, queries: np.ndarray, k: int,
            leave_out: Sequence[set[int]] | None = None) -> list[list[tuple[int, float]]]:
    """For each query, the ``k`` peers nearest to it, as (user id, squared distance), nearest
    first.

    Parameters
    ----------
    index : from ``fit`` over the peers' vectors, in the order of ``ids``.
    ids : the peers' user ids.
    queries : one query vector per row.
    k : how many peers to return per query.
    leave_out : per query, user ids never to return (themselves, dismissed, greeted).

    Returns
    -------
    Exactly what sorting every peer by (squared distance rounded to ``DECIMALS``, id) would
    give. Up to ``FEW`` queries are answered from every peer's distance at once. For more, the
    index is asked for a few more than ``k``; only those strictly nearer than the
    last one returned are certain, so when fewer than ``k`` of those are left (people left
    out, or a tie running past the last neighbour) that query is answered exactly from every
    peer's distance instead, in blocks.

    Raises
    ------
    ValueError if ``k`` is not positive or ``leave_out`` does not match ``queries``.
    """
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    leave_out = leave_out if leave_out is not None else [set() for _ in range(len(queries))]
    if len(leave_out) != len(queries):
        raise ValueError(f"{len(leave_out)} leave_out sets for {len(queries)} queries")
    if index is None or len(ids) == 0 or len(queries) == 0:
        return [[] for _ in range(len(queries))]
    with _threads().limit(limits=1):
        # One thread: starting a pool of them costs more than these small products, and a
        # web worker should not take every core.
        if len(queries) <= FEW:
            return _exactly(index, ids, queries, k, leave_out)
        out, redo = _from_index(index, ids, queries, k, leave_out)
        for start in range(0, len(redo), BLOCK):
            rows = redo[start:start + BLOCK]
            for row, found in zip(rows, _exactly(index, ids, queries[rows], k,
                                                 [leave_out[r] for r in rows]), strict=True):
                out[row] = found
    return out


def _from_index(index, ids, queries, k, leave_out):
    """Answers from the index's neighbours, and the rows it cannot prove."""
    n = len(ids)
    asked = min(n, k + MARGIN)
    distances, columns = index.model.kneighbors(queries, n_neighbors=asked)
    keys = _keys(distances ** 2)
    out: list[list[tuple[int, float]]] = []
    redo: list[int] = []
    for row in range(len(queries)):
        found_ids = ids[columns[row]]
        order = np.lexsort((found_ids, keys[row]))
        # Every peer not returned is at least as far as the last one returned.
        last = keys[row][order[-1]] if asked < n else np.inf
        picked = [(int(found_ids[i]), float(keys[row][i])) for i in order
                  if keys[row][i] < last and int(found_ids[i]) not in leave_out[row]]
        if len(picked) < k and asked < n:
            redo.append(row)
        out.append(picked[:k])
    return out, redo


def _exactly(index, ids, queries, k, leave_out):
    """Every peer's distance to each query, sorted by (distance, id)."""
    squared = ((queries ** 2).sum(axis=1)[:, None] + index.norms[None, :]
               - 2.0 * queries @ index.vectors.T)
    keys = _keys(squared)
    # Only peers up to the (k + most left out)-th smallest distance can be among the first k
    # once those left out are dropped: sort just those.
    nth = min(len(ids), k + max(len(left) for left in leave_out)) - 1
    bound = np.partition(keys, nth, axis=1)[:, nth]
    out = []
    for row in range(len(queries)):
        near = np.flatnonzero(keys[row] <= bound[row])
        picked = []
        for col in near[np.lexsort((ids[near], keys[row][near]))]:
            pid = int(ids[col])
            if pid not in leave_out[row]:
                picked.append((pid, float(keys[row][col])))
                if len(picked) == k:
                    break
        out.append(picked)
    return out


# ---------------------------------------------------------------- who may be suggested


@cache
def _defaults() -> dict[str, str]:
    return {f.key: f.default for f in profiles.FIELDS}


def _shown(visibility: dict | None, key: str) -> bool:
    """Whether a fellow member of a network sees the person's ``key`` field."""
    chosen = (visibility or {}).get(key)
    return (chosen if chosen in AUDIENCES else _defaults()[key]) in FELLOWS


def _maybe_shown_clause(key: str):
    """SQL: the profile may show ``key`` to fellow members (needs Profile joined). It keeps
    everyone ``_shown`` keeps (and a few with an unknown choice, which ``_shown`` settles), so
    data nobody would use is not read."""
    chosen = sa.func.coalesce(Profile.visibility[key].as_string(), _defaults()[key])
    return chosen.not_in(sorted(set(AUDIENCES) - FELLOWS))


def _listed_clause(theirs):
    """SQL: the membership row ``theirs`` makes its person someone fellow members see on the
    network's list (local: their council area is not hidden from networks; affinity: they
    chose to be listed). Needs Network, User and Profile joined for that person."""
    area = sa.func.coalesce(Profile.visibility["area"].as_string(), EVERYONE)
    return sa.and_(
        User.is_active_account.is_(True), User.email_verified_at.is_not(None),
        sa.or_(
            sa.and_(Network.kind == NetworkKind.LOCAL,
                    area.not_in(sorted(set(AUDIENCES) - FELLOWS))),
            sa.and_(Network.kind == NetworkKind.AFFINITY, theirs.is_listed.is_(True)),
        ),
    )


def _my_networks(user: User, joined: Iterable[Network] | None = None
                 ) -> list[tuple[int, NetworkKind, str]]:
    """The member's local and affinity networks, in id order. ``joined``: every network they
    are in, when the caller has them already; else one query for the ids (the networks
    themselves come from the per-process cache)."""
    if joined is None:
        joined = reference.networks(db.session.scalars(
            sa.select(NetworkMembership.network_id)
            .where(NetworkMembership.user_id == user.id)))
    return sorted((n.id, n.kind, n.name) for n in joined
                  if n.kind in (NetworkKind.LOCAL, NetworkKind.AFFINITY))


def is_visible_peer(viewer: User, peer_id: int) -> bool:
    """True when ``peer_id`` is someone the viewer sees listed in one of their networks."""
    return bool(_visible_peers(viewer, [peer_id]))


def _visible_peers(viewer: User, peer_ids: Iterable[int]) -> dict[int, tuple[str, dict]]:
    """Of ``peer_ids``, those listed for the viewer in a shared network: {id: (name,
    visibility)}. One query."""
    peer_ids = sorted(p for p in set(peer_ids) if p != viewer.id)
    if not peer_ids or not viewer.is_verified or not viewer.is_active_account:
        return {}
    connection = db.session.connection()
    rows = connection.execute(_visible_peers_sql(connection.dialect.name),
                              {"me": viewer.id, "peers": peer_ids})
    return {uid: (name, vis or {}) for uid, name, vis in rows}


def visible_statement(dialect: str) -> sa.Select:
    """Of the ids in parameter ``peers`` (a list), those listed for the member ``me`` in a
    shared network, with their names and choices of who sees what (the statement for the
    database's ``dialect``): for a page that reads the peers it expects to suggest
    (``expected``) along with its own rows, and gives what
    it read to ``suggestions_for`` as ``seen``. Only for a confirmed, active member."""
    return _visible_peers_sql(dialect)


def _among(column, name: str, dialect: str):
    """SQL: ``column`` is one of the ids in the list parameter ``name``. On PostgreSQL that is
    one array parameter, so the statement's text is the same however many ids it is given:
    it is not written out again on each run, and the connection keeps it prepared. Elsewhere
    (SQLite) an IN list, written out for each run."""
    if dialect == "postgresql":
        return column == sa.any_(sa.bindparam(name, type_=postgresql.ARRAY(sa.Integer)))
    return column.in_(sa.bindparam(name, expanding=True))


@cache
def _visible_peers_sql(dialect: str):
    """The statement behind ``_visible_peers``, built once per process for the database's
    ``dialect`` (so is its cache key): parameters ``me`` and ``peers`` (a list)."""
    theirs, mine = aliased(NetworkMembership), aliased(NetworkMembership)
    shared = sa.select(mine.network_id).where(mine.user_id == sa.bindparam("me"))
    if dialect == "postgresql":
        # The member's networks as an array worked out once, so that the peers' memberships
        # are found by the primary key (person, network): joined on the network, PostgreSQL
        # read every membership of a network with thousands of members to find the few asked.
        in_shared = theirs.network_id == sa.any_(sa.func.array(shared.scalar_subquery()))
    else:
        in_shared = theirs.network_id.in_(shared)
    # No DISTINCT: PostgreSQL cannot compare JSON; the caller's dict drops repeats.
    return (sa.select(User.id, User.display_name, Profile.visibility)
            .select_from(theirs)
            .join(Network, Network.id == theirs.network_id)
            .join(User, User.id == theirs.user_id)
            .outerjoin(Profile, Profile.user_id == User.id)
            .where(_among(theirs.user_id, "peers", dialect), in_shared, _listed_clause(theirs)))


def _left_out_columns(user_id):
    """(column, condition) pairs selecting the people never suggested to ``user_id`` (an id
    or a bound parameter): dismissed either way, or greeted either way."""
    return ((PeerDismissal.peer_id, PeerDismissal.user_id == user_id),
            (PeerDismissal.user_id, PeerDismissal.peer_id == user_id),
            (PeerHello.recipient_id, PeerHello.sender_id == user_id),
            (PeerHello.sender_id, PeerHello.recipient_id == user_id))


# ---------------------------------------------------------------- bulk reads and the cache


@dataclass
class NetworkIndex:
    """One network's fitted index, with what each peer shows fellow members."""

    network_id: int
    is_local: bool
    space: Space
    ids: np.ndarray
    people: dict[int, Person]
    model: PeerIndex | None
    built_at: float = field(default_factory=time.monotonic)


def _space() -> tuple[Space, dict[str, str], dict[int, str]]:
    """The columns, with the dimensions' and topics' names for reasons. No query: the
    framework and the topics come from the per-process cache (reference.py), and what is
    worked out from them is kept for as long as the process keeps those same copies."""
    frameworks, topics = reference.shared("frameworks"), reference.shared("topics")
    kept = current_app.extensions.get("peer_space")
    if kept is not None and kept[0] is frameworks and kept[1] is topics:
        return kept[2]
    dims = reference.dimensions(LQF_CODE)
    names = reference.topic_names()
    space = (Space(tuple(code for code, _ in dims), _SERVICES, tuple(names)), dict(dims), names)
    current_app.extensions["peer_space"] = (frameworks, topics, space)
    return space


def dimension_averages(user_ids, space: Space) -> dict[int, tuple[float | None, ...]]:
    """{user id: averages per dimension} from each member's latest finished LQF assessment.

    ``user_ids`` is a list or a SQL subquery of ids. One query.
    """
    ranked = (
        sa.select(SelfAssessment.id, SelfAssessment.user_id,
                  sa.func.row_number().over(
                      partition_by=SelfAssessment.user_id,
                      order_by=(SelfAssessment.completed_at.desc(), SelfAssessment.id.desc()),
                  ).label("rank"))
        .join(Framework, Framework.id == SelfAssessment.framework_id)
        .where(Framework.code == LQF_CODE, SelfAssessment.completed_at.is_not(None),
               SelfAssessment.user_id.in_(user_ids))
    ).subquery()
    # One row per member, a column per dimension, as core rows (no ORM loading): thousands
    # of members' averages come back at once.
    average = sa.func.avg(AssessmentScore.score)
    rows = db.session.connection().execute(
        sa.select(ranked.c.user_id,
                  *(average.filter(Dimension.code == code) for code in space.dimensions))
        .join(AssessmentScore, AssessmentScore.assessment_id == ranked.c.id)
        .join(Element, Element.id == AssessmentScore.element_id)
        .join(Dimension, Dimension.id == Element.dimension_id)
        .where(ranked.c.rank == 1)
        .group_by(ranked.c.user_id)
    )
    return {uid: tuple(None if v is None else float(v) for v in values)
            for uid, *values in rows}


def needs_of(user_ids) -> dict[int, frozenset[int]]:
    """{user id: topic ids they want help with}; ``user_ids`` a list or a subquery. One query."""
    found: dict[int, set[int]] = defaultdict(set)
    for uid, tid in db.session.connection().execute(
            sa.select(member_needs.c.user_id, member_needs.c.topic_id)
            .where(member_needs.c.user_id.in_(user_ids))).all():
        found[uid].add(tid)
    return {uid: frozenset(tids) for uid, tids in found.items()}


_SERVICES = tuple(t.value for t in ServiceType)
_VECTOR_FIELDS = ("lqf", "organisation", "needs")  # the profile fields a vector may use


def build_indexes(network_ids: Sequence[int]) -> dict[int, NetworkIndex]:
    """Fit one index per network, reading every network's peers at once (five queries)."""
    if not network_ids:
        return {}
    space, _, _ = _space()
    theirs = aliased(NetworkMembership)
    pool = (
        # The three choices as text, not the whole JSON: parsing it is slow in bulk.
        sa.select(theirs.network_id, theirs.user_id, Network.kind, Organisation.service_type,
                  *(Profile.visibility[key].as_string() for key in _VECTOR_FIELDS))
        .join(Network, Network.id == theirs.network_id)
        .join(User, User.id == theirs.user_id)
        .outerjoin(Profile, Profile.user_id == User.id)
        .outerjoin(Organisation, Organisation.id == Profile.organisation_id)
        .where(theirs.network_id.in_(list(network_ids)), _listed_clause(theirs))
    )
    rows = db.session.connection().execute(
        pool.order_by(theirs.network_id, theirs.user_id)).all()
    ids_sql = (sa.select(theirs.user_id).join(Network, Network.id == theirs.network_id)
               .join(User, User.id == theirs.user_id)
               .outerjoin(Profile, Profile.user_id == User.id)
               .where(theirs.network_id.in_(list(network_ids)), _listed_clause(theirs)))
    # Only the averages and needs of those who show them: most keep their self-assessment
    # to themselves, and reading it would cost most of the build.
    averages = dimension_averages(ids_sql.where(_maybe_shown_clause("lqf")), space)
    needs = needs_of(ids_sql.where(_maybe_shown_clause("needs")))
    blank = (None,) * len(space.dimensions)
    by_network: dict[int, list[Person]] = {nid: [] for nid in network_ids}
    kinds: dict[int, NetworkKind] = {}
    for nid, uid, kind, service, *choices in rows:
        kinds[nid] = kind
        visibility = dict(zip(_VECTOR_FIELDS, choices, strict=True))
        by_network[nid].append(Person(
            uid,
            averages.get(uid, blank) if _shown(visibility, "lqf") else blank,
            service.value if service is not None and _shown(visibility, "organisation")
            else None,
            needs.get(uid, frozenset()) if _shown(visibility, "needs") else frozenset(),
        ))
    indexes = {}
    for nid, people in by_network.items():
        vectors = profile_vectors(people, space)
        indexes[nid] = NetworkIndex(
            nid, kinds.get(nid) is NetworkKind.LOCAL, space,
            np.array([p.user_id for p in people], dtype=np.int64),
            {p.user_id: p for p in people}, fit(vectors))
    return indexes


def _cache() -> dict[int, NetworkIndex]:
    return current_app.extensions.setdefault("peer_indexes", {})


def forget_cache() -> None:
    """Drop every cached index and search (tests; after seeding)."""
    _cache().clear()
    current_app.extensions.pop("peer_ranked", None)


def _indexes(network_ids: Sequence[int]) -> dict[int, NetworkIndex]:
    """Cached indexes, rebuilding together those missing or older than PEER_CACHE_SECONDS."""
    cache = _cache()
    ttl = current_app.config.get("PEER_CACHE_SECONDS", 600)
    now = time.monotonic()
    stale = [nid for nid in network_ids
             if nid not in cache or now - cache[nid].built_at > ttl]
    cache.update(build_indexes(stale))
    return {nid: cache[nid] for nid in network_ids}


# ---------------------------------------------------------------- suggestions with reasons


@dataclass(frozen=True)
class Suggestion:
    user_id: int
    name: str
    reasons: tuple[str, ...]
    distance: float

    @property
    def why(self) -> str:
        """The reasons as one sentence."""
        text = "; ".join(self.reasons)
        return text[:1].upper() + text[1:] + "."


def _me(user: User, space: Space, rows=None) -> tuple[Person, set[int]]:
    """The member's own query data, from everything they told us, and the people never
    suggested to them (``_left_out_columns``): one query, or none when ``rows`` are the rows
    of ``me_statement`` already read, their service type among them."""
    if rows is None:
        rows = reads.rows(_me_sql(), {"me": user.id})
    averages = {code: float(value) for kind, _, code, value in rows
                if kind == "score" and value is not None}
    service = next((code for kind, _, code, _ in rows if kind == "service"), None)
    me = Person(user.id, tuple(averages.get(code) for code in space.dimensions), service,
                frozenset(ref for kind, ref, _, _ in rows if kind == "need"))
    return me, {ref for kind, ref, _, _ in rows if kind == "left"} | {user.id}


def me_statement() -> sa.CompoundSelect:
    """What suggestions need of the member themselves, for a page that reads it along with
    its own rows (parameter ``me``): rows of (kind, id, dimension code, average) to give
    ``suggestions_for`` as ``me_rows``."""
    return _me_sql()


@cache
def _me_sql():
    """The statement behind ``_me``, built once per process: parameter ``me``."""
    me = sa.bindparam("me")
    latest = (
        sa.select(SelfAssessment.id).join(Framework, Framework.id == SelfAssessment.framework_id)
        .where(SelfAssessment.user_id == me, Framework.code == LQF_CODE,
               SelfAssessment.completed_at.is_not(None))
        .order_by(SelfAssessment.completed_at.desc(), SelfAssessment.id.desc())
        .limit(1).scalar_subquery())
    no_id, no_code = sa.cast(sa.null(), sa.Integer), sa.cast(sa.null(), sa.String)
    no_value = sa.cast(sa.null(), sa.Numeric)
    return sa.union_all(
        # Averages per dimension of their latest finished LQF assessment.
        sa.select(sa.literal("score"), no_id, Dimension.code, sa.func.avg(AssessmentScore.score))
        .select_from(AssessmentScore)
        .join(Element, Element.id == AssessmentScore.element_id)
        .join(Dimension, Dimension.id == Element.dimension_id)
        .where(AssessmentScore.assessment_id == latest).group_by(Dimension.code),
        sa.select(sa.literal("need"), member_needs.c.topic_id, no_code, no_value)
        .where(member_needs.c.user_id == me),
        # The kind of service they run (stored as its value, e.g. "home_care").
        sa.select(sa.literal("service"), no_id, sa.cast(Organisation.service_type, sa.String),
                  no_value)
        .select_from(Profile).join(Organisation, Organisation.id == Profile.organisation_id)
        .where(Profile.user_id == me),
        *(sa.select(sa.literal("left"), column, no_code, no_value).where(where)
          for column, where in _left_out_columns(me)),
    )


def _reasons(me: Person, peer: Person, visibility: dict, space: Space,
             dim_names: dict[str, str], topic_names: dict[int, str],
             is_local: bool) -> tuple[str, ...]:
    """Why this peer, in words, naming only what the peer shows fellow members now."""
    out = []
    if (peer.service is not None and peer.service == me.service
            and _shown(visibility, "organisation")):
        kind = ServiceType(peer.service)
        out.append(SERVICE_PHRASES.get(kind, f"also works in {kind.label.lower()}"))
    if _shown(visibility, "lqf"):
        grow = [dim_names[code] for code, mine, theirs in
                zip(space.dimensions, me.strengths, peer.strengths, strict=True)
                if mine is not None and theirs is not None
                and mine <= GROWING and theirs >= STRONG]
        if grow:
            out.append("strong where you want to grow: "
                       + " and ".join(name.lower() for name in grow[:2]))
    if _shown(visibility, "needs"):
        shared = [topic_names[t] for t in space.topics if t in me.needs & peer.needs]
        if shared:
            out.append("also wants help with " + ", and with ".join(n.lower()
                                                                  for n in shared[:2]))
    if not out:
        out.append("in your local network" if is_local else "someone you haven't met yet")
    return tuple(out)


EXPECTED_KEPT = 4096  # members whose last candidates a process remembers (``expected``)


def _expected() -> OrderedDict[int, tuple[int, ...]]:
    return current_app.extensions.setdefault("peer_expected", OrderedDict())


def expected(user: User) -> tuple[int, ...]:
    """The peers this process last checked live for the member's suggestions: a guess, so a
    page can read them in its own statement (``visible_statement``). Only ids, and only a
    guess: ``suggestions_for`` uses what was read only if it covers every peer it needs now,
    and checks live otherwise."""
    return _expected().get(user.id, ())


def _remember(user: User, peer_ids: Sequence[int]) -> None:
    kept = _expected()
    # No move_to_end: another thread of a threaded server may have just dropped the key.
    keep_latest(kept, user.id, tuple(peer_ids), EXPECTED_KEPT)


def keep_latest(kept: OrderedDict, key, value, most: int) -> None:
    """Keep ``value`` under ``key`` as the latest in ``kept``, and forget the oldest beyond
    ``most`` (a process's bounded store, safe under a threaded server)."""
    kept.pop(key, None)
    kept[key] = value
    while len(kept) > most:
        try:
            kept.popitem(last=False)
        except KeyError:  # emptied by another thread meanwhile
            break


RANKED_KEPT = 4096  # searches a process remembers (``_ranked``)


def _ranked(indexes: dict[int, NetworkIndex], me: Person, space: Space, leave_out: set[int],
            k: int) -> list[tuple[int, float, int]]:
    """The ``k`` peers nearest to ``me`` in each index, as (user id, squared distance, the
    network whose index found them), nearest first over all of them.

    A pure answer to what it is given: the indexes as they were built, the member's own data
    as this request read it (``me``) and who is left out. So a process keeps the answer by
    exactly those for its ``RANKED_KEPT`` latest searches: a page shown again does not search
    again, while any change to the member's scores, service or needs, a hello or "not for me",
    or an index built again makes another search. An index is named by its network and the
    moment it was built, so what is kept holds no index alive."""
    key = (tuple((nid, index.built_at) for nid, index in indexes.items()), me,
           frozenset(leave_out), k)
    kept: OrderedDict = current_app.extensions.setdefault("peer_ranked", OrderedDict())
    found = kept.get(key)
    if found is not None:
        return found
    query = query_vectors([me], space)
    best: dict[int, tuple[float, int]] = {}
    for nid, index in indexes.items():
        for pid, dist in nearest(index.model, index.ids, query, k, [leave_out])[0]:
            if pid not in best or dist < best[pid][0]:
                best[pid] = (dist, nid)
    ranked = [(pid, dist, nid) for pid, (dist, nid)
              in sorted(best.items(), key=lambda item: (item[1][0], item[0]))]
    keep_latest(kept, key, ranked, RANKED_KEPT)
    return ranked


def suggestions_for(user: User, limit: int = SHOWN,
                    joined: Iterable[Network] | None = None,
                    me_rows: Sequence | None = None,
                    seen: tuple[Sequence[int], dict] | None = None) -> list[Suggestion]:
    """A few peers worth meeting from the member's local and affinity networks, nearest
    first, with reasons.

    What the caller has read already: ``joined``, every network the member is in;
    ``me_rows``, the rows of ``me_statement``; ``seen``, (the ids it asked for, what
    ``visible_statement`` gave for them as {id: (name, choices)}). A fixed number of queries
    however big the networks are: two with ``joined`` once the indexes are cached (themselves
    and who is left out; the candidates), one with ``me_rows`` too, none when ``seen`` covers
    the candidates checked (one more, rarely, when too few of the nearest pass)."""
    if not user.is_verified or not user.is_active_account:
        return []
    mine = _my_networks(user, joined)
    if not mine:
        return []
    indexes = _indexes([nid for nid, _, _ in mine])
    space, dim_names, topic_names = _space()
    me, leave_out = _me(user, space, me_rows)
    if any(index.space != space for index in indexes.values()):
        # The framework or the topics changed since these were built.
        forget_cache()
        indexes = _indexes(list(indexes))
    # A few spare, in case the live check below drops someone since the index was built.
    ranked = _ranked(indexes, me, space, leave_out, limit + MARGIN)
    wanted = [pid for pid, _, _ in ranked]
    # The nearest few are checked live, as many as are shown and a few spare: the rest (the
    # nearest of each network) only when too few of those pass. The same suggestions either
    # way, since they are the first that pass in this order.
    live: dict[int, tuple[str, dict]] = {}
    checked = 0
    for batch in (wanted[:limit + MARGIN], wanted[limit + MARGIN:]):
        if not batch or len(live) >= limit:
            break
        if seen is not None and set(batch) <= set(seen[0]):
            # Read live in the caller's statement, for a guess that covers the batch.
            live.update((pid, seen[1][pid]) for pid in batch if pid in seen[1])
        else:
            live.update(_visible_peers(user, batch))
        checked += len(batch)
    _remember(user, wanted[:checked])
    out = []
    for pid, dist, nid in ranked:
        if pid not in live:
            continue
        name, visibility = live[pid]
        index = indexes[nid]
        out.append(Suggestion(pid, name, _reasons(me, index.people[pid], visibility, space,
                                                  dim_names, topic_names, index.is_local),
                              dist))
        if len(out) == limit:
            break
    return out


@dataclass(frozen=True)
class PeersPage:
    """What the peers page shows: the member's suggestions and how many hellos are new."""

    suggestions: list[Suggestion]
    unread: int


@cache
def _page_statement(dialect: str) -> sa.CompoundSelect:
    """The peers page's one statement, built once per process for the database's ``dialect``:
    rows of (kind, id, text, value, more text) for the member ``me``'s networks, their new
    hellos counted, what ``me_statement`` reads of them and the peers in parameter ``peers``
    (maybe none) still listed for them (``visible_statement``). One text whether peers are
    expected or not, so PostgreSQL plans it for a connection's first runs only once."""
    me = sa.bindparam("me")
    no_text, no_value = sa.cast(sa.null(), sa.String), sa.cast(sa.null(), sa.Numeric)
    mine = _me_sql().subquery()
    kind, ref, code, value = mine.c
    parts = [
        sa.select(sa.literal("network"), NetworkMembership.network_id, no_text, no_value,
                  no_text).where(NetworkMembership.user_id == me),
        sa.select(sa.literal("unread"), sa.func.count(), no_text, no_value, no_text)
        .select_from(PeerHello).where(PeerHello.recipient_id == me, PeerHello.read_at.is_(None)),
        sa.select(kind, ref, code, value, no_text).select_from(mine),
    ]
    seen = _visible_peers_sql(dialect).subquery()
    uid, name, choices = seen.c
    parts.append(sa.select(sa.literal("seen"), uid, name, no_value,
                           sa.cast(choices, sa.Text)).select_from(seen))
    return sa.union_all(*parts)


@lru_cache(maxsize=32)  # one database per process, but each test builds its own
def _page_sql(dialect: sa.Dialect) -> str:
    """PostgreSQL: ``_page_statement`` as the driver's text, written once per process."""
    return driver_text(_page_statement(dialect.name), dialect,
                       {"me": "%(me)s::INTEGER", "peers": "%(peers)s::INTEGER[]"})


_ME_KINDS = frozenset({"score", "need", "service", "left"})  # ``me_statement``'s rows


def peers_page(user: User) -> PeersPage:
    """The peers page for the member: one statement, and a second for the live check of who
    may be suggested when they are not the peers this process last checked for them (as the
    home page does)."""
    guess = expected(user) if user.is_verified and user.is_active_account else ()
    dialect = db.engine.dialect
    values = {"me": user.id, "peers": list(guess)}
    if dialect.name == "postgresql":
        rows = reads.driver_rows(_page_sql(dialect), values)
    else:
        rows = db.session.connection().execute(_page_statement(dialect.name), values).all()
    ids = [row[1] for row in rows if row[0] == "network"]
    known = reference.shared("networks")
    # The process's own copies, read only, unless one is missing (as home does).
    joined = ([known[i] for i in ids] if all(i in known for i in ids)
              else reference.networks(ids))
    suggestions = suggestions_for(
        user, SHOWN, joined, me_rows=[row[:4] for row in rows if row[0] in _ME_KINDS],
        seen=(guess, {row[1]: (row[2], json.loads(row[4]) if row[4] else {})
                      for row in rows if row[0] == "seen"}) if guess else None)
    return PeersPage(suggestions, sum(row[1] for row in rows if row[0] == "unread"))


SUGGESTION_TEMPLATE = "networks/peers/_suggestion.html"
HTML_KEPT = 4096  # suggestions whose HTML a process keeps (``suggestions_html``)
# Stands for the request's CSRF token in a suggestion's kept HTML; a NUL is in no page's HTML.
_TOKEN = "\x00token\x00"


def suggestions_html(suggestions: Iterable[Suggestion], back: str) -> Markup:
    """The suggestions one after another, each as ``SUGGESTION_TEMPLATE`` writes it with
    ``back``, and this request's CSRF token in each "not for me" form.

    Each suggestion's HTML follows from the suggestion itself (who, their name, the reasons)
    and ``back`` alone, but for the token: a process renders it once, keeps it for its
    ``HTML_KEPT`` latest, and puts each request's token in. A suggestion that changes in any
    way is another one, rendered afresh."""
    kept: OrderedDict = current_app.extensions.setdefault("peer_html", OrderedDict())
    out, token = [], None
    for suggestion in suggestions:
        key = (suggestion, back)
        parts = kept.get(key)
        if parts is None:
            parts = render_template(SUGGESTION_TEMPLATE, s=suggestion, back=back,
                                    csrf_token=lambda: Markup(_TOKEN)).split(_TOKEN)
            keep_latest(kept, key, parts, HTML_KEPT)
        if token is None:
            token = str(escape(current_app.jinja_env.globals["csrf_token"]()))
        out.append(token.join(parts))
    return Markup("".join(out))


# ---------------------------------------------------------------- hello and "not for me"


def _hello(sender_id: int, recipient_id: int) -> PeerHello | None:
    return db.session.execute(sa.select(PeerHello).where(
        PeerHello.sender_id == sender_id, PeerHello.recipient_id == recipient_id)
    ).scalar_one_or_none()


def _dismissed_between(a: int, b: int) -> bool:
    return db.session.scalar(sa.select(sa.exists().where(sa.or_(
        sa.and_(PeerDismissal.user_id == a, PeerDismissal.peer_id == b),
        sa.and_(PeerDismissal.user_id == b, PeerDismissal.peer_id == a))))) or False


@dataclass(frozen=True)
class Greetable:
    """Someone the member may say hello to, as the hello page shows them."""

    id: int
    display_name: str
    is_reply: bool  # they said hello first


@cache
def _standing_statement(dialect: str) -> sa.Select:
    # The recipient's account, hellos either way, "not for me" either way and whether the
    # sender sees them listed in a shared network (``visible_statement`` for parameter
    # ``peers``, the recipient alone): one statement.
    sender, recipient = sa.bindparam("sender"), sa.bindparam("recipient")

    def hello(from_, to):
        return sa.exists().where(PeerHello.sender_id == from_, PeerHello.recipient_id == to)

    dismissed = sa.exists().where(sa.or_(
        sa.and_(PeerDismissal.user_id == sender, PeerDismissal.peer_id == recipient),
        sa.and_(PeerDismissal.user_id == recipient, PeerDismissal.peer_id == sender)))
    seen = _visible_peers_sql(dialect).subquery()  # parameters ``me`` and ``peers``
    listed = sa.select(seen.c.id).exists()
    return (sa.select(User.id, User.display_name, User.is_active_account,
                      User.email_verified_at.is_not(None).label("is_verified"),
                      hello(sender, recipient).label("said_hello"),
                      hello(recipient, sender).label("is_reply"), dismissed.label("dismissed"),
                      listed.label("listed"))
            .where(User.id == recipient))


def greetable_person(sender: User, recipient_id: int) -> Greetable | None:
    """The person ``sender`` may say hello to, or None.

    Allowed: someone the sender sees listed in one of their networks, or someone who said
    hello to them first (a reply); never oneself, twice, an inactive or unconfirmed account,
    or across a "not for me" either way.
    """
    if recipient_id == sender.id or not sender.is_verified:
        return None
    connection = db.session.connection()
    row = connection.execute(
        _standing_statement(connection.dialect.name),
        {"sender": sender.id, "recipient": recipient_id, "me": sender.id,
         "peers": [recipient_id]}).one_or_none()
    if (row is None or not row.is_active_account or not row.is_verified or row.said_hello
            or row.dismissed):
        return None
    # As ``is_visible_peer``: listed in a shared network, for an open account.
    if not row.is_reply and not (row.listed and sender.is_active_account):
        return None
    return Greetable(row.id, row.display_name, bool(row.is_reply))


def greetable(sender: User, recipient_id: int) -> User | None:
    """The account of the person ``sender`` may say hello to (``greetable_person``), or None."""
    if greetable_person(sender, recipient_id) is None:
        return None
    return db.session.get(User, recipient_id)


def has_said_hello(sender_id: int, recipient_id: int) -> bool:
    return _hello(sender_id, recipient_id) is not None


def can_greet(sender: User, recipient_id: int) -> bool:
    return greetable(sender, recipient_id) is not None


def say_hello(sender: User, recipient: User, message: str) -> bool:
    """Send a short hello (checked by ``greetable`` first); False if one was already sent."""
    message = message.strip()
    if not message or len(message) > MESSAGE_MAX:
        raise ValueError(f"a hello must be 1 to {MESSAGE_MAX} characters")
    db.session.add(PeerHello(sender_id=sender.id, recipient_id=recipient.id, message=message))
    try:
        db.session.flush()
    except IntegrityError:  # sent twice at once: the first one stands
        db.session.rollback()
        return False
    is_reply = _hello(recipient.id, sender.id) is not None
    notifications.notify(recipient, "peer_hello",
                         f"{sender.display_name} said hello back" if is_reply
                         else f"{sender.display_name} said hello",
                         url_for("networks.hellos"))
    # No target: who greets whom could hint at a shared affinity network.
    audit.record(sender, "peer.hello_sent")
    db.session.commit()
    return True


def dismiss(user: User, peer_id: int) -> bool:
    """Never suggest this peer again; False if already dismissed."""
    if db.session.get(PeerDismissal, (user.id, peer_id)) is not None:
        return False
    db.session.add(PeerDismissal(user_id=user.id, peer_id=peer_id))
    audit.record(user, "peer.dismissed")
    db.session.commit()
    return True


@dataclass(frozen=True)
class HelloLine:
    other_id: int
    other_name: str
    message: str
    at: object
    is_new: bool = False
    can_reply: bool = False


@dataclass(frozen=True)
class Hellos:
    received: tuple[HelloLine, ...]
    sent: tuple[HelloLine, ...]


@cache
def _hellos_statement():
    """Hellos to and from the member (parameter ``me``), each with the other person's name
    (and, for those received, whether the sender's account is open), newest first: one
    statement, built once per process."""
    me, other = sa.bindparam("me"), aliased(User)
    received = (sa.select(sa.literal("received").label("kind"), PeerHello.id,
                          PeerHello.sender_id, PeerHello.message, PeerHello.created_at,
                          PeerHello.read_at.is_(None), other.display_name,
                          other.is_active_account)
                .join(other, other.id == PeerHello.sender_id)
                .where(PeerHello.recipient_id == me))
    sent = (sa.select(sa.literal("sent"), PeerHello.id, PeerHello.recipient_id,
                      PeerHello.message, PeerHello.created_at, sa.false(), other.display_name,
                      sa.false())
            .join(other, other.id == PeerHello.recipient_id)
            .where(PeerHello.sender_id == me))
    both = sa.union_all(received, sent).subquery()
    return sa.select(both).order_by(both.c.kind, both.c.created_at.desc(), both.c.id.desc())


def hellos_for(user: User) -> Hellos:
    """Hellos to and from the member, newest first (one query)."""
    rows = reads.raw_rows(_hellos_statement(), {"me": user.id})
    answered = {other for kind, _, other, *_ in rows if kind == "sent"}
    return Hellos(
        tuple(HelloLine(other, name, message, at, bool(new),
                        bool(active) and other not in answered and bool(user.is_verified))
              for kind, _, other, message, at, new, name, active in rows
              if kind == "received"),
        tuple(HelloLine(other, name, message, at)
              for kind, _, other, message, at, _, name, _ in rows if kind == "sent"),
    )


def mark_hellos_read(user: User) -> None:
    db.session.execute(sa.update(PeerHello).where(PeerHello.recipient_id == user.id,
                                                  PeerHello.read_at.is_(None))
                       .values(read_at=utcnow()))
    db.session.commit()


def data_of(user_id: int) -> dict:
    """The member's own peer records for their data export: hellos both ways and the people
    they said "not for me" to (not who said it to them: that is the other person's)."""
    def when(value):
        return value.isoformat(timespec="seconds") if value else None

    other = aliased(User)
    sent = db.session.execute(
        sa.select(other.display_name, PeerHello.message, PeerHello.created_at)
        .join(other, other.id == PeerHello.recipient_id)
        .where(PeerHello.sender_id == user_id).order_by(PeerHello.created_at)).all()
    received = db.session.execute(
        sa.select(other.display_name, PeerHello.message, PeerHello.created_at, PeerHello.read_at)
        .join(other, other.id == PeerHello.sender_id)
        .where(PeerHello.recipient_id == user_id).order_by(PeerHello.created_at)).all()
    dismissed = db.session.execute(
        sa.select(other.display_name, PeerDismissal.created_at)
        .join(other, other.id == PeerDismissal.peer_id)
        .where(PeerDismissal.user_id == user_id).order_by(PeerDismissal.created_at)).all()
    return {
        "hellos_sent": [{"to": name, "message": text, "at": when(at)} for name, text, at in sent],
        "hellos_received": [{"from": name, "message": text, "at": when(at),
                             "read_at": when(read)} for name, text, at, read in received],
        "not_for_me": [{"who": name, "at": when(at)} for name, at in dismissed],
    }
