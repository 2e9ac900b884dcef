"""The programme page and the programme report in a real browser: a member records their Award
and rating and gives feedback (a missing rating keeps the comment); a coordinator picks dates
the wrong way round (a clear message, the dates kept), then a region, reads the figures and
prints the report without the menus or the choices. Phone and desktop, with the accessibility
check."""
from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.helpers import log_in, log_out, screenshot_saver
from tests.browser.layout import assert_fits
from tests.factories import make_user

SHOTS = screenshot_saver(Path(__file__).resolve().parents[2] / ".screenshots" / "programme")
MEMBER = "mina@example.org"
COORDINATOR = "cora@example.org"


@pytest.fixture
def network(live_app):
    from netapp.models import Role
    from netapp.models.coordinator import UpdateKind
    from netapp.services import programme
    from tests.profile_helpers import give_profile, load_reference

    with live_app.app_context():
        load_reference()
        mina = make_user(email=MEMBER, name="Mina Member")
        give_profile(mina, "Leeds")
        make_user(email=COORDINATOR, name="Cora Coordinator", roles=[Role.COORDINATOR])
        for i in range(6):
            person = make_user(name=f"Leeds {i}")
            give_profile(person, "Leeds")
            programme.save_updates(person, {UpdateKind.AWARD: "applying",
                                            UpdateKind.RATING: "good"})
            programme.give_feedback(person, 4 + i % 2, f"Helpful comment {i}" if i < 3 else "")


@pytest.mark.browser
@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_member_reports_and_a_coordinator_prints_the_report(page, live_server, network,
                                                              console_errors, size):
    page.set_viewport_size(size)
    log_in(page, live_server, MEMBER)
    page.goto(live_server("/me"))
    page.get_by_role("link", name="Your Award and your service").click()
    expect(page.get_by_role("heading", name="Your Award, your service and the network",
                            level=1)).to_be_visible()
    assert_accessible(page, "programme page")
    assert_fits(page)
    SHOTS(page, "member", size)

    page.get_by_label("I'm applying").check()
    page.get_by_label("Requires improvement").check()
    page.get_by_role("group", name="Has the CQC asked").get_by_label("Yes").check()
    page.get_by_role("button", name="Save my answers").click()
    expect(page.get_by_text("Thank you: saved.")).to_be_visible()
    expect(page.get_by_text("What you last told us")).to_be_visible()
    expect(page.get_by_label("I'm applying")).to_be_checked()

    page.get_by_label("Anything you'd like to tell us?").fill("The sets keep me going.")
    page.get_by_role("button", name="Send my feedback").click()
    expect(page.locator(".error-summary")).to_contain_text("Choose a number from 1 to 5.")
    expect(page.get_by_label("Anything you'd like to tell us?")).to_have_value(
        "The sets keep me going.")
    assert_accessible(page, "programme page with an error")
    SHOTS(page, "member-error", size)
    page.get_by_label("5 – very helpful").check()
    page.get_by_role("button", name="Send my feedback").click()
    expect(page.get_by_text("Thank you for your feedback.")).to_be_visible()
    log_out(page)

    log_in(page, live_server, COORDINATOR)
    page.goto(live_server("/coordinator/report"))
    expect(page.get_by_role("heading", name="Programme report", level=1)).to_be_visible()
    page.get_by_label("From", exact=True).fill("2026-06-30")
    page.get_by_label("To", exact=True).fill("2026-01-01")
    page.get_by_role("button", name="Show the report").click()
    expect(page.locator(".error-summary")).to_contain_text(
        "The last day must be on or after the first day.")
    expect(page.get_by_label("From", exact=True)).to_have_value("2026-06-30")
    assert_accessible(page, "report with an error")
    SHOTS(page, "report-error", size)

    page.goto(live_server("/coordinator/report"))
    page.get_by_label("Region", exact=True).select_option(label="Yorkshire and the Humber")
    page.get_by_role("button", name="Show the report").click()
    expect(page.locator(".report-scope")).to_contain_text("Yorkshire and the Humber")
    expect(page.locator("#figure-feedback_responses .figure-count")).to_have_text("7")
    expect(page.locator("#figure-award_applying .figure-count")).to_have_text("7")
    expect(page.locator("#figure-compliance_action .figure-count")).to_have_text(
        "fewer than 5")
    expect(page.get_by_text("The sets keep me going.")).to_be_visible()
    expect(page.get_by_text("Mina Member")).to_have_count(0)
    assert_accessible(page, "report")
    assert_fits(page)
    SHOTS(page, "report", size)

    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".report-choices")).to_be_hidden()
    expect(page.locator(".report-actions")).to_be_hidden()
    expect(page.locator(".report-scope")).to_contain_text("Printed")
    expect(page.locator(".figures").first).to_be_visible()
    SHOTS(page, "report-print", size)
    page.emulate_media(media="screen")
    assert [e for e in console_errors if "status of 400" not in e] == []
