"""360-degree feedback: invite colleagues by email; show averages once enough have answered."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app, url_for
from sqlalchemy.orm import selectinload

from netapp.extensions import db
from netapp.models import FeedbackRater, FeedbackRound, FeedbackScore, Framework, User
from netapp.models.base import utcnow
from netapp.services import audit
from netapp.services.mail import send_email

# Results appear only when at least this many colleagues have answered, so nobody's answers
# can be picked out.
MIN_RATERS = 3
MAX_RATERS = 20


class FeedbackError(ValueError):
    """Something the member can fix; the message says how."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def current_round(user: User) -> FeedbackRound | None:
    return db.session.execute(
        sa.select(FeedbackRound).where(FeedbackRound.user_id == user.id)
        .order_by(FeedbackRound.id.desc()).limit(1)
        .options(selectinload(FeedbackRound.raters))
    ).scalar_one_or_none()


def invite(user: User, fw: Framework, addresses: list[str]) -> int:
    """Invite colleagues (new addresses only); return how many were invited.

    Raises FeedbackError when the round would have fewer than MIN_RATERS or more than
    MAX_RATERS people, or when the member invites themselves.
    """
    if user.email in addresses:
        raise FeedbackError("Please invite colleagues, not yourself. Your own view comes from "
                            "your self-assessment.")
    found = current_round(user)
    already = {r.email for r in found.raters} if found else set()
    new = [a for a in addresses if a not in already]
    total = len(already) + len(new)
    if total < MIN_RATERS:
        raise FeedbackError(f"Please invite at least {MIN_RATERS} people, so nobody's answers "
                            "can be picked out.")
    if total > MAX_RATERS:
        raise FeedbackError(f"Please invite no more than {MAX_RATERS} people in all.")
    if found is None:
        found = FeedbackRound(user_id=user.id, framework_id=fw.id)
        db.session.add(found)
    links = []
    for address in new:
        token = secrets.token_urlsafe(32)
        found.raters.append(FeedbackRater(email=address, token_hash=_hash(token)))
        links.append((address, token))
    audit.record(user, "feedback.invited", user, count=len(new))
    db.session.commit()
    for address, token in links:
        send_email(address, f"{user.display_name} would value your feedback",
                   "email/feedback_invite.txt", member=user,
                   link=url_for("members.give_feedback", token=token, _external=True),
                   app_name=current_app.config.get("APP_NAME", "the Registered Managers network"))
    return len(new)


def rater_for(token: str) -> FeedbackRater | None:
    return db.session.execute(
        sa.select(FeedbackRater).where(FeedbackRater.token_hash == _hash(token))
        .options(selectinload(FeedbackRater.scores))
    ).scalar_one_or_none()


def save_answers(rater: FeedbackRater, fw: Framework, scores: dict[int, int],
                 submit: bool) -> None:
    """Save a rater's answers; with submit, every element must have one and the rater is done."""
    if rater.submitted_at is not None:
        raise FeedbackError("You've already sent your feedback. Thank you!")
    elements = [e for d in fw.dimensions for e in d.elements]
    valid = {e.id for e in elements}
    for element_id, score in scores.items():
        if element_id not in valid or score not in (1, 2, 3, 4):
            raise ValueError(f"bad score {score!r} for element {element_id!r}")
    by_element = {s.element_id: s for s in rater.scores}
    for element_id, score in scores.items():
        if element_id in by_element:
            by_element[element_id].score = score
        else:
            rater.scores.append(FeedbackScore(element_id=element_id, score=score))
    if submit:
        answered = {s.element_id for s in rater.scores}
        missing = next((e for e in elements if e.id not in answered), None)
        if missing is not None:
            db.session.commit()  # keep what they gave us
            raise FeedbackError(f"Please choose a score for “{missing.name}” before sending.")
        rater.submitted_at = utcnow()
    db.session.commit()


@dataclass(frozen=True)
class Results:
    round_id: int
    created_at: datetime
    invited: int
    answered: int
    averages: dict[int, float] | None  # element id -> average; None until MIN_RATERS answered
    counted: int = 0  # answers in the averages: whole groups of MIN_RATERS, earliest first

    @property
    def is_ready(self) -> bool:
        return self.averages is not None


def _results_for(found: FeedbackRound) -> Results:
    answered = sorted((r for r in found.raters if r.submitted_at is not None),
                      key=lambda r: (r.submitted_at, r.id))
    # Answers join the averages in whole groups of MIN_RATERS. If each new answer changed the
    # averages, comparing the results before and after it would show that one person's scores.
    counted = [r.id for r in answered[: len(answered) - len(answered) % MIN_RATERS]]
    averages = None
    if counted:
        rows = db.session.execute(
            sa.select(FeedbackScore.element_id, sa.func.avg(FeedbackScore.score))
            .where(FeedbackScore.rater_id.in_(counted))
            .group_by(FeedbackScore.element_id)
        )
        averages = {element_id: round(float(avg), 2) for element_id, avg in rows}
    return Results(round_id=found.id, created_at=found.created_at, invited=len(found.raters),
                   answered=len(answered), averages=averages, counted=len(counted))


def results(user: User, round_id: int | None = None) -> Results | None:
    """Averaged colleague scores, only once MIN_RATERS have answered; never per person.

    Without round_id, the member's current round. A round that isn't theirs gives None.
    """
    if round_id is None:
        found = current_round(user)
    else:
        found = db.session.get(FeedbackRound, round_id)
        if found is not None and found.user_id != user.id:
            found = None
    return None if found is None else _results_for(found)


def earlier_rounds(user: User) -> list[Results]:
    """Finished rounds before the current one, newest first."""
    rounds = db.session.scalars(
        sa.select(FeedbackRound).where(FeedbackRound.user_id == user.id)
        .order_by(FeedbackRound.id.desc()).options(selectinload(FeedbackRound.raters))
    ).all()
    return [r for r in (_results_for(found) for found in rounds[1:]) if r.is_ready]


def start_round(user: User, fw: Framework) -> FeedbackRound:
    """Begin a fresh request for feedback; the current one must have its results first."""
    current = results(user)
    if current is not None and not current.is_ready:
        raise FeedbackError(f"Your current request needs {MIN_RATERS} answers before you start "
                            "a new one. You can invite more colleagues to it instead.")
    found = FeedbackRound(user_id=user.id, framework_id=fw.id)
    db.session.add(found)
    audit.record(user, "feedback.round_started", user)
    db.session.commit()
    return found
