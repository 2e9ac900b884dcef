"""Offers and requests: mentors accept or decline, members ask for a mentor, coordinators see
what waits too long.

Each change commits here, with its notifications, so a refused change tells nobody anything.
Capacity is checked under a row lock on the mentor's profile (and the mentee's), so two
accepts at the same moment can never both take the last place.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import NamedTuple

import sqlalchemy as sa
from flask import current_app, url_for
from sqlalchemy.orm import aliased, joinedload, selectinload

from matching import suggest_mentors
from netapp import reads
from netapp.extensions import db
from netapp.models import (
    AuditEntry,
    DismissedSuggestion,
    Mentorship,
    MentorshipStatus,
    Organisation,
    PairRuleKind,
    Profile,
    Role,
    RoundPairRule,
    SelfAssessment,
    User,
    UserRole,
    member_needs,
)
from netapp.models.base import utcnow
from netapp.services import audit, networks, paging, profiles, reference
from netapp.services import matching_bridge as bridge
from netapp.services.networks import Person
from netapp.services.notifications import notify

OPEN = (MentorshipStatus.OFFERED, MentorshipStatus.REQUESTED)
MAX_OPEN_REQUESTS = 2
MAX_CAPACITY = 3
SUGGESTIONS = 5


class MentoringError(Exception):
    """A change that can't be made, with words for the person who tried."""


class NotYours(LookupError):
    """The offer, request or mentor isn't there for this person (the page answers 404)."""


# ------------------------------------------------------------------ reading


def _open_for_mentor(mentor: User):
    return (sa.select(Mentorship)
            .where(Mentorship.mentor_id == mentor.id, Mentorship.status.in_(OPEN)))


def _accepted_count(mentor_id: int) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Mentorship)
        .where(Mentorship.mentor_id == mentor_id, Mentorship.status == MentorshipStatus.ACCEPTED)
    ) or 0


def too_few_places(mentor: User, capacity: int) -> str | None:
    """Why ``capacity`` is too small for this mentor (None when it is fine): a mentor never
    offers fewer places than the mentees they have taken on."""
    taken = _accepted_count(mentor.id)
    if capacity >= taken:
        return None
    return (f"You have {taken} mentee{'s' if taken != 1 else ''} at the moment, so the number "
            f"can't go below {taken}. When a mentoring ends, the place frees up.")


def waiting_count(mentor: User) -> int:
    """How many offers and requests wait for this mentor's answer."""
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(_open_for_mentor(mentor).subquery())
    ) or 0


class MenteeRow(NamedTuple):
    """An offer, request or mentee on a mentor's page, as plain values."""

    id: int
    status: MentorshipStatus
    created_at: datetime
    responded_at: datetime | None
    request_note: str | None
    reason: str | None
    mentee_id: int
    mentee_name: str


@dataclass(frozen=True)
class OpenItem:
    mentorship: MenteeRow
    card: profiles.ProfileCard
    reason: str  # the engine's reason, as the mentor may read it


@dataclass(frozen=True)
class MentorPage:
    waiting: list[OpenItem]
    accepted: list[MenteeRow]
    capacity: int
    paused: bool

    @property
    def free_places(self) -> int:
        return max(0, self.capacity - len(self.accepted))


def mentor_page(mentor: User) -> MentorPage:
    """Everything on a mentor's "My mentees" page in one statement: the mentor's places,
    their open offers and requests and their mentees (each with the mentee's name), and for
    those waiting whether the mentor shares a network where they are listed, their profile's
    columns and the topics they'd like help with, for their cards (the same cards as
    ``profiles.profile_cards`` with ``leave_out={"offer"}``)."""
    # Plain columns: run on the connection, without the ORM's work for the statement.
    rows = reads.rows(_mentor_page_statement(mentor.is_verified), {"mentor": mentor.id})
    both = [MenteeRow(*row[2:10]) for row in rows if row.id is not None]
    waiting = sorted((m for m in both if m.status in OPEN),
                     key=lambda m: (m.created_at, m.id))
    # As the database orders them: a mentorship not yet answered (no date) comes last.
    accepted = sorted((m for m in both if m.status == MentorshipStatus.ACCEPTED),
                      key=lambda m: (m.responded_at is None, m.responded_at or 0, m.id))
    cards = _mentee_cards(mentor, [row for row in rows
                                   if row.id is not None and row.status in OPEN])
    items = [OpenItem(m, cards[m.mentee_id], reason_for_mentor(m.reason, cards[m.mentee_id].shown))
             for m in waiting]
    capacity, paused = rows[0][:2]
    return MentorPage(items, accepted, 0 if capacity is None else capacity, bool(paused))


_CARD_LEAVES_OUT = frozenset({"offer"})


def _no_offers() -> list[str]:
    return []  # never asked: the card leaves the offer out


def _mentee_cards(mentor: User, rows) -> dict[int, profiles.ProfileCard]:
    """{mentee id: their card as the mentor may see it} for the rows of those waiting."""
    need_ids = {row.mentee_id: [int(i) for i in row.needs.split(",")] if row.needs else []
                for row in rows}
    asked = {topic_id for ids in need_ids.values() for topic_id in ids}
    names = reference.topic_names(asked) if asked else {}
    order = {topic_id: i for i, topic_id in enumerate(names)}
    cards = {}
    for row in rows:
        uid = row.mentee_id
        if row.has_profile is None:
            cards[uid] = profiles.ProfileCard([], frozenset())
            continue
        shown = profiles.shown_from(mentor, uid, row.visibility or {}, bool(row.shares),
                                    _CARD_LEAVES_OUT)
        org = None if row.organisation_name is None else (
            row.organisation_name, row.service_type)
        # In the site's order; a topic this process has not heard of yet shows next time.
        needs = [names[t] for t in sorted(need_ids[uid], key=lambda t: order.get(t, len(order)))
                 if t in names]
        cards[uid] = profiles.ProfileCard(
            profiles._rows_of(row, org, shown, lambda n=needs: n, _no_offers), shown)
    return cards


@cache
def _mentor_page_statement(mentor_is_verified: bool) -> sa.Select:
    """The statement behind ``mentor_page``, built once per process for a confirmed mentor or
    not (parameter ``mentor``): one row with the mentor's places alone when nobody waits or
    is taken on."""
    mentor = sa.bindparam("mentor", type_=sa.Integer)
    mine = aliased(Profile)
    one = sa.select(sa.literal_column("1").label("one")).subquery("one")
    # The mentee's profile is joined for the rule of a local network's council area and
    # their card.
    mentees = (sa.join(Mentorship, User, User.id == Mentorship.mentee_id)
               .outerjoin(Profile, Profile.user_id == Mentorship.mentee_id)
               .outerjoin(Organisation, Organisation.id == Profile.organisation_id))
    is_open = Mentorship.status.in_(OPEN)
    shares = sa.case((is_open, networks.shares_network_sql(mentor, mentor_is_verified, User.id)),
                     else_=sa.false())
    needs = sa.case((is_open, sa.select(sa.func.aggregate_strings(
        sa.cast(member_needs.c.topic_id, sa.String), ","))
        .where(member_needs.c.user_id == Mentorship.mentee_id).scalar_subquery()))
    return (sa.select(mine.mentor_capacity.label("places"),
                      mine.mentoring_paused.label("paused"), Mentorship.id,
                      Mentorship.status, Mentorship.created_at, Mentorship.responded_at,
                      Mentorship.request_note, Mentorship.reason, Mentorship.mentee_id,
                      User.display_name, shares.label("shares"),
                      Profile.user_id.label("has_profile"), Profile.visibility,
                      Profile.job_title, Profile.local_authority_id, Profile.level,
                      Profile.years_as_manager, Profile.meets_online,
                      Profile.mentor_capacity, Profile.mentor_availability, Profile.mentor_note,
                      Organisation.name.label("organisation_name"),
                      Organisation.service_type, needs.label("needs"))
            .select_from(one.outerjoin(mine, mine.user_id == mentor).outerjoin(
                mentees, sa.and_(Mentorship.mentor_id == mentor, Mentorship.status.in_(
                    (*OPEN, MentorshipStatus.ACCEPTED)))))
            .order_by(Mentorship.id))


@dataclass(frozen=True)
class WaitingItem:
    """An offer or request waiting for this mentor, as the page to decline it shows it."""

    id: int
    mentee_name: str
    reason: str  # the engine's reason, as the mentor may read it


def open_item(mentor: User, mentorship_id: int) -> WaitingItem:
    """One offer or request waiting for this mentor; NotYours for anything else. One
    statement: the mentorship, the mentee's name, their choices of who sees what and whether
    the mentor shares a network where they are listed (all the reason's words need)."""
    row = db.session.execute(_open_item_statement(mentor.is_verified),
                             {"mentor": mentor.id, "mentorship": mentorship_id}).first()
    if row is None:
        raise NotYours(mentorship_id)
    shown = profiles.shown_from(mentor, row.mentee_id,
                                None if row.has_profile is None else (row.visibility or {}),
                                bool(row.shares), leave_out=frozenset({"offer"}))
    return WaitingItem(row.id, row.display_name, reason_for_mentor(row.reason, shown))


@cache
def _open_item_statement(mentor_is_verified: bool) -> sa.Select:
    """The statement behind ``open_item``, built once per process for a confirmed mentor or
    not (parameters ``mentor`` and ``mentorship``)."""
    mentor = sa.bindparam("mentor", type_=sa.Integer)
    return (sa.select(Mentorship.id, Mentorship.mentee_id, Mentorship.reason,
                      User.display_name, Profile.user_id.label("has_profile"),
                      Profile.visibility,
                      networks.shares_network_sql(mentor, mentor_is_verified, User.id)
                      .label("shares"))
            .join(User, User.id == Mentorship.mentee_id)
            .outerjoin(Profile, Profile.user_id == Mentorship.mentee_id)
            .where(Mentorship.mentor_id == mentor, Mentorship.status.in_(OPEN),
                   Mentorship.id == sa.bindparam("mentorship", type_=sa.Integer)))


# The engine writes its reasons to the mentee ("your needs"), and they speak of both people:
# the mentee's needs and weak elements, the mentor's offers and strong ones, both levels,
# services and areas. Each reader gets them with the parts the other person keeps from them
# taken out: a reason must not tell anyone what the other's profile page would not (the
# self-assessment is private by default).
_CLAUSE_FIELD = (
    ("your self-assessment rates low", "lqf"),
    ("senior leader than you", "level"),
    ("leader at your level", "level"),
    ("same type of service", "organisation"),
    ("in your local authority", "area"),
)
_FOR_MENTOR = (
    ("Does not offer help with your", "You don't offer help with their"),
    ("Offers help with your", "You offer help with their"),
    ("Offers help with both of your", "You offer help with both of their"),
    ("of your needs", "of their needs"),
    ("Offers help with", "You offer help with"),
    ("which your self-assessment rates low", "which their self-assessment rates low"),
    ("a more senior leader than you", "you're a more senior leader than them"),
    ("a leader at your level", "you're a leader at their level"),
    ("works in the same type of service", "you work in the same type of service"),
    ("in your local authority", "in their local authority"),
    ("strong in", "you're strong in"),
)
PRIVATE_REASON = "The match draws on parts of their profile they keep to themselves."


def _visible_reason(reason: str, shown, needs_field: str) -> str:
    """The reason's sentences and clauses whose fields are all in ``shown``."""
    kept = []
    for sentence in (s.strip() for s in re.split(r"(?<=\.)\s+", reason)):
        if not sentence:
            continue
        if "help with" in sentence:
            if needs_field in shown:
                kept.append(sentence)
            continue
        if sentence.startswith("Allowed by every rule"):
            kept.append(sentence)
            continue
        clauses = [c.strip().rstrip(".") for c in sentence.split(";")]
        clauses = [c[0].lower() + c[1:] for c in clauses if c]
        visible = [c for c in clauses
                   if all(field in shown for phrase, field in _CLAUSE_FIELD if phrase in c)]
        if visible:
            text = "; ".join(visible)
            kept.append(text[0].upper() + text[1:] + ".")
    return " ".join(kept)


def reason_for_mentee(reason: str, mentor_shown) -> str:
    """The engine's reason, less what the mentor's choices hide from the member.

    The needs sentence tells the member what the mentor offers, so it follows "offer".
    """
    return _visible_reason(reason, mentor_shown, "offer") or PRIVATE_REASON if reason else ""


def reason_for_mentor(reason: str, shown) -> str:
    """The engine's reason, less what the mentee's choices hide, spoken to the mentor."""
    text = _visible_reason(reason, shown, "needs") if reason else ""
    if not text:
        return PRIVATE_REASON if reason else ""
    for before, after in _FOR_MENTOR:
        text = text.replace(before, after)
        text = text.replace(before[0].upper() + before[1:], after[0].upper() + after[1:])
    return re.sub(r"(^|\. )([a-z])", lambda m: m.group(1) + m.group(2).upper(), text)


def reason_for_coordinator(reason: str, mentee_shown, mentor_shown) -> str:
    """The engine's reason as a coordinator may read it: each part only when both people let
    coordinators see what it rests on (a clause speaks of both: "strong in Planning, which
    your self-assessment rates low" tells the mentor's and the mentee's scores)."""
    if not reason:
        return ""
    shown = set(mentee_shown) & set(mentor_shown)
    if "needs" in mentee_shown and "offer" in mentor_shown:
        shown.add("needs")
    text = _visible_reason(reason, shown, "needs")
    if not text:
        return PRIVATE_REASON_PAIR
    for before, after in _FOR_COORDINATOR:
        text = text.replace(before, after)
    return text


PRIVATE_REASON_PAIR = "The match draws on parts of their profiles they keep to themselves."
# The engine speaks to the mentee; a coordinator reads about them.
_FOR_COORDINATOR = (
    ("help with your", "help with the mentee's"),
    ("of your needs", "of the mentee's needs"),
    ("which your self-assessment", "which the mentee's self-assessment"),
    ("senior leader than you", "senior leader than the mentee"),
    ("leader at your level", "leader at the mentee's level"),
    ("in your local authority", "in the mentee's local authority"),
)


# ------------------------------------------------------------------ locks


def _lock_profiles(*user_ids: int) -> dict[int, Profile]:
    """Lock these people's profile rows until the commit, always in the same order.

    PostgreSQL makes a second transaction wait here until the first commits, so the counts
    read afterwards are current. (SQLite runs one writer at a time anyway.)
    """
    found = db.session.scalars(
        sa.select(Profile).where(Profile.user_id.in_(sorted(set(user_ids))))
        .order_by(Profile.user_id).with_for_update()
        .execution_options(populate_existing=True)
    ).all()
    return {p.user_id: p for p in found}


def _locked_open(mentorship_id: int, **where) -> Mentorship:
    query = sa.select(Mentorship).where(Mentorship.id == mentorship_id).filter_by(**where)
    mentorship = db.session.scalar(query.with_for_update()
                                   .execution_options(populate_existing=True))
    if mentorship is None:
        raise NotYours(mentorship_id)
    return mentorship


def _page(endpoint: str) -> str:
    return url_for(endpoint)


# ------------------------------------------------------------------ mentors answer


def accept(mentor: User, mentorship_id: int) -> Mentorship:
    """Take on this mentee, if a place is free; their other offers and requests are withdrawn."""
    peek = db.session.scalar(sa.select(Mentorship.mentee_id).where(
        Mentorship.id == mentorship_id, Mentorship.mentor_id == mentor.id))
    if peek is None:
        raise NotYours(mentorship_id)
    locked = _lock_profiles(mentor.id, peek)
    mentorship = _locked_open(mentorship_id, mentor_id=mentor.id)
    if not mentorship.status.is_open:
        db.session.rollback()
        raise MentoringError(_already_answered(mentorship))
    profile = locked.get(mentor.id)
    capacity = profile.mentor_capacity if profile else 0
    if _accepted_count(mentor.id) >= capacity:
        db.session.rollback()
        raise MentoringError(
            "You have no free place just now. Raise your number of mentees, or decline.")
    has_mentor = db.session.scalar(sa.select(sa.exists().where(
        Mentorship.mentee_id == mentorship.mentee_id,
        Mentorship.status == MentorshipStatus.ACCEPTED)))
    if has_mentor:
        db.session.rollback()
        raise MentoringError(f"{mentorship.mentee.display_name} has found a mentor already.")
    now = utcnow()
    mentorship.status = MentorshipStatus.ACCEPTED
    mentorship.responded_at = now
    mentee = mentorship.mentee
    if peek in locked:
        locked[peek].wants_mentor = False
    others = db.session.scalars(
        sa.select(Mentorship).options(selectinload(Mentorship.mentor))
        .where(Mentorship.mentee_id == mentee.id, Mentorship.status.in_(OPEN),
               Mentorship.id != mentorship.id)
    ).all()
    audit.record(mentor, "mentoring.accepted", mentorship)
    for other in others:
        what = "request" if other.status is MentorshipStatus.REQUESTED else "offer"
        other.status = MentorshipStatus.WITHDRAWN
        other.closed_at = now
        notify(other.mentor, "withdrawn",
               f"{mentee.display_name} has found a mentor, so the {what} to you is "
               "withdrawn. Thank you for being there.", _page("mentoring.mentees"))
    notify(mentee, "accepted", f"{mentor.display_name} will be your mentor. Time to say hello!",
           url_for("mentoring.relationship", mentorship_id=mentorship.id))
    db.session.commit()
    return mentorship


def _already_answered(mentorship: Mentorship) -> str:
    if mentorship.status is MentorshipStatus.WITHDRAWN:
        return "This is no longer open: the member has found a mentor or withdrew it."
    return "You have answered this one already."


@dataclass(frozen=True)
class Declined:
    mentorship: Mentorship
    next_offer: Mentorship | None


def decline(mentor: User, mentorship_id: int, reason: str = "") -> Declined:
    """Say no, with an optional reason; the mentee is offered the next best mentor, if any."""
    peek = db.session.scalar(sa.select(Mentorship.mentee_id).where(
        Mentorship.id == mentorship_id, Mentorship.mentor_id == mentor.id))
    if peek is None:
        raise NotYours(mentorship_id)
    # The mentee's profile first, as accept does: two declines for one mentee at once then
    # take turns, so the second sees the first and the mentee is offered one next mentor.
    _lock_profiles(peek)
    mentorship = _locked_open(mentorship_id, mentor_id=mentor.id)
    if not mentorship.status.is_open:
        db.session.rollback()
        raise MentoringError(_already_answered(mentorship))
    mentorship.status = MentorshipStatus.DECLINED
    mentorship.decline_reason = reason.strip()[:300]
    mentorship.responded_at = mentorship.closed_at = utcnow()
    audit.record(mentor, "mentoring.declined", mentorship)
    db.session.flush()
    mentee = mentorship.mentee
    busy = db.session.scalar(sa.select(sa.exists().where(
        Mentorship.mentee_id == mentee.id,
        Mentorship.status.in_((*OPEN, MentorshipStatus.ACCEPTED)))))
    profile = db.session.get(Profile, mentee.id)
    # Someone who said they no longer want a mentor is not offered another.
    wanted = profile is not None and profile.wants_mentor
    offered = _offer_next(mentee, mentorship) if wanted and not busy else None
    if busy:
        text = (f"{mentor.display_name} can't take you on this time. "
                "You still have another request or offer open.")
    elif not wanted:
        text = f"{mentor.display_name} can't take you on this time."
    elif offered is not None:
        text = (f"{mentor.display_name} can't take you on this time. We've offered you "
                "to another mentor and will let you know when they answer.")
    else:
        text = (f"{mentor.display_name} can't take you on this time. There's no other "
                "mentor free just now; you stay on the list and we'll be in touch.")
    notify(mentee, "declined", text, _page("mentoring.suggestions"))
    db.session.commit()
    return Declined(mentorship, offered)


def _offer_next(mentee: User, declined: Mentorship) -> Mentorship | None:
    """Offer the mentee the best mentor still open to them (no commit); None if nobody is."""
    tried = set(db.session.scalars(sa.select(Mentorship.mentor_id).where(
        Mentorship.mentee_id == mentee.id,
        Mentorship.status.in_((MentorshipStatus.DECLINED, *OPEN)))))
    if declined.round_id is not None:
        # A pair the coordinator forbade in the round stays forbidden after it.
        tried |= set(db.session.scalars(sa.select(RoundPairRule.mentor_id).where(
            RoundPairRule.round_id == declined.round_id, RoundPairRule.mentee_id == mentee.id,
            RoundPairRule.kind == PairRuleKind.FORBID)))
    candidates = bridge.open_mentors_for(mentee.id, exclude=tried)
    if candidates.mentee is None or not candidates.mentors:
        return None
    ranked = suggest_mentors(candidates.mentee, candidates.mentors, k=NEXT_MENTOR_TRIES)
    best = _first_with_room(ranked)
    if best is None:
        return None
    mentor = db.session.get(User, bridge.user_id(best.mentor_id))
    offer = Mentorship(mentee_id=mentee.id, mentor_id=mentor.id,
                       status=MentorshipStatus.OFFERED, round_id=declined.round_id,
                       score=best.score, reason=best.explanation)
    db.session.add(offer)
    db.session.flush()
    notify(mentor, "offer", f"{mentee.display_name} is offered to you as a mentee. "
           "Have a look and let them know.", _page("mentoring.mentees"))
    return offer


NEXT_MENTOR_TRIES = 5


def _first_with_room(ranked):
    """The best of these suggestions whose mentor still has a free place, under a lock.

    The free places ``open_mentors_for`` read may be gone by now: another decline, a request or
    a publish may have taken the last one. So the mentors' profiles are locked (in id order,
    like every other profile lock) and their places counted again inside the lock: accepted
    mentees plus open offers and requests, as everywhere else.
    """
    ids = [bridge.user_id(s.mentor_id) for s in ranked]
    if not ids:
        return None
    locked = _lock_profiles(*ids)
    loads = bridge.mentor_loads(ids)
    for suggestion, uid in zip(ranked, ids, strict=True):
        profile = locked.get(uid)
        if (profile is not None and not profile.mentoring_paused
                and loads[uid] < profile.mentor_capacity):
            return suggestion
    return None


# ------------------------------------------------------------------ a mentor's settings


def set_paused(mentor: User, paused: bool) -> None:
    """Take a break from new offers and requests (current mentees carry on), or come back."""
    profile = profiles.profile_of(mentor)
    profile.mentoring_paused = paused
    audit.record(mentor, "mentoring.paused" if paused else "mentoring.resumed", profile)
    db.session.commit()


def set_capacity(mentor: User, capacity: int) -> None:
    """How many mentees at most (0-3), never fewer than the mentees already taken on."""
    if capacity not in range(MAX_CAPACITY + 1):
        raise MentoringError(f"Choose a number from 0 to {MAX_CAPACITY}.")
    profile = profiles.profile_of(mentor)
    db.session.commit()
    profile = _lock_profiles(mentor.id)[mentor.id]
    problem = too_few_places(mentor, capacity)
    if problem:
        db.session.rollback()
        raise MentoringError(problem)
    profile.mentor_capacity = capacity
    audit.record(mentor, "mentoring.capacity", profile, capacity=capacity)
    db.session.commit()


# ------------------------------------------------------------------ members


def set_wants_mentor(member: User, wanted: bool) -> None:
    profiles.profile_of(member).wants_mentor = wanted
    db.session.commit()


def has_assessment(member: User) -> bool:
    return bool(db.session.scalar(sa.select(sa.exists().where(
        SelfAssessment.user_id == member.id, SelfAssessment.completed_at.is_not(None)))))


@dataclass(frozen=True)
class Suggestion:
    mentor: User
    score: float
    reason: str  # as the member may read it
    card: profiles.ProfileCard
    explanation: str = ""  # the engine's own words, kept with a request


@dataclass(frozen=True)
class Current:
    """One of the member's open or accepted mentorships as their page shows it (plain
    values, not a loaded record)."""

    id: int
    status: MentorshipStatus
    created_at: datetime
    mentor_id: int
    mentor: Person


@dataclass(frozen=True)
class MemberPage:
    wants_mentor: bool
    mentor: Current | None              # the accepted mentorship, if any
    open_requests: list[Current]        # asked by the member, waiting
    open_offers: list[Current]          # offered by a round or after a decline, waiting
    suggestions: list[Suggestion]
    blocker: str                        # why there are no suggestions, in words; "" if none
    fix: str = ""                       # what to do about it: "assessment", "profile" or ""

    @property
    def at_request_limit(self) -> bool:
        return len(self.open_requests) >= MAX_OPEN_REQUESTS


def _member_mentorships(member: User) -> list[Mentorship]:
    # One statement with each mentor and their roles.
    return list(db.session.scalars(
        sa.select(Mentorship).options(joinedload(Mentorship.mentor).joinedload(User.roles))
        .where(Mentorship.mentee_id == member.id,
               Mentorship.status.in_((*OPEN, MentorshipStatus.ACCEPTED)))
        .order_by(Mentorship.created_at, Mentorship.id)
    ).unique())


def _suggestable(member: User, current: list[Mentorship] | list[Current]):
    """The member as a mentee and the mentors they may ask, or why none can be suggested."""
    dismissed = set(db.session.scalars(
        sa.select(DismissedSuggestion.mentor_id).where(DismissedSuggestion.user_id == member.id)))
    declined = set(db.session.scalars(sa.select(Mentorship.mentor_id).where(
        Mentorship.mentee_id == member.id, Mentorship.status == MentorshipStatus.DECLINED)))
    asked = {m.mentor_id for m in current}
    return bridge.open_mentors_for(member.id, exclude=dismissed | declined | asked)


NO_ASSESSMENT_YET = ("Finish your self-assessment first: it's how we find the mentors "
                     "strongest where you want to grow.")
# What a member can do about each reason the bridge gives for leaving someone out.
PROFILE_FIRST = {
    bridge.NO_ASSESSMENT: NO_ASSESSMENT_YET,
    bridge.NO_COUNCIL: "Add the council area you work in to your profile first.",
    bridge.NO_LEVEL: "Add your level of leadership to your profile first.",
    bridge.NO_SERVICE: "Add the service you manage to your profile first.",
}
FILL_IN_PROFILE = "Fill in your profile first, then we can suggest mentors."


@cache
def _page_statement():
    """Whether the member wants a mentor, beside each of their open and accepted mentorships
    with its mentor (one row with none when there are none): parameter ``member``, built once
    per process."""
    member = sa.bindparam("member")
    wants = sa.select(Profile.wants_mentor).where(Profile.user_id == member).scalar_subquery()
    one = sa.select(sa.literal(1).label("one")).subquery()
    return (sa.select(wants.label("wants"), Mentorship.id, Mentorship.status,
                      Mentorship.created_at, Mentorship.mentor_id, User.display_name)
            .select_from(one)
            .outerjoin(Mentorship, sa.and_(
                Mentorship.mentee_id == member,
                Mentorship.status.in_((*OPEN, MentorshipStatus.ACCEPTED))))
            .outerjoin(User, User.id == Mentorship.mentor_id)
            .order_by(Mentorship.created_at, Mentorship.id))


def member_page(member: User) -> MemberPage:
    """The member's mentoring page: their mentor or open requests, and up to 5 suggestions."""
    rows = reads.rows(_page_statement(), {"member": member.id})
    wants = bool(rows[0].wants)
    current = [Current(m_id, status, at, mentor_id, Person(mentor_id, name))
               for _, m_id, status, at, mentor_id, name in rows if m_id is not None]
    accepted = next((m for m in current if m.status is MentorshipStatus.ACCEPTED), None)
    requests = [m for m in current if m.status is MentorshipStatus.REQUESTED]
    offers = [m for m in current if m.status is MentorshipStatus.OFFERED]
    suggestions: list[Suggestion] = []
    blocker = ""
    if accepted is None and wants:
        if not has_assessment(member):
            blocker = NO_ASSESSMENT_YET
        else:
            pool = _suggestable(member, current)
            if pool.mentee is None:
                blocker = PROFILE_FIRST.get(pool.reason, FILL_IN_PROFILE)
            else:
                found = suggest_mentors(pool.mentee, pool.mentors, k=SUGGESTIONS)
                ids = [bridge.user_id(s.mentor_id) for s in found]
                people = {u.id: u for u in db.session.scalars(
                    sa.select(User).where(User.id.in_(ids)))} if ids else {}
                cards = profiles.profile_cards(member, ids)
                suggestions = [
                    Suggestion(people[uid], s.score,
                               reason_for_mentee(s.explanation, cards[uid].shown), cards[uid],
                               s.explanation)
                    for uid, s in zip(ids, found, strict=True)]
                if not suggestions:
                    blocker = ("No mentor with a free place suits you just now. We'll keep "
                               "looking, and a coordinator may offer you one.")
    fix = ("assessment" if blocker == NO_ASSESSMENT_YET else
           "profile" if blocker in (*PROFILE_FIRST.values(), FILL_IN_PROFILE) else "")
    return MemberPage(wants, accepted, requests, offers, suggestions, blocker, fix)


def suggestion_for(member: User, mentor_id: int) -> Suggestion:
    """This mentor as a suggestion for this member, if they may ask them; NotYours if not."""
    current = _member_mentorships(member)
    if any(m.status is MentorshipStatus.ACCEPTED or m.mentor_id == mentor_id for m in current):
        raise NotYours(mentor_id)
    pool = _suggestable(member, current)
    mentor = next((m for m in pool.mentors if bridge.user_id(m.id) == mentor_id), None)
    found = suggest_mentors(pool.mentee, [mentor], k=1) if pool.mentee and mentor else ()
    if not found:
        raise NotYours(mentor_id)
    card = profiles.profile_cards(member, [mentor_id])[mentor_id]
    return Suggestion(db.session.get(User, mentor_id), found[0].score,
                      reason_for_mentee(found[0].explanation, card.shown), card,
                      found[0].explanation)


def ask(member: User, mentor_id: int, note: str = "") -> Mentorship:
    """Ask a suggested mentor to mentor you, with a short note (at most 2 open requests)."""
    if not member.is_verified:
        raise MentoringError("Please confirm your email address first.")
    # The mentor's profile too, so their free places are counted again inside the lock.
    _lock_profiles(member.id, mentor_id)
    current = _member_mentorships(member)
    if any(m.status is MentorshipStatus.ACCEPTED for m in current):
        db.session.rollback()
        raise MentoringError("You have a mentor already.")
    if any(m.mentor_id == mentor_id for m in current):
        db.session.rollback()
        raise MentoringError("You have asked this mentor already.")
    if sum(m.status is MentorshipStatus.REQUESTED for m in current) >= MAX_OPEN_REQUESTS:
        db.session.rollback()
        raise MentoringError(
            f"You can have {MAX_OPEN_REQUESTS} requests open at a time. Withdraw one, or wait "
            "for an answer, before asking someone else.")
    try:
        suggestion = suggestion_for(member, mentor_id)
    except NotYours:
        db.session.rollback()
        raise
    request = Mentorship(mentee_id=member.id, mentor_id=mentor_id,
                         status=MentorshipStatus.REQUESTED, score=suggestion.score,
                         reason=suggestion.explanation, request_note=note.strip()[:500])
    db.session.add(request)
    db.session.flush()
    audit.record(member, "mentoring.requested", request)
    notify(suggestion.mentor, "request", f"{member.display_name} asks you to be their mentor.",
           _page("mentoring.mentees"))
    db.session.commit()
    return request


def withdraw(member: User, mentorship_id: int) -> Mentorship:
    """Withdraw one of the member's own open requests; the mentor is told."""
    mentorship = _locked_open(mentorship_id, mentee_id=member.id,
                              status=MentorshipStatus.REQUESTED)
    mentorship.status = MentorshipStatus.WITHDRAWN
    mentorship.closed_at = utcnow()
    audit.record(member, "mentoring.withdrawn", mentorship)
    notify(mentorship.mentor, "withdrawn",
           f"{member.display_name} has withdrawn their request to you.",
           _page("mentoring.mentees"))
    db.session.commit()
    return mentorship


def own_request(member: User, mentorship_id: int) -> Mentorship:
    mentorship = db.session.scalar(sa.select(Mentorship).where(
        Mentorship.id == mentorship_id, Mentorship.mentee_id == member.id,
        Mentorship.status == MentorshipStatus.REQUESTED))
    if mentorship is None:
        raise NotYours(mentorship_id)
    return mentorship


def dismiss(member: User, mentor_id: int) -> None:
    """Never suggest this mentor to this member again."""
    mentor = db.session.get(User, mentor_id)
    if mentor is None or not mentor.has_role(Role.MENTOR):
        raise NotYours(mentor_id)
    if db.session.get(DismissedSuggestion, (member.id, mentor_id)) is None:
        db.session.add(DismissedSuggestion(user_id=member.id, mentor_id=mentor_id))
    db.session.commit()


# ------------------------------------------------------------------ coordinators


def stale_cutoff():
    return utcnow() - timedelta(days=current_app.config["MENTORING_OFFER_DAYS"])


class StaleOffer(NamedTuple):
    """One row of the stale offers page, as plain values."""

    mentor_name: str
    mentor_email: str
    mentee_name: str
    status: MentorshipStatus
    created_at: datetime


@cache
def _stale_offers_statement() -> sa.Select:
    """Built once per process (the cutoff is a parameter), so SQLAlchemy finds it again."""
    mentor, mentee = aliased(User), aliased(User)
    return (sa.select(Mentorship.id, mentor.display_name, mentor.email, mentee.display_name,
                      Mentorship.status, Mentorship.created_at)
            .join(mentor, mentor.id == Mentorship.mentor_id)
            .join(mentee, mentee.id == Mentorship.mentee_id)
            .where(Mentorship.status.in_(OPEN),
                   Mentorship.created_at < sa.bindparam("cutoff", type_=Mentorship.created_at.type))
            .order_by(Mentorship.created_at, Mentorship.id))


def stale_offers(page: int, per_page: int) -> paging.Page:
    """Offers and requests no mentor has answered in time, oldest first, one page of
    ``StaleOffer``, with the number in all, in one statement of plain values (a page past the
    end counts them apart)."""
    found = paging.paginate(_stale_offers_statement(), page, per_page,
                            {"cutoff": stale_cutoff()}, plain=True)
    found.items = [StaleOffer(*extra) for extra in found.extra]
    return found


STALE_FLAGGED = "mentoring.offer_stale"


def flag_stale_offers() -> list[int]:
    """Tell every coordinator, once, about offers and requests that have waited too long.

    Each offer is flagged once (the audit entry is the record); coordinators get one line for
    all the offers newly waiting too long. Notifications are saved without email; returns their
    ids for ``notifications.email_saved`` after the commit. A fixed number of queries.
    """
    stale = list(db.session.scalars(
        sa.select(Mentorship).where(Mentorship.status.in_(OPEN),
                                    Mentorship.created_at < stale_cutoff())
        .order_by(Mentorship.id)))
    flagged = set(db.session.scalars(
        sa.select(AuditEntry.target_id).where(
            AuditEntry.action == STALE_FLAGGED, AuditEntry.target_type == "Mentorship",
            AuditEntry.target_id.in_([str(m.id) for m in stale])))) if stale else set()
    new = [m for m in stale if str(m.id) not in flagged]
    if not new:
        return []
    for mentorship in new:
        audit.record(None, STALE_FLAGGED, mentorship)
    coordinators = db.session.scalars(
        sa.select(User).join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.COORDINATOR, User.is_active_account.is_(True))
        .order_by(User.id)).all()
    days = current_app.config["MENTORING_OFFER_DAYS"]
    text = (f"{len(new)} {'offer has' if len(new) == 1 else 'offers have'} waited more than "
            f"{days} days for a mentor's answer.")
    notes = [notify(person, "stale_offer", text, _page("mentoring.stale_offers"), email=False)
             for person in coordinators]
    db.session.commit()
    return [n.id for n in notes]


def run_stale_offer_flags(site: str) -> int:
    """``flag_stale_offers`` and then its emails, outside any request (the command)."""
    from netapp.services.notifications import email_saved

    with current_app.test_request_context(base_url=site):
        ids = flag_stale_offers()
        email_saved(ids)
    return len(ids)
