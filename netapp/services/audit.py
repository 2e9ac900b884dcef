"""Write entries to the audit log, and read a page of it for the admin.

Special-category events (joining or leaving an affinity network, choosing to be listed in
one) say something about a person's ethnicity, sex or work. They are kept with no actor, no
target and the day only, and the admin page shows them only as counts per day: see
``record_special`` and ``_counts``.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any, NamedTuple

import sqlalchemy as sa

from netapp import reads
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


def _conditions(present: frozenset[str], actions: tuple[str, ...] | None = None
                ) -> list[sa.ColumnElement[bool]]:
    """What an entry must meet for the filters named in ``present`` (parameters of the same
    names; ``actions`` given is written in instead): never a special-category event."""
    where = [AuditEntry.action.not_in(_inline(SPECIAL_CATEGORY))]
    if "action_prefix" in present:
        where.append(AuditEntry.action.startswith(sa.bindparam("action_prefix", type_=_TEXT)))
    if actions is not None:
        where.append(AuditEntry.action.in_(_inline(actions)))
    elif "actions" in present:
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
        where.append(AuditEntry.target_type.in_(_inline(PERSON_TARGETS)))
        where.append(AuditEntry.target_id == sa.bindparam("about_text", type_=_TEXT))
        where.append(sa.or_(AuditEntry.actor_id.is_(None),
                            AuditEntry.actor_id != sa.bindparam("about", type_=_INT)))
    return where


_INT, _TEXT = sa.Integer(), sa.String()
# Target types whose id is a person's id.
PERSON_TARGETS = ("User", "Profile")
# Detail keys that hold a person's id: shown as their name.
PERSON_KEYS = ("user_id", "mentee_id", "mentor_id", "facilitator_id")


# A page of the log shows this many days of special-category counts.
COUNTS_PER_PAGE = 60
# A person's id as text (a target's id, a detail's value) that the log's statement looks up:
# digits that fit an integer column. Anything else is looked up by ``audit_words`` apart.
_PERSON_ID = "^[0-9]{1,9}$"


class Entry(NamedTuple):
    """An ordinary entry of the log as ``log_page`` reads it, with its actor's name."""

    id: int
    created_at: datetime
    actor_id: int | None
    action: str
    target_type: str | None
    target_id: str | None
    detail: dict[str, Any]
    actor_name: str | None


@dataclass(frozen=True)
class LogPage:
    """A page of the log (``log_page``): its entries and what its sentences and counts need."""

    page: paging.CountedPage  # of ``Entry``
    names: dict[int, str]  # the people named, by id, as far as the statement could tell
    asked: frozenset[int]  # every id whose name was looked up, found or not
    counts: list[tuple[datetime, str, int]]  # special-category events (day, action, count)
    more_counts: bool


def log_page(page: int, per_page: int, *, counts_page: int | None = None,
             **filters: Any) -> LogPage:
    """One page of the entries ``timed_entries(**filters)`` would give, newest first, as plain
    rows with their actor's name; the number matching; the names of the people the page's
    entries name and of the person filtered on (``actor_id``, ``about``); and, given
    ``counts_page``, that page of the special-category counts (``_counts``) for the same
    prefix and dates: in one statement. ``about``: only what was done to this person by
    someone else."""
    values = _filter_values(**filters)
    actions = values.pop("actions", None)
    statement = _log_statement(frozenset(values), None if actions is None else tuple(actions),
                               counts_page is not None)
    page = max(page, 1)
    values.update(per_page=per_page, skip=(page - 1) * per_page,
                  upto=paging.count_limit(page, per_page) + 1)
    if counts_page is not None:
        values.update(counts_per_page=COUNTS_PER_PAGE + 1,
                      counts_skip=(max(counts_page, 1) - 1) * COUNTS_PER_PAGE)
    entries, counts, names, asked, total = [], [], {}, set(), None
    for row in reads.rows(statement, values):
        part = row[0]
        if part == "entry":
            entries.append(Entry(*row[1:7], _detail(row[7]), row[8]))
        elif part == "person":
            asked.add(row.id)
            if row.actor_name is not None:
                names[row.id] = row.actor_name
        elif part == "special":
            counts.append((row.created_at, row.action, row.id))
        else:
            total = row.id
    total = _total(len(entries), values["skip"], per_page, total)
    return LogPage(paging.counted_page(entries[:per_page], total, page, per_page), names,
                   frozenset(asked), counts[:COUNTS_PER_PAGE], len(counts) > COUNTS_PER_PAGE)


def _detail(text: str | None) -> dict[str, Any]:
    """An entry's detail from its JSON text: most entries (a login) have none, and reading
    ``{}`` as JSON each time cost more than the rest of the row."""
    return {} if text == "{}" or text is None else json.loads(text)


def _total(read: int, skip: int, per_page: int, counted: int | None) -> int:
    """The number of entries matching, from the page's rows (``per_page`` and one more) when
    they tell it: fewer than a page and one more means this is the last page, unless it is
    past the end. The statement counts the entries only otherwise (the same test), as far as
    ``paging.count_limit`` and one more."""
    if read > per_page or (read == 0 and skip > 0):
        return counted
    return skip + read


def _inline(words: Iterable[str]) -> list[sa.ColumnElement]:
    """Known names (actions, target types) written into the statement: no parameters to
    expand on each run."""
    names = sorted(words)
    assert all(re.fullmatch(r"[A-Za-z_]+(\.[a-z_]+)?", a) for a in names), names
    return [sa.literal_column(f"'{a}'", _TEXT) for a in names]


@lru_cache(maxsize=256)
def _log_statement(present: frozenset[str], actions: tuple[str, ...] | None,
                   counted: bool) -> sa.Select:
    """The statement behind ``log_page``, built once per process for each set of filters (the
    group of actions asked written in): parameters those of ``_conditions``, ``per_page``,
    ``skip`` and ``upto`` (how far to count), and if ``counted`` ``counts_per_page`` and
    ``counts_skip``.

    Each row is a ``part``: an ``entry`` of the page; the ``total`` matching (its ``id``); a
    ``person`` named (``id``, ``actor_name``: None when their account is gone); a ``special``
    count (``created_at``, ``action``, the count as ``id``). The number matching is a part of
    its own rather than ``count(*) OVER ()``: that would sort the whole log for every page,
    where the page alone reads the newest entries by index; and a page past the end still
    has it. Ordered by time, newest first (special counts by action within a day).
    """
    where = _conditions(present, actions)
    actor = sa.orm.aliased(User)  # not ``users``: the "who" filter reads that table itself
    entries = (sa.select(AuditEntry.id, AuditEntry.created_at, AuditEntry.actor_id,
                         AuditEntry.action, AuditEntry.target_type, AuditEntry.target_id,
                         AuditEntry.detail, actor.display_name.label("actor_name"))
               .outerjoin(actor, actor.id == AuditEntry.actor_id).where(*where)
               .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
               .limit(sa.bindparam("per_page", type_=_INT) + 1)  # one more: is there more?
               .offset(sa.bindparam("skip", type_=_INT))).cte("page")

    def part(kind: str, id_=None, created_at=None, action=None, name=None) -> list:
        # The entries' part comes first and types each column.
        return [sa.literal_column(f"'{kind}'", _TEXT), *(
            sa.null() if column is None else column
            for column in (id_, created_at, None, action, None, None, None, name))]

    # The number matching, counted only when the page does not tell it (``_total``), and then
    # only as far as ``upto`` (``paging.CountedPage``): the log grows every day, and counting
    # all of it for each page cost more than the rest of the page.
    shown = sa.select(sa.func.count()).select_from(entries).scalar_subquery()
    skip, per_page = sa.bindparam("skip", type_=_INT), sa.bindparam("per_page", type_=_INT)
    unknown = sa.or_(shown > per_page, sa.and_(shown == 0, skip > 0))
    first = (sa.select(AuditEntry.id).where(*where)
             .limit(sa.bindparam("upto", type_=_INT)).subquery("first"))
    number = sa.select(sa.func.count()).select_from(first).scalar_subquery()

    # Who the page's entries name (as audit_words.person_ids reads them) and who is filtered
    # on, each id once.
    named = [sa.select(sa.cast(entries.c.target_id, _INT).label("id"))
             .where(entries.c.target_type.in_(_inline(PERSON_TARGETS)),
                    entries.c.target_id.regexp_match(_PERSON_ID))]
    for key in PERSON_KEYS:
        value = sa.cast(entries.c.detail[key].as_string(), _TEXT)
        named.append(sa.select(sa.cast(value, _INT)).where(value.regexp_match(_PERSON_ID)))
    for key in ("actor_id", "about"):
        if key in present:
            named.append(sa.select(sa.bindparam(key, type_=_INT)))
    ids = sa.union(*named).subquery("named")
    parts = [
        # The detail as text, read in Python (``_detail``).
        sa.select(sa.literal_column("'entry'", _TEXT).label("part"),
                  *(sa.cast(c, sa.Text).label(c.name) if c.name == "detail" else c
                    for c in entries.c)),
        # In a CASE: PostgreSQL runs the counts only when the page needs them.
        sa.select(*part("total", sa.case((unknown, number)))),
        sa.select(*part("person", ids.c.id, name=User.display_name))
        .select_from(ids).outerjoin(User, User.id == ids.c.id),
    ]
    if counted:
        counts = _counts(present & {"action_prefix", "since", "before"}).subquery()
        parts.append(sa.select(*part("special", counts.c.count, counts.c.created_at,
                                     counts.c.action)))
    # The page is a CTE inside the statement, which begins with SELECT: a statement beginning
    # with WITH would end its transaction with ROLLBACK (netapp/database.py), and the
    # connection would forget every statement it had prepared.
    rows = sa.union_all(*parts).add_cte(entries, nest_here=True).subquery("log")
    return sa.select(*rows.c).order_by(
        rows.c.created_at.desc(), sa.case((rows.c.part == "special", rows.c.action)),
        rows.c.id.desc())


def _counts(present: frozenset[str]) -> sa.Select:
    """Special-category events as (``created_at``, ``action``, ``count``) per day, newest day
    first, ``counts_per_page`` of them after ``counts_skip``; narrowed by the filters named in
    ``present`` (``action_prefix``, ``since``, ``before``).

    Why counts, not rows: each row's id grows with time, so listing the rows, even with
    the day only and in any order, would let a reader place a consent between two timed
    events (a login, say) by its id or by its position among them. A count per day has no id
    and no order within the day. What remains is the day itself; see docs/members.md.
    """
    query = (sa.select(AuditEntry.created_at, AuditEntry.action,
                       sa.func.count().label("count"))
             .where(AuditEntry.action.in_(_inline(SPECIAL_CATEGORY)))
             .group_by(AuditEntry.created_at, AuditEntry.action)
             .order_by(AuditEntry.created_at.desc(), AuditEntry.action))
    if "action_prefix" in present:
        query = query.where(AuditEntry.action.startswith(
            sa.bindparam("action_prefix", type_=_TEXT)))
    if "since" in present:
        query = query.where(AuditEntry.created_at >= sa.bindparam("since", type_=sa.DateTime()))
    if "before" in present:
        query = query.where(AuditEntry.created_at < sa.bindparam("before", type_=sa.DateTime()))
    return (query.limit(sa.bindparam("counts_per_page", type_=_INT))
            .offset(sa.bindparam("counts_skip", type_=_INT)))
