"""Network pages, the directory of networks, leads and follows."""
from netapp.extensions import db
from netapp.models import NetworkLead
from netapp.services import networks
from tests.profile_helpers import give_profile, join, load_reference


def _lead(user, network) -> None:
    db.session.add(NetworkLead(network_id=network.id, user_id=user.id))
    db.session.commit()


def test_is_lead_is_true_only_for_the_network_they_lead(app, users):
    load_reference()
    give_profile(users["member"], "Leeds")
    leeds = networks.by_code(
        networks.local_network_code(users["member"].profile.local_authority_id))
    bame = networks.by_code("bame")
    assert not networks.is_lead(users["member"].id, leeds.id)
    _lead(users["member"], leeds)
    assert networks.is_lead(users["member"].id, leeds.id)
    assert not networks.is_lead(users["other_member"].id, leeds.id)
    assert not networks.is_lead(users["member"].id, bame.id)


def test_a_lead_who_leaves_an_affinity_network_no_longer_leads_it(app, users):
    load_reference()
    bame = networks.by_code("bame")
    join(users["member"], "bame")
    _lead(users["member"], bame)
    assert networks.is_lead(users["member"].id, bame.id)
    networks.withdraw(users["member"], bame)
    assert not networks.is_lead(users["member"].id, bame.id)


# ------------------------------------------------------------------ pages (smoke for now)


def test_pages_render(client, auth, users):
    load_reference()
    give_profile(users["member"], "Leeds")
    give_profile(users["coordinator"], "Leeds")
    leeds = networks.by_code(
        networks.local_network_code(users["member"].profile.local_authority_id))
    auth.login(users["coordinator"].email)
    for path in ("/networks/", "/networks/mine", f"/networks/{leeds.id}", "/networks/members",
                 "/networks/members?name=mina&can_mentor=y"):
        response = client.get(path)
        assert response.status_code == 200, path
