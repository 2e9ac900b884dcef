"""The list of events in a member's networks (``/networks/events``), read in one statement of
plain rows: a page of events with each one's network name, how many are going, the reader's
own answer and the number of events in all."""
from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import NamedTuple

import sqlalchemy as sa

from netapp.extensions import db
from netapp.models import (
    Event,
    EventRsvp,
    Network,
    NetworkFollow,
    NetworkKind,
    NetworkMembership,
    RsvpStatus,
)
from netapp.models.base import utcnow
from netapp.services import paging


class Line(NamedTuple):
    """One event of a list, as ``templates/networks/events/_line.html`` showed it."""

    id: int
    title: str
    starts_at: datetime
    is_online: bool
    capacity: int | None
    cancelled_at: datetime | None
    network_name: str
    going: int
    my_status: RsvpStatus | None


@cache
def _my_events_statement(verified: bool) -> sa.Select:
    """Built once per process for each kind of reader (whether their email is confirmed: the
    affinity networks they are in count only then). Parameters ``viewer``, ``now``, ``limit``
    and ``offset``; the rows' last column is the number of events in all."""
    viewer = sa.bindparam("viewer", type_=sa.Integer)
    member_of = sa.select(NetworkMembership.network_id).where(
        NetworkMembership.user_id == viewer)
    follows = sa.select(NetworkFollow.network_id).where(NetworkFollow.user_id == viewer)
    rsvped = sa.select(EventRsvp.event_id).where(EventRsvp.user_id == viewer)
    affinity = sa.select(NetworkMembership.network_id).join(
        Network, Network.id == NetworkMembership.network_id).where(
        NetworkMembership.user_id == viewer, Network.kind == NetworkKind.AFFINITY)
    if not verified:
        affinity = affinity.where(sa.false())
    going = (sa.select(sa.func.count()).select_from(EventRsvp)
             .where(EventRsvp.event_id == Event.id, EventRsvp.status == RsvpStatus.GOING)
             .scalar_subquery())
    mine = (sa.select(EventRsvp.status)
            .where(EventRsvp.event_id == Event.id, EventRsvp.user_id == viewer)
            .scalar_subquery())
    return (sa.select(Event.id, Event.title, Event.starts_at, Event.is_online, Event.capacity,
                      Event.cancelled_at, Network.name, going, mine,
                      sa.func.count().over().label("total"))
            .join(Network, Network.id == Event.network_id)
            .where(Event.ends_at > sa.bindparam("now", type_=sa.DateTime()),
                   sa.or_(Network.kind != NetworkKind.AFFINITY,
                          Event.network_id.in_(affinity)),
                   sa.or_(Event.network_id.in_(member_of), Event.network_id.in_(follows),
                          Event.id.in_(rsvped)))
            .order_by(Event.starts_at, Event.id)
            .limit(sa.bindparam("limit", type_=sa.Integer))
            .offset(sa.bindparam("offset", type_=sa.Integer)))


def my_events(viewer, page: int, per_page: int) -> paging.Page:
    """Coming events in the viewer's networks and the ones they follow, soonest first, with
    any others they have said they're going to: a page of ``Line``s. (A page past the end is
    empty and its total not counted: the page then shows no pages.)"""
    page = max(page, 1)
    rows = db.session.connection().execute(
        _my_events_statement(bool(viewer.is_verified)),
        {"viewer": viewer.id, "now": utcnow(), "limit": per_page,
         "offset": (page - 1) * per_page}).all()
    total = rows[0][-1] if rows else 0
    return paging.Page([Line(*row[:-1]) for row in rows], total, page, per_page)
