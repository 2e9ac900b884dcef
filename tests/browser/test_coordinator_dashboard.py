"""The coordinator dashboard in a real browser, phone and desktop: figures for England, the charts
drawn and named, a chart's table opened from the keyboard, a region chosen from the list (where
affinity network sizes are not shown), no sideways scrolling on a phone, axe on each view, and
no console errors (the strict CSP holds: no inline script or style)."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from netapp.models import Role
from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.helpers import log_in, screenshot_saver
from tests.browser.layout import assert_fits
from tests.factories import make_user

SHOTS = Path(__file__).resolve().parents[2] / ".screenshots" / "coordinator_dashboard"
_shot = screenshot_saver(SHOTS)


def _seed(live_app) -> None:
    with live_app.app_context():
        from netapp.extensions import db
        from netapp.models import Event, EventRsvp, RsvpStatus
        from netapp.models.base import utcnow
        from netapp.services import isolation, networks
        from tests.profile_helpers import council, give_profile, join, load_reference

        load_reference()
        people = []
        for i, place in enumerate(["Leeds"] * 4 + ["Camden"] * 3):
            person = make_user(email=f"m{i}@example.org", name=f"Member {i}")
            give_profile(person, place)
            person.last_login_at = utcnow() - timedelta(days=i * 6)
            people.append(person)
        make_user(email="cora@example.org", name="Cora Coordinator", roles=[Role.COORDINATOR])
        leeds = networks.ensure_local_network(council("Leeds"))
        start = utcnow() - timedelta(days=12)
        event = Event(network_id=leeds.id, title="Meet-up", starts_at=start,
                      ends_at=start + timedelta(hours=2), place="Library")
        db.session.add(event)
        db.session.flush()
        for person in people[:3]:
            db.session.add(EventRsvp(event_id=event.id, user_id=person.id,
                                     status=RsvpStatus.GOING, attended=True))
        db.session.commit()
        for person in people[:5]:
            join(person, "bame")
        for person in people[:2]:
            join(person, "women")
        isolation.recompute()


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_coordinator_reads_the_dashboard(page, live_server, live_app, console_errors,
                                           viewport):
    page.set_viewport_size(viewport)
    _seed(live_app)
    log_in(page, live_server, "cora@example.org")
    page.goto(live_server("/coordinator/dashboard"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard: England")
    main = page.get_by_role("main")
    expect(main).to_contain_text("8 members")  # seven members and the coordinator
    people_chart = page.get_by_role("img", name="Members and what they take part in, England")
    expect(people_chart).to_be_visible()
    box = people_chart.bounding_box()
    assert box and box["width"] > 200 and box["height"] > 100, "the chart is drawn"
    expect(page.get_by_role("img", name="Isolation index of members, England")).to_be_visible()
    # The figures as a table, opened from the keyboard.
    summary = page.get_by_text("Affinity network sizes: the figures as a table")
    summary.focus()
    page.keyboard.press("Enter")
    sizes = page.get_by_role("table", name="Affinity network sizes")
    expect(sizes).to_be_visible()
    expect(sizes.get_by_role("row", name="Black, Asian and minority ethnic managers network"
                                          " 5")).to_be_visible()
    expect(sizes.get_by_role("row", name="Women managers network fewer than 5")).to_be_visible()
    assert_fits(page)
    assert_accessible(page, "dashboard for England, a table open")
    _shot(page, "england", viewport)

    page.get_by_label("Show figures for").select_option(label="Yorkshire and the Humber")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Dashboard: Yorkshire and the Humber")
    expect(main).to_contain_text("4 members")
    expect(main).to_contain_text("shown for all of England only")
    expect(main).not_to_contain_text("Women managers network")
    assert_fits(page)
    assert_accessible(page, "dashboard for a region")
    _shot(page, "region", viewport)
    assert console_errors == []
