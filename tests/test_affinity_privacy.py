"""Affinity networks stay private: who can join, who is listed, and what each role can see.

The rules written out plainly here, independently of the code under test:
- only accounts with a confirmed email can join, or see a network's page;
- a member appears on the network's list, and their affinity network on their profile, only
  to other members of that network, and only when they chose to be listed (off by default);
- "people in my networks" fields are shared through an affinity network only by members
  who are listed in it;
- roles (mentor, coordinator, admin) add nothing: a coordinator who joins sees what any
  other member sees, and outside the network nobody sees anything;
- counts of affinity members are never shown below 5.
"""
import re

import pytest
import sqlalchemy as sa

from netapp.extensions import db
from netapp.models import NetworkMembership, Role
from netapp.services import networks, profiles
from tests.factories import make_user
from tests.profile_helpers import give_profile, join, load_reference

BAME_NAME = "Black, Asian and minority ethnic managers network"
LEVEL_MARKER = "Operational leader"  # a "people in my networks" field, as shown on a profile


def _list_me(user, code: str = "bame", listed: bool = True) -> None:
    """Set the member's own choice straight in the database (the page is tested below)."""
    membership = db.session.get(NetworkMembership, (user.id, networks.by_code(code).id))
    membership.is_listed = listed
    db.session.commit()


def _bame():
    return networks.by_code("bame")


@pytest.fixture
def bame_world(app, users):
    """Six members in the BAME network, in Cornwall so they share no local network with the
    viewers (who are in Leeds): two listed, four not. Their level is for "my networks" only."""
    load_reference()
    for role in ("member", "other_member", "mentor", "coordinator", "admin"):
        give_profile(users[role], "Leeds")
    people = {}
    for n, listed in enumerate([True, True, False, False, False, False]):
        person = make_user(name=f"{'Listed' if listed else 'Hidden'} Person {n}")
        give_profile(person, "Cornwall")
        profiles.set_visibility(person, {"level": profiles.NETWORKS, "area": profiles.EVERYONE})
        join(person, "bame")
        if listed:
            _list_me(person)
        people[person.display_name] = person
    return people


def _names_on(html: str) -> set[str]:
    return set(re.findall(r"(?:Listed|Hidden) Person \d", html))


# ------------------------------------------------------------------ the scrape, reproduced


def test_an_unconfirmed_account_cannot_join_or_read_the_member_list(client, auth, bame_world):
    """The attack from the issue: a fresh, never-confirmed account joins and reads everything."""
    scraper = make_user(email="scraper@example.org", name="Scraper", verified=False)
    auth.login(scraper.email)
    response = client.post("/networks/bame/join", data={"consent": "y"})
    scraped = client.get(f"/networks/{_bame().id}").get_data(as_text=True)
    assert not _names_on(scraped), f"an unconfirmed account read {sorted(_names_on(scraped))}"
    assert response.status_code == 403
    assert db.session.get(NetworkMembership, (scraper.id, _bame().id)) is None
    html = client.get("/networks/bame/join").get_data(as_text=True)
    assert "confirm your email" in html.lower()
    assert 'action="/account/verify/resend"' in html
    # Even with a membership left over from before the fix, the list stays closed to them.
    db.session.add(NetworkMembership(user_id=scraper.id, network_id=_bame().id))
    db.session.commit()
    assert client.get(f"/networks/{_bame().id}").status_code == 404
    for person in bame_world.values():
        profile_html = client.get(f"/members/{person.id}").get_data(as_text=True)
        assert LEVEL_MARKER not in profile_html and BAME_NAME not in profile_html


def test_a_confirmed_member_sees_only_listed_members(client, auth, users, bame_world):
    join(users["member"], "bame")
    auth.login(users["member"].email)
    html = client.get(f"/networks/{_bame().id}").get_data(as_text=True)
    assert _names_on(html) == {"Listed Person 0", "Listed Person 1"}
    # Four others are not listed: fewer than 5, so no count at all.
    assert "chose not to be listed" not in html
    assert "4 other" not in html


def test_the_unlisted_count_appears_from_five(client, auth, users, bame_world):
    fifth = make_user(name="Hidden Person 9")
    join(fifth, "bame")
    join(users["member"], "bame")
    auth.login(users["member"].email)
    html = client.get(f"/networks/{_bame().id}").get_data(as_text=True)
    assert "5 other members chose not to be listed" in html
    assert _names_on(html) == {"Listed Person 0", "Listed Person 1"}


def test_networks_only_fields_are_shared_only_by_listed_members(client, auth, users, bame_world):
    join(users["member"], "bame")
    auth.login(users["member"].email)
    listed = bame_world["Listed Person 0"]
    hidden = bame_world["Hidden Person 2"]
    listed_html = client.get(f"/members/{listed.id}").get_data(as_text=True)
    assert LEVEL_MARKER in listed_html and BAME_NAME in listed_html
    hidden_html = client.get(f"/members/{hidden.id}").get_data(as_text=True)
    assert "Hidden Person 2" in hidden_html  # the name is always visible
    assert LEVEL_MARKER not in hidden_html and BAME_NAME not in hidden_html
    # Turning listing on, then off again, takes effect at once.
    _list_me(hidden)
    assert LEVEL_MARKER in client.get(f"/members/{hidden.id}").get_data(as_text=True)
    _list_me(hidden, listed=False)
    assert LEVEL_MARKER not in client.get(f"/members/{hidden.id}").get_data(as_text=True)


# ------------------------------------------------------------------ every role, every page

VIEWERS = ["anonymous", "unconfirmed", "outsider", "insider", "mentor", "coordinator", "admin"]


def _viewer(users, kind: str):
    if kind == "unconfirmed":
        user = make_user(email="new@example.org", name="Una Unconfirmed", verified=False)
        db.session.add(NetworkMembership(user_id=user.id, network_id=_bame().id))
        db.session.commit()
        return user
    if kind == "insider":
        join(users["member"], "bame")
        return users["member"]
    if kind == "outsider":
        return users["other_member"]
    return users.get(kind)


def _only_listed_seen(html: str, may_see_listed: bool) -> None:
    seen = _names_on(html) - {"Listed Person 0", "Listed Person 1"} if may_see_listed \
        else _names_on(html)
    assert not seen, f"saw {seen}"


@pytest.mark.parametrize("kind", VIEWERS)
def test_network_page_for_each_role(client, auth, users, bame_world, kind):
    viewer = _viewer(users, kind)
    if viewer is not None:
        auth.login(viewer.email)
    response = client.get(f"/networks/{_bame().id}")
    if kind == "anonymous":
        assert response.status_code == 302
    elif kind == "insider":
        html = response.get_data(as_text=True)
        assert _names_on(html) == {"Listed Person 0", "Listed Person 1"}
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("kind", VIEWERS)
def test_profiles_for_each_role(client, auth, users, bame_world, kind):
    viewer = _viewer(users, kind)
    if viewer is not None:
        auth.login(viewer.email)
    for name, person in bame_world.items():
        response = client.get(f"/members/{person.id}")
        if kind == "anonymous":
            assert response.status_code == 302
            continue
        html = response.get_data(as_text=True)
        shows_network = kind == "insider" and name.startswith("Listed")
        assert (BAME_NAME in html) is shows_network, f"{kind} viewing {name}"
        assert "minority ethnic" not in html or shows_network
        # Level is "my networks": coordinators and admins see it by their role (as for any
        # member); anyone else only through a network where the person is listed.
        sees_level = kind in ("coordinator", "admin") or shows_network
        assert (LEVEL_MARKER in html) is sees_level, f"{kind} viewing {name}"


@pytest.mark.parametrize("kind", VIEWERS)
def test_home_page_for_each_role(client, auth, users, bame_world, kind):
    viewer = _viewer(users, kind)
    if viewer is None:
        html = client.get("/", follow_redirects=True).get_data(as_text=True)
    else:
        auth.login(viewer.email)
        html = client.get("/home").get_data(as_text=True)
    assert not _names_on(html)
    # Only a member in the network is told about it, and only about their own membership.
    assert (BAME_NAME in html) is (kind in ("insider", "unconfirmed"))
    # An unconfirmed member is not sent to a page that would turn them away.
    bame_link = f'href="/networks/{_bame().id}"'
    assert (bame_link in html) is (kind == "insider")


@pytest.mark.parametrize("kind", ["coordinator", "admin"])
def test_admin_and_coordinator_pages_never_show_affinity_membership(client, auth, users,
                                                                    bame_world, kind):
    auth.login(users[kind].email)
    hidden = bame_world["Hidden Person 2"]
    listed = bame_world["Listed Person 0"]
    pages = ["/home", "/admin/users", f"/admin/users/{hidden.id}", f"/admin/users/{listed.id}",
             "/admin/audit", "/admin/audit?action=consent", "/admin/users?q=Person",
             f"/admin/users/{hidden.id}/close"]
    for path in pages:
        response = client.get(path)
        if kind == "coordinator" and path.startswith("/admin/"):
            assert response.status_code == 403, path
            continue
        html = response.get_data(as_text=True).lower()
        assert response.status_code == 200, path
        assert "minority ethnic" not in html and "bame" not in html, path


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ADMIN])
def test_a_coordinator_or_admin_who_joins_sees_what_any_member_sees(client, auth, users,
                                                                     bame_world, role):
    kind = "coordinator" if role is Role.COORDINATOR else "admin"
    join(users[kind], "bame")
    join(users["member"], "bame")
    seen = {}
    for who in (kind, "member"):
        auth.login(users[who].email)
        html = client.get(f"/networks/{_bame().id}").get_data(as_text=True)
        seen[who] = _names_on(html)
        for person in bame_world.values():
            profile_html = client.get(f"/members/{person.id}").get_data(as_text=True)
            seen[who] |= {f"{person.display_name} in BAME"} if BAME_NAME in profile_html else set()
        auth.logout()
    assert seen[kind] == seen["member"]
    assert seen[kind] == {"Listed Person 0", "Listed Person 1",
                          "Listed Person 0 in BAME", "Listed Person 1 in BAME"}


# ------------------------------------------------------------------ the listing control


def test_listing_is_off_by_default_and_can_be_turned_on_and_off(client, auth, users, bame_world):
    member = users["member"]
    auth.login(member.email)
    client.post("/networks/bame/join", data={"consent": "y"})
    membership = db.session.get(NetworkMembership, (member.id, _bame().id))
    assert membership.is_listed is False
    html = client.get("/networks/mine").get_data(as_text=True)
    assert "not listed" in html.lower()
    assert "Only other members of this network" in html
    response = client.post("/networks/bame/listing", data={"listed": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(NetworkMembership, (member.id, _bame().id)).is_listed is True
    auth.logout()
    auth.login(bame_world["Listed Person 0"].email)
    page = client.get(f"/networks/{_bame().id}").get_data(as_text=True)
    assert "Mina Member" in page
    auth.logout()
    auth.login(member.email)
    client.post("/networks/bame/listing", data={})
    db.session.expire_all()
    assert db.session.get(NetworkMembership, (member.id, _bame().id)).is_listed is False


@pytest.mark.parametrize("kind", ["anonymous", "unconfirmed", "outsider", "coordinator",
                                  "admin"])
def test_nobody_can_change_listing_of_a_network_they_are_not_in(client, auth, users, bame_world,
                                                               kind):
    viewer = _viewer(users, kind)
    if viewer is not None:
        auth.login(viewer.email)
    response = client.post("/networks/bame/listing", data={"listed": "y"})
    if kind == "anonymous":
        assert "/account/login" in response.headers["Location"]
    listed = db.session.scalar(sa.select(sa.func.count()).select_from(NetworkMembership)
                               .where(NetworkMembership.is_listed.is_(True)))
    assert listed == 2
    assert client.post("/networks/nonsense/listing", data={"listed": "y"}).status_code in (
        302, 404)


def test_an_unconfirmed_account_is_offered_no_affinity_box_in_the_wizard(client, auth, app):
    load_reference()
    newcomer = make_user(email="fresh@example.org", verified=False)
    auth.login(newcomer.email)
    html = client.get("/me/start/networks").get_data(as_text=True)
    assert "join_bame" not in html and "confirm your email" in html.lower()
    client.post("/me/start/networks", data={"join_bame": "y"})
    assert db.session.get(NetworkMembership, (newcomer.id, _bame().id)) is None


def test_the_service_refuses_an_unconfirmed_account(app):
    load_reference()
    newcomer = make_user(verified=False)
    with pytest.raises(networks.EmailNotConfirmed):
        networks.join_affinity(newcomer, _bame())
