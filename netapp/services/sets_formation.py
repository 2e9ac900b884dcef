"""Action learning sets, from asking to join to publishing: members' requests, a coordinator's
formation run in the task queue, its preview, moving members between draft sets with every rule
checked again, facilitators, an all-or-nothing publish, and late joiners.

The engine is reached only through the bridge (``matching_bridge``). Affinity tags go to the
engine and never come back: a set's ``needs_look`` is the engine's ``has_isolated_member``,
and no reason, summary, warning or job message names a tag or who has one.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from functools import cache
from typing import NamedTuple

import sqlalchemy as sa
from flask import current_app, has_request_context, request, url_for
from werkzeug.routing import BuildError

from netapp import reads
from netapp.extensions import db
from netapp.models import (
    FormationStatus,
    FormationUnplaced,
    Job,
    JobStatus,
    LearningSet,
    LocalAuthority,
    MeetingMode,
    Notification,
    Profile,
    Region,
    Role,
    SetFormation,
    SetMembership,
    SetRequest,
    SetStatus,
    User,
    UserRole,
)
from netapp.models.base import utcnow
from netapp.services import audit, jobs, notifications, paging, sql_lists
from netapp.services import matching_bridge as bridge
from netapp.services.directory import contains

RUN_KIND = "form_sets"
LATE_KIND = "late_joiner_sets"
ALONE_KIND = "set_alone_check"
ALONE_NOTE = ("A note just for you about {name}: we want everyone to feel at home in their "
              "action learning set. If you'd like to move to another set, you can ask, and "
              "you don't need to say why. Nobody else sees this note.")
EDITABLE = (FormationStatus.DRAFT, FormationStatus.PREVIEW, FormationStatus.FAILED)
DEFAULT_SIZES = (5, 8)
WEIGHT_NAMES = {
    "service_mix": "A mix of types of service",
    "lqf": "Strengths that cover others' weaker areas",
    "shared_needs": "Needs in common",
    "local_authority": "The same council area, for sets that meet in person",
}
MODE_WORDS = {
    MeetingMode.IN_PERSON: "in person, near where you work",
    MeetingMode.ONLINE: "online",
    MeetingMode.EITHER: "in person or online, whichever suits the set",
}


class FormationError(Exception):
    """A request that can't be done; the message says why and what to do."""


# ---------------------------------------------------------------- a member's request


def request_of(user: User) -> SetRequest | None:
    return db.session.get(SetRequest, user.id)


def active_set_of(user: User) -> LearningSet | None:
    return db.session.scalars(
        sa.select(LearningSet).join(SetMembership, SetMembership.set_id == LearningSet.id)
        .where(SetMembership.user_id == user.id, SetMembership.left_at.is_(None),
               LearningSet.status == SetStatus.ACTIVE)).first()


class RequestFacts(NamedTuple):
    mode: MeetingMode
    note: str
    created_at: datetime


class InSet(NamedTuple):
    name: str
    meets_online: bool


@cache
def _standing_statement() -> sa.Select:
    """The statement behind ``request_standing``, built once per process: parameter
    ``viewer``."""
    viewer = sa.bindparam("viewer", type_=sa.Integer())

    def asked(column):
        return sa.select(column).where(SetRequest.user_id == viewer).scalar_subquery()

    def in_set(column):
        return (sa.select(column).join(SetMembership, SetMembership.set_id == LearningSet.id)
                .where(SetMembership.user_id == viewer, SetMembership.left_at.is_(None),
                       LearningSet.status == SetStatus.ACTIVE).limit(1).scalar_subquery())

    return sa.select(asked(SetRequest.mode).label("mode"), asked(SetRequest.note).label("note"),
                     asked(SetRequest.created_at).label("created_at"),
                     in_set(LearningSet.name).label("set_name"),
                     in_set(LearningSet.meets_online).label("meets_online"))


def request_standing(user: User) -> tuple[RequestFacts | None, InSet | None]:
    """The member's request to join a set (``request_of``) and the active set they are in
    (``active_set_of``), as plain values in one statement."""
    row = reads.raw_rows(_standing_statement(), {"viewer": user.id})[0]
    return (None if row.mode is None else
            RequestFacts(MeetingMode(row.mode), row.note, row.created_at),
            None if row.set_name is None else InSet(row.set_name, bool(row.meets_online)))


def ask_to_join(user: User, mode: MeetingMode, note: str) -> SetRequest:
    """Save the member's request (a new one, or a change to theirs)."""
    if active_set_of(user) is not None:
        raise FormationError("You're already in an action learning set.")
    row = request_of(user)
    if row is None:
        row = SetRequest(user_id=user.id, mode=mode, note=note.strip())
        db.session.add(row)
        audit.record(user, "set_request.made", mode=mode.value)
    else:
        row.mode, row.note = mode, note.strip()
        audit.record(user, "set_request.changed", mode=mode.value)
    db.session.commit()
    return row


def withdraw_request(user: User) -> bool:
    row = request_of(user)
    if row is None:
        return False
    db.session.delete(row)
    audit.record(user, "set_request.withdrawn")
    db.session.commit()
    return True


# ---------------------------------------------------------------- formations


@dataclass(frozen=True)
class FormationRow:
    """A formation as the list of formations shows it."""

    id: int
    name: str
    region: str | None  # its region's name; None for the whole country
    status: FormationStatus
    progress: int | None  # its run's, if it has one
    stats: dict | None
    created_at: datetime


@cache
def _formations_statement() -> sa.Select:
    """The statement behind ``formations_page``, built once per process: parameters
    ``per_page`` and ``skip``."""
    return (sa.select(SetFormation.id, SetFormation.name, Region.name.label("region"),
                      SetFormation.status, Job.progress, SetFormation.stats,
                      SetFormation.created_at, sa.func.count().over().label("total"))
            .outerjoin(Region, Region.id == SetFormation.region_id)
            .outerjoin(Job, Job.id == SetFormation.job_id)
            .order_by(SetFormation.created_at.desc(), SetFormation.id.desc())
            .limit(sa.bindparam("per_page", type_=sa.Integer()))
            .offset(sa.bindparam("skip", type_=sa.Integer())))


def formations_page(page: int, per_page: int) -> paging.Page:
    """Page ``page`` of every formation (``FormationRow``s), newest first, with its region's
    name and its run's progress, and the number in all: one statement. (A page past the end is
    empty and its total not counted: the list then shows no pages.)"""
    page = max(page, 1)
    rows = reads.raw_rows(_formations_statement(),
                          {"per_page": per_page, "skip": (page - 1) * per_page})
    return paging.Page([
        FormationRow(row.id, row.name, row.region, FormationStatus(row.status), row.progress,
                     _json_value(row.stats),
                     row.created_at) for row in rows], rows[0].total if rows else 0, page,
        per_page)


class RegionName(NamedTuple):
    name: str


@dataclass(frozen=True)
class JobFacts:
    """A formation's run as its page shows it (``jobs/_progress.html``)."""

    id: int
    status: JobStatus
    progress: int
    message: str
    error: str


@dataclass(frozen=True)
class FormationFacts:
    """A formation as the pages that only show it read it: plain values, with the same names
    as a ``SetFormation``'s (its ``region`` only named, its ``job`` as ``JobFacts``)."""

    id: int
    name: str
    region_id: int | None
    only_asked: bool
    min_size: int
    max_size: int
    weights: dict | None
    status: FormationStatus
    summary: str
    stats: dict | None
    published_at: datetime | None
    region: RegionName | None
    job: JobFacts | None


@cache
def _facts_statement() -> sa.Select:
    """The statement behind ``formation_facts``, built once per process: parameter
    ``formation``."""
    return (sa.select(SetFormation.id, SetFormation.name, SetFormation.region_id,
                      SetFormation.only_asked, SetFormation.min_size, SetFormation.max_size,
                      SetFormation.weights, SetFormation.status, SetFormation.summary,
                      SetFormation.stats, SetFormation.published_at,
                      Region.name.label("region"), Job.id.label("job_id"),
                      Job.status.label("job_status"), Job.progress, Job.message, Job.error)
            .outerjoin(Region, Region.id == SetFormation.region_id)
            .outerjoin(Job, Job.id == SetFormation.job_id)
            .where(SetFormation.id == sa.bindparam("formation", type_=sa.Integer())))


def _json_value(value):
    # A JSON column read as driver text on PostgreSQL comes as its value; SQLite's as text.
    return json.loads(value) if isinstance(value, str) else value


def formation_facts(formation_id: int) -> FormationFacts | None:
    """The formation, its region's name and its run, as plain values in one statement: for
    pages that only show it (no record, so nothing to keep track of in the session)."""
    found = reads.raw_rows(_facts_statement(), {"formation": formation_id})
    return _facts(found[0]) if found else None


def _facts(row) -> FormationFacts:
    job = None if row.job_id is None else JobFacts(
        row.job_id, JobStatus(row.job_status), row.progress, row.message, row.error)
    return FormationFacts(
        row.id, row.name, row.region_id, bool(row.only_asked), row.min_size, row.max_size,
        _json_value(row.weights), FormationStatus(row.status), row.summary,
        _json_value(row.stats), row.published_at,
        None if row.region is None else RegionName(row.region), job)


def where(formation: SetFormation) -> str:
    return formation.region.name if formation.region else "the whole country"


def default_weights() -> dict[str, float]:
    return bridge.default_group_weights()


def weights_of(formation: SetFormation) -> dict[str, float]:
    return {**default_weights(), **(formation.weights or {})}


def create_formation(actor: User, name: str, region_id: int | None, only_asked: bool,
                     min_size: int, max_size: int, weights: dict[str, float]) -> SetFormation:
    """A new draft formation; FormationError says what to fix."""
    if region_id is not None and db.session.get(Region, region_id) is None:
        raise FormationError("Pick a region from the list, or the whole country.")
    if not 2 <= min_size <= max_size:
        raise FormationError("The smallest size must be at least 2 and no more than the "
                             "largest.")
    try:
        bridge.check_group_weights(weights)
    except ValueError as exc:
        raise FormationError("Give each weight as a number of 0 or more, and at least one "
                             "more than 0.") from exc
    formation = SetFormation(name=name.strip(), region_id=region_id, only_asked=only_asked,
                             min_size=min_size, max_size=max_size,
                             weights={k: float(weights[k]) for k in WEIGHT_NAMES},
                             status=FormationStatus.DRAFT, created_by_id=actor.id)
    db.session.add(formation)
    db.session.flush()
    audit.record(actor, "formation.created", formation, name=formation.name,
                 region_id=region_id, only_asked=only_asked, sizes=[min_size, max_size])
    db.session.commit()
    return formation


def change_settings(actor: User, formation: SetFormation, min_size: int, max_size: int,
                    weights: dict[str, float]) -> Job:
    """New sizes and weights for a formation not yet published, then form the sets again with
    them (any draft sets, and moves made by hand, are replaced by the new run)."""
    _editable(formation)
    if not 2 <= min_size <= max_size:
        raise FormationError("The smallest size must be at least 2 and no more than the "
                             "largest.")
    try:
        bridge.check_group_weights(weights)
    except ValueError as exc:
        raise FormationError("Give each weight as a number of 0 or more, and at least one "
                             "more than 0.") from exc
    formation.min_size, formation.max_size = min_size, max_size
    formation.weights = {k: float(weights[k]) for k in WEIGHT_NAMES}
    audit.record(actor, "formation.settings_changed", formation, sizes=[min_size, max_size],
                 weights=formation.weights)
    db.session.flush()
    return start_run(actor, formation)


def _editable(formation: SetFormation) -> None:
    if formation.status == FormationStatus.RUNNING:
        raise FormationError("The sets are being formed. Wait for it to finish.")
    if formation.status == FormationStatus.PUBLISHED:
        raise FormationError("These sets are published, so they can't be formed again. Start "
                             "a new formation.")


# ---------------------------------------------------------------- running


def start_run(actor: User, formation: SetFormation) -> Job:
    """Queue the engine for this formation (again, if it ran before)."""
    _editable(formation)
    changed = db.session.execute(
        sa.update(SetFormation)
        .where(SetFormation.id == formation.id, SetFormation.status.in_(EDITABLE))
        .values(status=FormationStatus.RUNNING)
    ).rowcount
    if not changed:
        db.session.rollback()
        raise FormationError("The sets are already being formed.")
    audit.record(actor, "formation.run", formation)
    job = formation.job
    if job is not None:
        db.session.commit()
        return jobs.rerun(job)
    job = jobs.new(RUN_KIND, {"formation_id": formation.id}, actor)
    formation.job = job
    db.session.commit()
    jobs.queue(job)
    return job


def _mark_failed(job: Job) -> None:
    db.session.execute(
        sa.update(SetFormation)
        .where(SetFormation.id == job.params["formation_id"],
               SetFormation.status == FormationStatus.RUNNING)
        .values(status=FormationStatus.FAILED))
    db.session.commit()


@jobs.runner(RUN_KIND, on_failure=_mark_failed)
def run_formation(job: Job, report: jobs.Report) -> str:
    """The task: read the pool, form the sets, save them as drafts with who was left out."""
    formation = db.session.get(SetFormation, job.params["formation_id"])
    if formation is None:
        raise jobs.JobError("This formation no longer exists.")
    report(5, "Reading who can join a set.")
    pool = bridge.load_set_pool(formation.region_id, formation.only_asked)
    if len(pool.members) < formation.min_size:
        raise jobs.JobError(
            f"Only {len(pool.members)} {'member' if len(pool.members) == 1 else 'members'} "
            f"can be placed, fewer than the smallest set of {formation.min_size}. See who is "
            "left out and why on the formation's page.")
    report(15, f"Forming sets of {formation.min_size} to {formation.max_size} from "
               f"{len(pool.members)} members.")
    result = bridge.form_sets(pool.members, formation.min_size, formation.max_size,
                              weights_of(formation))
    report(85, "Saving the draft sets.")
    _clear_drafts(formation)
    by_id = {m.id: m for m in pool.members}
    region_ids = dict(db.session.execute(sa.select(Region.name, Region.id)).all())
    drafts = []
    for number, s in enumerate(result.sets, start=1):
        members = [by_id[i] for i in s.member_ids]
        drafts.append(LearningSet(
            formation_id=formation.id, name=f"Set {number}", status=SetStatus.DRAFT,
            region_id=region_ids.get(s.region), meets_online=not s.in_person,
            themes=bridge.shared_needs(members), quality=s.quality, summary=s.summary,
            needs_look=s.has_isolated_member))
    db.session.add_all(drafts)
    db.session.flush()
    memberships = [{"set_id": draft.id, "user_id": bridge.user_id(i)}
                   for draft, s in zip(drafts, result.sets, strict=True) for i in s.member_ids]
    if memberships:
        db.session.execute(sa.insert(SetMembership), memberships)
    unplaced = {bridge.user_id(u.member_id): u.reason for u in result.unplaced}
    unplaced.update(pool.left_out)
    if unplaced:
        db.session.execute(sa.insert(FormationUnplaced), [
            {"formation_id": formation.id, "user_id": uid, "reason": reason}
            for uid, reason in sorted(unplaced.items())])
    formation.summary = _summary_words(result, len(pool.members))
    formation.stats = {
        "members": len(pool.members), "left_out": len(pool.left_out),
        "sets": len(result.sets), "placed": len(pool.members) - len(result.unplaced),
        "unplaced": len(result.unplaced), "needs_look": sum(s.has_isolated_member
                                                            for s in result.sets),
        "worst_quality": result.worst_quality, "mean_quality": result.mean_quality,
        "unplaced_status": result.unplaced_status,
        "seconds_engine": result.stats.get("seconds_total"),
    }
    formation.status = FormationStatus.PREVIEW
    db.session.commit()
    return f"Formed {len(result.sets)} sets from {len(pool.members)} members."


def _clear_drafts(formation: SetFormation) -> None:
    draft_ids = sa.select(LearningSet.id).where(LearningSet.formation_id == formation.id,
                                                LearningSet.status == SetStatus.DRAFT)
    db.session.execute(sa.delete(SetMembership).where(SetMembership.set_id.in_(draft_ids)))
    db.session.execute(sa.delete(LearningSet).where(LearningSet.formation_id == formation.id,
                                                    LearningSet.status == SetStatus.DRAFT))
    db.session.execute(sa.delete(FormationUnplaced)
                       .where(FormationUnplaced.formation_id == formation.id))


def _summary_words(result, members: int) -> str:
    placed = members - len(result.unplaced)
    text = f"{placed} of {members} members placed in {len(result.sets)} sets. "
    if not result.unplaced:
        text += "Everyone who could be placed is placed. "
    elif result.proven_min_unplaced:
        text += "No arrangement that keeps to the rules places more. "
    else:
        text += "The search may have missed an arrangement that places more. "
    if result.sets:
        text += (f"The weakest set scores {result.worst_quality:.0f} out of 100 and the average "
                 f"is {result.mean_quality:.0f}.")
    return text.strip()


def quality_words(quality: float | None) -> str:
    """A set's quality (0-100) in words."""
    if quality is None:
        return "Not measured: the set breaks a rule"
    if quality >= 85:
        return f"Very good ({quality:.0f} out of 100)"
    if quality >= 70:
        return f"Good ({quality:.0f} out of 100)"
    if quality >= 50:
        return f"Fair ({quality:.0f} out of 100)"
    return f"Weak ({quality:.0f} out of 100)"


# ---------------------------------------------------------------- the preview


@dataclass
class SetView:
    """One draft or active set as the coordinator sees it."""

    row: SetRow
    members: list[MemberName]
    where: str
    quality: str
    themes: list[str]
    rules: bridge.RuleState
    facilitator: str = ""


def sets_query(formation: SetFormation) -> sa.Select:
    return (sa.select(LearningSet).where(LearningSet.formation_id == formation.id)
            .options(sa.orm.selectinload(LearningSet.members).selectinload(SetMembership.user),
                     sa.orm.selectinload(LearningSet.region),
                     sa.orm.selectinload(LearningSet.facilitator))
            .order_by(LearningSet.id))


def meets_where(row: LearningSet) -> str:
    if row.meets_online:
        return "Online"
    return f"In person in {row.region.name}" if row.region else "In person"


def _current(row: LearningSet) -> list[SetMembership]:
    return sorted((m for m in row.members if m.left_at is None),
                  key=lambda m: (m.user.display_name.casefold(), m.user_id))


@dataclass(frozen=True)
class SetRow:
    """What the preview shows of a set itself (``preview_page``)."""

    id: int
    name: str
    status: SetStatus
    summary: str
    needs_look: bool


@dataclass(frozen=True)
class MemberName:
    id: int
    display_name: str


def _where_words(meets_online: bool, region: str | None) -> str:
    if meets_online:
        return "Online"
    return f"In person in {region}" if region else "In person"


@cache
def _preview_statement() -> sa.Select:
    """The statement behind ``preview_page``, built once per process: parameters
    ``formation``, ``per_page`` and ``skip``. A row for each current member of each set on the
    page (one with no member for an empty set), in the sets' order, each with the set's
    columns, its region's and facilitator's names, the number of the formation's sets and what
    the set's rules read of the member (``bridge.set_rule_columns``)."""
    shown = (sa.select(LearningSet.id, LearningSet.name, LearningSet.status,
                       LearningSet.meets_online, LearningSet.themes, LearningSet.quality,
                       LearningSet.summary, LearningSet.needs_look, LearningSet.region_id,
                       LearningSet.facilitator_id, sa.func.count().over().label("total"))
             .where(LearningSet.formation_id == sa.bindparam("formation", type_=sa.Integer()))
             .order_by(LearningSet.id)
             .limit(sa.bindparam("per_page", type_=sa.Integer()))
             .offset(sa.bindparam("skip", type_=sa.Integer()))).subquery("shown")
    place = sa.orm.aliased(Region, name="place")
    facilitator = sa.orm.aliased(User, name="facilitator")
    query = (sa.select(shown.c.id, shown.c.name, shown.c.status,
                       shown.c.meets_online.label("set_online"),
                       shown.c.themes, shown.c.quality, shown.c.summary, shown.c.needs_look,
                       shown.c.total, place.name.label("place"),
                       facilitator.display_name.label("facilitator"),
                       User.id.label("user_id"), User.display_name,
                       *bridge.set_rule_columns())
             .select_from(shown)
             .outerjoin(place, place.id == shown.c.region_id)
             .outerjoin(facilitator, facilitator.id == shown.c.facilitator_id)
             .outerjoin(SetMembership, (SetMembership.set_id == shown.c.id)
                        & SetMembership.left_at.is_(None))
             .outerjoin(User, User.id == SetMembership.user_id))
    return bridge.set_rule_joins(query, User.id).order_by(shown.c.id)


def preview_page(formation: SetFormation, page: int, per_page: int) -> paging.Page:
    """Page ``page`` of the formation's sets (``SetView``s, by id), each rule checked by the
    engine's ``set_violations`` on what it reads of their members, with the number of sets in
    all: one statement (a page past the end counts the sets apart)."""
    page = max(page, 1)
    rows = reads.raw_rows(_preview_statement(), {
        "formation": formation.id, "per_page": per_page, "skip": (page - 1) * per_page})
    by_set: dict[int, list] = {}
    for row in rows:
        by_set.setdefault(row.id, []).append(row)
    views = []
    for found in by_set.values():
        first = found[0]
        members = sorted((row for row in found if row.user_id is not None),
                         key=lambda row: (row.display_name.casefold(), row.user_id))
        engine = [bridge.rule_member(row.organisation_id, row.region, row.meets_online, row.mode)
                  for row in members if row.usable]
        rules = bridge.rule_state(engine, formation.min_size, formation.max_size)
        if len(engine) != len(members):  # someone's profile changed since: count them anyway
            rules = bridge.RuleState(len(members), formation.min_size <= len(members)
                                     <= formation.max_size, rules.one_per_organisation,
                                     rules.one_region, rules.online_only_kept)
        themes = first.themes
        views.append(SetView(
            row=SetRow(first.id, first.name, SetStatus(first.status), first.summary,
                       bool(first.needs_look)),
            members=[MemberName(row.user_id, row.display_name) for row in members],
            where=_where_words(first.set_online, first.place),
            quality=quality_words(first.quality),
            themes=bridge.topic_names(_json_value(themes) or []),
            rules=rules, facilitator=first.facilitator or ""))
    if rows:
        total = rows[0].total
    elif page == 1:
        total = 0
    else:
        total = db.session.scalar(sa.select(sa.func.count()).select_from(LearningSet)
                                  .where(LearningSet.formation_id == formation.id))
    return paging.Page(views, total, page, per_page)


def unplaced_query(formation: SetFormation) -> sa.Select:
    return (sa.select(FormationUnplaced)
            .join(User, User.id == FormationUnplaced.user_id)
            .where(FormationUnplaced.formation_id == formation.id)
            .order_by(User.display_name, User.id))


def unplaced_page(formation: SetFormation, page: int, per_page: int) -> paging.Page:
    """A page of ``unplaced_query``'s rows as plain values (``user_id``, ``reason`` and the
    member's ``name``) with the number in all, in one statement. (A page past the end is
    empty and its total not counted: the page then shows no pages.)"""
    found = unplaced_query(formation).with_only_columns(
        FormationUnplaced.user_id, FormationUnplaced.reason, User.display_name.label("name"),
        sa.func.count().over().label("total"))
    page = max(page, 1)
    rows = db.session.execute(found.limit(per_page).offset((page - 1) * per_page)).all()
    return paging.Page(rows, rows[0].total if rows else 0, page, per_page)


def set_choices(formation: SetFormation) -> list[tuple[int, str]]:
    return list(db.session.execute(
        sa.select(LearningSet.id, LearningSet.name)
        .where(LearningSet.formation_id == formation.id).order_by(LearningSet.id)).all())


# ---------------------------------------------------------------- moving a member


@dataclass
class MoveCheck:
    """What a move would do: the warnings (empty when every rule still holds)."""

    user: User
    source: LearningSet
    target: LearningSet
    warnings: list[str] = field(default_factory=list)


def _set_of(formation: SetFormation, set_id: int) -> LearningSet:
    row = db.session.get(LearningSet, set_id)
    if row is None or row.formation_id != formation.id:
        raise FormationError("Pick one of this formation's sets.")
    return row


def _member_ids(row: LearningSet) -> list[int]:
    return list(db.session.scalars(
        sa.select(SetMembership.user_id)
        .where(SetMembership.set_id == row.id, SetMembership.left_at.is_(None))))


def _rule_warnings(name: str, row: LearningSet, engine: list, lo: int, hi: int,
                   who: str, verb: str) -> list[str]:
    """The broken rules of one set after the move, in a coordinator's words."""
    state = bridge.rule_state(engine, lo, hi)
    out = []
    if not state.size_ok:
        n = state.size
        members = "member" if n == 1 else "members"
        if n < lo:
            out.append(f"{verb} {who} makes {name} too small: it would have {n} {members}, "
                       f"fewer than {lo}.")
        else:
            out.append(f"{verb} {who} makes {name} too big: it would have {n} {members}, "
                       f"more than {hi}.")
    if not state.one_per_organisation:
        out.append(f"{name} would have two members from one organisation.")
    if not state.one_region:
        out.append(f"{name} meets in person and would have members from more than one "
                   "region.")
    if not state.online_only_kept:
        out.append(f"{name} meets in person and would have someone who asked to meet only "
                   "online.")
    return out


def check_move(formation: SetFormation, user_id: int, target_id: int) -> MoveCheck:
    """Every rule of both sets checked again for moving one member (the engine's
    ``set_violations`` through the bridge): a fixed number of queries, a few milliseconds."""
    if formation.status != FormationStatus.PREVIEW:
        raise FormationError("Members can only be moved while the sets are a draft.")
    target = _set_of(formation, target_id)
    source = db.session.scalars(
        sa.select(LearningSet).join(SetMembership, SetMembership.set_id == LearningSet.id)
        .where(LearningSet.formation_id == formation.id, SetMembership.user_id == user_id,
               SetMembership.left_at.is_(None))).first()
    if source is None:
        raise FormationError("That member isn't in one of this formation's sets.")
    if source.id == target.id:
        raise FormationError(f"They are already in {target.name}.")
    user = db.session.get(User, user_id)
    both = db.session.execute(
        sa.select(SetMembership.set_id, SetMembership.user_id)
        .where(SetMembership.set_id.in_([source.id, target.id]),
               SetMembership.left_at.is_(None))).all()
    source_ids = [u for s, u in both if s == source.id]
    target_ids = [u for s, u in both if s == target.id]
    people = bridge.set_members([*source_ids, *target_ids])
    after_source = [people[u] for u in source_ids if u != user_id and u in people]
    after_target = [people[u] for u in [*target_ids, user_id] if u in people]
    lo, hi = formation.min_size, formation.max_size
    who = user.display_name
    warnings = _rule_warnings(target.name, target, after_target, lo, hi, who, "Moving")
    if after_source:
        warnings += _rule_warnings(source.name, source, after_source, lo, hi, who,
                                   "Moving")
    return MoveCheck(user, source, target, warnings)


def move_member(actor: User, formation: SetFormation, user_id: int, target_id: int) -> MoveCheck:
    """Move a member between two draft sets and ask the engine about both sets again."""
    check = check_move(formation, user_id, target_id)
    membership = db.session.get(SetMembership, (check.source.id, user_id))
    db.session.delete(membership)
    db.session.flush()
    db.session.add(SetMembership(set_id=check.target.id, user_id=user_id))
    db.session.flush()
    for row in (check.source, check.target):
        _reassess(formation, row)
    audit.record(actor, "formation.member_moved", formation, user_id=user_id,
                 from_set=check.source.id, to_set=check.target.id,
                 warnings=len(check.warnings))
    db.session.commit()
    return check


def _reassess(formation: SetFormation, row: LearningSet) -> None:
    ids = _member_ids(row)
    if not ids:
        db.session.delete(row)
        return
    engine = list(bridge.set_members(ids).values())
    seen = bridge.assess_set(engine, weights_of(formation))
    # needs_look stays what the formation run said: re-checking it here would tell the
    # coordinator whether the person just moved is the only one of an affinity network.
    row.quality, row.summary = seen.quality, seen.summary
    row.themes = bridge.shared_needs(engine)
    row.meets_online = not seen.in_person
    if seen.region:
        row.region_id = db.session.scalar(sa.select(Region.id).where(Region.name == seen.region))
    elif seen.in_person:
        row.region_id = None  # members from several regions: no one place to meet


# ---------------------------------------------------------------- facilitators


# At most this many facilitators are offered at once: a site has thousands of mentors, so the
# page offers the first by name and a search by name for the others.
FACILITATORS_SHOWN = 100


def _facilitators() -> sa.Select:
    """Mentors and coordinators with an active account."""
    return sa.select(User.id, User.display_name).where(
        User.is_active_account.is_(True),
        sa.exists().where(UserRole.user_id == User.id,
                          UserRole.role.in_([Role.MENTOR, Role.COORDINATOR])))


def _first_facilitators(searching: bool) -> sa.Select:
    """The first ``FACILITATORS_SHOWN`` + 1 facilitators by name, of those whose lowercased
    name holds parameter ``name`` when ``searching``: ``id`` and ``display_name``."""
    first = _facilitators()
    if searching:
        first = first.where(contains(sa.func.lower(User.display_name),
                                     sa.bindparam("name", type_=sa.String())))
    # The limit written in the SQL, not sent as a parameter: PostgreSQL's plan kept for a
    # prepared statement then costs the same as one made for the values sent, so it is kept
    # rather than planned again (about 0.3 ms) on every request.
    return (first.order_by(User.display_name, User.id)
            .limit(sa.literal_column(str(FACILITATORS_SHOWN + 1), sa.Integer())))


@cache
def _choices_statement(searching: bool, keeping: bool) -> sa.Select:
    """The statement behind ``facilitator_choices``, built once per process: the first
    ``FACILITATORS_SHOWN`` + 1 by name (``kept`` false), of those whose lowercased name holds
    parameter ``name`` when ``searching``; with ``keeping``, also the one of parameter ``keep``
    if they may facilitate (``kept`` true)."""
    first = (_first_facilitators(searching)
             .add_columns(sa.literal(False).label("kept")).subquery())
    stmt = sa.select(first.c.id, first.c.display_name, first.c.kept)
    if keeping:
        stmt = sa.union_all(stmt, _facilitators().add_columns(sa.literal(True).label("kept"))
                            .where(User.id == sa.bindparam("keep", type_=sa.Integer())))
    return stmt


def _choices(found: list[tuple[int, str]], kept: tuple[int, str] | None
             ) -> tuple[list[tuple[int, str]], int, bool]:
    """``facilitator_choices`` of the first found by name and the one kept, if any."""
    more = len(found) > FACILITATORS_SHOWN
    shown = found[:FACILITATORS_SHOWN]
    if kept is not None and kept not in shown:
        return sorted([*shown, kept], key=lambda choice: (choice[1], choice[0])), len(shown), more
    return shown, len(shown), more


def facilitator_choices(name: str = "", keep: int | None = None
                        ) -> tuple[list[tuple[int, str]], int, bool]:
    """Mentors and coordinators with an active account by name: the first
    ``FACILITATORS_SHOWN`` (of those whose name holds ``name``, when given), with ``keep`` (the
    set's facilitator, or the one chosen) among them if they may facilitate; and whether more
    match than are shown, with how many of those shown match. One statement: the open
    accounts' names are read in order until enough are found."""
    params = {}
    if name:
        params["name"] = name.lower()
    if keep is not None:
        params["keep"] = keep
    rows = reads.raw_rows(_choices_statement(bool(name), keep is not None), params)
    kept = [(r[0], r[1]) for r in rows if r[2]]
    return _choices([(r[0], r[1]) for r in rows if not r[2]], kept[0] if kept else None)


class FacilitatedSet(NamedTuple):
    """A set as its facilitator page shows it (the names of a ``LearningSet``'s)."""

    id: int
    name: str
    formation_id: int
    facilitator_id: int | None


@cache
def _facts_and_set_statement() -> sa.Select:
    """``_facts_statement`` with one of the formation's sets (parameter ``set``), if it is
    one: ``set_id``, ``set_name`` and ``facilitator_id``, or none."""
    return (_facts_statement()
            .add_columns(LearningSet.id.label("set_id"), LearningSet.name.label("set_name"),
                         LearningSet.facilitator_id)
            .outerjoin(LearningSet, sa.and_(
                LearningSet.id == sa.bindparam("set", type_=sa.Integer()),
                LearningSet.formation_id == SetFormation.id)))


@cache
def _set_and_choices_statement(searching: bool) -> sa.Select:
    """``_facts_and_set_statement`` with the facilitator choices of ``_first_facilitators``
    as a JSON list of [id, name] (``choices``) and the name of the set's facilitator if they
    may still facilitate (``kept_name``)."""
    first = _first_facilitators(searching).subquery()
    kept = (_facilitators().with_only_columns(User.display_name)
            .where(User.id == LearningSet.facilitator_id))
    return _facts_and_set_statement().add_columns(
        sa.select(sql_lists.in_order(sql_lists.json_array(first.c.id, first.c.display_name),
                                     first.c.display_name, first.c.id))
        .scalar_subquery().label("choices"),
        kept.scalar_subquery().label("kept_name"))


def formation_set_and_choices(formation_id: int, set_id: int, name: str = ""
                              ) -> tuple[FormationFacts | None, FacilitatedSet | None,
                                         tuple[list[tuple[int, str]], int, bool]]:
    """``formation_facts``, one of its sets as plain values (none if the set is not one of
    this formation's) and ``facilitator_choices(name, keep=its facilitator)``, in one
    statement: the facilitator page when only shown."""
    params = {"formation": formation_id, "set": set_id}
    if name:
        params["name"] = name.lower()
    found = reads.raw_rows(_set_and_choices_statement(bool(name)), params)
    if not found:
        return None, None, ([], 0, False)
    row = found[0]
    choices = _choices([(i, person) for i, person in _json_value(row.choices) or ()],
                       None if row.kept_name is None else (row.facilitator_id, row.kept_name))
    return _facts(row), (None if row.set_id is None else FacilitatedSet(
        row.set_id, row.set_name, row.id, row.facilitator_id)), choices


def assign_facilitator(actor: User, formation: SetFormation, set_id: int,
                       facilitator_id: int) -> LearningSet:
    row = _set_of(formation, set_id)
    if row.status == SetStatus.CLOSED:
        raise FormationError("This set has closed.")
    allowed = db.session.scalar(
        sa.select(sa.exists().where(UserRole.user_id == User.id, User.id == facilitator_id,
                                    UserRole.role.in_([Role.MENTOR, Role.COORDINATOR]),
                                    User.is_active_account.is_(True))))
    if not allowed:
        raise FormationError("Pick a mentor or coordinator from the list.")
    if facilitator_id in _member_ids(row):
        raise FormationError("A member of the set can't also facilitate it. Pick someone "
                             "else.")
    row.facilitator_id = facilitator_id
    audit.record(actor, "formation.facilitator_assigned", formation, set_id=row.id,
                 facilitator_id=facilitator_id)
    db.session.commit()
    return row


# ---------------------------------------------------------------- publishing


def publish(actor: User, formation_id: int) -> int:
    """Make every draft set active, end the members' requests and tell each member, in one
    transaction: any error leaves everything as it was. A second publish does nothing and
    returns 0. Emails go through the task queue after the commit."""
    try:
        formation = db.session.execute(
            sa.select(SetFormation).where(SetFormation.id == formation_id).with_for_update()
        ).scalar_one()
        if formation.status == FormationStatus.PUBLISHED:
            db.session.rollback()
            return 0
        if formation.status != FormationStatus.PREVIEW:
            raise FormationError("Only formed sets can be published. Form the sets first.")
        # Rows and subqueries rather than objects: a national formation has thousands of sets.
        drafts = sa.select(LearningSet.id).where(LearningSet.formation_id == formation.id,
                                                 LearningSet.status == SetStatus.DRAFT)
        placed = (sa.select(SetMembership.user_id)
                  .where(SetMembership.set_id.in_(drafts), SetMembership.left_at.is_(None)))
        rows = db.session.execute(
            sa.select(SetMembership.user_id, LearningSet.id, LearningSet.name,
                      LearningSet.meets_online)
            .join(LearningSet, LearningSet.id == SetMembership.set_id)
            .where(LearningSet.id.in_(drafts), SetMembership.left_at.is_(None))
            .order_by(LearningSet.id, SetMembership.user_id)).all()
        if not rows:
            raise FormationError("There are no sets with members to publish.")
        busy = db.session.scalar(
            sa.select(sa.func.count(sa.distinct(SetMembership.user_id)))
            .join(LearningSet, LearningSet.id == SetMembership.set_id)
            .where(LearningSet.status == SetStatus.ACTIVE, SetMembership.left_at.is_(None),
                   SetMembership.user_id.in_(placed)))
        if busy:
            raise FormationError(f"{busy} of these members joined another set since the "
                                 "sets were formed. Form the sets again.")
        people = {u.id: u for u in db.session.scalars(
            sa.select(User).where(User.id.in_(placed)))}
        now = utcnow()
        links = {set_id: _set_link(set_id) for set_id in {r[1] for r in rows}}
        notes = [notifications.notify(
            people[user_id], "set_published",
            f"You're in an action learning set: {name}. "
            + ("It meets online." if online else "It meets in person."),
            links[set_id], email=False) for user_id, set_id, name, online in rows]
        db.session.execute(sa.delete(SetRequest).where(SetRequest.user_id.in_(placed)))
        published = db.session.execute(
            sa.update(LearningSet).where(LearningSet.id.in_(drafts))
            .values(status=SetStatus.ACTIVE, published_at=now)
            .execution_options(synchronize_session=False)).rowcount
        member_ids = [user_id for user_id, *_ in rows]
        formation.status, formation.published_at = FormationStatus.PUBLISHED, now
        audit.record(actor, "formation.published", formation, sets=published,
                     members=len(member_ids))
        db.session.flush()
        note_ids = [n.id for n in notes]
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    _email_later(note_ids)
    check_alone_later(formation_id=formation_id)
    return published


def _set_link(set_id: int) -> str:
    # The set's own page belongs to the set pages; until it exists, the member's request page
    # says where they are.
    try:
        return url_for("sets.set_page", set_id=set_id)
    except BuildError:
        return url_for("sets.request_page")


def _email_later(note_ids: list[int]) -> None:
    if not note_ids:
        return
    from netapp.tasks import email_notifications

    site = (request.host_url if has_request_context()
            else f"http://{current_app.config.get('SERVER_NAME') or 'localhost'}/")
    email_notifications(note_ids, site)


# ---------------------------------------------------------------- late joiners


@cache
def _late_joiners(regional: bool) -> sa.Select:
    """Members who asked to join after the formation was published (parameter
    ``published``), in its region when ``regional`` (parameter ``region``), by name: ``id``
    and ``display_name``. Built once per process."""
    query = (sa.select(User.id, User.display_name)
             .join(SetRequest, SetRequest.user_id == User.id)
             .where(SetRequest.created_at > sa.bindparam("published", type_=sa.DateTime()),
                    User.is_active_account.is_(True))
             .order_by(User.display_name, User.id))
    if regional:
        # Each asker's council looked up by their profile's key, not a join: joined, the
        # planner read every profile (25,000) to find the few hundred who asked.
        council = (sa.select(Profile.local_authority_id)
                   .where(Profile.user_id == SetRequest.user_id).scalar_subquery())
        query = query.where(council.in_(
            sa.select(LocalAuthority.id)
            .where(LocalAuthority.region_id == sa.bindparam("region", type_=sa.Integer()))))
    return query


def _late_params(of: SetFormation, **more) -> dict:
    return {"published": of.published_at, **more,
            **({} if of.region_id is None else {"region": of.region_id})}


@cache
def _late_page_statement(regional: bool) -> sa.Select:
    return (_late_joiners(regional).add_columns(sa.func.count().over().label("total"))
            .limit(sa.bindparam("per_page", type_=sa.Integer()))
            .offset(sa.bindparam("skip", type_=sa.Integer())))


def late_joiners_page(formation: SetFormation, page: int, per_page: int) -> paging.Page:
    """A page of the formation's late joiners (``_late_joiners``) as plain rows (``id``,
    ``display_name``) with the number in all, in one statement. (A page past the end is
    empty and its total not counted: the page then shows no pages.)"""
    page = max(page, 1)
    rows = reads.raw_rows(_late_page_statement(formation.region_id is not None),
                          _late_params(formation, per_page=per_page,
                                       skip=(page - 1) * per_page))
    return paging.Page(rows, rows[0].total if rows else 0, page, per_page)


@dataclass
class Proposal:
    set_id: int
    name: str
    where: str
    quality: str
    themes: list[str]
    size: int


def propose_sets(formation: SetFormation, user_id: int,
                 report: jobs.Report | None = None) -> tuple[list[Proposal], str]:
    """The active sets of this formation where the member can join with every rule still kept,
    best first, or the reason there are none.

    Each candidate set is checked with the engine's ``set_violations`` (through the bridge),
    then the sets that keep every rule are measured by the engine itself: ``form_groups`` on
    the set plus the member, with that size as both bounds and no search (``assess_set``). That
    gives the same quality the preview shows, and the proposal ranks sets by it. Whether the
    joiner would be the only one of an affinity network is deliberately not asked: the answer,
    or an order that depends on it, would tell the coordinator about this named person. A full
    ``form_groups`` run over the whole formation would be allowed to move people who are
    already meeting, which a late joiner must not do. It costs a millisecond or two per set
    that keeps the rules.
    """
    if formation.status != FormationStatus.PUBLISHED:
        raise FormationError("Late joiners are added once the sets are published.")
    joiner = bridge.set_members([user_id]).get(user_id)
    if joiner is None:
        raise FormationError("This member's profile isn't complete enough to place them: "
                             "they need a council area, level, service and a "
                             "self-assessment.")
    if bridge._in_active_set([user_id]):
        raise FormationError("This member is already in a set.")
    rows = list(db.session.scalars(sets_query(formation)
                                   .where(LearningSet.status == SetStatus.ACTIVE)))
    if report:
        report(10, f"Reading the {len(rows)} sets of this formation.")
    people = bridge.set_members(m.user_id for row in rows for m in _current(row))
    scored = []
    step = max(len(rows) // 20, 1)
    for k, row in enumerate(rows):
        if report and k % step == 0:
            report(15 + 80 * k // max(len(rows), 1),
                   f"Checking the rules and measuring: set {k + 1} of {len(rows)}.")
        engine = [people[m.user_id] for m in _current(row) if m.user_id in people]
        candidate = [*engine, joiner]
        if not bridge.rule_state(candidate, formation.min_size, formation.max_size).ok:
            continue
        seen = bridge.assess_set(candidate, weights_of(formation))
        scored.append((-(seen.quality or 0), row.id, Proposal(
            row.id, row.name, meets_where(row), quality_words(seen.quality),
            bridge.topic_names(bridge.shared_needs(candidate)), len(candidate))))
    scored.sort(key=lambda x: x[:2])
    if not scored:
        return [], ("No set can take them with every rule kept: each is full, has someone from "
                    "their organisation, or meets in person in another region.")
    return [p for *_, p in scored], ""


def _late_jobs(formation: SetFormation, user_id: int) -> sa.Select:
    return (sa.select(Job).where(Job.kind == LATE_KIND,
                                 Job.params["formation_id"].as_integer() == formation.id,
                                 Job.params["user_id"].as_integer() == user_id)
            .order_by(Job.id.desc()).limit(1))


def _fresh(job: Job | None) -> Job | None:
    if job is not None and not job.status.is_finished:
        jobs.give_up_if_stale(job)
    return job


def late_job(formation: SetFormation, user_id: int) -> Job | None:
    """The latest search for sets for this late joiner (one query), stale ones given up."""
    return _fresh(db.session.scalars(_late_jobs(formation, user_id)).first())


class LatePerson(NamedTuple):
    id: int
    display_name: str


@cache
def _late_person_statement(regional: bool, with_job: bool) -> sa.Select:
    """One late joiner (parameter ``user``) of ``_late_joiners``; ``with_job``, with the
    latest search for their sets of the formation (parameter ``formation``) as ``late_job``
    finds it, or none."""
    query = _late_joiners(regional).where(User.id == sa.bindparam("user", type_=sa.Integer()))
    if not with_job:
        return query
    latest = (sa.select(Job.id).where(
        Job.kind == LATE_KIND,
        Job.params["formation_id"].as_integer() == sa.bindparam("formation",
                                                                 type_=sa.Integer()),
        Job.params["user_id"].as_integer() == sa.bindparam("user", type_=sa.Integer()))
        .order_by(Job.id.desc()).limit(1).scalar_subquery())
    return query.add_columns(Job).outerjoin(Job, Job.id == latest)


def late_person(formation: SetFormation, user_id: int) -> LatePerson | None:
    """The member if they are one of the formation's late joiners (``_late_joiners``)."""
    found = reads.raw_rows(_late_person_statement(formation.region_id is not None, False),
                           _late_params(formation, user=user_id))
    return LatePerson(*found[0]) if found else None


def late_person_and_job(formation: SetFormation,
                        user_id: int) -> tuple[LatePerson | None, Job | None]:
    """``late_person`` and, when there is one, ``late_job``, in one statement."""
    found = db.session.execute(
        _late_person_statement(formation.region_id is not None, True),
        _late_params(formation, user=user_id, formation=formation.id)).first()
    if found is None:
        return None, None
    return LatePerson(found[0], found[1]), _fresh(found[2])


def start_late_proposals(actor: User, formation: SetFormation, user_id: int) -> Job:
    """Queue the search for the sets this late joiner can join (again, if it ran before)."""
    if formation.status != FormationStatus.PUBLISHED:
        raise FormationError("Late joiners are added once the sets are published.")
    job = late_job(formation, user_id)
    audit.record(actor, "formation.late_joiner_search", formation, user_id=user_id)
    if job is not None:
        db.session.commit()
        return jobs.rerun(job)
    job = jobs.new(LATE_KIND, {"formation_id": formation.id, "user_id": user_id}, actor)
    db.session.commit()
    jobs.queue(job)
    return job


def late_proposals(job: Job | None) -> tuple[list[Proposal], str]:
    """The proposals a finished search found, best first, or the reason there are none."""
    if job is None or job.status.value != "done":
        return [], ""
    found = job.params.get("proposals") or []
    return [Proposal(**p) for p in found], job.params.get("reason", "")


@jobs.runner(LATE_KIND)
def run_late_proposals(job: Job, report: jobs.Report) -> str:
    """The task: the sets one late joiner can join with every rule kept, measured and ranked
    (``propose_sets``), kept on the job for the coordinator to choose from."""
    formation = db.session.get(SetFormation, job.params["formation_id"])
    user_id = job.params["user_id"]
    if formation is None:
        raise jobs.JobError("This formation no longer exists.")
    still = db.session.scalar(sa.select(sa.exists().where(SetRequest.user_id == user_id)))
    if not still:
        raise jobs.JobError("This member no longer asks to join a set, or is in one already.")
    try:
        proposals, reason = propose_sets(formation, user_id, report)
    except FormationError as problem:
        raise jobs.JobError(str(problem)) from problem
    report(98, "Saving what was found.")
    job.params = {"formation_id": formation.id, "user_id": user_id,
                  "proposals": [asdict(p) for p in proposals], "reason": reason}
    db.session.commit()
    if not proposals:
        return "No set can take them with every rule kept."
    return (f"{len(proposals)} {'set' if len(proposals) == 1 else 'sets'} can take them with "
            "every rule kept.")


def add_late_joiner(actor: User, formation: SetFormation, user_id: int,
                    set_id: int) -> LearningSet:
    """Add the member to one of the sets proposed, and tell them. Only that set's rules are
    checked again here (quick): the search itself runs in the task queue."""
    if formation.status != FormationStatus.PUBLISHED:
        raise FormationError("Late joiners are added once the sets are published.")
    row = _set_of(formation, set_id)
    if row.status != SetStatus.ACTIVE:
        raise FormationError("That set isn't meeting any more. Find sets for them again.")
    joiner = bridge.set_members([user_id]).get(user_id)
    if joiner is None:
        raise FormationError("This member's profile isn't complete enough to place them: "
                             "they need a council area, level, service and a "
                             "self-assessment.")
    if bridge._in_active_set([user_id]):
        raise FormationError("This member is already in a set.")
    engine = list(bridge.set_members(_member_ids(row)).values())
    if not bridge.rule_state([*engine, joiner], formation.min_size, formation.max_size).ok:
        raise FormationError(f"{row.name} can't take them any more with every rule kept (it "
                             "changed since the search). Find sets for them again.")
    user = db.session.get(User, user_id)
    db.session.add(SetMembership(set_id=row.id, user_id=user_id))
    db.session.flush()
    _reassess(formation, row)
    db.session.execute(sa.delete(SetRequest).where(SetRequest.user_id == user_id))
    notifications.notify(user, "set_published",
                         f"You're in an action learning set: {row.name}. "
                         + ("It meets online." if row.meets_online else "It meets in person."),
                         _set_link(row.id))
    audit.record(actor, "formation.late_joiner_added", formation, set_id=row.id,
                 user_id=user_id)
    db.session.commit()
    check_alone_later(set_ids=[row.id])
    return row


# ---------------------------------------------------------------- on their own in a set


def check_alone_later(*, set_ids: list[int] | None = None,
                      formation_id: int | None = None) -> None:
    """After a publish, a late join or someone leaving: queue the private check of who is now
    the only one of an affinity network in their set (``run_alone_check``).

    It is queued every time, whatever the sets hold, and the job's words never change, so
    nothing a coordinator can see or time differs when someone is on their own.
    """
    jobs.start(ALONE_KIND, {"set_ids": sorted(set_ids or []), "formation_id": formation_id},
               None)


@jobs.runner(ALONE_KIND)
def run_alone_check(job: Job, report: jobs.Report) -> str:
    """Tell each member who is the only one of one of their affinity networks in an active set,
    privately and once per set, that they can ask to change set. Nothing else is written: no
    flag, no audit entry, no count."""
    query = (sa.select(SetMembership.set_id, SetMembership.user_id, LearningSet.name)
             .join(LearningSet, LearningSet.id == SetMembership.set_id)
             .where(LearningSet.status == SetStatus.ACTIVE, SetMembership.left_at.is_(None)))
    if job.params.get("formation_id") is not None:
        query = query.where(LearningSet.formation_id == job.params["formation_id"])
    else:
        query = query.where(LearningSet.id.in_(job.params.get("set_ids") or []))
    rows = db.session.execute(query).all()
    people = bridge.set_members(uid for _, uid, _ in rows)
    by_set: dict[int, list] = {}
    names: dict[int, str] = {}
    for set_id, uid, name in rows:
        names[set_id] = name
        if uid in people:
            by_set.setdefault(set_id, []).append(people[uid])
    lone = [(set_id, uid) for set_id, members in sorted(by_set.items())
            for uid in bridge.lone_in_set(members)]
    with current_app.test_request_context():
        links = {set_id: url_for("sets.ask_change", set_id=set_id) for set_id, _ in lone}
    told = set(db.session.execute(
        sa.select(Notification.user_id, Notification.link)
        .where(Notification.kind == "set_alone",
               Notification.user_id.in_({uid for _, uid in lone}))).all()) if lone else set()
    users = {u.id: u for u in db.session.scalars(
        sa.select(User).where(User.id.in_({uid for _, uid in lone})))} if lone else {}
    notes = [notifications.notify(users[uid], "set_alone", ALONE_NOTE.format(name=names[sid]),
                                  links[sid], email=False)
             for sid, uid in lone if (uid, links[sid]) not in told]
    db.session.flush()
    note_ids = [n.id for n in notes]
    db.session.commit()
    _email_later(note_ids)
    return "Checked."


def mover(formation: SetFormation, user_id: int) -> tuple[User, LearningSet] | None:
    """The member and the draft set they are in now, or None if they aren't in one."""
    found = db.session.execute(
        sa.select(User, LearningSet)
        .join(SetMembership, SetMembership.user_id == User.id)
        .join(LearningSet, LearningSet.id == SetMembership.set_id)
        .where(User.id == user_id, LearningSet.formation_id == formation.id,
               SetMembership.left_at.is_(None))).first()
    return None if found is None else (found[0], found[1])


def publish_counts(formation: SetFormation) -> dict[str, int]:
    """How many sets and members a publish would make active, and sets with no facilitator."""
    drafts = (sa.select(LearningSet.id).where(LearningSet.formation_id == formation.id,
                                             LearningSet.status == SetStatus.DRAFT))
    sets_, without = db.session.execute(
        sa.select(sa.func.count(), sa.func.count().filter(LearningSet.facilitator_id.is_(None)))
        .where(LearningSet.id.in_(drafts))).one()
    members = db.session.scalar(sa.select(sa.func.count()).select_from(SetMembership)
                                .where(SetMembership.set_id.in_(drafts),
                                       SetMembership.left_at.is_(None)))
    unplaced = db.session.scalar(sa.select(sa.func.count()).select_from(FormationUnplaced)
                                 .where(FormationUnplaced.formation_id == formation.id))
    return {"sets": sets_, "members": members or 0, "without_facilitator": without,
            "unplaced": unplaced or 0}
