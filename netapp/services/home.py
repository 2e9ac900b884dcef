"""What a member's home page shows: their networks and the next useful thing to do."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from netapp.extensions import db
from netapp.models import (
    Event,
    LearningSet,
    Mentorship,
    Network,
    NetworkMembership,
    Role,
    SelfAssessment,
    User,
)
from netapp.services import events, isolation, mentorships, peers, reference, sets
from netapp.services.mentoring import OPEN


@dataclass(frozen=True)
class HomeSummary:
    networks: list[Network]
    has_assessment: bool
    offers_waiting: int = 0  # a mentor's offers and requests waiting for an answer
    mentoring: tuple[mentorships.UnderWay, ...] = ()  # mentorships under way, either side
    sets: tuple[LearningSet, ...] = ()  # action learning sets they're in or facilitate
    events: tuple[Event, ...] = ()  # the next network events they're going to or waiting for
    peers: tuple[peers.Suggestion, ...] = ()  # peers worth meeting (the first few)
    isolation: isolation.MyIndex | None = None  # their own isolation index, once computed


def home_summary(user: User) -> HomeSummary:
    """The signed-in member's networks (in the order they joined; the networks themselves
    come from the per-process cache), and the next useful things to do."""
    # One statement: the ids of their networks, a row saying whether they have finished a
    # self-assessment, and for a mentor how many offers and requests wait for their answer
    # (as mentoring.waiting_count counts them).
    no_time = sa.cast(sa.null(), NetworkMembership.joined_at.type)
    parts = [
        sa.select(sa.literal("network"), NetworkMembership.network_id,
                  NetworkMembership.joined_at)
        .where(NetworkMembership.user_id == user.id),
        sa.select(sa.literal("assessed"), sa.cast(sa.null(), sa.Integer), no_time)
        .where(sa.exists().where(SelfAssessment.user_id == user.id,
                                 SelfAssessment.completed_at.is_not(None))),
    ]
    if user.has_role(Role.MENTOR):
        parts.append(sa.select(sa.literal("waiting"), sa.func.count(), no_time)
                     .select_from(Mentorship)
                     .where(Mentorship.mentor_id == user.id, Mentorship.status.in_(OPEN)))
    rows = db.session.execute(sa.union_all(*parts)).all()
    joined = reference.networks(nid for _, nid, _ in sorted(
        (row for row in rows if row[0] == "network"), key=lambda row: (row[2], row[1])))
    has_assessment = any(row[0] == "assessed" for row in rows)
    waiting = sum(count for kind, count, _ in rows if kind == "waiting")
    return HomeSummary(networks=joined, has_assessment=bool(has_assessment),
                       offers_waiting=waiting, mentoring=tuple(mentorships.under_way(user)),
                       sets=tuple(sets.my_sets(user)), events=tuple(events.next_for_member(user)),
                       peers=tuple(peers.suggestions_for(user, peers.HOME_SHOWN, joined)),
                       isolation=isolation.mine(user))
