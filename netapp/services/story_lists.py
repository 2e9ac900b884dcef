"""The list of leadership stories (``/networks/stories``), read in one statement of plain
rows: a page of the stories the reader may read, each with its author's and network's names,
its thanks and its parts of leadership, and the number of stories in all."""
from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import NamedTuple

import sqlalchemy as sa

from netapp import reads
from netapp.data.lqf import LQF_CODE
from netapp.models import (
    Dimension,
    Network,
    NetworkKind,
    NetworkMembership,
    Story,
    StoryThanks,
    User,
    story_dimensions,
)
from netapp.services import paging, reference


class Card(NamedTuple):
    """One story of the list, as ``templates/networks/stories/_card.html`` showed it."""

    id: int
    title: str
    created_at: datetime
    hidden_at: datetime | None
    author: str
    network: str | None
    thanks: int
    dimensions: list[str]  # names, in the framework's order


def dimensions() -> list[Dimension]:
    """The LQF's dimensions in order, from this process's copy (read them only: they belong
    to no request's session)."""
    framework = reference.shared("frameworks").get(LQF_CODE)
    return [] if framework is None else sorted(framework.dimensions, key=lambda d: d.position)


@cache
def _statement(verified: bool, by_dimension: bool) -> sa.Select:
    """Built once per process for each kind of reader (whether their email is confirmed: the
    stories of their affinity networks count only then) and whether a dimension is chosen.
    Parameters ``viewer``, ``dimension``, ``limit`` and ``offset``; the rows' last column is
    the number of stories in all."""
    viewer = sa.bindparam("viewer", type_=sa.Integer)
    readable = [Story.network_id.is_(None), Network.kind != NetworkKind.AFFINITY]
    if verified:
        readable.append(Story.network_id.in_(
            sa.select(NetworkMembership.network_id).where(NetworkMembership.user_id == viewer)))
    stmt = (
        sa.select(
            Story.id, Story.title, Story.created_at, Story.hidden_at,
            sa.select(User.display_name).where(User.id == Story.author_id).scalar_subquery(),
            Network.name,
            sa.select(sa.func.count()).where(StoryThanks.story_id == Story.id)
            .scalar_subquery(),
            sa.select(sa.func.aggregate_strings(Dimension.code, ","))
            .select_from(story_dimensions)
            .join(Dimension, Dimension.id == story_dimensions.c.dimension_id)
            .where(story_dimensions.c.story_id == Story.id).scalar_subquery(),
            sa.func.count().over())
        .outerjoin(Network, Network.id == Story.network_id)
        .where(sa.or_(*readable), sa.or_(Story.hidden_at.is_(None), Story.author_id == viewer))
        .order_by(Story.created_at.desc(), Story.id.desc())
        .limit(sa.bindparam("limit", type_=sa.Integer))
        .offset(sa.bindparam("offset", type_=sa.Integer)))
    if by_dimension:
        stmt = stmt.where(Story.id.in_(sa.select(story_dimensions.c.story_id).where(
            story_dimensions.c.dimension_id == sa.bindparam("dimension", type_=sa.Integer))))
    return stmt


def stories_page(viewer, page: int, dimension: Dimension | None, per_page: int) -> paging.Page:
    """A page of the stories the viewer may read, newest first, optionally only those tagged
    with ``dimension``; hidden stories are left out, but for their author. (A page past the
    end is empty and its total not counted: the page then shows no pages.)"""
    page = max(page, 1)
    params = {"viewer": viewer.id, "limit": per_page, "offset": (page - 1) * per_page}
    if dimension is not None:
        params["dimension"] = dimension.id
    rows = reads.rows(_statement(bool(viewer.is_verified), dimension is not None), params)
    names = dict(reference.dimensions(LQF_CODE))
    cards = []
    for *values, codes, _total in rows:
        found = set((codes or "").split(","))
        cards.append(Card(*values[:6], values[6] or 0,
                          [name for code, name in names.items() if code in found]))
    return paging.Page(cards, rows[0][-1] if rows else 0, page, per_page)
