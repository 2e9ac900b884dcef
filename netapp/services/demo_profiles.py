"""Demo data for member profiles: self-assessments, needs, offers and networks, inserted in bulk."""
from __future__ import annotations

import random
from datetime import datetime, timedelta

import sqlalchemy as sa

from netapp.data.lqf import LQF_CODE
from netapp.data.resources import RESOURCES
from netapp.extensions import db
from netapp.models import (
    AssessmentScore,
    Dimension,
    Element,
    Framework,
    LocalAuthority,
    Network,
    NetworkKind,
    NetworkMembership,
    Profile,
    Resource,
    SelfAssessment,
    Topic,
    member_needs,
    member_offers,
)
from netapp.services.networks import CONSENT_VERSION, local_network_code
from netapp.services.reference import ensure_reference_data

# Rough shares of members who choose to join each affinity network in the demo.
AFFINITY_SHARE = {"bame": 0.12, "women": 0.35, "entrepreneurs": 0.05}


def seed_profiles(rng: random.Random, profile_rows: list[dict], mentor_ids: set[int],
                  now: datetime) -> None:
    """Give demo members networks, needs, offers and (most of them) a finished self-assessment.

    ``profile_rows`` are the rows just inserted into profiles. No commit; bulk inserts only.
    """
    ensure_reference_data()
    councils = db.session.execute(sa.select(LocalAuthority.id, LocalAuthority.name)).all()
    have = set(db.session.scalars(sa.select(Network.local_authority_id)
                                  .where(Network.kind == NetworkKind.LOCAL)))
    new_networks = [
        {"kind": NetworkKind.LOCAL, "code": local_network_code(cid),
         "name": f"{name} Registered Managers network",
         "description": f"Registered Managers working in {name}.", "local_authority_id": cid,
         "created_at": now}
        for cid, name in councils if cid not in have
    ]
    if new_networks:
        db.session.execute(sa.insert(Network), new_networks)
    local = dict(db.session.execute(sa.select(Network.local_authority_id, Network.id)
                                    .where(Network.kind == NetworkKind.LOCAL)).all())
    affinity = dict(db.session.execute(sa.select(Network.code, Network.id)
                                       .where(Network.kind == NetworkKind.AFFINITY)).all())
    topics = list(db.session.execute(sa.select(Topic.id, Topic.is_support_area)
                                     .order_by(Topic.position)).all())
    support = [t for t, is_area in topics if is_area]
    other = [t for t, is_area in topics if not is_area]
    framework_id = db.session.scalar(sa.select(Framework.id).where(Framework.code == LQF_CODE))
    elements = db.session.execute(
        sa.select(Element.id, Dimension.is_senior).join(Dimension)
        .where(Dimension.framework_id == framework_id)
        .order_by(Dimension.position, Element.position)
    ).all()

    memberships, needs, offers, assessments, who = [], [], [], [], []
    for row in profile_rows:
        uid = row["user_id"]
        memberships.append({"user_id": uid, "network_id": local[row["local_authority_id"]],
                            "joined_at": now, "consent_text_version": None,
                            "consent_given_at": None, "is_listed": False})
        for code, share in AFFINITY_SHARE.items():
            if code in affinity and rng.random() < share:
                # About two in three demo members choose to be listed (without using the
                # seeded generator, so the rest of the demo data stays as it was).
                memberships.append({"user_id": uid, "network_id": affinity[code], "joined_at": now,
                                    "consent_text_version": CONSENT_VERSION,
                                    "consent_given_at": now, "is_listed": uid % 3 != 0})
        wanted = rng.sample(support, k=rng.randint(1, 2)) + rng.sample(other, k=rng.randint(0, 3))
        needs.extend({"user_id": uid, "topic_id": t} for t in wanted)
        if uid in mentor_ids:
            offered = rng.sample(support, k=2) + rng.sample(other, k=rng.randint(1, 3))
            offers.extend({"user_id": uid, "topic_id": t} for t in offered)
        if rng.random() < 0.8:
            taken = now - timedelta(days=rng.randint(1, 400))
            assessments.append({"user_id": uid, "framework_id": framework_id,
                                "started_at": taken, "completed_at": taken})
            who.append((uid, row["level"]))
    # Demo members have been through the wizard already.
    db.session.execute(sa.update(Profile).values(onboarding_step="networks", onboarded_at=now))
    db.session.execute(sa.insert(NetworkMembership), memberships)
    db.session.execute(sa.insert(member_needs), needs)
    if offers:
        db.session.execute(sa.insert(member_offers), offers)
    if not assessments:
        return
    ids = list(db.session.scalars(sa.insert(SelfAssessment).returning(SelfAssessment.id,
                                                                      sort_by_parameter_order=True),
                                  assessments))
    scores = []
    for assessment_id, (_, level) in zip(ids, who, strict=True):
        base = {1: 1.6, 2: 2.2, 3: 2.8, 4: 3.3}[level or 2] + rng.uniform(-0.5, 0.5)
        for element_id, is_senior in elements:
            value = base - (0.7 if is_senior and (level or 2) < 4 else 0) + rng.gauss(0, 0.6)
            scores.append({"assessment_id": assessment_id, "element_id": element_id,
                           "score": min(4, max(1, round(value)))})
    # On PostgreSQL a thousand rows go in each statement (database.py), so the kept mentoring
    # pool is worked out again once a thousand scores, not once a score.
    db.session.execute(sa.insert(AssessmentScore), scores)
    element_ids = dict(db.session.execute(sa.select(Element.code, Element.id)).all())
    if not db.session.scalar(sa.select(sa.func.count(Resource.id))):
        db.session.execute(sa.insert(Resource), [
            {"element_id": element_ids[code], "title": title, "url": url, "summary": learn,
             "time_needed": time_needed, "cost": cost, "level_from": low, "level_to": high}
            for codes, title, learn, time_needed, cost, low, high, url in RESOURCES
            for code in codes
        ])


# The demo member's own self-assessment, the same in every demo database, so the first command
# shows their chart and suggestions that name their scores: mostly 3s, a few strengths and a
# few gaps. The senior dimensions are 1s below strategic level, as the wizard tells people to
# rate them when they don't apply (and suggestions leave them out).
DEMO_MEMBER_SCORES = {"PQ4": 4, "WO2": 4, "IS1": 4, "PQ3": 2, "WO3": 2, "IS2": 2, "MS4": 2,
                      "CV3": 2}
STRATEGIC_LEVEL = 4


def seed_member_assessment(user_id: int, now: datetime) -> None:
    """Give the demo member a finished self-assessment, newer than any random one they got."""
    level = db.session.scalar(sa.select(Profile.level).where(Profile.user_id == user_id))
    framework_id = db.session.scalar(sa.select(Framework.id).where(Framework.code == LQF_CODE))
    elements = db.session.execute(
        sa.select(Element.id, Element.code, Dimension.is_senior).join(Dimension)
        .where(Dimension.framework_id == framework_id)).all()
    taken = now - timedelta(hours=2)  # random demo assessments are at least a day old
    assessment_id = db.session.scalar(sa.insert(SelfAssessment).values(
        user_id=user_id, framework_id=framework_id, started_at=taken, completed_at=taken)
        .returning(SelfAssessment.id))
    db.session.execute(sa.insert(AssessmentScore), [
        {"assessment_id": assessment_id, "element_id": element_id,
         "score": 1 if is_senior and level != STRATEGIC_LEVEL
         else DEMO_MEMBER_SCORES.get(code, 3)}
        for element_id, code, is_senior in elements])
