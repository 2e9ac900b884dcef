"""Signed-in browsers on the account page, and "sign out everywhere", in two real browsers."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import DESKTOP, PHONE
from tests.factories import DEFAULT_PASSWORD, make_user

EMAIL = "sam@example.org"
ANDROID_FIREFOX = "Mozilla/5.0 (Android 14; Mobile; rv:121.0) Gecko/121.0 Firefox/121.0"


def _log_in(page, server, keep: bool = True) -> None:
    page.goto(server("/account/login"))
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    if keep:
        page.get_by_label("Keep me logged in on this device").check()
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("status")).to_contain_text("Welcome back")


def _expect_signed_out(page, server) -> None:
    page.goto(server("/account/settings"))
    expect(page).to_have_url(re.compile(re.escape(server("/account/login"))))
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)


@pytest.mark.browser
def test_sign_out_everywhere_from_one_browser_signs_out_the_other(
        chromium, page, live_server, live_app, console_errors):
    with live_app.app_context():
        make_user(email=EMAIL, name="Sam Shah")
    phone_context = chromium.new_context(viewport=PHONE, locale="en-GB",
                                         user_agent=ANDROID_FIREFOX)
    phone_context.set_default_timeout(10_000)
    try:
        phone = phone_context.new_page()
        _log_in(phone, live_server)
        _log_in(page, live_server)

        # The desktop browser sees both, itself marked, and can sign the phone out alone.
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Account").click()
        browsers = page.get_by_role("region", name="Where you're signed in")
        items = browsers.get_by_role("listitem")
        expect(items).to_have_count(2)
        expect(items.first).to_contain_text("this browser")
        expect(items.nth(1)).to_contain_text("Firefox on Android")
        expect(items.nth(1)).to_contain_text("kept logged in")
        assert_accessible(page, "account page with two browsers")
        items.nth(1).get_by_role("button", name=re.compile("^Sign out Firefox on Android")).click()
        expect(page.get_by_role("status")).to_contain_text("That browser is signed out.")
        expect(items).to_have_count(1)
        _expect_signed_out(phone, live_server)

        # Both in again; "sign out everywhere" from the desktop ends the phone's session too,
        # "keep me logged in" included.
        _log_in(phone, live_server)
        page.goto(live_server("/account/settings"))
        expect(items).to_have_count(2)
        page.get_by_role("button", name="Sign out everywhere").click()
        expect(page).to_have_url(re.compile(re.escape(live_server("/account/login"))))
        expect(page.get_by_role("status")).to_contain_text(
            "You're signed out everywhere, on this browser and every other one.")
        assert_accessible(page, "log-in page after signing out everywhere")
        _expect_signed_out(page, live_server)
        _expect_signed_out(phone, live_server)
        phone_context.clear_cookies(name="session")  # as if the phone's browser were restarted
        _expect_signed_out(phone, live_server)
    finally:
        phone_context.close()
    assert console_errors == []


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_keep_me_logged_in_survives_a_restarted_browser(page, live_server, live_app, viewport):
    page.set_viewport_size(viewport)
    with live_app.app_context():
        make_user(email=EMAIL, name="Sam Shah")
    _log_in(page, live_server)
    page.context.clear_cookies(name="session")  # the browser was closed and opened again
    for _ in range(3):
        page.goto(live_server("/account/settings"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    expect(page.get_by_role("region", name="Where you're signed in")
           .get_by_role("listitem")).to_have_count(1)
