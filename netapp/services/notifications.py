"""Telling people what happened: a line in their notifications, and an email unless they opted out.

Texts and emails never carry special-category data (affinity networks, ethnicity, sex): callers
pass words about mentoring only, and the email says no more than the in-app line.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import url_for

from netapp.extensions import db
from netapp.models import EmailOptOut, Notification, User
from netapp.models.base import utcnow
from netapp.services.mail import send_email


@dataclass(frozen=True)
class Kind:
    code: str
    label: str  # what the settings page calls it


KINDS = (
    Kind("offer", "A new mentee is offered to you"),
    Kind("request", "A member asks you to be their mentor"),
    Kind("accepted", "Your mentor accepts"),
    Kind("declined", "A mentor can't take you on this time"),
    Kind("withdrawn", "A request or offer is withdrawn"),
    Kind("message", "A message from your mentor or mentee"),
    Kind("nudge", "A reminder when you haven't met for a while"),
    Kind("checkin", "Check-ins at 30 and 60 days"),
    Kind("closed", "Your mentor or mentee closes your mentoring"),
    Kind("stale_offer", "Offers not answered in time (coordinators)"),
    Kind("set_published", "You're placed in an action learning set"),
    Kind("set_meeting", "Your set's meetings: new, changed or cancelled, with a calendar file"),
    Kind("set_left", "A member leaves a set you facilitate"),
    Kind("set_flag", "A set member misses two meetings in a row (coordinators)"),
    Kind("set_alone", "A private note that you can ask to change action learning set"),
    Kind("set_change", "A set member asks to change set (coordinators)"),
    Kind("event_promoted", "A place comes up for you at an event you're waiting for"),
    Kind("event_changed", "An event you're going to changes or is cancelled"),
    Kind("event_reminder", "A reminder the day before an event you're going to"),
    Kind("post_report", "A member asks you to look at a post in a network you lead"),
    Kind("digest", "A weekly email of new discussions in your networks"),
    Kind("peer_hello", "A member of your networks says hello"),
)
KIND_CODES = frozenset(k.code for k in KINDS)


def notify(user: User, kind: str, text: str, link: str = "", *,
           email: bool = True) -> Notification:
    """Add a notification for ``user`` and email it unless they turned that kind off.

    Does not commit: the caller's service commits it with the change it describes, so a
    rolled-back change leaves no notification behind. The email goes at once, though; call this
    after the checks that could still refuse the change. A change that tells many people at
    once passes ``email=False`` and, after its commit, hands the notifications' ids to
    ``email_saved`` (through the task queue), so no email goes out for a change undone.
    """
    if kind not in KIND_CODES:
        raise ValueError(f"unknown notification kind {kind!r}")
    note = Notification(user_id=user.id, kind=kind, text=text, link=link)
    db.session.add(note)
    if email and user.is_active and kind not in email_opt_outs(user):
        _send(user, text, link)
    return note


def _send(user: User, text: str, link: str) -> None:
    send_email(user.email, text, "email/notification.txt", user=user, text=text,
               link=url_for("main.index", _external=True).rstrip("/") + link if link else "",
               settings=url_for("members.notification_settings", _external=True))


def email_saved(note_ids: list[int]) -> int:
    """Email saved notifications to their people, unless they turned that kind off.

    A fixed number of queries however many; needs a request context for the links. Returns how
    many emails went.
    """
    notes = list(db.session.scalars(
        sa.select(Notification).where(Notification.id.in_(note_ids)).order_by(Notification.id)))
    people = {u.id: u for u in db.session.scalars(
        sa.select(User).where(User.id.in_({n.user_id for n in notes})))}
    opted_out = set(db.session.execute(
        sa.select(EmailOptOut.user_id, EmailOptOut.kind)
        .where(EmailOptOut.user_id.in_(list(people)))).all())
    sent = 0
    for note in notes:
        user = people.get(note.user_id)
        if user is not None and user.is_active and (user.id, note.kind) not in opted_out:
            _send(user, note.text, note.link)
            sent += 1
    return sent


def email_opt_outs(user: User) -> set[str]:
    query = sa.select(EmailOptOut.kind).where(EmailOptOut.user_id == user.id)
    return set(db.session.scalars(query))


def set_email_choices(user: User, wanted: set[str]) -> None:
    """Email ``user`` only the kinds in ``wanted``; every kind still shows in the app."""
    db.session.execute(sa.delete(EmailOptOut).where(EmailOptOut.user_id == user.id))
    db.session.add_all(EmailOptOut(user_id=user.id, kind=code)
                       for code in sorted(KIND_CODES - wanted))
    db.session.commit()


def recent(user: User, limit: int = 50) -> list[Notification]:
    return list(db.session.scalars(
        sa.select(Notification).where(Notification.user_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit)
    ))


def unread_count(user: User) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
    ) or 0


def mark_all_read(user: User) -> None:
    db.session.execute(
        sa.update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    db.session.commit()
