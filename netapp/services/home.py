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
    joined = reference.networks(db.session.scalars(
        sa.select(NetworkMembership.network_id).where(NetworkMembership.user_id == user.id)
        .order_by(NetworkMembership.joined_at, NetworkMembership.network_id)))
    has_assessment = db.session.scalar(
        sa.select(sa.exists().where(SelfAssessment.user_id == user.id,
                                    SelfAssessment.completed_at.is_not(None)))
    )
    waiting = waiting_count(user) if user.has_role(Role.MENTOR) else 0
    return HomeSummary(networks=joined, has_assessment=bool(has_assessment),
                       offers_waiting=waiting, mentoring=tuple(mentorships.under_way(user)),
                       sets=tuple(sets.my_sets(user)), events=tuple(events.next_for_member(user)),
                       peers=tuple(peers.suggestions_for(user, peers.HOME_SHOWN)),
                       isolation=isolation.mine(user))
