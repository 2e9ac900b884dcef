"""The onboarding wizard in a real browser at phone size.

Every step, an error, and the finished profile.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import PHONE
from tests.browser.layout import assert_fits

EMAIL = "mina@example.org"
PASSWORD = "correct horse battery"


@pytest.fixture
def member(live_app):
    from tests.factories import make_user
    from tests.profile_helpers import load_reference

    with live_app.app_context():
        load_reference()
        make_user(email=EMAIL, name="Mina Member")


@pytest.mark.browser
def test_wizard_on_a_phone(page, live_server, member, console_errors):
    page.set_viewport_size(PHONE)
    page.goto(live_server("/account/login"))
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    # The home page invites the member to set up their profile.
    page.get_by_role("link", name="Get started").click()
    expect(page).to_have_url(re.compile(r"/me/start/about$"))
    expect(page.get_by_text("Step 1 of 5: About you")).to_be_visible()
    assert_accessible(page, "about you")

    # A mistake is explained, linked from the summary, and what was typed stays.
    page.get_by_label("Job title").fill("Registered Manager")
    page.get_by_role("button", name="Save and continue").click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("Tell us the name of the service you manage.")
    expect(summary).to_contain_text("Choose the kind of service you manage.")
    expect(page.get_by_label("Job title")).to_have_value("Registered Manager")
    assert_accessible(page, "about you with errors")

    page.get_by_label("The service you manage").fill("Oak Lodge Care Home")
    service_kind = page.get_by_role("group", name="What kind of service is it?")
    service_kind.get_by_label("Care home", exact=True).check()
    page.get_by_label("Council area").select_option(label="Leeds")
    page.get_by_label("Operational leader").check()
    page.get_by_label("Years as a manager").fill("6")
    page.get_by_label("Yes, online suits me").check()
    page.get_by_role("button", name="Save and continue").click()

    # Seven short pages of self-assessment, one dimension each, with progress shown.
    expect(page).to_have_url(re.compile(r"/me/start/assessment/PQ$"))
    expect(page.get_by_text("Step 2 of 5: Your leadership, part 1 of 7")).to_be_visible()
    assert_accessible(page, "self-assessment")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator(".error-summary")).to_contain_text(
        "Choose a number from 1 to 4 for “Developing self awareness”.")
    for part in range(1, 8):
        expect(page.get_by_text(f"part {part} of 7")).to_be_visible()
        groups = page.get_by_role("group")
        for i in range(groups.count()):
            groups.nth(i).get_by_label(re.compile(r"^3 – Confident")).check()
        page.get_by_role("button", name=re.compile("^Save and (continue|finish)$")).click()

    # Needs: the strategy's four areas first.
    expect(page).to_have_url(re.compile(r"/me/start/needs$"))
    assert_accessible(page, "needs")
    page.get_by_label("Leadership", exact=True).check()
    page.get_by_label("Finance and budgets").check()
    page.get_by_role("button", name="Save and continue").click()

    # Mentoring: say yes without details, get told what's missing, then fill it in.
    expect(page).to_have_url(re.compile(r"/me/start/mentoring$"))
    page.get_by_label("Yes, I'd like to mentor").check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator(".error-summary")).to_contain_text(
        "Choose how many people you could mentor"
    )
    page.get_by_label("2 people").check()
    main_areas = page.get_by_role("group", name="The main areas you could help with")
    main_areas.get_by_label("People management").check()
    page.get_by_label("When are you usually free?").fill("Tuesday afternoons")
    assert_accessible(page, "mentoring")
    page.get_by_role("button", name="Save and continue").click()

    # Networks: the local one is automatic; affinity networks ask for consent, one by one.
    expect(page).to_have_url(re.compile(r"/me/start/networks$"))
    expect(page.get_by_text("Leeds Registered Managers network")).to_be_visible()
    expect(page.get_by_text("What we store:").first).to_be_visible()
    assert_accessible(page, "networks")
    page.get_by_label(re.compile("Yes, add me to the Women managers network")).check()
    page.get_by_role("button", name="Save and finish").click()

    # The finished profile, with the radar chart and its table.
    expect(page).to_have_url(re.compile(r"/me$"))
    expect(page.get_by_role("status")).to_contain_text("You're all set up")
    expect(page.get_by_role("img", name="Your leadership self-assessment")).to_be_visible()
    expect(page.get_by_text("Oak Lodge Care Home (care home)")).to_be_visible()
    assert_accessible(page, "my profile")
    page.get_by_role("link", name="My networks").first.click()
    expect(page.get_by_role("heading", name="Women managers network")).to_be_visible()

    # Nothing scrolls sideways on a phone.
    assert_fits(page)
    # Forms with mistakes come back as 400, which the browser logs; nothing else may appear.
    assert [e for e in console_errors if "status of 400" not in e] == []


@pytest.mark.browser
def test_profile_pages_are_accessible_on_a_phone(page, live_server, live_app, mailbox):
    from netapp.services import feedback, lqf
    from tests.factories import make_user
    from tests.profile_helpers import assess, give_profile, join, load_reference

    with live_app.app_context():
        load_reference()
        user = make_user(email=EMAIL, name="Mina Member")
        give_profile(user, "Leeds", capacity=2, offers=("finance",))
        assess(user, lambda i: 1 + i % 4)
        assess(user, lambda i: 2 + i % 3)
        join(user, "women")
        other = make_user(email="otto@example.org", name="Otto Other")
        give_profile(other, "Leeds")
        other_id = other.id
        make_user(email="a@example.org", name="Ann Colleague")
        with live_app.test_request_context():
            feedback.invite(user, lqf.framework(), ["a@example.org", "b@example.org",
                                                    "c@example.org"])
    rater_link = mailbox.last_link("a@example.org")

    page.set_viewport_size(PHONE)
    page.goto(live_server("/account/login"))
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    for path in ("/me", "/me/assessments", "/me/privacy", "/networks/mine", "/networks/bame/join",
                 "/networks/women/leave", "/me/needs", "/me/feedback", "/me/resources",
                 "/me/data", "/me/data/erase", f"/members/{other_id}", "/me/preview?as=networks"):
        assert page.goto(live_server(path)).status == 200, path
        assert_accessible(page, path)
        assert_fits(page, path)

    # The colleague's link asks them to sign in with the invited address, then brings them back.
    page.get_by_role("navigation", name="Main").get_by_role("button", name="Log out").click()
    page.goto(live_server("/feedback/" + rater_link.rsplit("/feedback/", 1)[1]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Feedback for Mina Member")
    assert_accessible(page, "feedback sign-in for a colleague")
    page.get_by_role("link", name="Sign in and answer").click()
    page.get_by_label("Email address").fill("a@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Feedback for Mina Member")
    assert_accessible(page, "feedback for a colleague")
    element = page.get_by_role("group", name="Developing self awareness")
    element.get_by_label(re.compile("^3 –")).check()
    page.get_by_role("button", name="Save and finish later").click()
    expect(page.get_by_role("status")).to_contain_text("Saved")
    expect(page.get_by_role("group", name="Developing self awareness")
           .get_by_label(re.compile("^3 –"))).to_be_checked()
