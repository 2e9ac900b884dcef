"""Learning suggestions in a real browser, as the walk that filed issue 13 met them: an operational
leader who chose "Getting ready for CQC inspection" and wellbeing in the wizard, and rated the
senior-strategy areas 1 as told, gets suggestions from both needs and from their own lowest
score, each with its reason and the demo's real pages, never the strategy areas. Phone and
desktop, with the accessibility check."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.helpers import log_in, screenshot_saver
from tests.browser.layout import assert_fits
from tests.factories import make_user

EMAIL = "olu@example.org"
shot = screenshot_saver(Path(__file__).resolve().parents[2] / ".screenshots" / "resources")


@pytest.fixture
def operational_leader(live_app):
    import sqlalchemy as sa

    from netapp.data.resources import RESOURCES
    from netapp.extensions import db
    from netapp.models import Element, Resource
    from netapp.services import lqf
    from tests.profile_helpers import assess, give_profile, load_reference

    with live_app.app_context():
        load_reference()
        ids = dict(db.session.execute(sa.select(Element.code, Element.id)).all())
        db.session.add_all(  # the demo's list, as `flask seed-demo` loads it
            Resource(element_id=ids[code], title=title, url=url, summary=learn,
                     time_needed=time_needed, cost=cost, level_from=low, level_to=high)
            for codes, title, learn, time_needed, cost, low, high, url in RESOURCES
            for code in codes)
        db.session.commit()
        user = make_user(email=EMAIL, name="Olu Okoro")
        give_profile(user, level=3, needs=("cqc_inspection", "wellbeing"))
        codes = [e.code for d in lqf.framework().dimensions for e in d.elements]
        # 3s, gaps in supervision and in checking quality, and 1s for the senior areas, as
        # the wizard asks.
        assess(user, lambda i: 1 if codes[i][:2] in ("CV", "DS")
               else 2 if codes[i] in ("MS3", "IS2") else 3)


@pytest.mark.browser
@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_suggestions_follow_the_needs_and_gaps_of_an_operational_leader(
        page, live_server, operational_leader, console_errors, size):
    page.set_viewport_size(size)
    log_in(page, live_server, EMAIL)
    page.goto(live_server("/me"))
    page.get_by_role("link", name="Learning resources").click()
    suggested = page.locator("section", has=page.get_by_role("heading", name="Suggested for you"))
    expect(suggested).to_contain_text("for operational leaders")
    headings = suggested.get_by_role("heading", level=3)
    expect(headings).to_have_count(3)
    reasons = suggested.locator("p", has_text="Why this one:")
    expect(reasons).to_have_count(3)
    expect(reasons.nth(0)).to_contain_text("You asked for help with “Getting ready for CQC "
                                           "inspection”, and rated yourself 2 of 4 here.")
    expect(reasons.nth(1)).to_contain_text("You asked for help with “Wellbeing, yours and "
                                           "your team's”, and rated yourself 3 of 4 here.")
    expect(reasons.nth(2)).to_contain_text("You rated yourself 2 of 4 here, one of your lowest.")
    expect(headings.nth(2)).to_have_text("Managing people")
    for name in ("Creating the vision", "Delivering the strategy", "Embodying the vision"):
        expect(suggested).not_to_contain_text(name)
    links = suggested.get_by_role("link")
    assert links.count() >= 3
    for href in links.evaluate_all("els => els.map(e => e.href)"):
        assert href.startswith("https://") and not href.startswith("https://example.")
    for hint in suggested.locator(".resource .hint").all_inner_texts():  # who each suits
        assert re.search(r"\. For [a-z -]+\.$", hint), hint
    assert_accessible(page, "learning suggestions")
    assert_fits(page)
    shot(page, "suggestions", size)

    # Everything else is folded by area; opening one shows its resources.
    page.locator("summary", has_text="Improving services").click()
    expect(page.locator("#area-IS .resource").first).to_be_visible()
    assert_accessible(page, "learning resources, one area open")
    assert_fits(page)
    assert console_errors == []
