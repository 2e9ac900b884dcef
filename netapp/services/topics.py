"""Admins keep the topics members ask for help with or offer, and the networks' descriptions.

Both are reference data each process keeps a copy of (netapp/services/reference.py): the
commit here empties this process's copy at once; another process loads its copy again within
``reference.KEEP_FOR`` seconds.
"""
from __future__ import annotations

import re

import sqlalchemy as sa

from netapp.extensions import db
from netapp.models import Network, Topic, User
from netapp.services import audit

__all__ = ["all_topics", "all_networks", "name_taken", "save_description", "save_topic"]


def all_topics() -> list[Topic]:
    return list(db.session.scalars(sa.select(Topic).order_by(Topic.position, Topic.name)))


def all_networks() -> list[Network]:
    return list(db.session.scalars(sa.select(Network).order_by(Network.kind, Network.name)))


def name_taken(name: str, topic_id: int | None = None) -> bool:
    """Whether another topic has this name already (ignoring case and spaces)."""
    clean = " ".join(name.split()).lower()
    query = sa.select(Topic.id).where(sa.func.lower(Topic.name) == clean)
    if topic_id is not None:
        query = query.where(Topic.id != topic_id)
    return db.session.scalar(query.limit(1)) is not None


def _new_code(name: str) -> str:
    """A code from the name, unique among topics ("Staff wellbeing" -> "staff_wellbeing")."""
    base = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:56] or "topic"
    taken = set(db.session.scalars(sa.select(Topic.code).where(Topic.code.like(f"{base}%"))))
    code, n = base, 2
    while code in taken:
        code, n = f"{base}_{n}", n + 1
    return code


def save_topic(actor: User, topic: Topic | None, *, name: str, position: int,
               is_support_area: bool) -> Topic:
    """Add a topic (``topic`` None) or change one; audited. Its code never changes: other
    data (the resources suggested for it) refer to it by code."""
    clean = " ".join(name.split())
    if not clean:
        raise ValueError("a topic needs a name")
    created = topic is None
    if created:
        topic = Topic(code=_new_code(clean), name=clean)
        db.session.add(topic)
    topic.name, topic.position, topic.is_support_area = clean, position, is_support_area
    db.session.flush()
    audit.record(actor, "topic.added" if created else "topic.changed", topic, name=clean)
    db.session.commit()
    return topic


def save_description(actor: User, network: Network, description: str) -> None:
    """Change what a network's page says about it; audited (the network's name only)."""
    network.description = description.strip()
    audit.record(actor, "network.description_changed", network, name=network.name)
    db.session.commit()
