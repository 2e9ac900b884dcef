"""Demo action learning sets: a published cohort whose set has the demo member in it, the demo
coordinator facilitating, past meetings with attendance (one member flagged for missing two in
a row), an upcoming meeting, a few notes and actions, and a few hundred members asking to join.

Called by ``seed_demo`` before its one commit; bulk inserts and no commit here. Everything comes
from the random stream passed in, so the same seed gives the same sets.
"""
from __future__ import annotations

import random
from datetime import datetime, time, timedelta

import sqlalchemy as sa

from netapp.extensions import db
from netapp.models import (
    FormationStatus,
    LearningSet,
    LocalAuthority,
    MeetingMode,
    SetAttendance,
    SetFormation,
    SetMeeting,
    SetMembership,
    SetNote,
    SetRequest,
    SetStatus,
)
from netapp.services.sets import to_utc

MAX_ASKING = 300
SET_SIZE = 7  # the demo member and six others
PAST_MEETINGS = 4
THEMES = ["people_management", "cqc_inspection", "recruitment_retention"]
LINK = "https://meet.example.org/demo-set"
NOTES = [
    (False, "We looked at rotas that keep experienced staff on every shift."),
    (True, "Share the supervision template we talked about"),
    (True, "Try the 'three good things' huddle with the night team"),
]


def seed_sets(rng: random.Random, profile_rows: list[dict], special: dict[str, int],
              now: datetime) -> None:
    """Add the demo sets data. ``special`` maps "member", "coordinator" ... to user ids."""
    member, facilitator = special["member"], special["coordinator"]
    staff = set(special.values())
    region_of = dict(db.session.execute(
        sa.select(LocalAuthority.id, LocalAuthority.region_id)).all())
    by_user = {row["user_id"]: row for row in profile_rows}
    home = region_of[by_user[member]["local_authority_id"]]
    neighbours = sorted(uid for uid, row in by_user.items()
                        if uid not in staff and region_of[row["local_authority_id"]] == home)
    others = rng.sample(neighbours, k=min(len(neighbours), SET_SIZE - 1))
    people = [member, *others]

    formation = SetFormation(name="Spring sets", region_id=home, only_asked=True, min_size=5,
                             max_size=8, status=FormationStatus.PUBLISHED,
                             summary=f"1 set formed from {len(people)} members.",
                             stats={"members": len(people), "sets": 1, "unplaced": 0},
                             created_by_id=facilitator, created_at=now - timedelta(days=120),
                             published_at=now - timedelta(days=118))
    db.session.add(formation)
    db.session.flush()
    row = LearningSet(formation_id=formation.id, name="Spring set 1", status=SetStatus.ACTIVE,
                      region_id=home, meets_online=True, facilitator_id=facilitator,
                      themes=THEMES, quality=0.8, summary="A good mix of services.",
                      created_at=formation.created_at, published_at=formation.published_at)
    db.session.add(row)
    db.session.flush()
    db.session.execute(sa.insert(SetMembership), [
        {"set_id": row.id, "user_id": uid, "joined_at": formation.published_at}
        for uid in people])
    _meetings(rng, row, people, facilitator, now)
    db.session.execute(sa.insert(SetNote), [
        {"set_id": row.id, "author_id": people[n % len(people)], "body": body,
         "is_action": is_action, "created_at": now - timedelta(days=26 - n),
         "done_at": now - timedelta(days=3) if n == 1 else None}
        for n, (is_action, body) in enumerate(NOTES)])
    _requests(rng, by_user, staff | set(people), now)


def _meetings(rng: random.Random, row: LearningSet, people: list[int], facilitator: int,
              now: datetime) -> None:
    """Four past meetings every four weeks and one in two weeks, 10:00 to 12:00 UK time. The
    last member in the list missed the last two, so the coordinators' list has someone."""
    today = now.date()
    days = [today - timedelta(weeks=4 * n) for n in range(PAST_MEETINGS, 0, -1)]
    days.append(today + timedelta(weeks=2))
    meetings = [SetMeeting(set_id=row.id, starts_at=to_utc(day, time(10)),
                           ends_at=to_utc(day, time(12)), is_online=True, link=LINK,
                           created_by_id=facilitator, created_at=now - timedelta(days=115))
                for day in days]
    db.session.add_all(meetings)
    db.session.flush()
    absent = people[-1]
    attendance = []
    for n, m in enumerate(meetings[:-1]):
        late = n >= PAST_MEETINGS - 2
        for uid in people:
            came = (not late if uid == absent else
                    uid == people[0] or rng.random() < 0.85)
            attendance.append({"meeting_id": m.id, "user_id": uid, "attended": came,
                               "recorded_at": m.ends_at})
    db.session.execute(sa.insert(SetAttendance), attendance)


def _requests(rng: random.Random, by_user: dict[int, dict], taken: set[int],
              now: datetime) -> None:
    candidates = sorted(uid for uid in by_user if uid not in taken)
    asking = sorted(rng.sample(candidates, k=min(len(candidates), MAX_ASKING,
                                                 max(10, len(by_user) // 10))))
    modes = list(MeetingMode)
    db.session.execute(sa.insert(SetRequest), [
        {"user_id": uid, "mode": rng.choice(modes), "note": "",
         "created_at": now - timedelta(days=rng.randint(1, 60))} for uid in asking])
