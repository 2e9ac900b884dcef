"""CSV exports from the coordinator console: what each holds, that no special-category data
leaves (no ethnicity, sex or affinity network, and no event of an affinity network), that cells
a spreadsheet would run are defused, that each download is audited, and that a 25,000-row export
streams in bounded memory.
"""
from __future__ import annotations

import csv
import io
import tracemalloc
from datetime import timedelta

import pytest
import sqlalchemy as sa

from netapp.data.lqf import AFFINITY_NETWORKS
from netapp.extensions import db
from netapp.models import (
    AuditEntry,
    Event,
    EventRsvp,
    LearningSet,
    Mentorship,
    MentorshipStatus,
    Network,
    Profile,
    RsvpStatus,
    SetMembership,
    SetStatus,
    User,
    UserRole,
)
from netapp.models.base import utcnow
from netapp.services import exports, member_list, networks, profiles
from tests.factories import make_user
from tests.profile_helpers import council, give_profile, join, load_reference

PATHS = {
    "members": "/coordinator/export/members.csv",
    "matches": "/coordinator/export/matches.csv",
    "sets": "/coordinator/export/sets.csv",
    "events": "/coordinator/export/events.csv",
    "attendance": "/coordinator/export/attendance.csv",
}
SPECIAL_WORDS = ("ethnic", "sex", "gender", "affinity", "bame", "women", "entrepreneur")


def _csv(response) -> list[dict]:
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def _local_network(user) -> Network:
    return next(m.network for m in networks.memberships(user.id) if not m.network.is_affinity)


def _event(network: Network, title: str, days: int = -3) -> Event:
    start = utcnow() + timedelta(days=days)
    event = Event(network_id=network.id, title=title, starts_at=start,
                  ends_at=start + timedelta(hours=2), place="The library")
    db.session.add(event)
    db.session.commit()
    return event


def _rsvp(event: Event, user, attended=None) -> None:
    db.session.add(EventRsvp(event_id=event.id, user_id=user.id, status=RsvpStatus.GOING,
                             attended=attended))
    db.session.commit()


@pytest.fixture
def world(app, users):
    """Olga (Cornwall) mentors Leo (Leeds) and both are in a set; both are in an affinity
    network, whose event they went to, and went to a Leeds meet-up."""
    load_reference()
    olga = make_user(name="Olga Owner", email="olga@care.example.org")
    give_profile(olga, "Cornwall", level=3, needs=("finance",), capacity=1,
                 offers=("leadership",))
    leo = make_user(name="Leo Leeds", email="leo@homes.example.org")
    give_profile(leo, "Leeds", level=2)
    for person in (olga, leo):
        for code, _name, _text in AFFINITY_NETWORKS:
            join(person, code)
    db.session.add(Mentorship(mentee_id=leo.id, mentor_id=olga.id,
                              status=MentorshipStatus.ACCEPTED, reason="Both in women network"))
    found = LearningSet(name="Leeds set one", status=SetStatus.ACTIVE, facilitator_id=olga.id,
                        needs_look=True)
    db.session.add(found)
    db.session.flush()
    db.session.add_all([SetMembership(set_id=found.id, user_id=leo.id),
                        SetMembership(set_id=found.id, user_id=olga.id)])
    db.session.commit()
    meetup = _event(_local_network(leo), "Leeds meet-up")
    _rsvp(meetup, leo, attended=True)
    _rsvp(meetup, olga)
    secret = _event(networks.by_code("women"), "Women managers supper")
    _rsvp(secret, leo, attended=True)
    return {"olga": olga, "leo": leo}


def test_each_export_holds_its_list(client, auth, users, world):
    auth.login(users["coordinator"].email)
    members = {r["name"]: r for r in _csv(client.get(PATHS["members"]))}
    assert members["Olga Owner"]["council"] == "Cornwall"
    assert members["Olga Owner"]["region"] == "South West"
    assert members["Olga Owner"]["level"] == "3"
    assert members["Olga Owner"]["needs"] == "Finance and budgets"
    assert members["Leo Leeds"]["in_set"] == "yes"
    assert members["Leo Leeds"]["email"] == "leo@homes.example.org"
    assert [(r["mentee"], r["mentor"], r["status"]) for r in _csv(client.get(PATHS["matches"]))] \
        == [("Leo Leeds", "Olga Owner", "accepted")]
    sets = _csv(client.get(PATHS["sets"]))
    assert sorted((r["set"], r["facilitator"], r["member"]) for r in sets) == [
        ("Leeds set one", "Olga Owner", "Leo Leeds"), ("Leeds set one", "Olga Owner", "Olga Owner")]
    events = _csv(client.get(PATHS["events"]))
    assert [(r["event"], r["council"], r["going"], r["attended"]) for r in events] == [
        ("Leeds meet-up", "Leeds", "2", "1")]
    attendance = _csv(client.get(PATHS["attendance"]))
    assert sorted((r["member"], r["attended"]) for r in attendance) == [
        ("Leo Leeds", "yes"), ("Olga Owner", "not recorded")]


def test_no_export_holds_special_category_data(client, auth, users, world):
    auth.login(users["admin"].email)
    names = [name.lower() for _code, name, _text in AFFINITY_NETWORKS]
    for kind, path in PATHS.items():
        text = client.get(path).get_data(as_text=True).lower()
        header = text.splitlines()[0]
        assert not [w for w in SPECIAL_WORDS if w in header], kind
        assert not [n for n in names if n in text], kind
        assert "supper" not in text, f"{kind} holds an affinity network's event"
        assert "women" not in text, kind  # nor a mentorship's reason naming one


def test_the_members_export_follows_the_lists_filters_and_members_choices(client, auth, users,
                                                                          world):
    olga = world["olga"]
    profiles.set_visibility(olga, {"area": profiles.ONLY_ME, "level": profiles.COORDINATORS})
    auth.login(users["coordinator"].email)
    rows = _csv(client.get(PATHS["members"], query_string={"level": 3}))
    assert [(r["name"], r["council"], r["region"], r["isolation_index"]) for r in rows] == [
        ("Olga Owner", "", "", "")]
    cornwall = council("Cornwall").id
    assert _csv(client.get(PATHS["members"], query_string={"council": cornwall})) == []
    assert client.get(PATHS["members"], query_string={"council": "99999"}).status_code == 400


def test_each_export_is_audited_with_its_count(client, auth, users, world):
    auth.login(users["coordinator"].email)
    client.get(PATHS["members"], query_string={"q": "leo", "wants_mentor": ""})
    for kind in ("matches", "sets", "events", "attendance"):
        client.get(PATHS[kind])
    entries = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action.like("export.%"))
                                 .order_by(AuditEntry.id)).all()
    assert [(e.actor_id, e.action, e.detail["count"]) for e in entries] == [
        (users["coordinator"].id, "export.members", 1),
        (users["coordinator"].id, "export.matches", 1),
        (users["coordinator"].id, "export.sets", 2),
        (users["coordinator"].id, "export.events", 1),
        (users["coordinator"].id, "export.attendance", 2),
    ]
    assert entries[0].detail["filters"] == ["q"]


@pytest.mark.parametrize("typed", ["=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)"])
def test_cells_a_spreadsheet_would_run_are_defused(client, auth, users, world, typed):
    world["leo"].display_name = typed
    db.session.commit()
    auth.login(users["coordinator"].email)
    members = [r["name"] for r in _csv(client.get(PATHS["members"]))]
    assert "'" + typed in members and typed not in members
    assert [r["mentee"] for r in _csv(client.get(PATHS["matches"]))] == ["'" + typed]
    assert exports.cell(3) == 3 and exports.cell("Plain") == "Plain"


def test_exports_are_streamed(client, auth, users, world):
    auth.login(users["coordinator"].email)
    for path in PATHS.values():
        response = client.get(path)
        assert response.is_streamed, path
        response.close()


# ---------------------------------------------------------------- memory


def _seed_members(n: int) -> None:
    """``n`` members with profiles, inserted in bulk."""
    start = db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(User.id), 0))) + 1
    ids = range(start, start + n)
    now = utcnow()
    db.session.execute(sa.insert(User), [
        {"id": i, "email": f"bulk{i}@example.org", "password_hash": "x",
         "display_name": f"Bulk Member {i:06d}", "is_active_account": True, "created_at": now}
        for i in ids])
    db.session.execute(sa.insert(UserRole), [{"user_id": i, "role": "member"} for i in ids])
    leeds = council("Leeds").id
    db.session.execute(sa.insert(Profile), [
        {"user_id": i, "local_authority_id": leeds, "level": 1 + i % 4, "meets_online": True,
         "mentor_capacity": 0, "visibility": {}, "wants_mentor": i % 3 == 0} for i in ids])
    db.session.commit()


def _peak_while_exporting(viewer) -> tuple[int, int]:
    """(rows, peak bytes allocated) while streaming the members export."""
    db.session.expire_all()
    tracemalloc.start()
    try:
        export = exports.members(viewer, member_list.Filters())
        lines = sum(chunk.count("\n") for chunk in export.chunks)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return lines - 1, peak


def test_memory_stays_bounded_while_exporting_25000_members(app, users):
    load_reference()
    viewer = users["coordinator"]
    _seed_members(2_495)
    small_rows, small_peak = _peak_while_exporting(viewer)
    _seed_members(22_500)
    large_rows, large_peak = _peak_while_exporting(viewer)
    assert (small_rows, large_rows) == (2_500, 25_000)
    # Ten times the rows; a list held whole would need about ten times the memory.
    assert large_peak < 2 * small_peak, (small_peak, large_peak)

