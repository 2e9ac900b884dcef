"""What a member's home page shows: their networks and the next useful thing to do."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from netapp.extensions import db
from netapp.models import Network, SelfAssessment, User
from netapp.services import networks


@dataclass(frozen=True)
class HomeSummary:
    networks: list[Network]
    has_assessment: bool


def home_summary(user: User) -> HomeSummary:
    """The signed-in member's networks, and whether they have finished any self-assessment."""
    joined = [m.network for m in networks.memberships(user.id)]
    has_assessment = db.session.scalar(
        sa.select(sa.exists().where(SelfAssessment.user_id == user.id,
                                    SelfAssessment.completed_at.is_not(None)))
    )
    return HomeSummary(networks=joined, has_assessment=bool(has_assessment))
