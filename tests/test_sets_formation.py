"""Coordinators form action learning sets: create, run in the task queue, preview with every
rule, move members with the rules checked again, facilitators, publish all or none, late
joiners."""
from __future__ import annotations

import html
import re

import pytest
import sqlalchemy as sa

from netapp.extensions import db
from netapp.models import (
    FormationStatus,
    FormationUnplaced,
    Job,
    JobStatus,
    LearningSet,
    Notification,
    Role,
    SetFormation,
    SetMembership,
    SetRequest,
    SetStatus,
    User,
    UserRole,
)
from netapp.services import jobs, notifications
from netapp.services import sets_formation as service
from tests.factories import make_user
from tests.sets_people import asker, coordinator_user, create, leeds_and_camden, run
from tests.statements import count_statements


@pytest.fixture
def people(app):
    return leeds_and_camden()


@pytest.fixture
def coordinator(app, client, auth):
    user = coordinator_user()
    auth.login(user.email)
    return user


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _sets(formation) -> list[LearningSet]:
    return list(db.session.scalars(sa.select(LearningSet)
                                   .where(LearningSet.formation_id == formation.id)
                                   .order_by(LearningSet.id)))


def _members(row) -> set[int]:
    return set(db.session.scalars(sa.select(SetMembership.user_id)
                                  .where(SetMembership.set_id == row.id)))


def _set_of(formation, user) -> LearningSet:
    return next(s for s in _sets(formation) if user.id in _members(s))


def _move(client, formation, user, target, confirm=False):
    data = {"member": user.id, "target": target.id}
    if confirm:
        data["confirm"] = "y"
    return client.post(f"/sets/formations/{formation.id}/move", data=data)


# ---------------------------------------------------------------- create and run


def test_the_new_formation_form_has_the_defaults_and_checks_sizes(app, client, coordinator):
    page = _text(client.get("/sets/formations/new"))
    assert 'value="5"' in page and 'value="8"' in page and 'value="25"' in page
    bad = client.post("/sets/formations/new", data={
        "name": "Too small", "region": "all", "only_asked": "yes", "min_size": 7,
        "max_size": 6, **service.default_weights()})
    assert "at least as big as the smallest" in _text(bad)
    assert "Too small" in _text(bad)  # what was typed stays
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SetFormation)) == 0
    zero = client.post("/sets/formations/new", data={
        "name": "No weights", "region": "all", "only_asked": "yes", "min_size": 5,
        "max_size": 8, **{k: 0 for k in service.WEIGHT_NAMES}})
    assert "at least one weight more than 0" in _text(zero)


def test_sizes_and_weights_can_be_changed_until_published_and_the_sets_formed_again(
        app, client, coordinator, people):
    formation = _formed(client)
    url = f"/sets/formations/{formation.id}/settings"
    page = _text(client.get(url))
    assert 'value="5"' in page and 'value="8"' in page and 'value="25"' in page
    # Bad input: a clear message, a 400, what was typed kept, nothing saved.
    bad = client.post(url, data={"min_size": 7, "max_size": 6, "service_mix": "12.5",
                                 "lqf": 30, "shared_needs": 30, "local_authority": 15})
    assert bad.status_code == 400
    assert "The largest set must be at least as big as the smallest." in _text(bad)
    assert 'value="7"' in _text(bad) and 'value="12.5"' in _text(bad)
    zero = client.post(url, data={"min_size": 5, "max_size": 8,
                                  **{k: 0 for k in service.WEIGHT_NAMES}})
    assert zero.status_code == 400 and "Give at least one weight more than 0." in _text(zero)
    words = client.post(url, data={"min_size": "five", "max_size": 8, "service_mix": -1,
                                   "lqf": 30, "shared_needs": 30, "local_authority": 15})
    assert words.status_code == 400
    assert "Give the smallest size as a whole number, for example 5." in _text(words)
    assert "Give a number between 0 and 1000." in _text(words)
    db.session.expire_all()
    assert (formation.min_size, formation.max_size) == (5, 8)
    # Good input: saved, and the sets formed again with it (the task queue runs at once).
    old_sets = {s.id for s in _sets(formation)}
    done = client.post(url, data={"min_size": 6, "max_size": 6, "service_mix": 0, "lqf": 50,
                                  "shared_needs": 50, "local_authority": 0})
    assert done.status_code == 302
    db.session.expire_all()
    formation = db.session.get(SetFormation, formation.id)
    assert (formation.min_size, formation.max_size) == (6, 6)
    assert formation.weights == {"service_mix": 0.0, "lqf": 50.0, "shared_needs": 50.0,
                                 "local_authority": 0.0}
    assert formation.status == FormationStatus.PREVIEW
    assert old_sets.isdisjoint({s.id for s in _sets(formation)})
    assert all(len(_members(s)) == 6 for s in _sets(formation))
    detail = _text(client.get(f"/sets/formations/{formation.id}"))
    assert "6 to 6" in detail and "Change the sizes and weights" in detail
    # Once published, no more changes.
    service.publish(coordinator, formation.id)
    assert client.get(url).status_code == 302
    assert client.post(url, data={"min_size": 5, "max_size": 8, **service.default_weights()}
                       ).status_code == 302
    db.session.expire_all()
    assert db.session.get(SetFormation, formation.id).min_size == 6
    assert "Change the sizes and weights" not in _text(
        client.get(f"/sets/formations/{formation.id}"))


def test_formation_to_publish(app, client, coordinator, people, mailbox):
    """The whole journey, on SQLite and PostgreSQL: form, check, move, facilitate, publish."""
    formation = create(client)
    assert formation.weights == service.default_weights()
    assert formation.status == FormationStatus.DRAFT
    run(client, formation)
    formation = db.session.get(SetFormation, formation.id)
    assert formation.status == FormationStatus.PREVIEW, formation.job.error
    sets = _sets(formation)
    assert len(sets) == 3 and all(s.status == SetStatus.DRAFT for s in sets)
    assert sum(len(_members(s)) for s in sets) == 18
    camden = _set_of(formation, people["Camden A"])
    assert not camden.meets_online and camden.region.name == "London"
    assert _members(camden) == {people[f"Camden {c}"].id for c in "ABCDEF"}
    assert "finance" in camden.themes

    page = _text(client.get(f"/sets/formations/{formation.id}"))
    assert "18 of 18 members placed in 3 sets" in page
    assert "In person in London" in page and "Online" in page
    assert "Size kept: 6 members (5 to 8)" in page
    assert "One member per organisation kept" in page
    assert "One region for meeting in person kept" in page
    assert "Finance" in page or "finance" in page
    assert "Camden A" in page and "Leeds L" in page
    assert "needs a look" not in page

    # A move that keeps every rule is saved at once.
    lea_set = _set_of(formation, people["Leeds C"])
    other = next(s for s in sets if s.id not in (lea_set.id, camden.id))
    moved = _move(client, formation, people["Leeds C"], other)
    assert moved.status_code == 302
    assert people["Leeds C"].id in _members(other)

    # A facilitator for each set: a mentor or a coordinator.
    mentor = make_user(email="fay@example.org", name="Fay Facilitator", roles=[Role.MENTOR])
    for row in _sets(formation):
        response = client.post(f"/sets/formations/{formation.id}/sets/{row.id}/facilitator",
                               data={"facilitator": mentor.id})
        assert response.status_code == 302

    confirm = _text(client.get(f"/sets/formations/{formation.id}/publish"))
    assert "Publish these sets?" in confirm and "18" in confirm
    assert db.session.get(SetFormation, formation.id).status == FormationStatus.PREVIEW
    mailbox.clear()
    done = client.post(f"/sets/formations/{formation.id}/publish", follow_redirects=True)
    assert "Published: 3 sets" in _text(done)
    db.session.expire_all()
    formation = db.session.get(SetFormation, formation.id)
    assert formation.status == FormationStatus.PUBLISHED and formation.published_at
    assert all(s.status == SetStatus.ACTIVE and s.facilitator_id == mentor.id
               for s in _sets(formation))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SetRequest)) == 0
    # each active set links to its members and attendance, which the coordinator can open
    detail = client.get(f"/sets/formations/{formation.id}").get_data(as_text=True)
    for s in _sets(formation):
        assert f'href="/sets/{s.id}/roster"' in detail
        assert client.get(f"/sets/{s.id}/roster").status_code == 200
    notes = list(db.session.scalars(sa.select(Notification)
                                    .where(Notification.kind == "set_published")))
    assert len(notes) == 18 and len({n.user_id for n in notes}) == 18
    assert all("action learning set" in n.text for n in notes)
    assert mailbox.to("leeds.a@example.org")

    again = client.post(f"/sets/formations/{formation.id}/publish", follow_redirects=True)
    assert "already published" in _text(again)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)
                             .where(Notification.kind == "set_published")) == 18
    # A published formation can't be formed again or changed by moves.
    assert client.post(f"/sets/formations/{formation.id}/run").status_code == 302
    assert db.session.get(SetFormation, formation.id).status == FormationStatus.PUBLISHED


def test_too_few_members_fails_the_run_with_a_reason(app, client, coordinator):
    from tests.profile_helpers import load_reference
    load_reference()
    for n in range(3):
        asker(f"Few {chr(65 + n)}")
    formation = create(client)
    run(client, formation)
    formation = db.session.get(SetFormation, formation.id)
    assert formation.status == FormationStatus.FAILED
    assert "Only 3 members can be placed, fewer than the smallest set of 5" in \
        formation.job.error or "Only 3 members" in formation.job.message


def test_the_preview_reads_what_the_rules_need_as_the_engine_would_have_it(app, people):
    """The preview checks each set's rules on what its own statement reads of the members
    (``bridge.set_rule_columns``), not on the engine's people: for members with every reason
    a profile can't be used, and each way of meeting, it decides who counts and reads their
    organisation, region and way of meeting as ``set_members`` does."""
    from netapp.models import AssessmentScore, Profile, SelfAssessment
    from netapp.services import matching_bridge as bridge

    def profile(name):
        return db.session.get(Profile, people[name].id)

    profile("Leeds C").level = None
    profile("Leeds D").local_authority_id = None
    people["Leeds E"].is_active_account = False
    profile("Leeds F").organisation_id = None  # so no service either
    profile("Camden A").meets_online = True
    profile("Leeds G").meets_online = False
    db.session.execute(sa.delete(SetRequest).where(SetRequest.user_id.in_(
        [people["Camden A"].id, people["Leeds G"].id])))
    assessments = {name: sa.select(SelfAssessment.id).where(
        SelfAssessment.user_id == people[name].id).scalar_subquery()
        for name in ("Leeds H", "Camden B")}
    # One score missing from Leeds H's assessment; none at all for Camden B.
    db.session.execute(sa.delete(AssessmentScore).where(
        AssessmentScore.assessment_id.in_(assessments["Leeds H"]),
        AssessmentScore.element_id == db.session.scalar(
            sa.select(AssessmentScore.element_id).where(
                AssessmentScore.assessment_id.in_(assessments["Leeds H"])).limit(1))))
    db.session.execute(sa.delete(AssessmentScore).where(
        AssessmentScore.assessment_id.in_(assessments["Camden B"])))
    db.session.execute(sa.delete(SelfAssessment).where(
        SelfAssessment.user_id == people["Camden B"].id))
    db.session.commit()
    ids = [u.id for u in people.values()] + [make_user(email="np@example.org", name="No P").id]
    engine = bridge.set_members(ids)
    found = {row.id: row for row in db.session.execute(bridge.set_rule_joins(
        sa.select(User.id, *bridge.set_rule_columns()), User.id).where(User.id.in_(ids)))}
    assert {uid for uid, row in found.items() if row.usable} == set(engine)
    assert len(engine) == len(ids) - 7  # each reason above leaves someone out
    for uid, member in engine.items():
        row = found[uid]
        assert bridge.rule_member(row.organisation_id, row.region, row.meets_online,
                                  row.mode) == bridge.RuleMember(
            member.organisation, member.region, member.online, member.online_only)
    online = {uid: (m.online, m.online_only) for uid, m in engine.items()}
    assert online[people["Camden A"].id] == (True, False)  # no request: the profile's choice
    assert online[people["Leeds G"].id] == (False, False)
    assert online[people["Camden C"].id] == (False, False)  # asked to meet in person
    assert online[people["Leeds A"].id] == (True, True)  # asked to meet online


def test_each_set_on_the_preview_keeps_or_breaks_the_rules_as_the_engine_says(
        app, client, coordinator, people):
    """After publishing, members' requests have ended, so how each meets is their profile's
    choice; profiles changed since forming must show on the sets' rules as the engine sees
    them (``set_members``), not as the set was formed."""
    from netapp.models import Profile
    from netapp.services import matching_bridge as bridge
    from tests.profile_helpers import council

    formation = _formed(client)
    service.publish(coordinator, formation.id)
    online_set = next(row for row in _sets(formation) if row.meets_online)
    first, second, *_ = sorted(_members(online_set))
    for uid in (first, second):
        db.session.get(Profile, uid).meets_online = False  # now only in person
    db.session.get(Profile, second).local_authority_id = council("Camden").id
    db.session.commit()
    formation = db.session.get(SetFormation, formation.id)
    views = service.preview_page(formation, 1, 50).items
    assert len(views) == len(_sets(formation))
    for view in views:
        ids = [m.id for m in view.members]
        engine = bridge.set_members(ids)
        expected = bridge.rule_state([engine[u] for u in ids if u in engine],
                                     formation.min_size, formation.max_size)
        assert len(engine) == len(ids) and view.rules == expected, view.row.name
    broken = next(v for v in views if v.row.id == online_set.id)
    assert not broken.rules.one_region


def test_unplaced_members_are_listed_with_the_reason(app, client, coordinator, people):
    lonely = asker("Lonely Inperson", "Cornwall", mode="in_person")
    formation = create(client)
    run(client, formation)
    rows = list(db.session.scalars(sa.select(FormationUnplaced)))
    assert [r.user_id for r in rows] == [lonely.id]
    page = _text(client.get(f"/sets/formations/{formation.id}/unplaced"))
    assert "Lonely Inperson" in page and (rows[0].reason[:1].upper() + rows[0].reason[1:]) in page


def test_unplaced_members_come_a_page_at_a_time_in_a_fixed_number_of_statements(
        app, client, coordinator, people):
    from tests.statements import count_statements

    app.config["PAGE_SIZE"] = 2
    for name in ("Lonely Cee", "Lonely Aye", "Lonely Bee"):
        asker(name, "Cornwall", mode="in_person")
    formation = create(client)
    run(client, formation)
    url = f"/sets/formations/{formation.id}/unplaced"
    cells = re.compile(r'data-label="Member">([^<]*)</td>')
    first, second = (client.get(f"{url}?page={n}").get_data(as_text=True) for n in (1, 2))
    assert cells.findall(first) == ["Lonely Aye", "Lonely Bee"]
    assert cells.findall(second) == ["Lonely Cee"] and "Page 2 of 2" in second
    small = count_statements(client, url)
    asker("Lonely Dee", "Cornwall", mode="in_person")
    run(client, formation)
    count_statements(client, url)  # adding people may refresh the cached reference data
    assert count_statements(client, url) == small


# ---------------------------------------------------------------- moving members


def _formed(client, **sizes):
    formation = create(client, **sizes)
    run(client, formation)
    return db.session.get(SetFormation, formation.id)


def test_moving_warns_when_a_set_becomes_too_small(app, client, coordinator, people):
    formation = _formed(client)
    online = sorted((s for s in _sets(formation) if s.meets_online),
                    key=lambda s: len(_members(s)))
    source, target = online[0], online[-1]
    while len(_members(source)) > 5:  # the engine may make 6 and 6 or 5 and 7
        mover = db.session.get(User, min(_members(source)))
        assert _move(client, formation, mover, target).status_code == 302
    second = db.session.get(User, max(_members(source)))
    warning = _move(client, formation, second, target)
    text = _text(warning)
    assert warning.status_code == 200
    assert (f"Moving {second.display_name} makes {source.name} too small: it would have 4 "
            "members, fewer than 5.") in text
    assert second.id in _members(source)  # nothing saved before the coordinator confirms
    confirmed = _move(client, formation, second, target, confirm=True)
    assert confirmed.status_code == 302
    assert second.id in _members(target)
    page = _text(client.get(f"/sets/formations/{formation.id}"))
    assert "Size not kept: 4 members (5 to 8)" in page


def test_moving_warns_when_a_set_becomes_too_big(app, client, coordinator, people):
    formation = _formed(client, min_size=5, max_size=6)
    source = _set_of(formation, people["Camden A"])
    target = next(s for s in _sets(formation) if s.id != source.id)
    text = _text(_move(client, formation, people["Camden A"], target))
    assert (f"Moving Camden A makes {target.name} too big: it would have 7 members, more "
            "than 6.") in text


def test_moving_warns_about_two_members_from_one_organisation(app, client, coordinator,
                                                              people):
    formation = _formed(client)
    lea, lou = people["Leeds A"], people["Leeds B"]
    assert _set_of(formation, lea).id != _set_of(formation, lou).id  # the engine kept them apart
    target = _set_of(formation, lou)
    text = _text(_move(client, formation, lea, target))
    assert f"{target.name} would have two members from one organisation." in text
    assert "too small" not in text and "region" not in text


def test_moving_warns_about_meeting_in_person_across_regions(app, client, coordinator,
                                                             people):
    formation = _formed(client)
    target = _set_of(formation, people["Leeds C"])
    text = _text(_move(client, formation, people["Camden A"], target))
    assert (f"{target.name} meets in person and would have members from more than one "
            "region.") in text
    assert people["Camden A"].id not in _members(target)  # nothing saved yet
    assert _move(client, formation, people["Camden A"], target, confirm=True).status_code == 302
    assert people["Camden A"].id in _members(target)
    db.session.expire_all()
    row = db.session.get(LearningSet, target.id)
    assert not row.meets_online and row.quality is None  # the engine can't measure it now
    assert row.region_id is None  # no one region to meet in
    page = _text(client.get(f"/sets/formations/{formation.id}"))
    assert "Not kept: meets in person with members from more than one region" in page
    assert "Not measured: the set breaks a rule" in page


def test_a_member_who_asked_for_online_only_is_never_placed_in_person(app, client,
                                                                     coordinator, people):
    """Camden has six who meet only in person and one who asked for online only: one set of
    seven in Camden would keep the other rules; the online-only rule sends her online."""
    zoe = asker("Camden Zoe", "Camden", mode="online")
    formation = _formed(client)
    assert _set_of(formation, zoe).meets_online
    camden = _set_of(formation, people["Camden A"])
    assert not camden.meets_online and zoe.id not in _members(camden)
    text = _text(_move(client, formation, zoe, camden))
    assert (f"{camden.name} meets in person and would have someone who asked to meet only "
            "online.") in text
    assert "region" not in text  # she works in Camden: only the online-only rule is broken
    assert _move(client, formation, zoe, camden, confirm=True).status_code == 302
    page = _text(client.get(f"/sets/formations/{formation.id}"))
    assert "Not kept: someone who asked to meet online only would meet in person" in page


def test_the_move_form_works_without_javascript(app, client, coordinator, people):
    formation = _formed(client)
    page = _text(client.get(f"/sets/formations/{formation.id}/move?member="
                            f"{people['Leeds C'].id}"))
    source = _set_of(formation, people["Leeds C"])
    assert f"They are in <strong>{source.name}</strong> now" in page and "<select" in page
    assert client.get(f"/sets/formations/{formation.id}/move?member=999999").status_code == 404
    assert client.get(f"/sets/formations/{formation.id}/move").status_code == 404


# ---------------------------------------------------------------- facilitators


def test_a_facilitator_must_be_a_mentor_or_coordinator_outside_the_set(app, client,
                                                                       coordinator, people):
    formation = _formed(client)
    row = _set_of(formation, people["Leeds C"])
    url = f"/sets/formations/{formation.id}/sets/{row.id}/facilitator"
    page = _text(client.get(url))
    assert "Cora Coordinator" in page and "Leeds C" not in page
    refused = client.post(url, data={"facilitator": people["Leeds C"].id})
    # WTForms' own words, or the plain ones the shared form base may put in their place
    assert refused.status_code == 200 and any(
        words in _text(refused) for words in ("Not a valid choice",
                                              "Choose one of the options shown."))
    # A member of the set who is also a mentor is in the list, but can't facilitate it.
    member_mentor = db.session.get(User, min(_members(row)))
    db.session.add(UserRole(user_id=member_mentor.id, role=Role.MENTOR))
    db.session.commit()
    inside = client.post(url, data={"facilitator": member_mentor.id})
    assert "can't also facilitate it" in _text(inside)
    assert client.post(url, data={"facilitator": coordinator.id}).status_code == 302
    assert db.session.get(LearningSet, row.id).facilitator_id == coordinator.id


def test_a_set_of_another_formation_is_not_found(app, client, coordinator, people):
    first = _formed(client)
    second = create(client, name="Other")
    row = _sets(first)[0]
    assert client.get(f"/sets/formations/{second.id}/sets/{row.id}/facilitator"
                      ).status_code == 404
    assert client.post(f"/sets/formations/{second.id}/move",
                       data={"member": people["Leeds C"].id, "target": row.id}
                       ).status_code in (302, 404)
    assert _set_of(first, people["Leeds C"]).formation_id == first.id


# ---------------------------------------------------------------- publish: all or none


def test_publish_is_all_or_nothing_under_a_fault(app, client, coordinator, people,
                                                 monkeypatch, mailbox):
    formation = _formed(client)
    real = notifications.notify
    calls = []

    def fails_half_way(*args, **kwargs):
        calls.append(1)
        if len(calls) == 9:
            raise RuntimeError("the notification store went away")
        return real(*args, **kwargs)

    monkeypatch.setattr(notifications, "notify", fails_half_way)
    mailbox.clear()
    with pytest.raises(RuntimeError):
        service.publish(coordinator, formation.id)
    db.session.expire_all()
    assert db.session.get(SetFormation, formation.id).status == FormationStatus.PREVIEW
    assert all(s.status == SetStatus.DRAFT and s.published_at is None
               for s in _sets(formation))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SetRequest)) == 18
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)) == 0
    assert not mailbox.to("leeds.a@example.org")

    monkeypatch.setattr(notifications, "notify", real)
    assert service.publish(coordinator, formation.id) == 3
    assert service.publish(coordinator, formation.id) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)) == 18


# ---------------------------------------------------------------- late joiners


def test_a_late_joiner_is_placed_where_the_rules_hold(app, client, coordinator, people):
    formation = _formed(client)
    service.publish(coordinator, formation.id)
    late = asker("Lara Late", "Camden", mode="in_person")
    page = _text(client.get(f"/sets/formations/{formation.id}/late"))
    assert "Lara Late" in page
    before = _text(client.get(f"/sets/formations/{formation.id}/late/{late.id}"))
    assert "Find sets for them" in before and "Proposed" not in before  # nothing run yet
    # The search runs in the task queue (at once in tests) and the page shows its outcome.
    found = client.post(f"/sets/formations/{formation.id}/late/{late.id}/find")
    assert found.status_code == 302
    job = db.session.scalars(sa.select(Job).where(Job.kind == service.LATE_KIND)).one()
    assert job.status == JobStatus.DONE and job.created_by_id == coordinator.id
    proposal = _text(client.get(f"/sets/formations/{formation.id}/late/{late.id}"))
    camden = _set_of(formation, people["Camden A"])
    assert "Proposed" in proposal and camden.name in proposal
    progress = client.get(f"/sets/formations/{formation.id}/late/{late.id}/progress",
                          headers={"HX-Request": "true"})
    assert progress.headers["HX-Redirect"].endswith(f"/late/{late.id}")
    # Only the in-person set in her region keeps the rules for someone meeting in person.
    proposals, _ = service.propose_sets(db.session.get(SetFormation, formation.id), late.id)
    assert [p.set_id for p in proposals] == [camden.id]
    done = client.post(f"/sets/formations/{formation.id}/late/{late.id}",
                       data={"set_id": camden.id})
    assert done.status_code == 302
    assert late.id in _members(camden)
    assert db.session.get(SetRequest, late.id) is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)
                             .where(Notification.user_id == late.id)) == 1
    # Someone who didn't ask after publishing is not a late joiner of this formation.
    assert client.get(f"/sets/formations/{formation.id}/late/{people['Leeds A'].id}"
                      ).status_code == 404


def test_late_joiners_come_a_page_at_a_time_by_name_in_a_fixed_number_of_statements(
        app, client, coordinator, people):
    from tests.statements import count_statements

    app.config["PAGE_SIZE"] = 3
    formation = _formed(client)
    service.publish(coordinator, formation.id)
    url = f"/sets/formations/{formation.id}/late"
    for name in ("Zoe Late", "Abe Late", "Max Late", "Kit Late"):
        asker(name, "Leeds")
    closed = asker("Bea Closed", "Leeds")
    closed.is_active_account = False
    db.session.commit()
    first, second = (client.get(f"{url}?page={n}").get_data(as_text=True) for n in (1, 2))
    names = re.compile(r"<li>([^<]*) · <a href=\"[^\"]*/late/(\d+)\">Find a set")
    assert [n for n, _ in names.findall(first)] == ["Abe Late", "Kit Late", "Max Late"]
    assert [n for n, _ in names.findall(second)] == ["Zoe Late"]
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    assert "Nobody has asked" in client.get(f"{url}?page=3").get_data(as_text=True)
    small = count_statements(client, url)
    for n in range(6):
        asker(f"More Late {chr(65 + n)}", "Camden")
    count_statements(client, url)  # adding people may refresh the cached reference data
    assert count_statements(client, url) == small


def test_a_late_joiner_with_no_set_that_keeps_the_rules_is_told_why(app, client, coordinator,
                                                                    people):
    formation = _formed(client)
    service.publish(coordinator, formation.id)
    far = asker("Finn Far", "Cornwall", mode="in_person")
    client.post(f"/sets/formations/{formation.id}/late/{far.id}/find")
    page = _text(client.get(f"/sets/formations/{formation.id}/late/{far.id}"))
    assert "No set can take them with every rule kept" in page
    assert "Find sets again" in page
    # Choosing a set when the search proposed none is refused (nothing is added).
    camden = _set_of(formation, people["Camden A"])
    nothing = client.post(f"/sets/formations/{formation.id}/late/{far.id}",
                          data={"set_id": camden.id})
    assert nothing.status_code == 302


def test_a_late_joiner_search_survives_a_refresh_and_a_failed_one_says_why(
        app, client, coordinator, people, monkeypatch):
    formation = _formed(client)
    service.publish(coordinator, formation.id)
    late = asker("Lara Late", "Camden", mode="in_person")
    url = f"/sets/formations/{formation.id}/late/{late.id}"
    # A search still waiting for the worker: the page shows its progress bar on every visit.
    monkeypatch.setattr("netapp.services.jobs._enqueue", lambda job_id: None)
    client.post(f"{url}/find")
    for _ in range(2):
        page = _text(client.get(url))
        assert "Finding sets" in page and "<progress" in page
        assert f'hx-get="{url}/progress"' in page
    job = db.session.scalars(sa.select(Job).where(Job.kind == service.LATE_KIND)).one()
    assert job.status == JobStatus.QUEUED
    # The worker runs it and something goes wrong: the page says why and offers to try again.
    monkeypatch.setattr(service, "propose_sets", lambda *a, **k: 1 / 0)
    jobs.run(job.id)
    db.session.expire_all()
    page = _text(client.get(url))
    assert "The search stopped" in page and "unexpected error" in page and "Try again" in page
    # Trying again runs it from the start, and this time it works.
    monkeypatch.undo()
    assert client.post(f"{url}/find").status_code == 302
    db.session.expire_all()
    assert db.session.get(Job, job.id).status == JobStatus.DONE
    assert "Proposed" in _text(client.get(url))


def test_a_late_joiner_is_not_added_to_a_set_that_changed_since_the_search(
        app, client, coordinator, people):
    formation = _formed(client, min_size=5, max_size=7)
    service.publish(coordinator, formation.id)
    late = asker("Lara Late", "Camden", mode="in_person")
    client.post(f"/sets/formations/{formation.id}/late/{late.id}/find")
    camden = _set_of(formation, people["Camden A"])
    # Another late joiner fills Camden's set to seven after the search ran.
    other = asker("Lena Later", "Camden", mode="in_person")
    service.add_late_joiner(coordinator, db.session.get(SetFormation, formation.id), other.id,
                            camden.id)
    response = client.post(f"/sets/formations/{formation.id}/late/{late.id}",
                           data={"set_id": camden.id})
    assert response.status_code == 400
    assert (f"{camden.name} can't take them any more with every rule kept"
            in _text(response))
    assert late.id not in _members(camden)


def _options(page: str) -> list[str]:
    """The facilitator list's options' words, in order; the chosen one marked with a star."""
    select = page[page.index('<select id="facilitator"'):]
    select = select[:select.index("</select>")]
    return [("*" if selected else "") + html.unescape(words) for selected, words in
            re.findall(r'<option (selected )?value="\d+">([^<]*)</option>', select)]


def test_a_long_list_of_facilitators_offers_the_first_hundred_and_a_search_by_name(
        app, client, coordinator, people):
    formation = _formed(client)
    row = _sets(formation)[0]
    url = f"/sets/formations/{formation.id}/sets/{row.id}/facilitator"
    mentors = [make_user(email=f"m{n}@example.org", name=f"Mentor {n:03}", roles=[Role.MENTOR])
               for n in range(105)]
    make_user(email="gone@example.org", name="Mentor 100 Gone", roles=[Role.MENTOR],
              active=False)

    page = client.get(url).get_data(as_text=True)
    shown = _options(page)
    assert len(shown) == service.FACILITATORS_SHOWN
    assert shown[:3] == ["Cora Coordinator", "Mentor 000", "Mentor 001"]
    assert shown[-1] == "Mentor 098" and "Showing the first 100 by name" in page
    assert 'name="name"' in page and 'role="search"' in page

    # Someone past the first hundred can still be chosen, and the list then keeps them.
    assert client.post(url, data={"facilitator": mentors[104].id}).status_code == 302
    assert db.session.get(LearningSet, row.id).facilitator_id == mentors[104].id
    shown = _options(client.get(url).get_data(as_text=True))
    assert len(shown) == 101 and shown[-1] == "*Mentor 104"

    # A search by name: closed accounts and members are never offered.
    found = client.get(url + "?name=TOR+10").get_data(as_text=True)
    assert _options(found) == ["Mentor 100", "Mentor 101", "Mentor 102", "Mentor 103",
                               "*Mentor 104"]
    assert "5 people have &ldquo;TOR 10&rdquo; in their name." in found
    assert "Showing the first" not in found
    assert _options(client.get(url + "?name=leeds").get_data(as_text=True)) == ["*Mentor 104"]
    nothing = client.get(url + "?name=%25_zz").get_data(as_text=True)
    assert "No mentor or coordinator has &ldquo;%_zz&rdquo; in their name." in nothing
    assert _options(nothing) == ["*Mentor 104"]

    # A mistake keeps the search and the person chosen.
    refused = client.post(url + "?name=Mentor+00", data={"facilitator": people["Leeds C"].id})
    assert "Not a valid choice" in _text(refused) or "Choose one of the options shown." in _text(
        refused)
    assert 'value="Mentor 00"' in refused.get_data(as_text=True)
    again = client.post(url + "?name=Mentor+00", data={"facilitator": mentors[50].id})
    assert again.status_code == 302
    assert db.session.get(LearningSet, row.id).facilitator_id == mentors[50].id

    # Only shown, the formation, the set and the list are read in one statement; a facilitator
    # who may no longer facilitate (a closed account) is not offered.
    client.get(url)
    # Two: the signed-in person's account, then the page's one.
    assert count_statements(client, url) == count_statements(client, url + "?name=leeds") == 2
    mentors[50].is_active_account = False
    db.session.commit()
    assert "Mentor 050" not in _options(client.get(url).get_data(as_text=True))
    assert _options(client.get(url + "?name=Mentor+050").get_data(as_text=True)) == []


def test_the_facilitator_list_is_written_as_wtforms_writes_a_select(app):
    from wtforms.widgets import Select

    from netapp.sets.formation_forms import FacilitatorForm

    with app.test_request_context("/"):
        for chosen in (2, 5, None):
            form = FacilitatorForm(data={"facilitator": chosen})
            form.facilitator.choices = [
                (1, "Ann <b>&amp;</b>"), (2, 'Bo "Quote" O\'Neil'), (3, "Ćelia"), (5, "")]
            for attrs in ({}, {"aria-invalid": "true", "aria-describedby": "facilitator-error"}):
                assert str(form.facilitator(**attrs)) == str(Select()(form.facilitator, **attrs))
