"""The admins' list of people: a page of accounts by name, with their roles and the number
matching, read in one statement and written in Python."""
from __future__ import annotations

import functools

import sqlalchemy as sa
from flask import url_for
from markupsafe import Markup

from netapp import reads
from netapp.escaping import escaped
from netapp.models import Role, User, UserRole
from netapp.services import paging

__all__ = ["people_page"]

_INT = sa.Integer()
_LABELS = {role.value: role.label for role in Role}

def _matching(users, searched: bool, with_role: bool) -> list:
    """SQL: the conditions for an account of ``users`` to be listed (parameters ``like`` and
    ``role``)."""
    where = []
    if searched:
        like = sa.bindparam("like", type_=sa.String())
        where.append(sa.or_(sa.func.lower(users.c.display_name).like(like),
                            users.c.email.like(like)))
    if with_role:
        where.append(sa.exists().where(UserRole.user_id == users.c.id,
                                       UserRole.role == sa.bindparam("role", type_=sa.String())))
    return where


@functools.cache
def _page_statement(searched: bool, with_role: bool) -> sa.Select:
    """A page of accounts by name (the index ``ix_users_display_name``), each with its roles
    (their values joined by commas) and the number matching, counted up to ``upto``:
    parameters ``per_page``, ``skip`` and ``upto``, with ``like`` and ``role`` when searched.
    Built once per process."""
    listed, counted = User.__table__.alias("u"), User.__table__.alias("t")
    page = (sa.select(listed.c.id, listed.c.display_name, listed.c.email,
                      listed.c.is_active_account, listed.c.email_verified_at)
            .where(*_matching(listed, searched, with_role))
            .order_by(listed.c.display_name, listed.c.id)
            .limit(sa.bindparam("per_page", type_=_INT))
            .offset(sa.bindparam("skip", type_=_INT)).subquery("page"))
    roles = (sa.select(sa.func.aggregate_strings(sa.cast(UserRole.role, sa.String()), ","))
             .where(UserRole.user_id == page.c.id).scalar_subquery())
    first = (sa.select(counted.c.id).where(*_matching(counted, searched, with_role))
             .limit(sa.bindparam("upto", type_=_INT)).subquery("first"))
    total = sa.select(sa.func.count()).select_from(first).scalar_subquery()
    return (sa.select(page.c.id, page.c.display_name, page.c.email, page.c.is_active_account,
                      page.c.email_verified_at.is_not(None), roles, total)
            .order_by(page.c.display_name, page.c.id))


def people_page(q: str, role: Role | None, page: int, per_page: int) -> tuple[paging.Page,
                                                                               Markup]:
    """A page of accounts matching ``q`` (in the name, ignoring case, or the email) and
    holding ``role``, and its table's rows as HTML. A page past the last has no rows (and no
    total, which the page does not show then). The number matching is counted as far as the
    end of ``paging.PAGES_COUNTED`` pages from this one (``paging.CountedPage``); a search found
    in many names ("an") would otherwise read every name to count them."""
    page = max(page, 1)
    params = {"per_page": per_page, "skip": (page - 1) * per_page,
              "upto": paging.count_limit(page, per_page) + 1}
    if q:
        params["like"] = f"%{q.lower()}%"
    if role is not None:
        params["role"] = role.value
    rows = reads.raw_rows(_page_statement(bool(q), role is not None), params)
    return paging.counted_page(rows, rows[0][6] if rows else 0, page, per_page), _rows_html(rows)


def _rows_html(rows) -> Markup:
    """Each account's row, as the template's loop wrote it, every value escaped; roles in
    the order of their values (as the roles table's key reads them)."""
    link = url_for("admin.user_detail", user_id=0).removesuffix("0")
    parts = []
    for user_id, name, email, is_open, verified, roles, _total in rows:
        labels = ", ".join(_LABELS[value] for value in sorted((roles or "").split(","))
                           if value)
        status = "Closed" if not is_open else "Active" if verified else "Email not confirmed"
        parts.append(
            f'\n    <tr role="row">\n      <td role="cell" data-label="Name"><a href="{link}'
            f'{user_id}">{escaped(name)}</a></td>\n      <td role="cell" data-label="Email">'
            f'{escaped(email)}</td>\n      <td role="cell" data-label="Roles">{labels}</td>\n'
            f'      <td role="cell" data-label="Status">{status}</td>\n    </tr>\n  ')
    return Markup("".join(parts))
