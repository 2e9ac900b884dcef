"""The mentoring relationship: goals, meetings, messages, check-ins, nudges and closing.

Only the mentor and the mentee of a mentorship ever reach it here; anyone else, coordinators
and admins included, gets ``NotYours`` (a 404), because the page holds the pair's own words.
Private meeting notes and check-in answers are read only for the person who wrote them, so a
template can never show them to the other side. Audit entries name the change, never its text.
"""
from __future__ import annotations

import enum
import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import NamedTuple

import sqlalchemy as sa
from flask import current_app, url_for
from sqlalchemy.orm import aliased, joinedload

from netapp import reads
from netapp.extensions import db
from netapp.models import (
    GoalStatus,
    MentoringCheckIn,
    MentoringGoal,
    MentoringMeeting,
    MentoringMessage,
    Mentorship,
    MentorshipStatus,
    Notification,
    User,
)
from netapp.models.base import utcnow
from netapp.services import audit, lqf, paging, reference, sql_lists
from netapp.services.networks import Person
from netapp.services.notifications import notify

SHOWN = (MentorshipStatus.ACCEPTED, MentorshipStatus.COMPLETED, MentorshipStatus.ENDED)
NUDGE_DAYS = 30
CHECKIN_DAYS = (30, 60)
CHECKIN_QUESTION = "How useful is your mentoring so far?"
# Averages across the programme are shown only from this many answers, so no one pair's
# answers can be read off them.
MIN_ANSWERS_FOR_AVERAGE = 5
GOAL_LABELS = {
    GoalStatus.NOT_STARTED: "Not started",
    GoalStatus.IN_PROGRESS: "In progress",
    GoalStatus.ACHIEVED: "Achieved",
    GoalStatus.DROPPED: "Dropped",
}


class NotYours(LookupError):
    """The mentorship isn't there for this person (the page answers 404)."""


class RelationshipError(Exception):
    """A change that can't be made, with words for the person who tried."""


class Side(enum.Enum):
    MENTOR = "mentor"
    MENTEE = "mentee"


# ------------------------------------------------------------------ who may see it


def _load(mentorship_id: int, *, lock: bool = False) -> Mentorship | None:
    if lock:
        query = _load_statement().with_for_update(of=Mentorship) \
            .execution_options(populate_existing=True)
        return db.session.scalar(query, {"mentorship": mentorship_id})
    return db.session.scalar(_load_statement(), {"mentorship": mentorship_id})


@lru_cache(maxsize=1)
def _load_statement() -> sa.Select:
    """A mentorship (parameter ``mentorship``) with its two people, built once per process.
    The two people come with it; their roles only if something asks (they are two more
    statements, and the pages that show a mentorship do not need them)."""
    return (sa.select(Mentorship).where(Mentorship.id == sa.bindparam("mentorship"))
            .options(joinedload(Mentorship.mentor).lazyload(User.roles),
                     joinedload(Mentorship.mentee).lazyload(User.roles)))


def relationship_for(user: User, mentorship_id: int, *, lock: bool = False) -> Mentorship:
    """The mentorship if ``user`` is its mentor or mentee and it is under way or closed."""
    mentorship = _load(mentorship_id, lock=lock)
    if (mentorship is None or mentorship.status not in SHOWN
            or user.id not in (mentorship.mentor_id, mentorship.mentee_id)):
        raise NotYours(mentorship_id)
    return mentorship


@dataclass(frozen=True)
class UnderWay:
    """A mentoring under way, as a link on the person's home page."""

    id: int
    other_name: str
    is_mentor: bool


def side_of(mentorship: Mentorship, user: User) -> Side:
    return Side.MENTOR if user.id == mentorship.mentor_id else Side.MENTEE


def other_of(mentorship: Mentorship, user: User) -> User:
    return mentorship.mentee if user.id == mentorship.mentor_id else mentorship.mentor


def began_on(mentorship: Mentorship) -> date:
    """The day the mentor accepted (the relationship's first day)."""
    return (mentorship.responded_at or mentorship.created_at).date()


def _open_for_change(user: User, mentorship_id: int) -> Mentorship:
    mentorship = relationship_for(user, mentorship_id, lock=True)
    if mentorship.status is not MentorshipStatus.ACCEPTED:
        db.session.rollback()
        raise RelationshipError("This mentoring has closed, so it can't be changed now.")
    return mentorship


def _link(mentorship: Mentorship) -> str:
    return url_for("mentoring.relationship", mentorship_id=mentorship.id)


# ------------------------------------------------------------------ the page


@dataclass(frozen=True)
class MeetingView:
    """A meeting as one side sees it: the shared notes and only their own private notes."""

    id: int
    met_on: date
    shared_notes: str
    my_notes: str
    logged_by_me: bool


@dataclass(frozen=True)
class GoalView:
    id: int
    title: str
    status: GoalStatus
    status_label: str
    elements: list[tuple[str, str]]  # (code, name)


class PairFacts(NamedTuple):
    """A mentorship as its page reads it: plain values, not the record."""

    id: int
    status: MentorshipStatus
    mentor_id: int
    mentee_id: int
    created_at: datetime
    responded_at: datetime | None
    closed_at: datetime | None
    mentor_feedback: str
    mentee_feedback: str


@dataclass
class RelationshipPage:
    mentorship: PairFacts
    side: Side
    other: Person
    began_on: date
    goals: list[GoalView]
    meetings: object  # a page of MeetingView, shaped like db.paginate's
    messages: object  # a page of messages, oldest first within the page
    last_met: date | None
    should_meet: bool
    checkins_due: list[int]
    my_feedback: str
    their_feedback: str
    element_names: dict[str, str] = field(default_factory=dict)

    @property
    def is_closed(self) -> bool:
        return self.mentorship.status.is_closed


def element_choices() -> tuple[tuple[str, str, str], ...]:
    """(code, name, dimension name) for every element of the framework, in its order."""
    return _elements()[0]


def _elements() -> tuple[tuple[tuple[str, str, str], ...], dict[str, str]]:
    """``element_choices`` and {code: name}, worked out once from the process's copy of the
    framework while that copy holds (reference.shared: a change loads a new copy, and these
    are worked out again). Merging the framework into each request's session cost a page
    about 1 ms."""
    frameworks = reference.shared("frameworks")
    store: dict = current_app.extensions.setdefault("mentoring_elements", {})
    kept = store.get("lqf")
    if kept is None or kept[0] is not frameworks:
        fw = frameworks.get(lqf.LQF_CODE) or lqf.framework()
        choices = tuple((e.code, e.name, d.name) for d in fw.dimensions for e in d.elements)
        kept = store["lqf"] = (frameworks, choices, {code: name for code, name, _ in choices})
    return kept[1], kept[2]


def _days_since(day: date, today: date) -> int:
    return (today - day).days


def needs_meeting(began: date, last_met: date | None, today: date) -> bool:
    """True when the pair has not met in 30 days, or never met 30 days after it began."""
    return _days_since(last_met or began, today) >= NUDGE_DAYS


def due_days(began: date, today: date) -> list[int]:
    return [d for d in CHECKIN_DAYS if _days_since(began, today) >= d]


def _answered_days(mentorship_id: int, user_id: int) -> set[int]:
    return {row[0] for row in reads.rows(
        _answered_statement(), {"mentorship": mentorship_id, "user": user_id})}


@lru_cache(maxsize=1)
def _answered_statement() -> sa.Select:
    """The days of the check-ins one person answered (parameters ``mentorship`` and
    ``user``), built once per process."""
    return sa.select(MentoringCheckIn.day).where(
        MentoringCheckIn.mentorship_id == sa.bindparam("mentorship"),
        MentoringCheckIn.user_id == sa.bindparam("user"))


class MessageView(NamedTuple):
    """A message on the page."""

    id: int
    sender_id: int
    body: str
    created_at: datetime


def page_for(user: User, mentorship_id: int, *, meetings_page: int = 1,
             messages_page: int = 1, per_page: int = 10) -> RelationshipPage:
    """Everything the shared page shows ``user``, in one statement (``_page_statement``).
    ``NotYours`` on the same terms as ``relationship_for``."""
    names = _elements()[1]  # first: a process without the framework loads it and commits
    meetings_page, messages_page = max(meetings_page, 1), max(messages_page, 1)
    rows = reads.rows(_page_statement(meetings_page, messages_page, per_page),
                      {"mentorship": mentorship_id, "user": user.id})
    head = rows[0] if rows else None
    if (head is None or head.status not in SHOWN
            or user.id not in (head.mentor_id, head.mentee_id)):
        raise NotYours(mentorship_id)
    mentorship = PairFacts(*head[:9])
    side = Side.MENTOR if user.id == mentorship.mentor_id else Side.MENTEE
    other = (Person(mentorship.mentee_id, head.mentee_name) if side is Side.MENTOR
             else Person(mentorship.mentor_id, head.mentor_name))
    goals = []
    for goal_id, title, status, codes in _json(head.goals) or ():
        status = GoalStatus(status)
        goals.append(GoalView(goal_id, title, status, GOAL_LABELS[status],
                              [(c, names.get(c, c)) for c in _json(codes) or ()]))
    mine = "mentor_notes" if side is Side.MENTOR else "mentee_notes"
    meetings = paging.Page(
        [MeetingView(m.meeting_id, m.met_on, m.shared_notes, getattr(m, mine),
                     m.created_by_id == user.id) for m in rows if m.meeting_id is not None],
        head.meetings_total, meetings_page, per_page)
    # Newest page first; within a page the oldest message comes first, as in a conversation.
    messages = paging.Page(
        [MessageView(message_id, sender_id, body, _when(created_at))
         for message_id, sender_id, body, created_at in reversed(_json(head.messages) or ())],
        head.messages_total, messages_page, per_page)
    today = utcnow().date()
    began = began_on(mentorship)
    last_met = head.last_met
    is_open = mentorship.status is MentorshipStatus.ACCEPTED
    answered = {day for day in CHECKIN_DAYS if getattr(head, f"answered_{day}")}
    feedback = (mentorship.mentor_feedback, mentorship.mentee_feedback)
    return RelationshipPage(
        mentorship=mentorship, side=side, other=other, began_on=began,
        goals=goals, meetings=meetings, messages=messages, last_met=last_met,
        should_meet=is_open and needs_meeting(began, last_met, today),
        checkins_due=[d for d in due_days(began, today) if d not in answered] if is_open else [],
        my_feedback=feedback[0] if side is Side.MENTOR else feedback[1],
        their_feedback=feedback[1] if side is Side.MENTOR else feedback[0],
        element_names=names,
    )


def _json(value):
    # SQLite writes a JSON column inside a JSON list as its text; PostgreSQL as JSON.
    return json.loads(value) if isinstance(value, str) else value


def _when(value: str) -> datetime:
    # A timestamp inside a JSON list is text: ISO 8601 on PostgreSQL, with a space on SQLite.
    return datetime.fromisoformat(value)


@lru_cache(maxsize=64)
def _page_statement(meetings_page: int, messages_page: int, per_page: int) -> sa.Select:
    """The statement behind ``page_for``, built once per process for each pair of pages
    (parameters ``mentorship`` and ``user``): no row unless ``user`` is the mentor or the
    mentee of a mentorship under way or closed. Each row holds the ``PairFacts`` columns,
    the two people's names, the goals in the order they were set (a JSON list), how many
    meetings there are and the latest one's date, the page of messages (newest first, a JSON
    list) with how many there are, and for each check-in day whether ``user`` answered it;
    beside them one meeting of the page (latest first), or none past the end."""
    mentorship = sa.bindparam("mentorship", type_=sa.Integer())
    user = sa.bindparam("user", type_=sa.Integer())
    goals = (sa.select(MentoringGoal.id, MentoringGoal.title, MentoringGoal.status,
                       MentoringGoal.element_codes, MentoringGoal.created_at)
             .where(MentoringGoal.mentorship_id == mentorship)
             .order_by(MentoringGoal.created_at, MentoringGoal.id).subquery())
    said = MentoringMessage.mentorship_id == mentorship
    messages = (sa.select(MentoringMessage.id, MentoringMessage.sender_id,
                          MentoringMessage.body, MentoringMessage.created_at).where(said)
                .order_by(MentoringMessage.created_at.desc(), MentoringMessage.id.desc())
                .limit(per_page).offset((messages_page - 1) * per_page).subquery())
    met = MentoringMeeting.mentorship_id == mentorship
    answered = [
        sa.exists().where(MentoringCheckIn.mentorship_id == mentorship,
                          MentoringCheckIn.user_id == user,
                          MentoringCheckIn.day == day).label(f"answered_{day}")
        for day in CHECKIN_DAYS]
    mentor, mentee = aliased(User), aliased(User)
    head = (
        sa.select(Mentorship.id, Mentorship.status, Mentorship.mentor_id,
                  Mentorship.mentee_id, Mentorship.created_at, Mentorship.responded_at,
                  Mentorship.closed_at, Mentorship.mentor_feedback, Mentorship.mentee_feedback,
                  mentor.display_name.label("mentor_name"),
                  mentee.display_name.label("mentee_name"),
                  sa.select(sql_lists.in_order(
                      sql_lists.json_array(goals.c.id, goals.c.title, goals.c.status,
                                           goals.c.element_codes),
                      goals.c.created_at, goals.c.id)).scalar_subquery().label("goals"),
                  sa.select(sa.func.count()).select_from(MentoringMeeting).where(met)
                  .scalar_subquery().label("meetings_total"),
                  sa.select(sa.func.max(MentoringMeeting.met_on)).where(met)
                  .scalar_subquery().label("last_met"),
                  sa.select(sql_lists.in_order(
                      sql_lists.json_array(*messages.c),
                      messages.c.created_at.desc(), messages.c.id.desc()))
                  .scalar_subquery().label("messages"),
                  sa.select(sa.func.count()).select_from(MentoringMessage).where(said)
                  .scalar_subquery().label("messages_total"),
                  *answered)
        .join(mentor, mentor.id == Mentorship.mentor_id)
        .join(mentee, mentee.id == Mentorship.mentee_id)
        .where(Mentorship.id == mentorship, Mentorship.status.in_(SHOWN),
               sa.or_(Mentorship.mentor_id == user, Mentorship.mentee_id == user))
        .subquery("head"))
    page = (sa.select(MentoringMeeting.id.label("meeting_id"), MentoringMeeting.met_on,
                      MentoringMeeting.shared_notes, MentoringMeeting.mentor_notes,
                      MentoringMeeting.mentee_notes, MentoringMeeting.created_by_id)
            .where(met)
            .order_by(MentoringMeeting.met_on.desc(), MentoringMeeting.id.desc())
            .limit(per_page).offset((meetings_page - 1) * per_page).subquery("page"))
    return (sa.select(head, *page.c).select_from(head.outerjoin(page, sa.true()))
            .order_by(page.c.met_on.desc(), page.c.meeting_id.desc()))


# ------------------------------------------------------------------ goals


def _clean_codes(codes: list[str]) -> list[str]:
    known = [code for code, _, _ in element_choices()]
    chosen = set(codes)
    unknown = chosen - set(known)
    if unknown:
        raise RelationshipError("Choose parts of the framework from the list.")
    if not chosen:
        raise RelationshipError("Choose at least one part of the framework this goal builds on.")
    return [code for code in known if code in chosen]


def goal_of(user: User, mentorship_id: int, goal_id: int) -> tuple[Mentorship, MentoringGoal]:
    mentorship = relationship_for(user, mentorship_id)
    goal = db.session.get(MentoringGoal, goal_id)
    if goal is None or goal.mentorship_id != mentorship.id:
        raise NotYours(goal_id)
    return mentorship, goal


def add_goal(user: User, mentorship_id: int, title: str, codes: list[str]) -> MentoringGoal:
    """A goal the pair agreed, tied to one or more framework elements."""
    cleaned = _clean_codes(codes)
    mentorship = _open_for_change(user, mentorship_id)
    goal = MentoringGoal(mentorship_id=mentorship.id, title=title.strip(),
                         element_codes=cleaned, created_by_id=user.id)
    db.session.add(goal)
    db.session.flush()
    audit.record(user, "mentoring.goal_added", mentorship, goal_id=goal.id, elements=cleaned)
    db.session.commit()
    return goal


def edit_goal(user: User, mentorship_id: int, goal_id: int, title: str,
              codes: list[str]) -> MentoringGoal:
    cleaned = _clean_codes(codes)
    mentorship = _open_for_change(user, mentorship_id)
    _, goal = goal_of(user, mentorship.id, goal_id)
    goal.title = title.strip()
    goal.element_codes = cleaned
    audit.record(user, "mentoring.goal_edited", mentorship, goal_id=goal.id, elements=cleaned)
    db.session.commit()
    return goal


def set_goal_status(user: User, mentorship_id: int, goal_id: int,
                    status: GoalStatus) -> MentoringGoal:
    mentorship = _open_for_change(user, mentorship_id)
    _, goal = goal_of(user, mentorship.id, goal_id)
    goal.status = status
    audit.record(user, "mentoring.goal_status", mentorship, goal_id=goal.id,
                 status=status.value)
    db.session.commit()
    return goal


# ------------------------------------------------------------------ meetings


def meeting_of(user: User, mentorship_id: int,
               meeting_id: int) -> tuple[Mentorship, MentoringMeeting]:
    mentorship = relationship_for(user, mentorship_id)
    meeting = db.session.get(MentoringMeeting, meeting_id)
    if meeting is None or meeting.mentorship_id != mentorship.id:
        raise NotYours(meeting_id)
    return mentorship, meeting


def _check_date(mentorship: Mentorship, met_on: date) -> None:
    if met_on > utcnow().date():
        raise RelationshipError("The meeting date can't be in the future. Log it once you've met.")
    began = began_on(mentorship)
    if met_on < began:
        raise RelationshipError(
            f"Your mentoring began on {began.strftime('%-d %B %Y')}: pick that day or later.")


def my_private_notes(mentorship: Mentorship, meeting: MentoringMeeting, user: User) -> str:
    if side_of(mentorship, user) is Side.MENTOR:
        return meeting.mentor_notes
    return meeting.mentee_notes


def log_meeting(user: User, mentorship_id: int, met_on: date, shared_notes: str,
                private_notes: str) -> MentoringMeeting:
    """A meeting; the private notes go to the writer's own side only."""
    mentorship = _open_for_change(user, mentorship_id)
    try:
        _check_date(mentorship, met_on)
    except RelationshipError:
        db.session.rollback()
        raise
    meeting = MentoringMeeting(mentorship_id=mentorship.id, met_on=met_on,
                               shared_notes=shared_notes.strip(), created_by_id=user.id)
    _set_private(mentorship, meeting, user, private_notes)
    db.session.add(meeting)
    db.session.flush()
    audit.record(user, "mentoring.meeting_logged", mentorship, meeting_id=meeting.id,
                 met_on=met_on.isoformat())
    db.session.commit()
    return meeting


def _set_private(mentorship: Mentorship, meeting: MentoringMeeting, user: User,
                 notes: str) -> None:
    if side_of(mentorship, user) is Side.MENTOR:
        meeting.mentor_notes = notes.strip()
    else:
        meeting.mentee_notes = notes.strip()


def edit_meeting(user: User, mentorship_id: int, meeting_id: int, met_on: date,
                 shared_notes: str, private_notes: str) -> MentoringMeeting:
    """Change a meeting's date and shared notes, and the editor's own private notes only."""
    mentorship = _open_for_change(user, mentorship_id)
    _, meeting = meeting_of(user, mentorship.id, meeting_id)
    try:
        _check_date(mentorship, met_on)
    except RelationshipError:
        db.session.rollback()
        raise
    meeting.met_on = met_on
    meeting.shared_notes = shared_notes.strip()
    _set_private(mentorship, meeting, user, private_notes)
    audit.record(user, "mentoring.meeting_edited", mentorship, meeting_id=meeting.id,
                 met_on=met_on.isoformat())
    db.session.commit()
    return meeting


# ------------------------------------------------------------------ messages


def send_message(user: User, mentorship_id: int, body: str) -> MentoringMessage:
    """A message to the other side, who is told that one came (never what it says)."""
    text = body.strip()
    if not text:
        raise RelationshipError("Write a message first.")
    mentorship = _open_for_change(user, mentorship_id)
    message = MentoringMessage(mentorship_id=mentorship.id, sender_id=user.id, body=text)
    db.session.add(message)
    db.session.flush()
    audit.record(user, "mentoring.message_sent", mentorship, message_id=message.id)
    notify(other_of(mentorship, user), "message",
           f"{user.display_name} sent you a message.", _link(mentorship))
    db.session.commit()
    return message


# ------------------------------------------------------------------ check-ins


def check_in(user: User, mentorship_id: int, day: int, rating: int,
             comment: str) -> MentoringCheckIn:
    """One answer per person per day-mark; the other side never sees it."""
    if day not in CHECKIN_DAYS:
        raise NotYours(day)
    if rating not in range(1, 6):
        raise RelationshipError("Choose a number from 1 to 5.")
    mentorship = _open_for_change(user, mentorship_id)
    if day not in due_days(began_on(mentorship), utcnow().date()):
        db.session.rollback()
        raise RelationshipError(f"The {day}-day check-in isn't open yet.")
    if day in _answered_days(mentorship.id, user.id):
        db.session.rollback()
        raise RelationshipError(f"You've answered the {day}-day check-in already. Thank you!")
    answer = MentoringCheckIn(mentorship_id=mentorship.id, user_id=user.id, day=day,
                              rating=rating, comment=comment.strip())
    db.session.add(answer)
    audit.record(user, "mentoring.checked_in", mentorship, day=day)
    try:
        db.session.commit()
    except sa.exc.IntegrityError:  # a second answer at the same moment (two tabs)
        db.session.rollback()
        raise RelationshipError(
            f"You've answered the {day}-day check-in already. Thank you!") from None
    return answer


def checkin_is_open(user: User, mentorship_id: int, day: int) -> Mentorship:
    """The mentorship, if ``user`` may answer its ``day`` check-in now."""
    mentorship = relationship_for(user, mentorship_id)
    if day not in CHECKIN_DAYS:
        raise NotYours(day)
    if mentorship.status is not MentorshipStatus.ACCEPTED:
        raise RelationshipError("This mentoring has closed, so its check-ins are closed too.")
    if day not in due_days(began_on(mentorship), utcnow().date()):
        raise RelationshipError(f"The {day}-day check-in isn't open yet.")
    if day in _answered_days(mentorship.id, user.id):
        raise RelationshipError(f"You've answered the {day}-day check-in already. Thank you!")
    return mentorship


@dataclass(frozen=True)
class CheckInAverage:
    day: int
    answers: str  # "Fewer than 5", or a count rounded down to a multiple of 5
    average: float | None  # to the half point; None below MIN_ANSWERS_FOR_AVERAGE


def checkin_averages() -> list[CheckInAverage]:
    """Averages across the whole programme, per day-mark; no per-pair figures.

    Why held back and rounded: a coordinator knows roughly who reached 30 days this week, so an
    exact count and a precise average, read before and after one more answer, would give that
    answer away. Counts go in fives and averages to the half point.
    """
    rows = {day: (count, avg) for day, count, avg in db.session.execute(
        sa.select(MentoringCheckIn.day, sa.func.count(), sa.func.avg(MentoringCheckIn.rating))
        .group_by(MentoringCheckIn.day))}
    result = []
    for day in CHECKIN_DAYS:
        count, avg = rows.get(day, (0, None))
        if count < MIN_ANSWERS_FOR_AVERAGE:
            result.append(CheckInAverage(day, f"Fewer than {MIN_ANSWERS_FOR_AVERAGE}", None))
        else:
            band = count // MIN_ANSWERS_FOR_AVERAGE * MIN_ANSWERS_FOR_AVERAGE
            result.append(CheckInAverage(day, f"{band} or more", round(float(avg) * 2) / 2))
    return result


# ------------------------------------------------------------------ closing


class Outcome(enum.Enum):
    COMPLETED = "completed"
    ENDED = "ended"


def close(user: User, mentorship_id: int, outcome: Outcome, feedback: str) -> Mentorship:
    """Close the mentorship as completed or ended early; the other side is told."""
    mentorship = _open_for_change(user, mentorship_id)
    mentorship.status = (MentorshipStatus.COMPLETED if outcome is Outcome.COMPLETED
                         else MentorshipStatus.ENDED)
    mentorship.closed_at = utcnow()
    _set_feedback(mentorship, user, feedback)
    audit.record(user, "mentoring.closed", mentorship, outcome=outcome.value)
    words = "as completed" if outcome is Outcome.COMPLETED else "early"
    notify(other_of(mentorship, user), "closed",
           f"{user.display_name} has closed your mentoring {words}. You can add a few words "
           "of feedback on your page.", _link(mentorship))
    db.session.commit()
    return mentorship


def _set_feedback(mentorship: Mentorship, user: User, feedback: str) -> None:
    if side_of(mentorship, user) is Side.MENTOR:
        mentorship.mentor_feedback = feedback.strip()
    else:
        mentorship.mentee_feedback = feedback.strip()


def give_feedback(user: User, mentorship_id: int, feedback: str) -> Mentorship:
    """Each side's closing words, added or changed after the mentorship closed."""
    mentorship = relationship_for(user, mentorship_id, lock=True)
    if not mentorship.status.is_closed:
        db.session.rollback()
        raise RelationshipError("Feedback comes when your mentoring closes.")
    _set_feedback(mentorship, user, feedback)
    audit.record(user, "mentoring.feedback_given", mentorship)
    db.session.commit()
    return mentorship


def my_feedback(mentorship: Mentorship, user: User) -> str:
    if side_of(mentorship, user) is Side.MENTOR:
        return mentorship.mentor_feedback
    return mentorship.mentee_feedback


# ------------------------------------------------------------------ the periodic job


@dataclass
class Reminders:
    nudged: int = 0  # relationships nudged
    checkins: int = 0  # check-in notifications sent
    note_ids: list[int] = field(default_factory=list)


def send_reminders(now: datetime | None = None) -> Reminders:
    """Nudge pairs who haven't met in 30 days and tell people a check-in is due.

    A nudge goes at most once per 30 days per pair (``last_nudged_at``); a check-in notice once
    per person and day-mark (the notification itself is the record). Runs in a fixed number of
    queries however many pairs. Notifications are saved without email; the caller emails them
    with ``notifications.email_saved`` after this commits.
    """
    now = now or utcnow()
    today = now.date()
    active = list(db.session.scalars(
        sa.select(Mentorship).where(Mentorship.status == MentorshipStatus.ACCEPTED)
        .options(joinedload(Mentorship.mentor), joinedload(Mentorship.mentee))
        .order_by(Mentorship.id)
        # Two workers running this at once never both remind the same pair: the second
        # passes over the rows the first holds.
        .with_for_update(of=Mentorship, skip_locked=True)))
    ids = [m.id for m in active]
    last_met = dict(db.session.execute(
        sa.select(MentoringMeeting.mentorship_id, sa.func.max(MentoringMeeting.met_on))
        .where(MentoringMeeting.mentorship_id.in_(ids))
        .group_by(MentoringMeeting.mentorship_id)).all()) if ids else {}
    answered = set(db.session.execute(
        sa.select(MentoringCheckIn.mentorship_id, MentoringCheckIn.user_id, MentoringCheckIn.day)
        .where(MentoringCheckIn.mentorship_id.in_(ids))).all()) if ids else set()
    links = {m.id: {d: checkin_link(m.id, d) for d in CHECKIN_DAYS} for m in active}
    told = set(db.session.execute(
        sa.select(Notification.user_id, Notification.link)
        .where(Notification.kind == "checkin",
               Notification.link.in_([link for by_day in links.values()
                                      for link in by_day.values()]))).all()) if ids else set()
    result = Reminders()
    notes: list[Notification] = []
    for m in active:
        began = began_on(m)
        link = _link(m)
        if needs_meeting(began, last_met.get(m.id), today) and (
                m.last_nudged_at is None
                or now - m.last_nudged_at >= timedelta(days=NUDGE_DAYS)):
            m.last_nudged_at = now
            for person, other in ((m.mentor, m.mentee), (m.mentee, m.mentor)):
                notes.append(notify(
                    person, "nudge",
                    f"It's been a while since you and {other.display_name} met. "
                    "How about finding a time?", link, email=False))
            audit.record(None, "mentoring.nudged", m)
            result.nudged += 1
        due = due_days(began, today)
        if not due:
            continue
        day = due[-1]  # only the latest mark: nobody gets two notices at once
        for person in (m.mentor, m.mentee):
            if (m.id, person.id, day) in answered or (person.id, links[m.id][day]) in told:
                continue
            notes.append(notify(
                person, "checkin",
                f"Your {day}-day mentoring check-in is ready: one quick question.",
                links[m.id][day], email=False))
            result.checkins += 1
    db.session.flush()
    result.note_ids = [n.id for n in notes]
    db.session.commit()
    return result


def site_url() -> str:
    """Where links in emails sent outside a request point: the SITE_URL setting."""
    server = current_app.config.get("SERVER_NAME")
    # With SERVER_NAME set, links must use that host or Flask cannot build them.
    scheme = current_app.config["PREFERRED_URL_SCHEME"]
    return f"{scheme}://{server}" if server else current_app.config["SITE_URL"]


def run_reminders(site: str | None = None) -> Reminders:
    """``send_reminders`` and then its emails, outside any request (the command, the queue)."""
    from netapp.services.notifications import email_saved

    with current_app.test_request_context(base_url=site or site_url()):
        result = send_reminders()
        email_saved(result.note_ids)
    return result


def checkin_link(mentorship_id: int, day: int) -> str:
    return url_for("mentoring.checkin", mentorship_id=mentorship_id, day=day)
