"""Self-assessments against a leadership framework: drafts, scores, history and bulk reads."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload

from netapp.data.lqf import LQF_CODE
from netapp.extensions import db
from netapp.models import (
    AssessmentScore,
    Dimension,
    Element,
    Framework,
    SelfAssessment,
    User,
)
from netapp.models.base import utcnow
from netapp.services import reference


class AssessmentIncomplete(ValueError):
    """Some elements have no score yet."""


def framework(code: str = LQF_CODE) -> Framework:
    """The framework with its dimensions, elements and levels loaded (from the per-process
    cache in services/reference.py: no SQL once this process has read it).

    Migration 0003 loads it; a database built another way (create_all) gets it on first use.
    Raises LookupError for a framework that netapp.data does not define.
    """
    found = reference.framework(code)
    if found is None:
        current_app.logger.warning("Framework %s was missing: loading reference data.", code)
        reference.ensure_reference_data()
        found = reference.framework(code)
    if found is None:
        raise LookupError(f"no framework {code!r} in netapp.data.lqf")
    return found


def shared_framework(code: str = LQF_CODE) -> Framework:
    """The process's own copy of the framework with its dimensions, elements and levels, put
    in no request's session: no SQL and nothing merged (merging its 40-odd rows into a request
    cost about a millisecond). For pages that only show it: read it, never change it, and never
    hand it to anything that adds it to a session (use ``framework`` for that)."""
    found = reference.shared("frameworks").get(code)
    return framework(code) if found is None else found


@dataclass(frozen=True)
class Finished:
    """A finished self-assessment as a page shows it: when it was finished, and its scores
    ({element id: score})."""

    id: int
    completed_at: datetime
    scores: dict[int, int]


@dataclass(frozen=True, eq=False)
class Layout:
    """A framework's dimensions and elements as plain values, in framework order, worked out
    once per process copy of the frameworks (``shared_layout``): pages that only show it walk
    tuples instead of its rows' attributes. Compared by identity, so it can key a cache of what
    a page works out from it."""

    framework: Framework
    dimensions: tuple[tuple[str, str, tuple[int, ...]], ...]  # (code, name, element ids)
    elements: tuple[tuple[int, str, str], ...]  # (id, code, name)


def _layout(fw: Framework) -> Layout:
    return Layout(fw, tuple((d.code, d.name, tuple(e.id for e in d.elements))
                            for d in fw.dimensions),
                  tuple((e.id, e.code, e.name) for d in fw.dimensions for e in d.elements))


def shared_layout(code: str = LQF_CODE) -> Layout:
    """``shared_framework(code)`` as a ``Layout`` (its ``framework`` that same copy), worked out
    again only when this process loads its copy of the frameworks again."""
    frameworks = reference.shared("frameworks")
    kept = current_app.extensions.get("lqf_layouts")
    if kept is None or kept[0] is not frameworks:
        kept = current_app.extensions["lqf_layouts"] = (frameworks, {})
    found = kept[1].get(code)
    if found is None:
        fw = frameworks.get(code)
        if fw is None:  # not in this process's copy: the request's own, not kept
            return _layout(framework(code))
        found = kept[1][code] = _layout(fw)
    return found


def averages(layout: Layout, scores: dict[int, int]) -> list[float | None]:
    """``dimension_averages``' values alone, from a ``Layout``."""
    out = []
    for _code, _name, ids in layout.dimensions:
        values = [scores[i] for i in ids if i in scores]
        out.append(round(sum(values) / len(values), 2) if values else None)
    return out


def dimension(fw: Framework, code: str) -> Dimension | None:
    return next((d for d in fw.dimensions if d.code == code.upper()), None)


def draft(user: User, fw: Framework) -> SelfAssessment | None:
    return db.session.execute(
        sa.select(SelfAssessment)
        .where(SelfAssessment.user_id == user.id, SelfAssessment.framework_id == fw.id,
               SelfAssessment.completed_at.is_(None))
        .order_by(SelfAssessment.id.desc()).limit(1)
    ).scalar_one_or_none()


def completed(user_id: int, fw: Framework) -> list[SelfAssessment]:
    """Finished assessments, oldest first, with their scores (one statement)."""
    return list(db.session.scalars(
        sa.select(SelfAssessment)
        .where(SelfAssessment.user_id == user_id, SelfAssessment.framework_id == fw.id,
               SelfAssessment.completed_at.is_not(None))
        .order_by(SelfAssessment.completed_at, SelfAssessment.id)
        .options(joinedload(SelfAssessment.scores))
    ).unique())


def latest(user_id: int, fw: Framework) -> SelfAssessment | None:
    """The newest finished assessment with its scores (one statement, reading only that one
    however many the member has finished)."""
    newest = (
        sa.select(SelfAssessment.id)
        .where(SelfAssessment.user_id == user_id, SelfAssessment.framework_id == fw.id,
               SelfAssessment.completed_at.is_not(None))
        .order_by(SelfAssessment.completed_at.desc(), SelfAssessment.id.desc())
        .limit(1).scalar_subquery())
    return db.session.scalars(
        sa.select(SelfAssessment).where(SelfAssessment.id == newest)
        .options(joinedload(SelfAssessment.scores))
    ).unique().one_or_none()


def starting_scores(user: User, fw: Framework) -> dict[int, int]:
    """Scores to pre-fill: the draft's, else the latest finished assessment's (one statement,
    reading rows: a page only shows them)."""
    # The draft (no completed_at) sorts first, then the newest finished one, as ``draft``
    # and ``latest`` each order them.
    source = (
        sa.select(SelfAssessment.id)
        .where(SelfAssessment.user_id == user.id, SelfAssessment.framework_id == fw.id)
        .order_by(SelfAssessment.completed_at.desc().nulls_first(), SelfAssessment.id.desc())
        .limit(1).scalar_subquery())
    return dict(db.session.execute(
        sa.select(AssessmentScore.element_id, AssessmentScore.score)
        .where(AssessmentScore.assessment_id == source)).all())


def save_scores(user: User, fw: Framework, scores: dict[int, int]) -> SelfAssessment:
    """Save scores (element id -> 1..4) into the member's draft, starting one if needed."""
    valid = {e.id for d in fw.dimensions for e in d.elements}
    for element_id, score in scores.items():
        if element_id not in valid or score not in (1, 2, 3, 4):
            raise ValueError(f"bad score {score!r} for element {element_id!r}")
    current = draft(user, fw)
    if current is None:
        current = SelfAssessment(user_id=user.id, framework_id=fw.id)
        db.session.add(current)
        # A fresh draft starts from the last answers, so a reassessment only changes what moved.
        previous = latest(user.id, fw)
        if previous is not None:
            for s in previous.scores:
                current.scores.append(AssessmentScore(element_id=s.element_id, score=s.score))
    by_element = {s.element_id: s for s in current.scores}
    for element_id, score in scores.items():
        if element_id in by_element:
            by_element[element_id].score = score
        else:
            current.scores.append(AssessmentScore(element_id=element_id, score=score))
    db.session.commit()
    return current


def scored_dimensions(user: User, fw: Framework) -> set[str]:
    """Codes of the dimensions the member has answered in full in the current draft."""
    current = draft(user, fw)
    if current is None:
        return set()
    scored = {s.element_id for s in current.scores}
    return {d.code for d in fw.dimensions if all(e.id in scored for e in d.elements)}


def complete(user: User, fw: Framework) -> SelfAssessment:
    """Finish the draft. Raises AssessmentIncomplete naming the first unanswered element."""
    current = draft(user, fw)
    scored = {s.element_id for s in current.scores} if current else set()
    for d in fw.dimensions:
        for e in d.elements:
            if e.id not in scored:
                raise AssessmentIncomplete(f"Please give a score for “{e.name}”.")
    current.completed_at = utcnow()
    db.session.commit()
    return current


@dataclass(frozen=True)
class DimensionScore:
    code: str
    name: str
    value: float | None


def day_labels(assessments: list[SelfAssessment] | list[Finished]) -> list[str]:
    """One label per finished assessment: its day, with "1st", "2nd"... when a day has several.

    Ordinals rather than clock times: a member reads the page in UK time, and the stored times
    are UTC, so a time could put an assessment on the wrong side of midnight.
    """
    days = [a.completed_at.strftime("%d %b %Y") for a in assessments]
    counts: dict[str, int] = defaultdict(int)
    labels = []
    for day in days:
        counts[day] += 1
        if days.count(day) == 1:
            labels.append(day)
        else:
            labels.append(f"{day} ({_ordinal(counts[day])})")
    return labels


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def dimension_averages(fw: Framework, scores: dict[int, int]) -> list[DimensionScore]:
    """Average score per dimension, in framework order (None where nothing was scored)."""
    out = []
    for d in fw.dimensions:
        values = [scores[e.id] for e in d.elements if e.id in scores]
        out.append(DimensionScore(d.code, d.name,
                                  round(sum(values) / len(values), 2) if values else None))
    return out


def as_dict(assessment: SelfAssessment | Finished | None) -> dict[int, int]:
    if isinstance(assessment, Finished):
        return assessment.scores
    return {s.element_id: s.score for s in assessment.scores} if assessment else {}


def weakest_elements(fw: Framework, scores: dict[int, int], n: int = 3) -> list[Element]:
    """The n lowest-scored elements; ties keep framework order."""
    elements = [e for d in fw.dimensions for e in d.elements if e.id in scores]
    return sorted(elements, key=lambda e: scores[e.id])[:n]


def latest_scores_by_user(user_ids: list[int] | None = None,
                          code: str = LQF_CODE) -> dict[int, dict[str, int]]:
    """{user id: {element code: score}} from each member's latest finished assessment.

    One query however many members; for matching and exports.
    """
    ranked = (
        sa.select(SelfAssessment.id, SelfAssessment.user_id,
                  sa.func.row_number().over(
                      partition_by=SelfAssessment.user_id,
                      order_by=(SelfAssessment.completed_at.desc(), SelfAssessment.id.desc()),
                  ).label("rank"))
        .join(Framework, Framework.id == SelfAssessment.framework_id)
        .where(Framework.code == code, SelfAssessment.completed_at.is_not(None),
               SelfAssessment.user_id.is_not(None))
    )
    if user_ids is not None:
        ranked = ranked.where(SelfAssessment.user_id.in_(user_ids))
    ranked = ranked.subquery()
    rows = db.session.execute(
        sa.select(ranked.c.user_id, Element.code, AssessmentScore.score)
        .join(AssessmentScore, AssessmentScore.assessment_id == ranked.c.id)
        .join(Element, Element.id == AssessmentScore.element_id)
        .where(ranked.c.rank == 1)
    )
    out: dict[int, dict[str, int]] = defaultdict(dict)
    for user_id, element_code, score in rows:
        out[user_id][element_code] = score
    return dict(out)
