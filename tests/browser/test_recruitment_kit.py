"""The recruitment kit in a real browser: choosing too many areas keeps every tick and the role,
the pack lists questions and a scoring sheet, and printing leaves the menus out and starts each
area on a new page. Marking a resource done shows on the history page. Phone and desktop, with
the accessibility check."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.layout import assert_fits
from tests.factories import DEFAULT_PASSWORD, make_user

EMAIL = "mina@example.org"
SHOTS = Path(__file__).resolve().parents[2] / ".screenshots" / "recruitment"


def _shot(page, name: str) -> None:
    if os.environ.get("CI"):
        return
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{page.viewport_size['width']}.png"),
                    full_page=True)


@pytest.fixture
def member(live_app):
    from netapp.extensions import db
    from netapp.models import Element, Resource
    from tests.profile_helpers import load_reference

    with live_app.app_context():
        load_reference()
        make_user(email=EMAIL, name="Mina Member")
        element = db.session.query(Element).filter_by(code="MS3").one()
        db.session.add(Resource(element_id=element.id, title="Effective supervision guide",
                                url="https://example.org/supervision", summary="How to"))
        db.session.commit()


def _log_in(page, server) -> None:
    page.goto(server("/account/login"))
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()


@pytest.mark.browser
@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_manager_builds_and_prints_an_interview_pack(page, live_server, member,
                                                       console_errors, size):
    page.set_viewport_size(size)
    _log_in(page, live_server)
    page.goto(live_server("/me/recruitment"))
    expect(page.get_by_role("heading", name="Values-based recruitment kit")).to_be_visible()
    assert_accessible(page, "kit form")
    _shot(page, "choose")

    page.get_by_label("The role you are recruiting for").fill("Senior care worker")
    codes = ["PQ4", "WO2", "WO3", "MS3", "IS1", "SD3", "CV4"]
    for code in codes:
        page.get_by_label(code, exact=False).first.check()
    page.get_by_role("button", name="Build the interview pack").click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("Choose up to 6 areas: you chose 7")
    expect(page.get_by_label("The role you are recruiting for")).to_have_value(
        "Senior care worker")
    expect(page.locator("input[name=elements]:checked")).to_have_count(7)
    assert_accessible(page, "kit form with an error")
    assert_fits(page)
    _shot(page, "choose-error")

    page.get_by_label("CV4", exact=False).first.uncheck()
    page.get_by_role("button", name="Build the interview pack").click()
    expect(page.get_by_role("heading", name="Interview pack: Senior care worker")).to_be_visible()
    expect(page.locator(".kit-element")).to_have_count(6)
    expect(page.locator(".kit-score")).to_have_count(12)
    expect(page.get_by_role("link", name="Download as a spreadsheet (CSV)")).to_be_visible()
    assert_accessible(page, "kit")
    assert_fits(page)
    _shot(page, "kit")

    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".kit-actions")).to_be_hidden()
    breaks = page.locator(".kit-element").evaluate_all(
        "els => els.map(e => getComputedStyle(e).breakBefore)")
    assert breaks == ["page"] * 6
    _shot(page, "kit-print")
    page.emulate_media(media="screen")
    assert [e for e in console_errors if "status of 400" not in e] == []  # the refused choice


@pytest.mark.browser
@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_member_marks_a_resource_done_and_sees_it_on_their_history(page, live_server, member,
                                                                     console_errors, size):
    page.set_viewport_size(size)
    _log_in(page, live_server)
    page.goto(live_server("/me/resources"))
    # The full list is folded by area: the button shows once its area is opened.
    button = page.get_by_role("button", name="Mark done “Effective supervision guide”")
    expect(button).to_be_hidden()
    page.locator("summary", has_text="Managing services").click()
    assert_accessible(page, "resources with an area open")
    button.click()
    expect(page.get_by_text("Marked “Effective supervision guide” as done")).to_be_visible()
    # Back on the same resource, its area open again, now saying it is done.
    expect(page).to_have_url(re.compile(re.escape(live_server("/me/resources?open=MS"))
                                        + r"#resource-\d+$"))
    expect(page.locator("details[open]")).to_have_count(1)
    done_here = page.locator("#" + page.url.rsplit("#", 1)[1])
    expect(done_here).to_contain_text("Done on")
    expect(done_here).to_contain_text("For every level of leadership")
    expect(done_here).to_be_in_viewport()
    assert_accessible(page, "resources with one done")
    assert_fits(page)
    _shot(page, "resources-done")
    page.goto(live_server("/me/assessments"))
    done = page.locator(".resource-list")
    expect(done).to_contain_text("Effective supervision guide")
    expect(done).to_contain_text("Done on")
    assert_accessible(page, "history with learning done")
    _shot(page, "history-done")
    done.get_by_role("button", name="Undo “Effective supervision guide” done").click()
    expect(page).to_have_url(live_server("/me/assessments"))
    expect(page.locator(".resource-list")).to_have_count(0)
    assert console_errors == []



@pytest.fixture
def admin(live_app, member):
    from netapp.models import Role

    with live_app.app_context():
        make_user(email="ada@example.org", name="Ada Admin", roles=[Role.ADMIN])


@pytest.mark.browser
@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_an_admin_adds_a_question_and_a_mistake_keeps_what_was_typed(page, live_server, admin,
                                                                     console_errors, size):
    page.set_viewport_size(size)
    page.goto(live_server("/account/login"))
    page.get_by_label("Email address").fill("ada@example.org")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(live_server("/admin/recruitment"))
    expect(page.get_by_role("heading", name="Recruitment questions")).to_be_visible()
    assert_accessible(page, "admin questions")
    page.get_by_label("Question", exact=True).fill("Tell me about a time you asked for help?")
    page.get_by_role("button", name="Add question").click()
    expect(page.locator(".error-summary")).to_contain_text("Say what a good answer shows")
    expect(page.get_by_label("Question", exact=True)).to_have_value(
        "Tell me about a time you asked for help?")
    assert_accessible(page, "admin questions with an error")
    assert_fits(page)
    _shot(page, "admin-questions")
    page.get_by_label("What a good answer shows").fill("Knows their limits.")
    page.get_by_role("button", name="Add question").click()
    expect(page.get_by_text("Question added.")).to_be_visible()
    expect(page.get_by_role("cell", name="Tell me about a time you asked for help?")) \
        .to_be_visible()
    assert [e for e in console_errors if "status of 400" not in e] == []
