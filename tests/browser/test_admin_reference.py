"""The admin's reference pages in a real browser: topics, network descriptions and learning
resources (a resource refused for its http:// address, then saved), each fitting a phone's
width and passing the accessibility check, at phone and desktop width."""
from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from netapp.models import Role
from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.helpers import log_in, screenshot_saver
from tests.browser.layout import assert_fits
from tests.factories import make_user
from tests.profile_helpers import load_reference

shot = screenshot_saver(Path(__file__).resolve().parents[2] / ".screenshots" / "admin")
# Long words in both columns, as in the demo's list (which ran 13px off a phone's screen).
TITLE = "Skills for Care: Financial sustainability for care providers"


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_an_admin_keeps_topics_networks_and_resources(page, live_server, live_app, viewport):
    page.set_viewport_size(viewport)
    with live_app.app_context():
        load_reference()
        make_user(email="admin@example.org", name="Ada Admin", roles=[Role.ADMIN])
    log_in(page, live_server, "admin@example.org")

    page.goto(live_server("/admin/topics"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Topics")
    expect(page.get_by_role("link", name="Edit Finance and budgets")).to_be_visible()
    assert_accessible(page, "admin topics")
    assert_fits(page, "the topics page")
    shot(page, "topics", viewport)

    page.goto(live_server("/admin/networks"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Network descriptions")
    assert_accessible(page, "admin network descriptions")
    assert_fits(page, "the network descriptions page")
    shot(page, "networks", viewport)

    page.goto(live_server("/admin/resources"))
    page.get_by_label("Framework element").select_option(label="IS4 Facilitating transformation")
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Web address").fill("http://www.leadershipacademy.nhs.uk/hlm")
    page.get_by_role("button", name="Add resource").click()
    expect(page.get_by_role("alert")).to_contain_text("Use the secure address")
    expect(page.get_by_label("Title")).to_have_value(TITLE)
    assert_accessible(page, "admin resources: a mistake")
    page.get_by_label("Web address").fill("https://www.leadershipacademy.nhs.uk/hlm")
    page.get_by_role("button", name="Add resource").click()
    expect(page.get_by_text("Resource added.")).to_be_visible()
    expect(page.get_by_role("link", name=TITLE, exact=True)).to_be_visible()
    expect(page.get_by_role("link", name=f"Edit {TITLE}")).to_be_visible()
    assert_accessible(page, "admin resources")
    table = page.locator("table.compare-table")
    wide, shown = table.evaluate("t => [t.scrollWidth, t.parentElement.clientWidth]")
    assert wide <= shown, f"the resources table is {wide}px wide in a {shown}px space"
    assert_fits(page, "the learning resources page")
    shot(page, "resources", viewport)
