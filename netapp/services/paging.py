"""A page of a query's rows and their total in one SQL statement, shaped like ``db.paginate``'s
page for the pagination macro."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

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


def paginate(stmt: sa.Select, page: int, per_page: int, params: dict | None = None) -> Page:
    """One page of ``stmt`` (a select of one entity, maybe with further columns, already
    ordered) and the number of rows in all, counted by the database alongside the page
    (``count(*) OVER ()``) rather than by a second query.

    A page past the end has no row to carry the total, so only then is it counted apart.
    ``params``: values for the statement's bound parameters, if it has any.
    """
    page = max(page, 1)
    rows = db.session.execute(
        stmt.add_columns(sa.func.count().over().label("total"))
        .limit(per_page).offset((page - 1) * per_page), params
    ).all()
    if rows:
        total = rows[0].total
    elif page == 1:
        total = 0
    else:
        total = db.session.scalar(sa.select(sa.func.count()).select_from(
            stmt.order_by(None).subquery()), params)
    return Page([row[0] for row in rows], total, page, per_page,
                [tuple(row[1:-1]) for row in rows])
