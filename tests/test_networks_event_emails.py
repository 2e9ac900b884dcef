"""Emails about a changed or cancelled event, and about a waitlist place, go through the task
queue: the lead's click answers at once however many people are going, and the emails follow
from the worker with the event's calendar file."""
from __future__ import annotations

import time
from datetime import timedelta

import pytest

from netapp.extensions import db
from netapp.models import Event, Network, NetworkKind, NetworkLead, NetworkMembership
from netapp.models.base import utcnow
from netapp.services import events
from netapp.tasks import huey
from tests import queue_fixtures
from tests.factories import make_user

queued_app = queue_fixtures.queued_app
consumer = queue_fixtures.consumer


@pytest.fixture
def meetup(queued_app):
    network = Network(kind=NetworkKind.LOCAL, code="leeds", name="Leeds network")
    db.session.add(network)
    db.session.flush()
    lead = make_user(email="lee@example.org", name="Lee Lead")
    people = [make_user(email=f"going{i}@example.org") for i in range(3)]
    for person in [lead, *people]:
        db.session.add(NetworkMembership(user_id=person.id, network_id=network.id))
    db.session.add(NetworkLead(network_id=network.id, user_id=lead.id))
    starts = utcnow().replace(microsecond=0) + timedelta(days=10)
    event = Event(network_id=network.id, title="Winter meet-up", description="Tea.",
                  starts_at=starts, ends_at=starts + timedelta(hours=2), is_online=False,
                  place="Leeds Civic Hall", link="", capacity=2, sequence=0)
    db.session.add(event)
    db.session.commit()
    with queued_app.test_request_context("/"):
        for person in people:
            events.join(person, event)
    huey.flush()  # the "you're going" emails are not what this file is about
    return {"event": event, "lead": lead, "people": people}


def _wait_for_mail(mailbox, address: str, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while not mailbox.to(address):
        if time.monotonic() > deadline:
            raise AssertionError(f"no email reached {address}")
        time.sleep(0.05)
    return mailbox.to(address)[-1]


def test_cancelling_answers_before_any_email_and_the_worker_sends_them(
        queued_app, meetup, mailbox):
    with queued_app.test_request_context("/"):
        events.cancel(meetup["lead"], meetup["event"])
    assert db.session.get(Event, meetup["event"].id).cancelled_at is not None
    assert mailbox.messages == []  # nothing sent while the lead waited
    assert huey.pending_count() == 1  # one task for everyone, not one per person
    huey.flush()


def test_the_worker_emails_everyone_going_or_waiting_with_the_calendar_file(
        queued_app, meetup, mailbox, consumer):
    with queued_app.test_request_context("/"):
        events.cancel(meetup["lead"], meetup["event"])
    for person in meetup["people"]:  # two going, one waiting: all three told
        told = _wait_for_mail(mailbox, person.email)
        assert "Event cancelled: Winter meet-up" in told["Subject"]
        files = [p for p in told.walk() if p.get_content_type() == "text/calendar"]
        assert b"METHOD:CANCEL" in files[0].get_payload(decode=True)
    assert mailbox.to(meetup["lead"].email) == []  # not going, so not told


def test_a_place_from_the_waitlist_is_emailed_by_the_worker(queued_app, meetup, mailbox,
                                                           consumer):
    first, _, waiting = meetup["people"]
    with queued_app.test_request_context("/"):
        events.leave(first, meetup["event"])
    told = _wait_for_mail(mailbox, waiting.email)
    assert "A place came up: you're now going to Winter meet-up" in told["Subject"]
    db.session.expire_all()
    assert events.rsvp_of(waiting, meetup["event"]).status.value == "going"
