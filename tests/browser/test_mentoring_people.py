"""In a real browser at phone and desktop width: a mentor accepts an offer, and a member asks
a suggested mentor. Every page passes axe."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from netapp.models import MentorshipStatus, Role
from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import DESKTOP
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.mentoring_people import load_reference, mentee, mentor, offer

PHONE = {"width": 375, "height": 812}
# Set SCREENSHOT_DIR to keep a picture of each page, to look at by eye.
SHOTS = os.environ.get("SCREENSHOT_DIR")


def _shot(page, name: str, viewport: dict) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}-{viewport['width']}.png", full_page=True)


def _log_in(page, live_server, email: str) -> None:
    page.goto(live_server("/account/login"))
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_mentor_reads_an_offer_and_accepts(page, live_server, live_app, viewport):
    page.set_viewport_size(viewport)
    with live_app.app_context():
        load_reference()
        meg = mentor("Meg Mentor", capacity=2)
        offer(mentee("Mina Mentee"), meg, note="Hello, I'd love some help with budgets.")
        offer(mentee("Dan Decline"), meg, status=MentorshipStatus.REQUESTED)
    _log_in(page, live_server, "meg.mentor@example.org")
    expect(page.get_by_role("heading", name="2 people are waiting for your answer")).to_be_visible()
    page.get_by_role("link", name="See who").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My mentees")
    offer_card = page.locator("li", has=page.get_by_role("heading", name="Mina Mentee"))
    expect(offer_card).to_contain_text("You're a more senior leader than them")
    expect(offer_card).to_contain_text("Hello, I'd love some help with budgets.")
    assert_accessible(page, "my mentees with offers")
    _shot(page, "mentees", viewport)

    # Declining asks first; going back changes nothing.
    page.get_by_role("link", name="Decline Dan Decline").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Can't take on Dan Decline?")
    assert_accessible(page, "decline")
    _shot(page, "decline", viewport)
    page.get_by_role("link", name="Go back").click()

    page.get_by_role("button", name="Accept Mina Mentee").click()
    expect(page.get_by_role("status")).to_contain_text("You're now mentoring Mina Mentee")
    expect(page.get_by_role("region", name="Your mentees").get_by_role(
        "link", name="Mina Mentee")).to_be_visible()
    page.get_by_label("How many mentees can you take on at once?").select_option("0")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("can't go below 1")
    assert_accessible(page, "my mentees after accepting")
    _shot(page, "mentees-accepted", viewport)


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_member_asks_a_suggested_mentor(page, live_server, live_app, viewport):
    page.set_viewport_size(viewport)
    with live_app.app_context():
        load_reference()
        mentee("Mina Mentee", wants=False)
        for name in ("Meg Mentor", "Max Mentor", "Molly Mentor"):
            mentor(name)
    _log_in(page, live_server, "mina.mentee@example.org")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Find a mentor").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Find a mentor")
    assert_accessible(page, "find a mentor, not asked yet")
    page.get_by_role("button", name="I'd like a mentor").click()
    suggestions = page.get_by_role("region", name="Suggested for you").get_by_role("listitem")
    expect(suggestions.first).to_contain_text("Offers help with your need: finance.")
    assert suggestions.count() >= 3
    assert_accessible(page, "suggestions")
    _shot(page, "suggestions", viewport)

    first = suggestions.first.get_by_role("heading").inner_text()
    page.get_by_role("link", name=f"Ask {first}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Ask {first} to be your mentor")
    page.get_by_label("A short note to them (optional)").fill("I manage a care home in Leeds.")
    assert_accessible(page, "ask a mentor")
    _shot(page, "ask", viewport)
    page.get_by_role("button", name="Send my request").click()
    expect(page.get_by_role("status")).to_contain_text(f"Your request is on its way to {first}")
    expect(page.get_by_role("region", name="Your requests")).to_contain_text(f"You asked {first}")
    assert_accessible(page, "suggestions with a request")
    _shot(page, "suggestions-asked", viewport)


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_coordinator_sees_offers_waiting_too_long(page, live_server, live_app, viewport):
    page.set_viewport_size(viewport)
    with live_app.app_context():
        load_reference()
        make_user(email="cora@example.org", name="Cora Coordinator", roles=[Role.COORDINATOR])
        meg = mentor("Meg Mentor", capacity=2)
        offer(mentee("Olga Oldest"), meg, days_ago=30)
        offer(mentee("Fay Fresh"), meg, days_ago=1)
    _log_in(page, live_server, "cora@example.org")
    page.get_by_role("link", name="Offers waiting too long").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Offers waiting too long")
    rows = page.get_by_role("table").locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Olga Oldest")
    assert_accessible(page, "offers waiting too long")
    _shot(page, "stale", viewport)
