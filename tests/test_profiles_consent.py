"""Affinity networks: explicit, specific consent to join; withdrawal removes the data at once."""
import pytest
import sqlalchemy as sa

from netapp.extensions import db
from netapp.models import AuditEntry, NetworkMembership
from netapp.services import networks
from tests.profile_helpers import give_profile, load_reference


@pytest.fixture
def member(app, users, auth):
    load_reference()
    give_profile(users["member"], "Leeds")
    auth.login(users["member"].email)
    return users["member"]


def _membership(user, code):
    return db.session.get(NetworkMembership, (user.id, networks.by_code(code).id))


def test_join_page_explains_what_is_stored_who_sees_it_and_how_to_leave(client, member):
    html = client.get("/networks/bame/join").get_data(as_text=True)
    for words in ("What we store", "Who sees it", "How to leave",
                  "We don&#39;t ask for or store your ethnicity"):
        assert words in html or words.replace("&#39;", "'") in html
    assert 'type="checkbox"' in html and "checked" not in html
    # The wording's version is kept with the membership, not shown to members.
    assert networks.CONSENT_VERSION not in html and "Wording version" not in html


def test_joining_without_ticking_consent_is_refused(client, member):
    response = client.post("/networks/bame/join", data={})
    assert response.status_code == 400
    assert "Tick the box to say you agree" in response.get_data(as_text=True)
    assert _membership(member, "bame") is None


def test_joining_records_consent_with_version_and_time(client, member):
    assert client.post("/networks/women/join", data={"consent": "y"}).status_code == 302
    membership = _membership(member, "women")
    assert membership.consent_text_version == networks.CONSENT_VERSION
    assert membership.consent_given_at is not None
    entry = db.session.execute(sa.select(AuditEntry).where(
        AuditEntry.action == "consent.given")).scalar_one()
    assert entry.detail["consent_version"] == networks.CONSENT_VERSION
    # The audit log is read by admins: it must not tie the consent to the person.
    assert entry.actor_id is None and entry.target_id is None
    assert set(entry.detail) == {"kind", "consent_version"}
    assert "Women managers network" in client.get("/networks/mine").get_data(as_text=True)


def test_withdrawing_asks_first_then_removes_membership_and_consent_at_once(client, member):
    client.post("/networks/bame/join", data={"consent": "y"})
    html = client.get("/networks/bame/leave").get_data(as_text=True)
    assert "Yes, leave the network" in html
    assert _membership(member, "bame") is not None  # nothing happens on GET
    assert client.post("/networks/bame/leave").status_code == 302
    db.session.expire_all()
    assert _membership(member, "bame") is None
    remaining = db.session.scalar(sa.select(sa.func.count()).select_from(NetworkMembership)
                                  .where(NetworkMembership.consent_given_at.is_not(None)))
    assert remaining == 0
    withdrawn = db.session.execute(sa.select(AuditEntry).where(
        AuditEntry.action == "consent.withdrawn")).scalar_one()
    assert withdrawn.actor_id is None and withdrawn.target_id is None
    assert client.get("/networks/bame/leave").status_code == 404


def test_local_networks_are_not_joined_or_left_by_consent(client, member):
    local = networks.memberships(member.id)[0].network
    assert client.get(f"/networks/{local.code}/join").status_code == 404
    assert client.post(f"/networks/{local.code}/leave").status_code == 404
    assert client.get("/networks/nonsense/join").status_code == 404


def test_joining_twice_is_harmless(client, member):
    client.post("/networks/entrepreneurs/join", data={"consent": "y"})
    response = client.post("/networks/entrepreneurs/join", data={"consent": "y"})
    assert response.status_code == 302
    assert len([m for m in networks.memberships(member.id) if m.network.is_affinity]) == 1


def test_the_wizard_joins_nothing_unless_ticked(client, member):
    client.post("/me/start/networks", data={})
    assert all(not m.network.is_affinity for m in networks.memberships(member.id))
