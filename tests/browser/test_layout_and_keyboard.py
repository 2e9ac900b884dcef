"""Keyboard access, narrow screens, and a check that the axe helper really finds problems."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.accessibility import assert_accessible
from tests.browser.layout import assert_fits

ACTIVE_ID = "() => document.activeElement.id"


@pytest.mark.browser
@pytest.mark.parametrize("path, first_in_main", [
    ("/", "a.button"),
    ("/account/signup", "#display_name"),
    ("/account/login", "#email"),
])
def test_skip_link_is_first_and_moves_focus_to_main(page, live_server, path, first_in_main):
    page.goto(live_server(path))
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()  # it is hidden off-screen until it has focus
    page.keyboard.press("Enter")
    assert page.evaluate(ACTIVE_ID) == "main"
    # The next Tab continues inside the content, past the header links.
    page.keyboard.press("Tab")
    expect(page.locator(f"main {first_in_main}").first).to_be_focused()


@pytest.mark.browser
def test_pages_fit_a_320_pixel_screen_without_sideways_scrolling(page, live_server):
    page.set_viewport_size({"width": 320, "height": 640})
    for path in ("/", "/account/signup", "/account/login"):
        page.goto(live_server(path))
        assert_fits(page, path)
    # The sign-up form with every error showing is the widest state of that page.
    page.goto(live_server("/account/signup"))
    page.get_by_role("button", name="Create my account").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_fits(page, "the sign-up form with errors")


@pytest.mark.browser
def test_axe_helper_reports_a_real_problem(page, live_server):
    """Control: break a label on purpose and the helper must fail, naming the rule and field."""
    page.goto(live_server("/account/login"))
    page.evaluate("() => document.querySelector('label[for=email]').remove()")
    with pytest.raises(AssertionError) as failure:
        assert_accessible(page, "login with a missing label")
    assert "label" in str(failure.value)
    assert "#email" in str(failure.value)
