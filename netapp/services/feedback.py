"""360-degree feedback: invite colleagues by email; show coarse results once enough have answered.

Who may answer: a colleague answers only while signed in with a confirmed account whose email is
the invited address, never the requester, and at most once per request. What the requester sees:
per dimension only, each colleague's answers held away from the ends of the scale, rounded to the
nearest half point, and only in whole groups of MIN_RATERS answers. docs/members.md says what a
requester could still learn.
"""
from __future__ import annotations

import hashlib
import math
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction

import sqlalchemy as sa
from flask import current_app, url_for
from sqlalchemy.orm import selectinload

from netapp.extensions import db
from netapp.models import (
    Element,
    FeedbackRater,
    FeedbackRound,
    FeedbackScore,
    Framework,
    User,
)
from netapp.models.base import utcnow
from netapp.models.feedback import COMMENT_MAX
from netapp.services import audit, reference
from netapp.services.mail import send_email

# Results appear only when at least this many colleagues have answered, and later answers join
# in whole groups of this size, so nobody's answers can be picked out.
MIN_RATERS = 3
MAX_RATERS = 20
LOWEST, HIGHEST = 1, 4  # the scale every element is rated on
BAND = Fraction(1, 2)  # results are rounded to the nearest half point


class FeedbackError(ValueError):
    """Something the member can fix; the message says how."""


class NotYourInvitation(FeedbackError):
    """The signed-in account may not answer this invitation; the message says why."""


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
    addresses = [User.normalise_email(a) for a in addresses]
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
        link = url_for("members.give_feedback", token=token, _external=True)
        send_email(address, f"{user.display_name} would value your feedback",
                   "email/feedback_invite.txt", member=user, address=address, link=link,
                   app_name=current_app.config.get("APP_NAME", "the Registered Managers network"))
    return len(new)


def rater_for(token: str) -> FeedbackRater | None:
    return db.session.execute(
        sa.select(FeedbackRater).where(FeedbackRater.token_hash == _hash(token))
        .options(selectinload(FeedbackRater.scores))
    ).scalar_one_or_none()


def check_rater(rater: FeedbackRater, user: User) -> None:
    """Raise NotYourInvitation unless ``user`` may answer this invitation.

    One confirmed account per invited address: without this, a requester could answer their
    own invitations and work out the one real colleague's scores from the results.
    """
    if user.id == rater.round.user_id:
        raise NotYourInvitation("This is your own request for feedback, so you can't answer it. "
                                "Your own view comes from your self-assessment.")
    if not rater.email or User.normalise_email(user.email) != rater.email:
        raise NotYourInvitation("This invitation was sent to a different email address. Please "
                                "sign in with the account for the address it was sent to, or "
                                "create an account with that address.")
    if not user.is_verified:
        raise NotYourInvitation("Please confirm your email address first, using the link we "
                                "emailed you when you signed up. Then come back to this page.")
    if rater.rater_user_id not in (None, user.id):
        raise NotYourInvitation("This invitation has already been answered.")
    answered_another = db.session.scalar(
        sa.select(FeedbackRater.id).where(FeedbackRater.round_id == rater.round_id,
                                          FeedbackRater.rater_user_id == user.id,
                                          FeedbackRater.id != rater.id))
    if answered_another is not None:
        raise NotYourInvitation("You've already answered this request for feedback. "
                                "Thank you!")


class MissingAnswers(FeedbackError):
    """Sending with gaps: ``missing`` lists every element still without an answer, in order."""

    def __init__(self, missing: list[Element]) -> None:
        self.missing = missing
        count = len(missing)
        super().__init__(f"Please answer {count} more statement{'s' if count != 1 else ''} "
                         "before you send, or choose “I haven't seen this”.")


def save_answers(rater: FeedbackRater, user: User, fw: Framework,
                 scores: dict[int, int | None], submit: bool, comment: str | None = None) -> None:
    """Save a rater's answers; with submit, every element must have one and the rater is done.

    A score of None means "I haven't seen this": it is kept as an answer but counts nowhere in
    the results. Raises NotYourInvitation when ``user`` may not answer, MissingAnswers (after
    saving what was given) when sending with gaps, FeedbackError when already sent.
    """
    check_rater(rater, user)
    if rater.submitted_at is not None:
        raise FeedbackError("You've already sent your feedback. Thank you!")
    elements = [e for d in fw.dimensions for e in d.elements]
    valid = {e.id for e in elements}
    for element_id, score in scores.items():
        if element_id not in valid or not (score is None or LOWEST <= score <= HIGHEST):
            raise ValueError(f"bad score {score!r} for element {element_id!r}")
    if comment is not None and len(comment) > COMMENT_MAX:
        raise ValueError(f"comment of {len(comment)} characters is over {COMMENT_MAX}")
    rater.rater_user_id = user.id
    rater.comment = (comment or "").strip() or None
    by_element = {s.element_id: s for s in rater.scores}
    for element_id, score in scores.items():
        if element_id in by_element:
            by_element[element_id].score = score
        else:
            rater.scores.append(FeedbackScore(element_id=element_id, score=score))
    if submit:
        answered = {s.element_id for s in rater.scores}
        missing = [e for e in elements if e.id not in answered]
        if missing:
            db.session.commit()  # keep what they gave us
            raise MissingAnswers(missing)
        rater.submitted_at = utcnow()
    db.session.commit()


def band(answer_sums: list[int], elements: int) -> float:
    """The colleagues' figure for one dimension, as the requester sees it.

    ``answer_sums`` holds each counted colleague's total over the dimension's ``elements``.
    Each total is first held one point inside its possible range, so all-lowest or all-highest
    answers look the same as answers with one step less: a result can then never show that
    every element, or one person's every element, sat at an end of the scale. The average is
    rounded to the nearest half point; a tie goes away from the middle of the scale.
    """
    if not answer_sums or elements < 1:
        raise ValueError(f"need answers and elements, got {answer_sums!r} and {elements!r}")
    low, high = elements * LOWEST + 1, elements * HIGHEST - 1
    held = [min(max(total, low), high) for total in answer_sums]
    mean = Fraction(sum(held), elements * len(held))
    steps = mean / BAND
    below, above = math.floor(steps), math.ceil(steps)
    if steps - below == above - steps:  # a tie
        nearest = above if mean >= Fraction(LOWEST + HIGHEST, 2) else below
    else:
        nearest = below if steps - below < above - steps else above
    return float(nearest * BAND)


@dataclass(frozen=True)
class Results:
    round_id: int
    created_at: datetime
    invited: int
    answered: int
    bands: dict[str, float] | None  # dimension code -> band; None until MIN_RATERS answered
    counted: int = 0  # answers in the results: whole groups of MIN_RATERS, earliest first
    comments: list[str] = field(default_factory=list)  # the counted colleagues', alphabetical

    @property
    def is_ready(self) -> bool:
        return self.bands is not None


def _scores(rater_ids: list[int]) -> list[tuple[int, int, int]]:
    """(rater id, element id, score) of each element these raters scored, in one statement."""
    if not rater_ids:
        return []
    return [tuple(row) for row in db.session.execute(
        sa.select(FeedbackScore.rater_id, FeedbackScore.element_id, FeedbackScore.score)
        .where(FeedbackScore.rater_id.in_(rater_ids), FeedbackScore.score.is_not(None))
    )]


def _framework(framework_id: int) -> Framework:
    """A round's framework: the process's copy when it is the one in use (no SQL)."""
    for found in reference.shared("frameworks").values():
        if found.id == framework_id:
            return found
    return db.session.get(Framework, framework_id)


def _bands(fw: Framework, answered: list[int],
           rows: list[tuple[int, int, int]]) -> dict[str, float]:
    """Per dimension, the band over whole groups of MIN_RATERS colleagues who rated all of it.

    ``answered`` holds the sent raters' ids, earliest first. A colleague who said they haven't
    seen an element of a dimension is left out of that dimension. Each dimension then takes its
    own whole groups of MIN_RATERS, earliest first, so its figure, like the page as a whole,
    only ever changes by at least MIN_RATERS people at once: one answer can't be picked out by
    comparing the page before and after it. ``rows`` holds the scores (``_scores``) of at
    least these raters; any others' are left out.
    """
    dimension_of = {e.id: d.code for d in fw.dimensions for e in d.elements}
    sizes = {d.code: len(d.elements) for d in fw.dimensions}
    totals: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    rated: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    these = set(answered)
    for rater_id, element_id, score in rows:
        if rater_id not in these:
            continue
        code = dimension_of[element_id]
        totals[code][rater_id] += score
        rated[code][rater_id] += 1
    bands = {}
    for code, size in sizes.items():
        full = [r for r in answered if rated[code][r] == size]
        counted = full[: len(full) - len(full) % MIN_RATERS]
        if counted:
            bands[code] = band([totals[code][r] for r in counted], size)
    return bands


def _answered(found: FeedbackRound) -> tuple[list[FeedbackRater], list[FeedbackRater]]:
    """A round's raters who answered, earliest first, and those of them counted: answers join
    the results in whole groups of MIN_RATERS. If each new answer changed the results,
    comparing them before and after it would show that one person's scores."""
    answered = sorted((r for r in found.raters if r.submitted_at is not None),
                      key=lambda r: (r.submitted_at, r.id))
    return answered, answered[: len(answered) - len(answered) % MIN_RATERS]


def _results_for(found: FeedbackRound,
                 rows: list[tuple[int, int, int]] | None = None) -> Results:
    """``rows``: the scores of this round's answers if already read (``_scores``)."""
    answered, counted = _answered(found)
    bands = comments = None
    if counted:
        ids = [r.id for r in answered]
        bands = _bands(_framework(found.framework_id), ids,
                       _scores(ids) if rows is None else rows)
        # Alphabetical, not in the order sent, so a comment's place says nothing of who or when.
        comments = sorted(r.comment for r in counted if r.comment)
    return Results(round_id=found.id, created_at=found.created_at, invited=len(found.raters),
                   answered=len(answered), bands=bands, counted=len(counted),
                   comments=comments or [])


def results(user: User, round_id: int | None = None) -> Results | None:
    """Colleagues' view per dimension, only once MIN_RATERS have answered; never per person.

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


def my_page(user: User) -> tuple[FeedbackRound | None, Results | None, list[Results]]:
    """The member's current round, its results (``results(user)``) and ``earlier_rounds``,
    from one read of their rounds with their raters (was three reads of the same rounds)."""
    rounds = db.session.scalars(
        sa.select(FeedbackRound).where(FeedbackRound.user_id == user.id)
        .order_by(FeedbackRound.id.desc()).options(selectinload(FeedbackRound.raters))
    ).all()
    if not rounds:
        return None, None, []
    # Every counted round's scores in one statement, however many rounds the member has had.
    rows = _scores([rater.id for found in rounds
                    for answered, counted in [_answered(found)] if counted
                    for rater in answered])
    earlier = [r for r in (_results_for(found, rows) for found in rounds[1:]) if r.is_ready]
    return rounds[0], _results_for(rounds[0], rows), earlier


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


def invited_addresses(found: FeedbackRound | None) -> list[str]:
    """The addresses the member invited, in order; '' for one removed at its owner's request."""
    return [r.email for r in found.raters] if found else []


def given_by(user: User) -> list[dict]:
    """Feedback this person was asked for or gave others: their own answers, nothing more.

    For their data export. The requester's results are not theirs, so they are left out.
    """
    raters = db.session.scalars(
        sa.select(FeedbackRater)
        .where(sa.or_(FeedbackRater.rater_user_id == user.id,
                      FeedbackRater.email == User.normalise_email(user.email)))
        .order_by(FeedbackRater.id)
        .options(selectinload(FeedbackRater.scores), selectinload(FeedbackRater.round))
    ).all()
    if not raters:
        return []
    requesters = {u.id: u.display_name for u in db.session.scalars(
        sa.select(User).where(User.id.in_({r.round.user_id for r in raters})))}
    codes = dict(db.session.execute(sa.select(Element.id, Element.code)).all())
    return [{"for": requesters.get(r.round.user_id), "invited_as": r.email,
             "invited_at": r.invited_at, "sent_at": r.submitted_at, "comment": r.comment,
             "scores": {codes[s.element_id]: s.score
                        for s in sorted(r.scores, key=lambda s: s.element_id)}}
            for r in raters]


def forget_rater(user: User) -> None:
    """On erasure: unlink every invitation to or answer by ``user`` (no commit).

    Sent answers stay in the requester's results with no address or account attached: taking
    them out would change the results, and comparing before and after would show that one
    person's answers; a sent comment stays for the same reason. Unsent drafts carry nothing
    worth keeping, so their scores and comment go.
    """
    mine = sa.or_(FeedbackRater.rater_user_id == user.id,
                  FeedbackRater.email == User.normalise_email(user.email))
    drafts = sa.select(FeedbackRater.id).where(mine, FeedbackRater.submitted_at.is_(None))
    db.session.execute(sa.delete(FeedbackScore).where(FeedbackScore.rater_id.in_(drafts)))
    db.session.execute(sa.update(FeedbackRater).where(FeedbackRater.id.in_(drafts))
                       .values(comment=None))
    db.session.execute(sa.update(FeedbackRater).where(mine)
                       .values(email="", rater_user_id=None))
