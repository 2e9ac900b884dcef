"""Local networks (one per council, joined automatically) and affinity networks.

Affinity networks are opt-in and joined only with the member's consent.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import aliased, selectinload

from netapp.extensions import db
from netapp.models import (
    LocalAuthority,
    Network,
    NetworkKind,
    NetworkMembership,
    Role,
    User,
)
from netapp.models.base import utcnow
from netapp.services import audit

# Bump when the consent wording in templates/members/_consent.html changes.
CONSENT_VERSION = "2026-11-v1"


def local_network_code(local_authority_id: int) -> str:
    return f"local-{local_authority_id}"


def ensure_local_network(local_authority: LocalAuthority) -> Network:
    network = db.session.execute(
        sa.select(Network).where(Network.local_authority_id == local_authority.id)
    ).scalar_one_or_none()
    if network is None:
        network = Network(
            kind=NetworkKind.LOCAL,
            code=local_network_code(local_authority.id),
            name=f"{local_authority.name} Registered Managers network",
            description=f"Registered Managers working in {local_authority.name}.",
            local_authority_id=local_authority.id,
        )
        db.session.add(network)
        db.session.flush()
    return network


def sync_local_membership(user: User, local_authority: LocalAuthority | None) -> None:
    """Put the member in the local network for their council, and only that one (no commit)."""
    keep = ensure_local_network(local_authority).id if local_authority else None
    current = db.session.scalars(
        sa.select(NetworkMembership).join(Network)
        .where(NetworkMembership.user_id == user.id, Network.kind == NetworkKind.LOCAL)
    ).all()
    for membership in current:
        if membership.network_id != keep:
            db.session.delete(membership)
    if keep is not None and all(m.network_id != keep for m in current):
        db.session.add(NetworkMembership(user_id=user.id, network_id=keep))


def affinity_networks() -> list[Network]:
    return list(db.session.scalars(
        sa.select(Network).where(Network.kind == NetworkKind.AFFINITY).order_by(Network.id)
    ))


def by_code(code: str) -> Network | None:
    return db.session.execute(sa.select(Network).where(Network.code == code)).scalar_one_or_none()


def memberships(user_id: int) -> list[NetworkMembership]:
    return list(db.session.scalars(
        sa.select(NetworkMembership).where(NetworkMembership.user_id == user_id)
        .options(selectinload(NetworkMembership.network))
        .order_by(NetworkMembership.joined_at, NetworkMembership.network_id)
    ))


def is_member(user_id: int, network_id: int) -> bool:
    return db.session.get(NetworkMembership, (user_id, network_id)) is not None


def join_affinity(user: User, network: Network, consent_version: str = CONSENT_VERSION) -> bool:
    """Join with explicit consent, recorded with its wording's version and time."""
    if not network.is_affinity:
        raise ValueError(f"{network.code!r} is not an affinity network")
    if is_member(user.id, network.id):
        return False
    now = utcnow()
    db.session.add(NetworkMembership(user_id=user.id, network_id=network.id, joined_at=now,
                                     consent_text_version=consent_version,
                                     consent_given_at=now))
    # The person's own record of consent is the membership row (wording version and time). The
    # audit log, which admins read, notes only that a consent happened: naming the person, even
    # without the network, would show admins outside the network that they are in one.
    audit.record(None, "consent.given", None, kind="affinity", consent_version=consent_version)
    db.session.commit()
    return True


def withdraw(user: User, network: Network) -> bool:
    """Leave an affinity network: the membership and its consent record go at once."""
    if not network.is_affinity:
        raise ValueError(f"{network.code!r} is not an affinity network")
    deleted = db.session.execute(
        sa.delete(NetworkMembership).where(NetworkMembership.user_id == user.id,
                                           NetworkMembership.network_id == network.id)
    ).rowcount
    if deleted:
        audit.record(None, "consent.withdrawn", None, kind="affinity")
    db.session.commit()
    return bool(deleted)


def shares_network(a: int, b: int) -> bool:
    """True when the two members are in at least one network together."""
    other = aliased(NetworkMembership)
    return db.session.execute(
        sa.select(sa.literal(1)).select_from(NetworkMembership)
        .join(other, other.network_id == NetworkMembership.network_id)
        .where(NetworkMembership.user_id == a, other.user_id == b).limit(1)
    ).first() is not None


def networks_seen_by(viewer: User, owner_id: int) -> list[Network]:
    """The owner's networks that the viewer may know about.

    Affinity networks are shown only to people in the same network (and to the owner).
    """
    result = []
    mine = {m.network_id for m in memberships(viewer.id)}
    for m in memberships(owner_id):
        if m.network.is_affinity and viewer.id != owner_id and m.network_id not in mine:
            continue
        result.append(m.network)
    return result


def can_see_network(viewer: User, network: Network) -> bool:
    if is_member(viewer.id, network.id):
        return True
    if network.is_affinity:
        return False
    return viewer.has_role(Role.COORDINATOR, Role.ADMIN)


def members_page(network: Network, page: int, per_page: int):
    """One page of the network's active members, by name."""
    return db.paginate(
        sa.select(User)
        .join(NetworkMembership, NetworkMembership.user_id == User.id)
        .where(NetworkMembership.network_id == network.id, User.is_active_account.is_(True))
        .order_by(User.display_name, User.id),
        page=page, per_page=per_page, error_out=False,
    )
