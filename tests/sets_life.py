"""A published action learning set with members and a facilitator, for the set page tests."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from netapp.extensions import db
from netapp.models import LearningSet, SetAttendance, SetMeeting, SetMembership, SetStatus, User
from netapp.models.base import utcnow
from netapp.services.sets import to_utc
from tests.factories import make_user


def published_set(members: list[User], facilitator: User | None, name: str = "Leeds set 1",
                  themes=("finance", "leadership"), online: bool = True) -> LearningSet:
    row = LearningSet(name=name, status=SetStatus.ACTIVE, meets_online=online,
                      facilitator_id=facilitator.id if facilitator else None,
                      themes=list(themes), published_at=utcnow())
    db.session.add(row)
    db.session.flush()
    db.session.add_all(SetMembership(set_id=row.id, user_id=m.id) for m in members)
    db.session.commit()
    return row


def more_members(count: int, start: int = 0) -> list[User]:
    return [make_user(email=f"setmember{start + n}@example.org", name=f"Set Member {start + n}")
            for n in range(count)]


def meeting(row: LearningSet, starts: datetime, hours: int = 2, *, online: bool = True,
            link: str = "https://meet.example.org/abc", place: str = "") -> SetMeeting:
    """A meeting at ``starts`` (naive UTC), added straight to the database (past ones too)."""
    m = SetMeeting(set_id=row.id, starts_at=starts, ends_at=starts + timedelta(hours=hours),
                   is_online=online, link=link if online else "", place=place)
    db.session.add(m)
    db.session.commit()
    return m


def past_meetings(row: LearningSet, count: int) -> list[SetMeeting]:
    now = utcnow()
    return [meeting(row, now - timedelta(days=14 * (count - n))) for n in range(count)]


def mark(m: SetMeeting, came: dict[User, bool]) -> None:
    for user, attended in came.items():
        db.session.add(SetAttendance(meeting_id=m.id, user_id=user.id, attended=attended))
    db.session.commit()


def next_year_day(month: int, day: int = 15) -> date:
    return date(utcnow().year + 1, month, day)


def utc_of(day: date, hour: int) -> datetime:
    return to_utc(day, time(hour, 0))
