"""The shared mentoring page in a real browser: the mentee sets a goal, the mentor logs a meeting,
each sees the shared notes and only their own private ones; axe on every page."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from netapp.extensions import db
from netapp.models import Mentorship, MentorshipStatus, Role
from netapp.models.base import utcnow
from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import DESKTOP
from tests.browser.helpers import log_in as _log_in
from tests.browser.helpers import log_out as _log_out
from tests.browser.helpers import screenshot_saver
from tests.factories import make_user

PHONE = {"width": 375, "height": 812}
SHOTS = Path(__file__).resolve().parents[2] / ".screenshots" / "relationship"
PRIVATE = "Only for me: ask about the deputy's probation"


_shot = screenshot_saver(SHOTS)


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_pair_set_a_goal_and_log_a_meeting(page, live_server, live_app, console_errors,
                                               viewport):
    page.set_viewport_size(viewport)
    with live_app.app_context():
        mentor = make_user(email="meg@example.org", name="Meg Mentor", roles=[Role.MENTOR])
        mentee = make_user(email="mina@example.org", name="Mina Mentee")
        began = utcnow() - timedelta(days=20)
        pair = Mentorship(mentor_id=mentor.id, mentee_id=mentee.id,
                          status=MentorshipStatus.ACCEPTED, created_at=began,
                          responded_at=began)
        db.session.add(pair)
        db.session.commit()
        path = f"/mentoring/{pair.id}"

    # The mentee opens the empty page and adds a goal tied to the framework.
    _log_in(page, live_server, "mina@example.org")
    page.goto(live_server(path))
    expect(page.get_by_role("heading", level=1)).to_have_text("Mentoring with Meg Mentor")
    expect(page.get_by_text("No goals yet.")).to_be_visible()
    assert_accessible(page, "empty relationship page")
    page.get_by_role("link", name="Add a goal").click()
    page.get_by_role("button", name="Add goal").click()  # nothing filled in: told what to fix
    expect(page.get_by_role("alert")).to_contain_text("Write the goal in a few words.")
    expect(page.get_by_role("alert")).to_contain_text("Choose at least one part")
    assert_accessible(page, "goal form with errors")
    page.get_by_label("What do you want to achieve?").fill("Run supervision my team values")
    page.get_by_text("Managing services", exact=True).click()
    page.get_by_label("MS3 Managing people").check()
    _shot(page, "goal-form", viewport)
    page.get_by_role("button", name="Add goal").click()
    goals = page.get_by_role("region", name="Goals")
    expect(goals.get_by_role("heading", name="Run supervision my team values")).to_be_visible()
    expect(goals).to_contain_text("Managing people")
    expect(page.get_by_role("status")).to_contain_text("Goal added")
    _log_out(page)

    # The mentor logs a meeting with shared and private notes, and moves the goal on.
    _log_in(page, live_server, "meg@example.org")
    page.goto(live_server(path))
    page.get_by_role("link", name="Log a meeting").first.click()
    expect(page.get_by_label("When did you meet?")).to_have_value(utcnow().date().isoformat())
    page.get_by_label("Notes you both see (optional)").fill("Planned the first supervision.")
    page.get_by_label("Private notes, only for you (optional)").fill(PRIVATE)
    assert_accessible(page, "meeting form")
    _shot(page, "meeting-form", viewport)
    page.get_by_role("button", name="Save meeting").click()
    meetings = page.get_by_role("region", name="Meetings")
    expect(meetings).to_contain_text("Planned the first supervision.")
    expect(meetings).to_contain_text(PRIVATE)
    page.get_by_label("Where it stands: Run supervision my team values").select_option(
        "In progress")
    page.get_by_role("button", name="Update").click()
    expect(page.get_by_role("region", name="Goals")).to_contain_text("In progress")
    page.get_by_label("Your message").fill("Great start today. Same time next month?")
    page.get_by_role("button", name="Send to Mina Mentee").click()
    expect(page.get_by_role("region", name="Messages")).to_contain_text("Same time next month?")
    assert_accessible(page, "relationship page with a goal, a meeting and a message")
    _shot(page, "page-mentor", viewport)
    _log_out(page)

    # The mentee sees the shared notes and the message, never the mentor's private notes.
    _log_in(page, live_server, "mina@example.org")
    page.goto(live_server(path))
    expect(page.get_by_role("region", name="Meetings")).to_contain_text(
        "Planned the first supervision.")
    expect(page.get_by_role("region", name="Messages")).to_contain_text("Same time next month?")
    assert PRIVATE not in page.content()
    _shot(page, "page-mentee", viewport)
    assert console_errors == []


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_check_in_then_closing_with_feedback_from_both(page, live_server, live_app,
                                                         console_errors, viewport):
    page.set_viewport_size(viewport)
    with live_app.app_context():
        mentor = make_user(email="meg@example.org", name="Meg Mentor", roles=[Role.MENTOR])
        mentee = make_user(email="mina@example.org", name="Mina Mentee")
        make_user(email="cora@example.org", name="Cora Coordinator", roles=[Role.COORDINATOR])
        began = utcnow() - timedelta(days=35)
        pair = Mentorship(mentor_id=mentor.id, mentee_id=mentee.id,
                          status=MentorshipStatus.ACCEPTED, created_at=began,
                          responded_at=began)
        db.session.add(pair)
        db.session.commit()
        path = f"/mentoring/{pair.id}"

    # 35 days in and never met: a gentle prompt, and the 30-day check-in.
    _log_in(page, live_server, "mina@example.org")
    page.goto(live_server(path))
    expect(page.get_by_role("heading", name="Time to catch up?")).to_be_visible()
    page.get_by_role("link", name="Answer the 30-day check-in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your 30-day check-in")
    page.get_by_label("4").check()
    page.get_by_label("Anything you'd like to add? (optional)").fill("Helpful so far.")
    assert_accessible(page, "check-in form")
    _shot(page, "checkin", viewport)
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_role("status")).to_contain_text("Thank you for checking in.")
    expect(page.get_by_role("link", name="Answer the 30-day check-in")).to_have_count(0)

    # The mentee closes it early, after a confirmation page.
    page.get_by_role("link", name="Close this mentoring").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Close your mentoring with Meg Mentor?")
    page.get_by_label("We're ending it early").check()
    page.get_by_label("A few words of feedback (optional)").fill("Thank you, Meg.")
    assert_accessible(page, "closing confirmation")
    _shot(page, "close", viewport)
    page.get_by_role("button", name="Yes, close it").click()
    expect(page.get_by_role("heading", name="This mentoring has ended")).to_be_visible()
    expect(page.get_by_role("link", name="Add a goal")).to_have_count(0)
    _log_out(page)

    # The mentor adds their feedback afterwards; the mentee's answer stays private.
    _log_in(page, live_server, "meg@example.org")
    page.goto(live_server(path))
    expect(page.get_by_text("Thank you, Meg.")).to_be_visible()
    assert "Helpful so far." not in page.content()
    page.get_by_role("link", name="Add your feedback").click()
    page.get_by_label("A few words of feedback").fill("It was a pleasure, Mina.")
    assert_accessible(page, "feedback form")
    page.get_by_role("button", name="Save feedback").click()
    expect(page.get_by_text("It was a pleasure, Mina.")).to_be_visible()
    assert_accessible(page, "closed relationship page")
    _shot(page, "closed", viewport)
    _log_out(page)

    # The coordinator sees only the programme's figures, and too few answers to show any.
    _log_in(page, live_server, "cora@example.org")
    page.goto(live_server("/mentoring/check-ins"))
    expect(page.get_by_role("table")).to_contain_text("Not shown until 5 have answered")
    assert_accessible(page, "coordinator's check-in figures")
    _shot(page, "checkins", viewport)
    assert console_errors == []
    assert page.goto(live_server(path)).status == 404  # and never the pair's page
