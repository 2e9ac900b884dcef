"""CSV exports of the lists a coordinator sees: members, mentoring matches, action learning sets,
local network events and their attendance.

Each export is a generator of text chunks for a streamed response: rows are read from the
database a thousand at a time (``yield_per``: a server-side cursor on PostgreSQL) and written
with ``csv.writer`` into a small buffer per chunk, so 25,000 rows never sit in memory at once.

Nothing special-category leaves here: no ethnicity, no sex, no affinity network (name, member
or count). Events and attendance come from local networks only. A member's fields follow their
choice of who sees them, as on the members list (netapp/services/member_list.py). Cells that a
spreadsheet would run as a formula get a leading apostrophe.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from netapp.extensions import db
from netapp.models import (
    Event,
    EventRsvp,
    LearningSet,
    LocalAuthority,
    MentoringRound,
    Mentorship,
    Network,
    NetworkKind,
    Region,
    RsvpStatus,
    SetMembership,
    User,
)
from netapp.services import member_list

CHUNK = 1000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value) -> str | int | float:
    """A value as a CSV cell; text a spreadsheet would run as a formula starts with '."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat(sep=" ", timespec="minutes") if hasattr(value, "hour") \
            else value.isoformat()
    text = str(getattr(value, "value", value))
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _stream(header: list[str], statement: sa.Select,
            to_lines: Callable[[list], Iterable[list]]) -> Iterator[str]:
    """The header, then the statement's rows a chunk at a time, each chunk as CSV text."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    yield out.getvalue()
    result = db.session.execute(statement.execution_options(yield_per=CHUNK))
    for chunk in result.partitions():
        out.seek(0)
        out.truncate()
        writer.writerows([cell(v) for v in line] for line in to_lines(chunk))
        yield out.getvalue()


@dataclass(frozen=True)
class Export:
    """What a route needs: the file name, the number of rows (for the audit log) and the
    chunks."""

    filename: str
    count: int
    chunks: Iterator[str]


# ------------------------------------------------------------------ members

MEMBER_HEADER = ["name", "email", "council", "region", "organisation", "service_type",
                 "level", "needs", "strengths", "wants_mentor", "in_set", "isolation_index"]


def members(viewer: User, filters: member_list.Filters) -> Export:
    """The members list with its filters, as the viewer may see each member."""

    def lines(chunk):
        for r in member_list.details(chunk):
            yield [r.name, r.email, r.council, r.region, r.organisation,
                   r.service_type.value if r.service_type else None, r.level,
                   "; ".join(r.needs), " ".join(r.strengths), r.wants_mentor, r.in_set,
                   r.isolation]

    return Export("members.csv", member_list.count(viewer, filters),
                  _stream(MEMBER_HEADER, member_list.rows(viewer, filters), lines))


# ------------------------------------------------------------------ mentoring matches

MATCH_HEADER = ["mentee", "mentee_email", "mentor", "mentor_email", "status", "round",
                "started", "answered", "closed"]


def _matches() -> sa.Select:
    mentee, mentor = aliased(User), aliased(User)
    # Reasons, notes and feedback stay out: they are the pair's own words.
    return (
        sa.select(mentee.display_name, mentee.email, mentor.display_name, mentor.email,
                  Mentorship.status, MentoringRound.name, Mentorship.created_at,
                  Mentorship.responded_at, Mentorship.closed_at)
        .select_from(Mentorship)
        .join(mentee, mentee.id == Mentorship.mentee_id)
        .join(mentor, mentor.id == Mentorship.mentor_id)
        .outerjoin(MentoringRound, MentoringRound.id == Mentorship.round_id)
        .order_by(Mentorship.created_at, Mentorship.id)
    )


def matches() -> Export:
    return Export("mentoring-matches.csv", _count(_matches()),
                  _stream(MATCH_HEADER, _matches(), lambda chunk: chunk))


# ------------------------------------------------------------------ action learning sets

SET_HEADER = ["set", "status", "region", "meets_online", "facilitator", "member",
              "member_email", "joined", "left"]


def _sets() -> sa.Select:
    facilitator, member = aliased(User), aliased(User)
    # The set's "needs a look" flag and summary stay out: they can hint at an affinity rule.
    return (
        sa.select(LearningSet.name, LearningSet.status, Region.name, LearningSet.meets_online,
                  facilitator.display_name, member.display_name, member.email,
                  SetMembership.joined_at, SetMembership.left_at)
        .select_from(LearningSet)
        .outerjoin(Region, Region.id == LearningSet.region_id)
        .outerjoin(facilitator, facilitator.id == LearningSet.facilitator_id)
        .outerjoin(SetMembership, SetMembership.set_id == LearningSet.id)
        .outerjoin(member, member.id == SetMembership.user_id)
        .order_by(LearningSet.name, LearningSet.id, member.display_name, member.id)
    )


def sets() -> Export:
    return Export("learning-sets.csv", _count(_sets()),
                  _stream(SET_HEADER, _sets(), lambda chunk: chunk))


# ------------------------------------------------------------------ events and attendance


def _local_events(stmt: sa.Select) -> sa.Select:
    """Only local networks' events: an affinity network's events would say who is in it."""
    return (stmt.join(Network, Network.id == Event.network_id)
            .outerjoin(LocalAuthority, LocalAuthority.id == Network.local_authority_id)
            .where(Network.kind == NetworkKind.LOCAL))


EVENT_HEADER = ["event", "network", "council", "starts", "ends", "online", "place",
                "capacity", "cancelled", "going", "waiting", "attended"]


def _events() -> sa.Select:
    def counted(condition):
        return (sa.select(sa.func.count()).select_from(EventRsvp)
                .where(EventRsvp.event_id == Event.id, condition).scalar_subquery())

    return _local_events(
        sa.select(Event.title, Network.name, LocalAuthority.name, Event.starts_at, Event.ends_at,
                  Event.is_online, Event.place, Event.capacity, Event.cancelled_at,
                  counted(EventRsvp.status == RsvpStatus.GOING),
                  counted(EventRsvp.status == RsvpStatus.WAITING),
                  counted(EventRsvp.attended.is_(True)))
        .select_from(Event)
    ).order_by(Event.starts_at, Event.id)


def events() -> Export:
    return Export("events.csv", _count(_events()),
                  _stream(EVENT_HEADER, _events(), lambda chunk: chunk))


ATTENDANCE_HEADER = ["event", "network", "starts", "member", "member_email", "answer",
                     "attended"]


def _attendance() -> sa.Select:
    return _local_events(
        sa.select(Event.title, Network.name, Event.starts_at, User.display_name, User.email,
                  EventRsvp.status, EventRsvp.attended)
        .select_from(EventRsvp)
        .join(Event, Event.id == EventRsvp.event_id)
        .join(User, User.id == EventRsvp.user_id)
    ).order_by(Event.starts_at, Event.id, User.display_name, User.id)


def attendance() -> Export:
    def lines(chunk):
        for title, network, starts, name, email, status, attended in chunk:
            yield [title, network, starts, name, email, status,
                   "not recorded" if attended is None else attended]

    return Export("event-attendance.csv", _count(_attendance()),
                  _stream(ATTENDANCE_HEADER, _attendance(), lines))


def _count(statement: sa.Select) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(statement.order_by(None).subquery())) or 0

