"""Write entries to the audit log.

Special-category events (joining or leaving an affinity network, choosing to be listed in
one) say something about a person's ethnicity, sex or work. They are kept with no actor, no
target and the day only, and the admin page shows them only as counts per day: see
``record_special`` and ``special_counts``.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from functools import cache
from typing import Any

import sqlalchemy as sa

from netapp.extensions import db
from netapp.models import AuditEntry, User
from netapp.models.base import utcnow
from netapp.services import paging

SPECIAL_CATEGORY = frozenset({
    "consent.given", "consent.withdrawn", "listing.turned_on", "listing.turned_off",
    # A lead of an affinity network is a member of it: who appointed whom stays off the log.
    "affinity_lead.appointed", "affinity_lead.removed",
    # Posting, reporting, hiding or writing a story in an affinity network: who, or which
    # network, would say who is in it.
    "affinity_content.changed",
})


def record(actor: User | None, action: str, target: Any = None, **detail: Any) -> AuditEntry:
    """Add an audit entry to the session (the caller's commit saves it with the change)."""
    if action in SPECIAL_CATEGORY:
        raise ValueError(f"{action!r} is a special-category event: use record_special")
    target_type = target_id = None
    if target is not None:
        target_type = type(target).__name__
        target_id = str(getattr(target, "id", None) or getattr(target, "user_id", ""))
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None),
        action=action,
        target_type=target_type,
        target_id=target_id,
        detail=detail,
    )
    db.session.add(entry)
    return entry


def entries_for_many(actor_id: int | None, action: str, target_type: str,
                     target_ids: Iterable[int], **detail: Any) -> list[dict[str, Any]]:
    """One entry per target, for the same action by the same person (an import's members),
    as rows for the caller to insert in its own transaction: a bulk insert, where one
    ``record`` each would add 25,000 objects to the session."""
    if action in SPECIAL_CATEGORY:
        raise ValueError(f"{action!r} is a special-category event: use record_special")
    now = utcnow()
    return [{"created_at": now, "actor_id": actor_id, "action": action,
             "target_type": target_type, "target_id": str(target_id), "detail": detail}
            for target_id in target_ids]


def record_special(action: str, **detail: Any) -> AuditEntry:
    """Add a special-category event: no actor, no target, and midnight of today as its time.

    ``detail`` must say nothing about the person or the network (no caller passes either).
    """
    if action not in SPECIAL_CATEGORY:
        raise ValueError(f"unknown special-category event {action!r}")
    today = utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
    entry = AuditEntry(actor_id=None, action=action, target_type=None, target_id=None,
                       created_at=today, detail=detail)
    db.session.add(entry)
    return entry


def timed_entries(action_prefix: str = "", *, actions: list[str] | None = None,
                  actor_id: int | None = None, actor_words: str = "",
                  since: datetime | None = None, before: datetime | None = None) -> sa.Select:
    """Every ordinary entry, newest first, optionally narrowed: actions starting with a prefix
    or in a list, done by one person (by id, or by part of their name or email), or in a time
    range (``since`` included, ``before`` not)."""
    values = _filter_values(action_prefix=action_prefix, actions=actions, actor_id=actor_id,
                            actor_words=actor_words, since=since, before=before)
    return (sa.select(AuditEntry).where(*_conditions(frozenset(values)))
            .options(sa.orm.selectinload(AuditEntry.actor))
            .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())).params(values)


def _filter_values(*, action_prefix: str = "", actions: list[str] | None = None,
                   actor_id: int | None = None, actor_words: str = "",
                   since: datetime | None = None, before: datetime | None = None,
                   about: int | None = None) -> dict[str, Any]:
    """The filters given, as values for ``_conditions``'s parameters."""
    values: dict[str, Any] = {"action_prefix": action_prefix or None, "actions": actions,
                              "actor_id": actor_id, "since": since, "before": before,
                              "about": about}
    if actor_words:
        values["actor_words"] = f"%{actor_words.lower()}%"
    if about is not None:
        values["about_text"] = str(about)
    return {key: value for key, value in values.items() if value is not None}


def _conditions(present: frozenset[str]) -> list[sa.ColumnElement[bool]]:
    """What an entry must meet for the filters named in ``present`` (parameters of the same
    names): special-category events never."""
    where = [AuditEntry.action.not_in(sorted(SPECIAL_CATEGORY))]
    if "action_prefix" in present:
        where.append(AuditEntry.action.startswith(sa.bindparam("action_prefix", type_=_TEXT)))
    if "actions" in present:
        where.append(AuditEntry.action.in_(sa.bindparam("actions", expanding=True)))
    if "actor_id" in present:
        where.append(AuditEntry.actor_id == sa.bindparam("actor_id", type_=_INT))
    if "actor_words" in present:
        like = sa.bindparam("actor_words", type_=_TEXT)
        where.append(AuditEntry.actor_id.in_(
            sa.select(User.id).where(sa.or_(sa.func.lower(User.display_name).like(like),
                                            sa.func.lower(User.email).like(like)))))
    if "since" in present:
        where.append(AuditEntry.created_at >= sa.bindparam("since", type_=sa.DateTime()))
    if "before" in present:
        where.append(AuditEntry.created_at < sa.bindparam("before", type_=sa.DateTime()))
    if "about" in present:
        # Done to one person (their account or profile) by someone else: what they did to
        # themselves (logging in, a new password) is under what they did.
        where.append(AuditEntry.target_type.in_(PERSON_TARGETS))
        where.append(AuditEntry.target_id == sa.bindparam("about_text", type_=_TEXT))
        where.append(sa.or_(AuditEntry.actor_id.is_(None),
                            AuditEntry.actor_id != sa.bindparam("about", type_=_INT)))
    return where


_INT, _TEXT = sa.Integer(), sa.String()
# Target types whose id is a person's id.
PERSON_TARGETS = ("User", "Profile")


@cache
def _page_statements(present: frozenset[str]) -> tuple[sa.Select, sa.Select]:
    """A page of entries as rows, with their actor's name and the number matching, and that
    number alone (for a page past the end); built once per process for each set of filters:
    parameters those of ``_conditions``, ``per_page`` and ``skip``.

    The number is a subquery of its own rather than ``count(*) OVER ()``: that would sort
    the whole log for every page, where the page alone reads the newest entries by index.
    """
    matching = sa.select(AuditEntry.id).where(*_conditions(present))
    counted = sa.select(sa.func.count()).select_from(matching.subquery())
    actor = sa.orm.aliased(User)  # not ``users``: the "who" filter reads that table itself
    rows = (matching.with_only_columns(
                AuditEntry.id, AuditEntry.created_at, AuditEntry.actor_id, AuditEntry.action,
                AuditEntry.target_type, AuditEntry.target_id, AuditEntry.detail,
                actor.display_name.label("actor_name"),
                counted.correlate(None).scalar_subquery().label("total"))
            .outerjoin(actor, actor.id == AuditEntry.actor_id)
            .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
            .limit(sa.bindparam("per_page", type_=_INT))
            .offset(sa.bindparam("skip", type_=_INT)))
    return rows, counted


def page_of_entries(page: int, per_page: int, **filters: Any) -> paging.Page:
    """One page of the entries ``timed_entries(**filters)`` would give, as plain rows (the
    entry's columns and its actor's ``actor_name``), with the number matching, in one
    statement. ``about``: only what was done to this person by someone else."""
    values = _filter_values(**filters)
    rows, counted = _page_statements(frozenset(values))
    page = max(page, 1)
    found = db.session.execute(rows, {**values, "per_page": per_page,
                                      "skip": (page - 1) * per_page}).all()
    if found:
        count = found[0].total
    elif page == 1:
        count = 0
    else:  # past the last page: no row carries the number
        count = db.session.scalar(counted, values)
    return paging.Page(found, count, page, per_page)


def special_counts(action_prefix: str = "", page: int = 1, per_page: int = 60, *,
                   since: datetime | None = None, before: datetime | None = None,
                   ) -> tuple[list[tuple[datetime, str, int]], bool]:
    """Special-category events as (day, action, count), newest day first; and whether more.

    Why counts, not rows: each row's id grows with time, so listing the rows, even with
    the day only and in any order, would let a reader place a consent between two timed
    events (a login, say) by its id or by its position among them. A count per day has no id
    and no order within the day. What remains is the day itself; see docs/members.md.
    """
    values = {"action_prefix": action_prefix or None, "since": since, "before": before}
    values = {key: value for key, value in values.items() if value is not None}
    page = max(page, 1)
    rows = db.session.execute(_counts_statement(frozenset(values)), {
        **values, "per_page": per_page + 1, "skip": (page - 1) * per_page}).all()
    return [tuple(r) for r in rows[:per_page]], len(rows) > per_page


@cache
def _counts_statement(present: frozenset[str]) -> sa.Select:
    """The statement behind ``special_counts``, built once per process for each set of
    filters: parameters those named in ``present``, ``per_page`` and ``skip``."""
    query = (sa.select(AuditEntry.created_at, AuditEntry.action, sa.func.count())
             .where(AuditEntry.action.in_(sorted(SPECIAL_CATEGORY)))
             .group_by(AuditEntry.created_at, AuditEntry.action)
             .order_by(AuditEntry.created_at.desc(), AuditEntry.action))
    if "action_prefix" in present:
        query = query.where(AuditEntry.action.startswith(
            sa.bindparam("action_prefix", type_=_TEXT)))
    if "since" in present:
        query = query.where(AuditEntry.created_at >= sa.bindparam("since", type_=sa.DateTime()))
    if "before" in present:
        query = query.where(AuditEntry.created_at < sa.bindparam("before", type_=sa.DateTime()))
    return (query.limit(sa.bindparam("per_page", type_=_INT))
            .offset(sa.bindparam("skip", type_=_INT)))
