"""Demo data for peers and the isolation index; called last from demo_networks.seed_networks.

Some members share their self-assessment with their networks (so reasons can name strengths),
two peers have said hello to the demo member and the demo member to a third, and then
everyone's isolation index is computed from all the demo data before it.
"""
from __future__ import annotations

import random
from datetime import datetime, timedelta

import sqlalchemy as sa

from netapp.extensions import db
from netapp.models import Notification, PeerHello, Profile, User
from netapp.services import isolation
from netapp.services.audiences import NETWORKS

# About two in five demo members show their self-assessment to their networks.
LQF_SHARED = 0.4
HELLOS = (
    "Hello! I saw we both run services nearby. Would you like to meet for a coffee?",
    "Hi, I'm working on our CQC action plan too. Happy to compare notes some time.",
)
SENT = "Hello, I'd love to hear how you handled recruitment this year."


def seed_peers(rng: random.Random, profile_rows: list[dict], special: dict[str, int],
               now: datetime) -> None:
    """Bulk inserts, no commit."""
    staff = set(special.values())
    shown = []
    for uid, visibility in db.session.execute(sa.select(Profile.user_id, Profile.visibility)):
        visibility = visibility or {}
        if uid not in staff and "lqf" not in visibility and rng.random() < LQF_SHARED:
            shown.append({"user_id": uid, "visibility": {**visibility, "lqf": NETWORKS}})
    if shown:
        db.session.execute(sa.update(Profile), shown)
    _hellos(rng, profile_rows, special, now)
    isolation.recompute(now, commit=False)


def _hellos(rng, profile_rows, special, now) -> None:
    member = special["member"]
    council = next((r["local_authority_id"] for r in profile_rows if r["user_id"] == member),
                   None)
    staff = set(special.values())
    near = [r["user_id"] for r in profile_rows
            if r["local_authority_id"] == council and r["user_id"] not in staff]
    if len(near) < 3:  # a tiny demo: anyone will do
        near = [r["user_id"] for r in profile_rows if r["user_id"] not in staff]
    first, second, third = rng.sample(near, 3)
    names = dict(db.session.execute(sa.select(User.id, User.display_name)
                                    .where(User.id.in_([first, second]))).all())
    db.session.execute(sa.insert(PeerHello), [
        {"sender_id": first, "recipient_id": member, "message": HELLOS[0],
         "created_at": now - timedelta(days=3), "read_at": now - timedelta(days=2)},
        {"sender_id": second, "recipient_id": member, "message": HELLOS[1],
         "created_at": now - timedelta(hours=5), "read_at": None},
        {"sender_id": member, "recipient_id": third, "message": SENT,
         "created_at": now - timedelta(days=6), "read_at": None},
    ])
    db.session.execute(sa.insert(Notification), [
        {"user_id": member, "kind": "peer_hello", "text": f"{names[first]} said hello",
         "link": "/networks/peers/hellos", "created_at": now - timedelta(days=3),
         "read_at": now - timedelta(days=2)},
        {"user_id": member, "kind": "peer_hello", "text": f"{names[second]} said hello",
         "link": "/networks/peers/hellos", "created_at": now - timedelta(hours=5),
         "read_at": None},
    ])
