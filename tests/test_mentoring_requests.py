"""A member looking for a mentor: say so, see up to 5 suggested mentors with reasons, ask one
(at most 2 open requests), dismiss one for good, withdraw a request; the home page leads here."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from netapp.extensions import db
from netapp.models import DismissedSuggestion, Mentorship, MentorshipStatus, Profile
from netapp.services import profiles
from tests.factories import make_user
from tests.mentoring_people import load_reference, mentee, mentor, offer
from tests.statements import count_statements


@pytest.fixture
def people(app):
    load_reference()
    return {
        "mina": mentee("Mina Mentee"),
        "mentors": [mentor(f"Mentor Number{n}", "Leeds" if n % 2 else "Bradford")
                    for n in range(7)],
    }


def _login(client, user):
    response = client.post("/account/login", data={"email": user.email,
                                                   "password": "correct horse battery"})
    assert response.status_code == 302


def test_the_member_says_they_want_a_mentor_and_sees_five_suggestions_with_reasons(
        client, app):
    load_reference()
    mina = mentee("Mina Mentee", wants=False)
    for n in range(7):
        mentor(f"Mentor Number{n}")
    _login(client, mina)
    page = client.get("/mentoring/suggestions").get_data(as_text=True)
    assert "I&#39;d like a mentor" in page or "I'd like a mentor" in page
    assert "Mentor Number" not in page
    client.post("/mentoring/suggestions/wanted", data={"value": "yes"})
    assert db.session.get(Profile, mina.id).wants_mentor is True
    page = client.get("/mentoring/suggestions").get_data(as_text=True)
    assert page.count('<li id="mentor-') == 5
    assert "Offers help with your need: finance." in page  # the engine's reason
    client.post("/mentoring/suggestions/wanted", data={"value": "no"})
    db.session.expire_all()
    assert db.session.get(Profile, mina.id).wants_mentor is False


def test_without_a_self_assessment_the_member_is_told_what_to_do_first(client, app):
    load_reference()
    nora = mentee("Nora New", assessed=False)
    mentor("Meg Mentor")
    _login(client, nora)
    page = client.get("/mentoring/suggestions").get_data(as_text=True)
    assert "Finish your self-assessment first" in page
    assert "Meg Mentor" not in page
    assert "Go to your self-assessment" in page


def test_asking_a_suggested_mentor_sends_the_note_and_the_mentor_sees_it(
        client, people, mailbox):
    mina, chosen = people["mina"], people["mentors"][0]
    _login(client, mina)
    form = client.get(f"/mentoring/suggestions/{chosen.id}/ask").get_data(as_text=True)
    assert "A short note to them (optional)" in form
    response = client.post(f"/mentoring/suggestions/{chosen.id}/ask",
                           data={"note": "I run a small home in Leeds"}, follow_redirects=True)
    assert "Your request is on its way to Mentor Number0" in response.get_data(as_text=True)
    request = db.session.scalars(sa.select(Mentorship)).one()
    assert request.status is MentorshipStatus.REQUESTED and request.reason
    assert request.request_note == "I run a small home in Leeds"
    assert "Mina Mentee asks you to be their mentor" in mailbox.to(chosen.email)[-1]["Subject"]
    page = client.get("/mentoring/suggestions").get_data(as_text=True)
    assert "You asked Mentor Number0" in page
    assert f'id="mentor-{chosen.id}"' not in page  # no longer suggested
    client.post("/account/logout")
    _login(client, chosen)
    assert "I run a small home in Leeds" in client.get("/mentoring/mentees").get_data(
        as_text=True)


def test_a_long_note_is_refused_and_kept_for_editing(client, people):
    chosen = people["mentors"][0]
    _login(client, people["mina"])
    page = client.post(f"/mentoring/suggestions/{chosen.id}/ask",
                       data={"note": "x" * 501}).get_data(as_text=True)
    assert "Please keep it under 500 characters." in page and "x" * 501 in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Mentorship)) == 0


def test_at_most_two_open_requests_with_a_clear_message(client, people):
    first, second, third = people["mentors"][:3]
    _login(client, people["mina"])
    client.post(f"/mentoring/suggestions/{first.id}/ask", data={"note": ""})
    client.post(f"/mentoring/suggestions/{second.id}/ask", data={"note": ""})
    page = client.get("/mentoring/suggestions").get_data(as_text=True)
    assert "You have 2 requests open, the most at one time" in page
    assert f"/mentoring/suggestions/{third.id}/ask" not in page
    refused = client.post(f"/mentoring/suggestions/{third.id}/ask", data={"note": ""},
                          follow_redirects=True).get_data(as_text=True)
    assert "You can have 2 requests open at a time" in refused
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Mentorship)) == 2


def test_the_first_acceptance_withdraws_the_other_request_and_tells_that_mentor(
        client, people, mailbox):
    first, second = people["mentors"][:2]
    mina = people["mina"]
    _login(client, mina)
    client.post(f"/mentoring/suggestions/{first.id}/ask", data={"note": ""})
    client.post(f"/mentoring/suggestions/{second.id}/ask", data={"note": ""})
    client.post("/account/logout")
    _login(client, second)
    ask = db.session.scalar(sa.select(Mentorship.id).where(Mentorship.mentor_id == second.id))
    client.post(f"/mentoring/mentees/{ask}/accept")
    db.session.expire_all()
    statuses = dict(db.session.execute(sa.select(Mentorship.mentor_id, Mentorship.status)).all())
    assert statuses == {first.id: MentorshipStatus.WITHDRAWN,
                        second.id: MentorshipStatus.ACCEPTED}
    assert "withdrawn" in mailbox.to(first.email)[-1]["Subject"]
    client.post("/account/logout")
    _login(client, mina)
    page = client.get("/mentoring/suggestions").get_data(as_text=True)
    assert "Mentor Number1 is your mentor" in page
    assert '<li id="mentor-' not in page


def test_a_dismissed_mentor_is_never_suggested_again(client, people):
    gone = people["mentors"][0]
    _login(client, people["mina"])
    assert f'id="mentor-{gone.id}"' in client.get("/mentoring/suggestions").get_data(
        as_text=True)
    client.post(f"/mentoring/suggestions/{gone.id}/dismiss")
    assert db.session.get(DismissedSuggestion, (people["mina"].id, gone.id)) is not None
    page = client.get("/mentoring/suggestions").get_data(as_text=True)
    assert f'id="mentor-{gone.id}"' not in page and page.count('<li id="mentor-') == 5
    assert client.get(f"/mentoring/suggestions/{gone.id}/ask").status_code == 404
    assert client.post(f"/mentoring/suggestions/{gone.id}/ask").status_code == 404


def test_withdrawing_a_request_asks_first_and_tells_the_mentor(client, people, mailbox):
    chosen = people["mentors"][0]
    _login(client, people["mina"])
    client.post(f"/mentoring/suggestions/{chosen.id}/ask", data={"note": ""})
    request = db.session.scalars(sa.select(Mentorship)).one()
    confirm = client.get(f"/mentoring/requests/{request.id}/withdraw").get_data(as_text=True)
    assert "Withdraw your request to Mentor Number0?" in confirm
    client.post(f"/mentoring/requests/{request.id}/withdraw")
    db.session.expire_all()
    assert db.session.get(Mentorship, request.id).status is MentorshipStatus.WITHDRAWN
    assert "withdrawn their request" in mailbox.to(chosen.email)[-1]["Subject"]


def test_a_member_cannot_touch_anothers_requests_or_ask_a_non_mentor(client, people):
    mina, otto = people["mina"], mentee("Otto Other")
    theirs = offer(otto, people["mentors"][0], status=MentorshipStatus.REQUESTED)
    _login(client, mina)
    assert client.get(f"/mentoring/requests/{theirs.id}/withdraw").status_code == 404
    assert client.post(f"/mentoring/requests/{theirs.id}/withdraw").status_code == 404
    assert "Otto Other" not in client.get("/mentoring/suggestions").get_data(as_text=True)
    # a plain member is no mentor: nothing to ask, nothing to dismiss
    assert client.get(f"/mentoring/suggestions/{otto.id}/ask").status_code == 404
    assert client.post(f"/mentoring/suggestions/{otto.id}/dismiss").status_code == 404
    assert client.post("/mentoring/suggestions/99999/dismiss").status_code == 404
    db.session.expire_all()
    assert db.session.get(Mentorship, theirs.id).status is MentorshipStatus.REQUESTED


def test_a_full_or_paused_mentor_is_not_suggested(client, people):
    full, paused = people["mentors"][:2]
    offer(mentee("Tia Taken"), full, status=MentorshipStatus.ACCEPTED)
    profiles.profile_of(paused).mentoring_paused = True
    db.session.commit()
    _login(client, people["mina"])
    page = client.get("/mentoring/suggestions").get_data(as_text=True)
    assert f'id="mentor-{full.id}"' not in page and f'id="mentor-{paused.id}"' not in page


def test_the_home_page_leads_to_mentoring_and_tells_a_mentor_what_waits(client, people):
    chosen = people["mentors"][0]
    _login(client, people["mina"])
    home = client.get("/home").get_data(as_text=True)
    assert "/mentoring/suggestions" in home and "Find a mentor" in home
    assert "/mentoring/mentees" not in home
    client.post(f"/mentoring/suggestions/{chosen.id}/ask", data={"note": ""})
    client.post("/account/logout")
    _login(client, chosen)
    home = client.get("/home").get_data(as_text=True)
    assert "1 person is waiting for your answer" in home and "/mentoring/mentees" in home


def test_an_unconfirmed_member_is_asked_to_confirm_first(client, app):
    load_reference()
    meg = mentor("Meg Mentor")
    ursula = make_user(email="ursula@example.org", name="Ursula Unconfirmed", verified=False)
    _login(client, ursula)
    page = client.get("/mentoring/suggestions").get_data(as_text=True)
    assert "Please confirm your email address first" in page
    response = client.post(f"/mentoring/suggestions/{meg.id}/ask", data={"note": ""})
    assert response.status_code in (302, 404)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Mentorship)) == 0


def test_the_suggestions_page_runs_the_same_number_of_queries_however_many_mentors(
        client, people):
    mina = people["mina"]
    _login(client, mina)
    client.post(f"/mentoring/suggestions/{people['mentors'][0].id}/ask", data={"note": ""})
    small = count_statements(client, "/mentoring/suggestions")
    for n in range(12):
        mentor(f"Later Mentor{n}", "Leeds" if n % 2 else "York")
        mentee(f"Other Mentee{n}")
    client.post(f"/mentoring/suggestions/{people['mentors'][1].id}/ask", data={"note": ""})
    large = count_statements(client, "/mentoring/suggestions")
    assert small == large


def test_a_reason_never_tells_the_member_what_the_mentor_keeps_private(client, people):
    shown, hidden = people["mentors"][:2]
    profiles.set_visibility(shown, {"lqf": "everyone"})
    profiles.set_visibility(hidden, {"offer": "me"})
    _login(client, people["mina"])
    page = client.get("/mentoring/suggestions").get_data(as_text=True)
    card = page[page.index(f'id="mentor-{shown.id}"'):]
    card = card[:card.index("</li>")]
    assert "which your self-assessment rates low" in card  # the mentor shares it
    other = page[page.index(f'id="mentor-{hidden.id}"'):]
    other = other[:other.index("</li>")]
    # Their self-assessment is private (the default) and their offer is theirs alone.
    assert "self-assessment" not in other and "Offers help" not in other
    assert "a more senior leader than you" in other.lower()


@pytest.mark.parametrize(("reason", "shown", "for_mentor"), [
    ("Offers help with your need: finance. Strong in Planning, which your self-assessment "
     "rates low; a more senior leader than you.", {"needs", "level", "lqf"},
     "You offer help with their need: finance. You're strong in Planning, which their "
     "self-assessment rates low; you're a more senior leader than them."),
    ("Offers help with both of your needs: finance and digital records. Works in the same type "
     "of service (care home); a leader at your level.", {"organisation"},
     "You work in the same type of service (care home)."),
    ("Does not offer help with your need (finance). In your local authority (Leeds) for "
     "meeting in person.", {"needs"}, "You don't offer help with their need (finance)."),
    ("Strong in Planning, which your self-assessment rates low.", set(),
     "The match draws on parts of their profile they keep to themselves."),
    ("", {"needs"}, ""),
])
def test_the_engines_reason_is_read_by_the_mentor_in_their_own_words(reason, shown,
                                                                     for_mentor):
    from netapp.services.mentoring import reason_for_mentor

    assert reason_for_mentor(reason, shown) == for_mentor


def test_the_pages_buttons_post_with_the_members_token(client, app, people):
    """The suggestions page writes its buttons' token and the switch's value itself (no form
    is built to show them): with CSRF on, "don't suggest" and "I don't want a mentor" sent
    from the page are accepted, and a button without the token is refused."""
    import re

    mina = people["mina"]
    _login(client, mina)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        page = client.get("/mentoring/suggestions").get_data(as_text=True)
        dismiss = re.search(r'action="/mentoring/suggestions/(\d+)/dismiss" class="inline-form">'
                            r'\s*<input id="csrf_token" name="csrf_token" type="hidden" '
                            r'value="([^"]+)">', page)
        mentor_id, token = int(dismiss.group(1)), dismiss.group(2)
        assert client.post(f"/mentoring/suggestions/{mentor_id}/dismiss",
                           data={}).status_code == 400
        assert client.post(f"/mentoring/suggestions/{mentor_id}/dismiss",
                           data={"csrf_token": token}).status_code == 302
        switch = re.search(r'action="/mentoring/suggestions/wanted" class="panel">\s*'
                           r'<input id="value" name="value" type="hidden" value="(\w+)">\s*'
                           r'<input id="csrf_token" name="csrf_token" type="hidden" '
                           r'value="([^"]+)">', page)
        assert switch.group(1) == "no"
        assert client.post("/mentoring/suggestions/wanted",
                           data={"value": "no", "csrf_token": switch.group(2)}
                           ).status_code == 302
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert db.session.scalar(sa.select(DismissedSuggestion.mentor_id).where(
        DismissedSuggestion.user_id == mina.id)) == mentor_id
    db.session.expire_all()
    assert db.session.get(Profile, mina.id).wants_mentor is False
