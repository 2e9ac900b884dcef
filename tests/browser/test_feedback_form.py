"""The 360° rater form in a real browser: sending with gaps lists every gap at the top, each
linked to its statement and marked beside it; and the invitation page stays as wide as the
screen whatever is pasted into it. Phone and desktop, with the accessibility check."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.layout import assert_fits

PASSWORD = "correct horse battery"
REQUESTER = "mina@example.org"
RATER = "ann@example.org"
TOKEN = "a-private-token-for-the-browser-test"


@pytest.fixture
def invitation(live_app):
    from netapp.extensions import db
    from netapp.models import FeedbackRater, FeedbackRound
    from netapp.services import feedback, lqf
    from tests.factories import make_user
    from tests.profile_helpers import load_reference

    with live_app.app_context():
        load_reference()
        requester = make_user(email=REQUESTER, name="Mina Member")
        make_user(email=RATER, name="Ann Able")
        found = FeedbackRound(user_id=requester.id, framework_id=lqf.framework().id)
        found.raters.append(FeedbackRater(email=RATER, token_hash=feedback._hash(TOKEN)))
        db.session.add(found)
        db.session.commit()


def _log_in(page, live_server, email):
    page.goto(live_server("/account/login"))
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


@pytest.mark.browser
@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_sending_with_gaps_lists_every_gap(page, live_server, invitation, console_errors, size):
    page.set_viewport_size(size)
    _log_in(page, live_server, RATER)
    page.goto(live_server(f"/feedback/{TOKEN}"))
    expect(page.get_by_role("heading", name="Feedback for Mina Member")).to_be_visible()
    assert_accessible(page, "360 form")

    # Answer everything in the first area, say "haven't seen" to one more, leave the rest.
    groups = page.get_by_role("group")
    for i in range(4):
        groups.nth(i).get_by_label(re.compile(r"^3 – ")).check()
    groups.nth(4).get_by_label("I haven't seen this").check()
    page.get_by_label("Anything you'd like to add? (optional)").fill("Always calm on a bad day.")
    page.get_by_role("button", name="Send my feedback").click()

    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("23 statements still need an answer")
    expect(summary.get_by_role("link")).to_have_count(23)
    expect(page.locator(".field-error")).to_have_count(23)
    # What was chosen stays chosen, the comment too.
    expect(groups.nth(0).get_by_label(re.compile(r"^3 – "))).to_be_checked()
    expect(groups.nth(4).get_by_label("I haven't seen this")).to_be_checked()
    expect(page.get_by_label("Anything you'd like to add? (optional)")).to_have_value(
        "Always calm on a bad day.")
    assert_accessible(page, "360 form with gaps")
    assert_fits(page)

    # Each link in the summary takes the rater to the statement, marked beside it.
    last = summary.get_by_role("link").last
    target = last.get_attribute("href")
    last.click()
    expect(page).to_have_url(re.compile(re.escape(target) + "$"))
    marked = page.locator(f"{target} .error-message")
    expect(marked).to_be_visible()
    expect(marked).to_be_in_viewport()

    # Answering the rest sends it.
    for i in range(groups.count()):
        group = groups.nth(i)
        if not group.locator("input:checked").count():
            group.get_by_label(re.compile(r"^2 – ")).check()
    page.get_by_role("button", name="Send my feedback").click()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    # The 400 of the form sent with gaps is expected; nothing else may go wrong (no CSP reports).
    assert [e for e in console_errors if "status of 400" not in e] == []


@pytest.mark.browser
@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_huge_paste_does_not_widen_the_invitation_page(page, live_server, invitation, size):
    page.set_viewport_size(size)
    _log_in(page, live_server, REQUESTER)
    page.goto(live_server("/me/feedback"))
    page.get_by_label("Colleagues' email addresses").fill(
        "ann@example.org; bob@example.org\n" + "x" * 900 + "\n" + "y" * 5000)
    page.get_by_role("button", name="Send the invitations").click()
    expect(page.locator(".error-summary")).to_contain_text("more than we can take in one go")
    assert_fits(page)
    assert_accessible(page, "invitations with a huge paste")
    page.get_by_label("Colleagues' email addresses").fill(
        "ann@example.org; bob@example.org; " + "x" * 900 + "; not-an-email")
    page.get_by_role("button", name="Send the invitations").click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("These 2 don't look like email addresses")
    expect(summary).to_contain_text("“not-an-email”")
    assert_fits(page)
