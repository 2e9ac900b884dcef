"""Coordinators' matching rounds: set up, run in the task queue, preview, publish all or none."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from netapp.extensions import db
from netapp.models import (
    AuditEntry,
    JobStatus,
    MentoringRound,
    Mentorship,
    MentorshipStatus,
    Notification,
    PairRuleKind,
    Region,
    Role,
    RoundPairRule,
    RoundProposal,
    RoundStatus,
    ServiceType,
)
from netapp.services import mentoring_rounds as rounds
from netapp.services import notifications, profiles
from netapp.tasks import huey
from tests.factories import make_user
from tests.profile_helpers import assess, council, give_profile, load_reference
from tests.queue_fixtures import consumer, queued_app, wait_for  # noqa: F401
from tests.statements import statements_per_page


def person(name: str, council_name: str = "Leeds", *, mentor_places: int = 0,
           needs=("finance",), offers=("finance", "leadership"), level: int = 2):
    """A confirmed member with a full profile; a mentor with free places, or waiting for one."""
    email = re.sub(r"[^a-z]+", ".", name.lower()) + "@example.org"
    user = make_user(email=email, name=name, roles=[Role.MENTOR] if mentor_places else [])
    if mentor_places:
        give_profile(user, council_name, level=4, capacity=mentor_places, needs=(),
                     offers=offers)
        assess(user, lambda i: 4)
    else:
        give_profile(user, council_name, level=level, needs=needs)
        assess(user, lambda i: 1 + i % 2)
        profiles.profile_of(user).wants_mentor = True
        db.session.commit()
    return user


@pytest.fixture
def people(app):
    load_reference()
    return {
        "ann": person("Ann Mentee"),
        "bob": person("Bob Mentee", needs=("leadership",)),
        "cat": person("Cat Mentee", "Camden"),
        "meg": person("Meg Mentor", mentor_places=1),
        "max": person("Max Mentor", "Camden", mentor_places=2),
    }


@pytest.fixture
def coordinator(app, client, auth):
    user = make_user(email="cora@example.org", name="Cora Coordinator", roles=[Role.COORDINATOR])
    auth.login(user.email)
    return user


def _create(client, name="Spring round", region="all") -> MentoringRound:
    response = client.post("/mentoring/rounds/new", data={"name": name, "region": region})
    assert response.status_code == 302
    return db.session.scalars(sa.select(MentoringRound).order_by(MentoringRound.id.desc())).first()


def _run(client, rnd) -> None:
    response = client.post(f"/mentoring/rounds/{rnd.id}/run")
    assert response.status_code == 302
    db.session.expire_all()


def _offers():
    return list(db.session.scalars(sa.select(Mentorship).order_by(Mentorship.id)))


def test_the_preview_reads_the_fields_each_profile_card_would_show(app, coordinator, people):
    # The preview reads only who sees what (profiles.shown_fields), not whole cards: the two
    # must agree for staff, for members sharing a network or not, and for someone unprofiled.
    profiles.set_visibility(people["ann"], {"needs": "networks", "level": "coordinators",
                                            "job_title": "me"})
    profiles.set_visibility(people["max"], {"offer": "me", "area": "networks"})
    nobody = make_user(email="no.profile@example.org", name="No Profile")
    ids = [p.id for p in people.values()] + [nobody.id]
    for viewer in (coordinator, people["ann"], people["bob"], people["cat"]):
        cards = profiles.profile_cards(viewer, ids)
        assert profiles.shown_fields(viewer, ids) == {uid: c.shown for uid, c in cards.items()}
    assert "level" in profiles.shown_fields(coordinator, ids)[people["ann"].id]
    assert "level" not in profiles.shown_fields(people["cat"], ids)[people["ann"].id]
    assert "job_title" in profiles.shown_fields(people["ann"], ids)[people["ann"].id]
    # Bob shares Leeds's network with Ann, Cat (Camden) does not.
    assert "needs" in profiles.shown_fields(people["bob"], ids)[people["ann"].id]
    assert "needs" not in profiles.shown_fields(people["cat"], ids)[people["ann"].id]
    assert profiles.shown_fields(coordinator, ids)[nobody.id] == frozenset()


def test_a_round_from_creation_to_publish(app, client, coordinator, people, mailbox):
    page = client.get("/mentoring/rounds")
    assert page.status_code == 200 and "No rounds yet" in page.text
    rnd = _create(client)
    assert rnd.status == RoundStatus.DRAFT and rnd.region_id is None
    assert rnd.weights == rounds.default_weights()

    pool = client.get(f"/mentoring/rounds/{rnd.id}/pool").text
    assert "Ann Mentee" in pool and "Cat Mentee" in pool and "3</strong> waiting" in pool
    mentors = client.get(f"/mentoring/rounds/{rnd.id}/pool?show=mentors").text
    assert "Max Mentor" in mentors and "2 free places" in mentors

    _run(client, rnd)  # the task queue runs at once in tests
    assert rnd.status == RoundStatus.PREVIEW and rnd.job.status == JobStatus.DONE
    detail = client.get(f"/mentoring/rounds/{rnd.id}").text
    assert "100% done" in detail and "Check the proposals" in detail

    preview = client.get(f"/mentoring/rounds/{rnd.id}/preview").text
    assert "3 of 3</strong> mentees matched" in preview
    assert "Yes, proven: no other set of pairs matches more people" in preview
    proposals = list(db.session.scalars(sa.select(RoundProposal)))
    assert len(proposals) == 3 and all(p.mentor_id and p.score > 0 for p in proposals)
    shown = rounds.reasons_for(coordinator, proposals)
    for p in proposals:
        # Everyone keeps their self-assessment private (the default): the engine's words
        # about it never reach the coordinator, the rest of the reason does.
        assert "self-assessment" in p.reason and "self-assessment" not in shown[p.id]
        assert shown[p.id] and shown[p.id] in preview.replace("&#39;", "'")
    assert "self-assessment" not in preview

    confirm = client.get(f"/mentoring/rounds/{rnd.id}/publish")
    assert "Publish this round?" in confirm.text and _offers() == []

    done = client.post(f"/mentoring/rounds/{rnd.id}/publish", follow_redirects=True)
    assert "Published: 3 offers" in done.text
    offers = _offers()
    assert len(offers) == 3
    by_mentee = {p.mentee_id: p for p in proposals}
    for offer in offers:
        assert offer.status == MentorshipStatus.OFFERED and offer.round_id == rnd.id
        assert offer.mentor_id == by_mentee[offer.mentee_id].mentor_id
        assert offer.score == by_mentee[offer.mentee_id].score
        assert offer.reason == by_mentee[offer.mentee_id].reason
    # each mentor is told once, in the app and by email, with names and nothing more
    notes = list(db.session.scalars(sa.select(Notification)))
    assert {n.user_id for n in notes} == {o.mentor_id for o in offers}
    assert all(n.kind == "offer" for n in notes)
    max_note = next(n for n in notes if n.user_id == people["max"].id)
    assert max_note.text.startswith("You're offered 2 new mentees")
    assert mailbox.to("max.mentor@example.org") and mailbox.to("meg.mentor@example.org")
    assert not mailbox.to("ann.mentee@example.org")

    # a second publish does nothing
    again = client.post(f"/mentoring/rounds/{rnd.id}/publish", follow_redirects=True)
    assert "already published" in again.text
    assert len(_offers()) == 3 and db.session.scalar(
        sa.select(sa.func.count()).select_from(Notification)) == len(notes)
    actions = set(db.session.scalars(sa.select(AuditEntry.action)))
    assert {"round.created", "round.run", "round.published"} <= actions


def test_a_regional_round_takes_only_that_regions_mentees(app, client, coordinator, people):
    london = db.session.scalar(sa.select(Region.id).where(Region.name == "London"))
    rnd = _create(client, "London spring", str(london))
    assert rnd.region_id == london
    pool = client.get(f"/mentoring/rounds/{rnd.id}/pool").text
    assert "Cat Mentee" in pool and "Ann Mentee" not in pool
    _run(client, rnd)
    assert {p.mentee_id for p in db.session.scalars(sa.select(RoundProposal))} == {
        people["cat"].id}


def test_weights_are_checked_and_the_form_keeps_what_was_typed(app, client, coordinator):
    load_reference()
    rnd = _create(client)
    url = f"/mentoring/rounds/{rnd.id}/weights"
    assert 'value="35"' in client.get(url).text
    typed = {"needs": "-4", "lqf": "20", "level": "abc", "service_type": "0",
             "local_authority": "0"}
    page = client.post(url, data=typed).text
    assert "Give a number between 0 and 1000." in page
    assert "Enter a number, for example 2.5." in page  # "abc", in the app's own words
    assert 'value="-4"' in page and 'value="20"' in page
    zeros = dict.fromkeys(typed, "0")
    assert "Give at least one weight more than 0." in client.post(url, data=zeros).text
    good = {"needs": "50", "lqf": "20", "level": "10", "service_type": "0",
            "local_authority": "2.5"}
    assert client.post(url, data=good).status_code == 302
    db.session.expire_all()
    assert rnd.weights == {"needs": 50.0, "lqf": 20.0, "level": 10.0, "service_type": 0.0,
                           "local_authority": 2.5}


def test_lock_and_forbid_by_name_and_the_engine_keeps_them(app, client, coordinator, people):
    rnd = _create(client)
    url = f"/mentoring/rounds/{rnd.id}/pairs"
    page = client.get(url).text
    assert "Ann Mentee (member" in page  # the pick lists
    lock = client.post(url, data={"kind": "lock", "mentee": "ann mentee",
                                  "mentor": f"Max Mentor (member {people['max'].id})"})
    assert lock.status_code == 302
    forbid = client.post(url, data={"kind": "forbid", "mentee": "Bob Mentee",
                                    "mentor": "Meg Mentor"})
    assert forbid.status_code == 302
    unknown = client.post(url, data={"kind": "lock", "mentee": "Nobody Atall",
                                     "mentor": "Meg Mentor"}).text
    assert "No mentee in this round&#39;s pool is called Nobody Atall" in unknown
    assert 'value="Nobody Atall"' in unknown
    twice = client.post(url, data={"kind": "lock", "mentee": "Ann Mentee",
                                   "mentor": "Meg Mentor"}).text
    assert "already has a locked mentor" in twice
    # The page reads the rules with the round, in one statement: as ``rules_of`` has them.
    page = client.get(url).text
    assert page.index("Forbidden: <strong>Bob Mentee</strong> with <strong>Meg Mentor</strong>") \
        < page.index("Locked: <strong>Ann Mentee</strong> with <strong>Max Mentor</strong>")
    found, rules, picks = rounds.round_rules_and_picks(rnd.id)
    assert (found.id, found.name, found.status) == (rnd.id, rnd.name, rnd.status)
    assert rules == rounds.rules_of(rnd)
    assert [(r.kind, r.mentee, r.mentor) for r in rules] == [
        (PairRuleKind.FORBID, "Bob Mentee", "Meg Mentor"),
        (PairRuleKind.LOCK, "Ann Mentee", "Max Mentor")]
    assert picks == rounds.pick_texts(rnd)
    assert rounds.round_rules_and_picks(rnd.id + 1000) is None
    # The round's page reads them with the round and its job, in one statement.
    assert rounds.round_job_and_rules(rnd.id) == (rnd, rules)
    assert rounds.round_job_and_rules(rnd.id + 1000) is None

    _run(client, rnd)
    pairs = dict(db.session.execute(
        sa.select(RoundProposal.mentee_id, RoundProposal.mentor_id)).all())
    assert pairs[people["ann"].id] == people["max"].id
    assert pairs[people["bob"].id] != people["meg"].id


def test_a_lock_the_engine_refuses_says_why(app, client, coordinator, people):
    # Meg and Ann work for the same organisation: the engine never pairs them.
    meg = people["meg"]
    profiles.save_about(meg, display_name=meg.display_name, job_title="Registered Manager",
                        organisation_name="Ann Mentee House", service_type=ServiceType.CARE_HOME,
                        local_authority_id=council("Leeds").id, level=4, years_as_manager=5,
                        meets_online=True)
    rnd = _create(client)
    page = client.post(f"/mentoring/rounds/{rnd.id}/pairs",
                       data={"kind": "lock", "mentee": "Ann Mentee", "mentor": "Meg Mentor"})
    assert page.status_code == 200
    assert "they work for the same organisation" in page.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RoundPairRule)) == 0


def test_the_preview_shows_a_pairs_scores_only_when_both_let_coordinators_see_them(
        app, client, coordinator, people):
    """The reason names the mentee's weak elements and the mentor's strong ones: it may say so
    only when both share their self-assessment with coordinators."""
    for name in ("ann", "bob", "meg", "max"):
        profiles.set_visibility(people[name], {"lqf": "coordinators", "level": "networks"})
    # Cat keeps her scores to herself, and her level from everyone but her networks.
    profiles.set_visibility(people["cat"], {"lqf": "me", "level": "everyone"})
    rnd = _create(client)
    _run(client, rnd)
    preview = client.get(f"/mentoring/rounds/{rnd.id}/preview").text.replace("&#39;", "'")
    rows = {p.mentee_id: p for p in db.session.scalars(sa.select(RoundProposal))}
    assert all("rates low" in p.reason for p in rows.values())  # the engine's own words

    def row_of(name):
        start = preview.index(f"<td role=\"cell\" data-label=\"Mentee\">{name}</td>")
        return preview[start:preview.index("</tr>", start)]

    assert "which the mentee's self-assessment rates low" in row_of("Ann Mentee")
    assert "which the mentee's self-assessment rates low" in row_of("Bob Mentee")
    cat = row_of("Cat Mentee")
    assert "self-assessment" not in cat and "Strong in" not in cat
    # what she does share stays: the needs sentence (seen by her networks and coordinators)
    assert "Offers help with the mentee's need: finance." in cat


@pytest.mark.parametrize(("mentee_shown", "mentor_shown", "for_coordinator"), [
    ({"needs", "lqf", "level"}, {"offer", "lqf", "level"},
     "Offers help with the mentee's need: finance. Strong in Planning, which the mentee's "
     "self-assessment rates low; a more senior leader than the mentee."),
    # either one keeping their scores private hides the clause, whoever it is
    ({"needs", "lqf", "level"}, {"offer", "level"},
     "Offers help with the mentee's need: finance. A more senior leader than the mentee."),
    ({"needs", "level"}, {"offer", "lqf", "level"},
     "Offers help with the mentee's need: finance. A more senior leader than the mentee."),
    # the needs sentence tells the mentee's needs and the mentor's offer
    ({"level"}, {"level", "offer"}, "A more senior leader than the mentee."),
    (set(), set(), "The match draws on parts of their profiles they keep to themselves."),
])
def test_a_reason_tells_a_coordinator_only_what_both_people_let_them_see(
        mentee_shown, mentor_shown, for_coordinator):
    from netapp.services.mentoring import reason_for_coordinator

    reason = ("Offers help with your need: finance. Strong in Planning, which your "
              "self-assessment rates low; a more senior leader than you.")
    assert reason_for_coordinator(reason, mentee_shown, mentor_shown) == for_coordinator


def test_lock_and_forbid_from_the_preview_then_run_again(app, client, coordinator, people):
    rnd = _create(client)
    _run(client, rnd)
    proposal = db.session.scalars(sa.select(RoundProposal).where(
        RoundProposal.mentee_id == people["ann"].id)).one()
    first_mentor = proposal.mentor_id
    response = client.post(f"/mentoring/rounds/{rnd.id}/pairs/from-preview", data={
        "kind": "forbid", "mentee_id": proposal.mentee_id, "mentor_id": first_mentor})
    assert response.status_code == 302
    rule = db.session.scalars(sa.select(RoundPairRule)).one()
    assert rule.kind == PairRuleKind.FORBID
    _run(client, rnd)
    db.session.expire_all()
    again = db.session.scalars(sa.select(RoundProposal).where(
        RoundProposal.mentee_id == people["ann"].id)).one()
    assert again.mentor_id != first_mentor
    assert rnd.status == RoundStatus.PREVIEW


def test_a_run_that_fails_says_why_and_can_run_again(app, client, coordinator):
    load_reference()
    rnd = _create(client)
    _run(client, rnd)
    assert rnd.status == RoundStatus.FAILED and rnd.job.status == JobStatus.FAILED
    page = client.get(f"/mentoring/rounds/{rnd.id}").text
    assert "Nobody in this round" in page and "Run again" in page
    person("Dan Mentee")
    person("Mia Mentor", mentor_places=1)
    _run(client, rnd)
    db.session.expire_all()
    assert rnd.status == RoundStatus.PREVIEW and rnd.job.status == JobStatus.DONE
    assert rnd.job.error == ""


@pytest.mark.parametrize("first_seen", ["", "/pool", "/pairs"])
def test_a_run_lost_with_its_worker_becomes_a_failure_that_can_run_again(app, client,
                                                                        coordinator, people,
                                                                        first_seen):
    from datetime import timedelta

    from netapp.models import Job
    from netapp.models.base import utcnow

    rnd = _create(client)
    rnd.status = RoundStatus.RUNNING
    rnd.job = Job(kind=rounds.RUN_KIND, status=JobStatus.RUNNING, progress=20,
                  params={"round_id": rnd.id}, started_at=utcnow() - timedelta(minutes=31))
    db.session.commit()
    if first_seen:  # any of the round's pages gives up on the lost run, and shows it failed
        assert '<span class="tag">Failed</span>' in client.get(
            f"/mentoring/rounds/{rnd.id}{first_seen}").text
    page = client.get(f"/mentoring/rounds/{rnd.id}").text
    assert "the worker that runs it has probably stopped" in page and "Run again" in page
    db.session.expire_all()
    assert rnd.status == RoundStatus.FAILED and rnd.job.status == JobStatus.FAILED
    _run(client, rnd)
    assert rnd.status == RoundStatus.PREVIEW and rnd.job.status == JobStatus.DONE


def test_the_progress_fragment_and_its_signal_to_reload(app, client, coordinator, people):
    rnd = _create(client)
    assert client.get(f"/mentoring/rounds/{rnd.id}/progress").status_code == 404  # not run yet
    _run(client, rnd)
    plain = client.get(f"/mentoring/rounds/{rnd.id}/progress")
    assert "<progress" in plain.text and 'value="100"' in plain.text
    assert "HX-Redirect" not in plain.headers
    polled = client.get(f"/mentoring/rounds/{rnd.id}/progress", headers={"HX-Request": "true"})
    assert polled.headers["HX-Redirect"] == f"/mentoring/rounds/{rnd.id}"


def test_a_running_round_polls_and_offers_a_refresh_link_without_javascript(
        app, client, coordinator, people):
    rnd = _create(client)
    rnd.status = RoundStatus.RUNNING
    from netapp.models import Job

    rnd.job = Job(kind=rounds.RUN_KIND, status=JobStatus.RUNNING, progress=40,
                  message="Matching 3 mentees with 2 mentors.", params={"round_id": rnd.id})
    db.session.commit()
    page = client.get(f"/mentoring/rounds/{rnd.id}").text
    assert 'hx-get="/mentoring/rounds/' in page and 'hx-trigger="every 1s"' in page
    assert '<progress max="100" value="40"' in page and "Matching 3 mentees" in page
    assert "<noscript><p><a href=\"/mentoring/rounds/" in page and "Refresh to see progress" in page
    assert "vendor/htmx/htmx.min.js" in page and "<script>" not in page
    # nothing can change while it runs
    assert "Run again" not in page
    blocked = client.post(f"/mentoring/rounds/{rnd.id}/weights", data=rounds.default_weights(),
                          follow_redirects=True)
    assert "The round is running" in blocked.text


def test_publish_is_all_or_nothing_when_telling_a_mentor_fails(app, client, coordinator, people,
                                                               monkeypatch, mailbox):
    rnd = _create(client)
    _run(client, rnd)
    real = notifications.notify
    calls = []

    def fails_second_time(*args, **kwargs):
        calls.append(args)
        if len(calls) == 2:
            raise RuntimeError("the notification service fell over")
        return real(*args, **kwargs)

    monkeypatch.setattr(notifications, "notify", fails_second_time)
    with pytest.raises(RuntimeError):
        rounds.publish(coordinator, rnd.id)
    assert len(calls) == 2  # it failed half way, after some offers and one notification
    db.session.expire_all()
    assert _offers() == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)) == 0
    assert rnd.status == RoundStatus.PREVIEW and rnd.published_at is None
    assert mailbox.messages == []
    monkeypatch.setattr(notifications, "notify", real)
    assert rounds.publish(coordinator, rnd.id) == 3
    assert len(_offers()) == 3


def test_publish_refuses_when_the_pool_changed_since_the_run(app, client, coordinator, people):
    rnd = _create(client)
    _run(client, rnd)
    # Meg takes a mentee by another route before the round is published
    db.session.add(Mentorship(mentee_id=make_user().id, mentor_id=people["meg"].id,
                              status=MentorshipStatus.ACCEPTED))
    db.session.commit()
    page = client.post(f"/mentoring/rounds/{rnd.id}/publish", follow_redirects=True).text
    assert "Things changed since this round ran" in page and "nothing was published" in page
    assert len(_offers()) == 1  # only the one made by hand


def test_a_rule_of_another_round_is_not_found(app, client, coordinator, people):
    first, second = _create(client, "One"), _create(client, "Two")
    client.post(f"/mentoring/rounds/{first.id}/pairs",
                data={"kind": "forbid", "mentee": "Ann Mentee", "mentor": "Meg Mentor"})
    rule = db.session.scalars(sa.select(RoundPairRule)).one()
    response = client.post(f"/mentoring/rounds/{second.id}/pairs/{rule.id}/remove")
    assert response.status_code == 404
    assert db.session.get(RoundPairRule, rule.id) is not None
    assert client.get("/mentoring/rounds/999999").status_code == 404


def test_rounds_are_for_coordinators_and_admins(app, client, auth, users, people):
    for role, status in (("member", 403), ("mentor", 403), ("coordinator", 200), ("admin", 200)):
        auth.logout()
        auth.as_role(users, role)
        assert client.get("/mentoring/rounds").status_code == status, role


@pytest.mark.usefixtures("queued_app", "consumer")
def test_a_round_runs_through_a_real_consumer():
    assert not huey.immediate
    load_reference()
    for name in ("Ann Mentee", "Bob Mentee", "Cat Mentee"):
        person(name)
    person("Meg Mentor", mentor_places=3)
    coordinator = make_user(email="cora@example.org", roles=[Role.COORDINATOR])
    rnd = rounds.create_round(coordinator, "Queued round", None)
    job = rounds.start_run(coordinator, rnd)
    done = wait_for(job.id, lambda r: r.status.is_finished)
    assert done.status == JobStatus.DONE, done.error
    db.session.expire_all()
    assert db.session.get(MentoringRound, rnd.id).status == RoundStatus.PREVIEW
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RoundProposal)) == 3


def test_console_pages_run_the_same_number_of_statements_as_data_grows(app, client, coordinator,
                                                                       people):
    person("Dee Mentee")  # four mentees for three places: both lists of the preview have rows
    rnd = _create(client)
    client.post(f"/mentoring/rounds/{rnd.id}/pairs",
                data={"kind": "forbid", "mentee": "Ann Mentee", "mentor": "Meg Mentor"})
    _run(client, rnd)
    base = f"/mentoring/rounds/{rnd.id}"
    paths = ["/mentoring/rounds", base, f"{base}/pool", f"{base}/pool?show=mentors",
             f"{base}/pool?show=left_out", f"{base}/weights", f"{base}/pairs",
             f"{base}/preview", f"{base}/publish", f"{base}/progress"]
    statements_per_page(client, paths)  # warm-up: what a serving process has cached
    small = statements_per_page(client, paths)

    # Many more people, rounds and rules; the same round is run again over the bigger pool.
    for n in range(12):
        person(f"Extra Mentee {chr(65 + n)}", "Camden" if n % 2 else "Leeds")
    for n in range(4):
        person(f"Extra Mentor {chr(65 + n)}", mentor_places=2)
    person("Left Out", level=2).profile.level = None
    db.session.commit()
    for n in range(3):
        _create(client, f"Other round {n}")
    for n in range(3):
        client.post(f"/mentoring/rounds/{rnd.id}/pairs",
                    data={"kind": "forbid", "mentee": f"Extra Mentee {chr(65 + n)}",
                          "mentor": "Max Mentor"})
    _run(client, rnd)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RoundProposal)) > 10
    statements_per_page(client, paths)  # adding people may refresh the cached reference data
    assert small == statements_per_page(client, paths)


# Row locks are what is tested, so PostgreSQL only (SQLite runs one writer at a time anyway).
@pytest.mark.parametrize("backend", [pytest.param("postgres", marks=pytest.mark.postgres)])
def test_two_publishes_at_once_make_one_set_of_offers(app, client, coordinator, people):
    import threading

    rnd = _create(client)
    _run(client, rnd)
    barrier, results, errors = threading.Barrier(4), [], []

    def publish():
        with app.app_context():
            try:
                barrier.wait()
                results.append(rounds.publish(coordinator, rnd.id))
            except Exception as exc:  # collected and shown by the assertion below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=publish) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == [] and sorted(results) == [0, 0, 0, 3]
    assert len(_offers()) == 3


@pytest.mark.parametrize("backend", [pytest.param("postgres", marks=pytest.mark.postgres)])
def test_publish_waits_for_an_offer_being_made_to_its_mentor_and_then_counts_it(
        app, client, coordinator, people):
    """An offer after a decline locks the mentor's profile while it takes the place; a publish
    at that moment waits, then sees the place is gone and publishes nothing."""
    import threading
    import time

    from netapp.services.mentoring import _lock_profiles

    rnd = _create(client)
    _run(client, rnd)
    meg_id, extra_id = people["meg"].id, make_user().id
    locked, results = threading.Event(), []

    def offer_to_meg():
        with app.app_context():
            try:
                _lock_profiles(meg_id)  # what an offer after a decline does first
                locked.set()
                time.sleep(1.5)  # the publish starts meanwhile
                db.session.add(Mentorship(mentee_id=extra_id, mentor_id=meg_id,
                                          status=MentorshipStatus.OFFERED))
                db.session.commit()
            finally:
                db.session.remove()

    def publish():
        with app.app_context():
            try:
                locked.wait(30)
                results.append(rounds.publish(coordinator, rnd.id))
            except rounds.RoundError as problem:
                results.append(str(problem))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=offer_to_meg), threading.Thread(target=publish)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    [outcome] = results
    assert isinstance(outcome, str) and "Things changed since this round ran" in outcome
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Mentorship).where(
        Mentorship.mentor_id == meg_id)) == 1  # Meg has one place, and one offer


def test_the_preview_pages_through_pairs_best_first_and_the_unmatched(
        app, client, coordinator, people):
    # Both pages come in one statement: check each page holds the right rows and totals.
    rnd = MentoringRound(name="Paged", status=RoundStatus.PREVIEW,
                         stats={"mentees": 8, "matched": 5, "max_matches": 5, "optimal": True})
    db.session.add(rnd)
    db.session.flush()
    mentees = [make_user(email=f"mentee{n}@example.org", name=f"Mentee {n}") for n in range(8)]
    mentor = people["meg"]
    for n, score in enumerate((50.0, 90.0, 70.0, 90.0, 10.0)):
        db.session.add(RoundProposal(round_id=rnd.id, mentee_id=mentees[n].id,
                                     mentor_id=mentor.id, score=score, reason=f"pair {n}"))
    for n in range(3):
        db.session.add(RoundProposal(round_id=rnd.id, mentee_id=mentees[5 + n].id,
                                     mentor_id=None, score=None, reason=f"alone {n}"))
    db.session.commit()
    app.config["PAGE_SIZE"] = 2
    by_score = [p.id for p in db.session.scalars(
        sa.select(RoundProposal).where(RoundProposal.mentor_id.is_not(None))
        .order_by(RoundProposal.score.desc(), RoundProposal.id))]
    alone = [p.id for p in db.session.scalars(
        sa.select(RoundProposal).where(RoundProposal.mentor_id.is_(None))
        .order_by(RoundProposal.id))]
    for page, unmatched_page in ((1, 1), (2, 2), (3, 1), (9, 9)):
        pairs, unmatched, _ = rounds.preview_pages(rnd, page, unmatched_page, 2)
        assert [p.id for p in pairs.items] == by_score[(page - 1) * 2:page * 2]
        assert [p.id for p in unmatched.items] == alone[(unmatched_page - 1) * 2:
                                                       unmatched_page * 2]
        assert (pairs.total, unmatched.total) == (5, 3)
        assert all(p.mentee_name and p.mentor_name == "Meg Mentor" for p in pairs.items)
    html = client.get(f"/mentoring/rounds/{rnd.id}/preview?page=2&unmatched_page=2").text
    assert "Page 2 of 3 (5 in all)" in html and "Page 2 of 2 (3 in all)" in html
    assert "alone 2" in html and "alone 0" not in html
