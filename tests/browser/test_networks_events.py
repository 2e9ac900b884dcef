"""Network events in a real browser: a member finds an event from the home page, says they're
going (seeing the link to join appear), downloads the calendar file in UK time and joins a
waitlist; a lead creates an event (a mistake first) and records who came. axe on every page,
phone and desktop."""
from __future__ import annotations

from datetime import date, time, timedelta
from pathlib import Path

import icalendar
import pytest
from playwright.sync_api import expect

from netapp.extensions import db
from netapp.models import Event, Network, NetworkKind, NetworkLead, NetworkMembership
from netapp.models.base import utcnow
from netapp.services.sets import to_utc
from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import DESKTOP
from tests.browser.helpers import log_in as _log_in
from tests.browser.helpers import log_out as _log_out
from tests.browser.helpers import screenshot_saver
from tests.factories import make_user

PHONE = {"width": 375, "height": 812}
SHOTS = Path(__file__).resolve().parents[2] / ".screenshots" / "networks_events"


_shot = screenshot_saver(SHOTS)


def _setting(live_app) -> dict:
    with live_app.app_context():
        network = Network(kind=NetworkKind.LOCAL, code="local-leeds", name="Leeds network")
        db.session.add(network)
        db.session.flush()
        mina = make_user(email="mina@example.org", name="Mina Member")
        lee = make_user(email="lee@example.org", name="Lee Lead")
        otto = make_user(email="otto@example.org", name="Otto Other")
        db.session.add_all([NetworkMembership(user_id=u.id, network_id=network.id)
                            for u in (mina, lee, otto)])
        db.session.add(NetworkLead(network_id=network.id, user_id=lee.id))
        july = date(utcnow().year + 1, 7, 15)
        starts = to_utc(july, time(18, 0))
        online = Event(network_id=network.id, title="Managing change together",
                       description="An hour online.\n\nBring a question.", starts_at=starts,
                       ends_at=starts + timedelta(hours=1), is_online=True,
                       link="https://meet.example.org/change", capacity=10, sequence=0)
        soon = utcnow().replace(microsecond=0) + timedelta(days=3)
        full = Event(network_id=network.id, title="Walk and talk", starts_at=soon,
                     ends_at=soon + timedelta(hours=2), place="Roundhay Park gates, Leeds",
                     capacity=1, sequence=0)
        db.session.add_all([online, full])
        db.session.commit()
        from netapp.services import events

        with live_app.test_request_context():
            events.join(otto, full)
        return {"network_id": network.id, "full_id": full.id}


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_member_goes_to_an_event_and_downloads_its_calendar_file(
        page, live_server, live_app, console_errors, viewport, tmp_path):
    page.set_viewport_size(viewport)
    ids = _setting(live_app)

    # From the home page to the events in the member's networks, then to the event.
    _log_in(page, live_server, "mina@example.org")
    home = page.get_by_role("region", name="Your next events")
    expect(home).to_contain_text("You haven't said you're going")
    home.get_by_role("link", name="Events in your networks").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Events in your networks")
    assert_accessible(page, "events in my networks")
    _shot(page, "my-events", viewport)
    page.get_by_role("link", name="Managing change together").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Managing change together")
    expect(page.get_by_role("main")).to_contain_text("18:00 to 19:00 (UK time)")
    expect(page.get_by_role("main")).to_contain_text("the link to join shows here")
    assert_accessible(page, "event page")

    # Going: the link to join appears.
    page.get_by_role("button", name="I'm going").click()
    expect(page.get_by_role("status")).to_contain_text("You're going")
    expect(page.get_by_role("link", name="join the event")).to_have_attribute(
        "href", "https://meet.example.org/change")
    assert_accessible(page, "event page, going")
    _shot(page, "event-going", viewport)

    # The calendar file: 18:00 UK time in July (17:00 UTC), with the link.
    with page.expect_download() as info:
        page.get_by_role("link", name="Add to my calendar").click()
    saved = tmp_path / "event.ics"
    info.value.save_as(saved)
    event = icalendar.Calendar.from_ical(saved.read_bytes()).walk("VEVENT")[0]
    start = event.decoded("DTSTART")
    assert (start.hour, str(start.tzinfo), start.utcoffset()) == (18, "Europe/London",
                                                                   timedelta(hours=1))
    assert str(event["URL"]) == "https://meet.example.org/change"

    # A full event: the waitlist.
    page.goto(live_server(f"/networks/events/{ids['full_id']}"))
    page.get_by_role("button", name="Join the waitlist").click()
    expect(page.get_by_role("main")).to_contain_text("You're on the waitlist, number 1")
    assert_accessible(page, "event page, waiting")
    _shot(page, "event-waiting", viewport)
    page.goto(live_server("/home"))
    expect(page.get_by_role("region", name="Your next events")).to_contain_text(
        "Managing change together")
    _log_out(page)

    # The lead creates an event, with a mistake first, and the form keeps what was typed.
    _log_in(page, live_server, "lee@example.org")
    page.goto(live_server(f"/networks/{ids['network_id']}/events"))
    assert_accessible(page, "a network's events")
    page.get_by_role("link", name="Create an event").click()
    page.get_by_label("Name of the event").fill("Spring meet-up")
    page.get_by_label("Day").fill(date(utcnow().year + 1, 3, 20).isoformat())
    page.get_by_label("Starts at (UK time)").fill("18:00")
    page.get_by_label("Ends at (UK time)").fill("20:00")
    page.get_by_role("radio", name="Online").check()
    page.get_by_label("Link to join (for an event online)").fill("http://not-secure.example")
    page.get_by_role("button", name="Create the event").click()
    expect(page.get_by_role("alert")).to_contain_text("starting https://")
    expect(page.get_by_label("Name of the event")).to_have_value("Spring meet-up")
    assert_accessible(page, "event form with an error")
    _shot(page, "event-form", viewport)
    page.get_by_label("Link to join (for an event online)").fill("https://meet.example.org/s")
    page.get_by_role("button", name="Create the event").click()
    expect(page.get_by_role("status")).to_contain_text("Event created")
    expect(page.get_by_role("heading", level=1)).to_have_text("Spring meet-up")
    page.get_by_role("link", name="Cancel it").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cancel Spring meet-up?")
    assert_accessible(page, "cancel an event")
    page.get_by_role("button", name="Cancel the event").click()
    expect(page.get_by_role("main")).to_contain_text("This event is cancelled.")

    # Who came, once an event has happened.
    with live_app.app_context():
        past = db.session.get(Event, ids["full_id"])
        past.starts_at = utcnow() - timedelta(hours=3)
        past.ends_at = utcnow() - timedelta(hours=1)
        db.session.commit()
    page.goto(live_server(f"/networks/events/{ids['full_id']}"))
    page.get_by_role("link", name="Record who came").click()
    assert_accessible(page, "attendance")
    _shot(page, "attendance", viewport)
    page.get_by_role("checkbox", name="Otto Other").check()
    page.get_by_role("button", name="Save who came").click()
    expect(page.get_by_role("main")).to_contain_text("Otto Other (came)")
    # The form with a mistake answers 400 on purpose; nothing else failed.
    assert [e for e in console_errors if "Failed to load resource" not in e] == []
