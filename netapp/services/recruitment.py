"""The values-based recruitment kit: interview questions per framework element, kept by admins."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from netapp.data.recruitment import QUESTIONS
from netapp.extensions import db
from netapp.models import Dimension, Element, Framework, RecruitmentQuestion, User
from netapp.services import audit

# More than this and an interview runs past an hour: the kit asks the manager to choose.
MAX_ELEMENTS = 6
SCORES = (
    (1, "Little or no evidence"),
    (2, "Some evidence"),
    (3, "Good evidence"),
    (4, "Strong, clear evidence"),
)


def ensure_questions() -> int:
    """Add the starter questions for every element that has none yet; return how many."""
    have = set(db.session.scalars(sa.select(RecruitmentQuestion.element_id).distinct()))
    added = 0
    for element in db.session.scalars(sa.select(Element).where(Element.code.in_(QUESTIONS))):
        if element.id in have:
            continue  # an admin's edits (or deletions) are never overwritten
        for position, (question, good) in enumerate(QUESTIONS[element.code], 1):
            db.session.add(RecruitmentQuestion(element_id=element.id, question=question,
                                               good_answer=good, position=position))
            added += 1
    return added


@dataclass(frozen=True)
class KitPart:
    dimension: Dimension
    element: Element
    questions: list[RecruitmentQuestion]


def kit(fw: Framework, element_ids: list[int]) -> list[KitPart]:
    """The active questions for the chosen elements, in framework order."""
    chosen = set(element_ids)
    rows = db.session.scalars(
        sa.select(RecruitmentQuestion)
        .where(RecruitmentQuestion.element_id.in_(chosen), RecruitmentQuestion.active)
        .order_by(RecruitmentQuestion.position, RecruitmentQuestion.id))
    by_element: dict[int, list[RecruitmentQuestion]] = {}
    for q in rows:
        by_element.setdefault(q.element_id, []).append(q)
    return [KitPart(d, e, by_element.get(e.id, []))
            for d in fw.dimensions for e in d.elements if e.id in chosen]


def kit_csv(role: str, parts: list[KitPart]) -> str:
    """The kit as a scoring sheet a spreadsheet opens: one row per question."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Role", "Area of leadership", "Element", "Question",
                     "What a good answer shows", "Score (1-4)", "Notes"])
    for part in parts:
        for q in part.questions:
            writer.writerow([_safe(role), part.dimension.name, f"{part.element.code} "
                             f"{part.element.name}", _safe(q.question), _safe(q.good_answer),
                             "", ""])
    return out.getvalue()


def _safe(text: str) -> str:
    # A cell starting =, +, - or @ is a formula to a spreadsheet: typed text must stay text.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


# ---------------------------------------------------------------- admins keep the questions


def all_questions(fw: Framework) -> list[RecruitmentQuestion]:
    return list(db.session.scalars(
        sa.select(RecruitmentQuestion).join(Element).join(Dimension)
        .where(Dimension.framework_id == fw.id)
        .order_by(Dimension.position, Element.position, RecruitmentQuestion.position,
                  RecruitmentQuestion.id)
        .options(selectinload(RecruitmentQuestion.element))))


def save_question(actor: User, question: RecruitmentQuestion | None, *, element_id: int,
                  text: str, good_answer: str, position: int, active: bool) -> RecruitmentQuestion:
    """Add or change an interview question. Audited."""
    if db.session.get(Element, element_id) is None:
        raise ValueError(f"no element with id {element_id!r}")
    created = question is None
    if question is None:
        question = RecruitmentQuestion(element_id=element_id, question="")
        db.session.add(question)
    question.element_id = element_id
    question.question = text.strip()
    question.good_answer = (good_answer or "").strip()
    question.position = position
    question.active = active
    db.session.flush()
    audit.record(actor, "recruitment_question.added" if created
                 else "recruitment_question.changed", question, active=active)
    db.session.commit()
    return question
