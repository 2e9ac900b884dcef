"""What a member's home page shows: their networks and the next useful thing to do."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from functools import cache, lru_cache

import sqlalchemy as sa

from netapp import reads
from netapp.extensions import db
from netapp.models import (
    Event,
    EventRsvp,
    IsolationScore,
    LearningSet,
    Mentorship,
    MentorshipStatus,
    Network,
    NetworkKind,
    NetworkMembership,
    Role,
    SelfAssessment,
    SetMembership,
    SetStatus,
    User,
)
from netapp.models.base import utcnow
from netapp.services import isolation, mentorships, peers, reference
from netapp.services.driver_text import driver_text
from netapp.services.mentoring import OPEN

NEXT_EVENTS = 3  # the next events the member is going to, on the home page


@dataclass(frozen=True)
class HomeSet:
    """An action learning set the member is in or facilitates."""

    id: int
    name: str
    facilitator_id: int | None


@dataclass(frozen=True)
class HomeEvent:
    """An event the member is going to (or waiting for)."""

    id: int
    title: str
    starts_at: datetime


@dataclass(frozen=True)
class HomeSummary:
    networks: list[Network]
    has_assessment: bool
    offers_waiting: int = 0  # a mentor's offers and requests waiting for an answer
    mentoring: tuple[mentorships.UnderWay, ...] = ()  # mentorships under way, either side
    sets: tuple[HomeSet, ...] = ()  # action learning sets they're in or facilitate
    events: tuple[HomeEvent, ...] = ()  # the next network events they're going to or waiting for
    peers: tuple[peers.Suggestion, ...] = ()  # peers worth meeting (the first few)
    isolation: isolation.MyIndex | None = None  # their own isolation index, once computed


# Every row of the home page's one statement has these columns; each part fills the ones it
# needs and leaves the rest NULL.
_INT, _TEXT, _TIME = sa.Integer, sa.String, NetworkMembership.joined_at.type


def _row(kind: str, a=None, b=None, pos=None, text=None, at=None, value=None,
         extra=None) -> list:
    def typed(column, type_):
        # Only the NULLs are cast (a column keeps its own type: SQLite would turn a time cast
        # to TIMESTAMP into a number).
        return sa.cast(sa.null(), type_) if column is None else column

    return [sa.literal(kind), typed(a, _INT), typed(b, _INT), typed(pos, _INT),
            typed(text, _TEXT), typed(at, _TIME), typed(value, sa.Numeric),
            typed(extra, _TEXT)]


@cache
def _statement(dialect: str):
    """The home page's one statement, built once per process for the database's ``dialect``:
    parameters ``me``, ``now``, ``verified`` (whether their email is confirmed) and ``peers``
    (the peers this process expects to suggest them, maybe none).

    One text for every member, mentor or not, confirmed or not, with peers expected or not:
    PostgreSQL plans a statement afresh on each of a connection's first ten or so runs (about
    4 ms each for this one) before it keeps one plan, and each variant paid that again (a
    mentor's first home pages cost twice a member's)."""
    me = sa.bindparam("me")
    parts = [
        # Their networks, in the order they joined.
        sa.select(*_row("network", a=NetworkMembership.network_id,
                        at=NetworkMembership.joined_at))
        .where(NetworkMembership.user_id == me),
        # Whether they have finished a self-assessment.
        sa.select(*_row("assessed")).where(sa.exists().where(
            SelfAssessment.user_id == me, SelfAssessment.completed_at.is_not(None))),
    ]
    # How many offers and requests wait for their answer (as mentoring.waiting_count; shown
    # to mentors only).
    parts.append(sa.select(*_row("waiting", a=sa.func.count()))
                 .select_from(Mentorship)
                 .where(Mentorship.mentor_id == me, Mentorship.status.in_(OPEN)))
    # Mentorships under way, either side, oldest first, with the other person's name.
    other = sa.case((Mentorship.mentor_id == me, Mentorship.mentee_id),
                    else_=Mentorship.mentor_id)
    parts.append(
        sa.select(*_row("mentoring", a=Mentorship.id,
                        b=sa.case((Mentorship.mentor_id == me, 1), else_=0),
                        pos=sa.func.row_number().over(
                            order_by=(Mentorship.responded_at, Mentorship.id)),
                        text=User.display_name))
        .join(User, User.id == other)
        .where(Mentorship.status == MentorshipStatus.ACCEPTED,
               sa.or_(Mentorship.mentor_id == me, Mentorship.mentee_id == me)))
    # Active sets they are in or facilitate, by name.
    member_of = sa.select(SetMembership.set_id).where(SetMembership.user_id == me,
                                                      SetMembership.left_at.is_(None))
    parts.append(
        sa.select(*_row("set", a=LearningSet.id, b=LearningSet.facilitator_id,
                        pos=sa.func.row_number().over(
                            order_by=(LearningSet.name, LearningSet.id)),
                        text=LearningSet.name))
        .where(LearningSet.status == SetStatus.ACTIVE,
               sa.or_(LearningSet.id.in_(member_of), LearningSet.facilitator_id == me)))
    # The next events they are going to or waiting for, soonest first, in networks they may
    # see (an affinity network's only while they are in it, with their email confirmed).
    affinity = (sa.select(NetworkMembership.network_id)
                .join(Network, Network.id == NetworkMembership.network_id)
                .where(NetworkMembership.user_id == me, Network.kind == NetworkKind.AFFINITY))
    visible = sa.or_(Network.kind != NetworkKind.AFFINITY,
                     sa.and_(sa.bindparam("verified", type_=sa.Boolean),
                             Event.network_id.in_(affinity)))
    events = (
        sa.select(Event.id, Event.title, Event.starts_at,
                  sa.func.row_number().over(order_by=(Event.starts_at, Event.id)).label("pos"))
        .join(EventRsvp, EventRsvp.event_id == Event.id)
        .join(Network, Network.id == Event.network_id)
        .where(EventRsvp.user_id == me, Event.ends_at > sa.bindparam("now", type_=_TIME),
               Event.cancelled_at.is_(None), visible)
    ).subquery()
    parts.append(sa.select(*_row("event", a=events.c.id, pos=events.c.pos,
                                 text=events.c.title, at=events.c.starts_at))
                 .where(events.c.pos <= NEXT_EVENTS))
    # Their own isolation index, once computed (its parts as JSON text).
    parts.append(sa.select(*_row("isolation", a=IsolationScore.score,
                                 text=sa.cast(IsolationScore.parts, sa.Text),
                                 at=IsolationScore.computed_at))
                 .where(IsolationScore.user_id == me))
    # What the peer suggestions need of them: their scores, needs and who is left out.
    mine = peers.me_statement().subquery()
    kind, ref, code, value = mine.c
    parts.append(sa.select(*_row("peers", a=ref, text=code, value=value, extra=kind))
                 .select_from(mine))
    # The peers this process expects to suggest, checked live: still listed for them in a
    # shared network, with their names and choices (JSON text).
    seen = peers.visible_statement(dialect).subquery()
    uid, name, choices = seen.c
    parts.append(sa.select(*_row("seen", a=uid, text=name,
                                 extra=sa.cast(choices, sa.Text))).select_from(seen))
    return sa.union_all(*parts)


# What the driver's text (``_driver_sql``) has in place of the statement's parameters, typed as
# SQLAlchemy types them.
_PLACEHOLDERS = {"me": "%(me)s::INTEGER", "now": "%(now)s::TIMESTAMP WITHOUT TIME ZONE",
                 "verified": "%(verified)s::BOOLEAN", "peers": "%(peers)s::INTEGER[]"}


@lru_cache(maxsize=32)  # one database per process, but each test builds its own
def _driver_sql(dialect: sa.Dialect) -> str:
    """PostgreSQL: ``_statement`` as the driver's text, written out once per process with
    every fixed value in it (the kinds of rows, states, the framework's code), so that a run
    passes only its parameters and skips SQLAlchemy's compiled-statement work (looking up the
    statement, then 30-odd values to build and convert on every run)."""
    return driver_text(_statement(dialect.name), dialect, _PLACEHOLDERS)


def home_summary(user: User) -> HomeSummary:
    """The signed-in member's networks (in the order they joined; the networks themselves
    come from the per-process cache), and the next useful things to do: one statement, and
    a second for the live check of who may be suggested as a peer when they are not the
    ones this process last suggested."""
    expected = peers.expected(user)
    dialect = db.engine.dialect
    values = {"me": user.id, "now": utcnow(), "verified": bool(user.is_verified),
              "peers": list(expected)}
    if dialect.name == "postgresql":
        rows = reads.driver_rows(_driver_sql(dialect), values)
    else:
        rows = db.session.connection().execute(_statement(dialect.name), values).all()
    by_kind: dict[str, list] = {}
    for row in rows:
        by_kind.setdefault(row[0], []).append(row)
    ids = [row[1] for row in sorted(by_kind.get("network", ()), key=lambda row: (row[5], row[1]))]
    known = reference.shared("networks")
    # The process's own copies, read only (nothing merged into the request), unless one is
    # missing: then as the request's copies, loading the networks again if need be.
    joined = ([known[i] for i in ids] if all(i in known for i in ids)
              else reference.networks(ids))

    def ordered(kind):
        return sorted(by_kind.get(kind, ()), key=lambda row: row[3])

    mine = None
    for _, score, _, _, parts, at, _, _ in by_kind.get("isolation", ()):
        points = json.loads(parts) if parts else {}
        mine = isolation.MyIndex(score, tuple(
            (isolation.PART_WORDS[p], int(points.get(p, 0)), isolation.PART_MAX[p])
            for p in isolation.PARTS), at)
    return HomeSummary(
        networks=joined, has_assessment="assessed" in by_kind,
        offers_waiting=(sum(row[1] for row in by_kind.get("waiting", ()))
                        if user.has_role(Role.MENTOR) else 0),
        mentoring=tuple(mentorships.UnderWay(row[1], row[4], bool(row[2]))
                        for row in ordered("mentoring")),
        sets=tuple(HomeSet(row[1], row[4], row[2]) for row in ordered("set")),
        events=tuple(HomeEvent(row[1], row[4], row[5]) for row in ordered("event")),
        peers=tuple(peers.suggestions_for(
            user, peers.HOME_SHOWN, joined,
            me_rows=[(row[7], row[1], row[4], row[6]) for row in by_kind.get("peers", ())],
            seen=(expected, {row[1]: (row[4], json.loads(row[7]) if row[7] else {})
                             for row in by_kind.get("seen", ())}) if expected else None)),
        isolation=mine)
