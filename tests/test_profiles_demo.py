"""Demo data includes profiles: networks with consent, needs, offers and self-assessments."""
import sqlalchemy as sa

from netapp.extensions import db
from netapp.models import Network, NetworkKind, NetworkMembership, Profile, Resource
from netapp.services import profiles
from netapp.services.demo import seed_demo


def test_demo_members_have_full_profiles(app):
    seed_demo(members=200, seed=3)
    rows = profiles.matching_rows()
    assert len(rows) == 204
    assessed = [r for r in rows if r["lqf"]]
    assert 0.6 * len(rows) < len(assessed) < len(rows)
    assert all(len(r["lqf"]) == 28 and set(r["lqf"].values()) <= {1, 2, 3, 4} for r in assessed)
    assert all(r["needs"] for r in rows)
    mentors = [r for r in rows if r["capacity"]]
    assert mentors and all(r["offers"] for r in mentors)
    assert any(r["affinity"] for r in rows)
    # Everyone is in exactly one local network, the one for their council.
    local = db.session.execute(
        sa.select(NetworkMembership.user_id, Network.local_authority_id).join(Network)
        .where(Network.kind == NetworkKind.LOCAL)).all()
    councils = dict(
        db.session.execute(sa.select(Profile.user_id, Profile.local_authority_id)).all()
    )
    assert len(local) == len(rows) and all(councils[u] == la for u, la in local)
    # Every affinity membership carries its consent.
    consents = db.session.execute(
        sa.select(NetworkMembership.consent_given_at, NetworkMembership.consent_text_version)
        .join(Network).where(Network.kind == NetworkKind.AFFINITY)).all()
    assert consents and all(at is not None and version for at, version in consents)
    assert profiles.next_step(db.session.get(Profile, rows[0]["user_id"])) is None
    assert db.session.scalar(sa.select(sa.func.count(Resource.id))) > 0
