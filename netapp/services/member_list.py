"""The coordinators' list of members: search by name or email and filter by place, service,
level, strengths, needs, mentoring, learning sets and isolation index.

A coordinator sees a field of a member only where the member's choice of who sees it lets
coordinators see it (the same rule as the member directory, netapp/services/directory.py), and a
filter on a field finds a member only where that field is seen: a member who keeps their council
to "Only me" is never found by a region, council or isolation search, and a member who keeps
their self-assessment to themselves is never found by a strength. Whether someone asked for a
mentor or is in a set is the coordinators' own business (they run rounds and sets), so those two
always count. Affinity networks, ethnicity and sex neither show nor filter here.

``rows`` is one SQL query with every seen-or-hidden choice worked out in the database; the
page (``list_page``) reads the same columns and conditions as the CSV export
(netapp/services/exports.py), but the area as its council's id, named from the process's copy.
"""
from __future__ import annotations

import functools
from collections import OrderedDict
from dataclasses import dataclass, replace
from datetime import datetime
from typing import NamedTuple

import sqlalchemy as sa

from netapp import reads
from netapp.extensions import db
from netapp.models import (
    AssessmentScore,
    Framework,
    IsolationScore,
    LearningSet,
    LocalAuthority,
    Organisation,
    Profile,
    Region,
    Role,
    SelfAssessment,
    ServiceType,
    SetMembership,
    SetStatus,
    Topic,
    User,
    member_needs,
)
from netapp.models.base import utcnow
from netapp.services import directory, kept, lqf, reference
from netapp.services.directory import STRONG
from netapp.services.isolation import Page
from netapp.services.profiles import LEVELS

# Seconds a process shows the same count of every member (the list with no search) before
# counting again (``MEMBERS_COUNT_KEEP_FOR``; 0 in tests). Counting 25,000 open accounts was
# half the page's database time; the page says when it was counted.
COUNT_KEEP_FOR = 60.0

# Bands of the isolation index (0 well connected, 100 on their own): code -> (low, high, words).
ISOLATION_BANDS = {
    "connected": (0, 39, "Well connected (0 to 39)"),
    "some": (40, 69, "Some links (40 to 69)"),
    "isolated": (70, 100, "May feel isolated (70 to 100)"),
}


@dataclass(frozen=True)
class Filters:
    text: str = ""  # part of a name or an email address
    region_id: int | None = None
    council_id: int | None = None
    service_type: ServiceType | None = None
    level: int | None = None
    strength_id: int | None = None  # an LQF element's id
    need_id: int | None = None  # a topic's id
    wants_mentor: bool = False
    in_set: bool = False
    isolation: str | None = None  # a key of ISOLATION_BANDS

    def __post_init__(self):
        if self.isolation is not None and self.isolation not in ISOLATION_BANDS:
            raise ValueError(f"unknown isolation band {self.isolation!r}")
        if self.level is not None and self.level not in LEVELS:
            raise ValueError(f"unknown level {self.level!r}")

    @property
    def is_empty(self) -> bool:
        return self == Filters()


class Row(NamedTuple):
    """One member as a coordinator may see them; None (or empty) where the member keeps a
    field from coordinators. (A named tuple: a page makes 25, and a frozen dataclass set each
    of its fields one call at a time.)"""

    id: int
    name: str
    email: str
    council: str | None
    region: str | None
    organisation: str | None
    service_type: ServiceType | None
    level: int | None
    wants_mentor: bool
    in_set: bool
    isolation: int | None
    needs: list[str]
    strengths: list[str]  # element codes scored STRONG in the latest self-assessment
    hidden: frozenset[str] = frozenset()  # "area", "organisation": kept from coordinators

    @property
    def level_name(self) -> str | None:
        return LEVELS[self.level][0] if self.level else None


def _in_current_set():
    """SQL: the member is a current member of a published (active) set."""
    return sa.exists(
        sa.select(sa.literal(1)).select_from(SetMembership)
        .join(LearningSet, LearningSet.id == SetMembership.set_id)
        .where(SetMembership.user_id == User.id, SetMembership.left_at.is_(None),
               LearningSet.status == SetStatus.ACTIVE))


def _seen(viewer: User, key: str):
    return directory._field_seen(viewer, key)


def _flag(condition):
    return sa.case((condition, sa.true()), else_=sa.false())


def _joined(stmt: sa.Select) -> sa.Select:
    return (
        stmt.select_from(User)
        .outerjoin(Profile, Profile.user_id == User.id)
        .outerjoin(LocalAuthority, LocalAuthority.id == Profile.local_authority_id)
        .outerjoin(Region, Region.id == LocalAuthority.region_id)
        .outerjoin(Organisation, Organisation.id == Profile.organisation_id)
        .outerjoin(IsolationScore, IsolationScore.user_id == User.id)
        .where(User.is_active_account.is_(True))
    )


def rows(viewer: User, filters: Filters) -> sa.Select:
    """SQL: the matching members, one row each with the columns of ``Row`` (less needs and
    strengths, read per page or per chunk), by name."""
    area, org = _seen(viewer, "area"), _seen(viewer, "organisation")
    stmt = _joined(
        sa.select(
            User.id, User.display_name, User.email,
            sa.case((area, LocalAuthority.name), else_=None).label("council"),
            sa.case((area, Region.name), else_=None).label("region"),
            *_shown(viewer, area, org),
            _flag(_seen(viewer, "needs")).label("needs_seen"),
            _flag(_seen(viewer, "lqf")).label("lqf_seen"),
        ))
    return _filtered(stmt, viewer, filters).order_by(User.display_name, User.id)


def _shown(viewer: User, area, org) -> list:
    """SQL: the columns of ``Row`` from the organisation to whether the organisation is seen
    (``area`` and ``org``: the conditions that the member's area and organisation are seen)."""
    return [
        sa.case((org, Organisation.name), else_=None).label("organisation"),
        sa.case((org, Organisation.service_type), else_=None).label("service_type"),
        sa.case((_seen(viewer, "level"), Profile.level), else_=None).label("level"),
        sa.func.coalesce(Profile.wants_mentor, sa.false()).label("wants_mentor"),
        _in_current_set().label("in_set"),
        sa.case((area, IsolationScore.score), else_=None).label("isolation"),
        _flag(area).label("area_seen"), _flag(org).label("org_seen"),
    ]


def _filtered(stmt: sa.Select, viewer: User, f: Filters) -> sa.Select:
    if f.text:
        stmt = stmt.where(sa.or_(*_text_found(f.text)))
    if f.region_id is not None:
        stmt = stmt.where(LocalAuthority.region_id == f.region_id, _seen(viewer, "area"))
    if f.council_id is not None:
        stmt = stmt.where(Profile.local_authority_id == f.council_id, _seen(viewer, "area"))
    if f.service_type is not None:
        stmt = stmt.where(Organisation.service_type == f.service_type,
                          _seen(viewer, "organisation"))
    if f.level is not None:
        stmt = stmt.where(Profile.level == f.level, _seen(viewer, "level"))
    if f.strength_id is not None:
        strong = directory._strong_in(f.strength_id)
        stmt = stmt.where(User.id.in_(sa.select(strong.c.user_id)), _seen(viewer, "lqf"))
    if f.need_id is not None:
        stmt = stmt.where(
            User.id.in_(sa.select(member_needs.c.user_id)
                        .where(member_needs.c.topic_id == f.need_id)),
            _seen(viewer, "needs"))
    if f.wants_mentor:
        stmt = stmt.where(Profile.wants_mentor.is_(True))
    if f.in_set:
        stmt = stmt.where(_in_current_set())
    if f.isolation is not None:
        low, high, _words = ISOLATION_BANDS[f.isolation]
        stmt = stmt.where(IsolationScore.score.between(low, high), _seen(viewer, "area"))
    return stmt


def _text_found(text: str) -> tuple:
    """SQL: the member's name holds ``text`` (ignoring case), and their email does."""
    pattern = f"%{directory._escape_like(text.strip().lower())}%"
    return (sa.func.lower(User.display_name).like(pattern, escape="\\"),
            User.email.like(pattern, escape="\\"))


def _counted(viewer: User, filters: Filters):
    """SQL: how many members match.

    A search by name or email alone counts those found by name, and apart those found by
    email alone: the names, lowered, are read from ``ix_users_open_by_name`` without reading
    (or lowering) each member's row, and only the rows whose email matches are lowered. Counting
    both at once read and lowered all 25,000 (7.0 ms of the page's statement to 4.6).
    """
    if not filters.text or filters != Filters(text=filters.text):
        return sa.select(sa.func.count()).select_from(
            _filtered(_joined(sa.select(User.id)), viewer, filters).subquery()).scalar_subquery()
    by_name, by_email = _text_found(filters.text)
    is_open = User.is_active_account.is_(True)
    return (sa.select(sa.func.count()).select_from(User).where(is_open, by_name)
            .scalar_subquery()
            + sa.select(sa.func.count()).select_from(User).where(is_open, by_email, ~by_name)
            .scalar_subquery())


def count(viewer: User, filters: Filters) -> int:
    """How many members match (the same joins and filters, without the shown columns)."""
    query = _filtered(_joined(sa.select(User.id)), viewer, filters)
    return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0


def details(found) -> list[Row]:
    """``Row``s for raw rows of ``rows``: needs and strengths in two queries for all of them."""
    found = list(found)
    need_ids = [r.id for r in found if r.needs_seen]
    needs = need_names(need_ids)
    lqf_ids = [r.id for r in found if r.lqf_seen]
    scores = lqf.latest_scores_by_user(lqf_ids) if lqf_ids else {}
    return [
        Row(r.id, r.display_name, r.email, r.council, r.region, r.organisation,
            _service_type(r.service_type), r.level, bool(r.wants_mentor), bool(r.in_set),
            r.isolation, needs.get(r.id, []),
            [code for code, score in scores.get(r.id, {}).items() if score >= STRONG],
            frozenset(key for key, seen in (("area", r.area_seen), ("organisation", r.org_seen))
                      if not seen))
        for r in found
    ]


def _service_type(value) -> ServiceType | None:
    if value is None or isinstance(value, ServiceType):
        return value
    return ServiceType(value)


@functools.cache
def _needs_statement() -> sa.Select:
    """``need_names``'s statement, built once per process: the ids are a parameter."""
    return (sa.select(member_needs.c.user_id, Topic.name)
            .join(Topic, Topic.id == member_needs.c.topic_id)
            .where(member_needs.c.user_id.in_(sa.bindparam("user_ids", expanding=True)))
            .order_by(Topic.position, Topic.name))


def need_names(user_ids: list[int]) -> dict[int, list[str]]:
    """{user id: names of the topics they'd like help with}, one query."""
    if not user_ids:
        return {}
    out: dict[int, list[str]] = {}
    for uid, name in db.session.execute(_needs_statement(), {"user_ids": list(user_ids)}):
        out.setdefault(uid, []).append(name)
    return out


# Page statements this process has built, by who asks (their id and whether they are staff)
# and what for: building one (about thirty CASE and JSON expressions) and working out its key
# for SQLAlchemy's cache cost more than PostgreSQL's answer. A statement holds only SQL and the
# values asked for (the viewer's id, the filters, the page), never rows, so keeping it cannot
# show anything stale. At most MOST_KEPT, the oldest dropped first.
_STATEMENTS: OrderedDict = OrderedDict()
# The same, for staff, as the SQL text and parameters the database is sent (``_page_rows``).
_TEXTS: OrderedDict = OrderedDict()
MOST_KEPT = 256


def _page_statement(viewer: User, filters: Filters, page: int, per_page: int,
                    counted: bool = True) -> sa.Select:
    """The page's rows (``_page_columns``) and, when ``counted``, how many match in all."""
    staff = viewer.has_role(Role.COORDINATOR, Role.ADMIN)
    key = (viewer.id, staff, filters, page, per_page, counted)
    found = _STATEMENTS.get(key) if staff else None
    if found is not None:
        return found
    # The page's size and start written into the statement, not sent as parameters: with
    # parameters PostgreSQL cannot tell how few rows are wanted, so it planned the statement
    # afresh on every request (a plan for any LIMIT costs more than one for 25 rows). Written
    # when the statement is compiled, not on every execution as literal_execute would.
    size = sa.literal_column(str(int(per_page)))
    start = sa.literal_column(str(int((page - 1) * per_page)))
    matching = _filtered(_joined(sa.select(User.id)), viewer, filters)
    stmt = _joined(sa.select(*_page_columns(viewer)))
    if page > 1:
        # The page's members found first, by name alone, and only they read in full: the rows
        # an OFFSET skips are otherwise read in full too (page 200 took 120 ms).
        keys = (matching.order_by(User.display_name, User.id).limit(size).offset(start)
                .subquery("page_keys"))
        stmt = stmt.join(keys, keys.c.id == User.id)
    else:
        stmt = _filtered(stmt, viewer, filters).limit(size)
    if counted:
        stmt = stmt.add_columns(_counted(viewer, filters).label("total"))
    stmt = stmt.order_by(User.display_name, User.id)
    if staff:  # a member's statement depends on their networks' kinds too: never kept
        _STATEMENTS[key] = stmt
        while len(_STATEMENTS) > MOST_KEPT:
            _STATEMENTS.popitem(last=False)
    return stmt


def _page_columns(viewer: User) -> list:
    """SQL: the columns ``rows_of`` reads: those of ``rows`` with the area as its council's id
    (named from the process's copy of places, without joining councils and regions), and each
    member's needs (topic ids) and strengths (element ids) joined with commas, read only where
    they are seen (None where not)."""
    area, org = _seen(viewer, "area"), _seen(viewer, "organisation")
    return [
        User.id, User.display_name, User.email,
        sa.case((area, Profile.local_authority_id), else_=None).label("council_id"),
        *_shown(viewer, area, org),
        sa.case((_seen(viewer, "needs"), _needed_topics_sql()), else_=None).label("need_ids"),
        sa.case((_seen(viewer, "lqf"), _strong_elements_sql()), else_=None).label("strong_ids"),
    ]


def _page_rows(viewer: User, filters: Filters, page: int, per_page: int,
               counted: bool = True) -> list:
    """The rows of ``_page_statement``, for staff run as its SQL text and parameters, worked
    out once per process: executing the statement itself rebuilt its forty-odd parameters and
    passed every value through SQLAlchemy's types on each request (about 0.15 ms). Its columns
    are plain values as the database gives them (``rows_of`` reads them so: the service type
    as its text, true and false as 1 and 0 on SQLite). The text still goes through the
    engine's events, so it is counted, and read without a transaction, as any statement."""
    if not viewer.has_role(Role.COORDINATOR, Role.ADMIN):
        return db.session.connection().execute(_page_statement(viewer, filters, page, per_page,
                                                               counted)).all()
    dialect = db.engine.dialect
    key = (viewer.id, filters, page, per_page, counted, dialect.name)
    found = _TEXTS.get(key)
    if found is None:
        compiled = _page_statement(viewer, filters, page, per_page, counted).compile(
            dialect=dialect)
        state = compiled.construct_expanded_state()
        if state.parameter_expansion:  # a list of values: sent as an execution sends it
            return db.session.connection().execute(
                _page_statement(viewer, filters, page, per_page, counted)).all()
        params = {name: _as_sent(compiled, name, value, dialect)
                  for name, value in state.parameters.items()}
        if compiled.positional:
            params = tuple(params[name] for name in state.positiontup)
        found = _TEXTS[key] = (state.statement, params)
        while len(_TEXTS) > MOST_KEPT:
            _TEXTS.popitem(last=False)
    if dialect.name == "postgresql":
        return reads.driver_rows(*found)
    return db.session.connection().exec_driver_sql(*found).all()


def _as_sent(compiled, name: str, value, dialect):
    """A parameter's value as its type sends it (a service type as its text), as executing
    the statement would."""
    bind = compiled.binds.get(name)
    process = None if bind is None else bind.type.dialect_impl(dialect).bind_processor(dialect)
    return value if process is None else process(value)


def _strong_elements_sql():
    """SQL: ``directory.strong_elements_sql`` for the row's User, with STRONG written into the
    text, so that PostgreSQL reads the strengths from ``ix_assessment_scores_strong`` (a
    partial index on scores of 4, which a parameter's value could not promise to match) and
    the latest assessment from ``ix_self_assessments_latest``, even in the plan it keeps."""
    latest = (
        sa.select(SelfAssessment.id)
        .where(SelfAssessment.user_id == User.id, SelfAssessment.completed_at.is_not(None),
               SelfAssessment.framework_id == sa.select(Framework.id)
               .where(Framework.code == lqf.LQF_CODE).scalar_subquery())
        .order_by(SelfAssessment.completed_at.desc(), SelfAssessment.id.desc())
        .limit(1).correlate_except(SelfAssessment).scalar_subquery()
    )
    return (sa.select(sa.func.aggregate_strings(sa.cast(AssessmentScore.element_id, sa.String),
                                                ","))
            .where(AssessmentScore.assessment_id == latest,
                   AssessmentScore.score >= sa.literal_column(str(int(STRONG))))
            .scalar_subquery())


def _needed_topics_sql():
    """SQL: the ids of the topics the member (the row's User) would like help with, joined with
    commas (names and order from the process's copy of the topics)."""
    return (sa.select(sa.func.aggregate_strings(sa.cast(member_needs.c.topic_id, sa.String),
                                                ","))
            .where(member_needs.c.user_id == User.id).scalar_subquery())


@dataclass(frozen=True)
class MembersPage(Page):
    """A page of the list. ``counted_at`` is when this process last counted every member, for
    the list with no search (kept for up to ``COUNT_KEEP_FOR`` seconds); None when ``total``
    was counted with this page."""

    counted_at: datetime | None = None


def list_page(viewer: User, filters: Filters, page: int, per_page: int) -> MembersPage:
    """One page of the list, each item a ``Row`` (``read_page``'s rows, as ``rows_of`` reads
    them)."""
    found = read_page(viewer, filters, page, per_page)
    return replace(found, items=rows_of(found.items))


def read_page(viewer: User, filters: Filters, page: int, per_page: int) -> MembersPage:
    """One page of the list, each item a row of the page statement as read (``rows_of`` makes
    them ``Row``s), in one statement: the page's rows with their needs and strengths, and the
    count (a subquery run once). With no search the count of every member is kept for up to a
    minute, so most requests leave it out; a page past the end, having no row to carry the
    count, counts apart."""
    page = max(page, 1)
    keep_for = kept.keep_for("MEMBERS_COUNT_KEEP_FOR", COUNT_KEEP_FOR)
    read: list = []
    def count_with_page() -> tuple[int, datetime]:
        found = _page_rows(viewer, filters, page, per_page)
        read.append(found)
        return (found[0].total if found else count(viewer, filters)), utcnow()

    if filters.is_empty and keep_for > 0:
        # The same for every coordinator: with no search, nothing depends on who is looking.
        total, counted_at = kept.kept("members_count", None, keep_for, count_with_page)
        found = read[0] if read else _page_rows(viewer, filters, page, per_page, counted=False)
    else:
        total, _at = count_with_page()
        found, counted_at = read[0], None
    return MembersPage(found, page, per_page, total, counted_at)


# The page statement's columns that make a ``Row`` (``_page_columns``, less the count).
_ROW_WIDTH = 14


def row_key(found) -> tuple:
    """What a ``Row`` follows from, of one of ``read_page``'s rows: every value it read but
    the count."""
    return found[:_ROW_WIDTH]


def naming_sources() -> tuple:
    """The process's copies that ``rows_of`` names areas, needs and strengths from (the same
    objects until they are loaded again)."""
    return reference.shared("places"), reference.shared("topics"), reference.shared("frameworks")


def fully_named(found, row: Row, places: dict) -> bool:
    """Whether ``row`` (``rows_of`` of ``found``) names every need and strength ``found``
    holds, none left out for lack of it in the process's copies, and its area is in
    ``places`` (the process's copy of places that ``naming_sources`` gave)."""
    if found.council_id is not None and found.council_id not in places:
        return False
    if found.need_ids and len(row.needs) != found.need_ids.count(",") + 1:
        return False
    return not (found.strong_ids and len(row.strengths) != found.strong_ids.count(",") + 1)


# What a row says is kept from coordinators, by (area seen, organisation seen).
_HIDDEN = {(area, org): frozenset(key for key, seen in (("area", area), ("organisation", org))
                                  if not seen)
           for area in (False, True) for org in (False, True)}


def rows_of(found) -> list[Row]:
    """``Row``s from the page statement's rows (``_page_columns``, then maybe the count):
    council and region names, and topic names, from the process's copies, element codes in
    framework order."""
    joined_ids = directory.joined_ids
    needed = [joined_ids(r.need_ids) for r in found]
    wanted = {t for ids in needed for t in ids}
    topics = reference.topic_names(wanted) if wanted else {}
    order = {topic_id: i for i, topic_id in enumerate(topics)}
    elements = directory.strength_elements()
    places = _places({r.council_id for r in found if r.council_id is not None})
    out = []
    for (uid, name, email, council_id, organisation, service_type, level, wants_mentor,
         in_set, isolation, area_seen, org_seen, _need_ids, strong_ids,
         *_total), need_ids in zip(found, needed, strict=True):
        needs = [topics[t] for t in sorted((t for t in need_ids if t in topics),
                                           key=order.__getitem__)] if need_ids else []
        strong = [code for _place, _name, code in sorted(
            elements[e] for e in joined_ids(strong_ids) if e in elements)] \
            if strong_ids else []
        place = places[council_id] if council_id is not None else None
        out.append(Row(uid, name, email, place and place.council, place and place.region,
                       organisation, _service_type(service_type), level, bool(wants_mentor),
                       bool(in_set), isolation, needs, strong,
                       _HIDDEN[bool(area_seen), bool(org_seen)]))
    return out


def _places(council_ids: set[int]) -> dict[int, reference.Place]:
    """{council id: its and its region's names} from the process's copy of places, read again
    if it lacks one, or from the database if even that does (a council added this second)."""
    places = reference.shared("places")
    missing = council_ids - places.keys()
    if not missing:
        return places
    found = {i: reference.place(i) for i in missing}
    unknown = [i for i, place in found.items() if place is None]
    if unknown:
        found |= {i: reference.Place(council, region) for i, council, region in
                  db.session.execute(sa.select(LocalAuthority.id, LocalAuthority.name,
                                               Region.name)
                                     .join(Region, Region.id == LocalAuthority.region_id)
                                     .where(LocalAuthority.id.in_(unknown)))}
    return places | found
