"""The suggested mentors page at national scale: the database leaves out mentors the engine
would rule out anyway, a mentor's scores are read once per process, and every change to a
mentor (places, a break, a new self-assessment) still shows on the very next visit."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from matching import suggest_mentors
from netapp.extensions import db
from netapp.models import SelfAssessment, ServiceType
from netapp.services import matching_bridge as bridge
from netapp.services import mentoring, profiles
from netapp.services.profiles import matching_rows
from tests.mentoring_people import load_reference, mentee, mentor, offer
from tests.profile_helpers import assess, council


@pytest.fixture
def people(app):
    load_reference()
    mina = mentee("Mina Mentee")
    near = [mentor(f"Near Mentor{n}", "Leeds" if n % 2 else "Bradford") for n in range(4)]
    far_online = mentor("Far Online", "Camden")
    far_in_person = mentor("Far InPerson", "Camden")
    _move(far_in_person, "Camden", online=False)
    colleague = mentor("Cal Colleague")
    _move(colleague, "Leeds", organisation="Mina Mentee House")
    return {"mina": mina, "near": near, "far_online": far_online,
            "far_in_person": far_in_person, "colleague": colleague}


def _move(user, council_name, *, online=True, organisation=None):
    profiles.save_about(user, display_name=user.display_name, job_title="Registered Manager",
                        organisation_name=organisation or f"{user.display_name} House",
                        service_type=ServiceType.CARE_HOME,
                        local_authority_id=council(council_name).id, level=4,
                        years_as_manager=5, meets_online=online)


def _latest_assessment(user) -> int:
    return db.session.scalar(sa.select(sa.func.max(SelfAssessment.id))
                             .where(SelfAssessment.user_id == user.id))


def _scores_read(member) -> set[int]:
    """Every number bound into a statement that reads self-assessment scores during a visit,
    but the member's own number (their own scores are read on each visit, as they should)."""
    seen: set[int] = set()

    def note(_conn, _cursor, statement, parameters, *_args):
        if "assessment_scores" in statement:
            values = parameters.values() if isinstance(parameters, dict) else parameters
            seen.update(v for v in values if isinstance(v, int))

    sa.event.listen(db.engine, "before_cursor_execute", note)
    try:
        mentoring.member_page(member)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", note)
    db.session.rollback()
    return seen - {member.id}


def _suggested(member) -> dict[int, float]:
    page = mentoring.member_page(member)
    db.session.rollback()
    return {s.mentor.id: s.score for s in page.suggestions}


def test_mentors_the_engine_would_rule_out_are_never_read(app, people):
    mina = people["mina"]
    read = _scores_read(mina)
    # someone in another region who meets only in person, and a colleague from her own
    # organisation, can never be her mentor: their scores are not even read (neither their
    # member number nor their assessment's)
    for user in (people["far_in_person"], people["colleague"]):
        assert user.id not in read and _latest_assessment(user) not in read
    assert {_latest_assessment(m) for m in people["near"]} <= read
    assert _latest_assessment(people["far_online"]) in read  # online, so in reach


def test_the_suggestions_are_the_engines_choice_over_every_mentor(app, people):
    """What the database leaves out changes nothing: the same five, with the same scores and
    reasons, as the engine choosing from every mentor with a free place."""
    for n in range(6):
        mentor(f"Later Mentor{n}", ("Leeds", "York", "Camden")[n % 3])
    mina = people["mina"]
    everyone = [bridge.to_mentor(r, r["capacity"]) for r in matching_rows()
                if r["capacity"] and r["user_id"] != mina.id]
    reference = suggest_mentors(bridge.to_mentee(matching_rows([mina.id])[0]),
                                [m for m in everyone if not isinstance(m, str)], k=5)
    page = mentoring.member_page(mina)
    assert [(bridge.person_id(s.mentor.id), s.score, s.explanation)
            for s in page.suggestions] == [(s.mentor_id, s.score, s.explanation)
                                           for s in reference]
    assert len(page.suggestions) == 5


def test_a_second_visit_reads_no_scores_again_yet_sees_every_change(app, people):
    mina, near = people["mina"], people["near"]
    _scores_read(mina)
    assert _scores_read(mina) == set()  # nothing changed: nothing read again
    before = _suggested(mina)
    assert near[0].id in before and near[1].id in before
    # a new self-assessment is read on the next visit, and only that one
    assess(near[0], lambda i: 1)
    assert _scores_read(mina) == {_latest_assessment(near[0])}
    assert _suggested(mina).get(near[0].id, 0) < before[near[0].id]
    # a full mentor and one taking a break drop out at once
    offer(mentee("Tia Taken"), near[1])
    profiles.profile_of(near[2]).mentoring_paused = True
    db.session.commit()
    after = _suggested(mina)
    assert near[1].id not in after and near[2].id not in after
