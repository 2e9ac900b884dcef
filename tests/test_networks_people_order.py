"""A large network's people: its page of members by name, its leads, this month's new members
and its counts, read from the memberships' indexes (each membership keeps a copy of its
member's name, kept by the database), must be what reading every member says.

The rules written out plainly here, independently of the code under test: only open accounts
count; in an affinity network a member is listed when they chose to be, and the viewer always
sees themselves; in a national network everyone is listed; members come by name, then by id;
this month's new members are counted whether listed or not, and the newest ten listed are
named; the unlisted others are counted (shown from five).
"""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from netapp.extensions import db
from netapp.models import Network, NetworkKind, NetworkLead, NetworkMembership, User
from netapp.models.base import utcnow
from netapp.services import networks
from tests.factories import make_user
from tests.profile_helpers import load_reference

PER_PAGE = 4
# Names that tie, so the order by id matters too; closed accounts among them.
NAMES = ["Zoe Adams", "amy Brook", "Amy Brook", "Amy Brook", "Ben Carr", "Ben Carr", "Cal Dee",
         "Dee Eve", "Eve Fox", "Fay Gale", "Gus Hale", "Hal Ives", "Ivy Jay", "Jo Kemp",
         "Kit Lee", "Lu Moss", "Mo Nash", "Ned Orr", "Oz Pike", "Pip Quinn", "Al Zed"]


def _month_start():
    return utcnow().replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def _people(network: Network) -> list[tuple[User, NetworkMembership]]:
    return list(db.session.execute(
        sa.select(User, NetworkMembership).join(NetworkMembership,
                                                NetworkMembership.user_id == User.id)
        .where(NetworkMembership.network_id == network.id)))


def _expected(network: Network, viewer: User, page: int) -> dict:
    """The page's people worked out from every member, in Python."""
    everyone = [(u, m) for u, m in _people(network) if u.is_active_account]
    listed = [(u, m) for u, m in everyone
              if not network.is_affinity or m.is_listed or u.id == viewer.id]
    by_name = sorted(listed, key=lambda um: (um[0].display_name, um[0].id))
    leads = set(db.session.scalars(sa.select(NetworkLead.user_id)
                                   .where(NetworkLead.network_id == network.id)))
    new = [(u, m) for u, m in everyone if m.joined_at >= _month_start()]
    seen = {u.id for u, _ in listed}
    newest = sorted((um for um in new if um[0].id in seen),
                    key=lambda um: (um[1].joined_at, um[0].id), reverse=True)
    unlisted = len(everyone) - len(listed) if network.is_affinity else 0
    return {
        "page": [(u.id, u.display_name)
                 for u, _ in by_name[(page - 1) * PER_PAGE:page * PER_PAGE]],
        "total": len(listed),
        "leads": [(u.id, u.display_name) for u, _ in by_name if u.id in leads],
        "new_count": networks.shown_count(len(new)),
        "new_people": [(u.id, u.display_name) for u, _ in newest[:networks.NEW_SHOWN]],
        "unlisted": unlisted if unlisted >= networks.SMALLEST_COUNT else None,
    }


def _read(network: Network, viewer: User, page: int) -> dict:
    if network.is_affinity:
        people = networks.people_panels(network, viewer, page, PER_PAGE)
    else:
        people = networks.standing_and_people(network, viewer, page, PER_PAGE)[1]
    return {
        "page": [(p.id, p.display_name) for p in people.page.items],
        "total": people.page.total,
        "leads": [(p.id, p.display_name) for p in people.leads],
        "new_count": people.new_count,
        "new_people": [(p.id, p.display_name) for p in people.new_people],
        "unlisted": people.unlisted_others,
    }


def _fill(network: Network) -> list[User]:
    """The names above as members: every third not listed, two closed, joined over the last
    two months (some at the same moment), three leads (one unlisted, one closed)."""
    start = _month_start()
    people = []
    for n, name in enumerate(NAMES):
        person = make_user(name=name, active=n not in (4, 9))
        joined = start + timedelta(hours=n // 3) if n % 2 else start - timedelta(days=n)
        db.session.add(NetworkMembership(user_id=person.id, network_id=network.id,
                                         joined_at=joined, is_listed=n % 3 != 0))
        people.append(person)
    db.session.flush()
    for n in (1, 3, 9):
        db.session.add(NetworkLead(network_id=network.id, user_id=people[n].id))
    db.session.commit()
    return people


@pytest.fixture
def affinity(app):
    load_reference()
    return networks.by_code("bame")


@pytest.fixture
def national(app):
    found = Network(kind=NetworkKind.NATIONAL, code="national-test",
                    name="A national network", description="")
    db.session.add(found)
    db.session.commit()
    return found


@pytest.mark.parametrize("kind", ["affinity", "national"])
def test_every_page_of_a_network_is_what_reading_every_member_says(app, request, kind):
    network = request.getfixturevalue(kind)
    people = _fill(network)
    # A listed and an unlisted viewer (the unlisted one sees themselves), as members.
    for viewer in (people[1], people[3]):
        pages = -(-_expected(network, viewer, 1)["total"] // PER_PAGE)
        with app.test_request_context():
            for page in range(1, pages + 2):
                assert _read(network, viewer, page) == _expected(network, viewer, page), (
                    viewer.display_name, page)


def test_a_renamed_member_moves_on_the_list_at_once(app, affinity):
    people = _fill(affinity)
    viewer = people[1]
    with app.test_request_context():
        first = _read(affinity, viewer, 1)["page"][0]
        # A bulk insert (as imports and the demo data write them) takes the name too.
        newcomer = make_user(name="Aardvark Able")
        db.session.execute(sa.insert(NetworkMembership), [
            {"user_id": newcomer.id, "network_id": affinity.id, "is_listed": True,
             "joined_at": utcnow()}])
        db.session.commit()
        assert _read(affinity, viewer, 1)["page"][0] == (newcomer.id, "Aardvark Able")
        newcomer.display_name = "Zed Last"
        last = db.session.get(User, first[0])
        last.display_name = "Aaa Now First"
        db.session.commit()
        assert _read(affinity, viewer, 1)["page"][0] == (last.id, "Aaa Now First")
        assert _read(affinity, viewer, 1) == _expected(affinity, viewer, 1)
        ending = -(-_expected(affinity, viewer, 1)["total"] // PER_PAGE)
        assert (newcomer.id, "Zed Last") in _read(affinity, viewer, ending)["page"]
    names = dict(db.session.execute(sa.select(NetworkMembership.user_id,
                                              NetworkMembership.member_name)).all())
    assert names == dict(db.session.execute(
        sa.select(User.id, User.display_name).where(User.id.in_(names))).all())


def test_a_closed_account_leaves_the_list_and_its_counts_at_once(app, affinity):
    people = _fill(affinity)
    viewer = people[1]
    with app.test_request_context():
        before = _read(affinity, viewer, 1)
        people[2].is_active_account = False
        db.session.commit()
        after = _read(affinity, viewer, 1)
        assert after["total"] == before["total"] - 1
        assert (people[2].id, people[2].display_name) in before["page"]
        assert (people[2].id, people[2].display_name) not in after["page"]
        assert after == _expected(affinity, viewer, 1)


def test_the_migrated_database_keeps_each_membership_s_name(empty_database_url):
    # Migration 0015 installs the copy's triggers on each engine, as create_all does.
    from flask_migrate import upgrade

    from config import TestingConfig
    from netapp import create_app

    migrated = create_app(type("MigrateConfig", (TestingConfig,),
                               {"SQLALCHEMY_DATABASE_URI": empty_database_url}))
    with migrated.app_context():
        upgrade()
        now = {"at": utcnow()}
        with db.engine.begin() as conn:
            for n, name in enumerate(["Ann Old", "Bob Old"], start=1):
                conn.execute(sa.text(
                    "INSERT INTO users (id, email, password_hash, display_name, "
                    "is_active_account, created_at) VALUES (:id, :email, 'x', :name, true, :at)"),
                    {"id": n, "email": f"p{n}@example.org", "name": name, **now})
            conn.execute(sa.text(
                "INSERT INTO networks (id, kind, code, name, description, created_at) "
                "VALUES (9001, 'affinity', 'r1-test', 'A', '', :at)"), now)
            conn.execute(sa.text(
                "INSERT INTO network_memberships (user_id, network_id, joined_at, is_listed) "
                "VALUES (1, 9001, :at, true), (2, 9001, :at, false)"), now)
            conn.execute(sa.text("UPDATE users SET display_name = 'Bob New' WHERE id = 2"))
            names = dict(conn.execute(sa.text(
                "SELECT user_id, member_name FROM network_memberships")).all())
        assert names == {1: "Ann Old", 2: "Bob New"}
        db.engine.dispose()


def test_the_statement_reads_nothing_of_an_affinity_network_for_someone_outside_it(
        app, affinity):
    from netapp.models import Event

    people = _fill(affinity)
    soon = utcnow() + timedelta(days=3)
    db.session.add(Event(network_id=affinity.id, title="Members only", starts_at=soon,
                         ends_at=soon + timedelta(hours=1)))
    db.session.commit()
    outsider = make_user(name="Aaron Outside")
    with app.test_request_context():
        standing, seen = networks.standing_and_people(affinity, people[1], 1, PER_PAGE,
                                                      with_panels=True)
        assert standing.can_see(people[1], affinity)
        assert {"member", "counts", "event", "standing"} <= set(seen.panel_rows)
        standing, seen = networks.standing_and_people(affinity, outsider, 2, PER_PAGE,
                                                      with_panels=True)
    assert not standing.can_see(outsider, affinity)
    assert set(seen.panel_rows) == {"standing"}
    assert (seen.page.items, seen.page.total, seen.leads, seen.new_people) == ([], 0, [], [])
    assert seen.new_count is None and seen.unlisted_others is None


# ---------------------------------------------------------------- a local network
#
# Who is listed follows who may see each person's council area, written out here from their
# profile: "everyone" (or no choice, or no profile) for everyone signed in; "networks" for
# fellow members and staff; "coordinators" for coordinators and admins; "me" for nobody else.
# An unknown stored value counts as the default. The viewer always sees themselves.

AREAS = ["everyone", "networks", "coordinators", "me", None, "no profile", "odd value"]


def _area_choice(user_id: int) -> str | None:
    from netapp.models import Profile

    profile = db.session.get(Profile, user_id)
    return None if profile is None else (profile.visibility or {}).get("area")


def _sees_area(viewer: User, network: Network, choice: str | None) -> bool:
    from netapp.models import Role

    fellow = db.session.get(NetworkMembership, (viewer.id, network.id)) is not None
    staff = viewer.has_role(Role.COORDINATOR, Role.ADMIN)
    seen = {"everyone"} | ({"networks"} if fellow or staff else set()) \
        | ({"coordinators"} if staff else set())
    choice = "everyone" if choice is None else choice
    return choice in seen or choice not in {"everyone", "networks", "coordinators", "me"}


def _expected_local(network: Network, viewer: User, page: int) -> dict:
    everyone = [(u, m) for u, m in _people(network) if u.is_active_account]
    listed = [(u, m) for u, m in everyone
              if u.id == viewer.id or _sees_area(viewer, network, _area_choice(u.id))]
    by_name = sorted(listed, key=lambda um: (um[0].display_name, um[0].id))
    leads = set(db.session.scalars(sa.select(NetworkLead.user_id)
                                   .where(NetworkLead.network_id == network.id)))
    new = [(u, m) for u, m in everyone if m.joined_at >= _month_start()]
    seen = {u.id for u, _ in listed}
    newest = sorted((um for um in new if um[0].id in seen),
                    key=lambda um: (um[1].joined_at, um[0].id), reverse=True)
    return {
        "page": [(u.id, u.display_name)
                 for u, _ in by_name[(page - 1) * PER_PAGE:page * PER_PAGE]],
        "total": len(listed),
        "leads": [(u.id, u.display_name) for u, _ in by_name if u.id in leads],
        "new_count": networks.shown_count(len(new)),
        "new_people": [(u.id, u.display_name) for u, _ in newest[:networks.NEW_SHOWN]],
        "unlisted": None,
    }


def _set_area(person: User, area: str | None) -> None:
    from netapp.models import Profile

    if area == "no profile":
        return
    db.session.add(Profile(user_id=person.id,
                           visibility={} if area is None else {"area": area}))


@pytest.fixture
def local(app):
    found = Network(kind=NetworkKind.LOCAL, code="local-test", name="A local network",
                    description="")
    db.session.add(found)
    db.session.commit()
    return found


def _fill_local(network: Network) -> list[User]:
    """The names above as members, each with a council-area choice in turn (the choice made
    before joining for some, after for others), two closed, three leads."""
    people = _fill(network)
    for n, person in enumerate(people):
        _set_area(person, AREAS[n % len(AREAS)])
    db.session.commit()
    return people


def _viewers(network: Network, people: list[User]) -> list[User]:
    from netapp.models import Role

    outsider = make_user(name="Olga Outside")
    coordinator = make_user(name="Cora Ordinator", roles=[Role.COORDINATOR])
    admin = make_user(name="Ada Min", roles=[Role.ADMIN])
    # A member who shows their area to nobody, another to fellow members only; an outsider;
    # staff outside the network.
    return [people[3], people[1], outsider, coordinator, admin]


def test_every_page_of_a_local_network_is_what_each_person_s_choice_says(app, local):
    people = _fill_local(local)
    for viewer in _viewers(local, people):
        pages = -(-_expected_local(local, viewer, 1)["total"] // PER_PAGE)
        with app.test_request_context():
            for page in range(1, pages + 2):
                assert _read(local, viewer, page) == _expected_local(local, viewer, page), (
                    viewer.display_name, page)


def _copies_and_tallies_are_right() -> None:
    """Each membership's copy of its member's council-area choice is their profile's, and the
    tallies by month are what counting the memberships says."""
    from netapp.models.networks import NetworkTally

    rows = db.session.execute(sa.select(NetworkMembership.user_id, NetworkMembership.network_id,
                                        NetworkMembership.member_area,
                                        NetworkMembership.joined_at,
                                        NetworkMembership.is_listed)).all()
    for user_id, _, area, _, _ in rows:
        assert area == _area_choice(user_id), user_id
    counted: dict = {}
    for _, network_id, _, joined_at, is_listed in rows:
        month = joined_at.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        members, listed = counted.get((network_id, month), (0, 0))
        counted[network_id, month] = (members + 1, listed + bool(is_listed))
    kept = {(t.network_id, t.joined_month): (t.members, t.listed)
            for t in db.session.scalars(sa.select(NetworkTally)) if t.members or t.listed}
    assert kept == counted


def test_the_database_keeps_each_choice_and_the_tallies_on_every_change(app, local, affinity):
    from netapp.models import Profile

    people = _fill_local(local)
    others = _fill(affinity)
    db.session.expire_all()
    _copies_and_tallies_are_right()
    # A choice changed, a profile removed, a profile added after joining.
    profile = db.session.get(Profile, people[0].id)
    profile.visibility = {**profile.visibility, "area": "me"}
    db.session.delete(db.session.get(Profile, people[1].id))
    db.session.add(Profile(user_id=others[0].id, visibility={"area": "coordinators"}))
    db.session.commit()
    _copies_and_tallies_are_right()
    # Bulk inserts (as imports write them), a move to another month, listing turned on and
    # off, a move to another network, and people leaving one by one and at once.
    newcomers = [make_user(name=f"New {n}") for n in range(3)]
    db.session.add(Profile(user_id=newcomers[0].id, visibility={"area": "networks"}))
    db.session.commit()
    db.session.execute(sa.insert(NetworkMembership), [
        {"user_id": p.id, "network_id": local.id, "is_listed": n == 1,
         "joined_at": _month_start() - timedelta(days=40 * n)}
        for n, p in enumerate(newcomers)])
    moved = db.session.get(NetworkMembership, (others[2].id, affinity.id))
    moved.joined_at = moved.joined_at - timedelta(days=70)
    db.session.get(NetworkMembership, (others[4].id, affinity.id)).is_listed = True
    db.session.get(NetworkMembership, (others[5].id, affinity.id)).is_listed = False
    db.session.commit()
    _copies_and_tallies_are_right()
    db.session.execute(sa.update(NetworkMembership)
                       .where(NetworkMembership.user_id == others[6].id)
                       .values(network_id=local.id))
    db.session.delete(db.session.get(NetworkMembership, (people[7].id, local.id)))
    db.session.commit()
    db.session.execute(sa.delete(NetworkMembership).where(
        NetworkMembership.network_id == affinity.id,
        NetworkMembership.user_id.in_([p.id for p in others[8:12]])))
    db.session.commit()
    db.session.expire_all()
    _copies_and_tallies_are_right()
    viewer = others[1]
    with app.test_request_context():
        assert _read(affinity, viewer, 1) == _expected(affinity, viewer, 1)
        assert _read(local, people[3], 1) == _expected_local(local, people[3], 1)


def test_the_migrated_database_keeps_each_choice_and_the_tallies(empty_database_url):
    # Migration 0019 fills the copies and tallies already there and installs their triggers on
    # each engine, as create_all does.
    from flask_migrate import upgrade

    from config import TestingConfig
    from netapp import create_app

    migrated = create_app(type("MigrateConfig", (TestingConfig,),
                               {"SQLALCHEMY_DATABASE_URI": empty_database_url}))
    with migrated.app_context():
        upgrade(revision="0018_organisation_names")
        at = {"at": utcnow().replace(day=2)}
        with db.engine.begin() as conn:
            for n in (1, 2, 3):
                conn.execute(sa.text(
                    "INSERT INTO users (id, email, password_hash, display_name, "
                    "is_active_account, created_at) VALUES (:id, :email, 'x', 'A', true, :at)"),
                    {"id": n, "email": f"p{n}@example.org", **at})
            for n, area in ((1, '{"area": "me"}'), (2, "{}")):
                conn.execute(sa.text(
                    "INSERT INTO profiles (user_id, meets_online, mentor_capacity, visibility, "
                    "updated_at) VALUES (:id, true, 0, :v, :at)"), {"id": n, "v": area, **at})
            conn.execute(sa.text(
                "INSERT INTO networks (id, kind, code, name, description, created_at) "
                "VALUES (9001, 'affinity', 'r1-test', 'A', '', :at)"), at)
            conn.execute(sa.text(
                "INSERT INTO network_memberships (user_id, network_id, joined_at, is_listed) "
                "VALUES (1, 9001, :at, true), (2, 9001, :at, false)"), at)
        upgrade()
        with db.engine.begin() as conn:
            copied = conn.execute(sa.text("SELECT user_id, member_area FROM network_memberships"))
            assert dict(copied.all()) == {1: "me", 2: None}
            conn.execute(sa.text(
                "INSERT INTO network_memberships (user_id, network_id, joined_at, is_listed) "
                "VALUES (3, 9001, :at, true)"), at)
            conn.execute(sa.text(
                "INSERT INTO profiles (user_id, meets_online, mentor_capacity, visibility, "
                "updated_at) VALUES (3, true, 0, :v, :at)"), {"v": '{"area": "networks"}', **at})
            conn.execute(sa.text("UPDATE profiles SET visibility = :v WHERE user_id = 2"),
                         {"v": '{"area": "coordinators"}'})
            conn.execute(sa.text("DELETE FROM profiles WHERE user_id = 1"))
            areas = dict(conn.execute(sa.text(
                "SELECT user_id, member_area FROM network_memberships")).all())
            tallies = conn.execute(sa.text(
                "SELECT network_id, members, listed FROM network_tallies")).all()
        assert areas == {1: None, 2: "coordinators", 3: "networks"}
        assert [tuple(row) for row in tallies] == [(9001, 3, 2)]
        db.engine.dispose()
