"""Matching rounds: a coordinator sets up a round, the engine runs it in the task queue, the
coordinator checks the proposals and publishes them as offers to mentors, all or none.

Every change is audited. The engine is only ever reached through the bridge
(``matching_bridge``); its own words (pair explanations, unmatched reasons, the summary) are
what the coordinator reads.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from functools import cache, lru_cache
from typing import Any, NamedTuple

import sqlalchemy as sa
from flask import current_app, has_request_context, request, url_for

from matching import Weights, match_mentors
from matching.mentors import PairError, summarise_matches
from netapp import reads
from netapp.extensions import db
from netapp.models import (
    Job,
    MentoringRound,
    Mentorship,
    MentorshipStatus,
    PairRuleKind,
    Profile,
    Region,
    RoundPairRule,
    RoundProposal,
    RoundStatus,
    User,
)
from netapp.models.base import utcnow
from netapp.services import (
    audit,
    jobs,
    mentoring,
    notifications,
    paging,
    profiles,
    reference,
    sql_lists,
)
from netapp.services import matching_bridge as bridge
from netapp.services.driver_text import driver_text

RUN_KIND = "mentoring.round"
EDITABLE = (RoundStatus.DRAFT, RoundStatus.PREVIEW, RoundStatus.FAILED)
WEIGHT_NAMES = {
    "needs": "Help with what the mentee needs",
    "lqf": "Strong where the mentee's self-assessment is weak",
    "level": "A more senior leader",
    "service_type": "The same type of service",
    "local_authority": "The same council area, for pairs who meet in person",
}


class RoundError(Exception):
    """A coordinator's request that can't be done; the message says why and what to do."""


# ---------------------------------------------------------------- rounds


@dataclass(frozen=True)
class JobProgress:
    progress: int


@dataclass(frozen=True)
class RoundRow:
    """A round as the list of rounds shows it: plain values, its region's name (None: the
    whole country) and its job's progress (None: never run)."""

    id: int
    name: str
    region: str | None
    status: RoundStatus
    job: JobProgress | None
    stats: dict | None
    created_at: datetime


@cache
def _round_rows_statement() -> sa.Select:
    return (sa.select(MentoringRound.id, MentoringRound.name, Region.name, MentoringRound.status,
                      Job.id, Job.progress, MentoringRound.stats, MentoringRound.created_at)
            .outerjoin(Region, Region.id == MentoringRound.region_id)
            .outerjoin(Job, Job.id == MentoringRound.job_id)
            .order_by(MentoringRound.created_at.desc(), MentoringRound.id.desc()))


def round_rows(page: int, per_page: int) -> paging.Page:
    """A page of every round, newest first, as ``RoundRow``, with the number in all, in one
    statement of plain values (a page past the end counts them apart)."""
    found = paging.paginate(_round_rows_statement(), page, per_page, plain=True)
    found.items = [RoundRow(round_id, name, region, status,
                            None if job_id is None else JobProgress(progress), stats, created)
                   for round_id, (name, region, status, job_id, progress, stats, created)
                   in zip(found.items, found.extra, strict=True)]
    return found


def where_row(row: RoundRow) -> str:
    """``where`` for a ``RoundRow``."""
    return "the whole country" if row.region is None else row.region


def create_round(actor: User, name: str, region_id: int | None) -> MentoringRound:
    """A new draft round with the engine's default weights."""
    if region_id is not None and db.session.get(Region, region_id) is None:
        raise RoundError("Pick a region from the list, or the whole country.")
    rnd = MentoringRound(name=name.strip(), region_id=region_id, status=RoundStatus.DRAFT,
                         weights=default_weights(), created_by_id=actor.id)
    db.session.add(rnd)
    db.session.flush()
    audit.record(actor, "round.created", rnd, name=rnd.name, region_id=region_id)
    db.session.commit()
    return rnd


def where(rnd: MentoringRound | RoundHead) -> str:
    """Where the round matches, in words: its region's name from the process's copy of the
    regions (reference data, kept fresh across processes), without reading the round's."""
    if rnd.region_id is None:
        return "the whole country"
    region = reference.shared("regions").get(rnd.region_id)  # read only, nothing merged
    if region is None:  # a region newer than this process's copy
        region = db.session.get(Region, rnd.region_id)
    return region.name


def _editable(rnd: MentoringRound) -> None:
    if rnd.status == RoundStatus.RUNNING:
        raise RoundError("The round is running. Wait for it to finish, then change it.")
    if rnd.status == RoundStatus.PUBLISHED:
        raise RoundError("This round is published, so it can't change. Start a new round.")


# ---------------------------------------------------------------- the pool


@dataclass
class Person:
    user_id: int
    name: str
    detail: str = ""  # free places, or the reason they are left out


@dataclass(frozen=True)
class PoolCounts:
    """How many are in each of the round's pool lists, and the mentors' free places."""

    mentees: int
    mentors: int
    places: int
    left_out: int


# Each pool list's rows among ``bridge.pool_people``'s, and what its second column shows.
_POOL_LISTS = {"mentees": lambda people: people.c.mentee,
               "mentors": lambda people: people.c.places.is_not(None),
               "left_out": lambda people: people.c.left_out.is_not(None)}


def _by_name(people, dialect: str):
    """Pool lists go by name, then member number, in the order of the characters (as Python
    sorts ``casefold``-ed names), whatever the database's own collation."""
    name = people.c.sort_name  # lower(name), kept by the database
    return name.collate("C") if dialect == "postgresql" else name, people.c.user_id


# The values a pool statement takes from each request; everything else in it is the code's
# own (the engine's words, the page size) and is written into its text.
_POOL_PARAMS = ("region", "round", "page", "mentee_id", "mentee_name", "mentor_id",
                "mentor_name")


@lru_cache(maxsize=64)
def _pool_sql(statement: sa.Select, dialect: sa.Dialect) -> str:
    """PostgreSQL: a pool statement as the driver's text, written once per process, inside
    ``SELECT * FROM (...)``: it begins with WITH, and anything but a SELECT would read as a
    change (``netapp/database.py``), costing the page a transaction of its own."""
    text = driver_text(statement, dialect, {key: f"%({key})s" for key in _POOL_PARAMS})
    return f"SELECT * FROM ({text}) AS pool"


def _pool_rows(statement: sa.Select, params: dict) -> list:
    """The rows of a pool statement (``_pool_sql`` on PostgreSQL), in no set order."""
    dialect = db.engine.dialect
    if dialect.name == "postgresql":
        return reads.driver_rows(_pool_sql(statement, dialect), params)
    return db.session.connection().execute(statement, params).all()


@lru_cache(maxsize=64)
def _pool_page_statement(dialect: str, councils: bridge.Councils, show: str,
                         per_page: int, with_round: bool = False) -> sa.Select:
    """The pool's counts and one page of one of its lists, in one statement: the counts come
    on every row, and on one row alone (with no person) when the page is empty. Parameters:
    ``region`` (for a regional round) and ``page``, which reads as the last page past it.
    ``with_round``: each row with the round (parameter ``round``) as ``_round_head_statement``
    reads it, as ``round_``-named columns; no row when there is no such round.

    The counts read every kept row once, by the lists' plain conditions on ``councils``'
    council areas (``pool_sides``: no join, and no reason worked out to be counted); the page
    walks the kept rows in name order (their index) until it has its rows, so an early page
    reads a few dozen. Its rows come in no set order, each with its name as sorted (``key``)."""
    sides = bridge.pool_sides(councils)
    if dialect == "postgresql":
        # Each row's checks once, not once for each count that reads them (PostgreSQL would
        # write them into every count: OFFSET 0 keeps the subquery whole).
        sides = sides.offset(0)
    sides = sides.subquery("sides")
    lists = {name: listed(sides.c) for name, listed in bridge.POOL_LISTS.items()}
    totals = sa.select(
        sa.func.count().filter(lists["mentees"]).label("mentees"),
        sa.func.count().filter(lists["mentors"]).label("mentors"),
        sa.func.coalesce(sa.func.sum(sides.c.free).filter(lists["mentors"]), 0).label("places"),
        sa.func.count().filter(lists["left_out"]).label("left_out")).subquery("totals")
    # PostgreSQL: the page (LATERAL) reads its list's count from the counts.
    listed = (getattr(totals.c, show) if dialect == "postgresql" else
              sa.select(sa.func.count()).select_from(sides).where(lists[show])
              .scalar_subquery())
    last = sa.case((listed > 0, (listed + (per_page - 1)) // per_page), else_=1)
    asked = sa.bindparam("page", type_=sa.Integer)
    shown = sa.case((asked <= last, asked), else_=last)
    rows = bridge.pool_people(councils.local is not None, materialized=False).subquery("listed")
    key, user_id = _by_name(rows, dialect)
    page = (sa.select(rows.c.user_id, rows.c.name, rows.c.places, rows.c.left_out,
                      rows.c.sort_name.label("key"))
            .where(_POOL_LISTS[show](rows)).order_by(key, user_id)
            .limit(per_page).offset((shown - 1) * per_page))
    page = page.lateral("page") if dialect == "postgresql" else page.subquery("page")
    found = sa.select(totals, page.c.user_id, page.c.name, page.c.places.label("free"),
                      page.c.left_out.label("why"), page.c.key)
    if not with_round:
        return found.select_from(totals.outerjoin(page, sa.true()))
    head = _round_head_statement().subquery("head")
    return (found.add_columns(*(column.label(f"round_{column.key}") for column in head.c))
            .select_from(head.join(totals, sa.true()).outerjoin(page, sa.true())))


def pool_page(rnd: MentoringRound | RoundHead, show: str, page: int, per_page: int):
    """(``PoolCounts``, a ``paging.Page`` of ``Person`` for the list ``show``: "mentees",
    "mentors" or "left_out") for the round's pool as the engine would take it now, in one
    statement (``bridge.pool_people``: the engine's rules, without its features). A page past
    the end shows the last page."""
    statement = _pool_page_statement(db.engine.dialect.name,
                                     bridge.councils(rnd.region_id), show, per_page)
    return _pool_page_of(_pool_rows(statement, _pool_params(rnd.region_id, page)), show, page,
                         per_page)


def _pool_params(region_id: int | None, page: int, **more) -> dict:
    params = {"page": max(page, 1), **more}
    if region_id is not None:
        params["region"] = region_id
    return params


_NOT_KNOWN = object()


def _known_region(round_id: int) -> tuple[dict, Any]:
    """(this process's regions of rounds by id, the region it knows this round by), the
    round's head read the first time; the region is ``_NOT_KNOWN`` when there is no such
    round."""
    regions: dict = current_app.extensions.setdefault("round_regions", {})
    region_id = regions.get(round_id, _NOT_KNOWN)
    if region_id is _NOT_KNOWN:
        known = round_head(round_id)
        if known is not None:
            region_id = regions[round_id] = known.region_id
    return regions, region_id


def round_and_pool_page(round_id: int, show: str, page: int, per_page: int,
                        checked: bool = False):
    """(the round as ``RoundHead``, then ``pool_page``'s counts and page), or None when there
    is no such round: one statement once this process knows the round's region, which the
    statement is written for. The region read with the page is checked: a round whose region
    is not the one known is read again for its own (``checked``: already read again)."""
    regions, region_id = _known_region(round_id)
    if region_id is _NOT_KNOWN:
        return None
    statement = _pool_page_statement(db.engine.dialect.name,
                                     bridge.councils(region_id), show, per_page, True)
    rows = _pool_rows(statement, _pool_params(region_id, page, round=round_id))
    if not rows:
        regions.pop(round_id, None)
        return None
    first = rows[0]
    # The driver's text reads the status as its stored value.
    rnd = RoundHead(first.round_id, first.round_name, RoundStatus(first.round_status),
                    first.round_region_id, first.round_job_id)
    if rnd.region_id != region_id:
        regions[round_id] = rnd.region_id
        if checked:
            raise RuntimeError(f"round {round_id}'s region changed while it was read")
        return round_and_pool_page(round_id, show, page, per_page, checked=True)
    return (rnd, *_pool_page_of(rows, show, page, per_page))


def _pool_page_of(rows: list, show: str, page: int, per_page: int):
    head = rows[0]
    counts = PoolCounts(head.mentees, head.mentors, head.places, head.left_out)
    total = getattr(counts, show)
    shown = min(max(page, 1), max(1, -(-total // per_page)))
    # The database's order of the names (by character: Python's order of the same strings).
    people = [Person(r.user_id, r.name, _places(r.free) if show == "mentors"
                     else r.why if show == "left_out" else "")
              for r in sorted(rows, key=lambda r: (r.key or "", r.user_id or 0))
              if r.user_id is not None]
    return counts, paging.Page(people, total, shown, per_page)


@lru_cache(maxsize=16)
def _pick_columns(dialect: str, councils: bridge.Councils, limit: int) -> tuple:
    """(mentees, mentors): the first ``limit`` mentees and the first ``limit`` mentors of the
    pool by name, each as one JSON text, a list of [user id, name] in name order. Each list is
    read from the kept rows by its plain conditions on ``councils``' council areas alone
    (``bridge.pool_list``: no join, no reasons); a list of a thousand people comes as one
    value, not a thousand rows. Each is an uncorrelated subquery, worked out only where the
    statement asks for its value."""
    def first(show: str):
        rows = bridge.pool_list(councils, show).subquery(show)
        ordered = (sa.select(rows.c.user_id, rows.c.name, rows.c.sort_name)
                   .order_by(*_by_name(rows, dialect)).limit(limit).subquery(f"first_{show}"))
        person = sql_lists.json_array(ordered.c.user_id, ordered.c.name)
        if dialect == "postgresql":
            # ARRAY(... ORDER BY) keeps the rows in the order of its query, and that order is
            # the one they already come in: unlike json_agg(... ORDER BY), nothing is sorted
            # again (about 0.3 ms for a thousand names).
            listed = sa.func.array_to_json(sa.func.array(
                sa.select(person).order_by(*_by_name(ordered, dialect)).scalar_subquery()))
            return sa.cast(listed, sa.Text)
        listed = sql_lists.in_order(person, *_by_name(ordered, dialect))
        return sa.select(sa.cast(listed, sa.Text)).scalar_subquery()

    return first("mentees"), first("mentors")


@lru_cache(maxsize=16)
def _pick_statement(dialect: str, councils: bridge.Councils, limit: int) -> sa.Select:
    """``_pick_columns`` as one row of two JSON texts."""
    mentees, mentors = _pick_columns(dialect, councils, limit)
    return sa.select(mentees.label("mentees"), mentors.label("mentors"))


def pick_texts(rnd: MentoringRound | RoundHead, limit: int = 1000) -> tuple[str, str]:
    """(mentees, mentors): the first ``limit`` of each of the round's pool lists by name, each
    as JSON text, a list of [user id, name] (``pick_lists`` reads them); one statement."""
    statement = _pick_statement(db.engine.dialect.name,
                                bridge.councils(rnd.region_id), limit)
    mentees, mentors = _pool_rows(statement, {})[0]
    return mentees or "[]", mentors or "[]"  # PostgreSQL: NULL for an empty list


def people_of(text: str) -> list[Person]:
    """The people of one of ``pick_texts``' lists, in its order."""
    return [Person(user_id, name) for user_id, name in json.loads(text)]


def pick_lists(rnd: MentoringRound, limit: int = 1000) -> tuple[list[Person], list[Person]]:
    """(mentees, mentors): the first ``limit`` of each of the round's pool lists, by name, for
    the pick lists of the locked and forbidden pairs form; one statement."""
    mentees, mentors = pick_texts(rnd, limit)
    return people_of(mentees), people_of(mentors)


def _places(n: int) -> str:
    return "1 free place" if n == 1 else f"{n} free places"


# ---------------------------------------------------------------- weights


def default_weights() -> dict[str, float]:
    defaults = Weights()
    return {name: float(getattr(defaults, name)) for name in WEIGHT_NAMES}


def weights_of(rnd: MentoringRound) -> dict[str, float]:
    return {**default_weights(), **(rnd.weights or {})}


def set_weights(actor: User, rnd: MentoringRound, values: dict[str, float]) -> None:
    """Save the weights after the engine accepts them; RoundError says what to fix."""
    _editable(rnd)
    try:
        Weights.from_mapping(values)
    except ValueError as exc:
        if "at least one" in str(exc):
            raise RoundError("Give at least one weight more than 0.") from exc
        raise RoundError("Each weight must be a number of 0 or more.") from exc
    before = weights_of(rnd)
    rnd.weights = {name: float(values[name]) for name in WEIGHT_NAMES}
    audit.record(actor, "round.weights_changed", rnd, before=before, after=rnd.weights)
    db.session.commit()


# ---------------------------------------------------------------- locked and forbidden pairs


@dataclass
class Rule:
    id: int
    kind: PairRuleKind
    mentee: str
    mentor: str


@cache
def _rules_statement() -> sa.Select:
    mentee, mentor = sa.orm.aliased(User), sa.orm.aliased(User)
    return (sa.select(RoundPairRule.id, RoundPairRule.kind, mentee.display_name,
                      mentor.display_name)
            .outerjoin(mentee, mentee.id == RoundPairRule.mentee_id)
            .outerjoin(mentor, mentor.id == RoundPairRule.mentor_id)
            .where(RoundPairRule.round_id == sa.bindparam("round"))
            .order_by(RoundPairRule.kind, RoundPairRule.id))


_GONE = "someone who has left"


def rules_of(rnd: MentoringRound) -> list[Rule]:
    """The round's locked and forbidden pairs with both people's names, in one statement."""
    return [Rule(rule_id, kind, _GONE if mentee is None else mentee,
                 _GONE if mentor is None else mentor)
            for rule_id, kind, mentee, mentor in db.session.connection().execute(
                _rules_statement(), {"round": rnd.id})]


@cache
def _round_and_rules_statement() -> sa.Select:
    """``_round_head_statement`` with ``_listed_rules``."""
    return _round_head_statement().add_columns(_listed_rules().label("rules"))


def _listed_rules() -> sa.ScalarSelect:
    """``_rules_statement``'s rows (parameter ``round``) as one JSON list of [id, kind's
    stored value, mentee's name, mentor's name], in the same order (``_rules_from``)."""
    rules = _rules_statement().subquery("rules")
    rule_id, kind, mentee, mentor = rules.c
    return sa.select(sql_lists.in_order(sql_lists.json_array(rule_id, kind, mentee, mentor),
                                        kind, rule_id)).scalar_subquery()


def _rules_from(listed) -> list[Rule]:
    """``rules_of``'s rules from ``_listed_rules``' list (None: no rule)."""
    return [Rule(rule_id, PairRuleKind(kind), _GONE if mentee is None else mentee,
                 _GONE if mentor is None else mentor)
            for rule_id, kind, mentee, mentor in listed or ()]


@lru_cache(maxsize=16)
def _rules_and_picks_statement(dialect: str, councils: bridge.Councils,
                               limit: int) -> sa.Select:
    """``_round_and_rules_statement`` (parameter ``round``) with ``_pick_columns``' two
    lists, read only for a round that can still change (NULL for any other)."""
    editable = MentoringRound.status.in_(EDITABLE)
    return _round_and_rules_statement().add_columns(
        *(sa.case((editable, listed)).label(name)
          for name, listed in zip(("mentees", "mentors"),
                                  _pick_columns(dialect, councils, limit), strict=True)))


def round_rules_and_picks(round_id: int, limit: int = 1000, checked: bool = False):
    """(the round as ``RoundHead``, ``rules_of`` it, ``pick_texts`` of it, or None for a
    round that can't change), or None when there is no such round: one statement once this
    process knows the round's region, which the pick lists are written for. The region read
    with them is checked: a round whose region is not the one known is read again for its
    own (``checked``: already read again)."""
    regions, region_id = _known_region(round_id)
    if region_id is _NOT_KNOWN:
        return None
    statement = _rules_and_picks_statement(db.engine.dialect.name,
                                           bridge.councils(region_id), limit)
    rows = _pool_rows(statement, {"round": round_id})
    if not rows:
        regions.pop(round_id, None)
        return None
    found_id, name, status, found_region, job_id, rules, mentees, mentors = rows[0]
    # The driver's text reads the status as its stored value.
    rnd = RoundHead(found_id, name, RoundStatus(status), found_region, job_id)
    if rnd.region_id != region_id:
        regions[round_id] = rnd.region_id
        if checked:
            raise RuntimeError(f"round {round_id}'s region changed while it was read")
        return round_rules_and_picks(round_id, limit, checked=True)
    # PostgreSQL: NULL for an empty list
    picks = (mentees or "[]", mentors or "[]") if rnd.status in EDITABLE else None
    return rnd, _rules_from(rules), picks


@cache
def _round_job_and_rules_statement() -> sa.Select:
    """The round (parameter ``round``) with its job, and ``_listed_rules``."""
    return (sa.select(MentoringRound, _listed_rules().label("rules"))
            .options(sa.orm.joinedload(MentoringRound.job))
            .where(MentoringRound.id == sa.bindparam("round")))


def round_job_and_rules(round_id: int) -> tuple[MentoringRound, list[Rule]] | None:
    """(the round, with its job loaded, and ``rules_of`` it), or None: one statement, not
    three (the round, its job, its rules)."""
    found = db.session.execute(_round_job_and_rules_statement(),
                               {"round": round_id}).one_or_none()
    if found is None:
        return None
    rnd, rules = found
    return rnd, _rules_from(rules)


_ID_IN_NAME = re.compile(r"\(member (\d+)\)\s*$")


def label(person: Person) -> str:
    """How a person is written in the pick lists: name and member number, never ambiguous."""
    return f"{person.name} (member {person.user_id})"


_LARGEST_ID = 2**31 - 1


def _typed(typed: str) -> tuple[str, int | None]:
    """What was typed, spaces tidied, and the member number it ends with, if any."""
    typed = " ".join(typed.split())
    match = _ID_IN_NAME.search(typed)
    return typed, int(match.group(1)) if match else None


def _found(people: list[Person], typed: str, uid: int | None, side: str) -> int:
    """The one person in ``people`` that ``typed`` names, by pick-list label or exact name."""
    if uid is not None:
        if any(p.user_id == uid for p in people):
            return uid
        raise RoundError(f"Member {uid} isn't one of the {side}s in this round's pool.")
    same = [p for p in people if p.name.casefold() == typed.casefold()]
    if len(same) == 1:
        return same[0].user_id
    if same:
        raise RoundError(f"{len(same)} {side}s are called {typed}: pick one from the list, "
                         "which adds their member number.")
    raise RoundError(f"No {side} in this round's pool is called {typed}. Check the spelling "
                     "or pick from the list.")


@lru_cache(maxsize=8)
def _find_statement(regional: bool) -> sa.Select:
    """The pool's mentees and mentors (parameter ``region`` for a regional round) with the
    member number (``mentee_id``, ``mentor_id``) or lower-case name (``mentee_name``,
    ``mentor_name``) typed for each side, each row with its side: 1 mentee, 2 mentor."""
    people = bridge.pool_people(regional).cte("people")
    name = sa.func.lower(people.c.name)
    return sa.union_all(*(
        sa.select(sa.literal(side).label("side"), people.c.user_id, people.c.name)
        .where(_POOL_LISTS[show](people),
               sa.or_(people.c.user_id == sa.bindparam(f"{key}_id", type_=sa.Integer),
                      name == sa.bindparam(f"{key}_name", type_=sa.String)))
        for side, show, key in ((1, "mentees", "mentee"), (2, "mentors", "mentor"))))


def find_pair(rnd: MentoringRound, mentee: str, mentor: str) -> tuple[int, int]:
    """(mentee id, mentor id) that ``mentee`` and ``mentor`` name among the round's pool, each
    by pick-list label or exact name, in one statement; RoundError says what to fix (the
    mentee's problem first)."""
    typed = [_typed(mentee), _typed(mentor)]
    params = {} if rnd.region_id is None else {"region": rnd.region_id}
    for key, (text, uid) in zip(("mentee", "mentor"), typed, strict=True):
        # A number past any member's is nobody's; a name is matched in full by the database
        # (lower case), then exactly as before (casefold).
        params[f"{key}_id"] = uid if uid is not None and uid <= _LARGEST_ID else None
        params[f"{key}_name"] = None if uid is not None else text.lower()
    found: tuple[list[Person], list[Person]] = ([], [])
    for side, user_id, name in sorted(
            _pool_rows(_find_statement(rnd.region_id is not None), params)):
        found[side - 1].append(Person(user_id, name))
    return (_found(found[0], *typed[0], "mentee"), _found(found[1], *typed[1], "mentor"))


def add_rule(actor: User, rnd: MentoringRound, kind: PairRuleKind, mentee_id: int,
             mentor_id: int, pool: bridge.Pool | None = None) -> RoundPairRule:
    """Lock or forbid one pair; a lock is checked against the engine's rules first."""
    _editable(rnd)
    existing = list(db.session.scalars(
        sa.select(RoundPairRule).where(RoundPairRule.round_id == rnd.id)))
    # The pool as the engine takes it, read for these two and the mentor's locked mentees.
    pool = pool or bridge.load_pool_of(rnd.region_id, {mentee_id, mentor_id} | {
        r.mentee_id for r in existing
        if r.kind == PairRuleKind.LOCK and r.mentor_id == mentor_id})
    mentees = {bridge.user_id(m.id): m for m in pool.mentees}
    mentors = {bridge.user_id(m.id): m for m in pool.mentors}
    if mentee_id not in mentees:
        raise RoundError("That mentee isn't waiting in this round's pool any more.")
    if mentor_id not in mentors:
        raise RoundError("That mentor has no free place in this round's pool.")
    if any(r.mentee_id == mentee_id and r.mentor_id == mentor_id for r in existing):
        raise RoundError("That pair is already locked or forbidden. Remove that first to "
                         "change it.")
    if kind == PairRuleKind.LOCK:
        locks = [r for r in existing if r.kind == PairRuleKind.LOCK]
        if any(r.mentee_id == mentee_id for r in locks):
            raise RoundError("This mentee already has a locked mentor in this round. Remove "
                             "that lock first.")
        _check_lock(mentees, mentors, locks, mentee_id, mentor_id)
    rule = RoundPairRule(round_id=rnd.id, mentee_id=mentee_id, mentor_id=mentor_id, kind=kind)
    db.session.add(rule)
    db.session.flush()
    audit.record(actor, f"round.pair_{'locked' if kind == PairRuleKind.LOCK else 'forbidden'}",
                 rnd, rule_id=rule.id, mentee_id=mentee_id, mentor_id=mentor_id)
    db.session.commit()
    return rule


def _check_lock(mentees, mentors, locks, mentee_id: int, mentor_id: int) -> None:
    """Ask the engine whether the lock can hold, with the mentor's other locks and declines."""
    others = [r.mentee_id for r in locks if r.mentor_id == mentor_id and r.mentee_id in mentees]
    people = [mentees[u] for u in [*others, mentee_id]]
    locked = [(bridge.person_id(u), bridge.person_id(mentor_id)) for u in [*others, mentee_id]]
    declined = [p for p in bridge.declined_pairs([mentee_id])
                if p[1] == bridge.person_id(mentor_id)]
    try:
        match_mentors(people, [mentors[mentor_id]], locked=locked, declined=declined)
    except PairError as exc:
        text = str(exc)
        if "declined" in text:
            raise RoundError("This mentor declined this mentee before, so they can't be "
                             "locked together.") from exc
        if "capacity" in text:
            raise RoundError("This mentor has no free place left for another locked "
                             "mentee.") from exc
        if "themselves" in text:
            raise RoundError("Someone can't be their own mentor.") from exc
        raise RoundError("These two can't be paired: they work for the same organisation, or "
                         "one of them meets only in person and they are in different "
                         "regions.") from exc


def remove_rule(actor: User, rnd: MentoringRound, rule_id: int) -> bool:
    _editable(rnd)
    rule = db.session.get(RoundPairRule, rule_id)
    if rule is None or rule.round_id != rnd.id:
        return False
    audit.record(actor, "round.rule_removed", rnd, kind=rule.kind.value,
                 mentee_id=rule.mentee_id, mentor_id=rule.mentor_id)
    db.session.delete(rule)
    db.session.commit()
    return True


# ---------------------------------------------------------------- running


def start_run(actor: User, rnd: MentoringRound) -> Job:
    """Queue the engine for this round (again, if it ran before)."""
    _editable(rnd)
    # One conditional update: two clicks on "Run" queue one run.
    changed = db.session.execute(
        sa.update(MentoringRound)
        .where(MentoringRound.id == rnd.id, MentoringRound.status.in_(EDITABLE))
        .values(status=RoundStatus.RUNNING)
    ).rowcount
    if not changed:
        db.session.rollback()
        raise RoundError("The round is already running.")
    audit.record(actor, "round.run", rnd)
    job = rnd.job
    if job is not None:
        db.session.commit()
        return jobs.rerun(job)
    job = jobs.new(RUN_KIND, {"round_id": rnd.id}, actor)
    rnd.job = job
    db.session.commit()
    jobs.queue(job)
    return job


def _mark_failed(job: Job) -> None:
    db.session.execute(
        sa.update(MentoringRound)
        .where(MentoringRound.id == job.params["round_id"],
               MentoringRound.status == RoundStatus.RUNNING)
        .values(status=RoundStatus.FAILED))
    db.session.commit()


@jobs.runner(RUN_KIND, on_failure=_mark_failed)
def run_round(job: Job, report: jobs.Report) -> str:
    """The task: read the pool, match, save one proposal per mentee, and show the preview."""
    rnd = db.session.get(MentoringRound, job.params["round_id"])
    if rnd is None:
        raise jobs.JobError("This round no longer exists.")
    report(5, "Reading the pool of mentees and mentors.")
    pool = bridge.load_pool(rnd.region_id)
    if not pool.mentees:
        raise jobs.JobError("Nobody in this round's pool is waiting for a mentor. See the pool "
                            "page for who is left out and why.")
    in_pool = ({bridge.user_id(m.id) for m in pool.mentees},
               {bridge.user_id(m.id) for m in pool.mentors})
    rules = list(db.session.scalars(
        sa.select(RoundPairRule).where(RoundPairRule.round_id == rnd.id)))
    usable = [r for r in rules if r.mentee_id in in_pool[0] and r.mentor_id in in_pool[1]]
    locked = [(bridge.person_id(r.mentee_id), bridge.person_id(r.mentor_id))
              for r in usable if r.kind == PairRuleKind.LOCK]
    declined = bridge.declined_pairs(in_pool[0]) + [
        (bridge.person_id(r.mentee_id), bridge.person_id(r.mentor_id))
        for r in usable if r.kind == PairRuleKind.FORBID]
    report(20, f"Matching {len(pool.mentees)} mentees with {len(pool.mentors)} mentors.")
    try:
        result = match_mentors(pool.mentees, pool.mentors, locked=locked,
                               declined=sorted(set(declined)),
                               weights=Weights.from_mapping(weights_of(rnd)))
    except PairError as exc:
        raise jobs.JobError("A locked pair can no longer be kept (the people in it changed "
                            "since it was locked). Remove it on the locked pairs page and "
                            "run again.") from exc
    report(85, "Saving the proposals.")
    db.session.execute(sa.delete(RoundProposal).where(RoundProposal.round_id == rnd.id))
    rows = [{"round_id": rnd.id, "mentee_id": bridge.user_id(p.mentee_id),
             "mentor_id": bridge.user_id(p.mentor_id), "score": p.score,
             "reason": p.explanation} for p in result.pairs]
    rows += [{"round_id": rnd.id, "mentee_id": bridge.user_id(u.mentee_id), "mentor_id": None,
              "score": None, "reason": u.reason} for u in result.unmatched]
    if rows:
        db.session.execute(sa.insert(RoundProposal), rows)
    skipped = len(rules) - len(usable)
    summary = summarise_matches(result)
    if skipped:
        summary += (f" {skipped} locked or forbidden {'pair was' if skipped == 1 else 'pairs were'}"
                    " left aside: someone in it is no longer in the pool.")
    rnd.summary = summary
    rnd.stats = {
        "mentees": len(pool.mentees), "mentors": len(pool.mentors),
        "places": sum(m.capacity for m in pool.mentors), "left_out": len(pool.left_out),
        "matched": len(result.pairs), "max_matches": result.max_matches,
        "optimal": result.optimal, "status": result.status,
        "total_score": result.total_score, "gap": result.gap, "locked": len(locked),
        "forbidden": len(usable) - len(locked), "skipped_rules": skipped,
        "seconds_engine": result.stats.get("seconds_total"),
    }
    rnd.status = RoundStatus.PREVIEW
    db.session.commit()
    return f"Proposed {len(result.pairs)} pairs for {len(pool.mentees)} mentees."


def optimality_words(rnd: MentoringRound) -> str:
    """The engine's status in words a coordinator can use."""
    stats = rnd.stats or {}
    if stats.get("optimal"):
        return "Yes, proven: no other set of pairs matches more people or fits them better."
    gap = stats.get("gap")
    near = f" It is within {gap:.1%} of the best possible." if gap is not None else ""
    return ("Nearly: no other set of pairs matches more people, but a slightly better fit "
            f"overall may exist.{near}")


@dataclass(frozen=True)
class RoundHead:
    """A round as its pool page shows it: plain values, its job's id (None: never run)."""

    id: int
    name: str
    status: RoundStatus
    region_id: int | None
    job_id: int | None


@cache
def _round_head_statement() -> sa.Select:
    return (sa.select(MentoringRound.id, MentoringRound.name, MentoringRound.status,
                      MentoringRound.region_id, MentoringRound.job_id)
            .where(MentoringRound.id == sa.bindparam("round")))


def round_head(round_id: int) -> RoundHead | None:
    """The round as ``RoundHead``, or None: plain values, without loading the round as an
    object (about 0.15 ms less)."""
    found = reads.rows(_round_head_statement(), {"round": round_id})
    return RoundHead(*found[0]) if found else None


@cache
def _round_statement():
    return sa.select(MentoringRound).where(MentoringRound.id == sa.bindparam("round"))


def get_round(round_id: int) -> MentoringRound | None:
    """The round, or None: one statement built once per process (``Session.get`` built its
    query afresh each time, about 0.1 ms more)."""
    return db.session.execute(_round_statement(), {"round": round_id}).scalar_one_or_none()


# ---------------------------------------------------------------- the preview


@dataclass(frozen=True)
class PreviewRound:
    """A round as its preview shows it: plain values, read with the page's proposals."""

    id: int
    name: str
    status: RoundStatus
    summary: str
    stats: dict


class PreviewRow(NamedTuple):
    """A proposal as the preview shows it: plain values, the two people's names, whether the
    pair is locked, and each person's choices of who sees what as their stored JSON text
    (None: no profile), so the reason is worded without another statement."""

    id: int
    mentee_id: int
    mentor_id: int | None
    score: float | None
    reason: str | None
    mentee_name: str | None
    mentor_name: str | None
    is_locked: bool
    mentee_choices: str | None
    mentor_choices: str | None


# Each row of the preview's statement: which part it is of (in its first column), the total of
# its page, the round's columns, then a proposal's, in ``PreviewRow``'s order.
_ROUND_PART, _PAIRS_PART, _UNMATCHED_PART = 0, 1, 2
_ROUND_COLUMNS = (MentoringRound.name, MentoringRound.status, MentoringRound.summary,
                  MentoringRound.stats)
_ROW_STARTS = 2 + len(_ROUND_COLUMNS)
_PROPOSAL_TYPES = (RoundProposal.id.type, RoundProposal.mentee_id.type,
                   RoundProposal.mentor_id.type, RoundProposal.score.type,
                   RoundProposal.reason.type, User.display_name.type, User.display_name.type,
                   sa.Boolean(), sa.Text(), sa.Text())


def _nothing(name: str, type_) -> sa.ColumnElement:
    """A NULL column standing in for another part's column (typed, so that the rows of the
    part that fills it are read as that type, whichever part comes first)."""
    return sa.type_coerce(sa.null(), type_).label(name)


def _proposals_page(matched: bool, limit: int, offset: int) -> sa.Select:
    """A page of a round's proposals (parameter ``round``), pairs best first with whether each
    is locked, or the unmatched by id, each with its total, then both people's names and
    choices of who sees what (as text: many people keep the same, worked out once)."""
    # The page is taken from the round's proposals first and only its rows are joined to
    # both people (was every proposal joined, then the page taken).
    round_id = sa.bindparam("round")
    side = RoundProposal.mentor_id.is_not(None) if matched else RoundProposal.mentor_id.is_(None)
    order = (RoundProposal.score.desc(), RoundProposal.id) if matched else (RoundProposal.id,)
    page = (sa.select(RoundProposal.id, RoundProposal.mentee_id, RoundProposal.mentor_id,
                      RoundProposal.score, RoundProposal.reason,
                      sa.func.count().over().label("total"))
            .where(RoundProposal.round_id == round_id, side)
            .order_by(*order).limit(limit).offset(offset).subquery("page"))
    mentee, mentor = sa.orm.aliased(User), sa.orm.aliased(User)
    # Choices are never NULL in a profile: NULL here is someone with no profile.
    mentee_profile, mentor_profile = sa.orm.aliased(Profile), sa.orm.aliased(Profile)
    if matched:
        locked = sa.exists().where(RoundPairRule.round_id == round_id,
                                   RoundPairRule.kind == PairRuleKind.LOCK,
                                   RoundPairRule.mentee_id == page.c.mentee_id,
                                   RoundPairRule.mentor_id == page.c.mentor_id)
    else:
        locked = sa.false()
    return (
        sa.select(sa.literal_column(str(_PAIRS_PART if matched else _UNMATCHED_PART))
                  .label("part"), page.c.total,
                  *(_nothing(c.key, c.type) for c in _ROUND_COLUMNS),
                  page.c.id, page.c.mentee_id, page.c.mentor_id, page.c.score, page.c.reason,
                  mentee.display_name.label("mentee_name"),
                  mentor.display_name.label("mentor_name"), locked.label("is_locked"),
                  sa.cast(mentee_profile.visibility, sa.Text).label("mentee_choices"),
                  sa.cast(mentor_profile.visibility, sa.Text).label("mentor_choices"))
        .select_from(page)
        .outerjoin(mentee, mentee.id == page.c.mentee_id)
        .outerjoin(mentor, mentor.id == page.c.mentor_id)
        .outerjoin(mentee_profile, mentee_profile.user_id == page.c.mentee_id)
        .outerjoin(mentor_profile, mentor_profile.user_id == page.c.mentor_id))


@lru_cache(maxsize=64)
def _preview_statement(page: int, unmatched_page: int, per_page: int) -> sa.CompoundSelect:
    """The round (parameter ``round``), a page of its pairs and a page of its unmatched, each
    page with its total, in one statement; kept per pages asked for, the page sizes and
    starts written in."""
    the_round = (sa.select(sa.literal_column(str(_ROUND_PART)).label("part"),
                           _nothing("total", sa.Integer()), *_ROUND_COLUMNS,
                           *(_nothing(name, type_) for name, type_
                             in zip(PreviewRow._fields, _PROPOSAL_TYPES, strict=True)))
                 .where(MentoringRound.id == sa.bindparam("round")))
    return sa.union_all(
        the_round,
        _proposals_page(True, per_page, (page - 1) * per_page),
        _proposals_page(False, per_page, (unmatched_page - 1) * per_page))


@lru_cache(maxsize=64)
def _preview_sql(dialect: sa.Dialect, page: int, unmatched_page: int, per_page: int) -> str:
    """PostgreSQL: ``_preview_statement`` as the driver's text, written out once per process
    with every fixed value in it (the pages' sizes and starts, the kind of rule that locks a
    pair), so that a run passes only ``round`` and skips SQLAlchemy's compiled-statement work
    (looking the statement up, building and converting its values, reading each column
    through its type). The fixed values are the code's own, never a person's."""
    return driver_text(_preview_statement(page, unmatched_page, per_page), dialect,
                       {"round": "%(round)s::INTEGER"})


def _count_statement(matched: bool) -> sa.Select:
    """How many pairs, or unmatched, a round (parameter ``round``) has."""
    side = RoundProposal.mentor_id.is_not(None) if matched else RoundProposal.mentor_id.is_(None)
    return sa.select(sa.func.count()).select_from(RoundProposal).where(
        RoundProposal.round_id == sa.bindparam("round"), side)


def preview(round_id: int, page: int, unmatched_page: int, per_page: int):
    """(the round as ``PreviewRound``, a page of its proposed pairs, a page of its unmatched),
    as ``PreviewRow``, in one statement of plain values; None when there is no such round.

    Whether a pair is locked and who lets whom see what come with the pair.
    """
    params = {"round": round_id}
    page, unmatched_page = max(page, 1), max(unmatched_page, 1)
    dialect = db.engine.dialect
    if dialect.name == "postgresql":
        rows = reads.driver_rows(_preview_sql(dialect, page, unmatched_page, per_page), params)
    else:
        rows = db.session.connection().execute(
            _preview_statement(page, unmatched_page, per_page), params).all()
    head, found = None, {_PAIRS_PART: [], _UNMATCHED_PART: []}
    for row in rows:
        if row.part == _ROUND_PART:
            head = row
        else:
            found[row.part].append(row)
    if head is None:
        return None
    # The driver's text reads the status as its stored value.
    the_round = PreviewRound(round_id, head.name, RoundStatus(head.status), head.summary,
                             head.stats)
    pages = []
    for part, number in ((_PAIRS_PART, page), (_UNMATCHED_PART, unmatched_page)):
        items = [PreviewRow._make(r[_ROW_STARTS:]) for r in found[part]]
        # A union keeps no order: each part in its own (pairs best first, unmatched by id).
        items.sort(key=(lambda p: (p.score is not None, -(p.score or 0), p.id))
                   if part == _PAIRS_PART else (lambda p: p.id))
        if items:
            total = found[part][0].total
        elif number == 1:
            total = 0
        else:  # a page past the end has no row to carry the total
            total = db.session.connection().execute(_count_statement(part == _PAIRS_PART),
                                                    params).scalar_one()
        pages.append(paging.Page(items, total, number, per_page))
    return the_round, *pages


def preview_pages(rnd: MentoringRound, page: int, unmatched_page: int, per_page: int):
    """(a page of proposed pairs, a page of the unmatched, the page's locked pairs as
    (mentee id, mentor id)): ``preview`` for a round already read."""
    _, pairs, unmatched = preview(rnd.id, page, unmatched_page, per_page)
    return pairs, unmatched, {(p.mentee_id, p.mentor_id) for p in pairs.items if p.is_locked}


def reasons_for(viewer: User, proposals) -> dict[int, str]:
    """Each proposed pair's reason as ``viewer`` (a coordinator) may read it, by proposal id.

    The engine's reason speaks of both people's profiles, scores included; a part is kept
    only when both let coordinators see it (``mentoring.reason_for_coordinator``). A fixed
    number of queries for a page of proposals (none for the preview's rows, which carry each
    person's choices).
    """
    paired = [p for p in proposals if p.mentor_id is not None]
    people = sorted({p.mentee_id for p in paired} | {p.mentor_id for p in paired})
    if all(isinstance(p, PreviewRow) for p in paired):
        chosen = {p.mentee_id: p.mentee_choices for p in paired}
        chosen.update({p.mentor_id: p.mentor_choices for p in paired})
        shown = _shown_from_choices(viewer, chosen)
    else:
        shown = profiles.shown_fields(viewer, people)
    return {p.id: _reason_for_coordinator(p.reason, shown[p.mentee_id], shown[p.mentor_id])
            for p in paired}


# The same pair's reason is worded again on each showing of its page: kept by what it rests
# on (the engine's words and what each person shows), so a changed choice shows at once.
_reason_for_coordinator = lru_cache(maxsize=2048)(mentoring.reason_for_coordinator)


def _shown_from_choices(viewer: User, chosen: dict[int, str | None]) -> dict[int, frozenset]:
    """``profiles.shown_fields(viewer, list(chosen))`` from choices already read ({user id:
    the profile's stored choices as JSON text, None for someone with no profile})."""
    # The person behind the login proxy, asked once rather than for each person here.
    viewer = getattr(viewer, "_get_current_object", lambda: viewer)()
    audiences_of = profiles._audiences_of(viewer, list(chosen))
    return {uid: frozenset() if choices is None else _shown_to(audiences_of(uid), choices)
            for uid, choices in chosen.items()}


@lru_cache(maxsize=1024)
def _shown_to(audiences: frozenset[str], choices: str) -> frozenset[str]:
    """The fields a profile with these stored choices (JSON text) shows to these audiences:
    many people keep the same choices, so each is worked out once per process."""
    rules = profiles._rules(json.loads(choices) or {})
    return frozenset(field for field, audience in rules.items() if audience in audiences)


# ---------------------------------------------------------------- publishing


def offers_of(rnd: MentoringRound) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Mentorship)
                             .where(Mentorship.round_id == rnd.id)) or 0


def publish(actor: User, round_id: int) -> int:
    """Turn every proposal into an offer and tell each mentor, in one transaction.

    All or nothing: any error rolls the whole publish back, so no offer, notification or
    email is left behind. Publishing a published round does nothing and returns 0. Emails go
    through the task queue after the commit.
    """
    try:
        # The row lock makes a second, simultaneous publish wait, then find it published.
        rnd = db.session.execute(
            sa.select(MentoringRound).where(MentoringRound.id == round_id).with_for_update()
        ).scalar_one()
        if rnd.status == RoundStatus.PUBLISHED:
            db.session.rollback()
            return 0
        if rnd.status != RoundStatus.PREVIEW:
            raise RoundError("Only a round with proposals to check can be published. Run it "
                             "first.")
        # The proposed mentors' profiles, locked in id order like every other profile lock:
        # an offer after a decline or a member's request to one of them waits for this
        # publish, or this publish waits for it and then counts it, so no place is taken twice.
        db.session.execute(
            sa.select(Profile.user_id)
            .where(Profile.user_id.in_(_proposed(rnd, RoundProposal.mentor_id)))
            .order_by(Profile.user_id).with_for_update())
        proposals = db.session.execute(
            sa.select(RoundProposal.mentee_id, RoundProposal.mentor_id, RoundProposal.score,
                      RoundProposal.reason)
            .where(RoundProposal.round_id == rnd.id, RoundProposal.mentor_id.is_not(None))
            .order_by(RoundProposal.id)).all()
        _check_still_free(rnd, proposals)
        if proposals:
            db.session.execute(sa.insert(Mentorship), [
                {"mentee_id": p.mentee_id, "mentor_id": p.mentor_id,
                 "status": MentorshipStatus.OFFERED, "round_id": rnd.id, "score": p.score,
                 "reason": p.reason} for p in proposals])
        notes = _tell_mentors(rnd, proposals)
        rnd.status = RoundStatus.PUBLISHED
        rnd.published_at = utcnow()
        audit.record(actor, "round.published", rnd, offers=len(proposals))
        db.session.flush()
        note_ids = [n.id for n in notes]
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    _email_later(note_ids)
    return len(proposals)


def _proposed(rnd: MentoringRound, column) -> sa.Select:
    """The round's proposed mentees or mentors, as a subquery (no long lists of ids)."""
    return sa.select(column).where(RoundProposal.round_id == rnd.id,
                                   RoundProposal.mentor_id.is_not(None))


def _check_still_free(rnd: MentoringRound, proposals) -> None:
    """Refuse if the pool changed since the run: a mentee now has a mentor, a mentor no place."""
    busy = db.session.scalar(
        sa.select(sa.func.count(sa.distinct(Mentorship.mentee_id)))
        .where(Mentorship.mentee_id.in_(_proposed(rnd, RoundProposal.mentee_id)),
               Mentorship.status.in_(bridge.BUSY)))
    mentors = _proposed(rnd, RoundProposal.mentor_id)
    loads = Counter(dict(db.session.execute(
        sa.select(Mentorship.mentor_id, sa.func.count())
        .where(Mentorship.mentor_id.in_(mentors), Mentorship.status.in_(bridge.BUSY))
        .group_by(Mentorship.mentor_id)).all()))
    capacity = dict(db.session.execute(
        sa.select(Profile.user_id, Profile.mentor_capacity)
        .where(Profile.user_id.in_(mentors), Profile.mentoring_paused.is_(False))).all())
    wanted = Counter(p.mentor_id for p in proposals)
    full = [m for m, n in wanted.items() if (capacity.get(m) or 0) - loads[m] < n]
    if busy or full:
        raise RoundError(
            "Things changed since this round ran: "
            f"{busy} of its mentees now have a mentor or an open request, and "
            f"{len(full)} of its mentors have fewer free places or are taking a break. "
            "Run the round again for fresh proposals; nothing was published.")


def _tell_mentors(rnd: MentoringRound, proposals) -> list:
    """One notification per mentor, naming their proposed mentees (no other personal data)."""
    by_mentor: dict[int, list[int]] = {}
    for p in proposals:
        by_mentor.setdefault(p.mentor_id, []).append(p.mentee_id)
    names = dict(db.session.execute(
        sa.select(User.id, User.display_name)
        .where(User.id.in_(_proposed(rnd, RoundProposal.mentee_id)))).all())
    mentors = {u.id: u for u in db.session.scalars(
        sa.select(User).where(User.id.in_(_proposed(rnd, RoundProposal.mentor_id)))
        .options(sa.orm.lazyload(User.roles)))}
    link = (url_for("mentoring.mentees") if "mentoring.mentees" in current_app.view_functions
            else url_for("members.notifications_list"))
    notes = []
    for mentor_id, mentee_ids in by_mentor.items():
        who = [names[m] for m in mentee_ids]
        listed = who[0] if len(who) == 1 else ", ".join(who[:-1]) + " and " + who[-1]
        text = (f"You're offered {len(who)} new mentees: {listed}. Please accept or decline."
                if len(who) > 1 else
                f"You're offered a new mentee: {listed}. Please accept or decline.")
        notes.append(notifications.notify(mentors[mentor_id], "offer", text[:300], link,
                                          email=False))
    return notes


def _email_later(note_ids: list[int]) -> None:
    if not note_ids:
        return
    from netapp.tasks import email_notifications

    # Links in emails need the site's address: this request's, or the configured server name.
    site = (request.host_url if has_request_context()
            else f"http://{current_app.config.get('SERVER_NAME') or 'localhost'}/")
    email_notifications(note_ids, site)
