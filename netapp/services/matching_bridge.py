"""The one way between the app and the matching engine: profiles in, the engine's people out,
and the engine's answers back as user ids.

Everything here reads in bulk (a fixed number of queries however many members there are) and
never commits; the mentoring services decide what to save.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from typing import NamedTuple

import sqlalchemy as sa
from flask import current_app

from matching import GroupWeights, Mentee, Mentor, SetMember, form_groups
from matching.lqf import ELEMENT_CODES
from matching.sets import isolated_members, set_violations
from matching.topics import topic_name
from netapp.extensions import db
from netapp.models import (
    AssessmentScore,
    Element,
    Framework,
    LearningSet,
    LocalAuthority,
    MeetingMode,
    MentoringPoolRow,
    Mentorship,
    MentorshipStatus,
    Organisation,
    Profile,
    Region,
    Role,
    SelfAssessment,
    SetMembership,
    SetRequest,
    SetStatus,
    Topic,
    User,
    UserRole,
    member_offers,
)
from netapp.services import reference
from netapp.services.lqf import LQF_CODE
from netapp.services.profiles import matching_rows

# Why someone cannot be put forward, in words a coordinator can act on.
NOT_CONFIRMED = "hasn't confirmed their email address yet"
NO_COUNCIL = "hasn't said which council area they work in"
NO_LEVEL = "hasn't said their level of leadership"
NO_SERVICE = "hasn't said which service they manage"
NO_ASSESSMENT = "hasn't finished a self-assessment yet"
PAUSED = "is taking a break from new mentees"
FULL = "has no free places"
NO_PROFILE = "hasn't filled in their profile yet"

BUSY = (MentorshipStatus.OFFERED, MentorshipStatus.REQUESTED, MentorshipStatus.ACCEPTED)


def person_id(user_id: int) -> str:
    """The engine's id for a member."""
    return str(user_id)


def user_id(engine_id: str) -> int:
    """The member behind an engine id."""
    return int(engine_id)


@dataclass
class Pool:
    """The people a round can match, and everyone else with the reason they are left out."""

    mentees: list[Mentee] = field(default_factory=list)
    mentors: list[Mentor] = field(default_factory=list)
    left_out: dict[int, str] = field(default_factory=dict)


class _Said(NamedTuple):
    """What the profile rules look at, as SQL columns (``pool_people``)."""

    region: sa.ColumnElement
    local_authority_id: sa.ColumnElement
    level: sa.ColumnElement
    service_type: sa.ColumnElement
    assessed: sa.ColumnElement  # true when the latest LQF assessment scores every element


# Why a profile cannot be used, checked in this order. Each rule is written twice, side by
# side: as a test of one ``matching_rows`` row (``_common``, for the engine) and as the same
# test in SQL (``pool_people``, for pages that show the pool in names without the engine).
# tests/test_mentoring_pool.py checks the two decide alike on a pool with every reason.
PROFILE_RULES: tuple[tuple[str, Callable[[dict], bool], Callable[[_Said], sa.ColumnElement]],
                     ...] = (
    (NO_COUNCIL, lambda row: not row["region"] or not row["local_authority_id"],
     lambda c: sa.or_(c.region.is_(None), c.region == "", c.local_authority_id.is_(None))),
    (NO_LEVEL, lambda row: row["level"] is None, lambda c: c.level.is_(None)),
    (NO_SERVICE, lambda row: not row["service_type"], lambda c: c.service_type.is_(None)),
    (NO_ASSESSMENT, lambda row: any(code not in row["lqf"] for code in ELEMENT_CODES),
     lambda c: sa.not_(c.assessed)),
)


def _common(row: dict) -> tuple[dict, str | None]:
    """The fields both sides share, or the reason the profile cannot be used."""
    for reason, lacks, _ in PROFILE_RULES:
        if lacks(row):
            return {}, reason
    org = row["organisation_id"]
    return {
        "id": person_id(row["user_id"]),
        # a member with no organisation is unknown, never "the same as everyone without one"
        "organisation": "" if org is None else f"org-{org}",
        "region": row["region"],
        "local_authority": f"la-{row['local_authority_id']}",
        "service_type": row["service_type"],
        "level": row["level"],
        "online": bool(row["online"]),
        "lqf": tuple(row["lqf"][code] for code in ELEMENT_CODES),
    }, None


def to_mentee(row: dict) -> Mentee | str:
    """The engine's Mentee for one ``matching_rows`` row, or the reason there can't be one."""
    fields, reason = _common(row)
    return reason or Mentee(**fields, needs=tuple(row["needs"]))


def to_mentor(row: dict, free_places: int) -> Mentor | str:
    """The engine's Mentor with ``free_places`` left, or the reason there can't be one."""
    fields, reason = _common(row)
    return reason or Mentor(**fields, offers=tuple(row["offers"]), capacity=free_places)


def mentor_loads(mentor_ids: Iterable[int] | None = None) -> Counter[int]:
    """Places taken per mentor: accepted mentees plus offers and requests still open."""
    query = (sa.select(Mentorship.mentor_id, sa.func.count())
             .where(Mentorship.status.in_(BUSY)).group_by(Mentorship.mentor_id))
    if mentor_ids is not None:
        query = query.where(Mentorship.mentor_id.in_(list(mentor_ids)))
    return Counter(dict(db.session.execute(query).all()))


def _region_id_of_council() -> dict[int, int]:
    return dict(db.session.execute(sa.select(LocalAuthority.id, LocalAuthority.region_id)).all())


def load_pool(region_id: int | None = None) -> Pool:
    """Everyone a round for ``region_id`` (the whole country when None) could match.

    Mentees: confirmed members who asked for a mentor and have no mentor, offer or request under
    way, working in the region. Mentors: confirmed mentors not on a break with a free place,
    working in the region or, for a regional round, meeting online from anywhere (the engine
    keeps in-person pairs within one region).
    """
    wanting = set(db.session.scalars(
        sa.select(Profile.user_id).join(User, User.id == Profile.user_id)
        .where(Profile.wants_mentor.is_(True), User.is_active_account.is_(True))
    ))
    busy_mentees = set(db.session.scalars(
        sa.select(Mentorship.mentee_id).where(Mentorship.status.in_(BUSY))
    ))
    mentor_ids = set(db.session.scalars(
        sa.select(UserRole.user_id).join(User, User.id == UserRole.user_id)
        .where(UserRole.role == Role.MENTOR, User.is_active_account.is_(True))
    ))
    paused = set(db.session.scalars(
        sa.select(Profile.user_id).where(Profile.mentoring_paused.is_(True))
    ))
    unconfirmed = set(db.session.scalars(
        sa.select(User.id).where(User.email_verified_at.is_(None))
    ))
    loads = mentor_loads()
    council_region = _region_id_of_council()
    pool = Pool()
    for row in matching_rows():
        uid = row["user_id"]
        in_region = region_id is None or council_region.get(row["local_authority_id"]) == region_id
        if uid in wanting and uid not in busy_mentees and in_region:
            _add(pool, uid, unconfirmed, lambda r=row: to_mentee(r), pool.mentees)
        if uid in mentor_ids and (in_region or row["online"]):
            free = max(0, (row["capacity"] or 0) - loads[uid])
            if uid in paused:
                pool.left_out.setdefault(uid, PAUSED)
            elif free == 0:
                pool.left_out.setdefault(uid, FULL)
            else:
                _add(pool, uid, unconfirmed, lambda r=row, f=free: to_mentor(r, f), pool.mentors)
    return pool


def _add(pool: Pool, uid: int, unconfirmed: set[int], build, into: list) -> None:
    if uid in unconfirmed:
        pool.left_out.setdefault(uid, NOT_CONFIRMED)
        return
    person = build()
    if isinstance(person, str):
        pool.left_out.setdefault(uid, person)
    else:
        into.append(person)


def pool_people(regional: bool, only: list[int] | None = None,
                materialized: bool = True) -> sa.Select:
    """``load_pool``'s decisions in SQL, without the engine's features: a row for each member
    ``load_pool`` puts in one of its lists, for pages that show the pool in names. A regional
    pool's region is the parameter ``region``; otherwise the whole country. With ``only``, the
    rows of these members alone. Read from ``mentoring_pool``, what the database keeps of
    each person who asked for a mentor or is a mentor (``netapp/models/mentoring_pool.py``),
    and the council areas' regions: no engine features are read.

    Columns: ``user_id``; ``name`` (display name); ``sort_name`` (the name in lower case,
    kept by the database, for sorting); ``mentee``, true for someone waiting for a
    mentor; ``places``, a mentor's free places when they are in the pool (else NULL);
    ``left_out``, the reason someone is left out (else NULL). As in ``load_pool``, one person
    can be both a mentee and a mentor, or a mentee and left out as a mentor; when both sides
    leave someone out, the mentee side's reason is kept. The same rules as ``load_pool`` and
    ``_common`` (``PROFILE_RULES``), in the same order.

    Each person's checks are worked out once for the statement (a materialized CTE, for
    counting every row); without ``materialized`` as a subquery, so that a page of rows in
    name order can be read from the kept rows' index (``ix_mentoring_pool_by_name``).
    """
    kept = MentoringPoolRow.__table__.c
    as_mentee, as_mentor = _asked(regional)
    asked = (
        sa.select(kept.user_id, kept.name, kept.sort_name, as_mentee.label("as_mentee"),
                  as_mentor.label("as_mentor"), kept.unconfirmed, kept.paused, kept.free,
                  Region.name.label("region"), kept.local_authority_id, kept.level,
                  kept.service_type, kept.assessed)
        .select_from(MentoringPoolRow.__table__)
        .outerjoin(LocalAuthority, LocalAuthority.id == kept.local_authority_id)
        .outerjoin(Region, Region.id == LocalAuthority.region_id)
        .where(sa.or_(as_mentee, as_mentor))
    )
    if only is not None:
        asked = asked.where(kept.user_id.in_(only))
    asked = asked.subquery("asked")
    said = _Said(asked.c.region, asked.c.local_authority_id, asked.c.level,
                 asked.c.service_type, asked.c.assessed)
    # Each person's checks run once (the reasons below read them several times).
    decided = (
        sa.select(asked.c.user_id, asked.c.name, asked.c.sort_name, asked.c.as_mentee,
                  asked.c.as_mentor,
                  asked.c.unconfirmed, asked.c.paused, asked.c.free,
                  sa.case(*((rule(said), reason) for reason, _, rule in PROFILE_RULES))
                  .label("unusable"))
    )
    decided = (decided.cte("decided").prefix_with("MATERIALIZED") if materialized
               else decided.subquery("decided"))
    c = decided.c
    mentee_reason = sa.case((c.unconfirmed, NOT_CONFIRMED), else_=c.unusable)
    mentor_reason = sa.case((c.paused, PAUSED), (c.free <= 0, FULL),
                            (c.unconfirmed, NOT_CONFIRMED), else_=c.unusable)
    return sa.select(
        c.user_id, c.name, c.sort_name,
        sa.and_(c.as_mentee, mentee_reason.is_(None)).label("mentee"),
        sa.case((sa.and_(c.as_mentor, mentor_reason.is_(None)), c.free)).label("places"),
        sa.case((sa.and_(c.as_mentee, mentee_reason.is_not(None)), mentee_reason),
                (c.as_mentor, mentor_reason)).label("left_out"),
    )


def _asked(regional: bool) -> tuple[sa.ColumnElement, sa.ColumnElement]:
    """(asks as a mentee, offers as a mentor): whether a ``mentoring_pool`` row is one of the
    round's people on each side, over the kept rows joined to their council area."""
    kept = MentoringPoolRow.__table__.c
    in_region = (sa.func.coalesce(LocalAuthority.region_id == sa.bindparam("region"),
                                  sa.false()) if regional else sa.true())
    return sa.and_(kept.wants, in_region), sa.and_(kept.mentor, sa.or_(in_region, kept.online))


class Councils(NamedTuple):
    """The council areas a pool's rules read, by id (``councils``)."""

    named: tuple[int, ...]  # in a region with a name: a profile's council area counts as said
    local: tuple[int, ...] | None  # in the round's region; None for the whole country


def councils(region_id: int | None) -> Councils:
    """The council areas in a named region, and those in the region ``region_id`` (None: the
    whole country), from the process's copies of the councils and regions (reference data,
    kept fresh across processes: ``reference``); worked out again once either is loaded
    again."""
    places, regions = reference.shared("places"), reference.shared("regions")
    kept: dict = current_app.extensions.setdefault("pool_councils", {})
    found = kept.get(region_id)
    if found is None or found[0] is not places or found[1] is not regions:
        found = (places, regions, _councils(places, regions, region_id))
        kept[region_id] = found
    return found[2]


def _councils(places: dict, regions: dict, region_id: int | None) -> Councils:
    # ``places`` holds only councils in a region, by id, with their region's (unique) name.
    named = tuple(sorted(la for la, place in places.items() if place.region))
    if region_id is None:
        return Councils(named, None)
    region = regions.get(region_id)
    return Councils(named, tuple(sorted(
        la for la, place in places.items() if region is not None and place.region == region.name)))


class PoolChecks(NamedTuple):
    """``pool_people``'s checks of a kept row, as conditions or as ``pool_sides``' columns."""

    as_mentee: sa.ColumnElement  # asks for a mentor in this pool
    as_mentor: sa.ColumnElement  # offers to be one in this pool
    ok: sa.ColumnElement  # passes ``PROFILE_RULES``
    open: sa.ColumnElement  # has a free place and is not taking a break


# Each of the pool's lists by those checks; ``pool_people`` gives a reason exactly for those
# who ask or offer and are on neither side's list ("left_out").
POOL_LISTS: dict[str, Callable[[PoolChecks], sa.ColumnElement]] = {
    "mentees": lambda c: sa.and_(c.as_mentee, c.ok),
    "mentors": lambda c: sa.and_(c.as_mentor, c.ok, c.open),
    "left_out": lambda c: sa.or_(sa.and_(c.as_mentee, sa.not_(c.ok)),
                                 sa.and_(c.as_mentor, sa.not_(sa.and_(c.ok, c.open)))),
}


def _pool_checks(councils: Councils) -> PoolChecks:
    """``pool_people``'s checks as plain conditions on a kept row alone, never NULL. The
    council areas are written in as ``councils`` lists them (no join): the ``NO_COUNCIL``
    rule holds exactly when a row's council area is not in a named region; the other rules
    are ``PROFILE_RULES``' own."""
    kept = MentoringPoolRow.__table__.c

    def among(ids: tuple[int, ...]) -> sa.ColumnElement:
        return sa.func.coalesce(kept.local_authority_id.in_(ids), sa.false())

    said = _Said(sa.null(), kept.local_authority_id, kept.level, kept.service_type,
                 kept.assessed)
    ok = sa.and_(sa.not_(kept.unconfirmed), among(councils.named),
                 *(sa.not_(rule(said)) for reason, _, rule in PROFILE_RULES
                   if reason != NO_COUNCIL))
    here = sa.true() if councils.local is None else among(councils.local)
    return PoolChecks(sa.and_(kept.wants, here), sa.and_(kept.mentor, sa.or_(here, kept.online)),
                      ok, sa.and_(sa.not_(kept.paused), kept.free > 0))


def pool_sides(councils: Councils) -> sa.Select:
    """Every kept row with ``pool_people``'s checks (``PoolChecks``) as plain columns, and
    ``free``, for counting the lists (``POOL_LISTS``) without a reason worked out for anyone.
    The same rules as ``pool_people``, on ``councils``' council areas."""
    checks = _pool_checks(councils)
    kept = MentoringPoolRow.__table__.c
    return sa.select(kept.free, *(check.label(name)
                                  for name, check in zip(PoolChecks._fields, checks,
                                                         strict=True)))


def pool_list(councils: Councils, show: str) -> sa.Select:
    """The kept rows (``user_id``, ``name``, ``sort_name``) of one of ``POOL_LISTS``
    (``show``), by ``pool_sides``' checks, in no set order."""
    if show not in POOL_LISTS:
        raise ValueError(f"pool_list lists one of {sorted(POOL_LISTS)}, not {show!r}")
    kept = MentoringPoolRow.__table__.c
    return (sa.select(kept.user_id, kept.name, kept.sort_name)
            .select_from(MentoringPoolRow.__table__)
            .where(POOL_LISTS[show](_pool_checks(councils))))


def load_pool_of(region_id: int | None, user_ids: Iterable[int]) -> Pool:
    """The engine's mentees and mentors among ``user_ids``, exactly as ``load_pool`` would
    have them (its decisions through ``pool_people``), with the features of these members
    alone; ``left_out`` stays empty. A fixed number of queries however large the pool."""
    ids = sorted(set(user_ids))
    pool = Pool()
    if not ids:
        return pool
    people = pool_people(region_id is not None, ids).subquery("people")
    params = {} if region_id is None else {"region": region_id}
    decided = {uid: (mentee, places) for uid, mentee, places in db.session.execute(
        sa.select(people.c.user_id, people.c.mentee, people.c.places), params)}
    for row in matching_rows(sorted(decided)):
        mentee, places = decided[row["user_id"]]
        if mentee:
            pool.mentees.append(to_mentee(row))
        if places is not None:
            pool.mentors.append(to_mentor(row, places))
    return pool


def declined_pairs(mentee_ids: Iterable[int] | None = None) -> list[tuple[str, str]]:
    """Every (mentee, mentor) pair that was declined before, in the engine's ids."""
    query = sa.select(Mentorship.mentee_id, Mentorship.mentor_id).where(
        Mentorship.status == MentorshipStatus.DECLINED)
    if mentee_ids is not None:
        query = query.where(Mentorship.mentee_id.in_(list(mentee_ids)))
    return [(person_id(a), person_id(b)) for a, b in db.session.execute(query)]


@dataclass
class OneMentee:
    """One member as a mentee, or why they can't be one, and every mentor open to them."""

    mentee: Mentee | None
    reason: str
    mentors: list[Mentor] = field(default_factory=list)


def open_mentors_for(mentee_user_id: int, exclude: Iterable[int] = ()) -> OneMentee:
    """The member as the engine's Mentee, and the mentors who could take them now.

    Mentors: confirmed, active, not on a break, with a free place (accepted mentees and open
    offers and requests count as taken), each with ``capacity`` set to their free places, so
    ``suggest_mentors`` needs no loads. ``exclude`` (user ids) are left out, for example
    mentors this member dismissed or already asked. A fixed number of queries.

    Mentors the engine would rule out for this mentee anyway (another region when either of
    them meets only in person, the same organisation) are left out by the database. Every
    visit reads each candidate's current profile, places and latest assessment afresh; only
    turning them into the engine's Mentor is kept per process (``_mentors_from``).
    """
    rows = matching_rows([mentee_user_id])
    if not rows:
        return OneMentee(None, NO_PROFILE)
    mentee = to_mentee(rows[0])
    if isinstance(mentee, str):
        return OneMentee(None, mentee)
    found = db.session.execute(
        _candidate_mentors(rows[0], set(exclude) | {mentee_user_id}).order_by(Profile.user_id)
    ).all()
    return OneMentee(mentee, "", _mentors_from(found))


def _latest_assessment() -> sa.ScalarSelect:
    """The id of a profile's owner's latest finished LQF self-assessment, as
    ``lqf.latest_scores_by_user`` reads it (a subquery correlated to ``Profile``)."""
    done = sa.orm.aliased(SelfAssessment)
    return (sa.select(done.id)
            .join(Framework, Framework.id == done.framework_id)
            .where(done.user_id == Profile.user_id, Framework.code == LQF_CODE,
                   done.completed_at.is_not(None))
            .order_by(done.completed_at.desc(), done.id.desc())
            .limit(1).correlate(Profile).scalar_subquery())


def _candidate_mentors(mentee_row: dict, skip: set[int]) -> sa.Select:
    """The mentors with a free place the engine could pair with this mentee: one row each,
    with what a Mentor is made of but their offers and scores (``_mentors_from``)."""
    taken = (sa.select(sa.func.count()).where(Mentorship.mentor_id == Profile.user_id,
                                              Mentorship.status.in_(BUSY))
             .correlate(Profile).scalar_subquery())
    latest = _latest_assessment()
    query = (
        sa.select(Profile.user_id, Profile.organisation_id, Organisation.service_type,
                  Profile.local_authority_id, Region.name.label("region"), Profile.level,
                  Profile.meets_online, (Profile.mentor_capacity - taken).label("free"),
                  SelfAssessment.id.label("assessment_id"), SelfAssessment.completed_at)
        .join(User, User.id == Profile.user_id)
        .join(UserRole, (UserRole.user_id == Profile.user_id) & (UserRole.role == Role.MENTOR))
        .join(Organisation, Organisation.id == Profile.organisation_id)
        .join(LocalAuthority, LocalAuthority.id == Profile.local_authority_id)
        .join(Region, Region.id == LocalAuthority.region_id)
        .join(SelfAssessment, SelfAssessment.id == latest)
        .where(User.is_active_account.is_(True), User.email_verified_at.is_not(None),
               Profile.mentoring_paused.is_(False), Profile.level.is_not(None),
               Profile.mentor_capacity > taken, Profile.user_id.not_in(sorted(skip)))
    )
    # The engine's hard rules, as in matching/score.py: in-person pairs stay in one region,
    # and never two people of one (known) organisation.
    same_region = Region.name == mentee_row["region"]
    query = query.where(sa.or_(same_region, Profile.meets_online.is_(True))
                        if mentee_row["online"] else same_region)
    if mentee_row["organisation_id"] is not None:
        query = query.where(Profile.organisation_id != mentee_row["organisation_id"])
    return query


_MENTORS_KEPT = 30_000  # engine Mentors kept per process; all are dropped past it


def _mentors_from(found) -> list[Mentor]:
    """The engine's Mentor for each ``_candidate_mentors`` row that can be one.

    A Mentor is kept per process under everything it is made of: the row (profile, free
    places, which assessment) and the mentor's offers. A finished assessment never changes
    (a new one is a new row; the moment it was finished is in the key so an id reused after a
    deletion is never mistaken for the old one), so a kept Mentor is exactly the one the
    current data would give. Only mentors not kept yet have their scores read. Two queries,
    whatever the number of mentors.
    """
    kept = current_app.extensions.setdefault("netapp.mentor_pool", {})
    offers: dict[int, list[str]] = {}
    for uid, code in db.session.execute(
            sa.select(member_offers.c.user_id, Topic.code)
            .join(Topic, Topic.id == member_offers.c.topic_id)
            .join(UserRole, (UserRole.user_id == member_offers.c.user_id)
                  & (UserRole.role == Role.MENTOR))
            .order_by(member_offers.c.user_id, Topic.position)):
        offers.setdefault(uid, []).append(code)
    keys = [(*r, tuple(offers.get(r.user_id, ()))) for r in found]
    mentors = {key: kept.get(key) for key in keys}
    missing = [key for key, mentor in mentors.items() if mentor is None]
    scores: dict[int, dict[str, int]] = {}
    for assessment_id, code, score in db.session.execute(
            sa.select(AssessmentScore.assessment_id, Element.code, AssessmentScore.score)
            .join(Element, Element.id == AssessmentScore.element_id)
            .where(AssessmentScore.assessment_id.in_(sorted({k[8] for k in missing})))):
        scores.setdefault(assessment_id, {})[code] = score
    made = {}
    for key in missing:
        uid, org, service, council, region, level, online, free, assessment, _, codes = key
        made[key] = to_mentor({"user_id": uid, "organisation_id": org,
                               "service_type": service.value if service else None,
                               "local_authority_id": council, "region": region,
                               "level": level, "online": online,
                               "lqf": scores.get(assessment, {}), "offers": list(codes)}, free)
    if len(kept) + len(made) > _MENTORS_KEPT:
        kept.clear()
    kept.update(made)
    mentors.update(made)
    return [m for m in (mentors[key] for key in keys) if not isinstance(m, str)]


# ---------------------------------------------------------------- action learning sets

ALREADY_IN_SET = "is already in an action learning set"
# How a member who asked to join wants to meet, as the engine's ``online`` and ``online_only``
# flags: "in person" meets only in person, "online" only online, "either" both ways.
_ONLINE_BY_MODE = {MeetingMode.IN_PERSON: (False, False), MeetingMode.ONLINE: (True, True),
                   MeetingMode.EITHER: (True, False)}


@dataclass
class SetPool:
    """The members a formation can place, and everyone else in its pool with the reason."""

    members: list[SetMember] = field(default_factory=list)
    left_out: dict[int, str] = field(default_factory=dict)


def to_set_member(row: dict, mode: MeetingMode | None = None) -> SetMember | str:
    """The engine's SetMember for one ``matching_rows`` row, or the reason there can't be one.

    ``mode`` (from the member's request to join) overrides the profile's choice: "online" is
    online only, a hard rule of the engine. Affinity codes go to the engine here and nowhere
    else.
    """
    fields, reason = _common(row)
    if reason:
        return reason
    online_only = False
    if mode is not None:
        fields["online"], online_only = _ONLINE_BY_MODE[mode]
    return SetMember(**fields, needs=tuple(row["needs"]), affinity=tuple(row["affinity"]),
                     online_only=online_only)


def _in_active_set(user_ids: list[int] | None = None) -> set[int]:
    query = (sa.select(SetMembership.user_id)
             .join(LearningSet, LearningSet.id == SetMembership.set_id)
             .where(LearningSet.status == SetStatus.ACTIVE, SetMembership.left_at.is_(None)))
    if user_ids is not None:
        query = query.where(SetMembership.user_id.in_(user_ids))
    return set(db.session.scalars(query))


def load_set_pool(region_id: int | None, only_asked: bool,
                  asked_after=None) -> SetPool:
    """Everyone a formation for ``region_id`` (the whole country when None) could place.

    With ``only_asked``, the members who asked to join a set (and, with ``asked_after``, asked
    after that moment); otherwise every member working in the region. Members already in an
    active set, unconfirmed ones and incomplete profiles are left out with the reason. A fixed
    number of queries whatever the number of members.
    """
    requests = dict(db.session.execute(sa.select(SetRequest.user_id, SetRequest.mode)).all())
    if asked_after is not None:
        later = set(db.session.scalars(
            sa.select(SetRequest.user_id).where(SetRequest.created_at > asked_after)))
        requests = {u: m for u, m in requests.items() if u in later}
    unconfirmed = set(db.session.scalars(
        sa.select(User.id).where(User.email_verified_at.is_(None))))
    busy = _in_active_set()
    council_region = _region_id_of_council()
    pool = SetPool()
    for row in matching_rows():
        uid = row["user_id"]
        if only_asked and uid not in requests:
            continue
        if region_id is not None and council_region.get(row["local_authority_id"]) != region_id:
            continue
        if uid in busy:
            pool.left_out[uid] = ALREADY_IN_SET
            continue
        if uid in unconfirmed:
            pool.left_out[uid] = NOT_CONFIRMED
            continue
        mode = requests.get(uid)
        member = to_set_member(row, mode)
        if isinstance(member, str):
            pool.left_out[uid] = member
        else:
            pool.members.append(member)
    if only_asked:
        # Asked, but no profile at all: matching_rows has no row for them.
        for uid in sorted(set(requests) - {r for r in pool.left_out}
                          - {user_id(m.id) for m in pool.members}):
            if region_id is None:
                pool.left_out[uid] = NO_PROFILE
    return pool


def set_members(user_ids: Iterable[int], read_all_above: int = 2000) -> dict[int, SetMember]:
    """The engine's SetMember for each of these members who can be one (a fixed number of
    queries); a member's request to join decides whether they meet online, in person or
    either way."""
    ids = sorted(set(user_ids))
    if not ids:
        return {}
    # A whole formation (thousands of members) is read in full rather than sent as a list.
    many = len(ids) > read_all_above
    wanted = set(ids)
    modes = dict(db.session.execute(
        sa.select(SetRequest.user_id, SetRequest.mode)
        .where(sa.true() if many else SetRequest.user_id.in_(ids))).all())
    out = {}
    for row in matching_rows(None if many else ids):
        if row["user_id"] not in wanted:
            continue
        mode = modes.get(row["user_id"])
        member = to_set_member(row, mode)
        if not isinstance(member, str):
            out[row["user_id"]] = member
    return out


class RuleMember(NamedTuple):
    """What the engine's hard rules for one set (``set_violations``) read of a member: the
    fields of their ``SetMember`` that ``rule_state`` needs, no more (no scores, needs or
    affinity networks)."""

    organisation: str
    region: str
    online: bool
    online_only: bool


def set_rule_columns() -> tuple[sa.ColumnElement, ...]:
    """SQL for pages that check sets' rules without building the engine's people: what
    ``set_members`` reads of a member, as columns of a statement that reads them as ``User``
    outer-joined by ``set_rule_joins``. ``usable``: ``set_members`` would make them a
    ``SetMember`` (an active account with a profile that keeps ``PROFILE_RULES``); then
    ``organisation_id``, ``region``, ``meets_online`` and ``mode`` (their request's), which
    ``rule_member`` turns into the ``RuleMember`` their ``SetMember`` would be."""
    latest = _latest_assessment()
    scored = (sa.select(sa.func.count()).select_from(AssessmentScore)
              .where(AssessmentScore.assessment_id == latest,
                     AssessmentScore.element_id.in_(
                         sa.select(Element.id).where(Element.code.in_(ELEMENT_CODES))))
              .correlate(Profile).scalar_subquery())
    said = _Said(Region.name, Profile.local_authority_id, Profile.level,
                 Organisation.service_type, scored == len(ELEMENT_CODES))
    usable = sa.and_(Profile.user_id.is_not(None), User.is_active_account.is_(True),
                     sa.not_(sa.or_(*(rule(said) for _, _, rule in PROFILE_RULES))))
    columns = (sa.case((usable, sa.true()), else_=sa.false()).label("usable"),
               Profile.organisation_id, Region.name.label("region"), Profile.meets_online,
               SetRequest.mode)
    return columns


def set_rule_joins(query: sa.Select, user_id: sa.ColumnElement) -> sa.Select:
    """``query`` (which already reads ``User`` as the member ``user_id``) outer-joined to the
    tables ``set_rule_columns`` reads."""
    return (query.outerjoin(Profile, Profile.user_id == user_id)
            .outerjoin(Organisation, Organisation.id == Profile.organisation_id)
            .outerjoin(LocalAuthority, LocalAuthority.id == Profile.local_authority_id)
            .outerjoin(Region, Region.id == LocalAuthority.region_id)
            .outerjoin(SetRequest, SetRequest.user_id == user_id))


def rule_member(organisation_id: int | None, region: str, meets_online, mode) -> RuleMember:
    """The ``RuleMember`` of a usable member's ``set_rule_columns``: the same values as their
    ``SetMember`` (``_common`` and ``to_set_member``)."""
    online, online_only = bool(meets_online), False
    if mode is not None:
        online, online_only = _ONLINE_BY_MODE[MeetingMode(mode)]
    return RuleMember("" if organisation_id is None else f"org-{organisation_id}", region,
                      online, online_only)


@dataclass(frozen=True)
class RuleState:
    """Each of a set's rules, kept or not, in words without anyone's name or tag."""

    size: int
    size_ok: bool
    one_per_organisation: bool
    one_region: bool
    #: nobody who asked to meet only online is in a set that meets in person
    online_only_kept: bool = True

    @property
    def ok(self) -> bool:
        return (self.size_ok and self.one_per_organisation and self.one_region
                and self.online_only_kept)


def rule_state(members: list[SetMember], min_size: int, max_size: int) -> RuleState:
    """The engine's verdict on one set (``matching.sets.set_violations``), rule by rule."""
    problems = set_violations(members, (min_size, max_size))
    return RuleState(
        size=len(members),
        size_ok=not any(p.startswith("size ") for p in problems),
        one_per_organisation=not any("organisation" in p for p in problems),
        one_region=not any("region" in p for p in problems),
        online_only_kept=not any("online-only" in p for p in problems),
    )


@dataclass(frozen=True)
class SetAssessment:
    """The engine's view of one set as it stands: its quality and summary when it keeps every
    rule (None otherwise), and where it meets.

    Deliberately no isolation flag: a set re-measured after a coordinator's move, or with one
    named late joiner added, would tell the coordinator whether that person is the only one of
    an affinity network there, which is exactly what they must never learn. The "needs a look"
    flag comes only from a whole formation run (``form_groups`` over the pool).
    """

    quality: float | None
    summary: str
    in_person: bool
    region: str


def assess_set(members: list[SetMember], weights: dict | None = None) -> SetAssessment:
    """Ask the engine about one set by forming exactly it (``form_groups`` with its size as
    both bounds, no search): its quality and summary, or None when it breaks a rule."""
    in_person = not all(m.online for m in members)
    regions = {m.region for m in members}
    region = regions.pop() if len(regions) == 1 else ""
    if len(members) < 2:
        return SetAssessment(None, "", in_person, region)
    gw = GroupWeights.from_mapping(weights) if weights else None
    n = len(members)
    result = form_groups(members, n, n, weights=gw, moves=0, exact_limit=0)
    if len(result.sets) == 1:
        s = result.sets[0]
        return SetAssessment(s.quality, s.summary, in_person, region)
    return SetAssessment(None, "", in_person, region)


def lone_in_set(members: list[SetMember]) -> list[int]:
    """User ids of the members of one set who are the only one of one of their affinity
    networks in it (``matching.sets.isolated_members``). Only for a private note to each of
    them: never shown, counted or logged where anyone else could see it."""
    return [user_id(i) for i in isolated_members(members)]


def shared_needs(members: list[SetMember]) -> list[str]:
    """Topic codes two or more members of the set need help with: the set's themes."""
    counts = Counter(code for m in members for code in m.needs)
    return sorted(code for code, k in counts.items() if k > 1)


def topic_names(codes: Iterable[str]) -> list[str]:
    """Topic codes in words."""
    return [topic_name(code) for code in codes]


def default_group_weights() -> dict[str, float]:
    defaults = GroupWeights()
    return {f.name: float(getattr(defaults, f.name)) for f in fields(defaults)}


def check_group_weights(values: dict) -> None:
    """ValueError (the engine's words) unless the engine accepts these weights."""
    GroupWeights.from_mapping(values)


def form_sets(members: list[SetMember], min_size: int, max_size: int, weights: dict,
              seed: int = 0):
    """The engine's sets for a pool (``matching.form_groups``), default budget."""
    return form_groups(members, min_size, max_size,
                       weights=GroupWeights.from_mapping(weights), seed=seed)
