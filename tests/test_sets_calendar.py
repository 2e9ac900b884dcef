"""Each member's private calendar feed: made and shown once, keyed by a token only its holder
has, replaced or stopped at will, and listing only that member's own sets' meetings."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import icalendar
import pytest
import sqlalchemy as sa

from netapp.extensions import db
from netapp.models import CalendarFeed, SetMembership
from netapp.models.base import utcnow
from tests.factories import make_user
from tests.sets_life import meeting, next_year_day, published_set


@pytest.fixture
def sets(app, users):
    mine = published_set([users["member"], users["other_member"]], users["mentor"])
    theirs = published_set([make_user(email="tess@example.org", name="Tess Their")], None,
                           name="Camden set", online=False)
    july = next_year_day(7)
    meeting(mine, datetime(july.year, 7, 15, 9, 0), link="https://meet.example.org/ours")
    meeting(mine, datetime(july.year + 1, 1, 15, 10, 0), link="https://meet.example.org/ours")
    meeting(theirs, datetime(july.year, 7, 20, 9, 0), online=False, place="Camden Town Hall")
    return {"mine": mine, "theirs": theirs}


def _make_address(client) -> str:
    response = client.post("/sets/calendar/new")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    match = re.search(r'value="(http://[^"]+/sets/calendar/feed/[^"]+\.ics)"',
                      response.get_data(as_text=True))
    assert match, "the new address is shown"
    return match.group(1).replace("http://localhost", "")


def _feed(client, path) -> icalendar.Calendar:
    response = client.get(path)
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert response.headers["Cache-Control"] == "no-store"
    return icalendar.Calendar.from_ical(response.data)


def test_the_address_is_shown_once_and_only_its_hash_is_kept(client, auth, users, sets):
    auth.as_role(users, "member")
    assert "You don't have an address yet" in client.get("/sets/calendar").get_data(as_text=True)
    path = _make_address(client)
    token = path.rsplit("/", 1)[1].removesuffix(".ics")
    again = client.get("/sets/calendar").get_data(as_text=True)
    assert token not in again and "can't show it again" in again
    stored = db.session.get(CalendarFeed, users["member"].id)
    assert token not in stored.token_hash and len(stored.token_hash) == 64


def test_the_feed_lists_my_sets_meetings_in_uk_time_with_the_link(client, auth, users, sets):
    auth.as_role(users, "member")
    path = _make_address(client)
    auth.logout()  # calendar apps aren't signed in: the token is the key
    cal = _feed(client, path)
    assert cal.walk("VTIMEZONE")[0]["TZID"] == "Europe/London"
    events = sorted(cal.walk("VEVENT"), key=lambda e: e.decoded("DTSTART"))
    assert [str(e["SUMMARY"]) for e in events] == ["Action learning set: Leeds set 1"] * 2
    summer, winter = (e.decoded("DTSTART") for e in events)
    assert summer.hour == 10 and winter.hour == 10  # 10:00 UK time, summer and winter
    assert summer.astimezone(UTC).hour == 9 and winter.astimezone(UTC).hour == 10
    assert all(str(e["URL"]) == "https://meet.example.org/ours" for e in events)
    assert b"Camden" not in client.get(path).data


def test_another_members_token_shows_nothing_of_mine(client, auth, users, sets):
    auth.login("tess@example.org")
    path = _make_address(client)
    auth.logout()
    data = client.get(path).data
    assert b"Camden set" in data
    assert b"Leeds set 1" not in data and b"meet.example.org" not in data


def test_a_new_address_ends_the_old_one_and_stopping_ends_it_too(client, auth, users, sets):
    auth.as_role(users, "member")
    old = _make_address(client)
    new = _make_address(client)
    assert old != new
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    assert client.post("/sets/calendar/stop").status_code == 302
    assert client.get(new).status_code == 404
    assert db.session.get(CalendarFeed, users["member"].id) is None


def test_a_made_up_token_gets_a_plain_404(client, sets):
    assert client.get("/sets/calendar/feed/not-a-token.ics").status_code == 404
    assert client.get("/sets/calendar/feed/" + "a" * 200 + ".ics").status_code == 404


def test_leaving_a_set_takes_its_meetings_out_of_the_feed(client, auth, users, sets):
    auth.as_role(users, "member")
    path = _make_address(client)
    db.session.get(SetMembership, (sets["mine"].id, users["member"].id)).left_at = utcnow()
    db.session.commit()
    assert _feed(client, path).walk("VEVENT") == []


def test_the_facilitator_feed_has_the_sets_they_facilitate(client, auth, users, sets):
    auth.as_role(users, "mentor")
    path = _make_address(client)
    assert len(_feed(client, path).walk("VEVENT")) == 2


def test_a_closed_account_feed_stops(client, auth, users, sets):
    auth.as_role(users, "member")
    path = _make_address(client)
    users["member"].is_active_account = False
    db.session.commit()
    assert client.get(path).status_code == 404


def test_a_cancelled_meeting_stays_in_the_feed_as_cancelled(client, auth, users, sets):
    auth.as_role(users, "member")
    path = _make_address(client)
    m = meeting(sets["mine"], utcnow() + timedelta(days=3))
    m.cancelled_at, m.sequence = utcnow(), 1
    db.session.commit()
    statuses = {str(e["UID"]): str(e["STATUS"]) for e in _feed(client, path).walk("VEVENT")}
    assert sorted(statuses.values()) == ["CANCELLED", "CONFIRMED", "CONFIRMED"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CalendarFeed)) == 1
