"""Organisations (care services) for admins: a searchable list, and merging copies of one.

Members type their service's name, so the same home can be there twice ("Oak Lodge" and
"oak lodge"). Copies may be merged only when they are the same name (ignoring case and spaces)
in the same council: anything else is two services, and merging them would move people to a
place they do not work.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import sqlalchemy as sa

from netapp import reads
from netapp.extensions import db
from netapp.models import LocalAuthority, Organisation, Profile, ServiceType, User
from netapp.services import audit

__all__ = ["MergeProblem", "Row", "check_merge", "listing", "merge"]


@dataclass(frozen=True)
class Row:
    id: int
    name: str
    service_type: str
    council: str | None
    members: int
    copies: int  # organisations with this name in this council, itself included


@dataclass(frozen=True)
class Listing:
    rows: list[Row]
    total: int
    page: int
    pages: int


class MergeProblem(ValueError):
    """A merge that must not happen, said so that an admin can fix the choice."""


_INT = sa.Integer()


def _key(name):
    """SQL: a name as copies are matched, ignoring case and spaces around it (the index
    ``ix_organisations_council_name``)."""
    return sa.func.lower(sa.func.ltrim(sa.func.rtrim(name)))


def _copies(row) -> sa.ColumnElement[int]:
    """SQL: how many organisations have ``row``'s name in its council (itself included), read
    from the index of each council's names; those with no council count together."""
    same, none = Organisation.__table__.alias("same"), Organisation.__table__.alias("none")
    in_council = (sa.select(sa.func.count()).select_from(same)
                  .where(same.c.local_authority_id == row.c.local_authority_id,
                         _key(same.c.name) == _key(row.c.name)).scalar_subquery())
    no_council = (sa.select(sa.func.count()).select_from(none)
                  .where(row.c.local_authority_id.is_(None), none.c.local_authority_id.is_(None),
                         _key(none.c.name) == _key(row.c.name)).scalar_subquery())
    return in_council + no_council


def _shown(table, searched: bool, only_copies: bool) -> list:
    """SQL: the conditions for an organisation of ``table`` to be listed."""
    where = []
    if searched:
        where.append(sa.func.lower(table.c.name).like(sa.bindparam("pattern", type_=sa.String())))
    if only_copies:
        where.append(_copies(table) > 1)
    return where


@functools.cache
def _page_statement(searched: bool, only_copies: bool) -> sa.Select:
    """A page of organisations in name order (the index ``ix_organisations_name_lower``)
    with each one's copies and members and the number listed in all: parameters
    ``pattern`` (when ``searched``), ``per_page`` and ``skip``. Built once per process."""
    listed, counted = Organisation.__table__.alias("o"), Organisation.__table__.alias("t")
    council = LocalAuthority.__table__
    page = (sa.select(listed.c.id, listed.c.name, listed.c.service_type,
                      listed.c.local_authority_id, council.c.name.label("council"))
            .select_from(listed.outerjoin(council, council.c.id == listed.c.local_authority_id))
            .where(*_shown(listed, searched, only_copies))
            .order_by(sa.func.lower(listed.c.name), council.c.name, listed.c.id)
            .limit(sa.bindparam("per_page", type_=_INT))
            .offset(sa.bindparam("skip", type_=_INT)).subquery("page"))
    members = (sa.select(sa.func.count()).select_from(Profile)
               .where(Profile.organisation_id == page.c.id).scalar_subquery())
    total = (sa.select(sa.func.count()).select_from(counted)
             .where(*_shown(counted, searched, only_copies)).scalar_subquery())
    return (sa.select(page.c.id, page.c.name, page.c.service_type, page.c.council,
                      _copies(page), members, total)
            .order_by(sa.func.lower(page.c.name), page.c.council, page.c.id))


def listing(q: str = "", page: int = 1, per_page: int = 25, only_copies: bool = False) -> Listing:
    """Organisations by name with their member counts, in one statement whatever the size
    (two for a page past the last, which then shows the last).

    A page reads its rows in name order from an index, and counts copies and members for
    those rows alone: sorting every organisation, and counting every one's copies, took most
    of the page's time on 3,125 organisations."""
    statement = _page_statement(bool(q), only_copies)
    params = {"pattern": f"%{q.lower()}%"} if q else {}
    page = max(page, 1)
    rows = reads.raw_rows(statement, {**params, "per_page": per_page,
                                      "skip": (page - 1) * per_page})
    total = rows[0][6] if rows else 0
    if not rows and page > 1:  # past the last page, or nothing listed: the last page
        rows = reads.raw_rows(statement, {**params, "per_page": per_page, "skip": 0})
        total = rows[0][6] if rows else 0
        page = max((total + per_page - 1) // per_page, 1)
        if page > 1:
            rows = reads.raw_rows(statement, {**params, "per_page": per_page,
                                              "skip": (page - 1) * per_page})
    pages = max((total + per_page - 1) // per_page, 1)
    return Listing([Row(r[0], r[1], ServiceType(r[2]).label, r[3], r[5], r[4]) for r in rows],
                   total, page, pages)


@dataclass(frozen=True)
class Plan:
    """What a merge will do: who stays, which go, and how many profiles move."""
    keep: Organisation
    others: list[Organisation]
    moving: int
    members: dict[int, int]


def check_merge(ids: list[int], keep_id: int | None = None) -> Plan:
    """The plan for merging these organisations into ``keep_id`` (the one with most members,
    then the oldest, when None), or MergeProblem saying why not."""
    ids = sorted(set(ids))
    if len(ids) < 2:
        raise MergeProblem("Choose at least two organisations to merge.")
    found = list(db.session.scalars(sa.select(Organisation).where(Organisation.id.in_(ids))
                                    .order_by(Organisation.id)))
    if len(found) != len(ids):
        raise MergeProblem("One of those organisations no longer exists. Go back to the list "
                           "and choose again.")
    if len({" ".join(o.name.lower().split()) for o in found}) > 1:
        raise MergeProblem("Only organisations with the same name can be merged. These have "
                           "different names, so they may be different services.")
    if len({o.local_authority_id for o in found}) > 1:
        raise MergeProblem("Only organisations in the same council can be merged. These are in "
                           "different councils, so they are different services.")
    members = dict(db.session.execute(
        sa.select(Profile.organisation_id, sa.func.count()).where(Profile.organisation_id.in_(ids))
        .group_by(Profile.organisation_id)).all())
    if keep_id is None:
        keep = max(found, key=lambda o: (members.get(o.id, 0), -o.id))
    else:
        keep = next((o for o in found if o.id == keep_id), None)
        if keep is None:
            raise MergeProblem("Choose which of these organisations to keep.")
    others = [o for o in found if o.id != keep.id]
    return Plan(keep, others, sum(members.get(o.id, 0) for o in others), members)


def merge(actor: User, plan: Plan) -> int:
    """Move every profile of the others to the one kept, delete the others; audited. Returns
    how many profiles moved."""
    other_ids = [o.id for o in plan.others]
    moved = db.session.execute(
        sa.update(Profile).where(Profile.organisation_id.in_(other_ids))
        .values(organisation_id=plan.keep.id)
        .execution_options(synchronize_session=False)).rowcount
    for other in plan.others:
        db.session.delete(other)
    audit.record(actor, "organisation.merged", plan.keep, name=plan.keep.name,
                 merged=len(other_ids), moved=moved, removed=other_ids)
    db.session.commit()
    return moved
