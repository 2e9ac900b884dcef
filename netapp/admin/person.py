"""The admins' page about one person, as shown: their account with its roles, and the latest
entries of the audit log done to them and by them, read as plain rows in two statements."""
from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from netapp.extensions import db
from netapp.models import AuditEntry, Role, User, UserRole
from netapp.services import audit

__all__ = ["Person", "person_page"]

_ROLES = {role.value: role for role in Role}


@dataclass(frozen=True)
class Person:
    """An account as its page shows it."""

    id: int
    display_name: str
    email: str
    created_at: datetime
    is_active_account: bool
    is_verified: bool
    roles: tuple[Role, ...]  # in the order of their values, as the roles table's key reads them

    def has_role(self, role: Role) -> bool:
        return role in self.roles


@functools.cache
def _person_statement() -> sa.Select:
    """The account with its roles' values joined by commas: parameter ``user``. Built once
    per process."""
    roles = (sa.select(sa.func.aggregate_strings(sa.cast(UserRole.role, sa.String()), ","))
             .where(UserRole.user_id == User.id).scalar_subquery())
    return (sa.select(User.id, User.display_name, User.email, User.created_at,
                      User.is_active_account, User.email_verified_at.is_not(None), roles)
            .where(User.id == sa.bindparam("user", type_=sa.Integer())))


@functools.cache
def _entries_statement(most: int) -> sa.Select:
    """Up to ``most`` entries done to the person by someone else (``list`` "to") and up to
    ``most`` done by them ("by"), each with its actor's name, under the audit log's own rules
    (``audit._conditions``: no special-category event): parameters ``about`` and
    ``about_text`` (the person's id, as a number and as text) and ``actor_id``. Built once
    per process."""
    actor = aliased(User)

    def latest(kind: str, present: str) -> sa.Select:
        return (sa.select(sa.literal_column(f"'{kind}'", sa.String()).label("list"),
                          AuditEntry.id, AuditEntry.created_at, AuditEntry.actor_id,
                          AuditEntry.action, AuditEntry.target_type, AuditEntry.target_id,
                          AuditEntry.detail, actor.display_name.label("actor_name"))
                .outerjoin(actor, actor.id == AuditEntry.actor_id)
                .where(*audit._conditions(frozenset({present})))
                .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
                .limit(most).subquery(kind))

    return sa.union_all(*(sa.select(*latest(kind, present).c)
                          for kind, present in (("to", "about"), ("by", "actor_id"))))


def person_page(user_id: int, most: int) -> tuple[Person, list, list] | None:
    """The account (None if there is none) and, newest first, up to ``most`` entries of the log
    done to them by someone else and up to ``most`` done by them (``audit.Entry``)."""
    connection = db.session.connection()
    found = connection.execute(_person_statement(), {"user": user_id}).first()
    if found is None:
        return None
    uid, name, email, created_at, is_open, verified, roles = found
    person = Person(uid, name, email, created_at, is_open, verified,
                    tuple(_ROLES[value] for value in sorted((roles or "").split(",")) if value))
    lists: dict[str, list] = {"to": [], "by": []}
    for kind, *entry in connection.execute(
            _entries_statement(most),
            {"about": uid, "about_text": str(uid), "actor_id": uid}):
        lists[kind].append(audit.Entry(*entry))
    newest_first = [sorted(entries, key=lambda e: (e.created_at, e.id), reverse=True)
                    for entries in (lists["to"], lists["by"])]
    return person, *newest_first
