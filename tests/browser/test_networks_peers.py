"""Peers in a real browser: the home page's "Peers worth meeting" and "How connected you are",
saying hello (a mistake first), the other member saying hello back, "not for me", and a
coordinator's list of the most isolated. axe on every page, phone and desktop."""
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

SHOTS = Path(__file__).resolve().parents[2] / ".screenshots" / "networks_peers"


_shot = screenshot_saver(SHOTS)


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_member_meets_a_suggested_peer(page, live_server, live_app, console_errors,
                                         viewport):
    page.set_viewport_size(viewport)
    with live_app.app_context():
        from netapp.services import isolation
        from tests.profile_helpers import give_profile, load_reference

        load_reference()
        people = {}
        for key, name in (("mina", "Mina Member"), ("pia", "Pia Peer"), ("ravi", "Ravi Peer")):
            people[key] = make_user(email=f"{key}@example.org", name=name)
            give_profile(people[key], "Leeds", needs=("finance",))
        # A long council name, as real ones are: the coordinator's list must still fit a phone.
        give_profile(make_user(email="nell@example.org", name="Nell Northcott-Lincoln"),
                     "North East Lincolnshire")
        make_user(email="cora@example.org", name="Cora Coordinator", roles=[Role.COORDINATOR])
        isolation.recompute()

    _log_in(page, live_server, "mina@example.org")
    peers_section = page.get_by_role("region", name="Peers worth meeting")
    expect(peers_section).to_contain_text("Pia Peer")
    expect(peers_section).to_contain_text("Also runs a care home")
    expect(page.get_by_role("region", name="How connected you are")).to_contain_text(
        "out of 100")
    assert_accessible(page, "home with peers")
    _shot(page, "home", viewport)

    # "Not for me" from the home page, then hello to the other, a mistake first.
    peers_section.get_by_role("listitem").filter(has_text="Ravi Peer").get_by_role(
        "button", name="Not for me").click()
    expect(page.get_by_role("status")).to_contain_text("we won't suggest them again")
    expect(page.get_by_role("region", name="Peers worth meeting")).not_to_contain_text(
        "Ravi Peer")
    page.get_by_role("region", name="Peers worth meeting").get_by_role(
        "listitem").filter(has_text="Pia Peer").get_by_role("link", name="Say hello").click()
    page.get_by_role("button", name="Send my hello").click()
    expect(page.get_by_role("alert")).to_contain_text("Write a few words to say hello.")
    assert_accessible(page, "hello with an error")
    _shot(page, "hello", viewport)
    page.get_by_label("Your message").fill("Coffee at the Leeds meet-up?")
    page.get_by_role("button", name="Send my hello").click()
    expect(page.get_by_role("status")).to_contain_text("Your hello is on its way to Pia Peer")
    expect(page.get_by_role("region", name="Hellos you sent")).to_contain_text("Coffee")
    page.goto(live_server("/networks/connected"))
    expect(page.get_by_role("heading", level=1)).to_have_text("How connected you are")
    expect(page.get_by_role("main")).to_contain_text("Find a mentor")
    assert_accessible(page, "how connected you are")
    _shot(page, "connected", viewport)
    _log_out(page)

    # Pia reads the hello and says hello back.
    _log_in(page, live_server, "pia@example.org")
    page.goto(live_server("/networks/peers"))
    page.get_by_role("link", name="Read and reply").click()
    expect(page.get_by_role("region", name="Hellos to you")).to_contain_text("Coffee")
    assert_accessible(page, "hellos")
    _shot(page, "hellos", viewport)
    page.get_by_role("link", name="Say hello back to Mina Member").click()
    page.get_by_label("Your message").fill("Yes, see you there!")
    page.get_by_role("button", name="Send my hello").click()
    expect(page.get_by_role("status")).to_contain_text("on its way to Mina Member")
    _log_out(page)

    # The coordinator's list of the most isolated in Yorkshire.
    _log_in(page, live_server, "cora@example.org")
    page.goto(live_server("/networks/isolation"))
    page.get_by_label("Region").select_option(label="Yorkshire and the Humber")
    page.get_by_role("button", name="Show members").click()
    expect(page.get_by_role("table")).to_contain_text("Ravi Peer")
    expect(page.get_by_role("table")).to_contain_text("North East Lincolnshire")
    assert_fits(page, "the most isolated")
    assert_accessible(page, "most isolated")
    _shot(page, "isolation", viewport)
    # A form with a mistake answers 400, on purpose; nothing else failed.
    assert [e for e in console_errors if "400" not in e] == []
