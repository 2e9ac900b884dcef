"""The list of events in a member's networks (``/networks/events``), read in one statement of
plain rows: a page of events with each one's network name, how many are going, the reader's
own answer and the number of events in all."""
from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import NamedTuple

import sqlalchemy as sa

from netapp import reads
from netapp.models import (
    Event,
    EventRsvp,
    Network,
    NetworkFollow,
    NetworkKind,
    NetworkLead,
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


def _going_and_mine(viewer: sa.BindParameter) -> tuple:
    """SQL: how many are going to the event, and the viewer's own answer (or NULL)."""
    going = (sa.select(sa.func.count()).select_from(EventRsvp)
             .where(EventRsvp.event_id == Event.id, EventRsvp.status == RsvpStatus.GOING)
             .scalar_subquery())
    mine = (sa.select(EventRsvp.status)
            .where(EventRsvp.event_id == Event.id, EventRsvp.user_id == viewer)
            .scalar_subquery())
    return going, mine


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
    going, mine = _going_and_mine(viewer)
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
    rows = reads.rows(_my_events_statement(bool(viewer.is_verified)),
                      {"viewer": viewer.id, "now": utcnow(), "limit": per_page,
                       "offset": (page - 1) * per_page})
    total = rows[0][-1] if rows else 0
    return paging.Page([Line(*row[:-1]) for row in rows], total, page, per_page)


@cache
def _network_statement(upcoming: bool, affinity: bool) -> sa.Select:
    """Built once per process for coming or past events and the kind of network: the
    reader's standing (a first row: whether they are in the network, whether they lead it),
    then a page of the network's events. An affinity network's events are read only for its
    members. Parameters ``viewer``, ``network``, ``now``, ``limit`` and ``offset``."""
    viewer = sa.bindparam("viewer", type_=sa.Integer)
    network = sa.bindparam("network", type_=sa.Integer)
    member = sa.exists().where(NetworkMembership.user_id == viewer,
                               NetworkMembership.network_id == network)
    lead = sa.exists().where(NetworkLead.network_id == network, NetworkLead.user_id == viewer)
    now = sa.bindparam("now", type_=sa.DateTime())
    going, mine = _going_and_mine(viewer)
    page = (sa.select(sa.literal(1).label("part"), Event.id, Event.title, Event.starts_at,
                      Event.is_online, Event.capacity, Event.cancelled_at,
                      going.label("going"), mine.label("mine"),
                      sa.func.count().over().label("total"))
            .where(Event.network_id == network,
                   Event.ends_at > now if upcoming else Event.ends_at <= now)
            .order_by(Event.starts_at if upcoming else Event.starts_at.desc(), Event.id)
            .limit(sa.bindparam("limit", type_=sa.Integer))
            .offset(sa.bindparam("offset", type_=sa.Integer)))
    if affinity:
        page = page.where(member)
    page = page.subquery()
    nothing = sa.null()
    standing = sa.select(sa.literal(0), sa.case((member, 1), else_=0),
                         nothing, nothing, nothing, nothing, nothing,
                         sa.case((lead, 1), else_=0), nothing, nothing)
    # The page first: the union's columns take their types from it (SQLite's times are text
    # until read through them).
    found = sa.union_all(sa.select(*page.c), standing).subquery()
    return sa.select(*found.c).order_by(
        found.c.part, found.c.starts_at if upcoming else found.c.starts_at.desc(), found.c.id)


class Standing(NamedTuple):
    is_member: bool
    is_lead: bool


def network_events(viewer, network: Network, page: int, per_page: int,
                   upcoming: bool = True) -> tuple[Standing, paging.Page]:
    """The reader's standing in the network and a page of its events (coming, soonest first;
    or past, newest first), as ``Line``s. An affinity network's events are read only for its
    members. (A page past the end is empty and its total not counted.)"""
    page = max(page, 1)
    rows = reads.rows(_network_statement(upcoming, network.is_affinity),
                      {"viewer": viewer.id, "network": network.id, "now": utcnow(),
                       "limit": per_page, "offset": (page - 1) * per_page})
    standing = Standing(bool(rows[0][1]), bool(rows[0][7]))
    lines = [Line(row[1], row[2], row[3], row[4], row[5], row[6], network.name, row[7],
                  row[8]) for row in rows[1:]]
    return standing, paging.Page(lines, rows[1][-1] if lines else 0, page, per_page)
