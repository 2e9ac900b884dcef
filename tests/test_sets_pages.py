"""A set's own page: who may open it, its members, facilitator, meetings and themes, the shared
notes and actions, leaving, the home page's "My sets", and coordinators' membership view."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from netapp.extensions import db
from netapp.models import Notification, SetMembership, SetNote, SetStatus
from netapp.models.base import utcnow
from netapp.services import profiles
from tests.factories import make_user
from tests.profile_helpers import give_profile, join, load_reference
from tests.sets_life import mark, meeting, more_members, published_set
from tests.statements import count_statements


@pytest.fixture
def the_set(app, users):
    """Mina and Otto in a set facilitated by Meg the mentor, with a meeting next week."""
    row = published_set([users["member"], users["other_member"]], users["mentor"])
    meeting(row, utcnow() + timedelta(days=7))
    return row


def _page(client, row):
    return client.get(f"/sets/{row.id}")


def test_a_member_sees_the_people_the_facilitator_the_next_meeting_and_the_themes(
        client, auth, users, the_set):
    auth.as_role(users, "member")
    response = _page(client, the_set)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Leeds set 1" in page
    assert "Mina Member" in page and "Otto Other" in page
    assert "Facilitator: Meg Mentor" in page
    assert "UK time" in page and "join the meeting" in page
    assert "https://meet.example.org/abc" in page  # the set sees the link
    assert "Finance" in page and "Leadership" in page
    assert f"/sets/{the_set.id}/meetings/" in page and "calendar.ics" in page


def test_each_member_shows_the_job_and_service_their_choices_let_the_viewer_see(
        client, auth, users):
    load_reference()
    mina, otto = users["member"], users["other_member"]
    kim = make_user(email="kim@example.org", name="Kim Camden")
    give_profile(mina, "Leeds", job_title="Deputy Manager")
    give_profile(otto, "Leeds", job_title="Home Manager")  # in Leeds's network with Mina
    give_profile(kim, "Camden", job_title="Service Lead")  # in no network with Mina
    profiles.set_visibility(otto, {"job_title": "networks"})
    profiles.set_visibility(kim, {"job_title": "networks", "organisation": "me"})
    profiles.set_visibility(mina, {"job_title": "me"})
    row = published_set([mina, otto, kim], users["mentor"])
    auth.as_role(users, "member")
    page = _page(client, row).text
    assert "Home Manager" in page and "Otto Other House (care home)" in page
    assert "Service Lead" not in page and "Kim Camden House" not in page
    assert "Deputy Manager" in page  # Mina sees her own, kept to herself
    assert "Operational leader" not in page  # only job and service show on this page
    auth.logout()
    auth.login(kim.email)
    page = _page(client, row).text
    assert "Service Lead" in page and "Kim Camden House" in page
    assert "Home Manager" not in page and "Deputy Manager" not in page


def test_a_coordinator_who_facilitates_sees_what_members_show_to_staff(client, auth, users):
    # Staff see a field shown to networks or to coordinators, whatever networks they share
    # (the page reads no shared network for them), and never one kept to its owner.
    load_reference()
    mina, otto, kim = users["member"], users["other_member"], make_user(
        email="kim@example.org", name="Kim Camden")
    give_profile(mina, "Leeds", job_title="Deputy Manager")
    give_profile(otto, "Leeds", job_title="Home Manager")
    give_profile(kim, "Camden", job_title="Service Lead")
    profiles.set_visibility(mina, {"job_title": "networks"})
    profiles.set_visibility(otto, {"job_title": "coordinators", "organisation": "networks"})
    profiles.set_visibility(kim, {"job_title": "me", "organisation": "me"})
    row = published_set([mina, otto, kim], users["coordinator"])
    auth.as_role(users, "coordinator")
    page = _page(client, row).text
    assert "Deputy Manager" in page and "Home Manager" in page
    assert "Otto Other House (care home)" in page and "Mina Member House (care home)" in page
    assert "Service Lead" not in page and "Kim Camden House" not in page


@pytest.mark.parametrize("role", ["other", "coordinator", "admin", "outsider_mentor"])
def test_nobody_outside_the_set_learns_it_exists(client, auth, users, the_set, role):
    outsider = {"other": make_user(email="x@example.org"),
                "outsider_mentor": make_user(email="m2@example.org", roles=list(
                    users["mentor"].role_set)),
                "coordinator": users["coordinator"], "admin": users["admin"]}[role]
    auth.login(outsider.email)
    note = SetNote(set_id=the_set.id, author_id=users["member"].id, body="Private words",
                   is_action=True)
    db.session.add(note)
    db.session.commit()
    for method, path in [("GET", f"/sets/{the_set.id}"), ("POST", f"/sets/{the_set.id}/notes"),
                         ("POST", f"/sets/{the_set.id}/actions"),
                         ("POST", f"/sets/{the_set.id}/actions/{note.id}/done"),
                         ("GET", f"/sets/{the_set.id}/leave")]:
        assert client.open(path, method=method, data={"body": "x"}).status_code == 404, path
    assert db.session.get(SetNote, note.id).done_at is None


def test_the_pages_one_statement_reads_nothing_of_a_set_for_anyone_outside_it(users, the_set):
    # The set's page reads everything in one statement, which returns no row at all (no
    # member, meeting or note) unless the reader is a current member or the facilitator.
    from netapp.models import Role
    from netapp.services import sets

    def read(viewer, row=the_set):
        staff = viewer.has_role(Role.COORDINATOR, Role.ADMIN)
        return db.session.connection().execute(
            sets._page_statement(bool(viewer.is_verified), staff),
            {"viewer": viewer.id, "set": row.id, "now": utcnow(), "per_page": 20,
             "skip": 0}).all()

    db.session.add(SetNote(set_id=the_set.id, author_id=users["member"].id, body="Ours"))
    db.session.commit()
    for outside in (users["coordinator"], users["admin"], make_user(email="x@example.org")):
        assert read(outside) == []
    assert len(read(users["member"])) == 1 and len(read(users["mentor"])) == 1
    db.session.get(SetMembership, (the_set.id, users["other_member"].id)).left_at = utcnow()
    db.session.commit()
    assert read(users["other_member"]) == []
    draft = published_set([users["member"]], users["mentor"], name="Draft")
    draft.status = SetStatus.DRAFT
    db.session.commit()
    assert read(users["member"], draft) == [] and read(users["mentor"], draft) == []


def test_the_facilitator_opens_the_page_and_a_member_who_left_no_longer_can(
        client, auth, users, the_set):
    auth.as_role(users, "mentor")
    page = _page(client, the_set).get_data(as_text=True)
    assert "You're its facilitator" in page and "Schedule a meeting" in page
    assert "Leave this set" not in page
    assert client.get(f"/sets/{the_set.id}/leave").status_code == 404
    auth.logout()
    db.session.get(SetMembership, (the_set.id, users["other_member"].id)).left_at = utcnow()
    db.session.commit()
    auth.login(users["other_member"].email)
    assert _page(client, the_set).status_code == 404


def test_notes_and_actions_are_shared_and_an_action_can_be_marked_done(
        client, auth, users, the_set):
    auth.as_role(users, "member")
    assert client.post(f"/sets/{the_set.id}/notes",
                       data={"body": "We talked about rotas."}).status_code == 302
    assert client.post(f"/sets/{the_set.id}/actions",
                       data={"body": "Mina to share her rota template"}).status_code == 302
    auth.logout()
    auth.login(users["other_member"].email)
    page = _page(client, the_set).get_data(as_text=True)
    assert "We talked about rotas." in page and "Mina to share her rota template" in page
    action = db.session.scalar(sa.select(SetNote).where(SetNote.is_action.is_(True)))
    done = f"/sets/{the_set.id}/actions/{action.id}/done"
    assert f'<form method="post" action="{done}"' in page  # the page's "Mark done" button
    assert client.post(done).status_code == 302
    db.session.expire_all()
    assert db.session.get(SetNote, action.id).done_at is not None
    assert "Action (done):" in _page(client, the_set).get_data(as_text=True)


def test_an_empty_note_is_refused_and_what_was_typed_is_kept(client, auth, users, the_set):
    auth.as_role(users, "member")
    response = client.post(f"/sets/{the_set.id}/actions", data={"body": "x" * 301})
    assert response.status_code == 400
    assert "under 300 characters" in response.get_data(as_text=True)
    assert "x" * 301 in response.get_data(as_text=True)
    # The page read the other way (after a refused form) names the facilitator all the same.
    assert "Facilitator: Meg Mentor" in response.get_data(as_text=True)
    assert client.post(f"/sets/{the_set.id}/notes", data={"body": "  "}).status_code == 400
    assert db.session.scalar(sa.select(sa.func.count(SetNote.id))) == 0


def test_the_page_shows_the_next_five_meetings_soonest_first_and_the_last_five(
        client, auth, users, the_set):
    # The set and its meetings come in one statement: check what the page lists from it.
    from netapp.services.sets import when_words
    now = utcnow()
    later = [meeting(the_set, now + timedelta(days=d), place=f"room {d}") for d in (30, 9, 20)]
    past = [meeting(the_set, now - timedelta(days=d)) for d in (3, 40, 5, 50, 60, 70, 80)]
    gone = meeting(the_set, now + timedelta(days=8))
    gone.cancelled_at = now
    db.session.commit()
    auth.as_role(users, "member")
    page = _page(client, the_set).get_data(as_text=True)
    # The fixture's meeting next week is the next one; then 9, 20 and 30 days away.
    upcoming_part = page.split("After that")[1].split("Who's in the set")[0]
    shown = [when_words(m) for m in sorted(later, key=lambda m: m.starts_at)]
    assert [upcoming_part.index(w) for w in shown] == sorted(
        upcoming_part.index(w) for w in shown)
    assert when_words(gone) not in page
    past_part = page.split("Past meetings")[1].split("Notes and actions")[0]
    latest = sorted(past, key=lambda m: m.starts_at, reverse=True)
    assert all(when_words(m) in past_part for m in latest[:5])
    assert not any(when_words(m) in past_part for m in latest[5:])
    assert [past_part.index(when_words(m)) for m in latest[:5]] == sorted(
        past_part.index(when_words(m)) for m in latest[:5])


def test_the_pages_forms_carry_no_hidden_field_but_the_token(app):
    # The set's page renders one token field for its three forms (templates/sets/set_page.html).
    from netapp.forms_common import EmptyForm
    from netapp.sets.set_forms import ActionForm, NoteForm
    with app.test_request_context():
        for form in (NoteForm(), ActionForm(), EmptyForm()):
            hidden = [f.name for f in form if f.type in ("HiddenField", "CSRFTokenField")]
            assert set(hidden) <= {"csrf_token"}, (type(form).__name__, hidden)


def test_a_note_of_another_set_cannot_be_marked_done_from_this_one(client, auth, users, the_set):
    elsewhere = published_set([make_user(email="y@example.org")], None, name="Other set")
    note = SetNote(set_id=elsewhere.id, body="Theirs", is_action=True)
    db.session.add(note)
    db.session.commit()
    auth.as_role(users, "member")
    assert client.post(f"/sets/{the_set.id}/actions/{note.id}/done").status_code == 404
    assert db.session.get(SetNote, note.id).done_at is None


def test_members_show_no_affinity_network(client, auth, users, the_set):
    load_reference()
    join(users["other_member"], "women")
    auth.as_role(users, "member")
    page = _page(client, the_set).get_data(as_text=True)
    assert "Otto Other" in page
    for word in ("Women", "women", "network"):
        assert word not in page.split("<main")[1].split("Notes and actions")[0], word


def test_a_member_leaves_after_confirming_and_the_facilitator_is_told(
        client, auth, users, the_set, mailbox):
    mailbox.clear()
    auth.as_role(users, "member")
    confirm = client.get(f"/sets/{the_set.id}/leave")
    assert confirm.status_code == 200 and "Leave Leeds set 1?" in confirm.get_data(as_text=True)
    assert client.post(f"/sets/{the_set.id}/leave").status_code == 302
    db.session.expire_all()
    assert db.session.get(SetMembership, (the_set.id, users["member"].id)).left_at is not None
    told = db.session.scalars(sa.select(Notification).where(
        Notification.user_id == users["mentor"].id)).all()
    assert [n.kind for n in told] == ["set_left"] and "Mina Member" in told[0].text
    assert mailbox.to(users["mentor"].email)
    assert _page(client, the_set).status_code == 404
    assert "My sets" not in client.get("/home").get_data(as_text=True)


def test_the_home_page_lists_my_sets_for_members_and_the_facilitator(
        client, auth, users, the_set):
    auth.as_role(users, "member")
    home = client.get("/home").get_data(as_text=True)
    assert "My sets" in home and f"/sets/{the_set.id}" in home
    auth.logout()
    auth.as_role(users, "mentor")
    assert "you facilitate it" in client.get("/home").get_data(as_text=True)
    auth.logout()
    auth.as_role(users, "coordinator")
    assert "My sets" not in client.get("/home").get_data(as_text=True)


def test_coordinators_see_membership_and_attendance_but_never_the_notes(
        client, auth, users, the_set):
    db.session.add(SetNote(set_id=the_set.id, author_id=users["member"].id,
                           body="Something private to the set"))
    db.session.commit()
    for role in ("coordinator", "admin"):
        auth.as_role(users, role)
        running = client.get("/sets/running").get_data(as_text=True)
        assert "Leeds set 1" in running
        roster = client.get(f"/sets/{the_set.id}/roster")
        assert roster.status_code == 200
        text = roster.get_data(as_text=True)
        assert "Mina Member" in text and "Meg Mentor" in text
        assert "Something private" not in text and "meet.example.org" not in text
        auth.logout()
    auth.as_role(users, "member")
    assert client.get(f"/sets/{the_set.id}/roster").status_code == 403


def test_the_roster_lists_members_by_name_and_who_left_newest_first(client, auth, users,
                                                                     the_set, app):
    import re

    from netapp.services import sets as service

    ada, zed = (make_user(email=f"{n}@example.org", name=f"{n.title()} Later") for n in
                ("ada", "zed"))
    for person in (ada, zed):
        db.session.add(SetMembership(set_id=the_set.id, user_id=person.id))
    db.session.commit()
    with app.test_request_context():
        service.leave(zed, the_set)
        service.leave(users["other_member"], the_set)
    auth.as_role(users, "coordinator")
    text = client.get(f"/sets/{the_set.id}/roster").get_data(as_text=True)
    members, left = text.split("<h2>Left the set</h2>")
    assert re.findall(r"<li>([^<,]*)</li>", members) == ["Ada Later", "Mina Member"]
    assert "<h2>Members (2)</h2>" in members
    assert re.findall(r"<li>([^<,]*), <time", left) == ["Otto Other", "Zed Later"]


def test_the_set_page_runs_the_same_number_of_statements_whatever_its_size(
        client, auth, users):
    small = published_set([users["member"], *more_members(2)], users["mentor"], name="Small")
    big = published_set([users["member"], *more_members(8, start=10)], users["mentor"],
                        name="Big")
    for row, notes in ((small, 1), (big, 30)):
        meeting(row, utcnow() + timedelta(days=3))
        for n in range(notes):
            db.session.add(SetNote(set_id=row.id, author_id=users["member"].id, body=f"n{n}",
                                   is_action=n % 2 == 0))
    for n in range(6):
        meeting(big, utcnow() + timedelta(days=10 + n))
        meeting(big, utcnow() - timedelta(days=10 + n))
    db.session.commit()
    auth.as_role(users, "member")
    _page(client, small)  # warm up: the first request loads the session and caches
    assert count_statements(client, f"/sets/{small.id}") == \
        count_statements(client, f"/sets/{big.id}")
    # The facilitator's attendance form of a past meeting, marked or not.
    auth.logout()
    auth.as_role(users, "mentor")
    past = {row.id: meeting(row, utcnow() - timedelta(days=2)) for row in (small, big)}
    mark(past[big.id], {users["member"]: True})
    forms = [f"/sets/{row.id}/meetings/{past[row.id].id}/attendance" for row in (small, big)]
    client.get(forms[0])
    assert count_statements(client, forms[0]) == count_statements(client, forms[1])
    auth.logout()
    auth.as_role(users, "coordinator")
    client.get(f"/sets/{small.id}/roster")
    assert count_statements(client, f"/sets/{small.id}/roster") == \
        count_statements(client, f"/sets/{big.id}/roster")
    # The list of sets meeting now, with two sets and with more, some without a facilitator.
    two = count_statements(client, "/sets/running")
    for n in range(4):
        published_set(more_members(2, start=30 + 2 * n), users["mentor"] if n % 2 else None,
                      name=f"More {n}")
    assert count_statements(client, "/sets/running") == two


# ---------------------------------------------------------------- demo data


def test_the_demo_member_arrives_in_a_set_with_meetings_and_the_coordinator_facilitates(
        app, client):
    from netapp.models import LearningSet, SetAttendance, SetMeeting, SetRequest, User
    from netapp.services.demo import DEMO_PASSWORD, seed_demo

    logins = {login.role: login for login in seed_demo(members=200, seed=3)}
    row = db.session.scalar(sa.select(LearningSet))
    member = db.session.scalar(sa.select(User).where(User.email == logins["member"].email))
    assert row.facilitator.email == logins["coordinator"].email
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SetRequest)) == 20
    assert db.session.get(SetRequest, member.id) is None
    meetings = db.session.scalars(sa.select(SetMeeting)).all()
    assert sum(m.starts_at < utcnow() for m in meetings) == 4 and len(meetings) == 5
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SetAttendance)) == 4 * 7
    client.post("/account/login", data={"email": member.email, "password": DEMO_PASSWORD})
    assert "My sets" in client.get("/home").get_data(as_text=True)
    page = client.get(f"/sets/{row.id}").get_data(as_text=True)
    assert "Spring set 1" in page and "join the meeting" in page and "Action" in page
    client.post("/account/logout")
    client.post("/account/login", data={"email": logins["coordinator"].email,
                                        "password": DEMO_PASSWORD})
    assert "You're its facilitator" in client.get(f"/sets/{row.id}").get_data(as_text=True)
    flags = client.get("/sets/flags").get_data(as_text=True)
    assert "Spring set 1" in flags and "1 in all" not in flags  # one flag, so no pages


def _fingerprint(url: str) -> tuple:
    from config import TestingConfig
    from netapp import create_app
    from netapp.models import SetAttendance, SetRequest
    from netapp.services.demo import seed_demo

    app = create_app(type("Demo", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": url}))
    with app.app_context():
        db.create_all()
        seed_demo(members=120, seed=11)
        result = (
            db.session.execute(sa.select(SetMembership.user_id).order_by(SetMembership.user_id))
            .scalars().all(),
            db.session.execute(sa.select(SetAttendance.meeting_id, SetAttendance.user_id,
                                         SetAttendance.attended)
                               .order_by(SetAttendance.meeting_id, SetAttendance.user_id)).all(),
            sorted(db.session.scalars(sa.select(SetRequest.user_id))),
        )
        db.session.remove()
        db.engine.dispose()
    return result


def test_demo_sets_are_the_same_for_the_same_seed(tmp_path):
    first = _fingerprint(f"sqlite:///{tmp_path / 'a.sqlite3'}")
    assert first == _fingerprint(f"sqlite:///{tmp_path / 'b.sqlite3'}")
    assert first[0] and first[1] and first[2]
