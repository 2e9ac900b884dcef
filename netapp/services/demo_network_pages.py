"""Demo data for network pages: leads, follows, and members who joined this month.

Called from demo_networks.seed_networks before seed_demo's one commit: bulk inserts and no
commit here.
"""
from __future__ import annotations

import random
from datetime import datetime, timedelta

import sqlalchemy as sa

from netapp.extensions import db
from netapp.models import (
    LocalAuthority,
    Network,
    NetworkFollow,
    NetworkKind,
    NetworkLead,
    NetworkMembership,
)
from netapp.services.networks import CONSENT_VERSION

DEMO_AFFINITY = "women"  # the affinity network the demo member has joined, if chance gave none
LED_ELSEWHERE = 40       # local networks other than the demo member's with a lead
FOLLOW_SHARE = 0.05      # members who follow a neighbouring council's network
NEW_THIS_MONTH = 0.03    # members who joined their local network this month


def _demo_member_in_an_affinity_network(member: int, now: datetime) -> None:
    """The demo member is a listed member of an affinity network (with consent given, as on the
    join page), so its page, online event and discussions are there to see from the first
    command; the profiles' random draw left about half of the demo databases without one."""
    already = db.session.scalar(
        sa.select(NetworkMembership.network_id).join(Network)
        .where(NetworkMembership.user_id == member, Network.kind == NetworkKind.AFFINITY)
        .limit(1))
    network_id = db.session.scalar(sa.select(Network.id).where(Network.code == DEMO_AFFINITY))
    if already is not None or network_id is None:
        return
    db.session.execute(sa.insert(NetworkMembership), [{
        "user_id": member, "network_id": network_id, "joined_at": now - timedelta(days=120),
        "consent_text_version": CONSENT_VERSION, "consent_given_at": now - timedelta(days=120),
        "is_listed": True}])


def seed_leads_and_follows(rng: random.Random, profile_rows: list[dict], special: dict[str, int],
                           now: datetime) -> None:
    """The demo member leads their local network with one other member; forty other local
    networks have a lead; each affinity network has one (as if added on the command line);
    some members follow a neighbouring network; a few joined this month."""
    _demo_member_in_an_affinity_network(special["member"], now)
    local = dict(db.session.execute(sa.select(Network.local_authority_id, Network.id)
                                    .where(Network.kind == NetworkKind.LOCAL)).all())
    region_of = dict(db.session.execute(
        sa.select(LocalAuthority.id, LocalAuthority.region_id)).all())
    by_council: dict[int, list[int]] = {}
    for row in profile_rows:
        by_council.setdefault(row["local_authority_id"], []).append(row["user_id"])
    councils_by_region: dict[int, list[int]] = {}
    for council in sorted(by_council):
        councils_by_region.setdefault(region_of[council], []).append(council)
    home = next(r["local_authority_id"] for r in profile_rows
                if r["user_id"] == special["member"])
    coordinator = special["coordinator"]

    leads = [{"network_id": local[home], "user_id": special["member"],
              "appointed_by_id": coordinator, "appointed_at": now - timedelta(days=90)}]
    others = [u for u in by_council[home] if u not in special.values()]
    if others:
        leads.append({"network_id": local[home], "user_id": rng.choice(others),
                      "appointed_by_id": coordinator, "appointed_at": now - timedelta(days=30)})
    elsewhere = [c for c in sorted(by_council) if c != home]
    for council in rng.sample(elsewhere, k=min(LED_ELSEWHERE, len(elsewhere))):
        leads.append({"network_id": local[council], "user_id": rng.choice(by_council[council]),
                      "appointed_by_id": coordinator,
                      "appointed_at": now - timedelta(days=rng.randint(1, 300))})
    # Affinity leads: a listed member of each network, appointed by nobody on screen.
    listed = db.session.execute(
        sa.select(NetworkMembership.network_id, sa.func.min(NetworkMembership.user_id))
        .join(Network, Network.id == NetworkMembership.network_id)
        .where(Network.kind == NetworkKind.AFFINITY, NetworkMembership.is_listed.is_(True))
        .group_by(NetworkMembership.network_id)
    ).all()
    leads.extend({"network_id": network_id, "user_id": user_id, "appointed_by_id": None,
                  "appointed_at": now - timedelta(days=60)} for network_id, user_id in listed)
    if leads:
        db.session.execute(sa.insert(NetworkLead), leads)

    follows = []
    neighbours = [c for c in councils_by_region[region_of[home]] if c != home][:2]
    follows.extend({"user_id": special["member"], "network_id": local[c], "created_at": now}
                   for c in neighbours)
    for row in profile_rows:
        uid = row["user_id"]
        if uid == special["member"] or rng.random() >= FOLLOW_SHARE:
            continue
        nearby = [c for c in councils_by_region[region_of[row["local_authority_id"]]]
                  if c != row["local_authority_id"]]
        if nearby:
            follows.append({"user_id": uid, "network_id": local[rng.choice(nearby)],
                            "created_at": now - timedelta(days=rng.randint(0, 200))})
    if follows:
        db.session.execute(sa.insert(NetworkFollow), follows)

    # Everyone joined their local network a while ago, a few this month: the demo member's
    # network always has some, so "New this month" shows names from the first command.
    month_start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    db.session.execute(sa.update(NetworkMembership)
                       .where(NetworkMembership.network_id.in_(list(local.values())))
                       .values(joined_at=month_start - timedelta(days=120)))
    council_of = {r["user_id"]: r["local_authority_id"] for r in profile_rows}
    recent = others[:6] + [r["user_id"] for r in profile_rows
                           if r["local_authority_id"] != home and rng.random() < NEW_THIS_MONTH]
    days_in = max(1, (now - month_start).days + 1)
    table = NetworkMembership.__table__
    joined = [{"uid": uid, "nid": local[council_of[uid]], "at": month_start + timedelta(
        days=rng.randrange(days_in), hours=rng.randint(8, 18))} for uid in recent]
    if joined:
        db.session.execute(
            sa.update(table)
            .where(table.c.user_id == sa.bindparam("uid"),
                   table.c.network_id == sa.bindparam("nid"))
            .values(joined_at=sa.bindparam("at")),
            joined,
        )
    _affinity_members_joined_over_the_year(rng, month_start, now)


def _affinity_members_joined_over_the_year(rng: random.Random, month_start: datetime,
                                           now: datetime) -> None:
    """Affinity members joined (and gave their consent) on days over the past year, a few this
    month, instead of all at the moment of seeding: an affinity network's page would otherwise
    say that every one of its members joined this month."""
    table = NetworkMembership.__table__
    rows = db.session.execute(
        sa.select(table.c.user_id, table.c.network_id).join(Network)
        .where(Network.kind == NetworkKind.AFFINITY)
        .order_by(table.c.network_id, table.c.user_id)).all()
    days_in = max(1, (now - month_start).days + 1)
    joined = []
    for uid, nid in rows:
        if rng.random() < NEW_THIS_MONTH:
            at = month_start + timedelta(days=rng.randrange(days_in), hours=rng.randint(8, 18))
            at = min(at, now)
        else:
            at = month_start - timedelta(days=rng.randint(1, 365), hours=rng.randint(0, 12))
        joined.append({"uid": uid, "nid": nid, "at": at})
    if joined:
        db.session.execute(
            sa.update(table)
            .where(table.c.user_id == sa.bindparam("uid"),
                   table.c.network_id == sa.bindparam("nid"))
            .values(joined_at=sa.bindparam("at"), consent_given_at=sa.bindparam("at")),
            joined,
        )
