"""Demo data for mentoring: the demo pair's relationship, an offer waiting for the demo mentor,
a round in preview from the real engine, and members asking for a mentor."""
from __future__ import annotations

import sqlalchemy as sa

from config import TestingConfig
from netapp import create_app
from netapp.extensions import db
from netapp.models import (
    MentoringGoal,
    MentoringMeeting,
    MentoringMessage,
    MentoringRound,
    Mentorship,
    MentorshipStatus,
    Profile,
    RoundProposal,
    RoundStatus,
    User,
)
from netapp.services.demo import DEMO_PASSWORD, seed_demo


def _id(email: str) -> int:
    return db.session.scalar(sa.select(User.id).where(User.email == email))


def test_the_demo_pair_arrive_with_a_relationship_an_offer_and_a_round(app, client):
    logins = {login.role: login for login in seed_demo(members=200, seed=3)}
    mentor, member = _id(logins["mentor"].email), _id(logins["member"].email)
    mine = {m.status: m for m in db.session.scalars(
        sa.select(Mentorship).where(Mentorship.mentor_id == mentor))}
    assert set(mine) == {MentorshipStatus.ACCEPTED, MentorshipStatus.OFFERED}
    pair = mine[MentorshipStatus.ACCEPTED]
    assert pair.mentee_id == member and pair.reason
    assert mine[MentorshipStatus.OFFERED].mentee_id != member
    assert mine[MentorshipStatus.OFFERED].reason
    for model, at_least in ((MentoringGoal, 2), (MentoringMeeting, 2), (MentoringMessage, 1)):
        assert db.session.scalar(sa.select(sa.func.count(model.id))
                                 .where(model.mentorship_id == pair.id)) >= at_least
    assert db.session.get(Profile, mentor).mentor_capacity == 3  # a free place to accept with

    rnd = db.session.scalar(sa.select(MentoringRound))
    assert rnd.status is RoundStatus.PREVIEW and rnd.summary
    proposals = db.session.scalars(sa.select(RoundProposal)
                                   .where(RoundProposal.round_id == rnd.id)).all()
    assert len(proposals) == rnd.stats["mentees"] >= 1
    assert sum(p.mentor_id is not None for p in proposals) == rnd.stats["matched"]
    assert all(p.reason for p in proposals)
    wanting = set(db.session.scalars(sa.select(Profile.user_id)
                                     .where(Profile.wants_mentor.is_(True))))
    assert len(wanting) == 10 and member not in wanting and mentor not in wanting
    assert {p.mentee_id for p in proposals} <= wanting

    # Both open their shared page, with its goals and meetings.
    for who in (logins["mentor"], logins["member"]):
        client.post("/account/logout")
        client.post("/account/login", data={"email": who.email, "password": DEMO_PASSWORD})
        html = client.get(f"/mentoring/{pair.id}").get_data(as_text=True)
        assert "Feel ready for our next CQC inspection" in html
        assert "Walked through the last inspection report" in html
    # The member is 45 days in: their 30-day check-in waits (the mentor answered theirs).
    assert "Answer the 30-day check-in" in html


def _fingerprint(url: str) -> tuple:
    app = create_app(type("Demo", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": url}))
    with app.app_context():
        db.create_all()
        seed_demo(members=120, seed=11)
        result = (
            db.session.execute(sa.select(Mentorship.mentee_id, Mentorship.mentor_id,
                                         Mentorship.status, Mentorship.reason)
                               .order_by(Mentorship.id)).all(),
            db.session.execute(sa.select(RoundProposal.mentee_id, RoundProposal.mentor_id,
                                         RoundProposal.score).order_by(RoundProposal.id)).all(),
            sorted(db.session.scalars(sa.select(Profile.user_id)
                                      .where(Profile.wants_mentor.is_(True)))),
        )
        db.session.remove()
        db.engine.dispose()
    return result


def test_demo_mentoring_is_the_same_for_the_same_seed(tmp_path):
    first = _fingerprint(f"sqlite:///{tmp_path / 'a.sqlite3'}")
    assert first == _fingerprint(f"sqlite:///{tmp_path / 'b.sqlite3'}")
    assert first[0] and first[2]
