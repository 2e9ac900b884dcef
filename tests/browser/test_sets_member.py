"""A set in a real browser: a member opens their set from the home page, adds a note and
downloads a meeting's calendar file; the facilitator schedules a meeting and records who came;
the coordinator sees the set's attendance and flags. axe on every page, phone and desktop."""
from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import icalendar
import pytest
from playwright.sync_api import expect

from netapp.models import Role
from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import DESKTOP
from tests.browser.helpers import log_in as _log_in
from tests.browser.helpers import log_out as _log_out
from tests.browser.helpers import screenshot_saver
from tests.factories import make_user
from tests.sets_life import mark, meeting, next_year_day, past_meetings, published_set

PHONE = {"width": 375, "height": 812}
SHOTS = Path(__file__).resolve().parents[2] / ".screenshots" / "sets_member"


_shot = screenshot_saver(SHOTS)


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_member_opens_their_set_and_downloads_the_calendar_file(
        page, live_server, live_app, console_errors, viewport, tmp_path):
    page.set_viewport_size(viewport)
    with live_app.app_context():
        mina = make_user(email="mina@example.org", name="Mina Member")
        otto = make_user(email="otto@example.org", name="Otto Other")
        make_user(email="meg@example.org", name="Meg Mentor", roles=[Role.MENTOR])
        make_user(email="cora@example.org", name="Cora Coordinator", roles=[Role.COORDINATOR])
        from netapp.extensions import db
        from netapp.models import User

        meg = db.session.query(User).filter_by(email="meg@example.org").one()
        row = published_set([mina, otto], meg, name="Leeds set 1")
        first, second = past_meetings(row, 2)
        mark(first, {mina: True, otto: False})
        mark(second, {mina: True, otto: False})
        july = next_year_day(7)
        meeting(row, datetime(july.year, 7, 15, 9, 0), link="https://meet.example.org/leeds")
        set_path = f"/sets/{row.id}"

    # The member finds the set on the home page and opens it.
    _log_in(page, live_server, "mina@example.org")
    page.get_by_role("region", name="My sets").get_by_role("link", name="Leeds set 1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Leeds set 1")
    expect(page.get_by_role("region", name="Next meeting")).to_contain_text("10:00 to 12:00")
    assert_accessible(page, "set page")
    _shot(page, "set", viewport)

    # The calendar file downloads and says 10:00 UK time (09:00 UTC in July).
    with page.expect_download() as info:
        page.get_by_role("link", name="Add to my calendar").click()
    saved = tmp_path / "meeting.ics"
    info.value.save_as(saved)
    event = icalendar.Calendar.from_ical(saved.read_bytes()).walk("VEVENT")[0]
    start = event.decoded("DTSTART")
    assert (start.hour, str(start.tzinfo), start.utcoffset()) == (10, "Europe/London",
                                                                   timedelta(hours=1))

    # A note, with an empty one refused first.
    page.get_by_role("button", name="Add the note").click()
    expect(page.get_by_role("alert")).to_contain_text("Write something first.")
    assert_accessible(page, "set page with an error")
    page.get_by_label("Add to the set's notes").fill("Rotas: try a four-on, four-off pattern")
    page.get_by_role("button", name="Add the note").click()
    expect(page.get_by_role("region", name="Notes and actions")).to_contain_text("four-off")

    # The private calendar address, shown once.
    page.get_by_role("link", name="Get your private calendar address").click()
    page.get_by_role("button", name="Make my address").click()
    expect(page.get_by_label("Calendar address")).to_have_value(
        live_server("/sets/calendar/feed/").rstrip("/") + "/" + page.get_by_label(
            "Calendar address").input_value().rsplit("/", 1)[1])
    assert_accessible(page, "calendar address")
    _shot(page, "calendar", viewport)

    page.goto(live_server(set_path + "/leave"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Leave Leeds set 1?")
    assert_accessible(page, "leave a set")
    page.get_by_role("link", name="Stay in the set").click()

    # Asking to change set, with no reason asked.
    page.get_by_role("link", name="Ask to change set").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ask to change set")
    expect(page.get_by_text("You don't need to say why.")).to_be_visible()
    assert_accessible(page, "ask to change set")
    _shot(page, "change", viewport)
    page.get_by_role("button", name="Ask to change set").click()
    expect(page.get_by_role("status")).to_contain_text("asked the coordinators")
    _log_out(page)

    # The facilitator schedules a meeting (a mistake first) and records who came.
    _log_in(page, live_server, "meg@example.org")
    page.goto(live_server(set_path))
    page.get_by_role("link", name="Schedule a meeting").click()
    page.get_by_label("Day").fill(next_year_day(1).isoformat())
    page.get_by_label("Starts at (UK time)").fill("10:00")
    page.get_by_label("Ends at (UK time)").fill("09:00")
    page.get_by_role("radio", name="Online").check()
    page.get_by_label("Link to join (for meeting online)").fill("https://meet.example.org/x")
    page.get_by_role("button", name="Schedule and tell the set").click()
    expect(page.get_by_role("alert")).to_contain_text("end after it starts")
    assert_accessible(page, "meeting form with an error")
    _shot(page, "meeting-form", viewport)
    page.get_by_label("Ends at (UK time)").fill("12:00")
    page.get_by_role("button", name="Schedule and tell the set").click()
    expect(page.get_by_role("status")).to_contain_text("Meeting scheduled")
    page.get_by_role("link", name="Record who came").first.click()
    assert_accessible(page, "attendance")
    _shot(page, "attendance", viewport)
    page.get_by_role("button", name="Save").click()
    _log_out(page)

    # The coordinator sees the flag and the attendance, and never the notes.
    _log_in(page, live_server, "cora@example.org")
    page.goto(live_server("/sets/flags"))
    expect(page.get_by_role("main")).to_contain_text("Otto Other")
    assert_accessible(page, "flags")
    _shot(page, "flags", viewport)
    page.get_by_role("link", name="Leeds set 1").click()
    expect(page.get_by_role("table")).to_contain_text("Missed")
    assert "four-off" not in page.content()
    assert_accessible(page, "roster")
    _shot(page, "roster", viewport)
    assert page.goto(live_server(set_path)).status == 404
    # Forms with mistakes answer 400 and the last page 404, on purpose; nothing else failed.
    assert [e for e in console_errors if "Failed to load resource" not in e] == []
