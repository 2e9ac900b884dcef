"""The kept ``member_strengths`` holds exactly the elements each member's latest finished
self-assessment scores STRONG or more, after any change to assessments and scores, on both
databases, and migration 0023 fills it from the assessments already there.

The reference is the directory's search as it was before the table (a NOT EXISTS on a newer
finished assessment), written again here rather than read from the app."""
from __future__ import annotations

import itertools
from datetime import datetime, timedelta

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netapp.extensions import db
from netapp.models import AssessmentScore, MemberStrength, SelfAssessment, User
from netapp.services import directory, lqf, privacy
from tests.factories import make_user
from tests.profile_helpers import assess, load_reference

STRONG = 4
BASE = datetime(2026, 3, 1, 9, 0)


def _reference() -> set[tuple[int, int]]:
    """(element_id, user_id) the old search found: a strong score of a finished assessment
    with no newer finished one (later completed_at, or the same and a larger id) by the same
    member in the same framework."""
    return {tuple(row) for row in db.session.execute(sa.text(
        "SELECT DISTINCT s.element_id, a.user_id FROM assessment_scores s "
        "JOIN self_assessments a ON a.id = s.assessment_id "
        "WHERE a.completed_at IS NOT NULL AND a.user_id IS NOT NULL AND s.score >= 4 "
        "AND NOT EXISTS (SELECT 1 FROM self_assessments l WHERE l.user_id = a.user_id "
        "AND l.framework_id = a.framework_id AND l.completed_at IS NOT NULL "
        "AND (l.completed_at > a.completed_at "
        "OR (l.completed_at = a.completed_at AND l.id > a.id)))"))}


def _kept() -> set[tuple[int, int]]:
    return {tuple(row) for row in db.session.execute(
        sa.select(MemberStrength.element_id, MemberStrength.user_id))}


def _same():
    db.session.expire_all()
    assert _kept() == _reference()


def _elements() -> list[int]:
    fw = lqf.framework()
    return [e.id for d in fw.dimensions for e in d.elements]


def test_the_kept_strengths_follow_each_kind_of_change(app):
    load_reference()
    elements = _elements()
    ann, bob = make_user(name="Ann Strong"), make_user(name="Bob Strong")
    assess(ann, lambda i: 4 if i < 3 else 2)
    assess(bob, lambda i: 4 if i % 2 else 1)
    _same()
    assert {e for e, u in _kept() if u == ann.id} == set(elements[:3])

    def latest(user):
        return db.session.scalars(
            sa.select(SelfAssessment).where(SelfAssessment.user_id == user.id,
                                            SelfAssessment.completed_at.is_not(None))
            .order_by(SelfAssessment.completed_at.desc(), SelfAssessment.id.desc())).first()

    # a newer assessment lowering a score: unfinished, it changes nothing; finished, it counts
    fw = lqf.framework()
    newer = SelfAssessment(user_id=ann.id, framework_id=fw.id,
                           scores=[AssessmentScore(element_id=e, score=4 if i else 3)
                                   for i, e in enumerate(elements[:3])])
    db.session.add(newer)
    db.session.commit()
    _same()
    assert (elements[0], ann.id) in _kept()
    newer.completed_at = latest(ann).completed_at + timedelta(minutes=1)
    db.session.commit()
    _same()
    assert {e for e, u in _kept() if u == ann.id} == set(elements[1:3])
    # scores edited, added and removed, straight in the table
    db.session.execute(sa.update(AssessmentScore).where(
        AssessmentScore.assessment_id == newer.id, AssessmentScore.element_id == elements[0])
        .values(score=4))
    db.session.execute(sa.insert(AssessmentScore).values(
        assessment_id=newer.id, element_id=elements[9], score=4))
    db.session.execute(sa.delete(AssessmentScore).where(
        AssessmentScore.assessment_id == newer.id, AssessmentScore.element_id == elements[1]))
    db.session.commit()
    _same()
    assert {e for e, u in _kept() if u == ann.id} == {elements[0], elements[2], elements[9]}
    # the same time and a smaller id: the other one is the latest
    older = latest(bob)
    db.session.execute(sa.update(SelfAssessment).where(SelfAssessment.id == newer.id)
                       .values(completed_at=older.completed_at, user_id=bob.id))
    db.session.commit()
    _same()
    assert not {e for e, u in _kept() if u == ann.id} - set(elements[:3])
    # the latest deleted: the one before counts again
    db.session.delete(db.session.get(SelfAssessment, newer.id))
    db.session.commit()
    _same()
    # a member erased: their assessments stay, anonymous, and their strengths go
    privacy.erase(db.session.get(User, bob.id))
    _same()
    assert not {u for _, u in _kept()} & {bob.id}
    assert {u for _, u in _kept()} == {ann.id}
    # an account deleted straight from the table
    db.session.execute(sa.delete(User).where(User.id == ann.id))
    db.session.commit()
    assert _kept() == set()


def test_the_directory_finds_the_same_people_from_the_kept_table(app):
    load_reference()
    elements = _elements()
    people = [make_user(name=f"Strong {n}") for n in range(4)]
    for n, person in enumerate(people):
        assess(person, lambda i, n=n: 4 if (i + n) % 3 == 0 else 2)
    assess(people[0], lambda i: 1)  # a newer assessment with no strengths
    for element in elements[:6]:
        found = set(db.session.scalars(sa.select(directory._strong_in(element).c.user_id)))
        assert found == {u for e, u in _reference() if e == element}


_emails = itertools.count()

# One step: (kind, person, assessment, element, score, minutes)
_steps = st.lists(st.tuples(
    st.sampled_from(["finish", "draft", "rescore", "unscore", "retime", "reopen", "move",
                     "delete", "erase"]),
    st.integers(0, 2), st.integers(0, 5), st.integers(0, 3), st.integers(1, 4),
    st.integers(0, 3)), min_size=2, max_size=15)


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=_steps)
def test_the_kept_strengths_equal_the_old_search_after_any_changes(app, steps):
    load_reference()
    fw_id = lqf.framework().id
    elements = _elements()[:4]  # few, so that the steps often touch the same scores
    people = [make_user(email=f"strength{next(_emails)}@example.org") for _ in range(3)]

    def theirs(person: int, pick: int) -> SelfAssessment | None:
        rows = db.session.scalars(sa.select(SelfAssessment).where(
            SelfAssessment.user_id == people[person].id).order_by(SelfAssessment.id)).all()
        return rows[pick % len(rows)] if rows else None

    for kind, person, pick, element, score, minutes in steps:
        if people[person] is None:
            continue
        at = BASE + timedelta(minutes=minutes)  # few times, so that ties happen
        assessment = theirs(person, pick)
        if kind in ("finish", "draft"):
            db.session.add(SelfAssessment(
                user_id=people[person].id, framework_id=fw_id,
                completed_at=at if kind == "finish" else None,
                scores=[AssessmentScore(element_id=e, score=(score + i) % 4 + 1)
                        for i, e in enumerate(elements) if i != element]))
        elif assessment is None:
            continue
        elif kind == "rescore":
            found = db.session.get(AssessmentScore, (assessment.id, elements[element]))
            if found is None:
                db.session.add(AssessmentScore(assessment_id=assessment.id,
                                               element_id=elements[element], score=score))
            else:
                found.score = score
        elif kind == "unscore":
            db.session.execute(sa.delete(AssessmentScore).where(
                AssessmentScore.assessment_id == assessment.id,
                AssessmentScore.element_id == elements[element]))
        elif kind == "retime":
            assessment.completed_at = at
        elif kind == "reopen":
            assessment.completed_at = None
        elif kind == "move":
            other = people[(person + 1) % 3]
            if other is not None:
                assessment.user_id = other.id
        elif kind == "delete":
            db.session.delete(assessment)
        elif kind == "erase":
            privacy.erase(people[person])
            people[person] = None
        db.session.commit()
        _same()


def test_the_migration_fills_the_table_from_the_assessments_already_there(empty_database_url):
    # Migration 0023 fills the table from the assessments there and installs its triggers on
    # each engine, as create_all does; its downgrade takes them away.
    from flask_migrate import downgrade, upgrade

    from config import TestingConfig
    from netapp import create_app

    migrated = create_app(type("MigrateConfig", (TestingConfig,),
                               {"SQLALCHEMY_DATABASE_URI": empty_database_url}))
    with migrated.app_context():
        upgrade(revision="0022_audit_targets")
        with db.engine.begin() as conn:
            fw = conn.execute(sa.text("SELECT id FROM frameworks")).scalar_one()
            elements = conn.execute(sa.text(
                "SELECT e.id FROM framework_elements e JOIN framework_dimensions d "
                "ON d.id = e.dimension_id ORDER BY e.id")).scalars().all()[:3]
            for n in (1, 2, 3):
                conn.execute(sa.text(
                    "INSERT INTO users (id, email, password_hash, display_name, "
                    "is_active_account, created_at) VALUES (:id, :email, 'x', 'A', true, :at)"),
                    {"id": n, "email": f"p{n}@example.org", "at": BASE})
            # (id, member, finished at): 1's latest is 11 (12 is unfinished); 2's two finish
            # at once and the larger id counts; 3's only assessment is unfinished; 15 is an
            # erased member's
            for row in ((10, 1, BASE), (11, 1, BASE + timedelta(days=1)), (12, 1, None),
                        (13, 2, BASE), (14, 2, BASE), (16, 3, None), (15, None, BASE)):
                conn.execute(sa.text(
                    "INSERT INTO self_assessments (id, user_id, framework_id, started_at, "
                    "completed_at) VALUES (:id, :user, :fw, :at, :done)"),
                    {"id": row[0], "user": row[1], "fw": fw, "at": BASE, "done": row[2]})
            for assessment in (10, 11, 12, 13, 14, 15, 16):
                for i, element in enumerate(elements):
                    conn.execute(sa.text(
                        "INSERT INTO assessment_scores (assessment_id, element_id, score) "
                        "VALUES (:a, :e, :s)"),
                        {"a": assessment, "e": element, "s": 4 if (assessment + i) % 2 else 3})
        upgrade()
        assert _kept() == _reference() == {
            (elements[0], 1), (elements[2], 1), (elements[1], 2)}
        # the triggers are in place: member 1's latest is reopened, so 10 counts
        db.session.execute(sa.text(
            "UPDATE self_assessments SET completed_at = NULL WHERE id = 11"))
        db.session.commit()
        assert _kept() == _reference()
        assert {e for e, u in _kept() if u == 1} == {elements[1]}
        db.session.remove()
        downgrade(revision="0022_audit_targets")
        assert "member_strengths" not in sa.inspect(db.engine).get_table_names()
        with db.engine.begin() as conn:
            # no trigger left behind writes to the table that is gone
            conn.execute(sa.text("DELETE FROM assessment_scores WHERE assessment_id = 10"))
            conn.execute(sa.text("DELETE FROM self_assessments WHERE id = 10"))
        db.engine.dispose()
