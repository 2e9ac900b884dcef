"""A page of a query's rows and their total in one SQL statement, shaped like ``db.paginate``'s
page for the pagination macro."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import sqlalchemy as sa

from netapp import reads
from netapp.extensions import db


@dataclass
class Page:
    items: list[Any]
    total: int
    page: int
    per_page: int
    extra: list[tuple] = field(default_factory=list)  # each item's further columns, if any

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page)) if self.total else 0

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None


# A long list counts what matches only as far as the end of this many pages, the one shown
# and those after it; past that its pager says "more than" (``CountedPage``). Counting every
# row (25,000 accounts, or an audit log that grows every day) for each page cost more than the
# rest of the page, and more each month.
PAGES_COUNTED = 8


@dataclass
class CountedPage(Page):
    """A page whose ``total`` is counted only as far as the end of ``PAGES_COUNTED`` pages
    from this one (this one included): ``more`` says there are more than that, and then
    ``total`` and ``pages`` are that far, each read "more than" (the pagination macro)."""

    more: bool = False

    @property
    def has_next(self) -> bool:
        return self.more or super().has_next


def count_limit(page: int, per_page: int) -> int:
    """How far a ``CountedPage`` counts: to the end of ``PAGES_COUNTED`` pages from ``page``.
    A statement counts one more row than this, to tell whether there are more."""
    return (max(page, 1) - 1 + PAGES_COUNTED) * per_page


def counted_page(items: list[Any], counted: int, page: int, per_page: int) -> CountedPage:
    """``items``, the page ``page``, with ``counted``: the rows matching as a statement counted
    them, up to one more than ``count_limit``."""
    limit = count_limit(page, per_page)
    more = counted > limit
    return CountedPage(items, limit if more else counted, max(page, 1), per_page, more=more)


def paginate(stmt: sa.Select, page: int, per_page: int, params: dict | None = None,
             plain: bool = False) -> Page:
    """One page of ``stmt`` (a select of one entity, maybe with further columns, already
    ordered) and the number of rows in all, counted by the database alongside the page
    (``count(*) OVER ()``) rather than by a second query.

    A page past the end has no row to carry the total, so only then is it counted apart.
    ``params``: values for the statement's bound parameters, if it has any. ``plain``: the
    statement selects plain columns only, so it runs on the session's connection, without the
    ORM's work for each statement.
    """
    page = max(page, 1)
    paged = _paged(_Same(stmt), page, per_page)
    rows = reads.rows(paged, params or {}) if plain else db.session.execute(paged, params).all()
    if rows:
        total = rows[0].total
    elif page == 1:
        total = 0
    else:
        total = db.session.scalar(sa.select(sa.func.count()).select_from(
            stmt.order_by(None).subquery()), params)
    return Page([row[0] for row in rows], total, page, per_page,
                [tuple(row[1:-1]) for row in rows])


class _Same:
    """A statement as a key by identity: a statement built once per process is found again
    whatever its values, and no two statements are confused."""

    __slots__ = ("stmt",)

    def __init__(self, stmt: sa.Select) -> None:
        self.stmt = stmt

    def __hash__(self) -> int:
        return id(self.stmt)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Same) and other.stmt is self.stmt


@lru_cache(maxsize=256)
def _paged(key: _Same, page: int, per_page: int) -> sa.Select:
    """``key``'s statement with its total, limited to the page. Kept for the most recent
    statements and pages: SQLAlchemy works out a statement's cache key once per statement
    object, so building this anew on each request cost that work again (about 0.1 ms a
    statement on the round preview). A statement built per request only passes through."""
    return (key.stmt.add_columns(sa.func.count().over().label("total"))
            .limit(per_page).offset((page - 1) * per_page))
