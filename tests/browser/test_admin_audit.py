"""The admin's audit log in a real browser: sentences in a list that fits a phone, a filter with a
mistake that keeps what was typed, and the confirmation before merging organisations. Phone and
desktop, with the accessibility check."""
from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from netapp.extensions import db
from netapp.models import Organisation, Profile, Role, ServiceType
from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.helpers import log_in, screenshot_saver
from tests.browser.layout import assert_fits
from tests.factories import make_user
from tests.profile_helpers import council, give_profile, load_reference

shot = screenshot_saver(Path(__file__).resolve().parents[2] / ".screenshots" / "admin")


@pytest.fixture
def world(live_app):
    with live_app.app_context():
        load_reference()
        make_user(email="admin@example.org", name="Ada Admin", roles=[Role.ADMIN])
        sam = make_user(email="sam@example.org", name="Sam Lee")
        tom = make_user(email="tom@example.org", name="Tom Hill")
        give_profile(sam, "Leeds")
        give_profile(tom, "Leeds")
        leeds = council("Leeds").id
        first = Organisation(name="Oak Lodge", service_type=ServiceType.CARE_HOME,
                             local_authority_id=leeds)
        second = Organisation(name="oak lodge", service_type=ServiceType.CARE_HOME,
                              local_authority_id=leeds)
        db.session.add_all([first, second])
        db.session.flush()
        db.session.get(Profile, sam.id).organisation_id = first.id
        db.session.get(Profile, tom.id).organisation_id = second.id
        db.session.commit()
        return {"sam": sam.id, "first": first.id, "second": second.id}


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_audit_log_filter_and_merge_confirmation(page, live_server, world, viewport):
    page.set_viewport_size(viewport)
    log_in(page, live_server, "admin@example.org")
    page.goto(live_server(f"/admin/users/{world['sam']}"))
    page.get_by_role("button", name="Make Sam Lee a mentor").click()
    expect(page.get_by_role("status")).to_contain_text("Sam Lee is now a mentor.")
    expect(page.locator("ol[aria-labelledby='to-them-title']")).to_contain_text(
        "Ada Admin gave Sam Lee the mentor role")

    page.goto(live_server("/admin/audit"))
    entries = page.locator("#audit-entries li")
    expect(entries.first).to_contain_text("Ada Admin gave Sam Lee the mentor role")
    # A list, not a wide table: nothing to scroll sideways at phone width.
    assert_fits(page)

    # A mistake in the dates: said plainly, with what was typed kept.
    page.get_by_label("What kind of change").select_option(label="Roles")
    page.get_by_label("From").fill("2026-12-01")
    page.get_by_label("To").fill("2026-11-01")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_text("The last day must be on or after the first day").first) \
        .to_be_visible()
    expect(page.get_by_label("What kind of change")).to_have_value("roles")
    assert_accessible(page, "admin: audit log with a mistake")
    shot(page, "audit-error", viewport)

    page.get_by_label("From").fill("")
    page.get_by_label("To").fill("")
    page.get_by_role("button", name="Filter").click()
    expect(entries).to_have_count(1)
    expect(entries.first).to_contain_text("Ada Admin gave Sam Lee the mentor role")
    assert_accessible(page, "admin: audit log filtered")
    shot(page, "audit", viewport)

    page.goto(live_server("/admin/organisations?q=oak"))
    page.get_by_label(f"Choose Oak Lodge in Leeds (number {world['first']})").check()
    page.get_by_label(f"Choose oak lodge in Leeds (number {world['second']})").check()
    assert_accessible(page, "admin: organisations")
    shot(page, "organisations", viewport)
    page.get_by_role("button", name="Merge the ones ticked").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Merge organisations")
    expect(page.get_by_text("This can't be undone")).to_be_visible()
    page.get_by_role("button", name="Merge").click()
    expect(page.get_by_text("Tick the box to confirm the merge.").first).to_be_visible()
    assert_accessible(page, "admin: merge confirmation")
    shot(page, "merge", viewport)
    page.get_by_label("Yes, merge these").check()
    page.get_by_role("button", name="Merge").click()
    expect(page.get_by_role("status")).to_contain_text("1 profile moved.")
