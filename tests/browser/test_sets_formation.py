"""A coordinator forms sets in a real browser: create, run with progress, check the draft sets,
drag a member to another set and read the warning, move with the plain form, publish."""
from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from netapp.extensions import db
from netapp.models import Job, LearningSet, SetFormation, SetMembership, SetStatus
from netapp.services import jobs
from netapp.services import sets_formation as service
from tests.browser import test_mentoring_rounds as rounds_browser
from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import DESKTOP
from tests.browser.helpers import screenshot_saver
from tests.factories import DEFAULT_PASSWORD
from tests.sets_people import asker, coordinator_user, leeds_and_camden

PHONE = {"width": 375, "height": 812}
# The live app with a real task queue, as for matching rounds.
live_app = rounds_browser.live_app
_start_consumer = rounds_browser._start_consumer
SHOTS = Path(__file__).resolve().parents[2] / ".screenshots" / "sets_formation"


_shot = screenshot_saver(SHOTS)


def _drag(page, source, target) -> None:
    """Drag with the pointer, in small steps, as a person would (SortableJS's pointer mode),
    once the page's script has made the lists draggable."""
    expect(page.locator(".set-grid.can-drag")).to_be_attached()
    source.scroll_into_view_if_needed()
    box = source.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 3, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 3 + 5, box["y"] + box["height"] / 2 + 5,
                    steps=5)
    target.scroll_into_view_if_needed()
    end = target.bounding_box()
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + end["height"] / 2, steps=25)
    page.mouse.up()


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_coordinator_forms_moves_and_publishes_sets(page, live_server, live_app,
                                                      console_errors, mailbox, viewport):
    page.set_viewport_size(viewport)
    with live_app.app_context():
        people = leeds_and_camden()
        asker("Tia Tagged", "Leeds", tag="bame")
        coordinator_user()
        camden_a = people["Camden A"].id

    page.goto(live_server("/account/login"))
    page.get_by_label("Email address").fill("cora@example.org")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Console").click()
    page.get_by_role("main").get_by_role("link", name="Action learning sets", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Forming action learning sets")
    expect(page.get_by_text("No sets formed yet")).to_be_visible()
    assert_accessible(page, "sets: empty list")
    _shot(page, "1-list", viewport)

    page.get_by_role("link", name="Form new sets").click()
    page.get_by_role("button", name="Create").click()
    expect(page.get_by_role("alert")).to_contain_text("Give it a name")
    page.get_by_label("Name of the formation").fill("Spring 2027 sets")
    page.get_by_label("Largest set").fill("4")
    page.get_by_role("button", name="Create").click()
    expect(page.get_by_role("alert")).to_contain_text("at least as big as the smallest")
    expect(page.get_by_label("Name of the formation")).to_have_value("Spring 2027 sets")
    assert_accessible(page, "sets: new, with an error")
    _shot(page, "2-new", viewport)
    page.get_by_label("Largest set").fill("8")
    page.get_by_role("button", name="Create").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Spring 2027 sets")

    page.get_by_role("button", name="Form the sets").click()
    expect(page.locator("progress")).to_be_visible()
    assert_accessible(page, "sets: waiting to run")
    _shot(page, "3-progress", viewport)
    consumer = _start_consumer()
    try:
        expect(page.get_by_role("heading", name="Draft sets")).to_be_visible(timeout=60_000)
    finally:
        consumer.stop(graceful=True)
    expect(page.get_by_text("19 of 19 members placed")).to_be_visible()
    expect(page.get_by_text("This set needs a look")).to_be_visible()
    assert "bame" not in page.content().lower()
    assert_accessible(page, "sets: the draft sets")
    _shot(page, "4-preview", viewport)

    # Drag Camden A (in-person, London) into an online Leeds set: the warning comes first.
    with live_app.app_context():
        online = db.session.scalars(sa.select(LearningSet).where(
            LearningSet.meets_online.is_(True)).order_by(LearningSet.id)).first()
        target_id, target_name = online.id, online.name
    source = page.locator(f"li[data-member-id='{camden_a}']")
    target = page.locator(f"ul[data-set-id='{target_id}'] li").first
    _drag(page, source, target)
    try:
        page.wait_for_url("**/move", timeout=5_000)
    except PlaywrightTimeoutError:
        # The pointer's steps came too fast for the page on a busy machine and nothing was
        # dropped: drag again, as a person would.
        _drag(page, source, target)
    warning = page.get_by_role("alert")
    # The drop posts the move and the page comes back with the warning: on a busy machine that
    # can take longer than expect's usual 5 seconds.
    expect(warning).to_contain_text(f"{target_name} meets in person and would have members "
                                    "from more than one region.", timeout=20_000)
    assert_accessible(page, "sets: a move's warning")
    _shot(page, "5-warning", viewport)
    page.get_by_role("link", name="Cancel: leave them in").click()
    with live_app.app_context():
        assert db.session.get(SetMembership, (target_id, camden_a)) is None  # nothing saved

    # The same move with the plain form, confirmed after the warning.
    page.get_by_role("link", name="Move Camden A").click()
    page.get_by_label("Move to").select_option(label=target_name)
    assert_accessible(page, "sets: the move form")
    _shot(page, "6-move-form", viewport)
    page.get_by_role("button", name="Check and move").click()
    expect(page.get_by_role("alert")).to_contain_text("more than one region")
    page.get_by_role("button", name="Move them anyway").click()
    expect(page.get_by_role("status")).to_contain_text("Camden A moved to")
    expect(page.get_by_text("Not kept: meets in person with members from more than one "
                            "region")).to_be_visible()
    _shot(page, "7-moved", viewport)

    page.get_by_role("link", name="Publish…").first.click()
    expect(page.get_by_role("heading", name="Publish these sets?")).to_be_visible()
    assert_accessible(page, "sets: confirm publishing")
    page.get_by_role("button", name="Yes, publish and tell the members").click()
    expect(page.get_by_role("status")).to_contain_text("Published: 3 sets")
    assert_accessible(page, "sets: published")
    _shot(page, "8-published", viewport)
    with live_app.app_context():
        assert {s.status for s in db.session.scalars(sa.select(LearningSet))} == \
            {SetStatus.ACTIVE}
    assert console_errors == []


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_member_asks_to_join_a_set_from_home(page, live_server, live_app, console_errors,
                                               viewport):
    page.set_viewport_size(viewport)
    with live_app.app_context():
        leeds_and_camden()
        asker("Nia New", "Leeds", mode="")

    page.goto(live_server("/account/login"))
    page.get_by_label("Email address").fill("nia.new@example.org")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Action learning sets").click()
    assert_accessible(page, "sets: ask to join")
    _shot(page, "9-ask", viewport)
    page.get_by_label("Online").check()
    page.get_by_label("Anything the coordinator should know").fill("Not on Mondays")
    page.get_by_role("button", name="Ask to join a set").click()
    expect(page.get_by_role("status")).to_contain_text("you've asked to join a set")
    expect(page.get_by_text("You asked on")).to_contain_text("Not on Mondays")
    assert_accessible(page, "sets: my request")
    _shot(page, "10-request", viewport)
    page.get_by_role("link", name="Withdraw my request").click()
    assert_accessible(page, "sets: withdraw")
    page.get_by_role("button", name="Withdraw my request").click()
    expect(page.get_by_role("status")).to_contain_text("withdrawn")
    assert console_errors == []


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_coordinator_finds_a_set_for_a_late_joiner_and_changes_the_weights(
        page, live_server, live_app, console_errors, mailbox, viewport):
    page.set_viewport_size(viewport)
    with live_app.test_request_context():  # publishing builds links to the sets' pages
        leeds_and_camden()
        cora = coordinator_user()
        formation = service.create_formation(cora, "Spring 2027 sets", None, True, 5, 8,
                                             service.default_weights())
        jobs.run(service.start_run(cora, formation).id)
        service.publish(cora, formation.id)
        draft = service.create_formation(cora, "Autumn 2027 sets", None, True, 5, 8,
                                         service.default_weights())
        asker("Lara Late", "Camden", mode="in_person")
        published_id, draft_id = formation.id, draft.id

    page.goto(live_server("/account/login"))
    page.get_by_label("Email address").fill("cora@example.org")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(live_server(f"/sets/formations/{published_id}/late"))
    page.get_by_role("link", name="Find a set for Lara Late").click()
    assert_accessible(page, "sets: a late joiner, before the search")
    page.get_by_role("button", name="Find sets for them").click()
    expect(page.locator("progress")).to_be_visible()
    page.reload()  # the search's progress survives a refresh
    expect(page.locator("progress")).to_be_visible()
    assert_accessible(page, "sets: a late joiner's search waiting")
    _shot(page, "11-late-progress", viewport)
    consumer = _start_consumer()
    try:
        expect(page.get_by_text("Proposed")).to_be_visible(timeout=60_000)
    finally:
        consumer.stop(graceful=True)
    assert_accessible(page, "sets: a late joiner's proposed sets")
    _shot(page, "12-late-proposals", viewport)
    page.get_by_role("button", name="Add them and tell them").click()
    expect(page.get_by_role("status")).to_contain_text("Lara Late joined")

    # Sizes and weights of a formation not yet published: a mistake first, kept as typed.
    page.goto(live_server(f"/sets/formations/{draft_id}"))
    page.get_by_role("link", name="Change the sizes and weights").click()
    page.get_by_label("Smallest set").fill("9")
    page.get_by_label("Needs in common").fill("12.5")
    page.get_by_role("button", name="Save and form the sets").click()
    expect(page.get_by_role("alert")).to_contain_text("at least as big as the smallest")
    expect(page.get_by_label("Needs in common")).to_have_value("12.5")
    assert_accessible(page, "sets: sizes and weights, with an error")
    _shot(page, "13-settings", viewport)
    page.get_by_label("Smallest set").fill("5")
    page.get_by_role("button", name="Save and form the sets").click()
    expect(page.get_by_role("status")).to_contain_text("formed again with the new sizes")
    with live_app.app_context():
        saved = db.session.get(SetFormation, draft_id)
        assert saved.weights["shared_needs"] == 12.5
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Job)
                                 .where(Job.kind == service.LATE_KIND)) == 1
    # The form sent with a mistake answers 400, which the console notes; nothing else.
    assert [e for e in console_errors if "status of 400" not in e] == []
    assert len(console_errors) == 1
