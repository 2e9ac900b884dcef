"""Demo data for the programme report: members reporting the Leadership in Care Award, their
service's rating and compliance action over the last 18 months, and feedback on the network.

Bulk inserts, no commit. Shares are rough and plausible, not sector statistics: about half of
members tell us their rating (most are good), about one in eight is working towards the Award,
one in six has given feedback, about one in ten has marked a learning resource done, and
about one in sixteen has asked colleagues for 360 feedback.
"""
from __future__ import annotations

import random
from datetime import datetime, timedelta

import sqlalchemy as sa

from netapp.data.lqf import LQF_CODE
from netapp.extensions import db
from netapp.models import (
    FeedbackRater,
    FeedbackRound,
    Framework,
    LocalAuthority,
    Resource,
    ResourceDone,
)
from netapp.models.coordinator import ProgrammeFeedback, ProgrammeUpdate, UpdateKind

DAYS = 540  # about 18 months
RATED_SHARE = 0.55
RATINGS = (("outstanding", 5), ("good", 72), ("requires_improvement", 18),
           ("inadequate", 2), ("not_rated", 3))
AWARD_SHARE = 0.12
COMPLETED_SHARE = 0.4  # of those applying, how many have finished since
FEEDBACK_SHARE = 0.16
FEEDBACK_RATINGS = ((1, 3), (2, 7), (3, 20), (4, 40), (5, 30))
COMMENT_SHARE = 0.35
LEARNER_SHARE = 0.1
ROUND_SHARE = 0.06
COMMENTS = (
    "Meeting other managers nearby has made me feel much less alone in the job.",
    "The action learning set helped me think through a tricky staffing problem.",
    "My mentor helped me get ready for our inspection. Thank you.",
    "I'd like more events in the evening: daytime is hard to get away.",
    "Good to have somewhere to ask questions without feeling judged.",
    "The self-assessment showed me where to focus my own development.",
    "Online meetings work well for me as I cover two services.",
    "It would help to have more on finance and running a small business.",
    "I haven't had much time to take part yet, but what I've seen is useful.",
    "The recruitment questions saved me hours when hiring a deputy.",
    "More sessions on wellbeing for managers, please.",
    "Hard to find the time, but always glad when I do.",
)


def seed_programme(rng: random.Random, profile_rows: list[dict], special: dict[str, int],
                   now: datetime) -> None:
    """Programme reports and feedback for a share of the demo members."""
    region_of = dict(db.session.execute(
        sa.select(LocalAuthority.id, LocalAuthority.region_id)).all())
    staff = {special["admin"], special["coordinator"]}
    updates, feedback = [], []
    values, weights = zip(*RATINGS, strict=True)
    scores, score_weights = zip(*FEEDBACK_RATINGS, strict=True)

    def when(earliest: int = DAYS, latest: int = 0) -> datetime:
        return now - timedelta(days=rng.randint(latest, earliest), minutes=rng.randint(0, 600))

    for row in profile_rows:
        uid = row["user_id"]
        if uid in staff:
            continue
        if rng.random() < RATED_SHARE:
            rating = rng.choices(values, weights=weights)[0]
            first = when()
            updates.append((uid, UpdateKind.RATING, rating, first))
            if rating != "not_rated":
                at_risk = rating in ("requires_improvement", "inadequate")
                action = rng.random() < (0.6 if at_risk else 0.05)
                updates.append((uid, UpdateKind.COMPLIANCE, "action" if action else "none",
                                first))
                if at_risk and rng.random() < 0.3:  # re-inspected and improved since
                    updates.append((uid, UpdateKind.RATING, "good", when((now - first).days)))
                    updates.append((uid, UpdateKind.COMPLIANCE, "none",
                                    updates[-1][3]))
        if rng.random() < AWARD_SHARE:
            applied = when()
            updates.append((uid, UpdateKind.AWARD, "applying", applied))
            if rng.random() < COMPLETED_SHARE:
                updates.append((uid, UpdateKind.AWARD, "completed",
                                when(max(0, (now - applied).days - 1))))
        if rng.random() < FEEDBACK_SHARE:
            feedback.append({
                "user_id": uid, "region_id": region_of.get(row["local_authority_id"]),
                "rating": rng.choices(scores, weights=score_weights)[0],
                "comment": rng.choice(COMMENTS) if rng.random() < COMMENT_SHARE else "",
                "created_at": when(),
            })
    if updates:
        db.session.execute(sa.insert(ProgrammeUpdate), [
            {"user_id": uid, "kind": kind, "value": value, "reported_at": at}
            for uid, kind, value, at in sorted(updates, key=lambda u: u[3])])
    if feedback:
        db.session.execute(sa.insert(ProgrammeFeedback), feedback)
    # Not the demo logins: their learning pages stay as a newcomer would see them.
    _resources_done(rng, profile_rows, set(special.values()), when)
    _feedback_rounds(rng, profile_rows, set(special.values()), when)


def _resources_done(rng, profile_rows, left_out: set[int], when) -> None:
    """A few learning resources marked done, for the report's use of the LQF."""
    resource_ids = list(db.session.scalars(sa.select(Resource.id).order_by(Resource.id)))
    if not resource_ids:
        return
    rows = []
    for row in profile_rows:
        if row["user_id"] not in left_out and rng.random() < LEARNER_SHARE:
            for resource_id in rng.sample(resource_ids, k=min(len(resource_ids),
                                                              rng.randint(1, 3))):
                rows.append({"user_id": row["user_id"], "resource_id": resource_id,
                             "done_at": when()})
    if rows:
        db.session.execute(sa.insert(ResourceDone), rows)


def _feedback_rounds(rng, profile_rows, left_out: set[int], when) -> None:
    """A few rounds of 360 feedback asked for, for the report's use of the LQF: three to five
    colleagues invited to each, none of them answered yet (no scores to make up)."""
    framework_id = db.session.scalar(sa.select(Framework.id).where(Framework.code == LQF_CODE))
    asking = [(row["user_id"], when()) for row in profile_rows
              if row["user_id"] not in left_out and rng.random() < ROUND_SHARE]
    if framework_id is None or not asking:
        return
    round_ids = db.session.scalars(
        sa.insert(FeedbackRound).returning(FeedbackRound.id, sort_by_parameter_order=True),
        [{"user_id": uid, "framework_id": framework_id, "created_at": at}
         for uid, at in asking]).all()
    db.session.execute(sa.insert(FeedbackRater), [
        {"round_id": round_id, "email": f"colleague{k}.round{round_id}@example.org",
         # Stands for the hash of a link's token: no link was ever sent, so none matches.
         "token_hash": f"{rng.getrandbits(256):064x}", "invited_at": at}
        for round_id, (_, at) in zip(round_ids, asking, strict=True)
        for k in range(1, rng.randint(3, 5) + 1)])
