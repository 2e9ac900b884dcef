"""The member directory: find members by name, council, service type, leadership strengths and
whether they can mentor, showing and matching only what each member lets the viewer see.

A filter on a field matches a person only when the viewer may see that field of theirs, so a
search never tells the viewer more than the person's profile would: a member who keeps their
council to "Only me" is never found by searching for that council. Affinity networks neither
show nor filter here.
"""
from __future__ import annotations

import enum
import json
import math
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import NamedTuple

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased, lazyload
from sqlalchemy.sql.functions import FunctionElement

from netapp import reads
from netapp.extensions import db
from netapp.models import (
    AssessmentScore,
    Framework,
    MemberStrength,
    Network,
    NetworkKind,
    NetworkMembership,
    Organisation,
    Profile,
    Role,
    SelfAssessment,
    ServiceType,
    User,
    member_offers,
)
from netapp.services import lqf, networks, paging, profiles, reference
from netapp.services.audiences import AREA_DEFAULT, AUDIENCES, COORDINATORS, EVERYONE, NETWORKS

# A score of this or more in the latest self-assessment counts as a strength.
STRONG = 4

# A search counts its matches up to this many; past it, the page says "more than" and offers
# the first ones by name (eight pages). Counting every match of a short name ("an" finds a
# quarter of the members) would read the whole list of names for each search, and counting
# to 500 read about three times as many names as counting to 200, for pages nobody reads.
MOST_COUNTED = 200

# Fields a directory card shows (the rest are on the profile itself).
CARD_FIELDS = frozenset({"job_title", "organisation", "area", "offer", "lqf"})
LEFT_OFF_CARDS = frozenset(profiles.FIELD_KEYS) - CARD_FIELDS


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


class Entry(NamedTuple):
    """A card of the page of results (a named tuple: a page makes 25)."""

    user: sa.Row  # the person's id and display_name (and their card's columns)
    card: profiles.ProfileCard
    strengths: list[str]  # element names, when the viewer may see the self-assessment


def _audience(key: str):
    """SQL: the audience the member chose for a field (with Profile joined), or the field's
    default. Stored choices are checked when saved (profiles.set_visibility); anything else
    would match no audience here and stay hidden."""
    default = next(f.default for f in profiles.FIELDS if f.key == key)
    return sa.func.coalesce(Profile.visibility[key].as_string(), default)


# The audiences staff belong to, written into the SQL as words: a list of plain values would
# be expanded into the SQL again on every execution of a kept statement, and a parameter for
# each made the members list's statement too long for the driver to keep its parsed form.
_STAFF_AUDIENCES = [sa.literal_column(f"'{audience}'", sa.String)
                    for audience in (EVERYONE, NETWORKS, COORDINATORS)]


def _field_seen(viewer: User, key: str, sharing=networks.in_sharing_network):
    """SQL: the viewer may see this field of the member in the row (User, Profile joined).
    ``sharing(viewer)``: SQL, the viewer shares a network with the member in the row.

    Reading a choice out of the JSON column is the costly part on PostgreSQL, so each
    condition reads it as few times as it can.
    """
    audience = _audience(key)
    if viewer.has_role(Role.COORDINATOR, Role.ADMIN):
        seen = audience.in_(_STAFF_AUDIENCES)
    else:
        seen = sa.or_(audience == EVERYONE, sa.and_(audience == NETWORKS, sharing(viewer)))
    # Written on the profile alone, so the database can check it while reading profiles.
    return sa.or_(Profile.user_id == viewer.id, seen)


def _filter_seen(viewer: User, key: str, by_name: bool):
    """SQL: ``_field_seen`` written as a CASE, for a search's filters. PostgreSQL cannot
    estimate how many people a choice read out of the JSON column keeps, and guessed almost
    none (0.5%): it then read every profile and sorted the matches, where most people show
    most fields. A CASE it estimates at one in two, so for a search whose matches are found
    by name (``by_name``: ``_found_by_name``) it walks the open accounts' names in order and
    stops at the first ``MOST_COUNTED + 1`` matches. Such a search checks whether the reader
    shares a network with a person per person (``_sharing_with``); the others read the
    reader's networks' memberships once (``networks.in_sharing_network``), as they start
    from the few people a council or a strength keeps."""
    sharing = _sharing_with if by_name else networks.in_sharing_network
    return sa.case((_field_seen(viewer, key, sharing), sa.true()), else_=sa.false())


def _found_by_name(search: Search) -> bool:
    """Whether the search's first matches are found by walking the names in order: a type of
    service or "can mentor" keeps many people (a third, a sixth of them on the demo data); a
    council or a strength keeps few, found from their own index and then sorted."""
    return search.council_id is None and search.strength_id is None


def _sharing_with(viewer: User):
    """SQL: ``networks.in_sharing_network(viewer)`` (the same rules) as one correlated test on
    the person's profile, made only for a field the person shows to their networks.

    PostgreSQL charges the uncorrelated subqueries' start (reading the viewer's networks'
    whole memberships) again for each profile it would look up by id, so with them it never
    walked the names in order and read and sorted every profile instead.
    """
    mine, theirs = aliased(NetworkMembership), aliased(NetworkMembership)
    kinds = [Network.kind == NetworkKind.NATIONAL]
    if viewer.is_verified:
        kinds.append(sa.and_(Network.kind == NetworkKind.AFFINITY, theirs.is_listed.is_(True)))
    area = sa.func.coalesce(Profile.visibility["area"].as_string(), AREA_DEFAULT)
    kinds.append(sa.and_(Network.kind == NetworkKind.LOCAL,
                         area.not_in(sorted(set(AUDIENCES) - {EVERYONE, NETWORKS}))))
    return (sa.exists().where(theirs.user_id == Profile.user_id, mine.user_id == viewer.id,
                              mine.network_id == theirs.network_id,
                              Network.id == theirs.network_id, sa.or_(*kinds))
            .correlate(Profile))


def _strong_in(element_id: int):
    """SQL: the members whose latest finished self-assessment scores this element STRONG or
    more (one row each), read by its key from ``member_strengths``, which the database keeps
    to that definition (``netapp/models/member_strengths.py``)."""
    return (
        sa.select(MemberStrength.user_id).where(MemberStrength.element_id == element_id)
        .subquery("strong")
    )


def _from_strong(stmt: sa.Select, element_id: int) -> sa.Select:
    """The search started from the people strong in the element (``_strong_in``): 2,300 of
    25,000 for an element on the demo data, each looked up by id, checked and sorted.

    On PostgreSQL their ids are read once as an array and joined as ``unnest(ARRAY(...))``,
    which the planner takes for a few rows, so every plan starts from them. Written as ``IN``,
    it read every profile's choices first (it believes the visibility conditions keep half the
    profiles); as ``= ANY(ARRAY(...))`` (``sql_lists.one_of``), the generic plan PostgreSQL
    keeps for a prepared statement after a few runs walked every open account's name in order
    and compared each with the whole array (about 200 ms).
    """
    ids = sa.select(_strong_in(element_id).c.user_id)
    if db.engine.dialect.name != "postgresql":
        return stmt.where(User.id.in_(ids))
    strong = (sa.func.unnest(sa.func.array(ids.scalar_subquery()))
              .table_valued("user_id", name="strong_people").render_derived())
    return stmt.join(strong, strong.c.user_id == User.id)


# The bound parameter of the name searched for: a kept statement sends it as a value, never
# in its text (``_driver_sql``).
SEARCHED = "searched_name"


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class contains(FunctionElement):
    """SQL: whether the text (the first argument) holds the other anywhere in it, as is: no
    character in it stands for others, as ``%`` and ``_`` do in ``LIKE``.

    ``strpos`` on PostgreSQL (``instr`` elsewhere) rather than ``LIKE '%...%'``: the same
    matches, but the planner estimates its share of rows the same whatever is searched for, so
    the plan it keeps for the statement (the same for any name: read the open accounts' names
    in order until a page is found) serves every search instead of being planned again for
    each (about 1 ms a search on PostgreSQL).
    """

    type = sa.Boolean()
    name = "contains"
    inherit_cache = True


@compiles(contains)
def _contains(element, compiler, **kw):
    text, part = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"instr({text}, {part}) > 0"


@compiles(contains, "postgresql")
def _contains_on_postgresql(element, compiler, **kw):
    text, part = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"strpos({text}, {part}) > 0"


def query(viewer: User, search: Search) -> sa.Select:
    """Members matching the search, as the viewer may see them, by name."""
    stmt = sa.select(User).options(lazyload(User.roles)).where(User.is_active_account.is_(True))
    if search.council_id is None and search.service_type is None and (
            search.strength_id is None and not search.can_mentor):
        # Nothing asked of the profile: whether there is one is read with the name, from
        # ix_users_listed_by_name, instead of looking up each name's profile.
        stmt = stmt.where(User.profile_exists.is_(True))
    else:
        stmt = stmt.join(Profile, Profile.user_id == User.id)
    by_name = _found_by_name(search)
    if search.name:
        # lower() rather than ILIKE: the same matches, and PostgreSQL checks it on the names
        # in ix_users_listed_by_name without reading the users themselves.
        stmt = stmt.where(contains(sa.func.lower(User.display_name),
                                   sa.bindparam(SEARCHED, search.name.lower(), sa.String)))
    if search.council_id is not None:
        stmt = stmt.where(Profile.local_authority_id == search.council_id,
                          _filter_seen(viewer, "area", by_name))
    if search.service_type is not None:
        stmt = stmt.where(
            Profile.organisation_id.in_(sa.select(Organisation.id)
                                        .where(Organisation.service_type == search.service_type)),
            _filter_seen(viewer, "organisation", by_name))
    if search.strength_id is not None:
        stmt = _from_strong(stmt, search.strength_id).where(_filter_seen(viewer, "lqf", by_name))
    if search.can_mentor:
        stmt = stmt.where(Profile.mentor_capacity > 0, Profile.mentoring_paused.is_(False),
                          _filter_seen(viewer, "offer", by_name))
    return stmt.order_by(User.display_name, User.id)


def find(viewer: User, search: Search, page: int, per_page: int) -> Found:
    """One page of results with each person's card columns (``_card_columns``) as plain rows,
    and the count, in one statement (``member_cards.directory_cards`` writes their cards).

    ``viewer`` needs only ``id``, ``is_verified`` and ``has_role``, as the signed-in person
    carries them."""
    only_names = (search.council_id is None and search.service_type is None
                  and search.strength_id is None and not search.can_mentor)
    reader = (viewer.has_role(Role.COORDINATOR, Role.ADMIN), bool(viewer.is_verified))
    values = {SEARCHED: search.name.lower()} if search.name else None
    if only_names:
        # A name alone (or nothing) asks nothing of the viewer but who they are: its statement
        # is kept per kind of reader, whether a name is searched for and page size, the name,
        # reader and page being its parameters.
        return _page_of(lambda: query(viewer, search), page, per_page, reader, viewer.id,
                        counting="first", key=(bool(search.name), per_page, reader),
                        values=values)
    # A filter's statement is kept per filter asked (its values written into its SQL, so
    # PostgreSQL plans it for them), kind of reader, whether a name is searched for and page
    # size: it is built for a stand-in reader whose id is the bound parameter ``viewer_id``,
    # so nothing of one reader is kept in it for another.
    stand_in = _Reader(sa.bindparam("viewer_id", type_=sa.Integer), reader[1], reader[0])
    key = ("filters", search.council_id, search.service_type, search.strength_id,
           search.can_mentor, bool(search.name), per_page, reader)
    # A council or a strength keeps few people, found from its own index and counted
    # alongside; the other filters keep many, so their first matches are found by name and
    # counted as a name's are.
    counting = "first" if _found_by_name(search) else "alongside"
    return _page_of(lambda: query(stand_in, search), page, per_page, reader, viewer.id,
                    counting=counting, key=key, values=values)


@dataclass(frozen=True)
class _Reader:
    """What ``query`` asks of the reader: their id (here a bound parameter), whether their
    email is confirmed and whether they are staff (a coordinator or an admin)."""

    id: object
    is_verified: bool
    staff: bool

    def has_role(self, *roles: Role) -> bool:
        if set(roles) != {Role.COORDINATOR, Role.ADMIN}:
            raise ValueError(f"the directory asks only whether a reader is staff, not {roles}")
        return self.staff


def search_page(viewer: User, search: Search, page: int, per_page: int):
    """``find`` and, for each person found, what the viewer may see of them as an ``Entry``
    (``profiles.cards_from_values``): the page's cards as data rather than HTML."""
    found = find(viewer, search, page, per_page)
    staff = viewer.has_role(Role.COORDINATOR, Role.ADMIN)
    # The rows' choices are JSON text and the service type its stored value (sent as plain
    # SQL text on PostgreSQL): as a dict and a ServiceType here.
    rows = [SimpleNamespace(**{
        **r._asdict(), "visibility": json.loads(r.visibility or "{}") or {},
        "service_type": None if r.service_type is None else ServiceType(r.service_type)})
        for r in found.items]
    cards = profiles.cards_from_values(
        viewer, [(r.id, r, not staff and r.shares, joined_ids(r.offers))
                 for r in rows], LEFT_OFF_CARDS)
    elements = strength_elements()
    entries = [Entry(r, cards[r.id], _names(r.strong, elements)
                     if "lqf" in cards[r.id].shown else [])
               for r in rows]
    return found, entries


def joined_ids(joined: str | None) -> list[int]:
    """Ids joined with commas (``aggregate_strings``), as numbers."""
    return [int(part) for part in joined.split(",")] if joined else []


def _names(joined: str | None, elements: dict) -> list[str]:
    """Names of the elements whose ids are joined in ``joined``, in framework order."""
    found = [elements[i] for i in joined_ids(joined) if i in elements]
    return [name for _key, name, _code in sorted(found)]


def strength_elements() -> dict[int, tuple[tuple[int, int], str, str]]:
    """{element id: (its place in the framework, name, code)} for the LQF, from this process's
    copy of the framework (worked out again when that copy is loaded again); an element this
    process has not heard of yet shows next time."""
    frameworks = reference.shared("frameworks")
    kept = current_app.extensions.get("directory_elements")
    if kept is None or kept[0] is not frameworks:
        framework = frameworks.get(lqf.LQF_CODE)
        kept = (frameworks, {} if framework is None else {
            e.id: ((d.id, e.position), e.name, e.code)
            for d in framework.dimensions for e in d.elements})
        current_app.extensions["directory_elements"] = kept
    return kept[1]


def offered_topics_sql(person_id):
    """SQL: the ids of the topics the person offers as a mentor, joined with commas."""
    return (sa.select(sa.func.aggregate_strings(sa.cast(member_offers.c.topic_id, sa.String),
                                                ","))
            .where(member_offers.c.user_id == person_id).scalar_subquery())


def strong_elements_sql(person_id):
    """SQL: the ids of the elements the person scored STRONG or more in their latest finished
    LQF self-assessment, joined with commas (names and order from ``strength_elements``)."""
    latest = (
        sa.select(SelfAssessment.id)
        .where(SelfAssessment.user_id == person_id, SelfAssessment.completed_at.is_not(None),
               SelfAssessment.framework_id == sa.select(Framework.id)
               .where(Framework.code == lqf.LQF_CODE).scalar_subquery())
        .order_by(SelfAssessment.completed_at.desc(), SelfAssessment.id.desc())
        .limit(1).correlate_except(SelfAssessment).scalar_subquery()
    )
    return (sa.select(sa.func.aggregate_strings(sa.cast(AssessmentScore.element_id, sa.String),
                                                ","))
            .where(AssessmentScore.assessment_id == latest, AssessmentScore.score >= STRONG)
            .scalar_subquery())


def _card_columns(staff: bool, verified: bool, person=User.id) -> list:
    """SQL columns beside a page's people (``person``: their ids, with Profile and
    Organisation joined) for their cards, as ``profiles.cards_from_values`` reads them;
    whether the reader (the bound parameter ``viewer_id``) shares a network with each person
    only for members (staff see what networks see anyway)."""
    viewer_id = sa.bindparam("viewer_id")
    # Whether the reader shares a network with the person matters only for a card field the
    # person shows to their networks (most keep the defaults, none of which is "networks"):
    # the test costs the database more than the rest of a card, so it is made only then.
    shares = sa.false() if staff else sa.case(
        (sa.or_(*(_chosen_in(key, frozenset({NETWORKS})) for key in sorted(CARD_FIELDS))),
         networks.shares_network_sql(viewer_id, verified, person)), else_=sa.false())
    return [
        # The choices as the JSON text stored: each different text is read once per process.
        sa.cast(Profile.visibility, sa.Text).label("visibility"), Profile.job_title,
        Profile.local_authority_id, Profile.mentor_capacity, Profile.mentor_availability,
        Profile.mentor_note,
        Organisation.name.label("organisation_name"), Organisation.service_type,
        shares.label("shares"),
        # Offers and strengths are read only for the cards that may show them (a card names
        # offers only with places to offer; most people keep their self-assessment to
        # themselves): each costs the database a look-up per card.
        sa.case((Profile.mentor_capacity != 0, offered_topics_sql(person))).label("offers"),
        sa.case((sa.or_(person == viewer_id, _chosen_in(
            "lqf", profiles._STAFF_SEE if staff else profiles._NETWORKS_SEE)),
                 strong_elements_sql(person))).label("strong"),
    ]


def _chosen_in(key: str, audiences: frozenset[str]):
    """SQL: the audience the person chose for the field (``_audience``: Profile joined, the
    default when none) is one of ``audiences``, written into the SQL as words."""
    return _audience(key).in_([sa.literal_column(f"'{a}'", sa.String) for a in sorted(audiences)])


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


# Page statements by what they were built for (``find``: a name alone or nothing, or each
# filter asked; whether a name is searched for, page size, kind of reader and the engine),
# each with the SQL text it sends (``_rows``): building one and working out its key for
# SQLAlchemy's cache cost about as much as PostgreSQL's answer (a filter's about 6 ms of CPU).
# They hold SQL, never rows, a reader's id or a name searched for. At most MOST_KEPT, the
# oldest dropped first.
_STATEMENTS: OrderedDict = OrderedDict()
MOST_KEPT = 256


def _page_select(stmt: sa.Select, per_page: int, counting: str,
                 reader: tuple[bool, bool], postgresql: bool = False) -> sa.Select:
    """The page statement for the matches of ``stmt``: its page is the bound parameter
    ``after`` (the matches before it), with ``upto`` (the last match on it) when counting the
    "first" matches."""
    ids = stmt.with_only_columns(User.id.label("id"), maintain_column_froms=True)
    if counting == "first" and postgresql:
        return _first_page_select(ids, reader)
    if counting == "first":
        # The first matches by name, up to one past MOST_COUNTED, read once: counted as they
        # are read, and the page taken from them by their place (the bound parameters
        # ``after`` and ``upto``). (Counted apart, a name found fewer than MOST_COUNTED times
        # read every open account's name twice.) The page is picked by place, not by LIMIT
        # and OFFSET values: the planner then estimates the statement the same for any name
        # and page, so PostgreSQL keeps one plan for it instead of planning each search again
        # (about 1 ms each time, for the same plan).
        first = (ids.add_columns(User.display_name.label("name"))
                 .limit(MOST_COUNTED + 1).subquery("first"))
        numbered = sa.select(
            first.c.id, sa.func.count().over().label("total"),
            sa.func.row_number().over(order_by=(first.c.name, first.c.id)).label("place"),
        ).subquery("numbered")
        # (The limit, a page's size, tells the planner how few rows that is: guessing a third
        # of the first matches, it read every profile to join them.)
        ranked = (sa.select(numbered.c.id, numbered.c.total)
                  .where(numbered.c.place > sa.bindparam("after", type_=sa.Integer),
                         numbered.c.place <= sa.bindparam("upto", type_=sa.Integer))
                  .limit(per_page).subquery())
    else:
        ranked = (ids.add_columns(sa.func.count().over().label("total"))
                  .limit(per_page).offset(sa.bindparam("after", type_=sa.Integer))
                  .subquery())
    # Only what a card shows of the person, as plain columns, not whole accounts or profiles.
    return (sa.select(User.id, User.display_name, ranked.c.total, *_card_columns(*reader))
            .join(ranked, ranked.c.id == User.id)
            .join(Profile, Profile.user_id == User.id)
            .outerjoin(Organisation, Organisation.id == Profile.organisation_id)
            .order_by(User.display_name, User.id))


def _first_page_select(ids: sa.Select, reader: tuple[bool, bool]) -> sa.Select:
    """``_page_select`` of the "first" matches on PostgreSQL: the first matches by name, up to
    one past MOST_COUNTED, are read once from the names' index and gathered in one pass into
    their count and the ids and names of the page's places (the bound parameters ``after``
    and ``upto``), in the order read; only the page's people are then read in full.

    Gathering them costs less than numbering them and counting them with window functions
    (which kept every match to count them before the page could be taken), and the names come
    from the index, so the page's users are not read again. As with the window functions,
    the planner estimates the statement the same for any name and page, so PostgreSQL keeps
    one plan for it.
    """
    first = (ids.add_columns(User.display_name.label("name"))
             .limit(MOST_COUNTED + 1).subquery("first"))
    after = sa.bindparam("after", type_=sa.Integer) + 1
    upto = sa.bindparam("upto", type_=sa.Integer)
    # array_agg takes the matches in the order the subquery gives them, by name (an ORDER BY
    # inside the aggregates would sort them again).
    counted = sa.select(
        sa.func.count().label("total"),
        sa.func.array_agg(first.c.id, type_=ARRAY(sa.Integer))[after:upto].label("ids"),
        sa.func.array_agg(first.c.name, type_=ARRAY(sa.String))[after:upto].label("names"),
    ).subquery("counted")
    page = sa.func.unnest(counted.c.ids, counted.c.names).table_valued(
        "id", "name", with_ordinality="place").render_derived(name="page")
    return (sa.select(page.c.id, page.c.name.label("display_name"), counted.c.total,
                      *_card_columns(*reader, person=page.c.id))
            .select_from(counted)
            .join(page, sa.true())
            .join(Profile, Profile.user_id == page.c.id)
            .outerjoin(Organisation, Organisation.id == Profile.organisation_id)
            .order_by(page.c.place))


def _rows(kept: list, params: dict) -> list:
    """The rows of a page statement (``kept``: [the statement, what ``_driver_sql`` made of it
    once, or None]): plain rows need nothing of the ORM's execution (about 0.15 ms a
    request), and a search has nothing unsaved to flush first.

    On PostgreSQL a kept statement is sent as its SQL text with its constant values, both
    worked out once: executing it again worked out SQLAlchemy's key for the statement and
    passed every value through its type on each request. ``params`` (the reader, the page and
    the name searched for: numbers and text, which psycopg sends as they are) go as given.
    The text still goes through the engine's events, so it is counted and read without a
    transaction as any statement is.
    """
    dialect = db.engine.dialect
    if dialect.name != "postgresql":
        return db.session.connection().execute(kept[0], params).all()
    if kept[1] is None:
        kept[1] = _driver_sql(kept[0], params, dialect)
    text, constants = kept[1]
    if text is None:
        return db.session.connection().execute(kept[0], params).all()
    return reads.driver_rows(text, {**constants, **params})


def _driver_sql(stmt: sa.Select, params: dict, dialect) -> tuple[str | None, dict]:
    """(the SQL text psycopg is sent for ``stmt``, the values sent with it), or (None, {}) when
    the statement must be executed as it stands (values spread into the text on each run, or
    a parameter of ``params`` that its type would convert).

    The code's own constant values (network kinds, a field's key, a framework's code, limits)
    are written into the text, each as its type writes it: given as parameters, they left the
    planner guessing on every run, and it planned each search again rather than keep one plan.
    What the reader asked for (``SEARCHED``, and ``params``: who reads, which page) is sent as
    parameters, never in the text.
    """
    compiled = stmt.compile(dialect=dialect)
    state = compiled.construct_expanded_state(params)
    if state.parameter_expansion or compiled.positional:
        return None, {}
    text, sent = state.statement, {}
    for name, value in compiled.construct_params(params).items():
        if name in params:
            continue
        impl = compiled.binds[name].type.dialect_impl(dialect)
        if name != SEARCHED and isinstance(value, str | int | enum.Enum) and not isinstance(
                value, bool):
            literal = impl.literal_processor(dialect)(value)
            if "%" not in literal:
                text = text.replace(f"%({name})s", literal)
                continue
        processor = impl.bind_processor(dialect)
        sent[name] = processor(value) if processor else value
    if any(compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect)
           for name in params if name in compiled.binds):
        return None, {}
    return text, sent


def _page_of(make_query: Callable[[], sa.Select], page: int, per_page: int,
             reader: tuple[bool, bool], viewer_id: int, *, counting: str = "alongside",
             key: Hashable | None = None, values: dict | None = None) -> Found:
    """One page of the directory and its count, with each person's card columns, in one
    statement: the page and the count are found on members' ids alone, then only that page's
    members are read. Counting over whole rows kept every match's columns in memory (at
    25,000 members, more than PostgreSQL's work_mem).

    How the count is made (``counting``) depends on the search. With no filter, or a name only
    ("first"), the page is among the first rows of the index on open accounts' names: the
    first matches, up to one past ``MOST_COUNTED``, are read once, counted, and the page taken
    from them (at most a few thousand names read for the shortest search). A filter that
    picks few people (a strength, a council) is counted alongside (``count(*) OVER ()``), since
    a subquery would run the filter a second time; its count is shown the same way.
    """
    page = max(page, 1)
    # The engine's name too: a process's tests use both, and each has its own statement.
    dialect = db.engine.dialect.name
    key = None if key is None else (key, MOST_COUNTED, dialect)
    kept = None if key is None else _STATEMENTS.get(key)
    if kept is None:
        kept = [_page_select(make_query(), per_page, counting, reader,
                             dialect == "postgresql"), None]
        if key is not None:
            _STATEMENTS[key] = kept
            while len(_STATEMENTS) > MOST_KEPT:
                _STATEMENTS.popitem(last=False)
    params = {**(values or {}), "viewer_id": viewer_id, "after": (page - 1) * per_page}
    if counting == "first":
        params["upto"] = page * per_page
    rows = (_rows(kept, params) if key is not None
            else db.session.connection().execute(kept[0], params).all())
    if rows or page == 1:
        total = min(rows[0].total, MOST_COUNTED + 1) if rows else 0
        found = Found(list(rows), total, page, per_page)
    else:  # past the end: nobody to show, counted apart (up to one past MOST_COUNTED)
        first = (make_query().with_only_columns(User.id, maintain_column_froms=True)
                 .order_by(None).limit(MOST_COUNTED + 1).subquery())
        total = db.session.connection().execute(
            sa.select(sa.func.count()).select_from(first), params).scalar_one()
        found = Found([], total, page, per_page)
    if found.page > found.pages:
        found.items = []  # past the first MOST_COUNTED: the page offers none of them
    return found
