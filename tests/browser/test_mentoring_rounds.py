"""A coordinator's round in a real browser: create, run, watch the progress, preview, publish."""
from __future__ import annotations

import signal
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from netapp.extensions import db
from netapp.models import Mentorship, MentorshipStatus, Role
from netapp.tasks import huey
from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import DESKTOP
from tests.browser.helpers import screenshot_saver
from tests.conftest import IN_CI, PG_URL, _make_app, empty_database
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.profile_helpers import load_reference
from tests.test_mentoring_rounds import person

PHONE = {"width": 375, "height": 812}
SHOTS = Path(__file__).resolve().parents[2] / ".screenshots" / "rounds"


@pytest.fixture
def live_app(smtp_sink, tmp_path):
    """As the shared live app, but with a real task queue (a huey SQLite file)."""
    _, smtp_port = smtp_sink
    overrides = {"WTF_CSRF_ENABLED": True, "SERVER_NAME": None, "MAIL_SERVER": "127.0.0.1",
                 "MAIL_PORT": smtp_port, "HUEY_URL": f"sqlite:///{tmp_path / 'huey.sqlite3'}"}
    backend = "postgres" if (PG_URL or IN_CI) else "sqlite"
    if backend == "sqlite":
        overrides["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path / 'live.sqlite3'}"
    app = _make_app(backend, smtp_port, **overrides)
    yield app
    with app.app_context():
        db.session.remove()
        if backend == "postgres":
            empty_database()
        db.engine.dispose()


def _start_consumer():
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    consumer = huey.create_consumer(workers=1, periodic=False, initial_delay=0.05,
                                    max_delay=0.2, check_worker_health=False)
    consumer.start()
    for sig, handler in saved.items():
        signal.signal(sig, handler)
    return consumer


_shot = screenshot_saver(SHOTS)


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_coordinator_runs_and_publishes_a_round(page, live_server, live_app, console_errors,
                                                  mailbox, viewport):
    page.set_viewport_size(viewport)
    with live_app.app_context():
        load_reference()
        make_user(email="cora@example.org", name="Cora Coordinator", roles=[Role.COORDINATOR])
        for name in ("Ann Mentee", "Bob Mentee", "Cat Mentee"):
            person(name)
        person("Meg Mentor", mentor_places=2)
        person("Max Mentor", mentor_places=1)

    page.goto(live_server("/account/login"))
    page.get_by_label("Email address").fill("cora@example.org")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Console").click()
    page.get_by_role("main").get_by_role("link", name="Matching rounds", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Matching rounds")
    expect(page.get_by_text("No rounds yet")).to_be_visible()
    assert_accessible(page, "rounds: empty list")
    _shot(page, "1-list", viewport)

    page.get_by_role("link", name="Start a new round").click()
    page.get_by_role("button", name="Create the round").click()  # no name: an error
    expect(page.get_by_role("alert")).to_contain_text("Give the round a name")
    assert_accessible(page, "rounds: new, with an error")
    page.get_by_label("Name of the round").fill("Spring 2027")
    page.get_by_label("Who can be matched").select_option(label="The whole country")
    page.get_by_role("button", name="Create the round").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Spring 2027")
    assert_accessible(page, "rounds: a draft round")
    _shot(page, "2-draft", viewport)

    page.get_by_role("link", name="Pool", exact=True).click()
    expect(page.get_by_role("table")).to_contain_text("Ann Mentee")
    assert_accessible(page, "rounds: the pool")
    _shot(page, "3-pool", viewport)

    page.get_by_role("link", name="Weights").click()
    page.get_by_label("Help with what the mentee needs").fill("-1")
    page.get_by_role("button", name="Save the weights").click()
    expect(page.get_by_role("alert")).to_contain_text("between 0 and 1000")
    expect(page.get_by_label("Help with what the mentee needs")).to_have_value("-1")
    assert_accessible(page, "rounds: weights with an error")
    _shot(page, "4-weights", viewport)
    page.get_by_label("Help with what the mentee needs").fill("40")
    page.get_by_role("button", name="Save the weights").click()
    expect(page.get_by_role("status")).to_contain_text("Weights saved")

    page.get_by_role("link", name="Locked and forbidden pairs").first.click()
    page.get_by_label("Forbid: never pair them").check()
    page.get_by_label("Mentee", exact=True).fill("Ann Mentee")
    page.get_by_label("Mentor", exact=True).fill("Max Mentor")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Forbidden: Ann Mentee with Max Mentor")).to_be_visible()
    assert_accessible(page, "rounds: locked and forbidden pairs")
    _shot(page, "5-pairs", viewport)

    # Run with the worker not yet started: the page shows the job waiting and polls for it.
    page.get_by_role("link", name="Overview").click()
    page.get_by_role("button", name="Run the matching").click()
    progress = page.locator("progress")
    expect(progress).to_be_visible()
    expect(page.get_by_text("Waiting for its turn")).to_be_visible()
    assert_accessible(page, "rounds: waiting to run")
    _shot(page, "6-progress", viewport)
    consumer = _start_consumer()
    try:
        # htmx polls the fragment and, once done, loads the round again: no reload by hand.
        expect(page.get_by_role("link", name="Check the proposals")).to_be_visible(timeout=60_000)
    finally:
        consumer.stop(graceful=True)
    expect(page.get_by_text("100% done")).to_be_visible()

    page.get_by_role("link", name="Check the proposals").click()
    expect(page.get_by_text("3 of 3")).to_be_visible()
    table = page.get_by_role("table", name="Proposed pairs, best score first")
    expect(table.locator("tbody tr")).to_have_count(3)
    expect(table).not_to_contain_text("Ann MenteeMax Mentor")
    assert_accessible(page, "rounds: the preview")
    _shot(page, "7-preview", viewport)

    page.get_by_role("link", name="Publish…").first.click()
    expect(page.get_by_role("heading", name="Publish this round?")).to_be_visible()
    assert_accessible(page, "rounds: confirm publishing")
    _shot(page, "8-confirm", viewport)
    page.get_by_role("button", name="Yes, publish and tell the mentors").click()
    expect(page.get_by_role("status")).to_contain_text("Published: 3 offers")
    assert_accessible(page, "rounds: published")
    _shot(page, "9-published", viewport)
    with live_app.app_context():
        offers = db.session.scalars(sa.select(Mentorship)).all()
        assert len(offers) == 3 and {o.status for o in offers} == {MentorshipStatus.OFFERED}
    assert not [e for e in console_errors if "Content Security Policy" in e or "CSP" in e], \
        console_errors
    assert console_errors == []
