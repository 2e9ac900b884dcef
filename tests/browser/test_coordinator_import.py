"""A coordinator imports members in a real browser: the sample file's dry run with its problems
by line, then a corrected file imported in the background with its progress shown."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from netapp.extensions import db
from netapp.models import Role, User
from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import DESKTOP
from tests.browser.helpers import log_in, screenshot_saver
from tests.browser.test_mentoring_rounds import _start_consumer
from tests.browser.test_mentoring_rounds import live_app as queued_live_app
from tests.factories import make_user
from tests.profile_helpers import load_reference

PHONE = {"width": 375, "height": 812}
SHOTS = Path(__file__).resolve().parents[2] / ".screenshots" / "imports"
SAMPLE = Path(__file__).resolve().parents[2] / "netapp" / "data" / "sample_members.csv"
live_app = queued_live_app  # the live app with a real task queue (a huey SQLite file)
_shot = screenshot_saver(SHOTS)


def corrected_sample(folder: Path) -> Path:
    """The sample with its three mistakes put right."""
    rows = list(csv.reader(io.StringIO(SAMPLE.read_text(encoding="utf-8"), newline="")))
    ms1 = rows[0].index("MS1")
    for row in rows[1:]:
        if row[1].endswith("@example"):
            row[1] += ".org"
        row[5] = "Leeds" if row[5] == "Leeds Cty" else row[5]
        row[ms1] = "4" if row[ms1] == "5" else row[ms1]
    path = folder / "members-fixed.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    return path


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_coordinator_checks_the_sample_and_imports_a_corrected_file(
        page, live_server, live_app, console_errors, mailbox, viewport, tmp_path):
    page.set_viewport_size(viewport)
    with live_app.app_context():
        load_reference()
        make_user(email="cora@example.org", name="Cora Coordinator", roles=[Role.COORDINATOR])
    log_in(page, live_server, "cora@example.org")

    page.goto(live_server("/coordinator/imports"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Import members")
    page.get_by_role("button", name="Upload and choose columns").click()  # no file: an error
    expect(page.get_by_role("alert")).to_contain_text("Choose the CSV file to upload")
    assert_accessible(page, "imports: the list, with an error")
    _shot(page, "1-upload", viewport)

    page.get_by_label("Your CSV file").set_input_files(str(SAMPLE))
    page.get_by_role("button", name="Upload and choose columns").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose the columns")
    expect(page.get_by_role("region", name="The first rows of your file")).to_contain_text(
        "Amara Okoye")
    expect(page.get_by_label("Email (needed)")).to_have_value("Email address")
    expect(page.get_by_label("Council")).to_have_value("Council")
    assert_accessible(page, "imports: choosing columns")
    _shot(page, "2-columns", viewport)

    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", name="Problems to fix")).to_be_visible()
    problems = page.get_by_role("region", name="Problems to fix")
    expect(problems).to_contain_text("Leeds Cty")
    expect(problems).to_contain_text("MS1")
    expect(problems.get_by_role("row")).to_have_count(4)  # the heading row and 3 problems
    expect(page.get_by_role("button", name="Import 27 members")).to_have_count(0)
    assert_accessible(page, "imports: the dry run's problems")
    _shot(page, "3-problems", viewport)
    with live_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1

    page.get_by_role("link", name="All imports").click()
    page.get_by_label("Your CSV file").set_input_files(str(corrected_sample(tmp_path)))
    page.get_by_role("button", name="Upload and choose columns").click()
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_text("Everything can be imported")).to_be_visible()
    # The worker is not started yet: the page shows the import waiting, and polls.
    page.get_by_role("button", name="Import 30 members").click()
    expect(page.locator("progress")).to_be_visible()
    expect(page.get_by_text("Waiting for its turn")).to_be_visible()
    assert_accessible(page, "imports: waiting to import")
    _shot(page, "4-progress", viewport)
    consumer = _start_consumer()
    try:
        expect(page.get_by_role("heading", name="What the import did")).to_be_visible(
            timeout=60_000)
    finally:
        consumer.stop(graceful=True)
    expect(page.get_by_text("100% done")).to_be_visible()
    expect(page.get_by_text("Invitations sent", exact=True)).to_be_visible()
    assert_accessible(page, "imports: done")
    _shot(page, "5-done", viewport)
    assert len(mailbox.to("amara.okoye@example.org")) == 1
    # the one 400 is the form sent without a file, on purpose, at the start
    assert [e for e in console_errors if "status of 400" not in e] == []
