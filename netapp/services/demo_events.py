"""Demo network events: in the demo member's local network, the two they follow and several
others, past events with who came and coming ones with people going; one full with a waitlist;
and an online event in an affinity network the demo member is in. Called from
demo_networks.seed_networks."""
from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from netapp.extensions import db
from netapp.models import (
    Event,
    EventRsvp,
    Network,
    NetworkFollow,
    NetworkKind,
    NetworkLead,
    NetworkMembership,
    RsvpStatus,
)
from netapp.services.sets import to_utc

OTHER_NETWORKS = 8  # besides the demo member's, the local networks with the most members
IN_PERSON = (
    ("Winter meet-up", "Tea, cake and an evening with other managers near you. Bring a "
     "question you're stuck on; someone will have been there."),
    ("Preparing for your CQC inspection", "Managers who were inspected this year share what "
     "helped and what they'd do differently.\n\nBring your own questions."),
    ("Recruitment and retention: what works", "A round table on finding and keeping good "
     "staff, with ideas you can try next week."),
    ("New managers' coffee morning", "For anyone in their first two years as a Registered "
     "Manager. No agenda: just people who know the job."),
    ("Walk and talk", "An easy walk with time to talk. Sensible shoes; we stop for coffee."),
)
ONLINE = (
    ("Managing change together", "An hour online on leading a team through change."),
    ("Safeguarding update", "What has changed this year, and what it means for your service."),
)


def _when(now: datetime, days: int, hour: int) -> tuple[datetime, datetime]:
    day: date = (now + timedelta(days=days)).date()
    return to_utc(day, time(hour, 0)), to_utc(day, time(hour + 2, 0))


def seed_events(rng: random.Random, profile_rows: list[dict], special: dict[str, int],
                now: datetime) -> None:
    """Bulk inserts, no commit."""
    by_council: dict[int, list[int]] = defaultdict(list)
    for row in profile_rows:
        if row["user_id"] not in (special["admin"], special["coordinator"]):
            by_council[row["local_authority_id"]].append(row["user_id"])
    local = dict(db.session.execute(
        sa.select(Network.local_authority_id, Network.id)
        .where(Network.kind == NetworkKind.LOCAL)).all())
    names = dict(db.session.execute(sa.select(Network.id, Network.name)).all())
    leads = dict(db.session.execute(sa.select(NetworkLead.network_id, NetworkLead.user_id)
                                    .order_by(NetworkLead.appointed_at)).all())
    member = special["member"]
    home = next(r["local_authority_id"] for r in profile_rows if r["user_id"] == member)
    others = sorted((c for c in by_council if c != home and c in local),
                    key=lambda c: (-len(by_council[c]), c))[:OTHER_NETWORKS]
    # The networks the demo member follows have events too, so following one shows what it is for.
    followed = set(db.session.scalars(sa.select(NetworkFollow.network_id)
                                      .where(NetworkFollow.user_id == member)))
    others += [c for c in sorted(by_council)
               if c in local and local[c] in followed and c not in others]

    events: list[dict] = []
    going: list[list[int]] = []  # per event, the people going, then waiting
    capacity_of: list[int | None] = []

    titles: dict[int, dict[bool, list[tuple[str, str]]]] = {}

    def add(network_id: int, people: list[int], days: int, online: bool, capacity: int | None,
            how_many: int, must: tuple[int, ...] = (), leave_out: tuple[int, ...] = ()) -> None:
        # Each network's events have different names.
        left = titles.setdefault(network_id, {True: rng.sample(ONLINE, k=len(ONLINE)),
                                              False: rng.sample(IN_PERSON, k=len(IN_PERSON))})
        title, about = left[online].pop()
        starts, ends = _when(now, days, rng.choice((10, 14, 18)))
        where = names[network_id].removesuffix(" Registered Managers network")
        events.append({
            "network_id": network_id, "title": title, "description": about,
            "starts_at": starts, "ends_at": ends, "is_online": online,
            "place": "" if online else f"Community room, {where} Central Library",
            "link": f"https://meet.example.org/rm-{network_id}-{len(events)}" if online else "",
            "capacity": capacity, "sequence": 0, "created_by_id": leads.get(network_id),
            "created_at": now - timedelta(days=max(30, -days + 14)),
            "reminder_sent_at": now if days < 0 else None,
        })
        pool = [p for p in people if p not in must and p not in leave_out]
        chosen = list(must) + rng.sample(pool, k=min(len(pool), how_many))
        going.append(chosen)
        capacity_of.append(capacity)

    for council in [home, *others]:
        network_id, people = local[council], by_council[council]
        mine = council == home
        add(network_id, people, -rng.randint(20, 40), False, 20, 14,
            must=(member,) if mine else ())
        add(network_id, people, -rng.randint(50, 80), True, None, 10)
        add(network_id, people, rng.randint(5, 12), False, 25, 8,
            must=(member,) if mine else ())
        add(network_id, people, rng.randint(15, 30), True, None, 6)
        if mine:
            # Full, with a waitlist the demo member can join.
            others = len(people) - 1
            add(network_id, people, rng.randint(3, 9), False, max(1, min(6, others - 3)),
                min(9, others), leave_out=(member,))

    affinity = db.session.scalars(
        sa.select(NetworkMembership.network_id).join(Network)
        .where(NetworkMembership.user_id == member, Network.kind == NetworkKind.AFFINITY)
        .order_by(NetworkMembership.network_id)).first()
    if affinity is not None:
        fellows = list(db.session.scalars(
            sa.select(NetworkMembership.user_id)
            .where(NetworkMembership.network_id == affinity, NetworkMembership.user_id != member)
            .order_by(NetworkMembership.user_id).limit(40)))
        add(affinity, fellows, rng.randint(6, 14), True, 30, 7, must=(member,))
        events[-1].update(title="Leading as who you are", description=(
            "An hour online with other members of the network: what helps, what gets in the "
            "way, and what we'd like to change together."))

    ids = list(db.session.scalars(sa.insert(Event).returning(Event.id,
                                                             sort_by_parameter_order=True),
                                  events))
    rsvps = []
    for event_id, row, people, capacity in zip(ids, events, going, capacity_of, strict=True):
        past = row["starts_at"] < now
        for n, user_id in enumerate(people):
            waiting = capacity is not None and n >= capacity
            rsvps.append({
                "event_id": event_id, "user_id": user_id,
                "status": RsvpStatus.WAITING if waiting else RsvpStatus.GOING,
                "created_at": row["created_at"] + timedelta(hours=n + 1), "promoted_at": None,
                # Who came, for past events: most people, and always the demo member.
                "attended": (user_id == member or rng.random() < 0.75) if past else None,
            })
    if rsvps:
        db.session.execute(sa.insert(EventRsvp), rsvps)
