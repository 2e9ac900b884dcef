"""A mentor's "My mentees": offers with reasons and what the mentee lets them see, accept and
decline (the next best mentor is offered), capacity under concurrent accepts, breaks, and the
coordinators' list of offers waiting too long."""
from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa
from markupsafe import escape

from netapp.extensions import db
from netapp.models import Mentorship, MentorshipStatus, Notification, Profile, User
from netapp.models.base import utcnow
from netapp.services import profiles
from tests.factories import make_user
from tests.mentoring_people import load_reference, mentee, mentor, offer
from tests.statements import count_statements


@pytest.fixture
def people(app):
    load_reference()
    return {
        "mina": mentee("Mina Mentee"),
        "meg": mentor("Meg Mentor"),
        "max": mentor("Max Mentor"),
    }


def _login(client, user):
    response = client.post("/account/login", data={"email": user.email,
                                                   "password": "correct horse battery"})
    assert response.status_code == 302


def _status(mentorship_id: int) -> MentorshipStatus:
    db.session.expire_all()
    return db.session.get(Mentorship, mentorship_id).status


def test_an_offer_shows_why_and_only_what_the_mentee_lets_the_mentor_see(client, people):
    mina, meg = people["mina"], people["meg"]
    profiles.set_visibility(mina, {"job_title": "me", "needs": "everyone"})
    row = offer(mina, meg, note="Hello there")
    _login(client, meg)
    page = client.get("/mentoring/mentees").get_data(as_text=True)
    assert "Mina Mentee" in page and "Hello there" in page
    assert "Finance" in page  # needs are open to everyone
    assert "Job title" not in page  # job title: only me
    assert "Service" in page and "Mina Mentee House" in page
    # Her self-assessment is private: the reason keeps the level, drops "Planning".
    assert "Planning" not in page and "self-assessment" not in page
    assert "You&#39;re a more senior leader than them" in page
    assert f"/mentoring/mentees/{row.id}/accept" in page


def test_accepting_takes_the_place_withdraws_her_other_requests_and_tells_everyone(
        client, people, mailbox):
    mina, meg, max_ = people["mina"], people["meg"], people["max"]
    offered = offer(mina, meg)
    asked = offer(mina, max_, status=MentorshipStatus.REQUESTED)
    _login(client, meg)
    response = client.post(f"/mentoring/mentees/{offered.id}/accept", follow_redirects=True)
    assert "You&#39;re now mentoring Mina Mentee" in response.get_data(as_text=True)
    assert _status(offered.id) is MentorshipStatus.ACCEPTED
    assert _status(asked.id) is MentorshipStatus.WITHDRAWN
    assert db.session.get(Profile, mina.id).wants_mentor is False
    assert "Meg Mentor will be your mentor" in mailbox.to(mina.email)[-1]["Subject"]
    told = mailbox.to(max_.email)[-1]["Subject"]
    assert "Mina Mentee has found a mentor" in told and "request" in told
    kinds = set(db.session.scalars(sa.select(Notification.kind)
                                   .where(Notification.user_id == max_.id)))
    assert kinds == {"withdrawn"}
    page = client.get("/mentoring/mentees").get_data(as_text=True)
    assert "Your mentees" in page and "Mina Mentee" in page
    assert "Nothing is waiting for you" in page


def test_a_full_mentor_cannot_accept_and_is_told_what_to_do(client, people):
    meg = people["meg"]
    taken = offer(mentee("Tia Taken"), meg, status=MentorshipStatus.ACCEPTED)
    waiting = offer(people["mina"], meg)
    _login(client, meg)
    response = client.post(f"/mentoring/mentees/{waiting.id}/accept", follow_redirects=True)
    assert "no free place" in response.get_data(as_text=True)
    assert _status(waiting.id) is MentorshipStatus.OFFERED
    assert _status(taken.id) is MentorshipStatus.ACCEPTED


def test_decline_asks_to_confirm_then_offers_the_next_best_mentor(client, people, mailbox):
    mina, meg, max_ = people["mina"], people["meg"], people["max"]
    kept = offer(mentee("Ann Accepted"), max_, status=MentorshipStatus.ACCEPTED)
    profiles.save_offer(max_, capacity=2, topic_ids=[], availability="", note="")
    row = offer(mina, meg)
    _login(client, meg)
    confirm = client.get(f"/mentoring/mentees/{row.id}/decline").get_data(as_text=True)
    assert "can't be undone" in confirm and "Why not? (optional)" in confirm
    assert _status(row.id) is MentorshipStatus.OFFERED  # nothing changes before confirming
    response = client.post(f"/mentoring/mentees/{row.id}/decline",
                           data={"reason": "Too busy this term"}, follow_redirects=True)
    assert "Thank you for letting Mina Mentee know" in response.get_data(as_text=True)
    declined = db.session.get(Mentorship, row.id)
    assert declined.status is MentorshipStatus.DECLINED
    assert declined.decline_reason == "Too busy this term"
    # The next best mentor with a free place is offered, with the engine's reason.
    new = db.session.scalars(sa.select(Mentorship).where(
        Mentorship.mentee_id == mina.id, Mentorship.status == MentorshipStatus.OFFERED)).one()
    assert new.mentor_id == max_.id and new.reason and new.score
    assert "offered to you" in mailbox.to(max_.email)[-1]["Subject"]
    told = mailbox.to(mina.email)[-1]
    assert "We've offered you to another mentor" in told.get_payload(decode=True).decode()
    assert "Too busy" not in told.get_payload(decode=True).decode()
    # The accepted pair is never moved.
    assert _status(kept.id) is MentorshipStatus.ACCEPTED


def test_when_nobody_else_is_free_the_mentee_is_told_kindly_and_keeps_waiting(
        client, people, mailbox):
    mina, meg, max_ = people["mina"], people["meg"], people["max"]
    profiles.save_offer(max_, capacity=0, topic_ids=[], availability="", note="")
    row = offer(mina, meg)
    _login(client, meg)
    client.post(f"/mentoring/mentees/{row.id}/decline", data={"reason": ""})
    assert _status(row.id) is MentorshipStatus.DECLINED
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Mentorship).where(
        Mentorship.status == MentorshipStatus.OFFERED)) == 0
    body = mailbox.to(mina.email)[-1].get_payload(decode=True).decode()
    assert "no other mentor free just now" in body and "stay on the list" in body
    assert db.session.get(Profile, mina.id).wants_mentor is True


def test_a_declined_pair_and_a_paused_mentor_are_never_offered_again(client, people):
    mina, meg, max_ = people["mina"], people["meg"], people["max"]
    offer(mina, max_, status=MentorshipStatus.DECLINED)
    third = mentor("Tom Third")
    _login(client, third)
    client.post("/mentoring/mentees/pause", data={"value": "yes"})
    client.post("/account/logout")
    assert db.session.get(Profile, third.id).mentoring_paused is True
    row = offer(mina, meg)
    _login(client, meg)
    client.post(f"/mentoring/mentees/{row.id}/decline", data={"reason": ""})
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Mentorship).where(
        Mentorship.status == MentorshipStatus.OFFERED)) == 0


def test_the_personal_data_export_keeps_to_what_each_side_may_read(client, people):
    """The export gives the reason as each person's own page does, and the reason for a
    decline (for coordinators) only to the mentor who wrote it."""
    from netapp.services import mentoring, privacy

    mina, meg = people["mina"], people["meg"]
    row = offer(mina, meg)  # the engine's reason names both self-assessments
    assert "self-assessment" in row.reason
    mentoring.decline(meg, row.id, "Too busy this term")
    exported = {who.id: [m for m in privacy.collect(who)["mentoring"] if m["status"] == "declined"]
                for who in (mina, meg)}
    [as_mentee], [as_mentor] = exported[mina.id], exported[meg.id]
    # both keep their scores to themselves (the default)
    for entry in (as_mentee, as_mentor):
        assert entry["why_suggested"] and "self-assessment" not in entry["why_suggested"]
    assert as_mentee["decline_reason"] == "" and "Too busy" not in str(as_mentee)
    assert as_mentor["decline_reason"] == "Too busy this term"
    # once Meg shares her scores with everyone, Mina's export says what Meg is strong in
    profiles.set_visibility(meg, {"lqf": "everyone"})
    [as_mentee] = [m for m in privacy.collect(mina)["mentoring"] if m["status"] == "declined"]
    assert "Strong in Planning, which your self-assessment rates low" in as_mentee["why_suggested"]


def test_a_mentor_cannot_see_or_answer_another_mentors_offer_by_id(client, people):
    mina, meg, max_ = people["mina"], people["meg"], people["max"]
    theirs = offer(mina, max_)
    _login(client, meg)
    assert client.get(f"/mentoring/mentees/{theirs.id}/decline").status_code == 404
    assert client.post(f"/mentoring/mentees/{theirs.id}/decline").status_code == 404
    assert client.post(f"/mentoring/mentees/{theirs.id}/accept").status_code == 404
    assert client.post("/mentoring/mentees/99999/accept").status_code == 404
    assert "Mina Mentee" not in client.get("/mentoring/mentees").get_data(as_text=True)
    assert _status(theirs.id) is MentorshipStatus.OFFERED


def test_an_answered_offer_cannot_be_answered_twice(client, people):
    row = offer(people["mina"], people["meg"])
    _login(client, people["meg"])
    client.post(f"/mentoring/mentees/{row.id}/accept")
    again = client.post(f"/mentoring/mentees/{row.id}/decline", data={"reason": ""})
    assert again.status_code == 404
    assert _status(row.id) is MentorshipStatus.ACCEPTED


def test_capacity_never_goes_below_the_mentees_taken_on(client, people):
    meg = people["meg"]
    profiles.save_offer(meg, capacity=2, topic_ids=[], availability="", note="")
    offer(mentee("Ann One"), meg, status=MentorshipStatus.ACCEPTED)
    offer(mentee("Bob Two"), meg, status=MentorshipStatus.ACCEPTED)
    _login(client, meg)
    page = client.post("/mentoring/mentees/capacity", data={"capacity": "1"},
                       follow_redirects=True).get_data(as_text=True)
    assert "You have 2 mentees at the moment, so the number can&#39;t go below 2" in page
    assert db.session.get(Profile, meg.id).mentor_capacity == 2
    client.post("/mentoring/mentees/capacity", data={"capacity": "3"})
    db.session.expire_all()
    assert db.session.get(Profile, meg.id).mentor_capacity == 3
    bad = client.post("/mentoring/mentees/capacity", data={"capacity": "9"},
                      follow_redirects=True).get_data(as_text=True)
    assert "Choose a number from 0 to 3" in bad


def test_the_profile_mentoring_form_keeps_the_same_rule_and_what_was_typed(client, people):
    meg = people["meg"]
    profiles.save_offer(meg, capacity=2, topic_ids=[], availability="", note="")
    offer(mentee("Ann One"), meg, status=MentorshipStatus.ACCEPTED)
    offer(mentee("Bob Two"), meg, status=MentorshipStatus.ACCEPTED)
    _login(client, meg)
    area = next(t.id for t in profiles.topics() if t.is_support_area)
    for data in ({"will_mentor": "yes", "capacity": "1"}, {"will_mentor": "no"}):
        response = client.post("/me/mentoring", data=data | {
            "offer_areas": [area], "availability": "Tuesday mornings"})
        page = response.get_data(as_text=True)
        assert response.status_code == 400
        assert "can&#39;t go below 2" in page and "Tuesday mornings" in page
        db.session.expire_all()
        assert db.session.get(Profile, meg.id).mentor_capacity == 2


def test_stale_offers_are_listed_for_coordinators_oldest_first(client, people, users):
    old = offer(people["mina"], people["meg"], days_ago=20)
    offer(mentee("Fay Fresh"), people["max"], days_ago=2)
    older = offer(mentee("Olga Older"), people["max"], status=MentorshipStatus.REQUESTED,
                  days_ago=30)
    _login(client, users["coordinator"])
    page = client.get("/mentoring/stale").get_data(as_text=True)
    assert "Fay Fresh" not in page
    assert page.index("Olga Older") < page.index("Mina Mentee")
    assert old.id and older.id
    client.post("/account/logout")
    _login(client, users["member"])
    assert client.get("/mentoring/stale").status_code == 403


def test_stale_offers_are_paged(client, people, users, app):
    app.config["PAGE_SIZE"] = 2
    for n in range(3):
        offer(mentee(f"Old Number{n}"), people["meg"], days_ago=15 + n)
    _login(client, users["coordinator"])
    first = client.get("/mentoring/stale").get_data(as_text=True)
    assert "Page 1 of 2" in first
    assert "Old Number0" in client.get("/mentoring/stale?page=2").get_data(as_text=True)


def test_each_card_on_the_mentees_page_is_the_card_the_profile_rules_give(client, people):
    """The page reads the cards in its own statement; ``profiles.profile_cards`` is the rule."""
    meg = people["meg"]
    profiles.save_offer(meg, capacity=3, topic_ids=[], availability="", note="")
    many = mentee("Nia Needs", needs=("digital", "finance", "safeguarding"))
    hidden = mentee("Hal Hidden", "Bradford")
    profiles.set_visibility(hidden, {key: "me" for key in profiles.FIELD_KEYS})
    near = mentee("Nell Networks", "Bradford")
    profiles.set_visibility(near, {key: "networks" for key in profiles.FIELD_KEYS})
    none = make_user(email="no.profile@example.org", name="Pat Plain")
    db.session.commit()
    waiting = [offer(person, meg) for person in (people["mina"], many, hidden, near)]
    waiting.append(offer(none, meg, status=MentorshipStatus.REQUESTED))
    offer(mentee("Ann Accepted"), meg, status=MentorshipStatus.ACCEPTED)
    _login(client, meg)
    text = client.get("/mentoring/mentees").get_data(as_text=True)
    cards = profiles.profile_cards(meg, [m.mentee_id for m in waiting],
                                   leave_out=frozenset({"offer"}))
    assert any(card.rows for card in cards.values())
    assert any(not card.rows for card in cards.values())
    for row in waiting:
        item = text[text.index(f'<li id="offer-{row.id}">'):]
        item = item[:item.index("</li>")]
        rows = cards[row.mentee_id].rows
        if rows:
            listed = "".join(f"<div><dt>{escape(label)}</dt><dd>{escape(value)}</dd></div>"
                             for label, value in rows)
            assert listed in item, row.mentee_id
            assert item.count("<dt>") == len(rows)
        else:
            assert "They keep their profile to themselves." in item
    nia = text[text.index(f'<li id="offer-{waiting[1].id}">'):]
    assert "Safeguarding, Finance and budgets, Digital records and technology" in nia


def test_the_mentees_page_runs_the_same_number_of_queries_however_many_offers(
        app, client, people):
    meg = people["meg"]
    profiles.save_offer(meg, capacity=3, topic_ids=[], availability="", note="")
    offer(people["mina"], meg)
    offer(mentee("Acc One"), meg, status=MentorshipStatus.ACCEPTED)
    _login(client, meg)
    client.get("/mentoring/mentees")  # warm-up: what a serving process has cached
    small = count_statements(client, "/mentoring/mentees")
    for n in range(6):
        offer(mentee(f"Extra Mentee{n}", "Bradford" if n % 2 else "Leeds"), meg)
    offer(mentee("Acc Two"), meg, status=MentorshipStatus.ACCEPTED)
    large = count_statements(client, "/mentoring/mentees")
    assert "Extra Mentee5" in client.get("/mentoring/mentees").get_data(as_text=True)
    assert small == large


# ------------------------------------------------------------------ concurrency (PostgreSQL)


@pytest.fixture
def roomy_app(smtp_sink):
    """The PostgreSQL app with a connection for each of 20 threads."""
    from tests.conftest import _make_app

    _, port = smtp_sink
    app = _make_app("postgres", port, SQLALCHEMY_ENGINE_OPTIONS={
        "pool_size": 25, "max_overflow": 0, "pool_timeout": 60})
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.mark.postgres
def test_twenty_accepts_at_once_on_a_one_place_mentor_give_exactly_one(roomy_app):
    from netapp.services import mentoring

    app = roomy_app
    load_reference()
    meg = mentor("Meg Mentor", capacity=1)
    offers = [offer(mentee(f"Racer Number{n}"), meg).id for n in range(20)]
    meg_id = meg.id
    db.session.remove()
    start = threading.Barrier(20, timeout=60)
    results: list[str] = []
    lock = threading.Lock()

    def try_accept(mentorship_id: int) -> None:
        outcome = "did not run"
        try:
            with app.app_context(), app.test_request_context():
                me = db.session.get(User, meg_id)
                db.session.commit()  # hold no transaction while waiting for the others
                start.wait()
                try:
                    mentoring.accept(me, mentorship_id)
                    outcome = "accepted"
                except mentoring.MentoringError:
                    outcome = "refused"
                finally:
                    db.session.remove()
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            outcome = repr(error)
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=try_accept, args=(i,)) for i in offers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert sorted(results) == ["accepted"] + ["refused"] * 19
    accepted = db.session.scalar(sa.select(sa.func.count()).select_from(Mentorship).where(
        Mentorship.mentor_id == meg_id, Mentorship.status == MentorshipStatus.ACCEPTED))
    assert accepted == 1
    # the truncation the shared app fixture would do
    from tests.conftest import empty_database
    empty_database()


@pytest.mark.postgres
def test_ten_declines_at_once_offer_the_one_free_mentor_to_exactly_one_mentee(roomy_app):
    """Each declined mentee's next best mentor is Meg, who has one place: she is offered once."""
    from netapp.services import mentoring

    app = roomy_app
    load_reference()
    meg = mentor("Meg Mentor", capacity=1)
    decliners, offers = [], []
    for n in range(10):
        busy = mentor(f"Decliner Number{n}")
        # On a break, so no decline frees a place that another mentee could be offered.
        profiles.profile_of(busy).mentoring_paused = True
        offers.append(offer(mentee(f"Waiting Number{n}"), busy).id)
        decliners.append(busy.id)
    db.session.commit()
    meg_id = meg.id
    db.session.remove()
    start = threading.Barrier(10, timeout=60)
    results: list[str] = []
    lock = threading.Lock()

    def try_decline(mentor_id: int, mentorship_id: int) -> None:
        outcome = "did not run"
        try:
            with app.app_context(), app.test_request_context():
                me = db.session.get(User, mentor_id)
                db.session.commit()
                start.wait()
                try:
                    answer = mentoring.decline(me, mentorship_id, "")
                    outcome = "offered" if answer.next_offer else "nobody free"
                finally:
                    db.session.remove()
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            outcome = repr(error)
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=try_decline, args=pair)
               for pair in zip(decliners, offers, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert sorted(results) == ["nobody free"] * 9 + ["offered"]
    to_meg = db.session.scalar(sa.select(sa.func.count()).select_from(Mentorship).where(
        Mentorship.mentor_id == meg_id, Mentorship.status == MentorshipStatus.OFFERED))
    assert to_meg == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Mentorship).where(
        Mentorship.status == MentorshipStatus.DECLINED)) == 10
    from tests.conftest import empty_database
    empty_database()


def test_coordinators_are_told_once_about_offers_waiting_too_long(runner, people, users,
                                                                  mailbox):
    offer(people["mina"], people["meg"], days_ago=15)
    offer(mentee("Fay Fresh"), people["max"], days_ago=3)
    result = runner.invoke(args=["mentoring-stale-offers"])
    assert "Told 1 coordinator(s)" in result.output
    told = mailbox.to(users["coordinator"].email)
    assert len(told) == 1
    assert "1 offer has waited more than 14 days" in told[0]["Subject"]
    assert "/mentoring/stale" in told[0].get_payload(decode=True).decode()
    assert not mailbox.to(users["member"].email)
    again = runner.invoke(args=["mentoring-stale-offers"])
    assert "No new offers waiting too long" in again.output
    assert len(mailbox.to(users["coordinator"].email)) == 1


def test_after_a_decline_a_pair_forbidden_in_the_round_is_not_offered(client, people):
    from netapp.models import MentoringRound, PairRuleKind, RoundPairRule, RoundStatus

    mina, meg, max_ = people["mina"], people["meg"], people["max"]
    rnd = MentoringRound(name="Autumn", status=RoundStatus.PUBLISHED)
    db.session.add(rnd)
    db.session.flush()
    db.session.add(RoundPairRule(round_id=rnd.id, mentee_id=mina.id, mentor_id=max_.id,
                                 kind=PairRuleKind.FORBID))
    row = offer(mina, meg)
    row.round_id = rnd.id
    db.session.commit()
    _login(client, meg)
    client.post(f"/mentoring/mentees/{row.id}/decline", data={"reason": ""})
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Mentorship).where(
        Mentorship.status == MentorshipStatus.OFFERED)) == 0
    # Without the rule, Max would have been next.
    third = mentor("Tom Third")
    again = offer(mentee("Ned Next"), meg)
    client.post(f"/mentoring/mentees/{again.id}/decline", data={"reason": ""})
    new = db.session.scalars(sa.select(Mentorship).where(
        Mentorship.status == MentorshipStatus.OFFERED)).one()
    assert new.mentor_id in (max_.id, third.id)


def test_a_member_who_no_longer_wants_a_mentor_is_not_offered_another(client, people, mailbox):
    mina, meg = people["mina"], people["meg"]
    row = offer(mina, meg)
    profiles.profile_of(mina).wants_mentor = False
    db.session.commit()
    _login(client, meg)
    client.post(f"/mentoring/mentees/{row.id}/decline", data={"reason": ""})
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Mentorship).where(
        Mentorship.status == MentorshipStatus.OFFERED)) == 0
    body = mailbox.to(mina.email)[-1].get_payload(decode=True).decode()
    assert "Meg Mentor can't take you on this time." in body and "another" not in body


def test_the_mentees_page_lists_each_kind_in_its_order_in_a_few_statements(app, client,
                                                                            people):
    meg = people["meg"]
    profiles.save_offer(meg, capacity=3, topic_ids=[], availability="", note="")
    later = offer(mentee("Wyn Waiting"), meg, days_ago=1)
    first = offer(mentee("Ola Oldest"), meg, days_ago=3, status=MentorshipStatus.REQUESTED)
    newest = offer(people["mina"], meg)
    for name, days in (("Ann Accepted", 2), ("Bo Before", 9)):
        row = offer(mentee(name), meg, status=MentorshipStatus.ACCEPTED)
        row.responded_at = utcnow() - timedelta(days=days)
    offer(mentee("Dee Declined"), meg, status=MentorshipStatus.DECLINED)
    offer(mentee("Otto Other"), people["max"])
    db.session.commit()
    _login(client, meg)
    client.get("/mentoring/mentees")  # warm-up
    # The mentor's places, offers and mentees with the cards of those waiting in one; the
    # signed-in person's in tests.
    assert count_statements(client, "/mentoring/mentees") == 2
    text = client.get("/mentoring/mentees").get_data(as_text=True)
    waiting = [m.group(1) for m in re.finditer(r'<li id="offer-(\d+)">', text)]
    assert waiting == [str(first.id), str(later.id), str(newest.id)]
    assert "Waiting for your answer (3)" in text
    mentees = text[text.index('id="mentees-title"'):]
    assert mentees.index("Bo Before") < mentees.index("Ann Accepted")
    assert "Dee Declined" not in text and "Otto Other" not in text
    assert "3 people at once: 2 taken, 1 free" in text
