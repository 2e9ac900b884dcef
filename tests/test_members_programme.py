"""A member's programme page: the Award, their service's rating and compliance action saved as
dated reports only when they change, feedback on the network, validation, and erasure."""
from __future__ import annotations

import re

import sqlalchemy as sa

from netapp.extensions import db
from netapp.models import AuditEntry
from netapp.models.coordinator import ProgrammeFeedback, ProgrammeUpdate, UpdateKind
from netapp.services import privacy
from tests.profile_helpers import give_profile, load_reference

PASSWORD = "correct horse battery"


def _updates(user_id: int) -> list[tuple[str, str]]:
    return [(u.kind.value, u.value) for u in db.session.scalars(
        sa.select(ProgrammeUpdate).where(ProgrammeUpdate.user_id == user_id)
        .order_by(ProgrammeUpdate.id))]


def _checked(html: str, name: str) -> list[str]:
    """The values of the ticked radio buttons called ``name``."""
    return re.findall(rf'<input checked id="{name}-\d+" name="{name}" type="radio" '
                      r'value="([^"]+)"', html)


def test_the_profile_page_links_to_the_programme_page(client, auth, users):
    auth.login(users["member"].email)
    assert 'href="/me/programme"' in client.get("/me").get_data(as_text=True)
    page = client.get("/me/programme")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Coordinators see totals" in html and "never your name" in html


def test_answers_are_saved_dated_and_only_when_they_change(client, auth, users):
    member = users["member"]
    auth.login(member.email)
    response = client.post("/me/programme", data={"award": "applying", "rating": "good",
                                                  "compliance": "none"})
    assert response.status_code == 302
    assert _updates(member.id) == [("award", "applying"), ("rating", "good"),
                                   ("compliance", "none")]
    # The same answers again: nothing new is recorded.
    client.post("/me/programme", data={"award": "applying", "rating": "good",
                                       "compliance": "none"})
    assert len(_updates(member.id)) == 3
    # One change: one new row, the others untouched.
    client.post("/me/programme", data={"award": "completed", "rating": "good",
                                       "compliance": "none"})
    assert _updates(member.id)[3:] == [("award", "completed")]
    # A question left blank leaves its answer as it was.
    client.post("/me/programme", data={"rating": "requires_improvement"})
    assert _updates(member.id)[4:] == [("rating", "requires_improvement")]
    html = client.get("/me/programme").get_data(as_text=True)
    assert _checked(html, "award") == ["completed"]
    assert _checked(html, "rating") == ["requires_improvement"]
    assert _checked(html, "compliance") == ["none"]
    details = db.session.scalars(sa.select(AuditEntry.detail).where(
        AuditEntry.actor_id == member.id, AuditEntry.action == "programme.updated")).all()
    # one entry per saved change, naming the kind but never the answer
    assert details == [{"kind": "award"}, {"kind": "rating"}, {"kind": "compliance"},
                       {"kind": "award"}, {"kind": "rating"}]


def test_saying_not_yet_with_nothing_recorded_records_nothing(client, auth, users):
    auth.login(users["member"].email)
    client.post("/me/programme", data={"award": "not_yet"})
    assert _updates(users["member"].id) == []
    client.post("/me/programme", data={"award": "applying"})
    client.post("/me/programme", data={"award": "not_yet"})
    assert _updates(users["member"].id) == [("award", "applying"), ("award", "not_yet")]


def test_a_made_up_answer_is_refused_with_a_clear_message_and_nothing_saved(client, auth,
                                                                            users):
    auth.login(users["member"].email)
    response = client.post("/me/programme", data={"award": "applying", "rating": "brilliant"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Choose one of the options shown." in html
    assert _checked(html, "award") == ["applying"]  # what was chosen stays
    assert _updates(users["member"].id) == []


def test_feedback_is_saved_with_the_members_region(client, auth, users):
    load_reference()
    member = users["member"]
    give_profile(member, "Leeds")
    auth.login(member.email)
    response = client.post("/me/programme/feedback",
                           data={"feedback-rating": "4", "feedback-comment": "  Good peers  "})
    assert response.status_code == 302
    row = db.session.scalars(sa.select(ProgrammeFeedback)).one()
    assert (row.user_id, row.rating, row.comment, row.region.name) == \
        (member.id, 4, "Good peers", "Yorkshire and the Humber")
    assert "You last gave feedback on" in client.get("/me/programme").get_data(as_text=True)
    # The audit log says feedback was given, never by whom nor what it said.
    entry = db.session.scalars(sa.select(AuditEntry)
                               .where(AuditEntry.action == "programme.feedback_given")).one()
    assert (entry.actor_id, entry.target_id, entry.detail) == (None, None, {})
    assert (entry.created_at.hour, entry.created_at.minute, entry.created_at.second) == (0, 0, 0)


def test_feedback_again_within_30_days_replaces_the_last(client, auth, users):
    from datetime import timedelta

    auth.login(users["member"].email)
    client.post("/me/programme/feedback", data={"feedback-rating": "2",
                                                "feedback-comment": "Slow start"})
    html = client.get("/me/programme").get_data(as_text=True)
    assert "it replaces what you said then" in html
    client.post("/me/programme/feedback", data={"feedback-rating": "4",
                                                "feedback-comment": "Better now"})
    rows = db.session.scalars(sa.select(ProgrammeFeedback)).all()
    assert [(f.rating, f.comment) for f in rows] == [(4, "Better now")]
    # A month on, feedback is a new response: both count.
    rows[0].created_at -= timedelta(days=30)
    db.session.commit()
    assert "it replaces" not in client.get("/me/programme").get_data(as_text=True)
    client.post("/me/programme/feedback", data={"feedback-rating": "5"})
    assert sorted(f.rating for f in db.session.scalars(sa.select(ProgrammeFeedback))) == [4, 5]


def test_feedback_without_a_profile_is_kept_without_a_region(client, auth, users):
    auth.login(users["member"].email)
    client.post("/me/programme/feedback", data={"feedback-rating": "2"})
    row = db.session.scalars(sa.select(ProgrammeFeedback)).one()
    assert (row.rating, row.region_id, row.comment) == (2, None, "")


def test_feedback_needs_a_rating_and_a_comment_under_1000_characters(client, auth, users):
    auth.login(users["member"].email)
    response = client.post("/me/programme/feedback", data={"feedback-comment": "Kind words"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Choose a number from 1 to 5." in html and "Kind words" in html
    response = client.post("/me/programme/feedback",
                           data={"feedback-rating": "5", "feedback-comment": "x" * 1001})
    assert response.status_code == 400
    assert "Please keep your comment under 1,000 characters." in response.get_data(as_text=True)
    response = client.post("/me/programme/feedback", data={"feedback-rating": "6"})
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count(ProgrammeFeedback.id))) == 0
    client.post("/me/programme/feedback",
                data={"feedback-rating": "5", "feedback-comment": "x" * 1000})
    assert db.session.scalar(sa.select(sa.func.count(ProgrammeFeedback.id))) == 1


def test_the_export_holds_the_members_own_reports_and_feedback(client, auth, users):
    member = users["member"]
    auth.login(member.email)
    client.post("/me/programme", data={"award": "applying"})
    client.post("/me/programme/feedback", data={"feedback-rating": "3",
                                                "feedback-comment": "More events"})
    auth.logout()
    auth.login(users["other_member"].email)
    client.post("/me/programme/feedback", data={"feedback-rating": "1",
                                                "feedback-comment": "Not mine"})
    data = privacy.collect(member)
    assert [(u["kind"], u["value"]) for u in data["programme_updates"]] == [
        ("award", "applying")]
    assert [(f["rating"], f["comment"]) for f in data["programme_feedback"]] == [
        (3, "More events")]


def test_erasure_deletes_reports_and_keeps_ratings_without_the_person_or_words(client, auth,
                                                                               users):
    member, other = users["member"], users["other_member"]
    auth.login(other.email)
    client.post("/me/programme", data={"award": "completed"})
    client.post("/me/programme/feedback", data={"feedback-rating": "2",
                                                "feedback-comment": "Otto's words"})
    auth.logout()
    auth.login(member.email)
    client.post("/me/programme", data={"award": "applying", "rating": "good"})
    client.post("/me/programme/feedback", data={"feedback-rating": "5",
                                                "feedback-comment": "Mina's words"})
    response = client.post("/me/data/erase", data={"password": PASSWORD, "confirm": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    assert _updates(member.id) == []
    assert _updates(other.id) == [("award", "completed")]
    rows = {(f.user_id, f.rating, f.comment) for f in db.session.scalars(
        sa.select(ProgrammeFeedback))}
    assert rows == {(None, 5, ""), (other.id, 2, "Otto's words")}
    kept = db.session.scalars(sa.select(ProgrammeFeedback)
                              .where(ProgrammeFeedback.user_id.is_(None))).one()
    assert (kept.created_at.day, kept.created_at.hour, kept.created_at.minute) == (1, 0, 0)


def test_only_the_signed_in_members_own_answers_show(client, auth, users):
    auth.login(users["other_member"].email)
    client.post("/me/programme", data={"rating": "inadequate"})
    auth.logout()
    auth.login(users["member"].email)
    html = client.get("/me/programme").get_data(as_text=True)
    assert "What you last told us" not in html and _checked(html, "rating") == []
    assert db.session.scalar(sa.select(sa.func.count(ProgrammeUpdate.id))
                             .where(ProgrammeUpdate.kind == UpdateKind.RATING)) == 1


def test_the_page_runs_the_same_statements_whatever_the_member_reported(client, auth, users):
    from tests.statements import count_statements

    load_reference()
    give_profile(users["member"], "Leeds")
    auth.login(users["member"].email)
    client.post("/me/programme", data={"award": "applying"})
    few = count_statements(client, "/me/programme")
    for n in range(6):
        client.post("/me/programme", data={"award": ("completed", "applying")[n % 2],
                                           "rating": ("good", "inadequate")[n % 2],
                                           "compliance": ("none", "action")[n % 2]})
        client.post("/me/programme/feedback", data={"feedback-rating": str(1 + n % 5)})
    assert len(_updates(users["member"].id)) == 19
    assert count_statements(client, "/me/programme") == few
    # The signed-in person and the member's reports with their latest feedback.
    assert few == 2
