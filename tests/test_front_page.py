"""The front page's headline numbers, and the copy a process keeps of them for a minute
(COUNTS_KEEP_FOR): the front page is the page anyone can open, so it must stay cheap."""
from __future__ import annotations

import re

from netapp.services import kept as keeper
from tests.factories import make_user
from tests.statements import count_statements


def _members(html: str) -> int:
    found = re.search(r"<strong>([\d,]+)</strong> members", html)
    assert found, "the front page says how many members there are"
    return int(found.group(1).replace(",", ""))


def _grow(n: int) -> None:
    for _ in range(n):
        make_user()


def test_the_front_page_counts_active_members(app, client):
    _grow(3)
    make_user(active=False)  # a closed account is not counted
    assert _members(client.get("/").get_data(as_text=True)) == 3


def test_the_numbers_are_kept_for_a_minute(app, client, monkeypatch):
    app.config["COUNTS_KEEP_FOR"] = 60
    _grow(2)
    first = _members(client.get("/").get_data(as_text=True))
    _grow(3)
    # Kept: no statement at all for a visitor, and the new members do not show yet.
    assert count_statements(client, "/") == 0
    assert _members(client.get("/").get_data(as_text=True)) == first
    later = keeper.monotonic() + 61
    monkeypatch.setattr(keeper, "monotonic", lambda: later)
    assert _members(client.get("/").get_data(as_text=True)) == first + 3


def test_the_numbers_are_worked_out_each_time_when_keeping_is_off(app, client):
    app.config["COUNTS_KEEP_FOR"] = 0
    _grow(1)
    before = _members(client.get("/").get_data(as_text=True))
    _grow(1)
    assert _members(client.get("/").get_data(as_text=True)) == before + 1
