"""Someone left the only one of their affinity network in a set (after a publish, a late join
or a member leaving) gets a private, kindly worded note that they can ask to change set; the
coordinators' pages and exports are byte for byte the same whether or not anyone was."""
from __future__ import annotations

import html
import re

import pytest
import sqlalchemy as sa

from netapp.extensions import db
from netapp.models import Job, LearningSet, Notification, Role, SetFormation, SetMembership
from netapp.services import jobs, sets
from netapp.services import sets_formation as service
from tests.factories import make_user
from tests.sets_people import asker, create, leeds_and_camden, run
from tests.statements import statements_per_page


@pytest.fixture
def people(app):
    return leeds_and_camden()


@pytest.fixture
def boss(app, client, auth):
    """A coordinator who is also an administrator: sees every page either role can."""
    user = make_user(email="cora@example.org", name="Cora Coordinator",
                     roles=[Role.COORDINATOR, Role.ADMIN])
    auth.login(user.email)
    return user


def _held(monkeypatch):
    """Jobs wait in the queue instead of running at once (as with a real worker)."""
    monkeypatch.setattr("netapp.services.jobs._enqueue", lambda job_id: None)


def _alone_jobs() -> list[Job]:
    return list(db.session.scalars(sa.select(Job).where(Job.kind == service.ALONE_KIND)
                                   .order_by(Job.id)))


def _notes(user, kind="set_alone") -> list[Notification]:
    return list(db.session.scalars(sa.select(Notification).where(
        Notification.user_id == user.id, Notification.kind == kind)))


def _set_of(formation, user) -> LearningSet:
    return db.session.scalars(
        sa.select(LearningSet).join(SetMembership, SetMembership.set_id == LearningSet.id)
        .where(LearningSet.formation_id == formation.id, SetMembership.user_id == user.id,
               SetMembership.left_at.is_(None))).one()


def _coordinator_view(client, formation, member) -> dict[str, bytes]:
    """Every page and export a coordinator or admin has about these sets and this member."""
    client.get("/sets/formations")  # shows any message waiting from an earlier step
    row = _set_of(formation, member)
    paths = ["/sets/formations", f"/sets/formations/{formation.id}",
             f"/sets/formations/{formation.id}/unplaced", f"/sets/formations/{formation.id}/late",
             "/sets/running", f"/sets/{row.id}/roster", "/sets/flags",
             "/admin/audit", f"/admin/users/{member.id}", "/admin/users"]
    out = {}
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        out[path] = response.get_data()
    return out


def _published(client, boss):
    formation = create(client)
    run(client, formation)
    service.publish(boss, formation.id)
    return db.session.get(SetFormation, formation.id)


def test_a_late_joiner_alone_with_their_network_is_told_privately_and_nobody_else_can_tell(
        app, client, boss, people, monkeypatch):
    formation = _published(client, boss)
    nia = asker("Nia Late", "Camden", mode="in_person", tag="women")
    camden = _set_of(formation, people["Camden A"])
    _held(monkeypatch)
    service.add_late_joiner(boss, formation, nia.id, camden.id)
    db.session.expire_all()
    job = _alone_jobs()[-1]
    assert job.params == {"set_ids": [camden.id], "formation_id": None}
    assert job.created_by_id is None
    before = _coordinator_view(client, formation, nia)
    jobs.run(job.id)
    db.session.expire_all()
    # She alone is told, kindly, with a way to ask; no network is named.
    (note,) = _notes(nia)
    assert note.link == f"/sets/{camden.id}/change"
    assert "you can ask" in note.text and "Nobody else sees this note" in note.text
    assert "women" not in note.text.lower() and "network" not in note.text.lower()
    assert not any(_notes(people[f"Camden {c}"]) for c in "ABCDEF")
    # The coordinator's pages and exports did not change by one byte.
    assert _coordinator_view(client, formation, nia) == before
    assert db.session.get(Job, job.id).message == "Checked."
    # Checking again tells her nothing more.
    service.check_alone_later(set_ids=[camden.id])
    jobs.run(_alone_jobs()[-1].id)
    assert len(_notes(nia)) == 1


def test_the_check_looks_the_same_whether_or_not_anyone_is_alone(app, client, boss, people,
                                                                  monkeypatch):
    """Two late joiners alike but for a network: the queued check, its outcome and every page
    the coordinator sees are the same (names and ids aside)."""
    formation = _published(client, boss)
    camden = _set_of(formation, people["Camden A"])
    seen, first = [], None
    _held(monkeypatch)
    for name, tag in (("Nia Late", "women"), ("Noa Late", None)):
        user = asker(name, "Camden", mode="in_person", tag=tag)
        if seen:  # make room: the first joiner leaves again (checked as well)
            sets.leave(first, db.session.get(LearningSet, camden.id))
            db.session.expire_all()
        service.add_late_joiner(boss, db.session.get(SetFormation, formation.id), user.id,
                                camden.id)
        db.session.expire_all()
        job = _alone_jobs()[-1]
        jobs.run(job.id)
        db.session.expire_all()
        job = db.session.get(Job, job.id)
        pages = _coordinator_view(client, formation, user)
        # Names, ids and the minute each thing happened aside (the audit lists show times).
        text = {path: re.sub(r"<time[^>]*>[^<]*</time>", "TIME", html.unescape(body.decode())
                             .replace(name, "NAME").replace(user.email, "EMAIL")
                             .replace(f"/users/{user.id}", "/users/ID")
                             .replace(f"/members/{user.id}", "/members/ID"))
                for path, body in pages.items()}
        seen.append(((job.status, job.message, job.error, job.progress, sorted(job.params)),
                     text["/sets/flags"], text[f"/admin/users/{user.id}"]))
        first = first or user
    assert len(_notes(first)) == 1  # Nia was alone with her network; Noa has none
    assert _notes(user) == [] and first.id != user.id
    assert seen[0] == seen[1]


def test_a_member_left_on_their_own_after_someone_leaves_is_told(app, client, boss, people):
    formation = _published(client, boss)
    camden = _set_of(formation, people["Camden A"])
    pia = asker("Pia Late", "Camden", mode="in_person", tag="bame")
    service.add_late_joiner(boss, formation, pia.id, camden.id)
    assert len(_notes(pia)) == 1  # alone from the start
    ria = asker("Ria Late", "Camden", mode="in_person", tag="bame")
    service.add_late_joiner(boss, db.session.get(SetFormation, formation.id), ria.id,
                            camden.id)
    assert _notes(ria) == []  # two of them: nobody alone
    sets.leave(pia, db.session.get(LearningSet, camden.id))
    assert len(_notes(ria)) == 1


def test_publishing_tells_whoever_is_alone_in_their_set_and_only_them(app, client, boss):
    people = leeds_and_camden()
    tia = asker("Tia Tagged", "Camden", mode="in_person", tag="bame")
    formation = _published(client, boss)
    assert len(_notes(tia)) == 1
    others = [u for u in people.values()]
    assert not any(_notes(u) for u in others)
    assert _notes(tia)[0].link == f"/sets/{_set_of(formation, tia).id}/change"


def test_a_member_can_ask_to_change_set_without_saying_why(app, client, auth, boss, people):
    formation = _published(client, boss)
    lea = people["Leeds C"]
    row = _set_of(formation, lea)
    auth.logout()
    assert auth.login(lea.email).status_code == 302
    page = client.get(f"/sets/{row.id}")
    assert f"/sets/{row.id}/change" in page.get_data(as_text=True)
    ask = client.get(f"/sets/{row.id}/change")
    assert ask.status_code == 200 and "You don't need to say why" in ask.get_data(as_text=True)
    done = client.post(f"/sets/{row.id}/change")
    assert done.status_code == 302
    (note,) = _notes(boss, "set_change")
    assert note.text == (f"Leeds C would like to move from {row.name} to another action "
                         "learning set. Please get in touch with them.")
    assert note.link == f"/sets/{row.id}/roster"
    # Someone outside the set can't ask for it.
    other = _set_of(formation, people["Camden A"])
    assert client.get(f"/sets/{other.id}/change").status_code == 404
    assert client.post(f"/sets/{other.id}/change").status_code == 404


def test_the_late_joiner_and_change_pages_run_the_same_statements_as_data_grows(
        app, client, auth, boss, people, monkeypatch):
    formation = _published(client, boss)
    lea = people["Leeds C"]
    row = _set_of(formation, lea)

    def counts():
        joiner = asker(f"Lia Late {'X' * len(people)}", "Leeds")
        people[joiner.display_name] = joiner
        base = f"/sets/formations/{formation.id}/late/{joiner.id}"
        found = statements_per_page(client, [base])[base]  # no search yet
        client.post(f"{base}/find")
        paths = [base, f"{base}/progress"]
        out = [found, *statements_per_page(client, paths).values()]
        auth.logout()
        auth.login(lea.email)
        out.append(statements_per_page(client, [f"/sets/{row.id}/change"])[
            f"/sets/{row.id}/change"])
        auth.logout()
        auth.login(boss.email)
        return out

    client.get(f"/sets/formations/{formation.id}")  # warm up
    small = counts()
    # More sets, members and late joiners: the same number of statements.
    for n in range(12):
        asker(f"More {chr(65 + n)}", "Leeds" if n % 2 else "Camden", mode="either")
    more = create(client, name="Autumn")
    run(client, more)
    service.publish(boss, more.id)
    for n in range(5):
        asker(f"Late {chr(65 + n)}", "Leeds")
    assert counts() == small
