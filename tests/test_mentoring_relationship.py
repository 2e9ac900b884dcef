"""The page a mentor and mentee share: who may open it, goals, meetings, messages, check-ins,
nudges and closing, on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from netapp.extensions import db
from netapp.models import (
    AuditEntry,
    GoalStatus,
    MentoringCheckIn,
    MentoringGoal,
    MentoringMeeting,
    MentoringMessage,
    Mentorship,
    MentorshipStatus,
    Notification,
    Role,
)
from netapp.models.base import utcnow
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.statements import count_statements, statements_per_page

SECRET_MENTOR = "Mentor only: worried about her sickness record"
SECRET_MENTEE = "Mentee only: thinking of leaving in the spring"


@pytest.fixture
def pair(app):
    """An accepted mentorship that began ``days`` ago (10 unless a test moves it)."""
    mentor = make_user(email="meg@example.org", name="Meg Mentor", roles=[Role.MENTOR])
    mentee = make_user(email="mina@example.org", name="Mina Mentee")
    began = utcnow() - timedelta(days=10)
    mentorship = Mentorship(mentor_id=mentor.id, mentee_id=mentee.id,
                            status=MentorshipStatus.ACCEPTED, score=70.0, reason="",
                            created_at=began - timedelta(days=2), responded_at=began)
    db.session.add(mentorship)
    db.session.commit()
    return {"mentor": mentor, "mentee": mentee, "id": mentorship.id}


def began_days_ago(pair, days: int) -> None:
    m = db.session.get(Mentorship, pair["id"])
    m.responded_at = utcnow() - timedelta(days=days)
    m.created_at = m.responded_at - timedelta(days=1)
    db.session.commit()


def login(client, user) -> None:
    client.post("/account/logout")
    response = client.post("/account/login", data={"email": user.email,
                                                   "password": DEFAULT_PASSWORD})
    assert response.status_code == 302


def page(client, pair, **args) -> str:
    response = client.get(f"/mentoring/{pair['id']}", query_string=args)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def add_goal(client, pair, title="Run supervision my team looks forward to",
             elements=("MS3",)):
    return client.post(f"/mentoring/{pair['id']}/goals/new",
                       data={"title": title, "elements": list(elements)})


def log_meeting(client, pair, met_on=None, shared="", private=""):
    met_on = met_on or utcnow().date()
    return client.post(f"/mentoring/{pair['id']}/meetings/new",
                       data={"met_on": met_on.isoformat(), "shared_notes": shared,
                             "private_notes": private})


# ------------------------------------------------------------------ who may open it


def test_only_the_mentor_and_the_mentee_can_open_the_page(client, pair, users):
    for who in (pair["mentor"], pair["mentee"]):
        login(client, who)
        assert "Mentoring with" in page(client, pair)
    for role in ("member", "other_member", "mentor", "coordinator", "admin"):
        login(client, users[role])
        paths = [f"/mentoring/{pair['id']}", f"/mentoring/{pair['id']}/goals/new",
                 f"/mentoring/{pair['id']}/meetings/new", f"/mentoring/{pair['id']}/close",
                 f"/mentoring/{pair['id']}/feedback", f"/mentoring/{pair['id']}/check-in/30"]
        for path in paths:
            assert client.get(path).status_code == 404, f"{role}: {path}"
        assert add_goal(client, pair).status_code == 404
        assert client.post(f"/mentoring/{pair['id']}/messages",
                           data={"body": "hello"}).status_code == 404
    assert db.session.scalar(sa.select(sa.func.count(MentoringGoal.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(MentoringMessage.id))) == 0
    client.post("/account/logout")
    response = client.get(f"/mentoring/{pair['id']}")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]


@pytest.mark.parametrize("status", [MentorshipStatus.OFFERED, MentorshipStatus.REQUESTED,
                                    MentorshipStatus.DECLINED, MentorshipStatus.WITHDRAWN])
def test_the_page_opens_only_once_the_mentor_has_accepted(client, pair, status):
    db.session.get(Mentorship, pair["id"]).status = status
    db.session.commit()
    for who in (pair["mentor"], pair["mentee"]):
        login(client, who)
        assert client.get(f"/mentoring/{pair['id']}").status_code == 404


def test_a_goal_or_meeting_of_another_pair_cannot_be_reached_through_this_one(client, pair):
    login(client, pair["mentor"])
    assert add_goal(client, pair).status_code == 302
    assert log_meeting(client, pair, private=SECRET_MENTOR).status_code == 302
    goal_id = db.session.scalar(sa.select(MentoringGoal.id))
    meeting_id = db.session.scalar(sa.select(MentoringMeeting.id))
    # Another pair: the same mentee's guessed ids through their own page get nothing.
    stranger = make_user(email="sam@example.org", name="Sam Stranger", roles=[Role.MENTOR])
    other = Mentorship(mentor_id=stranger.id, mentee_id=pair["mentee"].id,
                       status=MentorshipStatus.ACCEPTED, responded_at=utcnow())
    db.session.add(other)
    db.session.commit()
    login(client, stranger)
    assert client.get(f"/mentoring/{other.id}/goals/{goal_id}").status_code == 404
    assert client.post(f"/mentoring/{other.id}/goals/{goal_id}/status",
                       data={f"goal{goal_id}-status": "dropped"}).status_code == 404
    response = client.get(f"/mentoring/{other.id}/meetings/{meeting_id}")
    assert response.status_code == 404
    assert SECRET_MENTOR not in response.get_data(as_text=True)
    assert db.session.get(MentoringGoal, goal_id).status is GoalStatus.NOT_STARTED


# ------------------------------------------------------------------ goals


def test_the_pair_agree_a_goal_tied_to_the_framework_and_move_it_on(client, pair):
    login(client, pair["mentee"])
    response = add_goal(client, pair, elements=("MS3", "WO2"))
    assert response.status_code == 302
    goal = db.session.scalar(sa.select(MentoringGoal))
    assert goal.element_codes == ["WO2", "MS3"]  # in the framework's order
    login(client, pair["mentor"])
    html = page(client, pair)
    assert "Run supervision my team looks forward to" in html
    assert "Managing people" in html and "Building and maintaining relationships" in html
    assert "Not started" in html

    response = client.post(f"/mentoring/{pair['id']}/goals/{goal.id}/status",
                           data={f"goal{goal.id}-status": "in_progress"})
    assert response.status_code == 302
    assert "In progress" in page(client, pair)
    response = client.post(f"/mentoring/{pair['id']}/goals/{goal.id}",
                           data={"title": "Run supervision well", "elements": ["MS3"]})
    assert response.status_code == 302
    db.session.refresh(goal)
    assert (goal.title, goal.element_codes, goal.status) == (
        "Run supervision well", ["MS3"], GoalStatus.IN_PROGRESS)
    actions = set(db.session.scalars(sa.select(AuditEntry.action)))
    assert {"mentoring.goal_added", "mentoring.goal_status", "mentoring.goal_edited"} <= actions


def test_a_goal_needs_a_framework_element_and_keeps_what_was_typed(client, pair):
    login(client, pair["mentee"])
    response = add_goal(client, pair, title="Feel calmer at inspections", elements=())
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Choose at least one part of the framework" in html
    assert 'value="Feel calmer at inspections"' in html
    response = add_goal(client, pair, elements=("XX9",))
    assert response.status_code == 200
    assert db.session.scalar(sa.select(sa.func.count(MentoringGoal.id))) == 0


# ------------------------------------------------------------------ meetings


def test_private_notes_are_seen_only_by_their_writer(client, pair):
    login(client, pair["mentor"])
    assert log_meeting(client, pair, shared="Talked about rotas",
                       private=SECRET_MENTOR).status_code == 302
    meeting = db.session.scalar(sa.select(MentoringMeeting))
    assert SECRET_MENTOR in page(client, pair)

    login(client, pair["mentee"])
    html = page(client, pair)
    assert "Talked about rotas" in html
    assert SECRET_MENTOR not in html
    edit = client.get(f"/mentoring/{pair['id']}/meetings/{meeting.id}").get_data(as_text=True)
    assert "Talked about rotas" in edit and SECRET_MENTOR not in edit
    # The mentee adds their own private notes; the mentor's stay as they were.
    response = client.post(f"/mentoring/{pair['id']}/meetings/{meeting.id}",
                           data={"met_on": meeting.met_on.isoformat(),
                                 "shared_notes": "Talked about rotas",
                                 "private_notes": SECRET_MENTEE})
    assert response.status_code == 302
    db.session.refresh(meeting)
    assert (meeting.mentor_notes, meeting.mentee_notes) == (SECRET_MENTOR, SECRET_MENTEE)
    assert SECRET_MENTEE in page(client, pair)

    login(client, pair["mentor"])
    html = page(client, pair)
    assert SECRET_MENTOR in html and SECRET_MENTEE not in html
    edit = client.get(f"/mentoring/{pair['id']}/meetings/{meeting.id}").get_data(as_text=True)
    assert SECRET_MENTOR in edit and SECRET_MENTEE not in edit
    # The audit log records the meetings, never their notes.
    details = " ".join(str(d) for d in db.session.scalars(sa.select(AuditEntry.detail)))
    assert "rotas" not in details and "sickness" not in details and "leaving" not in details


def test_a_meeting_cannot_be_in_the_future_or_before_the_mentoring_began(client, pair):
    login(client, pair["mentee"])
    today = utcnow().date()
    response = log_meeting(client, pair, met_on=today + timedelta(days=1), shared="Plans")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "can&#39;t be in the future" in html and "Plans" in html
    response = log_meeting(client, pair, met_on=today - timedelta(days=11))
    assert "Your mentoring began on" in response.get_data(as_text=True)
    assert log_meeting(client, pair, met_on=today - timedelta(days=10)).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(MentoringMeeting.id))) == 1


def test_meetings_are_listed_newest_first_and_paged(client, pair):
    began_days_ago(pair, 40)
    login(client, pair["mentor"])
    today = utcnow().date()
    for n in range(12):
        assert log_meeting(client, pair, met_on=today - timedelta(days=n),
                           shared=f"Meeting number {n:02d}").status_code == 302
    html = page(client, pair)
    assert html.index("Meeting number 00") < html.index("Meeting number 09")
    assert "Meeting number 10" not in html
    assert "Meeting number 11" in page(client, pair, meetings=2)


# ------------------------------------------------------------------ messages


def test_a_message_reaches_the_other_side_without_its_words_in_the_email(client, pair,
                                                                          mailbox):
    login(client, pair["mentor"])
    response = client.post(f"/mentoring/{pair['id']}/messages",
                           data={"body": "Shall we meet on Tuesday about the rota?"})
    assert response.status_code == 302
    sent = mailbox.to(pair["mentee"].email)
    assert len(sent) == 1
    body = sent[0].get_payload(decode=True).decode()
    assert "Meg Mentor sent you a message" in sent[0]["Subject"] + body
    assert "Tuesday" not in body and "Tuesday" not in sent[0]["Subject"]
    assert mailbox.to(pair["mentor"].email) == []
    note = db.session.scalar(sa.select(Notification).where(
        Notification.user_id == pair["mentee"].id))
    assert note.kind == "message" and "Tuesday" not in note.text
    login(client, pair["mentee"])
    assert "Shall we meet on Tuesday about the rota?" in page(client, pair)
    details = " ".join(str(d) for d in db.session.scalars(sa.select(AuditEntry.detail)))
    assert "Tuesday" not in details


def test_messages_show_newest_last_and_page_back(client, pair):
    login(client, pair["mentee"])
    start = utcnow() - timedelta(hours=1)
    db.session.add_all(MentoringMessage(mentorship_id=pair["id"], sender_id=pair["mentee"].id,
                                        body=f"Message number {n:02d}",
                                        created_at=start + timedelta(minutes=n))
                       for n in range(12))
    db.session.commit()
    html = page(client, pair)
    assert html.index("Message number 02") < html.index("Message number 11")
    assert "Message number 01" not in html and "Older messages" in html
    older = page(client, pair, messages=2)
    assert "Message number 00" in older and "Message number 01" in older
    assert "Message number 05" not in older


def test_an_empty_message_is_refused_on_the_page(client, pair):
    login(client, pair["mentee"])
    response = client.post(f"/mentoring/{pair['id']}/messages", data={"body": "  "})
    assert response.status_code == 422
    assert "Write a message first." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(MentoringMessage.id))) == 0


# ------------------------------------------------------------------ nudges


def _nudges(runner):
    result = runner.invoke(args=["mentoring-nudges"])
    assert result.exit_code == 0, result.output
    return result.output


def _kinds(user, kind):
    return db.session.scalar(sa.select(sa.func.count(Notification.id)).where(
        Notification.user_id == user.id, Notification.kind == kind))


def test_a_pair_who_have_not_met_for_30_days_are_nudged_once(app, client, runner, pair,
                                                             mailbox):
    login(client, pair["mentee"])
    assert "Time to catch up?" not in page(client, pair)
    assert "Nudged 0" in _nudges(runner)

    began_days_ago(pair, 31)
    assert "Time to catch up?" in page(client, pair)
    assert "Nudged 1 pair" in _nudges(runner)
    assert _kinds(pair["mentor"], "nudge") == 1 and _kinds(pair["mentee"], "nudge") == 1
    assert len([m for m in mailbox.to(pair["mentee"].email)
                if "been a while" in m["Subject"]]) == 1
    assert "Nudged 0" in _nudges(runner)  # once per 30 days
    assert _kinds(pair["mentee"], "nudge") == 1

    # They meet; the prompt goes. 31 days after that meeting, and a month after the last
    # nudge, they are nudged again.
    assert log_meeting(client, pair, met_on=utcnow().date()).status_code == 302
    assert "Time to catch up?" not in page(client, pair)
    m = db.session.get(Mentorship, pair["id"])
    m.last_nudged_at = utcnow() - timedelta(days=31)
    db.session.execute(sa.update(MentoringMeeting).values(
        met_on=utcnow().date() - timedelta(days=31)))
    db.session.commit()
    assert "Nudged 1 pair" in _nudges(runner)
    assert _kinds(pair["mentee"], "nudge") == 2


def test_closed_pairs_are_never_nudged(runner, pair):
    began_days_ago(pair, 90)
    m = db.session.get(Mentorship, pair["id"])
    m.status, m.closed_at = MentorshipStatus.COMPLETED, utcnow()
    db.session.commit()
    assert "Nudged 0 pair(s); sent 0" in _nudges(runner)


# ------------------------------------------------------------------ check-ins


def test_check_ins_open_at_30_days_and_the_other_side_never_sees_the_answer(
        client, runner, pair, mailbox):
    login(client, pair["mentee"])
    assert client.get(f"/mentoring/{pair['id']}/check-in/30").status_code == 302
    assert "Answer the 30-day check-in" not in page(client, pair)

    began_days_ago(pair, 31)
    assert "sent 2 check-in" in _nudges(runner)
    assert _kinds(pair["mentee"], "checkin") == 1 and _kinds(pair["mentor"], "checkin") == 1
    assert "sent 0 check-in" in _nudges(runner)
    assert "Answer the 30-day check-in" in page(client, pair)
    form = client.get(f"/mentoring/{pair['id']}/check-in/30").get_data(as_text=True)
    assert "How useful is your mentoring so far?" in form
    response = client.post(f"/mentoring/{pair['id']}/check-in/30",
                           data={"rating": "2", "comment": "We keep missing each other"})
    assert response.status_code == 302
    answer = db.session.scalar(sa.select(MentoringCheckIn))
    assert (answer.user_id, answer.day, answer.rating) == (pair["mentee"].id, 30, 2)
    assert "Answer the 30-day check-in" not in page(client, pair)
    # A second answer is refused.
    client.post(f"/mentoring/{pair['id']}/check-in/30", data={"rating": "5"})
    assert db.session.scalar(sa.select(sa.func.count(MentoringCheckIn.id))) == 1

    login(client, pair["mentor"])
    html = page(client, pair)
    assert "We keep missing each other" not in html
    assert "Answer the 30-day check-in" in html  # the mentor's own is still to do
    form = client.get(f"/mentoring/{pair['id']}/check-in/30").get_data(as_text=True)
    assert "We keep missing each other" not in form and 'checked' not in form
    assert all("missing each other" not in m.get_payload(decode=True).decode()
               for m in mailbox.messages)
    details = " ".join(str(d) for d in db.session.scalars(sa.select(AuditEntry.detail)))
    assert "missing" not in details and "'rating'" not in details

    began_days_ago(pair, 61)
    assert "sent 2 check-in" in _nudges(runner)
    assert "Answer the 60-day check-in" in page(client, pair)


def test_coordinators_see_averages_only_from_five_answers(client, users, pair):
    login(client, users["coordinator"])
    html = client.get("/mentoring/check-ins").get_data(as_text=True)
    assert "Not shown until 5 have answered" in html
    people = [make_user(email=f"p{n}@example.org") for n in range(5)]
    ratings = zip(people, (1, 2, 3, 4, 4), strict=True)
    db.session.add_all(MentoringCheckIn(mentorship_id=pair["id"], user_id=p.id, day=30,
                                        rating=r) for p, r in ratings)
    db.session.commit()
    html = client.get("/mentoring/check-ins").get_data(as_text=True)
    assert "3.0" in html and "5 or more" in html  # 2.8 to the half point
    assert "Meg Mentor" not in html and "Mina Mentee" not in html
    login(client, users["member"])
    assert client.get("/mentoring/check-ins").status_code == 403


# ------------------------------------------------------------------ closing


def test_closing_asks_first_tells_the_other_side_and_leaves_the_page_read_only(
        client, pair, mailbox):
    login(client, pair["mentor"])
    add_goal(client, pair)
    html = client.get(f"/mentoring/{pair['id']}/close").get_data(as_text=True)
    assert "Close your mentoring with Mina Mentee?" in html
    assert db.session.get(Mentorship, pair["id"]).status is MentorshipStatus.ACCEPTED
    response = client.post(f"/mentoring/{pair['id']}/close", data={})
    assert response.status_code == 200
    assert "Choose how your mentoring ends." in response.get_data(as_text=True)

    response = client.post(f"/mentoring/{pair['id']}/close",
                           data={"outcome": "completed", "feedback": "A joy to work with."})
    assert response.status_code == 302
    m = db.session.get(Mentorship, pair["id"])
    assert m.status is MentorshipStatus.COMPLETED and m.closed_at is not None
    assert m.mentor_feedback == "A joy to work with."
    assert _kinds(pair["mentee"], "closed") == 1
    assert any("closed your mentoring" in x["Subject"] for x in mailbox.to(pair["mentee"].email))

    login(client, pair["mentee"])
    html = page(client, pair)
    assert "This mentoring has finished" in html and "A joy to work with." in html
    assert "Add a goal" not in html and "Send to" not in html
    assert add_goal(client, pair, title="Another").status_code == 302
    assert log_meeting(client, pair).status_code == 302
    for form in ("goals/new", "meetings/new", "check-in/30"):
        assert client.get(f"/mentoring/{pair['id']}/{form}").status_code == 302
    assert client.post(f"/mentoring/{pair['id']}/messages",
                       data={"body": "Still there?"}).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(MentoringMessage.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(MentoringGoal.id))) == 1
    assert db.session.scalar(sa.select(sa.func.count(MentoringMeeting.id))) == 0
    # The mentee adds their feedback after the close.
    response = client.post(f"/mentoring/{pair['id']}/feedback",
                           data={"feedback": "Thank you, Meg."})
    assert response.status_code == 302
    db.session.refresh(m)
    assert m.mentee_feedback == "Thank you, Meg."
    actions = set(db.session.scalars(sa.select(AuditEntry.action)))
    assert {"mentoring.closed", "mentoring.feedback_given"} <= actions


# ------------------------------------------------------------------ queries


def _fill(pair, n: int) -> None:
    today = utcnow().date()
    start = utcnow() - timedelta(days=5)
    for k in range(n):
        db.session.add(MentoringGoal(mentorship_id=pair["id"], title=f"Goal {k}",
                                     element_codes=["PQ1", "MS2"]))
        db.session.add(MentoringMeeting(mentorship_id=pair["id"], met_on=today,
                                        shared_notes=f"Shared {k}", mentor_notes="m",
                                        mentee_notes="e"))
        db.session.add(MentoringMessage(mentorship_id=pair["id"],
                                        sender_id=pair["mentor"].id, body=f"Hi {k}",
                                        created_at=start + timedelta(minutes=k)))
    db.session.commit()


def test_the_page_runs_the_same_number_of_queries_however_much_it_holds(client, pair):
    began_days_ago(pair, 45)
    login(client, pair["mentee"])
    path = f"/mentoring/{pair['id']}"
    client.get(path)  # the framework is loaded once, on first use
    _fill(pair, 2)
    small = count_statements(client, path)
    _fill(pair, 18)
    large = count_statements(client, path)
    assert small == large


def test_the_task_queue_runs_the_same_reminders_on_a_schedule(app, pair, mailbox):
    from netapp.tasks import huey, mentoring_reminders

    assert mentoring_reminders.task_class in huey._registry._periodic_tasks
    began_days_ago(pair, 31)
    mentoring_reminders.call_local()
    mentoring_reminders.call_local()
    assert _kinds(pair["mentor"], "nudge") == 1 and _kinds(pair["mentee"], "checkin") == 1
    link = mailbox.last_link(pair["mentee"].email)
    assert link.startswith("http://localhost/mentoring/")


def test_the_home_page_leads_each_side_to_their_mentoring(client, pair, users):
    for who, other in ((pair["mentor"], "Mina Mentee"), (pair["mentee"], "Meg Mentor")):
        login(client, who)
        html = client.get("/home").get_data(as_text=True)
        assert f'href="/mentoring/{pair["id"]}"' in html and f"Mentoring with {other}" in html
    login(client, users["coordinator"])
    html = client.get("/home").get_data(as_text=True)
    assert f'href="/mentoring/{pair["id"]}"' not in html and "/mentoring/check-ins" in html


def test_the_page_and_its_forms_run_a_few_statements_on_any_page_of_meetings(client, pair):
    began_days_ago(pair, 80)
    login(client, pair["mentee"])
    base = f"/mentoring/{pair['id']}"
    paths = [base, f"{base}?meetings=2&messages=2", f"{base}/goals/new",
             f"{base}/meetings/new"]
    client.get(base)  # the framework is loaded once, on first use
    db.session.add(MentoringMeeting(mentorship_id=pair["id"],
                                    met_on=utcnow().date() - timedelta(days=40)))
    db.session.commit()
    _fill(pair, 1)
    goal = db.session.scalar(sa.select(MentoringGoal.id))
    paths.append(f"{base}/goals/{goal}")
    small = statements_per_page(client, paths)
    _fill(pair, 30)
    assert small == statements_per_page(client, paths)
    # (each count takes in the signed-in person's, which a serving process keeps)
    assert small[base] <= 2 and small[f"{base}/goals/new"] <= 2, small
    assert max(small[f"{base}/goals/{goal}"], small[f"{base}/meetings/new"]) <= 3, small
    # Met today: no nudge on the first page of meetings, nor on a later one or one past the
    # end (the latest meeting is read with each page, or on its own past the end).
    for meetings_page in (1, 4, 99):
        assert "Time to catch up?" not in page(client, pair, meetings=meetings_page)
    # The one meeting, 40 days ago: the nudge says how long it has been, on any page.
    db.session.execute(sa.delete(MentoringMeeting).where(
        MentoringMeeting.met_on == utcnow().date()))
    db.session.commit()
    for meetings_page in (1, 99):
        text = page(client, pair, meetings=meetings_page)
        assert "It's been over a month since you last met" in text
