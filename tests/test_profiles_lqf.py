"""Self-assessment services: drafts, completion, history and the bulk read used by matching."""
import pytest
import sqlalchemy as sa

from netapp.extensions import db
from netapp.models import SelfAssessment
from netapp.services import lqf
from tests.profile_helpers import assess, load_reference


@pytest.fixture
def fw(app, users):
    load_reference()
    return lqf.framework()


def test_framework_is_seven_dimensions_of_four(fw):
    assert [d.code for d in fw.dimensions] == ["PQ", "WO", "MS", "IS", "SD", "CV", "DS"]
    assert all(len(d.elements) == 4 for d in fw.dimensions)
    assert [e.code for e in fw.dimensions[2].elements] == ["MS1", "MS2", "MS3", "MS4"]
    assert [lv.score for lv in fw.levels] == [1, 2, 3, 4]
    assert [d.is_senior for d in fw.dimensions] == [False] * 5 + [True] * 2


def test_reference_data_loads_once(fw):
    from netapp.services.reference import ensure_reference_data

    assert ensure_reference_data() == 0


def test_bulk_scores_use_each_members_latest_finished_assessment(fw, users):
    member, other = users["member"], users["other_member"]
    assess(member, lambda i: 1)
    assess(member, lambda i: 3)
    assess(other, lambda i: 2)
    # An unfinished draft never counts.
    first = fw.dimensions[0].elements[0]
    lqf.save_scores(member, fw, {first.id: 4})
    scores = lqf.latest_scores_by_user()
    assert set(scores[member.id].values()) == {3}
    assert set(scores[other.id].values()) == {2}
    assert list(scores[member.id])[:2] == ["PQ1", "PQ2"] and len(scores[member.id]) == 28
    assert lqf.latest_scores_by_user([other.id]) == {other.id: scores[other.id]}
    assert users["mentor"].id not in scores


def test_latest_is_the_newest_finished_assessment_with_its_scores(fw, users):
    member = users["member"]
    assert lqf.latest(member.id, fw) is None
    for score in (1, 3, 2):
        assess(member, lambda i, score=score: score)
    # Two finished on the same moment: the later one (by id) is the newest.
    history = lqf.completed(member.id, fw)
    history[-2].completed_at = history[-1].completed_at
    db.session.commit()
    lqf.save_scores(member, fw, {fw.dimensions[0].elements[0].id: 4})  # a draft never counts
    newest = lqf.latest(member.id, fw)
    assert newest.id == max(a.id for a in history)
    assert set(lqf.as_dict(newest).values()) == {2} and len(newest.scores) == 28
    assert lqf.latest(users["other_member"].id, fw) is None


def test_a_new_draft_starts_from_the_last_answers(fw, users):
    member = users["member"]
    assess(member, lambda i: 2)
    first = fw.dimensions[0].elements[0]
    draft = lqf.save_scores(member, fw, {first.id: 4})
    assert len(draft.scores) == 28 and lqf.as_dict(draft)[first.id] == 4
    assert lqf.scored_dimensions(member, fw) == {d.code for d in fw.dimensions}
    lqf.complete(member, fw)
    assert len(lqf.completed(member.id, fw)) == 2


def test_completing_with_gaps_names_the_first_gap(fw, users):
    member = users["member"]
    lqf.save_scores(member, fw, {e.id: 3 for e in fw.dimensions[0].elements})
    with pytest.raises(lqf.AssessmentIncomplete, match="Developing networks"):
        lqf.complete(member, fw)
    assert db.session.scalar(sa.select(SelfAssessment.completed_at)) is None


@pytest.mark.parametrize("bad", [0, 5, "3"])
def test_scores_outside_one_to_four_are_refused(fw, users, bad):
    with pytest.raises(ValueError, match="bad score"):
        lqf.save_scores(users["member"], fw, {fw.dimensions[0].elements[0].id: bad})


def test_weakest_elements_keep_framework_order_on_ties(fw):
    elements = [e for d in fw.dimensions for e in d.elements]
    scores = {e.id: 3 for e in elements} | {elements[5].id: 1, elements[1].id: 1, elements[9].id: 2}
    assert [e.code for e in lqf.weakest_elements(fw, scores)] == ["PQ2", "WO2", "MS2"]


def test_dimension_averages(fw):
    elements = fw.dimensions[0].elements
    averages = lqf.dimension_averages(fw, {elements[0].id: 1, elements[1].id: 2})
    assert averages[0].value == 1.5 and averages[1].value is None


def test_the_shared_layout_follows_the_process_copy_of_the_framework(fw):
    from netapp.services import reference

    layout = lqf.shared_layout()
    assert lqf.shared_layout() is layout  # worked out once per copy
    assert layout.framework is lqf.shared_framework()
    assert [(code, name) for code, name, _ in layout.dimensions] == \
        [(d.code, d.name) for d in fw.dimensions]
    assert [ids for _, _, ids in layout.dimensions] == \
        [tuple(e.id for e in d.elements) for d in fw.dimensions]
    assert layout.elements == tuple((e.id, e.code, e.name)
                                    for d in fw.dimensions for e in d.elements)
    reference.clear({"frameworks"})  # a new copy: worked out again from it
    again = lqf.shared_layout()
    assert again is not layout and again.framework is lqf.shared_framework()


def test_averages_from_the_layout_match_the_dimension_averages(fw):
    elements = [e for d in fw.dimensions for e in d.elements]
    for scores in ({}, {elements[0].id: 1, elements[1].id: 2},
                   {e.id: 1 + i % 4 for i, e in enumerate(elements)},
                   {e.id: 4 for e in elements[3:17]}):
        assert lqf.averages(lqf.shared_layout(), scores) == \
            [d.value for d in lqf.dimension_averages(fw, scores)]
