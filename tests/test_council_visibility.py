"""A council area's visibility also decides who sees the person on that council's network.

The rule, written out plainly: the local network names the council, so a member appears on
its list, and it appears on their profile, only to people who may see their council area.
"Only me" means nobody else: not fellow members of the network, not coordinators, not admins.
"""
import pytest

from netapp.services import networks, profiles
from tests.profile_helpers import council, give_profile, load_reference

LEEDS_NETWORK = "Leeds Registered Managers network"


@pytest.fixture
def leeds(app, users):
    """other_member owns the profile in Leeds; member is a neighbour in Leeds; the rest are
    in Cornwall."""
    load_reference()
    give_profile(users["other_member"], "Leeds")
    give_profile(users["member"], "Leeds")
    for role in ("mentor", "coordinator", "admin"):
        give_profile(users[role], "Cornwall")
    return networks.by_code(networks.local_network_code(council("Leeds").id))


def _sees_on_list(viewer: str, area: str) -> bool:
    if area == "everyone" or area == "networks":
        return viewer in ("neighbour", "coordinator", "admin")
    if area == "coordinators":
        return viewer in ("coordinator", "admin")
    return False


@pytest.mark.parametrize("area", list(profiles.AUDIENCES))
@pytest.mark.parametrize("viewer", ["neighbour", "coordinator", "admin"])
def test_council_list_follows_the_area_choice(client, auth, users, leeds, area, viewer):
    owner = users["other_member"]
    profiles.set_visibility(owner, {"area": area})
    auth.login(users["member" if viewer == "neighbour" else viewer].email)
    html = client.get(f"/networks/{leeds.id}").get_data(as_text=True)
    assert ("Otto Other" in html) is _sees_on_list(viewer, area), f"{viewer}, area={area}"


def test_only_me_still_shows_me_on_my_own_council_list(client, auth, users, leeds):
    owner = users["other_member"]
    profiles.set_visibility(owner, {"area": profiles.ONLY_ME})
    auth.login(owner.email)
    html = client.get(f"/networks/{leeds.id}").get_data(as_text=True)
    assert "Otto Other" in html
    assert "other members don" in html.replace("&#39;", "'").lower()


def test_only_me_council_is_not_revealed_through_my_networks_fields(client, auth, users, leeds):
    """A neighbour who shares only the local network must not learn the council from a
    'people in my networks' field, nor from the network's name on the profile."""
    owner = users["other_member"]
    profiles.set_visibility(owner, {"area": profiles.ONLY_ME, "level": profiles.NETWORKS})
    auth.login(users["member"].email)
    html = client.get(f"/members/{owner.id}").get_data(as_text=True)
    assert "Otto Other" in html
    assert LEEDS_NETWORK not in html and "Operational leader" not in html
    profiles.set_visibility(owner, {"area": profiles.NETWORKS})
    html = client.get(f"/members/{owner.id}").get_data(as_text=True)
    assert LEEDS_NETWORK in html and "Operational leader" in html


@pytest.mark.parametrize("viewer", ["coordinator", "admin"])
def test_only_me_council_is_hidden_from_coordinators_and_admins_on_the_profile(
        client, auth, users, leeds, viewer):
    owner = users["other_member"]
    profiles.set_visibility(owner, {"area": profiles.ONLY_ME})
    auth.login(users[viewer].email)
    html = client.get(f"/members/{owner.id}").get_data(as_text=True)
    assert LEEDS_NETWORK not in html and "Leeds" not in html


def test_the_privacy_page_says_what_my_networks_and_only_me_mean(client, auth, users, leeds):
    auth.login(users["other_member"].email)
    html = client.get("/me/privacy").get_data(as_text=True).replace("&#39;", "'")
    assert "unless you hide your council area" in html
    assert "where you've chosen to be listed" in html
    assert "nobody else sees you there, not even coordinators" in html
