"""Reference data: loading it from netapp.data (safe to run again), and a per-process cache.

The cache
---------
The framework (with its dimensions, elements and levels), the topics, the networks and the
names of councils and regions change rarely but are read on most pages. Each process keeps a
copy, loaded on first use, so a page reads them without a database statement. A page gets its
own copies in its session (``Session.merge(..., load=False)``, no SQL), so it can use them like
rows it loaded itself.

Kept right on change: any flush, ORM bulk statement, commit or rollback that touches one of
these tables in this process empties the cache at once. Another process (a second gunicorn
worker) sees a change within ``KEEP_FOR`` at most, when its copy is loaded again.
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
from netapp.services import recruitment

__all__ = [
    "KEEP_FOR", "Place", "clear", "ensure_reference_data", "framework", "network", "networks",
    "place", "topic_names", "topics",
]

KEEP_FOR = 60.0  # seconds another process may show reference data from before a change
_CACHED = (Framework, Dimension, Element, LevelDescriptor, Topic, Network, LocalAuthority, Region)
_TABLES = frozenset(model.__table__ for model in _CACHED)
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


def clear() -> None:
    """Forget every cached copy in this process (the next read loads them again)."""
    if has_app_context():
        _store().clear()


def _cached(key: str, load):
    """The value kept under ``key``, loaded by ``load(session)`` when missing or too old.

    ``load`` runs in a session of its own on this request's connection and transaction, so its
    rows never replace what this request's session already holds, and they leave it detached.
    """
    store = _store()
    kept = store.get(key)
    now = time.monotonic()
    if kept is not None and now - kept[0] < KEEP_FOR:
        return kept[1]
    with Session(bind=db.session.connection(), expire_on_commit=False, autoflush=False) as own:
        value = load(own)
    store[key] = (now, value)
    return value


def _frameworks(session: Session) -> dict[str, Framework]:
    return {fw.code: fw for fw in session.scalars(
        sa.select(Framework)
        .options(selectinload(Framework.dimensions).selectinload(Dimension.elements),
                 selectinload(Framework.levels)))}


def framework(code: str) -> Framework | None:
    """This request's copy of the framework with its dimensions, elements and levels."""
    found = _cached("frameworks", _frameworks).get(code)
    return None if found is None else db.session.merge(found, load=False)


def _networks(session: Session) -> dict[int, Network]:
    return {n.id: n for n in session.scalars(sa.select(Network).order_by(Network.id))}


def network(network_id: int) -> Network | None:
    """This request's copy of one network (None when there is no such network)."""
    found = _cached("networks", _networks).get(network_id)
    return None if found is None else db.session.merge(found, load=False)


def networks(network_ids) -> list[Network]:
    """This request's copies of the networks with these ids that exist, in the order given."""
    kept = _cached("networks", _networks)
    return [db.session.merge(kept[i], load=False) for i in network_ids if i in kept]


def _topics(session: Session) -> list[Topic]:
    return list(session.scalars(sa.select(Topic).order_by(Topic.position, Topic.name)))


def topics() -> list[Topic]:
    """This request's copies of every topic, in the order the site lists them."""
    return [db.session.merge(t, load=False) for t in _cached("topics", _topics)]


def topic_names() -> dict[int, str]:
    """{topic id: name}."""
    return {t.id: t.name for t in _cached("topics", _topics)}


def _places(session: Session) -> dict[int, Place]:
    return {la_id: Place(council, region) for la_id, council, region in session.execute(
        sa.select(LocalAuthority.id, LocalAuthority.name, Region.name)
        .join(Region, Region.id == LocalAuthority.region_id))}


def place(local_authority_id: int | None) -> Place | None:
    """The council's and its region's names."""
    if local_authority_id is None:
        return None
    return _cached("places", _places).get(local_authority_id)


def _touches(instances) -> bool:
    return any(isinstance(obj, _CACHED) for obj in instances)


def _after_flush(session, _context) -> None:
    if _touches(session.new) or _touches(session.dirty) or _touches(session.deleted):
        session.info[_TOUCHED] = True
        clear()


def _after_bulk(state) -> None:
    if (state.is_insert or state.is_update or state.is_delete) \
            and getattr(state.statement, "table", None) in _TABLES:
        state.session.info[_TOUCHED] = True
        clear()


def _after_end(session, *_args) -> None:
    # A rolled-back change may have been read into the cache in its own transaction; and a
    # committed one must not be hidden by a copy loaded between its flush and its commit.
    if session.info.pop(_TOUCHED, False):
        clear()


for _event, _listener in (("after_flush", _after_flush), ("do_orm_execute", _after_bulk),
                          ("after_commit", _after_end), ("after_soft_rollback", _after_end)):
    if not sa.event.contains(Session, _event, _listener):
        sa.event.listen(Session, _event, _listener)
