"""The member directory: find members by name, council, service type, leadership strengths and
whether they can mentor, showing and matching only what each member lets the viewer see.

A filter on a field matches a person only when the viewer may see that field of theirs, so a
search never tells the viewer more than the person's profile would: a member who keeps their
council to "Only me" is never found by searching for that council. Affinity networks neither
show nor filter here.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import aliased, lazyload

from netapp.extensions import db
from netapp.models import (
    AssessmentScore,
    Element,
    Organisation,
    Profile,
    Role,
    SelfAssessment,
    ServiceType,
    User,
)
from netapp.services import lqf, networks, profiles
from netapp.services.audiences import COORDINATORS, EVERYONE, NETWORKS

# A score of this or more in the latest self-assessment counts as a strength.
STRONG = 4

# Fields a directory card shows (the rest are on the profile itself).
CARD_FIELDS = frozenset({"job_title", "organisation", "area", "offer", "lqf"})


@dataclass(frozen=True)
class Search:
    name: str = ""
    council_id: int | None = None
    service_type: ServiceType | None = None
    strength_id: int | None = None  # an LQF element's id
    can_mentor: bool = False

    @property
    def is_empty(self) -> bool:
        return self == Search()


@dataclass(frozen=True)
class Entry:
    user: User
    card: profiles.ProfileCard
    strengths: list[str]  # element names, when the viewer may see the self-assessment


def _audience(key: str):
    """SQL: the audience the member chose for a field (with Profile joined), or the field's
    default. Stored choices are checked when saved (profiles.set_visibility); anything else
    would match no audience here and stay hidden."""
    default = next(f.default for f in profiles.FIELDS if f.key == key)
    return sa.func.coalesce(Profile.visibility[key].as_string(), default)


def _field_seen(viewer: User, key: str):
    """SQL: the viewer may see this field of the member in the row (User, Profile joined).

    Reading a choice out of the JSON column is the costly part on PostgreSQL, so each
    condition reads it as few times as it can.
    """
    audience = _audience(key)
    if viewer.has_role(Role.COORDINATOR, Role.ADMIN):
        seen = audience.in_([EVERYONE, NETWORKS, COORDINATORS])
    else:
        seen = sa.or_(audience == EVERYONE,
                      sa.and_(Profile.user_id.in_(networks.sharing_network_ids(viewer)),
                              audience == NETWORKS))
    # Written on the profile alone, so the database can check it while reading profiles.
    return sa.or_(Profile.user_id == viewer.id, seen)


def _strong_in(element_id: int):
    """SQL: the members whose latest finished self-assessment scores this element STRONG or
    more (one row each: a assessment scores an element once).

    Joined, not tested row by row: the few hundred people strong in one element are found
    first, so the visibility rules are worked out only for them.
    """
    latest, later = aliased(SelfAssessment), aliased(SelfAssessment)
    newer = (
        sa.select(sa.literal(1)).select_from(later)
        .where(later.user_id == latest.user_id, later.framework_id == latest.framework_id,
               later.completed_at.is_not(None),
               sa.or_(later.completed_at > latest.completed_at,
                      sa.and_(later.completed_at == latest.completed_at, later.id > latest.id)))
        .exists()
    )
    return (
        sa.select(latest.user_id).select_from(AssessmentScore)
        .join(latest, latest.id == AssessmentScore.assessment_id)
        .where(latest.completed_at.is_not(None), AssessmentScore.element_id == element_id,
               AssessmentScore.score >= STRONG, ~newer)
        .subquery("strong")
    )


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def query(viewer: User, search: Search) -> sa.Select:
    """Members matching the search, as the viewer may see them, by name."""
    stmt = (
        sa.select(User).options(lazyload(User.roles))
        .join(Profile, Profile.user_id == User.id)
        .where(User.is_active_account.is_(True))
    )
    if search.name:
        stmt = stmt.where(User.display_name.ilike(f"%{_escape_like(search.name)}%",
                                                  escape="\\"))
    if search.council_id is not None:
        stmt = stmt.where(Profile.local_authority_id == search.council_id,
                          _field_seen(viewer, "area"))
    if search.service_type is not None:
        stmt = stmt.where(
            Profile.organisation_id.in_(sa.select(Organisation.id)
                                        .where(Organisation.service_type == search.service_type)),
            _field_seen(viewer, "organisation"))
    if search.strength_id is not None:
        strong = _strong_in(search.strength_id)
        stmt = stmt.join(strong, strong.c.user_id == User.id).where(_field_seen(viewer, "lqf"))
    if search.can_mentor:
        stmt = stmt.where(Profile.mentor_capacity > 0, Profile.mentoring_paused.is_(False),
                          _field_seen(viewer, "offer"))
    return stmt.order_by(User.display_name, User.id)


def search_page(viewer: User, search: Search, page: int, per_page: int):
    """One page of results and, for each, what the viewer may see (a fixed number of queries)."""
    found = db.paginate(query(viewer, search), page=page, per_page=per_page, error_out=False)
    ids = [u.id for u in found.items]
    cards = profiles.profile_cards(viewer, ids, leave_out=frozenset(profiles.FIELD_KEYS)
                                   - CARD_FIELDS)
    lqf_shown = [uid for uid in ids if "lqf" in cards[uid].shown]
    scores = lqf.latest_scores_by_user(lqf_shown) if lqf_shown else {}
    names = element_names() if scores else {}
    entries = [
        Entry(user, cards[user.id],
              [names[code] for code, score in sorted(scores.get(user.id, {}).items())
               if score >= STRONG and code in names])
        for user in found.items
    ]
    return found, entries


def element_names() -> dict[str, str]:
    """{element code: name} for the LQF, in framework order."""
    return dict(db.session.execute(
        sa.select(Element.code, Element.name).order_by(Element.dimension_id, Element.position)
    ).all())


def elements() -> list[Element]:
    return list(db.session.scalars(
        sa.select(Element).order_by(Element.dimension_id, Element.position)
    ))
