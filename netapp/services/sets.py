"""A published set's own life: its page, shared notes and actions, meetings, attendance, flags
for missed meetings, and members leaving.

Only the set's current members and its facilitator see the page and its notes; anyone else,
staff included, is told it does not exist (``NotYours``). Coordinators see membership and
attendance (``roster``) but never the notes. Nothing here reads affinity data.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, lazyload

from netapp import reads
from netapp.extensions import db
from netapp.models import (
    EmailOptOut,
    LearningSet,
    Organisation,
    Profile,
    Region,
    Role,
    ServiceType,
    SetAttendance,
    SetMeeting,
    SetMembership,
    SetNote,
    SetStatus,
    User,
    UserRole,
)
from netapp.models.base import utcnow
from netapp.services import (
    audit,
    networks,
    notifications,
    paging,
    profiles,
    reference,
    sql_lists,
)
from netapp.services import matching_bridge as bridge
from netapp.services.audiences import NETWORKS

LONDON = ZoneInfo("Europe/London")
UPCOMING_SHOWN = 5
PAST_SHOWN = 5


class NotYours(Exception):
    """The set (or its meeting or note) is not the viewer's: routes answer 404."""


class SetError(Exception):
    """A request that can't be done; the message says why and what to do."""


# ---------------------------------------------------------------- who may see a set


def _is_member(user_id: int, set_id: int) -> bool:
    return bool(db.session.scalar(sa.select(sa.exists().where(
        SetMembership.set_id == set_id, SetMembership.user_id == user_id,
        SetMembership.left_at.is_(None)))))


def is_member(user: User, row: LearningSet) -> bool:
    return _is_member(user.id, row.id)


@cache
def _set_statement():
    """The statement behind ``set_for``, built once per process: parameters ``viewer`` and
    ``set``."""
    return (sa.select(LearningSet, sa.exists().where(
        SetMembership.set_id == LearningSet.id, SetMembership.user_id == sa.bindparam("viewer"),
        SetMembership.left_at.is_(None)))
        .options(joinedload(LearningSet.facilitator).lazyload(User.roles),
                 joinedload(LearningSet.region))
        .where(LearningSet.id == sa.bindparam("set")))


def set_for(viewer: User, set_id: int) -> LearningSet:
    """The published set, if ``viewer`` is one of its current members or its facilitator.

    One query: the set, whether the viewer is in it, and the facilitator and region its page
    names.
    """
    found = db.session.execute(_set_statement(), {"viewer": viewer.id, "set": set_id}).first()
    if found is None:
        raise NotYours
    row, member = found
    if row.status == SetStatus.DRAFT or (row.facilitator_id != viewer.id and not member):
        raise NotYours
    return row


def facilitated_set(viewer: User, set_id: int) -> LearningSet:
    """The active set, if ``viewer`` facilitates it (members and everyone else: ``NotYours``)."""
    row = db.session.get(LearningSet, set_id)
    if row is None or row.status != SetStatus.ACTIVE or row.facilitator_id != viewer.id:
        raise NotYours
    return row


def meeting_of(row: LearningSet, meeting_id: int) -> SetMeeting:
    meeting = db.session.get(SetMeeting, meeting_id)
    if meeting is None or meeting.set_id != row.id:
        raise NotYours
    return meeting


# ---------------------------------------------------------------- the set's page


@dataclass(frozen=True)
class SetFacts:
    """The set as its own page names it (plain values, no record)."""

    id: int
    name: str
    status: SetStatus
    facilitator_id: int | None
    meets_online: bool
    region_id: int | None


@dataclass(frozen=True)
class MemberView:
    id: int
    name: str
    rows: list[tuple[str, str]]  # what this member lets the viewer see (job title, service...)


@dataclass(frozen=True)
class MeetingView:
    """A meeting as the set's page lists it, with its time in words (``when_words``)."""

    id: int
    starts_at: datetime
    ends_at: datetime
    is_online: bool
    place: str
    link: str
    when: str


@dataclass(frozen=True)
class NoteRow:
    """A shared note or action as the set's page shows it, with its author's name (None for
    someone no longer here)."""

    id: int
    author_id: int | None
    body: str
    is_action: bool
    done_at: datetime | None
    created_at: datetime
    author: str | None


@dataclass(frozen=True)
class SetPage:
    row: SetFacts
    members: list[MemberView]
    facilitator: str
    is_facilitator: bool
    themes: list[str]
    upcoming: list[MeetingView]
    past: list[MeetingView]
    where: str
    notes: paging.Page  # of NoteRow, newest first


def current_members(set_id: int) -> list[User]:
    return list(db.session.scalars(
        sa.select(User).options(lazyload(User.roles))
        .join(SetMembership, SetMembership.user_id == User.id)
        .where(SetMembership.set_id == set_id, SetMembership.left_at.is_(None))
        .order_by(User.display_name, User.id)))


def meets_where(row) -> str:
    """Where the set meets, in words, for anything with a set's ``meets_online`` and
    ``region_id`` (a ``LearningSet`` or ``SetFacts``)."""
    if row.meets_online:
        return "Online"
    if row.region_id is None:
        return "In person"
    # The region's name from the process's copy; a region it lacks is read as before.
    region = (reference.shared("regions").get(row.region_id)
              or db.session.get(Region, row.region_id))
    return f"In person in {region.name}" if region else "In person"


# The page shows each member's job title and service, nothing more of their card.
_CARD_SHOWS = frozenset({"job_title", "organisation"})
_CARD_LEAVES_OUT = frozenset(profiles.FIELD_KEYS) - _CARD_SHOWS


def _written(value: int | str):
    """SQL: a constant number or word written into a statement built once per process, not
    sent as a parameter: fewer values to pass on each execution."""
    if isinstance(value, int):
        return sa.literal_column(str(value), sa.Integer())
    return sa.literal_column("'" + value.replace("'", "''") + "'", sa.String())


def _shares_network(viewer, is_verified: bool, staff: bool):
    """SQL: ``networks.shares_network_sql`` for a set's member (a row with their User and
    Profile), read only where it can change their card on this page: for a viewer who is
    not staff (staff see the same whatever networks they share), about someone else, who
    shows a field the page shows to people in their networks only. False otherwise, which
    then shows the same."""
    if staff:
        return sa.false()
    networks_only = sa.or_(*(
        sa.true() if spec.default == NETWORKS  # (no such field now; a new one is checked)
        else Profile.visibility[spec.key].as_string() == _written(NETWORKS)
        for spec in profiles.FIELDS if spec.key in _CARD_SHOWS))
    return sa.case((sa.and_(User.id != viewer, networks_only),
                    networks.shares_network_sql(viewer, is_verified, User.id)),
                   else_=sa.false())


def _ranked_meetings(set_id) -> sa.Subquery:
    """The set's meetings not cancelled, each ranked within its half (upcoming soonest
    first, past latest first): parameter ``now``."""
    is_upcoming = SetMeeting.ends_at > sa.bindparam("now", type_=sa.DateTime())
    return (
        sa.select(SetMeeting, is_upcoming.label("upcoming"), sa.func.row_number().over(
            partition_by=is_upcoming,
            order_by=(sa.case((is_upcoming, SetMeeting.starts_at)).asc(),
                      SetMeeting.starts_at.desc(), SetMeeting.id)).label("rank"))
        .where(SetMeeting.set_id == set_id, SetMeeting.cancelled_at.is_(None))
        .subquery()
    )


def _shown(ranked):
    """SQL: a ranked meeting is among those the page shows."""
    return ranked.c.rank <= sa.case((ranked.c.upcoming, _written(UPCOMING_SHOWN)),
                                    else_=_written(PAST_SHOWN))


def _page_lists(is_verified: bool, staff: bool):
    """SQL: the set's page's three lists, each a JSON list of rows (``sql_lists``), for the
    set of parameter ``set``: the meetings shown (parameter ``now``) by rank; its current
    members by name, each with the columns of their card (parameter ``viewer``, as
    ``_shares_network`` for a viewer so verified and staff or not); a page of its notes, newest
    first, each with its author's name (parameters ``per_page`` and ``skip``)."""
    set_id = sa.bindparam("set", type_=sa.Integer())
    ranked = _ranked_meetings(set_id)
    meetings = (sa.select(ranked).where(_shown(ranked))
                .order_by(ranked.c.rank, ranked.c.upcoming).subquery())
    members = (
        sa.select(User.id, User.display_name, Profile.user_id.label("profile_id"),
                  Profile.visibility, Profile.job_title,
                  Organisation.name.label("organisation_name"), Organisation.service_type,
                  _shares_network(sa.bindparam("viewer", type_=sa.Integer()), is_verified,
                                  staff).label("shares"))
        .join(SetMembership, SetMembership.user_id == User.id)
        .outerjoin(Profile, Profile.user_id == User.id)
        .outerjoin(Organisation, Organisation.id == Profile.organisation_id)
        .where(SetMembership.set_id == set_id, SetMembership.left_at.is_(None))
        .order_by(User.display_name, User.id).subquery())
    author = sa.select(User.display_name).where(User.id == SetNote.author_id).scalar_subquery()
    notes = (sa.select(SetNote.id, SetNote.author_id, SetNote.body, SetNote.is_action,
                       SetNote.done_at, SetNote.created_at, author.label("author"))
             .where(SetNote.set_id == set_id)
             .order_by(SetNote.created_at.desc(), SetNote.id.desc())
             .limit(sa.bindparam("per_page", type_=sa.Integer()))
             .offset(sa.bindparam("skip", type_=sa.Integer())).subquery())
    return (
        sa.select(sql_lists.in_order(sql_lists.json_array(
            meetings.c.id, meetings.c.starts_at, meetings.c.ends_at, meetings.c.is_online,
            meetings.c.place, meetings.c.link, meetings.c.upcoming),
            meetings.c.rank, meetings.c.upcoming)).scalar_subquery(),
        sa.select(sql_lists.in_order(sql_lists.json_array(
            members.c.id, members.c.display_name, members.c.profile_id, members.c.visibility,
            members.c.job_title, members.c.organisation_name, members.c.service_type,
            members.c.shares),
            members.c.display_name, members.c.id)).scalar_subquery(),
        sa.select(sql_lists.in_order(sql_lists.json_array(*notes.c),
                                     notes.c.created_at.desc(), notes.c.id.desc()))
        .scalar_subquery(),
        sa.select(sa.func.count()).select_from(SetNote).where(SetNote.set_id == set_id)
        .scalar_subquery(),
    )


@cache
def _page_statement(is_verified: bool, staff: bool):
    """The statement behind ``set_page``, built once per process for each kind of viewer
    (verified or not, staff or not): parameters ``viewer``, ``set``, ``now``, ``per_page``
    and ``skip``.

    One row, only when the viewer may open the set (``set_for``'s rule), of one value: a
    JSON list of the set's columns, its facilitator's name and the page's lists
    (``_page_lists``) and number of notes. One column rather than a dozen: each column of a
    result costs the driver and SQLAlchemy their own work on every execution."""
    viewer = sa.bindparam("viewer", type_=sa.Integer())
    member = sa.exists().where(SetMembership.set_id == LearningSet.id,
                               SetMembership.user_id == viewer,
                               SetMembership.left_at.is_(None))
    facilitator = (sa.select(User.display_name).where(User.id == LearningSet.facilitator_id)
                   .scalar_subquery())
    return (sa.select(sql_lists.json_array(
        LearningSet.id, LearningSet.name, LearningSet.status, LearningSet.facilitator_id,
        LearningSet.meets_online, LearningSet.region_id, LearningSet.themes, facilitator,
        *_page_lists(is_verified, staff)))
            .where(LearningSet.id == sa.bindparam("set", type_=sa.Integer()),
                   LearningSet.status != _written(SetStatus.DRAFT.value),
                   sa.or_(LearningSet.facilitator_id == viewer, member)))


def _when(value) -> datetime:
    # A timestamp inside a JSON list is text: ISO 8601 on PostgreSQL, with a space on SQLite.
    return datetime.fromisoformat(value)


def _json(value):
    # SQLite writes a JSON column, or a subquery's JSON list, inside a JSON list as its text;
    # PostgreSQL as JSON.
    return json.loads(value) if isinstance(value, str) else value


@dataclass(frozen=True)
class _CardColumns:
    """The profile columns a member's card on this page reads (``cards_from_values``)."""

    visibility: dict
    job_title: str | None
    organisation_name: str | None
    service_type: ServiceType | None


def set_page(viewer: User, set_id: int, page: int, per_page: int) -> SetPage:
    """Everything on the set's page, if ``viewer`` is one of its current members or its
    facilitator (else ``NotYours``), in one statement of plain values: the set and its
    facilitator's name, the meetings shown (the next ``UPCOMING_SHOWN``, soonest first, and
    the last ``PAST_SHOWN``, latest first, not cancelled), its members with what their cards
    let the viewer see of their job and service, and page ``page`` of its notes (newest
    first, ``per_page`` a page). The region is named from the process's copy."""
    page = max(page, 1)
    staff = viewer.has_role(Role.COORDINATOR, Role.ADMIN)
    found = reads.scalar(
        _page_statement(bool(viewer.is_verified), staff),
        {"viewer": viewer.id, "set": set_id, "now": utcnow(), "per_page": per_page,
         "skip": (page - 1) * per_page})
    if found is None:
        raise NotYours
    (set_id, name, status, facilitator_id, meets_online, region_id, themes, facilitator,
     meetings, members, notes, total) = found
    members = _json(members) or ()
    row = SetFacts(set_id, name, SetStatus(status), facilitator_id, bool(meets_online),
                   region_id)
    upcoming, past = [], []
    for meeting_id, starts, ends, is_online, place, link, soon in _json(meetings) or ():
        starts, ends = _when(starts), _when(ends)
        (upcoming if soon else past).append(MeetingView(
            meeting_id, starts, ends, bool(is_online), place, link, _words(starts, ends)))
    # The same cards as elsewhere, without networks (a card never lists networks, so no
    # affinity network can show here).
    cards = profiles.cards_from_values(viewer, [
        (uid, None if profile_id is None else _CardColumns(
            _json(visibility), job_title, organisation,
            None if service is None else ServiceType(service)), bool(shares), ())
        for uid, _, profile_id, visibility, job_title, organisation, service, shares
        in members], leave_out=_CARD_LEAVES_OUT)
    notes_shown = paging.Page([
        NoteRow(note_id, author_id, body, bool(is_action),
                None if done is None else _when(done), _when(created), author)
        for note_id, author_id, body, is_action, done, created, author in _json(notes) or ()],
        total, page, per_page)
    return SetPage(row=row,
                   members=[MemberView(m[0], m[1], cards[m[0]].rows) for m in members],
                   facilitator=facilitator or "", is_facilitator=facilitator_id == viewer.id,
                   themes=bridge.topic_names(_json(themes) or []), upcoming=upcoming, past=past,
                   where=meets_where(row), notes=notes_shown)


def add_note(author: User, row: LearningSet, body: str, is_action: bool) -> SetNote:
    if row.status != SetStatus.ACTIVE:
        raise SetError("This set has closed, so nothing new can be added.")
    note = SetNote(set_id=row.id, author_id=author.id, body=body.strip(), is_action=is_action)
    db.session.add(note)
    db.session.commit()
    return note


def mark_done(viewer: User, row: LearningSet, note_id: int) -> SetNote:
    note = db.session.get(SetNote, note_id)
    if note is None or note.set_id != row.id or not note.is_action:
        raise NotYours
    if note.done_at is None:
        note.done_at = utcnow()
        db.session.commit()
    return note


# ---------------------------------------------------------------- leaving


def leave(user: User, row: LearningSet) -> None:
    """End the member's place in the set and tell the facilitator."""
    membership = db.session.get(SetMembership, (row.id, user.id))
    if membership is None or membership.left_at is not None:
        raise NotYours
    membership.left_at = utcnow()
    audit.record(user, "set.left", row)
    if row.facilitator is not None:
        from flask import url_for

        notifications.notify(row.facilitator, "set_left",
                             f"{user.display_name} has left {row.name}.",
                             url_for("sets.set_page", set_id=row.id))
    db.session.commit()
    from netapp.services.sets_formation import check_alone_later

    check_alone_later(set_ids=[row.id])


def ask_change(user: User, row: LearningSet) -> None:
    """A member asks the coordinators to move them to another set. No reason is asked or kept:
    any member may ask, for any reason of their own."""
    membership = db.session.get(SetMembership, (row.id, user.id))
    if membership is None or membership.left_at is not None:
        raise NotYours
    from flask import url_for

    link = url_for("sets.set_roster", set_id=row.id)
    for coordinator in coordinators():
        notifications.notify(coordinator, "set_change",
                             f"{user.display_name} would like to move from {row.name} to "
                             "another action learning set. Please get in touch with them.",
                             link)
    audit.record(user, "set.change_asked", row)
    db.session.commit()


# ---------------------------------------------------------------- meetings


def to_utc(day: date, at: time) -> datetime:
    """A UK wall-clock time as naive UTC, as meetings are stored."""
    local = datetime.combine(day, at, tzinfo=LONDON)
    return local.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def to_london(moment: datetime) -> datetime:
    return moment.replace(tzinfo=ZoneInfo("UTC")).astimezone(LONDON)


def check_meeting(day: date, start: time, end: time, is_online: bool, place: str,
                  link: str) -> tuple[datetime, datetime]:
    """The meeting's UTC start and end, or SetError saying what to fix."""
    if end <= start:
        raise SetError("The meeting must end after it starts.")
    starts, ends = to_utc(day, start), to_utc(day, end)
    if starts <= utcnow():
        raise SetError("Choose a time that hasn't passed yet.")
    if is_online and not link.lower().startswith("https://"):
        raise SetError("Give the link to join online: an address starting https://")
    if not is_online and not place.strip():
        raise SetError("Say where you'll meet.")
    return starts, ends


def schedule(actor: User, row: LearningSet, day: date, start: time, end: time, is_online: bool,
             place: str, link: str) -> SetMeeting:
    starts, ends = check_meeting(day, start, end, is_online, place, link)
    meeting = SetMeeting(set_id=row.id, starts_at=starts, ends_at=ends, is_online=is_online,
                         place="" if is_online else place.strip(),
                         link=link.strip() if is_online else "", created_by_id=actor.id,
                         sequence=0)
    db.session.add(meeting)
    db.session.flush()
    audit.record(actor, "set_meeting.scheduled", meeting)
    db.session.commit()
    _tell_members(row, meeting, "set_meeting_new")
    return meeting


def change(actor: User, row: LearningSet, meeting: SetMeeting, day: date, start: time,
           end: time, is_online: bool, place: str, link: str) -> SetMeeting:
    if meeting.cancelled_at is not None:
        raise SetError("This meeting was cancelled; schedule a new one instead.")
    starts, ends = check_meeting(day, start, end, is_online, place, link)
    meeting.starts_at, meeting.ends_at, meeting.is_online = starts, ends, is_online
    meeting.place = "" if is_online else place.strip()
    meeting.link = link.strip() if is_online else ""
    meeting.sequence += 1
    audit.record(actor, "set_meeting.changed", meeting)
    db.session.commit()
    _tell_members(row, meeting, "set_meeting_changed")
    return meeting


def cancel(actor: User, row: LearningSet, meeting: SetMeeting) -> SetMeeting:
    if meeting.cancelled_at is not None:
        return meeting
    meeting.cancelled_at = utcnow()
    meeting.sequence += 1
    audit.record(actor, "set_meeting.cancelled", meeting)
    db.session.commit()
    _tell_members(row, meeting, "set_meeting_cancelled")
    return meeting


def when_words(meeting: SetMeeting) -> str:
    return _words(meeting.starts_at, meeting.ends_at)


@lru_cache(maxsize=1024)
def _words(starts_at: datetime, ends_at: datetime) -> str:
    # Kept per times: a set's page words the same few meetings on every visit.
    start, end = to_london(starts_at), to_london(ends_at)
    return f"{start:%A} {start.day} {start:%B %Y}, {start:%H:%M} to {end:%H:%M} (UK time)"


def _tell_members(row: LearningSet, meeting: SetMeeting, template: str) -> None:
    """An in-app line and an email with the calendar file to each member and the facilitator,
    unless they turned meeting emails off."""
    from flask import url_for

    from netapp.services import calendar
    from netapp.services.mail import send_email

    people = current_members(row.id)
    if row.facilitator is not None and row.facilitator.id not in {p.id for p in people}:
        people.append(row.facilitator)
    opted_out = set(db.session.scalars(
        sa.select(EmailOptOut.user_id)
        .where(EmailOptOut.kind == "set_meeting",
               EmailOptOut.user_id.in_([p.id for p in people]))))
    cancelled = meeting.cancelled_at is not None
    what = {"set_meeting_new": "New meeting", "set_meeting_changed": "Meeting changed",
            "set_meeting_cancelled": "Meeting cancelled"}[template]
    text = f"{what}: {row.name}, {when_words(meeting)}"
    link = url_for("sets.set_page", set_id=row.id)
    for person in people:
        notifications.notify(person, "set_meeting", text, link, email=False)
    db.session.commit()
    ics = calendar.meeting_file(row, meeting, cancelled=cancelled)
    method = "CANCEL" if cancelled else "REQUEST"
    for person in people:
        if not person.is_active or person.id in opted_out:
            continue
        send_email(person.email, text, "email/set_meeting.txt", user=person, set=row, what=what,
                   meeting=meeting, when=when_words(meeting),
                   link=url_for("sets.set_page", set_id=row.id, _external=True),
                   attachments=[("meeting.ics", ics, f"text/calendar; method={method}")])


# ---------------------------------------------------------------- attendance and flags


def attendance_of(meeting: SetMeeting) -> dict[int, bool]:
    return dict(db.session.execute(
        sa.select(SetAttendance.user_id, SetAttendance.attended)
        .where(SetAttendance.meeting_id == meeting.id)).all())


def record_attendance(actor: User, row: LearningSet, meeting: SetMeeting,
                      came: set[int]) -> list[User]:
    """Save who came to a past meeting (every current member: came or not). Returns the
    members who have now missed two meetings in a row; coordinators are told about them."""
    if meeting.cancelled_at is not None:
        raise SetError("This meeting was cancelled, so there's no one to mark.")
    if meeting.starts_at > utcnow():
        raise SetError("You can record who came once the meeting has started.")
    people = current_members(row.id)
    before = attendance_of(meeting)
    for person in people:
        attended = person.id in came
        record = db.session.get(SetAttendance, (meeting.id, person.id))
        if record is None:
            db.session.add(SetAttendance(meeting_id=meeting.id, user_id=person.id,
                                         attended=attended))
        else:
            record.attended, record.recorded_at = attended, utcnow()
    db.session.flush()
    newly_missed = [p for p in people if p.id not in came and before.get(p.id) is not False]
    flagged = [p for p in newly_missed if _missed_previous(row, meeting, p.id)]
    audit.record(actor, "set_meeting.attendance", meeting, came=len(came & {p.id for p in people}),
                 members=len(people))
    if flagged:
        _flag(row, flagged)
    db.session.commit()
    return flagged


def _missed_previous(row: LearningSet, meeting: SetMeeting, user_id: int) -> bool:
    """Whether the member missed the set's meeting just before this one (the meeting before,
    not just any earlier one: two misses with a meeting attended between don't count)."""
    previous = db.session.scalar(
        sa.select(SetMeeting.id).where(SetMeeting.set_id == row.id,
                                       SetMeeting.cancelled_at.is_(None),
                                       SetMeeting.starts_at < meeting.starts_at)
        .order_by(SetMeeting.starts_at.desc()).limit(1))
    if previous is None:
        return False
    record = db.session.get(SetAttendance, (previous, user_id))
    return record is not None and not record.attended


def coordinators() -> list[User]:
    return list(db.session.scalars(
        sa.select(User).join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.COORDINATOR, User.is_active_account.is_(True))
        .order_by(User.id)))


def _flag(row: LearningSet, flagged: list[User]) -> None:
    from flask import url_for

    link = url_for("sets.flags")
    for person in flagged:
        for coordinator in coordinators():
            notifications.notify(coordinator, "set_flag",
                                 f"{person.display_name} has missed two meetings in a row "
                                 f"of {row.name}.", link)


@dataclass(frozen=True)
class Flag:
    user_id: int
    name: str
    set_id: int
    set_name: str
    last_missed: datetime


def flags_query() -> sa.Select:
    """Current members of active sets whose last two recorded meetings were both missed.

    Ranks each member's attendance in their set by meeting time (cancelled meetings aside),
    newest first, and keeps the pairs whose two newest are both absences.
    """
    ranked = (
        sa.select(SetAttendance.user_id, SetMeeting.set_id, SetAttendance.attended,
                  SetMeeting.starts_at,
                  sa.func.row_number().over(
                      partition_by=(SetAttendance.user_id, SetMeeting.set_id),
                      order_by=(SetMeeting.starts_at.desc(), SetMeeting.id.desc()),
                  ).label("rn"))
        .join(SetMeeting, SetMeeting.id == SetAttendance.meeting_id)
        .where(SetMeeting.cancelled_at.is_(None))
        .subquery())
    latest_two = (
        sa.select(ranked.c.user_id, ranked.c.set_id,
                  sa.func.max(ranked.c.starts_at).label("last_missed"))
        .where(ranked.c.rn <= 2)
        .group_by(ranked.c.user_id, ranked.c.set_id)
        .having(sa.func.count() == 2,
                sa.func.sum(sa.case((ranked.c.attended.is_(True), 1), else_=0)) == 0)
        .subquery())
    return (
        sa.select(latest_two.c.user_id, User.display_name, latest_two.c.set_id,
                  LearningSet.name, latest_two.c.last_missed)
        .join(User, User.id == latest_two.c.user_id)
        .join(LearningSet, LearningSet.id == latest_two.c.set_id)
        .join(SetMembership, sa.and_(SetMembership.set_id == latest_two.c.set_id,
                                     SetMembership.user_id == latest_two.c.user_id))
        .where(SetMembership.left_at.is_(None), LearningSet.status == SetStatus.ACTIVE)
        .order_by(latest_two.c.last_missed.desc(), User.display_name, User.id))


@cache
def _flags_statement() -> sa.Select:
    """``flags_query`` with the number in all beside each row, limited to a page (parameters
    ``limit`` and ``offset``): built once per process (building it cost the page more than
    running it)."""
    return (flags_query().add_columns(sa.func.count().over())
            .limit(sa.bindparam("limit", type_=sa.Integer))
            .offset(sa.bindparam("offset", type_=sa.Integer)))


def flags_page(page: int, per_page: int) -> tuple[list[Flag], int]:
    """A page of flags and the number in all, in one statement (a page past the end is empty
    and its total not counted: the page then shows no pages)."""
    rows = reads.rows(_flags_statement(),
                      {"limit": per_page, "offset": (max(page, 1) - 1) * per_page})
    return [Flag(*r[:-1]) for r in rows], rows[0][-1] if rows else 0


# ---------------------------------------------------------------- coordinators' view


@dataclass(frozen=True)
class Roster:
    row: SetFacts
    members: list[NameRow]
    facilitator: str
    meetings: list[RosterMeeting]  # newest first, cancelled ones too
    attendance: dict[tuple[int, int], bool]  # (meeting id, user id) -> came
    left: list[tuple[NameRow, datetime]]  # (id and display_name, when they left)


@dataclass(frozen=True)
class NameRow:
    id: int
    display_name: str


@dataclass(frozen=True)
class RosterMeeting:
    """A meeting as the roster lists it (``when_words`` reads its times)."""

    id: int
    starts_at: datetime
    ends_at: datetime
    cancelled_at: datetime | None


ROSTER_MEETINGS = 12


@cache
def _running_statement() -> sa.Select:
    """The statement behind ``running_page``, built once per process: parameters
    ``per_page`` and ``skip``."""
    facilitator = (sa.select(User.display_name).where(User.id == LearningSet.facilitator_id)
                   .scalar_subquery())
    return (sa.select(LearningSet.id, LearningSet.name, facilitator.label("facilitator"),
                      sa.func.count().over().label("total"))
            .where(LearningSet.status == _written(SetStatus.ACTIVE.value))
            .order_by(LearningSet.name, LearningSet.id)
            .limit(sa.bindparam("per_page", type_=sa.Integer()))
            .offset(sa.bindparam("skip", type_=sa.Integer())))


def running_page(page: int, per_page: int) -> paging.Page:
    """Page ``page`` of the active sets by name, as plain rows (``id``, ``name`` and the
    ``facilitator``'s name or None), with the number in all: one statement. (A page past the
    end is empty and its total not counted: the list then shows no pages.)"""
    page = max(page, 1)
    rows = reads.raw_rows(_running_statement(),
                          {"per_page": per_page, "skip": (page - 1) * per_page})
    return paging.Page(rows, rows[0].total if rows else 0, page, per_page)


def _names_list(set_id) -> sa.ScalarSelect:
    """SQL: the set's current members as a JSON list of [id, name], in the order of
    ``current_members``."""
    members = (sa.select(User.id, User.display_name)
               .join(SetMembership, SetMembership.user_id == User.id)
               .where(SetMembership.set_id == set_id, SetMembership.left_at.is_(None))
               .order_by(User.display_name, User.id).subquery())
    return sa.select(sql_lists.in_order(sql_lists.json_array(members.c.id, members.c.display_name),
                                        members.c.display_name, members.c.id)).scalar_subquery()


@cache
def _roster_statement():
    """The statement behind ``roster``, built once per process: parameter ``set``. One row
    for the set, of one value: a JSON list of its columns, its facilitator's name, its current
    members by name, those who left (latest first), its latest ``ROSTER_MEETINGS`` meetings
    (newest first) and their attendance."""
    set_id = sa.bindparam("set", type_=sa.Integer())
    members = _names_list(set_id)
    left = (sa.select(User.id, User.display_name, SetMembership.left_at)
            .join(SetMembership, SetMembership.user_id == User.id)
            .where(SetMembership.set_id == set_id, SetMembership.left_at.is_not(None))
            .order_by(SetMembership.left_at.desc()).subquery())
    meetings = (sa.select(SetMeeting.id, SetMeeting.starts_at, SetMeeting.ends_at,
                          SetMeeting.cancelled_at)
                .where(SetMeeting.set_id == set_id)
                .order_by(SetMeeting.starts_at.desc()).limit(_written(ROSTER_MEETINGS))
                .subquery())
    came = (sa.select(SetAttendance.meeting_id, SetAttendance.user_id, SetAttendance.attended)
            .where(SetAttendance.meeting_id.in_(sa.select(meetings.c.id))).subquery())
    facilitator = (sa.select(User.display_name).where(User.id == LearningSet.facilitator_id)
                   .scalar_subquery())
    return (sa.select(sql_lists.json_array(
        LearningSet.id, LearningSet.name, LearningSet.status, LearningSet.facilitator_id,
        LearningSet.meets_online, LearningSet.region_id, facilitator,
        members,
        sa.select(sql_lists.in_order(sql_lists.json_array(left.c.id, left.c.display_name,
                                                          left.c.left_at),
                                     left.c.left_at.desc())).scalar_subquery(),
        sa.select(sql_lists.in_order(sql_lists.json_array(*meetings.c),
                                     meetings.c.starts_at.desc())).scalar_subquery(),
        sa.select(sql_lists.in_order(sql_lists.json_array(*came.c), came.c.meeting_id))
        .scalar_subquery()))
        .where(LearningSet.id == set_id))


def roster(set_id: int) -> Roster:
    """Membership and attendance for coordinators, never the notes: one statement of plain
    values."""
    found = reads.scalar(_roster_statement(), {"set": set_id})
    if found is None:
        raise NotYours
    (set_id, name, status, facilitator_id, meets_online, region_id, facilitator, members,
     left, meetings, came) = found
    row = SetFacts(set_id, name, SetStatus(status), facilitator_id, bool(meets_online),
                   region_id)
    if row.status == SetStatus.DRAFT:
        raise NotYours
    return Roster(
        row, [NameRow(uid, person) for uid, person in _json(members) or ()], facilitator or "",
        [RosterMeeting(meeting_id, _when(starts), _when(ends),
                       None if cancelled is None else _when(cancelled))
         for meeting_id, starts, ends, cancelled in _json(meetings) or ()],
        {(meeting_id, uid): bool(attended) for meeting_id, uid, attended in _json(came) or ()},
        [(NameRow(uid, person), _when(at)) for uid, person, at in _json(left) or ()])


@dataclass(frozen=True)
class AttendanceSheet:
    """What the attendance form of a meeting shows: the set, the meeting, the set's current
    members by name and who was marked as coming (or not) before."""

    row: SetFacts
    meeting: RosterMeeting
    members: list[NameRow]
    recorded: dict[int, bool]  # user id -> came


@cache
def _sheet_statement():
    """The statement behind ``attendance_sheet``, built once per process: parameters
    ``viewer``, ``set`` and ``meeting``. One row, only for the facilitator of an active set
    and one of its meetings, of one value: a JSON list of the set's and the meeting's columns,
    the set's members (``_names_list``) and the meeting's attendance."""
    set_id = sa.bindparam("set", type_=sa.Integer())
    meeting_id = sa.bindparam("meeting", type_=sa.Integer())
    came = (sa.select(SetAttendance.user_id, SetAttendance.attended)
            .where(SetAttendance.meeting_id == meeting_id).subquery())
    return (sa.select(sql_lists.json_array(
        LearningSet.id, LearningSet.name, LearningSet.status, LearningSet.facilitator_id,
        LearningSet.meets_online, LearningSet.region_id, SetMeeting.id, SetMeeting.starts_at,
        SetMeeting.ends_at, SetMeeting.cancelled_at, _names_list(set_id),
        sa.select(sql_lists.in_order(sql_lists.json_array(*came.c), came.c.user_id))
        .scalar_subquery()))
        .join(SetMeeting, (SetMeeting.set_id == LearningSet.id) & (SetMeeting.id == meeting_id))
        .where(LearningSet.id == set_id,
               LearningSet.status == _written(SetStatus.ACTIVE.value),
               LearningSet.facilitator_id == sa.bindparam("viewer", type_=sa.Integer())))


def attendance_sheet(viewer: User, set_id: int, meeting_id: int) -> AttendanceSheet:
    """The attendance form's set, meeting, members and marks, if ``viewer`` facilitates the
    active set and the meeting is one of its own (else ``NotYours``): one statement of plain
    values (``facilitated_set``'s and ``meeting_of``'s rules)."""
    found = reads.scalar(_sheet_statement(),
                         {"viewer": viewer.id, "set": set_id, "meeting": meeting_id})
    if found is None:
        raise NotYours
    (set_id, name, status, facilitator_id, meets_online, region_id, meeting_id, starts, ends,
     cancelled, members, came) = found
    return AttendanceSheet(
        SetFacts(set_id, name, SetStatus(status), facilitator_id, bool(meets_online), region_id),
        RosterMeeting(meeting_id, _when(starts), _when(ends),
                      None if cancelled is None else _when(cancelled)),
        [NameRow(uid, person) for uid, person in _json(members) or ()],
        {uid: bool(attended) for uid, attended in _json(came) or ()})
