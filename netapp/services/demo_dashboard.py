"""Demo data for the coordinator dashboard: a history, so its figures and monthly trends are not
all zeros on a fresh demo.

Members joined over the last 18 months (never after their first self-assessment), most signed in
lately; mentoring has a past: relationships completed or ended early, and more under way, some
of them stalled; and the two busiest local networks of each region (never the demo member's own)
held a meet-up each month from four to twelve months ago, with who came. Called by ``seed_demo``
before the networks are seeded (the isolation index is worked out there, from all of this); bulk
writes, no commit.

The demo logins keep their own data: the demo pair, the waiting offer and the matching round in
preview are left as demo_mentoring made them, and no mentor of that round's region is given a new
mentee, so the round can still be published.
"""
from __future__ import annotations

import random
from datetime import datetime, timedelta

import sqlalchemy as sa

from netapp.extensions import db
from netapp.models import (
    Event,
    EventRsvp,
    LocalAuthority,
    MentoringMeeting,
    MentoringRound,
    Mentorship,
    MentorshipStatus,
    Network,
    NetworkKind,
    Profile,
    RsvpStatus,
    SelfAssessment,
    User,
)

JOINED_OVER_DAYS = 540
PAST_PAIRS_PER = 30  # one completed or ended relationship per this many members
ACTIVE_PAIRS_PER = 40  # one more relationship under way per this many members
HISTORY_NETWORKS = 2  # local networks per region given a year of past meet-ups
HISTORY_MONTHS = range(4, 13)  # months ago (demo_events seeds the last three)


def seed_dashboard(rng: random.Random, profile_rows: list[dict], mentor_ids: set[int],
                   special: dict[str, int], now: datetime) -> None:
    """Spread joining dates and sign-ins, and add past and current mentoring relationships."""
    staff = set(special.values())
    members = sorted(row["user_id"] for row in profile_rows if row["user_id"] not in staff)
    _joined_and_signed_in(rng, members, now)
    _mentoring_history(rng, profile_rows, members, mentor_ids, staff, now)
    _past_events(rng, profile_rows, special, now)


def _joined_and_signed_in(rng: random.Random, members: list[int], now: datetime) -> None:
    first_started = dict(db.session.execute(
        sa.select(SelfAssessment.user_id, sa.func.min(SelfAssessment.started_at))
        .where(SelfAssessment.user_id.in_(members)).group_by(SelfAssessment.user_id)).all())
    rows = []
    for uid in members:
        joined = now - timedelta(days=rng.triangular(0, JOINED_OVER_DAYS, JOINED_OVER_DAYS * 0.2),
                                 minutes=rng.randint(0, 1440))
        if uid in first_started:
            joined = min(joined, first_started[uid] - timedelta(hours=1))
        odds = rng.random()
        if odds < 0.6:
            last = now - timedelta(days=rng.uniform(0, 29))
        elif odds < 0.8:
            last = now - timedelta(days=rng.uniform(31, 120))
        else:
            last = None
        if last is not None and last < joined:
            last = joined
        rows.append({"id": uid, "created_at": joined, "last_login_at": last})
    if rows:
        db.session.execute(sa.update(User), rows)


def _mentoring_history(rng: random.Random, profile_rows: list[dict], members: list[int],
                       mentor_ids: set[int], staff: set[int], now: datetime) -> None:
    region_of = dict(db.session.execute(
        sa.select(LocalAuthority.id, LocalAuthority.region_id)).all())
    in_round = set(db.session.scalars(sa.select(MentoringRound.region_id)))
    already = set(db.session.scalars(sa.select(Mentorship.mentee_id))) | set(
        db.session.scalars(sa.select(Mentorship.mentor_id)))
    wanting = set(db.session.scalars(sa.select(Profile.user_id)
                                      .where(Profile.wants_mentor.is_(True))))
    by_user = {row["user_id"]: row for row in profile_rows}
    mentees = [uid for uid in members
               if uid not in mentor_ids and uid not in already and uid not in wanting]
    rng.shuffle(mentees)
    mentors = sorted(uid for uid in mentor_ids if uid not in staff and uid not in already)
    if not mentees or not mentors:
        return
    past = mentees[:len(members) // PAST_PAIRS_PER]
    current = mentees[len(past):len(past) + len(members) // ACTIVE_PAIRS_PER]
    # Mentors outside the previewed round's region, each with a place left for a current mentee.
    free = [uid for uid in mentors
            if region_of.get(by_user[uid]["local_authority_id"]) not in in_round
            and by_user[uid]["mentor_capacity"] > 0]
    pairs, meetings = [], []
    for mentee in past:
        asked = now - timedelta(days=rng.uniform(200, 520))
        began = asked + timedelta(days=rng.choice((1, 2, 3, 5, 7, 10, 14, 21, 30)))
        ended_early = rng.random() < 0.15
        pairs.append({
            "mentee_id": mentee, "mentor_id": rng.choice(mentors),
            "status": MentorshipStatus.ENDED if ended_early else MentorshipStatus.COMPLETED,
            "created_at": asked, "responded_at": began,
            "closed_at": began + timedelta(days=rng.uniform(40 if ended_early else 120, 180)),
            "reason": "Matched by a coordinator.",
        })
    for mentee, mentor in zip(current, free, strict=False):
        asked = now - timedelta(days=rng.uniform(40, 240))
        pairs.append({
            "mentee_id": mentee, "mentor_id": mentor, "status": MentorshipStatus.ACCEPTED,
            "created_at": asked,
            "responded_at": asked + timedelta(days=rng.choice((1, 2, 4, 6, 9, 12, 20))),
            "closed_at": None, "reason": "Matched by a coordinator.",
        })
    if not pairs:
        return
    ids = db.session.scalars(sa.insert(Mentorship).returning(
        Mentorship.id, sort_by_parameter_order=True), pairs).all()
    for mid, pair in zip(ids, pairs, strict=True):
        met = pair["responded_at"]
        # Most pairs under way met lately; the rest have gone quiet (the dashboard's "stalled").
        last_met = (now - timedelta(days=rng.uniform(2, 25))
                    if pair["status"] is not MentorshipStatus.ACCEPTED or rng.random() < 0.7
                    else now - timedelta(days=rng.uniform(45, 80)))
        end = pair["closed_at"] or last_met
        while met + timedelta(days=1) < end:
            met = min(met + timedelta(days=rng.uniform(21, 35)), end)
            meetings.append({"mentorship_id": mid, "met_on": met.date(),
                             "shared_notes": "We talked through the month's priorities.",
                             "created_at": met})
    if meetings:
        db.session.execute(sa.insert(MentoringMeeting), meetings)


def _past_events(rng: random.Random, profile_rows: list[dict], special: dict[str, int],
                 now: datetime) -> None:
    from netapp.services.demo_events import IN_PERSON

    staff = {special["admin"], special["coordinator"]}
    home = next(r["local_authority_id"] for r in profile_rows
                if r["user_id"] == special["member"])
    by_council: dict[int, list[int]] = {}
    for row in profile_rows:
        if row["user_id"] not in staff:
            by_council.setdefault(row["local_authority_id"], []).append(row["user_id"])
    local = dict(db.session.execute(
        sa.select(Network.local_authority_id, Network.id)
        .where(Network.kind == NetworkKind.LOCAL)).all())
    region_of = dict(db.session.execute(
        sa.select(LocalAuthority.id, LocalAuthority.region_id)).all())
    per_region: dict[int, list[int]] = {}
    for c in sorted((c for c in by_council if c != home and c in local),
                    key=lambda c: (-len(by_council[c]), c)):
        per_region.setdefault(region_of[c], []).append(c)
    busiest = [c for councils in per_region.values() for c in councils[:HISTORY_NETWORKS]]
    events, going = [], []
    for council in busiest:
        for months in HISTORY_MONTHS:
            starts = (now - timedelta(days=months * 30.4 + rng.uniform(-8, 8))).replace(
                hour=rng.choice((10, 14, 18)), minute=0, second=0, microsecond=0)
            title, about = rng.choice(IN_PERSON)
            events.append({
                "network_id": local[council], "title": title, "description": about,
                "starts_at": starts, "ends_at": starts + timedelta(hours=2),
                "is_online": False, "place": "Community room, Central Library", "link": "",
                "capacity": None, "sequence": 0, "created_by_id": None,
                "created_at": starts - timedelta(days=30), "reminder_sent_at": starts,
            })
            people = by_council[council]
            going.append(rng.sample(people, k=min(len(people), rng.randint(4, 12))))
    if not events:
        return
    ids = db.session.scalars(sa.insert(Event).returning(
        Event.id, sort_by_parameter_order=True), events).all()
    rsvps = [{"event_id": event_id, "user_id": uid, "status": RsvpStatus.GOING,
              "created_at": row["created_at"] + timedelta(hours=n + 1), "promoted_at": None,
              "attended": rng.random() < 0.75}
             for event_id, row, people in zip(ids, events, going, strict=True)
             for n, uid in enumerate(people)]
    db.session.execute(sa.insert(EventRsvp), rsvps)
