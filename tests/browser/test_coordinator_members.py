"""The coordinator console in a real browser: the console's home from the menu, then the members
list with a mistake in a filter first, a region filter, the next page keeping the filter, a
member's profile, and the download link. axe on every page, at phone and desktop width."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from netapp.models import Role
from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.helpers import log_in, screenshot_saver
from tests.browser.layout import assert_fits
from tests.factories import make_user

SHOTS = Path(__file__).resolve().parents[2] / ".screenshots" / "coordinator_members"

_shot = screenshot_saver(SHOTS)


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_coordinator_finds_members_from_the_console(page, live_server, live_app,
                                                      console_errors, viewport):
    page.set_viewport_size(viewport)
    with live_app.app_context():
        from netapp.extensions import db
        from netapp.models import Profile
        from tests.profile_helpers import give_profile, load_reference

        load_reference()
        per_page = live_app.config["PAGE_SIZE"]
        for n in range(per_page + 2):
            person = make_user(email=f"leeds{n}@example.org", name=f"Leeds Member {n:02d}")
            give_profile(person, "Leeds", needs=("finance",))
            db.session.get(Profile, person.id).wants_mentor = n % 2 == 0
        db.session.commit()
        olga = make_user(email="olga@example.org", name="Olga Cornwall")
        give_profile(olga, "Cornwall")
        make_user(email="cora@example.org", name="Cora Coordinator", roles=[Role.COORDINATOR])

    log_in(page, live_server, "cora@example.org")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Console").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Coordinator console")
    expect(page.get_by_role("link", name="Matching rounds", exact=True)).to_be_visible()
    assert_accessible(page, "console home")
    assert_fits(page)
    _shot(page, "1-console", viewport)

    page.get_by_role("link", name="Members", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Members")
    expect(page.get_by_role("heading", name=f"{per_page + 4} members")).to_be_visible()
    assert_accessible(page, "members list")
    _shot(page, "2-members", viewport)

    # A mistake first: an isolation band that is not on the list, typed into the address.
    page.goto(live_server("/coordinator/members?q=leeds&isolation=lonely"))
    expect(page.get_by_role("alert")).to_contain_text(
        "Choose a band of the isolation index from the list.")
    expect(page.get_by_label("Name or email")).to_have_value("leeds")
    assert_accessible(page, "members list: a mistake")
    _shot(page, "3-mistake", viewport)

    page.get_by_label("Isolation index").select_option("")
    page.get_by_label("Region").select_option(label="Yorkshire and the Humber")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name=f"{per_page + 2} members")).to_be_visible()
    expect(page.get_by_role("link", name="Olga Cornwall")).to_have_count(0)
    assert_accessible(page, "members list: one region")
    assert_fits(page)
    _shot(page, "4-region", viewport)

    region_id = page.get_by_label("Region").input_value()
    page.get_by_role("link", name="Next").click()
    expect(page.get_by_text("Page 2 of 2")).to_be_visible()
    expect(page.get_by_label("Region")).to_have_value(region_id)
    expect(page.get_by_label("Name or email")).to_have_value("leeds")
    expect(page.get_by_role("link", name="Olga Cornwall")).to_have_count(0)
    download = page.get_by_role("link", name=f"Download these {per_page + 2} members (CSV)")
    expect(download).to_have_attribute("href", re.compile(f"region={region_id}"))
    expect(download).to_have_attribute("href", re.compile("q=leeds"))
    assert_accessible(page, "members list: page 2")
    _shot(page, "5-page-2", viewport)

    page.get_by_role("link", name=f"Leeds Member {per_page + 1:02d}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Leeds Member {per_page + 1:02d}")
    # The one mistake answered 400, as a bad search should.
    assert [e for e in console_errors if "status of 400" not in e] == []


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_list_fits_the_page_with_members_like_the_demos(page, live_server, live_app,
                                                              viewport):
    """Long addresses, places and needs, as in the demo data: every column shows without
    scrolling the table sideways (it used to hide needs, mentoring and the index off the right
    edge of a laptop's screen)."""
    page.set_viewport_size(viewport)
    with live_app.app_context():
        from netapp.extensions import db
        from netapp.models import Profile, ServiceType
        from netapp.services import profiles
        from tests.profile_helpers import council, load_reference

        load_reference()
        by_code = {t.code: t.id for t in profiles.topics()}
        for n in range(3):
            person = make_user(email=f"aisha.okonkwo{n}@demo.example.org",
                               name=f"Aisha Okonkwo {n}")
            profiles.save_about(person, display_name=person.display_name,
                                job_title="Registered Manager",
                                organisation_name="Sycamore Nursing and Residential Home",
                                service_type=ServiceType.NURSING_HOME,
                                local_authority_id=council("South Gloucestershire").id, level=3,
                                years_as_manager=5, meets_online=True)
            profiles.save_needs(person, [by_code[c] for c in (
                "people_management", "communication", "finance", "wellbeing",
                "partnership_working")])
            db.session.get(Profile, person.id).wants_mentor = True
        db.session.commit()
        make_user(email="cora@example.org", name="Cora Coordinator", roles=[Role.COORDINATOR])
    log_in(page, live_server, "cora@example.org")

    page.goto(live_server("/coordinator/members"))
    expect(page.get_by_role("heading", name="4 members")).to_be_visible()
    expect(page.get_by_role("cell", name=re.compile("aisha.okonkwo1@demo.example.org"))) \
        .to_be_visible()
    table = page.locator("table.members-table")
    wide, shown = table.evaluate("t => [t.scrollWidth, t.parentElement.clientWidth]")
    assert wide <= shown, f"the members table is {wide}px wide in a {shown}px space"
    assert_fits(page, "the members list")
    assert_accessible(page, "members list: members like the demo's")
    _shot(page, "6-demo-like", viewport)
