"""Network events: creating and changing them, RSVPs with a waitlist promoted in order,
reminders the day before, calendar files and attendance afterwards.

Who may do what:
- see an event: for a local (or national) network, any signed-in member and staff; for an
  affinity network, only its confirmed members (everyone else gets a 404, staff included);
- go to one (RSVP): members of the network and, for a local network, its followers;
- create, change, cancel and record attendance: the network's leads and, for local networks
  only, coordinators and admins (staff never see an affinity network's events).

Places are taken under a lock on the event's row (SELECT ... FOR UPDATE on PostgreSQL; SQLite
runs one write at a time), so however many people answer at once, no more than ``capacity``
are going and the waitlist keeps the order people joined it (the RSVP's id).

Nothing sent by email names an affinity network or its event: the words are "an event you're
going to", and the calendar file attached says "Network event".
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app, has_request_context, request, url_for
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, contains_eager
from sqlalchemy.orm.attributes import set_committed_value

from netapp import reads
from netapp.extensions import db
from netapp.models import (
    EmailOptOut,
    Event,
    EventRsvp,
    Network,
    NetworkFollow,
    NetworkKind,
    NetworkLead,
    NetworkMembership,
    Role,
    RsvpStatus,
    User,
)
from netapp.models.base import utcnow
from netapp.services import audit, networks, notifications, reference, sql_lists
from netapp.services.sets import to_london, to_utc

TITLE_MAX = 200
DESCRIPTION_MAX = 5000
CAPACITY_MAX = 10000
REMINDER_AHEAD = timedelta(hours=24)  # reminders go for events starting within this time


class EventError(Exception):
    """Something the person asked for that can't be done; the message says what to do, and
    ``field`` names the form field it is about, when there is one."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotFound(Exception):
    """The event or network does not exist for this viewer (shown as a 404)."""


@dataclass(frozen=True)
class EventInput:
    title: str
    description: str
    day: date
    start: time
    end: time
    is_online: bool
    place: str
    link: str
    capacity: int | None


# ---------------------------------------------------------------- who may do what


def can_see(viewer: User, network: Network) -> bool:
    if network.is_affinity:
        return networks.can_see_network(viewer, network)
    return True


def can_manage(viewer: User, network: Network) -> bool:
    if network.is_affinity:
        return viewer.is_verified and networks.is_lead(viewer.id, network.id)
    return viewer.has_role(Role.COORDINATOR, Role.ADMIN) or networks.is_lead(viewer.id, network.id)


def can_go(viewer: User, network: Network) -> bool:
    """Members may go; for a local network, so may its followers."""
    if network.is_affinity:
        return networks.can_see_network(viewer, network)
    if networks.is_member(viewer.id, network.id):
        return True
    return db.session.get(NetworkFollow, (viewer.id, network.id)) is not None


def network_for(viewer: User, network_id: int) -> Network:
    network = db.session.get(Network, network_id)
    if network is None or not can_see(viewer, network):
        raise NotFound(network_id)
    return network


def managed_network(viewer: User, network_id: int) -> Network:
    network = network_for(viewer, network_id)
    if not can_manage(viewer, network):
        raise NotFound(network_id)
    return network


def event_for(viewer: User, event_id: int) -> Event:
    event = db.session.get(Event, event_id)
    if event is not None:
        # This process's copy of the network, instead of a query for it.
        set_committed_value(event, "network", reference.network(event.network_id))
    if event is None or not can_see(viewer, event.network):
        raise NotFound(event_id)
    return event


@cache
def _managed_statement() -> sa.Select:
    """The statement behind ``managed_event``, built once per process (parameters ``viewer``
    and ``event``): the event, whether the viewer is in its network and leads it."""
    viewer = sa.bindparam("viewer")
    return sa.select(
        Event,
        sa.exists().where(NetworkMembership.user_id == viewer,
                          NetworkMembership.network_id == Event.network_id),
        sa.exists().where(NetworkLead.user_id == viewer,
                          NetworkLead.network_id == Event.network_id),
    ).where(Event.id == sa.bindparam("event"))


def managed_event(viewer: User, event_id: int) -> Event:
    """``event_for``, if the viewer may manage it (``can_manage``): the event and whether the
    viewer is in and leads its network in one query, the network from this process's copy."""
    row = db.session.execute(_managed_statement(),
                             {"viewer": viewer.id, "event": event_id}).first()
    if row is None:
        raise NotFound(event_id)
    event, is_member, leads = row
    network = reference.network(event.network_id)
    set_committed_value(event, "network", network)
    # The same rules as can_see, can_manage and networks.is_lead.
    if network.is_affinity:
        allowed = viewer.is_verified and is_member and leads
    else:
        allowed = leads or viewer.has_role(Role.COORDINATOR, Role.ADMIN)
    if not allowed:
        raise NotFound(event_id)
    return event


# ---------------------------------------------------------------- words and times


def when_words(event: Event) -> str:
    start, end = to_london(event.starts_at), to_london(event.ends_at)
    return f"{start:%A} {start.day} {start:%B %Y}, {start:%H:%M} to {end:%H:%M} (UK time)"


def short_when(event: Event) -> str:
    start = to_london(event.starts_at)
    return f"{start:%a} {start.day} {start:%b %Y}, {start:%H:%M}"


def is_past(event: Event) -> bool:
    return event.starts_at <= utcnow()


def _audit(actor: User | None, action: str, event: Event, **detail) -> None:
    """Audit a change. For an affinity network's event the entry names no one and nothing,
    and carries the day only: admins read the log, and must not learn who is in one."""
    if event.network.is_affinity:
        entry = audit.record(None, action)
        entry.created_at = utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
        return
    audit.record(actor, action, event, **detail)


def _is_https(link: str) -> bool:
    parts = urlsplit(link)
    return parts.scheme == "https" and bool(parts.netloc) and " " not in link


def check(data: EventInput, *, going: int = 0) -> tuple[datetime, datetime]:
    """The event's UTC start and end, or EventError saying what to fix."""
    if not data.title.strip():
        raise EventError("Give the event a name.", "title")
    if data.end <= data.start:
        raise EventError("The event must end after it starts.", "end")
    starts, ends = to_utc(data.day, data.start), to_utc(data.day, data.end)
    if starts <= utcnow():
        raise EventError("Choose a day and time that haven't passed yet.", "day")
    if data.is_online and not _is_https(data.link.strip()):
        raise EventError("Give the link to join online: an address starting https://",
                         "link")
    if not data.is_online and not data.place.strip():
        raise EventError("Give the address, so people can find it.", "place")
    if data.capacity is not None and not 1 <= data.capacity <= CAPACITY_MAX:
        raise EventError(f"Places must be between 1 and {CAPACITY_MAX}, or leave it empty.",
                         "capacity")
    if data.capacity is not None and data.capacity < going:
        raise EventError(f"{going} people are already going, so there must be at least "
                         f"{going} places.", "capacity")
    return starts, ends


def _fill(event: Event, data: EventInput, starts: datetime, ends: datetime) -> None:
    event.title, event.description = data.title.strip(), data.description.strip()
    event.starts_at, event.ends_at, event.is_online = starts, ends, data.is_online
    event.place = "" if data.is_online else data.place.strip()
    event.link = data.link.strip() if data.is_online else ""
    event.capacity = data.capacity


# ---------------------------------------------------------------- creating and changing


def create(actor: User, network: Network, data: EventInput) -> Event:
    if not can_manage(actor, network):
        raise NotFound(network.id)
    starts, ends = check(data)
    event = Event(network_id=network.id, created_by_id=actor.id, sequence=0)
    event.network = network
    _fill(event, data, starts, ends)
    db.session.add(event)
    db.session.flush()
    _audit(actor, "event.created", event, network_id=network.id)
    db.session.commit()
    return event


def change(actor: User, event: Event, data: EventInput) -> Event:
    """Save new details; tells everyone with an RSVP, and promotes from the waitlist when
    there are more places."""
    if event.cancelled_at is not None:
        raise EventError("This event was cancelled; create a new one instead.")
    _lock(event.id)
    try:
        starts, ends = check(data, going=_count(event.id, RsvpStatus.GOING))
    except EventError:
        db.session.rollback()  # let go of the lock
        raise
    _fill(event, data, starts, ends)
    event.sequence += 1
    event.reminder_sent_at = None  # a new time deserves its own reminder
    _audit(actor, "event.changed", event)
    promoted = _promote(event)
    db.session.commit()
    _email_promoted(event, promoted)
    _tell_everyone(event, "changed")
    return event


def cancel(actor: User, event: Event) -> Event:
    if event.cancelled_at is not None:
        return event
    event.cancelled_at = utcnow()
    event.sequence += 1
    _audit(actor, "event.cancelled", event)
    db.session.commit()
    _tell_everyone(event, "cancelled")
    return event


# ---------------------------------------------------------------- RSVPs and the waitlist


def _lock(event_id: int) -> Event:
    """The event's row, locked until the transaction ends (PostgreSQL; SQLite serialises)."""
    return db.session.execute(
        sa.select(Event).where(Event.id == event_id).with_for_update()
        .execution_options(populate_existing=True)).scalar_one()


def _count(event_id: int, status: RsvpStatus) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(EventRsvp).where(
        EventRsvp.event_id == event_id, EventRsvp.status == status)) or 0


def rsvp_of(user: User, event: Event) -> EventRsvp | None:
    return db.session.scalar(sa.select(EventRsvp).where(EventRsvp.event_id == event.id,
                                                        EventRsvp.user_id == user.id))


def join(user: User, event: Event) -> EventRsvp:
    """Going if there is a place, else on the waitlist. Asking twice changes nothing."""
    if not can_go(user, event.network):
        raise EventError("Only members of this network (and, for a local network, people "
                         "who follow it) can go. Follow or join the network first.")
    if event.cancelled_at is not None:
        raise EventError("This event was cancelled.")
    if is_past(event):
        raise EventError("This event has already started.")
    locked = _lock(event.id)
    mine = rsvp_of(user, event)
    if mine is not None:
        db.session.commit()
        return mine
    full = locked.capacity is not None and _count(event.id, RsvpStatus.GOING) >= locked.capacity
    mine = EventRsvp(event_id=event.id, user_id=user.id,
                     status=RsvpStatus.WAITING if full else RsvpStatus.GOING)
    db.session.add(mine)
    _audit(user, "event.rsvp_waiting" if full else "event.rsvp_going", event)
    try:
        db.session.commit()
    except IntegrityError:  # the same person's second click, a moment apart
        db.session.rollback()
        return rsvp_of(user, event)
    if mine.status is RsvpStatus.GOING:
        _confirm(user, event)
    return mine


def leave(user: User, event: Event) -> bool:
    """Cancel the member's RSVP; the first on the waitlist takes the place."""
    _lock(event.id)
    mine = rsvp_of(user, event)
    if mine is None:
        db.session.commit()
        return False
    db.session.delete(mine)
    db.session.flush()
    _audit(user, "event.rsvp_cancelled", event)
    promoted = _promote(event) if event.cancelled_at is None and not is_past(event) else []
    db.session.commit()
    _email_promoted(event, promoted)
    return True


def _promote(event: Event) -> list[EventRsvp]:
    """Move people from the waitlist, in the order they joined it, into free places (the
    caller holds the event's lock and commits)."""
    waiting = sa.select(EventRsvp).where(EventRsvp.event_id == event.id,
                                         EventRsvp.status == RsvpStatus.WAITING) \
        .order_by(EventRsvp.id)
    if event.capacity is not None:
        free = event.capacity - _count(event.id, RsvpStatus.GOING)
        if free <= 0:
            return []
        waiting = waiting.limit(free)
    moved = list(db.session.scalars(waiting))
    now = utcnow()
    text = _words(event, "promoted")
    link = url_for("networks.event_page", event_id=event.id)
    people = {u.id: u for u in db.session.scalars(
        sa.select(User).where(User.id.in_([r.user_id for r in moved])))}
    for row in moved:
        row.status, row.promoted_at = RsvpStatus.GOING, now
        notifications.notify(people[row.user_id], "event_promoted", text, link, email=False)
    if moved:
        _audit(None, "event.waitlist_promoted", event, count=len(moved))
    return moved


def _email_promoted(event: Event, promoted: list[EventRsvp]) -> None:
    """After the commit: each promoted member's email, with the calendar file (queued)."""
    if not promoted:
        return
    _send_later(event, [r.user_id for r in promoted], "event_promoted",
                _words(event, "promoted"), "REQUEST")


def position(user: User, event: Event, mine: EventRsvp | None = None) -> int | None:
    """The member's place in the waitlist queue (1 is next), or None when not waiting."""
    mine = mine or rsvp_of(user, event)
    if mine is None or mine.status is not RsvpStatus.WAITING:
        return None
    return db.session.scalar(sa.select(sa.func.count()).select_from(EventRsvp).where(
        EventRsvp.event_id == event.id, EventRsvp.status == RsvpStatus.WAITING,
        EventRsvp.id <= mine.id))


# ---------------------------------------------------------------- telling people


def _words(event: Event, what: str) -> str:
    """The line in the app and the email's subject. An affinity network's event is never
    named: the email would say which network the member is in."""
    if event.network.is_affinity:
        return {
            "promoted": "A place came up: you're now going to an event you were waiting for",
            "changed": "An event you're going to has changed",
            "cancelled": "An event you're going to is cancelled",
            "reminder": "Reminder: an event you're going to is tomorrow",
            "going": "You're going to an event",
        }[what]
    title = event.title
    return {
        "promoted": f"A place came up: you're now going to {title}, {short_when(event)}",
        "changed": f"Event changed: {title}, now {short_when(event)}",
        "cancelled": f"Event cancelled: {title}, {short_when(event)}",
        "reminder": f"Reminder: {title} is on {short_when(event)}",
        "going": f"You're going to {title}, {short_when(event)}",
    }[what]


def _send(event: Event, people: list[User], kind: str | None, subject: str,
          method: str) -> None:
    """Email each person (unless they turned this kind off) with the event's calendar file."""
    from netapp.services import calendar
    from netapp.services.mail import send_email

    opted_out = set() if kind is None else set(db.session.scalars(
        sa.select(EmailOptOut.user_id).where(EmailOptOut.kind == kind,
                                             EmailOptOut.user_id.in_([p.id for p in people]))))
    ics = calendar.event_file(event, with_link=True, for_email=True, method=method)
    page = url_for("networks.event_page", event_id=event.id, _external=True)
    for person in people:
        if not person.is_active or person.id in opted_out:
            continue
        send_email(person.email, subject, "email/network_event.txt", user=person, event=event,
                   headline=subject, page=page, named=not event.network.is_affinity,
                   when=when_words(event), cancelled=method == "CANCEL",
                   attachments=[("event.ics", ics, f"text/calendar; method={method}")])


def _send_later(event: Event, user_ids: list[int], kind: str | None, subject: str,
                method: str) -> None:
    """Hand ``_send`` to the task queue, so a change that tells many people answers at once.

    The worker reads the event as it is then: a second change before it runs sends the newer
    details, which is what the member needs to see."""
    if not user_ids:
        return
    from netapp.tasks import event_emails

    site = (request.host_url if has_request_context()
            else f"http://{current_app.config.get('SERVER_NAME') or 'localhost'}/")
    event_emails(event.id, list(user_ids), kind, subject, method, site)


def send_queued(event_id: int, user_ids: list[int], kind: str | None, subject: str,
                method: str) -> int:
    """The task queue's side of ``_send_later``: email the people still there. Returns how many
    were asked for (people who have since left or erased their account are skipped)."""
    event = db.session.get(Event, event_id)
    if event is None:
        return 0
    people = list(db.session.scalars(sa.select(User).where(User.id.in_(user_ids))
                                     .order_by(User.id)))
    _send(event, people, kind, subject, method)
    return len(people)


def _confirm(user: User, event: Event) -> None:
    _send(event, [user], None, _words(event, "going"), "REQUEST")


def _tell_everyone(event: Event, what: str) -> None:
    """An in-app line and an email with the calendar file to everyone going or waiting."""
    rows = db.session.execute(
        sa.select(User).join(EventRsvp, EventRsvp.user_id == User.id)
        .where(EventRsvp.event_id == event.id).order_by(EventRsvp.id)).scalars().all()
    text = _words(event, what)
    link = url_for("networks.event_page", event_id=event.id)
    for person in rows:
        notifications.notify(person, "event_changed", text, link, email=False)
    db.session.commit()
    _send_later(event, [person.id for person in rows], "event_changed", text,
                "CANCEL" if what == "cancelled" else "REQUEST")


# ---------------------------------------------------------------- reminders


def send_reminders() -> int:
    """Remind everyone going to an event that starts within a day. Each event's reminders go
    once: the event is claimed by setting ``reminder_sent_at`` before any email goes, so two
    runs at once (or a run after a crash) never send twice. Returns how many events."""
    now = utcnow()
    due = list(db.session.scalars(
        sa.select(Event.id).where(Event.cancelled_at.is_(None), Event.reminder_sent_at.is_(None),
                                  Event.starts_at > now, Event.starts_at <= now + REMINDER_AHEAD)
        .order_by(Event.starts_at)))
    sent = 0
    for event_id in due:
        claimed = db.session.execute(
            sa.update(Event).where(Event.id == event_id, Event.reminder_sent_at.is_(None))
            .values(reminder_sent_at=now)).rowcount
        db.session.commit()
        if not claimed:
            continue
        event = db.session.get(Event, event_id)
        people = list(db.session.scalars(
            sa.select(User).join(EventRsvp, EventRsvp.user_id == User.id)
            .where(EventRsvp.event_id == event_id, EventRsvp.status == RsvpStatus.GOING)
            .order_by(EventRsvp.id)))
        text = _words(event, "reminder")
        link = url_for("networks.event_page", event_id=event.id)
        for person in people:
            notifications.notify(person, "event_reminder", text, link, email=False)
        db.session.commit()
        _send(event, people, "event_reminder", text, "REQUEST")
        sent += 1
    return sent


def run_reminders(site: str) -> int:
    """``send_reminders`` outside any request (the task queue), with links to ``site``."""
    from flask import current_app

    with current_app.test_request_context(base_url=site):
        return send_reminders()


# ---------------------------------------------------------------- attendance


def people_going(event: Event) -> list[tuple[EventRsvp, User]]:
    return list(db.session.execute(
        sa.select(EventRsvp, User).join(User, User.id == EventRsvp.user_id)
        .where(EventRsvp.event_id == event.id, EventRsvp.status == RsvpStatus.GOING)
        .order_by(User.display_name, User.id)).all())


def people_waiting(event: Event) -> list[User]:
    return list(db.session.scalars(
        sa.select(User).join(EventRsvp, EventRsvp.user_id == User.id)
        .where(EventRsvp.event_id == event.id, EventRsvp.status == RsvpStatus.WAITING)
        .order_by(EventRsvp.id)))


def record_attendance(actor: User, event: Event, came: set[int]) -> int:
    """Mark who came among those going (everyone else going: did not come)."""
    if event.cancelled_at is not None:
        raise EventError("This event was cancelled, so there's no one to mark.")
    if not is_past(event):
        raise EventError("You can record who came once the event has started.")
    rows = [r for r, _ in people_going(event)]
    unknown = came - {r.user_id for r in rows}
    if unknown:
        raise EventError("Tick only people who were going.")
    for row in rows:
        row.attended = row.user_id in came
    _audit(actor, "event.attendance_recorded", event, came=len(came))
    db.session.commit()
    return len(came)


# ---------------------------------------------------------------- lists


@dataclass(frozen=True)
class EventLine:
    event: Event
    network: Network
    going: int
    my_status: RsvpStatus | None


def _counts_and_mine(viewer: User, event_ids: list[int]) -> tuple[dict[int, int], dict]:
    if not event_ids:
        return {}, {}
    going = dict(db.session.execute(
        sa.select(EventRsvp.event_id, sa.func.count())
        .where(EventRsvp.event_id.in_(event_ids), EventRsvp.status == RsvpStatus.GOING)
        .group_by(EventRsvp.event_id)).all())
    mine = dict(db.session.execute(
        sa.select(EventRsvp.event_id, EventRsvp.status)
        .where(EventRsvp.event_id.in_(event_ids), EventRsvp.user_id == viewer.id)).all())
    return going, mine


def _lines(viewer: User, rows: list[Event]) -> list[EventLine]:
    going, mine = _counts_and_mine(viewer, [e.id for e in rows])
    return [EventLine(e, e.network, going.get(e.id, 0), mine.get(e.id)) for e in rows]


def _network_query(network_id: int, upcoming: bool) -> sa.Select:
    query = sa.select(Event).where(Event.network_id == network_id)
    if upcoming:
        return query.where(Event.ends_at > utcnow()).order_by(Event.starts_at, Event.id)
    return query.where(Event.ends_at <= utcnow()).order_by(Event.starts_at.desc(), Event.id)


def network_events_page(network: Network, viewer: User, page: int, per_page: int,
                        upcoming: bool = True):
    """One page of the network's events (coming, soonest first; or past, newest first)."""
    pager = db.paginate(_network_query(network.id, upcoming), page=page, per_page=per_page,
                        error_out=False)
    for e in pager.items:
        set_committed_value(e, "network", network)
    return pager, _lines(viewer, pager.items)


def _affinity_joined(viewer: User) -> sa.Select:
    """Ids of the affinity networks the viewer is in (none until their email is confirmed)."""
    query = sa.select(NetworkMembership.network_id).join(
        Network, Network.id == NetworkMembership.network_id).where(
        NetworkMembership.user_id == viewer.id, Network.kind == NetworkKind.AFFINITY)
    return query if viewer.is_verified else query.where(sa.false())


def _visible(viewer: User):
    """SQL: the viewer may see the event (with Network joined)."""
    return sa.or_(Network.kind != NetworkKind.AFFINITY,
                  Event.network_id.in_(_affinity_joined(viewer)))


def my_events_page(viewer: User, page: int, per_page: int):
    """Coming events in the viewer's networks and the ones they follow, soonest first, with
    any others they have said they're going to."""
    member_of = sa.select(NetworkMembership.network_id).where(
        NetworkMembership.user_id == viewer.id)
    follows = sa.select(NetworkFollow.network_id).where(NetworkFollow.user_id == viewer.id)
    rsvped = sa.select(EventRsvp.event_id).where(EventRsvp.user_id == viewer.id)
    query = (sa.select(Event).join(Network, Network.id == Event.network_id)
             .where(Event.ends_at > utcnow(), _visible(viewer),
                    sa.or_(Event.network_id.in_(member_of), Event.network_id.in_(follows),
                           Event.id.in_(rsvped)))
             .options(contains_eager(Event.network))
             .order_by(Event.starts_at, Event.id))
    pager = db.paginate(query, page=page, per_page=per_page, error_out=False)
    return pager, _lines(viewer, pager.items)


@cache
def _upcoming_statement():
    """The statement behind ``upcoming_for_network``, built once per process: parameters
    ``network``, ``now`` and ``limit``."""
    return (sa.select(Event)
            .where(Event.network_id == sa.bindparam("network"),
                   Event.ends_at > sa.bindparam("now", type_=sa.DateTime()),
                   Event.cancelled_at.is_(None))
            .order_by(Event.starts_at, Event.id).limit(sa.bindparam("limit", type_=sa.Integer())))


def upcoming_for_network(network_id: int, viewer: User, limit: int = 3,
                         visible: bool | None = None) -> list[Event]:
    """The network's next events the viewer may see, soonest first (fixed number of queries).

    ``visible``: whether the viewer may see the network, when the caller has worked it out.
    """
    network = db.session.get(Network, network_id)
    if network is None or not (can_see(viewer, network) if visible is None else visible):
        return []
    rows = list(db.session.scalars(_upcoming_statement(),
                                   {"network": network_id, "now": utcnow(), "limit": limit}))
    for e in rows:
        set_committed_value(e, "network", network)
    return rows


# ---------------------------------------------------------------- the event page


@dataclass(frozen=True)
class EventFacts:
    """An event as its page shows it (plain values, not a loaded record)."""

    id: int
    network_id: int
    title: str
    description: str
    starts_at: datetime
    ends_at: datetime
    is_online: bool
    place: str
    link: str
    capacity: int | None
    cancelled_at: datetime | None


_FACTS = tuple(EventFacts.__dataclass_fields__)


@dataclass(frozen=True)
class Answer:
    """The reader's own answer to an event."""

    status: RsvpStatus
    attended: bool | None


@dataclass(frozen=True)
class Person:
    """Someone going to or waiting for an event, as its page lists them."""

    display_name: str
    attended: bool | None = None


@dataclass(frozen=True)
class EventPage:
    event: EventFacts
    network: Network
    going: int
    waiting: int
    mine: Answer | None
    position: int | None
    can_manage: bool
    can_go: bool
    show_counts: bool  # affinity: numbers under SMALLEST_COUNT are not shown
    # Who is going (by name) and waiting (in the queue's order): for its managers only, else
    # empty.
    people_going: list[Person] = field(default_factory=list)
    people_waiting: list[Person] = field(default_factory=list)

    @property
    def is_going(self) -> bool:
        return self.mine is not None and self.mine.status is RsvpStatus.GOING

    @property
    def is_full(self) -> bool:
        return self.event.capacity is not None and self.going >= self.event.capacity

    @property
    def places_left(self) -> int | None:
        if self.event.capacity is None:
            return None
        return max(0, self.event.capacity - self.going)


def _people_lists(manages):
    """SQL: when ``manages``, who is going as a JSON list of [name, attended] by name, and who
    is waiting as a JSON list of names in the queue's order (NULL otherwise)."""
    going = (sa.select(User.display_name.label("name"), EventRsvp.attended,
                       User.id.label("user_id"))
             .join(User, User.id == EventRsvp.user_id)
             .where(EventRsvp.event_id == Event.id, EventRsvp.status == RsvpStatus.GOING)
             .order_by(User.display_name, User.id).correlate(Event).subquery())
    waiting = (sa.select(User.display_name.label("name"), EventRsvp.id)
               .join(User, User.id == EventRsvp.user_id)
               .where(EventRsvp.event_id == Event.id, EventRsvp.status == RsvpStatus.WAITING)
               .order_by(EventRsvp.id).correlate(Event).subquery())
    return (
        sa.case((manages, sa.select(sql_lists.in_order(
            sql_lists.json_array(going.c.name, going.c.attended), going.c.name,
            going.c.user_id)).scalar_subquery())),
        sa.case((manages, sa.select(sql_lists.in_order(waiting.c.name, waiting.c.id))
                 .scalar_subquery())),
    )


@cache
def _page_statement(staff: bool = False):
    """The statement behind ``event_page``, built once per process for staff (coordinators
    and admins) and for everyone else: parameters ``viewer`` and ``event``.

    Its last two columns are who is going and waiting, read only for a reader who may manage
    the event (as in ``event_page``: a lead of its network, or staff for a local network's);
    ``event_page`` still decides what the page shows."""
    viewer = sa.bindparam("viewer")
    mine, ahead = aliased(EventRsvp), aliased(EventRsvp)

    def counted(status: RsvpStatus):
        return (sa.select(sa.func.count()).select_from(EventRsvp)
                .where(EventRsvp.event_id == Event.id, EventRsvp.status == status)
                .scalar_subquery())

    queue = (sa.select(sa.func.count()).select_from(ahead)
             .where(ahead.event_id == Event.id, ahead.status == RsvpStatus.WAITING,
                    ahead.id <= mine.id).scalar_subquery())
    leads = sa.exists().where(NetworkLead.network_id == Event.network_id,
                              NetworkLead.user_id == viewer)
    manages = sa.or_(leads, sa.exists().where(Network.id == Event.network_id,
                                              Network.kind == NetworkKind.LOCAL)) \
        if staff else leads
    return (
        sa.select(*(getattr(Event, name) for name in _FACTS),
                  mine.status.label("my_status"), mine.attended.label("my_attended"),
                  queue, counted(RsvpStatus.GOING), counted(RsvpStatus.WAITING),
                  leads,
                  sa.exists().where(NetworkMembership.network_id == Event.network_id,
                                    NetworkMembership.user_id == viewer),
                  sa.exists().where(NetworkFollow.network_id == Event.network_id,
                                    NetworkFollow.user_id == viewer),
                  *_people_lists(manages))
        .select_from(Event)
        .outerjoin(mine, sa.and_(mine.event_id == Event.id, mine.user_id == viewer))
        .where(Event.id == sa.bindparam("event")))


def event_page(viewer: User, event_id: int) -> EventPage:
    """The event and what its page shows the viewer, in one statement of plain columns: the
    event, its counts, the viewer's place in its network, and their answer with their place in
    the queue (the same rules as event_for, can_manage, can_go and position, from what it
    reads).

    Raises NotFound, as event_for does, for an event the viewer may not see.
    """
    staff = viewer.has_role(Role.COORDINATOR, Role.ADMIN)
    found = reads.rows(_page_statement(staff), {"viewer": viewer.id, "event": event_id})
    if not found:
        raise NotFound(event_id)
    row = found[0]
    event = EventFacts(*row[:len(_FACTS)])
    (status, attended, place, going, waiting, lead_row, member, follows, going_list,
     waiting_list) = row[len(_FACTS):]
    mine = None if status is None else Answer(status, attended)
    # This process's own copy of the network (the page only names and links it), merged into
    # the request only when it lacks the network (another process may have just made it).
    network = (reference.shared("networks").get(event.network_id)
               or reference.network(event.network_id))
    if network.is_affinity and not (viewer.is_verified and member):
        raise NotFound(event_id)  # as can_see: an affinity network's events stay inside it
    if status is not RsvpStatus.WAITING:
        place = None
    if network.is_affinity:
        manages, goes = lead_row, True
    else:
        manages = staff or lead_row
        goes = member or follows
    show = not network.is_affinity or going >= networks.SMALLEST_COUNT
    people_going, people_waiting = [], []
    if manages:  # the lists are shown to the event's managers only
        people_going = [Person(name, None if came is None else bool(came))
                        for name, came in going_list or ()]
        people_waiting = [Person(name) for name in waiting_list or ()]
    return EventPage(event=event, network=network, going=going, waiting=waiting, mine=mine,
                     position=place, can_manage=bool(manages), can_go=bool(goes),
                     show_counts=show, people_going=people_going,
                     people_waiting=people_waiting)


# ---------------------------------------------------------------- my data


def rsvps_of(user_id: int) -> list[dict]:
    """For the member's export: each event they said they'd go to, and what happened."""
    rows = db.session.execute(
        sa.select(Event.title, Network.name, Event.starts_at, Event.cancelled_at,
                  EventRsvp.status, EventRsvp.created_at, EventRsvp.promoted_at,
                  EventRsvp.attended)
        .join(EventRsvp, EventRsvp.event_id == Event.id)
        .join(Network, Network.id == Event.network_id)
        .where(EventRsvp.user_id == user_id).order_by(Event.starts_at, Event.id)).all()
    return [{"event": title, "network": network, "starts_at": starts.isoformat(),
             "cancelled": cancelled is not None, "status": status.value,
             "answered_at": answered.isoformat(timespec="seconds"),
             "promoted_at": promoted.isoformat(timespec="seconds") if promoted else None,
             "attended": attended}
            for title, network, starts, cancelled, status, answered, promoted, attended in rows]


def give_up_places(user: User) -> int:
    """Before an account goes: leave every coming event, so the waitlist moves up."""
    coming = list(db.session.scalars(
        sa.select(Event).join(EventRsvp, EventRsvp.event_id == Event.id)
        .where(EventRsvp.user_id == user.id, Event.starts_at > utcnow(),
               Event.cancelled_at.is_(None))))
    for event in coming:
        leave(user, event)
    return len(coming)

