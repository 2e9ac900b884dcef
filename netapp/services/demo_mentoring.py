"""Demo mentoring: members asking for a mentor, the demo pair's relationship, an offer waiting
for the demo mentor, and a matching round in preview, so every mentoring screen has content.

Called by ``seed_demo`` before its one commit; bulk inserts and no commit here. The round's
proposals come from the real engine over one region's pool, so the preview is honest.
"""
from __future__ import annotations

import random
from collections import Counter
from datetime import datetime, timedelta

import sqlalchemy as sa

from matching import match_mentors
from matching.mentors import suggest_mentors, summarise_matches
from netapp.extensions import db
from netapp.models import (
    GoalStatus,
    Job,
    JobStatus,
    LocalAuthority,
    MentoringCheckIn,
    MentoringGoal,
    MentoringMeeting,
    MentoringMessage,
    MentoringRound,
    Mentorship,
    MentorshipStatus,
    Profile,
    Region,
    RoundProposal,
    RoundStatus,
)
from netapp.services import matching_bridge as bridge
from netapp.services import profiles

# How many other demo members ask for a mentor: a few hundred at national scale.
MAX_WANTING = 300
FALLBACK_REASON = "Suggested by a mentoring coordinator."


def seed_mentoring(rng: random.Random, profile_rows: list[dict], mentor_ids: set[int],
                   special: dict[str, int], now: datetime) -> None:
    """Add the demo mentoring data. ``special`` maps "mentor", "member", "coordinator" to ids."""
    mentor, member = special["mentor"], special["member"]
    by_user = {row["user_id"]: row for row in profile_rows}
    # The demo mentor has room for the demo member, the waiting offer and one more.
    db.session.execute(sa.update(Profile).where(Profile.user_id == mentor)
                       .values(mentor_capacity=3))
    staff = set(special.values())
    candidates = sorted(uid for uid in by_user if uid not in mentor_ids and uid not in staff)
    wanting = sorted(rng.sample(candidates, k=min(len(candidates),
                                                  MAX_WANTING, max(10, len(by_user) // 20))))
    db.session.execute(sa.update(Profile).where(Profile.user_id.in_(wanting))
                       .values(wants_mentor=True))
    rows = {r["user_id"]: r for r in profiles.matching_rows(sorted({*wanting, mentor, member}))}
    began = now - timedelta(days=45)
    score, reason = _fit(rows.get(member), rows.get(mentor))
    pair = Mentorship(mentee_id=member, mentor_id=mentor, status=MentorshipStatus.ACCEPTED,
                      score=score, reason=reason, created_at=began - timedelta(days=3),
                      responded_at=began)
    offered = _offer(rows, wanting, mentor, now)
    db.session.add_all([pair, offered] if offered else [pair])
    db.session.flush()
    _relationship(pair, began, now)
    waiting = [uid for uid in wanting if not offered or uid != offered.mentee_id]
    _round(by_user, waiting, mentor_ids, special, now)


def _fit(mentee_row: dict | None, mentor_row: dict | None) -> tuple[float | None, str]:
    """The engine's score and reason for one pair, or a plain reason if it can't say."""
    if mentee_row is None or mentor_row is None:
        return None, FALLBACK_REASON
    mentee = bridge.to_mentee(mentee_row)
    mentor = bridge.to_mentor(mentor_row, free_places=1)
    if isinstance(mentee, str) or isinstance(mentor, str):
        return None, FALLBACK_REASON
    found = suggest_mentors(mentee, [mentor], k=1)
    if not found:
        return None, FALLBACK_REASON
    return found[0].score, found[0].explanation


def _offer(rows: dict, wanting: list[int], mentor: int, now: datetime) -> Mentorship | None:
    """An offer waiting for the demo mentor: the first member asking whom the engine allows."""
    for uid in wanting:
        score, reason = _fit(rows.get(uid), rows.get(mentor))
        if score is not None:
            return Mentorship(mentee_id=uid, mentor_id=mentor, status=MentorshipStatus.OFFERED,
                              score=score, reason=reason, created_at=now - timedelta(days=2))
    return None


def _relationship(pair: Mentorship, began: datetime, now: datetime) -> None:
    """Two goals, two meetings, a check-in from the mentor and a few messages."""
    mentor, member = pair.mentor_id, pair.mentee_id
    db.session.add_all([
        MentoringGoal(mentorship_id=pair.id, title="Feel ready for our next CQC inspection",
                      element_codes=["MS4", "IS1"], status=GoalStatus.IN_PROGRESS,
                      created_by_id=member, created_at=began + timedelta(days=4)),
        MentoringGoal(mentorship_id=pair.id, title="Build a rota the team trusts",
                      element_codes=["WO4", "MS2"], status=GoalStatus.NOT_STARTED,
                      created_by_id=mentor, created_at=began + timedelta(days=4)),
        MentoringMeeting(
            mentorship_id=pair.id, met_on=(began + timedelta(days=4)).date(),
            shared_notes="Got to know each other. Agreed two goals and to meet every "
                         "three to four weeks, online.",
            mentor_notes="Ask next time how the new deputy is settling in.",
            created_by_id=mentor, created_at=began + timedelta(days=4)),
        MentoringMeeting(
            mentorship_id=pair.id, met_on=(now - timedelta(days=12)).date(),
            shared_notes="Walked through the last inspection report. Next: a mock "
                         "inspection with the deputy manager.",
            mentee_notes="Book the training room for the mock inspection.",
            created_by_id=member, created_at=now - timedelta(days=12)),
        MentoringCheckIn(mentorship_id=pair.id, user_id=mentor, day=30, rating=4,
                         created_at=began + timedelta(days=31)),
        MentoringMessage(mentorship_id=pair.id, sender_id=mentor,
                         body="Lovely to meet you. Send me the inspection report when you "
                              "can and I'll read it before we next talk.",
                         created_at=began + timedelta(days=5)),
        MentoringMessage(mentorship_id=pair.id, sender_id=member,
                         body="Thank you! Sent it over. Does Thursday afternoon suit for our "
                              "next meeting?",
                         created_at=now - timedelta(days=14)),
    ])


def _round(by_user: dict[int, dict], waiting: list[int], mentor_ids: set[int],
           special: dict[str, int], now: datetime) -> None:
    """A round for the region with the most members asking, run by the engine, in preview."""
    region_of = dict(db.session.execute(
        sa.select(LocalAuthority.id, LocalAuthority.region_id)).all())
    per_region = Counter(region_of[by_user[uid]["local_authority_id"]] for uid in waiting)
    if not per_region:
        return
    region_id = min(per_region, key=lambda r: (-per_region[r], r))
    in_region = [uid for uid in waiting
                 if region_of[by_user[uid]["local_authority_id"]] == region_id]
    mentors_here = sorted(uid for uid in mentor_ids
                          if region_of[by_user[uid]["local_authority_id"]] == region_id
                          and uid != special["mentor"])
    rows = {r["user_id"]: r for r in profiles.matching_rows(in_region + mentors_here)}
    mentees = [m for m in (bridge.to_mentee(rows[uid]) for uid in in_region if uid in rows)
               if not isinstance(m, str)]
    mentors = [m for m in (bridge.to_mentor(rows[uid], rows[uid]["capacity"] or 0)
                           for uid in mentors_here if uid in rows)
               if not isinstance(m, str) and m.capacity > 0]
    if not mentees:
        return
    result = match_mentors(mentees, mentors)
    from netapp.services.mentoring_rounds import RUN_KIND, default_weights

    name = db.session.scalar(sa.select(Region.name).where(Region.id == region_id))
    rnd = MentoringRound(name=f"{name} spring round", region_id=region_id,
                         status=RoundStatus.PREVIEW, weights=default_weights(),
                         summary=summarise_matches(result), created_by_id=special["coordinator"],
                         created_at=now - timedelta(days=1))
    rnd.stats = {
        "mentees": len(mentees), "mentors": len(mentors),
        "places": sum(m.capacity for m in mentors), "left_out": len(in_region) - len(mentees),
        "matched": len(result.pairs), "max_matches": result.max_matches,
        "optimal": result.optimal, "status": result.status, "total_score": result.total_score,
        "gap": result.gap, "locked": 0, "forbidden": 0, "skipped_rules": 0,
        "seconds_engine": result.stats.get("seconds_total"),
    }
    db.session.add(rnd)
    db.session.flush()
    rnd.job = Job(kind=RUN_KIND, status=JobStatus.DONE, progress=100,
                  message=f"Proposed {len(result.pairs)} pairs for {len(mentees)} mentees.",
                  error="", params={"round_id": rnd.id}, created_by_id=special["coordinator"],
                  created_at=now - timedelta(days=1), started_at=now - timedelta(days=1),
                  finished_at=now - timedelta(days=1))
    proposals = [{"round_id": rnd.id, "mentee_id": bridge.user_id(p.mentee_id),
                  "mentor_id": bridge.user_id(p.mentor_id), "score": p.score,
                  "reason": p.explanation} for p in result.pairs]
    proposals += [{"round_id": rnd.id, "mentee_id": bridge.user_id(u.mentee_id),
                   "mentor_id": None, "score": None, "reason": u.reason}
                  for u in result.unmatched]
    if proposals:
        db.session.execute(sa.insert(RoundProposal), proposals)
