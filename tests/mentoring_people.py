"""Ready-made mentors and mentees for the mentoring tests, built through the services."""
from __future__ import annotations

from datetime import timedelta

from netapp.extensions import db
from netapp.models import Mentorship, MentorshipStatus, Role, User
from netapp.models.base import utcnow
from netapp.services import profiles
from tests.factories import make_user
from tests.profile_helpers import assess, give_profile, load_reference

WEAK = "Strong in Planning, which your self-assessment rates low; a more senior leader than you."


def mentee(name: str, council: str = "Leeds", *, wants: bool = True, needs=("finance",),
           level: int = 2, assessed: bool = True) -> User:
    """A confirmed member with a full profile and (by default) a finished self-assessment."""
    user = make_user(email=f"{name.lower().replace(' ', '.')}@example.org", name=name)
    give_profile(user, council, level=level, needs=needs)
    if assessed:
        assess(user, lambda i: 1 + i % 2)
    profiles.profile_of(user).wants_mentor = wants
    db.session.commit()
    return user


def mentor(name: str, council: str = "Leeds", *, capacity: int = 1,
           offers=("finance", "leadership"), level: int = 4) -> User:
    """A confirmed mentor with free places, strong everywhere."""
    user = make_user(email=f"{name.lower().replace(' ', '.')}@example.org", name=name,
                     roles=[Role.MENTOR])
    give_profile(user, council, level=level, capacity=capacity, needs=(), offers=offers)
    assess(user, lambda i: 4)
    return user


def offer(mentee_user: User, mentor_user: User, *, status=MentorshipStatus.OFFERED,
          reason: str = WEAK, days_ago: int = 0, note: str = "") -> Mentorship:
    row = Mentorship(mentee_id=mentee_user.id, mentor_id=mentor_user.id, status=status,
                     score=70.0, reason=reason, request_note=note,
                     created_at=utcnow() - timedelta(days=days_ago))
    db.session.add(row)
    db.session.commit()
    return row


__all__ = ["WEAK", "load_reference", "mentee", "mentor", "offer"]
