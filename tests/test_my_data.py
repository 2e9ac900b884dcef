"""My data: export everything we hold, and erase the account (checked in the database)."""
import csv
import io
import json
import zipfile

import pytest
import sqlalchemy as sa

from netapp.extensions import db
from netapp.models import (
    AssessmentScore,
    AuditEntry,
    NetworkMembership,
    Profile,
    SelfAssessment,
    User,
    UserRole,
    member_needs,
    member_offers,
)
from netapp.services import lqf
from tests.profile_helpers import assess, give_profile, join, load_reference


@pytest.fixture
def member(app, users, auth):
    load_reference()
    user = users["member"]
    give_profile(user, "Leeds", capacity=1, offers=("finance",), needs=("leadership", "digital"))
    assess(user)
    join(user, "women")
    auth.login(user.email)
    return user


def _zip(response) -> zipfile.ZipFile:
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    return zipfile.ZipFile(io.BytesIO(response.data))


def test_export_holds_everything_as_json_and_csv(client, member):
    archive = _zip(client.post("/me/data/export"))
    assert set(archive.namelist()) == {
        "my-data.json", "account.csv", "profile.csv", "needs_and_offers.csv", "networks.csv",
        "self_assessments.csv", "feedback_invitations.csv", "feedback_given.csv",
        "activity.csv", "action_learning_sets.csv", "mentoring.csv", "events.csv",
        "discussion_posts.csv", "stories.csv", "peer_hellos.csv", "learning_done.csv",
        "programme_updates.csv", "programme_feedback.csv"}
    data = json.loads(archive.read("my-data.json"))
    assert data["account"]["email"] == "member@example.org"
    assert data["profile"]["council"] == "Leeds"
    assert data["profile"]["region"] == "Yorkshire and the Humber"
    assert data["profile"]["mentor_capacity"] == 1
    assert data["needs"] == ["Leadership", "Digital records and technology"]
    assert data["offers"] == ["Finance and budgets"]
    assert {n["network"] for n in data["networks"]} == {
        "Leeds Registered Managers network", "Women managers network"}
    women = next(n for n in data["networks"] if n["kind"] == "affinity")
    assert women["consent_text_version"] and women["consent_given_at"]
    assert len(data["self_assessments"]) == 1
    assert len(data["self_assessments"][0]["scores"]) == 28
    rows = list(csv.DictReader(io.StringIO(archive.read("self_assessments.csv").decode())))
    assert len(rows) == 28 and {r["element"] for r in rows} >= {"PQ1", "DS4"}
    needs = list(csv.reader(io.StringIO(archive.read("needs_and_offers.csv").decode())))
    assert ["offer", "Finance and budgets"] in needs
    assert "account.logged_in" in archive.read("activity.csv").decode()


def test_export_has_my_mentoring_but_never_the_other_sides_private_words(client, member,
                                                                          users):
    from datetime import date

    from netapp.models import (
        MentoringCheckIn,
        MentoringMeeting,
        MentoringMessage,
        Mentorship,
        MentorshipStatus,
    )

    mentor = users["mentor"]
    ship = Mentorship(mentee_id=member.id, mentor_id=mentor.id,
                      status=MentorshipStatus.ACCEPTED, reason="Covers leadership.",
                      mentor_feedback="Mentor's view", mentee_feedback="My view")
    db.session.add(ship)
    db.session.flush()
    db.session.add_all([
        MentoringMeeting(mentorship_id=ship.id, met_on=date(2026, 10, 1),
                         shared_notes="Agreed a plan", mentee_notes="my own thoughts",
                         mentor_notes="the mentor's private thoughts"),
        MentoringMessage(mentorship_id=ship.id, sender_id=member.id, body="Thanks for today"),
        MentoringMessage(mentorship_id=ship.id, sender_id=mentor.id, body="Mentor wrote this"),
        MentoringCheckIn(mentorship_id=ship.id, user_id=mentor.id, day=30, rating=2,
                         comment="mentor's check-in"),
    ])
    db.session.commit()
    archive = _zip(client.post("/me/data/export"))
    data = json.loads(archive.read("my-data.json"))
    [mine] = data["mentoring"]
    assert mine["as"] == "mentee" and mine["with"] == "Meg Mentor"
    assert mine["my_feedback"] == "My view"
    assert mine["meetings"][0]["shared_notes"] == "Agreed a plan"
    assert mine["meetings"][0]["my_private_notes"] == "my own thoughts"
    assert [m["text"] for m in mine["messages_i_sent"]] == ["Thanks for today"]
    text = json.dumps(data)
    for private in ("the mentor's private thoughts", "Mentor's view", "mentor's check-in"):
        assert private not in text
    rows = list(csv.DictReader(io.StringIO(archive.read("mentoring.csv").decode())))
    assert rows[0]["status"] == "accepted"


def test_export_is_audited_and_needs_a_post(client, member):
    assert client.get("/me/data/export").status_code == 405
    client.post("/me/data/export")
    entry = db.session.execute(sa.select(AuditEntry).where(
        AuditEntry.action == "data.exported")).scalar_one()
    assert entry.actor_id == member.id


def test_export_contains_only_my_data(client, member, users):
    load_reference()
    give_profile(users["other_member"], "Leeds", needs=("finance",))
    data = json.loads(_zip(client.post("/me/data/export")).read("my-data.json"))
    assert "other@example.org" not in json.dumps(data)


def test_export_has_feedback_i_gave_but_not_who_answered_mine(client, member, users, auth,
                                                             mailbox):
    """My own answers to others are mine; whether each person I invited answered is not."""
    from tests.factories import make_user

    fw = lqf.framework()
    colleagues = ["ann@example.org", "bob@example.org", "cat@example.org"]
    for address in colleagues:
        make_user(email=address)
    assert client.post("/me/feedback", data={"emails": "\n".join(colleagues)}).status_code == 302
    auth.logout()
    # Ann answers Mina; Otto asks Mina, who answers him.
    every_3 = {e.code: "3" for d in fw.dimensions for e in d.elements} | {"send": "1"}
    auth.login("ann@example.org")
    client.post(mailbox.last_link("ann@example.org").split("localhost", 1)[1], data=every_3)
    auth.logout()
    auth.login(users["other_member"].email)
    client.post("/me/feedback", data={"emails": "\n".join([member.email, *colleagues[1:]])})
    auth.logout()
    auth.login(member.email)
    client.post(mailbox.last_link(member.email).split("localhost", 1)[1], data=every_3)

    archive = _zip(client.post("/me/data/export"))
    data = json.loads(archive.read("my-data.json"))
    (request,) = data["feedback_requests"]
    assert [i["email"] for i in request["invited"]] == colleagues
    assert all(set(i) == {"email", "invited_at"} for i in request["invited"])
    assert "answered" not in archive.read("feedback_invitations.csv").decode()
    (given,) = data["feedback_given"]
    assert given["for"] == "Otto Other" and given["invited_as"] == member.email
    assert given["sent_at"] and given["scores"] == {code: 3 for code in given["scores"]}
    assert len(given["scores"]) == 28
    rows = list(csv.DictReader(io.StringIO(archive.read("feedback_given.csv").decode())))
    assert len(rows) == 28 and rows[0]["for"] == "Otto Other"
    # Nothing of Otto's results, nor anyone else's answers to him.
    assert "bob@example.org" not in json.dumps(given) and "average" not in json.dumps(given)


def test_erase_asks_for_confirmation(client, member):
    html = client.get("/me/data/erase").get_data(as_text=True)
    assert "can&#39;t be undone" in html or "can't be undone" in html
    response = client.post("/me/data/erase", data={"password": "correct horse battery"})
    assert response.status_code == 400
    assert "Tick the box to confirm" in response.get_data(as_text=True)
    response = client.post("/me/data/erase", data={"password": "wrong", "confirm": "y"})
    assert response.status_code == 400
    assert db.session.get(User, member.id) is not None


def test_erase_removes_personal_data_and_keeps_anonymous_statistics(client, member):
    uid = member.id
    client.post("/me/data/export")  # leaves an audit entry naming the member as actor
    response = client.post("/me/data/erase",
                           data={"password": "correct horse battery", "confirm": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    count = lambda stmt: db.session.scalar(sa.select(sa.func.count()).select_from(stmt))  # noqa: E731
    assert db.session.get(User, uid) is None
    assert db.session.scalar(sa.select(sa.func.count(User.id))
                             .where(User.email == "member@example.org")) == 0
    assert db.session.get(Profile, uid) is None
    assert count(sa.select(UserRole).where(UserRole.user_id == uid).subquery()) == 0
    memberships = sa.select(NetworkMembership).where(NetworkMembership.user_id == uid)
    assert count(memberships.subquery()) == 0
    assert count(sa.select(member_needs).where(member_needs.c.user_id == uid).subquery()) == 0
    assert count(sa.select(member_offers).where(member_offers.c.user_id == uid).subquery()) == 0
    # The self-assessment stays, with no link to the person.
    kept = db.session.execute(sa.select(SelfAssessment)).scalar_one()
    assert kept.user_id is None
    assert count(sa.select(AssessmentScore).subquery()) == 28
    # The audit log keeps what happened, but nothing that points at the person.
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id))
                             .where(AuditEntry.actor_id == uid)) == 0
    erased = db.session.execute(sa.select(AuditEntry).where(
        AuditEntry.action == "account.erased")).scalar_one()
    assert erased.actor_id is None and erased.detail == {}
    texts = db.session.scalars(sa.select(AuditEntry.detail)).all()
    assert all("member@example.org" not in json.dumps(t) for t in texts)
    # And the person is logged out.
    assert client.get("/me").status_code == 302


def test_erasing_one_member_leaves_others_alone(client, member, users):
    other = users["other_member"]
    give_profile(other, "Leeds")
    assess(other)
    client.post("/me/data/erase", data={"password": "correct horse battery", "confirm": "y"})
    db.session.expire_all()
    assert db.session.get(Profile, other.id) is not None
    assert db.session.scalar(sa.select(sa.func.count(SelfAssessment.id))
                             .where(SelfAssessment.user_id == other.id)) == 1


def test_erase_removes_my_address_from_feedback_i_gave(client, member, users, auth):
    from netapp.models import FeedbackRater, FeedbackRound, FeedbackScore
    from netapp.models.base import utcnow
    from netapp.services import lqf

    other = users["other_member"]
    round_ = FeedbackRound(user_id=other.id, framework_id=lqf.framework().id)
    rater = FeedbackRater(email=member.email, token_hash="x" * 64, submitted_at=utcnow())
    round_.raters.append(rater)
    db.session.add(round_)
    db.session.flush()
    element = lqf.framework().dimensions[0].elements[0]
    db.session.add(FeedbackScore(rater_id=rater.id, element_id=element.id, score=3))
    db.session.commit()
    client.post("/me/data/erase", data={"password": "correct horse battery", "confirm": "y"})
    db.session.expire_all()
    kept = db.session.get(FeedbackRater, rater.id)
    assert kept.email == "" and len(kept.scores) == 1


def test_erase_drops_unfinished_drafts(client, member):
    from netapp.services import lqf

    fw = lqf.framework()
    lqf.save_scores(member, fw, {fw.dimensions[0].elements[0].id: 4})  # a draft of 28 answers
    client.post("/me/data/erase", data={"password": "correct horse battery", "confirm": "y"})
    db.session.expire_all()
    kept = db.session.scalars(sa.select(SelfAssessment)).all()
    assert len(kept) == 1 and kept[0].completed_at is not None and kept[0].user_id is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AssessmentScore)) == 28
