"""A network's list of discussions (``/networks/<id>/discussions``), read in one statement of
plain rows: the reader's standing in the network, then a page of its threads, each with its
author's name and whether a lead hid its opening post, and the number of threads in all."""
from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import NamedTuple

import sqlalchemy as sa

from netapp import reads
from netapp.models import (
    DiscussionPost,
    DiscussionThread,
    Network,
    NetworkFollow,
    NetworkKind,
    NetworkLead,
    NetworkMembership,
    User,
)
from netapp.services import paging


class ThreadLine(NamedTuple):
    """One thread of the list."""

    id: int
    title: str
    post_count: int
    last_post_at: datetime
    author: str
    is_hidden: bool  # its opening post was hidden by a lead


class Standing(NamedTuple):
    can_read: bool
    can_post: bool
    is_lead: bool


@cache
def _statement(affinity: bool) -> sa.Select:
    """Built once per process for each kind of network: a first row with whether the reader
    is in the network, follows it and has a lead's row, then a page of its threads (an
    affinity network's read only for its members). Parameters ``viewer``, ``network``,
    ``limit`` and ``offset``."""
    viewer = sa.bindparam("viewer", type_=sa.Integer)
    network = sa.bindparam("network", type_=sa.Integer)
    member = sa.exists().where(NetworkMembership.user_id == viewer,
                               NetworkMembership.network_id == network)
    follows = sa.exists().where(NetworkFollow.user_id == viewer,
                                NetworkFollow.network_id == network)
    lead = sa.exists().where(NetworkLead.network_id == network, NetworkLead.user_id == viewer)
    first_hidden = (sa.select(DiscussionPost.hidden_at)
                    .where(DiscussionPost.thread_id == DiscussionThread.id)
                    .order_by(DiscussionPost.id).limit(1).scalar_subquery())
    page = (sa.select(sa.literal(1).label("part"), DiscussionThread.id,
                      DiscussionThread.title, DiscussionThread.post_count,
                      DiscussionThread.last_post_at,
                      sa.select(User.display_name).where(User.id == DiscussionThread.author_id)
                      .scalar_subquery().label("author"),
                      sa.case((first_hidden.is_not(None), 1), else_=0).label("hidden"),
                      sa.func.count().over().label("total"))
            .where(DiscussionThread.network_id == network)
            .order_by(DiscussionThread.last_post_at.desc(), DiscussionThread.id.desc())
            .limit(sa.bindparam("limit", type_=sa.Integer))
            .offset(sa.bindparam("offset", type_=sa.Integer)))
    if affinity:
        page = page.where(member)
    page = page.subquery()
    nothing = sa.null()
    standing = sa.select(sa.literal(0), sa.case((member, 1), else_=0), nothing,
                         sa.case((follows, 1), else_=0), nothing, nothing,
                         sa.case((lead, 1), else_=0), nothing)
    # The page first: the union's columns take their types from it (SQLite's times are text
    # until read through them).
    found = sa.union_all(sa.select(*page.c), standing).subquery()
    return sa.select(*found.c).order_by(found.c.part, found.c.last_post_at.desc(),
                                        found.c.id.desc())


def threads_page(viewer, network: Network, page: int, per_page: int
                 ) -> tuple[Standing, paging.Page]:
    """The reader's standing (as ``discussions.network_for_reading``, ``can_post`` and
    ``is_lead`` decide it) and a page of the network's threads, most recently active first.
    Nothing of an affinity network's threads is read for anyone outside it."""
    page = max(page, 1)
    rows = reads.rows(_statement(network.is_affinity),
                      {"viewer": viewer.id, "network": network.id, "limit": per_page,
                       "offset": (page - 1) * per_page})
    standing = rows[0]  # ordered before the threads
    member, follows, lead = bool(standing[1]), bool(standing[3]), bool(standing[6])
    verified = bool(viewer.is_verified)
    seen = verified and member if network.is_affinity else True
    lines = [ThreadLine(row[1], row[2], row[3], row[4], row[5] or "Someone no longer here",
                        bool(row[6])) for row in rows[1:]]
    return (Standing(seen, verified and (member or (network.kind is NetworkKind.LOCAL
                                                    and follows)),
                     lead and (not network.is_affinity or member)),
            paging.Page(lines, rows[1][-1] if lines else 0, page, per_page))
