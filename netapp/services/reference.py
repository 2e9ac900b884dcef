"""Reference data: loading it from netapp.data (safe to run again), and a per-process cache.

The cache
---------
The framework (with its dimensions, elements and levels), the topics, the networks and the
names of councils and regions change rarely but are read on most pages. Each process keeps a
copy, loaded on first use, so a page reads them without a database statement. A page gets its
own copies in its session (``Session.merge(..., load=False)``, no SQL), so it can use them like
rows it loaded itself.

Kept right on change: any flush, ORM bulk statement, commit or rollback that touches one of
these tables in this process empties the cache at once. On PostgreSQL every other process (a
second gunicorn worker, the task queue's worker) hears of a change as it commits, from any
process, psql or a migration: a trigger names the table (netapp/models/reference_changes.py)
and the process empties the copies it feeds before its next read (``listen_for_changes``). A
copy loaded while such news arrived is not kept. Where nothing can be heard (SQLite, or while
the listening connection is down) a copy is loaded again after ``KEEP_FOR`` at most.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy.orm import Session, selectinload

from netapp.data.lqf import AFFINITY_NETWORKS, FRAMEWORKS, OTHER_TOPICS, SUPPORT_AREAS
from netapp.extensions import db
from netapp.models import (
    Dimension,
    Element,
    Framework,
    LevelDescriptor,
    LocalAuthority,
    Network,
    NetworkKind,
    Region,
    Topic,
)
from netapp.services import recruitment, session_keeper

__all__ = [
    "KEEP_FOR", "Place", "clear", "dimensions", "ensure_reference_data", "framework",
    "listen_for_changes", "network", "networks", "place", "regions", "shared", "topic_names",
    "topics",
]

KEEP_FOR = 60.0  # seconds a process that cannot hear of changes may show data from before one
RELOAD_AFTER = 1.0  # seconds before a copy that lacks a row asked for is loaded again
# Which cached copy each table's rows feed: a change empties only the copies it feeds.
_FEEDS = {Framework: ("frameworks",), Dimension: ("frameworks",), Element: ("frameworks",),
          LevelDescriptor: ("frameworks",), Topic: ("topics",), Network: ("networks",),
          LocalAuthority: ("places",), Region: ("places", "regions")}
_BY_TABLE = {model.__table__: keys for model, keys in _FEEDS.items()}
_BY_TABLE_NAME = {model.__table__.name: keys for model, keys in _FEEDS.items()}
_TOUCHED = "reference_touched"


def ensure_reference_data() -> int:
    """Insert whatever framework, topic or affinity network is missing; return rows added."""
    added = 0
    known = set(db.session.scalars(sa.select(Framework.code)))
    for spec in FRAMEWORKS:
        if spec["code"] in known:
            continue
        framework = Framework(code=spec["code"], name=spec["name"], description=spec["description"])
        db.session.add(framework)
        for score, label, text in spec["levels"]:
            db.session.add(LevelDescriptor(framework=framework, score=score, label=label,
                                           description=text))
        for position, (code, name, text, senior, elements) in enumerate(spec["dimensions"], 1):
            dimension = Dimension(framework=framework, code=code, name=name, description=text,
                                  position=position, is_senior=senior)
            db.session.add(dimension)
            for k, (element_name, element_text) in enumerate(elements, 1):
                db.session.add(Element(dimension=dimension, code=f"{code}{k}", name=element_name,
                                       description=element_text, position=k))
        added += 1
    topics = set(db.session.scalars(sa.select(Topic.code)))
    for position, (code, name) in enumerate(SUPPORT_AREAS + OTHER_TOPICS, 1):
        if code not in topics:
            db.session.add(Topic(code=code, name=name, position=position,
                                 is_support_area=position <= len(SUPPORT_AREAS)))
            added += 1
    networks = set(db.session.scalars(sa.select(Network.code)))
    for code, name, text in AFFINITY_NETWORKS:
        if code not in networks:
            db.session.add(Network(kind=NetworkKind.AFFINITY, code=code, name=name,
                                   description=text))
            added += 1
    db.session.flush()
    added += recruitment.ensure_questions()  # the kit's questions hang off the elements
    db.session.commit()
    return added


# ------------------------------------------------------------------ the per-process cache


@dataclass(frozen=True)
class Place:
    """A council and its region, by name."""

    council: str
    region: str


def _store() -> dict:
    return current_app.extensions.setdefault("reference_cache", {})


def clear(keys=None) -> None:
    """Forget the cached copies named in ``keys`` (all when None) in this process; the next
    read loads them again."""
    if not has_app_context():
        return
    store = _store()
    for key in list(store) if keys is None else keys:
        store.pop(key, None)


def listen_for_changes(app) -> None:
    """Empty ``app``'s copies as soon as its process hears that their tables changed
    (PostgreSQL; after ``session_keeper.init_app``, whose connection does the listening)."""
    keeper = session_keeper.keeper(app)
    if keeper is None:
        return
    store = app.extensions.setdefault("reference_cache", {})

    def told(tables: set[str] | None) -> None:
        keys = set(store) if tables is None else {
            key for table in tables for key in _BY_TABLE_NAME.get(table, ())}
        for key in keys:
            store.pop(key, None)

    keeper.on_reference(told)


def _cached(key: str, load, needs=()):
    """The value kept under ``key``, loaded by ``load(session)`` when missing or too old, or
    when it lacks one of the keys in ``needs`` (another process may have added that row) and
    was loaded more than ``RELOAD_AFTER`` ago (so guessed ids cannot make every request load).

    ``load`` runs in a session of its own on this request's connection and transaction, so its
    rows never replace what this request's session already holds, and they leave it detached.
    """
    if _edits_pending():
        # As a query would autoflush them first, so must this read (the flush empties what
        # they touch); inside ``no_autoflush`` they are read from this session instead.
        if not db.session.autoflush:
            return load(db.session)
        db.session.flush()
    keeper = session_keeper.keeper(current_app)
    listening = keeper is not None and keeper.hear()  # news since the last read empties copies
    store = _store()
    kept = store.get(key)
    now = time.monotonic()
    if kept is not None and now - kept[0] < KEEP_FOR and (
            all(k in kept[1] for k in needs) or now - kept[0] < RELOAD_AFTER):
        return kept[1]
    moves = keeper.reference_moves if listening else 0
    with Session(bind=db.session.connection(), expire_on_commit=False, autoflush=False) as own:
        value = load(own)
    # Kept only if no news came while it was read: the read may have missed that change.
    if not listening or (keeper.hear() and keeper.reference_moves == moves):
        store[key] = (now, value)
    return value


def _edits_pending() -> bool:
    if not db.session.registry.has():  # no session yet (a page that reads through reads.py)
        return False
    session = db.session()  # this request's session itself, looked up once
    return any(type(obj) in _FEEDS
               for obj in (*session.new, *session.dirty, *session.deleted))


def _copy(obj):
    """``obj`` in this request's session: a cached copy merged in without SQL."""
    return obj if obj in db.session else db.session.merge(obj, load=False)


def _frameworks(session: Session) -> dict[str, Framework]:
    return {fw.code: fw for fw in session.scalars(
        sa.select(Framework)
        .options(selectinload(Framework.dimensions).selectinload(Dimension.elements),
                 selectinload(Framework.levels)))}


def framework(code: str) -> Framework | None:
    """This request's copy of the framework with its dimensions, elements and levels."""
    found = _cached("frameworks", _frameworks, [code]).get(code)
    return None if found is None else _copy(found)


def dimensions(code: str) -> tuple[tuple[str, str], ...]:
    """(code, name) of the framework's dimensions in order, read from the process's copy
    without putting the framework in this request's session (no SQL, nothing merged)."""
    found = _cached("frameworks", _frameworks, [code]).get(code)
    return () if found is None else tuple(
        (d.code, d.name) for d in sorted(found.dimensions, key=lambda d: d.position))


def _networks(session: Session) -> dict[int, Network]:
    return {n.id: n for n in session.scalars(sa.select(Network).order_by(Network.id))}


def network(network_id: int) -> Network | None:
    """This request's copy of one network (None when there is no such network)."""
    found = _cached("networks", _networks, [network_id]).get(network_id)
    return None if found is None else _copy(found)


def networks(network_ids) -> list[Network]:
    """This request's copies of the networks with these ids that exist, in the order given."""
    network_ids = list(network_ids)
    kept = _cached("networks", _networks, network_ids)
    return [_copy(kept[i]) for i in network_ids if i in kept]


def _topics(session: Session) -> dict[int, Topic]:
    return {t.id: t for t in session.scalars(sa.select(Topic).order_by(Topic.position, Topic.name))}


def topics() -> list[Topic]:
    """This request's copies of every topic, in the order the site lists them."""
    return [_copy(t) for t in _cached("topics", _topics).values()]


def topic_names(needs=()) -> dict[int, str]:
    """{topic id: name}, in the order the site lists topics, holding the ids in ``needs``
    if they exist."""
    return {t.id: t.name for t in _cached("topics", _topics, needs).values()}


def _places(session: Session) -> dict[int, Place]:
    return {la_id: Place(council, region) for la_id, council, region in session.execute(
        sa.select(LocalAuthority.id, LocalAuthority.name, Region.name)
        .join(Region, Region.id == LocalAuthority.region_id))}


def place(local_authority_id: int | None) -> Place | None:
    """The council's and its region's names."""
    if local_authority_id is None:
        return None
    return _cached("places", _places, [local_authority_id]).get(local_authority_id)


def _regions(session: Session) -> dict[int, Region]:
    return {r.id: r for r in session.scalars(sa.select(Region).order_by(Region.name))}


def regions() -> list[Region]:
    """This request's copies of the English regions, by name."""
    return [_copy(r) for r in _cached("regions", _regions).values()]


_LOADERS = {"frameworks": _frameworks, "networks": _networks, "topics": _topics,
            "places": _places, "regions": _regions}


def shared(key: str):
    """This process's own copy under ``key`` (a key of ``_LOADERS``), loaded if need be, with
    nothing put in this request's session. It is the same object until it is loaded again, so
    what is worked out from it (a select's rendered options) can be kept for as long as it is
    (netapp/select_options.py). Read it only: never change it or its rows."""
    return _cached(key, _LOADERS[key])


def _touched(session, keys: set[str]) -> None:
    if keys:
        session.info.setdefault(_TOUCHED, set()).update(keys)
        clear(keys)


def _after_flush(session, _context) -> None:
    changed = (*session.new, *session.dirty, *session.deleted)
    _touched(session, {key for obj in changed if type(obj) in _FEEDS
                       for key in _FEEDS[type(obj)]})


def _after_bulk(state) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        _touched(state.session, set(_BY_TABLE.get(table, ())))


def _after_end(session, *_args) -> None:
    # A rolled-back change may have been read into the cache in its own transaction; and a
    # committed one must not be hidden by a copy loaded between its flush and its commit.
    keys = session.info.pop(_TOUCHED, None)
    if keys:
        clear(keys)


for _event, _listener in (("after_flush", _after_flush), ("do_orm_execute", _after_bulk),
                          ("after_commit", _after_end), ("after_soft_rollback", _after_end)):
    if not sa.event.contains(Session, _event, _listener):
        sa.event.listen(Session, _event, _listener)
