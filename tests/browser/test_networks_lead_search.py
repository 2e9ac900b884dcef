"""Appointing a lead of a network with more members than its lead form offers, in a real
browser: the form lists the first by name, a search by name finds the others, and a mistake on
the search's page comes back to it. axe on every page, at phone and desktop width."""
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

SHOTS = Path(__file__).resolve().parents[2] / ".screenshots" / "networks_lead_search"

_shot = screenshot_saver(SHOTS)


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_coordinator_finds_and_appoints_a_lead_past_the_first_hundred(
        page, live_server, live_app, console_errors, viewport):
    page.set_viewport_size(viewport)
    with live_app.app_context():
        from netapp.extensions import db
        from netapp.models import NetworkMembership
        from netapp.services import networks
        from tests.profile_helpers import council, give_profile, load_reference

        load_reference()
        cora = make_user(email="cora@example.org", name="Cora Coordinator",
                         roles=[Role.COORDINATOR])
        give_profile(cora, "Leeds")
        leeds = networks.by_code(networks.local_network_code(council("Leeds").id))
        people = [make_user(email=f"m{n}@example.org", name=f"Member {n:03}")
                  for n in range(104)]
        people.append(make_user(email="zara@example.org", name="Zara Zed"))
        db.session.add_all(NetworkMembership(network_id=leeds.id, user_id=person.id)
                           for person in people)
        db.session.commit()
        leeds_id, leeds_name = leeds.id, leeds.name

    log_in(page, live_server, "cora@example.org")
    page.goto(live_server(f"/networks/{leeds_id}"))
    leads = page.get_by_role("region", name="Network leads")
    # The first hundred by name: Zara is not among them, and a search finds her.
    member_list = leads.get_by_label("Member")
    expect(member_list.locator("option")).to_have_count(101)
    expect(member_list.locator("option", has_text="Zara Zed")).to_have_count(0)
    search = leads.get_by_role("search", name="Find a member to appoint")
    expect(search).to_contain_text("The list shows up to 100 people at a time.")
    assert_accessible(page, "a large local network, as a coordinator")
    assert_fits(page)
    _shot(page, "network", viewport)

    search.get_by_label("Find a member by name").fill("Zara")
    search.get_by_role("button", name="Find").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Appoint a lead of the {leeds_name}")
    expect(page.get_by_text("1 member has “Zara” in their name.")).to_be_visible()
    expect(page.get_by_label("Find a member by name")).to_have_value("Zara")
    assert_accessible(page, "a search for a lead")
    assert_fits(page)
    _shot(page, "found", viewport)

    # A mistake comes back to the search's page, its list and search kept.
    page.get_by_role("button", name="Appoint as a lead").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose a member to appoint.")
    expect(page.get_by_label("Find a member by name")).to_have_value("Zara")
    assert_accessible(page, "a search for a lead with a mistake")
    _shot(page, "mistake", viewport)
    page.get_by_label("Member", exact=True).select_option(label="Zara Zed")
    page.get_by_role("button", name="Appoint as a lead").click()
    expect(page.get_by_role("status")).to_contain_text(f"Zara Zed now leads the {leeds_name}")
    expect(page.get_by_role("region", name="Network leads")).to_contain_text("Zara Zed")

    # A search that finds no one says so.
    page.goto(live_server(f"/networks/{leeds_id}/leads/find?name=qqq"))
    expect(page.get_by_text("No member you could appoint has “qqq” in their name.")) \
        .to_be_visible()
    expect(page.get_by_role("link", name=f"Back to the {leeds_name}")).to_be_visible()
    assert_accessible(page, "a search for a lead that finds no one")
    _shot(page, "nothing", viewport)
    # Forms with mistakes come back as 400, which the browser logs; nothing else may appear.
    assert [e for e in console_errors if "status of 400" not in e] == []
