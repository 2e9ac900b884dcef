"""The one way between the app and the matching engine: profiles in, the engine's people out,
and the engine's answers back as user ids.

Everything here reads in bulk (a fixed number of queries however many members there are) and
never commits; the mentoring services decide what to save.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa

from matching import Mentee, Mentor
from matching.lqf import ELEMENT_CODES
from netapp.extensions import db
from netapp.models import (
    LocalAuthority,
    Mentorship,
    MentorshipStatus,
    Profile,
    Role,
    User,
    UserRole,
)
from netapp.services.profiles import matching_rows

# Why someone cannot be put forward, in words a coordinator can act on.
NOT_CONFIRMED = "hasn't confirmed their email address yet"
NO_COUNCIL = "hasn't said which council area they work in"
NO_LEVEL = "hasn't said their level of leadership"
NO_SERVICE = "hasn't said which service they manage"
NO_ASSESSMENT = "hasn't finished a self-assessment yet"
PAUSED = "is taking a break from new mentees"
FULL = "has no free places"
NO_PROFILE = "hasn't filled in their profile yet"

BUSY = (MentorshipStatus.OFFERED, MentorshipStatus.REQUESTED, MentorshipStatus.ACCEPTED)


def person_id(user_id: int) -> str:
    """The engine's id for a member."""
    return str(user_id)


def user_id(engine_id: str) -> int:
    """The member behind an engine id."""
    return int(engine_id)


@dataclass
class Pool:
    """The people a round can match, and everyone else with the reason they are left out."""

    mentees: list[Mentee] = field(default_factory=list)
    mentors: list[Mentor] = field(default_factory=list)
    left_out: dict[int, str] = field(default_factory=dict)


def _common(row: dict) -> tuple[dict, str | None]:
    """The fields both sides share, or the reason the profile cannot be used."""
    if not row["region"] or not row["local_authority_id"]:
        return {}, NO_COUNCIL
    if row["level"] is None:
        return {}, NO_LEVEL
    if not row["service_type"]:
        return {}, NO_SERVICE
    if any(code not in row["lqf"] for code in ELEMENT_CODES):
        return {}, NO_ASSESSMENT
    org = row["organisation_id"]
    return {
        "id": person_id(row["user_id"]),
        # a member with no organisation is unknown, never "the same as everyone without one"
        "organisation": "" if org is None else f"org-{org}",
        "region": row["region"],
        "local_authority": f"la-{row['local_authority_id']}",
        "service_type": row["service_type"],
        "level": row["level"],
        "online": bool(row["online"]),
        "lqf": tuple(row["lqf"][code] for code in ELEMENT_CODES),
    }, None


def to_mentee(row: dict) -> Mentee | str:
    """The engine's Mentee for one ``matching_rows`` row, or the reason there can't be one."""
    fields, reason = _common(row)
    return reason or Mentee(**fields, needs=tuple(row["needs"]))


def to_mentor(row: dict, free_places: int) -> Mentor | str:
    """The engine's Mentor with ``free_places`` left, or the reason there can't be one."""
    fields, reason = _common(row)
    return reason or Mentor(**fields, offers=tuple(row["offers"]), capacity=free_places)


def mentor_loads(mentor_ids: Iterable[int] | None = None) -> Counter[int]:
    """Places taken per mentor: accepted mentees plus offers and requests still open."""
    query = (sa.select(Mentorship.mentor_id, sa.func.count())
             .where(Mentorship.status.in_(BUSY)).group_by(Mentorship.mentor_id))
    if mentor_ids is not None:
        query = query.where(Mentorship.mentor_id.in_(list(mentor_ids)))
    return Counter(dict(db.session.execute(query).all()))


def _region_id_of_council() -> dict[int, int]:
    return dict(db.session.execute(sa.select(LocalAuthority.id, LocalAuthority.region_id)).all())


def load_pool(region_id: int | None = None) -> Pool:
    """Everyone a round for ``region_id`` (the whole country when None) could match.

    Mentees: confirmed members who asked for a mentor and have no mentor, offer or request under
    way, working in the region. Mentors: confirmed mentors not on a break with a free place,
    working in the region or, for a regional round, meeting online from anywhere (the engine
    keeps in-person pairs within one region).
    """
    wanting = set(db.session.scalars(
        sa.select(Profile.user_id).join(User, User.id == Profile.user_id)
        .where(Profile.wants_mentor.is_(True), User.is_active_account.is_(True))
    ))
    busy_mentees = set(db.session.scalars(
        sa.select(Mentorship.mentee_id).where(Mentorship.status.in_(BUSY))
    ))
    mentor_ids = set(db.session.scalars(
        sa.select(UserRole.user_id).join(User, User.id == UserRole.user_id)
        .where(UserRole.role == Role.MENTOR, User.is_active_account.is_(True))
    ))
    paused = set(db.session.scalars(
        sa.select(Profile.user_id).where(Profile.mentoring_paused.is_(True))
    ))
    unconfirmed = set(db.session.scalars(
        sa.select(User.id).where(User.email_verified_at.is_(None))
    ))
    loads = mentor_loads()
    council_region = _region_id_of_council()
    pool = Pool()
    for row in matching_rows():
        uid = row["user_id"]
        in_region = region_id is None or council_region.get(row["local_authority_id"]) == region_id
        if uid in wanting and uid not in busy_mentees and in_region:
            _add(pool, uid, unconfirmed, lambda r=row: to_mentee(r), pool.mentees)
        if uid in mentor_ids and (in_region or row["online"]):
            free = max(0, (row["capacity"] or 0) - loads[uid])
            if uid in paused:
                pool.left_out.setdefault(uid, PAUSED)
            elif free == 0:
                pool.left_out.setdefault(uid, FULL)
            else:
                _add(pool, uid, unconfirmed, lambda r=row, f=free: to_mentor(r, f), pool.mentors)
    return pool


def _add(pool: Pool, uid: int, unconfirmed: set[int], build, into: list) -> None:
    if uid in unconfirmed:
        pool.left_out.setdefault(uid, NOT_CONFIRMED)
        return
    person = build()
    if isinstance(person, str):
        pool.left_out.setdefault(uid, person)
    else:
        into.append(person)


def declined_pairs(mentee_ids: Iterable[int] | None = None) -> list[tuple[str, str]]:
    """Every (mentee, mentor) pair that was declined before, in the engine's ids."""
    query = sa.select(Mentorship.mentee_id, Mentorship.mentor_id).where(
        Mentorship.status == MentorshipStatus.DECLINED)
    if mentee_ids is not None:
        query = query.where(Mentorship.mentee_id.in_(list(mentee_ids)))
    return [(person_id(a), person_id(b)) for a, b in db.session.execute(query)]


@dataclass
class OneMentee:
    """One member as a mentee, or why they can't be one, and every mentor open to them."""

    mentee: Mentee | None
    reason: str
    mentors: list[Mentor] = field(default_factory=list)


def open_mentors_for(mentee_user_id: int, exclude: Iterable[int] = ()) -> OneMentee:
    """The member as the engine's Mentee, and the mentors who could take them now.

    Mentors: confirmed, active, not on a break, with a free place (accepted mentees and open
    offers and requests count as taken), each with ``capacity`` set to their free places, so
    ``suggest_mentors`` needs no loads. ``exclude`` (user ids) are left out, for example
    mentors this member dismissed or already asked. A fixed number of queries.
    """
    skip = set(exclude) | {mentee_user_id}
    mentor_ids = set(db.session.scalars(
        sa.select(UserRole.user_id).join(User, User.id == UserRole.user_id)
        .join(Profile, Profile.user_id == UserRole.user_id)
        .where(UserRole.role == Role.MENTOR, User.is_active_account.is_(True),
               User.email_verified_at.is_not(None), Profile.mentoring_paused.is_(False),
               Profile.mentor_capacity > 0)
    )) - skip
    loads = mentor_loads()
    rows = {r["user_id"]: r for r in matching_rows(sorted(mentor_ids | {mentee_user_id}))}
    own = rows.pop(mentee_user_id, None)
    if own is None:
        return OneMentee(None, NO_PROFILE)
    mentee = to_mentee(own)
    if isinstance(mentee, str):
        return OneMentee(None, mentee)
    mentors = []
    for uid in sorted(rows):
        free = (rows[uid]["capacity"] or 0) - loads[uid]
        if uid in mentor_ids and free > 0:
            mentor = to_mentor(rows[uid], free)
            if not isinstance(mentor, str):
                mentors.append(mentor)
    return OneMentee(mentee, "", mentors)
