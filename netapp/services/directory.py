"""The member directory: find members by name, council, service type, leadership strengths and
whether they can mentor, showing and matching only what each member lets the viewer see.

A filter on a field matches a person only when the viewer may see that field of theirs, so a
search never tells the viewer more than the person's profile would: a member who keeps their
council to "Only me" is never found by searching for that council. Affinity networks neither
show nor filter here.
"""
from __future__ import annotations

import functools
import math
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import aliased, lazyload

from netapp.extensions import db
from netapp.models import (
    AssessmentScore,
    Element,
    Framework,
    Organisation,
    Profile,
    Role,
    SelfAssessment,
    ServiceType,
    User,
)
from netapp.services import lqf, networks, paging, profiles
from netapp.services.audiences import COORDINATORS, EVERYONE, NETWORKS

# A score of this or more in the latest self-assessment counts as a strength.
STRONG = 4

# A search counts its matches up to this many; past it, the page says "more than" and offers
# the first ones by name. Counting every match of a short name ("an" finds a quarter of the
# members) would read the whole list of names for each search.
MOST_COUNTED = 500

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
    user: sa.Row  # the person's id and display_name
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
                      sa.and_(audience == NETWORKS, networks.in_sharing_network(viewer)))
    # Written on the profile alone, so the database can check it while reading profiles.
    return sa.or_(Profile.user_id == viewer.id, seen)


def _strong_in(element_id: int):
    """SQL: the members whose latest finished self-assessment scores this element STRONG or
    more (one row each: a assessment scores an element once).

    Used as ``User.id IN (...)``, which PostgreSQL answers per candidate through the indexes on
    self-assessments' member and assessment_scores' key. (A MATERIALIZED CTE, tried to have
    the few hundred strong people found first, was rescanned once per candidate: the planner
    believes the visibility conditions keep almost no profile.)
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
        # lower() LIKE rather than ILIKE: the same matches, and PostgreSQL checks it on the
        # names in ix_users_open_by_name without reading the users themselves.
        stmt = stmt.where(sa.func.lower(User.display_name).like(
            f"%{_escape_like(search.name.lower())}%", escape="\\"))
    if search.council_id is not None:
        stmt = stmt.where(Profile.local_authority_id == search.council_id,
                          _field_seen(viewer, "area"))
    if search.service_type is not None:
        stmt = stmt.where(
            Profile.organisation_id.in_(sa.select(Organisation.id)
                                        .where(Organisation.service_type == search.service_type)),
            _field_seen(viewer, "organisation"))
    if search.strength_id is not None:
        stmt = stmt.where(User.id.in_(sa.select(_strong_in(search.strength_id).c.user_id)),
                          _field_seen(viewer, "lqf"))
    if search.can_mentor:
        stmt = stmt.where(Profile.mentor_capacity > 0, Profile.mentoring_paused.is_(False),
                          _field_seen(viewer, "offer"))
    return stmt.order_by(User.display_name, User.id)


def search_page(viewer: User, search: Search, page: int, per_page: int):
    """One page of results and, for each, what the viewer may see (the same number of queries
    whatever the results)."""
    only_names = (search.council_id is None and search.service_type is None
                  and search.strength_id is None and not search.can_mentor)
    # A name alone (or nothing) asks nothing of the viewer: its statement is kept per search.
    found = _page_of(lambda: query(viewer, search), page, per_page, count_apart=only_names,
                     key=(search, max(page, 1), per_page) if only_names else None)
    ids = [u.id for u in found.items]
    cards = profiles.profile_cards(viewer, ids, leave_out=frozenset(profiles.FIELD_KEYS)
                                   - CARD_FIELDS)
    strengths = strengths_by_user([uid for uid in ids if "lqf" in cards[uid].shown])
    entries = [Entry(user, cards[user.id], strengths.get(user.id, [])) for user in found.items]
    return found, entries


@dataclass
class Found(paging.Page):
    """A page of the directory's results. ``total`` is the number of matches, counted up to one
    more than ``MOST_COUNTED``; past that the page says "more than" and pages through the
    first ``MOST_COUNTED`` by name."""

    @property
    def more(self) -> bool:
        return self.total > MOST_COUNTED

    @property
    def pages(self) -> int:
        if not self.total:
            return 0
        return max(1, math.ceil(min(self.total, MOST_COUNTED) / self.per_page))


# Page statements of searches that ask nothing of the viewer (a name, or nothing), by search,
# page and page size: building one and working out its key for SQLAlchemy's cache cost about
# as much as PostgreSQL's answer. They hold SQL and the values searched for, never rows.
_STATEMENTS: OrderedDict = OrderedDict()
MOST_KEPT = 256


def _page_select(stmt: sa.Select, page: int, per_page: int, count_apart: bool) -> sa.Select:
    ids = stmt.with_only_columns(User.id.label("id"), maintain_column_froms=True)
    if count_apart:
        total = (sa.select(sa.func.count())
                 .select_from(ids.order_by(None).limit(MOST_COUNTED + 1).subquery())
                 .scalar_subquery())
    else:
        total = sa.func.count().over()
    ranked = (ids.add_columns(total.label("total"))
              .limit(per_page).offset((page - 1) * per_page).subquery())
    # Only what a card shows of the person (their id and name), not whole accounts.
    return (sa.select(User.id, User.display_name, ranked.c.total)
            .join(ranked, ranked.c.id == User.id).order_by(User.display_name, User.id))


def _page_of(make_query: Callable[[], sa.Select], page: int, per_page: int, *,
             count_apart: bool = False, key: Hashable | None = None) -> Found:
    """One page of the directory and its count, in one statement: the page and the count are
    found on members' ids alone, then only that page's members are read. Counting over whole
    rows kept every match's columns in memory (at 25,000 members, more than PostgreSQL's
    work_mem).

    How the count is made depends on the search. With no filter, or a name only, the page is the
    first rows of the index on open accounts' names, and the count is a subquery of its own
    (``count_apart``) that stops at one past ``MOST_COUNTED``: it reads the same index, at
    most a few thousand names for the shortest search. A filter that picks few people (a
    strength, a council) is cheaper counted alongside (``count(*) OVER ()``), since the
    subquery would run the filter a second time; its count is shown the same way.
    """
    page = max(page, 1)
    key = None if key is None else (key, MOST_COUNTED)
    statement = None if key is None else _STATEMENTS.get(key)
    if statement is None:
        statement = _page_select(make_query(), page, per_page, count_apart)
        if key is not None:
            _STATEMENTS[key] = statement
            while len(_STATEMENTS) > MOST_KEPT:
                _STATEMENTS.popitem(last=False)
    rows = db.session.execute(statement).all()
    if rows or page == 1:
        total = min(rows[0].total, MOST_COUNTED + 1) if rows else 0
        found = Found(list(rows), total, page, per_page)
    else:  # past the end: counted apart
        past = paging.paginate(make_query(), page, per_page)
        found = Found(past.items, min(past.total, MOST_COUNTED + 1), page, per_page)
    if found.page > found.pages:
        found.items = []  # past the first MOST_COUNTED: the page offers none of them
    return found


@functools.cache
def _strengths_statement() -> sa.Select:
    """``strengths_by_user``'s statement, built once per process: the ids are a parameter."""
    ranked = (
        sa.select(SelfAssessment.id, SelfAssessment.user_id,
                  sa.func.row_number().over(
                      partition_by=SelfAssessment.user_id,
                      order_by=(SelfAssessment.completed_at.desc(), SelfAssessment.id.desc()),
                  ).label("rank"))
        .join(Framework, Framework.id == SelfAssessment.framework_id)
        .where(Framework.code == lqf.LQF_CODE, SelfAssessment.completed_at.is_not(None),
               SelfAssessment.user_id.in_(sa.bindparam("user_ids", expanding=True)))
        .subquery()
    )
    return (
        sa.select(ranked.c.user_id, Element.name)
        .join(AssessmentScore, AssessmentScore.assessment_id == ranked.c.id)
        .join(Element, Element.id == AssessmentScore.element_id)
        .where(ranked.c.rank == 1, AssessmentScore.score >= STRONG)
        .order_by(ranked.c.user_id, Element.dimension_id, Element.position)
    )


def strengths_by_user(user_ids: list[int]) -> dict[int, list[str]]:
    """{user id: names of the elements scored STRONG or more in their latest finished LQF
    self-assessment, in framework order}, in one query (run even for no one, so a page's count
    of statements does not depend on whose cards it shows)."""
    out: dict[int, list[str]] = {}
    for user_id, name in db.session.execute(_strengths_statement(),
                                            {"user_ids": list(user_ids)}):
        out.setdefault(user_id, []).append(name)
    return out

