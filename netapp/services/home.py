"""What a member's home page shows: their networks and the next useful thing to do."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from netapp.extensions import db
from netapp.models import (
    Event,
    LearningSet,
    Network,
    NetworkMembership,
    Role,
    SelfAssessment,
    User,
)
from netapp.services import events, isolation, mentorships, peers, reference, sets
from netapp.services.mentoring import waiting_count


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
    # One statement: the ids of their networks, and a row saying whether they have finished
    # a self-assessment.
    rows = db.session.execute(sa.union_all(
        sa.select(sa.literal("network"), NetworkMembership.network_id,
                  NetworkMembership.joined_at)
        .where(NetworkMembership.user_id == user.id),
        sa.select(sa.literal("assessed"), sa.cast(sa.null(), sa.Integer),
                  sa.cast(sa.null(), NetworkMembership.joined_at.type))
        .where(sa.exists().where(SelfAssessment.user_id == user.id,
                                 SelfAssessment.completed_at.is_not(None))),
    )).all()
    joined = reference.networks(nid for _, nid, _ in sorted(
        (row for row in rows if row[0] == "network"), key=lambda row: (row[2], row[1])))
    has_assessment = any(row[0] == "assessed" for row in rows)
    waiting = waiting_count(user) if user.has_role(Role.MENTOR) else 0
    return HomeSummary(networks=joined, has_assessment=bool(has_assessment),
                       offers_waiting=waiting, mentoring=tuple(mentorships.under_way(user)),
                       sets=tuple(sets.my_sets(user)), events=tuple(events.next_for_member(user)),
                       peers=tuple(peers.suggestions_for(user, peers.HOME_SHOWN, joined)),
                       isolation=isolation.mine(user))
