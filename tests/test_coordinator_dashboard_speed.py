"""The coordinator dashboard's speed: a pinned number of statements on two sizes of data, and the
figures a process keeps for a minute (DASHBOARD_KEEP_FOR), per region, with the time they were
worked out on the page. The figures themselves are checked in test_coordinator_dashboard.py."""
from __future__ import annotations

import re

from netapp.services import dashboard as service
from netapp.services import kept as keeper
from tests.statements import count_statements
from tests.test_coordinator_dashboard import _grow, net, region  # noqa: F401 (fixture)

# Signing in (the session with its user: 1) and the figures (the regions for the choice are
# the process's copy of reference data):
# one pass over the members, self-assessments by month, mentorships, set meetings, events,
# events by month, and for England the affinity sizes.
ENGLAND, REGION = 8, 7


def _stats(html: str) -> list[str]:
    return re.findall(r"<strong>([^<]*)</strong>", html)


def test_pages_run_a_pinned_number_of_statements(net, client, auth):  # noqa: F811
    auth.login("coord@example.org")
    yorkshire = region("Yorkshire and the Humber")
    paths = ["/coordinator/dashboard", f"/coordinator/dashboard?region={yorkshire.id}"]
    for path in paths:  # warm-up: reference data a serving process already holds
        client.get(path)
    for n in (1, 6):
        _grow(net, n)
        assert [count_statements(client, path) for path in paths] == [ENGLAND, REGION]


def test_figures_are_kept_for_a_minute_per_region(net, app, client, auth, monkeypatch):  # noqa: F811
    app.config["DASHBOARD_KEEP_FOR"] = 60
    auth.login("coord@example.org")
    yorkshire = region("Yorkshire and the Humber")
    england_page = client.get("/coordinator/dashboard").get_data(as_text=True)
    assert re.search(r"Figures as of \d\d:\d\d on \d+ \w+ \d{4} \(UTC\)", england_page)
    assert "at most once a minute" in england_page
    region_page = client.get(f"/coordinator/dashboard?region={yorkshire.id}").get_data(
        as_text=True)

    # Kept: only signing in runs (the regions are the process's copy), and a change does not
    # show yet.
    _grow(net, 2)
    assert count_statements(client, "/coordinator/dashboard") == 1
    assert _stats(client.get("/coordinator/dashboard").get_data(as_text=True)) == \
        _stats(england_page)
    kept = client.get(f"/coordinator/dashboard?region={yorkshire.id}").get_data(as_text=True)
    assert "Dashboard: Yorkshire and the Humber" in kept and _stats(kept) == _stats(region_page)

    # A minute on, the figures are worked out again and show the change.
    later = keeper.monotonic() + 61
    monkeypatch.setattr(keeper, "monotonic", lambda: later)
    fresh = client.get("/coordinator/dashboard").get_data(as_text=True)
    assert _stats(fresh) != _stats(england_page)
    assert _stats(fresh)[0] == f"{service.figures(None).people.members:,}"


def test_figures_are_worked_out_each_time_when_keeping_is_off(net, app, client, auth):  # noqa: F811
    app.config["DASHBOARD_KEEP_FOR"] = 0
    auth.login("coord@example.org")
    before = _stats(client.get("/coordinator/dashboard").get_data(as_text=True))
    _grow(net, 1)
    after = _stats(client.get("/coordinator/dashboard").get_data(as_text=True))
    assert int(after[0]) == int(before[0]) + 1
