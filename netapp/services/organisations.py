"""Organisations (care services) for admins: a searchable list, and merging copies of one.

Members type their service's name, so the same home can be there twice ("Oak Lodge" and
"oak lodge"). Copies may be merged only when they are the same name (ignoring case and spaces)
in the same council: anything else is two services, and merging them would move people to a
place they do not work.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from netapp.extensions import db
from netapp.models import LocalAuthority, Organisation, Profile, User
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


def _key():
    return sa.func.lower(sa.func.trim(Organisation.name))


def listing(q: str = "", page: int = 1, per_page: int = 25, only_copies: bool = False) -> Listing:
    """Organisations by name with their member counts, in two statements whatever the size.

    Members are counted for the page's rows only (25 look-ups in an index): counting every
    organisation's members, twice, read all the profiles on each page."""
    copies = sa.func.count().over(partition_by=(_key(), Organisation.local_authority_id))
    inner = (sa.select(Organisation.id, Organisation.name, Organisation.service_type,
                       LocalAuthority.name.label("council"), copies.label("copies"))
             .outerjoin(LocalAuthority, LocalAuthority.id == Organisation.local_authority_id))
    if q:
        inner = inner.where(sa.func.lower(Organisation.name).like(f"%{q.lower()}%"))
    inner = inner.subquery()
    query = sa.select(inner)
    if only_copies:
        query = query.where(inner.c.copies > 1)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    pages = max((total + per_page - 1) // per_page, 1)
    page = min(max(page, 1), pages)
    shown = (query.order_by(sa.func.lower(inner.c.name), inner.c.council, inner.c.id)
             .offset((page - 1) * per_page).limit(per_page).subquery())
    members = (sa.select(sa.func.count()).select_from(Profile)
               .where(Profile.organisation_id == shown.c.id).scalar_subquery())
    rows = db.session.execute(
        sa.select(shown, members.label("members"))
        .order_by(sa.func.lower(shown.c.name), shown.c.council, shown.c.id)).all()
    return Listing([Row(r.id, r.name, r.service_type.label, r.council, r.members, r.copies)
                    for r in rows], total, page, pages)


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
