"""Write entries to the audit log.

Special-category events (joining or leaving an affinity network, choosing to be listed in
one) say something about a person's ethnicity, sex or work. They are kept with no actor, no
target and the day only, and the admin page shows them only as counts per day: see
``record_special`` and ``special_counts``.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from netapp.extensions import db
from netapp.models import AuditEntry, User
from netapp.models.base import utcnow

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
    query = (sa.select(AuditEntry).where(AuditEntry.action.not_in(sorted(SPECIAL_CATEGORY)))
             .options(sa.orm.selectinload(AuditEntry.actor))
             .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc()))
    if action_prefix:
        query = query.where(AuditEntry.action.like(f"{action_prefix}%"))
    if actions is not None:
        query = query.where(AuditEntry.action.in_(actions))
    if actor_id is not None:
        query = query.where(AuditEntry.actor_id == actor_id)
    if actor_words:
        like = f"%{actor_words.lower()}%"
        query = query.where(AuditEntry.actor_id.in_(
            sa.select(User.id).where(sa.or_(sa.func.lower(User.display_name).like(like),
                                            sa.func.lower(User.email).like(like)))))
    if since is not None:
        query = query.where(AuditEntry.created_at >= since)
    if before is not None:
        query = query.where(AuditEntry.created_at < before)
    return query


def special_counts(action_prefix: str = "", page: int = 1, per_page: int = 60, *,
                   since: datetime | None = None, before: datetime | None = None,
                   ) -> tuple[list[tuple[datetime, str, int]], bool]:
    """Special-category events as (day, action, count), newest day first; and whether more.

    Why counts, not rows: each row's id grows with time, so listing the rows, even with
    the day only and in any order, would let a reader place a consent between two timed
    events (a login, say) by its id or by its position among them. A count per day has no id
    and no order within the day. What remains is the day itself; see docs/members.md.
    """
    query = (sa.select(AuditEntry.created_at, AuditEntry.action, sa.func.count())
             .where(AuditEntry.action.in_(sorted(SPECIAL_CATEGORY)))
             .group_by(AuditEntry.created_at, AuditEntry.action)
             .order_by(AuditEntry.created_at.desc(), AuditEntry.action))
    if action_prefix:
        query = query.where(AuditEntry.action.like(f"{action_prefix}%"))
    if since is not None:
        query = query.where(AuditEntry.created_at >= since)
    if before is not None:
        query = query.where(AuditEntry.created_at < before)
    page = max(page, 1)
    rows = db.session.execute(query.offset((page - 1) * per_page).limit(per_page + 1)).all()
    return [tuple(r) for r in rows[:per_page]], len(rows) > per_page
