"""Calendar files for set meetings and network events, and each member's private calendar feed.

Times go out as Europe/London with its VTIMEZONE, so a 10:00 meeting stays at 10:00 UK time in
every calendar, summer or winter. A meeting's UID never changes; its SEQUENCE goes up on each
change, so calendars replace the old version rather than adding a second.

A feed address carries a random token; only its SHA-256 is stored, so the address is shown once
when made. Making a new one replaces the stored hash, which ends the old address.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

import icalendar
import sqlalchemy as sa
from flask import current_app, url_for
from sqlalchemy.orm import contains_eager

from netapp.extensions import db
from netapp.models import (
    CalendarFeed,
    Event,
    EventRsvp,
    LearningSet,
    Network,
    NetworkKind,
    NetworkMembership,
    RsvpStatus,
    SetMeeting,
    SetMembership,
    SetStatus,
    User,
)
from netapp.models.base import utcnow
from netapp.services import audit
from netapp.services.sets import meets_where, to_london

PRODID = "-//Registered Managers network//Meetings and events//EN"
# An affinity network's event, in an email: the file goes through mail servers and inboxes,
# so it must not say which network the member is in.
UNNAMED_EVENT = "Network event"
FEED_PAST_DAYS = 120  # older meetings drop out of the feed


def _uid(meeting: SetMeeting) -> str:
    host = current_app.config.get("CALENDAR_UID_DOMAIN") or "rm-network.invalid"
    return f"set-meeting-{meeting.id}@{host}"


def _event(row: LearningSet, meeting: SetMeeting, *, with_link: bool) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", _uid(meeting))
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", datetime.now(UTC))
    event.add("dtstart", to_london(meeting.starts_at))
    event.add("dtend", to_london(meeting.ends_at))
    event.add("summary", f"Action learning set: {row.name}")
    page = url_for("sets.set_page", set_id=row.id, _external=True)
    if meeting.is_online:
        event.add("location", "Online")
        if with_link and meeting.link:
            event.add("url", meeting.link)
            event.add("description", f"Join online: {meeting.link}\nThe set's page: {page}")
        else:
            event.add("description", f"The set's page: {page}")
    else:
        event.add("location", meeting.place or meets_where(row))
        event.add("description", f"The set's page: {page}")
    event.add("status", "CANCELLED" if meeting.cancelled_at else "CONFIRMED")
    return event


def _calendar(method: str | None) -> icalendar.Calendar:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    return cal


def meeting_file(row: LearningSet, meeting: SetMeeting, *, cancelled: bool = False) -> bytes:
    """One meeting as an .ics file: METHOD:REQUEST, or METHOD:CANCEL once cancelled. It goes
    only to the set, so an online meeting's link is in it."""
    cal = _calendar("CANCEL" if cancelled else "REQUEST")
    cal.add_component(_event(row, meeting, with_link=True))
    cal.add_missing_timezones()
    return cal.to_ical()


def _event_uid(row: Event) -> str:
    host = current_app.config.get("CALENDAR_UID_DOMAIN") or "rm-network.invalid"
    return f"network-event-{row.id}@{host}"


def _network_event(row: Event, *, with_link: bool, named: bool = True) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", _event_uid(row))
    event.add("sequence", row.sequence)
    event.add("dtstamp", datetime.now(UTC))
    event.add("dtstart", to_london(row.starts_at))
    event.add("dtend", to_london(row.ends_at))
    page = url_for("networks.event_page", event_id=row.id, _external=True)
    if named:
        event.add("summary", row.title)
        about = f"{row.description}\n\n" if row.description else ""
        about += f"{row.network.name}\nThe event's page: {page}"
    else:
        event.add("summary", UNNAMED_EVENT)
        about = f"The event's page: {page}"
    if row.is_online:
        event.add("location", "Online")
        if with_link and row.link:
            event.add("url", row.link)
            about = f"Join online: {row.link}\n{about}"
    else:
        event.add("location", row.place)
    event.add("description", about)
    event.add("status", "CANCELLED" if row.cancelled_at else "CONFIRMED")
    return event


def event_file(row: Event, *, with_link: bool, for_email: bool = False,
               method: str | None = None) -> bytes:
    """One network event as an .ics file. ``with_link``: only for people going. In an email
    (``for_email``) an affinity network's event goes unnamed."""
    if method is None:
        method = "CANCEL" if row.cancelled_at else "PUBLISH"
    cal = _calendar(method)
    named = not (for_email and row.network.is_affinity)
    cal.add_component(_network_event(row, with_link=with_link, named=named))
    cal.add_missing_timezones()
    return cal.to_ical()


# ---------------------------------------------------------------- private feed addresses


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def has_feed(user: User) -> bool:
    return db.session.get(CalendarFeed, user.id) is not None


def new_feed(user: User) -> str:
    """Make the user a new feed token (ending any old one) and return it: it is not kept, so
    this is the only time it can be shown."""
    token = secrets.token_urlsafe(32)
    feed = db.session.get(CalendarFeed, user.id)
    if feed is None:
        db.session.add(CalendarFeed(user_id=user.id, token_hash=_hash(token)))
        audit.record(user, "calendar_feed.made")
    else:
        feed.token_hash, feed.created_at = _hash(token), utcnow()
        audit.record(user, "calendar_feed.replaced")
    db.session.commit()
    return token


def stop_feed(user: User) -> bool:
    feed = db.session.get(CalendarFeed, user.id)
    if feed is None:
        return False
    db.session.delete(feed)
    audit.record(user, "calendar_feed.stopped")
    db.session.commit()
    return True


def feed_owner(token: str) -> User | None:
    if not token or len(token) > 100:
        return None
    user = db.session.scalar(
        sa.select(User).join(CalendarFeed, CalendarFeed.user_id == User.id)
        .where(CalendarFeed.token_hash == _hash(token)))
    return user if user is not None and user.is_active else None


def feed_file(user: User) -> bytes:
    """The meetings of the user's active sets (and sets they facilitate), and the network
    events they're going to, recent and coming."""
    member_of = sa.select(SetMembership.set_id).where(SetMembership.user_id == user.id,
                                                      SetMembership.left_at.is_(None))
    since = utcnow() - timedelta(days=FEED_PAST_DAYS)
    rows = db.session.execute(
        sa.select(SetMeeting, LearningSet)
        .join(LearningSet, LearningSet.id == SetMeeting.set_id)
        .where(LearningSet.status == SetStatus.ACTIVE,
               sa.or_(LearningSet.id.in_(member_of), LearningSet.facilitator_id == user.id),
               SetMeeting.ends_at > since)
        .order_by(SetMeeting.starts_at, SetMeeting.id)).all()
    cal = _calendar(None)
    cal.add("x-wr-calname", "My action learning sets and events")
    for meeting, row in rows:
        # The feed only ever lists the holder's own sets, so the links are theirs to see.
        cal.add_component(_event(row, meeting, with_link=True))
    for event in _events_going(user, since):
        cal.add_component(_network_event(event, with_link=True))
    cal.add_missing_timezones()
    return cal.to_ical()


def _events_going(user: User, since: datetime) -> list[Event]:
    """Events the user is going to; an affinity network's only while they are still in it."""
    affinity = sa.select(NetworkMembership.network_id).where(
        NetworkMembership.user_id == user.id)
    return list(db.session.scalars(
        sa.select(Event).join(EventRsvp, EventRsvp.event_id == Event.id)
        .join(Network, Network.id == Event.network_id)
        .where(EventRsvp.user_id == user.id, EventRsvp.status == RsvpStatus.GOING,
               Event.ends_at > since,
               sa.or_(Network.kind != NetworkKind.AFFINITY, Event.network_id.in_(affinity)))
        .options(contains_eager(Event.network))
        .order_by(Event.starts_at, Event.id)))


def feed_url(token: str) -> str:
    return url_for("sets.calendar_feed", token=token, _external=True)
