"""The account journey in a real browser: join, confirm the email, log out, log in.

Run at phone and desktop widths.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import DESKTOP, PHONE

NAME = "Grace Okafor"
EMAIL = "grace.okafor@example.org"
PASSWORD = "a long enough phrase"


def _at(server, path: str) -> re.Pattern:
    """The page at ``path``, whatever fragment the browser carried over from a form's address."""
    return re.compile(re.escape(server(path)) + r"(#.*)?$")


def _is_csp_report(text: str) -> bool:
    return "Content Security Policy" in text or "Content-Security-Policy" in text


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_join_confirm_log_out_and_log_back_in(page, live_server, mailbox, console_errors, viewport):
    page.set_viewport_size(viewport)
    documents = []
    page.on("response",
            lambda r: documents.append(r) if r.request.resource_type == "document" else None)
    nav = page.get_by_role("navigation", name="Main")

    # Home page, anonymous.
    assert page.goto(live_server("/")).status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text("You don't have to lead alone")
    assert_accessible(page, "home")

    # Join: an empty form comes back with a summary linking to each field.
    nav.get_by_role("link", name="Join").click()
    expect(page).to_have_url(_at(live_server, "/account/signup"))
    expect(page).to_have_title(re.compile("^Join the network"))
    assert_accessible(page, "sign-up form")
    page.get_by_role("button", name="Create my account").click()
    summary = page.locator(".error-summary")
    expect(summary).to_have_attribute("role", "alert")
    expect(summary.get_by_role("heading")).to_have_text("Please check the form")
    links = summary.get_by_role("link")
    expect(links).to_have_text(["Tell us your name.", "Enter your email address.",
                                "Choose a password.", "Type your password again."])
    targets = [links.nth(i).get_attribute("href") for i in range(4)]
    assert targets == ["#display_name", "#email", "#password", "#confirm"]
    for target in targets:
        field = page.locator(target)
        expect(field).to_have_attribute("aria-invalid", "true")
        # The error is read out with the field, not only shown beside it.
        expect(field).to_have_attribute("aria-describedby", re.compile(rf"\b{target[1:]}-error\b"))
    assert_accessible(page, "sign-up form with errors")
    links.nth(1).click()
    expect(page).to_have_url(re.compile("#email$"))
    expect(page.get_by_label("Email address")).to_be_in_viewport()

    # Partly filled: what was typed stays, passwords are never sent back to the page.
    page.get_by_label("Your name").fill(NAME)
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_role("button", name="Create my account").click()
    expect(summary.get_by_role("link")).to_have_text(["Choose a password.",
                                                      "Type your password again."])
    expect(page.get_by_label("Your name")).to_have_value(NAME)
    expect(page.get_by_label("Email address")).to_have_value(EMAIL)
    expect(page.get_by_label("Password", exact=True)).to_have_value("")

    # Filled properly: the same "check your email" page anyone gets, whether or not the
    # address already had an account, and nobody is signed in yet.
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    expect(page).to_have_url(_at(live_server, "/account/signup/sent"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    expect(page.get_by_role("status")).to_contain_text(f"We've sent an email to {EMAIL}")
    expect(nav.get_by_role("button", name="Log out")).to_have_count(0)
    assert_accessible(page, "check your email")

    # Logging in before opening the link works; the home page asks to confirm the email.
    nav.get_by_role("link", name="Log in").click()
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(_at(live_server, "/home"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hello, {NAME}")
    expect(page.get_by_role("heading", name="Please confirm your email")).to_be_visible()
    assert_accessible(page, "dashboard before confirming")
    nav.get_by_role("button", name="Log out").click()

    # The link in the real email confirms the address, then logging in leads into the wizard.
    link = mailbox.last_link(EMAIL)
    assert link.startswith(live_server("/account/verify/"))
    page.goto(link)
    expect(page).to_have_url(_at(live_server, "/account/login?next=/me/start"))
    expect(page.get_by_role("status")).to_contain_text(f"{EMAIL} is confirmed")
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(_at(live_server, "/me/start/about"))
    assert_accessible(page, "first onboarding step")
    page.goto(live_server("/home"))
    expect(page.get_by_role("heading", name="Please confirm your email")).to_have_count(0)
    expect(nav.get_by_role("button", name="Log out")).to_be_visible()
    assert_accessible(page, "dashboard")

    # Log out with the button in the header.
    nav.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(_at(live_server, "/"))
    expect(page.get_by_role("status")).to_contain_text("You're logged out")
    expect(nav.get_by_role("button", name="Log out")).to_have_count(0)

    # Log in again.
    nav.get_by_role("link", name="Log in").click()
    expect(page).to_have_url(_at(live_server, "/account/login"))
    assert_accessible(page, "login form")
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(_at(live_server, "/home"))
    expect(page.get_by_role("status")).to_contain_text(f"Welcome back, {NAME}.")

    # Account settings show the confirmed address.
    nav.get_by_role("link", name="Account").click()
    expect(page).to_have_url(_at(live_server, "/account/settings"))
    expect(page.locator(".summary-list")).to_contain_text(EMAIL)
    expect(page.locator(".summary-list")).to_contain_text("confirmed")
    expect(page.locator(".summary-list")).not_to_contain_text("not confirmed")
    assert_accessible(page, "settings")

    # A mistyped address gets the calm 404 page in the site's layout.
    assert page.goto(live_server("/no-such-page")).status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("We can't find that page")
    assert_accessible(page, "404 page")

    # Log out again: the home page is closed to us now.
    nav.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("status")).to_contain_text("You're logged out")
    page.goto(live_server("/home"))
    expect(page).to_have_url(re.compile(r"/account/login\?next="))

    # Every page the browser loaded carried our CSP, and nothing on them broke it.
    assert len(documents) >= 10
    for response in documents:
        csp = response.headers.get("content-security-policy", "")
        assert "script-src 'self'" in csp and "default-src 'self'" in csp, response.url
    assert [e for e in console_errors if _is_csp_report(e)] == []
    # The only console error we expect is the browser noting the deliberate 404.
    assert [e for e in console_errors if "404" not in e] == []


@pytest.mark.browser
def test_console_listener_catches_a_csp_violation(page, live_server, console_errors):
    """Control for the check above: an inline script is blocked, and the console says so."""
    page.goto(live_server("/"))
    with page.expect_console_message(lambda m: m.type == "error") as message:
        page.evaluate("""() => {
            const s = document.createElement('script');
            s.textContent = 'window.inlineRan = true';
            document.body.append(s);
        }""")
    assert _is_csp_report(message.value.text), message.value.text
    assert page.evaluate("() => window.inlineRan") is None
    assert any(_is_csp_report(e) for e in console_errors)
