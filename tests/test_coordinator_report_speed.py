"""The programme report's speed: a pinned number of statements on two sizes of data, and the
members it counts read without every user (closed accounts still left out of every figure).
The figures themselves are checked in test_coordinator_report.py."""
from __future__ import annotations

import re
from datetime import date, timedelta

from netapp.extensions import db
from netapp.models import SelfAssessment, User
from netapp.models.coordinator import ProgrammeUpdate
from netapp.services import kept as keeper
from netapp.services import lqf, programme
from tests.factories import make_user
from tests.profile_helpers import give_profile
from tests.statements import count_statements
from tests.test_coordinator_report import (  # noqa: F401 (fixture)
    AWARD,
    H1,
    _figures,
    _path,
    at,
    network,
)

# Signing in (the session with its user: 1) and the figures (the regions for the choice are
# the process's copy of reference data):
# the use of the LQF in one pass over the members, the latest reports, the Award reported
# within the dates, the feedback ratings and the comments.
STATEMENTS = 6


def _grow(n: int) -> None:
    """``n`` more members in Leeds, each with a report and a finished self-assessment."""
    fw = lqf.framework()
    for i in range(n):
        person = make_user(name=f"Grown {i}")
        give_profile(person, "Leeds")
        db.session.add(ProgrammeUpdate(user_id=person.id, kind=AWARD, value="applying",
                                       reported_at=at(2026, 2, 1)))
        db.session.add(SelfAssessment(user_id=person.id, framework_id=fw.id,
                                      completed_at=at(2026, 2, 1)))
    db.session.commit()


def test_the_report_runs_a_pinned_number_of_statements(client, auth, users, network):  # noqa: F811
    auth.login(users["coordinator"].email)
    yorkshire = str(network["yorkshire"].id)
    paths = [_path(), _path(region=yorkshire), _path(region=yorkshire, csv_file=True)]
    for path in paths:  # warm-up: reference data a serving process already holds
        client.get(path)
    for n in (1, 20):
        _grow(n)
        assert [count_statements(client, path) for path in paths] == [STATEMENTS] * 3


def test_closed_accounts_count_in_no_figure(app, users, network):  # noqa: F811
    before = _figures(programme.report(*H1, network["yorkshire"]))
    fw = lqf.framework()
    for i in range(5):
        gone = make_user(name=f"Closed {i}", active=False)
        give_profile(gone, "Leeds")
        db.session.add(ProgrammeUpdate(user_id=gone.id, kind=AWARD, value="completed",
                                       reported_at=at(2026, 2, 1)))
        db.session.add(SelfAssessment(user_id=gone.id, framework_id=fw.id,
                                      completed_at=at(2026, 2, 1)))
    db.session.commit()
    result = programme.report(*H1, network["yorkshire"])
    assert result.members == 12
    assert _figures(result) == before

    # The same five, open, change the figures: the check above can fail.
    for person in db.session.scalars(db.select(User).where(User.display_name.like("Closed %"))):
        person.is_active_account = True
    db.session.commit()
    opened = programme.report(*H1, network["yorkshire"])
    assert opened.members == 17
    assert _figures(opened)["lqf_assessed"] != before["lqf_assessed"]


def _sections(html: str) -> list[str]:
    return re.findall(r'<section class="report-section".*?</section>', html, re.S)


def test_the_report_is_kept_for_a_minute_per_range_and_region(  # noqa: F811
        app, client, auth, users, network, monkeypatch):  # noqa: F811
    app.config["REPORT_KEEP_FOR"] = 60
    auth.login(users["coordinator"].email)
    yorkshire = str(network["yorkshire"].id)
    everywhere, region = _path(), _path(region=yorkshire)
    first = client.get(everywhere).get_data(as_text=True)
    assert re.search(r"Figures as of \d\d:\d\d on \d+ \w+ \d{4} \(UTC\)", first)
    in_region = client.get(region).get_data(as_text=True)
    assert "Yorkshire and the Humber" in in_region

    # Kept: only signing in runs, and a change does not show yet, for either key.
    _grow(3)
    assert count_statements(client, everywhere) == 1
    assert _members_counted(client.get(everywhere).get_data(as_text=True)) == \
        _members_counted(first)
    kept_region = client.get(region).get_data(as_text=True)
    assert _members_counted(kept_region) == _members_counted(in_region)
    # The figures' HTML is kept per range and region too: the region's, not England's.
    assert _sections(in_region) != _sections(first)
    assert _sections(kept_region) == _sections(in_region)

    # A minute on, both are worked out again and show the three new members in Leeds.
    later = keeper.monotonic() + 61
    monkeypatch.setattr(keeper, "monotonic", lambda: later)
    assert _members_counted(client.get(everywhere).get_data(as_text=True)) == \
        _members_counted(first) + 3
    assert _members_counted(client.get(region).get_data(as_text=True)) == \
        _members_counted(in_region) + 3


def test_a_process_keeps_a_bounded_number_of_reports(app, users, network):  # noqa: F811
    app.config["REPORT_KEEP_FOR"] = 60
    start = date(2026, 1, 1)
    for day in range(keeper.MOST + 10):
        programme.recent_report(start, start + timedelta(days=day), None)
    assert len(app.extensions["kept:programme report"]) == keeper.MOST


def _members_counted(html: str) -> int:
    found = re.search(r"Members in the report: <strong>([\d,]+)</strong>", html)
    assert found, "the report names how many members it covers"
    return int(found.group(1).replace(",", ""))
