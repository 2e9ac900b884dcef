"""Network pages in a real browser: all networks, a network's page (following it, a
coordinator appointing a lead), my networks and the member directory (a search with a mistake
first). axe on every page, at phone and desktop width."""
from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from netapp.models import Role
from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.helpers import log_in as _log_in
from tests.browser.helpers import log_out as _log_out
from tests.browser.helpers import screenshot_saver
from tests.browser.layout import assert_fits
from tests.factories import make_user

SHOTS = Path(__file__).resolve().parents[2] / ".screenshots" / "networks_pages"


_shot = screenshot_saver(SHOTS)


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_network_pages_and_the_member_directory(page, live_server, live_app, console_errors,
                                                viewport):
    page.set_viewport_size(viewport)
    with live_app.app_context():
        from netapp.services import profiles
        from tests.profile_helpers import assess, give_profile, load_reference

        load_reference()
        mina = make_user(email="mina@example.org", name="Mina Member")
        give_profile(mina, "York")
        for n, name in enumerate(("Lara Leeds", "Leo Leeds", "Lily Leeds", "Luke Leeds",
                                  "Lena Leeds")):
            person = make_user(email=f"leeds{n}@example.org", name=name)
            give_profile(person, "Leeds", capacity=1 if n == 0 else 0,
                         offers=("finance",) if n == 0 else ())
            assess(person, score_for=lambda i: 4)
            profiles.set_visibility(person, {"lqf": profiles.EVERYONE})
        cora = make_user(email="cora@example.org", name="Cora Coordinator",
                         roles=[Role.COORDINATOR])
        give_profile(cora, "Leeds")

    # A member in York finds Leeds in all networks, and follows it.
    _log_in(page, live_server, "mina@example.org")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Networks").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("All networks")
    # The member's own region is open; the others open with a click.
    expect(page.get_by_role("link", name="Leeds", exact=True)).to_be_visible()
    page.get_by_text("South West").click()
    expect(page.get_by_role("link", name="Cornwall")).to_have_count(0)  # no members yet
    leeds_item = page.get_by_role("listitem").filter(has=page.get_by_role("link", name="Leeds",
                                                                          exact=True))
    expect(leeds_item).to_contain_text("6 members")
    assert_accessible(page, "all networks")
    assert_fits(page)
    _shot(page, "directory", viewport)
    leeds_item.get_by_role("link", name="Leeds", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Leeds")
    expect(page.get_by_role("region", name="New this month")).to_contain_text("6 people joined")
    page.get_by_role("button", name="Follow this network").click()
    expect(page.get_by_role("status")).to_contain_text("You're following the Leeds")
    assert_accessible(page, "a local network")
    assert_fits(page)
    _shot(page, "network", viewport)
    page.get_by_role("navigation", name="Networks").get_by_role("link",
                                                                name="My networks").click()
    expect(page.get_by_role("main")).to_contain_text("Networks you follow")
    expect(page.get_by_role("main")).to_contain_text("Leeds Registered Managers network")
    assert_accessible(page, "my networks")
    _shot(page, "mine", viewport)

    # The member directory: a mistake first, then strengths and "can mentor".
    page.goto(live_server("/networks/members?name=" + "x" * 101))
    expect(page.get_by_role("alert")).to_contain_text("Use at most 100 letters.")
    assert_accessible(page, "member directory with an error")
    page.get_by_label("Name").fill("Leeds")
    page.get_by_label("Only people who can mentor").check()
    page.get_by_role("button", name="Search").click()
    results = page.locator(".directory-results")
    expect(results).to_contain_text("Lara Leeds")
    expect(results).not_to_contain_text("Leo Leeds")
    expect(results).to_contain_text("Strong in")
    expect(page.get_by_label("Name")).to_have_value("Leeds")
    assert_accessible(page, "member directory")
    assert_fits(page)
    _shot(page, "members", viewport)
    _log_out(page)

    # A coordinator appoints a lead of Leeds from its page.
    _log_in(page, live_server, "cora@example.org")
    page.goto(live_server("/networks/"))
    page.get_by_role("link", name="Leeds", exact=True).click()
    leads = page.get_by_role("region", name="Network leads")
    leads.get_by_role("button", name="Appoint as a lead").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose a member to appoint.")
    leads.get_by_label("Member").select_option(label="Lara Leeds")
    leads.get_by_role("button", name="Appoint as a lead").click()
    expect(page.get_by_role("status")).to_contain_text("Lara Leeds now leads")
    expect(page.get_by_role("region", name="Network leads")).to_contain_text("Lara Leeds")
    assert_accessible(page, "a local network, as a coordinator")
    _shot(page, "network-coordinator", viewport)
    # Forms with mistakes come back as 400, which the browser logs; nothing else may appear.
    assert [e for e in console_errors if "status of 400" not in e] == []
