"""Every members route has an owner: tried as anonymous, member, mentor, coordinator and admin."""
import pytest

from netapp.services import networks
from tests.profile_helpers import give_profile, join, load_reference

ROLES = [None, "member", "mentor", "coordinator", "admin"]
SIGNED_IN_PAGES = [
    "/me", "/me/start/about", "/me/edit", "/me/start/assessment/PQ", "/me/assessment/MS",
    "/me/start/needs", "/me/needs", "/me/start/mentoring", "/me/mentoring", "/me/start/networks",
    "/me/privacy", "/me/assessments", "/networks/mine", "/networks/bame/join", "/me/data",
    "/me/data/erase", "/members/{other_id}", "/me/feedback", "/me/resources", "/me/preview",
]


@pytest.fixture
def setting(app, users):
    load_reference()
    give_profile(users["other_member"], "Leeds")
    return users


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
@pytest.mark.parametrize("path", SIGNED_IN_PAGES)
def test_signed_in_pages(client, auth, setting, role, path):
    auth.as_role(setting, role)
    response = client.get(path.format(other_id=setting["other_member"].id))
    if role is None:
        assert response.status_code == 302
        assert "/account/login" in response.headers["Location"]
    else:
        assert response.status_code == 200


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
def test_start_redirects_into_the_wizard(client, auth, setting, role):
    auth.as_role(setting, role)
    response = client.get("/me/start")
    assert response.status_code == 302
    expected = "/account/login" if role is None else "/me/start/about"
    assert expected in response.headers["Location"]


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
def test_posts_need_an_account(client, auth, setting, role):
    auth.as_role(setting, role)
    for path in ("/me/data/export", "/networks/bame/leave", "/me/privacy", "/me/feedback/new"):
        response = client.post(path)
        if role is None:
            assert response.status_code == 302 and "/account/login" in response.headers["Location"]
        else:
            assert response.status_code in (200, 302, 400, 404)
            assert "/account/login" not in response.headers.get("Location", "")


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
def test_nobody_can_leave_for_someone_else(client, auth, setting, role):
    """/me routes only ever act on the signed-in member: there is no id to tamper with."""
    join(setting["other_member"], "bame")
    auth.as_role(setting, role)
    client.post("/networks/bame/leave")
    bame = networks.by_code("bame")
    assert networks.is_member(setting["other_member"].id, bame.id)


def test_a_members_own_profile_link_goes_to_me(client, auth, setting):
    auth.login(setting["member"].email)
    assert client.get(f"/members/{setting['member'].id}").headers["Location"].endswith("/me")


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
def test_network_pages(client, auth, setting, role):
    """Local network: every signed-in member. Affinity: its members only."""
    from tests.profile_helpers import council

    leeds = networks.by_code(networks.local_network_code(council("Leeds").id))
    bame = networks.by_code("bame")
    join(setting["other_member"], "bame")
    auth.as_role(setting, role)
    local_page = client.get(f"/networks/{leeds.id}")
    affinity_page = client.get(f"/networks/{bame.id}")
    if role is None:
        assert local_page.status_code == affinity_page.status_code == 302
        return
    assert local_page.status_code == 200
    assert affinity_page.status_code == 404
    assert client.get("/networks/99999").status_code == 404
