"""No coordinator page, job message or saved text of set formation tells anyone's affinity
network; the "needs a look" flag is the engine's alone. And the console's pages run a fixed
number of SQL statements whatever the size of the pool."""
from __future__ import annotations

import html
import re

import pytest
import sqlalchemy as sa

from netapp.data.lqf import AFFINITY_NETWORKS
from netapp.extensions import db
from netapp.models import (
    AuditEntry,
    FormationUnplaced,
    Job,
    LearningSet,
    Role,
    SetFormation,
    SetMembership,
)
from netapp.services import sets_formation as service
from tests.factories import make_user
from tests.sets_people import asker, coordinator_user, create, leeds_and_camden, run
from tests.statements import statements_per_page

# Every word that could give a network away: codes, names and the words of the descriptions.
TAG_WORDS = sorted({code for code, _, _ in AFFINITY_NETWORKS} | {
    "Black", "Asian", "minority", "ethnic", "women", "Women", "entrepreneur", "Entrepreneur",
    "affinity", "Affinity"})


def _tag_words_in(text: str) -> list[str]:
    return [w for w in TAG_WORDS if re.search(rf"\b{re.escape(w)}", text)]


@pytest.fixture
def pool(app):
    people = leeds_and_camden()
    # The only member of the BAME network among 19: whatever the engine does, they are alone.
    people["Tia Tagged"] = asker("Tia Tagged", "Leeds", tag="bame")
    return people


@pytest.fixture
def coordinator(app, client, auth):
    user = coordinator_user()
    auth.login(user.email)
    return user


def _pages(formation, people) -> list[str]:
    base = f"/sets/formations/{formation.id}"
    tia = people["Tia Tagged"].id
    tia_set = db.session.scalar(sa.select(SetMembership.set_id)
                                .where(SetMembership.user_id == tia))
    return ["/sets/formations", "/sets/formations/new", base, f"{base}/unplaced",
            f"{base}/progress", f"{base}/move?member={tia}",
            f"{base}/sets/{tia_set}/facilitator", f"{base}/publish", f"{base}/settings"]


def test_no_coordinator_page_or_message_names_a_network(app, client, coordinator, pool):
    formation = create(client)
    run(client, formation)
    formation = db.session.get(SetFormation, formation.id)
    tia = pool["Tia Tagged"]
    tia_set = db.session.get(LearningSet, db.session.scalar(
        sa.select(SetMembership.set_id).where(SetMembership.user_id == tia.id)))
    assert tia_set.needs_look  # the engine's flag: she is the only one of her network there
    seen = []
    for path in _pages(formation, pool):
        response = client.get(path)
        assert response.status_code == 200, path
        page = html.unescape(response.get_data(as_text=True))
        assert _tag_words_in(page) == [], path
        seen.append(page)
    preview = seen[2]
    assert "This set needs a look" in preview and "Tia Tagged" in preview

    # Moving her, and the warning page of a move that breaks a rule, say nothing either.
    other = next(s for s in db.session.scalars(sa.select(LearningSet)
                 .where(LearningSet.formation_id == formation.id))
                 if s.id != tia_set.id and not s.meets_online)
    warning = html.unescape(client.post(f"/sets/formations/{formation.id}/move",
                                        data={"member": tia.id, "target": other.id}
                                        ).get_data(as_text=True))
    assert "would have members from more than one region" in warning
    assert _tag_words_in(warning) == []

    # Saved text and the job's words: nothing either.
    texts = [formation.summary, str(formation.stats), formation.job.message, formation.job.error]
    texts += [s.summary for s in db.session.scalars(sa.select(LearningSet))]
    texts += [r.reason for r in db.session.scalars(sa.select(FormationUnplaced))]
    texts += [str(e.detail) for e in db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action.like("formation.%")))]
    texts += [j.message for j in db.session.scalars(sa.select(Job))]
    assert _tag_words_in(" ".join(texts)) == []

    # After publishing, the late-joiner pages, with a tagged late joiner, say nothing either.
    service.publish(coordinator, formation.id)
    late = asker("Lou Late", "Leeds", tag="women")
    client.post(f"/sets/formations/{formation.id}/late/{late.id}/find")
    texts = [j.message + j.error + str(j.params) for j in db.session.scalars(sa.select(Job))]
    assert _tag_words_in(" ".join(texts)) == []
    for path in (f"/sets/formations/{formation.id}/late",
                 f"/sets/formations/{formation.id}/late/{late.id}",
                 f"/sets/formations/{formation.id}"):
        page = html.unescape(client.get(path).get_data(as_text=True))
        assert _tag_words_in(page) == [], path


def test_the_check_can_see_a_tag_word():
    """Control: the check finds a network named on a page."""
    assert _tag_words_in("She is in the BAME network (bame)") == ["bame"]
    assert _tag_words_in("Women managers network") == ["Women"]


def test_console_pages_run_the_same_number_of_statements_as_data_grows(app, client,
                                                                       coordinator, pool):
    formation = create(client)
    run(client, formation)
    mentor = make_user(email="fay@example.org", name="Fay Facilitator", roles=[Role.MENTOR])
    _facilitate(mentor)
    small = list(statements_per_page(client, _pages(formation, pool)).values())

    # Many more members, formations and facilitators; the same formation is formed again.
    for n in range(30):
        asker(f"More {chr(65 + n // 26)}{chr(97 + n % 26)}", "Leeds" if n % 3 else "Camden",
              mode="online" if n % 2 else "either")
    for n in range(3):
        create(client, name=f"Other {n}")
    for n in range(4):
        make_user(email=f"mentor{n}@example.org", name=f"Mentor {n}", roles=[Role.MENTOR])
    run(client, formation)
    _facilitate(mentor)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LearningSet)) > 3
    assert small == list(statements_per_page(client, _pages(formation, pool)).values())


def _facilitate(mentor) -> None:
    for row in db.session.scalars(sa.select(LearningSet)):
        row.facilitator_id = mentor.id
    db.session.commit()


def test_a_move_or_a_late_joiner_never_tells_whether_that_person_is_in_a_network(
        app, client, coordinator, pool):
    """Moving a tagged member out of the set the engine flagged, or proposing sets for a tagged
    late joiner, must look exactly as it does for an untagged one: any difference would be a
    test a coordinator could run on a named person."""
    formation = create(client)
    run(client, formation)
    tia = pool["Tia Tagged"]
    tia_set = db.session.get(LearningSet, db.session.scalar(
        sa.select(SetMembership.set_id).where(SetMembership.user_id == tia.id)))
    others = [s for s in db.session.scalars(sa.select(LearningSet)
              .where(LearningSet.formation_id == formation.id)) if s.id != tia_set.id]
    flags = {s.id: s.needs_look for s in [tia_set, *others]}
    assert flags[tia_set.id] and not any(flags[s.id] for s in others)
    target = others[0]
    service.move_member(coordinator, db.session.get(SetFormation, formation.id), tia.id,
                        target.id)
    db.session.expire_all()
    # the flags are the formation's: moving her out does not clear hers, nor flag the target
    assert {s.id: db.session.get(LearningSet, s.id).needs_look
            for s in [tia_set, *others]} == flags

    service.publish(coordinator, formation.id)
    # two late joiners alike in everything but a network (same name length: same scores)
    tagged = asker("Lou Late", "Leeds", tag="women", organisation="Late Care")
    plain = asker("Lee Late", "Leeds", organisation="Late Care Two")
    formation = db.session.get(SetFormation, formation.id)

    def shown(user):
        proposals, reason = service.propose_sets(formation, user.id)
        client.post(f"/sets/formations/{formation.id}/late/{user.id}/find")
        page = client.get(f"/sets/formations/{formation.id}/late/{user.id}").get_data(
            as_text=True)
        # The form token differs by chance (it may even hold the id's digits): left out.
        page = re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token"', page)
        return [(p.set_id, p.quality, p.size) for p in proposals], reason, \
            page.replace(user.display_name, "NAME").replace(str(user.id), "ID")

    client.get("/sets/formations")  # shows the messages waiting from earlier steps
    assert shown(tagged) == shown(plain)
