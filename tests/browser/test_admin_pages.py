"""The admin pages, as an admin in a real browser, pass axe."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from netapp.models import Role
from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import DESKTOP, PHONE
from tests.factories import DEFAULT_PASSWORD, make_user


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_admin_people_and_audit_log_pages(page, live_server, live_app, viewport):
    # At phone width the tables scroll sideways, which axe checks for keyboard access.
    page.set_viewport_size(viewport)
    with live_app.app_context():
        make_user(email="admin@example.org", name="Ada Admin", roles=[Role.ADMIN])
        make_user(email="mentor@example.org", name="Meg Mentor", roles=[Role.MENTOR])
        make_user(email="new@example.org", name="Nell New", verified=False)

    page.goto(live_server("/account/login"))
    page.get_by_label("Email address").fill("admin@example.org")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    nav = page.get_by_role("navigation", name="Main")

    nav.get_by_role("link", name="People").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("People")
    rows = page.get_by_role("table").locator("tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.filter(has_text="Nell New")).to_contain_text("Email not confirmed")
    assert_accessible(page, "admin: people")

    page.get_by_role("link", name="Meg Mentor").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Meg Mentor")
    assert_accessible(page, "admin: one person")
    page.get_by_role("button", name="Make Meg Mentor a coordinator").click()
    expect(page.get_by_role("status")).to_contain_text("Meg Mentor is now a coordinator.")

    nav.get_by_role("link", name="Audit log").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit log")
    entries = page.locator("#audit-entries li")
    expect(entries.first).to_contain_text("Ada Admin gave Meg Mentor the coordinator role")
    expect(page.locator("#audit-entries")).to_contain_text("Ada Admin logged in")
    assert_accessible(page, "admin: audit log")
